//! SQL for stores (门店).

use shequn_domain::{
    BrandId, Cursor, Name, PageSize, RegionId, SearchText, Store, StoreCode, StoreId,
};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};

const COLUMNS: &str = "id, region_id, code, name, address, active, created_at, updated_at";

fn store(r: &Row) -> Result<Store, StoreError> {
    Ok(Store {
        id: StoreId(r.get(0)?),
        region_id: RegionId(r.get(1)?),
        code: r.get(2)?,
        name: r.get(3)?,
        address: r.get(4)?,
        active: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
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
) -> Result<Store, StoreError> {
    let r = tx
        .query_one(
            "INSERT INTO stores (brand_id, region_id, code, name, address, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)
             RETURNING id, region_id, code, name, address, active, created_at, updated_at",
            &params![
                brand,
                s.region,
                s.code.as_str(),
                s.name.as_str(),
                s.address,
                now
            ],
        )
        .await?;
    store(&r)
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: StoreId) -> Result<Option<Store>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM stores WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(store)
        .transpose()
}

pub async fn find_by_code(
    tx: &mut Tx,
    brand: BrandId,
    code: &StoreCode,
) -> Result<Option<Store>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM stores WHERE brand_id = $1 AND code = $2");
    tx.query_opt(&sql, &params![brand, code.as_str()])
        .await?
        .as_ref()
        .map(store)
        .transpose()
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
) -> Result<(Vec<Store>, Option<i64>), StoreError> {
    // Codes are stored upper-case; names are matched as typed (Chinese has no case).
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, COUNT(*) OVER () AS listed FROM stores
           WHERE brand_id = $1
             AND ($3 IS NULL OR region_id = $3) AND ($4 IS NULL OR id = $4)
             AND ($6 IS NULL OR code LIKE UPPER($6) ESCAPE '\\' OR LOWER(name) LIKE LOWER($6) ESCAPE '\\')
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
                only,
                i64::from(limit.get()),
                pattern.as_deref()
            ],
        )
        .await?;
    debug_assert!(
        rows.len() <= limit.get() as usize,
        "a page longer than its size"
    );
    let total = take_total(&mut rows)?;
    Ok((rows.iter().map(store).collect::<Result<_, _>>()?, total))
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    row: &Store,
    now: i64,
) -> Result<Option<Store>, StoreError> {
    tx.query_opt(
        "UPDATE stores SET region_id = $3, code = $4, name = $5, address = $6, active = $7, updated_at = $8
         WHERE brand_id = $1 AND id = $2
         RETURNING id, region_id, code, name, address, active, created_at, updated_at",
        &params![
            brand,
            row.id,
            row.region_id,
            &row.code,
            &row.name,
            &row.address,
            row.active,
            now
        ],
    )
    .await?
    .as_ref()
    .map(store)
    .transpose()
}

pub async fn count_active(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    only: Option<StoreId>,
) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM stores WHERE brand_id = $1 AND active = TRUE
           AND ($2 IS NULL OR region_id = $2) AND ($3 IS NULL OR id = $3)",
        &params![brand, region, only],
    )
    .await?
    .get(0)
}
