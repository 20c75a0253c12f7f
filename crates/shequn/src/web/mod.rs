//! The server-rendered web console for staff: askama templates, zh-CN and English, a
//! session cookie and a CSRF token on every form. One module per page family; each adds
//! its routes in [`router`].

mod account;
mod audit;
pub mod audit_text;
mod chrome;
pub mod error_text;
mod home;
pub mod i18n;
mod login;
mod regions;
mod session;
mod staff;
mod stores;
mod tokens;

use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::http::state::AppState;
pub use chrome::{Chrome, render};
pub use session::Console;

pub fn router(_state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(chrome::switch_language))
        .route("/regions", get(regions::list).post(regions::create))
        .route("/regions/{region_id}", post(regions::update))
        .route("/stores", get(stores::list).post(stores::create))
        .route(
            "/stores/{store_id}",
            get(stores::detail).post(stores::update),
        )
        .route("/staff", get(staff::list).post(staff::create))
        .route("/staff/{staff_id}", get(staff::detail).post(staff::update))
        .route("/staff/{staff_id}/password", post(staff::reset_password))
        .route("/audit", get(audit::list))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{token_id}/revoke", post(tokens::revoke))
        .route(
            "/static/console.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], CSS) }),
        )
        .layer(from_fn(same_origin_forms))
}

const CSS: &str = include_str!("../../templates/console.css");

/// Refuses state-changing requests that a browser marks as coming from another site: a
/// second line of defence beside the per-session CSRF token (and the only one for the
/// login form, which has no session yet).
async fn same_origin_forms(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let h = req.headers();
        let cross_site = h
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_mismatch = match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
            (Some("null"), _) => true,
            (Some(origin), Some(host)) => {
                origin.split_once("://").map(|(_, rest)| rest) != Some(host)
            }
            _ => false,
        };
        if cross_site || origin_mismatch {
            return (
                StatusCode::FORBIDDEN,
                Html("cross-site form submission refused"),
            )
                .into_response();
        }
    }
    next.run(req).await
}

pub fn not_found_page(req: &Request) -> Response {
    let lang = i18n::Lang::from_headers(req.headers());
    chrome::error_page(lang, StatusCode::NOT_FOUND, lang.text().not_found)
}
