//! The sandbox gateway's wire format, shared by the gateway (which signs) and the shop
//! (which verifies): notifications and API answers are JSON, signed with HMAC-SHA256 under
//! the merchant's secret in a `Sandbox-Signature: t=<unix seconds>,v1=<hex>` header over
//! `t.body` (the scheme of Stripe-like gateways); requests to the gateway's API carry the
//! same header over `t.METHOD path body`. A signature more than five minutes off is
//! refused, so a captured notification cannot be replayed later.

use aws_lc_rs::{constant_time, hmac};
use serde::{Deserialize, Serialize};

pub const SIGNATURE_HEADER: &str = "sandbox-signature";
pub const MERCHANT_HEADER: &str = "sandbox-merchant";
/// How far a signature's time may be from ours.
pub const TOLERANCE_SECS: i64 = 300;

/// A charge as the gateway reports it (in notifications and query answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The shop's trade number (its payment intent).
    pub intent_no: String,
    /// The gateway's own transaction id, once paid.
    pub transaction_id: Option<String>,
    /// Fen.
    pub amount: i64,
    pub currency: String,
    /// open | paid | closed
    pub status: String,
    pub paid_at: Option<i64>,
}

/// A notification: one event about one charge; the same event may come several times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    /// charge.succeeded
    #[serde(rename = "type")]
    pub kind: String,
    pub charge: Charge,
}

/// A refund as the shop asks for it; `refund_no` makes a retry the same refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAsk {
    pub refund_no: String,
    pub intent_no: String,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAnswer {
    pub refund_no: String,
    /// succeeded
    pub status: String,
    pub amount: i64,
}

/// Why a signed message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no or malformed signature header")]
    Malformed,
    #[error("signature time too far from now")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
}

fn mac(secret: &[u8], t: i64, message: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(t.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(message);
    ctx.sign().as_ref().to_vec()
}

/// The header value signing `message` at time `t`.
pub fn sign(secret: &[u8], t: i64, message: &[u8]) -> String {
    format!("t={t},v1={}", hex::encode(mac(secret, t, message)))
}

/// What a request to the gateway's API signs: method, path and body.
pub fn request_message(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!("{method} {path} ").into_bytes();
    m.extend_from_slice(body);
    m
}

/// Checks a `Sandbox-Signature` header over `message` (constant-time compare).
pub fn verify(
    secret: &[u8],
    header: &str,
    message: &[u8],
    now_secs: i64,
) -> Result<(), SignatureError> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return Err(SignatureError::Malformed);
    };
    if (now_secs - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    constant_time::verify_slices_are_equal(&mac(secret, t, message), &v1)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_secret_message_and_time() {
        let h = sign(b"secret", 1_000, b"{\"a\":1}");
        assert_eq!(verify(b"secret", &h, b"{\"a\":1}", 1_000), Ok(()));
        assert_eq!(verify(b"secret", &h, b"{\"a\":1}", 1_300), Ok(()));
        assert_eq!(
            verify(b"secret", &h, b"{\"a\":1}", 1_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(b"secret", &h, b"{\"a\":2}", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", &h, b"{\"a\":1}", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"secret", "v1=00", b"x", 1_000),
            Err(SignatureError::Malformed)
        );
        let forged = h.replace("t=1000", "t=1200");
        assert_eq!(
            verify(b"secret", &forged, b"{\"a\":1}", 1_200),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_request_signs_its_method_and_path_too() {
        let get = request_message("GET", "/sandbox-gateway/v1/charges/a", b"");
        let post = request_message("POST", "/sandbox-gateway/v1/charges/a", b"");
        let h = sign(b"k", 5, &get);
        assert!(verify(b"k", &h, &post, 5).is_err());
    }
}
