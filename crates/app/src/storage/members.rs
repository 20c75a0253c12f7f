//! SQL for community members: stints of customers in communities.

use shequn_domain::{
    BrandId, Channel, CommunityId, CommunityMember, Cursor, CustomerId, JoinSource, MemberRole,
    Membership, PageSize, Phone, SearchText, Tier,
};

use super::customers::StageFilter;
use super::db::Tx;
use super::sql::{Row, StoreError, decoded, take_total};

/// The columns [`membership`] decodes, in its order.
const COLUMNS: &str =
    "id, community_id, customer_id, role, reward_note, source, joined_at, left_at";

fn membership(r: &Row) -> Result<Membership, StoreError> {
    let role: String = r.get(3)?;
    let source: String = r.get(5)?;
    Ok(Membership {
        id: r.get(0)?,
        community_id: CommunityId(r.get(1)?),
        customer_id: CustomerId(r.get(2)?),
        role: decoded(MemberRole::parse("role", &role))?,
        reward_note: r.get(4)?,
        source: decoded(JoinSource::parse("source", &source))?,
        joined_at: r.get(6)?,
        left_at: r.get(7)?,
    })
}

/// The customer's current stint in the community, if they are in it.
pub async fn open_stint(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
    customer: CustomerId,
) -> Result<Option<Membership>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM community_members
         WHERE brand_id = $1 AND community_id = $2 AND customer_id = $3 AND left_at IS NULL"
    );
    tx.query_opt(&sql, &params![brand, community, customer.get()])
        .await?
        .as_ref()
        .map(membership)
        .transpose()
}

/// A stint by its id, with nothing else.
pub async fn get(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<Membership>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM community_members WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(membership)
        .transpose()
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
    customer: CustomerId,
    role: MemberRole,
    source: JoinSource,
    now: i64,
) -> Result<Membership, StoreError> {
    let sql = format!(
        "INSERT INTO community_members (brand_id, community_id, customer_id, role, reward_note,
             source, joined_at, left_at)
         VALUES ($1, $2, $3, $4, NULL, $5, $6, NULL)
         RETURNING {COLUMNS}"
    );
    let r = tx
        .query_one(
            &sql,
            &params![
                brand,
                community,
                customer.get(),
                role.as_str(),
                source.as_str(),
                now
            ],
        )
        .await?;
    membership(&r)
}

/// Current members of a community.
pub async fn count_open(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM community_members
         WHERE brand_id = $1 AND community_id = $2 AND left_at IS NULL",
        &params![brand, community],
    )
    .await?
    .get(0)
}

/// Ends an open stint; None when it had already ended.
pub async fn leave(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    now: i64,
) -> Result<Option<Membership>, StoreError> {
    let sql = format!(
        "UPDATE community_members SET left_at = $3
         WHERE brand_id = $1 AND id = $2 AND left_at IS NULL
         RETURNING {COLUMNS}"
    );
    tx.query_opt(&sql, &params![brand, id, now])
        .await?
        .as_ref()
        .map(membership)
        .transpose()
}

pub async fn set_role(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    role: MemberRole,
    reward_note: Option<&str>,
) -> Result<Option<Membership>, StoreError> {
    let sql = format!(
        "UPDATE community_members SET role = $3, reward_note = $4
         WHERE brand_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    );
    tx.query_opt(&sql, &params![brand, id, role.as_str(), reward_note])
        .await?
        .as_ref()
        .map(membership)
        .transpose()
}

/// What a member list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub role: Option<MemberRole>,
    pub tier: Option<Tier>,
    /// Part of the nickname.
    pub search: Option<SearchText>,
    /// Also those who left.
    pub with_past: bool,
    pub channel: Option<Channel>,
    pub tag: Option<String>,
    /// The customers' lifecycle stage, as cut-off times.
    pub lifecycle: Option<StageFilter>,
}

