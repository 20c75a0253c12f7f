//! SQL for customers, their tags and the brand's channel → tier mapping.

use shequn_domain::{
    BrandId, Channel, Consent, Cursor, Customer, CustomerId, Lifecycle, PageSize, Phone, RegionId,
    SearchText, StaffId, StoreId, Tier, TierMap,
};

use super::db::Tx;
use super::sql::{Row, StoreError, decoded, take_total};

/// Customers with their store's region (`store_region`) and their last activity
/// (`last_active_at`), under the customers' own column names.
const WITH_PLACE: &str = "(SELECT c.*, st.region_id AS store_region,
       (SELECT MAX(a.at) FROM activity_events a
        WHERE a.brand_id = c.brand_id AND a.customer_id = c.id) AS last_active_at
     FROM customers c
     LEFT JOIN stores st ON st.brand_id = c.brand_id AND st.id = c.store_id) AS c";

/// The columns [`customer`] decodes, in its order (tags are read apart).
const COLUMNS: &str = "id, nickname, avatar_flagged, phone, external_id, channel, invited_by, \
     tier, tier_reason, consent, consent_at, consent_source, store_id, guide_staff_id, \
     created_at, updated_at";

fn customer(r: &Row) -> Result<Customer, StoreError> {
    let phone: Option<String> = r.get(3)?;
    let channel: String = r.get(5)?;
    let tier: String = r.get(7)?;
    Ok(Customer {
        id: CustomerId(r.get(0)?),
        nickname: r.get(1)?,
        avatar_flagged: r.get(2)?,
        phone: phone
            .map(|p| decoded(Phone::parse("phone", &p)))
            .transpose()?,
        external_id: r.get(4)?,
        channel: decoded(Channel::parse("channel", &channel))?,
        invited_by: r.get::<Option<i64>>(6)?.map(CustomerId),
        tier: decoded(Tier::parse("tier", &tier))?,
        tier_reason: r.get(8)?,
        consent: Consent {
            given: r.get(9)?,
            at: r.get(10)?,
            source: r.get(11)?,
        },
        tags: Vec::new(),
        store_id: r.get::<Option<i64>>(12)?.map(StoreId),
        guide_id: r.get::<Option<i64>>(13)?.map(StaffId),
        // Read apart where wanted (`get`, `list`); the stage is the use case's to compute.
        last_active_at: None,
        lifecycle: Lifecycle::New,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

/// Writes `c` as a new customer (its id is ignored) with its tags; returns it as stored.
pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    c: &Customer,
    now: i64,
) -> Result<Customer, StoreError> {
    let sql = format!(
        "INSERT INTO customers (brand_id, nickname, avatar_flagged, phone, external_id, channel,
             invited_by, tier, tier_reason, consent, consent_at, consent_source, store_id,
             guide_staff_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         RETURNING {COLUMNS}"
    );
    let row = tx
        .query_one(
            &sql,
            &params![
                brand,
                c.nickname.as_str(),
                c.avatar_flagged,
                c.phone.as_ref().map(Phone::full),
                c.external_id.as_deref(),
                c.channel.as_str(),
                c.invited_by.map(CustomerId::get),
                c.tier.as_str(),
                c.tier_reason.as_deref(),
                c.consent.given,
                c.consent.at,
                c.consent.source.as_deref(),
                c.store_id,
                c.guide_id,
                now
            ],
        )
        .await?;
    let mut made = customer(&row)?;
    set_tags(tx, brand, made.id, &c.tags).await?;
    made.tags = c.tags.clone();
    Ok(made)
}

/// Writes every editable field of `c` and its tags.
pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    c: &Customer,
    now: i64,
) -> Result<Customer, StoreError> {
    let sql = format!(
        "UPDATE customers SET nickname = $3, avatar_flagged = $4, phone = $5, external_id = $6,
             tier = $7, tier_reason = $8, consent = $9, consent_at = $10, consent_source = $11,
             store_id = $12, guide_staff_id = $13, updated_at = $14
         WHERE brand_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    );
    let row = tx
        .query_one(
            &sql,
            &params![
                brand,
                c.id.get(),
                c.nickname.as_str(),
                c.avatar_flagged,
                c.phone.as_ref().map(Phone::full),
                c.external_id.as_deref(),
                c.tier.as_str(),
                c.tier_reason.as_deref(),
                c.consent.given,
                c.consent.at,
                c.consent.source.as_deref(),
                c.store_id,
                c.guide_id,
                now
            ],
        )
        .await?;
    let mut saved = customer(&row)?;
    set_tags(tx, brand, saved.id, &c.tags).await?;
    saved.tags = c.tags.clone();
    Ok(saved)
}

pub async fn set_tags(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
    tags: &[String],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM customer_tags WHERE brand_id = $1 AND customer_id = $2",
        &params![brand, id.get()],
    )
    .await?;
    for tag in tags {
        tx.execute(
            "INSERT INTO customer_tags (brand_id, customer_id, tag) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &params![brand, id.get(), tag.as_str()],
        )
        .await?;
    }
    Ok(())
}

