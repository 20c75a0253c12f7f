//! SQL for seeding the demo's order history at working size
//! ([`crate::usecases::demo_orders`]): the wide reads it plans from (buyers, their groups,
//! the stores and their managers) and multi-row INSERTs of ready-made orders with their
//! lines, timelines, payments, payment intents, refunds and shipping addresses, at most
//! [`MAX_PARAMS_SQLITE`] or [`MAX_PARAMS_POSTGRES`] parameters a statement.
//!
//! It also writes the sandbox gateway's books for those payments (otherwise only the
//! gateway's use cases touch them), so that staff can refund a demo order through the
//! sandbox like any other.

use std::fmt::Write as _;

use shequn_domain::order::{Order, OrderLine, OrderStatus};
use shequn_domain::{BrandId, CommunityId, CustomerId, Fen, OrderId, StaffId, StoreId};

use super::db::{Engine, Tx};
use super::orders::OrderMeta;
use super::sql::{StoreError, Value};

/// Parameters one statement binds at most, by engine. SQLite finds a `$N` parameter by
/// name in a list, so binding a statement costs the square of its parameters: a hundred
/// is fastest (the whole history's rows took ~3.5 s this way against ~90 s at 10,000 in a
/// measurement with Python's sqlite3). PostgreSQL binds by position, and there each
/// statement is a round trip: thousands of rows a statement, below its limit of 65,535.
pub const MAX_PARAMS_SQLITE: usize = 100;
pub const MAX_PARAMS_POSTGRES: usize = 10_000;

/// A customer who may buy: who, how to ship to them, where they belong, since when.
#[derive(Debug, Clone)]
pub struct Buyer {
    pub id: CustomerId,
    pub nickname: String,
    /// The whole number (it goes on the parcel).
    pub phone: Option<String>,
    pub store: Option<StoreId>,
    pub guide: Option<StaffId>,
    pub since: i64,
}

/// The brand's customers, first arrived first.
pub async fn buyers(tx: &mut Tx, brand: BrandId) -> Result<Vec<Buyer>, StoreError> {
    tx.query(
        "SELECT id, nickname, phone, store_id, guide_staff_id, created_at FROM customers
         WHERE brand_id = $1 ORDER BY created_at, id",
        &params![brand],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Buyer {
            id: CustomerId(r.get(0)?),
            nickname: r.get(1)?,
            phone: r.get(2)?,
            store: r.get::<Option<i64>>(3)?.map(StoreId),
            guide: r.get::<Option<i64>>(4)?.map(StaffId),
            since: r.get(5)?,
        })
    })
    .collect()
}

/// One stint of a customer in a community.
#[derive(Debug, Clone, Copy)]
pub struct Stint {
    pub customer: CustomerId,
    pub community: CommunityId,
    pub joined: i64,
    pub left: Option<i64>,
}

/// Every membership stint of the brand, by customer and then by when it began.
pub async fn stints(tx: &mut Tx, brand: BrandId) -> Result<Vec<Stint>, StoreError> {
    tx.query(
        "SELECT customer_id, community_id, joined_at, left_at FROM community_members
         WHERE brand_id = $1 ORDER BY customer_id, joined_at, id",
        &params![brand],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Stint {
            customer: CustomerId(r.get(0)?),
            community: CommunityId(r.get(1)?),
            joined: r.get(2)?,
            left: r.get(3)?,
        })
    })
    .collect()
}

/// A store: its address (parcels go to its city) and a manager who approves its refunds.
#[derive(Debug, Clone)]
pub struct Place {
    pub store: StoreId,
    pub address: String,
    pub manager: Option<StaffId>,
}

pub async fn places(tx: &mut Tx, brand: BrandId) -> Result<Vec<Place>, StoreError> {
    tx.query(
        "SELECT s.id, s.address,
                (SELECT MIN(m.id) FROM staff m WHERE m.brand_id = s.brand_id AND m.store_id = s.id
                    AND m.role = 'store_manager' AND m.active)
         FROM stores s WHERE s.brand_id = $1 ORDER BY s.id",
        &params![brand],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Place {
            store: StoreId(r.get(0)?),
            address: r.get(1)?,
            manager: r.get::<Option<i64>>(2)?.map(StaffId),
        })
    })
    .collect()
}

pub async fn count_orders(tx: &mut Tx, brand: BrandId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM orders WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .get(0)
}

pub async fn count_products(tx: &mut Tx, brand: BrandId) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM products WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .get(0)
}

