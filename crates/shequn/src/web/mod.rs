//! The server-rendered web console for staff: askama templates, zh-CN and English, a
//! session cookie and a CSRF token on every form.
//!
//! One module per page family, each with its own `router()`, merged in [`router`]. What a
//! family shares with the others: [`Console`] (the signed-in member, an extractor),
//! [`chrome::Chrome`] (the layout's data), [`list::ListPage`] and `ui::pager` (a list with
//! its paging), [`form::FormState`], `ui::input` and [`form::form_failed`] (a form with
//! its errors beside the inputs), [`Console::done`] (post/redirect/get with a message
//! naming what was done), and its texts as one area of [`i18n::Text`]. The layers below
//! check CSRF for every state-changing request (but the file uploads of the customer
//! import and of product images, which check their form's token themselves) and mark
//! every page `no-store`.

mod account;
mod audit;
pub mod audit_text;
mod chrome;
mod communities;
mod csrf;
mod customer_import;
mod customers;
pub mod error_text;
mod form;
mod home;
pub mod i18n;
mod jobs;
mod list;
mod login;
mod orders;
mod payment_settings;
mod products;
mod refunds;
mod regions;
mod screening;
mod segments;
mod session;
mod settings;
mod staff;
mod stores;
mod tokens;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::http::auth::cookie;
use crate::http::state::AppState;
pub use chrome::{Chrome, local_time, render};
pub use session::Console;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(login::router())
        .merge(regions::router())
        .merge(stores::router())
        .merge(staff::router())
        .merge(communities::router())
        .merge(customers::router())
        .merge(products::router())
        .merge(orders::router())
        .merge(refunds::router())
        .merge(segments::router())
        .merge(settings::router())
        .merge(payment_settings::router())
        .merge(screening::router())
        .merge(audit::router())
        .merge(jobs::router())
        .merge(account::router())
        .merge(tokens::router())
        .route("/lang/{code}", get(chrome::switch_language))
        // Innermost first: the CSRF check runs after the same-origin check.
        .layer(from_fn_with_state(state.clone(), csrf::require_token))
        // A file upload (multipart: a customers' CSV up to 20 MiB, a product image up to
        // 2 MiB) is no body for the CSRF layer: the page checks its form's token itself.
        // The same-origin check and page headers apply.
        .merge(customer_import::router())
        .merge(products::upload_router())
        .layer(from_fn(same_origin_forms))
        .layer(from_fn_with_state(state, page_headers))
        // The style sheet may be cached: it is not a page.
        .route(
            "/static/console.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], CSS) }),
        )
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

/// What every console response carries: `Cache-Control: no-store`, so the browser keeps
/// no copy of a page (Back after signing out shows nothing), unless the handler said how
/// its answer may be kept (a join link's QR code image: `private`); and, once a GET page
/// has shown the done-message of a change, the cookie that carried it is cleared.
async fn page_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let shows_flash =
        req.method() == Method::GET && cookie(req.headers(), session::FLASH_COOKIE).is_some();
    let secure = session::cookies_secure(&state, req.headers());
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if shows_flash
        && !res.status().is_redirection()
        && let Ok(clear) = HeaderValue::from_str(&session::clear_flash_cookie(secure))
    {
        res.headers_mut().append(header::SET_COOKIE, clear);
    }
    res
}

pub fn not_found_page(req: &Request) -> Response {
    let lang = i18n::Lang::from_headers(req.headers());
    let mut res = chrome::error_page(lang, StatusCode::NOT_FOUND, lang.text().errors.not_found);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
