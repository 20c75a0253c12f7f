//! Staff: hire (create with a first password), list, read, change role or store, deactivate.

use serde_json::json;
use shequn_domain::{
    Actor, AuditAction, Cursor, Email, Name, PageSize, Password, Placement, Reason, Refusal,
    RegionId, Role, ScopeFilter, SearchText, StaffId, StaffMember, StoreId, Subject,
};

use crate::clock::now_ms;
use crate::secrets::hash_password;
use crate::storage::db::Tx;
use crate::storage::staff::{self, NewStaff, StaffChange};
use crate::storage::{audit, communities, customers, regions, sessions, stores, tokens};
use crate::usecases::{Page, actor::placement_of, event};
use crate::{AppError, Db};

const MAY_NOT_GIVE_ROLE: &str = "you may not give this role here";
const MAY_NOT_MANAGE: &str = "you may not manage this staff member";

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
            Some(region) if actor.can_see_region(r) && region.active => Some(r),
            _ => {
                return Err(AppError::invalid("region_id", Reason::UnknownRegion));
            }
        },
        _ => None,
    };
    let store = match (role, store_id) {
        (Role::StoreManager | Role::ShopGuide, Some(s)) => {
            match stores::get(tx, actor.brand, s).await? {
                Some(store) if actor.can_see_store(store.region_id, s) && store.active => {
                    Some((store.region_id, s))
                }
                _ => {
                    return Err(AppError::invalid("store_id", Reason::UnknownStore));
                }
            }
        }
        _ => None,
    };
    Ok(Placement::for_role(role, region, store)?)
}

