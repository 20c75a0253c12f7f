//! `/segments` (人群分层): the brand's saved customer filters, each with its conditions in
//! words and how many customers in the reader's scope are in it now (the count links to
//! the customers list of the segment); new (a form dropping down from the list's head),
//! edit (`/segments/{id}/edit`) and delete (asked first: the customers stay).
//!
//! Managers and brand admins write segments; shop guides read the list without the forms
//! and buttons (the use cases check it again). A form needs at least one condition: one
//! without is refused beside the conditions before the use case is asked.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::segments::{self, Counted, SegmentInput};
use shequn_app::usecases::stores;
use shequn_domain::{
    Channel, Cursor, Lifecycle, PageSize, Reason, Role, Segment, SegmentFilter, Store, Tier,
};

use super::chrome::{Chrome, failure_page, render};
use super::error_text::reason_text;
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::{Lang, Text};
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIST_PATH, get(list).post(create))
        .route("/segments/{segment_id}/edit", get(edit).post(update))
        .route("/segments/{segment_id}/delete", post(delete))
}

/// The nav item of every page of this family.
const NAV: &str = "segments";

const LIST_PATH: &str = "/segments";

/// Why a shop guide gets no segment form.
const WRITERS_ONLY: &str = "managers and brand admins define segments";

/// Managers and brand admins write segments; everyone reads them.
fn can_write(console: &Console) -> bool {
    console.actor.role != Role::ShopGuide
}

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
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

fn channel_choices(t: &'static Text) -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: t.customers.channel_name(c.as_str()),
        })
        .collect()
}

fn stage_choices(t: &'static Text) -> Vec<Choice> {
    Lifecycle::ALL
        .iter()
        .map(|x| Choice {
            value: x.as_str(),
            label: t.customers.stage_name(x.as_str()),
        })
        .collect()
}

/// A store as the form's select offers it: the id as the form sends it back.
struct StoreChoice {
    id: i64,
    code: String,
    name: String,
}

impl From<Store> for StoreChoice {
    fn from(s: Store) -> Self {
        StoreChoice {
            id: s.id.get(),
            code: s.code,
            name: s.name,
        }
    }
}

/// The stores in the reader's scope (the first [`PageSize::MAX`]).
async fn store_choices(state: &AppState, console: &Console) -> Result<Vec<StoreChoice>, AppError> {
    let page = stores::list(
        &state.db,
        &console.actor,
        None,
        None,
        Cursor::default(),
        PageSize::MAX_PAGE,
    )
    .await?;
    Ok(page.items.into_iter().map(StoreChoice::from).collect())
}

/// A segment's conditions in words: 「来源渠道：裂变海报；标签：宝妈」.
fn conditions_text(t: &Text, f: &SegmentFilter, stores: &[StoreChoice]) -> String {
    let c = &t.customers;
    let say = |label: &str, value: &str| format!("{label}{}{value}", t.common.colon);
    let mut parts: Vec<String> = Vec::new();
    if let Some(x) = f.tier {
        parts.push(say(c.tier, c.tier_name(x.as_str())));
    }
    if let Some(x) = f.channel {
        parts.push(say(c.channel, c.channel_name(x.as_str())));
    }
    if let Some(x) = f.lifecycle {
        parts.push(say(c.stage, c.stage_name(x.as_str())));
    }
    if let Some(tag) = f.tag.as_deref() {
        parts.push(say(c.tag_filter, tag));
    }
    if let Some(s) = f.store_id {
        let name = stores
            .iter()
            .find(|x| x.id == s.get())
            .map_or(t.segments.other_store, |x| x.name.as_str());
        parts.push(say(c.store, name));
    }
    parts.join(t.segments.and)
}

/// One segment as the list shows it.
struct SegmentLine {
    id: i64,
    name: String,
    conditions: String,
    count: i64,
    /// The question before 删除, naming the segment.
    confirm_delete: String,
}

#[derive(Template)]
#[template(path = "segments.html")]
struct SegmentsPage {
    c: Chrome,
    list: ListPage<SegmentLine>,
    /// Managers and admins see 新建人群分层, 编辑 and 删除.
    can_write: bool,
    /// The new-segment form.
    form: FormState,
    tiers: Vec<Choice>,
    channels: Vec<Choice>,
    stages: Vec<Choice>,
    stores: Vec<StoreChoice>,
}

#[derive(Template)]
#[template(path = "segment_form.html")]
struct SegmentFormPage {
    c: Chrome,
    segment_id: i64,
    form: FormState,
    tiers: Vec<Choice>,
    channels: Vec<Choice>,
    stages: Vec<Choice>,
    stores: Vec<StoreChoice>,
}

