//! Orders (订单): lines priced from the catalogue, then paid, shipped and completed — or
//! cancelled or expired unpaid — and refunded in full or in part, with goods coming back to
//! stock. One entry point, [`Order::apply`], takes every event whoever sends it (the buyer,
//! staff, the expiry job, a payment gateway that repeats itself or arrives late), refuses
//! an illegal one with a stable code, and says in an [`Outcome`] what the caller must do
//! besides saving the order: pay money back, release or restock units.
//!
//! The money rules held here: the total is the sum of catalogue prices times quantities
//! (a price sent by a client is never an input); an order takes one payment, equal to its
//! total; over any number of partial refunds, `refunded ≤ paid` for the order and
//! `refunded ≤ amount` for every line.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Reason, Refusal};
use crate::ids::SkuId;
use crate::money::Fen;

/// The most lines one order holds.
pub const MAX_LINES: usize = 50;
/// The most units of one SKU one order holds.
pub const MAX_QUANTITY: u32 = 999;
/// The longest an order may wait for payment (7 days); brands configure less.
pub const MAX_PAY_WITHIN_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Where an order is in its life.
///
/// ```text
/// pending_payment ──paid──▶ paid ──shipped──▶ shipped ──completed──▶ completed
///    │        │              │                  │                      │
/// cancelled  expired         └──────────────────┴───── refunded ◀──────┘
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// 待付款: placed, its units held, waiting for the payment until `pay_deadline`.
    PendingPayment,
    /// 已付款: paid in full, not yet shipped.
    Paid,
    /// 已发货: on its way to the buyer.
    Shipped,
    /// 已完成: received; may still be refunded (after-sales).
    Completed,
    /// 已取消: cancelled by the buyer or staff before payment.
    Cancelled,
    /// 已超时: not paid by its deadline.
    Expired,
    /// 已退款: everything paid was refunded.
    Refunded,
}

text_enum!(OrderStatus, "order status",
    PendingPayment => "pending_payment", Paid => "paid", Shipped => "shipped",
    Completed => "completed", Cancelled => "cancelled", Expired => "expired",
    Refunded => "refunded");

impl OrderStatus {
    /// Whether the order holds the buyer's money, so it may be refunded.
    pub fn holds_payment(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed
        )
    }
}

/// One SKU of an order, priced when the order was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: SkuId,
    /// The product's title when ordered (the catalogue may rename it later).
    pub title: String,
    /// The catalogue's price per unit when ordered.
    pub unit_price: Fen,
    /// 1 to [`MAX_QUANTITY`].
    pub quantity: u32,
    /// Refunded on this line so far: never more than [`OrderLine::amount`].
    pub refunded: Fen,
    /// Units that came back to stock so far: never more than `quantity`.
    pub returned: u32,
}

impl OrderLine {
    /// `unit_price × quantity`; None on overflow (which [`Order::place`] refuses).
    pub fn amount(&self) -> Option<Fen> {
        self.unit_price.checked_mul(i64::from(self.quantity))
    }

    /// What may still be refunded on this line: its amount less what was refunded.
    pub fn refundable(&self) -> Fen {
        self.amount()
            .and_then(|a| a.checked_sub(self.refunded))
            .unwrap_or(Fen::ZERO)
            .max(Fen::ZERO)
    }

    /// Units that may still come back to stock.
    pub fn returnable(&self) -> u32 {
        self.quantity.saturating_sub(self.returned)
    }
}

/// An order as the rules see it. The row id, brand, buyer and store live with storage
/// (an `OrderId` names the row); this is the part every transition reads and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub status: OrderStatus,
    /// 1 to [`MAX_LINES`] lines, no SKU twice.
    pub lines: Vec<OrderLine>,
    /// The sum of the lines' amounts: what the buyer must pay.
    pub total: Fen,
    /// Money received: zero until paid, then `total`. A cancelled or expired order that
    /// was paid late records the late payment here and in `refunded`, as it goes back.
    pub paid: Fen,
    /// Money owed back or paid back so far: never more than `paid`.
    pub refunded: Fen,
    pub placed_at: i64,
    /// Unpaid by then, the order may expire (its units are released).
    pub pay_deadline: i64,
    pub paid_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// When it was cancelled or expired.
    pub closed_at: Option<i64>,
}

