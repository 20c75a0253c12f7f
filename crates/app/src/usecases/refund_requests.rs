//! Refund and return requests (售后): a customer (or staff on their behalf) asks for an
//! amount back, on one line or the whole order, with units to send back; store managers,
//! region managers and brand admins approve (the refund is booked through the same rules
//! as any refund: never beyond what was paid, units back on hand) or reject with a note.
//! Open requests on an order never ask for more than is left to refund.

use serde::{Deserialize, Serialize};
use shequn_domain::{
    Actor, BrandId, Cursor, Fen, OrderId, PageSize, Placement, Reason, Refusal, Role, StaffId,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::orders as order_store;
use crate::storage::refund_requests::{self as store, RequestRow};
use crate::usecases::Page;
use crate::usecases::orders;
use crate::usecases::shop::RefundAsk;
use crate::{AppError, Db};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequestView {
    pub id: i64,
    pub order: OrderId,
    pub line: Option<i64>,
    pub line_title: Option<String>,
    pub amount: Fen,
    pub quantity: i64,
    pub reason: String,
    /// requested | approved | rejected
    pub status: String,
    pub decided_by: Option<StaffId>,
    pub decision_note: String,
    pub refund_no: Option<String>,
    /// The booked refund's state with its gateway: requested | succeeded | failed.
    pub refund_status: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

impl From<RequestRow> for RefundRequestView {
    fn from(r: RequestRow) -> Self {
        RefundRequestView {
            id: r.id,
            order: r.order,
            line: r.line,
            line_title: r.line_title,
            amount: r.amount,
            quantity: r.quantity,
            reason: r.reason,
            status: r.status,
            decided_by: r.decided_by,
            decision_note: r.decision_note,
            refund_no: r.refund_no,
            refund_status: r.refund_status,
            created_at: r.created_at,
            decided_at: r.decided_at,
        }
    }
}

fn reason_text(raw: &str) -> Result<String, AppError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(AppError::invalid("reason", Reason::Required));
    }
    if n > 200 {
        return Err(AppError::invalid(
            "reason",
            Reason::TooLong { max: 200, got: n },
        ));
    }
    Ok(s.to_owned())
}

/// Files a request inside the caller's transaction (the caller checked who may).
pub(crate) async fn file_in(
    tx: &mut Tx,
    brand: BrandId,
    id: OrderId,
    ask: &RefundAsk,
    now: i64,
) -> Result<RefundRequestView, AppError> {
    let reason = reason_text(&ask.reason)?;
    if ask.quantity < 0 {
        return Err(AppError::invalid("quantity", Reason::Negative));
    }
    let (_, order) = order_store::load(tx, brand, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    use shequn_domain::order::OrderStatus as S;
    if !matches!(order.status, S::Paid | S::Shipped | S::Completed) {
        return Err(AppError::Refused(Refusal::InvalidTransition {
            from: order.status.as_str(),
            to: "refund_requested",
        }));
    }
    let open = store::open_amount(tx, brand, id, None).await?;
    let mut left = order.paid.get() - order.refunded.get() - open;
    if let Some(l) = ask.line {
        let line = usize::try_from(l)
            .ok()
            .and_then(|i| order.lines.get(i))
            .ok_or(AppError::invalid(
                "line_no",
                Reason::NotOneOf("line of the order"),
            ))?;
        let line_open = store::open_amount(tx, brand, id, Some(l)).await?;
        left = left.min(
            line.unit_price.get() * i64::from(line.quantity) - line.refunded.get() - line_open,
        );
        let can_return = i64::from(line.quantity - line.returned);
        if ask.quantity > can_return {
            return Err(AppError::invalid(
                "quantity",
                Reason::OutOfRange {
                    min: 0,
                    max: can_return,
                },
            ));
        }
    } else if ask.quantity > 0 {
        // Units come back per line.
        return Err(AppError::invalid(
            "quantity",
            Reason::OutOfRange { min: 0, max: 0 },
        ));
    }
    if left <= 0 {
        return Err(AppError::Refused(Refusal::RefundExceedsPaid));
    }
    if !(1..=left).contains(&ask.amount) {
        return Err(AppError::invalid(
            "amount",
            Reason::OutOfRange { min: 1, max: left },
        ));
    }
    let rid = store::insert(
        tx,
        brand,
        id,
        ask.line,
        Fen::new(ask.amount),
        ask.quantity,
        &reason,
        now,
    )
    .await?;
    order_store::add_event(
        tx,
        brand,
        id,
        "refund_requested",
        order.status,
        "{}",
        None,
        now,
    )
    .await?;
    store::get(tx, brand, rid)
        .await?
        .map(RefundRequestView::from)
        .ok_or(AppError::NotFound("refund request"))
}

/// Staff record a request on the customer's behalf (e.g. asked in the chat group).
#[tracing::instrument(skip(db, ask), fields(brand = %actor.brand, actor = %actor.staff, target = %order))]
pub async fn file(
    db: &Db,
    actor: &Actor,
    order: OrderId,
    ask: RefundAsk,
) -> Result<RefundRequestView, AppError> {
    orders::get(db, actor, order).await?;
    let brand = actor.brand;
    db.write(move |tx| Box::pin(async move { file_in(tx, brand, order, &ask, now_ms()).await }))
        .await
}

/// The request, if the actor sees its order.
async fn visible(db: &Db, actor: &Actor, id: i64) -> Result<RefundRequestView, AppError> {
    let brand = actor.brand;
    let row = db
        .read(move |tx| Box::pin(async move { Ok(store::get(tx, brand, id).await?) }))
        .await?
        .ok_or(AppError::NotFound("refund request"))?;
    orders::get(db, actor, row.order)
        .await
        .map_err(|_| AppError::NotFound("refund request"))?;
    Ok(row.into())
}

#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand))]
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<RefundRequestView, AppError> {
    visible(db, actor, id).await
}

pub async fn of_order(
    db: &Db,
    actor: &Actor,
    order: OrderId,
) -> Result<Vec<RefundRequestView>, AppError> {
    orders::get(db, actor, order).await?;
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            Ok(store::of_order(tx, brand, order)
                .await?
                .into_iter()
                .map(RefundRequestView::from)
                .collect())
        })
    })
    .await
}

