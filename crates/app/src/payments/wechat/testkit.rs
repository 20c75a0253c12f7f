//! WeChat Pay's side, for tests only (unit tests, and the integration suite through the
//! `testkit` feature): keys and certificates made at run time (none is ever committed), and
//! notifications and answers sealed and signed exactly as WeChat Pay does.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::signature::{KeyPair as _, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde_json::json;

use super::config::WechatConfig;
use super::notify::ALGORITHM;
use super::sign::{NotifyHeaders, rsa_sign, signed_message};

/// An RSA-2048 key made now: its PKCS#8 PEM, the aws-lc-rs key pair and its public key
/// (DER `RSAPublicKey`).
fn rsa_key() -> (rcgen::KeyPair, String, RsaKeyPair, Vec<u8>) {
    let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("an RSA-2048 key");
    let pem = kp.serialize_pem();
    let rsa = RsaKeyPair::from_pkcs8(&kp.serialize_der()).expect("the key reads back");
    let public = rsa.public_key().as_ref().to_vec();
    (kp, pem, rsa, public)
}

/// A random certificate serial as WeChat Pay prints them: 40 uppercase hex digits, the
/// first not 0 and the high bit clear (no sign byte in DER).
fn random_serial() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    bytes[0] = 0x10 | (bytes[0] & 0x6f);
    (hex::encode_upper(bytes), bytes.to_vec())
}

/// Random letters and digits, like WeChat Pay's nonces.
pub fn nonce(len: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()]))
        .collect()
}

/// A WeChat Pay platform certificate and its private key (which only WeChat Pay has).
pub struct Platform {
    pub serial: String,
    pub cert_pem: String,
    pub key: RsaKeyPair,
    pub public_key: Vec<u8>,
}

impl Platform {
    pub fn generate() -> Platform {
        let (kp, _, key, public_key) = rsa_key();
        let (serial, serial_bytes) = random_serial();
        let mut params = rcgen::CertificateParams::new(vec!["wechatpay-platform.test".to_owned()])
            .expect("certificate parameters");
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial_bytes));
        let cert = params.self_signed(&kp).expect("a self-signed certificate");
        Platform {
            serial,
            cert_pem: cert.pem(),
            key,
            public_key,
        }
    }

    /// The `Wechatpay-*` headers WeChat Pay sends with `body`.
    pub fn headers(&self, timestamp: i64, nonce: &str, body: &[u8]) -> NotifyHeaders {
        let ts = timestamp.to_string();
        NotifyHeaders {
            signature: rsa_sign(&self.key, &signed_message(&ts, nonce, body)).expect("signing"),
            timestamp: ts,
            nonce: nonce.to_owned(),
            serial: self.serial.clone(),
        }
    }
}

/// A merchant with its settings, as a brand admin would enter them, and WeChat Pay's
/// platform that serves it.
pub struct Merchant {
    pub mchid: String,
    pub appid: String,
    /// Serial of the merchant's API certificate.
    pub serial: String,
    pub private_key_pem: String,
    /// The merchant's public key, which WeChat Pay checks our requests with.
    pub public_key: Vec<u8>,
    pub apiv3_key: [u8; 32],
    pub platform: Platform,
}

impl Merchant {
    pub fn generate() -> Merchant {
        let (_, private_key_pem, _, public_key) = rsa_key();
        let mut apiv3_key = [0u8; 32];
        apiv3_key.copy_from_slice(nonce(32).as_bytes());
        Merchant {
            mchid: "1900000109".into(),
            appid: "wxd678efh567hg6787".into(),
            serial: random_serial().0,
            private_key_pem,
            public_key,
            apiv3_key,
            platform: Platform::generate(),
        }
    }

    pub fn config(&self) -> WechatConfig {
        WechatConfig::new(
            &self.mchid,
            &self.appid,
            &self.serial,
            &self.private_key_pem,
            &self.apiv3_key,
            std::slice::from_ref(&self.platform.cert_pem),
        )
        .expect("the generated settings parse")
    }

    /// The APIv3 key as the text a brand admin types.
    pub fn apiv3_key_text(&self) -> String {
        String::from_utf8_lossy(&self.apiv3_key).into_owned()
    }

    /// A notification as WeChat Pay sends it at `timestamp`: the resource sealed with the
    /// APIv3 key, the body signed by the platform. Returns the headers and the body.
    pub fn seal(
        &self,
        id: &str,
        event_type: &str,
        original_type: &str,
        plaintext: &str,
        timestamp: i64,
    ) -> (NotifyHeaders, Vec<u8>) {
        let resource_nonce = nonce(12);
        let ciphertext = seal_resource(
            &self.apiv3_key,
            &resource_nonce,
            original_type,
            plaintext.as_bytes(),
        );
        let body = json!({
            "id": id,
            "create_time": "2026-05-20T13:29:35+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功",
            "resource": {
                "original_type": original_type,
                "algorithm": ALGORITHM,
                "ciphertext": ciphertext,
                "associated_data": original_type,
                "nonce": resource_nonce,
            }
        })
        .to_string()
        .into_bytes();
        let headers = self.platform.headers(timestamp, &nonce(32), &body);
        (headers, body)
    }
}

/// AES-256-GCM under the APIv3 key, base64 of ciphertext ‖ tag.
pub fn seal_resource(apiv3_key: &[u8; 32], nonce: &str, aad: &str, plain: &[u8]) -> String {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, apiv3_key).expect("a 32-byte key"));
    let mut buf = plain.to_vec();
    key.seal_in_place_append_tag(
        Nonce::try_assume_unique_for_key(nonce.as_bytes()).expect("a 12-byte nonce"),
        Aad::from(aad.as_bytes()),
        &mut buf,
    )
    .expect("sealing");
    B64.encode(buf)
}

/// A paid transaction's resource, as WeChat Pay writes it.
pub fn transaction_json(
    mchid: &str,
    appid: &str,
    out_trade_no: &str,
    transaction_id: &str,
    total: i64,
    currency: &str,
) -> String {
    json!({
        "mchid": mchid,
        "appid": appid,
        "out_trade_no": out_trade_no,
        "transaction_id": transaction_id,
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "CMC",
        "attach": "",
        "success_time": "2026-05-20T13:29:35+08:00",
        "payer": { "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        "amount": { "total": total, "payer_total": total, "currency": currency, "payer_currency": currency }
    })
    .to_string()
}

/// A refund's resource, as WeChat Pay writes it.
pub fn refund_json(
    mchid: &str,
    out_trade_no: &str,
    out_refund_no: &str,
    refund_status: &str,
    refund: i64,
    total: i64,
) -> String {
    json!({
        "mchid": mchid,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200001234202605201234567890",
        "out_refund_no": out_refund_no,
        "refund_id": "50200207182026052000011301001",
        "refund_status": refund_status,
        "success_time": "2026-05-20T13:29:35+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": { "total": total, "refund": refund, "payer_total": total, "payer_refund": refund }
    })
    .to_string()
}
