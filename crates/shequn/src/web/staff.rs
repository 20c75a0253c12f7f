//! `/staff`: list (by store), add, view, change role or store, deactivate and reactivate.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::staff::{self, NewStaffInput, StaffPatch};
use shequn_app::usecases::{regions, stores};
use shequn_domain::{Cursor, PageSize, RegionId, Role, SearchText, StaffId, StaffMember, StoreId};

use super::chrome::{Chrome, failure_page, form_failed, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

/// An optional id from a form select, where "" means none.
fn opt_id(raw: &Option<String>) -> Option<i64> {
    raw.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
}

#[derive(Default)]
pub struct StaffDraft {
    email: String,
    display_name: String,
    role: String,
    region_id: i64,
    store_id: i64,
}

/// A region as a form's select offers it: the id as the form sends it back.
struct RegionChoice {
    id: i64,
    name: String,
}

/// A store as a form's select offers it: the id as the form sends it back.
struct StoreChoice {
    id: i64,
    code: String,
    name: String,
}

/// The pickers a staff form needs, limited to what the actor can see.
struct Pickers {
    regions: Vec<RegionChoice>,
    stores: Vec<StoreChoice>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn pickers(state: &AppState, console: &Console) -> Result<Pickers, AppError> {
    let a = &console.actor;
    let regions = regions::list(&state.db, a, Cursor::default(), PageSize::MAX_PAGE)
        .await?
        .items
        .into_iter()
        .map(|r| RegionChoice {
            id: r.id.get(),
            name: r.name,
        })
        .collect();
    let stores = stores::list(
        &state.db,
        a,
        None,
        None,
        Cursor::default(),
        PageSize::MAX_PAGE,
    )
    .await?
    .items
    .into_iter()
    .map(|s| StoreChoice {
        id: s.id.get(),
        code: s.code,
        name: s.name,
    })
    .collect();
    let t = console.lang.text();
    let roles = a
        .grantable_roles()
        .into_iter()
        .map(|r| (r.as_str(), t.role(r.as_str())))
        .collect();
    Ok(Pickers {
        regions,
        stores,
        roles,
    })
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffListPage {
    c: Chrome,
    staff: Vec<StaffMember>,
    pickers: Pickers,
    store_filter: i64,
    q: String,
    next_cursor: Option<String>,
    can_create: bool,
    draft: StaffDraft,
}

impl StaffListPage {
    fn store_name(&self, id: &Option<StoreId>) -> &str {
        id.and_then(|id| self.pickers.stores.iter().find(|s| s.id == id.get()))
            .map_or("", |s| s.name.as_str())
    }

    fn region_name(&self, id: &Option<RegionId>) -> &str {
        id.and_then(|id| self.pickers.regions.iter().find(|r| r.id == id.get()))
            .map_or("", |r| r.name.as_str())
    }

    fn role_label(&self, role: &Role) -> &'static str {
        self.c.t.role(role.as_str())
    }

    fn role_selected(&self, value: &str) -> bool {
        self.draft.role == value
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    store_id: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

/// What a list page shows: a store filter, a search text, a page position.
#[derive(Default)]
struct ListView<'a> {
    store: Option<i64>,
    q: &'a str,
    cursor: Option<&'a str>,
}

async fn show(
    state: &AppState,
    console: &Console,
    view: ListView<'_>,
    c: Chrome,
    status: StatusCode,
    draft: StaffDraft,
) -> Response {
    let ListView { store, q, cursor } = view;
    // The input is bounded in the form; a longer text is simply not applied.
    let search = SearchText::parse("q", Some(q)).ok().flatten();
    let cursor = Cursor::parse(cursor).unwrap_or_default();
    let size = PageSize::default();
    let loaded = async {
        let pickers = pickers(state, console).await?;
        let page = staff::list(
            &state.db,
            &console.actor,
            store.map(StoreId),
            search.as_ref(),
            cursor,
            size,
        )
        .await?;
        Ok::<_, AppError>((pickers, page))
    }
    .await;
    match loaded {
        Ok((pickers, page)) => {
            let can_create = !pickers.roles.is_empty();
            render(
                status,
                &StaffListPage {
                    c,
                    staff: page.items,
                    pickers,
                    store_filter: store.unwrap_or(0),
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
    let c = Chrome::for_console(&console, "staff").with_flash(q.done.as_deref());
    show(
        &state,
        &console,
        ListView {
            store: opt_id(&q.store_id),
            q: q.q.as_deref().unwrap_or(""),
            cursor: q.cursor.as_deref(),
        },
        c,
        StatusCode::OK,
        StaffDraft::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    email: String,
    display_name: String,
    role: String,
    region_id: Option<String>,
    store_id: Option<String>,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    let input = NewStaffInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        region_id: opt_id(&form.region_id).map(RegionId),
        store_id: opt_id(&form.store_id).map(StoreId),
        password: form.password.clone(),
    };
    match staff::create(&state.db, &console.actor, input).await {
        Ok(row) => Redirect::to(&format!("/staff/{}?done=created", row.id)).into_response(),
        Err(e) => {
            form_failed(&console, "staff", e, |c| {
                let draft = StaffDraft {
                    region_id: opt_id(&form.region_id).unwrap_or(0),
                    store_id: opt_id(&form.store_id).unwrap_or(0),
                    email: form.email,
                    display_name: form.display_name,
                    role: form.role,
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

#[derive(Template)]
#[template(path = "staff_member.html")]
struct StaffPage {
    c: Chrome,
    member: StaffMember,
    pickers: Pickers,
    can_manage: bool,
}

impl StaffPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn role_label(&self) -> &'static str {
        self.c.t.role(self.member.role.as_str())
    }

    fn role_selected(&self, value: &str) -> bool {
        self.member.role.as_str() == value
    }

    fn region_selected(&self, id: &i64) -> bool {
        self.member.region_id.map(RegionId::get) == Some(*id)
    }

    fn store_selected(&self, id: &i64) -> bool {
        self.member.store_id.map(StoreId::get) == Some(*id)
    }
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn show_member(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
) -> Response {
    let loaded = async {
        let member = staff::get(&state.db, &console.actor, StaffId(id)).await?;
        let pickers = pickers(state, console).await?;
        Ok::<_, AppError>((member, pickers))
    }
    .await;
    match loaded {
        Ok((member, pickers)) => {
            let is_self = member.id == console.actor.staff;
            let can_manage = !is_self
                && shequn_app::usecases::actor::placement_of(&member)
                    .is_ok_and(|(role, placement)| console.actor.can_manage_staff(role, placement));
            render(
                status,
                &StaffPage {
                    c,
                    member,
                    pickers,
                    can_manage,
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
    let c = Chrome::for_console(&console, "staff").with_flash(q.done.as_deref());
    show_member(&state, &console, id, c, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    display_name: Option<String>,
    role: Option<String>,
    region_id: Option<String>,
    store_id: Option<String>,
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
    let patch = StaffPatch {
        display_name: form.display_name.filter(|n| !n.trim().is_empty()),
        role: form.role.filter(|r| !r.is_empty()),
        region_id: opt_id(&form.region_id).map(RegionId),
        store_id: opt_id(&form.store_id).map(StoreId),
        active: form.active,
    };
    match staff::update(&state.db, &console.actor, StaffId(id), patch).await {
        Ok(_) => Redirect::to(&format!("/staff/{id}?done=saved")).into_response(),
        Err(e) => {
            form_failed(&console, "staff", e, |c| {
                show_member(&state, &console, id, c, StatusCode::UNPROCESSABLE_ENTITY)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    new_password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !console.csrf_ok(&form.csrf) {
        return console.csrf_failed();
    }
    match staff::reset_password(&state.db, &console.actor, StaffId(id), &form.new_password).await {
        Ok(()) => Redirect::to(&format!("/staff/{id}?done=saved")).into_response(),
        Err(e) => {
            form_failed(&console, "staff", e, |c| {
                show_member(&state, &console, id, c, StatusCode::UNPROCESSABLE_ENTITY)
            })
            .await
        }
    }
}
