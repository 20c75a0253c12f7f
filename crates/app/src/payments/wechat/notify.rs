//! WeChat Pay's notifications (支付通知, 退款通知): checked before anything is read (see
//! [`verify_signed`]), then the `AEAD_AES_256_GCM` resource is opened with the APIv3 key and
//! read as a transaction or a refund.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::config::WechatConfig;
use super::error::WechatError;
pub use super::sign::NotifyHeaders;
use super::sign::verify_signed;

/// A notification body is a few hundred bytes; anything this long is not one.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Notification ids are short (`EV-2018022511223320873`).
const MAX_ID_LEN: usize = 64;
pub const ALGORITHM: &str = "AEAD_AES_256_GCM";

/// A checked and opened notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// WeChat Pay's id of this notification: the same on every retry of it.
    pub id: String,
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`, …
    pub event_type: String,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Transaction(Transaction),
    Refund(Refund),
    /// A resource we do not read (its original type).
    Other(String),
}

/// A payment as WeChat Pay reports it (in a notification or a query answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub mchid: String,
    pub appid: String,
    /// The shop's trade number (our payment intent's `intent_no`).
    pub out_trade_no: String,
    /// WeChat Pay's transaction id; absent until paid.
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// `SUCCESS`, `NOTPAY`, `CLOSED`, `REFUND`, `USERPAYING`, `PAYERROR`, …
    pub trade_state: String,
    #[serde(default)]
    pub success_time: Option<String>,
    pub amount: TransactionAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionAmount {
    /// Fen, what the order asked for.
    pub total: i64,
    /// Fen, what the payer paid (less coupons).
    #[serde(default)]
    pub payer_total: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub payer_currency: Option<String>,
}

/// A refund as WeChat Pay reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub mchid: String,
    pub out_trade_no: String,
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// The shop's refund number, sent with every attempt of the refund.
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: Option<String>,
    /// `SUCCESS`, `CLOSED`, `ABNORMAL`.
    pub refund_status: String,
    #[serde(default)]
    pub success_time: Option<String>,
    pub amount: RefundAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAmount {
    pub total: i64,
    pub refund: i64,
    #[serde(default)]
    pub payer_total: Option<i64>,
    #[serde(default)]
    pub payer_refund: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    id: String,
    #[serde(default)]
    create_time: String,
    event_type: String,
    resource: Resource,
}

/// An encrypted resource (`resource` of a notification, also used by `/v3/certificates`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub algorithm: String,
    pub ciphertext: String,
    #[serde(default)]
    pub associated_data: String,
    pub nonce: String,
    #[serde(default)]
    pub original_type: String,
}

/// Opens a resource with the APIv3 key: AES-256-GCM, the 12-character nonce as given,
/// `associated_data` as the additional data, the tag at the end of the ciphertext.
pub fn open_resource(apiv3_key: &[u8; 32], r: &Resource) -> Result<Vec<u8>, WechatError> {
    if r.algorithm != ALGORITHM {
        return Err(WechatError::BadBody(format!(
            "resource.algorithm is {:?}, not {ALGORITHM}",
            r.algorithm.chars().take(32).collect::<String>()
        )));
    }
    let nonce = Nonce::try_assume_unique_for_key(r.nonce.as_bytes())
        .map_err(|_| WechatError::BadCiphertext)?;
    let mut buf = B64
        .decode(r.ciphertext.trim())
        .map_err(|_| WechatError::BadCiphertext)?;
    let key = UnboundKey::new(&AES_256_GCM, apiv3_key).map_err(|_| WechatError::BadCiphertext)?;
    let plain = LessSafeKey::new(key)
        .open_in_place(nonce, Aad::from(r.associated_data.as_bytes()), &mut buf)
        .map_err(|_| WechatError::BadCiphertext)?;
    Ok(plain.to_vec())
}

/// Checks a notification exactly as received (headers and raw body) and opens it. Nothing
/// in the body is read before the signature holds.
pub fn verify_and_open(
    cfg: &WechatConfig,
    headers: &NotifyHeaders,
    body: &[u8],
    now_secs: i64,
) -> Result<Notification, WechatError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(WechatError::BadBody(format!(
            "longer than {MAX_BODY_BYTES} bytes"
        )));
    }
    verify_signed(cfg, headers, body, now_secs)?;
    let env: Envelope =
        serde_json::from_slice(body).map_err(|e| WechatError::BadBody(e.to_string()))?;
    if env.id.is_empty() || env.id.len() > MAX_ID_LEN {
        return Err(WechatError::BadBody("id is empty or too long".into()));
    }
    let plain = open_resource(&cfg.apiv3_key, &env.resource)?;
    let read = |what: &str, e: serde_json::Error| WechatError::BadBody(format!("{what}: {e}"));
    let event = if env.event_type.starts_with("TRANSACTION.") {
        Event::Transaction(serde_json::from_slice(&plain).map_err(|e| read("transaction", e))?)
    } else if env.event_type.starts_with("REFUND.") {
        Event::Refund(serde_json::from_slice(&plain).map_err(|e| read("refund", e))?)
    } else {
        Event::Other(env.resource.original_type.chars().take(32).collect())
    };
    Ok(Notification {
        id: env.id,
        create_time: env.create_time,
        event_type: env.event_type,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::wechat::testkit::{Merchant, refund_json, transaction_json};

    const NOW: i64 = 1_780_000_000;
    const TRADE: &str = "7a3f0c1e9b2d4c6a8e0f1a2b3c4d5e6f";

    fn paid(m: &Merchant) -> String {
        transaction_json(
            &m.mchid,
            &m.appid,
            TRADE,
            "4200001234202605201234567890",
            9900,
            "CNY",
        )
    }

    #[test]
    fn a_sealed_payment_notification_opens() {
        let m = Merchant::generate();
        let cfg = m.config();
        let (h, body) = m.seal("EV-1", "TRANSACTION.SUCCESS", "transaction", &paid(&m), NOW);
        let n = verify_and_open(&cfg, &h, &body, NOW).unwrap();
        assert_eq!(n.id, "EV-1");
        assert_eq!(n.event_type, "TRANSACTION.SUCCESS");
        let Event::Transaction(t) = &n.event else {
            panic!("a transaction: {n:?}");
        };
        assert_eq!(t.out_trade_no, TRADE);
        assert_eq!(t.mchid, m.mchid);
        assert_eq!(t.trade_state, "SUCCESS");
        assert_eq!(t.amount.total, 9900);
        assert_eq!(t.amount.currency, "CNY");
        assert_eq!(
            t.transaction_id.as_deref(),
            Some("4200001234202605201234567890")
        );
    }

    #[test]
    fn a_refund_notification_opens() {
        let m = Merchant::generate();
        let r = refund_json(
            &m.mchid,
            TRADE,
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "SUCCESS",
            500,
            9900,
        );
        let (h, body) = m.seal("EV-2", "REFUND.SUCCESS", "refund", &r, NOW);
        let n = verify_and_open(&m.config(), &h, &body, NOW).unwrap();
        let Event::Refund(r) = &n.event else {
            panic!("a refund: {n:?}");
        };
        assert_eq!(r.out_refund_no, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        assert_eq!(r.refund_status, "SUCCESS");
        assert_eq!((r.amount.refund, r.amount.total), (500, 9900));
    }

    #[test]
    fn a_bad_signature_an_unknown_serial_and_a_probe_are_refused() {
        let m = Merchant::generate();
        let cfg = m.config();
        let (h, body) = m.seal("EV-3", "TRANSACTION.SUCCESS", "transaction", &paid(&m), NOW);
        // Signed by a key that is not the platform's, under the platform's serial.
        let impostor = Merchant::generate();
        let forged = NotifyHeaders {
            signature: impostor.platform.headers(NOW, &h.nonce, &body).signature,
            ..h.clone()
        };
        assert_eq!(
            verify_and_open(&cfg, &forged, &body, NOW),
            Err(WechatError::BadSignature)
        );
        // The right key's signature over another nonce.
        let other_nonce = NotifyHeaders {
            nonce: "another-nonce".into(),
            ..h.clone()
        };
        assert_eq!(
            verify_and_open(&cfg, &other_nonce, &body, NOW),
            Err(WechatError::BadSignature)
        );
        let unknown = impostor.platform.headers(NOW, &h.nonce, &body);
        assert_eq!(
            verify_and_open(&cfg, &unknown, &body, NOW),
            Err(WechatError::UnknownSerial(impostor.platform.serial.clone()))
        );
        let probe = NotifyHeaders {
            signature: "WECHATPAY/SIGNTEST/Ht9ObTpNXmRSJL8Wx3aPRjAc/7Ok/9ErKAhAhg==".into(),
            ..h
        };
        assert_eq!(
            verify_and_open(&cfg, &probe, &body, NOW),
            Err(WechatError::SigntestProbe)
        );
    }

    #[test]
    fn a_stale_timestamp_is_refused_and_one_299_seconds_off_passes() {
        let m = Merchant::generate();
        let cfg = m.config();
        let (h, body) = m.seal("EV-4", "TRANSACTION.SUCCESS", "transaction", &paid(&m), NOW);
        assert!(verify_and_open(&cfg, &h, &body, NOW + 299).is_ok());
        assert!(verify_and_open(&cfg, &h, &body, NOW - 299).is_ok());
        assert_eq!(
            verify_and_open(&cfg, &h, &body, NOW + 301),
            Err(WechatError::StaleTimestamp(NOW))
        );
        assert_eq!(
            verify_and_open(&cfg, &h, &body, NOW - 3600),
            Err(WechatError::StaleTimestamp(NOW))
        );
    }

    #[test]
    fn a_tampered_ciphertext_or_another_apiv3_key_does_not_open() {
        let m = Merchant::generate();
        let (_, body) = m.seal("EV-5", "TRANSACTION.SUCCESS", "transaction", &paid(&m), NOW);
        let mut env: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let ct = env["resource"]["ciphertext"].as_str().unwrap().to_owned();
        let mut raw = B64.decode(&ct).unwrap();
        raw[3] ^= 0x01;
        env["resource"]["ciphertext"] = B64.encode(raw).into();
        let tampered = serde_json::to_vec(&env).unwrap();
        // Re-signed by the platform, so only the AEAD tag can catch it.
        let h = m.platform.headers(NOW, "n-tampered", &tampered);
        assert_eq!(
            verify_and_open(&m.config(), &h, &tampered, NOW),
            Err(WechatError::BadCiphertext)
        );
        // The associated data is authenticated too.
        env["resource"]["ciphertext"] = ct.into();
        env["resource"]["associated_data"] = "refund".into();
        let relabelled = serde_json::to_vec(&env).unwrap();
        let h = m.platform.headers(NOW, "n-relabelled", &relabelled);
        assert_eq!(
            verify_and_open(&m.config(), &h, &relabelled, NOW),
            Err(WechatError::BadCiphertext)
        );
        // A merchant with another APIv3 key cannot read it.
        let (h, body) = m.seal("EV-6", "TRANSACTION.SUCCESS", "transaction", &paid(&m), NOW);
        let mut other = m.config();
        other.apiv3_key = *b"0123456789abcdefghijklmnopqrstuv";
        assert_eq!(
            verify_and_open(&other, &h, &body, NOW),
            Err(WechatError::BadCiphertext)
        );
    }

    #[test]
    fn a_body_that_is_not_a_notification_is_refused_after_its_signature() {
        let m = Merchant::generate();
        let body = b"{\"hello\":1}";
        let h = m.platform.headers(NOW, "n-1", body);
        assert!(matches!(
            verify_and_open(&m.config(), &h, body, NOW),
            Err(WechatError::BadBody(_))
        ));
    }
}