/// Something that happened to an order. Times are Unix milliseconds, passed in by the
/// caller (the domain reads no clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum OrderEvent {
    /// A payment gateway says the buyer paid `amount`. May arrive several times and late.
    PaymentConfirmed { amount: Fen, at: i64 },
    /// The buyer or staff cancel an unpaid order.
    Cancel { at: i64 },
    /// The expiry job closes an order unpaid at `at`.
    Expire { at: i64 },
    /// Staff send the goods.
    Ship { at: i64 },
    /// The buyer confirmed receipt (or the confirmation window passed).
    Complete { at: i64 },
    /// Staff refund `amount`: from line `line` (an index into `lines`), or with `None` from
    /// the whole order, taken from the first line with anything left to refund, then the
    /// next. `restock` units of that line came back to stock (returns are per line, so a
    /// whole-order refund restocks nothing: refund each line to take goods back).
    Refund {
        line: Option<usize>,
        amount: Fen,
        restock: u32,
    },
}

/// What the caller must do after an event was applied, besides saving the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The order changed; save it. Nothing else to do.
    Applied,
    /// A repeat of an event already applied (a gateway's second "paid", a second cancel):
    /// the order did not change; do nothing, and answer the sender that all is well.
    AlreadyApplied,
    /// Money came in for an order that can no longer take it (cancelled or expired before
    /// the payment arrived): pay this amount back to the payer. The order keeps its status;
    /// it records the amount as paid and refunded, so a repeat of the same notification is
    /// [`Outcome::AlreadyApplied`].
    RefundDue(Fen),
    /// The order closed unpaid (cancelled or expired): record a
    /// [`StockReason::Released`](crate::stock::StockReason::Released) movement of each
    /// `(sku, units)`.
    ReleaseStock(Vec<(SkuId, u32)>),
    /// A refund was booked on the order: pay `amount` back through the gateway, and record
    /// a [`StockReason::Returned`](crate::stock::StockReason::Returned) movement of each
    /// `(sku, units)` in `restock` (empty when no goods came back).
    Refund {
        amount: Fen,
        restock: Vec<(SkuId, u32)>,
    },
}

impl Order {
    /// A new order, unpaid until `now + pay_within_ms`. Each line is
    /// `(sku, title, unit price from the catalogue, quantity)`: the caller looks prices up
    /// on the server, so whatever price a client sent never reaches here. Refused: no
    /// lines or more than [`MAX_LINES`]; a quantity outside 1..=[`MAX_QUANTITY`]; a
    /// negative price; a SKU twice (field `sku`: each SKU once, with its quantity); a total
    /// that is zero or overflows; a payment window outside 1 ms..=[`MAX_PAY_WITHIN_MS`].
    pub fn place(
        lines: Vec<(SkuId, String, Fen, u32)>,
        now: i64,
        pay_within_ms: i64,
    ) -> Result<Order, DomainError> {
        let max_lines = MAX_LINES as i64;
        if lines.is_empty() || lines.len() > MAX_LINES {
            return Err(DomainError::invalid(
                "lines",
                Reason::OutOfRange {
                    min: 1,
                    max: max_lines,
                },
            ));
        }
        let window = || {
            DomainError::invalid(
                "pay_within_ms",
                Reason::OutOfRange {
                    min: 1,
                    max: MAX_PAY_WITHIN_MS,
                },
            )
        };
        if !(1..=MAX_PAY_WITHIN_MS).contains(&pay_within_ms) {
            return Err(window());
        }
        let pay_deadline = now.checked_add(pay_within_ms).ok_or_else(window)?;
        let mut priced: Vec<OrderLine> = Vec::with_capacity(lines.len());
        for (sku, title, unit_price, quantity) in lines {
            if unit_price.is_negative() {
                return Err(DomainError::invalid("unit_price", Reason::Negative));
            }
            if !(1..=MAX_QUANTITY).contains(&quantity) {
                return Err(DomainError::invalid(
                    "quantity",
                    Reason::OutOfRange {
                        min: 1,
                        max: i64::from(MAX_QUANTITY),
                    },
                ));
            }
            if priced.iter().any(|l| l.sku == sku) {
                // No reason says "twice" yet; a SKU may appear 1 to 1 times.
                return Err(DomainError::invalid(
                    "sku",
                    Reason::OutOfRange { min: 1, max: 1 },
                ));
            }
            priced.push(OrderLine {
                sku,
                title,
                unit_price,
                quantity,
                refunded: Fen::ZERO,
                returned: 0,
            });
        }
        let total = priced
            .iter()
            .map(OrderLine::amount)
            .try_fold(Fen::ZERO, |sum: Fen, amount: Option<Fen>| {
                sum.checked_add(amount?)
            })
            .filter(|t| *t > Fen::ZERO)
            .ok_or_else(|| {
                DomainError::invalid(
                    "total",
                    Reason::OutOfRange {
                        min: 1,
                        max: i64::MAX,
                    },
                )
            })?;
        Ok(Order {
            status: OrderStatus::PendingPayment,
            lines: priced,
            total,
            paid: Fen::ZERO,
            refunded: Fen::ZERO,
            placed_at: now,
            pay_deadline,
            paid_at: None,
            shipped_at: None,
            completed_at: None,
            closed_at: None,
        })
    }

