//! SQL for activity events: one multi-row insert per batch, duplicates skipped by event id.

use shequn_domain::{ActivityEvent, BrandId};

use super::db::Tx;
use super::sql::{StoreError, Value};

/// How many distinct ids of `table` among `ids` the brand has.
pub async fn count_existing(
    tx: &mut Tx,
    brand: BrandId,
    table: &'static str,
    ids: &[i64],
) -> Result<i64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    // One placeholder per id, numbered after the brand's.
    let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE brand_id = $1 AND id IN ({})",
        list.join(", ")
    );
    let mut params = Vec::with_capacity(ids.len() + 1);
    params.push(Value::from(brand));
    params.extend(ids.iter().map(|id| Value::from(*id)));
    tx.query_one(&sql, &params).await?.get(0)
}

/// Stores the events that are new (by event id); returns how many were.
pub async fn insert_batch(
    tx: &mut Tx,
    brand: BrandId,
    events: &[ActivityEvent],
    now: i64,
) -> Result<u64, StoreError> {
    if events.is_empty() {
        return Ok(0);
    }
    const PER_ROW: usize = 7;
    let rows: Vec<String> = (0..events.len())
        .map(|i| {
            let b = 2 + i * PER_ROW;
            format!(
                "($1, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b,
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO activity_events (brand_id, event_id, kind, community_id, customer_id, at, received_at, has_link)
         VALUES {} ON CONFLICT (brand_id, event_id) DO NOTHING",
        rows.join(", ")
    );
    let mut params = Vec::with_capacity(1 + events.len() * PER_ROW);
    params.push(Value::from(brand));
    for e in events {
        params.push(Value::from(e.event_id.as_str()));
        params.push(Value::from(e.kind.as_str()));
        params.push(Value::from(e.community_id.get()));
        params.push(Value::from(e.customer_id.get()));
        params.push(Value::from(e.at));
        params.push(Value::from(now));
        params.push(Value::from(e.has_link));
    }
    tx.execute(&sql, &params).await
}
