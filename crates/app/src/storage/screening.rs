//! SQL for screening: rules (conditions as JSON), decisions with their evidence, removal
//! tasks and the blacklist; and the facts a rule looks at, for one joiner or for every
//! current member at once (dry runs).

use shequn_domain::screening::{self, presets};
use shequn_domain::{
    Action, BrandId, Channel, CommunityId, Cursor, CustomerId, Decision, DecisionStatus, Evidence,
    PageSize, RegionId, RemovalTask, Rule, RuleDraft, StaffId, StoreId, TaskStatus, Tier,
};

use super::db::Tx;
use super::sql::{Row, StoreError, decoded, take_total};

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Decode(e.to_string())
}

const RULE_COLUMNS: &str = "id, name, conditions, action, enabled, preset, created_at, updated_at";

fn rule_row(r: &Row) -> Result<Rule, StoreError> {
    let conditions: String = r.get(2)?;
    let action: String = r.get(3)?;
    Ok(Rule {
        id: r.get(0)?,
        name: r.get(1)?,
        conditions: serde_json::from_str(&conditions).map_err(json_err)?,
        action: decoded(Action::parse("action", &action))?,
        enabled: r.get(4)?,
        preset: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// Every rule of the brand, oldest first (a brand has a handful).
pub async fn rules(tx: &mut Tx, brand: BrandId) -> Result<Vec<Rule>, StoreError> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM screening_rules WHERE brand_id = $1 ORDER BY id");
    tx.query(&sql, &params![brand])
        .await?
        .iter()
        .map(rule_row)
        .collect()
}

/// The rules that screen joins now.
pub async fn enabled_rules(tx: &mut Tx, brand: BrandId) -> Result<Vec<Rule>, StoreError> {
    let sql = format!(
        "SELECT {RULE_COLUMNS} FROM screening_rules WHERE brand_id = $1 AND enabled ORDER BY id"
    );
    tx.query(&sql, &params![brand])
        .await?
        .iter()
        .map(rule_row)
        .collect()
}

pub async fn rule(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<Rule>, StoreError> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM screening_rules WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(rule_row)
        .transpose()
}

/// Whether another rule of the brand has this name.
pub async fn name_taken(
    tx: &mut Tx,
    brand: BrandId,
    name: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT id FROM screening_rules WHERE brand_id = $1 AND name = $2 AND ($3 IS NULL OR id <> $3)",
            &params![brand, name, except],
        )
        .await?;
    Ok(row.is_some())
}

pub async fn insert_rule(
    tx: &mut Tx,
    brand: BrandId,
    draft: &RuleDraft,
    now: i64,
) -> Result<Rule, StoreError> {
    let conditions = serde_json::to_string(&draft.conditions).map_err(json_err)?;
    let sql = format!(
        "INSERT INTO screening_rules (brand_id, name, conditions, action, enabled, preset,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, FALSE, NULL, $5, $5) RETURNING {RULE_COLUMNS}"
    );
    rule_row(
        &tx.query_one(
            &sql,
            &params![
                brand,
                draft.name.as_str(),
                conditions.as_str(),
                draft.action.as_str(),
                now
            ],
        )
        .await?,
    )
}

pub async fn update_rule(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    draft: &RuleDraft,
    now: i64,
) -> Result<Option<Rule>, StoreError> {
    let conditions = serde_json::to_string(&draft.conditions).map_err(json_err)?;
    let sql = format!(
        "UPDATE screening_rules SET name = $3, conditions = $4, action = $5, updated_at = $6
         WHERE brand_id = $1 AND id = $2 RETURNING {RULE_COLUMNS}"
    );
    tx.query_opt(
        &sql,
        &params![
            brand,
            id,
            draft.name.as_str(),
            conditions.as_str(),
            draft.action.as_str(),
            now
        ],
    )
    .await?
    .as_ref()
    .map(rule_row)
    .transpose()
}

pub async fn set_enabled(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    enabled: bool,
    now: i64,
) -> Result<Option<Rule>, StoreError> {
    let sql = format!(
        "UPDATE screening_rules SET enabled = $3, updated_at = $4
         WHERE brand_id = $1 AND id = $2 RETURNING {RULE_COLUMNS}"
    );
    tx.query_opt(&sql, &params![brand, id, enabled, now])
        .await?
        .as_ref()
        .map(rule_row)
        .transpose()
}

/// Gives every brand (or the one named) the seed-003 presets it does not have yet,
/// disabled. A preset renamed by staff still counts as present.
pub async fn ensure_presets(
    tx: &mut Tx,
    brand: Option<BrandId>,
    now: i64,
) -> Result<u64, StoreError> {
    let mut added = 0;
    for (key, name, conditions) in presets() {
        let conditions = serde_json::to_string(&conditions).map_err(json_err)?;
        added += tx
            .execute(
                "INSERT INTO screening_rules (brand_id, name, conditions, action, enabled, preset,
                     created_at, updated_at)
                 SELECT b.id, $1, $2, 'flag', FALSE, $3, $4, $4 FROM brands b
                 WHERE ($5 IS NULL OR b.id = $5)
                   AND NOT EXISTS (SELECT 1 FROM screening_rules r
                                   WHERE r.brand_id = b.id AND (r.preset = $3 OR r.name = $1))",
                &params![name, conditions.as_str(), key, now, brand],
            )
            .await?;
    }
    Ok(added)
}