    /// What may still be refunded: paid less refunded.
    pub fn refundable(&self) -> Fen {
        self.paid
            .checked_sub(self.refunded)
            .unwrap_or(Fen::ZERO)
            .max(Fen::ZERO)
    }

    /// Every transition goes through here. On a refusal the order is left exactly as it
    /// was. The rules, by event:
    ///
    /// - `PaymentConfirmed`: pending and `amount == total` → paid. Already paid, shipped,
    ///   completed or refunded → [`Outcome::AlreadyApplied`] (the order takes one payment,
    ///   so a second notice is a repeat). Cancelled or expired → [`Outcome::RefundDue`] the
    ///   first time, `AlreadyApplied` after: a late payment never brings an order back. An
    ///   amount that is not the total (or not positive) → [`Refusal::AmountMismatch`]. A
    ///   payment after `pay_deadline` that arrives before the order was expired is
    ///   accepted: the units are still held, and the buyer did pay.
    /// - `Cancel`: pending → cancelled, [`Outcome::ReleaseStock`]; cancelled →
    ///   `AlreadyApplied`; otherwise refused (a paid order is refunded, not cancelled).
    /// - `Expire`: pending and `at ≥ pay_deadline` → expired, `ReleaseStock`; pending
    ///   earlier → refused; cancelled or expired → `AlreadyApplied`; otherwise refused.
    /// - `Ship`: paid → shipped; shipped or completed → `AlreadyApplied`.
    /// - `Complete`: shipped → completed; completed → `AlreadyApplied`.
    /// - `Refund`: from paid, shipped or completed; `amount > 0`
    ///   ([`Refusal::AmountMismatch`]); the line's and the order's refunded stay within
    ///   what was paid ([`Refusal::RefundExceedsPaid`], also for a line index that does
    ///   not exist and for any refund of a refunded order); `restock ≤ quantity − returned`
    ///   (refused as an invalid transition to "returned"). When everything paid is
    ///   refunded the order is refunded. The outcome is [`Outcome::Refund`]. The order
    ///   cannot tell a repeated refund request from a second one: the caller makes refund
    ///   requests idempotent (by request key) before applying them.
    ///
    /// Every other combination is [`Refusal::InvalidTransition`] from the current status
    /// to the step's status.
    pub fn apply(&mut self, event: OrderEvent) -> Result<Outcome, Refusal> {
        let was_consistent = cfg!(debug_assertions) && self.is_consistent();
        let outcome = match event {
            OrderEvent::PaymentConfirmed { amount, at } => self.confirm_payment(amount, at),
            OrderEvent::Cancel { at } => self.cancel(at),
            OrderEvent::Expire { at } => self.expire(at),
            OrderEvent::Ship { at } => self.ship(at),
            OrderEvent::Complete { at } => self.complete(at),
            OrderEvent::Refund {
                line,
                amount,
                restock,
            } => self.refund(line, amount, restock),
        }?;
        debug_assert!(
            !was_consistent || self.is_consistent(),
            "{:?} broke the order: {:?}",
            event,
            self
        );
        Ok(outcome)
    }

    fn confirm_payment(&mut self, amount: Fen, at: i64) -> Result<Outcome, Refusal> {
        if amount <= Fen::ZERO {
            return Err(Refusal::AmountMismatch);
        }
        match self.status {
            OrderStatus::PendingPayment => {
                if amount != self.total {
                    return Err(Refusal::AmountMismatch);
                }
                self.status = OrderStatus::Paid;
                self.paid = amount;
                self.paid_at = Some(at);
                Ok(Outcome::Applied)
            }
            OrderStatus::Paid
            | OrderStatus::Shipped
            | OrderStatus::Completed
            | OrderStatus::Refunded => Ok(Outcome::AlreadyApplied),
            OrderStatus::Cancelled | OrderStatus::Expired => {
                if self.paid > Fen::ZERO {
                    return Ok(Outcome::AlreadyApplied);
                }
                self.paid = amount;
                self.refunded = amount;
                Ok(Outcome::RefundDue(amount))
            }
        }
    }

