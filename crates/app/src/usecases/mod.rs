//! Use cases: each public function is one transaction on behalf of one actor.

pub mod actor;
pub mod auth;
pub mod brands;
pub mod dashboard;
pub mod demo;
pub mod housekeeping;
pub mod regions;
pub mod staff;
pub mod stores;
pub mod tokens;

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
