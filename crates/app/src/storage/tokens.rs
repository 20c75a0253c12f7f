//! SQL for API bearer tokens. Only the SHA-256 of a token is stored.

use shequn_domain::{BrandId, Cursor, PageSize, StaffId, TokenId};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub brand_id: i64,
    pub staff_id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    name: &str,
    hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<TokenRow, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO api_tokens (brand_id, staff_id, name, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, brand_id, staff_id, name, created_at, expires_at, revoked_at")
        .bind(brand.get()).bind(staff.get()).bind(name).bind(hash).bind(now).bind(expires_at)
        .fetch_one(c).await)
}

/// A live token: not revoked, not expired.
pub async fn find_live(tx: &mut Tx, hash: &str, now: i64) -> Result<Option<TokenRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, staff_id, name, created_at, expires_at, revoked_at FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(hash).bind(now).fetch_optional(c).await)
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id: TokenId,
) -> Result<Option<TokenRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, staff_id, name, created_at, expires_at, revoked_at FROM api_tokens
         WHERE brand_id = $1 AND staff_id = $2 AND id = $3")
        .bind(brand.get()).bind(staff.get()).bind(id.get()).fetch_optional(c).await)
}

pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    after: Cursor,
    limit: PageSize,
) -> Result<Vec<TokenRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, brand_id, staff_id, name, created_at, expires_at, revoked_at FROM api_tokens
         WHERE brand_id = $1 AND staff_id = $2 AND id > $3 ORDER BY id LIMIT $4")
        .bind(brand.get()).bind(staff.get()).bind(after.0).bind(i64::from(limit.get()))
        .fetch_all(c).await)
}

pub async fn revoke(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id: TokenId,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $4
         WHERE brand_id = $1 AND staff_id = $2 AND id = $3 AND revoked_at IS NULL")
        .bind(brand.get()).bind(staff.get()).bind(id.get()).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Revokes every live token of a staff member except `keep` (the one making the request).
pub async fn revoke_all_except(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    keep: Option<TokenId>,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3
         WHERE brand_id = $1 AND staff_id = $2 AND revoked_at IS NULL AND ($4 IS NULL OR id <> $4)")
        .bind(brand.get()).bind(staff.get()).bind(now).bind(keep.map(TokenId::get)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
