//! `/regions`: list, create, rename, deactivate and reactivate regions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::usecases::regions::{self, RegionPatch};
use shequn_domain::{Cursor, PageSize, Region, RegionId};

use super::chrome::{Chrome, failure_page, form_failed, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    c: Chrome,
    regions: Vec<Region>,
    next_cursor: Option<String>,
    can_manage: bool,
    name: String,
}

impl RegionsPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
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
    name: String,
) -> Response {
    let cursor = Cursor::parse(cursor).unwrap_or_default();
    let size = PageSize::default();
    match regions::list(&state.db, &console.actor, cursor, size).await {
        Ok(page) => render(
            status,
            &RegionsPage {
                c,
                regions: page.items,
                next_cursor: page.next_cursor,
                can_manage: console.actor.can_manage_regions(),
                name,
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
    let c = Chrome::for_console(&console, "regions").with_flash(q.done.as_deref());
    show(
        &state,
        &console,
        q.cursor.as_deref(),
        c,
        StatusCode::OK,
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    match regions::create(&state.db, &console.actor, &form.name).await {
        Ok(_) => Redirect::to("/regions?done=created").into_response(),
        Err(e) => {
            form_failed(&console, "regions", e, |c| {
                show(
                    &state,
                    &console,
                    None,
                    c,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    form.name,
                )
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: Option<String>,
    active: Option<bool>,
}

pub async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    let patch = RegionPatch {
        name: form.name.filter(|n| !n.trim().is_empty()),
        active: form.active,
    };
    match regions::update(&state.db, &console.actor, RegionId(id), patch).await {
        Ok(_) => Redirect::to("/regions?done=saved").into_response(),
        Err(e) => {
            form_failed(&console, "regions", e, |c| {
                show(
                    &state,
                    &console,
                    None,
                    c,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    String::new(),
                )
            })
            .await
        }
    }
}
