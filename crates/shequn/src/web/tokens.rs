//! `/account/tokens`: the signed-in member's API tokens: list, create, revoke. Creating
//! redirects (post/redirect/get), so reloading the page never creates a second token; the
//! secret crosses that one redirect in a short-lived cookie only this page receives
//! (never in a URL, never stored on the server) and is shown once.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::usecases::tokens;
use shequn_domain::{ApiToken, PageSize, TokenId};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::list::{ListPage, Paging};
use super::session::{
    Console, NEW_TOKEN_COOKIE, NEW_TOKEN_PATH, clear_new_token_cookie, flash_cookie,
    new_token_cookie, read_new_token,
};
use crate::http::auth::cookie;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(NEW_TOKEN_PATH, get(list).post(create))
        .route("/account/tokens/{token_id}/revoke", post(revoke))
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    list: ListPage<ApiToken>,
    /// The secret of the token created just before, shown this once.
    new_secret: Option<String>,
    now: i64,
    /// The new-token form.
    form: FormState,
}

impl TokensPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn live(&self, t: &ApiToken) -> bool {
        t.is_live(self.now)
    }
}

async fn show(
    state: &AppState,
    console: &Console,
    paging: &Paging,
    c: Chrome,
    status: StatusCode,
    form: FormState,
    new_secret: Option<String>,
) -> Response {
    let size = PageSize::default();
    match tokens::list(&state.db, &console.actor, paging.cursor(), size).await {
        Ok(page) => render(
            status,
            &TokensPage {
                c,
                list: ListPage::new(page, paging, NEW_TOKEN_PATH, &[]),
                new_secret,
                now: shequn_app::clock::now_ms(),
                form,
            },
        ),
        Err(e) => failure_page(console, e),
    }
}

fn token_form(name: &str, days: &str) -> FormState {
    FormState::new()
        .with("name", name)
        .with("expires_in_days", days)
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    console: Console,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, "account");
    let new_secret = read_new_token(&headers);
    let form = token_form("", "");
    let mut res = show(
        &state,
        &console,
        &paging,
        c,
        StatusCode::OK,
        form,
        new_secret,
    )
    .await;
    // Shown once: the cookie that carried the secret goes with this page.
    if cookie_present(&headers)
        && let Ok(clear) = clear_new_token_cookie(console.secure).parse::<HeaderValue>()
    {
        res.headers_mut().append(header::SET_COOKIE, clear);
    }
    res
}

fn cookie_present(headers: &HeaderMap) -> bool {
    cookie(headers, NEW_TOKEN_COOKIE).is_some()
}

#[derive(Deserialize)]
struct CreateForm {
    name: String,
    expires_in_days: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    let days = match form.expires_in_days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0), // refused with the range message
        },
    };
    match tokens::issue(&state.db, &console.actor, &form.name, days).await {
        Ok(issued) => {
            let t = console.lang.text();
            let said = t.fill(t.tokens.done_created, &issued.token.name, "");
            let mut cookies = vec![(header::SET_COOKIE, flash_cookie(&said, console.secure))];
            if let Some(secret) = issued.secret.as_deref() {
                cookies.push((header::SET_COOKIE, new_token_cookie(secret, console.secure)));
            }
            (AppendHeaders(cookies), Redirect::to(NEW_TOKEN_PATH)).into_response()
        }
        Err(e) => {
            let typed = token_form(&form.name, form.expires_in_days.as_deref().unwrap_or(""));
            let first = Paging::default();
            form_failed(&console, "account", e, typed, |c, form| {
                show(&state, &console, &first, c, REFUSED, form, None)
            })
            .await
        }
    }
}

async fn revoke(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    match tokens::revoke(&state.db, &console.actor, TokenId(id)).await {
        Ok(token) => {
            let t = console.lang.text();
            console.done(
                NEW_TOKEN_PATH,
                t.fill(t.tokens.done_revoked, &token.name, ""),
            )
        }
        Err(e) => failure_page(&console, e),
    }
}
