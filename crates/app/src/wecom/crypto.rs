//! WeCom's callback encryption scheme ("企业微信回调加解密", the same as WXBizMsgCrypt).
//!
//! Every callback carries `msg_signature`, `timestamp` and `nonce` in the query and an
//! AES-256-CBC ciphertext (the `echostr` of the URL check, or the `Encrypt` element of a POST
//! body). The signature is the SHA-1 of the token, timestamp, nonce and ciphertext sorted as
//! strings; the plaintext is `random(16) | len(4, big-endian) | msg | receiver id`, padded
//! PKCS#7-style to a multiple of 32 bytes. The receiver id (the corp id here) inside the
//! plaintext is what stops one corp's callback from being replayed against another.

use std::fmt;

use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, PAD, STANDARD};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use sha1::{Digest, Sha1};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// WeCom pads to multiples of 32 bytes, not to the 16-byte AES block.
const PAD_BLOCK: usize = 32;
const AES_BLOCK: usize = 16;
/// The random prefix and the big-endian message length that precede the message.
const RANDOM_LEN: usize = 16;
const HEADER_LEN: usize = RANDOM_LEN + 4;
const ENCODING_AES_KEY_LEN: usize = 43;
const MAX_TOKEN_LEN: usize = 32;

/// Decodes the EncodingAESKey. Its 43rd character carries two bits beyond the 256 of the key
/// and WeCom does not zero them (the key of the official sample ends in `C`); the reference
/// implementations ignore those bits, whereas the strict `STANDARD` engine would reject the key.
const KEY_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    PAD.with_decode_allow_trailing_bits(true),
);

/// Why a callback was refused. None of these carry secret material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WecomError {
    #[error("invalid WeCom token or EncodingAESKey")]
    BadKey,
    #[error("WeCom msg_signature does not match")]
    BadSignature,
    #[error("WeCom ciphertext is not valid base64")]
    BadBase64,
    #[error("WeCom ciphertext does not decrypt to a well-formed message")]
    BadCiphertext,
    #[error("WeCom message is addressed to another receiver")]
    WrongReceiver,
    #[error("malformed WeCom XML: {0}")]
    BadXml(String),
    #[error("WeCom XML lacks the {0} field")]
    MissingField(&'static str),
}

/// The token, AES key and receiver id of one callback configuration.
#[derive(Clone)]
pub struct WecomCrypto {
    token: String,
    key: [u8; 32],
    receiver_id: String,
}

// By hand so that logging a crypto never prints the token or the key.
impl fmt::Debug for WecomCrypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomCrypto")
            .field("receiver_id", &self.receiver_id)
            .finish_non_exhaustive()
    }
}

impl WecomCrypto {
    /// Builds a crypto from the callback settings of the WeCom admin console.
    ///
    /// The token must be 1 to 32 ASCII letters or digits (what the console accepts) and the
    /// EncodingAESKey 43 characters decoding to 32 bytes; anything else is [`WecomError::BadKey`].
    pub fn new(token: &str, encoding_aes_key: &str, receiver_id: &str) -> Result<Self, WecomError> {
        let token_ok = !token.is_empty()
            && token.len() <= MAX_TOKEN_LEN
            && token.bytes().all(|b| b.is_ascii_alphanumeric());
        if !token_ok {
            return Err(WecomError::BadKey);
        }
        let key = decode_encoding_aes_key(encoding_aes_key).ok_or(WecomError::BadKey)?;
        Ok(Self {
            token: token.to_owned(),
            key,
            receiver_id: receiver_id.to_owned(),
        })
    }

