//! SQL for web console sessions. Rows are keyed by the SHA-256 of the session id.

use shequn_domain::{BrandId, StaffId};

use super::db::Tx;
use super::sql::{Row, StoreError};

/// A stored session (the id itself is never stored, only its hash).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub brand_id: BrandId,
    pub staff_id: StaffId,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

fn session(r: &Row) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        brand_id: BrandId(r.get(0)?),
        staff_id: StaffId(r.get(1)?),
        csrf_token: r.get(2)?,
        created_at: r.get(3)?,
        last_seen_at: r.get(4)?,
    })
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id_hash: &str,
    csrf: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sessions (brand_id, id_hash, staff_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
        &params![brand, id_hash, staff, csrf, now],
    )
    .await?;
    Ok(())
}

pub async fn find(tx: &mut Tx, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    tx.query_opt(
        "SELECT brand_id, staff_id, csrf_token, created_at, last_seen_at
         FROM sessions WHERE id_hash = $1",
        &params![id_hash],
    )
    .await?
    .as_ref()
    .map(session)
    .transpose()
}

pub async fn touch(tx: &mut Tx, id_hash: &str, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
        &params![id_hash, now],
    )
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM sessions WHERE id_hash = $1", &params![id_hash])
        .await?;
    Ok(())
}

pub async fn delete_for_staff(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sessions WHERE brand_id = $1 AND staff_id = $2",
        &params![brand, staff],
    )
    .await?;
    Ok(())
}

/// Removes sessions idle since before `cutoff`; returns how many.
pub async fn delete_idle(tx: &mut Tx, cutoff: i64) -> Result<u64, StoreError> {
    tx.execute(
        "DELETE FROM sessions WHERE last_seen_at < $1",
        &params![cutoff],
    )
    .await
}
