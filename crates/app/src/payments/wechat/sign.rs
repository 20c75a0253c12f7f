//! WeChat Pay v3 signatures, both ways, all RSA-SHA256 (PKCS#1 v1.5) in base64:
//! - our requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
//!   signature="…",timestamp="…",serial_no="…"`, signed with the merchant key over
//!   `METHOD\nURL\ntimestamp\nnonce\nbody\n`;
//! - WeChat Pay's notifications and answers carry `Wechatpay-Timestamp`, `-Nonce`,
//!   `-Signature` and `-Serial`, signed with the platform key over `timestamp\nnonce\nbody\n`.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::config::WechatConfig;
use super::error::WechatError;

/// A signed message more than this far from our clock is refused, so a captured one cannot
/// be replayed later (WeChat Pay's own rule is five minutes).
pub const MAX_SKEW_SECS: i64 = 300;
/// What WeChat Pay's signature probes start with.
pub const SIGNTEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";
/// Nonces and serials longer than this are not WeChat Pay's.
const MAX_TOKEN_LEN: usize = 64;

/// The `Wechatpay-*` headers of a notification or of an answer to our request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyHeaders {
    /// Unix seconds, as sent (the signature covers the text).
    pub timestamp: String,
    pub nonce: String,
    /// Base64 RSA signature.
    pub signature: String,
    /// Serial of the platform certificate that signed.
    pub serial: String,
}

impl NotifyHeaders {
    /// The four headers from a header lookup (case-insensitive names); None when one is
    /// absent.
    pub fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<NotifyHeaders> {
        Some(NotifyHeaders {
            timestamp: get("wechatpay-timestamp")?.to_owned(),
            nonce: get("wechatpay-nonce")?.to_owned(),
            signature: get("wechatpay-signature")?.to_owned(),
            serial: get("wechatpay-serial")?.to_owned(),
        })
    }
}

/// Base64 RSA-SHA256 signature of `message` with `key`.
pub fn rsa_sign(key: &RsaKeyPair, message: &[u8]) -> Result<String, WechatError> {
    let mut sig = vec![0u8; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
        .map_err(|_| WechatError::SignFailed)?;
    Ok(B64.encode(sig))
}

/// Checks a base64 RSA-SHA256 signature with a public key (DER, PKCS#1 or X.509 SPKI).
pub fn verify_rsa(
    public_key: &[u8],
    message: &[u8],
    signature_b64: &str,
) -> Result<(), WechatError> {
    let sig = B64
        .decode(signature_b64.trim())
        .map_err(|_| WechatError::BadSignature)?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(message, &sig)
        .map_err(|_| WechatError::BadSignature)
}

/// What WeChat Pay signs: `timestamp\nnonce\nbody\n`.
pub fn signed_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(nonce.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(body);
    m.push(b'\n');
    m
}

/// What a request signs: `METHOD\nURL\ntimestamp\nnonce\nbody\n`, the URL being the
/// path with its query string.
pub fn request_message(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut m = format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n").into_bytes();
    m.extend_from_slice(body);
    m.push(b'\n');
    m
}

/// Checks a notification's or an answer's signature: not a probe, fresh, from a platform
/// certificate we hold and that is still valid, and matching the body byte for byte.
pub fn verify_signed(
    cfg: &WechatConfig,
    h: &NotifyHeaders,
    body: &[u8],
    now_secs: i64,
) -> Result<(), WechatError> {
    if h.signature.starts_with(SIGNTEST_PREFIX) {
        return Err(WechatError::SigntestProbe);
    }
    let ts: i64 = h
        .timestamp
        .trim()
        .parse()
        .map_err(|_| WechatError::BadHeader("Wechatpay-Timestamp"))?;
    let off = now_secs.checked_sub(ts).map_or(u64::MAX, i64::unsigned_abs);
    if off > MAX_SKEW_SECS.unsigned_abs() {
        return Err(WechatError::StaleTimestamp(ts));
    }
    if h.nonce.is_empty() || h.nonce.len() > MAX_TOKEN_LEN {
        return Err(WechatError::BadHeader("Wechatpay-Nonce"));
    }
    let serial: String = h.serial.chars().take(MAX_TOKEN_LEN).collect();
    let cert = cfg
        .platform_cert(&serial)
        .ok_or_else(|| WechatError::UnknownSerial(serial.clone()))?;
    if now_secs > cert.not_after {
        return Err(WechatError::ExpiredCertificate(cert.serial.clone()));
    }
    verify_rsa(
        &cert.public_key,
        &signed_message(&h.timestamp, &h.nonce, body),
        &h.signature,
    )
}

/// The `Authorization` header of a request (`body` empty for a GET).
pub fn authorization(
    cfg: &WechatConfig,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: i64,
    nonce: &str,
) -> Result<String, WechatError> {
    let message = request_message(method, path_and_query, timestamp, nonce, body);
    let signature = rsa_sign(&cfg.private_key, &message)?;
    Ok(format!(
        "{SCHEME} mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
        cfg.mchid, cfg.serial
    ))
}

/// An `Authorization` header taken apart (what WeChat Pay, or a stand-in for it, reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub mchid: String,
    pub nonce_str: String,
    pub signature: String,
    pub timestamp: i64,
    pub serial_no: String,
}

