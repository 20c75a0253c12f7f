//! Stock (库存) per SKU: four counters and the movements that change them. Storage keeps
//! every movement (its [`StockReason`] and quantity) as the SKU's ledger; [`StockLevel::apply`]
//! is the one place a movement is checked, so none takes stock below zero or breaks
//! `received == on_hand + sold − returned`.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Reason, Refusal};

/// The most units one movement may carry, either way: a bound on input, far above any
/// delivery or stocktake a store makes.
pub const MAX_MOVE: i64 = 1_000_000;

/// Why stock moved. Every change to a [`StockLevel`] is one of these, recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    /// 入库: goods arrived; on hand grows.
    Received,
    /// 下单占用: an order took units from on hand (when placed, before payment, so two
    /// buyers cannot pay for the last unit).
    Sold,
    /// 释放: an unpaid order was cancelled or expired; its units go back on hand.
    Released,
    /// 退货入库: goods came back after a paid order was refunded.
    Returned,
    /// 盘点调整: a stocktake found more (+) or fewer (−) units than on hand.
    Adjusted,
}

text_enum!(StockReason, "stock reason",
    Received => "received", Sold => "sold", Released => "released", Returned => "returned",
    Adjusted => "adjusted");

impl StockReason {
    /// Checks a quantity typed by staff or sent by a client for this reason: 1 to
    /// [`MAX_MOVE`], or for a stocktake adjustment −[`MAX_MOVE`] to [`MAX_MOVE`] (0 records
    /// a count that matched).
    pub fn check_quantity(self, field: &'static str, qty: i64) -> Result<i64, DomainError> {
        let min = match self {
            StockReason::Adjusted => -MAX_MOVE,
            StockReason::Received
            | StockReason::Sold
            | StockReason::Released
            | StockReason::Returned => 1,
        };
        if (min..=MAX_MOVE).contains(&qty) {
            Ok(qty)
        } else {
            Err(DomainError::invalid(
                field,
                Reason::OutOfRange { min, max: MAX_MOVE },
            ))
        }
    }
}

/// One SKU's stock, as counters over its whole ledger.
///
/// - `received`: units that came in (deliveries, plus stocktake adjustments either way).
/// - `on_hand`: units on the shelf, free to be ordered. Never below zero.
/// - `sold`: units taken by orders (paid or still awaiting payment), less those released
///   when an unpaid order was cancelled or expired.
/// - `returned`: units that came back after a sale. Never more than `sold`.
///
/// `sold − returned` ([`StockLevel::outstanding`]) is what is out with buyers or held for
/// them. The invariant, checked by [`StockLevel::is_consistent`]:
///
/// ```text
/// received == on_hand + sold − returned,   on_hand ≥ 0,   sold ≥ returned ≥ 0
/// ```
///
/// Each movement of `q` units changes the counters so that both sides move alike:
///
/// ```text
/// reason    Δreceived  Δon_hand  Δsold  Δreturned   Δ(on_hand + sold − returned)
/// received      +q        +q                           +q
/// sold                    −q       +q                    0
/// released                +q       −q                    0
/// returned                +q               +q            0
/// adjusted      ±q        ±q                           ±q
/// ```
///
/// `sold` needs `q ≤ on_hand`, `released` and `returned` need `q ≤ sold − returned`, and
/// `adjusted` needs `on_hand ± q ≥ 0`; then `on_hand ≥ 0` and `sold ≥ returned` hold, and
/// `received = on_hand + (sold − returned) ≥ 0` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StockLevel {
    pub received: i64,
    pub on_hand: i64,
    pub sold: i64,
    pub returned: i64,
}

impl StockLevel {
    /// The level after one movement of `qty` units, or the refusal that leaves it as it was.
    ///
    /// `qty` is at least 1 for every reason but `adjusted` (which takes a signed change).
    /// A movement that would take a counter below zero is refused with
    /// [`Refusal::OutOfStock`]: selling more than is on hand, releasing or taking back more
    /// than is out with buyers, adjusting on hand below zero. A quantity below 1 for a
    /// one-way reason, or a counter overflowing i64, is refused the same way; callers check
    /// input first with [`StockReason::check_quantity`], so those never happen in use.
    pub fn apply(self, reason: StockReason, qty: i64) -> Result<StockLevel, Refusal> {
        if reason != StockReason::Adjusted && qty < 1 {
            return Err(Refusal::OutOfStock);
        }
        let next = match reason {
            StockReason::Received => StockLevel {
                received: add(self.received, qty)?,
                on_hand: add(self.on_hand, qty)?,
                ..self
            },
            StockReason::Sold => {
                if self.on_hand < qty {
                    return Err(Refusal::OutOfStock);
                }
                StockLevel {
                    on_hand: self.on_hand - qty,
                    sold: add(self.sold, qty)?,
                    ..self
                }
            }
            StockReason::Released => {
                if self.outstanding() < qty {
                    return Err(Refusal::OutOfStock);
                }
                StockLevel {
                    on_hand: add(self.on_hand, qty)?,
                    sold: self.sold - qty,
                    ..self
                }
            }
            StockReason::Returned => {
                if self.outstanding() < qty {
                    return Err(Refusal::OutOfStock);
                }
                StockLevel {
                    on_hand: add(self.on_hand, qty)?,
                    returned: add(self.returned, qty)?,
                    ..self
                }
            }
            StockReason::Adjusted => {
                let on_hand = add(self.on_hand, qty)?;
                if on_hand < 0 {
                    return Err(Refusal::OutOfStock);
                }
                StockLevel {
                    received: add(self.received, qty)?,
                    on_hand,
                    ..self
                }
            }
        };
        debug_assert!(
            !self.is_consistent() || next.is_consistent(),
            "{:?} of {} broke {:?} into {:?}",
            reason,
            qty,
            self,
            next
        );
        Ok(next)
    }

