//! `/screening` (入群筛选): the brand's rules with their conditions in words, enabling and
//! disabling them, a saved rule's dry run, applying a rule to current members; the review
//! queue of decisions (`/screening/decisions`), settled with 通过 / 确认 / 撤销; and the
//! owners' removal tasks (`/screening/tasks`), closed with 已移出. The rule form (new,
//! edit, and a draft's dry run) is in `screening_rules_form.rs`.
//!
//! Every member of staff reads the rules and dry-runs them over the members in their
//! scope, and settles the decisions and tasks they can see; brand admins write rules,
//! enable them and apply them to current members (the use cases check it again).

#[path = "screening_rules_form.rs"]
mod rules_form;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::screening::{self, DecisionQuery, DryRun, Settle, TaskQuery, Trial};
use shequn_domain::{
    Action, Channel, Condition, Decision, DecisionStatus, Evidence, PageSize, RemovalTask, Role,
    Rule, TaskStatus, Tier,
};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::{Lang, Text};
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(RULES_PATH, get(rules_page))
        .route(
            rules_form::NEW_PATH,
            get(rules_form::new_rule).post(rules_form::create_rule),
        )
        .route(rules_form::DRY_RUN_PATH, post(rules_form::dry_run_draft))
        .route(
            "/screening/{rule_id}/edit",
            get(rules_form::edit_rule).post(rules_form::update_rule),
        )
        .route("/screening/{rule_id}/dry-run", get(dry_run_saved))
        .route("/screening/{rule_id}/enable", post(enable))
        .route("/screening/{rule_id}/disable", post(disable))
        .route("/screening/{rule_id}/apply", post(apply))
        .route(DECISIONS_PATH, get(decisions_page))
        .route("/screening/decisions/{decision_id}/settle", post(settle))
        .route(TASKS_PATH, get(tasks_page))
        .route("/screening/tasks/{task_id}/done", post(mark_done))
}

/// The nav item of every page of this family.
const NAV: &str = "screening";

const RULES_PATH: &str = "/screening";
const DECISIONS_PATH: &str = "/screening/decisions";
const TASKS_PATH: &str = "/screening/tasks";

/// Why a member of staff other than a brand admin gets no rule form.
const ADMINS_ONLY: &str = "only brand admins write screening rules";

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

/// Brand admins write, enable and apply rules; everyone reads and dry-runs them.
fn can_write(console: &Console) -> bool {
    console.actor.role == Role::BrandAdmin
}

