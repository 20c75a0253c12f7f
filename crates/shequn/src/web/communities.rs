//! `/communities`: list (by store, by status), open, view with the kind history, edit,
//! archive and restore communities (社群), and open the next group of a full one.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::communities::{self, CommunityPatch, NewCommunityInput};
use shequn_app::usecases::{staff, stores};
use shequn_domain::{
    Capacity, Community, CommunityId, CommunityStatus, Cursor, Kind, KindFamily, PageSize, Purpose,
    Reason, Role, SearchText, StaffId, StaffMember, Store, StoreId,
};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::list::{ListPage, ListView, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/communities", get(list).post(create))
        .route("/communities/{community_id}", get(detail).post(update))
        .route("/communities/{community_id}/overflow", post(overflow))
}

/// The nav item of every page of this family.
const NAV: &str = "communities";

/// How many pages of staff (of [`PageSize::MAX`] each) the list page reads for the names of
/// 群主 and the owner picker: 2,000 staff members in the actor's scope.
const MAX_STAFF_PAGES: usize = 10;

/// An optional id from a form select or a query, where "" means none.
fn opt_id(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// A non-empty choice from a form select.
fn chosen(raw: Option<String>) -> Option<String> {
    raw.filter(|s| !s.trim().is_empty())
}

/// The capacity typed into a form: None when left empty (the default on create, unchanged
/// on edit). A text that is no number is refused like a number out of range.
fn capacity_of(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            AppError::invalid(
                "capacity",
                Reason::OutOfRange {
                    min: i64::from(Capacity::MIN),
                    max: i64::from(Capacity::MAX),
                },
            )
        }),
    }
}

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

/// The kinds of one family, as an `optgroup` (营销 / 内容 / 服务).
struct KindGroup {
    label: &'static str,
    kinds: Vec<Choice>,
}

fn family_str(f: KindFamily) -> &'static str {
    match f {
        KindFamily::Marketing => "marketing",
        KindFamily::Content => "content",
        KindFamily::Service => "service",
    }
}

fn kind_groups(t: &'static Text) -> Vec<KindGroup> {
    [
        KindFamily::Marketing,
        KindFamily::Content,
        KindFamily::Service,
    ]
    .into_iter()
    .map(|family| KindGroup {
        label: t.communities.family_name(family_str(family)),
        kinds: Kind::ALL
            .iter()
            .filter(|k| k.family() == family)
            .map(|k| Choice {
                value: k.as_str(),
                label: t.communities.kind_name(k.as_str()),
            })
            .collect(),
    })
    .collect()
}

fn purposes(t: &'static Text) -> Vec<Choice> {
    Purpose::ALL
        .iter()
        .map(|p| Choice {
            value: p.as_str(),
            label: t.communities.purpose_name(p.as_str()),
        })
        .collect()
}

/// A store as the list page's pickers offer it: the id as the form sends it back.
struct StoreChoice {
    id: i64,
    code: String,
    name: String,
    active: bool,
}

impl From<Store> for StoreChoice {
    fn from(s: Store) -> Self {
        StoreChoice {
            id: s.id.get(),
            code: s.code,
            name: s.name,
            active: s.active,
        }
    }
}

/// A staff member who can run a community, as an owner select offers them.
struct OwnerChoice {
    id: i64,
    /// 「王芳 · 导购」
    label: String,
}

/// The possible owners of one store's communities, as an `optgroup` named by the store.
struct OwnerGroup {
    store: String,
    owners: Vec<OwnerChoice>,
}

/// Whether a staff member can run a community of `store`: an active shop guide or store
/// manager of that store (the use case checks it again).
fn can_own(m: &StaffMember, store: StoreId) -> bool {
    m.active && m.store_id == Some(store) && matches!(m.role, Role::ShopGuide | Role::StoreManager)
}

fn owner_choice(t: &'static Text, m: &StaffMember) -> OwnerChoice {
    OwnerChoice {
        id: m.id.get(),
        label: format!(
            "{} · {}",
            m.display_name,
            t.staff.role_name(m.role.as_str())
        ),
    }
}

/// The staff of the actor's scope, for names and the owner picker (at most
/// [`MAX_STAFF_PAGES`] pages).
async fn staff_in_scope(state: &AppState, console: &Console) -> Result<Vec<StaffMember>, AppError> {
    let mut all = Vec::new();
    let mut after = Cursor::default();
    for _ in 0..MAX_STAFF_PAGES {
        let page = staff::list(
            &state.db,
            &console.actor,
            None,
            None,
            after,
            PageSize::MAX_PAGE,
        )
        .await?;
        all.extend(page.items);
        match page.next_cursor.as_deref().map(|n| Cursor::parse(Some(n))) {
            Some(Ok(next)) => after = next,
            _ => break,
        }
    }
    Ok(all)
}

