//! How this server reaches payment gateways: one HTTP client, the sandbox gateway's base
//! address (the server itself, unless configured otherwise) and the key that opens stored
//! merchant secrets.

use std::time::Duration;

use super::sandbox::{self, Charge, MERCHANT_HEADER, RefundAnswer, RefundAsk, SIGNATURE_HEADER};
use super::wechat::client::WechatClient;
use crate::AppError;
use crate::clock::now_ms;
use crate::sealed::SealKey;

#[derive(Debug, Clone)]
pub struct Gateways {
    pub http: reqwest::Client,
    /// Where the sandbox gateway answers, e.g. `http://127.0.0.1:8080` (no trailing slash).
    pub sandbox_base: String,
    pub seal: SealKey,
    /// WeChat Pay's API (its real address unless a stand-in is configured).
    pub wechat: WechatClient,
}

impl Gateways {
    pub fn new(sandbox_base: String, seal: SealKey) -> Result<Gateways, AppError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::Internal(format!("http client: {e}")))?;
        Ok(Gateways {
            wechat: WechatClient::new(http.clone()),
            http,
            sandbox_base: sandbox_base.trim_end_matches('/').to_owned(),
            seal,
        })
    }

    async fn sandbox_call(
        &self,
        merchant: &str,
        secret: &[u8],
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, AppError> {
        let t = now_ms() / 1000;
        let sig = sandbox::sign(
            secret,
            t,
            &sandbox::request_message(method.as_str(), path, &body),
        );
        let res = self
            .http
            .request(method, format!("{}{path}", self.sandbox_base))
            .header(MERCHANT_HEADER, merchant)
            .header(SIGNATURE_HEADER, sig)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| AppError::Internal(format!("sandbox gateway unreachable: {e}")))?;
        let status = res.status();
        let signature = res
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = res
            .bytes()
            .await
            .map_err(|e| AppError::Internal(format!("sandbox gateway answer: {e}")))?;
        if !status.is_success() {
            return Err(AppError::Internal(format!(
                "sandbox gateway answered {status}"
            )));
        }
        // The gateway signs its answers too: an answer from anyone else is not believed.
        let signature =
            signature.ok_or_else(|| AppError::Internal("sandbox answer unsigned".into()))?;
        sandbox::verify(secret, &signature, &bytes, now_ms() / 1000)
            .map_err(|e| AppError::Internal(format!("sandbox answer: {e}")))?;
        Ok(bytes.to_vec())
    }

    /// The query API: the charge as the gateway has it.
    pub async fn sandbox_query(
        &self,
        merchant: &str,
        secret: &[u8],
        intent_no: &str,
    ) -> Result<Charge, AppError> {
        let path = format!("/sandbox-gateway/v1/charges/{intent_no}");
        let bytes = self
            .sandbox_call(merchant, secret, reqwest::Method::GET, &path, Vec::new())
            .await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| AppError::Internal(format!("sandbox answer: {e}")))
    }

    /// Sends a refund; the same refund number again is the same refund.
    pub async fn sandbox_refund(
        &self,
        merchant: &str,
        secret: &[u8],
        ask: &RefundAsk,
    ) -> Result<RefundAnswer, AppError> {
        let body = serde_json::to_vec(ask).map_err(|e| AppError::Internal(e.to_string()))?;
        let bytes = self
            .sandbox_call(
                merchant,
                secret,
                reqwest::Method::POST,
                "/sandbox-gateway/v1/refunds",
                body,
            )
            .await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| AppError::Internal(format!("sandbox answer: {e}")))
    }
}
