//! WeChat Pay for a brand: its merchant settings (secrets sealed at rest, never answered),
//! notifications checked, opened and applied once each, JSAPI intents, and the calls the
//! shop makes (reconciling an intent, sending a booked refund).
//!
//! A payment reaches the order only through `payments::apply_charge_report` (intent, amount
//! and currency checked, then `orders::confirm_payment`, once per transaction); the
//! notification's id is recorded after it, so a retry of a notification already applied
//! answers "duplicate" without touching anything. Should the process stop between the two
//! writes, WeChat Pay's retry finds the transaction applied and records the id then.

use serde::{Deserialize, Serialize};
use shequn_domain::order::OrderStatus;
use shequn_domain::{Actor, BrandId, OrderId, Reason, Refusal, Role};

use crate::clock::now_ms;
use crate::payments::wechat::client::RefundAnswer;
use crate::payments::wechat::notify::{Refund, Transaction};
use crate::payments::wechat::{
    ConfigError, Event, Notification, NotifyHeaders, WechatClient, WechatConfig, WechatError,
    verify_and_open,
};
use crate::sealed::SealKey;
use crate::storage::payment_settings::{self as settings_store, StoredCert, StoredWechat};
use crate::storage::payments::{self as payments_store, IntentRow, PendingRefund};
use crate::storage::wechat_pay as store;
use crate::storage::{orders as order_store, orgs};
use crate::usecases::orders::PaymentApplied;
use crate::usecases::payments::apply_charge_report;
use crate::{AppError, Db};

/// The provider's name in payment intents, payments and refunds.
pub const PROVIDER: &str = "wechat";

/// Settings as a brand admin or an operator gives them.
#[derive(Clone)]
pub struct WechatInput {
    pub mchid: String,
    pub appid: String,
    /// Serial of the merchant's API certificate.
    pub serial: String,
    /// apiclient_key.pem, PKCS#8.
    pub private_key_pem: String,
    /// The 32-character APIv3 key.
    pub apiv3_key: String,
    pub platform_certs_pem: Vec<String>,
}

impl std::fmt::Debug for WechatInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatInput")
            .field("mchid", &self.mchid)
            .field("appid", &self.appid)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// What the brand's WeChat Pay settings look like from outside: never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WechatSummary {
    pub mchid: String,
    pub appid: String,
    pub serial: String,
    pub platform_serials: Vec<String>,
    pub updated_at: i64,
}

fn summary_of(w: &StoredWechat) -> WechatSummary {
    WechatSummary {
        mchid: w.mchid.clone(),
        appid: w.appid.clone(),
        serial: w.serial.clone(),
        platform_serials: w.certs.iter().map(|c| c.serial.clone()).collect(),
        updated_at: w.updated_at,
    }
}

/// What a notification did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyOutcome {
    /// This notification was applied before (WeChat Pay retries): nothing changed.
    Duplicate,
    /// A payment, applied to its order as `orders::confirm_payment` says.
    Payment(PaymentApplied),
    /// A refund's result, and the refund's status now (a settled refund keeps its first).
    Refund { refund_no: String, status: String },
    /// Recorded, nothing to apply (a state or resource the shop does not act on).
    Ignored(String),
}

fn invalid(e: ConfigError) -> AppError {
    let reason = match e.field {
        "mchid" => Reason::NotOneOf("WeChat Pay merchant id (1-32 digits)"),
        "appid" => Reason::NotOneOf("app id (1-32 letters and digits)"),
        "serial" => Reason::NotOneOf("certificate serial (hex)"),
        "private_key" => Reason::NotOneOf("RSA private key (PEM, PKCS#8, 2048 bits or more)"),
        "apiv3_key" => Reason::Length { min: 32, max: 32 },
        _ => Reason::NotOneOf("set of 1-8 distinct RSA certificates in PEM"),
    };
    AppError::invalid(e.field, reason)
}

/// Parses everything (the keys and certificates too), so settings that cannot work are
/// refused before anything is stored.
fn parse(input: &WechatInput) -> Result<(WechatConfig, Vec<StoredCert>), AppError> {
    let pems: Vec<String> = input
        .platform_certs_pem
        .iter()
        .map(|p| p.trim().to_owned())
        .collect();
    let cfg = WechatConfig::new(
        &input.mchid,
        &input.appid,
        &input.serial,
        &input.private_key_pem,
        input.apiv3_key.trim().as_bytes(),
        &pems,
    )
    .map_err(invalid)?;
    // `WechatConfig::new` keeps the certificates in the order given.
    let certs = cfg
        .platform
        .iter()
        .zip(pems)
        .map(|(c, pem)| StoredCert {
            serial: c.serial.clone(),
            cert_pem: pem,
            not_after: c.not_after,
        })
        .collect();
    Ok((cfg, certs))
}

