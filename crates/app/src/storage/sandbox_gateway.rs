//! SQL for the sandbox gateway's own books: its charges and refunds. Only the gateway's
//! use cases (`usecases::sandbox_gateway`) touch these tables.

use super::db::Tx;
use super::sql::{Row, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChargeRow {
    pub intent_no: String,
    pub merchant: String,
    pub amount: i64,
    pub description: String,
    pub notify_url: String,
    pub return_url: String,
    pub status: String,
    pub transaction_id: Option<String>,
    pub paid_at: Option<i64>,
}

const COLUMNS: &str = "intent_no, merchant, amount, description, notify_url, return_url, status, transaction_id, paid_at";

fn charge(r: &Row) -> Result<ChargeRow, StoreError> {
    Ok(ChargeRow {
        intent_no: r.get(0)?,
        merchant: r.get(1)?,
        amount: r.get(2)?,
        description: r.get(3)?,
        notify_url: r.get(4)?,
        return_url: r.get(5)?,
        status: r.get(6)?,
        transaction_id: r.get(7)?,
        paid_at: r.get(8)?,
    })
}

pub async fn insert_charge(tx: &mut Tx, c: &ChargeRow, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sandbox_charges (intent_no, merchant, amount, description, notify_url,
             return_url, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        &params![
            c.intent_no.as_str(),
            c.merchant.as_str(),
            c.amount,
            c.description.as_str(),
            c.notify_url.as_str(),
            c.return_url.as_str(),
            now
        ],
    )
    .await?;
    Ok(())
}

pub async fn charge_by_no(tx: &mut Tx, intent_no: &str) -> Result<Option<ChargeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM sandbox_charges WHERE intent_no = $1");
    tx.query_opt(&sql, &params![intent_no])
        .await?
        .as_ref()
        .map(charge)
        .transpose()
}

/// Pays an open charge; returns whether this call paid it.
pub async fn mark_paid(
    tx: &mut Tx,
    intent_no: &str,
    transaction: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE sandbox_charges SET status = 'paid', transaction_id = $2, paid_at = $3
             WHERE intent_no = $1 AND status = 'open'",
            &params![intent_no, transaction, now],
        )
        .await?
        == 1)
}

pub async fn mark_closed(tx: &mut Tx, intent_no: &str) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE sandbox_charges SET status = 'closed' WHERE intent_no = $1 AND status = 'open'",
            &params![intent_no],
        )
        .await?
        == 1)
}

/// The refund with this number: (charge, amount).
pub async fn refund_by_no(
    tx: &mut Tx,
    refund_no: &str,
) -> Result<Option<(String, i64)>, StoreError> {
    tx.query_opt(
        "SELECT intent_no, amount FROM sandbox_refunds WHERE refund_no = $1",
        &params![refund_no],
    )
    .await?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

pub async fn refunded_total(tx: &mut Tx, intent_no: &str) -> Result<i64, StoreError> {
    tx.query_one(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM sandbox_refunds WHERE intent_no = $1",
        &params![intent_no],
    )
    .await?
    .get(0)
}

pub async fn insert_refund(
    tx: &mut Tx,
    refund_no: &str,
    intent_no: &str,
    amount: i64,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sandbox_refunds (refund_no, intent_no, amount, created_at) VALUES ($1, $2, $3, $4)",
        &params![refund_no, intent_no, amount, now],
    )
    .await?;
    Ok(())
}
