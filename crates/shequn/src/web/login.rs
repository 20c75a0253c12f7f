//! `/login` and `/logout`.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::usecases::auth;

use super::chrome::{Chrome, render};
use super::i18n::Lang;
use super::session::{
    Console, SESSION_COOKIE, clear_session_cookie, cookies_secure, session_cookie,
};
use crate::http::auth::cookie;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    email: String,
    next: String,
    /// Shown when the email signs in to several brands and the person must pick one.
    brand: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
        .unwrap_or("/")
        .to_owned()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(page).post(submit))
        .route("/logout", post(logout))
}

async fn page(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::from_headers(&headers);
    render(
        StatusCode::OK,
        &LoginPage {
            c: Chrome::anonymous(lang),
            email: String::new(),
            next: safe_next(q.next.as_deref()),
            brand: None,
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    brand: Option<String>,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let t = lang.text();
    let next = safe_next(form.next.as_deref());
    let fail = |status, msg: &str| {
        let mut c = Chrome::anonymous(lang);
        c.error = Some(msg.to_owned());
        render(
            status,
            &LoginPage {
                c,
                email: form.email.clone(),
                next: next.clone(),
                brand: form.brand.clone().filter(|b| !b.is_empty()),
            },
        )
    };
    if state.check_login_rate(&form.email, peer.ip()).is_err() {
        return fail(StatusCode::TOO_MANY_REQUESTS, t.login.rate_limited);
    }
    let staff = match auth::check_credentials(
        &state.db,
        &form.email,
        &form.password,
        form.brand.as_deref(),
    )
    .await
    {
        Ok(s) => s,
        Err(shequn_app::AppError::BadCredentials) => {
            return fail(StatusCode::UNAUTHORIZED, t.login.bad_credentials);
        }
        Err(shequn_app::AppError::Refused(
            refusal @ shequn_domain::Refusal::BrandRequired { .. },
        )) => {
            let mut c = Chrome::anonymous(lang);
            c.error = Some(super::error_text::refusal_text(lang, &refusal));
            let page = LoginPage {
                c,
                email: form.email.clone(),
                next: next.clone(),
                brand: Some(form.brand.clone().unwrap_or_default()),
            };
            return render(StatusCode::CONFLICT, &page);
        }
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            return fail(StatusCode::INTERNAL_SERVER_ERROR, t.errors.title);
        }
    };
    // A new session id at every login, and the old one (if any) is dropped: fixation-proof.
    let previous = cookie(&headers, SESSION_COOKIE);
    match auth::start_session(&state.db, &staff, previous).await {
        Ok((id, _csrf)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&id, cookies_secure(&state, &headers)),
            )],
            Redirect::to(&next),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not start session");
            fail(StatusCode::INTERNAL_SERVER_ERROR, t.errors.title)
        }
    }
}

/// Signing out ends the session on the server. The CSRF check (`super::csrf`) has run:
/// a foreign page cannot sign the member out.
async fn logout(State(state): State<AppState>, headers: HeaderMap, console: Console) -> Response {
    if let Some(id) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = auth::end_session(&state.db, id).await
    {
        tracing::error!(error = %e, "logout failed");
    }
    (
        [(header::SET_COOKIE, clear_session_cookie(console.secure))],
        Redirect::to("/login"),
    )
        .into_response()
}