/// The segment form as it was sent.
#[derive(Deserialize)]
struct SegmentForm {
    #[serde(default)]
    name: String,
    tier: Option<String>,
    channel: Option<String>,
    tag: Option<String>,
    store_id: Option<String>,
    lifecycle: Option<String>,
}

/// A select or input as sent: trimmed, "" when absent.
fn trimmed(raw: &Option<String>) -> String {
    raw.as_deref().unwrap_or("").trim().to_owned()
}

impl SegmentForm {
    fn input(&self) -> SegmentInput {
        let some = |raw: &Option<String>| Some(trimmed(raw)).filter(|s| !s.is_empty());
        SegmentInput {
            name: self.name.clone(),
            tier: some(&self.tier),
            channel: some(&self.channel),
            tag: some(&self.tag),
            store_id: trimmed(&self.store_id)
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0),
            lifecycle: some(&self.lifecycle),
        }
    }

    /// The form showing what was sent.
    fn typed(&self) -> FormState {
        FormState::new()
            .with("name", self.name.clone())
            .with("tier", trimmed(&self.tier))
            .with("channel", trimmed(&self.channel))
            .with("tag", self.tag.clone().unwrap_or_default())
            .with("store_id", trimmed(&self.store_id))
            .with("lifecycle", trimmed(&self.lifecycle))
            // Not an input: where a form without a condition is refused.
            .with("filter", "")
    }

    /// The messages of a form without a condition (and, then, without a name too), or
    /// None when it has one: the use case checks the rest.
    fn without_condition(&self, lang: Lang) -> Option<Vec<(&'static str, String)>> {
        let input = self.input();
        let none = input.tier.is_none()
            && input.channel.is_none()
            && input.tag.is_none()
            && input.store_id.is_none()
            && input.lifecycle.is_none();
        if !none {
            return None;
        }
        let mut errors = vec![("filter", lang.text().segments.need_condition.to_owned())];
        if input.name.trim().is_empty() {
            errors.push(("name", reason_text(lang, &Reason::Required)));
        }
        Some(errors)
    }
}

/// A new segment's form.
fn empty_form() -> FormState {
    FormState::new()
        .with("name", "")
        .with("tier", "")
        .with("channel", "")
        .with("tag", "")
        .with("store_id", "")
        .with("lifecycle", "")
        .with("filter", "")
}

/// The form showing a stored segment.
fn stored_form(s: &Segment) -> FormState {
    let f = &s.filter;
    FormState::new()
        .with("name", s.name.clone())
        .with("tier", f.tier.map_or("", Tier::as_str))
        .with("channel", f.channel.map_or("", Channel::as_str))
        .with("tag", f.tag.clone().unwrap_or_default())
        .with(
            "store_id",
            f.store_id
                .map(|id| id.get().to_string())
                .unwrap_or_default(),
        )
        .with("lifecycle", f.lifecycle.map_or("", Lifecycle::as_str))
        .with("filter", "")
}

/// The domain refuses a bad tag as the filter's: it is the tag input's.
fn at_input(e: AppError) -> AppError {
    match e {
        AppError::Invalid {
            field: "filter",
            reason,
        } if !matches!(reason, Reason::Required) => AppError::Invalid {
            field: "tag",
            reason,
        },
        other => other,
    }
}

