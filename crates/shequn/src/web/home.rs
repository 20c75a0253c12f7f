//! `/`: the brand home, with the figures of the signed-in member's scope.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use shequn_app::usecases::dashboard::{self, Counts};

use super::chrome::{Chrome, render};
use super::session::Console;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    counts: Counts,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<Done>,
) -> Response {
    let counts = dashboard::counts(&state.db, &console.actor)
        .await
        .unwrap_or_default();
    let c = Chrome::for_console(&console, "home").with_flash(q.done.as_deref());
    render(StatusCode::OK, &HomePage { c, counts })
}
