//! `/regions`: list, create, rename, deactivate and reactivate regions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::usecases::regions::{self, RegionPatch};
use shequn_domain::{PageSize, Region, RegionId};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list).post(create))
        .route("/regions/{region_id}", post(update))
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    c: Chrome,
    list: ListPage<Region>,
    can_manage: bool,
    /// The new-region form.
    form: FormState,
}

impl RegionsPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }
}

async fn show(
    state: &AppState,
    console: &Console,
    paging: &Paging,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let size = PageSize::default();
    match regions::list(&state.db, &console.actor, paging.cursor(), size).await {
        Ok(page) => render(
            status,
            &RegionsPage {
                c,
                list: ListPage::new(page, paging, "/regions", &[]),
                can_manage: console.actor.can_manage_regions(),
                form,
            },
        ),
        Err(e) => failure_page(console, e),
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, "regions");
    let form = FormState::new().with("name", "");
    show(&state, &console, &paging, c, StatusCode::OK, form).await
}

#[derive(Deserialize)]
struct CreateForm {
    name: String,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    match regions::create(&state.db, &console.actor, &form.name).await {
        Ok(region) => {
            let t = console.lang.text();
            console.done("/regions", t.fill(t.regions.done_created, &region.name, ""))
        }
        Err(e) => {
            let typed = FormState::new().with("name", form.name);
            let first = Paging::default();
            form_failed(&console, "regions", e, typed, |c, form| {
                show(&state, &console, &first, c, REFUSED, form)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct UpdateForm {
    name: Option<String>,
    active: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    let patch = RegionPatch {
        name: form.name.filter(|n| !n.trim().is_empty()),
        active: form.active,
    };
    match regions::update(&state.db, &console.actor, RegionId(id), patch).await {
        Ok(region) => {
            let t = console.lang.text();
            let said = match form.active {
                Some(false) => t.regions.done_deactivated,
                Some(true) => t.regions.done_reactivated,
                None => t.regions.done_saved,
            };
            console.done("/regions", t.fill(said, &region.name, ""))
        }
        Err(e) => {
            // The rows' forms share input names, so their errors show above the list.
            let first = Paging::default();
            form_failed(&console, "regions", e, FormState::new(), |c, form| {
                show(&state, &console, &first, c, REFUSED, form)
            })
            .await
        }
    }
}
