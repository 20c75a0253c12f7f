//! Orders: placing one (prices from the catalogue, stock reserved, the expiry scheduled,
//! all in one transaction), cancelling an unpaid one, the expiry job, reading them.
//!
//! Every change goes through the domain's `Order::apply`; what it says must happen (stock
//! released or returned, money due back) happens in the same transaction, and the timeline
//! records it. Staff place orders for a customer (代客下单) for now; the customers' own
//! store pages and payments come next and use the same use case.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shequn_domain::order::{Order, OrderEvent, OrderStatus, Outcome};
use shequn_domain::stock::StockReason;
use shequn_domain::{
    Actor, BrandId, CommunityId, Cursor, CustomerId, OrderId, PageSize, Placement, Reason, Role,
    SkuId, StaffId, StoreId,
};

use crate::clock::now_ms;
use crate::storage::catalogue::{self, Move};
use crate::storage::db::Tx;
use crate::storage::orders::{self as store, OrderFilter, OrderMeta, TimelineEntry};
use crate::usecases::Page;
use crate::usecases::catalogue::move_stock_in;
use crate::usecases::customers::visible as visible_customer;
use crate::usecases::jobs::{self, HandlerFuture};
use crate::{AppError, Db};

/// The job that closes an unpaid order at its deadline.
pub const EXPIRE_JOB: &str = "order.expire";
const MINUTE_MS: i64 = 60_000;

/// One line as asked for: a SKU and how many. A price a client sends is not read.
#[derive(Debug, Clone)]
pub struct LineInput {
    pub sku: i64,
    pub quantity: i64,
}

/// An order as asked for.
#[derive(Debug, Clone)]
pub struct PlaceInput {
    pub customer: i64,
    pub lines: Vec<LineInput>,
    /// The community it came through, if any.
    pub community: Option<i64>,
}

/// An order with who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub meta: OrderMeta,
    pub order: Order,
}

/// The dedupe key of an order's expiry job.
pub(crate) fn expire_key(id: OrderId) -> String {
    format!("order:{}", id.get())
}

/// Places an order: looks the prices up, reserves each SKU's units (a SKU without enough
/// on hand refuses the whole order with `out_of_stock`), and schedules its expiry.
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, lines = input.lines.len()))]
pub async fn place(db: &Db, actor: &Actor, input: PlaceInput) -> Result<Placed, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let customer = CustomerId(input.customer);
            let (c, _) = visible_customer(tx, &actor, customer)
                .await
                .map_err(|_| AppError::invalid("customer_id", Reason::UnknownCustomer))?;
            let by = Buyer {
                customer,
                store: c.store_id,
                guide: c.guide_id,
                community: input.community.map(CommunityId),
                placed_by: Some(actor.staff),
            };
            place_in(tx, actor.brand, by, &input.lines, now_ms()).await
        })
    })
    .await
}

/// Who an order is for and where it came through.
#[derive(Debug, Clone, Copy)]
pub struct Buyer {
    pub customer: CustomerId,
    pub store: Option<StoreId>,
    pub guide: Option<StaffId>,
    pub community: Option<CommunityId>,
    /// The staff member who placed it for the customer (代客下单), or None for the
    /// customer's own order in the store.
    pub placed_by: Option<StaffId>,
}

