//! Turning a staff member into the domain's `Actor` (role + placement).

use shequn_domain::{Actor, BrandId, Placement, Role, StaffId, StaffMember};

use crate::AppError;
use crate::storage::db::Tx;
use crate::storage::staff;

/// The placement recorded on a staff member. One that breaks the role/placement rule is a
/// bug elsewhere, reported as an internal error rather than guessed around.
pub fn placement_of(m: &StaffMember) -> Result<(Role, Placement), AppError> {
    let store = m.store_id.zip(m.store_region_id).map(|(s, r)| (r, s));
    let placement = Placement::for_role(m.role, m.region_id, store)
        .map_err(|e| AppError::Internal(format!("staff {}: {e}", m.id)))?;
    Ok((m.role, placement))
}

pub fn actor_of(m: &StaffMember) -> Result<Actor, AppError> {
    let (role, placement) = placement_of(m)?;
    Ok(Actor {
        brand: m.brand_id,
        staff: m.id,
        role,
        placement,
    })
}

/// The active staff member `id` of `brand`, as an actor; None when absent or deactivated.
#[tracing::instrument(level = "debug", skip_all, fields(target = %id))]
pub async fn load(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
) -> Result<Option<(Actor, StaffMember)>, AppError> {
    match staff::get(tx, brand, id).await? {
        Some(m) if m.active => Ok(Some((actor_of(&m)?, m))),
        _ => Ok(None),
    }
}