/// `n` fresh order ids, ascending, so that rows referring to an order can be written in
/// bulk beside it. Ids belong to the table, not to a brand: on SQLite the one writer
/// makes the ids after the largest free for this transaction; on PostgreSQL they are taken
/// from the identity's sequence, which other sessions then never hand out.
pub async fn reserve_order_ids(tx: &mut Tx, n: usize) -> Result<Vec<OrderId>, StoreError> {
    let count = i64::try_from(n).map_err(|e| StoreError::Other(e.to_string()))?;
    let mut ids: Vec<i64> = match tx.engine() {
        Engine::Sqlite => {
            let max: i64 = tx
                .query_one("SELECT COALESCE(MAX(id), 0) FROM orders", &[])
                .await?
                .get(0)?;
            (max + 1..=max + count).collect()
        }
        Engine::Postgres => tx
            .query(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id'))
                 FROM generate_series(1, $1)",
                &params![count],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<_, _>>()?,
    };
    ids.sort_unstable();
    Ok(ids.into_iter().map(OrderId).collect())
}

/// One table's multi-row INSERT: the statement up to `VALUES`, and one row with `$1`… for
/// the parameters every row shares (the brand) and `?` for each of its own (no `?`
/// anywhere else).
#[derive(Debug, Clone, Copy)]
struct Bulk {
    head: &'static str,
    row: &'static str,
}

impl Bulk {
    fn width(self) -> usize {
        self.row.matches('?').count()
    }

    /// The statement for `rows` rows, its `?`s numbered from `$first`.
    fn statement(self, rows: usize, first: usize) -> String {
        let mut sql = String::with_capacity(self.head.len() + rows * (self.row.len() * 2));
        sql.push_str(self.head);
        let mut next = first;
        for r in 0..rows {
            sql.push_str(if r == 0 { " " } else { ", " });
            for c in self.row.chars() {
                if c == '?' {
                    // Writing to a String cannot fail.
                    let _ = write!(sql, "${next}");
                    next += 1;
                } else {
                    sql.push(c);
                }
            }
        }
        sql
    }
}

/// Inserts `rows`, as many a statement as the engine's bound allows: `shared` are `$1`…, and
/// `bind` pushes one row's own parameters in the order of `bulk`'s `?`s. Returns the rows
/// written.
async fn insert_rows<'a, T: Sync>(
    tx: &mut Tx,
    shared: &[Value<'a>],
    bulk: Bulk,
    rows: &'a [T],
    bind: impl Fn(&'a T, &mut Vec<Value<'a>>) + Send + Sync,
) -> Result<u64, StoreError> {
    let (lead, width) = (shared.len(), bulk.width());
    let max = match tx.engine() {
        Engine::Sqlite => MAX_PARAMS_SQLITE,
        Engine::Postgres => MAX_PARAMS_POSTGRES,
    };
    let per_statement = (max.saturating_sub(lead) / width.max(1)).max(1);
    let full = bulk.statement(per_statement, lead + 1);
    let mut written = 0;
    for chunk in rows.chunks(per_statement) {
        let mut params: Vec<Value<'a>> = Vec::with_capacity(lead + chunk.len() * width);
        params.extend_from_slice(shared);
        for row in chunk {
            bind(row, &mut params);
        }
        if params.len() != lead + chunk.len() * width {
            return Err(StoreError::Other(format!(
                "`{}` binds {} parameters for {} rows of {width}",
                bulk.head,
                params.len() - lead,
                chunk.len()
            )));
        }
        if chunk.len() == per_statement {
            written += tx.execute(&full, &params).await?;
        } else {
            let last = bulk.statement(chunk.len(), lead + 1);
            written += tx.execute(&last, &params).await?;
        }
    }
    Ok(written)
}

/// An order as it stands, with its id reserved, and when it last changed.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder<'a> {
    pub meta: &'a OrderMeta,
    pub order: &'a Order,
    pub updated_at: i64,
}

const ORDERS: Bulk = Bulk {
    head: "INSERT INTO orders (id, brand_id, customer_id, store_id, guide_id, community_id,
               status, total, paid, refunded, placed_at, pay_deadline, paid_at, shipped_at,
               completed_at, closed_at, placed_by, updated_at) VALUES",
    row: "(?, $1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

const LINES: Bulk = Bulk {
    head: "INSERT INTO order_lines (brand_id, order_id, line_no, sku_id, title, unit_price,
               quantity, refunded, returned) VALUES",
    row: "($1, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/// Writes the orders and their lines.
