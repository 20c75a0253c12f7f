//! `/audit`: the operation log (操作日志) of the signed-in manager's scope.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use shequn_app::storage::audit::AuditRow;
use shequn_app::usecases::audit;
use shequn_domain::{Cursor, PageSize};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    events: Vec<AuditRow>,
    next_cursor: Option<String>,
}

impl AuditPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn subject_link(&self, e: &AuditRow) -> String {
        match e.subject_type.as_str() {
            "store" => format!("/stores/{}", e.subject_id),
            "staff" => format!("/staff/{}", e.subject_id),
            "region" => format!("/stores?region_id={}", e.subject_id),
            _ => String::new(),
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let cursor = Cursor::parse(q.cursor.as_deref()).unwrap_or_default();
    let size = PageSize::default();
    match audit::list(&state.db, &console.actor, cursor, size).await {
        Ok(page) => render(
            StatusCode::OK,
            &AuditPage {
                c: Chrome::for_console(&console, "audit"),
                events: page.items,
                next_cursor: page.next_cursor,
            },
        ),
        Err(e) => failure_page(&console, e),
    }
}