    /// The `msg_signature` WeCom computes: lowercase hex SHA-1 of the token, timestamp, nonce
    /// and ciphertext, sorted bytewise and concatenated.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypted: &str) -> String {
        let mut parts = [self.token.as_str(), timestamp, nonce, encrypted];
        parts.sort_unstable();
        let mut hasher = Sha1::new();
        for part in parts {
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// Answers the URL check (GET): verifies the signature over `echostr` (already URL-decoded
    /// by the caller) and returns its plaintext, which the handler sends back verbatim.
    pub fn verify_url(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String, WecomError> {
        self.check_signature(msg_signature, timestamp, nonce, echostr)?;
        self.decrypt(echostr)
    }

    /// Opens a callback (POST): takes the `Encrypt` element of the body, verifies the
    /// signature over it and returns the decrypted inner XML.
    pub fn open(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body_xml: &str,
    ) -> Result<String, WecomError> {
        let encrypted = encrypt_element(body_xml)?;
        self.check_signature(msg_signature, timestamp, nonce, &encrypted)?;
        self.decrypt(&encrypted)
    }

    /// Encrypts `msg` for this receiver with the given 16 random prefix bytes (taken as an
    /// argument so that tests are deterministic; production passes `rand::random()`).
    pub fn encrypt(&self, msg: &str, random: [u8; 16]) -> String {
        // WeCom messages are far below 4 GiB; saturating keeps this total without a panic.
        let msg_len = u32::try_from(msg.len()).unwrap_or(u32::MAX);
        let content_len = HEADER_LEN + msg.len() + self.receiver_id.len();
        // Always 1..=32: a full block of 32s when the content is already aligned.
        let pad = PAD_BLOCK - content_len % PAD_BLOCK;
        let mut buf = Vec::with_capacity(content_len + pad);
        buf.extend_from_slice(&random);
        buf.extend_from_slice(&msg_len.to_be_bytes());
        buf.extend_from_slice(msg.as_bytes());
        buf.extend_from_slice(self.receiver_id.as_bytes());
        buf.resize(content_len + pad, pad as u8);
        let len = buf.len();
        match Aes256CbcEnc::new(&self.key.into(), &self.iv().into())
            .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        {
            Ok(ciphertext) => STANDARD.encode(ciphertext),
            // Unreachable: the buffer is a whole number of blocks and NoPadding adds nothing.
            // An empty ciphertext never decrypts, so this cannot pass for a real message.
            Err(_) => String::new(),
        }
    }

    /// Decrypts a base64 ciphertext and checks that it is addressed to this receiver.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, WecomError> {
        let mut buf = STANDARD
            .decode(encrypted)
            .map_err(|_| WecomError::BadBase64)?;
        if buf.is_empty() || !buf.len().is_multiple_of(AES_BLOCK) {
            return Err(WecomError::BadCiphertext);
        }
        let plain = Aes256CbcDec::new(&self.key.into(), &self.iv().into())
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .map_err(|_| WecomError::BadCiphertext)?;
        let content = strip_padding(plain)?;
        if content.len() < HEADER_LEN {
            return Err(WecomError::BadCiphertext);
        }
        let msg_len = u32::from_be_bytes([content[16], content[17], content[18], content[19]]);
        let msg_end = usize::try_from(msg_len)
            .ok()
            .and_then(|len| len.checked_add(HEADER_LEN))
            .filter(|&end| end <= content.len())
            .ok_or(WecomError::BadCiphertext)?;
        let msg = std::str::from_utf8(&content[HEADER_LEN..msg_end])
            .map_err(|_| WecomError::BadCiphertext)?;
        if content.get(msg_end..) != Some(self.receiver_id.as_bytes()) {
            return Err(WecomError::WrongReceiver);
        }
        Ok(msg.to_owned())
    }

    /// The XML envelope WeCom would POST for `msg`, and the `msg_signature` it would put in
    /// the query; used by tests and by passive replies.
    pub fn seal(
        &self,
        msg: &str,
        timestamp: &str,
        nonce: &str,
        random: [u8; 16],
    ) -> (String, String) {
        let encrypted = self.encrypt(msg, random);
        let signature = self.signature(timestamp, nonce, &encrypted);
        let body = format!(
            "<xml><ToUserName><![CDATA[{}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>",
            self.receiver_id
        );
        (body, signature)
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }

    fn check_signature(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypted: &str,
    ) -> Result<(), WecomError> {
        let expected = self.signature(timestamp, nonce, encrypted);
        if constant_time_eq(expected.as_bytes(), msg_signature.as_bytes()) {
            Ok(())
        } else {
            Err(WecomError::BadSignature)
        }
    }
}

/// Checks an EncodingAESKey without building a crypto (for config validation): 43 chars,
/// decodes to 32 bytes.
pub fn valid_encoding_aes_key(raw: &str) -> bool {
    decode_encoding_aes_key(raw).is_some()
}

fn decode_encoding_aes_key(raw: &str) -> Option<[u8; 32]> {
    if raw.len() != ENCODING_AES_KEY_LEN {
        return None;
    }
    let bytes = KEY_ENGINE.decode(format!("{raw}=")).ok()?;
    <[u8; 32]>::try_from(bytes.as_slice()).ok()
}

/// Removes the PKCS#7-style padding to 32 bytes.
fn strip_padding(plain: &[u8]) -> Result<&[u8], WecomError> {
    let pad = usize::from(*plain.last().ok_or(WecomError::BadCiphertext)?);
    if !(1..=PAD_BLOCK).contains(&pad) || pad > plain.len() {
        return Err(WecomError::BadCiphertext);
    }
    Ok(&plain[..plain.len() - pad])
}

/// The text of the `Encrypt` child of the POST body's root element.
fn encrypt_element(body_xml: &str) -> Result<String, WecomError> {
    let doc =
        roxmltree::Document::parse(body_xml).map_err(|e| WecomError::BadXml(e.to_string()))?;
    doc.root_element()
        .children()
        .find(|node| node.has_tag_name("Encrypt"))
        .and_then(|node| node.text())
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .ok_or(WecomError::MissingField("Encrypt"))
}

/// Compares without an early exit, so the time taken does not reveal how many leading
/// characters of a forged signature were right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORP: &str = "wwcorp0001";
    const TOKEN: &str = "token123";