/// The queue, newest first: the brand's for its admins, a store's for its staff, a
/// region's for its manager.
#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    status: Option<&str>,
    before: Cursor,
    size: PageSize,
) -> Result<Page<RefundRequestView>, AppError> {
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s @ ("requested" | "approved" | "rejected")) => Some(s.to_owned()),
        Some(_) => {
            return Err(AppError::invalid(
                "status",
                Reason::NotOneOf("refund request status"),
            ));
        }
        None => None,
    };
    let store_scope = match actor.placement {
        Placement::Store { store, .. } => Some(store),
        _ => None,
    };
    let a = *actor;
    let (rows, total) = db
        .read(move |tx| {
            Box::pin(async move {
                let (rows, total) =
                    store::list(tx, a.brand, status.as_deref(), store_scope, before, size).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    if let Placement::Region(region) = a.placement {
                        let meta = order_store::load(tx, a.brand, r.order)
                            .await?
                            .map(|(m, _)| m);
                        let Some(s) = meta.and_then(|m| m.store) else {
                            continue;
                        };
                        match crate::storage::stores::get(tx, a.brand, s).await? {
                            Some(st) if st.region_id == region => {}
                            _ => continue,
                        }
                    }
                    out.push(RefundRequestView::from(r));
                }
                Ok((out, total))
            })
        })
        .await?;
    Ok(Page::from_rows((rows, total), size, before.0 == 0, |r| {
        r.id
    }))
}

fn may_decide(actor: &Actor) -> Result<(), AppError> {
    Actor::require(
        actor.role != Role::ShopGuide,
        "managers and brand admins decide refunds",
    )
    .map_err(AppError::from)
}

/// Approves a request: the refund is booked (full or partial, units back on hand) and
/// waits for the provider that took the money.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn approve(db: &Db, actor: &Actor, id: i64) -> Result<RefundRequestView, AppError> {
    visible(db, actor, id).await?;
    may_decide(actor)?;
    let a = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let status = store::lock(tx, a.brand, id)
                .await?
                .ok_or(AppError::NotFound("refund request"))?;
            let row = store::get(tx, a.brand, id)
                .await?
                .ok_or(AppError::NotFound("refund request"))?;
            if status != "requested" {
                if status == "approved" {
                    return Ok(row.into());
                }
                return Err(AppError::Refused(Refusal::InvalidTransition {
                    from: "rejected",
                    to: "approved",
                }));
            }
            let now = now_ms();
            let line = row.line.map(|l| l as usize);
            let restock = u32::try_from(row.quantity).unwrap_or(0);
            let reason = format!("售后 #{}: {}", row.id, row.reason);
            let booked = orders::refund_in(
                tx,
                a.brand,
                a.staff,
                row.order,
                line,
                row.amount.get(),
                restock,
                &reason,
                now,
            )
            .await?;
            store::decide(
                tx,
                a.brand,
                id,
                "approved",
                a.staff,
                "",
                Some(booked.refund_id),
                now,
            )
            .await?;
            store::get(tx, a.brand, id)
                .await?
                .map(RefundRequestView::from)
                .ok_or(AppError::NotFound("refund request"))
        })
    })
    .await
}

/// Rejects a request, saying why (the customer sees the note).
#[tracing::instrument(skip(db, note), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn reject(
    db: &Db,
    actor: &Actor,
    id: i64,
    note: &str,
) -> Result<RefundRequestView, AppError> {
    let note = note.trim().to_owned();
    let n = note.chars().count();
    if n == 0 {
        return Err(AppError::invalid("note", Reason::Required));
    }
    if n > 200 {
        return Err(AppError::invalid(
            "note",
            Reason::TooLong { max: 200, got: n },
        ));
    }
    visible(db, actor, id).await?;
    may_decide(actor)?;
    let a = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let status = store::lock(tx, a.brand, id)
                .await?
                .ok_or(AppError::NotFound("refund request"))?;
            if status != "requested" {
                return Err(AppError::Refused(Refusal::InvalidTransition {
                    from: if status == "approved" {
                        "approved"
                    } else {
                        "rejected"
                    },
                    to: "rejected",
                }));
            }
            let now = now_ms();
            store::decide(tx, a.brand, id, "rejected", a.staff, &note, None, now).await?;
            let row = store::get(tx, a.brand, id)
                .await?
                .ok_or(AppError::NotFound("refund request"))?;
            let order_status = order_store::load(tx, a.brand, row.order)
                .await?
                .map(|(_, o)| o.status)
                .ok_or(AppError::NotFound("order"))?;
            order_store::add_event(
                tx,
                a.brand,
                row.order,
                "refund_rejected",
                order_status,
                "{}",
                Some(a.staff),
                now,
            )
            .await?;
            Ok(row.into())
        })
    })
    .await
}
