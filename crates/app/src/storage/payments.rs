//! SQL for payment intents, the brand's sandbox merchant secret and refunds waiting for
//! their gateway.

use shequn_domain::{BrandId, Fen, OrderId};

use super::db::Tx;
use super::sql::{Row, StoreError};

/// A payment intent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRow {
    pub brand: BrandId,
    pub order: OrderId,
    pub provider: String,
    pub intent_no: String,
    pub amount: Fen,
    pub status: String,
    pub created_at: i64,
}

const COLUMNS: &str = "brand_id, order_id, provider, intent_no, amount, status, created_at";

fn intent(r: &Row) -> Result<IntentRow, StoreError> {
    Ok(IntentRow {
        brand: BrandId(r.get(0)?),
        order: OrderId(r.get(1)?),
        provider: r.get(2)?,
        intent_no: r.get(3)?,
        amount: Fen::new(r.get(4)?),
        status: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub async fn insert_intent(tx: &mut Tx, i: &IntentRow, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payment_intents (brand_id, order_id, provider, intent_no, amount, status,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        &params![
            i.brand,
            i.order.get(),
            i.provider.as_str(),
            i.intent_no.as_str(),
            i.amount.get(),
            i.status.as_str(),
            now
        ],
    )
    .await?;
    Ok(())
}

/// The intent with this trade number (trade numbers are unique across brands).
pub async fn intent_by_no(tx: &mut Tx, intent_no: &str) -> Result<Option<IntentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM payment_intents WHERE intent_no = $1");
    tx.query_opt(&sql, &params![intent_no])
        .await?
        .as_ref()
        .map(intent)
        .transpose()
}

pub async fn intents_of(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Vec<IntentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_intents WHERE brand_id = $1 AND order_id = $2 ORDER BY id"
    );
    tx.query(&sql, &params![brand, order.get()])
        .await?
        .iter()
        .map(intent)
        .collect()
}

pub async fn set_intent_status(
    tx: &mut Tx,
    intent_no: &str,
    status: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE payment_intents SET status = $2, updated_at = $3 WHERE intent_no = $1",
        &params![intent_no, status, now],
    )
    .await?;
    Ok(())
}

/// Open intents made between `from` and `to` whose orders still wait for payment: the ones
/// whose notification may have been lost.
pub async fn stale_open_intents(
    tx: &mut Tx,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<IntentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_intents i
         WHERE i.status = 'open' AND i.created_at >= $1 AND i.created_at < $2
           AND EXISTS (SELECT 1 FROM orders o WHERE o.brand_id = i.brand_id
                       AND o.id = i.order_id AND o.status = 'pending_payment')
         ORDER BY i.created_at LIMIT $3"
    );
    tx.query(&sql, &params![from, to, limit])
        .await?
        .iter()
        .map(intent)
        .collect()
}

/// The brand's sandbox merchant secret (sealed), if the brand has payment settings yet.
pub async fn sandbox_secret(
    tx: &mut Tx,
    brand: BrandId,
) -> Result<Option<(bool, String)>, StoreError> {
    tx.query_opt(
        "SELECT sandbox_enabled, sandbox_secret FROM payment_settings WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

pub async fn insert_settings(
    tx: &mut Tx,
    brand: BrandId,
    sealed_secret: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payment_settings (brand_id, sandbox_enabled, sandbox_secret, updated_at)
         VALUES ($1, TRUE, $2, $3) ON CONFLICT (brand_id) DO NOTHING",
        &params![brand, sealed_secret, now],
    )
    .await?;
    Ok(())
}

/// The provider that took the order's money, if one did.
pub async fn provider_of(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Option<String>, StoreError> {
    tx.query_opt(
        "SELECT provider FROM payments WHERE brand_id = $1 AND order_id = $2
           AND outcome IN ('applied', 'refund_due') ORDER BY id LIMIT 1",
        &params![brand, order.get()],
    )
    .await?
    .map(|r| r.get(0))
    .transpose()
}

/// A refund waiting to be sent to its gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRefund {
    pub brand: BrandId,
    pub id: i64,
    pub order: OrderId,
    pub provider: String,
    pub refund_no: String,
    pub amount: Fen,
}

pub async fn pending_refunds(tx: &mut Tx, limit: i64) -> Result<Vec<PendingRefund>, StoreError> {
    tx.query(
        "SELECT brand_id, id, order_id, provider, refund_no, amount FROM refunds
         WHERE status = 'requested' AND provider IS NOT NULL ORDER BY created_at LIMIT $1",
        &params![limit],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(PendingRefund {
            brand: BrandId(r.get(0)?),
            id: r.get(1)?,
            order: OrderId(r.get(2)?),
            provider: r.get(3)?,
            refund_no: r.get(4)?,
            amount: Fen::new(r.get(5)?),
        })
    })
    .collect()
}

/// Marks a refund settled by its gateway (once: a second answer changes nothing).
pub async fn settle_refund(
    tx: &mut Tx,
    refund_no: &str,
    status: &str,
    now: i64,
) -> Result<u64, StoreError> {
    tx.execute(
        "UPDATE refunds SET status = $2, settled_at = $3 WHERE refund_no = $1 AND status = 'requested'",
        &params![refund_no, status, now],
    )
    .await
}

pub async fn set_refund_provider(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    provider: Option<&str>,
) -> Result<(), StoreError> {
    // A refund of money no gateway took has nothing to send: it is settled as booked.
    tx.execute(
        "UPDATE refunds SET provider = $3,
             status = CASE WHEN $3 IS NULL THEN 'succeeded' ELSE status END
         WHERE brand_id = $1 AND id = $2",
        &params![brand, id, provider],
    )
    .await?;
    Ok(())
}
