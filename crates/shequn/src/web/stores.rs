//! `/stores`: list (by region), open, view, edit, move, close and reopen stores.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::stores::{self, NewStoreInput, StorePatch};
use shequn_app::usecases::{regions, staff};
use shequn_domain::{
    Cursor, PageSize, Region, RegionId, SearchText, StaffId, StaffMember, Store, StoreId,
};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::list::{ListPage, ListView, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stores", get(list).post(create))
        .route("/stores/{store_id}", get(detail).post(update))
}

/// A region as the list page's pickers show it: the id as the form value it is compared
/// with (the region filter holds a plain number from the query).
struct RegionChoice {
    id: i64,
    name: String,
    active: bool,
}

impl From<Region> for RegionChoice {
    fn from(r: Region) -> Self {
        RegionChoice {
            id: r.id.get(),
            name: r.name,
            active: r.active,
        }
    }
}

#[derive(Template)]
#[template(path = "stores.html")]
struct StoresPage {
    c: Chrome,
    list: ListPage<Store>,
    regions: Vec<RegionChoice>,
    region_filter: i64,
    q: String,
    can_create: bool,
    /// The new-store form.
    form: FormState,
}

impl StoresPage {
    fn region_name(&self, id: &RegionId) -> &str {
        self.regions
            .iter()
            .find(|r| r.id == id.get())
            .map_or("", |r| r.name.as_str())
    }
}

#[derive(Deserialize)]
struct ListQuery {
    region_id: Option<String>,
    q: Option<String>,
}

async fn visible_regions(state: &AppState, console: &Console) -> Result<Vec<Region>, AppError> {
    Ok(regions::list(
        &state.db,
        &console.actor,
        Cursor::default(),
        PageSize::MAX_PAGE,
    )
    .await?
    .items)
}