/// Adds the names of `ids` not yet in `names`, for those the actor may see (others stay
/// unnamed: the page says 其他员工).
async fn fill_names(
    state: &AppState,
    console: &Console,
    names: &mut HashMap<i64, String>,
    ids: Vec<StaffId>,
) {
    let missing: BTreeSet<StaffId> = ids
        .into_iter()
        .filter(|id| !names.contains_key(&id.get()))
        .collect();
    for id in missing {
        if let Ok(m) = staff::get(&state.db, &console.actor, id).await {
            names.insert(id.get(), m.display_name);
        }
    }
}

#[derive(Template)]
#[template(path = "communities.html")]
struct CommunitiesPage {
    c: Chrome,
    list: ListPage<Community>,
    stores: Vec<StoreChoice>,
    /// Staff names by id, for the 群主 column.
    names: HashMap<i64, String>,
    /// The new-community form's owner picker, by store.
    owners: Vec<OwnerGroup>,
    kinds: Vec<KindGroup>,
    purposes: Vec<Choice>,
    store_filter: i64,
    /// "", "active" or "archived".
    status_filter: &'static str,
    q: String,
    can_create: bool,
    /// Managers choose the 群主; a shop guide runs the communities they open.
    choose_owner: bool,
    /// The new-community form.
    form: FormState,
}

impl CommunitiesPage {
    fn store_name(&self, id: &StoreId) -> &str {
        self.stores
            .iter()
            .find(|s| s.id == id.get())
            .map_or("", |s| s.name.as_str())
    }

    fn owner_name(&self, id: &StaffId) -> &str {
        self.names
            .get(&id.get())
            .map_or(self.c.t.communities.someone, String::as_str)
    }

    fn kind_word(&self, k: &Kind) -> &'static str {
        self.c.t.communities.kind_name(k.as_str())
    }

    fn is_active(&self, s: &CommunityStatus) -> bool {
        *s == CommunityStatus::Active
    }
}

