//! SQL for API bearer tokens. Only the SHA-256 of a token is stored.

use shequn_domain::{ApiToken, BrandId, Cursor, PageSize, StaffId, TokenId};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};

/// The columns [`token`] decodes, in its order.
const COLUMNS: &str = "id, staff_id, name, created_at, expires_at, revoked_at, prefix";

fn token(r: &Row) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: TokenId(r.get(0)?),
        staff_id: StaffId(r.get(1)?),
        name: r.get(2)?,
        created_at: r.get(3)?,
        expires_at: r.get(4)?,
        revoked_at: r.get(5)?,
        prefix: r.get(6)?,
    })
}

/// A token to store: its SHA-256, never the token itself.
pub struct NewToken<'a> {
    pub staff: StaffId,
    pub name: &'a str,
    pub hash: &'a str,
    /// The first characters, kept readable (see `usecases::tokens`).
    pub prefix: &'a str,
    pub expires_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    t: &NewToken<'_>,
    now: i64,
) -> Result<ApiToken, StoreError> {
    let sql = format!(
        "INSERT INTO api_tokens (brand_id, staff_id, name, token_hash, prefix, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING {COLUMNS}"
    );
    let r = tx
        .query_one(
            &sql,
            &params![brand, t.staff, t.name, t.hash, t.prefix, now, t.expires_at],
        )
        .await?;
    token(&r)
}

/// A live token (not revoked, not expired) and its brand: the bearer lookup.
pub async fn find_live(
    tx: &mut Tx,
    hash: &str,
    now: i64,
) -> Result<Option<(BrandId, ApiToken)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, brand_id FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"
    );
    tx.query_opt(&sql, &params![hash, now])
        .await?
        .as_ref()
        .map(|r| -> Result<(BrandId, ApiToken), StoreError> { Ok((BrandId(r.get(7)?), token(r)?)) })
        .transpose()
}

pub async fn get(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id: TokenId,
) -> Result<Option<ApiToken>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE brand_id = $1 AND staff_id = $2 AND id = $3"
    );
    tx.query_opt(&sql, &params![brand, staff, id])
        .await?
        .as_ref()
        .map(token)
        .transpose()
}

pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<ApiToken>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, COUNT(*) OVER () AS listed FROM api_tokens
           WHERE brand_id = $1 AND staff_id = $2
         ) AS matching WHERE id > $3 ORDER BY id LIMIT $4"
    );
    let mut rows = tx
        .query(
            &sql,
            &params![brand, staff, after.0, i64::from(limit.get())],
        )
        .await?;
    let total = take_total(&mut rows)?;
    Ok((rows.iter().map(token).collect::<Result<_, _>>()?, total))
}

pub async fn revoke(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id: TokenId,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE api_tokens SET revoked_at = $4
         WHERE brand_id = $1 AND staff_id = $2 AND id = $3 AND revoked_at IS NULL",
        &params![brand, staff, id, now],
    )
    .await?;
    Ok(())
}

/// Revokes every live token of a staff member except `keep` (the one making the request).
pub async fn revoke_all_except(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    keep: Option<TokenId>,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE api_tokens SET revoked_at = $3
         WHERE brand_id = $1 AND staff_id = $2 AND revoked_at IS NULL AND ($4 IS NULL OR id <> $4)",
        &params![brand, staff, now, keep],
    )
    .await?;
    Ok(())
}
