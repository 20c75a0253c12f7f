//! Turning a staff row into the domain's `Actor` (role + placement).

use shequn_domain::{Actor, BrandId, Placement, RegionId, Role, StaffId, StoreId};

use crate::AppError;
use crate::storage::db::Tx;
use crate::storage::staff::{self, StaffRow};

/// The placement recorded on a staff row. A row that breaks the role/placement rule is a
/// bug elsewhere, reported as an internal error rather than guessed around.
pub fn placement_of(row: &StaffRow) -> Result<(Role, Placement), AppError> {
    let role = Role::parse("role", &row.role).map_err(|e| AppError::Internal(e.to_string()))?;
    let store = row
        .store_id
        .zip(row.store_region_id)
        .map(|(s, r)| (RegionId(r), StoreId(s)));
    let placement = Placement::for_role(role, row.region_id.map(RegionId), store)
        .map_err(|e| AppError::Internal(format!("staff {}: {e}", row.id)))?;
    Ok((role, placement))
}

pub fn actor_of(row: &StaffRow) -> Result<Actor, AppError> {
    let (role, placement) = placement_of(row)?;
    Ok(Actor {
        brand: BrandId(row.brand_id),
        staff: StaffId(row.id),
        role,
        placement,
    })
}

/// The active staff member `id` of `brand`, as an actor; None when absent or deactivated.
pub async fn load(
    tx: &mut Tx,
    brand: BrandId,
    id: StaffId,
) -> Result<Option<(Actor, StaffRow)>, AppError> {
    match staff::get(tx, brand, id).await? {
        Some(row) if row.active => Ok(Some((actor_of(&row)?, row))),
        _ => Ok(None),
    }
}
