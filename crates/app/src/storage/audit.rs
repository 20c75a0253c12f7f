//! SQL for the operation log.

use serde::Serialize;
use serde_json::json;
use shequn_domain::{
    AuditAction, AuditEntry, BrandId, Cursor, PageSize, Placement, RegionId, StaffId, StoreId,
};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};
use super::{regions, stores};

fn audit_row(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor_staff_id: r.get::<Option<i64>>(2)?.map(StaffId),
        actor_name: r.get(3)?,
        action: r.get(4)?,
        subject_type: r.get(5)?,
        subject_id: r.get(6)?,
        region_id: r.get::<Option<i64>>(7)?.map(RegionId),
        store_id: r.get::<Option<i64>>(8)?.map(StoreId),
        detail: r.get(9)?,
    })
}

/// The `changes` of an update event's detail: `{field: [before, after]}` for each field
/// whose value differs; fields that stayed the same are left out. The shape of a detail is
/// documented in `crates/shequn/src/web/audit_text.rs`, which renders it as a sentence.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(transparent)]
pub struct Changes(serde_json::Map<String, serde_json::Value>);

impl Changes {
    /// Adds `field` if `before` and `after` differ.
    pub fn field<T: Serialize + PartialEq>(mut self, field: &str, before: T, after: T) -> Self {
        if before != after {
            self.0.insert(field.to_owned(), json!([before, after]));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A store as an event's detail names it: `{"code": …, "name": …}`.
pub fn store_ref(code: &str, name: &str) -> serde_json::Value {
    json!({ "code": code, "name": name })
}

/// The current name of a region of the brand, for an event's detail.
pub async fn region_name(
    tx: &mut Tx,
    brand: BrandId,
    id: RegionId,
) -> Result<Option<String>, StoreError> {
    Ok(regions::get(tx, brand, id).await?.map(|r| r.name))
}

/// Where a staff member sits, by name, for an event's detail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceNames {
    /// The region's name, for a region manager.
    pub region: Option<String>,
    /// The store ([`store_ref`]), for a store manager or shop guide.
    pub store: Option<serde_json::Value>,
}

/// The names of a placement: a region manager's region, a store member's store.
pub async fn place_names(
    tx: &mut Tx,
    brand: BrandId,
    place: Placement,
) -> Result<PlaceNames, StoreError> {
    Ok(match place {
        Placement::Brand => PlaceNames::default(),
        Placement::Region(r) => PlaceNames {
            region: region_name(tx, brand, r).await?,
            store: None,
        },
        Placement::Store { store, .. } => PlaceNames {
            region: None,
            store: stores::get(tx, brand, store)
                .await?
                .map(|s| store_ref(&s.code, &s.name)),
        },
    })
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

pub async fn record(tx: &mut Tx, brand: BrandId, e: &Event, now: i64) -> Result<(), StoreError> {
    let detail = e.detail.to_string();
    tx.execute(
        "INSERT INTO audit_events (brand_id, at, actor_staff_id, action, subject_type, subject_id, region_id, store_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &params![
            brand,
            now,
            e.actor,
            e.action.as_str(),
            e.action.subject(),
            e.subject_id,
            e.region,
            e.store,
            &detail
        ],
    )
    .await?;
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
) -> Result<(Vec<AuditEntry>, Option<i64>), StoreError> {
    let mut rows = tx
        .query(
            "SELECT * FROM (
               SELECT a.id, a.at, a.actor_staff_id, s.display_name AS actor_name, a.action,
                      a.subject_type, a.subject_id, a.region_id, a.store_id, a.detail,
                      COUNT(*) OVER () AS listed
               FROM audit_events a
               LEFT JOIN staff s ON s.brand_id = a.brand_id AND s.id = a.actor_staff_id
               WHERE a.brand_id = $1
                 AND ($3 IS NULL OR a.region_id = $3) AND ($4 IS NULL OR a.store_id = $4)
             ) AS matching WHERE ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $5",
            &params![brand, before.0, region, store, i64::from(limit.get())],
        )
        .await?;
    debug_assert!(
        rows.len() <= limit.get() as usize,
        "a page longer than its size"
    );
    let total = take_total(&mut rows)?;
    Ok((rows.iter().map(audit_row).collect::<Result<_, _>>()?, total))
}
