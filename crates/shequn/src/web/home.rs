//! `/`: the brand home, with the figures of the signed-in member's scope.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use shequn_app::AppError;
use shequn_app::usecases::audit;
use shequn_app::usecases::dashboard::{self, Counts};
use shequn_domain::AuditEntry;
use shequn_domain::{Cursor, PageSize, Role};

use super::audit_text;
use super::chrome::{Chrome, failure_page, local_time, render};
use super::i18n::Lang;
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(page))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    counts: Counts,
    /// The latest operation-log events of the member's scope (none for shop guides).
    recent: Vec<AuditEntry>,
    lang: Lang,
}

impl HomePage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn sentence(&self, e: &AuditEntry) -> String {
        audit_text::sentence(self.lang, e)
    }
}

/// How many operation-log events the home page shows.
const RECENT_EVENTS: i64 = 8;

async fn page(State(state): State<AppState>, console: Console) -> Response {
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
            let c = Chrome::for_console(&console, "home");
            let lang = console.lang;
            render(
                StatusCode::OK,
                &HomePage {
                    c,
                    counts,
                    recent,
                    lang,
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}
