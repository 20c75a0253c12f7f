//! Pages for customers, without sign-in, phone-first and in Chinese: a join link's page
//! (`/j/{code}`) and the unsubscribe page (`/u/{code}`), where the code itself is the
//! credential. The unsubscribe form posts back to the same address; it changes only the
//! consent of the customer the code belongs to, so it needs no CSRF token.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use shequn_app::usecases::{consent, links};

use super::problem::Problem;
use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/j/{code}", get(join_page))
        .route("/u/{code}", get(unsubscribe_page).post(unsubscribe))
}

fn page(status: StatusCode, tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            Problem::internal().into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    found: Option<(String, String)>,
}

async fn join_page(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let found = match links::landing(&state.db, &code).await {
        Ok(f) => f,
        Err(e) => return Problem::from(e).into_response(),
    };
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    page(status, &JoinPage { found })
}

/// What the unsubscribe page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Still consenting: a button to withdraw.
    Ask,
    /// Withdrawn (now or before).
    Done,
    /// No such code.
    Unknown,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    code: String,
    stage: Stage,
}

async fn unsubscribe_page(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let stage = match consent::lookup(&state.db, &code).await {
        Ok(Some(true)) => Stage::Ask,
        Ok(Some(false)) => Stage::Done,
        Ok(None) => Stage::Unknown,
        Err(e) => return Problem::from(e).into_response(),
    };
    let status = if stage == Stage::Unknown {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    page(status, &UnsubscribePage { code, stage })
}

async fn unsubscribe(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match consent::unsubscribe(&state.db, &code).await {
        Ok(Some(())) => page(
            StatusCode::OK,
            &UnsubscribePage {
                code,
                stage: Stage::Done,
            },
        ),
        Ok(None) => page(
            StatusCode::NOT_FOUND,
            &UnsubscribePage {
                code,
                stage: Stage::Unknown,
            },
        ),
        Err(e) => Problem::from(e).into_response(),
    }
}
