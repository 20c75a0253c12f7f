//! Regions: create, list, read, rename, deactivate.

use shequn_domain::{Actor, Cursor, Name, PageSize, Placement, RegionId};

use crate::clock::now_ms;
use crate::storage::audit;
use crate::storage::regions::{self, RegionRow};
use crate::storage::stores;
use crate::usecases::Page;
use crate::usecases::event;
use crate::{AppError, Db};
use serde_json::json;
use shequn_domain::AuditAction;

pub async fn create(db: &Db, actor: &Actor, name: &str) -> Result<RegionRow, AppError> {
    let name = Name::parse("name", name)?;
    Actor::require(
        actor.can_manage_regions(),
        "only a brand admin manages regions",
    )?;
    let mut tx = db.write().await?;
    let row = regions::insert(&mut tx, actor.brand, &name, now_ms())
        .await
        .map_err(AppError::on_unique(
            "name",
            "a region with this name already exists",
        ))?;
    let place = Placement::Region(RegionId(row.id));
    let e = event(
        actor,
        AuditAction::RegionCreated,
        row.id,
        place,
        json!({ "name": row.name }),
    );
    audit::record(&mut tx, actor.brand, &e, row.created_at).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    after: Cursor,
    size: PageSize,
) -> Result<Page<RegionRow>, AppError> {
    let only = match actor.placement {
        Placement::Brand => None,
        p => p.region(),
    };
    let mut tx = db.read().await?;
    let rows = regions::list(&mut tx, actor.brand, only, after, size).await?;
    tx.commit().await?;
    Ok(Page::from_rows(rows, size, |r| r.id))
}

pub async fn get(db: &Db, actor: &Actor, id: RegionId) -> Result<RegionRow, AppError> {
    let mut tx = db.read().await?;
    let row = visible(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(row)
}

async fn visible(
    tx: &mut crate::storage::db::Tx,
    actor: &Actor,
    id: RegionId,
) -> Result<RegionRow, AppError> {
    match regions::get(tx, actor.brand, id).await? {
        Some(r) if actor.can_see_region(id) => Ok(r),
        _ => Err(AppError::NotFound("region")),
    }
}

#[derive(Debug, Default, Clone)]
pub struct RegionPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: RegionId,
    patch: RegionPatch,
) -> Result<RegionRow, AppError> {
    let name = patch
        .name
        .as_deref()
        .map(|n| Name::parse("name", n))
        .transpose()?;
    let mut tx = db.write().await?;
    let row = visible(&mut tx, actor, id).await?;
    Actor::require(
        actor.can_manage_regions(),
        "only a brand admin manages regions",
    )?;
    let active = patch.active.unwrap_or(row.active);
    if row.active && !active {
        let open = stores::count_active(&mut tx, actor.brand, Some(id), None).await?;
        if open > 0 {
            return Err(AppError::Conflict {
                field: "active",
                message: format!(
                    "the region still has {open} active stores; close or move them first"
                ),
            });
        }
    }
    let name = name.map_or(row.name, |n| n.as_str().to_owned());
    let row = regions::update(&mut tx, actor.brand, id, &name, active, now_ms())
        .await
        .map_err(AppError::on_unique(
            "name",
            "a region with this name already exists",
        ))?
        .ok_or(AppError::NotFound("region"))?;
    let detail = json!({ "name": row.name, "active": row.active });
    let e = event(
        actor,
        AuditAction::RegionUpdated,
        row.id,
        Placement::Region(id),
        detail,
    );
    audit::record(&mut tx, actor.brand, &e, row.updated_at).await?;
    tx.commit().await?;
    Ok(row)
}