async fn tags_of(tx: &mut Tx, brand: BrandId, id: CustomerId) -> Result<Vec<String>, StoreError> {
    tx.query(
        "SELECT tag FROM customer_tags WHERE brand_id = $1 AND customer_id = $2 ORDER BY tag",
        &params![brand, id.get()],
    )
    .await?
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// A customer with the region of their store, if they have one (for scope checks).
pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
) -> Result<Option<(Customer, Option<RegionId>)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, store_region, last_active_at FROM {WITH_PLACE}
         WHERE brand_id = $1 AND id = $2"
    );
    let Some(row) = tx.query_opt(&sql, &params![brand, id.get()]).await? else {
        return Ok(None);
    };
    let mut c = customer(&row)?;
    let region = row.get::<Option<i64>>(16)?.map(RegionId);
    c.last_active_at = row.get(17)?;
    c.tags = tags_of(tx, brand, c.id).await?;
    Ok(Some((c, region)))
}

/// Whether the brand has a customer with this id.
pub async fn exists(tx: &mut Tx, brand: BrandId, id: CustomerId) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM customers WHERE brand_id = $1 AND id = $2",
            &params![brand, id.get()],
        )
        .await?
        .is_some())
}

/// What a customer list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub guide: Option<StaffId>,
    pub tier: Option<Tier>,
    pub channel: Option<Channel>,
    pub tag: Option<String>,
    /// Part of the nickname.
    pub search: Option<SearchText>,
    /// The whole number.
    pub phone: Option<Phone>,
    pub lifecycle: Option<StageFilter>,
}

/// A lifecycle stage as cut-off times (UTC ms), computed by the use case from the brand's
/// thresholds and the time of the request; the SQL mirrors `LifecycleThresholds::stage`.
#[derive(Debug, Clone, Copy)]
pub struct StageFilter {
    pub stage: Lifecycle,
    /// Arrived at or after this: new.
    pub new_since: i64,
    /// Last active at or after this: active.
    pub active_since: i64,
    /// Last active at or after this (and before `active_since`): silent; before: churned.
    pub silent_since: i64,
}