/// Places an order inside the caller's transaction: prices from the catalogue, every
/// SKU's units reserved, the expiry scheduled, the timeline started.
pub async fn place_in(
    tx: &mut Tx,
    brand: BrandId,
    by: Buyer,
    input: &[LineInput],
    now: i64,
) -> Result<Placed, AppError> {
    let mut lines = Vec::with_capacity(input.len());
    for l in input {
        let sku = catalogue::sku_by_id(tx, brand, SkuId(l.sku))
            .await?
            .filter(|s| s.active)
            .ok_or_else(|| AppError::invalid("lines", Reason::NotOneOf("SKU on sale")))?;
        let product = catalogue::product_by_id(tx, brand, sku.product_id)
            .await?
            .filter(|p| p.on_shelf)
            .ok_or_else(|| AppError::invalid("lines", Reason::NotOneOf("SKU on sale")))?;
        let qty = u32::try_from(l.quantity).unwrap_or(0);
        lines.push((
            sku.id,
            format!("{} {}", product.title, sku.name),
            sku.price,
            qty,
        ));
    }
    let minutes = store::pay_within_minutes(tx, brand).await?;
    let order = Order::place(lines, now, minutes * MINUTE_MS)?;
    // Lock every SKU's stock first, in id order, before any row that refers to a SKU is
    // written: on PostgreSQL a foreign key check takes a share lock on the SKU, and share
    // locks held by many buyers waiting to lock it for update would deadlock. Buyers of
    // one SKU queue here; each sees what the one before left.
    let mut by_sku: Vec<_> = order.lines.iter().collect();
    by_sku.sort_by_key(|l| l.sku.get());
    for line in by_sku {
        let level = catalogue::lock_stock(tx, brand, line.sku)
            .await?
            .ok_or_else(|| AppError::invalid("lines", Reason::NotOneOf("SKU on sale")))?;
        level.apply(StockReason::Sold, i64::from(line.quantity))?;
    }
    let meta = OrderMeta {
        id: OrderId(0),
        customer: by.customer,
        store: by.store,
        guide: by.guide,
        community: by.community,
        placed_by: by.placed_by,
    };
    let id = store::insert(tx, brand, &meta, &order, now).await?;
    for l in &order.lines {
        let m = Move {
            sku: l.sku,
            reason: StockReason::Sold,
            quantity: i64::from(l.quantity),
            note: "",
            staff: None,
            order: Some(id),
        };
        move_stock_in(tx, brand, &m, now).await?;
    }
    jobs::schedule(
        tx,
        brand,
        EXPIRE_JOB,
        &json!({ "order": id.get() }).to_string(),
        Some(&expire_key(id)),
        order.pay_deadline,
    )
    .await?;
    let detail = json!({ "total": order.total.get(), "lines": order.lines.len() });
    store::add_event(
        tx,
        brand,
        id,
        "placed",
        order.status,
        &detail.to_string(),
        by.placed_by,
        now,
    )
    .await?;
    Ok(Placed {
        meta: OrderMeta { id, ..meta },
        order,
    })
}

/// Applies an event to an order and does what the domain says must follow; the caller's
/// transaction holds the order's row.
pub(crate) async fn apply_in(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
    event: OrderEvent,
    name: &str,
    staff: Option<StaffId>,
    now: i64,
) -> Result<(Placed, Outcome), AppError> {
    let (meta, mut order) = store::load(tx, brand, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let outcome = order.apply(event)?;
    debug_assert!(
        order.is_consistent(),
        "the domain keeps an order consistent"
    );
    if outcome == Outcome::AlreadyApplied {
        return Ok((Placed { meta, order }, outcome));
    }
    store::save(tx, brand, id, &order, now).await?;
    if let Outcome::ReleaseStock(units) = &outcome {
        for (sku, qty) in units {
            let m = Move {
                sku: *sku,
                reason: StockReason::Released,
                quantity: i64::from(*qty),
                note: "",
                staff,
                order: Some(id),
            };
            move_stock_in(tx, brand, &m, now).await?;
        }
    }
    store::add_event(tx, brand, id, name, order.status, "{}", staff, now).await?;
    Ok((Placed { meta, order }, outcome))
}

/// The order, if the actor can see it (placed through their store, or for a customer they
/// see); otherwise "not found".
async fn visible_order(tx: &mut Tx, actor: &Actor, id: OrderId) -> Result<OrderMeta, AppError> {
    let (meta, _) = store::load(tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let seen = actor.placement == Placement::Brand
        || visible_customer(tx, actor, meta.customer).await.is_ok();
    if seen {
        Ok(meta)
    } else {
        Err(AppError::NotFound("order"))
    }
}

/// Cancels an unpaid order: its stock goes back on hand and its expiry is called off. A
/// second cancel changes nothing; a paid order refuses (`invalid_transition`).
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn cancel(db: &Db, actor: &Actor, id: OrderId) -> Result<Placed, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            visible_order(tx, &actor, id).await?;
            let now = now_ms();
            let (placed, _) = apply_in(
                tx,
                actor.brand,
                id,
                OrderEvent::Cancel { at: now },
                "cancelled",
                Some(actor.staff),
                now,
            )
            .await?;
            crate::storage::jobs::cancel_by_key(tx, actor.brand, EXPIRE_JOB, &expire_key(id), now)
                .await?;
            Ok(placed)
        })
    })
    .await
}

