//! Stores: open, list, read, edit, move between regions, close and reopen.

use shequn_domain::SearchText;
use shequn_domain::{Actor, Cursor, Name, PageSize, RegionId, ScopeFilter, StoreCode, StoreId};

use crate::clock::now_ms;
use crate::storage::audit;
use crate::storage::db::Tx;
use crate::storage::regions;
use crate::storage::stores::{self, NewStore, StoreRow};
use crate::usecases::Page;
use crate::usecases::event;
use crate::{AppError, Db};
use serde_json::json;
use shequn_domain::{AuditAction, Placement};

pub const ADDRESS_MAX_CHARS: usize = 200;
const CODE_TAKEN: &str = "another store of the brand has this code";

pub struct NewStoreInput {
    pub region_id: RegionId,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
}

fn parse_address(raw: Option<&str>) -> Result<String, AppError> {
    let a = raw.unwrap_or("").trim();
    if a.chars().count() > ADDRESS_MAX_CHARS || a.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "address",
            format!("must be at most {ADDRESS_MAX_CHARS} characters without control characters"),
        ));
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
            Err(AppError::invalid(field, "the region is deactivated"))
        }
        _ => Err(AppError::invalid(field, format!("no region {id}"))),
    }
}

pub async fn create(db: &Db, actor: &Actor, input: NewStoreInput) -> Result<StoreRow, AppError> {
    let code = StoreCode::parse("code", &input.code)?;
    let name = Name::parse("name", &input.name)?;
    let address = parse_address(input.address.as_deref())?;
    let mut tx = db.write().await?;
    usable_region(&mut tx, actor, input.region_id, "region_id").await?;
    Actor::require(
        actor.can_place_store_in(input.region_id),
        "you may not open stores in this region",
    )?;
    let new = NewStore {
        region: input.region_id,
        code: &code,
        name: &name,
        address: &address,
    };
    let row = stores::insert(&mut tx, actor.brand, &new, now_ms())
        .await
        .map_err(AppError::on_unique("code", CODE_TAKEN))?;
    record(&mut tx, actor, AuditAction::StoreCreated, &row).await?;
    tx.commit().await?;
    Ok(row)
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

pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<RegionId>,
    search: Option<&SearchText>,
    after: Cursor,
    size: PageSize,
) -> Result<Page<StoreRow>, AppError> {
    let Some((region, only)) = list_scope(actor, region) else {
        return Ok(Page {
            items: vec![],
            next_cursor: None,
        });
    };
    let mut tx = db.read().await?;
    let rows = stores::list(&mut tx, actor.brand, region, only, search, after, size).await?;
    tx.commit().await?;
    Ok(Page::from_rows(rows, size, |r| r.id))
}

async fn visible(tx: &mut Tx, actor: &Actor, id: StoreId) -> Result<StoreRow, AppError> {
    match stores::get(tx, actor.brand, id).await? {
        Some(s) if actor.can_see_store(RegionId(s.region_id), id) => Ok(s),
        _ => Err(AppError::NotFound("store")),
    }
}

pub async fn get(db: &Db, actor: &Actor, id: StoreId) -> Result<StoreRow, AppError> {
    let mut tx = db.read().await?;
    let row = visible(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(row)
}

#[derive(Debug, Default, Clone)]
pub struct StorePatch {
    pub region_id: Option<RegionId>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub active: Option<bool>,
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: StoreId,
    patch: StorePatch,
) -> Result<StoreRow, AppError> {
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
    let mut tx = db.write().await?;
    let mut row = visible(&mut tx, actor, id).await?;
    let region = RegionId(row.region_id);
    Actor::require(
        actor.can_edit_store(region, id),
        "you may not edit this store",
    )?;
    if let Some(to) = patch.region_id.filter(|to| *to != region) {
        usable_region(&mut tx, actor, to, "region_id").await?;
        Actor::require(
            actor.can_change_store_status(region) && actor.can_place_store_in(to),
            "you may not move this store to that region",
        )?;
        row.region_id = to.get();
    }
    if let Some(active) = patch.active.filter(|a| *a != row.active) {
        Actor::require(
            actor.can_change_store_status(region),
            "you may not open or close this store",
        )?;
        row.active = active;
    }
    if let Some(c) = code {
        row.code = c.as_str().to_owned();
    }
    if let Some(n) = name {
        row.name = n.as_str().to_owned();
    }
    if let Some(a) = address {
        row.address = a;
    }
    let row = stores::update(&mut tx, actor.brand, &row, now_ms())
        .await
        .map_err(AppError::on_unique("code", CODE_TAKEN))?
        .ok_or(AppError::NotFound("store"))?;
    record(&mut tx, actor, AuditAction::StoreUpdated, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Records a store event with the store's values after the change.
async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    row: &StoreRow,
) -> Result<(), AppError> {
    let place = Placement::Store {
        region: RegionId(row.region_id),
        store: StoreId(row.id),
    };
    let detail = json!({
        "code": row.code, "name": row.name, "address": row.address,
        "region_id": row.region_id, "active": row.active,
    });
    let e = event(actor, action, row.id, place, detail);
    audit::record(tx, actor.brand, &e, row.updated_at).await?;
    Ok(())
}
