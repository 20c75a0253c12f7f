//! SQL for Idempotency-Key records, scoped by brand and caller.

use shequn_domain::BrandId;
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct IdempotencyRow {
    pub request_hash: String,
    pub status: Option<i64>,
    pub response: Option<String>,
    pub created_at: i64,
}

/// Claims the key; false when a record for it already exists.
pub async fn claim(
    tx: &mut Tx,
    brand: BrandId,
    caller: &str,
    key: &str,
    hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = on_tx!(tx, c => sqlx::query(
        "INSERT INTO idempotency_keys (brand_id, caller, key, request_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        .bind(brand.get()).bind(caller).bind(key).bind(hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r == 1)
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    caller: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT request_hash, status, response, created_at FROM idempotency_keys
         WHERE brand_id = $1 AND caller = $2 AND key = $3")
        .bind(brand.get()).bind(caller).bind(key).fetch_optional(c).await)
}

/// Takes over a claim whose request died without completing (older than `stale_before`).
pub async fn reclaim_stale(
    tx: &mut Tx,
    brand: BrandId,
    caller: &str,
    key: &str,
    hash: &str,
    now: i64,
    stale_before: i64,
) -> Result<bool, sqlx::Error> {
    let r = on_tx!(tx, c => sqlx::query(
        "UPDATE idempotency_keys SET request_hash = $4, created_at = $5
         WHERE brand_id = $1 AND caller = $2 AND key = $3 AND status IS NULL AND created_at < $6")
        .bind(brand.get()).bind(caller).bind(key).bind(hash).bind(now).bind(stale_before).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r == 1)
}

pub async fn complete(
    tx: &mut Tx,
    brand: BrandId,
    caller: &str,
    key: &str,
    status: u16,
    response: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE idempotency_keys SET status = $4, response = $5
         WHERE brand_id = $1 AND caller = $2 AND key = $3")
        .bind(brand.get()).bind(caller).bind(key).bind(i64::from(status)).bind(response).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets a claim whose request could not produce a response (so a retry may run).
pub async fn release(
    tx: &mut Tx,
    brand: BrandId,
    caller: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "DELETE FROM idempotency_keys WHERE brand_id = $1 AND caller = $2 AND key = $3 AND status IS NULL")
        .bind(brand.get()).bind(caller).bind(key).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn purge_older_than(tx: &mut Tx, cutoff: i64) -> Result<u64, sqlx::Error> {
    let r = on_tx!(tx, c => sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(cutoff).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r)
}