/// Customers after `after` in id order, with their tags, and how many match in all.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    f: &CustomerFilter,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<Customer>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, last_active_at, COUNT(*) OVER () AS listed FROM {WITH_PLACE}
           WHERE brand_id = $1
             AND ($3 IS NULL OR store_region = $3) AND ($4 IS NULL OR store_id = $4)
             AND ($5 IS NULL OR guide_staff_id = $5) AND ($6 IS NULL OR tier = $6)
             AND ($7 IS NULL OR channel = $7)
             AND ($8 IS NULL OR EXISTS (SELECT 1 FROM customer_tags t
                  WHERE t.brand_id = c.brand_id AND t.customer_id = c.id AND t.tag = $8))
             AND ($9 IS NULL OR LOWER(nickname) LIKE LOWER($9) ESCAPE '\\')
             AND ($10 IS NULL OR phone = $10)
             AND ($12 IS NULL OR $12 = CASE
                   WHEN created_at >= $13 THEN 'new'
                   WHEN COALESCE(last_active_at, created_at) >= $14 THEN 'active'
                   WHEN COALESCE(last_active_at, created_at) >= $15 THEN 'silent'
                   ELSE 'churned' END)
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $11"
    );
    let pattern = f.search.as_ref().map(SearchText::like_pattern);
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                after.0,
                f.region,
                f.store,
                f.guide,
                f.tier.map(Tier::as_str),
                f.channel.map(Channel::as_str),
                f.tag.as_deref(),
                pattern.as_deref(),
                f.phone.as_ref().map(Phone::full),
                i64::from(limit.get()),
                f.lifecycle.map(|l| l.stage.as_str()),
                f.lifecycle.map(|l| l.new_since),
                f.lifecycle.map(|l| l.active_since),
                f.lifecycle.map(|l| l.silent_since)
            ],
        )
        .await?;
    debug_assert!(rows.len() <= limit.get() as usize);
    let total = take_total(&mut rows)?;
    let mut out = rows
        .iter()
        .map(|r| {
            let mut c = customer(r)?;
            c.last_active_at = r.get(16)?;
            Ok(c)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    for c in &mut out {
        c.tags = tags_of(tx, brand, c.id).await?;
    }
    Ok((out, total))
}

/// The brand's channel → tier mapping (its own choices over the defaults).
pub async fn tier_map(tx: &mut Tx, brand: BrandId) -> Result<TierMap, StoreError> {
    let rows = tx
        .query(
            "SELECT channel, tier FROM brand_tiers WHERE brand_id = $1",
            &params![brand],
        )
        .await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        let channel: String = r.get(0)?;
        let tier: String = r.get(1)?;
        pairs.push((
            decoded(Channel::parse("channel", &channel))?,
            decoded(Tier::parse("tier", &tier))?,
        ));
    }
    Ok(TierMap::new(pairs))
}

/// Sets the tier of one channel for the brand, and re-derives it for every customer of
/// that channel whose tier staff did not set by hand; returns how many changed.
pub async fn set_channel_tier(
    tx: &mut Tx,
    brand: BrandId,
    channel: Channel,
    tier: Tier,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "INSERT INTO brand_tiers (brand_id, channel, tier) VALUES ($1, $2, $3)
         ON CONFLICT (brand_id, channel) DO UPDATE SET tier = excluded.tier",
        &params![brand, channel.as_str(), tier.as_str()],
    )
    .await?;
    tx.execute(
        "UPDATE customers SET tier = $3, updated_at = $4
         WHERE brand_id = $1 AND channel = $2 AND tier_reason IS NULL AND tier <> $3",
        &params![brand, channel.as_str(), tier.as_str(), now],
    )
    .await
}

/// How many customers a staff member serves as their guide.
pub async fn count_guided(tx: &mut Tx, brand: BrandId, guide: StaffId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM customers WHERE brand_id = $1 AND guide_staff_id = $2",
        &params![brand, guide],
    )
    .await?
    .get(0)
}

/// Hands every customer of `from` to `to`; returns how many.
pub async fn reassign_guide(
    tx: &mut Tx,
    brand: BrandId,
    from: StaffId,
    to: StaffId,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE customers SET guide_staff_id = $3, updated_at = $4
         WHERE brand_id = $1 AND guide_staff_id = $2",
        &params![brand, from, to, now],
    )
    .await
}

/// The nickname an erased customer keeps.
pub const ERASED_NICKNAME: &str = "已注销";

/// Removes a customer's personal data (name, phone, avatar flag, external id, tags,
/// consent details) and keeps the row, so memberships, activity and, later, orders stay
/// whole under the anonymous id.
pub async fn erase(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE customers SET nickname = $3, phone = NULL, external_id = NULL,
             avatar_flagged = FALSE, tier_reason = NULL, consent = FALSE, consent_at = $4,
             consent_source = 'erased', updated_at = $4
         WHERE brand_id = $1 AND id = $2",
        &params![brand, id.get(), ERASED_NICKNAME, now],
    )
    .await?;
    set_tags(tx, brand, id, &[]).await?;
    // Stored idempotent results are copies of answers, and a customer's answer holds their
    // data: those of this customer go too.
    let pattern = format!("%\"id\":{},\"nickname\":%", id.get());
    tx.execute(
        "DELETE FROM idempotency_records WHERE brand_id = $1 AND result LIKE $2",
        &params![brand, pattern.as_str()],
    )
    .await?;
    Ok(())
}

