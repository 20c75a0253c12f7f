//! A brand's WeChat Pay merchant settings, parsed: the merchant id and app id, the merchant
//! key that signs our requests, the APIv3 key that opens notifications, and the platform
//! certificates whose keys check what WeChat Pay signs.

use aws_lc_rs::signature::RsaKeyPair;
use x509_parser::pem::parse_x509_pem;
use x509_parser::public_key::PublicKey;

/// WeChat Pay's keys are RSA of at least this many bits.
const MIN_RSA_BITS: usize = 2048;
/// A brand keeps a few platform certificates at most (WeChat Pay rotates them with overlap).
pub const MAX_PLATFORM_CERTS: usize = 8;
/// A PEM text (key or certificate) is never longer than this.
const MAX_PEM_BYTES: usize = 16 * 1024;
pub const APIV3_KEY_LEN: usize = 32;

/// A platform certificate (平台证书), reduced to what checking a signature needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformCert {
    /// The serial as WeChat Pay prints it in `Wechatpay-Serial`: uppercase hex, no colons.
    pub serial: String,
    /// The RSA public key, DER `RSAPublicKey` (PKCS#1).
    pub public_key: Vec<u8>,
    /// Unix seconds after which the certificate no longer vouches for anything.
    pub not_after: i64,
}

/// Settings that are wrong, by the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct ConfigError {
    /// `mchid`, `appid`, `serial`, `private_key`, `apiv3_key` or `platform_certs`.
    pub field: &'static str,
    pub why: &'static str,
}

fn bad(field: &'static str, why: &'static str) -> ConfigError {
    ConfigError { field, why }
}

/// Everything needed to talk to WeChat Pay for one merchant.
pub struct WechatConfig {
    /// 商户号.
    pub mchid: String,
    /// The app (公众号 / 小程序) the payments are made in.
    pub appid: String,
    /// Serial of the merchant's own API certificate (商户API证书序列号), named in requests.
    pub serial: String,
    /// The merchant's API private key (apiclient_key.pem).
    pub private_key: RsaKeyPair,
    /// The APIv3 key (32 characters, set in the merchant platform).
    pub apiv3_key: [u8; APIV3_KEY_LEN],
    pub platform: Vec<PlatformCert>,
}

impl std::fmt::Debug for WechatConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatConfig")
            .field("mchid", &self.mchid)
            .field("appid", &self.appid)
            .field("serial", &self.serial)
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

impl WechatConfig {
    /// Parses and checks every part; the error names the first field at fault.
    pub fn new(
        mchid: &str,
        appid: &str,
        serial: &str,
        private_key_pem: &str,
        apiv3_key: &[u8],
        platform_pems: &[String],
    ) -> Result<WechatConfig, ConfigError> {
        let mchid = mchid.trim();
        if mchid.is_empty() || mchid.len() > 32 || !mchid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("mchid", "a merchant id is 1-32 digits"));
        }
        let appid = appid.trim();
        if appid.is_empty() || appid.len() > 32 || !appid.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(bad("appid", "an app id is 1-32 letters and digits"));
        }
        let serial = parse_serial(serial).ok_or(bad("serial", "a serial is 1-64 hex digits"))?;
        let private_key = parse_private_key(private_key_pem)?;
        let apiv3_key: [u8; APIV3_KEY_LEN] = apiv3_key
            .try_into()
            .map_err(|_| bad("apiv3_key", "the APIv3 key is exactly 32 characters"))?;
        if !apiv3_key.iter().all(u8::is_ascii_graphic) {
            return Err(bad("apiv3_key", "the APIv3 key is 32 printable characters"));
        }
        if platform_pems.is_empty() || platform_pems.len() > MAX_PLATFORM_CERTS {
            return Err(bad("platform_certs", "give 1 to 8 platform certificates"));
        }
        let mut platform = Vec::with_capacity(platform_pems.len());
        for pem in platform_pems {
            let cert = PlatformCert::from_pem(pem)?;
            if platform
                .iter()
                .any(|c: &PlatformCert| c.serial == cert.serial)
            {
                return Err(bad("platform_certs", "a certificate is given twice"));
            }
            platform.push(cert);
        }
        Ok(WechatConfig {
            mchid: mchid.to_owned(),
            appid: appid.to_owned(),
            serial,
            private_key,
            apiv3_key,
            platform,
        })
    }

    /// The platform certificate WeChat Pay names by `serial` (case-insensitively).
    pub fn platform_cert(&self, serial: &str) -> Option<&PlatformCert> {
        self.platform
            .iter()
            .find(|c| c.serial.eq_ignore_ascii_case(serial.trim()))
    }
}

