//! SQL for segments (filters stored as JSON) and the brand's lifecycle thresholds.

use shequn_domain::{BrandId, LifecycleThresholds, Segment, SegmentDraft};

use super::db::Tx;
use super::sql::{Row, StoreError};

const COLUMNS: &str = "id, name, filter, created_at, updated_at";

fn segment(r: &Row) -> Result<Segment, StoreError> {
    let filter: String = r.get(2)?;
    Ok(Segment {
        id: r.get(0)?,
        name: r.get(1)?,
        filter: serde_json::from_str(&filter).map_err(|e| StoreError::Decode(e.to_string()))?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

pub async fn list(tx: &mut Tx, brand: BrandId) -> Result<Vec<Segment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM segments WHERE brand_id = $1 ORDER BY id");
    tx.query(&sql, &params![brand])
        .await?
        .iter()
        .map(segment)
        .collect()
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<Segment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM segments WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(segment)
        .transpose()
}

pub async fn name_taken(
    tx: &mut Tx,
    brand: BrandId,
    name: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM segments WHERE brand_id = $1 AND name = $2 AND ($3 IS NULL OR id <> $3)",
            &params![brand, name, except],
        )
        .await?
        .is_some())
}

fn filter_json(d: &SegmentDraft) -> Result<String, StoreError> {
    serde_json::to_string(&d.filter).map_err(|e| StoreError::Decode(e.to_string()))
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    d: &SegmentDraft,
    now: i64,
) -> Result<Segment, StoreError> {
    let sql = format!(
        "INSERT INTO segments (brand_id, name, filter, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
    );
    let filter = filter_json(d)?;
    segment(
        &tx.query_one(&sql, &params![brand, d.name.as_str(), filter.as_str(), now])
            .await?,
    )
}

pub async fn update(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    d: &SegmentDraft,
    now: i64,
) -> Result<Option<Segment>, StoreError> {
    let sql = format!(
        "UPDATE segments SET name = $3, filter = $4, updated_at = $5
         WHERE brand_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    let filter = filter_json(d)?;
    tx.query_opt(
        &sql,
        &params![brand, id, d.name.as_str(), filter.as_str(), now],
    )
    .await?
    .as_ref()
    .map(segment)
    .transpose()
}

pub async fn delete(tx: &mut Tx, brand: BrandId, id: i64) -> Result<u64, StoreError> {
    tx.execute(
        "DELETE FROM segments WHERE brand_id = $1 AND id = $2",
        &params![brand, id],
    )
    .await
}

/// The brand's lifecycle thresholds; the defaults when it set none.
pub async fn thresholds(tx: &mut Tx, brand: BrandId) -> Result<LifecycleThresholds, StoreError> {
    let row = tx
        .query_opt(
            "SELECT new_days, active_days, churned_days FROM lifecycle_thresholds WHERE brand_id = $1",
            &params![brand],
        )
        .await?;
    Ok(match row {
        Some(r) => LifecycleThresholds {
            new_days: r.get(0)?,
            active_days: r.get(1)?,
            churned_days: r.get(2)?,
        },
        None => LifecycleThresholds::default(),
    })
}

pub async fn set_thresholds(
    tx: &mut Tx,
    brand: BrandId,
    t: &LifecycleThresholds,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO lifecycle_thresholds (brand_id, new_days, active_days, churned_days, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (brand_id) DO UPDATE SET new_days = excluded.new_days,
             active_days = excluded.active_days, churned_days = excluded.churned_days,
             updated_at = excluded.updated_at",
        &params![brand, t.new_days, t.active_days, t.churned_days, now],
    )
    .await?;
    Ok(())
}