    // The sample of WeCom's WXBizMsgCrypt libraries (token, key, corp id and two callbacks).
    const SAMPLE_TOKEN: &str = "QDG6eK";
    const SAMPLE_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    const SAMPLE_CORP: &str = "wx5823bf96d3bd56c7";
    const SAMPLE_ECHOSTR: &str =
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    const SAMPLE_ENCRYPT: &str = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    fn test_key() -> String {
        STANDARD.encode([7u8; 32]).trim_end_matches('=').to_owned()
    }

    fn crypto() -> WecomCrypto {
        WecomCrypto::new(TOKEN, &test_key(), CORP).unwrap()
    }

    fn sample_crypto() -> WecomCrypto {
        WecomCrypto::new(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP).unwrap()
    }

    /// Encrypts raw plaintext bytes (a multiple of 16 long) with the test key, bypassing the
    /// layout `encrypt` enforces, to feed `decrypt` malformed plaintexts.
    fn encrypt_raw(plain: &[u8]) -> String {
        assert!(plain.len().is_multiple_of(16));
        let key = [7u8; 32];
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&key[..16]);
        let mut buf = plain.to_vec();
        let len = buf.len();
        let ct = Aes256CbcEnc::new(&key.into(), &iv.into())
            .encrypt_padded_mut::<NoPadding>(&mut buf, len)
            .unwrap();
        STANDARD.encode(ct)
    }

    fn decrypt_raw(encrypted: &str) -> Vec<u8> {
        let key = [7u8; 32];
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&key[..16]);
        let mut buf = STANDARD.decode(encrypted).unwrap();
        Aes256CbcDec::new(&key.into(), &iv.into())
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .unwrap()
            .to_vec()
    }

    /// Pads like WeCom: n bytes of value n, n in 1..=32.
    fn pad32(mut plain: Vec<u8>) -> Vec<u8> {
        let n = 32 - plain.len() % 32;
        plain.resize(plain.len() + n, n as u8);
        plain
    }

    #[test]
    fn seal_then_open_returns_the_message() {
        let c = crypto();
        let msg = "<xml><Event><![CDATA[change_external_contact]]></Event><State><![CDATA[门店一]]></State></xml>";
        let (body, sig) = c.seal(msg, "1700000000", "nonce42", [3u8; 16]);
        assert!(
            body.starts_with(
                "<xml><ToUserName><![CDATA[wwcorp0001]]></ToUserName><Encrypt><![CDATA["
            )
        );
        assert_eq!(c.open(&sig, "1700000000", "nonce42", &body).unwrap(), msg);
    }

    #[test]
    fn signature_is_sha1_of_the_bytewise_sorted_parts() {
        let c = sample_crypto();
        let (timestamp, nonce) = ("1409659813", "1372623149");
        // Sorted by hand: "1372623149" < "1409659813" < "QDG6eK" < "RypEv…" (digits sort
        // before upper case, 'Q' before 'R').
        let sorted = format!("{nonce}{timestamp}{SAMPLE_TOKEN}{SAMPLE_ENCRYPT}");
        let expected = hex::encode(Sha1::digest(sorted.as_bytes()));
        assert_eq!(c.signature(timestamp, nonce, SAMPLE_ENCRYPT), expected);
        // And the value published with WeCom's sample.
        assert_eq!(expected, "477715d11cdb4164915debcba66cb864d751f3e6");
    }

    #[test]
    fn opens_the_official_sample_callbacks() {
        let c = sample_crypto();
        let echo = c
            .verify_url(
                "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
                "1409659589",
                "263014780",
                SAMPLE_ECHOSTR,
            )
            .unwrap();
        assert_eq!(echo, "1616140317555161061");

        let body = format!(
            "<xml>\n<ToUserName><![CDATA[{SAMPLE_CORP}]]></ToUserName><Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt>\n<AgentID><![CDATA[218]]></AgentID>\n</xml>"
        );
        let inner = c
            .open(
                "477715d11cdb4164915debcba66cb864d751f3e6",
                "1409659813",
                "1372623149",
                &body,
            )
            .unwrap();
        assert!(inner.starts_with("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"));
        assert!(inner.contains("<Content><![CDATA[hello]]></Content>"));
    }

    #[test]
    fn wrong_signature_is_refused() {
        let c = crypto();
        let (body, sig) = c.seal("<xml/>", "1700000000", "n1", [1u8; 16]);
        let mut forged = sig.clone().into_bytes();
        forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
        let forged = String::from_utf8(forged).unwrap();
        assert_eq!(
            c.open(&forged, "1700000000", "n1", &body),
            Err(WecomError::BadSignature)
        );
        assert_eq!(
            c.open(&sig[..39], "1700000000", "n1", &body),
            Err(WecomError::BadSignature)
        );
        // The signature covers the timestamp and nonce too.
        assert_eq!(
            c.open(&sig, "1700000001", "n1", &body),
            Err(WecomError::BadSignature)
        );
        assert_eq!(
            c.open(&sig, "1700000000", "n2", &body),
            Err(WecomError::BadSignature)
        );
    }

    #[test]
    fn message_for_another_receiver_is_refused() {
        let sender = crypto();
        let other = WecomCrypto::new(TOKEN, &test_key(), "wwcorp0002").unwrap();
        let (body, sig) = sender.seal("<xml/>", "1700000000", "n1", [1u8; 16]);
        assert_eq!(
            other.open(&sig, "1700000000", "n1", &body),
            Err(WecomError::WrongReceiver)
        );
    }

    #[test]
    fn tampered_ciphertext_is_an_error_not_a_panic() {
        let c = crypto();
        let msg = "<xml><Content><![CDATA[a message long enough to span several blocks]]></Content></xml>";
        let encrypted = c.encrypt(msg, [5u8; 16]);
        let mut chars: Vec<char> = encrypted.chars().collect();
        let middle = chars.len() / 2;
        chars[middle] = if chars[middle] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert_ne!(tampered, encrypted);
        // Re-signed, so only the decryption can notice.
        let sig = c.signature("1700000000", "n1", &tampered);
        let result = c.verify_url(&sig, "1700000000", "n1", &tampered);
        assert!(
            matches!(
                result,
                Err(WecomError::BadCiphertext | WecomError::WrongReceiver)
            ),
            "{result:?}"
        );
    }

    #[test]
    fn verify_url_round_trips() {
        let c = crypto();
        let echo = "8842349209245237";
        let echostr = c.encrypt(echo, [9u8; 16]);
        let sig = c.signature("1700000000", "5738", &echostr);
        assert_eq!(
            c.verify_url(&sig, "1700000000", "5738", &echostr).unwrap(),
            echo
        );
        assert_eq!(
            c.verify_url(&sig, "1700000000", "5739", &echostr),
            Err(WecomError::BadSignature)
        );
    }

    #[test]
    fn aligned_plaintext_gets_a_full_block_of_padding() {
        let c = crypto();
        // 16 random + 4 length + 2 message + 10 receiver = 32 bytes, already aligned.
        let encrypted = c.encrypt("ok", [2u8; 16]);
        let plain = decrypt_raw(&encrypted);
        assert_eq!(plain.len(), 64);
        assert_eq!(&plain[..16], &[2u8; 16]);
        assert_eq!(&plain[16..20], &2u32.to_be_bytes());
        assert_eq!(&plain[20..32], b"okwwcorp0001");
        assert_eq!(&plain[32..], &[32u8; 32]);
        assert_eq!(c.decrypt(&encrypted).unwrap(), "ok");

        // One byte short of alignment: a single pad byte of value 1.
        let encrypted = c.encrypt("o", [2u8; 16]);
        let plain = decrypt_raw(&encrypted);
        assert_eq!(plain.len(), 32);
        assert_eq!(plain[31], 1);
        assert_eq!(c.decrypt(&encrypted).unwrap(), "o");
    }

    #[test]
    fn malformed_plaintexts_are_refused() {
        let c = crypto();
        // Pad byte 0 and pad byte 33 are both outside 1..=32.
        let zero_pad = [0u8; 32];
        assert_eq!(
            c.decrypt(&encrypt_raw(&zero_pad)),
            Err(WecomError::BadCiphertext)
        );
        let mut big_pad = vec![0u8; 64];
        big_pad[63] = 33;
        assert_eq!(
            c.decrypt(&encrypt_raw(&big_pad)),
            Err(WecomError::BadCiphertext)
        );
        // Nothing left after unpadding: shorter than the 20-byte header.
        assert_eq!(
            c.decrypt(&encrypt_raw(&[32u8; 32])),
            Err(WecomError::BadCiphertext)
        );
        // A length running past the end.
        let mut plain = vec![0u8; 16];
        plain.extend_from_slice(&u32::MAX.to_be_bytes());
        plain.extend_from_slice(b"abc");
        plain.extend_from_slice(CORP.as_bytes());
        assert_eq!(
            c.decrypt(&encrypt_raw(&pad32(plain))),
            Err(WecomError::BadCiphertext)
        );
        // A message that is not UTF-8.
        let mut plain = vec![0u8; 16];
        plain.extend_from_slice(&2u32.to_be_bytes());
        plain.extend_from_slice(&[0xff, 0xfe]);
        plain.extend_from_slice(CORP.as_bytes());
        assert_eq!(
            c.decrypt(&encrypt_raw(&pad32(plain))),
            Err(WecomError::BadCiphertext)
        );
        // The same layout with valid bytes does decrypt, so the cases above fail for the
        // reason they name.
        let mut plain = vec![0u8; 16];
        plain.extend_from_slice(&2u32.to_be_bytes());
        plain.extend_from_slice(b"hi");
        plain.extend_from_slice(CORP.as_bytes());
        assert_eq!(c.decrypt(&encrypt_raw(&pad32(plain))).unwrap(), "hi");
    }

    #[test]
    fn bad_encodings_are_refused_without_panicking() {
        let c = crypto();
        assert_eq!(c.decrypt("not base64!"), Err(WecomError::BadBase64));
        assert_eq!(c.decrypt(""), Err(WecomError::BadCiphertext));
        assert_eq!(
            c.decrypt(&STANDARD.encode([1u8; 15])),
            Err(WecomError::BadCiphertext)
        );
        for len in 0..100usize {
            let _ = c.decrypt(&STANDARD.encode(vec![len as u8; len]));
        }
    }

    #[test]
    fn open_needs_an_encrypt_element_in_well_formed_xml() {
        let c = crypto();
        assert_eq!(
            c.open(
                "sig",
                "1",
                "n",
                "<xml><ToUserName><![CDATA[x]]></ToUserName></xml>"
            ),
            Err(WecomError::MissingField("Encrypt"))
        );
        assert!(matches!(
            c.open("sig", "1", "n", "<xml><Encrypt>"),
            Err(WecomError::BadXml(_))
        ));
    }

    #[test]
    fn keys_and_tokens_are_validated() {
        let key = test_key();
        assert_eq!(key.len(), 43);
        assert!(valid_encoding_aes_key(&key));
        assert!(WecomCrypto::new(TOKEN, &key, CORP).is_ok());
        // Non-zero trailing bits in the last character, as in WeCom's own sample key.
        assert!(valid_encoding_aes_key(SAMPLE_KEY));

        assert!(!valid_encoding_aes_key(&key[..42]));
        assert_eq!(
            WecomCrypto::new(TOKEN, &key[..42], CORP).unwrap_err(),
            WecomError::BadKey
        );
        assert!(!valid_encoding_aes_key(&format!("{key}A")));
        let prefix = &key[..42];
        assert!(!valid_encoding_aes_key(&format!("{prefix}!")));

        let too_long = "a".repeat(33);
        for token in ["", "tok-en", "令牌", too_long.as_str()] {
            assert_eq!(
                WecomCrypto::new(token, &key, CORP).unwrap_err(),
                WecomError::BadKey,
                "{token}"
            );
        }
        assert!(WecomCrypto::new(&"a".repeat(32), &key, CORP).is_ok());
    }

    #[test]
    fn debug_never_shows_the_token_or_key() {
        let shown = format!("{:?}", crypto());
        assert!(shown.contains(CORP));
        assert!(!shown.contains(TOKEN));
        assert!(!shown.contains("7, 7"));
    }
}