/// The expiry job: closes the order if it is still unpaid (a paid or cancelled order is
/// left as it is: the job has nothing to do).
pub fn expire_job<'a>(
    tx: &'a mut Tx,
    brand: BrandId,
    payload: &'a str,
    now: i64,
) -> HandlerFuture<'a> {
    Box::pin(async move {
        let p: serde_json::Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        let id = OrderId(p["order"].as_i64().ok_or("the payload names no order")?);
        let (_, order) = store::load(tx, brand, id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the order is gone")?;
        if order.status != OrderStatus::PendingPayment {
            return Ok(());
        }
        apply_in(
            tx,
            brand,
            id,
            OrderEvent::Expire { at: now },
            "expired",
            None,
            now,
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    })
}

#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand, target = %id))]
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: OrderId,
) -> Result<(Placed, Vec<TimelineEntry>), AppError> {
    let actor = *actor;
    db.read(move |tx| {
        Box::pin(async move {
            visible_order(tx, &actor, id).await?;
            let (meta, order) = store::load(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("order"))?;
            let timeline = store::timeline(tx, actor.brand, id).await?;
            Ok((Placed { meta, order }, timeline))
        })
    })
    .await
}

/// What an order list asks for.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    pub status: Option<String>,
    pub customer: Option<i64>,
    pub store: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Orders newest first: the whole brand for its admins, a region's or store's for their
/// managers and guides.
#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    q: OrderQuery,
    before: Cursor,
    size: PageSize,
) -> Result<Page<Placed>, AppError> {
    let mut f = OrderFilter {
        status: q
            .status
            .as_deref()
            .map(|s| OrderStatus::parse("status", s))
            .transpose()?,
        customer: q.customer.map(CustomerId),
        store: q.store.map(StoreId),
        from: q.from,
        to: q.to,
    };
    if let Placement::Store { store, .. } = actor.placement {
        if f.store.is_some_and(|s| s != store) {
            return Ok(Page::empty());
        }
        f.store = Some(store);
    }
    let actor = *actor;
    let (rows, total) = db
        .read(move |tx| {
            Box::pin(async move {
                let (ids, total) = store::list(tx, actor.brand, &f, before, size).await?;
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some((meta, order)) = store::load(tx, actor.brand, id).await? {
                        // A region manager sees the orders of the region's stores.
                        if let Placement::Region(r) = actor.placement {
                            let Some(s) = meta.store else { continue };
                            match crate::storage::stores::get(tx, actor.brand, s).await? {
                                Some(st) if st.region_id == r => {}
                                _ => continue,
                            }
                        }
                        out.push(Placed { meta, order });
                    }
                }
                Ok((out, total))
            })
        })
        .await?;
    Ok(Page::from_rows((rows, total), size, before.0 == 0, |p| {
        p.meta.id.get()
    }))
}

#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand))]
pub async fn pay_within_minutes(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    let brand = actor.brand;
    db.read(move |tx| Box::pin(async move { Ok(store::pay_within_minutes(tx, brand).await?) }))
        .await
}

/// Sets how long unpaid orders wait (5 minutes to 7 days). Brand admins only.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn set_pay_within_minutes(db: &Db, actor: &Actor, minutes: i64) -> Result<i64, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins set how long orders wait for payment",
    )?;
    if !(5..=7 * 24 * 60).contains(&minutes) {
        return Err(AppError::invalid(
            "pay_within_minutes",
            Reason::OutOfRange {
                min: 5,
                max: 7 * 24 * 60,
            },
        ));
    }
    let brand = actor.brand;
    db.write(move |tx| {
        Box::pin(async move {
            store::set_pay_within_minutes(tx, brand, minutes, now_ms()).await?;
            Ok(minutes)
        })
    })
    .await
}

