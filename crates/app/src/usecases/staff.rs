//! Staff: hire (create with a first password), list, read, change role or store, deactivate.

use shequn_domain::{
    Actor, Cursor, Email, Name, PageSize, Password, Placement, RegionId, Role, ScopeFilter,
    StaffId, StoreId,
};

use crate::clock::now_ms;
use crate::secrets::hash_password;
use crate::storage::audit;
use crate::storage::db::Tx;
use crate::storage::staff::{self, NewStaff, StaffChange, StaffRow};
use crate::storage::{regions, sessions, stores, tokens};
use crate::usecases::event;
use crate::usecases::{Page, actor::placement_of};
use crate::{AppError, Db};
use serde_json::json;
use shequn_domain::AuditAction;
use shequn_domain::SearchText;

const EMAIL_TAKEN: &str = "this email already has an account";

pub struct NewStaffInput {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub region_id: Option<RegionId>,
    pub store_id: Option<StoreId>,
    pub password: String,
}

/// Resolves the placement a role needs from the ids given, within the actor's brand and
/// sight. Ids the actor cannot see are reported as absent.
async fn resolve_placement(
    tx: &mut Tx,
    actor: &Actor,
    role: Role,
    region_id: Option<RegionId>,
    store_id: Option<StoreId>,
) -> Result<Placement, AppError> {
    let region = match (role, region_id) {
        (Role::RegionManager, Some(r)) => match regions::get(tx, actor.brand, r).await? {
            Some(row) if actor.can_see_region(r) && row.active => Some(r),
            _ => {
                return Err(AppError::invalid(
                    "region_id",
                    format!("no active region {r}"),
                ));
            }
        },
        _ => None,
    };
    let store = match (role, store_id) {
        (Role::StoreManager | Role::ShopGuide, Some(s)) => {
            match stores::get(tx, actor.brand, s).await? {
                Some(row) if actor.can_see_store(RegionId(row.region_id), s) && row.active => {
                    Some((RegionId(row.region_id), s))
                }
                _ => {
                    return Err(AppError::invalid(
                        "store_id",
                        format!("no active store {s}"),
                    ));
                }
            }
        }
        _ => None,
    };
    Ok(Placement::for_role(role, region, store)?)
}