/// A customer's activity, oldest first: (kind, community, at).
pub async fn activity_of(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    tx.query(
        "SELECT kind, community_id, at FROM activity_events
         WHERE brand_id = $1 AND customer_id = $2 ORDER BY at, id",
        &params![brand, id.get()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .collect()
}

/// The customer with this external id (a WeCom external user id), if any.
pub async fn id_by_external_id(
    tx: &mut Tx,
    brand: BrandId,
    external_id: &str,
) -> Result<Option<CustomerId>, StoreError> {
    tx.query_opt(
        "SELECT id FROM customers WHERE brand_id = $1 AND external_id = $2",
        &params![brand, external_id],
    )
    .await?
    .map(|r| Ok(CustomerId(r.get(0)?)))
    .transpose()
}

/// Records who invited a customer who had no inviter yet (first touch wins).
pub async fn set_inviter_if_none(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
    inviter: CustomerId,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE customers SET invited_by = $3
         WHERE brand_id = $1 AND id = $2 AND invited_by IS NULL AND id <> $3",
        &params![brand, id.get(), inviter.get()],
    )
    .await?;
    Ok(())
}

/// The customer's unsubscribe code, made now if they have none.
pub async fn unsubscribe_code(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
    fresh: &str,
) -> Result<Option<String>, StoreError> {
    tx.execute(
        "UPDATE customers SET unsubscribe_code = $3
         WHERE brand_id = $1 AND id = $2 AND unsubscribe_code IS NULL",
        &params![brand, id.get(), fresh],
    )
    .await?;
    tx.query_opt(
        "SELECT unsubscribe_code FROM customers WHERE brand_id = $1 AND id = $2",
        &params![brand, id.get()],
    )
    .await?
    .map(|r| r.get(0))
    .transpose()
}

/// The customer an unsubscribe code belongs to, in any brand (the link names no brand).
pub async fn by_unsubscribe_code(
    tx: &mut Tx,
    code: &str,
) -> Result<Option<(BrandId, CustomerId, bool)>, StoreError> {
    tx.query_opt(
        "SELECT brand_id, id, consent FROM customers WHERE unsubscribe_code = $1",
        &params![code],
    )
    .await?
    .map(|r| Ok((BrandId(r.get(0)?), CustomerId(r.get(1)?), r.get(2)?)))
    .transpose()
}

/// Withdraws consent to marketing messages, with its time and source; true when the
/// customer had consented.
pub async fn withdraw_consent(
    tx: &mut Tx,
    brand: BrandId,
    id: CustomerId,
    source: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE customers SET consent = FALSE, consent_at = $3, consent_source = $4, updated_at = $3
             WHERE brand_id = $1 AND id = $2 AND consent",
            &params![brand, id.get(), now, source],
        )
        .await?;
    if n > 0 {
        // Nothing queued for them goes out any more.
        super::links::cancel_queued(tx, brand, id).await?;
    }
    Ok(n > 0)
}

/// How many customers the brand has (erased ones included).
pub async fn count_all(tx: &mut Tx, brand: BrandId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM customers WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .get(0)
}

/// The nicknames of these customers of the brand (at most 200 at a time: one list page).
pub async fn nicknames(
    tx: &mut Tx,
    brand: BrandId,
    ids: &[CustomerId],
) -> Result<Vec<(CustomerId, String)>, StoreError> {
    let ids = &ids[..ids.len().min(200)];
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT id, nickname FROM customers WHERE brand_id = $1 AND id IN ({})",
        marks.join(", ")
    );
    let mut values = vec![super::sql::Value::from(brand.get())];
    values.extend(ids.iter().map(|c| super::sql::Value::from(c.get())));
    tx.query(&sql, &values)
        .await?
        .iter()
        .map(|r| Ok((CustomerId(r.get(0)?), r.get(1)?)))
        .collect()
}
