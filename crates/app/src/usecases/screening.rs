//! Screening (入群筛选): a brand's rules, dry runs over current members, applying a rule to
//! them on request, the decisions rules make with their evidence, staff settling those
//! decisions, and removal tasks for the communities' owners.
//!
//! Enabling a rule changes only future joins; current members are screened only when staff
//! apply a rule to them explicitly ([`apply`]). Brand admins write rules; staff settle the
//! decisions and tasks at the communities they can see.

use serde_json::json;
use shequn_domain::{
    Action, Actor, AuditAction, CommunityId, Condition, Cursor, CustomerId, Decision,
    DecisionStatus, DomainError, Evidence, JoinSource, PageSize, Placement, Refusal, RegionId,
    RemovalTask, Role, Rule, RuleDraft, ScopeFilter, Screen, StoreId, TaskStatus, Verdict,
};

use crate::clock::now_ms;
use crate::storage::audit;
use crate::storage::db::Tx;
use crate::storage::members;
use crate::storage::screening::{
    self as store, CustomerFacts, DecisionFilter, NewDecision, TaskFilter,
};
use crate::usecases::communities::visible;
use crate::usecases::{Page, event};
use crate::{AppError, Db};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// How many caught members a dry run lists (all are counted).
pub const DRY_RUN_SAMPLE: usize = 50;

fn require_admin(actor: &Actor) -> Result<(), AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins write screening rules",
    )
    .map_err(AppError::from)
}

/// A rule as staff send it.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub name: String,
    pub conditions: Vec<Condition>,
    pub action: String,
}

impl RuleInput {
    fn parse(&self) -> Result<RuleDraft, DomainError> {
        RuleDraft::parse(&self.name, self.conditions.clone(), &self.action)
    }
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand))]
pub async fn rules(db: &Db, actor: &Actor) -> Result<Vec<Rule>, AppError> {
    let brand = actor.brand;
    db.read(move |tx| Box::pin(async move { Ok(store::rules(tx, brand).await?) }))
        .await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, target = id))]
pub async fn rule(db: &Db, actor: &Actor, id: i64) -> Result<Rule, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            store::rule(tx, brand, id)
                .await?
                .ok_or(AppError::NotFound("screening rule"))
        })
    })
    .await
}

fn saved_event(actor: &Actor, rule: &Rule, change: &str) -> audit::Event {
    event(
        actor,
        AuditAction::ScreeningRuleSaved,
        rule.id,
        Placement::Brand,
        json!({ "name": rule.name, "change": change, "action": rule.action.as_str() }),
    )
}

/// Saves a new rule, disabled: it screens nobody until enabled.
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create_rule(db: &Db, actor: &Actor, input: RuleInput) -> Result<Rule, AppError> {
    require_admin(actor)?;
    let draft = input.parse()?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            if store::name_taken(tx, actor.brand, draft.name.as_str(), None).await? {
                return Err(name_taken());
            }
            let now = now_ms();
            let made = store::insert_rule(tx, actor.brand, &draft, now).await?;
            audit::record(tx, actor.brand, &saved_event(&actor, &made, "created"), now).await?;
            Ok(made)
        })
    })
    .await
}

fn name_taken() -> AppError {
    Refusal::Taken {
        subject: shequn_domain::Subject::ScreeningRule,
        field: "name",
    }
    .into()
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn update_rule(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: RuleInput,
) -> Result<Rule, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            // Another brand's rule is not found before anything else is said about it.
            store::rule(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("screening rule"))?;
            require_admin(&actor)?;
            let draft = input.parse()?;
            if store::name_taken(tx, actor.brand, draft.name.as_str(), Some(id)).await? {
                return Err(name_taken());
            }
            let now = now_ms();
            let saved = store::update_rule(tx, actor.brand, id, &draft, now)
                .await?
                .ok_or(AppError::NotFound("screening rule"))?;
            audit::record(
                tx,
                actor.brand,
                &saved_event(&actor, &saved, "updated"),
                now,
            )
            .await?;
            Ok(saved)
        })
    })
    .await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn set_enabled(db: &Db, actor: &Actor, id: i64, enabled: bool) -> Result<Rule, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let before = store::rule(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("screening rule"))?;
            require_admin(&actor)?;
            if before.enabled == enabled {
                return Ok(before);
            }
            let now = now_ms();
            let saved = store::set_enabled(tx, actor.brand, id, enabled, now)
                .await?
                .ok_or(AppError::NotFound("screening rule"))?;
            let change = if enabled { "enabled" } else { "disabled" };
            audit::record(tx, actor.brand, &saved_event(&actor, &saved, change), now).await?;
            Ok(saved)
        })
    })
    .await
}

