//! API bearer tokens: issue, list, revoke, authenticate.

use shequn_domain::{Actor, BrandId, Cursor, Name, PageSize, StaffId, TokenId};

use crate::clock::now_ms;
use crate::secrets::{hash_secret, random_secret};
use crate::storage::audit;
use crate::storage::staff::StaffRow;
use crate::storage::tokens::{self, TokenRow};
use crate::usecases::event;
use crate::usecases::{Page, actor};
use crate::{AppError, Db};
use serde_json::json;
use shequn_domain::AuditAction;

pub const TOKEN_PREFIX: &str = "shq_";
pub const MAX_TTL_DAYS: i64 = 365;
pub const DEFAULT_TTL_DAYS: i64 = 90;
/// Tokens handed out by `POST /api/v1/auth/login` live one day.
/// The name of tokens handed out by login (and ended by logout); not audited.
pub const LOGIN_TOKEN_NAME: &str = "login";
pub const LOGIN_TOKEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Issues a token for the actor; the plain token is returned once and never stored.
pub async fn issue(
    db: &Db,
    actor: &Actor,
    name: &str,
    ttl_days: Option<i64>,
) -> Result<(String, TokenRow), AppError> {
    let name = Name::parse("name", name)?;
    let days = ttl_days.unwrap_or(DEFAULT_TTL_DAYS);
    if !(1..=MAX_TTL_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "expires_in_days",
            format!("must be between 1 and {MAX_TTL_DAYS}, got {days}"),
        ));
    }
    insert(
        db,
        actor.brand,
        actor.staff,
        name.as_str(),
        days * DAY_MS,
        Some(actor),
    )
    .await
}

/// The short-lived token a successful API login returns.
pub async fn issue_for_login(db: &Db, staff: &StaffRow) -> Result<(String, TokenRow), AppError> {
    insert(
        db,
        BrandId(staff.brand_id),
        StaffId(staff.id),
        LOGIN_TOKEN_NAME,
        LOGIN_TOKEN_TTL_MS,
        // A sign-in is not a change to the organisation: not in the operation log.
        None,
    )
    .await
}

/// Inserts a token; with `audited_by`, records the creation in the same transaction.
async fn insert(
    db: &Db,
    brand: BrandId,
    staff: StaffId,
    name: &str,
    ttl_ms: i64,
    audited_by: Option<&Actor>,
) -> Result<(String, TokenRow), AppError> {
    let plain = random_secret(TOKEN_PREFIX);
    let now = now_ms();
    let mut tx = db.write().await?;
    let row = tokens::insert(
        &mut tx,
        brand,
        staff,
        name,
        &hash_secret(&plain),
        now,
        now + ttl_ms,
    )
    .await?;
    if let Some(actor) = audited_by {
        let detail = json!({ "name": row.name });
        let e = event(
            actor,
            AuditAction::TokenCreated,
            row.id,
            actor.placement,
            detail,
        );
        audit::record(&mut tx, brand, &e, now).await?;
    }
    tx.commit().await?;
    Ok((plain, row))
}

/// The actor behind a bearer token, if it is live and its staff member active.
pub async fn authenticate(db: &Db, plain: &str) -> Result<Option<(Actor, TokenId)>, AppError> {
    if !plain.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let mut tx = db.read().await?;
    let Some(t) = tokens::find_live(&mut tx, &hash_secret(plain), now_ms()).await? else {
        return Ok(None);
    };
    let loaded = actor::load(&mut tx, BrandId(t.brand_id), StaffId(t.staff_id)).await?;
    tx.commit().await?;
    Ok(loaded.map(|(a, _)| (a, TokenId(t.id))))
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    after: Cursor,
    size: PageSize,
) -> Result<Page<TokenRow>, AppError> {
    let mut tx = db.read().await?;
    let rows = tokens::list(&mut tx, actor.brand, actor.staff, after, size).await?;
    tx.commit().await?;
    Ok(Page::from_rows(rows, size, |r| r.id))
}

/// Revokes one of the actor's own tokens; someone else's token is "not found".
pub async fn revoke(db: &Db, actor: &Actor, id: TokenId) -> Result<TokenRow, AppError> {
    let mut tx = db.write().await?;
    tokens::get(&mut tx, actor.brand, actor.staff, id)
        .await?
        .ok_or(AppError::NotFound("token"))?;
    let now = now_ms();
    tokens::revoke(&mut tx, actor.brand, actor.staff, id, now).await?;
    let row = tokens::get(&mut tx, actor.brand, actor.staff, id)
        .await?
        .ok_or(AppError::NotFound("token"))?;
    if row.name != LOGIN_TOKEN_NAME {
        let detail = json!({ "name": row.name });
        let e = event(
            actor,
            AuditAction::TokenRevoked,
            row.id,
            actor.placement,
            detail,
        );
        audit::record(&mut tx, actor.brand, &e, now).await?;
    }
    tx.commit().await?;
    Ok(row)
}
