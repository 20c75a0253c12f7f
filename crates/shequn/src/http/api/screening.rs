//! `/api/v1/screening-rules`, `/api/v1/screening-decisions`, `/api/v1/removal-tasks`:
//! a brand's screening rules (write, dry-run, enable, apply to current members), the
//! decisions they made with their evidence, and the removal tasks of communities' owners.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::screening::{
    self, Caught, DecisionQuery, DryRun, RuleInput, Settle, TaskQuery, Trial,
};
use shequn_domain::{Condition, Decision, Evidence, RemovalTask, Rule};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, Problem, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule))
        .routes(routes!(enable_rule))
        .routes(routes!(disable_rule))
        .routes(routes!(dry_run_rule))
        .routes(routes!(dry_run_draft))
        .routes(routes!(apply_rule))
        .routes(routes!(list_decisions))
        .routes(routes!(settle_decision))
        .routes(routes!(list_tasks))
        .routes(routes!(task_done))
}

/// One condition of a rule; all of a rule's conditions must hold for it to match.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConditionIo {
    /// `nickname_prefix`, `nickname_suffix`, `nickname_regex` (text `value`);
    /// `nickname_reduplicated`, `avatar_flagged` (no value); `channel_in`, `tier_in`
    /// (`values`); `account_younger_than_days`, `joins_in_day_at_least`,
    /// `links_posted_at_least` (number `value`).
    pub kind: String,
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

fn condition_out(c: &Condition) -> ConditionIo {
    // The domain's serde form is the wire form.
    serde_json::to_value(c)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or(ConditionIo {
            kind: c.kind().to_owned(),
            value: None,
            values: None,
        })
}

fn conditions_in(raw: Vec<ConditionIo>) -> Result<Vec<Condition>, ApiError> {
    raw.into_iter()
        .map(|c| {
            let v = serde_json::to_value(&c).map_err(|_| bad_condition())?;
            serde_json::from_value::<Condition>(v).map_err(|_| bad_condition())
        })
        .collect()
}