/// A member a dry run caught, and why.
#[derive(Debug, Clone)]
pub struct Caught {
    pub customer_id: CustomerId,
    pub nickname: String,
    pub evidence: Vec<Evidence>,
}

/// What a rule would catch among current members.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub rule_name: String,
    pub action: Action,
    /// Current members looked at (in the actor's scope).
    pub checked: i64,
    /// How many of them the rule catches.
    pub matched: i64,
    /// The first [`DRY_RUN_SAMPLE`] caught, by customer id.
    pub sample: Vec<Caught>,
}

/// Which rule a dry run tries: a saved one or a draft not saved yet.
#[derive(Debug, Clone)]
pub enum Trial {
    Saved(i64),
    Draft(RuleInput),
}

fn scope(actor: &Actor) -> (Option<RegionId>, Option<StoreId>) {
    match actor.list_filter() {
        ScopeFilter::Brand => (None, None),
        ScopeFilter::Region(r) => (Some(r), None),
        ScopeFilter::Store(s) => (None, Some(s)),
    }
}

fn catch(screen: &Screen, facts: &[CustomerFacts], now: i64) -> (i64, Vec<Caught>) {
    let mut matched = 0;
    let mut sample = Vec::new();
    for f in facts {
        if let Some(v) = screen.verdicts(&f.facts(), now).into_iter().next() {
            matched += 1;
            if sample.len() < DRY_RUN_SAMPLE {
                sample.push(Caught {
                    customer_id: f.customer,
                    nickname: f.nickname.clone(),
                    evidence: v.evidence,
                });
            }
        }
    }
    (matched, sample)
}

/// Reports how many current members (in the actor's scope) a rule would catch, and which,
/// without changing anything.
#[tracing::instrument(skip(db, trial), fields(brand = %actor.brand))]
pub async fn dry_run(db: &Db, actor: &Actor, trial: Trial) -> Result<DryRun, AppError> {
    let draft = match &trial {
        Trial::Draft(input) => Some(input.parse()?),
        Trial::Saved(_) => None,
    };
    let actor = *actor;
    db.read(move |tx| {
        Box::pin(async move {
            let rule = match (trial, draft) {
                (Trial::Saved(id), _) => store::rule(tx, actor.brand, id)
                    .await?
                    .ok_or(AppError::NotFound("screening rule"))?,
                (Trial::Draft(_), Some(d)) => Rule {
                    id: 0,
                    name: d.name.as_str().to_owned(),
                    conditions: d.conditions,
                    action: d.action,
                    enabled: false,
                    preset: None,
                    created_at: 0,
                    updated_at: 0,
                },
                (Trial::Draft(_), None) => unreachable!("a draft trial is parsed above"),
            };
            let screen = Screen::new([&rule])?;
            let now = now_ms();
            let (region, store_id) = scope(&actor);
            let facts =
                store::member_facts(tx, actor.brand, region, store_id, now - DAY_MS).await?;
            let (matched, sample) = catch(&screen, &facts, now);
            Ok(DryRun {
                rule_name: rule.name,
                action: rule.action,
                checked: facts.len() as i64,
                matched,
                sample,
            })
        })
    })
    .await
}

/// What applying a rule to current members did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Applied {
    pub matched: i64,
    /// Decisions recorded now (members already decided on by this rule are skipped).
    pub decided: i64,
    pub removal_tasks: i64,
}