pub async fn insert_orders(
    tx: &mut Tx,
    brand: BrandId,
    orders: &[NewOrder<'_>],
) -> Result<(u64, u64), StoreError> {
    let n = insert_rows(tx, &[Value::from(brand)], ORDERS, orders, |o, v| {
        let (m, x) = (o.meta, o.order);
        v.extend([
            Value::from(m.id),
            Value::from(m.customer.get()),
            Value::from(m.store),
            Value::from(m.guide),
            Value::from(m.community),
            Value::from(x.status.as_str()),
            Value::from(x.total.get()),
            Value::from(x.paid.get()),
            Value::from(x.refunded.get()),
            Value::from(x.placed_at),
            Value::from(x.pay_deadline),
            Value::from(x.paid_at),
            Value::from(x.shipped_at),
            Value::from(x.completed_at),
            Value::from(x.closed_at),
            Value::from(m.placed_by),
            Value::from(o.updated_at),
        ]);
    })
    .await?;
    let lines: Vec<(OrderId, i64, &OrderLine)> = orders
        .iter()
        .flat_map(|o| {
            o.order
                .lines
                .iter()
                .enumerate()
                .map(move |(i, l)| (o.meta.id, i as i64, l))
        })
        .collect();
    let l = insert_rows(
        tx,
        &[Value::from(brand)],
        LINES,
        &lines,
        |(id, no, l), v| {
            v.extend([
                Value::from(*id),
                Value::from(*no),
                Value::from(l.sku),
                Value::from(l.title.as_str()),
                Value::from(l.unit_price.get()),
                Value::from(i64::from(l.quantity)),
                Value::from(l.refunded.get()),
                Value::from(i64::from(l.returned)),
            ]);
        },
    )
    .await?;
    Ok((n, l))
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub order: OrderId,
    pub event: &'a str,
    pub status_after: OrderStatus,
    /// JSON.
    pub detail: &'a str,
    pub staff: Option<StaffId>,
    pub at: i64,
}

const EVENTS: Bulk = Bulk {
    head: "INSERT INTO order_events (brand_id, order_id, event, status_after, detail, staff_id,
               at) VALUES",
    row: "($1, ?, ?, ?, ?, ?, ?)",
};

/// Writes timeline entries; each order's in the order given (a timeline reads by id).
pub async fn insert_events(
    tx: &mut Tx,
    brand: BrandId,
    events: &[NewEvent<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(brand)], EVENTS, events, |e, v| {
        v.extend([
            Value::from(e.order),
            Value::from(e.event),
            Value::from(e.status_after.as_str()),
            Value::from(e.detail),
            Value::from(e.staff),
            Value::from(e.at),
        ]);
    })
    .await
}

/// A payment the sandbox gateway reported, and how it was applied.
#[derive(Debug, Clone, Copy)]
pub struct NewPayment<'a> {
    pub order: OrderId,
    pub transaction: &'a str,
    pub amount: Fen,
    /// applied | refund_due
    pub outcome: &'a str,
    pub at: i64,
}

const PAYMENTS: Bulk = Bulk {
    head: "INSERT INTO payments (brand_id, order_id, provider, transaction_id, amount, outcome,
               received_at) VALUES",
    row: "($1, ?, 'sandbox', ?, ?, ?, ?)",
};

pub async fn insert_payments(
    tx: &mut Tx,
    brand: BrandId,
    payments: &[NewPayment<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(brand)], PAYMENTS, payments, |p, v| {
        v.extend([
            Value::from(p.order),
            Value::from(p.transaction),
            Value::from(p.amount.get()),
            Value::from(p.outcome),
            Value::from(p.at),
        ]);
    })
    .await
}

/// What the shop asked the sandbox gateway to collect for an order.
#[derive(Debug, Clone, Copy)]
pub struct NewIntent<'a> {
    pub order: OrderId,
    pub intent_no: &'a str,
    pub amount: Fen,
    /// open | paid | closed
    pub status: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
}

const INTENTS: Bulk = Bulk {
    head: "INSERT INTO payment_intents (brand_id, order_id, provider, intent_no, amount, status,
               created_at, updated_at) VALUES",
    row: "($1, ?, 'sandbox', ?, ?, ?, ?, ?)",
};

pub async fn insert_intents(
    tx: &mut Tx,
    brand: BrandId,
    intents: &[NewIntent<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(brand)], INTENTS, intents, |i, v| {
        v.extend([
            Value::from(i.order),
            Value::from(i.intent_no),
            Value::from(i.amount.get()),
            Value::from(i.status),
            Value::from(i.created_at),
            Value::from(i.updated_at),
        ]);
    })
    .await
}

/// A refund the sandbox gateway has paid back.
#[derive(Debug, Clone, Copy)]
pub struct NewRefund<'a> {
    pub order: OrderId,
    pub line_no: Option<i64>,
    pub amount: Fen,
    pub restock: i64,
    pub refund_no: &'a str,
    pub reason: &'a str,
    pub staff: Option<StaffId>,
    pub at: i64,
    pub settled_at: i64,
}

const REFUNDS: Bulk = Bulk {
    head: "INSERT INTO refunds (brand_id, order_id, line_no, amount, restock, refund_no, status,
               reason, staff_id, created_at, provider, settled_at) VALUES",
    row: "($1, ?, ?, ?, ?, ?, 'succeeded', ?, ?, ?, 'sandbox', ?)",
};

