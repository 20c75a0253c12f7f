//! SQL for orders: the header and lines of the domain's `Order`, read and written whole,
//! the order's timeline, and the brand's payment window.

use shequn_domain::order::{Order, OrderLine, OrderStatus};
use shequn_domain::{
    BrandId, CommunityId, Cursor, CustomerId, Fen, OrderId, PageSize, SkuId, StaffId, StoreId,
};

use super::db::{Engine, Tx};
use super::sql::{StoreError, decoded, take_total};

/// Who an order is for and where it came through (for KPIs later).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderMeta {
    pub id: OrderId,
    pub customer: CustomerId,
    pub store: Option<StoreId>,
    pub guide: Option<StaffId>,
    pub community: Option<CommunityId>,
    pub placed_by: Option<StaffId>,
}

/// Writes a new order with its lines; returns its id.
pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    meta: &OrderMeta,
    o: &Order,
    now: i64,
) -> Result<OrderId, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO orders (brand_id, customer_id, store_id, guide_id, community_id, status,
                 total, paid, refunded, placed_at, pay_deadline, placed_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &params![
                brand,
                meta.customer.get(),
                meta.store,
                meta.guide,
                meta.community.map(CommunityId::get),
                o.status.as_str(),
                o.total.get(),
                o.paid.get(),
                o.refunded.get(),
                o.placed_at,
                o.pay_deadline,
                meta.placed_by,
                now
            ],
        )
        .await?
        .get(0)?;
    for (n, l) in o.lines.iter().enumerate() {
        tx.execute(
            "INSERT INTO order_lines (brand_id, order_id, line_no, sku_id, title, unit_price,
                 quantity, refunded, returned)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &params![
                brand,
                id,
                n as i64,
                l.sku.get(),
                l.title.as_str(),
                l.unit_price.get(),
                i64::from(l.quantity),
                l.refunded.get(),
                i64::from(l.returned)
            ],
        )
        .await?;
    }
    Ok(OrderId(id))
}

