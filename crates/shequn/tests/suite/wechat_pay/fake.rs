//! A local stand-in for api.mch.weixin.qq.com, for the client's tests: it refuses any
//! request whose `Authorization` does not verify with the merchant's public key, signs
//! every answer with the platform key (or, by mode, forges, omits or backdates the
//! signature), and keeps refunds by their out_refund_no as WeChat Pay does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{Value, json};
use shequn_app::clock::now_ms;
use shequn_app::payments::wechat::sign::Authorization;
use shequn_app::payments::wechat::testkit::{Platform, nonce};

fn now() -> i64 {
    now_ms() / 1000
}

/// How the stand-in answers.
pub const HONEST: usize = 0;
pub const TAMPERED: usize = 1;
pub const UNSIGNED: usize = 2;
pub const STALE: usize = 3;

/// The stand-in's state.
pub struct Fake {
    mchid: String,
    merchant_key: Vec<u8>,
    platform: Platform,
    mode: AtomicUsize,
    /// Paid trades: out_trade_no → (transaction id, total).
    paid: Mutex<HashMap<String, (String, i64)>>,
    /// Refunds by out_refund_no: the answer first given.
    refunds: Mutex<HashMap<String, Value>>,
    /// JSAPI prepay requests as received.
    pub prepays: Mutex<Vec<Value>>,
}

impl Fake {
    pub async fn start(
        mchid: &str,
        merchant_key: Vec<u8>,
        platform: Platform,
    ) -> (String, Arc<Fake>) {
        let fake = Arc::new(Fake {
            mchid: mchid.to_owned(),
            merchant_key,
            platform,
            mode: AtomicUsize::new(HONEST),
            paid: Mutex::new(HashMap::new()),
            refunds: Mutex::new(HashMap::new()),
            prepays: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("the bound address");
        let router = axum::Router::new()
            .fallback(fake_wechat)
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (format!("http://{addr}"), fake)
    }

    pub fn pay(&self, trade: &str, txn: &str, total: i64) {
        self.paid
            .lock()
            .expect("the lock")
            .insert(trade.to_owned(), (txn.to_owned(), total));
    }

    pub fn refund_count(&self) -> usize {
        self.refunds.lock().expect("the lock").len()
    }

    pub fn set_mode(&self, mode: usize) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    fn reply(&self, status: u16, body: &Value) -> Response {
        let bytes = body.to_string().into_bytes();
        let mode = self.mode.load(Ordering::SeqCst);
        let at = if mode == STALE { now() - 600 } else { now() };
        let h = self.platform.headers(at, &nonce(32), &bytes);
        let mut sent = bytes;
        if mode == TAMPERED {
            // Still JSON, no longer what was signed.
            let last = sent.len() - 1;
            sent.insert(last, b' ');
        }
        let mut b = Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header(
                "request-id",
                "08F0A4B5C60610B8A5D5E70218B0E2F1E00B20C3A10428BC8C04",
            );
        if mode != UNSIGNED {
            b = b
                .header("wechatpay-timestamp", h.timestamp)
                .header("wechatpay-nonce", h.nonce)
                .header("wechatpay-signature", h.signature)
                .header("wechatpay-serial", h.serial);
        }
        b.body(Body::from(sent)).expect("a response")
    }
}

async fn fake_wechat(
    State(f): State<Arc<Fake>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
    let verified = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(Authorization::parse)
        .filter(|a| {
            a.mchid == f.mchid
                && a.verify(&f.merchant_key, method.as_str(), path_and_query, &body)
                    .is_ok()
        });
    if verified.is_none() {
        return f.reply(401, &json!({ "code": "SIGN_ERROR", "message": "签名错误" }));
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path();
    let queried = path.strip_prefix("/v3/pay/transactions/out-trade-no/");
    match (method.as_str(), path, queried) {
        ("POST", "/v3/pay/transactions/jsapi", _) => {
            f.prepays.lock().expect("the lock").push(req.clone());
            let trade = req["out_trade_no"].as_str().unwrap_or_default();
            f.reply(200, &json!({ "prepay_id": format!("wx{trade}") }))
        }
        ("GET", _, Some(trade)) => {
            if uri.query() != Some(format!("mchid={}", f.mchid).as_str()) {
                return f.reply(400, &json!({ "code": "PARAM_ERROR", "message": "mchid" }));
            }
            let paid = f.paid.lock().expect("the lock").get(trade).cloned();
            let answer = match paid {
                Some((txn, total)) => json!({
                    "mchid": f.mchid, "appid": "wxd678efh567hg6787", "out_trade_no": trade,
                    "transaction_id": txn, "trade_type": "JSAPI", "trade_state": "SUCCESS",
                    "success_time": "2026-05-20T13:29:35+08:00",
                    "amount": { "total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY" }
                }),
                None => json!({
                    "mchid": f.mchid, "appid": "wxd678efh567hg6787", "out_trade_no": trade,
                    "trade_state": "NOTPAY", "amount": { "total": 0, "currency": "CNY" }
                }),
            };
            f.reply(200, &answer)
        }
        ("POST", "/v3/refund/domestic/refunds", _) => {
            let no = req["out_refund_no"].as_str().unwrap_or_default().to_owned();
            let mut refunds = f.refunds.lock().expect("the lock");
            if let Some(first) = refunds.get(&no) {
                return f.reply(200, first);
            }
            let trade = req["out_trade_no"].as_str().unwrap_or_default();
            let Some((txn, total)) = f.paid.lock().expect("the lock").get(trade).cloned() else {
                return f.reply(
                    404,
                    &json!({ "code": "RESOURCE_NOT_EXISTS", "message": "订单不存在" }),
                );
            };
            let refund = req["amount"]["refund"].as_i64().unwrap_or(0);
            if req["amount"]["total"] != total || refund <= 0 || refund > total {
                return f.reply(400, &json!({ "code": "PARAM_ERROR", "message": "amount" }));
            }
            let answer = json!({
                "refund_id": format!("503000{:04}", refunds.len() + 1), "out_refund_no": no,
                "transaction_id": txn, "out_trade_no": trade, "channel": "ORIGINAL",
                "status": "SUCCESS", "create_time": "2026-05-20T13:29:35+08:00",
                "amount": { "refund": refund, "total": total, "payer_refund": refund,
                            "payer_total": total, "currency": "CNY" }
            });
            refunds.insert(no, answer.clone());
            f.reply(200, &answer)
        }
        _ => f.reply(
            404,
            &json!({ "code": "NOT_FOUND", "message": "no such API" }),
        ),
    }
}
