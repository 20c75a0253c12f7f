//! SQL for refund and return requests.

use shequn_domain::{BrandId, Cursor, Fen, OrderId, PageSize, StaffId, StoreId};

use super::db::Tx;
use super::sql::{Row, StoreError, take_total};

/// A request as stored, with its order's line title and the refund it booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    pub order: OrderId,
    pub line: Option<i64>,
    pub line_title: Option<String>,
    pub amount: Fen,
    pub quantity: i64,
    pub reason: String,
    pub status: String,
    pub decided_by: Option<StaffId>,
    pub decision_note: String,
    pub refund_no: Option<String>,
    pub refund_status: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const SELECT: &str = "SELECT q.id, q.order_id, q.line_no, l.title, q.amount, q.quantity, q.reason,
        q.status, q.decided_by, q.decision_note, r.refund_no, r.status, q.created_at, q.decided_at
     FROM refund_requests q
     LEFT JOIN order_lines l ON l.brand_id = q.brand_id AND l.order_id = q.order_id
          AND l.line_no = q.line_no
     LEFT JOIN refunds r ON r.brand_id = q.brand_id AND r.id = q.refund_id";

fn request(r: &Row) -> Result<RequestRow, StoreError> {
    Ok(RequestRow {
        id: r.get(0)?,
        order: OrderId(r.get(1)?),
        line: r.get(2)?,
        line_title: r.get(3)?,
        amount: Fen::new(r.get(4)?),
        quantity: r.get(5)?,
        reason: r.get(6)?,
        status: r.get(7)?,
        decided_by: r.get::<Option<i64>>(8)?.map(StaffId),
        decision_note: r.get(9)?,
        refund_no: r.get(10)?,
        refund_status: r.get(11)?,
        created_at: r.get(12)?,
        decided_at: r.get(13)?,
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
    line: Option<i64>,
    amount: Fen,
    quantity: i64,
    reason: &str,
    now: i64,
) -> Result<i64, StoreError> {
    tx.query_one(
        "INSERT INTO refund_requests (brand_id, order_id, line_no, amount, quantity, reason,
             status, decision_note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'requested', '', $7) RETURNING id",
        &params![
            brand,
            order.get(),
            line,
            amount.get(),
            quantity,
            reason,
            now
        ],
    )
    .await?
    .get(0)
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<RequestRow>, StoreError> {
    let sql = format!("{SELECT} WHERE q.brand_id = $1 AND q.id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(request)
        .transpose()
}

/// The request, locked for a decision (PostgreSQL; SQLite's one writer serialises).
pub async fn lock(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<String>, StoreError> {
    let lock = match tx.engine() {
        crate::Engine::Postgres => "FOR UPDATE",
        crate::Engine::Sqlite => "",
    };
    let sql = format!("SELECT status FROM refund_requests WHERE brand_id = $1 AND id = $2 {lock}");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .map(|r| r.get(0))
        .transpose()
}

pub async fn of_order(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Vec<RequestRow>, StoreError> {
    let sql = format!("{SELECT} WHERE q.brand_id = $1 AND q.order_id = $2 ORDER BY q.id");
    tx.query(&sql, &params![brand, order.get()])
        .await?
        .iter()
        .map(request)
        .collect()
}

/// Open requests' total on the order (and on one line, when given).
pub async fn open_amount(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
    line: Option<i64>,
) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM refund_requests
         WHERE brand_id = $1 AND order_id = $2 AND status = 'requested'
           AND ($3 IS NULL OR line_no = $3)",
        &params![brand, order.get(), line],
    )
    .await?
    .get(0)
}

#[allow(clippy::too_many_arguments)]
pub async fn decide(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    status: &str,
    staff: StaffId,
    note: &str,
    refund: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE refund_requests SET status = $3, decided_by = $4, decision_note = $5,
             refund_id = $6, decided_at = $7
         WHERE brand_id = $1 AND id = $2",
        &params![brand, id, status, staff, note, refund, now],
    )
    .await?;
    Ok(())
}

/// Requests newest first, optionally by status and narrowed to one store's orders.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    status: Option<&str>,
    store: Option<StoreId>,
    before: Cursor,
    size: PageSize,
) -> Result<(Vec<RequestRow>, Option<i64>), StoreError> {
    let sql = "SELECT * FROM (
           SELECT q.id, COUNT(*) OVER () AS listed FROM refund_requests q
           JOIN orders o ON o.brand_id = q.brand_id AND o.id = q.order_id
           WHERE q.brand_id = $1 AND ($2 IS NULL OR q.status = $2)
             AND ($3 IS NULL OR o.store_id = $3)
         ) AS matching WHERE ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5";
    let mut rows = tx
        .query(
            sql,
            &params![brand, status, store, before.0, i64::from(size.get())],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = get(tx, brand, id).await? {
            out.push(r);
        }
    }
    Ok((out, total))
}