pub async fn insert_refunds(
    tx: &mut Tx,
    brand: BrandId,
    refunds: &[NewRefund<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(brand)], REFUNDS, refunds, |r, v| {
        v.extend([
            Value::from(r.order),
            Value::from(r.line_no),
            Value::from(r.amount.get()),
            Value::from(r.restock),
            Value::from(r.refund_no),
            Value::from(r.reason),
            Value::from(r.staff),
            Value::from(r.at),
            Value::from(r.settled_at),
        ]);
    })
    .await
}

/// Where an order ships.
#[derive(Debug, Clone, Copy)]
pub struct NewShipping<'a> {
    pub order: OrderId,
    pub recipient: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
    pub note: &'a str,
    /// The checkout form's key (one order per key).
    pub checkout_key: &'a str,
}

const SHIPPING: Bulk = Bulk {
    head: "INSERT INTO order_shipping (brand_id, order_id, recipient, phone, address, note,
               checkout_key) VALUES",
    row: "($1, ?, ?, ?, ?, ?, ?)",
};

pub async fn insert_shipping(
    tx: &mut Tx,
    brand: BrandId,
    shipping: &[NewShipping<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(brand)], SHIPPING, shipping, |s, v| {
        v.extend([
            Value::from(s.order),
            Value::from(s.recipient),
            Value::from(s.phone),
            Value::from(s.address),
            Value::from(s.note),
            Value::from(s.checkout_key),
        ]);
    })
    .await
}

/// A charge in the sandbox gateway's books, as its pay page and notifications leave it.
#[derive(Debug, Clone, Copy)]
pub struct NewCharge<'a> {
    pub intent_no: &'a str,
    pub amount: Fen,
    pub description: &'a str,
    pub notify_url: &'a str,
    pub return_url: &'a str,
    /// open | paid | closed
    pub status: &'a str,
    pub transaction: Option<&'a str>,
    pub paid_at: Option<i64>,
    pub created_at: i64,
}

const CHARGES: Bulk = Bulk {
    head: "INSERT INTO sandbox_charges (merchant, intent_no, amount, description, notify_url,
               return_url, status, transaction_id, paid_at, created_at) VALUES",
    row: "($1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/// Writes charges of the merchant `merchant` (the brand's slug) into the sandbox's books.
pub async fn insert_charges(
    tx: &mut Tx,
    merchant: &str,
    charges: &[NewCharge<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[Value::from(merchant)], CHARGES, charges, |c, v| {
        v.extend([
            Value::from(c.intent_no),
            Value::from(c.amount.get()),
            Value::from(c.description),
            Value::from(c.notify_url),
            Value::from(c.return_url),
            Value::from(c.status),
            Value::from(c.transaction),
            Value::from(c.paid_at),
            Value::from(c.created_at),
        ]);
    })
    .await
}

/// A refund the sandbox gateway paid back on a charge.
#[derive(Debug, Clone, Copy)]
pub struct NewGatewayRefund<'a> {
    pub refund_no: &'a str,
    pub intent_no: &'a str,
    pub amount: Fen,
    pub at: i64,
}

const GATEWAY_REFUNDS: Bulk = Bulk {
    head: "INSERT INTO sandbox_refunds (refund_no, intent_no, amount, created_at) VALUES",
    row: "(?, ?, ?, ?)",
};

pub async fn insert_gateway_refunds(
    tx: &mut Tx,
    refunds: &[NewGatewayRefund<'_>],
) -> Result<u64, StoreError> {
    insert_rows(tx, &[], GATEWAY_REFUNDS, refunds, |r, v| {
        v.extend([
            Value::from(r.refund_no),
            Value::from(r.intent_no),
            Value::from(r.amount.get()),
            Value::from(r.at),
        ]);
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_numbers_each_rows_parameters_after_the_brand() {
        let bulk = Bulk {
            head: "INSERT INTO t (brand_id, a, kind, b) VALUES",
            row: "($1, ?, 'x', ?)",
        };
        assert_eq!(bulk.width(), 2);
        assert_eq!(
            bulk.statement(2, 2),
            "INSERT INTO t (brand_id, a, kind, b) VALUES ($1, $2, 'x', $3), ($1, $4, 'x', $5)"
        );
        for b in [
            ORDERS,
            LINES,
            EVENTS,
            PAYMENTS,
            INTENTS,
            REFUNDS,
            SHIPPING,
            CHARGES,
            GATEWAY_REFUNDS,
        ] {
            let columns = b.head.matches(',').count() + 1;
            assert_eq!(
                b.row.matches(',').count() + 1,
                columns,
                "{}: a value for each column",
                b.head
            );
        }
    }
}