/// What screening needs to know about customers, owned.
#[derive(Debug, Clone)]
pub struct CustomerFacts {
    pub customer: CustomerId,
    pub nickname: String,
    pub avatar_flagged: bool,
    pub channel: Channel,
    pub tier: Tier,
    pub known_since: i64,
    pub joins_last_day: i64,
    pub links_posted: i64,
}

impl CustomerFacts {
    pub fn facts(&self) -> screening::Facts<'_> {
        screening::Facts {
            nickname: &self.nickname,
            avatar_flagged: self.avatar_flagged,
            channel: self.channel,
            tier: self.tier,
            known_since: self.known_since,
            joins_last_day: self.joins_last_day,
            links_posted: self.links_posted,
        }
    }
}

const FACT_COLUMNS: &str = "c.id, c.nickname, c.avatar_flagged, c.channel, c.tier, c.created_at,
    (SELECT COUNT(*) FROM community_members j
     WHERE j.brand_id = c.brand_id AND j.customer_id = c.id AND j.joined_at > $2),
    (SELECT COUNT(*) FROM activity_events a
     WHERE a.brand_id = c.brand_id AND a.customer_id = c.id AND a.has_link)";

fn customer_facts(r: &Row) -> Result<CustomerFacts, StoreError> {
    let channel: String = r.get(3)?;
    let tier: String = r.get(4)?;
    Ok(CustomerFacts {
        customer: CustomerId(r.get(0)?),
        nickname: r.get(1)?,
        avatar_flagged: r.get(2)?,
        channel: decoded(Channel::parse("channel", &channel))?,
        tier: decoded(Tier::parse("tier", &tier))?,
        known_since: r.get(5)?,
        joins_last_day: r.get(6)?,
        links_posted: r.get(7)?,
    })
}

/// One customer's facts; joins counted since `day_ago`.
pub async fn facts_of(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
    day_ago: i64,
) -> Result<Option<CustomerFacts>, StoreError> {
    let sql = format!("SELECT {FACT_COLUMNS} FROM customers c WHERE c.brand_id = $1 AND c.id = $3");
    tx.query_opt(&sql, &params![brand, day_ago, customer.get()])
        .await?
        .as_ref()
        .map(customer_facts)
        .transpose()
}

