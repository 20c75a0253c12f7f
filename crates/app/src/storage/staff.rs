//! SQL for staff members. Store staff carry `store_id`; their region is the store's, read
//! through a join so that moving a store moves its staff's scope with it.

use shequn_domain::{
    BrandId, Cursor, Email, PageSize, RegionId, Role, SearchText, StaffId, StoreId,
};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub brand_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub region_id: Option<i64>,
    pub store_id: Option<i64>,
    /// The region of `store_id`, joined in.
    pub store_region_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str =
    "SELECT s.id, s.brand_id, s.email, s.display_name, s.role, s.region_id, s.store_id,
        st.region_id AS store_region_id, s.password_hash, s.active, s.created_at, s.updated_at
     FROM staff s LEFT JOIN stores st ON st.brand_id = s.brand_id AND st.id = s.store_id";

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
) -> Result<StaffId, sqlx::Error> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO staff (brand_id, email, display_name, role, region_id, store_id, password_hash, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id")
        .bind(brand.get()).bind(s.email.as_str()).bind(s.display_name).bind(s.role.as_str())
        .bind(s.region.map(RegionId::get)).bind(s.store.map(StoreId::get)).bind(s.password_hash).bind(now)
        .fetch_one(c).await)?;
    Ok(StaffId(id))
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
) -> Result<Option<StaffRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.brand_id = $1 AND s.id = $2");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(brand.get()).bind(id.get())
        .fetch_optional(c).await)
}

/// The most accounts one email may have across brands that login will consider.
pub const MAX_ACCOUNTS_PER_EMAIL: i64 = 20;

/// Login looks staff up by email across brands (an email is one account per brand),
/// optionally within the brand with this slug.
pub async fn find_by_email(
    tx: &mut Tx,
    email: &Email,
    brand_slug: Option<&str>,
) -> Result<Vec<StaffRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE s.email = $1
           AND ($2 IS NULL OR s.brand_id = (SELECT b.id FROM brands b WHERE b.slug = $2))
         ORDER BY s.id LIMIT $3"
    );
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email.as_str()).bind(brand_slug)
        .bind(MAX_ACCOUNTS_PER_EMAIL).fetch_all(c).await)
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
) -> Result<Vec<StaffRow>, sqlx::Error> {
    // Emails are stored lower-case; names are matched as typed.
    let sql = format!(
        "{SELECT} WHERE s.brand_id = $1 AND s.id > $2
           AND ($3 IS NULL OR s.region_id = $3 OR st.region_id = $3)
           AND ($4 IS NULL OR s.store_id = $4)
           AND ($6 IS NULL OR s.email LIKE LOWER($6) ESCAPE '\\' OR LOWER(s.display_name) LIKE LOWER($6) ESCAPE '\\')
         ORDER BY s.id LIMIT $5"
    );
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(brand.get()).bind(after.0).bind(region.map(RegionId::get))
        .bind(store.map(StoreId::get)).bind(i64::from(limit.get()))
        .bind(search.map(SearchText::like_pattern))
        .fetch_all(c).await)
}

pub struct StaffChange<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub active: bool,
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
    ch: &StaffChange<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = on_tx!(tx, c => sqlx::query(
        "UPDATE staff SET display_name = $3, role = $4, region_id = $5, store_id = $6, active = $7, updated_at = $8
         WHERE brand_id = $1 AND id = $2")
        .bind(brand.get()).bind(id.get()).bind(ch.display_name).bind(ch.role.as_str())
        .bind(ch.region.map(RegionId::get)).bind(ch.store.map(StoreId::get)).bind(ch.active).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r == 1)
}

pub async fn set_password(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
    hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE staff SET password_hash = $3, updated_at = $4 WHERE brand_id = $1 AND id = $2")
        .bind(brand.get()).bind(id.get()).bind(hash).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count_active(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    store: Option<StoreId>,
) -> Result<i64, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff s LEFT JOIN stores st ON st.brand_id = s.brand_id AND st.id = s.store_id
         WHERE s.brand_id = $1 AND s.active = TRUE
           AND ($2 IS NULL OR s.region_id = $2 OR st.region_id = $2)
           AND ($3 IS NULL OR s.store_id = $3)")
        .bind(brand.get()).bind(region.map(RegionId::get)).bind(store.map(StoreId::get))
        .fetch_one(c).await)
}
