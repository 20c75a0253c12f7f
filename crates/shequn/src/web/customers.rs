//! `/customers`: list (by store, tier, channel, tag, nickname or the whole phone number),
//! add, view with the communities they are and were in, edit, set the intent tier by hand
//! (with a reason) or back to the channel's, record consent to marketing; and
//! `/settings/intent-tiers`, the brand's channel → tier mapping.
//!
//! Phones are shown masked (138****0001) everywhere: [`Phone::full`] is rendered only in
//! the answer to 显示完整号码 (`POST /customers/{id}/phone`), once, after the use case has
//! checked the reader and logged it. The edit form's phone input starts empty and shows
//! the masked number as its placeholder. 生成退订链接 (`POST …/unsubscribe-link`) shows
//! the customer's unsubscribe link the same way, so the page's GET changes nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::customers::{self, CustomerPatch, NewCustomerInput, TierChange};
use shequn_app::usecases::members::{self, MemberQuery};
use shequn_app::usecases::{communities, consent, staff, stores};
use shequn_domain::customer::parse_tag;
use shequn_domain::{
    Channel, Cursor, Customer, CustomerId, Lifecycle, PageSize, Phone, Reason, Role, SearchText,
    Store, StoreId, Tier,
};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::list::{ListPage, ListView, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/{customer_id}", get(detail).post(update))
        .route("/customers/{customer_id}/tier", post(set_tier))
        .route("/customers/{customer_id}/consent", post(set_consent))
        .route("/customers/{customer_id}/phone", post(reveal_phone))
        .route(
            "/customers/{customer_id}/unsubscribe-link",
            post(unsubscribe_link),
        )
        .route(TIERS_PATH, get(intent_tiers).post(save_intent_tiers))
}

/// The nav item of every page of this family.
const NAV: &str = "customers";

/// The brand's channel → tier mapping.
const TIERS_PATH: &str = "/settings/intent-tiers";

/// How consent given or withdrawn in the console is recorded.
const CONSOLE_SOURCE: &str = "console";

/// How many pages of one community's members (of [`PageSize::MAX`] each) the detail page
/// reads to find the customer's stints in it: 2,000 members, a full community.
const MAX_MEMBER_PAGES: usize = 10;

/// An optional id from a form select or a query, where "" means none.
fn opt_id(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// A checkbox as the form state keeps it: "true" when ticked, else "".
fn ticked(raw: &Option<String>) -> &'static str {
    if raw.is_some() { "true" } else { "" }
}

/// Tags as typed: separated by commas, full-width (，) or not; blanks are dropped.
fn split_tags(raw: &str) -> Vec<String> {
    raw.split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

fn channel_choices(t: &'static Text) -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: t.customers.channel_name(c.as_str()),
        })
        .collect()
}

