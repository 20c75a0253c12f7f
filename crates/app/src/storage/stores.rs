//! SQL for stores (门店).

use shequn_domain::{BrandId, Cursor, Name, PageSize, RegionId, SearchText, StoreCode, StoreId};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct StoreRow {
    pub id: i64,
    pub brand_id: i64,
    pub region_id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewStore<'a> {
    pub region: RegionId,
    pub code: &'a StoreCode,
    pub name: &'a Name,
    pub address: &'a str,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    s: &NewStore<'_>,
    now: i64,
) -> Result<StoreRow, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO stores (brand_id, region_id, code, name, address, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)
         RETURNING id, brand_id, region_id, code, name, address, active, created_at, updated_at")
        .bind(brand.get()).bind(s.region.get()).bind(s.code.as_str()).bind(s.name.as_str())
        .bind(s.address).bind(now)
        .fetch_one(c).await)
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: StoreId,
) -> Result<Option<StoreRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, region_id, code, name, address, active, created_at, updated_at
         FROM stores WHERE brand_id = $1 AND id = $2")
        .bind(brand.get()).bind(id.get())
        .fetch_optional(c).await)
}

pub async fn find_by_code(
    tx: &mut Tx,
    brand: BrandId,
    code: &StoreCode,
) -> Result<Option<StoreRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, region_id, code, name, address, active, created_at, updated_at
         FROM stores WHERE brand_id = $1 AND code = $2")
        .bind(brand.get()).bind(code.as_str())
        .fetch_optional(c).await)
}

/// Stores after `after` in id order, narrowed to a region and/or a single store.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    only: Option<StoreId>,
    search: Option<&SearchText>,
    after: Cursor,
    limit: PageSize,
) -> Result<Vec<StoreRow>, sqlx::Error> {
    // Codes are stored upper-case; names are matched as typed (Chinese has no case).
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, region_id, code, name, address, active, created_at, updated_at
         FROM stores
         WHERE brand_id = $1 AND id > $2
           AND ($3 IS NULL OR region_id = $3) AND ($4 IS NULL OR id = $4)
           AND ($6 IS NULL OR code LIKE UPPER($6) ESCAPE '\\' OR LOWER(name) LIKE LOWER($6) ESCAPE '\\')
         ORDER BY id LIMIT $5")
        .bind(brand.get()).bind(after.0).bind(region.map(RegionId::get))
        .bind(only.map(StoreId::get)).bind(i64::from(limit.get()))
        .bind(search.map(SearchText::like_pattern))
        .fetch_all(c).await)
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    row: &StoreRow,
    now: i64,
) -> Result<Option<StoreRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "UPDATE stores SET region_id = $3, code = $4, name = $5, address = $6, active = $7, updated_at = $8
         WHERE brand_id = $1 AND id = $2
         RETURNING id, brand_id, region_id, code, name, address, active, created_at, updated_at")
        .bind(brand.get()).bind(row.id).bind(row.region_id).bind(&row.code).bind(&row.name)
        .bind(&row.address).bind(row.active).bind(now)
        .fetch_optional(c).await)
}

pub async fn count_active(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    only: Option<StoreId>,
) -> Result<i64, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM stores WHERE brand_id = $1 AND active = TRUE
           AND ($2 IS NULL OR region_id = $2) AND ($3 IS NULL OR id = $3)")
        .bind(brand.get()).bind(region.map(RegionId::get)).bind(only.map(StoreId::get))
        .fetch_one(c).await)
}