/// Uppercase hex without separators, as WeChat Pay prints serials (colons and spaces from
/// `openssl x509 -serial` style copies are dropped).
pub fn parse_serial(s: &str) -> Option<String> {
    let hex: String = s
        .trim()
        .chars()
        .filter(|c| *c != ':' && *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase();
    (!hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(hex)
}

/// The merchant key: PKCS#8 PEM (`PRIVATE KEY`, as the merchant platform's tool writes
/// apiclient_key.pem) or PKCS#1 (`RSA PRIVATE KEY`), RSA of 2048 bits or more.
pub fn parse_private_key(pem: &str) -> Result<RsaKeyPair, ConfigError> {
    let wrong = || bad("private_key", "not an RSA private key in PEM (PKCS#8)");
    if pem.len() > MAX_PEM_BYTES {
        return Err(wrong());
    }
    let (_, block) = parse_x509_pem(pem.as_bytes()).map_err(|_| wrong())?;
    let key = match block.label.as_str() {
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&block.contents).map_err(|_| wrong())?,
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(&block.contents).map_err(|_| wrong())?,
        _ => return Err(wrong()),
    };
    if key.public_modulus_len() * 8 < MIN_RSA_BITS {
        return Err(bad("private_key", "the key is shorter than 2048 bits"));
    }
    Ok(key)
}

impl PlatformCert {
    /// A PEM certificate as downloaded from `/v3/certificates` (decrypted) or the merchant
    /// platform: its serial, RSA key and expiry.
    pub fn from_pem(pem: &str) -> Result<PlatformCert, ConfigError> {
        let wrong = || bad("platform_certs", "not an X.509 RSA certificate in PEM");
        if pem.len() > MAX_PEM_BYTES {
            return Err(wrong());
        }
        let (_, block) = parse_x509_pem(pem.as_bytes()).map_err(|_| wrong())?;
        if block.label != "CERTIFICATE" {
            return Err(wrong());
        }
        let cert = block.parse_x509().map_err(|_| wrong())?;
        let tbs = &cert.tbs_certificate;
        let spki = tbs.public_key();
        let bits = match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => rsa.key_size(),
            _ => return Err(wrong()),
        };
        if bits < MIN_RSA_BITS {
            return Err(bad(
                "platform_certs",
                "the certificate's key is shorter than 2048 bits",
            ));
        }
        Ok(PlatformCert {
            // Hex of the serial's value (no sign byte), as WeChat Pay's SDKs print it.
            serial: format!("{:X}", tbs.serial),
            public_key: spki.subject_public_key.data.to_vec(),
            not_after: tbs.validity().not_after.timestamp(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::wechat::testkit::Merchant;

    #[test]
    fn settings_parse_and_name_the_field_at_fault() {
        let m = Merchant::generate();
        let good = |f: &dyn Fn(&mut [String; 4])| {
            let mut v = [
                m.mchid.clone(),
                m.appid.clone(),
                m.serial.clone(),
                m.private_key_pem.clone(),
            ];
            f(&mut v);
            WechatConfig::new(
                &v[0],
                &v[1],
                &v[2],
                &v[3],
                &m.apiv3_key,
                std::slice::from_ref(&m.platform.cert_pem),
            )
        };
        let cfg = good(&|_| {}).unwrap();
        assert_eq!(cfg.platform[0].serial, m.platform.serial);
        assert!(cfg.platform[0].not_after > 1_900_000_000);
        assert!(
            cfg.platform_cert(&m.platform.serial.to_lowercase())
                .is_some()
        );
        assert!(!format!("{cfg:?}").contains("apiv3"));
        let field = |f: &dyn Fn(&mut [String; 4])| good(f).err().map(|e| e.field);
        assert_eq!(field(&|v| v[0] = "12a".into()), Some("mchid"));
        assert_eq!(field(&|v| v[1] = String::new()), Some("appid"));
        assert_eq!(field(&|v| v[2] = "XYZ".into()), Some("serial"));
        assert_eq!(
            field(&|v| v[3] = m.platform.cert_pem.clone()),
            Some("private_key")
        );
        assert_eq!(field(&|v| v[3] = "garbage".into()), Some("private_key"));
        let short = WechatConfig::new(
            &m.mchid,
            &m.appid,
            &m.serial,
            &m.private_key_pem,
            b"short",
            std::slice::from_ref(&m.platform.cert_pem),
        );
        assert_eq!(short.err().map(|e| e.field), Some("apiv3_key"));
        for certs in [
            vec![],
            vec![m.private_key_pem.clone()],
            vec![m.platform.cert_pem.clone(); 2],
        ] {
            let r = WechatConfig::new(
                &m.mchid,
                &m.appid,
                &m.serial,
                &m.private_key_pem,
                &m.apiv3_key,
                &certs,
            );
            assert_eq!(r.err().map(|e| e.field), Some("platform_certs"));
        }
    }

    #[test]
    fn serials_are_uppercase_hex_without_separators() {
        assert_eq!(parse_serial(" 5a:0b:ff "), Some("5A0BFF".into()));
        assert_eq!(parse_serial(""), None);
        assert_eq!(parse_serial("5G"), None);
    }
}
