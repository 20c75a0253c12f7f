//! Logging in, web sessions and password changes.

use shequn_domain::{Actor, BrandId, Email, Password};

use crate::clock::now_ms;
use crate::secrets::{dummy_hash, hash_password, hash_secret, random_secret, verify_password};
use crate::storage::staff::{self, StaffRow};
use crate::storage::{orgs, sessions, tokens};
use crate::usecases::actor;
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
pub async fn check_credentials(
    db: &Db,
    email: &str,
    password: &str,
    brand: Option<&str>,
) -> Result<StaffRow, AppError> {
    let brand = brand.map(str::trim).filter(|b| !b.is_empty());
    let rows = match Email::parse("email", email) {
        Ok(email) => {
            let mut tx = db.read().await?;
            let rows = staff::find_by_email(&mut tx, &email, brand).await?;
            tx.commit().await?;
            rows
        }
        Err(_) => Vec::new(),
    };
    let active: Vec<StaffRow> = rows.into_iter().filter(|r| r.active).collect();
    if active.is_empty() {
        let dummy = tokio::task::spawn_blocking(dummy_hash)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        verify_password(password.to_owned(), dummy).await?;
        return Err(AppError::BadCredentials);
    }
    let mut matching = Vec::new();
    for row in active {
        if verify_password(password.to_owned(), row.password_hash.clone()).await? {
            matching.push(row);
        }
    }
    match matching.len() {
        0 => Err(AppError::BadCredentials),
        1 => Ok(matching.remove(0)),
        _ => {
            let mut tx = db.read().await?;
            let mut slugs = Vec::new();
            for row in &matching {
                if let Some(b) = orgs::get(&mut tx, BrandId(row.brand_id)).await? {
                    slugs.push(b.slug);
                }
            }
            tx.commit().await?;
            Err(AppError::Conflict {
                field: "brand",
                message: format!(
                    "this email signs in to several brands; choose one of: {}",
                    slugs.join(", ")
                ),
            })
        }
    }
}

/// A new web session for `staff`; `previous` (the session the browser had) is removed, so
/// the id changes at every login. Returns (session id, CSRF token).
pub async fn start_session(
    db: &Db,
    staff: &StaffRow,
    previous: Option<&str>,
) -> Result<(String, String), AppError> {
    let actor = actor::actor_of(staff)?;
    let id = random_secret("");
    let csrf = random_secret("");
    let mut tx = db.write().await?;
    if let Some(prev) = previous {
        sessions::delete(&mut tx, &hash_secret(prev)).await?;
    }
    sessions::insert(
        &mut tx,
        actor.brand,
        actor.staff,
        &hash_secret(&id),
        &csrf,
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok((id, csrf))
}

/// A live session's actor, staff row and CSRF token. Idle sessions are removed.
pub struct SessionInfo {
    pub actor: Actor,
    pub staff: StaffRow,
    pub csrf: String,
}

pub async fn resolve_session(db: &Db, id: &str) -> Result<Option<SessionInfo>, AppError> {
    let now = now_ms();
    let id_hash = hash_secret(id);
    let mut tx = db.read().await?;
    let Some(s) = sessions::find(&mut tx, &id_hash).await? else {
        return Ok(None);
    };
    let loaded = actor::load(
        &mut tx,
        shequn_domain::BrandId(s.brand_id),
        shequn_domain::StaffId(s.staff_id),
    )
    .await?;
    tx.commit().await?;
    let idle = now - s.last_seen_at;
    if idle > SESSION_IDLE_MS || loaded.is_none() {
        let mut tx = db.write().await?;
        sessions::delete(&mut tx, &id_hash).await?;
        tx.commit().await?;
        return Ok(None);
    }
    if idle > SESSION_TOUCH_EVERY_MS {
        let mut tx = db.write().await?;
        sessions::touch(&mut tx, &id_hash, now).await?;
        tx.commit().await?;
    }
    Ok(loaded.map(|(actor, staff)| SessionInfo {
        actor,
        staff,
        csrf: s.csrf_token,
    }))
}

pub async fn end_session(db: &Db, id: &str) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    sessions::delete(&mut tx, &hash_secret(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the actor's password after checking the current one. Every session of the
/// staff member ends and every API token except `keep_token` is revoked.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_token: Option<shequn_domain::TokenId>,
) -> Result<(), AppError> {
    let new = Password::parse("new_password", new)?;
    let mut tx = db.read().await?;
    let row = staff::get(&mut tx, actor.brand, actor.staff)
        .await?
        .ok_or(AppError::NotFound("staff"))?;
    tx.commit().await?;
    if !verify_password(current.to_owned(), row.password_hash).await? {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = hash_password(new.expose().to_owned()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    staff::set_password(&mut tx, actor.brand, actor.staff, &hash, now).await?;
    sessions::delete_for_staff(&mut tx, actor.brand, actor.staff).await?;
    tokens::revoke_all_except(&mut tx, actor.brand, actor.staff, keep_token, now).await?;
    let e = crate::usecases::event(
        actor,
        shequn_domain::AuditAction::PasswordChanged,
        actor.staff.get(),
        actor.placement,
        serde_json::json!({}),
    );
    crate::storage::audit::record(&mut tx, actor.brand, &e, now).await?;
    tx.commit().await?;
    Ok(())
}
