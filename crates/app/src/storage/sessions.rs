//! SQL for web console sessions. Rows are keyed by the SHA-256 of the session id.

use shequn_domain::{BrandId, StaffId};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub brand_id: i64,
    pub staff_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id_hash: &str,
    csrf: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (brand_id, id_hash, staff_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(brand.get()).bind(id_hash).bind(staff.get()).bind(csrf).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn find(tx: &mut Tx, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT brand_id, staff_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1")
        .bind(id_hash).fetch_optional(c).await)
}

pub async fn touch(tx: &mut Tx, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
        .bind(id_hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_for_staff(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE brand_id = $1 AND staff_id = $2")
        .bind(brand.get()).bind(staff.get()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes sessions idle since before `cutoff`; returns how many.
pub async fn delete_idle(tx: &mut Tx, cutoff: i64) -> Result<u64, sqlx::Error> {
    let r = on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(cutoff).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r)
}