/// What a gateway's report of a payment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentApplied {
    /// The order is paid now.
    Paid,
    /// This transaction was applied before (a gateway's retry): nothing changed.
    Duplicate,
    /// The order could no longer take the money (cancelled or expired first): a refund of
    /// the amount is booked, under this refund number.
    RefundBooked(String),
}

fn refund_no() -> String {
    // 32 hex characters fit every gateway's refund number.
    crate::secrets::random_secret("")[..32].to_owned()
}

/// Applies a gateway's report that `amount` was paid for the order in transaction
/// `transaction`, once per (provider, transaction), whatever order reports arrive in. The
/// payment providers (sandbox, WeChat Pay) call this after checking the report's signature.
#[tracing::instrument(skip(db), fields(brand = %brand, target = %order))]
pub async fn confirm_payment(
    db: &Db,
    brand: BrandId,
    order: OrderId,
    provider: &str,
    transaction: &str,
    amount: i64,
) -> Result<PaymentApplied, AppError> {
    let provider = provider.to_owned();
    let transaction = transaction.to_owned();
    db.write(move |tx| {
        Box::pin(async move {
            // Lock the order first: two deliveries of one report at the same moment then
            // queue here, and the second finds the first's payment (no unique-key error).
            store::load(tx, brand, order)
                .await?
                .ok_or(AppError::NotFound("order"))?;
            if store::payment_outcome(tx, brand, &provider, &transaction)
                .await?
                .is_some()
            {
                return Ok(PaymentApplied::Duplicate);
            }
            let now = now_ms();
            let amount = shequn_domain::Fen::new(amount);
            let (_, outcome) = apply_in(
                tx,
                brand,
                order,
                OrderEvent::PaymentConfirmed { amount, at: now },
                "payment_received",
                None,
                now,
            )
            .await?;
            let (applied, label) = match outcome {
                Outcome::RefundDue(due) => {
                    let no = refund_no();
                    let refund = store::insert_refund(
                        tx,
                        brand,
                        order,
                        None,
                        due,
                        0,
                        &no,
                        "paid after the order closed",
                        None,
                        now,
                    )
                    .await?;
                    // The money goes back through the provider that took it.
                    crate::storage::payments::set_refund_provider(
                        tx,
                        brand,
                        refund,
                        Some(&provider),
                    )
                    .await?;
                    (PaymentApplied::RefundBooked(no), "refund_due")
                }
                Outcome::AlreadyApplied => (PaymentApplied::Duplicate, "already_applied"),
                _ => {
                    crate::storage::jobs::cancel_by_key(
                        tx,
                        brand,
                        EXPIRE_JOB,
                        &expire_key(order),
                        now,
                    )
                    .await?;
                    (PaymentApplied::Paid, "applied")
                }
            };
            store::record_payment(
                tx,
                brand,
                order,
                &provider,
                &transaction,
                amount,
                label,
                now,
            )
            .await?;
            Ok(applied)
        })
    })
    .await
}

/// Staff ship a paid order.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn ship(db: &Db, actor: &Actor, id: OrderId) -> Result<Placed, AppError> {
    step(db, actor, id, |at| OrderEvent::Ship { at }, "shipped").await
}

/// The order is complete (the buyer confirmed receipt).
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn complete(db: &Db, actor: &Actor, id: OrderId) -> Result<Placed, AppError> {
    step(db, actor, id, |at| OrderEvent::Complete { at }, "completed").await
}

async fn step(
    db: &Db,
    actor: &Actor,
    id: OrderId,
    event: fn(i64) -> OrderEvent,
    name: &'static str,
) -> Result<Placed, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            visible_order(tx, &actor, id).await?;
            let now = now_ms();
            let (placed, _) = apply_in(
                tx,
                actor.brand,
                id,
                event(now),
                name,
                Some(actor.staff),
                now,
            )
            .await?;
            Ok(placed)
        })
    })
    .await
}