/// The facts of every customer who is a member of a community in the scope now.
pub async fn member_facts(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    store: Option<StoreId>,
    day_ago: i64,
) -> Result<Vec<CustomerFacts>, StoreError> {
    let sql = format!(
        "SELECT {FACT_COLUMNS} FROM customers c
         WHERE c.brand_id = $1 AND EXISTS (
             SELECT 1 FROM community_members m
             JOIN communities k ON k.brand_id = m.brand_id AND k.id = m.community_id
             JOIN stores s ON s.brand_id = k.brand_id AND s.id = k.store_id
             WHERE m.brand_id = c.brand_id AND m.customer_id = c.id AND m.left_at IS NULL
               AND ($3 IS NULL OR s.region_id = $3) AND ($4 IS NULL OR k.store_id = $4))
         ORDER BY c.id"
    );
    tx.query(&sql, &params![brand, day_ago, region, store])
        .await?
        .iter()
        .map(customer_facts)
        .collect()
}

const DECISION_COLUMNS: &str =
    "id, rule_id, rule_name, customer_id, community_id, action, evidence,
    status, held_source, created_at, resolved_at, resolved_by, nickname";
/// Decisions with their customer's nickname, under the decisions' own column names.
const WITH_NICKNAME: &str = "(SELECT d.*, c.nickname FROM screening_decisions d
    JOIN customers c ON c.brand_id = d.brand_id AND c.id = d.customer_id)";

fn decision(r: &Row) -> Result<Decision, StoreError> {
    let action: String = r.get(5)?;
    let evidence: String = r.get(6)?;
    let status: String = r.get(7)?;
    Ok(Decision {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        rule_name: r.get(2)?,
        customer_id: CustomerId(r.get(3)?),
        community_id: r.get::<Option<i64>>(4)?.map(CommunityId),
        action: decoded(Action::parse("action", &action))?,
        evidence: serde_json::from_str::<Vec<Evidence>>(&evidence).map_err(json_err)?,
        status: decoded(DecisionStatus::parse("status", &status))?,
        held_source: r.get(8)?,
        created_at: r.get(9)?,
        resolved_at: r.get(10)?,
        resolved_by: r.get::<Option<i64>>(11)?.map(StaffId),
        nickname: r.get(12)?,
    })
}

/// A decision about to be recorded.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub rule_id: Option<i64>,
    pub rule_name: &'a str,
    pub customer: CustomerId,
    pub community: Option<CommunityId>,
    pub action: Action,
    pub evidence: &'a [Evidence],
    pub status: DecisionStatus,
    pub held_source: Option<&'a str>,
}

pub async fn insert_decision(
    tx: &mut Tx,
    brand: BrandId,
    d: &NewDecision<'_>,
    now: i64,
) -> Result<Decision, StoreError> {
    let evidence = serde_json::to_string(d.evidence).map_err(json_err)?;
    let sql =
        "INSERT INTO screening_decisions (brand_id, rule_id, rule_name, customer_id, community_id,
             action, evidence, status, held_source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    let id: i64 = tx
        .query_one(
            sql,
            &params![
                brand,
                d.rule_id,
                d.rule_name,
                d.customer.get(),
                d.community.map(CommunityId::get),
                d.action.as_str(),
                evidence.as_str(),
                d.status.as_str(),
                d.held_source,
                now
            ],
        )
        .await?
        .get(0)?;
    decision_by_id(tx, brand, id)
        .await?
        .ok_or_else(|| StoreError::Decode("a decision just written is missing".into()))
}

pub async fn decision_by_id(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
) -> Result<Option<Decision>, StoreError> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS} FROM {WITH_NICKNAME} AS d WHERE brand_id = $1 AND id = $2"
    );
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(decision)
        .transpose()
}

/// Settles an open decision; None when it was not open (settled already).
pub async fn resolve(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    status: DecisionStatus,
    by: StaffId,
    now: i64,
) -> Result<Option<Decision>, StoreError> {
    let sql = "UPDATE screening_decisions SET status = $3, resolved_at = $4, resolved_by = $5
         WHERE brand_id = $1 AND id = $2 AND (status = 'open'
                OR (status = 'confirmed' AND $3 = 'cleared' AND action IN ('remove', 'blacklist')))
         RETURNING id";
    match tx
        .query_opt(sql, &params![brand, id, status.as_str(), now, by])
        .await?
    {
        Some(_) => decision_by_id(tx, brand, id).await,
        None => Ok(None),
    }
}

