//! `/api/openapi.json` (generated from the handlers) and `/api/docs`, a page that renders
//! it with no external assets, so it works offline and behind a strict CSP.

use std::sync::Arc;

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::OpenApi;

use super::state::AppState;

pub fn router(openapi: Arc<OpenApi>) -> Router<AppState> {
    let doc = openapi.clone();
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .route("/api/docs", get(|| async { Html(DOCS_PAGE) }))
}

const DOCS_PAGE: &str = include_str!("../../templates/api_docs.html");