/// Stores the brand's settings (`shequn payments wechat set`, or [`set_config`]).
#[tracing::instrument(skip_all, fields(brand = %brand))]
pub async fn set_for_brand(
    db: &Db,
    seal: &SealKey,
    brand: BrandId,
    input: WechatInput,
) -> Result<WechatSummary, AppError> {
    let (cfg, certs) = parse(&input)?;
    let stored = StoredWechat {
        mchid: cfg.mchid.clone(),
        appid: cfg.appid.clone(),
        serial: cfg.serial.clone(),
        sealed_private_key: seal.seal(input.private_key_pem.trim().as_bytes()),
        sealed_apiv3_key: seal.seal(&cfg.apiv3_key),
        updated_at: now_ms(),
        certs,
    };
    // Only used when the brand has no payment settings yet (the sandbox's own format).
    let sandbox_secret = seal.seal(crate::secrets::random_secret("sbx_").as_bytes());
    let summary = summary_of(&stored);
    db.write(move |tx| {
        Box::pin(async move {
            settings_store::set_wechat(tx, brand, &stored, &sandbox_secret).await?;
            Ok(summary)
        })
    })
    .await
}

/// A brand admin sets the brand's WeChat Pay settings.
#[tracing::instrument(skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn set_config(
    db: &Db,
    seal: &SealKey,
    actor: &Actor,
    input: WechatInput,
) -> Result<WechatSummary, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins set WeChat Pay",
    )?;
    set_for_brand(db, seal, actor.brand, input).await
}

/// [`set_for_brand`] for the brand with this slug (the operator CLI).
pub async fn set_config_for_brand(
    db: &Db,
    seal: &SealKey,
    brand_slug: &str,
    input: WechatInput,
) -> Result<WechatSummary, AppError> {
    let slug = brand_slug.to_owned();
    let brand = db
        .read(move |tx| Box::pin(async move { Ok(orgs::find_by_slug(tx, &slug).await?) }))
        .await?
        .ok_or(AppError::NotFound("brand"))?;
    set_for_brand(db, seal, brand.id, input).await
}

/// The brand's settings without secrets; None until WeChat Pay is set.
pub async fn summary_for_brand(db: &Db, brand: BrandId) -> Result<Option<WechatSummary>, AppError> {
    db.read(move |tx| {
        Box::pin(async move {
            Ok(settings_store::wechat(tx, brand)
                .await?
                .as_ref()
                .map(summary_of))
        })
    })
    .await
}

/// What a brand admin sees of the brand's settings.
#[tracing::instrument(skip_all, fields(brand = %actor.brand))]
pub async fn summary(db: &Db, actor: &Actor) -> Result<Option<WechatSummary>, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins see payment settings",
    )?;
    summary_for_brand(db, actor.brand).await
}

/// The settings opened with the server's key. A stored row that no longer opens or parses
/// (another server key, a corrupt row) is an internal error, never the sender's.
fn config_of(seal: &SealKey, w: &StoredWechat) -> Result<WechatConfig, AppError> {
    let key = String::from_utf8(seal.open(&w.sealed_private_key)?)
        .map_err(|_| AppError::Internal("the stored WeChat Pay key is not text".into()))?;
    let apiv3 = seal.open(&w.sealed_apiv3_key)?;
    let pems: Vec<String> = w.certs.iter().map(|c| c.cert_pem.clone()).collect();
    WechatConfig::new(&w.mchid, &w.appid, &w.serial, &key, &apiv3, &pems)
        .map_err(|e| AppError::Internal(format!("stored WeChat Pay settings: {e}")))
}

/// The brand's WeChat Pay settings, ready to use; None until they are set.
pub async fn load(
    db: &Db,
    seal: &SealKey,
    brand: BrandId,
) -> Result<Option<WechatConfig>, AppError> {
    let stored = db
        .read(move |tx| Box::pin(async move { Ok(settings_store::wechat(tx, brand).await?) }))
        .await?;
    stored.as_ref().map(|w| config_of(seal, w)).transpose()
}