async fn show(
    state: &AppState,
    console: &Console,
    view: ListView<'_>,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    // The input is bounded in the form; a longer text is simply not applied.
    let search = SearchText::parse("q", Some(view.q)).ok().flatten();
    let size = PageSize::default();
    let loaded = async {
        let regions = visible_regions(state, console).await?;
        let page = stores::list(
            &state.db,
            &console.actor,
            view.id.map(RegionId),
            search.as_ref(),
            view.paging.cursor(),
            size,
        )
        .await?;
        Ok::<_, AppError>((regions, page))
    }
    .await;
    match loaded {
        Ok((regions, page)) => {
            let can_create = regions
                .iter()
                .any(|r| r.active && console.actor.can_place_store_in(r.id));
            render(
                status,
                &StoresPage {
                    c,
                    list: ListPage::new(page, &view.paging, "/stores", &view.filters()),
                    regions: regions.into_iter().map(RegionChoice::from).collect(),
                    region_filter: view.id.unwrap_or(0),
                    q: view.q.to_owned(),
                    can_create,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

/// The new-store form, empty or as typed.
fn store_form(region_id: &str, code: &str, name: &str, address: &str) -> FormState {
    FormState::new()
        .with("region_id", region_id)
        .with("code", code)
        .with("name", name)
        .with("address", address)
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListQuery>,
    Query(paging): Query<Paging>,
) -> Response {
    let region = q
        .region_id
        .as_deref()
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0);
    let c = Chrome::for_console(&console, "stores");
    let view = ListView {
        key: "region_id",
        id: region,
        q: q.q.as_deref().unwrap_or(""),
        paging,
    };
    let form = store_form("", "", "", "");
    show(&state, &console, view, c, StatusCode::OK, form).await
}

#[derive(Deserialize)]
struct CreateForm {
    region_id: i64,
    code: String,
    name: String,
    address: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    let input = NewStoreInput {
        region_id: RegionId(form.region_id),
        code: form.code.clone(),
        name: form.name.clone(),
        address: form.address.clone(),
    };
    match stores::create(&state.db, &console.actor, input).await {
        Ok(store) => {
            let t = console.lang.text();
            let to = format!("/stores?region_id={}", store.region_id);
            console.done(&to, t.fill(t.stores.done_created, &store.name, &store.code))
        }
        Err(e) => {
            let typed = store_form(
                &form.region_id.to_string(),
                &form.code,
                &form.name,
                form.address.as_deref().unwrap_or(""),
            );
            form_failed(&console, "stores", e, typed, |c, form| {
                show(
                    &state,
                    &console,
                    ListView::unfiltered("region_id"),
                    c,
                    REFUSED,
                    form,
                )
            })
            .await
        }
    }
}

/// A staff member as the store page lists them.
struct StaffLine {
    id: StaffId,
    display_name: String,
    /// The role's name, as `Staff::role` of the texts takes it.
    role: &'static str,
    active: bool,
}

impl From<StaffMember> for StaffLine {
    fn from(m: StaffMember) -> Self {
        StaffLine {
            id: m.id,
            display_name: m.display_name,
            role: m.role.as_str(),
            active: m.active,
        }
    }
}

#[derive(Template)]
#[template(path = "store.html")]
struct StorePage {
    c: Chrome,
    store: Store,
    regions: Vec<Region>,
    staff: Vec<StaffLine>,
    can_edit: bool,
    can_move: bool,
    can_change_status: bool,
    /// The edit form: the store's values, or what was typed when it was refused.
    form: FormState,
}

impl StorePage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn region_name(&self) -> &str {
        self.regions
            .iter()
            .find(|r| r.id == self.store.region_id)
            .map_or("", |r| r.name.as_str())
    }
}

async fn show_store(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let loaded = async {
        let store = stores::get(&state.db, &console.actor, StoreId(id)).await?;
        let regions = visible_regions(state, console).await?;
        let staff = staff::list(
            &state.db,
            &console.actor,
            Some(StoreId(id)),
            None,
            Cursor::default(),
            PageSize::MAX_PAGE,
        )
        .await?;
        let staff: Vec<StaffLine> = staff.items.into_iter().map(StaffLine::from).collect();
        Ok::<_, AppError>((store, regions, staff))
    }
    .await;
    match loaded {
        Ok((store, regions, staff)) => {
            let region = store.region_id;
            let a = console.actor;
            let form = form
                .or_with("code", store.code.clone())
                .or_with("name", store.name.clone())
                .or_with("address", store.address.clone())
                .or_with("region_id", region.to_string());
            render(
                status,
                &StorePage {
                    c,
                    can_edit: a.can_edit_store(region, store.id),
                    can_move: a.can_change_store_status(region),
                    can_change_status: a.can_change_store_status(region),
                    store,
                    regions,
                    staff,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, "stores");
    show_store(&state, &console, id, c, StatusCode::OK, FormState::new()).await
}

#[derive(Deserialize)]
struct UpdateForm {
    region_id: Option<i64>,
    code: Option<String>,
    name: Option<String>,
    address: Option<String>,
    active: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    // What the edit form sent, to show again if it is refused (closing and reopening send
    // only `active`; their refusals show above the page).
    let mut typed = FormState::new();
    if form.active.is_none() {
        let sent = [
            ("code", form.code.as_deref()),
            ("name", form.name.as_deref()),
            ("address", form.address.as_deref()),
        ];
        for (input, value) in sent {
            if let Some(v) = value {
                typed = typed.with(input, v);
            }
        }
        if let Some(r) = form.region_id {
            typed = typed.with("region_id", r.to_string());
        }
    }
    let patch = StorePatch {
        region_id: form.region_id.map(RegionId),
        code: form.code,
        name: form.name,
        address: form.address,
        active: form.active,
    };
    match stores::update(&state.db, &console.actor, StoreId(id), patch).await {
        Ok(store) => {
            let t = console.lang.text();
            let said = match form.active {
                Some(false) => t.stores.done_closed,
                Some(true) => t.stores.done_reopened,
                None => t.stores.done_saved,
            };
            let to = format!("/stores/{id}");
            console.done(&to, t.fill(said, &store.name, &store.code))
        }
        Err(e) => {
            form_failed(&console, "stores", e, typed, |c, form| {
                show_store(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}