#[derive(Deserialize)]
struct ListParams {
    store_id: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

async fn show(
    state: &AppState,
    console: &Console,
    view: ListView<'_>,
    wanted: Option<CommunityStatus>,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    // The input is bounded in the form; a longer text is simply not applied.
    let search = SearchText::parse("q", Some(view.q)).ok().flatten();
    let size = PageSize::default();
    let query = communities::ListQuery {
        store: view.id.map(StoreId),
        owner: None,
        status: wanted.map(|s| s.as_str().to_owned()),
        search,
    };
    let loaded = async {
        let stores = stores::list(
            &state.db,
            &console.actor,
            None,
            None,
            Cursor::default(),
            PageSize::MAX_PAGE,
        )
        .await?
        .items;
        let staff = staff_in_scope(state, console).await?;
        let page =
            communities::list(&state.db, &console.actor, query, view.paging.cursor(), size).await?;
        Ok::<_, AppError>((stores, staff, page))
    }
    .await;
    match loaded {
        Ok((stores, staff, page)) => {
            let t = console.lang.text();
            let mut names: HashMap<i64, String> = staff
                .iter()
                .map(|m| (m.id.get(), m.display_name.clone()))
                .collect();
            let owner_ids: Vec<StaffId> = page.items.iter().map(|m| m.owner_id).collect();
            fill_names(state, console, &mut names, owner_ids).await;
            let owners: Vec<OwnerGroup> = stores
                .iter()
                .filter(|s| s.active)
                .map(|s| OwnerGroup {
                    store: format!("{} {}", s.code, s.name),
                    owners: staff
                        .iter()
                        .filter(|m| can_own(m, s.id))
                        .map(|m| owner_choice(t, m))
                        .collect(),
                })
                .filter(|g| !g.owners.is_empty())
                .collect();
            let open: Vec<&Store> = stores.iter().filter(|s| s.active).collect();
            let can_create = !open.is_empty();
            // One store to choose from (a store's own staff): it is chosen already.
            let form = match open.as_slice() {
                [only] if form.value("store_id").is_empty() => {
                    form.with("store_id", only.id.to_string())
                }
                _ => form,
            };
            let mut filters = view.filters();
            if let Some(s) = wanted {
                filters.push(("status", s.as_str().to_owned()));
            }
            render(
                status,
                &CommunitiesPage {
                    c,
                    list: ListPage::new(page, &view.paging, "/communities", &filters),
                    stores: stores.into_iter().map(StoreChoice::from).collect(),
                    names,
                    owners,
                    kinds: kind_groups(t),
                    purposes: purposes(t),
                    store_filter: view.id.unwrap_or(0),
                    status_filter: wanted.map_or("", CommunityStatus::as_str),
                    q: view.q.to_owned(),
                    can_create,
                    choose_owner: console.actor.role != Role::ShopGuide,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let wanted = q
        .status
        .as_deref()
        .and_then(|s| CommunityStatus::parse("status", s).ok());
    let view = ListView {
        key: "store_id",
        id: opt_id(q.store_id.as_deref()),
        q: q.q.as_deref().unwrap_or(""),
        paging,
    };
    let mut form = FormState::new()
        .with("store_id", "")
        .with("name", "")
        .with("purpose", Purpose::Sales.as_str())
        .with("kind", "")
        .with("capacity", Capacity::DEFAULT.get().to_string())
        .with("rules", "");
    if console.actor.role != Role::ShopGuide {
        // A store manager usually runs the group themselves; others choose.
        let me = if console.actor.role == Role::StoreManager {
            console.actor.staff.to_string()
        } else {
            String::new()
        };
        form = form.with("owner_id", me);
    }
    show(&state, &console, view, wanted, c, StatusCode::OK, form).await
}

#[derive(Deserialize)]
struct CreateForm {
    store_id: Option<String>,
    owner_id: Option<String>,
    #[serde(default)]
    name: String,
    purpose: Option<String>,
    kind: Option<String>,
    capacity: Option<String>,
    rules: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    let choose_owner = console.actor.role != Role::ShopGuide;
    let mut typed = FormState::new()
        .with("store_id", form.store_id.clone().unwrap_or_default())
        .with("name", form.name.clone())
        .with("purpose", form.purpose.clone().unwrap_or_default())
        .with("kind", form.kind.clone().unwrap_or_default())
        .with("capacity", form.capacity.clone().unwrap_or_default())
        .with("rules", form.rules.clone().unwrap_or_default());
    if choose_owner {
        typed = typed.with("owner_id", form.owner_id.clone().unwrap_or_default());
    }
    let made = match capacity_of(form.capacity.as_deref()) {
        Ok(capacity) => {
            let input = NewCommunityInput {
                // No store chosen: 0, which no store has (refused beside the store select).
                store_id: opt_id(form.store_id.as_deref()).unwrap_or(0),
                // Absent for a shop guide (their form has no owner select): themselves.
                owner_id: opt_id(form.owner_id.as_deref()),
                name: form.name,
                purpose: chosen(form.purpose),
                kind: form.kind.unwrap_or_default(),
                capacity,
                rules: form.rules,
            };
            communities::create(&state.db, &console.actor, input).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(community) => {
            let t = console.lang.text();
            console.done(
                "/communities",
                t.fill(t.communities.done_created, &community.name, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show(
                    &state,
                    &console,
                    ListView::unfiltered("store_id"),
                    None,
                    c,
                    REFUSED,
                    form,
                )
            })
            .await
        }
    }
}

/// One entry of the kind history as the page shows it.
struct HistoryLine {
    at: String,
    kind: &'static str,
    by: String,
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    c: Chrome,
    community: Community,
    store: Store,
    owner_name: String,
    /// The community this one was opened from, when the reader may see it.
    original: Option<Community>,
    history: Vec<HistoryLine>,
    /// The edit form's owner picker (managers only): the store's possible owners.
    owners: Vec<OwnerChoice>,
    kinds: Vec<KindGroup>,
    purposes: Vec<Choice>,
    /// The 群主 or a manager whose scope holds the store.
    can_edit: bool,
    /// Handing a community over to another 群主 is the managers' job.
    can_hand_over: bool,
    /// The edit form: the community's values, or what was typed when it was refused.
    form: FormState,
}

impl CommunityPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn kind_word(&self, k: &Kind) -> &'static str {
        self.c.t.communities.kind_name(k.as_str())
    }

    fn family_word(&self, k: &Kind) -> &'static str {
        self.c.t.communities.family_name(family_str(k.family()))
    }

    fn purpose_word(&self, p: &Purpose) -> &'static str {
        self.c.t.communities.purpose_name(p.as_str())
    }

    fn is_active(&self) -> bool {
        self.community.status == CommunityStatus::Active
    }
}

async fn show_community(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let a = &console.actor;
    let loaded = async {
        let community = communities::get(&state.db, a, CommunityId(id)).await?;
        let store = stores::get(&state.db, a, community.store_id).await?;
        let history = communities::kind_history(&state.db, a, community.id).await?;
        let staff = staff::list(
            &state.db,
            a,
            Some(community.store_id),
            None,
            Cursor::default(),
            PageSize::MAX_PAGE,
        )
        .await?
        .items;
        let original = match community.overflow_of {
            Some(o) => communities::get(&state.db, a, o).await.ok(),
            None => None,
        };
        Ok::<_, AppError>((community, store, history, staff, original))
    }
    .await;
    match loaded {
        Ok((community, store, history, staff, original)) => {
            let t = console.lang.text();
            let mut names: HashMap<i64, String> = staff
                .iter()
                .map(|m| (m.id.get(), m.display_name.clone()))
                .collect();
            let mut wanted: Vec<StaffId> = history.iter().filter_map(|h| h.by).collect();
            wanted.push(community.owner_id);
            fill_names(state, console, &mut names, wanted).await;
            let name_of = |id: StaffId| {
                names
                    .get(&id.get())
                    .cloned()
                    .unwrap_or_else(|| t.communities.someone.to_owned())
            };
            let history: Vec<HistoryLine> = history
                .iter()
                .map(|h| HistoryLine {
                    at: local_time(h.at),
                    kind: t.communities.kind_name(h.kind.as_str()),
                    by: h
                        .by
                        .map_or_else(|| t.communities.system.to_owned(), name_of),
                })
                .collect();
            let owner_name = name_of(community.owner_id);
            let can_edit = a.can_run_community(store.region_id, store.id, community.owner_id);
            let can_hand_over = can_edit && a.role != Role::ShopGuide;
            let mut owners: Vec<OwnerChoice> = staff
                .iter()
                .filter(|m| can_own(m, store.id))
                .map(|m| owner_choice(t, m))
                .collect();
            // The current 群主 is always a choice, so that saving never hands over by itself.
            if !owners.iter().any(|o| o.id == community.owner_id.get()) {
                owners.insert(
                    0,
                    OwnerChoice {
                        id: community.owner_id.get(),
                        label: owner_name.clone(),
                    },
                );
            }
            let mut form = form
                .or_with("name", community.name.clone())
                .or_with("purpose", community.purpose.as_str())
                .or_with("kind", community.kind.as_str())
                .or_with("capacity", community.capacity.get().to_string())
                .or_with("rules", community.rules.clone());
            if can_hand_over {
                form = form.or_with("owner_id", community.owner_id.to_string());
            }
            render(
                status,
                &CommunityPage {
                    c,
                    community,
                    store,
                    owner_name,
                    original,
                    history,
                    owners,
                    kinds: kind_groups(t),
                    purposes: purposes(t),
                    can_edit,
                    can_hand_over,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_community(&state, &console, id, c, StatusCode::OK, FormState::new()).await
}

#[derive(Deserialize)]
struct UpdateForm {
    name: Option<String>,
    purpose: Option<String>,
    kind: Option<String>,
    capacity: Option<String>,
    rules: Option<String>,
    owner_id: Option<String>,
    /// Archiving and restoring send only this.
    status: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    // What the edit form sent, to show again if it is refused (archiving and restoring
    // send only `status`; their refusals show above the page).
    let mut typed = FormState::new();
    if form.status.is_none() {
        let sent = [
            ("name", &form.name),
            ("purpose", &form.purpose),
            ("kind", &form.kind),
            ("capacity", &form.capacity),
            ("rules", &form.rules),
            ("owner_id", &form.owner_id),
        ];
        for (input, value) in sent {
            if let Some(v) = value {
                typed = typed.with(input, v.clone());
            }
        }
    }
    let status_sent = chosen(form.status.clone());
    let saved = match capacity_of(form.capacity.as_deref()) {
        Ok(capacity) => {
            let patch = CommunityPatch {
                owner_id: opt_id(form.owner_id.as_deref()),
                name: form.name,
                purpose: chosen(form.purpose),
                kind: chosen(form.kind),
                capacity,
                rules: form.rules,
                status: status_sent.clone(),
                chat_id: None,
            };
            communities::update(&state.db, &console.actor, CommunityId(id), patch).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(community) => {
            let t = console.lang.text();
            let said = match status_sent.as_deref() {
                Some("archived") => t.communities.done_archived,
                Some(_) => t.communities.done_restored,
                None => t.communities.done_saved,
            };
            let to = format!("/communities/{id}");
            console.done(&to, t.fill(said, &community.name, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_community(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

/// 开新群: the next group of a full community, shown at once with a message naming it.
async fn overflow(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
) -> Response {
    match communities::open_overflow(&state.db, &console.actor, CommunityId(id)).await {
        Ok(made) => {
            let t = console.lang.text();
            let to = format!("/communities/{}", made.id);
            console.done(&to, t.fill(t.communities.done_overflow, &made.name, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, form| {
                show_community(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}
