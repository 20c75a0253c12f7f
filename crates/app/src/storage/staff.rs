//! SQL for staff members. Store staff carry `store_id`; their region is the store's, read
//! through a join so that moving a store moves its staff's scope with it.
//!
//! The read model ([`StaffMember`]) carries no credentials: the password hash is read only
//! by [`find_by_email`] (login) and [`password_hash`] (password change).

use shequn_domain::{
    BrandId, Cursor, Email, PageSize, RegionId, Role, SearchText, StaffId, StaffMember, StoreId,
};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};

/// The columns [`member`] decodes, in its order; `s` is staff, `st` the joined store.
const COLUMNS: &str = "s.id, s.brand_id, s.email, s.display_name, s.role, s.region_id, \
     s.store_id, st.region_id AS store_region_id, s.active, s.created_at, s.updated_at";

/// Staff joined with their store (for the store's region).
const FROM: &str =
    "FROM staff s LEFT JOIN stores st ON st.brand_id = s.brand_id AND st.id = s.store_id";

fn member(r: &Row) -> Result<StaffMember, StoreError> {
    let role: String = r.get(4)?;
    let role =
        Role::parse("role", &role).map_err(|e| StoreError::Decode(format!("staff role: {e}")))?;
    Ok(StaffMember {
        id: StaffId(r.get(0)?),
        brand_id: BrandId(r.get(1)?),
        email: r.get(2)?,
        display_name: r.get(3)?,
        role,
        region_id: r.get::<Option<i64>>(5)?.map(RegionId),
        store_id: r.get::<Option<i64>>(6)?.map(StoreId),
        store_region_id: r.get::<Option<i64>>(7)?.map(RegionId),
        active: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub struct NewStaff<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub role: Role,
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub password_hash: &'a str,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    s: &NewStaff<'_>,
    now: i64,
) -> Result<StaffId, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO staff (brand_id, email, display_name, role, region_id, store_id, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id",
            &params![
                brand,
                s.email.as_str(),
                s.display_name,
                s.role.as_str(),
                s.region,
                s.store,
                s.password_hash,
                now
            ],
        )
        .await?
        .get(0)?;
    Ok(StaffId(id))
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
) -> Result<Option<StaffMember>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.brand_id = $1 AND s.id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(member)
        .transpose()
}

/// The stored argon2 hash (PHC string) of staff member `id`, for a password change.
pub async fn password_hash(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
) -> Result<Option<String>, StoreError> {
    tx.query_opt(
        "SELECT password_hash FROM staff WHERE brand_id = $1 AND id = $2",
        &params![brand, id],
    )
    .await?
    .map(|r| r.get::<String>(0))
    .transpose()
}

/// The most accounts one email may have across brands that login will consider.
pub const MAX_ACCOUNTS_PER_EMAIL: i64 = 20;

/// Login looks staff up by email across brands (an email is one account per brand),
/// optionally within the brand with this slug. Each account comes with its password hash.
pub async fn find_by_email(
    tx: &mut Tx,
    email: &Email,
    brand_slug: Option<&str>,
) -> Result<Vec<(StaffMember, String)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, s.password_hash {FROM}
         WHERE s.email = $1
           AND ($2 IS NULL OR s.brand_id = (SELECT b.id FROM brands b WHERE b.slug = $2))
         ORDER BY s.id LIMIT $3"
    );
    tx.query(
        &sql,
        &params![email.as_str(), brand_slug, MAX_ACCOUNTS_PER_EMAIL],
    )
    .await?
    .iter()
    .map(|r| -> Result<(StaffMember, String), StoreError> {
        Ok((member(r)?, r.get::<String>(11)?))
    })
    .collect()
}

/// Staff after `after` in id order. `region` keeps region managers of that region and staff
/// of its stores; `store` keeps staff of one store.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    store: Option<StoreId>,
    search: Option<&SearchText>,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<StaffMember>, Option<i64>), StoreError> {
    // Emails are stored lower-case; names are matched as typed.
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, COUNT(*) OVER () AS listed {FROM}
           WHERE s.brand_id = $1
             AND ($3 IS NULL OR s.region_id = $3 OR st.region_id = $3)
             AND ($4 IS NULL OR s.store_id = $4)
             AND ($6 IS NULL OR s.email LIKE LOWER($6) ESCAPE '\\' OR LOWER(s.display_name) LIKE LOWER($6) ESCAPE '\\')
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $5"
    );
    let pattern = search.map(SearchText::like_pattern);
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                after.0,
                region,
                store,
                i64::from(limit.get()),
                pattern.as_deref()
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    Ok((rows.iter().map(member).collect::<Result<_, _>>()?, total))
}

pub struct StaffChange<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub active: bool,
}

/// Whether the member existed and was changed.
pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
    ch: &StaffChange<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE staff SET display_name = $3, role = $4, region_id = $5, store_id = $6, active = $7, updated_at = $8
             WHERE brand_id = $1 AND id = $2",
            &params![
                brand,
                id,
                ch.display_name,
                ch.role.as_str(),
                ch.region,
                ch.store,
                ch.active,
                now
            ],
        )
        .await?;
    Ok(n == 1)
}

pub async fn set_password(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
    hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE staff SET password_hash = $3, updated_at = $4 WHERE brand_id = $1 AND id = $2",
        &params![brand, id, hash, now],
    )
    .await?;
    Ok(())
}

pub async fn count_active(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    store: Option<StoreId>,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) {FROM}
         WHERE s.brand_id = $1 AND s.active = TRUE
           AND ($2 IS NULL OR s.region_id = $2 OR st.region_id = $2)
           AND ($3 IS NULL OR s.store_id = $3)"
    );
    tx.query_one(&sql, &params![brand, region, store])
        .await?
        .get(0)
}