/// `template` with each `{key}` of `pairs` replaced by its value, in one pass (a value that
/// itself holds a placeholder stays as written). Keys are written with their braces.
fn fill_in(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        for (key, value) in pairs {
            if let Some(after) = tail.strip_prefix(*key) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        out.push('{');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

fn action_word(t: &Text, action: Action) -> &'static str {
    t.screening.action_name(action.as_str())
}

fn channel_words(t: &Text, values: &[Channel]) -> String {
    values
        .iter()
        .map(|c| t.customers.channel_name(c.as_str()))
        .collect::<Vec<_>>()
        .join(t.screening.any_of)
}

fn tier_words(t: &Text, values: &[Tier]) -> String {
    values
        .iter()
        .map(|x| t.customers.tier_name(x.as_str()))
        .collect::<Vec<_>>()
        .join(t.screening.any_of)
}

/// A condition of a rule in words: 「昵称以“A”开头」, 「意向等级为弱意向」.
fn condition_text(t: &Text, c: &Condition) -> String {
    let s = &t.screening;
    let with = |template: &str, value: &str| fill_in(template, &[("{value}", value)]);
    match c {
        Condition::NicknamePrefix { value } => with(s.cond_nickname_prefix, value.as_str()),
        Condition::NicknameSuffix { value } => with(s.cond_nickname_suffix, value.as_str()),
        Condition::NicknameRegex { value } => with(s.cond_nickname_regex, value.as_str()),
        Condition::NicknameReduplicated => s.cond_nickname_reduplicated.to_owned(),
        Condition::AvatarFlagged => s.cond_avatar_flagged.to_owned(),
        Condition::ChannelIn { values } => {
            with(s.cond_channel_in, channel_words(t, values).as_str())
        }
        Condition::TierIn { values } => with(s.cond_tier_in, tier_words(t, values).as_str()),
        Condition::AccountYoungerThanDays { value } => {
            with(s.cond_account_younger_than_days, value.to_string().as_str())
        }
        Condition::JoinsInDayAtLeast { value } => {
            with(s.cond_joins_in_day_at_least, value.to_string().as_str())
        }
        Condition::LinksPostedAtLeast { value } => {
            with(s.cond_links_posted_at_least, value.to_string().as_str())
        }
    }
}

/// A rule's conditions in words, one after the other.
fn conditions_text(t: &Text, conditions: &[Condition]) -> String {
    let s = &t.screening;
    conditions
        .iter()
        .map(|c| format!("{}{}{}", s.quote_open, condition_text(t, c), s.quote_close))
        .collect::<Vec<_>>()
        .join(s.and)
}

/// Why a condition held, as a sentence in the page's language: 「昵称“A小美”以“A”开头」,
/// 「24 小时内加入了 3 个群（≥3）」 (in English like [`Evidence::describe`], with the
/// console's words for channels and tiers).
pub(super) fn evidence_text(lang: Lang, e: &Evidence) -> String {
    let t = lang.text();
    let s = &t.screening;
    let saw = e.saw.as_str();
    let both =
        |template: &str, value: &str| fill_in(template, &[("{saw}", saw), ("{value}", value)]);
    match &e.condition {
        Condition::NicknamePrefix { value } => both(s.ev_nickname_prefix, value.as_str()),
        Condition::NicknameSuffix { value } => both(s.ev_nickname_suffix, value.as_str()),
        Condition::NicknameRegex { value } => both(s.ev_nickname_regex, value.as_str()),
        Condition::NicknameReduplicated => both(s.ev_nickname_reduplicated, ""),
        Condition::AvatarFlagged => s.ev_avatar_flagged.to_owned(),
        Condition::ChannelIn { .. } => {
            fill_in(s.ev_channel_in, &[("{saw}", t.customers.channel_name(saw))])
        }
        Condition::TierIn { .. } => fill_in(s.ev_tier_in, &[("{saw}", t.customers.tier_name(saw))]),
        Condition::AccountYoungerThanDays { value } => {
            both(s.ev_account_younger_than_days, value.to_string().as_str())
        }
        Condition::JoinsInDayAtLeast { value } => {
            both(s.ev_joins_in_day_at_least, value.to_string().as_str())
        }
        Condition::LinksPostedAtLeast { value } => {
            both(s.ev_links_posted_at_least, value.to_string().as_str())
        }
    }
}

/// All the evidence of one member, one sentence after the other.
fn evidence_list(lang: Lang, evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(|e| evidence_text(lang, e))
        .collect::<Vec<_>>()
        .join(lang.text().screening.evidence_separator)
}

/// One rule as the list shows it.
struct RuleLine {
    id: i64,
    name: String,
    conditions: String,
    action: &'static str,
    enabled: bool,
    preset: bool,
    /// The questions asked before enabling and applying, naming the rule.
    confirm_enable: String,
    confirm_apply: String,
}

fn rule_line(t: &Text, r: &Rule) -> RuleLine {
    RuleLine {
        id: r.id,
        name: r.name.clone(),
        conditions: conditions_text(t, &r.conditions),
        action: action_word(t, r.action),
        enabled: r.enabled,
        preset: r.preset.is_some(),
        confirm_enable: t.fill(t.screening.confirm_enable, &r.name, ""),
        confirm_apply: t.fill(t.screening.confirm_apply, &r.name, ""),
    }
}

#[derive(Template)]
#[template(path = "screening/rules.html")]
struct RulesPage {
    c: Chrome,
    list: ListPage<RuleLine>,
    /// Brand admins see 新建, 编辑, 启用/停用 and 应用到现有成员.
    can_write: bool,
}

async fn show_rules(
    state: &AppState,
    console: &Console,
    c: Chrome,
    status: StatusCode,
) -> Response {
    match screening::rules(&state.db, &console.actor).await {
        Ok(rules) => {
            let t = console.lang.text();
            let items: Vec<RuleLine> = rules.iter().map(|r| rule_line(t, r)).collect();
            // A brand has a handful of rules: one page, counted.
            let page: Page<RuleLine> = Page {
                total: Some(items.len() as i64),
                items,
                next_cursor: None,
            };
            render(
                status,
                &RulesPage {
                    c,
                    list: ListPage::new(page, &Paging::default(), RULES_PATH, &[]),
                    can_write: can_write(console),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn rules_page(State(state): State<AppState>, console: Console) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_rules(&state, &console, c, StatusCode::OK).await
}

async fn enable(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    switch(&state, &console, id, true).await
}

async fn disable(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    switch(&state, &console, id, false).await
}

/// 启用 / 停用: back to the rules, with a message naming the rule.
async fn switch(state: &AppState, console: &Console, id: i64, on: bool) -> Response {
    match screening::set_enabled(&state.db, &console.actor, id, on).await {
        Ok(rule) => {
            let t = console.lang.text();
            let said = if on {
                t.screening.done_enabled
            } else {
                t.screening.done_disabled
            };
            console.done(RULES_PATH, t.fill(said, &rule.name, ""))
        }
        Err(e) => {
            form_failed(console, NAV, e, FormState::new(), |c, _| {
                show_rules(state, console, c, REFUSED)
            })
            .await
        }
    }
}

/// 应用到现有成员: records decisions for the current members the rule catches, and says
/// how many.
async fn apply(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let applied = async {
        let rule = screening::rule(&state.db, &console.actor, id).await?;
        let report = screening::apply(&state.db, &console.actor, id).await?;
        Ok::<_, AppError>((rule, report))
    }
    .await;
    match applied {
        Ok((rule, report)) => {
            let t = console.lang.text();
            let matched = report.matched.to_string();
            let decided = report.decided.to_string();
            let tasks = report.removal_tasks.to_string();
            let said = fill_in(
                t.screening.done_applied,
                &[
                    ("{name}", rule.name.as_str()),
                    ("{matched}", matched.as_str()),
                    ("{decided}", decided.as_str()),
                    ("{tasks}", tasks.as_str()),
                ],
            );
            console.done(RULES_PATH, said)
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_rules(&state, &console, c, REFUSED)
            })
            .await
        }
    }
}

/// A member a dry run caught, and why.
struct CaughtLine {
    customer_id: i64,
    nickname: String,
    evidence: String,
}

/// What a dry run found, as its result block shows it (`screening/parts.html`).
struct DryRunView {
    rule_name: String,
    action: &'static str,
    /// 「共检查 N 位现有成员，命中 M 位」
    summary: String,
    sample: Vec<CaughtLine>,
    /// Under a sample cut short: how many are listed.
    sample_note: Option<String>,
}

fn dry_view(lang: Lang, run: &DryRun) -> DryRunView {
    let t = lang.text();
    let checked = run.checked.to_string();
    let matched = run.matched.to_string();
    let listed = run.sample.len().to_string();
    DryRunView {
        rule_name: run.rule_name.clone(),
        action: action_word(t, run.action),
        summary: fill_in(
            t.screening.dry_run_summary,
            &[
                ("{checked}", checked.as_str()),
                ("{matched}", matched.as_str()),
            ],
        ),
        sample: run
            .sample
            .iter()
            .map(|s| CaughtLine {
                customer_id: s.customer_id.get(),
                nickname: s.nickname.clone(),
                evidence: evidence_list(lang, &s.evidence),
            })
            .collect(),
        sample_note: (run.matched > run.sample.len() as i64).then(|| {
            fill_in(
                t.screening.dry_run_sample_note,
                &[("{count}", listed.as_str())],
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "screening/dry_run.html")]
struct DryRunPage {
    c: Chrome,
    rule_id: i64,
    dry: DryRunView,
    can_write: bool,
}

/// 试运行 of a saved rule over the current members in the reader's scope.
async fn dry_run_saved(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
) -> Response {
    match screening::dry_run(&state.db, &console.actor, Trial::Saved(id)).await {
        Ok(run) => {
            let c = Chrome::for_console(&console, NAV);
            render(
                StatusCode::OK,
                &DryRunPage {
                    c,
                    rule_id: id,
                    dry: dry_view(console.lang, &run),
                    can_write: can_write(&console),
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}

/// One decision of the review queue.
struct DecisionLine {
    id: i64,
    /// When it was made, in local time.
    at: String,
    customer_id: i64,
    nickname: String,
    rule_name: String,
    action: &'static str,
    evidence: String,
    status: &'static str,
    /// Waiting for staff: 通过 and 确认.
    open: bool,
    /// The question before 确认, naming the member.
    confirm_question: String,
    /// A confirmed removal or blacklist: 撤销, after this question.
    undo_question: Option<String>,
}

fn decision_line(lang: Lang, d: &Decision) -> DecisionLine {
    let t = lang.text();
    let s = &t.screening;
    let undo = match (d.status, d.action) {
        (DecisionStatus::Confirmed, Action::Blacklist) => Some(s.confirm_undo_blacklist),
        (DecisionStatus::Confirmed, Action::Remove) => Some(s.confirm_undo_remove),
        _ => None,
    };
    DecisionLine {
        id: d.id,
        at: local_time(d.created_at),
        customer_id: d.customer_id.get(),
        nickname: d.nickname.clone(),
        rule_name: d.rule_name.clone(),
        action: action_word(t, d.action),
        evidence: evidence_list(lang, &d.evidence),
        status: s.decision_status_name(d.status.as_str()),
        open: d.status == DecisionStatus::Open,
        confirm_question: t.fill(s.confirm_confirm, &d.nickname, ""),
        undo_question: undo.map(|q| t.fill(q, &d.nickname, "")),
    }
}

fn decision_statuses(t: &'static Text) -> Vec<Choice> {
    DecisionStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: t.screening.decision_status_name(s.as_str()),
        })
        .collect()
}

/// The status a queue lists: as asked, else the open decisions.
fn decision_status(raw: Option<&str>) -> DecisionStatus {
    raw.and_then(|s| DecisionStatus::parse("status", s).ok())
        .unwrap_or(DecisionStatus::Open)
}

fn decisions_link(status: DecisionStatus) -> String {
    match status {
        DecisionStatus::Open => DECISIONS_PATH.to_owned(),
        other => format!("{DECISIONS_PATH}?status={}", other.as_str()),
    }
}

#[derive(Template)]
#[template(path = "screening/decisions.html")]
struct DecisionsPage {
    c: Chrome,
    list: ListPage<DecisionLine>,
    /// "open", "cleared" or "confirmed".
    status_filter: &'static str,
    statuses: Vec<Choice>,
}

#[derive(Deserialize)]
struct DecisionParams {
    status: Option<String>,
}

async fn show_decisions(
    state: &AppState,
    console: &Console,
    wanted: DecisionStatus,
    paging: Paging,
    c: Chrome,
    status: StatusCode,
) -> Response {
    let query = DecisionQuery {
        status: Some(wanted.as_str().to_owned()),
        ..DecisionQuery::default()
    };
    let size = PageSize::default();
    match screening::decisions(&state.db, &console.actor, query, paging.cursor(), size).await {
        Ok(page) => {
            let lang = console.lang;
            let page: Page<DecisionLine> = Page {
                items: page.items.iter().map(|d| decision_line(lang, d)).collect(),
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let filters = [("status", wanted.as_str().to_owned())];
            render(
                status,
                &DecisionsPage {
                    c,
                    list: ListPage::new(page, &paging, DECISIONS_PATH, &filters),
                    status_filter: wanted.as_str(),
                    statuses: decision_statuses(lang.text()),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn decisions_page(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<DecisionParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let wanted = decision_status(q.status.as_deref());
    show_decisions(&state, &console, wanted, paging, c, StatusCode::OK).await
}

#[derive(Deserialize)]
struct SettleForm {
    /// "clear" (通过, 撤销) or "confirm" (确认).
    verdict: Option<String>,
    /// The queue the button was on, to go back to.
    from: Option<String>,
}

async fn settle(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<SettleForm>,
) -> Response {
    let back = decision_status(form.from.as_deref());
    let settled = match Settle::parse(form.verdict.as_deref().unwrap_or("")) {
        Ok(how) => screening::settle(&state.db, &console.actor, id, how)
            .await
            .map(|d| (how, d)),
        Err(e) => Err(AppError::from(e)),
    };
    match settled {
        Ok((how, decision)) => {
            let t = console.lang.text();
            let said = match how {
                Settle::Clear => t.screening.done_cleared,
                Settle::Confirm => t.screening.done_confirmed,
            };
            console.done(&decisions_link(back), t.fill(said, &decision.nickname, ""))
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_decisions(&state, &console, back, Paging::default(), c, REFUSED)
            })
            .await
        }
    }
}

/// One removal task as the list shows it.
struct TaskLine {
    id: i64,
    community_id: i64,
    community: String,
    customer_id: i64,
    nickname: String,
    created: String,
    /// When it was done, in local time.
    done_at: Option<String>,
    status: &'static str,
    /// Not yet removed: 已移出, after a question naming the member and the community.
    open: bool,
    question: String,
}

fn task_line(t: &Text, task: &RemovalTask) -> TaskLine {
    TaskLine {
        id: task.id,
        community_id: task.community_id.get(),
        community: task.community_name.clone(),
        customer_id: task.customer_id.get(),
        nickname: task.nickname.clone(),
        created: local_time(task.created_at),
        done_at: task.done_at.map(local_time),
        status: t.screening.task_status_name(task.status.as_str()),
        open: task.status == TaskStatus::Open,
        question: t.fill(
            t.screening.confirm_mark_done,
            &task.nickname,
            &task.community_name,
        ),
    }
}

fn task_statuses(t: &'static Text) -> Vec<Choice> {
    TaskStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: t.screening.task_status_name(s.as_str()),
        })
        .collect()
}

/// The status a task list shows: as asked, else the open tasks.
fn task_status(raw: Option<&str>) -> TaskStatus {
    raw.and_then(|s| TaskStatus::parse("status", s).ok())
        .unwrap_or(TaskStatus::Open)
}

/// `mine=1`: only the reader's own tasks (the 群主's to-do list).
fn only_mine(raw: Option<&str>) -> bool {
    matches!(raw.map(str::trim), Some("1" | "true" | "on"))
}

fn tasks_link(status: TaskStatus, mine: bool) -> String {
    let mut query: Vec<String> = Vec::new();
    if status != TaskStatus::Open {
        query.push(format!("status={}", status.as_str()));
    }
    if mine {
        query.push("mine=1".to_owned());
    }
    if query.is_empty() {
        TASKS_PATH.to_owned()
    } else {
        format!("{TASKS_PATH}?{}", query.join("&"))
    }
}

#[derive(Template)]
#[template(path = "screening/tasks.html")]
struct TasksPage {
    c: Chrome,
    list: ListPage<TaskLine>,
    /// "open", "done" or "cancelled".
    status_filter: &'static str,
    statuses: Vec<Choice>,
    mine: bool,
}

#[derive(Deserialize)]
struct TaskParams {
    status: Option<String>,
    mine: Option<String>,
}

async fn show_tasks(
    state: &AppState,
    console: &Console,
    wanted: TaskStatus,
    mine: bool,
    paging: Paging,
    c: Chrome,
    status: StatusCode,
) -> Response {
    let query = TaskQuery {
        status: Some(wanted.as_str().to_owned()),
        mine,
        community_id: None,
    };
    let size = PageSize::default();
    match screening::tasks(&state.db, &console.actor, query, paging.cursor(), size).await {
        Ok(page) => {
            let t = console.lang.text();
            let page: Page<TaskLine> = Page {
                items: page.items.iter().map(|x| task_line(t, x)).collect(),
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let mut filters = vec![("status", wanted.as_str().to_owned())];
            if mine {
                filters.push(("mine", "1".to_owned()));
            }
            render(
                status,
                &TasksPage {
                    c,
                    list: ListPage::new(page, &paging, TASKS_PATH, &filters),
                    status_filter: wanted.as_str(),
                    statuses: task_statuses(t),
                    mine,
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn tasks_page(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<TaskParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let wanted = task_status(q.status.as_deref());
    let mine = only_mine(q.mine.as_deref());
    show_tasks(&state, &console, wanted, mine, paging, c, StatusCode::OK).await
}

#[derive(Deserialize)]
struct DoneForm {
    /// Sent from the list of the reader's own tasks, to go back to it.
    mine: Option<String>,
}

/// 已移出: the 群主 removed the member by hand; their stint ends and the task is done.
async fn mark_done(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<DoneForm>,
) -> Response {
    let mine = only_mine(form.mine.as_deref());
    match screening::task_done(&state.db, &console.actor, id).await {
        Ok(task) => {
            let t = console.lang.text();
            console.done(
                &tasks_link(TaskStatus::Open, mine),
                t.fill(t.screening.done_task, &task.nickname, &task.community_name),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_tasks(
                    &state,
                    &console,
                    TaskStatus::Open,
                    mine,
                    Paging::default(),
                    c,
                    REFUSED,
                )
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(condition: Condition, saw: &str) -> Evidence {
        Evidence {
            condition,
            saw: saw.to_owned(),
        }
    }

    #[test]
    fn conditions_are_worded_in_the_page_language() {
        let t = Lang::Zh.text();
        let preset = [
            Condition::TierIn {
                values: vec![Tier::Weak],
            },
            Condition::NicknamePrefix {
                value: "A".to_owned(),
            },
        ];
        assert_eq!(
            conditions_text(t, &preset),
            "「意向等级为弱意向」「昵称以“A”开头」"
        );
        assert_eq!(
            condition_text(
                t,
                &Condition::ChannelIn {
                    values: vec![Channel::FissionPoster, Channel::FriendInvite]
                }
            ),
            "来源渠道为裂变海报、好友邀请"
        );
        assert_eq!(
            condition_text(t, &Condition::JoinsInDayAtLeast { value: 3 }),
            "24 小时内加入 ≥3 个群"
        );
        assert_eq!(
            conditions_text(Lang::En.text(), &preset),
            "intent is Weak; nickname starts with “A”"
        );
    }

    #[test]
    fn evidence_is_a_sentence_in_the_page_language() {
        let prefix = ev(
            Condition::NicknamePrefix {
                value: "A".to_owned(),
            },
            "A小美",
        );
        assert_eq!(evidence_text(Lang::Zh, &prefix), "昵称“A小美”以“A”开头");
        assert_eq!(evidence_text(Lang::En, &prefix), prefix.describe());
        let tier = ev(
            Condition::TierIn {
                values: vec![Tier::Weak],
            },
            "weak",
        );
        assert_eq!(evidence_text(Lang::Zh, &tier), "意向等级为弱意向");
        let dup = ev(Condition::NicknameReduplicated, "乐乐");
        assert_eq!(evidence_text(Lang::Zh, &dup), "昵称含叠字“乐乐”");
        let joins = ev(Condition::JoinsInDayAtLeast { value: 3 }, "3");
        assert_eq!(
            evidence_text(Lang::Zh, &joins),
            "24 小时内加入了 3 个群（≥3）"
        );
        assert_eq!(evidence_text(Lang::En, &joins), joins.describe());
        // What was seen is put in as written, never read as a placeholder.
        let odd = ev(
            Condition::NicknameSuffix {
                value: "姐".to_owned(),
            },
            "{value}姐",
        );
        assert_eq!(evidence_text(Lang::Zh, &odd), "昵称“{value}姐”以“姐”结尾");
    }

    #[test]
    fn the_queues_go_back_where_they_were() {
        assert_eq!(decisions_link(DecisionStatus::Open), "/screening/decisions");
        assert_eq!(
            decisions_link(DecisionStatus::Confirmed),
            "/screening/decisions?status=confirmed"
        );
        assert_eq!(decision_status(Some("nonsense")), DecisionStatus::Open);
        assert_eq!(
            tasks_link(TaskStatus::Open, true),
            "/screening/tasks?mine=1"
        );
        assert_eq!(tasks_link(TaskStatus::Open, false), "/screening/tasks");
        assert!(only_mine(Some("1")) && !only_mine(None) && !only_mine(Some("0")));
    }
}
