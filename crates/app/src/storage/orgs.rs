//! SQL for brands (the tenants themselves).

use shequn_domain::{BrandId, Name, Slug};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct BrandRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    slug: &Slug,
    name: &Name,
    now: i64,
) -> Result<BrandRow, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO brands (slug, name, created_at) VALUES ($1, $2, $3)
         RETURNING id, slug, name, created_at")
        .bind(slug.as_str()).bind(name.as_str()).bind(now)
        .fetch_one(c).await)
}

pub async fn get(tx: &mut Tx, brand: BrandId) -> Result<Option<BrandRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as("SELECT id, slug, name, created_at FROM brands WHERE id = $1")
        .bind(brand.get()).fetch_optional(c).await)
}

pub async fn find_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<BrandRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as("SELECT id, slug, name, created_at FROM brands WHERE slug = $1")
        .bind(slug).fetch_optional(c).await)
}

/// The most brands an operator's listing shows.
pub const LIST_LIMIT: i64 = 10_000;

/// Brands, oldest first, at most [`LIST_LIMIT`]: an operator's listing.
pub async fn list(tx: &mut Tx) -> Result<Vec<BrandRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as("SELECT id, slug, name, created_at FROM brands ORDER BY id LIMIT $1")
        .bind(LIST_LIMIT).fetch_all(c).await)
}
