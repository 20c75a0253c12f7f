//! Use cases: each public function is one transaction on behalf of one actor.

pub mod activity;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod brands;
pub mod catalogue;
pub mod communities;
pub mod consent;
pub mod customers;
pub mod dashboard;
pub mod demo;
pub mod demo_crowd;
pub mod demo_orders;
pub mod housekeeping;
pub mod import;
pub mod import_customers;
pub mod jobs;
pub mod links;
pub mod members;
pub mod orders;
pub mod payments;
pub mod refund_requests;
pub mod regions;
pub mod sandbox_gateway;
pub mod screening;
pub mod segments;
pub mod shop;
pub mod staff;
pub mod stores;
pub mod tokens;
pub mod verify;
pub mod wechat_pay;
pub mod wecom;
pub mod workbench;

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

/// A page of rows, the cursor for the next one if any, and how many rows match in all
/// (None when the page is empty and there were earlier pages: the count rides on rows).
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `LIMIT size` by a counted list query; a full
    /// page may have a successor.
    pub fn from_rows(
        (items, total): (Vec<T>, Option<i64>),
        size: shequn_domain::PageSize,
        first: bool,
        id: impl Fn(&T) -> i64,
    ) -> Self {
        let next_cursor = if items.len() == size.get() as usize {
            items.last().map(|r| shequn_domain::Cursor(id(r)).encode())
        } else {
            None
        };
        debug_assert!(total.is_none_or(|t| t >= items.len() as i64));
        // An empty first page means nothing matches at all.
        let total = total.or((first && items.is_empty()).then_some(0));
        Page {
            items,
            next_cursor,
            total,
        }
    }

    /// Nothing to show.
    pub fn empty() -> Self {
        Page {
            items: Vec::new(),
            next_cursor: None,
            total: Some(0),
        }
    }
}

/// An open store of the actor's brand that the actor can see, and its region; otherwise a
/// refusal on `store_id` (another brand's store looks like none at all).
pub(crate) async fn open_store(
    tx: &mut crate::storage::db::Tx,
    actor: &Actor,
    id: shequn_domain::StoreId,
) -> Result<shequn_domain::RegionId, crate::AppError> {
    match crate::storage::stores::get(tx, actor.brand, id).await? {
        Some(s) if s.active && actor.can_see_store(s.region_id, id) => Ok(s.region_id),
        _ => Err(crate::AppError::invalid(
            "store_id",
            shequn_domain::Reason::UnknownStore,
        )),
    }
}
