//! SQL for `shequn verify`: read-only checks of the commerce invariants over every brand.
//! Each returns how many rows it looked at and the rows that break the rule, described.

use super::db::Tx;
use super::sql::StoreError;

/// Rows checked, and the first violations (at most `limit`), each described.
pub type Findings = (i64, Vec<String>);

async fn count(tx: &mut Tx, table: &str) -> Result<i64, StoreError> {
    tx.query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .await?
        .get(0)
}

/// Stock counters: never below zero, `received = on_hand + sold − returned`, and each equal
/// to what the SKU's ledger adds up to.
pub async fn stock(tx: &mut Tx, limit: i64) -> Result<Findings, StoreError> {
    let checked = count(tx, "skus").await?;
    let rows = tx
        .query(
            "SELECT s.brand_id, s.id, s.received, s.on_hand, s.sold, s.returned,
                    COALESCE(l.received, 0), COALESCE(l.sold, 0), COALESCE(l.returned, 0)
             FROM skus s
             LEFT JOIN (
                 SELECT brand_id, sku_id,
                        CAST(SUM(CASE WHEN reason IN ('received', 'adjusted') THEN quantity ELSE 0 END) AS BIGINT) AS received,
                        CAST(SUM(CASE WHEN reason = 'sold' THEN quantity
                                 WHEN reason = 'released' THEN -quantity ELSE 0 END) AS BIGINT) AS sold,
                        CAST(SUM(CASE WHEN reason = 'returned' THEN quantity ELSE 0 END) AS BIGINT) AS returned
                 FROM stock_movements GROUP BY brand_id, sku_id
             ) l ON l.brand_id = s.brand_id AND l.sku_id = s.id
             WHERE s.on_hand < 0 OR s.received <> s.on_hand + s.sold - s.returned
                OR s.received <> COALESCE(l.received, 0) OR s.sold <> COALESCE(l.sold, 0)
                OR s.returned <> COALESCE(l.returned, 0)
             ORDER BY s.brand_id, s.id LIMIT $1",
            &params![limit],
        )
        .await?;
    let found = rows
        .iter()
        .map(|r| -> Result<String, StoreError> {
            let (brand, id): (i64, i64) = (r.get(0)?, r.get(1)?);
            let c: [i64; 4] = [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?];
            let l: [i64; 3] = [r.get(6)?, r.get(7)?, r.get(8)?];
            Ok(format!(
                "brand {brand} SKU {id}: received {} on hand {} sold {} returned {}; \
                 the ledger says received {} sold {} returned {}",
                c[0], c[1], c[2], c[3], l[0], l[1], l[2]
            ))
        })
        .collect::<Result<_, _>>()?;
    Ok((checked, found))
}

/// Orders: the total is the sum of the lines, money never runs backwards (refunded ≤ paid,
/// per line refunded ≤ the line's amount, the lines' refunds add up to the order's — except
/// a payment that arrived after the order closed, refunded whole), and the status agrees
/// with the money.
pub async fn orders(tx: &mut Tx, limit: i64) -> Result<Findings, StoreError> {
    let checked = count(tx, "orders").await?;
    let rows = tx
        .query(
            "SELECT o.brand_id, o.id, o.status, o.total, o.paid, o.refunded,
                    COALESCE(l.amount, 0), COALESCE(l.refunded, 0), COALESCE(l.over, 0)
             FROM orders o
             LEFT JOIN (
                 SELECT brand_id, order_id, CAST(SUM(unit_price * quantity) AS BIGINT) AS amount,
                        CAST(SUM(refunded) AS BIGINT) AS refunded,
                        CAST(SUM(CASE WHEN refunded > unit_price * quantity OR returned > quantity
                                 THEN 1 ELSE 0 END) AS BIGINT) AS over
                 FROM order_lines GROUP BY brand_id, order_id
             ) l ON l.brand_id = o.brand_id AND l.order_id = o.id
             WHERE o.total <> COALESCE(l.amount, 0) OR o.refunded > o.paid
                -- A payment that came after the order closed is refunded whole, on no line.
                OR (o.refunded <> COALESCE(l.refunded, 0)
                    AND NOT (o.status IN ('cancelled', 'expired') AND COALESCE(l.refunded, 0) = 0))
                OR COALESCE(l.over, 0) > 0
                OR (o.status = 'pending_payment' AND o.paid <> 0)
                OR (o.status IN ('paid', 'shipped', 'completed') AND o.paid <> o.total)
                OR (o.status IN ('cancelled', 'expired') AND o.paid <> o.refunded)
                OR (o.status = 'refunded' AND (o.paid = 0 OR o.refunded <> o.paid))
             ORDER BY o.brand_id, o.id LIMIT $1",
            &params![limit],
        )
        .await?;
    let found = rows
        .iter()
        .map(|r| -> Result<String, StoreError> {
            let (brand, id, status): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let (total, paid, refunded): (i64, i64, i64) = (r.get(3)?, r.get(4)?, r.get(5)?);
            let (lines, lines_refunded): (i64, i64) = (r.get(6)?, r.get(7)?);
            Ok(format!(
                "brand {brand} order {id} ({status}): total {total} fen but its lines add up to \
                 {lines}; paid {paid}, refunded {refunded} (lines refunded {lines_refunded})"
            ))
        })
        .collect::<Result<_, _>>()?;
    Ok((checked, found))
}

/// Idempotency keys: one stored answer per (brand, caller, key), so a key never made two
/// orders.
pub async fn idempotency(tx: &mut Tx, limit: i64) -> Result<Findings, StoreError> {
    let checked = count(tx, "idempotency_records").await?;
    let rows = tx
        .query(
            "SELECT caller, key, COUNT(*) FROM idempotency_records GROUP BY brand_id, caller, key
             HAVING COUNT(*) > 1 LIMIT $1",
            &params![limit],
        )
        .await?;
    let found = rows
        .iter()
        .map(|r| -> Result<String, StoreError> {
            let (scope, key, n): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(format!(
                "idempotency key {key} of {scope} answered {n} times"
            ))
        })
        .collect::<Result<_, _>>()?;
    Ok((checked, found))
}