    fn cancel(&mut self, at: i64) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::PendingPayment => {
                self.status = OrderStatus::Cancelled;
                self.closed_at = Some(at);
                Ok(Outcome::ReleaseStock(self.units()))
            }
            OrderStatus::Cancelled => Ok(Outcome::AlreadyApplied),
            from => Err(invalid(from, "cancelled")),
        }
    }

    fn expire(&mut self, at: i64) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::PendingPayment if at >= self.pay_deadline => {
                self.status = OrderStatus::Expired;
                self.closed_at = Some(at);
                Ok(Outcome::ReleaseStock(self.units()))
            }
            OrderStatus::Cancelled | OrderStatus::Expired => Ok(Outcome::AlreadyApplied),
            from => Err(invalid(from, "expired")),
        }
    }

    fn ship(&mut self, at: i64) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::Paid => {
                self.status = OrderStatus::Shipped;
                self.shipped_at = Some(at);
                Ok(Outcome::Applied)
            }
            OrderStatus::Shipped | OrderStatus::Completed => Ok(Outcome::AlreadyApplied),
            from => Err(invalid(from, "shipped")),
        }
    }

    fn complete(&mut self, at: i64) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::Shipped => {
                self.status = OrderStatus::Completed;
                self.completed_at = Some(at);
                Ok(Outcome::Applied)
            }
            OrderStatus::Completed => Ok(Outcome::AlreadyApplied),
            from => Err(invalid(from, "completed")),
        }
    }

    fn refund(
        &mut self,
        line: Option<usize>,
        amount: Fen,
        restock: u32,
    ) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed => {}
            // Everything paid is back already: any more would exceed it.
            OrderStatus::Refunded => return Err(Refusal::RefundExceedsPaid),
            from => return Err(invalid(from, "refunded")),
        }
        if amount <= Fen::ZERO {
            return Err(Refusal::AmountMismatch);
        }
        let refunded = self
            .refunded
            .checked_add(amount)
            .filter(|r| *r <= self.paid)
            .ok_or(Refusal::RefundExceedsPaid)?;
        // Each line's refunded amount after this refund, worked out before anything
        // changes so that a refusal leaves the order as it was.
        let mut line_refunded: Vec<Fen> = self.lines.iter().map(|l| l.refunded).collect();
        let mut back: Option<(usize, u32)> = None;
        match line {
            Some(i) => {
                let l = self.lines.get(i).ok_or(Refusal::RefundExceedsPaid)?;
                if amount > l.refundable() {
                    return Err(Refusal::RefundExceedsPaid);
                }
                if restock > l.returnable() {
                    return Err(invalid(self.status, "returned"));
                }
                line_refunded[i] = l
                    .refunded
                    .checked_add(amount)
                    .ok_or(Refusal::RefundExceedsPaid)?;
                if restock > 0 {
                    back = Some((i, restock));
                }
            }
            None => {
                if restock > 0 {
                    return Err(invalid(self.status, "returned"));
                }
                let mut left = amount;
                for (next, l) in line_refunded.iter_mut().zip(&self.lines) {
                    let take = left.min(l.refundable());
                    *next = l
                        .refunded
                        .checked_add(take)
                        .ok_or(Refusal::RefundExceedsPaid)?;
                    left = left.checked_sub(take).ok_or(Refusal::RefundExceedsPaid)?;
                }
                if left > Fen::ZERO {
                    return Err(Refusal::RefundExceedsPaid);
                }
            }
        }
        for (l, r) in self.lines.iter_mut().zip(line_refunded) {
            l.refunded = r;
        }
        let restocked = match back {
            Some((i, units)) => {
                let l = &mut self.lines[i];
                l.returned += units;
                vec![(l.sku, units)]
            }
            None => Vec::new(),
        };
        self.refunded = refunded;
        if self.refunded == self.paid {
            self.status = OrderStatus::Refunded;
        }
        Ok(Outcome::Refund {
            amount,
            restock: restocked,
        })
    }

    /// Every line's SKU and quantity: the units an unpaid order held.
    fn units(&self) -> Vec<(SkuId, u32)> {
        self.lines.iter().map(|l| (l.sku, l.quantity)).collect()
    }

    /// Whether the order's numbers agree with each other and with its status:
    /// `total` is the sum of line amounts; `0 ≤ refunded ≤ paid`; each line's refunded is
    /// within its amount and its returned within its quantity; an unpaid order (pending,
    /// cancelled, expired) has no line refunds or returns, and paid equals refunded (zero,
    /// or a late payment owed back); a paid, shipped or completed order was paid its total
    /// and has something left, a refunded one has nothing left; for those the line refunds
    /// add up to the order's.
    pub fn is_consistent(&self) -> bool {
        let amounts: Option<Vec<Fen>> = self.lines.iter().map(OrderLine::amount).collect();
        let Some(amounts) = amounts else {
            return false;
        };
        let total = Fen::checked_sum(amounts.iter().copied());
        let line_refunds = Fen::checked_sum(self.lines.iter().map(|l| l.refunded));
        let (Some(total), Some(line_refunds)) = (total, line_refunds) else {
            return false;
        };
        let lines_ok =
            self.lines.iter().zip(&amounts).all(|(l, a)| {
                l.refunded >= Fen::ZERO && l.refunded <= *a && l.returned <= l.quantity
            });
        let nothing_returned = self.lines.iter().all(|l| l.returned == 0);
        let money_ok =
            total == self.total && self.refunded >= Fen::ZERO && self.refunded <= self.paid;
        let status_ok = match self.status {
            OrderStatus::PendingPayment => {
                self.paid == Fen::ZERO && line_refunds == Fen::ZERO && nothing_returned
            }
            OrderStatus::Cancelled | OrderStatus::Expired => {
                self.refunded == self.paid && line_refunds == Fen::ZERO && nothing_returned
            }
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed => {
                self.paid == self.total
                    && self.refunded < self.paid
                    && line_refunds == self.refunded
            }
            OrderStatus::Refunded => {
                self.paid == self.total
                    && self.refunded == self.paid
                    && line_refunds == self.refunded
            }
        };
        lines_ok && money_ok && status_ok
    }
}

