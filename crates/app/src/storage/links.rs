//! SQL for join links, the stints they brought, welcome texts and the welcome outbox.

use shequn_domain::{BrandId, Channel, CommunityId, CustomerId, JoinLink, StaffId, Tier};

use super::db::Tx;
use super::sql::{Row, StoreError, decoded};

const COLUMNS: &str = "l.id, l.community_id, l.code, l.channel, l.inviter_id, l.label, l.active, \
    l.created_at, (SELECT COUNT(*) FROM community_members m \
                   WHERE m.brand_id = l.brand_id AND m.link_id = l.id)";

fn link(r: &Row) -> Result<JoinLink, StoreError> {
    let channel: String = r.get(3)?;
    Ok(JoinLink {
        id: r.get(0)?,
        community_id: CommunityId(r.get(1)?),
        code: r.get(2)?,
        channel: decoded(Channel::parse("channel", &channel))?,
        inviter_id: r.get::<Option<i64>>(4)?.map(CustomerId),
        label: r.get(5)?,
        active: r.get(6)?,
        created_at: r.get(7)?,
        joins: r.get(8)?,
    })
}

/// A link about to be written.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub community: CommunityId,
    pub code: &'a str,
    pub channel: Channel,
    pub inviter: Option<CustomerId>,
    pub label: &'a str,
    pub created_by: StaffId,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    l: &NewLink<'_>,
    now: i64,
) -> Result<JoinLink, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO join_links (brand_id, community_id, code, channel, inviter_id, label,
                 active, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8) RETURNING id",
            &params![
                brand,
                l.community.get(),
                l.code,
                l.channel.as_str(),
                l.inviter.map(CustomerId::get),
                l.label,
                l.created_by,
                now
            ],
        )
        .await?
        .get(0)?;
    get(tx, brand, id)
        .await?
        .ok_or_else(|| StoreError::Decode("a link just written is missing".into()))
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<JoinLink>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM join_links l WHERE l.brand_id = $1 AND l.id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(link)
        .transpose()
}

/// A link by its code, in any brand (codes are unique across brands: a public URL or a
/// WeCom `State` names no brand).
pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<(BrandId, JoinLink)>, StoreError> {
    let sql = format!("SELECT {COLUMNS}, l.brand_id FROM join_links l WHERE l.code = $1");
    tx.query_opt(&sql, &params![code])
        .await?
        .as_ref()
        .map(|r| Ok((BrandId(r.get(9)?), link(r)?)))
        .transpose()
}

/// The community's links, newest first.
pub async fn of_community(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
) -> Result<Vec<JoinLink>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM join_links l WHERE l.brand_id = $1 AND l.community_id = $2
         ORDER BY l.id DESC"
    );
    tx.query(&sql, &params![brand, community.get()])
        .await?
        .iter()
        .map(link)
        .collect()
}

pub async fn set_active(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    active: bool,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE join_links SET active = $3 WHERE brand_id = $1 AND id = $2",
        &params![brand, id, active],
    )
    .await
}

/// Remembers the link a stint came through.
pub async fn mark_stint(
    tx: &mut Tx,
    brand: BrandId,
    membership: i64,
    link: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE community_members SET link_id = $3 WHERE brand_id = $1 AND id = $2",
        &params![brand, membership, link],
    )
    .await?;
    Ok(())
}

/// The brand's welcome text for a tier, if staff wrote one.
pub async fn welcome(
    tx: &mut Tx,
    brand: BrandId,
    tier: Tier,
) -> Result<Option<String>, StoreError> {
    tx.query_opt(
        "SELECT body FROM welcome_texts WHERE brand_id = $1 AND tier = $2",
        &params![brand, tier.as_str()],
    )
    .await?
    .map(|r| r.get(0))
    .transpose()
}

pub async fn set_welcome(
    tx: &mut Tx,
    brand: BrandId,
    tier: Tier,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO welcome_texts (brand_id, tier, body, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (brand_id, tier) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        &params![brand, tier.as_str(), body, now],
    )
    .await?;
    Ok(())
}

/// A welcome waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Welcome {
    pub id: i64,
    pub customer_id: CustomerId,
    pub community_id: CommunityId,
    pub membership_id: i64,
    pub tier: Tier,
    pub body: String,
    pub status: String,
    pub created_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn queue_welcome(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
    community: CommunityId,
    membership: i64,
    tier: Tier,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO welcome_outbox (brand_id, customer_id, community_id, membership_id, tier,
             body, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7)",
        &params![
            brand,
            customer.get(),
            community.get(),
            membership,
            tier.as_str(),
            body,
            now
        ],
    )
    .await?;
    Ok(())
}

/// The welcomes queued for a community, oldest first.
pub async fn outbox(
    tx: &mut Tx,
    brand: BrandId,
    community: CommunityId,
) -> Result<Vec<Welcome>, StoreError> {
    tx.query(
        "SELECT id, customer_id, community_id, membership_id, tier, body, status, created_at
         FROM welcome_outbox WHERE brand_id = $1 AND community_id = $2 ORDER BY id",
        &params![brand, community.get()],
    )
    .await?
    .iter()
    .map(|r| {
        let tier: String = r.get(4)?;
        Ok(Welcome {
            id: r.get(0)?,
            customer_id: CustomerId(r.get(1)?),
            community_id: CommunityId(r.get(2)?),
            membership_id: r.get(3)?,
            tier: decoded(Tier::parse("tier", &tier))?,
            body: r.get(5)?,
            status: r.get(6)?,
            created_at: r.get(7)?,
        })
    })
    .collect()
}

/// Welcomes still queued for a customer who withdrew consent are not sent.
pub async fn cancel_queued(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE welcome_outbox SET status = 'cancelled'
         WHERE brand_id = $1 AND customer_id = $2 AND status = 'queued'",
        &params![brand, customer.get()],
    )
    .await
}