/// A refund as staff ask for it.
#[derive(Debug, Clone)]
pub struct RefundInput {
    /// A line (0-based), or None for the order as a whole.
    pub line: Option<i64>,
    /// Fen.
    pub amount: i64,
    /// Units of that line that came back to stock.
    pub restock: i64,
    pub reason: String,
}

/// Books a refund (full or partial, per line or on the whole order) that staff approved:
/// never more than was paid, over any number of refunds (the order's row is locked while
/// it is checked); returned units go back on hand. The refund waits for the gateway under
/// its own refund number.
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn refund(
    db: &Db,
    actor: &Actor,
    id: OrderId,
    input: RefundInput,
) -> Result<(Placed, String), AppError> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", Reason::Required));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::invalid(
            "reason",
            Reason::TooLong {
                max: 200,
                got: reason.chars().count(),
            },
        ));
    }
    let line = input
        .line
        .map(|l| usize::try_from(l).map_err(|_| AppError::invalid("line_no", Reason::Negative)))
        .transpose()?;
    let restock =
        u32::try_from(input.restock).map_err(|_| AppError::invalid("restock", Reason::Negative))?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            visible_order(tx, &actor, id).await?;
            Actor::require(
                actor.role != Role::ShopGuide,
                "managers and brand admins approve refunds",
            )?;
            let booked = refund_in(
                tx,
                actor.brand,
                actor.staff,
                id,
                line,
                input.amount,
                restock,
                &reason,
                now_ms(),
            )
            .await?;
            Ok((booked.placed, booked.refund_no))
        })
    })
    .await
}

/// A refund booked on an order.
#[derive(Debug, Clone)]
pub struct Booked {
    pub placed: Placed,
    pub refund_id: i64,
    pub refund_no: String,
}

/// Books a refund inside the caller's transaction (the caller authorised it): the domain
/// checks it against what was paid, returned units go back on hand, and the refund waits
/// for the provider that took the money under its own refund number.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn refund_in(
    tx: &mut Tx,
    brand: BrandId,
    staff: StaffId,
    id: OrderId,
    line: Option<usize>,
    amount: i64,
    restock: u32,
    reason: &str,
    now: i64,
) -> Result<Booked, AppError> {
    let event = OrderEvent::Refund {
        line,
        amount: shequn_domain::Fen::new(amount),
        restock,
    };
    let (placed, outcome) = apply_in(tx, brand, id, event, "refunded", Some(staff), now).await?;
    let Outcome::Refund { amount, restock } = outcome else {
        return Err(AppError::Internal("a refund booked no refund".into()));
    };
    for (sku, qty) in &restock {
        let m = Move {
            sku: *sku,
            reason: StockReason::Returned,
            quantity: i64::from(*qty),
            note: reason,
            staff: Some(staff),
            order: Some(id),
        };
        move_stock_in(tx, brand, &m, now).await?;
    }
    let units: i64 = restock.iter().map(|(_, q)| i64::from(*q)).sum();
    let no = refund_no();
    let refund_id = store::insert_refund(
        tx,
        brand,
        id,
        line.map(|l| l as i64),
        amount,
        units,
        &no,
        reason,
        Some(staff),
        now,
    )
    .await?;
    let provider = crate::storage::payments::provider_of(tx, brand, id).await?;
    crate::storage::payments::set_refund_provider(tx, brand, refund_id, provider.as_deref())
        .await?;
    Ok(Booked {
        placed,
        refund_id,
        refund_no: no,
    })
}

/// The nicknames of the customers of orders the actor listed (for the console's lists).
pub async fn customer_names(
    db: &Db,
    actor: &Actor,
    orders: &[Placed],
) -> Result<std::collections::HashMap<CustomerId, String>, AppError> {
    let mut ids: Vec<CustomerId> = orders.iter().map(|p| p.meta.customer).collect();
    ids.sort_by_key(|c| c.get());
    ids.dedup();
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            Ok(crate::storage::customers::nicknames(tx, brand, &ids)
                .await?
                .into_iter()
                .collect())
        })
    })
    .await
}
