//! `/account/tokens`: the signed-in member's API tokens: list, create (the secret is shown
//! once, on the page that created it), revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::usecases::tokens;
use shequn_domain::{ApiToken, Cursor, PageSize, TokenId};

use super::chrome::{Chrome, failure_page, form_failed, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<ApiToken>,
    next_cursor: Option<String>,
    /// The secret of a token created by this very request.
    new_secret: Option<String>,
    now: i64,
}

impl TokensPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn live(&self, t: &ApiToken) -> bool {
        t.is_live(self.now)
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    done: Option<String>,
}

async fn show(
    state: &AppState,
    console: &Console,
    cursor: Option<&str>,
    c: Chrome,
    status: StatusCode,
    new_secret: Option<String>,
) -> Response {
    let cursor = Cursor::parse(cursor).unwrap_or_default();
    let size = PageSize::default();
    match tokens::list(&state.db, &console.actor, cursor, size).await {
        Ok(page) => render(
            status,
            &TokensPage {
                c,
                tokens: page.items,
                next_cursor: page.next_cursor,
                new_secret,
                now: shequn_app::clock::now_ms(),
            },
        ),
        Err(e) => failure_page(console, e),
    }
}

pub async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let c = Chrome::for_console(&console, "account").with_flash(q.done.as_deref());
    show(
        &state,
        &console,
        q.cursor.as_deref(),
        c,
        StatusCode::OK,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    expires_in_days: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    let days = match form.expires_in_days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0), // refused with the range message below
        },
    };
    let mut c = Chrome::for_console(&console, "account");
    match tokens::issue(&state.db, &console.actor, &form.name, days).await {
        // Rendered, not redirected: the secret must never travel in a URL or be stored.
        Ok(issued) => {
            c.flash = Some(c.t.created_ok);
            show(
                &state,
                &console,
                None,
                c,
                StatusCode::CREATED,
                issued.secret,
            )
            .await
        }
        Err(e) => {
            form_failed(&console, "account", e, |c| {
                show(
                    &state,
                    &console,
                    None,
                    c,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                )
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    match tokens::revoke(&state.db, &console.actor, TokenId(id)).await {
        Ok(_) => Redirect::to("/account/tokens?done=saved").into_response(),
        Err(e) => failure_page(&console, e),
    }
}