fn bad_condition() -> ApiError {
    Problem::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "conditions: is not a condition this server knows (see the kinds and their values)",
    )
    .field_reason(
        "conditions",
        "not_one_of",
        "is not a condition this server knows (see the kinds and their values)",
    )
    .into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOut {
    pub id: i64,
    pub name: String,
    pub conditions: Vec<ConditionIo>,
    /// `flag`, `hold`, `remove` or `blacklist`.
    pub action: &'static str,
    pub enabled: bool,
    /// The preset the rule started from (seed 003's heuristics), if any.
    pub preset: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Rule> for RuleOut {
    fn from(r: Rule) -> Self {
        RuleOut {
            id: r.id,
            name: r.name,
            conditions: r.conditions.iter().map(condition_out).collect(),
            action: r.action.as_str(),
            enabled: r.enabled,
            preset: r.preset,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIn {
    pub name: String,
    pub conditions: Vec<ConditionIo>,
    /// `flag`, `hold`, `remove` or `blacklist`.
    pub action: String,
}

impl RuleIn {
    fn into_input(self) -> Result<RuleInput, ApiError> {
        Ok(RuleInput {
            name: self.name,
            conditions: conditions_in(self.conditions)?,
            action: self.action,
        })
    }
}

/// Why a condition held.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceOut {
    pub condition: ConditionIo,
    /// What was looked at: the nickname, channel, a count.
    pub saw: String,
    /// An English sentence.
    pub explanation: String,
}

impl From<Evidence> for EvidenceOut {
    fn from(e: Evidence) -> Self {
        EvidenceOut {
            condition: condition_out(&e.condition),
            explanation: e.describe(),
            saw: e.saw,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub id: i64,
    pub rule_id: Option<i64>,
    pub rule_name: String,
    pub customer_id: i64,
    pub nickname: String,
    pub community_id: Option<i64>,
    pub action: &'static str,
    pub evidence: Vec<EvidenceOut>,
    /// `open` (waits for staff), `cleared` or `confirmed`.
    pub status: &'static str,
    pub created_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<i64>,
}

impl From<Decision> for DecisionOut {
    fn from(d: Decision) -> Self {
        DecisionOut {
            id: d.id,
            rule_id: d.rule_id,
            rule_name: d.rule_name,
            customer_id: d.customer_id.get(),
            nickname: d.nickname,
            community_id: d.community_id.map(|c| c.get()),
            action: d.action.as_str(),
            evidence: d.evidence.into_iter().map(EvidenceOut::from).collect(),
            status: d.status.as_str(),
            created_at: rfc3339(d.created_at),
            resolved_at: d.resolved_at.map(rfc3339),
            resolved_by: d.resolved_by.map(|s| s.get()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaughtOut {
    pub customer_id: i64,
    pub nickname: String,
    pub evidence: Vec<EvidenceOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunOut {
    pub rule_name: String,
    pub action: &'static str,
    /// Current members looked at (in the caller's scope).
    pub checked: i64,
    /// How many of them the rule would catch.
    pub matched: i64,
    /// The first 50 caught, with why.
    pub sample: Vec<CaughtOut>,
}

impl From<DryRun> for DryRunOut {
    fn from(d: DryRun) -> Self {
        DryRunOut {
            rule_name: d.rule_name,
            action: d.action.as_str(),
            checked: d.checked,
            matched: d.matched,
            sample: d
                .sample
                .into_iter()
                .map(|c: Caught| CaughtOut {
                    customer_id: c.customer_id.get(),
                    nickname: c.nickname,
                    evidence: c.evidence.into_iter().map(EvidenceOut::from).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedOut {
    pub matched: i64,
    /// Decisions recorded now (members this rule decided on before are skipped).
    pub decided: i64,
    pub removal_tasks: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskOut {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub customer_id: i64,
    pub nickname: String,
    pub membership_id: i64,
    pub decision_id: i64,
    /// The 群主 asked to remove the member.
    pub owner_id: i64,
    /// `open`, `done` or `cancelled`.
    pub status: &'static str,
    pub created_at: String,
    pub done_at: Option<String>,
}

impl From<RemovalTask> for TaskOut {
    fn from(t: RemovalTask) -> Self {
        TaskOut {
            id: t.id,
            community_id: t.community_id.get(),
            community_name: t.community_name,
            customer_id: t.customer_id.get(),
            nickname: t.nickname,
            membership_id: t.membership_id,
            decision_id: t.decision_id,
            owner_id: t.owner_id.get(),
            status: t.status.as_str(),
            created_at: rfc3339(t.created_at),
            done_at: t.done_at.map(rfc3339),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleIn {
    /// `clear` (nothing wrong: a held joiner gets in, a blacklist is lifted) or `confirm`
    /// (the rule was right: the owner is asked to remove the member).
    pub verdict: String,
}

/// The brand's screening rules (the seed-003 presets included, disabled until enabled).
#[utoipa::path(get, path = "/api/v1/screening-rules", tag = "screening", security(("bearer" = [])),
    responses((status = 200, body = Vec<RuleOut>)))]
async fn list_rules(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RuleOut>>, ApiError> {
    let rules = screening::rules(&state.db, &caller.actor).await?;
    Ok(Json(rules.into_iter().map(RuleOut::from).collect()))
}

/// Save a new rule (disabled). Brand admins only. A bad pattern is a 422 on `conditions`.
#[utoipa::path(post, path = "/api/v1/screening-rules", tag = "screening", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)), request_body = RuleIn,
    responses((status = 201, body = RuleOut), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn create_rule(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RuleIn>,
) -> Result<(axum::http::StatusCode, Json<RuleOut>), ApiError> {
    let rule = screening::create_rule(&state.db, &caller.actor, input.into_input()?).await?;
    Ok((axum::http::StatusCode::CREATED, Json(rule.into())))
}

#[utoipa::path(get, path = "/api/v1/screening-rules/{rule_id}", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 404, body = ProblemBody)))]
async fn get_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RuleOut>, ApiError> {
    Ok(Json(
        screening::rule(&state.db, &caller.actor, id).await?.into(),
    ))
}

/// Rewrite a rule (name, conditions, action); whether it is enabled stays as it was.
#[utoipa::path(put, path = "/api/v1/screening-rules/{rule_id}", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path)), request_body = RuleIn,
    responses((status = 200, body = RuleOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RuleIn>,
) -> Result<Json<RuleOut>, ApiError> {
    let rule = screening::update_rule(&state.db, &caller.actor, id, input.into_input()?).await?;
    Ok(Json(rule.into()))
}

/// Start screening joins with the rule (only future joins; see `apply`).
#[utoipa::path(post, path = "/api/v1/screening-rules/{rule_id}/enable", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn enable_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RuleOut>, ApiError> {
    Ok(Json(
        screening::set_enabled(&state.db, &caller.actor, id, true)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/screening-rules/{rule_id}/disable", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn disable_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RuleOut>, ApiError> {
    Ok(Json(
        screening::set_enabled(&state.db, &caller.actor, id, false)
            .await?
            .into(),
    ))
}

/// How many current members (in the caller's scope) a saved rule would catch, and which,
/// with why. Changes nothing.
#[utoipa::path(post, path = "/api/v1/screening-rules/{rule_id}/dry-run", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path)),
    responses((status = 200, body = DryRunOut), (status = 404, body = ProblemBody)))]
async fn dry_run_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<DryRunOut>, ApiError> {
    let run = screening::dry_run(&state.db, &caller.actor, Trial::Saved(id)).await?;
    Ok(Json(run.into()))
}

/// A dry run of a rule not saved yet.
#[utoipa::path(post, path = "/api/v1/screening-rules/dry-run", tag = "screening", security(("bearer" = [])),
    request_body = RuleIn,
    responses((status = 200, body = DryRunOut), (status = 422, body = ProblemBody)))]
async fn dry_run_draft(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RuleIn>,
) -> Result<Json<DryRunOut>, ApiError> {
    let run =
        screening::dry_run(&state.db, &caller.actor, Trial::Draft(input.into_input()?)).await?;
    Ok(Json(run.into()))
}

/// Apply a rule to the brand's current members: each caught member gets a decision (and,
/// for remove and blacklist, removal tasks). Brand admins only.
#[utoipa::path(post, path = "/api/v1/screening-rules/{rule_id}/apply", tag = "screening", security(("bearer" = [])),
    params(("rule_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = AppliedOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn apply_rule(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<AppliedOut>, ApiError> {
    let a = screening::apply(&state.db, &caller.actor, id).await?;
    Ok(Json(AppliedOut {
        matched: a.matched,
        decided: a.decided,
        removal_tasks: a.removal_tasks,
    }))
}

/// Screening decisions in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/screening-decisions", tag = "screening", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("customer_id" = Option<i64>, Query), ("community_id" = Option<i64>, Query),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<DecisionOut>), (status = 422, body = ProblemBody)))]
async fn list_decisions(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<DecisionOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = DecisionQuery {
        status: q.str("status").map(str::to_owned),
        customer_id: q.id("customer_id")?,
        community_id: q.id("community_id")?,
    };
    let page = screening::decisions(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, DecisionOut::from)))
}

/// Settle a decision: `clear` or `confirm`.
#[utoipa::path(post, path = "/api/v1/screening-decisions/{decision_id}/settle", tag = "screening", security(("bearer" = [])),
    params(("decision_id" = i64, Path)), request_body = SettleIn,
    responses((status = 200, body = DecisionOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn settle_decision(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SettleIn>,
) -> Result<Json<DecisionOut>, ApiError> {
    let how = Settle::parse(&input.verdict)?;
    let d = screening::settle(&state.db, &caller.actor, id, how).await?;
    Ok(Json(d.into()))
}

/// Removal tasks in the caller's scope, oldest first (`mine=true`: the caller's own).
#[utoipa::path(get, path = "/api/v1/removal-tasks", tag = "screening", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("mine" = Option<bool>, Query), ("community_id" = Option<i64>, Query),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<TaskOut>), (status = 422, body = ProblemBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<TaskOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = TaskQuery {
        status: q.str("status").map(str::to_owned),
        mine: q.str("mine") == Some("true"),
        community_id: q.id("community_id")?,
    };
    let page = screening::tasks(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, TaskOut::from)))
}

/// The owner removed the member by hand: the stint ends and the task is done.
#[utoipa::path(post, path = "/api/v1/removal-tasks/{task_id}/done", tag = "screening", security(("bearer" = [])),
    params(("task_id" = i64, Path)),
    responses((status = 200, body = TaskOut), (status = 404, body = ProblemBody)))]
async fn task_done(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<TaskOut>, ApiError> {
    Ok(Json(
        screening::task_done(&state.db, &caller.actor, id)
            .await?
            .into(),
    ))
}