/// The order and its lines, locked until the transaction ends on PostgreSQL (a payment
/// notification and an expiry racing for one order queue up; SQLite's one writer already
/// serialises them).
pub async fn load(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
) -> Result<Option<(OrderMeta, Order)>, StoreError> {
    let lock = match tx.engine() {
        Engine::Postgres => "FOR UPDATE",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "SELECT id, customer_id, store_id, guide_id, community_id, placed_by, status, total, paid,
                refunded, placed_at, pay_deadline, paid_at, shipped_at, completed_at, closed_at
         FROM orders WHERE brand_id = $1 AND id = $2 {lock}"
    );
    let Some(r) = tx.query_opt(&sql, &params![brand, id.get()]).await? else {
        return Ok(None);
    };
    let status: String = r.get(6)?;
    let meta = OrderMeta {
        id: OrderId(r.get(0)?),
        customer: CustomerId(r.get(1)?),
        store: r.get::<Option<i64>>(2)?.map(StoreId),
        guide: r.get::<Option<i64>>(3)?.map(StaffId),
        community: r.get::<Option<i64>>(4)?.map(CommunityId),
        placed_by: r.get::<Option<i64>>(5)?.map(StaffId),
    };
    let lines = tx
        .query(
            "SELECT sku_id, title, unit_price, quantity, refunded, returned FROM order_lines
             WHERE brand_id = $1 AND order_id = $2 ORDER BY line_no",
            &params![brand, id.get()],
        )
        .await?
        .iter()
        .map(|l| {
            Ok(OrderLine {
                sku: SkuId(l.get(0)?),
                title: l.get(1)?,
                unit_price: Fen::new(l.get(2)?),
                quantity: u32::try_from(l.get::<i64>(3)?)
                    .map_err(|e| StoreError::Decode(e.to_string()))?,
                refunded: Fen::new(l.get(4)?),
                returned: u32::try_from(l.get::<i64>(5)?)
                    .map_err(|e| StoreError::Decode(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let order = Order {
        status: decoded(OrderStatus::parse("status", &status))?,
        lines,
        total: Fen::new(r.get(7)?),
        paid: Fen::new(r.get(8)?),
        refunded: Fen::new(r.get(9)?),
        placed_at: r.get(10)?,
        pay_deadline: r.get(11)?,
        paid_at: r.get(12)?,
        shipped_at: r.get(13)?,
        completed_at: r.get(14)?,
        closed_at: r.get(15)?,
    };
    Ok(Some((meta, order)))
}

/// Writes what an event changed: the header's status, money and times, and each line's
/// refunded and returned.
pub async fn save(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
    o: &Order,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE orders SET status = $3, paid = $4, refunded = $5, paid_at = $6, shipped_at = $7,
             completed_at = $8, closed_at = $9, updated_at = $10
         WHERE brand_id = $1 AND id = $2",
        &params![
            brand,
            id.get(),
            o.status.as_str(),
            o.paid.get(),
            o.refunded.get(),
            o.paid_at,
            o.shipped_at,
            o.completed_at,
            o.closed_at,
            now
        ],
    )
    .await?;
    for (n, l) in o.lines.iter().enumerate() {
        tx.execute(
            "UPDATE order_lines SET refunded = $4, returned = $5
             WHERE brand_id = $1 AND order_id = $2 AND line_no = $3",
            &params![
                brand,
                id.get(),
                n as i64,
                l.refunded.get(),
                i64::from(l.returned)
            ],
        )
        .await?;
    }
    Ok(())
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineEntry {
    pub event: String,
    pub status_after: String,
    /// JSON.
    pub detail: String,
    pub staff: Option<StaffId>,
    pub at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
    event: &str,
    status_after: OrderStatus,
    detail: &str,
    staff: Option<StaffId>,
    at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO order_events (brand_id, order_id, event, status_after, detail, staff_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &params![
            brand,
            id.get(),
            event,
            status_after.as_str(),
            detail,
            staff,
            at
        ],
    )
    .await?;
    Ok(())
}

pub async fn timeline(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
) -> Result<Vec<TimelineEntry>, StoreError> {
    tx.query(
        "SELECT event, status_after, detail, staff_id, at FROM order_events
         WHERE brand_id = $1 AND order_id = $2 ORDER BY id",
        &params![brand, id.get()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(TimelineEntry {
            event: r.get(0)?,
            status_after: r.get(1)?,
            detail: r.get(2)?,
            staff: r.get::<Option<i64>>(3)?.map(StaffId),
            at: r.get(4)?,
        })
    })
    .collect()
}

/// What an order list is narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub customer: Option<CustomerId>,
    pub store: Option<StoreId>,
    /// Placed at or after (UTC ms).
    pub from: Option<i64>,
    /// Placed before (UTC ms).
    pub to: Option<i64>,
}

/// Orders newest first (ids before `before`), and the total: (id, status, total, customer,
/// store, placed_at).
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    f: &OrderFilter,
    before: Cursor,
    limit: PageSize,
) -> Result<(Vec<OrderId>, Option<i64>), StoreError> {
    let mut rows = tx
        .query(
            "SELECT * FROM (
               SELECT id, COUNT(*) OVER () AS listed FROM orders
               WHERE brand_id = $1 AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR customer_id = $4)
                 AND ($5 IS NULL OR store_id = $5) AND ($6 IS NULL OR placed_at >= $6)
                 AND ($7 IS NULL OR placed_at < $7)
             ) AS matching WHERE ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $8",
            &params![
                brand,
                before.0,
                f.status.map(OrderStatus::as_str),
                f.customer.map(CustomerId::get),
                f.store,
                f.from,
                f.to,
                i64::from(limit.get())
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let ids = rows
        .iter()
        .map(|r| Ok(OrderId(r.get(0)?)))
        .collect::<Result<_, StoreError>>()?;
    Ok((ids, total))
}

/// The brand's payment window in minutes (30 unless set).
pub async fn pay_within_minutes(tx: &mut Tx, brand: BrandId) -> Result<i64, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT pay_within_minutes FROM order_settings WHERE brand_id = $1",
            &params![brand],
        )
        .await?
        .map(|r| r.get(0))
        .transpose()?
        .unwrap_or(30))
}

pub async fn set_pay_within_minutes(
    tx: &mut Tx,
    brand: BrandId,
    minutes: i64,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO order_settings (brand_id, pay_within_minutes, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (brand_id) DO UPDATE SET pay_within_minutes = excluded.pay_within_minutes,
             updated_at = excluded.updated_at",
        &params![brand, minutes, now],
    )
    .await?;
    Ok(())
}

/// How an earlier report of this gateway transaction was applied, if it was.
pub async fn payment_outcome(
    tx: &mut Tx,
    brand: BrandId,
    provider: &str,
    transaction: &str,
) -> Result<Option<(OrderId, String)>, StoreError> {
    tx.query_opt(
        "SELECT order_id, outcome FROM payments
         WHERE brand_id = $1 AND provider = $2 AND transaction_id = $3",
        &params![brand, provider, transaction],
    )
    .await?
    .map(|r| Ok((OrderId(r.get(0)?), r.get(1)?)))
    .transpose()
}

#[allow(clippy::too_many_arguments)]
pub async fn record_payment(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
    provider: &str,
    transaction: &str,
    amount: Fen,
    outcome: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payments (brand_id, order_id, provider, transaction_id, amount, outcome,
             received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &params![
            brand,
            order.get(),
            provider,
            transaction,
            amount.get(),
            outcome,
            now
        ],
    )
    .await?;
    Ok(())
}

/// A refund booked on an order, waiting for (or done by) the gateway.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefundRecord {
    pub id: i64,
    pub order: OrderId,
    pub line_no: Option<i64>,
    pub amount: Fen,
    pub restock: i64,
    /// Sent to the gateway with every attempt of this refund.
    pub refund_no: String,
    pub status: String,
    pub reason: String,
    pub staff: Option<StaffId>,
    pub created_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_refund(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
    line_no: Option<i64>,
    amount: Fen,
    restock: i64,
    refund_no: &str,
    reason: &str,
    staff: Option<StaffId>,
    now: i64,
) -> Result<i64, StoreError> {
    tx.query_one(
        "INSERT INTO refunds (brand_id, order_id, line_no, amount, restock, refund_no, status,
             reason, staff_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9) RETURNING id",
        &params![
            brand,
            order.get(),
            line_no,
            amount.get(),
            restock,
            refund_no,
            reason,
            staff,
            now
        ],
    )
    .await?
    .get(0)
}

pub async fn refunds_of(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Vec<RefundRecord>, StoreError> {
    tx.query(
        "SELECT id, order_id, line_no, amount, restock, refund_no, status, reason, staff_id,
                created_at
         FROM refunds WHERE brand_id = $1 AND order_id = $2 ORDER BY id",
        &params![brand, order.get()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(RefundRecord {
            id: r.get(0)?,
            order: OrderId(r.get(1)?),
            line_no: r.get(2)?,
            amount: Fen::new(r.get(3)?),
            restock: r.get(4)?,
            refund_no: r.get(5)?,
            status: r.get(6)?,
            reason: r.get(7)?,
            staff: r.get::<Option<i64>>(8)?.map(StaffId),
            created_at: r.get(9)?,
        })
    })
    .collect()
}