    /// Units out with buyers or held for unpaid orders: `sold − returned`.
    pub fn outstanding(self) -> i64 {
        self.sold.saturating_sub(self.returned)
    }

    /// Whether `received == on_hand + sold − returned` with `on_hand ≥ 0` and
    /// `sold ≥ returned ≥ 0` (so `received ≥ 0` too).
    pub fn is_consistent(self) -> bool {
        let balance = i128::from(self.on_hand) + i128::from(self.sold) - i128::from(self.returned);
        self.on_hand >= 0
            && self.returned >= 0
            && self.sold >= self.returned
            && i128::from(self.received) == balance
    }
}

fn add(a: i64, b: i64) -> Result<i64, Refusal> {
    a.checked_add(b).ok_or(Refusal::OutOfStock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn level(moves: &[(StockReason, i64)]) -> StockLevel {
        moves
            .iter()
            .try_fold(StockLevel::default(), |l, &(r, q)| l.apply(r, q))
            .expect("the moves are allowed")
    }

    #[test]
    fn a_delivery_a_sale_a_release_and_a_return_keep_the_books() {
        let l = level(&[
            (StockReason::Received, 10),
            (StockReason::Sold, 4),
            (StockReason::Released, 1),
            (StockReason::Returned, 2),
            (StockReason::Adjusted, -3),
        ]);
        assert_eq!(
            l,
            StockLevel {
                received: 7,
                on_hand: 6,
                sold: 3,
                returned: 2,
            }
        );
        assert!(l.is_consistent());
        assert_eq!(l.outstanding(), 1);
    }

    #[test]
    fn nothing_goes_below_zero() {
        let l = level(&[(StockReason::Received, 3), (StockReason::Sold, 2)]);
        let refused = |r, q| l.apply(r, q) == Err(Refusal::OutOfStock);
        assert!(refused(StockReason::Sold, 2), "only 1 on hand");
        assert!(refused(StockReason::Released, 3), "only 2 out");
        assert!(refused(StockReason::Returned, 3), "only 2 out");
        assert!(refused(StockReason::Adjusted, -2), "only 1 on hand");
        assert!(refused(StockReason::Received, 0), "a delivery of nothing");
        assert!(refused(StockReason::Sold, -1), "a negative sale");
        assert!(StockLevel::default().apply(StockReason::Sold, 1).is_err());
        assert_eq!(
            l.apply(StockReason::Sold, 1).map(|n| n.on_hand),
            Ok(0),
            "the last unit sells"
        );
        assert_eq!(l.apply(StockReason::Adjusted, 0), Ok(l));
        assert_eq!(Refusal::OutOfStock.code(), "out_of_stock");
    }

    #[test]
    fn reasons_round_trip_and_quantities_are_bounded() {
        for r in StockReason::ALL {
            assert_eq!(StockReason::parse("reason", r.as_str()).ok(), Some(*r));
        }
        assert!(StockReason::parse("reason", "stolen").is_err());
        assert_eq!(StockReason::Received.check_quantity("qty", 5).ok(), Some(5));
        assert!(StockReason::Received.check_quantity("qty", 0).is_err());
        assert!(
            StockReason::Sold
                .check_quantity("qty", MAX_MOVE + 1)
                .is_err()
        );
        assert_eq!(
            StockReason::Adjusted.check_quantity("qty", -5).ok(),
            Some(-5)
        );
        assert!(matches!(
            StockReason::Adjusted.check_quantity("qty", -MAX_MOVE - 1),
            Err(DomainError::Invalid {
                field: "qty",
                reason: Reason::OutOfRange { .. }
            })
        ));
    }

    proptest! {
        #[test]
        fn any_sequence_of_movements_keeps_the_invariant_and_the_ledger(
            moves in proptest::collection::vec((0_usize..5, -20_i64..60), 0..80),
        ) {
            let mut l = StockLevel::default();
            // Sums over the accepted movements, by reason: the ledger storage keeps.
            let mut sum = [0_i64; 5];
            for (r, qty) in moves {
                let reason = StockReason::ALL[r];
                match l.apply(reason, qty) {
                    Ok(next) => {
                        sum[r] += qty;
                        l = next;
                    }
                    Err(refusal) => {
                        prop_assert_eq!(refusal, Refusal::OutOfStock);
                        let why = match reason {
                            _ if reason != StockReason::Adjusted && qty < 1 => true,
                            StockReason::Sold => l.on_hand < qty,
                            StockReason::Released | StockReason::Returned => {
                                l.outstanding() < qty
                            }
                            StockReason::Adjusted => l.on_hand + qty < 0,
                            StockReason::Received => false,
                        };
                        prop_assert!(why, "{:?} of {} refused at {:?}", reason, qty, l);
                    }
                }
                prop_assert!(l.is_consistent(), "{:?}", l);
                prop_assert!(l.on_hand >= 0 && l.sold >= 0 && l.returned >= 0 && l.received >= 0);
                let [received, sold, released, returned, adjusted] = sum;
                prop_assert_eq!(l.received, received + adjusted);
                prop_assert_eq!(l.sold, sold - released);
                prop_assert_eq!(l.returned, returned);
                prop_assert_eq!(l.on_hand, received + adjusted - sold + released + returned);
            }
        }
    }
}