fn invalid(from: OrderStatus, to: &'static str) -> Refusal {
    Refusal::InvalidTransition {
        from: from.as_str(),
        to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use super::OrderStatus as S;

    const NOW: i64 = 1_700_000_000_000;
    const PAY_WITHIN: i64 = 30 * 60 * 1000;
    const DEADLINE: i64 = NOW + PAY_WITHIN;

    /// 豆浆机 ¥199.00 × 1 and 滤网 ¥12.50 × 2: ¥224.00.
    fn cart() -> Vec<(SkuId, String, Fen, u32)> {
        vec![
            (SkuId(1), "豆浆机".into(), Fen::new(19_900), 1),
            (SkuId(2), "滤网".into(), Fen::new(1_250), 2),
        ]
    }

    fn placed() -> Order {
        Order::place(cart(), NOW, PAY_WITHIN).expect("a valid cart")
    }

    fn pay(amount: Fen) -> OrderEvent {
        OrderEvent::PaymentConfirmed {
            amount,
            at: NOW + 1,
        }
    }

    fn refund(line: Option<usize>, fen: i64, restock: u32) -> OrderEvent {
        OrderEvent::Refund {
            line,
            amount: Fen::new(fen),
            restock,
        }
    }

    const CANCEL: OrderEvent = OrderEvent::Cancel { at: NOW + 2 };
    const EXPIRE: OrderEvent = OrderEvent::Expire { at: DEADLINE };
    const SHIP: OrderEvent = OrderEvent::Ship { at: NOW + 3 };
    const COMPLETE: OrderEvent = OrderEvent::Complete { at: NOW + 4 };

    fn in_status(status: OrderStatus) -> Order {
        let mut order = placed();
        let total = order.total;
        let steps = match status {
            S::PendingPayment => vec![],
            S::Paid => vec![pay(total)],
            S::Shipped => vec![pay(total), SHIP],
            S::Completed => vec![pay(total), SHIP, COMPLETE],
            S::Cancelled => vec![CANCEL],
            S::Expired => vec![EXPIRE],
            S::Refunded => vec![pay(total), refund(None, total.get(), 0)],
        };
        for step in steps {
            order.apply(step).expect("a legal step");
        }
        assert_eq!(order.status, status);
        order
    }

    #[test]
    fn an_order_is_priced_from_the_catalogue_then_paid_shipped_and_completed() {
        let mut order = placed();
        assert_eq!(order.status, S::PendingPayment);
        assert_eq!(order.total, Fen::new(22_400));
        assert_eq!(order.lines[1].amount(), Some(Fen::new(2_500)));
        assert_eq!(order.pay_deadline, DEADLINE);
        assert_eq!(order.apply(pay(Fen::new(22_400))), Ok(Outcome::Applied));
        assert_eq!((order.status, order.paid), (S::Paid, Fen::new(22_400)));
        assert_eq!(order.paid_at, Some(NOW + 1));
        assert_eq!(order.apply(SHIP), Ok(Outcome::Applied));
        assert_eq!(order.status, S::Shipped);
        assert_eq!(order.apply(COMPLETE), Ok(Outcome::Applied));
        assert_eq!(order.status, S::Completed);
        assert_eq!(order.completed_at, Some(NOW + 4));
        assert!(order.is_consistent());
    }

    #[test]
    fn placing_refuses_bad_carts() {
        let place = |lines| Order::place(lines, NOW, PAY_WITHIN);
        let field = |r: Result<Order, DomainError>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field(place(vec![])), "lines");
        let many = (0..51)
            .map(|i| (SkuId(i), format!("sku {i}"), Fen::new(100), 1))
            .collect();
        assert_eq!(field(place(many)), "lines");
        let with = |price: i64, qty: u32| vec![(SkuId(1), "x".to_owned(), Fen::new(price), qty)];
        assert_eq!(field(place(with(100, 0))), "quantity");
        assert_eq!(field(place(with(100, 1_000))), "quantity");
        assert!(place(with(100, 999)).is_ok());
        assert_eq!(field(place(with(-1, 1))), "unit_price");
        assert_eq!(field(place(with(0, 1))), "total");
        assert_eq!(field(place(with(i64::MAX / 2, 3))), "total");
        let mut twice = cart();
        twice.push((SkuId(1), "豆浆机".into(), Fen::new(19_900), 1));
        assert_eq!(field(place(twice)), "sku");
        assert_eq!(field(Order::place(cart(), NOW, 0)), "pay_within_ms");
        assert_eq!(field(Order::place(cart(), i64::MAX, 1)), "pay_within_ms");
    }

    #[test]
    fn every_illegal_transition_is_refused_and_changes_nothing() {
        let early = OrderEvent::Expire { at: DEADLINE - 1 };
        let some = refund(Some(0), 100, 0);
        let cases = [
            (S::PendingPayment, SHIP, "shipped"),
            (S::PendingPayment, COMPLETE, "completed"),
            (S::PendingPayment, some, "refunded"),
            (S::PendingPayment, early, "expired"),
            (S::Paid, CANCEL, "cancelled"),
            (S::Paid, EXPIRE, "expired"),
            (S::Paid, COMPLETE, "completed"),
            (S::Shipped, CANCEL, "cancelled"),
            (S::Shipped, EXPIRE, "expired"),
            (S::Completed, CANCEL, "cancelled"),
            (S::Completed, EXPIRE, "expired"),
            (S::Cancelled, SHIP, "shipped"),
            (S::Cancelled, COMPLETE, "completed"),
            (S::Cancelled, some, "refunded"),
            (S::Expired, CANCEL, "cancelled"),
            (S::Expired, SHIP, "shipped"),
            (S::Expired, COMPLETE, "completed"),
            (S::Expired, some, "refunded"),
            (S::Refunded, CANCEL, "cancelled"),
            (S::Refunded, EXPIRE, "expired"),
            (S::Refunded, SHIP, "shipped"),
            (S::Refunded, COMPLETE, "completed"),
        ];
        for (status, event, to) in cases {
            let mut order = in_status(status);
            let before = order.clone();
            let refusal = order.apply(event).expect_err("an illegal transition");
            assert_eq!(
                refusal,
                Refusal::InvalidTransition {
                    from: status.as_str(),
                    to
                },
                "{event:?} on a {status:?} order"
            );
            assert_eq!(refusal.code(), "invalid_transition");
            assert_eq!(refusal.field(), None);
            assert_eq!(order, before, "{event:?} on a {status:?} order");
        }
        let refusal = Refusal::InvalidTransition {
            from: "pending_payment",
            to: "shipped",
        };
        assert_eq!(
            refusal.to_string(),
            "the order is pending payment and cannot be shipped"
        );
    }

    #[test]
    fn repeated_events_are_applied_once() {
        for status in [S::Paid, S::Shipped, S::Completed, S::Refunded] {
            let mut order = in_status(status);
            let before = order.clone();
            let total = order.total;
            assert_eq!(order.apply(pay(total)), Ok(Outcome::AlreadyApplied));
            assert_eq!(order, before);
        }
        let mut order = in_status(S::Shipped);
        assert_eq!(order.apply(SHIP), Ok(Outcome::AlreadyApplied));
        order.apply(COMPLETE).expect("completes");
        assert_eq!(order.apply(COMPLETE), Ok(Outcome::AlreadyApplied));
        assert_eq!(order.apply(SHIP), Ok(Outcome::AlreadyApplied));
        for status in [S::Cancelled, S::Expired] {
            let mut order = in_status(status);
            let before = order.clone();
            assert_eq!(order.apply(EXPIRE), Ok(Outcome::AlreadyApplied));
            assert_eq!(order, before);
        }
        let mut order = in_status(S::Cancelled);
        assert_eq!(order.apply(CANCEL), Ok(Outcome::AlreadyApplied));
    }

    #[test]
    fn cancelling_or_expiring_releases_every_unit() {
        let units = vec![(SkuId(1), 1), (SkuId(2), 2)];
        let mut order = placed();
        assert_eq!(
            order.apply(CANCEL),
            Ok(Outcome::ReleaseStock(units.clone()))
        );
        assert_eq!(order.closed_at, Some(NOW + 2));
        let mut order = placed();
        assert_eq!(order.apply(EXPIRE), Ok(Outcome::ReleaseStock(units)));
        assert_eq!(order.status, S::Expired);
    }

    #[test]
    fn a_late_payment_on_a_closed_order_is_paid_back_not_resurrected() {
        for status in [S::Cancelled, S::Expired] {
            let mut order = in_status(status);
            let total = order.total;
            assert_eq!(order.apply(pay(total)), Ok(Outcome::RefundDue(total)));
            assert_eq!(order.status, status);
            assert_eq!((order.paid, order.refunded), (total, total));
            assert!(order.is_consistent());
            let again = order.clone();
            assert_eq!(order.apply(pay(total)), Ok(Outcome::AlreadyApplied));
            assert_eq!(order, again);
            assert_eq!(
                order.apply(SHIP).map_err(|r| r.code()),
                Err("invalid_transition")
            );
        }
    }

    #[test]
    fn a_payment_must_be_the_total() {
        let mut order = placed();
        let before = order.clone();
        for fen in [22_399, 22_401, 1, 0, -22_400] {
            let refusal = order.apply(pay(Fen::new(fen))).expect_err("not the total");
            assert_eq!(refusal, Refusal::AmountMismatch);
            assert_eq!(
                (refusal.code(), refusal.field()),
                ("amount_mismatch", Some("amount"))
            );
        }
        assert_eq!(order, before);
        // The expiry job has not run yet: the units are still held, so the payment counts.
        let mut late = placed();
        let total = late.total;
        let event = OrderEvent::PaymentConfirmed {
            amount: total,
            at: DEADLINE + 5,
        };
        assert_eq!(late.apply(event), Ok(Outcome::Applied));
        assert_eq!(
            late.apply(EXPIRE).map_err(|r| r.code()),
            Err("invalid_transition")
        );
    }

    #[test]
    fn partial_refunds_add_up_to_at_most_what_was_paid() {
        let mut order = in_status(S::Shipped);
        // The 滤网 line is ¥25.00: two refunds of ¥10.00, then ¥5.01 is too much.
        for _ in 0..2 {
            assert_eq!(
                order.apply(refund(Some(1), 1_000, 0)),
                Ok(Outcome::Refund {
                    amount: Fen::new(1_000),
                    restock: vec![]
                })
            );
        }
        let before = order.clone();
        let too_much = order
            .apply(refund(Some(1), 501, 0))
            .expect_err("over the line");
        assert_eq!(
            (too_much.code(), too_much.field()),
            ("refund_exceeds_paid", Some("amount"))
        );
        assert_eq!(order, before);
        // One filter comes back with the last ¥5.00 of its line.
        assert_eq!(
            order.apply(refund(Some(1), 500, 1)),
            Ok(Outcome::Refund {
                amount: Fen::new(500),
                restock: vec![(SkuId(2), 1)]
            })
        );
        assert_eq!(order.lines[1].returned, 1);
        assert_eq!(
            order.apply(refund(Some(1), 1, 0)),
            Err(Refusal::RefundExceedsPaid),
            "the line is refunded in full"
        );
        assert_eq!(
            order.apply(refund(Some(0), 100, 2)),
            Err(Refusal::InvalidTransition {
                from: "shipped",
                to: "returned"
            }),
            "one 豆浆机 was sold, not two"
        );
        assert_eq!(
            order.apply(refund(Some(7), 100, 0)),
            Err(Refusal::RefundExceedsPaid)
        );
        assert_eq!(
            order.apply(refund(None, 0, 0)),
            Err(Refusal::AmountMismatch)
        );
        assert_eq!(
            order.apply(refund(None, 19_901, 0)),
            Err(Refusal::RefundExceedsPaid),
            "¥199.00 is left"
        );
        assert_eq!(order.status, S::Shipped);
        assert_eq!(order.refundable(), Fen::new(19_900));
        order.apply(refund(None, 19_900, 0)).expect("the rest");
        assert_eq!(order.status, S::Refunded);
        assert_eq!(order.refunded, order.paid);
        assert_eq!(
            order.apply(refund(None, 1, 0)),
            Err(Refusal::RefundExceedsPaid)
        );
        assert!(order.is_consistent());
    }

    #[test]
    fn a_whole_order_refund_is_taken_from_the_lines_in_order() {
        let mut order = in_status(S::Paid);
        order
            .apply(refund(Some(0), 19_000, 0))
            .expect("part of line 0");
        order.apply(refund(None, 1_500, 0)).expect("spread");
        assert_eq!(order.lines[0].refunded, Fen::new(19_900));
        assert_eq!(order.lines[1].refunded, Fen::new(600));
        assert_eq!(order.refunded, Fen::new(20_500));
        assert_eq!(order.status, S::Paid);
        assert_eq!(
            order.apply(refund(None, 100, 1)),
            Err(Refusal::InvalidTransition {
                from: "paid",
                to: "returned"
            }),
            "goods come back per line"
        );
    }

    #[test]
    fn statuses_round_trip_as_text() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse("status", s.as_str()).ok(), Some(*s));
        }
        assert_eq!(S::PendingPayment.as_str(), "pending_payment");
        assert!(OrderStatus::parse("status", "lost").is_err());
        assert!(S::Completed.holds_payment() && !S::Refunded.holds_payment());
    }

    #[derive(Debug, Clone, Copy)]
    enum Op {
        Pay,
        PayAny(i64),
        Cancel,
        Expire(i64),
        Ship,
        Complete,
        /// `amount` None: whatever is left on the line (or the order).
        Refund {
            line: Option<usize>,
            amount: Option<i64>,
            restock: u32,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Pay),
            1 => (-10_i64..30_000).prop_map(Op::PayAny),
            1 => Just(Op::Cancel),
            1 => (-100_i64..100).prop_map(Op::Expire),
            1 => Just(Op::Ship),
            1 => Just(Op::Complete),
            6 => (
                proptest::option::of(0_usize..5),
                proptest::option::of(-10_i64..3_000),
                0_u32..4,
            )
                .prop_map(|(line, amount, restock)| Op::Refund { line, amount, restock }),
        ]
    }

    fn event_for(order: &Order, op: Op) -> OrderEvent {
        match op {
            Op::Pay => pay(order.total),
            Op::PayAny(fen) => pay(Fen::new(fen)),
            Op::Cancel => CANCEL,
            Op::Expire(offset) => OrderEvent::Expire {
                at: order.pay_deadline + offset,
            },
            Op::Ship => SHIP,
            Op::Complete => COMPLETE,
            Op::Refund {
                line,
                amount,
                restock,
            } => {
                let rest = match line.and_then(|i| order.lines.get(i)) {
                    Some(l) => l.refundable(),
                    None => order.refundable(),
                };
                OrderEvent::Refund {
                    line,
                    amount: amount.map_or(rest, Fen::new),
                    restock,
                }
            }
        }
    }

    fn legal(from: OrderStatus, to: OrderStatus) -> bool {
        from == to
            || matches!(
                (from, to),
                (S::PendingPayment, S::Paid | S::Cancelled | S::Expired)
                    | (S::Paid, S::Shipped | S::Refunded)
                    | (S::Shipped, S::Completed | S::Refunded)
                    | (S::Completed, S::Refunded)
            )
    }

    proptest! {
        #[test]
        fn no_sequence_of_events_refunds_more_than_was_paid(
            cart in proptest::collection::vec((1_i64..5_000, 1_u32..4), 1..5),
            ops in proptest::collection::vec(op(), 0..40),
        ) {
            let lines = cart
                .iter()
                .enumerate()
                .map(|(i, &(price, qty))| (SkuId(i as i64), format!("sku {i}"), Fen::new(price), qty))
                .collect();
            let mut order = Order::place(lines, NOW, PAY_WITHIN).expect("a valid cart");
            // What the outcomes told the caller to pay back and to restock, per line.
            let mut paid_back = Fen::ZERO;
            let mut restocked = vec![0_u32; order.lines.len()];
            for op in ops {
                let event = event_for(&order, op);
                let before = order.clone();
                match order.apply(event) {
                    Ok(outcome) => {
                        prop_assert!(
                            legal(before.status, order.status),
                            "{:?} took {:?} to {:?}", event, before.status, order.status
                        );
                        match outcome {
                            Outcome::Applied => {}
                            Outcome::AlreadyApplied => {
                                prop_assert_eq!(&order, &before);
                            }
                            Outcome::RefundDue(amount) => {
                                paid_back = paid_back.checked_add(amount).expect("small");
                            }
                            Outcome::Refund { amount, restock } => {
                                paid_back = paid_back.checked_add(amount).expect("small");
                                for (sku, units) in restock {
                                    restocked[sku.get() as usize] += units;
                                }
                            }
                            Outcome::ReleaseStock(units) => {
                                prop_assert_eq!(units.len(), order.lines.len());
                            }
                        }
                    }
                    Err(_) => {
                        prop_assert_eq!(&order, &before);
                    }
                }
                prop_assert!(order.is_consistent(), "{:?}", order);
                prop_assert!(order.refunded <= order.paid);
                prop_assert!(order.paid == Fen::ZERO || order.paid == order.total || !order.status.holds_payment());
                for l in &order.lines {
                    prop_assert!(l.refunded <= l.amount().expect("small"));
                }
                prop_assert_eq!(paid_back, order.refunded);
                for (l, units) in order.lines.iter().zip(&restocked) {
                    prop_assert_eq!(l.returned, *units);
                }
                prop_assert_eq!(
                    order.status == S::Refunded,
                    order.paid == order.total && order.refunded == order.paid && order.paid_at.is_some()
                );
            }
        }
    }
}
