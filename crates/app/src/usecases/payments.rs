//! The shop's side of payments: opening a payment intent with a provider, applying a
//! provider's signed notification, reconciling an order whose notification never came (the
//! provider's query API), and sending booked refunds back through the provider that took
//! the money. Whatever a provider says reaches an order only through
//! [`orders::confirm_payment`], which applies each (provider, transaction) once.

use serde::{Deserialize, Serialize};
use shequn_domain::{Actor, BrandId, Fen, OrderId, Role};

use crate::clock::now_ms;
use crate::payments::gateways::Gateways;
use crate::payments::sandbox::{self, Notification, RefundAsk};
use crate::sealed::SealKey;
use crate::storage::db::Tx;
use crate::storage::payments::{self as store, IntentRow};
use crate::storage::sandbox_gateway::ChargeRow;
use crate::usecases::orders::{self, PaymentApplied};
use crate::usecases::sandbox_gateway;
use crate::{AppError, Db};

pub const SANDBOX: &str = "sandbox";

/// What the shop asked a provider to collect for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// The shop's trade number (WeChat Pay's out_trade_no): 32 characters.
    pub intent_no: String,
    pub order: OrderId,
    pub provider: String,
    pub amount: Fen,
    /// open | paid | closed
    pub status: String,
    /// Where the payer pays.
    pub pay_url: String,
}

impl From<IntentRow> for PaymentIntent {
    fn from(i: IntentRow) -> Self {
        let pay_url = format!("/sandbox-pay/{}", i.intent_no);
        PaymentIntent {
            intent_no: i.intent_no,
            order: i.order,
            provider: i.provider,
            amount: i.amount,
            status: i.status,
            pay_url,
        }
    }
}

fn trade_no() -> String {
    crate::secrets::random_secret("")[..32].to_owned()
}

/// The brand's sandbox merchant secret, made (and sealed) on first use.
pub(crate) async fn sandbox_secret_in(
    tx: &mut Tx,
    seal: &SealKey,
    brand: BrandId,
) -> Result<Vec<u8>, AppError> {
    if let Some((_, sealed)) = store::sandbox_secret(tx, brand).await? {
        return seal.open(&sealed);
    }
    let secret = crate::secrets::random_secret("sbx_");
    store::insert_settings(tx, brand, &seal.seal(secret.as_bytes()), now_ms()).await?;
    // Another transaction may have made it first: read back what is stored.
    match store::sandbox_secret(tx, brand).await? {
        Some((_, sealed)) => seal.open(&sealed),
        None => Err(AppError::Internal("payment settings vanished".into())),
    }
}

/// A brand as the sandbox gateway knows it: a merchant named by the brand's slug, with
/// the secret both sides sign with.
struct Merchant {
    brand: BrandId,
    slug: String,
    secret: Vec<u8>,
}

/// How a merchant is looked up.
enum MerchantKey {
    Slug(String),
    Brand(BrandId),
}

/// The merchant and its secret: read, and written only the first time (when the brand has
/// no payment settings yet), so notifications and API calls stay off the write path.
async fn merchant(db: &Db, seal: &SealKey, key: MerchantKey) -> Result<Merchant, AppError> {
    let found = db
        .read(move |tx| {
            Box::pin(async move {
                let brand = match &key {
                    MerchantKey::Slug(slug) => crate::storage::orgs::find_by_slug(tx, slug).await?,
                    MerchantKey::Brand(id) => crate::storage::orgs::get(tx, *id).await?,
                }
                .ok_or(AppError::NotFound("merchant"))?;
                let sealed = store::sandbox_secret(tx, brand.id).await?.map(|(_, s)| s);
                Ok((brand.id, brand.slug, sealed))
            })
        })
        .await?;
    let (brand, slug, sealed) = found;
    let secret = match sealed {
        Some(sealed) => seal.open(&sealed)?,
        None => {
            let seal = seal.clone();
            db.write(move |tx| Box::pin(async move { sandbox_secret_in(tx, &seal, brand).await }))
                .await?
        }
    };
    Ok(Merchant {
        brand,
        slug,
        secret,
    })
}

