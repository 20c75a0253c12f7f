//! `/staff`: list (by store), add, view, change role or store, deactivate and reactivate,
//! reset a password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::staff::{self, NewStaffInput, StaffPatch};
use shequn_app::usecases::{regions, stores};
use shequn_domain::{Cursor, PageSize, RegionId, Role, SearchText, StaffId, StaffMember, StoreId};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::list::{ListPage, ListView, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list).post(create))
        .route("/staff/{staff_id}", get(detail).post(update))
        .route("/staff/{staff_id}/password", post(reset_password))
}

/// An optional id from a form select, where "" means none.
fn opt_id(raw: &Option<String>) -> Option<i64> {
    raw.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
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
        .map(|r| (r.as_str(), t.staff.role_name(r.as_str())))
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
    list: ListPage<StaffMember>,
    pickers: Pickers,
    store_filter: i64,
    q: String,
    can_create: bool,
    /// The new-member form.
    form: FormState,
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
        self.c.t.staff.role_name(role.as_str())
    }
}

#[derive(Deserialize)]
struct ListQuery {
    store_id: Option<String>,
    q: Option<String>,
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
        let pickers = pickers(state, console).await?;
        let page = staff::list(
            &state.db,
            &console.actor,
            view.id.map(StoreId),
            search.as_ref(),
            view.paging.cursor(),
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
                    list: ListPage::new(page, &view.paging, "/staff", &view.filters()),
                    pickers,
                    store_filter: view.id.unwrap_or(0),
                    q: view.q.to_owned(),
                    can_create,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

/// The new-member form. The password is never shown again.
fn new_member_form(
    email: &str,
    display_name: &str,
    role: &str,
    region_id: &str,
    store_id: &str,
) -> FormState {
    FormState::new()
        .with("email", email)
        .with("display_name", display_name)
        .with("role", role)
        .with("region_id", region_id)
        .with("store_id", store_id)
        .with("password", "")
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListQuery>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, "staff");
    let view = ListView {
        key: "store_id",
        id: opt_id(&q.store_id),
        q: q.q.as_deref().unwrap_or(""),
        paging,
    };
    let form = new_member_form("", "", "", "", "");
    show(&state, &console, view, c, StatusCode::OK, form).await
}

#[derive(Deserialize)]
struct CreateForm {
    email: String,
    display_name: String,
    /// Absent when no role was chosen (the select starts on a disabled empty choice).
    role: Option<String>,
    region_id: Option<String>,
    store_id: Option<String>,
    password: String,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    let role = form.role.clone().unwrap_or_default();
    let input = NewStaffInput {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: role.clone(),
        region_id: opt_id(&form.region_id).map(RegionId),
        store_id: opt_id(&form.store_id).map(StoreId),
        password: form.password.clone(),
    };
    match staff::create(&state.db, &console.actor, input).await {
        Ok(member) => {
            let t = console.lang.text();
            let to = format!("/staff/{}", member.id);
            let said = t.fill(t.staff.done_created, &member.display_name, &member.email);
            console.done(&to, said)
        }
        Err(e) => {
            let typed = new_member_form(
                &form.email,
                &form.display_name,
                &role,
                form.region_id.as_deref().unwrap_or(""),
                form.store_id.as_deref().unwrap_or(""),
            );
            form_failed(&console, "staff", e, typed, |c, form| {
                show(
                    &state,
                    &console,
                    ListView::unfiltered("store_id"),
                    c,
                    REFUSED,
                    form,
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
    /// The edit form and the password reset: the member's values, or what was typed when
    /// it was refused.
    form: FormState,
}

impl StaffPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn role_label(&self) -> &'static str {
        self.c.t.staff.role_name(self.member.role.as_str())
    }
}

async fn show_member(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
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
            let id_text = |id: Option<i64>| id.map(|n| n.to_string()).unwrap_or_default();
            let form = form
                .or_with("display_name", member.display_name.clone())
                .or_with("role", member.role.as_str())
                .or_with("region_id", id_text(member.region_id.map(RegionId::get)))
                .or_with("store_id", id_text(member.store_id.map(StoreId::get)))
                .or_with("new_password", "");
            render(
                status,
                &StaffPage {
                    c,
                    member,
                    pickers,
                    can_manage,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, "staff");
    show_member(&state, &console, id, c, StatusCode::OK, FormState::new()).await
}

#[derive(Deserialize)]
struct UpdateForm {
    display_name: Option<String>,
    role: Option<String>,
    region_id: Option<String>,
    store_id: Option<String>,
    active: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    // What the edit form sent, to show again if it is refused (deactivating and
    // reactivating send only `active`; their refusals show above the page).
    let mut typed = FormState::new();
    if form.active.is_none() {
        let sent = [
            ("display_name", &form.display_name),
            ("role", &form.role),
            ("region_id", &form.region_id),
            ("store_id", &form.store_id),
        ];
        for (input, value) in sent {
            typed = typed.with(input, value.clone().unwrap_or_default());
        }
    }
    let patch = StaffPatch {
        display_name: form.display_name.filter(|n| !n.trim().is_empty()),
        role: form.role.filter(|r| !r.is_empty()),
        region_id: opt_id(&form.region_id).map(RegionId),
        store_id: opt_id(&form.store_id).map(StoreId),
        active: form.active,
    };
    match staff::update(&state.db, &console.actor, StaffId(id), patch).await {
        Ok(member) => {
            let t = console.lang.text();
            let said = match form.active {
                Some(false) => t.staff.done_deactivated,
                Some(true) => t.staff.done_reactivated,
                None => t.staff.done_saved,
            };
            let to = format!("/staff/{id}");
            console.done(&to, t.fill(said, &member.display_name, &member.email))
        }
        Err(e) => {
            form_failed(&console, "staff", e, typed, |c, form| {
                show_member(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    new_password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Response {
    match staff::reset_password(&state.db, &console.actor, StaffId(id), &form.new_password).await {
        Ok(()) => {
            let t = console.lang.text();
            // The reset is done; the message names the member when they can still be read.
            let said = match staff::get(&state.db, &console.actor, StaffId(id)).await {
                Ok(m) => t.fill(t.staff.done_password_reset, &m.display_name, &m.email),
                Err(_) => t.fill(t.staff.done_password_reset, "", ""),
            };
            console.done(&format!("/staff/{id}"), said)
        }
        Err(e) => {
            let typed = FormState::new().with("new_password", "");
            form_failed(&console, "staff", e, typed, |c, form| {
                show_member(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}
