//! `/stores`: list (by region), open, view, edit, move, close and reopen stores.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::stores::{self, NewStoreInput, StorePatch};
use shequn_app::usecases::{regions, staff};
use shequn_domain::{
    Cursor, PageSize, Region, RegionId, SearchText, StaffId, StaffMember, Store, StoreId,
};

use super::chrome::{Chrome, failure_page, form_failed, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

/// What the new-store form held, to show it again after an error.
#[derive(Default)]
pub struct StoreDraft {
    region_id: i64,
    code: String,
    name: String,
    address: String,
}

/// A region as the list page's pickers show it: the id as the form value it is compared
/// with (the region filter and the draft hold plain numbers from the query and the form).
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
    stores: Vec<Store>,
    regions: Vec<RegionChoice>,
    region_filter: i64,
    q: String,
    next_cursor: Option<String>,
    can_create: bool,
    draft: StoreDraft,
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
pub struct ListQuery {
    region_id: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
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

/// What a list page shows: a region filter, a search text, a page position.
#[derive(Default)]
struct ListView<'a> {
    region: Option<i64>,
    q: &'a str,
    cursor: Option<&'a str>,
}

async fn show(
    state: &AppState,
    console: &Console,
    view: ListView<'_>,
    c: Chrome,
    status: StatusCode,
    draft: StoreDraft,
) -> Response {
    let ListView { region, q, cursor } = view;
    // The input is bounded in the form; a longer text is simply not applied.
    let search = SearchText::parse("q", Some(q)).ok().flatten();
    let cursor = Cursor::parse(cursor).unwrap_or_default();
    let size = PageSize::default();
    let loaded = async {
        let regions = visible_regions(state, console).await?;
        let page = stores::list(
            &state.db,
            &console.actor,
            region.map(RegionId),
            search.as_ref(),
            cursor,
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
                    stores: page.items,
                    regions: regions.into_iter().map(RegionChoice::from).collect(),
                    region_filter: region.unwrap_or(0),
                    q: q.to_owned(),
                    next_cursor: page.next_cursor,
                    can_create,
                    draft,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

pub async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let region = q
        .region_id
        .as_deref()
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0);
    let c = Chrome::for_console(&console, "stores").with_flash(q.done.as_deref());
    show(
        &state,
        &console,
        ListView {
            region,
            q: q.q.as_deref().unwrap_or(""),
            cursor: q.cursor.as_deref(),
        },
        c,
        StatusCode::OK,
        StoreDraft::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    region_id: i64,
    code: String,
    name: String,
    address: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    let input = NewStoreInput {
        region_id: RegionId(form.region_id),
        code: form.code.clone(),
        name: form.name.clone(),
        address: form.address.clone(),
    };
    match stores::create(&state.db, &console.actor, input).await {
        Ok(row) => Redirect::to(&format!("/stores?done=created&region_id={}", row.region_id))
            .into_response(),
        Err(e) => {
            form_failed(&console, "stores", e, |c| {
                let draft = StoreDraft {
                    region_id: form.region_id,
                    code: form.code,
                    name: form.name,
                    address: form.address.unwrap_or_default(),
                };
                show(
                    &state,
                    &console,
                    ListView::default(),
                    c,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    draft,
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
    /// The role's name, as `T::role` takes it.
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

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn show_store(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
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
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Response {
    let c = Chrome::for_console(&console, "stores").with_flash(q.done.as_deref());
    show_store(&state, &console, id, c, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    region_id: Option<i64>,
    code: Option<String>,
    name: Option<String>,
    address: Option<String>,
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
    let patch = StorePatch {
        region_id: form.region_id.map(RegionId),
        code: form.code,
        name: form.name,
        address: form.address,
        active: form.active,
    };
    match stores::update(&state.db, &console.actor, StoreId(id), patch).await {
        Ok(_) => Redirect::to(&format!("/stores/{id}?done=saved")).into_response(),
        Err(e) => {
            form_failed(&console, "stores", e, |c| {
                show_store(&state, &console, id, c, StatusCode::UNPROCESSABLE_ENTITY)
            })
            .await
        }
    }
}