/// What a decision list is narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecisionFilter {
    pub status: Option<DecisionStatus>,
    pub customer: Option<CustomerId>,
    pub community: Option<CommunityId>,
    /// Scope: decisions at communities of this region / store only (and then none
    /// without a community).
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
}

/// Decisions, newest first (before `before`, 0 for the first page), and the total.
pub async fn decisions(
    tx: &mut Tx,
    brand: BrandId,
    f: &DecisionFilter,
    before: Cursor,
    limit: PageSize,
) -> Result<(Vec<Decision>, Option<i64>), StoreError> {
    let cols = DECISION_COLUMNS
        .split(',')
        .map(|c| format!("d.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT * FROM (
           SELECT {cols}, COUNT(*) OVER () AS listed FROM {WITH_NICKNAME} d
           LEFT JOIN communities k ON k.brand_id = d.brand_id AND k.id = d.community_id
           LEFT JOIN stores s ON s.brand_id = k.brand_id AND s.id = k.store_id
           WHERE d.brand_id = $1
             AND ($3 IS NULL OR d.status = $3) AND ($4 IS NULL OR d.customer_id = $4)
             AND ($5 IS NULL OR d.community_id = $5)
             AND ($6 IS NULL OR s.region_id = $6) AND ($7 IS NULL OR k.store_id = $7)
         ) AS matching WHERE ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $8"
    );
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                before.0,
                f.status.map(DecisionStatus::as_str),
                f.customer.map(CustomerId::get),
                f.community.map(CommunityId::get),
                f.region,
                f.store,
                i64::from(limit.get())
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let list = rows.iter().map(decision).collect::<Result<_, _>>()?;
    Ok((list, total))
}

const TASK_COLUMNS: &str =
    "t.id, t.community_id, k.name, t.customer_id, c.nickname, t.membership_id,
    t.decision_id, t.owner_id, t.status, t.created_at, t.done_at";
const TASK_FROM: &str = "removal_tasks t
    JOIN communities k ON k.brand_id = t.brand_id AND k.id = t.community_id
    JOIN stores s ON s.brand_id = k.brand_id AND s.id = k.store_id
    JOIN customers c ON c.brand_id = t.brand_id AND c.id = t.customer_id";

fn task(r: &Row) -> Result<RemovalTask, StoreError> {
    let status: String = r.get(8)?;
    Ok(RemovalTask {
        id: r.get(0)?,
        community_id: CommunityId(r.get(1)?),
        community_name: r.get(2)?,
        customer_id: CustomerId(r.get(3)?),
        nickname: r.get(4)?,
        membership_id: r.get(5)?,
        decision_id: r.get(6)?,
        owner_id: StaffId(r.get(7)?),
        status: decoded(TaskStatus::parse("status", &status))?,
        created_at: r.get(9)?,
        done_at: r.get(10)?,
    })
}

/// Asks the community's owner to remove the member of this stint; an open task for the
/// stint already there is kept (true when one was added).
pub async fn insert_task(
    tx: &mut Tx,
    brand: BrandId,
    membership: i64,
    decision: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "INSERT INTO removal_tasks (brand_id, community_id, customer_id, membership_id,
                 decision_id, owner_id, status, created_at)
             SELECT m.brand_id, m.community_id, m.customer_id, m.id, $3, k.owner_staff_id, 'open', $4
             FROM community_members m
             JOIN communities k ON k.brand_id = m.brand_id AND k.id = m.community_id
             WHERE m.brand_id = $1 AND m.id = $2 AND m.left_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM removal_tasks t WHERE t.brand_id = m.brand_id
                               AND t.membership_id = m.id AND t.status = 'open')",
            &params![brand, membership, decision, now],
        )
        .await?;
    Ok(n > 0)
}

