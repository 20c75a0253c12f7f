//! API bearer tokens: issue, list, revoke, authenticate.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shequn_domain::{
    Actor, ApiToken, AuditAction, BrandId, Cursor, Name, PageSize, Reason, StaffId, StaffMember,
    TokenId,
};

use crate::clock::now_ms;
use crate::secrets::{hash_secret, random_secret};
use crate::storage::tokens::NewToken;
use crate::storage::{audit, tokens};
use crate::usecases::{Page, actor, event};
use crate::{AppError, Db};

pub const TOKEN_PREFIX: &str = "shq_";
/// How much of a token stays readable in lists: `shq_` and 8 of its random characters
/// (48 of 256 bits), enough to tell tokens apart, far too few to guess the rest.
const SHOWN_PREFIX_CHARS: usize = TOKEN_PREFIX.len() + 8;
pub const MAX_TTL_DAYS: i64 = 365;
pub const DEFAULT_TTL_DAYS: i64 = 90;
/// The name of tokens handed out by login (and ended by logout); not audited.
pub const LOGIN_TOKEN_NAME: &str = "login";
/// Tokens handed out by `POST /api/v1/auth/login` live one day.
pub const LOGIN_TOKEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A newly issued token. The plain secret is in memory only: it is never serialized, so
/// the stored result of an idempotent create (see [`crate::idempotency`]) does not hold
/// it, and a replay gets `secret: None` with the same token's details.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedToken {
    #[serde(skip_serializing, default)]
    pub secret: Option<String>,
    pub token: ApiToken,
}

/// Issues a token for the actor; the plain token is returned once and never stored.
#[tracing::instrument(skip(db, name), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn issue(
    db: &Db,
    actor: &Actor,
    name: &str,
    ttl_days: Option<i64>,
) -> Result<IssuedToken, AppError> {
    let name = Name::parse("name", name)?;
    let days = ttl_days.unwrap_or(DEFAULT_TTL_DAYS);
    if !(1..=MAX_TTL_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "expires_in_days",
            Reason::OutOfRange {
                min: 1,
                max: MAX_TTL_DAYS,
            },
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
#[tracing::instrument(skip_all, fields(brand = %staff.brand_id, staff = %staff.id))]
pub async fn issue_for_login(db: &Db, staff: &StaffMember) -> Result<IssuedToken, AppError> {
    insert(
        db,
        staff.brand_id,
        staff.id,
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
) -> Result<IssuedToken, AppError> {
    let plain = random_secret(TOKEN_PREFIX);
    let hash = hash_secret(&plain);
    let prefix: String = plain.chars().take(SHOWN_PREFIX_CHARS).collect();
    let now = now_ms();
    let name = name.to_owned();
    let audited_by = audited_by.copied();
    debug_assert!(audited_by.is_none_or(|a| a.brand == brand && a.staff == staff));
    db.write(move |tx| {
        Box::pin(async move {
            let token = tokens::insert(
                tx,
                brand,
                &NewToken {
                    staff,
                    name: &name,
                    hash: &hash,
                    prefix: &prefix,
                    expires_at: now + ttl_ms,
                },
                now,
            )
            .await?;
            if let Some(actor) = audited_by {
                let detail = json!({ "name": token.name });
                let e = event(
                    &actor,
                    AuditAction::TokenCreated,
                    token.id.get(),
                    actor.placement,
                    detail,
                );
                audit::record(tx, brand, &e, now).await?;
            }
            // The secret goes out with this run's result only; see `IssuedToken`.
            Ok(IssuedToken {
                secret: Some(plain),
                token,
            })
        })
    })
    .await
}

/// The actor behind a bearer token, if it is live and its staff member active. A read:
/// this runs on every API request.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn authenticate(db: &Db, plain: &str) -> Result<Option<(Actor, TokenId)>, AppError> {
    if !plain.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let hash = hash_secret(plain);
    let now = now_ms();
    if let Some(hit) = db.bearer_cache().get(&hash, now) {
        return Ok(Some(hit));
    }
    let key = hash.clone();
    let found = db
        .read(move |tx| {
            Box::pin(async move {
                let Some((brand, t)) = tokens::find_live(tx, &key, now).await? else {
                    return Ok(None);
                };
                let loaded = actor::load(tx, brand, t.staff_id).await?;
                Ok(loaded.map(|(a, _)| (a, t.id, t.expires_at)))
            })
        })
        .await?;
    Ok(found.map(|(actor, token, expires_at)| {
        db.bearer_cache().put(hash, actor, token, expires_at, now);
        (actor, token)
    }))
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    after: Cursor,
    size: PageSize,
) -> Result<Page<ApiToken>, AppError> {
    let (brand, staff) = (actor.brand, actor.staff);
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(tokens::list(tx, brand, staff, after, size).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |t| t.id.get()))
}

/// Revokes one of the actor's own tokens; someone else's token is "not found".
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, token = %id))]
pub async fn revoke(db: &Db, actor: &Actor, id: TokenId) -> Result<ApiToken, AppError> {
    let actor = *actor;
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                tokens::get(tx, actor.brand, actor.staff, id)
                    .await?
                    .ok_or(AppError::NotFound("token"))?;
                let now = now_ms();
                tokens::revoke(tx, actor.brand, actor.staff, id, now).await?;
                let token = tokens::get(tx, actor.brand, actor.staff, id)
                    .await?
                    .ok_or(AppError::NotFound("token"))?;
                debug_assert!(token.revoked_at.is_some());
                if token.name != LOGIN_TOKEN_NAME {
                    let detail = json!({ "name": token.name });
                    let e = event(
                        &actor,
                        AuditAction::TokenRevoked,
                        token.id.get(),
                        actor.placement,
                        detail,
                    );
                    audit::record(tx, actor.brand, &e, now).await?;
                }
                Ok(token)
            })
        })
        .await;
    // Access may have narrowed: this server forgets its bearer lookups at once.
    db.bearer_cache().clear();
    out
}
