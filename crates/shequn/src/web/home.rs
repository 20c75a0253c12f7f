//! `/`: the brand home, with the figures of the signed-in member's scope.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::storage::audit::AuditRow;
use shequn_app::usecases::audit;
use shequn_app::usecases::dashboard::{self, Counts};
use shequn_domain::{Cursor, PageSize, Role};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    counts: Counts,
    /// The latest operation-log events of the member's scope (none for shop guides).
    recent: Vec<AuditRow>,
}

impl HomePage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }
}

/// How many operation-log events the home page shows.
const RECENT_EVENTS: i64 = 8;

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<Done>,
) -> Response {
    let loaded = async {
        let counts = dashboard::counts(&state.db, &console.actor).await?;
        let recent = if console.actor.role == Role::ShopGuide {
            Vec::new()
        } else {
            let size = PageSize::parse(Some(RECENT_EVENTS))?;
            audit::list(&state.db, &console.actor, Cursor::default(), size)
                .await?
                .items
        };
        Ok::<_, AppError>((counts, recent))
    }
    .await;
    match loaded {
        Ok((counts, recent)) => {
            let c = Chrome::for_console(&console, "home").with_flash(q.done.as_deref());
            render(StatusCode::OK, &HomePage { c, counts, recent })
        }
        Err(e) => failure_page(&console, e),
    }
}
