//! `/account`: the signed-in member's own password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::usecases::auth;

use super::chrome::{Chrome, form_failed, render};
use super::session::{Console, SESSION_COOKIE, cookies_secure, session_cookie};
use crate::http::auth::cookie;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    email: String,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(console: Console, Query(q): Query<Done>) -> Response {
    let c = Chrome::for_console(&console, "account").with_flash(q.done.as_deref());
    render(
        StatusCode::OK,
        &AccountPage {
            c,
            email: console.staff.email.clone(),
        },
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    console: Console,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    let result = auth::change_password(
        &state.db,
        &console.actor,
        &form.current_password,
        &form.new_password,
        None,
    )
    .await;
    if let Err(e) = result {
        return form_failed(&console, "account", e, |c| {
            std::future::ready(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AccountPage {
                    c,
                    email: console.staff.email.clone(),
                },
            ))
        })
        .await;
    }
    // Every session ended with the change; this browser gets a fresh one.
    let previous = cookie(&headers, SESSION_COOKIE);
    match auth::start_session(&state.db, &console.staff, previous).await {
        Ok((id, _)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&id, cookies_secure(&state, &headers)),
            )],
            Redirect::to("/account?done=password"),
        )
            .into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}
