//! SQL for communities (社群) and their kind history.

use shequn_domain::{
    BrandId, Capacity, Community, CommunityId, CommunityStatus, Cursor, Kind, KindChange, PageSize,
    Purpose, RegionId, SearchText, StaffId, StoreId,
};

use super::db::Tx;
use super::sql::{Row, StoreError, decoded, take_total};

/// The columns [`community`] decodes, in its order.
const COLUMNS: &str = "id, store_id, owner_staff_id, name, purpose, kind, capacity, rules, \
     status, chat_id, overflow_of, created_at, updated_at";

/// Communities with the region of their store as `store_region` (for scope) and their
/// current member count as `members`, under the communities' own column names.
const WITH_REGION: &str = "(SELECT c.*, st.region_id AS store_region,
       (SELECT COUNT(*) FROM community_members m
        WHERE m.brand_id = c.brand_id AND m.community_id = c.id AND m.left_at IS NULL) AS members
     FROM communities c
     JOIN stores st ON st.brand_id = c.brand_id AND st.id = c.store_id) AS c";

fn community(r: &Row) -> Result<Community, StoreError> {
    let purpose: String = r.get(4)?;
    let kind: String = r.get(5)?;
    let status: String = r.get(8)?;
    Ok(Community {
        id: CommunityId(r.get(0)?),
        store_id: StoreId(r.get(1)?),
        owner_id: StaffId(r.get(2)?),
        name: r.get(3)?,
        purpose: decoded(Purpose::parse("purpose", &purpose))?,
        kind: decoded(Kind::parse("kind", &kind))?,
        capacity: decoded(Capacity::parse("capacity", r.get(6)?))?,
        rules: r.get(7)?,
        status: decoded(CommunityStatus::parse("status", &status))?,
        chat_id: r.get(9)?,
        overflow_of: r.get::<Option<i64>>(10)?.map(CommunityId),
        members: 0,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// A community to open.
pub struct NewCommunity<'a> {
    pub store: StoreId,
    pub owner: StaffId,
    pub name: &'a str,
    pub purpose: Purpose,
    pub kind: Kind,
    pub capacity: Capacity,
    pub rules: &'a str,
    pub overflow_of: Option<CommunityId>,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    c: &NewCommunity<'_>,
    by: Option<StaffId>,
    now: i64,
) -> Result<Community, StoreError> {
    let sql = format!(
        "INSERT INTO communities (brand_id, store_id, owner_staff_id, name, purpose, kind,
             capacity, rules, status, chat_id, overflow_of, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', NULL, $9, $10, $10)
         RETURNING {COLUMNS}"
    );
    let row = tx
        .query_one(
            &sql,
            &params![
                brand,
                c.store,
                c.owner,
                c.name,
                c.purpose.as_str(),
                c.kind.as_str(),
                i64::from(c.capacity.get()),
                c.rules,
                c.overflow_of.map(CommunityId::get),
                now
            ],
        )
        .await?;
    let made = community(&row)?;
    record_kind(tx, brand, made.id, made.kind, by, now).await?;
    Ok(made)
}

/// Appends to the kind history.
pub async fn record_kind(
    tx: &mut Tx,
    brand: BrandId,
    id: CommunityId,
    kind: Kind,
    by: Option<StaffId>,
    at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO community_kinds (brand_id, community_id, kind, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5)",
        &params![brand, id.get(), kind.as_str(), at, by],
    )
    .await?;
    Ok(())
}

/// A community with the region of its store (for scope checks).
pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: CommunityId,
) -> Result<Option<(Community, RegionId)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, store_region, members FROM {WITH_REGION}
         WHERE brand_id = $1 AND id = $2"
    );
    tx.query_opt(&sql, &params![brand, id.get()])
        .await?
        .as_ref()
        .map(|r| -> Result<_, StoreError> {
            let mut c = community(r)?;
            c.members = r.get(14)?;
            Ok((c, RegionId(r.get(13)?)))
        })
        .transpose()
}

/// What a community list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CommunityFilter {
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub owner: Option<StaffId>,
    pub status: Option<CommunityStatus>,
    pub search: Option<SearchText>,
}

