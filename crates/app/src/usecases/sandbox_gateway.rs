//! The sandbox gateway: a stand-in for an outside payment gateway, built in so a new user
//! can pay without a merchant account. It keeps its own books (`sandbox_charges`,
//! `sandbox_refunds`), shows a hosted pay page, tells the shop by signed asynchronous
//! notifications (delivered at least once: each is sent again a moment later, as real
//! gateways do, and retried with backoff while the shop does not answer 2xx), and answers
//! a signed query and refund API. The shop reaches it only over HTTP, except for creating
//! a charge, which the shop's checkout does in its own transaction (a synchronous "create"
//! call, as with a gateway SDK).

use std::time::Duration;

use serde::Serialize;

use crate::clock::now_ms;
use crate::payments::sandbox::{self, Charge, Notification, RefundAnswer, RefundAsk};
use crate::storage::db::Tx;
use crate::storage::sandbox_gateway::{self as books, ChargeRow};
use crate::{AppError, Db};

/// What the hosted pay page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayPage {
    pub intent_no: String,
    pub merchant: String,
    pub amount: i64,
    pub description: String,
    pub status: String,
    pub return_url: String,
}

/// Opens a charge (inside the shop's checkout transaction).
pub async fn create_charge(tx: &mut Tx, charge: &ChargeRow, now: i64) -> Result<(), AppError> {
    books::insert_charge(tx, charge, now).await?;
    Ok(())
}

fn as_charge(c: &ChargeRow) -> Charge {
    Charge {
        intent_no: c.intent_no.clone(),
        transaction_id: c.transaction_id.clone(),
        amount: c.amount,
        currency: "CNY".into(),
        status: c.status.clone(),
        paid_at: c.paid_at,
    }
}

pub async fn pay_page(db: &Db, intent_no: &str) -> Result<PayPage, AppError> {
    let no = intent_no.to_owned();
    db.read(move |tx| {
        Box::pin(async move {
            let c = books::charge_by_no(tx, &no)
                .await?
                .ok_or(AppError::NotFound("charge"))?;
            Ok(PayPage {
                intent_no: c.intent_no,
                merchant: c.merchant,
                amount: c.amount,
                description: c.description,
                status: c.status,
                return_url: c.return_url,
            })
        })
    })
    .await
}

/// The payer pressed "pay": the charge is paid (once) and the notification goes out.
/// Returns where to send the payer back to.
#[tracing::instrument(skip(db, secret))]
pub async fn pay(
    db: &Db,
    intent_no: &str,
    secret: Vec<u8>,
    base: String,
    http: reqwest::Client,
) -> Result<String, AppError> {
    let no = intent_no.to_owned();
    let (charge, newly) = db
        .write(move |tx| {
            Box::pin(async move {
                let txn = format!("sbx_{}", &crate::secrets::random_secret("")[..28]);
                let newly = books::mark_paid(tx, &no, &txn, now_ms()).await?;
                let c = books::charge_by_no(tx, &no)
                    .await?
                    .ok_or(AppError::NotFound("charge"))?;
                Ok((c, newly))
            })
        })
        .await?;
    if charge.status != "paid" {
        return Err(AppError::Refused(
            shequn_domain::Refusal::InvalidTransition {
                from: "closed",
                to: "paid",
            },
        ));
    }
    if newly {
        let n = Notification {
            id: format!("evt_{}", &crate::secrets::random_secret("")[..24]),
            kind: "charge.succeeded".into(),
            charge: as_charge(&charge),
        };
        let url = format!("{base}{}", charge.notify_url);
        tokio::spawn(deliver(http, url, secret, n));
    }
    Ok(charge.return_url)
}

/// The payer gave up: the charge closes (a later pay is refused).
pub async fn close(db: &Db, intent_no: &str) -> Result<String, AppError> {
    let no = intent_no.to_owned();
    db.write(move |tx| {
        Box::pin(async move {
            books::mark_closed(tx, &no).await?;
            let c = books::charge_by_no(tx, &no)
                .await?
                .ok_or(AppError::NotFound("charge"))?;
            Ok(c.return_url)
        })
    })
    .await
}

/// Sends one notification until the shop takes it (2xx), backing off from 1 s to a minute
/// over about ten minutes, and once more after it was taken: shops must cope with both.
async fn deliver(http: reqwest::Client, url: String, secret: Vec<u8>, n: Notification) {
    let Ok(body) = serde_json::to_vec(&n) else {
        return;
    };
    let mut wait = Duration::from_secs(1);
    let mut delivered = 0;
    for _ in 0..16 {
        let t = now_ms() / 1000;
        let res = http
            .post(&url)
            .header(sandbox::SIGNATURE_HEADER, sandbox::sign(&secret, t, &body))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => {
                delivered += 1;
                if delivered == 2 {
                    return;
                }
                // The duplicate, shortly after.
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
            Ok(r) => {
                tracing::warn!(status = %r.status(), notification = %n.id, "sandbox notification refused; retrying")
            }
            Err(e) => {
                tracing::warn!(error = %e, notification = %n.id, "sandbox notification not delivered; retrying")
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(60));
    }
}

/// The query API: the charge, for the merchant that owns it.
pub async fn query(db: &Db, merchant: &str, intent_no: &str) -> Result<Charge, AppError> {
    let (m, no) = (merchant.to_owned(), intent_no.to_owned());
    db.read(move |tx| {
        Box::pin(async move {
            let c = books::charge_by_no(tx, &no)
                .await?
                .filter(|c| c.merchant == m)
                .ok_or(AppError::NotFound("charge"))?;
            Ok(as_charge(&c))
        })
    })
    .await
}

/// The refund API: once per refund number; never more than the charge took.
pub async fn refund(db: &Db, merchant: &str, ask: RefundAsk) -> Result<RefundAnswer, AppError> {
    let m = merchant.to_owned();
    db.write(move |tx| {
        Box::pin(async move {
            if let Some((_, amount)) = books::refund_by_no(tx, &ask.refund_no).await? {
                return Ok(RefundAnswer {
                    refund_no: ask.refund_no,
                    status: "succeeded".into(),
                    amount,
                });
            }
            let c = books::charge_by_no(tx, &ask.intent_no)
                .await?
                .filter(|c| c.merchant == m && c.status == "paid")
                .ok_or(AppError::NotFound("charge"))?;
            let already = books::refunded_total(tx, &ask.intent_no).await?;
            if ask.amount <= 0 || already + ask.amount > c.amount {
                return Err(AppError::Refused(shequn_domain::Refusal::RefundExceedsPaid));
            }
            books::insert_refund(tx, &ask.refund_no, &ask.intent_no, ask.amount, now_ms()).await?;
            Ok(RefundAnswer {
                refund_no: ask.refund_no,
                status: "succeeded".into(),
                amount: ask.amount,
            })
        })
    })
    .await
}
