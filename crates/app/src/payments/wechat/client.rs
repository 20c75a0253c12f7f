//! Calls to WeChat Pay's API v3: JSAPI prepay, the query of a payment, refunds, and the
//! parameters the mini program or web page passes to `wx.requestPayment`. Every request is
//! signed with the merchant key; every answer, errors included, must carry a valid
//! platform signature, or it is not believed.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::config::WechatConfig;
use super::error::WechatError;
use super::notify::Transaction;
use super::sign::{NotifyHeaders, authorization, rsa_sign, verify_signed};
use crate::clock::now_ms;

pub const DEFAULT_BASE_URL: &str = "https://api.mch.weixin.qq.com";
/// A call that takes longer is given up (the caller retries later with the same numbers).
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// WeChat Pay's answers are small; a longer one is not read.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;
const AGENT: &str = "shequn-wechatpay-v3";

/// What a query answers: the payment as WeChat Pay has it.
pub type TransactionState = Transaction;

/// A refund as WeChat Pay answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAnswer {
    pub refund_id: String,
    pub out_refund_no: String,
    pub out_trade_no: String,
    /// `SUCCESS`, `PROCESSING`, `CLOSED`, `ABNORMAL`.
    pub status: String,
    pub amount: RefundAnswerAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAnswerAmount {
    pub refund: i64,
    pub total: i64,
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WechatClient {
    /// `https://api.mch.weixin.qq.com`, or a stand-in's address in tests (no trailing slash).
    pub base_url: String,
    pub http: reqwest::Client,
}

impl WechatClient {
    /// A client of the real WeChat Pay over `http`.
    pub fn new(http: reqwest::Client) -> WechatClient {
        WechatClient::with_base_url(http, DEFAULT_BASE_URL)
    }

    pub fn with_base_url(http: reqwest::Client, base_url: &str) -> WechatClient {
        WechatClient {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
        }
    }

    /// An HTTP client with this module's time-outs (rustls on aws-lc-rs).
    pub fn default_http() -> Result<reqwest::Client, WechatError> {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| WechatError::Transport(e.to_string()))
    }

    /// JSAPI prepay (`POST /v3/pay/transactions/jsapi`): the `prepay_id` the payer's
    /// `wx.requestPayment` needs. `amount_fen` in fen, CNY.
    pub async fn jsapi_prepay(
        &self,
        cfg: &WechatConfig,
        out_trade_no: &str,
        description: &str,
        amount_fen: i64,
        payer_openid: &str,
        notify_url: &str,
    ) -> Result<String, WechatError> {
        check_number("out_trade_no", out_trade_no, 6, 32)?;
        if description.is_empty() || description.chars().count() > 127 {
            return Err(WechatError::InvalidArgument("description"));
        }
        if amount_fen <= 0 {
            return Err(WechatError::InvalidArgument("amount"));
        }
        if payer_openid.is_empty() || payer_openid.len() > 128 {
            return Err(WechatError::InvalidArgument("openid"));
        }
        let body = json!({
            "appid": cfg.appid,
            "mchid": cfg.mchid,
            "description": description,
            "out_trade_no": out_trade_no,
            "notify_url": notify_url,
            "amount": { "total": amount_fen, "currency": "CNY" },
            "payer": { "openid": payer_openid },
        });
        #[derive(Deserialize)]
        struct Prepay {
            prepay_id: String,
        }
        let bytes = self
            .call(
                cfg,
                Method::POST,
                "/v3/pay/transactions/jsapi",
                json_bytes(&body)?,
            )
            .await?;
        let p: Prepay = read(&bytes)?;
        Ok(p.prepay_id)
    }

    /// The payment with this trade number as WeChat Pay has it (`GET
    /// /v3/pay/transactions/out-trade-no/{no}?mchid=…`): for reconciling an order whose
    /// notification never came.
    pub async fn query(
        &self,
        cfg: &WechatConfig,
        out_trade_no: &str,
    ) -> Result<TransactionState, WechatError> {
        check_number("out_trade_no", out_trade_no, 6, 32)?;
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}",
            cfg.mchid
        );
        let bytes = self.call(cfg, Method::GET, &path, Vec::new()).await?;
        read(&bytes)
    }

    /// A refund (`POST /v3/refund/domestic/refunds`). WeChat Pay deduplicates by
    /// `out_refund_no`: a retried refund must reuse its number, and then answers the same
    /// refund instead of paying out twice. Refund notifications go to `notify_url` when
    /// given (else to the one set in the merchant platform).
    #[allow(clippy::too_many_arguments)]
    pub async fn refund(
        &self,
        cfg: &WechatConfig,
        out_trade_no: &str,
        out_refund_no: &str,
        refund_fen: i64,
        total_fen: i64,
        reason: &str,
        notify_url: Option<&str>,
    ) -> Result<RefundAnswer, WechatError> {
        check_number("out_trade_no", out_trade_no, 6, 32)?;
        check_number("out_refund_no", out_refund_no, 1, 64)?;
        if refund_fen <= 0 || refund_fen > total_fen {
            return Err(WechatError::InvalidArgument("amount"));
        }
        let mut body = json!({
            "out_trade_no": out_trade_no,
            "out_refund_no": out_refund_no,
            "amount": { "refund": refund_fen, "total": total_fen, "currency": "CNY" },
        });
        // WeChat Pay shows the reason to the payer and takes at most 80 characters.
        let reason: String = reason.trim().chars().take(80).collect();
        if !reason.is_empty() {
            body["reason"] = reason.into();
        }
        if let Some(url) = notify_url {
            body["notify_url"] = url.into();
        }
        let bytes = self
            .call(
                cfg,
                Method::POST,
                "/v3/refund/domestic/refunds",
                json_bytes(&body)?,
            )
            .await?;
        read(&bytes)
    }

    /// One signed request; the answer's body once its signature holds and it is a 2xx.
    async fn call(
        &self,
        cfg: &WechatConfig,
        method: Method,
        path_and_query: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, WechatError> {
        let auth = authorization(
            cfg,
            method.as_str(),
            path_and_query,
            &body,
            now_ms() / 1000,
            &request_nonce(),
        )?;
        let mut rb = self
            .http
            .request(method, format!("{}{path_and_query}", self.base_url))
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, AGENT);
        if !body.is_empty() {
            rb = rb.header(CONTENT_TYPE, "application/json").body(body);
        }
        let mut res = rb
            .send()
            .await
            .map_err(|e| WechatError::Transport(e.to_string()))?;
        let status = res.status();
        let headers = res.headers().clone();
        let signed =
            NotifyHeaders::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()));
        let mut bytes = Vec::new();
        while let Some(chunk) = res
            .chunk()
            .await
            .map_err(|e| WechatError::Transport(e.to_string()))?
        {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(WechatError::Transport(format!(
                    "an answer longer than {MAX_ANSWER_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        match &signed {
            Some(h) => verify_signed(cfg, h, &bytes, now_ms() / 1000)?,
            // A 2xx without a signature may come from anyone between us and WeChat Pay.
            None if status.is_success() => {
                return Err(WechatError::BadHeader("Wechatpay-Signature"));
            }
            None => {
                return Err(WechatError::Api {
                    status: status.as_u16(),
                    code: "UNSIGNED".into(),
                    message: String::new(),
                });
            }
        }
        if !status.is_success() {
            #[derive(Deserialize, Default)]
            struct Failure {
                #[serde(default)]
                code: String,
                #[serde(default)]
                message: String,
            }
            let f: Failure = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(WechatError::Api {
                status: status.as_u16(),
                code: f.code,
                message: f.message,
            });
        }
        Ok(bytes)
    }
}

/// What the payer's page passes to `wx.requestPayment` (or a mini program's
/// `wx.requestPayment`): signed with the merchant key over
/// `appId\ntimeStamp\nnonceStr\npackage\n`.
pub fn jsapi_pay_params(
    cfg: &WechatConfig,
    prepay_id: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<serde_json::Value, WechatError> {
    let package = format!("prepay_id={prepay_id}");
    let message = format!("{}\n{timestamp}\n{nonce}\n{package}\n", cfg.appid);
    let pay_sign = rsa_sign(&cfg.private_key, message.as_bytes())?;
    Ok(json!({
        "appId": cfg.appid,
        "timeStamp": timestamp.to_string(),
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": pay_sign,
    }))
}

/// 32 random uppercase hex characters.
fn request_nonce() -> String {
    crate::secrets::random_secret("")[..32].to_ascii_uppercase()
}

/// Trade and refund numbers: WeChat Pay takes letters, digits and `_-|*`; they also go into
/// a URL path, so nothing else may pass.
fn check_number(field: &'static str, v: &str, min: usize, max: usize) -> Result<(), WechatError> {
    let ok = (min..=max).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'|' | b'*'));
    if ok {
        Ok(())
    } else {
        Err(WechatError::InvalidArgument(field))
    }
}

