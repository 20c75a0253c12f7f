//! Regions: create, list, read, rename, deactivate.

use serde_json::json;
use shequn_domain::{
    Actor, AuditAction, Cursor, Name, PageSize, Placement, Refusal, Region, RegionId, Subject,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::{audit, regions, stores};
use crate::usecases::{Page, event};
use crate::{AppError, Db};

#[tracing::instrument(skip(db, name), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(db: &Db, actor: &Actor, name: &str) -> Result<Region, AppError> {
    let name = Name::parse("name", name)?;
    Actor::require(
        actor.can_manage_regions(),
        "only a brand admin manages regions",
    )?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let region = regions::insert(tx, actor.brand, &name, now_ms())
                .await
                .map_err(AppError::on_unique(Subject::Region, "name"))?;
            let e = event(
                &actor,
                AuditAction::RegionCreated,
                region.id.get(),
                Placement::Region(region.id),
                json!({ "name": region.name }),
            );
            audit::record(tx, actor.brand, &e, region.created_at).await?;
            Ok(region)
        })
    })
    .await
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    after: Cursor,
    size: PageSize,
) -> Result<Page<Region>, AppError> {
    let only = match actor.placement {
        Placement::Brand => None,
        p => p.region(),
    };
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(regions::list(tx, brand, only, after, size).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |r| r.id.get()))
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn get(db: &Db, actor: &Actor, id: RegionId) -> Result<Region, AppError> {
    let actor = *actor;
    db.read(move |tx| Box::pin(async move { visible(tx, &actor, id).await }))
        .await
}

async fn visible(tx: &mut Tx, actor: &Actor, id: RegionId) -> Result<Region, AppError> {
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

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, region = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: RegionId,
    patch: RegionPatch,
) -> Result<Region, AppError> {
    let name = patch
        .name
        .as_deref()
        .map(|n| Name::parse("name", n))
        .transpose()?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let region = visible(tx, &actor, id).await?;
            Actor::require(
                actor.can_manage_regions(),
                "only a brand admin manages regions",
            )?;
            let active = patch.active.unwrap_or(region.active);
            if region.active && !active {
                let open = stores::count_active(tx, actor.brand, Some(id), None).await?;
                if open > 0 {
                    return Err(Refusal::RegionHasActiveStores { count: open }.into());
                }
            }
            let (name_before, active_before) = (region.name.clone(), region.active);
            let name = name.map_or(region.name, |n| n.as_str().to_owned());
            let region = regions::update(tx, actor.brand, id, &name, active, now_ms())
                .await
                .map_err(AppError::on_unique(Subject::Region, "name"))?
                .ok_or(AppError::NotFound("region"))?;
            let changes = audit::Changes::default()
                .field("name", &name_before, &region.name)
                .field("active", active_before, region.active);
            let detail = json!({ "name": region.name, "changes": changes });
            let e = event(
                &actor,
                AuditAction::RegionUpdated,
                region.id.get(),
                Placement::Region(id),
                detail,
            );
            audit::record(tx, actor.brand, &e, region.updated_at).await?;
            Ok(region)
        })
    })
    .await
}