/// Members of a community after `after` (stint id order), and how many match in all.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
    f: &MemberFilter,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<CommunityMember>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, nickname, tier, phone, COUNT(*) OVER () AS listed FROM (
             SELECT m.*, c.nickname, c.tier, c.phone, c.channel, c.created_at AS arrived_at,
                    (SELECT MAX(a.at) FROM activity_events a
                     WHERE a.brand_id = c.brand_id AND a.customer_id = c.id) AS last_active_at
             FROM community_members m
             JOIN customers c ON c.brand_id = m.brand_id AND c.id = m.customer_id
           ) AS m
           WHERE brand_id = $1 AND community_id = $2
             AND ($4 IS NULL OR role = $4) AND ($5 IS NULL OR tier = $5)
             AND ($6 IS NULL OR LOWER(nickname) LIKE LOWER($6) ESCAPE '\\')
             AND ($7 OR left_at IS NULL)
             AND ($9 IS NULL OR channel = $9)
             AND ($10 IS NULL OR EXISTS (SELECT 1 FROM customer_tags t
                  WHERE t.brand_id = m.brand_id AND t.customer_id = m.customer_id AND t.tag = $10))
             AND ($11 IS NULL OR $11 = CASE
                   WHEN arrived_at >= $12 THEN 'new'
                   WHEN COALESCE(last_active_at, arrived_at) >= $13 THEN 'active'
                   WHEN COALESCE(last_active_at, arrived_at) >= $14 THEN 'silent'
                   ELSE 'churned' END)
         ) AS matching WHERE id > $3 ORDER BY id LIMIT $8"
    );
    let pattern = f.search.as_ref().map(SearchText::like_pattern);
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                community,
                after.0,
                f.role.map(MemberRole::as_str),
                f.tier.map(Tier::as_str),
                pattern.as_deref(),
                f.with_past,
                i64::from(limit.get()),
                f.channel.map(Channel::as_str),
                f.tag.as_deref(),
                f.lifecycle.map(|l| l.stage.as_str()),
                f.lifecycle.map(|l| l.new_since),
                f.lifecycle.map(|l| l.active_since),
                f.lifecycle.map(|l| l.silent_since)
            ],
        )
        .await?;
    debug_assert!(rows.len() <= limit.get() as usize);
    let total = take_total(&mut rows)?;
    let members = rows
        .iter()
        .map(|r| {
            let tier: String = r.get(9)?;
            let phone: Option<String> = r.get(10)?;
            Ok(CommunityMember {
                membership: membership(r)?,
                nickname: r.get(8)?,
                tier: decoded(Tier::parse("tier", &tier))?,
                phone: phone
                    .map(|p| decoded(Phone::parse("phone", &p)))
                    .transpose()?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((members, total))
}

/// Every stint of a customer, in any community, oldest first.
pub async fn of_customer(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
) -> Result<Vec<Membership>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM community_members
         WHERE brand_id = $1 AND customer_id = $2 ORDER BY id"
    );
    tx.query(&sql, &params![brand, customer.get()])
        .await?
        .iter()
        .map(membership)
        .collect()
}

/// Joins and leaves since `since` (UTC ms) in each of the communities: (community, joins,
/// leaves), for the communities with any.
pub async fn movement_since(
    tx: &mut Tx,
    brand: BrandId,
    communities: &[CommunityId],
    since: i64,
) -> Result<Vec<(CommunityId, i64, i64)>, StoreError> {
    if communities.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = communities.iter().map(|c| c.get().to_string()).collect();
    // Ids are integers from the domain, never input text: safe to inline.
    let sql = format!(
        "SELECT community_id,
                SUM(CASE WHEN joined_at >= $2 THEN 1 ELSE 0 END),
                SUM(CASE WHEN left_at >= $2 THEN 1 ELSE 0 END)
         FROM community_members
         WHERE brand_id = $1 AND community_id IN ({}) AND (joined_at >= $2 OR left_at >= $2)
         GROUP BY community_id",
        list.join(", ")
    );
    tx.query(&sql, &params![brand, since])
        .await?
        .iter()
        .map(|r| Ok((CommunityId(r.get(0)?), r.get(1)?, r.get(2)?)))
        .collect()
}