/// Communities after `after` in id order, and how many match over all pages.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    f: &CommunityFilter,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<Community>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, members, COUNT(*) OVER () AS listed FROM {WITH_REGION}
           WHERE brand_id = $1
             AND ($3 IS NULL OR store_region = $3) AND ($4 IS NULL OR store_id = $4)
             AND ($5 IS NULL OR owner_staff_id = $5) AND ($6 IS NULL OR status = $6)
             AND ($7 IS NULL OR LOWER(name) LIKE LOWER($7) ESCAPE '\\')
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $8"
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
                f.owner,
                f.status.map(CommunityStatus::as_str),
                pattern.as_deref(),
                i64::from(limit.get())
            ],
        )
        .await?;
    debug_assert!(rows.len() <= limit.get() as usize);
    let total = take_total(&mut rows)?;
    let listed = rows
        .iter()
        .map(|r| {
            let mut c = community(r)?;
            c.members = r.get(13)?;
            Ok(c)
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((listed, total))
}

/// Writes every editable field of `c` (by its id).
pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    c: &Community,
    now: i64,
) -> Result<Community, StoreError> {
    let sql = format!(
        "UPDATE communities SET owner_staff_id = $3, name = $4, purpose = $5, kind = $6,
             capacity = $7, rules = $8, status = $9, chat_id = $10, updated_at = $11
         WHERE brand_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    );
    let members = c.members;
    let row = tx
        .query_one(
            &sql,
            &params![
                brand,
                c.id.get(),
                c.owner_id,
                c.name.as_str(),
                c.purpose.as_str(),
                c.kind.as_str(),
                i64::from(c.capacity.get()),
                c.rules.as_str(),
                c.status.as_str(),
                c.chat_id.as_deref(),
                now
            ],
        )
        .await?;
    let mut saved = community(&row)?;
    // The edit does not touch membership: the count read with `c` stands.
    saved.members = members;
    Ok(saved)
}

/// The kind history, oldest first.
pub async fn kinds(
    tx: &mut Tx,
    brand: BrandId,
    id: CommunityId,
) -> Result<Vec<KindChange>, StoreError> {
    tx.query(
        "SELECT kind, changed_at, changed_by FROM community_kinds
         WHERE brand_id = $1 AND community_id = $2 ORDER BY id",
        &params![brand, id.get()],
    )
    .await?
    .iter()
    .map(|r| {
        let kind: String = r.get(0)?;
        Ok(KindChange {
            kind: decoded(Kind::parse("kind", &kind))?,
            at: r.get(1)?,
            by: r.get::<Option<i64>>(2)?.map(StaffId),
        })
    })
    .collect()
}

/// How many communities were opened from `id` (its overflow siblings) or from the same
/// original: numbers the next sibling's name.
pub async fn family_size(
    tx: &mut Tx,
    brand: BrandId,
    root: CommunityId,
) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM communities WHERE brand_id = $1 AND (id = $2 OR overflow_of = $2)",
        &params![brand, root.get()],
    )
    .await?
    .get(0)
}

/// The original community and every sibling opened from it, oldest first, with their
/// member counts.
pub async fn family(
    tx: &mut Tx,
    brand: BrandId,
    root: CommunityId,
) -> Result<Vec<Community>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, members FROM {WITH_REGION}
         WHERE brand_id = $1 AND (id = $2 OR overflow_of = $2) ORDER BY id"
    );
    tx.query(&sql, &params![brand, root.get()])
        .await?
        .iter()
        .map(|r| {
            let mut c = community(r)?;
            c.members = r.get(13)?;
            Ok(c)
        })
        .collect()
}

/// How many communities a staff member runs (archived ones included: they keep an owner).
pub async fn count_owned(tx: &mut Tx, brand: BrandId, owner: StaffId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM communities WHERE brand_id = $1 AND owner_staff_id = $2",
        &params![brand, owner],
    )
    .await?
    .get(0)
}

/// Hands every community of `from` to `to`; returns how many.
pub async fn reassign_owner(
    tx: &mut Tx,
    brand: BrandId,
    from: StaffId,
    to: StaffId,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE communities SET owner_staff_id = $3, updated_at = $4
         WHERE brand_id = $1 AND owner_staff_id = $2",
        &params![brand, from, to, now],
    )
    .await
}

/// The community linked to this chat group of the platform, if any.
pub async fn id_by_chat_id(
    tx: &mut Tx,
    brand: BrandId,
    chat_id: &str,
) -> Result<Option<CommunityId>, StoreError> {
    tx.query_opt(
        "SELECT id FROM communities WHERE brand_id = $1 AND chat_id = $2",
        &params![brand, chat_id],
    )
    .await?
    .map(|r| Ok(CommunityId(r.get(0)?)))
    .transpose()
}
