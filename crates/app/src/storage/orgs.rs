//! SQL for brands (the tenants themselves).

use shequn_domain::{Brand, BrandId, Name, Slug};

use super::db::Tx;
use super::sql::{Row, StoreError};

const COLUMNS: &str = "id, slug, name, created_at";

fn brand_row(r: &Row) -> Result<Brand, StoreError> {
    Ok(Brand {
        id: BrandId(r.get(0)?),
        slug: r.get(1)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
    })
}

pub async fn insert(tx: &mut Tx, slug: &Slug, name: &Name, now: i64) -> Result<Brand, StoreError> {
    let r = tx
        .query_one(
            "INSERT INTO brands (slug, name, created_at) VALUES ($1, $2, $3)
             RETURNING id, slug, name, created_at",
            &params![slug.as_str(), name.as_str(), now],
        )
        .await?;
    brand_row(&r)
}

pub async fn get(tx: &mut Tx, brand: BrandId) -> Result<Option<Brand>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM brands WHERE id = $1");
    tx.query_opt(&sql, &params![brand])
        .await?
        .as_ref()
        .map(brand_row)
        .transpose()
}

pub async fn find_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Brand>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM brands WHERE slug = $1");
    tx.query_opt(&sql, &params![slug])
        .await?
        .as_ref()
        .map(brand_row)
        .transpose()
}

/// The most brands an operator's listing shows.
pub const LIST_LIMIT: i64 = 10_000;

/// Brands, oldest first, at most [`LIST_LIMIT`]: an operator's listing.
pub async fn list(tx: &mut Tx) -> Result<Vec<Brand>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM brands ORDER BY id LIMIT $1");
    let rows = tx.query(&sql, &params![LIST_LIMIT]).await?;
    debug_assert!(
        rows.len() as i64 <= LIST_LIMIT,
        "more brands than the limit"
    );
    rows.iter().map(brand_row).collect()
}