/// Applies a saved rule to the brand's current members, as staff asked: each caught member
/// gets a decision (and, for remove and blacklist, removal tasks). Brand admins only.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn apply(db: &Db, actor: &Actor, id: i64) -> Result<Applied, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let rule = store::rule(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("screening rule"))?;
            require_admin(&actor)?;
            let screen = Screen::new([&rule])?;
            let now = now_ms();
            let facts = store::member_facts(tx, actor.brand, None, None, now - DAY_MS).await?;
            let mut report = Applied {
                matched: 0,
                decided: 0,
                removal_tasks: 0,
            };
            for f in &facts {
                let Some(v) = screen.verdicts(&f.facts(), now).into_iter().next() else {
                    continue;
                };
                report.matched += 1;
                let already = store::decided_by_rule(tx, actor.brand, rule.id, f.customer).await?;
                if already {
                    continue;
                }
                let stints = store::open_stints(tx, actor.brand, f.customer).await?;
                let (decisions, tasks) = record(
                    tx,
                    &actor,
                    &[v],
                    f.customer,
                    stints.first().map(|s| s.1),
                    &stints,
                    None,
                    now,
                )
                .await?;
                report.decided += decisions.len() as i64;
                report.removal_tasks += tasks;
            }
            let e = event(
                &actor,
                AuditAction::ScreeningRuleApplied,
                rule.id,
                Placement::Brand,
                json!({ "name": rule.name, "matched": report.matched, "decided": report.decided }),
            );
            audit::record(tx, actor.brand, &e, now).await?;
            Ok(report)
        })
    })
    .await
}

/// Records the verdicts about a customer as decisions; for remove and blacklist, asks the
/// owners of `stints` (open stints) to remove them, and a blacklist is recorded. Returns
/// the decisions and how many removal tasks were added.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Tx,
    actor_brand: &Actor,
    verdicts: &[Verdict],
    customer: CustomerId,
    community: Option<CommunityId>,
    stints: &[(i64, CommunityId)],
    held_source: Option<&str>,
    now: i64,
) -> Result<(Vec<Decision>, i64), AppError> {
    let brand = actor_brand.brand;
    let mut decisions = Vec::with_capacity(verdicts.len());
    let mut tasks = 0;
    for v in verdicts {
        let status = match v.action {
            Action::Flag | Action::Hold => DecisionStatus::Open,
            Action::Remove | Action::Blacklist => DecisionStatus::Confirmed,
        };
        let d = store::insert_decision(
            tx,
            brand,
            &NewDecision {
                rule_id: (v.rule_id != 0).then_some(v.rule_id),
                rule_name: &v.rule_name,
                customer,
                community,
                action: v.action,
                evidence: &v.evidence,
                status,
                held_source: if v.action == Action::Hold {
                    held_source
                } else {
                    None
                },
            },
            now,
        )
        .await?;
        let targets: &[(i64, CommunityId)] = match v.action {
            Action::Blacklist => {
                store::add_to_blacklist(tx, brand, customer, d.id, now).await?;
                stints
            }
            Action::Remove => stints,
            Action::Flag | Action::Hold => &[],
        };
        for (stint, at) in targets {
            if v.action == Action::Blacklist || Some(*at) == community {
                tasks += i64::from(store::insert_task(tx, brand, *stint, d.id, now).await?);
            }
        }
        decisions.push(d);
    }
    Ok((decisions, tasks))
}

/// What screening at the door decided about a join.
#[derive(Debug, Clone)]
pub(crate) struct AtTheDoor {
    customer: CustomerId,
    source: JoinSource,
    pub verdicts: Vec<Verdict>,
    /// Keep them out: held for approval or blacklisted (only for joins the server controls).
    pub keep_out: bool,
    /// The blacklist decision when the customer is blacklisted already.
    pub blacklisted: Option<i64>,
}

