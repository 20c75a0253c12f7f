//! `shequn verify`: checks a database for the commerce invariants (stock, orders,
//! idempotency) across every brand, read-only, and says what it checked and what broke.
//! The ledgers of the next issue add their checks here.

use crate::storage::verify as checks;
use crate::{AppError, Db};

/// Violations listed per check, at most.
pub const SHOWN: i64 = 20;

/// One check: its name, how many rows it looked at, and what breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub checked: i64,
    pub violations: Vec<String>,
}

/// Runs every check.
pub async fn run(db: &Db) -> Result<Vec<Check>, AppError> {
    db.read(|tx| {
        Box::pin(async move {
            let (n, v) = checks::stock(tx, SHOWN).await?;
            let stock = Check {
                name: "stock: counters never below zero, received = on hand + sold - returned, equal to the ledger",
                checked: n,
                violations: v,
            };
            let (n, v) = checks::orders(tx, SHOWN).await?;
            let orders = Check {
                name: "orders: totals add up, refunds never exceed what was paid, status agrees with the money",
                checked: n,
                violations: v,
            };
            let (n, v) = checks::idempotency(tx, SHOWN).await?;
            let keys = Check {
                name: "idempotency: one answer per key",
                checked: n,
                violations: v,
            };
            Ok(vec![stock, orders, keys])
        })
    })
    .await
}