/// The placement the actor may give `role` with these ids, or why not.
async fn grantable_placement(
    tx: &mut Tx,
    actor: &Actor,
    role: Role,
    region_id: Option<RegionId>,
    store_id: Option<StoreId>,
) -> Result<Placement, AppError> {
    let placement = resolve_placement(tx, actor, role, region_id, store_id).await?;
    Actor::require(actor.can_manage_staff(role, placement), MAY_NOT_GIVE_ROLE)?;
    Ok(placement)
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(db: &Db, actor: &Actor, input: NewStaffInput) -> Result<StaffMember, AppError> {
    let email = Email::parse("email", &input.email)?;
    let name = Name::parse("display_name", &input.display_name)?;
    let role = Role::parse("role", &input.role)?;
    let password = Password::parse("password", &input.password)?;
    let (region_id, store_id) = (input.region_id, input.store_id);
    let actor = *actor;
    // Authorise before paying for the hash.
    db.read(move |tx| {
        Box::pin(async move {
            grantable_placement(tx, &actor, role, region_id, store_id).await?;
            Ok(())
        })
    })
    .await?;
    let hash = hash_password(password.expose().to_owned()).await?;
    db.write(move |tx| {
        Box::pin(async move {
            // Checked again inside the write: the region or store may have changed since.
            let placement = grantable_placement(tx, &actor, role, region_id, store_id).await?;
            let new = NewStaff {
                email: &email,
                display_name: name.as_str(),
                role,
                region: region_column(placement),
                store: placement.store(),
                password_hash: &hash,
            };
            let id = staff::insert(tx, actor.brand, &new, now_ms())
                .await
                .map_err(AppError::on_unique(Subject::Staff, "email"))?;
            let member = staff::get(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("staff"))?;
            debug_assert_eq!(member.role, role);
            let place = audit::place_names(tx, actor.brand, placement).await?;
            let detail = json!({
                "display_name": member.display_name, "email": member.email, "role": member.role,
                "region": place.region, "store": place.store,
            });
            let e = event(
                &actor,
                AuditAction::StaffCreated,
                member.id.get(),
                placement,
                detail,
            );
            audit::record(tx, actor.brand, &e, member.created_at).await?;
            Ok(member)
        })
    })
    .await
}

/// Only region managers store a region; store staff take theirs from the store.
fn region_column(p: Placement) -> Option<RegionId> {
    match p {
        Placement::Region(r) => Some(r),
        _ => None,
    }
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    store: Option<StoreId>,
    search: Option<&SearchText>,
    after: Cursor,
    size: PageSize,
) -> Result<Page<StaffMember>, AppError> {
    let (region, only) = match actor.list_filter() {
        ScopeFilter::Brand => (None, store),
        ScopeFilter::Region(r) => (Some(r), store),
        ScopeFilter::Store(s) if store.is_none_or(|q| q == s) => (None, Some(s)),
        ScopeFilter::Store(_) => {
            return Ok(Page::empty());
        }
    };
    let brand = actor.brand;
    let search = search.cloned();
    let rows = db
        .read(move |tx| {
            Box::pin(async move {
                Ok(staff::list(tx, brand, region, only, search.as_ref(), after, size).await?)
            })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |r| r.id.get()))
}

async fn visible(
    tx: &mut Tx,
    actor: &Actor,
    id: StaffId,
) -> Result<(StaffMember, Role, Placement), AppError> {
    let Some(member) = staff::get(tx, actor.brand, id).await? else {
        return Err(AppError::NotFound("staff"));
    };
    let (role, placement) = placement_of(&member)?;
    if actor.can_see_staff(id, placement) {
        Ok((member, role, placement))
    } else {
        Err(AppError::NotFound("staff"))
    }
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn get(db: &Db, actor: &Actor, id: StaffId) -> Result<StaffMember, AppError> {
    let actor = *actor;
    db.read(move |tx| Box::pin(async move { Ok(visible(tx, &actor, id).await?.0) }))
        .await
}

#[derive(Debug, Default, Clone)]
pub struct StaffPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub region_id: Option<RegionId>,
    pub store_id: Option<StoreId>,
    pub active: Option<bool>,
}

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, staff = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: StaffId,
    patch: StaffPatch,
) -> Result<StaffMember, AppError> {
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
    let actor = *actor;
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                let (member, role, placement) = visible(tx, &actor, id).await?;
                let role_to = new_role.unwrap_or(role);
                let moves =
                    new_role.is_some() || patch.region_id.is_some() || patch.store_id.is_some();
                let placement_to = if moves {
                    let region = patch.region_id.or(placement
                        .region()
                        .filter(|_| role_to == Role::RegionManager));
                    let store = patch.store_id.or(placement.store());
                    resolve_placement(tx, &actor, role_to, region, store).await?
                } else {
                    placement
                };
                let active = patch.active.unwrap_or(member.active);
                if id == actor.staff && (role_to != role || placement_to != placement || !active) {
                    return Err(AppError::Forbidden(
                        "you may not change your own role or deactivate yourself",
                    ));
                }
                if id != actor.staff {
                    Actor::require(
                        actor.can_manage_staff(role, placement)
                            && actor.can_manage_staff(role_to, placement_to),
                        MAY_NOT_MANAGE,
                    )?;
                }
                let change = StaffChange {
                    display_name: name
                        .as_ref()
                        .map_or(member.display_name.as_str(), |n| n.as_str()),
                    role: role_to,
                    region: region_column(placement_to),
                    store: placement_to.store(),
                    active,
                };
                // Leaving the store (deactivated or moved) with communities or customers
                // still in one's care would leave them without anyone: hand over first.
                let leaves =
                    (member.active && !active) || placement_to.store() != placement.store();
                if leaves {
                    let owned = communities::count_owned(tx, actor.brand, id).await?;
                    let served = customers::count_guided(tx, actor.brand, id).await?;
                    if owned > 0 || served > 0 {
                        return Err(Refusal::HandoverRequired {
                            communities: owned,
                            customers: served,
                        }
                        .into());
                    }
                }
                let now = now_ms();
                let changed = staff::update(tx, actor.brand, id, &change, now).await?;
                // Read in this same transaction just before: it cannot have gone.
                debug_assert!(changed, "staff {id} vanished inside its own transaction");
                if member.active && !active {
                    // A deactivated account must stop working at once, not when its session
                    // idles out.
                    sessions::delete_for_staff(tx, actor.brand, id).await?;
                    tokens::revoke_all_except(tx, actor.brand, id, None, now).await?;
                }
                let before = member;
                let member = staff::get(tx, actor.brand, id)
                    .await?
                    .ok_or(AppError::NotFound("staff"))?;
                let place_before = audit::place_names(tx, actor.brand, placement).await?;
                let place = audit::place_names(tx, actor.brand, placement_to).await?;
                let changes = audit::Changes::default()
                    .field("display_name", &before.display_name, &member.display_name)
                    .field("role", before.role, member.role)
                    .field("region", &place_before.region, &place.region)
                    .field("store", &place_before.store, &place.store)
                    .field("active", before.active, member.active);
                let detail = json!({
                    "display_name": member.display_name, "email": member.email, "role": member.role,
                    "region": place.region, "store": place.store, "changes": changes,
                });
                let e = event(
                    &actor,
                    AuditAction::StaffUpdated,
                    member.id.get(),
                    placement_to,
                    detail,
                );
                audit::record(tx, actor.brand, &e, now).await?;
                Ok(member)
            })
        })
        .await;
    // Access may have narrowed: this server forgets its bearer lookups at once.
    db.bearer_cache().clear();
    out
}