fn json_bytes(v: &serde_json::Value) -> Result<Vec<u8>, WechatError> {
    serde_json::to_vec(v).map_err(|e| WechatError::BadBody(e.to_string()))
}

fn read<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, WechatError> {
    serde_json::from_slice(bytes).map_err(|e| WechatError::BadBody(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::wechat::sign::verify_rsa;
    use crate::payments::wechat::testkit::Merchant;

    #[test]
    fn pay_params_are_signed_with_the_merchant_key() {
        let m = Merchant::generate();
        let p = jsapi_pay_params(
            &m.config(),
            "wx201410272009395522657a690389285100",
            1_780_000_000,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        )
        .unwrap();
        assert_eq!(p["appId"], m.appid);
        assert_eq!(p["timeStamp"], "1780000000");
        assert_eq!(
            p["package"],
            "prepay_id=wx201410272009395522657a690389285100"
        );
        assert_eq!(p["signType"], "RSA");
        let message = format!(
            "{}\n1780000000\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n",
            m.appid
        );
        verify_rsa(
            &m.public_key,
            message.as_bytes(),
            p["paySign"].as_str().unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn numbers_that_could_break_a_url_are_refused() {
        assert!(check_number("out_trade_no", "7a3f0c1e9b2d4c6a8e0f1a2b3c4d5e6f", 6, 32).is_ok());
        let long = "a".repeat(33);
        for bad in [
            "",
            "abc",
            "a/../../v3/x",
            "a?b=c",
            "数字数字数字",
            long.as_str(),
        ] {
            assert_eq!(
                check_number("out_trade_no", bad, 6, 32),
                Err(WechatError::InvalidArgument("out_trade_no"))
            );
        }
    }
}