impl Authorization {
    pub fn parse(header: &str) -> Option<Authorization> {
        let rest = header.strip_prefix(SCHEME)?.strip_prefix(' ')?;
        let (mut mchid, mut nonce, mut sig, mut ts, mut serial) = (None, None, None, None, None);
        // Base64 has no commas or quotes, so splitting on them is exact.
        for part in rest.split(',') {
            let (k, v) = part.trim().split_once('=')?;
            let v = v.strip_prefix('"')?.strip_suffix('"')?.to_owned();
            match k {
                "mchid" => mchid = Some(v),
                "nonce_str" => nonce = Some(v),
                "signature" => sig = Some(v),
                "timestamp" => ts = v.parse().ok(),
                "serial_no" => serial = Some(v),
                _ => return None,
            }
        }
        Some(Authorization {
            mchid: mchid?,
            nonce_str: nonce?,
            signature: sig?,
            timestamp: ts?,
            serial_no: serial?,
        })
    }

    /// Checks the signature over this request with the merchant's public key.
    pub fn verify(
        &self,
        merchant_public_key: &[u8],
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<(), WechatError> {
        let message = request_message(
            method,
            path_and_query,
            self.timestamp,
            &self.nonce_str,
            body,
        );
        verify_rsa(merchant_public_key, &message, &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::wechat::testkit::Merchant;

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn the_authorization_header_parses_back_and_verifies_with_the_merchant_key() {
        let m = Merchant::generate();
        let cfg = m.config();
        let body = br#"{"mchid":"1900000001"}"#;
        let path = "/v3/pay/transactions/jsapi";
        let h = authorization(
            &cfg,
            "POST",
            path,
            body,
            NOW,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        )
        .unwrap();
        assert!(h.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\""));
        let a = Authorization::parse(&h).unwrap();
        assert_eq!(a.mchid, m.mchid);
        assert_eq!(a.serial_no, m.serial);
        assert_eq!(a.timestamp, NOW);
        assert_eq!(a.nonce_str, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
        a.verify(&m.public_key, "POST", path, body).unwrap();
        // Another method, path, body or key does not verify.
        assert!(a.verify(&m.public_key, "GET", path, body).is_err());
        assert!(
            a.verify(&m.public_key, "POST", "/v3/refund/domestic/refunds", body)
                .is_err()
        );
        assert!(a.verify(&m.public_key, "POST", path, b"{}").is_err());
        assert!(
            a.verify(&m.platform.public_key, "POST", path, body)
                .is_err()
        );
        assert_eq!(Authorization::parse("Bearer x"), None);
        assert_eq!(
            Authorization::parse(&h.replace("timestamp=\"", "timestamp=\"x")),
            None
        );
    }

    #[test]
    fn an_answer_verifies_only_fresh_from_a_known_certificate_and_unaltered() {
        let m = Merchant::generate();
        let cfg = m.config();
        let body = br#"{"prepay_id":"wx201410272009395522657a690389285100"}"#;
        let h = m
            .platform
            .headers(NOW, "c5ac7061fccab6bf3e254dcf98995b8c", body);
        assert_eq!(verify_signed(&cfg, &h, body, NOW), Ok(()));
        assert_eq!(verify_signed(&cfg, &h, body, NOW + 300), Ok(()));
        assert_eq!(verify_signed(&cfg, &h, body, NOW - 300), Ok(()));
        assert_eq!(
            verify_signed(&cfg, &h, body, NOW + 301),
            Err(WechatError::StaleTimestamp(NOW))
        );
        assert_eq!(
            verify_signed(&cfg, &h, b"{}", NOW),
            Err(WechatError::BadSignature)
        );
        let other = NotifyHeaders {
            serial: "0123ABCD".into(),
            ..h.clone()
        };
        assert_eq!(
            verify_signed(&cfg, &other, body, NOW),
            Err(WechatError::UnknownSerial("0123ABCD".into()))
        );
        let probe = NotifyHeaders {
            signature: format!("{SIGNTEST_PREFIX}{}", h.signature),
            ..h.clone()
        };
        assert_eq!(
            verify_signed(&cfg, &probe, body, NOW),
            Err(WechatError::SigntestProbe)
        );
        let garbled = NotifyHeaders {
            timestamp: "soon".into(),
            ..h
        };
        assert_eq!(
            verify_signed(&cfg, &garbled, body, NOW),
            Err(WechatError::BadHeader("Wechatpay-Timestamp"))
        );
    }
}
