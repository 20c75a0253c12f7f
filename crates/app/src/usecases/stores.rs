//! Stores: open, list, read, edit, move between regions, close and reopen.

use serde_json::json;
use shequn_domain::{
    Actor, AuditAction, Cursor, Name, PageSize, Placement, Reason, RegionId, ScopeFilter,
    SearchText, Store, StoreCode, StoreId, Subject,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::stores::{self, NewStore};
use crate::storage::{audit, regions};
use crate::usecases::{Page, event};
use crate::{AppError, Db};

pub const ADDRESS_MAX_CHARS: usize = 200;

pub struct NewStoreInput {
    pub region_id: RegionId,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
}

fn parse_address(raw: Option<&str>) -> Result<String, AppError> {
    let a = raw.unwrap_or("").trim();
    if a.chars().count() > ADDRESS_MAX_CHARS || a.chars().any(char::is_control) {
        let reason = if a.chars().any(char::is_control) {
            Reason::ControlCharacters
        } else {
            Reason::TooLong {
                max: ADDRESS_MAX_CHARS,
                got: a.chars().count(),
            }
        };
        return Err(AppError::invalid("address", reason));
    }
    Ok(a.to_owned())
}

/// An active region of the actor's brand that the actor can see, or an error on `field`.
async fn usable_region(
    tx: &mut Tx,
    actor: &Actor,
    id: RegionId,
    field: &'static str,
) -> Result<(), AppError> {
    match regions::get(tx, actor.brand, id).await? {
        Some(r) if actor.can_see_region(id) && r.active => Ok(()),
        Some(_) if actor.can_see_region(id) => {
            Err(AppError::invalid(field, Reason::RegionInactive))
        }
        _ => Err(AppError::invalid(field, Reason::UnknownRegion)),
    }
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(db: &Db, actor: &Actor, input: NewStoreInput) -> Result<Store, AppError> {
    let code = StoreCode::parse("code", &input.code)?;
    let name = Name::parse("name", &input.name)?;
    let address = parse_address(input.address.as_deref())?;
    let region = input.region_id;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            usable_region(tx, &actor, region, "region_id").await?;
            Actor::require(
                actor.can_place_store_in(region),
                "you may not open stores in this region",
            )?;
            let new = NewStore {
                region,
                code: &code,
                name: &name,
                address: &address,
            };
            let store = stores::insert(tx, actor.brand, &new, now_ms())
                .await
                .map_err(AppError::on_unique(Subject::Store, "code"))?;
            record(tx, &actor, AuditAction::StoreCreated, None, &store).await?;
            Ok(store)
        })
    })
    .await
}

/// Narrows a list to the actor's scope, intersected with an optional region filter.
/// Returns None when the intersection is empty.
fn list_scope(
    actor: &Actor,
    region: Option<RegionId>,
) -> Option<(Option<RegionId>, Option<StoreId>)> {
    match actor.list_filter() {
        ScopeFilter::Brand => Some((region, None)),
        ScopeFilter::Region(r) => match region {
            Some(q) if q != r => None,
            _ => Some((Some(r), None)),
        },
        ScopeFilter::Store(s) => {
            let own_region = actor.placement.region();
            match region {
                Some(q) if Some(q) != own_region => None,
                _ => Some((None, Some(s))),
            }
        }
    }
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<RegionId>,
    search: Option<&SearchText>,
    after: Cursor,
    size: PageSize,
) -> Result<Page<Store>, AppError> {
    let Some((region, only)) = list_scope(actor, region) else {
        return Ok(Page::empty());
    };
    let brand = actor.brand;
    let search = search.cloned();
    let rows = db
        .read(move |tx| {
            Box::pin(async move {
                Ok(stores::list(tx, brand, region, only, search.as_ref(), after, size).await?)
            })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |s| s.id.get()))
}

async fn visible(tx: &mut Tx, actor: &Actor, id: StoreId) -> Result<Store, AppError> {
    match stores::get(tx, actor.brand, id).await? {
        Some(s) if actor.can_see_store(s.region_id, id) => Ok(s),
        _ => Err(AppError::NotFound("store")),
    }
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn get(db: &Db, actor: &Actor, id: StoreId) -> Result<Store, AppError> {
    let actor = *actor;
    db.read(move |tx| Box::pin(async move { visible(tx, &actor, id).await }))
        .await
}

#[derive(Debug, Default, Clone)]
pub struct StorePatch {
    pub region_id: Option<RegionId>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub active: Option<bool>,
}

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, store = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: StoreId,
    patch: StorePatch,
) -> Result<Store, AppError> {
    let code = patch
        .code
        .as_deref()
        .map(|c| StoreCode::parse("code", c))
        .transpose()?;
    let name = patch
        .name
        .as_deref()
        .map(|n| Name::parse("name", n))
        .transpose()?;
    let address = patch
        .address
        .as_deref()
        .map(|a| parse_address(Some(a)))
        .transpose()?;
    let (move_to, set_active) = (patch.region_id, patch.active);
    let actor = *actor;
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                let mut store = visible(tx, &actor, id).await?;
                let before = store.clone();
                let region = store.region_id;
                Actor::require(
                    actor.can_edit_store(region, id),
                    "you may not edit this store",
                )?;
                if let Some(to) = move_to.filter(|to| *to != region) {
                    usable_region(tx, &actor, to, "region_id").await?;
                    Actor::require(
                        actor.can_change_store_status(region) && actor.can_place_store_in(to),
                        "you may not move this store to that region",
                    )?;
                    store.region_id = to;
                }
                if let Some(active) = set_active.filter(|a| *a != store.active) {
                    Actor::require(
                        actor.can_change_store_status(region),
                        "you may not open or close this store",
                    )?;
                    store.active = active;
                }
                if let Some(c) = code {
                    store.code = c.as_str().to_owned();
                }
                if let Some(n) = name {
                    store.name = n.as_str().to_owned();
                }
                if let Some(a) = address {
                    store.address = a;
                }
                let store = stores::update(tx, actor.brand, &store, now_ms())
                    .await
                    .map_err(AppError::on_unique(Subject::Store, "code"))?
                    .ok_or(AppError::NotFound("store"))?;
                record(tx, &actor, AuditAction::StoreUpdated, Some(&before), &store).await?;
                Ok(store)
            })
        })
        .await;
    // Access may have narrowed: this server forgets its bearer lookups at once.
    db.bearer_cache().clear();
    out
}

/// Records a store event with the store's values after the change and, for an update, the
/// fields that changed (`before` is the store as it was).
async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    before: Option<&Store>,
    store: &Store,
) -> Result<(), AppError> {
    let place = Placement::Store {
        region: store.region_id,
        store: store.id,
    };
    let region = audit::region_name(tx, actor.brand, store.region_id).await?;
    let mut detail = json!({ "code": store.code, "name": store.name, "region": region });
    if let Some(b) = before {
        let region_before = if b.region_id == store.region_id {
            region.clone()
        } else {
            audit::region_name(tx, actor.brand, b.region_id).await?
        };
        detail["changes"] = json!(
            audit::Changes::default()
                .field("code", &b.code, &store.code)
                .field("name", &b.name, &store.name)
                .field("address", &b.address, &store.address)
                .field("region", &region_before, &region)
                .field("active", b.active, store.active)
        );
    }
    let e = event(actor, action, store.id.get(), place, detail);
    audit::record(tx, actor.brand, &e, store.updated_at).await?;
    Ok(())
}
