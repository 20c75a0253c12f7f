//! Logging in, web sessions and password changes.

use serde_json::json;
use shequn_domain::{
    Actor, AuditAction, BrandId, Email, Password, Reason, Refusal, StaffMember, TokenId,
};

use crate::clock::now_ms;
use crate::secrets::{dummy_hash, hash_password, hash_secret, random_secret, verify_password};
use crate::storage::{audit, orgs, sessions, staff, tokens};
use crate::usecases::{actor, event};
use crate::{AppError, Db};

/// A session unused for this long is gone.
pub const SESSION_IDLE_MS: i64 = 2 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so reading a page is not a write.
const SESSION_TOUCH_EVERY_MS: i64 = 60 * 1000;

/// Checks an email and password. Unknown accounts, deactivated accounts and wrong
/// passwords all give `BadCredentials` after argon2 work. An email may have an account in
/// several brands: the password picks the account; if it opens more than one, `brand`
/// (a slug) must say which, and the error lists the candidates to the one who knows the
/// password.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_credentials(
    db: &Db,
    email: &str,
    password: &str,
    brand: Option<&str>,
) -> Result<StaffMember, AppError> {
    let brand = brand
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_owned);
    let accounts = match Email::parse("email", email) {
        Ok(email) => {
            db.read(move |tx| {
                Box::pin(
                    async move { Ok(staff::find_by_email(tx, &email, brand.as_deref()).await?) },
                )
            })
            .await?
        }
        Err(_) => Vec::new(),
    };
    // Argon2 runs here, outside any transaction.
    let active: Vec<(StaffMember, String)> =
        accounts.into_iter().filter(|(m, _)| m.active).collect();
    if active.is_empty() {
        let dummy = tokio::task::spawn_blocking(dummy_hash)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        verify_password(password.to_owned(), dummy).await?;
        return Err(AppError::BadCredentials);
    }
    let mut matching = Vec::new();
    for (member, hash) in active {
        if verify_password(password.to_owned(), hash).await? {
            matching.push(member);
        }
    }
    match matching.len() {
        0 => Err(AppError::BadCredentials),
        1 => Ok(matching.remove(0)),
        _ => {
            let brands: Vec<BrandId> = matching.iter().map(|m| m.brand_id).collect();
            let slugs = db
                .read(move |tx| {
                    Box::pin(async move {
                        let mut slugs = Vec::new();
                        for b in brands {
                            if let Some(b) = orgs::get(tx, b).await? {
                                slugs.push(b.slug);
                            }
                        }
                        Ok(slugs)
                    })
                })
                .await?;
            Err(Refusal::BrandRequired { brands: slugs }.into())
        }
    }
}

/// A new web session for `staff`; `previous` (the session the browser had) is removed, so
/// the id changes at every login. Returns (session id, CSRF token).
#[tracing::instrument(skip_all, fields(brand = %staff.brand_id, staff = %staff.id))]
pub async fn start_session(
    db: &Db,
    staff: &StaffMember,
    previous: Option<&str>,
) -> Result<(String, String), AppError> {
    let actor = actor::actor_of(staff)?;
    let id = random_secret("");
    let csrf = random_secret("");
    let id_hash = hash_secret(&id);
    let previous_hash = previous.map(hash_secret);
    let stored_csrf = csrf.clone();
    // The session id and CSRF token are returned from here, not from the body: a write's
    // result may be stored (idempotency), and these secrets must not be.
    db.write(move |tx| {
        Box::pin(async move {
            if let Some(prev) = previous_hash {
                sessions::delete(tx, &prev).await?;
            }
            sessions::insert(
                tx,
                actor.brand,
                actor.staff,
                &id_hash,
                &stored_csrf,
                now_ms(),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    Ok((id, csrf))
}

/// A live session's actor, staff member and CSRF token. Idle sessions are removed.
pub struct SessionInfo {
    pub actor: Actor,
    pub staff: StaffMember,
    pub csrf: String,
}

/// Looks the session up in a read. Writes only when the session must go (idle, or its
/// staff member gone or deactivated) or when `last_seen_at` is more than
/// [`SESSION_TOUCH_EVERY_MS`] old: at most one small write a minute per session.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve_session(db: &Db, id: &str) -> Result<Option<SessionInfo>, AppError> {
    let now = now_ms();
    let id_hash = hash_secret(id);
    let lookup = id_hash.clone();
    let found = db
        .read(move |tx| {
            Box::pin(async move {
                let Some(s) = sessions::find(tx, &lookup).await? else {
                    return Ok(None);
                };
                let loaded = actor::load(tx, s.brand_id, s.staff_id).await?;
                Ok(Some((s, loaded)))
            })
        })
        .await?;
    let Some((s, loaded)) = found else {
        return Ok(None);
    };
    let idle = now - s.last_seen_at;
    let Some((actor, staff)) = loaded.filter(|_| idle <= SESSION_IDLE_MS) else {
        db.write(move |tx| {
            Box::pin(async move {
                sessions::delete(tx, &id_hash).await?;
                Ok(())
            })
        })
        .await?;
        return Ok(None);
    };
    if idle > SESSION_TOUCH_EVERY_MS {
        db.write(move |tx| {
            Box::pin(async move {
                sessions::touch(tx, &id_hash, now).await?;
                Ok(())
            })
        })
        .await?;
    }
    Ok(Some(SessionInfo {
        actor,
        staff,
        csrf: s.csrf_token,
    }))
}

#[tracing::instrument(skip_all)]
pub async fn end_session(db: &Db, id: &str) -> Result<(), AppError> {
    let id_hash = hash_secret(id);
    db.write(move |tx| {
        Box::pin(async move {
            sessions::delete(tx, &id_hash).await?;
            Ok(())
        })
    })
    .await
}

/// Changes the actor's password after checking the current one. Every session of the
/// staff member ends and every API token except `keep_token` is revoked.
#[tracing::instrument(skip(db, current, new), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_token: Option<TokenId>,
) -> Result<(), AppError> {
    let new = Password::parse("new_password", new)?;
    let actor = *actor;
    let stored = db
        .read(move |tx| {
            Box::pin(async move { Ok(staff::password_hash(tx, actor.brand, actor.staff).await?) })
        })
        .await?
        .ok_or(AppError::NotFound("staff"))?;
    // Argon2 (verify, then hash) runs before the write, outside any transaction.
    if !verify_password(current.to_owned(), stored).await? {
        return Err(AppError::invalid("current_password", Reason::WrongPassword));
    }
    let hash = hash_password(new.expose().to_owned()).await?;
    let now = now_ms();
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                staff::set_password(tx, actor.brand, actor.staff, &hash, now).await?;
                sessions::delete_for_staff(tx, actor.brand, actor.staff).await?;
                tokens::revoke_all_except(tx, actor.brand, actor.staff, keep_token, now).await?;
                let e = event(
                    &actor,
                    AuditAction::PasswordChanged,
                    actor.staff.get(),
                    actor.placement,
                    json!({}),
                );
                audit::record(tx, actor.brand, &e, now).await?;
                Ok(())
            })
        })
        .await;
    // Access may have narrowed: this server forgets its bearer lookups at once.
    db.bearer_cache().clear();
    out
}
