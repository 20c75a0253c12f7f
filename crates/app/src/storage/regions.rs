//! SQL for regions (大区).

use shequn_domain::{BrandId, Cursor, Name, PageSize, Region, RegionId};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};

const COLUMNS: &str = "id, name, active, created_at, updated_at";

fn region(r: &Row) -> Result<Region, StoreError> {
    Ok(Region {
        id: RegionId(r.get(0)?),
        name: r.get(1)?,
        active: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    name: &Name,
    now: i64,
) -> Result<Region, StoreError> {
    let r = tx
        .query_one(
            "INSERT INTO regions (brand_id, name, active, created_at, updated_at)
             VALUES ($1, $2, TRUE, $3, $3)
             RETURNING id, name, active, created_at, updated_at",
            &params![brand, name.as_str(), now],
        )
        .await?;
    region(&r)
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: RegionId) -> Result<Option<Region>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM regions WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(region)
        .transpose()
}

/// Regions of the brand after `after`, in id order; `only` narrows to one region. Also
/// the number of regions matching, over all pages (None for an empty page).
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    only: Option<RegionId>,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<Region>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, COUNT(*) OVER () AS listed FROM regions
           WHERE brand_id = $1 AND ($3 IS NULL OR id = $3)
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $4"
    );
    let mut rows = tx
        .query(&sql, &params![brand, after.0, only, i64::from(limit.get())])
        .await?;
    let total = take_total(&mut rows)?;
    Ok((rows.iter().map(region).collect::<Result<_, _>>()?, total))
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    id: RegionId,
    name: &str,
    active: bool,
    now: i64,
) -> Result<Option<Region>, StoreError> {
    tx.query_opt(
        "UPDATE regions SET name = $3, active = $4, updated_at = $5
         WHERE brand_id = $1 AND id = $2
         RETURNING id, name, active, created_at, updated_at",
        &params![brand, id, name, active, now],
    )
    .await?
    .as_ref()
    .map(region)
    .transpose()
}

pub async fn count_active(tx: &mut Tx, brand: BrandId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM regions WHERE brand_id = $1 AND active = TRUE",
        &params![brand],
    )
    .await?
    .get(0)
}

pub async fn find_by_name(
    tx: &mut Tx,
    brand: BrandId,
    name: &Name,
) -> Result<Option<Region>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM regions WHERE brand_id = $1 AND name = $2");
    tx.query_opt(&sql, &params![brand, name.as_str()])
        .await?
        .as_ref()
        .map(region)
        .transpose()
}