/// Screens a joiner before the join is written. Staff joins and imports pass (staff chose
/// them) except for the blacklist; joins the platform reports have happened already, so
/// nobody is kept out of those: they are reviewed and removed through tasks instead.
pub(crate) async fn at_the_door(
    tx: &mut Tx,
    actor: &Actor,
    customer: CustomerId,
    source: JoinSource,
    now: i64,
) -> Result<AtTheDoor, AppError> {
    let controlled = source != JoinSource::Platform;
    let pass = AtTheDoor {
        customer,
        source,
        verdicts: Vec::new(),
        keep_out: false,
        blacklisted: None,
    };
    if let Some(d) = store::blacklisted(tx, actor.brand, customer).await? {
        if controlled {
            return Err(Refusal::Blacklisted.into());
        }
        return Ok(AtTheDoor {
            blacklisted: Some(d),
            ..pass
        });
    }
    if matches!(source, JoinSource::Staff | JoinSource::Import) {
        return Ok(pass);
    }
    let rules = store::enabled_rules(tx, actor.brand).await?;
    if rules.is_empty() {
        return Ok(pass);
    }
    let screen = Screen::new(&rules)?;
    let mut facts = store::facts_of(tx, actor.brand, customer, now - DAY_MS)
        .await?
        .ok_or_else(|| AppError::invalid("customer_id", shequn_domain::Reason::UnknownCustomer))?;
    // This join counts among the day's joins.
    facts.joins_last_day += 1;
    let verdicts = screen.verdicts(&facts.facts(), now);
    let strongest = shequn_domain::screening::strongest(&verdicts);
    Ok(AtTheDoor {
        keep_out: controlled && matches!(strongest, Some(Action::Hold | Action::Blacklist)),
        verdicts,
        ..pass
    })
}

/// Records what the door decided, after the join was written (`stint`: the new stint, if
/// the customer got in).
pub(crate) async fn after_the_door(
    tx: &mut Tx,
    actor: &Actor,
    door: &AtTheDoor,
    community: CommunityId,
    stint: Option<i64>,
    now: i64,
) -> Result<Vec<Decision>, AppError> {
    let customer = door.customer;
    if let (Some(d), Some(s)) = (door.blacklisted, stint) {
        store::insert_task(tx, actor.brand, s, d, now).await?;
        return Ok(Vec::new());
    }
    if door.verdicts.is_empty() {
        return Ok(Vec::new());
    }
    let stints = store::open_stints(tx, actor.brand, customer).await?;
    let (decisions, _) = record(
        tx,
        actor,
        &door.verdicts,
        customer,
        Some(community),
        &stints,
        Some(door.source.as_str()),
        now,
    )
    .await?;
    Ok(decisions)
}

/// The decision, if the actor can see where it was made (decisions without a community,
/// such as blacklists applied over members, are for brand-wide staff).
async fn visible_decision(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Decision, AppError> {
    let d = store::decision_by_id(tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("screening decision"))?;
    match d.community_id {
        Some(c) => {
            visible(tx, actor, c)
                .await
                .map_err(|_| AppError::NotFound("screening decision"))?;
        }
        None if actor.placement == Placement::Brand => {}
        None => return Err(AppError::NotFound("screening decision")),
    }
    Ok(d)
}

#[derive(Debug, Clone, Default)]
pub struct DecisionQuery {
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// Decisions in the actor's scope, newest first.
#[tracing::instrument(skip(db), fields(brand = %actor.brand))]
pub async fn decisions(
    db: &Db,
    actor: &Actor,
    q: DecisionQuery,
    before: Cursor,
    limit: PageSize,
) -> Result<Page<Decision>, AppError> {
    let (region, store_id) = scope(actor);
    let f = DecisionFilter {
        status: q
            .status
            .as_deref()
            .map(|s| DecisionStatus::parse("status", s))
            .transpose()?,
        customer: q.customer_id.map(CustomerId),
        community: q.community_id.map(CommunityId),
        region,
        store: store_id,
    };
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(store::decisions(tx, brand, &f, before, limit).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, limit, before.0 == 0, |d| d.id))
}

/// How staff settle a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Nothing wrong: a held joiner gets in, a blacklist is lifted, removal tasks cancelled.
    Clear,
    /// The rule was right: a flagged or held member is to be removed.
    Confirm,
}

impl Settle {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "clear" => Ok(Settle::Clear),
            "confirm" => Ok(Settle::Confirm),
            _ => Err(DomainError::invalid(
                "verdict",
                shequn_domain::Reason::NotOneOf("verdict"),
            )),
        }
    }
}