pub async fn create(db: &Db, actor: &Actor, input: NewStaffInput) -> Result<StaffRow, AppError> {
    let email = Email::parse("email", &input.email)?;
    let name = Name::parse("display_name", &input.display_name)?;
    let role = Role::parse("role", &input.role)?;
    let password = Password::parse("password", &input.password)?;
    {
        // Authorise before paying for the hash.
        let mut tx = db.read().await?;
        let placement =
            resolve_placement(&mut tx, actor, role, input.region_id, input.store_id).await?;
        Actor::require(
            actor.can_manage_staff(role, placement),
            "you may not give this role here",
        )?;
        tx.commit().await?;
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let mut tx = db.write().await?;
    let placement =
        resolve_placement(&mut tx, actor, role, input.region_id, input.store_id).await?;
    Actor::require(
        actor.can_manage_staff(role, placement),
        "you may not give this role here",
    )?;
    let new = NewStaff {
        email: &email,
        display_name: name.as_str(),
        role,
        region: region_column(placement),
        store: placement.store(),
        password_hash: &hash,
    };
    let id = staff::insert(&mut tx, actor.brand, &new, now_ms())
        .await
        .map_err(AppError::on_unique("email", EMAIL_TAKEN))?;
    let row = staff::get(&mut tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("staff"))?;
    let detail = json!({ "display_name": row.display_name, "role": row.role });
    let e = event(actor, AuditAction::StaffCreated, row.id, placement, detail);
    audit::record(&mut tx, actor.brand, &e, row.created_at).await?;
    tx.commit().await?;
    Ok(row)
}

/// Only region managers store a region; store staff take theirs from the store.
fn region_column(p: Placement) -> Option<RegionId> {
    match p {
        Placement::Region(r) => Some(r),
        _ => None,
    }
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    store: Option<StoreId>,
    search: Option<&SearchText>,
    after: Cursor,
    size: PageSize,
) -> Result<Page<StaffRow>, AppError> {
    let (region, only) = match actor.list_filter() {
        ScopeFilter::Brand => (None, store),
        ScopeFilter::Region(r) => (Some(r), store),
        ScopeFilter::Store(s) if store.is_none_or(|q| q == s) => (None, Some(s)),
        ScopeFilter::Store(_) => {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        }
    };
    let mut tx = db.read().await?;
    let rows = staff::list(&mut tx, actor.brand, region, only, search, after, size).await?;
    tx.commit().await?;
    Ok(Page::from_rows(rows, size, |r| r.id))
}

async fn visible(
    tx: &mut Tx,
    actor: &Actor,
    id: StaffId,
) -> Result<(StaffRow, Role, Placement), AppError> {
    let Some(row) = staff::get(tx, actor.brand, id).await? else {
        return Err(AppError::NotFound("staff"));
    };
    let (role, placement) = placement_of(&row)?;
    if actor.can_see_staff(id, placement) {
        Ok((row, role, placement))
    } else {
        Err(AppError::NotFound("staff"))
    }
}

pub async fn get(db: &Db, actor: &Actor, id: StaffId) -> Result<StaffRow, AppError> {
    let mut tx = db.read().await?;
    let (row, _, _) = visible(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(row)
}

#[derive(Debug, Default, Clone)]
pub struct StaffPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub region_id: Option<RegionId>,
    pub store_id: Option<StoreId>,
    pub active: Option<bool>,
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: StaffId,
    patch: StaffPatch,
) -> Result<StaffRow, AppError> {
    let name = patch
        .display_name
        .as_deref()
        .map(|n| Name::parse("display_name", n))
        .transpose()?;
    let new_role = patch
        .role
        .as_deref()
        .map(|r| Role::parse("role", r))
        .transpose()?;
    let mut tx = db.write().await?;
    let (row, role, placement) = visible(&mut tx, actor, id).await?;
    let role_to = new_role.unwrap_or(role);
    let moves = new_role.is_some() || patch.region_id.is_some() || patch.store_id.is_some();
    let placement_to = if moves {
        let region = patch.region_id.or(placement
            .region()
            .filter(|_| role_to == Role::RegionManager));
        let store = patch.store_id.or(placement.store());
        resolve_placement(&mut tx, actor, role_to, region, store).await?
    } else {
        placement
    };
    let active = patch.active.unwrap_or(row.active);
    if id == actor.staff && (role_to != role || placement_to != placement || !active) {
        return Err(AppError::Forbidden(
            "you may not change your own role or deactivate yourself",
        ));
    }
    if id != actor.staff {
        Actor::require(
            actor.can_manage_staff(role, placement)
                && actor.can_manage_staff(role_to, placement_to),
            "you may not manage this staff member",
        )?;
    }
    let change = StaffChange {
        display_name: name
            .as_ref()
            .map_or(row.display_name.as_str(), |n| n.as_str()),
        role: role_to,
        region: region_column(placement_to),
        store: placement_to.store(),
        active,
    };
    let now = now_ms();
    staff::update(&mut tx, actor.brand, id, &change, now).await?;
    if row.active && !active {
        // A deactivated account must stop working at once, not when its session idles out.
        sessions::delete_for_staff(&mut tx, actor.brand, id).await?;
        tokens::revoke_all_except(&mut tx, actor.brand, id, None, now).await?;
    }
    let row = staff::get(&mut tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("staff"))?;
    let detail = json!({
        "display_name": row.display_name, "role": row.role, "active": row.active,
        "region_id": placement_to.region(), "store_id": placement_to.store(),
    });
    let e = event(
        actor,
        AuditAction::StaffUpdated,
        row.id,
        placement_to,
        detail,
    );
    audit::record(&mut tx, actor.brand, &e, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// Sets a new password for a staff member the actor manages (the forgotten-password path:
/// a manager hands out a new first password). Every session of theirs ends and every token
/// is revoked. One's own password is changed with the current one instead.
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    id: StaffId,
    new_password: &str,
) -> Result<(), AppError> {
    let password = Password::parse("new_password", new_password)?;
    {
        let mut tx = db.read().await?;
        let (_, role, placement) = visible(&mut tx, actor, id).await?;
        tx.commit().await?;
        if id == actor.staff {
            return Err(AppError::Forbidden(
                "change your own password with your current one",
            ));
        }
        Actor::require(
            actor.can_manage_staff(role, placement),
            "you may not manage this staff member",
        )?;
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    // Checked again inside the write: the member may have moved since the read.
    let (_, role, placement) = visible(&mut tx, actor, id).await?;
    Actor::require(
        actor.can_manage_staff(role, placement),
        "you may not manage this staff member",
    )?;
    staff::set_password(&mut tx, actor.brand, id, &hash, now).await?;
    sessions::delete_for_staff(&mut tx, actor.brand, id).await?;
    tokens::revoke_all_except(&mut tx, actor.brand, id, None, now).await?;
    let e = event(
        actor,
        AuditAction::StaffPasswordReset,
        id.get(),
        placement,
        json!({}),
    );
    audit::record(&mut tx, actor.brand, &e, now).await?;
    tx.commit().await?;
    Ok(())
}
