//! The server-rendered web console for staff.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Router;

use crate::http::state::AppState;

pub fn router(_state: AppState) -> Router<AppState> {
    Router::new()
}

pub fn not_found_page(_req: &Request) -> Response {
    (StatusCode::NOT_FOUND, Html("<h1>404</h1>")).into_response()
}
