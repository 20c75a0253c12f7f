//! CSRF: every state-changing console request carries its session's token in the form
//! field `_csrf`. One middleware on the whole console router checks it, so a handler cannot
//! forget to: for every request other than GET and HEAD it finds the session (none: the
//! login page, as the handler would), reads the urlencoded body, compares the token in
//! constant time, and hands the handler the same body and the session it found (the
//! [`Console`] extractor takes it from the request's extensions instead of a second
//! lookup). The login form has no session yet; the same-origin check guards it.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::chrome::error_page;
use super::i18n::Lang;
use super::session::{Console, live_session};
use crate::http::auth::secrets_equal;
use crate::http::extract::MAX_BODY_BYTES;
use crate::http::state::AppState;

/// The form field that carries the session's token.
pub const FIELD: &str = "_csrf";

/// Forms sent before there is a session.
const BEFORE_SESSION: &[&str] = &["/login"];

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let reads_only = req.method() == Method::GET || req.method() == Method::HEAD;
    if reads_only || BEFORE_SESSION.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let lang = Lang::from_headers(req.headers());
    let (mut parts, body) = req.into_parts();
    let session = match live_session(&state, &parts.headers, &parts.uri, lang).await {
        Ok(session) => session,
        Err(page) => return page,
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return error_page(
            lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            lang.text().errors.too_large,
        );
    };
    let submitted = submitted_token(&bytes);
    if !submitted
        .as_deref()
        .is_some_and(|token| secrets_equal(token, &session.csrf))
    {
        let console = Console::open(&state, session, &parts.headers, &parts.method, lang).await;
        return console.csrf_failed();
    }
    parts.extensions.insert(session);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `_csrf` field of a urlencoded body (None for another kind of body).
fn submitted_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value)
}