/// Closes the open tasks of a stint that ended (the member is gone).
pub async fn finish_tasks_of(
    tx: &mut Tx,
    brand: BrandId,
    membership: i64,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE removal_tasks SET status = 'done', done_at = $3
         WHERE brand_id = $1 AND membership_id = $2 AND status = 'open'",
        &params![brand, membership, now],
    )
    .await
}

/// Cancels the open tasks a decision created (it was cleared).
pub async fn cancel_tasks_of_decision(
    tx: &mut Tx,
    brand: BrandId,
    decision: i64,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE removal_tasks SET status = 'cancelled', done_at = $3
         WHERE brand_id = $1 AND decision_id = $2 AND status = 'open'",
        &params![brand, decision, now],
    )
    .await
}

pub async fn task_by_id(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
) -> Result<Option<(RemovalTask, StoreId, RegionId)>, StoreError> {
    let sql = format!(
        "SELECT {TASK_COLUMNS}, k.store_id, s.region_id FROM {TASK_FROM}
         WHERE t.brand_id = $1 AND t.id = $2"
    );
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(|r| Ok((task(r)?, StoreId(r.get(11)?), RegionId(r.get(12)?))))
        .transpose()
}

/// What a task list is narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub owner: Option<StaffId>,
    pub community: Option<CommunityId>,
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
}

/// Tasks, oldest first after `after`, and the total.
pub async fn tasks(
    tx: &mut Tx,
    brand: BrandId,
    f: &TaskFilter,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<RemovalTask>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {TASK_COLUMNS}, COUNT(*) OVER () AS listed FROM {TASK_FROM}
           WHERE t.brand_id = $1
             AND ($3 IS NULL OR t.status = $3) AND ($4 IS NULL OR t.owner_id = $4)
             AND ($5 IS NULL OR t.community_id = $5)
             AND ($6 IS NULL OR s.region_id = $6) AND ($7 IS NULL OR k.store_id = $7)
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $8"
    );
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                after.0,
                f.status.map(TaskStatus::as_str),
                f.owner,
                f.community.map(CommunityId::get),
                f.region,
                f.store,
                i64::from(limit.get())
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let list = rows.iter().map(task).collect::<Result<_, _>>()?;
    Ok((list, total))
}

pub async fn blacklisted(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
) -> Result<Option<i64>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT decision_id FROM blacklist WHERE brand_id = $1 AND customer_id = $2",
            &params![brand, customer.get()],
        )
        .await?;
    row.map(|r| r.get(0)).transpose()
}

pub async fn add_to_blacklist(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
    decision: i64,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO blacklist (brand_id, customer_id, decision_id, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (brand_id, customer_id) DO NOTHING",
        &params![brand, customer.get(), decision, now],
    )
    .await?;
    Ok(())
}

pub async fn lift_blacklist(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
) -> Result<u64, StoreError> {
    tx.execute(
        "DELETE FROM blacklist WHERE brand_id = $1 AND customer_id = $2",
        &params![brand, customer.get()],
    )
    .await
}

/// The open stints of a customer across the brand's communities.
pub async fn open_stints(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
) -> Result<Vec<(i64, CommunityId)>, StoreError> {
    tx.query(
        "SELECT id, community_id FROM community_members
         WHERE brand_id = $1 AND customer_id = $2 AND left_at IS NULL ORDER BY id",
        &params![brand, customer.get()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.get(0)?, CommunityId(r.get(1)?))))
    .collect()
}

/// Whether the rule has a decision about the customer that was not cleared.
pub async fn decided_by_rule(
    tx: &mut Tx,
    brand: BrandId,
    rule: i64,
    customer: CustomerId,
) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM screening_decisions
             WHERE brand_id = $1 AND rule_id = $2 AND customer_id = $3 AND status <> 'cleared'
             LIMIT 1",
            &params![brand, rule, customer.get()],
        )
        .await?;
    Ok(row.is_some())
}
