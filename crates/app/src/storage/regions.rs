//! SQL for regions (大区).

use shequn_domain::{BrandId, Cursor, Name, PageSize, RegionId};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct RegionRow {
    pub id: i64,
    pub brand_id: i64,
    pub name: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    name: &Name,
    now: i64,
) -> Result<RegionRow, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO regions (brand_id, name, active, created_at, updated_at)
         VALUES ($1, $2, TRUE, $3, $3)
         RETURNING id, brand_id, name, active, created_at, updated_at")
        .bind(brand.get()).bind(name.as_str()).bind(now)
        .fetch_one(c).await)
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    id: RegionId,
) -> Result<Option<RegionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, name, active, created_at, updated_at
         FROM regions WHERE brand_id = $1 AND id = $2")
        .bind(brand.get()).bind(id.get())
        .fetch_optional(c).await)
}

/// Regions of the brand after `after`, in id order; `only` narrows to one region.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    only: Option<RegionId>,
    after: Cursor,
    limit: PageSize,
) -> Result<Vec<RegionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, name, active, created_at, updated_at
         FROM regions
         WHERE brand_id = $1 AND id > $2 AND ($3 IS NULL OR id = $3)
         ORDER BY id LIMIT $4")
        .bind(brand.get()).bind(after.0).bind(only.map(RegionId::get)).bind(i64::from(limit.get()))
        .fetch_all(c).await)
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    id: RegionId,
    name: &str,
    active: bool,
    now: i64,
) -> Result<Option<RegionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "UPDATE regions SET name = $3, active = $4, updated_at = $5
         WHERE brand_id = $1 AND id = $2
         RETURNING id, brand_id, name, active, created_at, updated_at")
        .bind(brand.get()).bind(id.get()).bind(name).bind(active).bind(now)
        .fetch_optional(c).await)
}

pub async fn count_active(tx: &mut Tx, brand: BrandId) -> Result<i64, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM regions WHERE brand_id = $1 AND active = TRUE")
        .bind(brand.get()).fetch_one(c).await)
}

pub async fn find_by_name(
    tx: &mut Tx,
    brand: BrandId,
    name: &Name,
) -> Result<Option<RegionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, name, active, created_at, updated_at
         FROM regions WHERE brand_id = $1 AND name = $2")
        .bind(brand.get()).bind(name.as_str())
        .fetch_optional(c).await)
}