/// A refused notification: logged by its stable code (no personal data in it), then the
/// sender's error.
fn refused(e: WechatError) -> AppError {
    tracing::warn!(code = e.code(), error = %e, "WeChat Pay notification refused");
    e.into()
}

/// A notification POSTed to `/pay/wechat/{slug}/notify`, exactly as received. Checked
/// (signature, serial, time, probe) and opened before anything in it is read; applied
/// once; a payment only when merchant, currency and amount match the intent.
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn handle_notification(
    db: &Db,
    seal: &SealKey,
    slug: &str,
    headers: &NotifyHeaders,
    body: &[u8],
    now_secs: i64,
) -> Result<NotifyOutcome, AppError> {
    let owned = slug.to_owned();
    let found = db
        .read(move |tx| {
            Box::pin(async move {
                let Some(b) = orgs::find_by_slug(tx, &owned).await? else {
                    return Ok(None);
                };
                Ok(settings_store::wechat(tx, b.id).await?.map(|w| (b.id, w)))
            })
        })
        .await?;
    let Some((brand, stored)) = found else {
        return Err(AppError::NotFound("WeChat Pay settings"));
    };
    let cfg = config_of(seal, &stored)?;
    let Notification {
        id,
        event_type,
        event,
        ..
    } = verify_and_open(&cfg, headers, body, now_secs).map_err(refused)?;
    match event {
        Event::Transaction(t) => payment(db, brand, &cfg, id, t).await,
        Event::Refund(r) => refund_result(db, brand, &cfg, id, r).await,
        Event::Other(kind) => {
            record(db, brand, id, String::new()).await?;
            Ok(NotifyOutcome::Ignored(format!("{event_type} ({kind})")))
        }
    }
}

/// Records the notification as applied; false when it was already.
async fn record(
    db: &Db,
    brand: BrandId,
    id: String,
    out_trade_no: String,
) -> Result<bool, AppError> {
    db.write(move |tx| {
        Box::pin(async move {
            Ok(store::record_notification(tx, brand, &id, &out_trade_no, now_ms()).await?)
        })
    })
    .await
}

fn foreign_merchant(mchid: &str) -> AppError {
    tracing::warn!(
        code = "foreign_merchant",
        mchid,
        "WeChat Pay notification refused: another merchant's"
    );
    AppError::invalid("mchid", Reason::NotOneOf("merchant id of this brand"))
}

async fn payment(
    db: &Db,
    brand: BrandId,
    cfg: &WechatConfig,
    id: String,
    t: Transaction,
) -> Result<NotifyOutcome, AppError> {
    if t.mchid != cfg.mchid {
        return Err(foreign_merchant(&t.mchid));
    }
    let seen_id = id.clone();
    if db
        .read(move |tx| Box::pin(async move { Ok(store::seen(tx, brand, &seen_id).await?) }))
        .await?
    {
        return Ok(NotifyOutcome::Duplicate);
    }
    if t.trade_state != "SUCCESS" {
        let state: String = t.trade_state.chars().take(32).collect();
        record(db, brand, id, t.out_trade_no).await?;
        return Ok(NotifyOutcome::Ignored(format!("trade_state {state}")));
    }
    let txn = t
        .transaction_id
        .filter(|s| !s.is_empty())
        .ok_or(AppError::invalid("transaction_id", Reason::Required))?;
    // Intent, amount and currency are checked there; a mismatch is logged and refused.
    let applied = apply_charge_report(
        db,
        brand,
        PROVIDER,
        &t.out_trade_no,
        &txn,
        t.amount.total,
        &t.amount.currency,
    )
    .await?;
    record(db, brand, id, t.out_trade_no).await?;
    Ok(NotifyOutcome::Payment(applied))
}

async fn refund_result(
    db: &Db,
    brand: BrandId,
    cfg: &WechatConfig,
    id: String,
    r: Refund,
) -> Result<NotifyOutcome, AppError> {
    if r.mchid != cfg.mchid {
        return Err(foreign_merchant(&r.mchid));
    }
    let status = match r.refund_status.as_str() {
        "SUCCESS" => Some("succeeded"),
        "CLOSED" | "ABNORMAL" => Some("failed"),
        _ => None,
    };
    let refund_no = r.out_refund_no;
    let out_trade_no = r.out_trade_no;
    db.write(move |tx| {
        Box::pin(async move {
            let now = now_ms();
            if !store::record_notification(tx, brand, &id, &out_trade_no, now).await? {
                return Ok(NotifyOutcome::Duplicate);
            }
            let Some(status) = status else {
                return Ok(NotifyOutcome::Ignored("refund_status".into()));
            };
            let now_status = store::settle_refund(tx, brand, &refund_no, status, now)
                .await?
                .ok_or(AppError::NotFound("refund"))?;
            Ok(NotifyOutcome::Refund {
                refund_no,
                status: now_status,
            })
        })
    })
    .await
}