async fn show_list(
    state: &AppState,
    console: &Console,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let loaded = async {
        let all = segments::list(&state.db, &console.actor).await?;
        let stores = store_choices(state, console).await?;
        Ok::<_, AppError>((all, stores))
    }
    .await;
    match loaded {
        Ok((all, stores)) => {
            let t = console.lang.text();
            let items: Vec<SegmentLine> = all
                .into_iter()
                .map(|Counted { segment, count }| SegmentLine {
                    id: segment.id,
                    conditions: conditions_text(t, &segment.filter, &stores),
                    count,
                    confirm_delete: t.fill(t.segments.confirm_delete, &segment.name, ""),
                    name: segment.name,
                })
                .collect();
            // A brand has a handful of segments: one page, counted.
            let page: Page<SegmentLine> = Page {
                total: Some(items.len() as i64),
                items,
                next_cursor: None,
            };
            render(
                status,
                &SegmentsPage {
                    c,
                    list: ListPage::new(page, &Paging::default(), LIST_PATH, &[]),
                    can_write: can_write(console),
                    form,
                    tiers: tier_choices(t),
                    channels: channel_choices(t),
                    stages: stage_choices(t),
                    stores,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn list(State(state): State<AppState>, console: Console) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_list(&state, &console, c, StatusCode::OK, empty_form()).await
}

async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(sent): Form<SegmentForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(WRITERS_ONLY));
    }
    let mut typed = sent.typed();
    if let Some(errors) = sent.without_condition(console.lang) {
        typed.errors.extend(errors);
        let c = Chrome::for_console(&console, NAV);
        return show_list(&state, &console, c, REFUSED, typed).await;
    }
    match segments::create(&state.db, &console.actor, sent.input()).await {
        Ok(made) => {
            let t = console.lang.text();
            console.done(
                LIST_PATH,
                t.fill(t.segments.done_created, &made.segment.name, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, at_input(e), typed, |c, form| {
                show_list(&state, &console, c, REFUSED, form)
            })
            .await
        }
    }
}

async fn show_form(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    match store_choices(state, console).await {
        Ok(stores) => {
            let t = console.lang.text();
            render(
                status,
                &SegmentFormPage {
                    c,
                    segment_id: id,
                    form,
                    tiers: tier_choices(t),
                    channels: channel_choices(t),
                    stages: stage_choices(t),
                    stores,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn edit(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    // Another brand's segment is not found before anything else is said about it.
    let counted = match segments::get(&state.db, &console.actor, id).await {
        Ok(counted) => counted,
        Err(e) => return failure_page(&console, e),
    };
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(WRITERS_ONLY));
    }
    let c = Chrome::for_console(&console, NAV);
    let form = stored_form(&counted.segment);
    show_form(&state, &console, id, c, StatusCode::OK, form).await
}

async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(sent): Form<SegmentForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(WRITERS_ONLY));
    }
    let mut typed = sent.typed();
    if let Some(errors) = sent.without_condition(console.lang) {
        typed.errors.extend(errors);
        let c = Chrome::for_console(&console, NAV);
        return show_form(&state, &console, id, c, REFUSED, typed).await;
    }
    match segments::update(&state.db, &console.actor, id, sent.input()).await {
        Ok(saved) => {
            let t = console.lang.text();
            console.done(
                LIST_PATH,
                t.fill(t.segments.done_saved, &saved.segment.name, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, at_input(e), typed, |c, form| {
                show_form(&state, &console, id, c, REFUSED, form)
            })
            .await
        }
    }
}

/// 删除: the segment goes, its customers stay; back to the list with its name.
async fn delete(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let deleted = async {
        let counted = segments::get(&state.db, &console.actor, id).await?;
        segments::delete(&state.db, &console.actor, id).await?;
        Ok::<_, AppError>(counted.segment)
    }
    .await;
    match deleted {
        Ok(segment) => {
            let t = console.lang.text();
            console.done(
                LIST_PATH,
                t.fill(t.segments.done_deleted, &segment.name, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_list(&state, &console, c, REFUSED, empty_form())
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shequn_domain::StoreId;

    #[test]
    fn conditions_are_worded_in_the_page_language() {
        let stores = vec![StoreChoice {
            id: 1,
            code: "SH-001".to_owned(),
            name: "上海南京西路店".to_owned(),
        }];
        let f = SegmentFilter {
            channel: Some(Channel::FissionPoster),
            tag: Some("宝妈".to_owned()),
            store_id: Some(StoreId(1)),
            ..SegmentFilter::default()
        };
        assert_eq!(
            conditions_text(Lang::Zh.text(), &f, &stores),
            "来源渠道：裂变海报；标签：宝妈；门店：上海南京西路店"
        );
        let elsewhere = SegmentFilter {
            tier: Some(Tier::Weak),
            store_id: Some(StoreId(9)),
            ..SegmentFilter::default()
        };
        assert_eq!(
            conditions_text(Lang::En.text(), &elsewhere, &stores),
            "Intent: Weak; Store: Another store"
        );
    }

    #[test]
    fn a_form_without_a_condition_is_refused_beside_the_conditions() {
        let form = SegmentForm {
            name: " ".to_owned(),
            tier: Some(String::new()),
            channel: None,
            tag: Some("  ".to_owned()),
            store_id: Some("x".to_owned()),
            lifecycle: Some(String::new()),
        };
        let errors = form.without_condition(Lang::Zh).expect("refused");
        assert_eq!(
            errors,
            vec![
                ("filter", "请至少选择一个条件".to_owned()),
                ("name", "不能为空".to_owned()),
            ]
        );
        let poster = SegmentForm {
            channel: Some("fission_poster".to_owned()),
            ..form
        };
        assert!(poster.without_condition(Lang::Zh).is_none());
        assert_eq!(poster.input().channel.as_deref(), Some("fission_poster"));
        assert_eq!(poster.input().store_id, None);
    }
}
