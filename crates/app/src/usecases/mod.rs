//! Use cases: each public function is one transaction on behalf of one actor.

pub mod actor;
pub mod audit;
pub mod auth;
pub mod brands;
pub mod dashboard;
pub mod demo;
pub mod housekeeping;
pub mod import;
pub mod regions;
pub mod staff;
pub mod stores;
pub mod tokens;

use shequn_domain::{Actor, AuditAction};

use crate::storage::audit::Event;

/// An audit event by `actor` about `subject_id`, placed where the actor's change landed.
pub(crate) fn event(
    actor: &Actor,
    action: AuditAction,
    subject_id: i64,
    place: shequn_domain::Placement,
    detail: serde_json::Value,
) -> Event {
    Event {
        actor: Some(actor.staff),
        action,
        subject_id,
        region: place.region(),
        store: place.store(),
        detail,
    }
}

/// A page of rows and the cursor for the next one, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `LIMIT size`; a full page may have a successor.
    pub fn from_rows(items: Vec<T>, size: shequn_domain::PageSize, id: impl Fn(&T) -> i64) -> Self {
        let next_cursor = if items.len() == size.get() as usize {
            items.last().map(|r| shequn_domain::Cursor(id(r)).encode())
        } else {
            None
        };
        Page { items, next_cursor }
    }
}
