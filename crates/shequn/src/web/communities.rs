//! `/communities`: list (by store, by status), open, view with the kind history, edit,
//! archive and restore communities (社群), and open the next group of a full one. A
//! community's page also has its join links (入群链接: each with its QR code, as SVG to show
//! and PNG to download; new ones made, switched off and on there), its open removal tasks
//! (closed with 已移出 through `/screening/tasks/{id}/done`) and how many welcomes wait to
//! be sent.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::qr;
use shequn_app::usecases::communities::{self, CommunityPatch, NewCommunityInput};
use shequn_app::usecases::links::{self, LinkInput};
use shequn_app::usecases::screening::{self, TaskQuery};
use shequn_app::usecases::{staff, stores};
use shequn_domain::{
    Capacity, Channel, Community, CommunityId, CommunityStatus, Cursor, JoinLink, Kind, KindFamily,
    PageSize, Purpose, Reason, RemovalTask, Role, SearchText, StaffId, StaffMember, Store, StoreId,
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
        .route("/communities/{community_id}/links", post(create_link))
        .route(
            "/communities/{community_id}/links/{link_id}/deactivate",
            post(deactivate_link),
        )
        .route(
            "/communities/{community_id}/links/{link_id}/activate",
            post(activate_link),
        )
        .route(
            "/communities/{community_id}/links/{link_id}/qr.svg",
            get(qr_svg),
        )
        .route(
            "/communities/{community_id}/links/{link_id}/qr.png",
            get(qr_png),
        )
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

/// The channels a join link can stand for, in the console's words (as on the customers).
fn channels(t: &'static Text) -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: t.customers.channel_name(c.as_str()),
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

/// A join link as the community page shows it.
struct LinkLine {
    id: i64,
    label: String,
    channel: &'static str,
    joins: i64,
    active: bool,
    /// The public join page as an absolute URL: what the QR code carries.
    url: String,
    qr_alt: String,
    /// The question before 停用, naming the link.
    confirm_off: String,
}

fn link_line(t: &Text, origin: &str, l: &JoinLink) -> LinkLine {
    LinkLine {
        id: l.id,
        label: l.label.clone(),
        channel: t.customers.channel_name(l.channel.as_str()),
        joins: l.joins,
        active: l.active,
        url: join_url(origin, &l.code),
        qr_alt: t.fill(t.communities.qr_alt, &l.label, ""),
        confirm_off: t.fill(t.communities.confirm_deactivate_link, &l.label, ""),
    }
}

/// An open removal task of the community: 已移出, after a question naming the member.
struct TaskLine {
    id: i64,
    customer_id: i64,
    nickname: String,
    created: String,
    question: String,
    /// The reader is the 群主 asked to remove them: 已移出 goes back to their own tasks.
    mine: bool,
}

fn task_line(t: &Text, me: StaffId, task: &RemovalTask) -> TaskLine {
    TaskLine {
        id: task.id,
        customer_id: task.customer_id.get(),
        nickname: task.nickname.clone(),
        created: local_time(task.created_at),
        question: t.fill(
            t.screening.confirm_mark_done,
            &task.nickname,
            &task.community_name,
        ),
        mine: task.owner_id == me,
    }
}

/// Where this request reached the server (`http://host:port`), for the absolute join URLs
/// that the QR codes carry (as the API builds them).
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// The public join page of a link's code.
fn join_url(origin: &str, code: &str) -> String {
    format!("{origin}/j/{code}")
}

/// How many removal tasks of one community the page lists.
const MAX_TASKS: i64 = 50;

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
    /// The edit form and the new-link form (their inputs have other names): the
    /// community's values, or what was typed when one was refused.
    form: FormState,
    links: Vec<LinkLine>,
    /// The channels of the new-link form.
    channels: Vec<Choice>,
    /// The open removal tasks of the community.
    tasks: Vec<TaskLine>,
    /// 「欢迎语待发送 N 条」
    welcomes_queued: String,
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
    origin: &str,
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
        let join_links = links::of_community(&state.db, a, community.id).await?;
        let query = TaskQuery {
            status: Some("open".to_owned()),
            community_id: Some(id),
            ..TaskQuery::default()
        };
        let size = PageSize::parse(Some(MAX_TASKS))?;
        let tasks = screening::tasks(&state.db, a, query, Cursor::default(), size)
            .await?
            .items;
        let queued = links::outbox(&state.db, a, community.id)
            .await?
            .iter()
            .filter(|w| w.status == "queued")
            .count();
        Ok::<_, AppError>((
            community,
            store,
            history,
            staff,
            original,
            (join_links, tasks, queued),
        ))
    }
    .await;
    match loaded {
        Ok((community, store, history, staff, original, (join_links, tasks, queued))) => {
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
                    links: join_links.iter().map(|l| link_line(t, origin, l)).collect(),
                    channels: channels(t),
                    tasks: tasks.iter().map(|x| task_line(t, a.staff, x)).collect(),
                    welcomes_queued: t
                        .communities
                        .welcomes_queued
                        .replace("{count}", &queued.to_string()),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn detail(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let origin = origin(&headers);
    show_community(
        &state,
        &console,
        id,
        c,
        StatusCode::OK,
        FormState::new(),
        &origin,
    )
    .await
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
    headers: HeaderMap,
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
            let origin = origin(&headers);
            form_failed(&console, NAV, e, typed, |c, form| {
                show_community(&state, &console, id, c, REFUSED, form, &origin)
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
    headers: HeaderMap,
) -> Response {
    match communities::open_overflow(&state.db, &console.actor, CommunityId(id)).await {
        Ok(made) => {
            let t = console.lang.text();
            let to = format!("/communities/{}", made.id);
            console.done(&to, t.fill(t.communities.done_overflow, &made.name, ""))
        }
        Err(e) => {
            let origin = origin(&headers);
            form_failed(&console, NAV, e, FormState::new(), |c, form| {
                show_community(&state, &console, id, c, REFUSED, form, &origin)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct LinkForm {
    channel: Option<String>,
    #[serde(default)]
    label: String,
    inviter_id: Option<String>,
}

/// The inviter typed into the new-link form: None when left empty. A text that is no id is
/// refused like the id of nobody, beside the input.
fn inviter_of(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| AppError::invalid("inviter_id", Reason::UnknownCustomer)),
    }
}

/// 创建链接: a new join link of the community, back on its page with a message naming it.
async fn create_link(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Response {
    let typed = FormState::new()
        .with("channel", form.channel.clone().unwrap_or_default())
        .with("label", form.label.clone())
        .with("inviter_id", form.inviter_id.clone().unwrap_or_default());
    let made = match inviter_of(form.inviter_id.as_deref()) {
        Ok(inviter_id) => {
            let input = LinkInput {
                channel: form.channel.unwrap_or_default(),
                inviter_id,
                label: form.label,
            };
            links::create(&state.db, &console.actor, CommunityId(id), input).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(link) => {
            let t = console.lang.text();
            let to = format!("/communities/{id}");
            console.done(
                &to,
                t.fill(t.communities.done_link_created, &link.label, ""),
            )
        }
        Err(e) => {
            let origin = origin(&headers);
            form_failed(&console, NAV, e, typed, |c, form| {
                show_community(&state, &console, id, c, REFUSED, form, &origin)
            })
            .await
        }
    }
}

/// A link of the community `id` that the reader may see; a link of another community is
/// not found here.
async fn link_of(
    state: &AppState,
    console: &Console,
    id: i64,
    link_id: i64,
) -> Result<JoinLink, AppError> {
    let link = links::get(&state.db, &console.actor, link_id).await?;
    if link.community_id != CommunityId(id) {
        return Err(AppError::NotFound("join link"));
    }
    Ok(link)
}

async fn deactivate_link(
    State(state): State<AppState>,
    console: Console,
    Path((id, link_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    switch_link(&state, &console, (id, link_id), false, &headers).await
}

async fn activate_link(
    State(state): State<AppState>,
    console: Console,
    Path((id, link_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    switch_link(&state, &console, (id, link_id), true, &headers).await
}

/// 停用 / 启用 a join link: back on the community's page, with a message naming the link.
async fn switch_link(
    state: &AppState,
    console: &Console,
    (id, link_id): (i64, i64),
    on: bool,
    headers: &HeaderMap,
) -> Response {
    let switched = match link_of(state, console, id, link_id).await {
        Ok(_) => links::set_active(&state.db, &console.actor, link_id, on).await,
        Err(e) => Err(e),
    };
    match switched {
        Ok(link) => {
            let t = console.lang.text();
            let said = if on {
                t.communities.done_link_activated
            } else {
                t.communities.done_link_deactivated
            };
            let to = format!("/communities/{id}");
            console.done(&to, t.fill(said, &link.label, ""))
        }
        Err(e) => {
            let origin = origin(headers);
            form_failed(console, NAV, e, FormState::new(), |c, form| {
                show_community(state, console, id, c, REFUSED, form, &origin)
            })
            .await
        }
    }
}

/// A QR code image: the browser may keep it for the signed-in reader (`private`), unlike
/// the pages.
fn image(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The link's QR code as SVG, shown on the community's page.
async fn qr_svg(
    State(state): State<AppState>,
    console: Console,
    Path((id, link_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    let made = match link_of(&state, &console, id, link_id).await {
        Ok(link) => qr::svg(&join_url(&origin(&headers), &link.code)),
        Err(e) => Err(e),
    };
    match made {
        Ok(svg) => image("image/svg+xml", svg),
        Err(e) => failure_page(&console, e),
    }
}

/// The link's QR code as PNG, to download for chat apps and print shops.
async fn qr_png(
    State(state): State<AppState>,
    console: Console,
    Path((id, link_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    let made = match link_of(&state, &console, id, link_id).await {
        Ok(link) => qr::png(&join_url(&origin(&headers), &link.code)),
        Err(e) => Err(e),
    };
    match made {
        Ok(png) => image("image/png", png),
        Err(e) => failure_page(&console, e),
    }
}