/// Settles a decision. Clearing a held join lets the customer in (no second screening);
/// confirming a flag asks the owner to remove the member. A decision already settled the
/// same way is answered as it is.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn settle(db: &Db, actor: &Actor, id: i64, how: Settle) -> Result<Decision, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let d = visible_decision(tx, &actor, id).await?;
            let status = match how {
                Settle::Clear => DecisionStatus::Cleared,
                Settle::Confirm => DecisionStatus::Confirmed,
            };
            if d.status == status {
                return Ok(d);
            }
            let now = now_ms();
            let Some(settled) =
                store::resolve(tx, actor.brand, id, status, actor.staff, now).await?
            else {
                return Err(Refusal::AlreadySettled.into());
            };
            match (how, d.action) {
                (Settle::Clear, Action::Blacklist) => {
                    store::lift_blacklist(tx, actor.brand, d.customer_id).await?;
                    store::cancel_tasks_of_decision(tx, actor.brand, id, now).await?;
                }
                (Settle::Clear, Action::Remove) => {
                    store::cancel_tasks_of_decision(tx, actor.brand, id, now).await?;
                }
                (Settle::Clear, Action::Hold) => {
                    if let (Some(source), Some(community)) = (&d.held_source, d.community_id) {
                        let source = JoinSource::parse("source", source)
                            .map_err(|e| AppError::Internal(e.to_string()))?;
                        if source != JoinSource::Platform {
                            crate::usecases::members::admit(
                                tx,
                                &actor,
                                community,
                                d.customer_id,
                                source,
                                now,
                            )
                            .await?;
                        }
                    }
                }
                (Settle::Clear, Action::Flag) => {}
                (Settle::Confirm, _) => {
                    if let Some(community) = d.community_id
                        && let Some(m) =
                            members::open_stint(tx, actor.brand, community, d.customer_id).await?
                    {
                        store::insert_task(tx, actor.brand, m.id, id, now).await?;
                    }
                }
            }
            Ok(settled)
        })
    })
    .await
}

#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub status: Option<String>,
    /// Only the actor's own tasks (a guide's to-do list).
    pub mine: bool,
    pub community_id: Option<i64>,
}

/// Removal tasks in the actor's scope, oldest first.
#[tracing::instrument(skip(db), fields(brand = %actor.brand))]
pub async fn tasks(
    db: &Db,
    actor: &Actor,
    q: TaskQuery,
    after: Cursor,
    limit: PageSize,
) -> Result<Page<RemovalTask>, AppError> {
    let (region, store_id) = scope(actor);
    let f = TaskFilter {
        status: q
            .status
            .as_deref()
            .map(|s| TaskStatus::parse("status", s))
            .transpose()?,
        owner: q.mine.then_some(actor.staff),
        community: q.community_id.map(CommunityId),
        region,
        store: store_id,
    };
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(store::tasks(tx, brand, &f, after, limit).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, limit, after.0 == 0, |t| t.id))
}

/// Staff record that they removed the member by hand: the stint ends and the task is done
/// (the platform's own report, when it comes, then changes nothing).
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn task_done(db: &Db, actor: &Actor, id: i64) -> Result<RemovalTask, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (t, store_id, region) = store::task_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("removal task"))?;
            if !actor.can_see_store(region, store_id) {
                return Err(AppError::NotFound("removal task"));
            }
            if t.status == TaskStatus::Open {
                let now = now_ms();
                members::leave(tx, actor.brand, t.membership_id, now).await?;
                store::finish_tasks_of(tx, actor.brand, t.membership_id, now).await?;
            }
            let (t, _, _) = store::task_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("removal task"))?;
            Ok(t)
        })
    })
    .await
}

/// Gives brands the seed-003 presets they lack (disabled); run at start-up and when a
/// brand is made.
pub async fn ensure_presets(db: &Db) -> Result<u64, AppError> {
    db.write(|tx| Box::pin(async move { Ok(store::ensure_presets(tx, None, now_ms()).await?) }))
        .await
}