/// The secret for the merchant named `slug`.
pub async fn sandbox_secret(db: &Db, seal: &SealKey, slug: &str) -> Result<Vec<u8>, AppError> {
    Ok(merchant(db, seal, MerchantKey::Slug(slug.to_owned()))
        .await?
        .secret)
}

/// Opens a sandbox intent for the order inside the caller's transaction, with the
/// gateway's charge (paid on its hosted page, reported to `/pay/sandbox/{slug}/notify`).
pub(crate) async fn open_sandbox_intent(
    tx: &mut Tx,
    brand: BrandId,
    slug: &str,
    brand_name: &str,
    order: OrderId,
    amount: Fen,
    now: i64,
) -> Result<PaymentIntent, AppError> {
    let row = IntentRow {
        brand,
        order,
        provider: SANDBOX.into(),
        intent_no: trade_no(),
        amount,
        status: "open".into(),
        created_at: now,
    };
    store::insert_intent(tx, &row, now).await?;
    let charge = ChargeRow {
        intent_no: row.intent_no.clone(),
        merchant: slug.to_owned(),
        amount: amount.get(),
        description: format!("{brand_name} 订单 {}", order.get()),
        notify_url: format!("/pay/sandbox/{slug}/notify"),
        return_url: format!("/shop/{slug}/orders/{}", order.get()),
        status: "open".into(),
        transaction_id: None,
        paid_at: None,
    };
    sandbox_gateway::create_charge(tx, &charge, now).await?;
    Ok(row.into())
}

