//! `/account`: the signed-in member's own password.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::usecases::auth;

use super::chrome::{Chrome, render};
use super::form::{FormState, REFUSED, form_failed};
use super::session::{Console, SESSION_COOKIE, flash_cookie, session_cookie};
use crate::http::auth::cookie;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(page))
        .route("/account/password", post(change_password))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    email: String,
    /// The password form (its values are never shown again).
    form: FormState,
}

fn password_form() -> FormState {
    FormState::new()
        .with("current_password", "")
        .with("new_password", "")
}

async fn page(console: Console) -> Response {
    let c = Chrome::for_console(&console, "account");
    render(
        StatusCode::OK,
        &AccountPage {
            c,
            email: console.staff.email.clone(),
            form: password_form(),
        },
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    console: Console,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = auth::change_password(
        &state.db,
        &console.actor,
        &form.current_password,
        &form.new_password,
        None,
    )
    .await;
    if let Err(e) = result {
        return form_failed(&console, "account", e, password_form(), |c, form| {
            std::future::ready(render(
                REFUSED,
                &AccountPage {
                    c,
                    email: console.staff.email.clone(),
                    form,
                },
            ))
        })
        .await;
    }
    // Every session ended with the change; this browser gets a fresh one.
    let previous = cookie(&headers, SESSION_COOKIE);
    match auth::start_session(&state.db, &console.staff, previous).await {
        Ok((id, _)) => {
            let said = console.lang.text().account.password_changed;
            (
                AppendHeaders([
                    (header::SET_COOKIE, session_cookie(&id, console.secure)),
                    (header::SET_COOKIE, flash_cookie(said, console.secure)),
                ]),
                Redirect::to("/account"),
            )
                .into_response()
        }
        Err(_) => Redirect::to("/login").into_response(),
    }
}