fn tier_choices(t: &'static Text) -> Vec<Choice> {
    Tier::ALL
        .iter()
        .map(|x| Choice {
            value: x.as_str(),
            label: t.customers.tier_name(x.as_str()),
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

#[derive(Template)]
#[template(path = "customers.html")]
struct CustomersPage {
    c: Chrome,
    list: ListPage<Customer>,
    stores: Vec<StoreChoice>,
    channels: Vec<Choice>,
    tiers: Vec<Choice>,
    store_filter: i64,
    /// "" or a tier's stored form.
    tier_filter: &'static str,
    stages: Vec<Choice>,
    /// "" or a stage's stored form.
    stage_filter: &'static str,
    /// The brand's segments: (id, name).
    segments: Vec<(i64, String)>,
    segment_filter: i64,
    /// A guide's own customers (links from the workbench); kept by the filter form.
    guide_filter: Option<i64>,
    /// Brand admins import customers from a file.
    can_import: bool,
    /// "" or a channel's stored form.
    channel_filter: &'static str,
    tag: String,
    q: String,
    /// The number searched for, as the reader typed it (stored numbers are never shown
    /// whole).
    phone: String,
    /// Why the phone search found nothing: it was not a whole number.
    phone_error: Option<&'static str>,
    can_create: bool,
    /// Managers and admins choose the store; a shop guide adds customers to their own.
    choose_store: bool,
    /// The new-customer form.
    form: FormState,
}

impl CustomersPage {
    fn store_name(&self, id: &Option<StoreId>) -> &str {
        match id {
            Some(id) => self
                .stores
                .iter()
                .find(|s| s.id == id.get())
                .map_or("", |s| s.name.as_str()),
            None => self.c.t.customers.no_store,
        }
    }

    fn masked(&self, phone: &Option<Phone>) -> String {
        phone.as_ref().map(Phone::masked).unwrap_or_default()
    }

    fn tier_word(&self, tier: &Tier) -> &'static str {
        self.c.t.customers.tier_name(tier.as_str())
    }

    fn channel_word(&self, channel: &Channel) -> &'static str {
        self.c.t.customers.channel_name(channel.as_str())
    }

    fn tag_list(&self, tags: &[String]) -> String {
        tags.join(self.c.t.customers.tag_separator)
    }
}

#[derive(Deserialize)]
struct ListParams {
    store_id: Option<String>,
    tier: Option<String>,
    lifecycle: Option<String>,
    segment: Option<String>,
    guide_id: Option<String>,
    channel: Option<String>,
    tag: Option<String>,
    q: Option<String>,
    phone: Option<String>,
}

/// The list's filters besides the store and the nickname (those are the [`ListView`]'s).
#[derive(Default)]
struct Filters {
    tier: Option<Tier>,
    stage: Option<Lifecycle>,
    segment: Option<i64>,
    guide: Option<i64>,
    channel: Option<Channel>,
    /// As typed; applied when it is a tag.
    tag: String,
    /// As typed; applied when it is a whole number.
    phone: String,
}

impl Filters {
    fn of(p: &ListParams) -> Filters {
        Filters {
            tier: p.tier.as_deref().and_then(|t| Tier::parse("tier", t).ok()),
            stage: p
                .lifecycle
                .as_deref()
                .and_then(|l| Lifecycle::parse("lifecycle", l).ok()),
            segment: opt_id(p.segment.as_deref()),
            guide: opt_id(p.guide_id.as_deref()),
            channel: p
                .channel
                .as_deref()
                .and_then(|c| Channel::parse("channel", c).ok()),
            tag: p.tag.as_deref().unwrap_or("").trim().to_owned(),
            phone: p.phone.as_deref().unwrap_or("").trim().to_owned(),
        }
    }

    /// The filters that are set, as the pager's links keep them.
    fn links(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if let Some(t) = self.tier {
            f.push(("tier", t.as_str().to_owned()));
        }
        if let Some(c) = self.channel {
            f.push(("channel", c.as_str().to_owned()));
        }
        if let Some(s) = self.stage {
            f.push(("lifecycle", s.as_str().to_owned()));
        }
        if let Some(s) = self.segment {
            f.push(("segment", s.to_string()));
        }
        if let Some(g) = self.guide {
            f.push(("guide_id", g.to_string()));
        }
        if !self.tag.is_empty() {
            f.push(("tag", self.tag.clone()));
        }
        if !self.phone.is_empty() {
            f.push(("phone", self.phone.clone()));
        }
        f
    }
}

async fn show(
    state: &AppState,
    console: &Console,
    view: ListView<'_>,
    filters: Filters,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let t = console.lang.text();
    // The inputs are bounded in the form; a longer or malformed text is simply not applied.
    let search = SearchText::parse("q", Some(view.q)).ok().flatten();
    let tag = parse_tag("tag", &filters.tag).ok();
    // Only a whole number finds a customer by phone; part of one finds nobody.
    let phone_ok = filters.phone.is_empty() || Phone::parse("phone", &filters.phone).is_ok();
    let phone_error = (!phone_ok).then_some(t.customers.phone_search_whole);
    let query = customers::ListQuery {
        store: view.id.map(StoreId),
        guide: filters.guide.map(shequn_domain::StaffId),
        tier: filters.tier.map(|x| x.as_str().to_owned()),
        channel: filters.channel.map(|x| x.as_str().to_owned()),
        tag,
        search,
        phone: (!filters.phone.is_empty()).then(|| filters.phone.clone()),
        lifecycle: filters.stage.map(|s| s.as_str().to_owned()),
        segment: filters.segment,
    };
    let size = PageSize::default();
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
        let segments = shequn_app::usecases::segments::names(&state.db, &console.actor).await?;
        let page = if phone_ok {
            customers::list(&state.db, &console.actor, query, view.paging.cursor(), size).await?
        } else {
            Page::empty()
        };
        Ok::<_, AppError>((stores, segments, page))
    }
    .await;
    match loaded {
        Ok((stores, segments, page)) => {
            let choose_store = console.actor.role != Role::ShopGuide;
            let open: Vec<&Store> = stores.iter().filter(|s| s.active).collect();
            let can_create = !open.is_empty();
            // One store to choose from (a store's own staff): it is chosen already.
            let form = match open.as_slice() {
                [only] if choose_store && form.value("store_id").is_empty() => {
                    form.with("store_id", only.id.to_string())
                }
                _ => form,
            };
            let mut links = view.filters();
            links.extend(filters.links());
            render(
                status,
                &CustomersPage {
                    c,
                    list: ListPage::new(page, &view.paging, "/customers", &links),
                    stores: stores.into_iter().map(StoreChoice::from).collect(),
                    channels: channel_choices(t),
                    tiers: tier_choices(t),
                    store_filter: view.id.unwrap_or(0),
                    tier_filter: filters.tier.map_or("", Tier::as_str),
                    stages: Lifecycle::ALL
                        .iter()
                        .map(|x| Choice {
                            value: x.as_str(),
                            label: t.customers.stage_name(x.as_str()),
                        })
                        .collect(),
                    stage_filter: filters.stage.map_or("", Lifecycle::as_str),
                    segments,
                    segment_filter: filters.segment.unwrap_or(0),
                    guide_filter: filters.guide,
                    can_import: console.actor.role == Role::BrandAdmin,
                    channel_filter: filters.channel.map_or("", Channel::as_str),
                    tag: filters.tag,
                    q: view.q.to_owned(),
                    phone: filters.phone,
                    phone_error,
                    can_create,
                    choose_store,
                    form,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

/// The new-customer form, empty.
fn new_form(console: &Console) -> FormState {
    let form = FormState::new()
        .with("nickname", "")
        .with("phone", "")
        .with("channel", "")
        .with("tags", "")
        .with("consent", "");
    if console.actor.role == Role::ShopGuide {
        form
    } else {
        form.with("store_id", "")
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let filters = Filters::of(&q);
    let view = ListView {
        key: "store_id",
        id: opt_id(q.store_id.as_deref()),
        q: q.q.as_deref().unwrap_or(""),
        paging,
    };
    let form = new_form(&console);
    show(&state, &console, view, filters, c, StatusCode::OK, form).await
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    nickname: String,
    phone: Option<String>,
    channel: Option<String>,
    tags: Option<String>,
    /// A checkbox: sent only when ticked.
    consent: Option<String>,
    store_id: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<CreateForm>,
) -> Response {
    let choose_store = console.actor.role != Role::ShopGuide;
    let mut typed = FormState::new()
        .with("nickname", form.nickname.clone())
        .with("phone", form.phone.clone().unwrap_or_default())
        .with("channel", form.channel.clone().unwrap_or_default())
        .with("tags", form.tags.clone().unwrap_or_default())
        .with("consent", ticked(&form.consent));
    if choose_store {
        typed = typed.with("store_id", form.store_id.clone().unwrap_or_default());
    }
    let store_id = if choose_store {
        // No store chosen: 0, which no store has (refused beside the store select).
        Some(opt_id(form.store_id.as_deref()).unwrap_or(0))
    } else {
        // A shop guide's own store.
        None
    };
    let input = NewCustomerInput {
        nickname: form.nickname,
        phone: form.phone.filter(|p| !p.trim().is_empty()),
        channel: form.channel.unwrap_or_default(),
        tags: split_tags(form.tags.as_deref().unwrap_or("")),
        // Unticked: not asked yet, rather than a refusal on record.
        consent: form.consent.is_some().then_some(true),
        consent_source: Some(CONSOLE_SOURCE.to_owned()),
        store_id,
        ..NewCustomerInput::default()
    };
    match customers::create(&state.db, &console.actor, input).await {
        Ok(customer) => {
            let t = console.lang.text();
            console.done(
                "/customers",
                t.fill(t.customers.done_created, &customer.nickname, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show(
                    &state,
                    &console,
                    ListView::unfiltered("store_id"),
                    Filters::default(),
                    c,
                    REFUSED,
                    form,
                )
            })
            .await
        }
    }
}

/// One stint of the customer in a community, as the detail page shows it.
struct StintLine {
    community_id: i64,
    community: String,
    role: &'static str,
    source: &'static str,
    joined_ms: i64,
    joined: String,
    /// None while the customer is still in the community.
    left: Option<String>,
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    c: Chrome,
    customer: Customer,
    /// 138****0001, or "" without a phone: the number is never shown whole.
    phone: String,
    channel_word: &'static str,
    tier_word: &'static str,
    tags: String,
    store: Option<Store>,
    guide_name: Option<String>,
    /// When consent was last given or withdrawn, in local time.
    consent_at: Option<String>,
    /// How it was given or withdrawn, in words when the console knows the source.
    consent_source: Option<String>,
    stints: Vec<StintLine>,
    tiers: Vec<Choice>,
    /// The edit and tier forms: the customer's values, or what was typed when refused.
    form: FormState,
    /// 显示完整号码 is offered: the customer has a phone and the reader may see it whole
    /// (not a shop guide, or their own guide).
    can_reveal: bool,
    /// What a POST asked to show once: the whole number, the unsubscribe link.
    shown: Shown,
}

/// What the detail page shows only in the answer to the POST that asked for it.
#[derive(Default)]
struct Shown {
    /// All 11 digits (the reveal was logged).
    full_phone: Option<String>,
    /// The customer's unsubscribe link, absolute.
    unsubscribe_url: Option<String>,
}

impl CustomerPage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }
}

/// The customer's stints in the communities of their store (the brand's communities for
/// a customer without a store: the first [`PageSize::MAX`]), oldest first. Members are
/// read by the customer's nickname, then matched by id.
async fn stints_of(
    state: &AppState,
    console: &Console,
    customer: &Customer,
) -> Result<Vec<StintLine>, AppError> {
    let t = console.lang.text();
    let a = &console.actor;
    let query = communities::ListQuery {
        store: customer.store_id,
        ..communities::ListQuery::default()
    };
    let groups =
        communities::list(&state.db, a, query, Cursor::default(), PageSize::MAX_PAGE).await?;
    let search = SearchText::parse("q", Some(customer.nickname.as_str()))
        .ok()
        .flatten();
    let mut lines = Vec::new();
    for community in groups.items {
        let mut after = Cursor::default();
        for _ in 0..MAX_MEMBER_PAGES {
            let q = MemberQuery {
                search: search.clone(),
                with_past: true,
                ..MemberQuery::default()
            };
            let page =
                members::list(&state.db, a, community.id, q, after, PageSize::MAX_PAGE).await?;
            for m in page
                .items
                .iter()
                .filter(|m| m.membership.customer_id == customer.id)
            {
                let stint = &m.membership;
                lines.push(StintLine {
                    community_id: community.id.get(),
                    community: community.name.clone(),
                    role: t.customers.role_name(stint.role.as_str()),
                    source: t.customers.join_source_name(stint.source.as_str()),
                    joined_ms: stint.joined_at,
                    joined: local_time(stint.joined_at),
                    left: stint.left_at.map(local_time),
                });
            }
            match page.next_cursor.as_deref().map(|n| Cursor::parse(Some(n))) {
                Some(Ok(next)) => after = next,
                _ => break,
            }
        }
    }
    lines.sort_by_key(|l| l.joined_ms);
    Ok(lines)
}

async fn show_customer(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    show_customer_with(state, console, id, c, status, form, Shown::default()).await
}

async fn show_customer_with(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
    shown: Shown,
) -> Response {
    let a = &console.actor;
    let loaded = async {
        let customer = customers::get(&state.db, a, CustomerId(id)).await?;
        let store = match customer.store_id {
            Some(s) => stores::get(&state.db, a, s).await.ok(),
            None => None,
        };
        let stints = stints_of(state, console, &customer).await?;
        Ok::<_, AppError>((customer, store, stints))
    }
    .await;
    match loaded {
        Ok((customer, store, stints)) => {
            let t = console.lang.text();
            let guide_name = match customer.guide_id {
                Some(g) if g == a.staff => Some(console.staff.display_name.clone()),
                Some(g) => Some(
                    staff::get(&state.db, a, g)
                        .await
                        .map_or_else(|_| t.customers.someone.to_owned(), |m| m.display_name),
                ),
                None => None,
            };
            let consent_source = customer.consent.source.as_deref().map(|s| {
                t.customers
                    .source_name(s)
                    .map_or_else(|| s.to_owned(), str::to_owned)
            });
            let tags = customer.tags.join(t.customers.tag_separator);
            let form = form
                .or_with("nickname", customer.nickname.clone())
                // Never the stored number: a new one replaces it, empty keeps it.
                .or_with("phone", "")
                .or_with("remove_phone", "")
                .or_with("tags", tags.clone())
                .or_with(
                    "avatar_flagged",
                    if customer.avatar_flagged { "true" } else { "" },
                )
                .or_with("tier", customer.tier.as_str())
                .or_with(
                    "tier_reason",
                    customer.tier_reason.clone().unwrap_or_default(),
                );
            let can_reveal = customer.phone.is_some()
                && (a.role != Role::ShopGuide || customer.guide_id == Some(a.staff));
            render(
                status,
                &CustomerPage {
                    c,
                    phone: customer
                        .phone
                        .as_ref()
                        .map(Phone::masked)
                        .unwrap_or_default(),
                    channel_word: t.customers.channel_name(customer.channel.as_str()),
                    tier_word: t.customers.tier_name(customer.tier.as_str()),
                    tags,
                    store,
                    guide_name,
                    consent_at: customer.consent.at.map(local_time),
                    consent_source,
                    stints,
                    tiers: tier_choices(t),
                    form,
                    can_reveal,
                    shown,
                    customer,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_customer(&state, &console, id, c, StatusCode::OK, FormState::new()).await
}

/// 显示完整号码: the detail page again, this once with the whole number (the use case
/// logs it); a reader who may not see it is told so above the page.
async fn reveal_phone(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
) -> Response {
    let mut c = Chrome::for_console(&console, NAV);
    match customers::reveal_phone(&state.db, &console.actor, CustomerId(id)).await {
        Ok(phone) => {
            let shown = Shown {
                full_phone: phone.map(|p| p.full().to_owned()),
                ..Shown::default()
            };
            show_customer_with(
                &state,
                &console,
                id,
                c,
                StatusCode::OK,
                FormState::new(),
                shown,
            )
            .await
        }
        Err(AppError::Forbidden(_)) => {
            c.error = Some(console.lang.text().privacy.reveal_forbidden.to_owned());
            show_customer(
                &state,
                &console,
                id,
                c,
                StatusCode::FORBIDDEN,
                FormState::new(),
            )
            .await
        }
        Err(e) => failure_page(&console, e),
    }
}

/// 生成退订链接: the detail page again with the customer's unsubscribe link (made on first
/// use), absolute as this request reached the server.
async fn unsubscribe_link(
    State(state): State<AppState>,
    console: Console,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match consent::unsubscribe_path(&state.db, &console.actor, CustomerId(id)).await {
        Ok(path) => {
            let c = Chrome::for_console(&console, NAV);
            let shown = Shown {
                unsubscribe_url: Some(format!("{}{path}", super::settings::origin(&headers))),
                ..Shown::default()
            };
            show_customer_with(
                &state,
                &console,
                id,
                c,
                StatusCode::OK,
                FormState::new(),
                shown,
            )
            .await
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, form| {
                show_customer(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct UpdateForm {
    nickname: Option<String>,
    phone: Option<String>,
    /// A checkbox: sent only when ticked.
    remove_phone: Option<String>,
    tags: Option<String>,
    /// A checkbox: sent only when ticked.
    avatar_flagged: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<UpdateForm>,
) -> Response {
    let typed = FormState::new()
        .with("nickname", form.nickname.clone().unwrap_or_default())
        .with("phone", form.phone.clone().unwrap_or_default())
        .with("remove_phone", ticked(&form.remove_phone))
        .with("tags", form.tags.clone().unwrap_or_default())
        .with("avatar_flagged", ticked(&form.avatar_flagged));
    let phone = if form.remove_phone.is_some() {
        Some(None)
    } else {
        // Empty: the stored number stays.
        form.phone.filter(|p| !p.trim().is_empty()).map(Some)
    };
    let patch = CustomerPatch {
        nickname: form.nickname,
        phone,
        tags: form.tags.as_deref().map(split_tags),
        avatar_flagged: Some(form.avatar_flagged.is_some()),
        ..CustomerPatch::default()
    };
    match customers::update(&state.db, &console.actor, CustomerId(id), patch).await {
        Ok(customer) => {
            let t = console.lang.text();
            let to = format!("/customers/{id}");
            console.done(&to, t.fill(t.customers.done_saved, &customer.nickname, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_customer(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct TierForm {
    tier: Option<String>,
    tier_reason: Option<String>,
    /// 恢复按渠道 sends only this.
    follow: Option<String>,
}

async fn set_tier(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<TierForm>,
) -> Response {
    let follows = form.follow.is_some();
    let (change, typed) = if follows {
        (TierChange::FollowChannel, FormState::new())
    } else {
        let tier = form.tier.unwrap_or_default();
        let reason = form.tier_reason.unwrap_or_default();
        let typed = FormState::new()
            .with("tier", tier.clone())
            .with("tier_reason", reason.clone());
        (TierChange::Set { tier, reason }, typed)
    };
    let patch = CustomerPatch {
        tier: Some(change),
        ..CustomerPatch::default()
    };
    match customers::update(&state.db, &console.actor, CustomerId(id), patch).await {
        Ok(customer) => {
            let t = console.lang.text();
            let said = if follows {
                t.customers.done_tier_followed
            } else {
                t.customers.done_tier_set
            };
            let to = format!("/customers/{id}");
            console.done(&to, t.fill(said, &customer.nickname, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_customer(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
struct ConsentForm {
    /// "true" to record consent, "false" to withdraw it.
    consent: Option<String>,
}

async fn set_consent(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let given = match form.consent.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let saved = match given {
        Some(given) => {
            let patch = CustomerPatch {
                consent: Some(given),
                consent_source: Some(CONSOLE_SOURCE.to_owned()),
                ..CustomerPatch::default()
            };
            customers::update(&state.db, &console.actor, CustomerId(id), patch).await
        }
        None => Err(AppError::invalid("consent", Reason::NotOneOf("consent"))),
    };
    match saved {
        Ok(customer) => {
            let t = console.lang.text();
            let said = if customer.consent.given {
                t.customers.done_consent_given
            } else {
                t.customers.done_consent_withdrawn
            };
            let to = format!("/customers/{id}");
            console.done(&to, t.fill(said, &customer.nickname, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, form| {
                show_customer(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

/// One channel of the mapping, with the tier it gives.
struct TierRow {
    channel: &'static str,
    channel_label: &'static str,
    tier: &'static str,
    tier_label: &'static str,
}

#[derive(Template)]
#[template(path = "intent_tiers.html")]
struct IntentTiersPage {
    c: Chrome,
    rows: Vec<TierRow>,
    tiers: Vec<Choice>,
    /// Brand admins change the mapping; others read it.
    can_edit: bool,
}

async fn show_tiers(
    state: &AppState,
    console: &Console,
    c: Chrome,
    status: StatusCode,
) -> Response {
    match customers::tier_map(&state.db, &console.actor).await {
        Ok(map) => {
            let t = console.lang.text();
            let rows = map
                .into_iter()
                .map(|(channel, tier)| TierRow {
                    channel: channel.as_str(),
                    channel_label: t.customers.channel_name(channel.as_str()),
                    tier: tier.as_str(),
                    tier_label: t.customers.tier_name(tier.as_str()),
                })
                .collect();
            render(
                status,
                &IntentTiersPage {
                    c,
                    rows,
                    tiers: tier_choices(t),
                    can_edit: console.actor.role == Role::BrandAdmin,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn intent_tiers(State(state): State<AppState>, console: Console) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_tiers(&state, &console, c, StatusCode::OK).await
}

/// Saves the mapping: one select a channel, named by the channel (`fission_poster=strong`).
async fn save_intent_tiers(
    State(state): State<AppState>,
    console: Console,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let changes: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(name, _)| Channel::ALL.iter().any(|c| c.as_str() == name.as_str()))
        .collect();
    match customers::set_tier_map(&state.db, &console.actor, changes).await {
        Ok((_, moved)) => {
            let t = console.lang.text();
            console.done(TIERS_PATH, t.customers.tiers_saved(moved))
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_tiers(&state, &console, c, REFUSED)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_either_comma_and_drop_blanks() {
        assert_eq!(
            split_tags(" 宝妈，学生党, 爱运动 ,,"),
            vec!["宝妈", "学生党", "爱运动"]
        );
        assert!(split_tags("  ").is_empty());
    }
}
