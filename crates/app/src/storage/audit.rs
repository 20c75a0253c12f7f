//! SQL for the operation log.

use shequn_domain::{AuditAction, BrandId, Cursor, PageSize, RegionId, StaffId, StoreId};
use sqlx::FromRow;

use super::db::Tx;

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_staff_id: Option<i64>,
    /// The actor's display name, joined in (None for operator commands).
    pub actor_name: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub region_id: Option<i64>,
    pub store_id: Option<i64>,
    pub detail: String,
}

/// One event to record, inside the transaction of the change it describes.
pub struct Event {
    pub actor: Option<StaffId>,
    pub action: AuditAction,
    pub subject_id: i64,
    pub region: Option<RegionId>,
    pub store: Option<StoreId>,
    pub detail: serde_json::Value,
}

pub async fn record(tx: &mut Tx, brand: BrandId, e: &Event, now: i64) -> Result<(), sqlx::Error> {
    let detail = e.detail.to_string();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_events (brand_id, at, actor_staff_id, action, subject_type, subject_id, region_id, store_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(brand.get()).bind(now).bind(e.actor.map(StaffId::get)).bind(e.action.as_str())
        .bind(e.action.subject()).bind(e.subject_id).bind(e.region.map(RegionId::get))
        .bind(e.store.map(StoreId::get)).bind(&detail)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Events newest first, before `before` (0: from the newest), narrowed to a region or a store.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    region: Option<RegionId>,
    store: Option<StoreId>,
    before: Cursor,
    limit: PageSize,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.at, a.actor_staff_id, s.display_name AS actor_name, a.action, a.subject_type,
                a.subject_id, a.region_id, a.store_id, a.detail
         FROM audit_events a
         LEFT JOIN staff s ON s.brand_id = a.brand_id AND s.id = a.actor_staff_id
         WHERE a.brand_id = $1 AND ($2 = 0 OR a.id < $2)
           AND ($3 IS NULL OR a.region_id = $3) AND ($4 IS NULL OR a.store_id = $4)
         ORDER BY a.id DESC LIMIT $5")
        .bind(brand.get()).bind(before.0).bind(region.map(RegionId::get))
        .bind(store.map(StoreId::get)).bind(i64::from(limit.get()))
        .fetch_all(c).await)
}