/// Whether the actor may set a new password for staff member `id` (visible, not the actor,
/// managed by the actor); returns the member's placement for the audit event.
async fn password_resettable(
    tx: &mut Tx,
    actor: &Actor,
    id: StaffId,
) -> Result<Placement, AppError> {
    let (_, role, placement) = visible(tx, actor, id).await?;
    if id == actor.staff {
        return Err(AppError::Forbidden(
            "change your own password with your current one",
        ));
    }
    Actor::require(actor.can_manage_staff(role, placement), MAY_NOT_MANAGE)?;
    Ok(placement)
}

/// Sets a new password for a staff member the actor manages (the forgotten-password path:
/// a manager hands out a new first password). Every session of theirs ends and every token
/// is revoked. One's own password is changed with the current one instead.
#[tracing::instrument(skip(db, new_password), fields(brand = %actor.brand, actor = %actor.staff, staff = %id))]
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    id: StaffId,
    new_password: &str,
) -> Result<(), AppError> {
    let password = Password::parse("new_password", new_password)?;
    let actor = *actor;
    // Authorise before paying for the hash.
    db.read(move |tx| {
        Box::pin(async move {
            password_resettable(tx, &actor, id).await?;
            Ok(())
        })
    })
    .await?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now_ms();
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                // Checked again inside the write: the member may have moved since the read.
                let placement = password_resettable(tx, &actor, id).await?;
                staff::set_password(tx, actor.brand, id, &hash, now).await?;
                sessions::delete_for_staff(tx, actor.brand, id).await?;
                tokens::revoke_all_except(tx, actor.brand, id, None, now).await?;
                let who = staff::get(tx, actor.brand, id).await?;
                let detail = json!({
                    "display_name": who.as_ref().map(|m| &m.display_name),
                    "email": who.as_ref().map(|m| &m.email),
                });
                let e = event(
                    &actor,
                    AuditAction::StaffPasswordReset,
                    id.get(),
                    placement,
                    detail,
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

/// What a handover moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Handover {
    pub communities: u64,
    pub customers: u64,
}

/// 离职继承: hands every community a staff member runs and every customer they serve to
/// another active shop guide or the store manager of the same store, in one transaction,
/// with an operation-log entry. Managers who may manage `from` do it.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %from))]
pub async fn handover(
    db: &Db,
    actor: &Actor,
    from: StaffId,
    to: StaffId,
) -> Result<Handover, AppError> {
    let actor = *actor;
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                let (giver, role, placement) = visible(tx, &actor, from).await?;
                Actor::require(actor.can_manage_staff(role, placement), MAY_NOT_MANAGE)?;
                let heir = match staff::get(tx, actor.brand, to).await? {
                    Some(m)
                        if m.active
                            && m.id != from
                            && m.store_id.is_some()
                            && m.store_id == giver.store_id
                            && matches!(m.role, Role::ShopGuide | Role::StoreManager) =>
                    {
                        m
                    }
                    _ => return Err(AppError::invalid("to_staff_id", Reason::UnknownGuide)),
                };
                let now = now_ms();
                let moved = Handover {
                    communities: communities::reassign_owner(tx, actor.brand, from, to, now)
                        .await?,
                    customers: customers::reassign_guide(tx, actor.brand, from, to, now).await?,
                };
                debug_assert_eq!(communities::count_owned(tx, actor.brand, from).await?, 0);
                let detail = json!({
                    "display_name": giver.display_name, "email": giver.email,
                    "to": heir.display_name, "to_id": heir.id,
                    "communities": moved.communities, "customers": moved.customers,
                });
                let e = event(
                    &actor,
                    AuditAction::StaffHandover,
                    from.get(),
                    placement,
                    detail,
                );
                audit::record(tx, actor.brand, &e, now).await?;
                Ok(moved)
            })
        })
        .await?;
    Ok(out)
}
