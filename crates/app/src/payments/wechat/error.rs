//! Why a WeChat Pay message or call was refused: one variant per cause, each with a
//! stable `code()` for logs and the one mapping into [`AppError`].

use shequn_domain::Reason;

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WechatError {
    /// WeChat Pay probes a merchant's checking with deliberately bad signatures
    /// (`WECHATPAY/SIGNTEST/…`); accepting one would show the check is missing.
    #[error("a signature probe (WECHATPAY/SIGNTEST/…) is never accepted")]
    SigntestProbe,
    #[error("no platform certificate with serial {0}")]
    UnknownSerial(String),
    #[error("the platform certificate {0} has expired")]
    ExpiredCertificate(String),
    /// More than `sign::MAX_SKEW_SECS` (five minutes) from our clock.
    #[error("the timestamp {0} is more than 5 minutes away from now")]
    StaleTimestamp(i64),
    /// A `Wechatpay-*` header (named) is missing or malformed.
    #[error("the header {0} is missing or malformed")]
    BadHeader(&'static str),
    #[error("the signature does not verify with the platform certificate")]
    BadSignature,
    /// The resource does not open with the APIv3 key (tampered, or another key).
    #[error("the resource does not decrypt with the APIv3 key")]
    BadCiphertext,
    #[error("the body is not what WeChat Pay sends: {0}")]
    BadBody(String),
    /// A value we were asked to send is not one WeChat Pay takes (named by its field).
    #[error("{0} is not a value WeChat Pay takes")]
    InvalidArgument(&'static str),
    #[error("signing with the merchant key failed")]
    SignFailed,
    #[error("WeChat Pay is unreachable: {0}")]
    Transport(String),
    /// WeChat Pay answered, signed, with an error (`code` is its own, e.g. `PARAM_ERROR`).
    #[error("WeChat Pay answered {status} {code}: {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
}

impl WechatError {
    pub fn code(&self) -> &'static str {
        match self {
            WechatError::SigntestProbe => "signtest_probe",
            WechatError::UnknownSerial(_) => "unknown_serial",
            WechatError::ExpiredCertificate(_) => "expired_certificate",
            WechatError::StaleTimestamp(_) => "stale_timestamp",
            WechatError::BadHeader(_) => "bad_header",
            WechatError::BadSignature => "bad_signature",
            WechatError::BadCiphertext => "bad_ciphertext",
            WechatError::BadBody(_) => "bad_body",
            WechatError::InvalidArgument(_) => "invalid_argument",
            WechatError::SignFailed => "sign_failed",
            WechatError::Transport(_) => "transport",
            WechatError::Api { .. } => "api_error",
        }
    }
}

/// A refused message is the sender's fault (a 4xx that WeChat Pay retries); a failed call
/// of ours is internal.
impl From<WechatError> for AppError {
    fn from(e: WechatError) -> Self {
        match e {
            WechatError::SigntestProbe => AppError::invalid(
                "Wechatpay-Signature",
                Reason::NotOneOf("signature (probes are refused)"),
            ),
            WechatError::UnknownSerial(_) | WechatError::ExpiredCertificate(_) => {
                AppError::invalid(
                    "Wechatpay-Serial",
                    Reason::NotOneOf("platform certificate serial"),
                )
            }
            WechatError::StaleTimestamp(_) => AppError::invalid(
                "Wechatpay-Timestamp",
                Reason::NotOneOf("time within 5 minutes of now"),
            ),
            WechatError::BadHeader(name) => AppError::invalid(name, Reason::Required),
            WechatError::BadSignature => {
                AppError::invalid("Wechatpay-Signature", Reason::NotOneOf("signature"))
            }
            WechatError::BadCiphertext => {
                AppError::invalid("resource", Reason::NotOneOf("sealed resource"))
            }
            WechatError::BadBody(_) => {
                AppError::invalid("body", Reason::NotOneOf("WeChat Pay notification"))
            }
            WechatError::InvalidArgument(field) => {
                AppError::invalid(field, Reason::NotOneOf("value WeChat Pay takes"))
            }
            other @ (WechatError::SignFailed
            | WechatError::Transport(_)
            | WechatError::Api { .. }) => AppError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_snake_case() {
        let all = [
            WechatError::SigntestProbe,
            WechatError::UnknownSerial("A".into()),
            WechatError::ExpiredCertificate("A".into()),
            WechatError::StaleTimestamp(1),
            WechatError::BadHeader("Wechatpay-Nonce"),
            WechatError::BadSignature,
            WechatError::BadCiphertext,
            WechatError::BadBody("x".into()),
            WechatError::InvalidArgument("out_trade_no"),
            WechatError::SignFailed,
            WechatError::Transport("x".into()),
            WechatError::Api {
                status: 400,
                code: "PARAM_ERROR".into(),
                message: "x".into(),
            },
        ];
        let mut codes: Vec<&str> = all.iter().map(WechatError::code).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