/// The order's intents, oldest first.
pub(crate) async fn intents_in(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Vec<PaymentIntent>, AppError> {
    Ok(store::intents_of(tx, brand, order)
        .await?
        .into_iter()
        .map(PaymentIntent::from)
        .collect())
}

/// Applies what a provider reported about an intent: checks amount and currency against
/// the intent, then confirms the payment on the order (once per transaction).
pub async fn apply_charge_report(
    db: &Db,
    brand: BrandId,
    provider: &str,
    intent_no: &str,
    transaction: &str,
    amount: i64,
    currency: &str,
) -> Result<PaymentApplied, AppError> {
    let no = intent_no.to_owned();
    let intent = db
        .read(move |tx| Box::pin(async move { Ok(store::intent_by_no(tx, &no).await?) }))
        .await?
        .filter(|i| i.brand == brand && i.provider == provider)
        .ok_or(AppError::NotFound("payment intent"))?;
    if currency != "CNY" || amount != intent.amount.get() {
        tracing::warn!(
            %brand, order = %intent.order, provider, expected = intent.amount.get(), amount, currency,
            "payment report refused: amount or currency does not match the intent"
        );
        return Err(AppError::Refused(shequn_domain::Refusal::AmountMismatch));
    }
    let applied =
        orders::confirm_payment(db, brand, intent.order, provider, transaction, amount).await?;
    let no = intent_no.to_owned();
    db.write(move |tx| {
        Box::pin(async move {
            store::set_intent_status(tx, &no, "paid", now_ms()).await?;
            Ok(())
        })
    })
    .await?;
    Ok(applied)
}

/// A sandbox notification arrived at `/pay/sandbox/{slug}/notify`: verified with the
/// merchant's secret, then applied once.
#[tracing::instrument(skip_all, fields(merchant = slug))]
pub async fn sandbox_notification(
    db: &Db,
    seal: &SealKey,
    slug: &str,
    signature: &str,
    body: &[u8],
) -> Result<PaymentApplied, AppError> {
    let m = merchant(db, seal, MerchantKey::Slug(slug.to_owned())).await?;
    sandbox::verify(&m.secret, signature, body, now_ms() / 1000).map_err(|e| {
        tracing::warn!(error = %e, "sandbox notification refused");
        AppError::BadCredentials
    })?;
    let n: Notification = serde_json::from_slice(body)
        .map_err(|_| AppError::invalid("body", shequn_domain::Reason::NotOneOf("notification")))?;
    let brand = m.brand;
    if n.kind != "charge.succeeded" || n.charge.status != "paid" {
        return Ok(PaymentApplied::Duplicate);
    }
    let txn = n.charge.transaction_id.ok_or(AppError::invalid(
        "transaction_id",
        shequn_domain::Reason::Required,
    ))?;
    apply_charge_report(
        db,
        brand,
        SANDBOX,
        &n.charge.intent_no,
        &txn,
        n.charge.amount,
        &n.charge.currency,
    )
    .await
}

/// A payment provider as the shop drives it, besides the notifications that arrive at its
/// own webhook: asked about an intent whose notification never came, and sent refunds.
/// Adding a provider is adding a variant: the compiler then asks for both calls.
enum Provider<'a> {
    Sandbox(&'a Gateways),
    Wechat(&'a Gateways),
}

impl<'a> Provider<'a> {
    /// The provider stored under this name, if this server knows it.
    fn named(name: &str, gateways: &'a Gateways) -> Option<Provider<'a>> {
        match name {
            SANDBOX => Some(Provider::Sandbox(gateways)),
            crate::usecases::wechat_pay::PROVIDER => Some(Provider::Wechat(gateways)),
            _ => None,
        }
    }

    /// Asks about an open intent and applies a payment it reports.
    async fn reconcile(
        &self,
        db: &Db,
        brand: BrandId,
        intent: &IntentRow,
    ) -> Result<Option<PaymentApplied>, AppError> {
        match self {
            Provider::Sandbox(g) => sandbox_reconcile(db, g, brand, &intent.intent_no).await,
            Provider::Wechat(g) => {
                crate::usecases::wechat_pay::reconcile(
                    db,
                    &g.seal,
                    &g.wechat,
                    brand,
                    &intent.intent_no,
                )
                .await
            }
        }
    }

    /// Sends a booked refund under its refund number; true when the provider settled it
    /// (WeChat Pay may settle later, by its refund notification).
    async fn refund(&self, db: &Db, r: &store::PendingRefund) -> Result<bool, AppError> {
        match self {
            Provider::Sandbox(g) => sandbox_refund(db, g, r).await,
            Provider::Wechat(g) => Ok(crate::usecases::wechat_pay::send_refund(
                db, &g.seal, &g.wechat, r, None,
            )
            .await?
                == "succeeded"),
        }
    }
}

/// Asks the provider about each open intent of the order and applies what it says was
/// paid. Returns what the last paid one did, or None when nothing was paid.
pub async fn reconcile_intents(
    db: &Db,
    gateways: &Gateways,
    brand: BrandId,
    intents: Vec<IntentRow>,
) -> Result<Option<PaymentApplied>, AppError> {
    let mut last = None;
    for i in intents.into_iter().filter(|i| i.status == "open") {
        let Some(provider) = Provider::named(&i.provider, gateways) else {
            continue;
        };
        if let Some(applied) = provider.reconcile(db, brand, &i).await? {
            last = Some(applied);
        }
    }
    Ok(last)
}

async fn sandbox_reconcile(
    db: &Db,
    gateways: &Gateways,
    brand: BrandId,
    intent_no: &str,
) -> Result<Option<PaymentApplied>, AppError> {
    let m = merchant(db, &gateways.seal, MerchantKey::Brand(brand)).await?;
    let charge = gateways
        .sandbox_query(&m.slug, &m.secret, intent_no)
        .await?;
    match (charge.status.as_str(), charge.transaction_id.as_deref()) {
        ("paid", Some(txn)) => Ok(Some(
            apply_charge_report(
                db,
                brand,
                SANDBOX,
                intent_no,
                txn,
                charge.amount,
                &charge.currency,
            )
            .await?,
        )),
        _ => Ok(None),
    }
}

/// Staff ask the provider about an order still waiting for payment.
#[tracing::instrument(skip(db, gateways), fields(brand = %actor.brand, target = %order))]
pub async fn reconcile_order(
    db: &Db,
    gateways: &Gateways,
    actor: &Actor,
    order: OrderId,
) -> Result<Option<PaymentApplied>, AppError> {
    // Seeing the order is the permission: the lookup answers 404 otherwise.
    orders::get(db, actor, order).await?;
    let brand = actor.brand;
    let intents = db
        .read(move |tx| Box::pin(async move { Ok(store::intents_of(tx, brand, order).await?) }))
        .await?;
    reconcile_intents(db, gateways, brand, intents).await
}

/// The background sweep: intents left open for over a minute (and under a day) are asked
/// after; refunds booked but not yet sent are sent. Errors are logged and retried next time.
pub async fn sweep(db: &Db, gateways: &Gateways) {
    let now = now_ms();
    let stale = db
        .read(move |tx| {
            Box::pin(async move {
                Ok(store::stale_open_intents(tx, now - 86_400_000, now - 60_000, 50).await?)
            })
        })
        .await;
    match stale {
        Ok(rows) => {
            for i in rows {
                let brand = i.brand;
                if let Err(e) = reconcile_intents(db, gateways, brand, vec![i]).await {
                    tracing::warn!(error = %e, %brand, "reconciling a payment failed; will retry");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "finding open payments failed"),
    }
    if let Err(e) = send_refunds(db, gateways).await {
        tracing::warn!(error = %e, "sending refunds failed; will retry");
    }
}

/// Sends every booked refund that waits for its provider; a retry reuses its refund number.
/// One refund failing (a gateway down, settings missing) is logged and does not hold up
/// the others; it is tried again on the next sweep. Returns how many were settled.
pub async fn send_refunds(db: &Db, gateways: &Gateways) -> Result<usize, AppError> {
    let pending = db
        .read(|tx| Box::pin(async move { Ok(store::pending_refunds(tx, 50).await?) }))
        .await?;
    let mut settled = 0;
    for r in pending {
        match send_one(db, gateways, &r).await {
            Ok(true) => settled += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, brand = %r.brand, order = %r.order, "a refund was not sent; will retry")
            }
        }
    }
    Ok(settled)
}

/// Sends one refund; true when its provider settled it.
async fn send_one(
    db: &Db,
    gateways: &Gateways,
    r: &store::PendingRefund,
) -> Result<bool, AppError> {
    match Provider::named(&r.provider, gateways) {
        Some(provider) => provider.refund(db, r).await,
        None => Ok(false),
    }
}

async fn sandbox_refund(
    db: &Db,
    gateways: &Gateways,
    r: &store::PendingRefund,
) -> Result<bool, AppError> {
    let (brand, order) = (r.brand, r.order);
    let intent = db
        .read(move |tx| Box::pin(async move { Ok(store::intents_of(tx, brand, order).await?) }))
        .await?
        .into_iter()
        .find(|i| i.provider == SANDBOX && i.status == "paid")
        .ok_or(AppError::NotFound("paid sandbox intent"))?;
    let m = merchant(db, &gateways.seal, MerchantKey::Brand(brand)).await?;
    let ask = RefundAsk {
        refund_no: r.refund_no.clone(),
        intent_no: intent.intent_no,
        amount: r.amount.get(),
    };
    let answer = gateways.sandbox_refund(&m.slug, &m.secret, &ask).await?;
    if answer.status != "succeeded" {
        return Ok(false);
    }
    let no = r.refund_no.clone();
    db.write(move |tx| {
        Box::pin(async move {
            store::settle_refund(tx, &no, "succeeded", now_ms()).await?;
            Ok(())
        })
    })
    .await?;
    Ok(true)
}

/// What the payment settings page shows: never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentSettings {
    pub sandbox_enabled: bool,
    pub wechat: Option<crate::usecases::wechat_pay::WechatSummary>,
}

pub async fn settings(db: &Db, actor: &Actor) -> Result<PaymentSettings, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins see payment settings",
    )?;
    let wechat = crate::usecases::wechat_pay::summary_for_brand(db, actor.brand).await?;
    Ok(PaymentSettings {
        sandbox_enabled: true,
        wechat,
    })
}