/// Opens a WeChat Pay intent for an unpaid order: a 32-character trade number for its
/// total. The order's open WeChat intent is answered again rather than a second made.
pub async fn open_wechat_intent(
    db: &Db,
    brand: BrandId,
    order: OrderId,
) -> Result<String, AppError> {
    db.write(move |tx| {
        Box::pin(async move {
            let (_, o) = order_store::load(tx, brand, order)
                .await?
                .ok_or(AppError::NotFound("order"))?;
            if o.status != OrderStatus::PendingPayment {
                return Err(AppError::Refused(Refusal::InvalidTransition {
                    from: o.status.as_str(),
                    to: "paid",
                }));
            }
            if let Some(open) = payments_store::intents_of(tx, brand, order)
                .await?
                .into_iter()
                .find(|i| i.provider == PROVIDER && i.status == "open")
            {
                return Ok(open.intent_no);
            }
            let now = now_ms();
            let row = IntentRow {
                brand,
                order,
                provider: PROVIDER.into(),
                intent_no: crate::secrets::random_secret("")[..32].to_owned(),
                amount: o.total,
                status: "open".into(),
                created_at: now,
            };
            payments_store::insert_intent(tx, &row, now).await?;
            Ok(row.intent_no)
        })
    })
    .await
}

/// Asks WeChat Pay about an intent whose notification never came, and applies a payment
/// it reports (once, as a notification would).
pub async fn reconcile(
    db: &Db,
    seal: &SealKey,
    client: &WechatClient,
    brand: BrandId,
    intent_no: &str,
) -> Result<Option<PaymentApplied>, AppError> {
    let cfg = load(db, seal, brand)
        .await?
        .ok_or(AppError::NotFound("WeChat Pay settings"))?;
    let t = client.query(&cfg, intent_no).await?;
    if t.mchid != cfg.mchid || t.out_trade_no != intent_no {
        return Err(AppError::Internal(
            "WeChat Pay answered about another trade".into(),
        ));
    }
    match (t.trade_state.as_str(), t.transaction_id.as_deref()) {
        ("SUCCESS", Some(txn)) => Ok(Some(
            apply_charge_report(
                db,
                brand,
                PROVIDER,
                intent_no,
                txn,
                t.amount.total,
                &t.amount.currency,
            )
            .await?,
        )),
        _ => Ok(None),
    }
}

/// Sends a booked refund to WeChat Pay under its own refund number (so a retry is the same
/// refund there) and settles it when WeChat Pay answers with a final status; a refund still
/// processing is settled by its notification. Returns the refund's status now.
pub async fn send_refund(
    db: &Db,
    seal: &SealKey,
    client: &WechatClient,
    refund: &PendingRefund,
    notify_url: Option<&str>,
) -> Result<String, AppError> {
    let brand = refund.brand;
    let cfg = load(db, seal, brand)
        .await?
        .ok_or(AppError::NotFound("WeChat Pay settings"))?;
    let order = refund.order;
    let paid = db
        .read(move |tx| {
            Box::pin(async move {
                Ok(payments_store::intents_of(tx, brand, order)
                    .await?
                    .into_iter()
                    .find(|i| i.provider == PROVIDER && i.status == "paid"))
            })
        })
        .await?
        .ok_or(AppError::NotFound("paid WeChat Pay intent"))?;
    let answer: RefundAnswer = client
        .refund(
            &cfg,
            &paid.intent_no,
            &refund.refund_no,
            refund.amount.get(),
            paid.amount.get(),
            "",
            notify_url,
        )
        .await?;
    let status = match answer.status.as_str() {
        "SUCCESS" => "succeeded",
        "CLOSED" | "ABNORMAL" => "failed",
        _ => return Ok("requested".into()),
    };
    let no = refund.refund_no.clone();
    db.write(move |tx| {
        Box::pin(async move {
            Ok(store::settle_refund(tx, brand, &no, status, now_ms())
                .await?
                .unwrap_or_else(|| status.to_owned()))
        })
    })
    .await
}
