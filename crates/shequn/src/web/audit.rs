//! `/audit`: the operation log (操作日志) of the signed-in manager's scope, each event as a
//! sentence (`super::audit_text`).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use shequn_app::usecases::audit;
use shequn_domain::AuditEntry;
use shequn_domain::PageSize;

use super::audit_text;
use super::chrome::{Chrome, failure_page, local_time, render};
use super::i18n::Lang;
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    list: ListPage<AuditEntry>,
    lang: Lang,
}

impl AuditPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn sentence(&self, e: &AuditEntry) -> String {
        audit_text::sentence(self.lang, e)
    }

    fn subject_link(&self, e: &AuditEntry) -> String {
        match e.subject_type.as_str() {
            "store" => format!("/stores/{}", e.subject_id),
            "staff" => format!("/staff/{}", e.subject_id),
            "region" => format!("/stores?region_id={}", e.subject_id),
            _ => String::new(),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(paging): Query<Paging>,
) -> Response {
    let size = PageSize::default();
    match audit::list(&state.db, &console.actor, paging.cursor(), size).await {
        Ok(page) => render(
            StatusCode::OK,
            &AuditPage {
                c: Chrome::for_console(&console, "audit"),
                list: ListPage::new(page, &paging, "/audit", &[]),
                lang: console.lang,
            },
        ),
        Err(e) => failure_page(&console, e),
    }
}
