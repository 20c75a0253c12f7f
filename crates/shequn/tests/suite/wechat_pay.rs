//! WeChat Pay API v3 end to end, with keys and certificates made at run time (none is
//! committed): settings set through the API (checked, stored sealed, never shown);
//! notifications sealed and signed exactly as WeChat Pay does, POSTed to
//! `/pay/wechat/{slug}/notify` — paid once, replays and shuffled duplicates applied once,
//! every forged, stale, probing, tampered or mismatched one refused with nothing changed,
//! refund results settled once; the client against a local stand-in for
//! api.mch.weixin.qq.com that checks every request's signature and signs its answers; and
//! `shequn payments wechat set`.

use std::process::Stdio;

use reqwest::Method;
use serde_json::{Value, json};
use shequn_app::clock::now_ms;
use shequn_app::payments::wechat::client::WechatClient;
use shequn_app::payments::wechat::testkit::{
    Merchant, refund_json, seal_resource, transaction_json,
};
use shequn_app::payments::wechat::{NotifyHeaders, WechatConfig, WechatError};
use shequn_app::sealed::SealKey;
use shequn_app::storage::payments::PendingRefund;
use shequn_app::usecases::orders::PaymentApplied;
use shequn_app::usecases::wechat_pay;
use shequn_domain::{BrandId, Fen, OrderId};
use tokio::io::AsyncWriteExt;

use crate::both_engines;
use crate::common::*;

mod fake;
use fake::{Fake, HONEST, STALE, TAMPERED, UNSIGNED};

both_engines!(
    wechat_settings_are_checked_stored_sealed_and_never_shown,
    a_payment_notification_pays_the_order_once_and_replays_change_nothing,
    forged_stale_probing_and_tampered_notifications_are_refused_and_change_nothing,
    a_payment_of_another_amount_currency_merchant_or_trade_is_refused,
    shuffled_duplicates_of_several_orders_pay_each_order_once,
    a_refund_notification_settles_its_refund_once,
    a_lost_notification_is_reconciled_and_a_refund_sent_twice_is_one_refund,
);

const SETTINGS: &str = "/api/v1/payment-settings/wechat";
const NOTIFY: &str = "/pay/wechat/demo/notify";
const CUSTOMER: &str = "SH-001老顾客";

fn now() -> i64 {
    now_ms() / 1000
}

/// A client of the stand-in at `base`, past any proxy the environment names.
fn local_client(base: &str) -> WechatClient {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("an HTTP client");
    WechatClient::with_base_url(http, base)
}

/// Serves with a known secret key, so the test can use the settings the server sealed.
async fn with_key(app: TestApp) -> (TestApp, SealKey) {
    let seal = SealKey::random();
    let app = app
        .with_options(shequn::http::state::ServerOptions {
            seal: seal.clone(),
            ..test_options()
        })
        .await;
    (app, seal)
}

fn settings(m: &Merchant) -> Value {
    json!({ "mchid": m.mchid, "appid": m.appid, "serial": m.serial,
            "private_key": m.private_key_pem, "apiv3_key": m.apiv3_key_text(),
            "platform_certs": [m.platform.cert_pem] })
}

async fn configure(app: &TestApp, admin: &str, m: &Merchant) {
    app.call(Method::PUT, SETTINGS, admin, Some(&settings(m)))
        .await
        .expect(200);
}

/// A SKU at ¥99 with plenty on hand.
async fn sku(app: &TestApp, admin: &str) -> i64 {
    let p = app
        .post(
            admin,
            "/api/v1/products",
            json!({ "title": "补水面膜", "category": "面膜", "frequency": "high", "on_shelf": true,
                    "skus": [{ "name": "10 片装", "price": 9900, "stock": 100 }] }),
        )
        .await
        .expect(201);
    p["skus"][0]["id"].as_i64().expect("a SKU")
}

/// An order of `qty` units of `sku` for a demo customer and its WeChat intent:
/// (order id, out_trade_no, total in fen).
async fn order_with_intent(app: &TestApp, demo: &Demo, sku: i64, qty: i64) -> (i64, String, i64) {
    let o = app
        .post(
            &demo.admin,
            "/api/v1/orders",
            json!({ "customer_id": demo.customer(CUSTOMER), "lines": [{ "sku_id": sku, "quantity": qty }] }),
        )
        .await
        .expect(201);
    let order = id(&o);
    let intent = wechat_pay::open_wechat_intent(&app.db, BrandId(demo.brand_id), OrderId(order))
        .await
        .expect("a WeChat intent");
    (order, intent, o["total"].as_i64().expect("a total"))
}

/// A payment notification as WeChat Pay sends it at `at`.
fn paid(
    m: &Merchant,
    id: &str,
    trade: &str,
    txn: &str,
    total: i64,
    at: i64,
) -> (NotifyHeaders, Vec<u8>) {
    let t = transaction_json(&m.mchid, &m.appid, trade, txn, total, "CNY");
    m.seal(id, "TRANSACTION.SUCCESS", "transaction", &t, at)
}

/// POSTs a notification exactly as given.
async fn deliver(app: &TestApp, path: &str, h: &NotifyHeaders, body: &[u8]) -> Reply {
    let rb = app
        .request(Method::POST, path, None)
        .header("content-type", "application/json")
        .header("wechatpay-timestamp", h.timestamp.as_str())
        .header("wechatpay-nonce", h.nonce.as_str())
        .header("wechatpay-signature", h.signature.as_str())
        .header("wechatpay-serial", h.serial.as_str())
        .body(body.to_vec());
    app.send(rb).await
}

/// A refusal WeChat Pay retries: this status and `{"code":"FAIL"}`.
#[track_caller]
fn assert_fail(r: &Reply, status: u16) {
    r.assert_status(status);
    assert_eq!(r.body["code"], "FAIL", "{}: {}", r.what, r.text);
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.text
    );
}

async fn order_of(app: &TestApp, admin: &str, order: i64) -> Value {
    app.get(admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200)
}

/// How many WeChat payments the order has on its books.
async fn wechat_payments(app: &TestApp, order: i64) -> i64 {
    app.db
        .read(move |tx| {
            Box::pin(async move {
                Ok(tx
                    .query_one(
                        "SELECT COUNT(*) FROM payments WHERE order_id = $1 AND provider = 'wechat'",
                        &shequn_app::params![order],
                    )
                    .await?
                    .get::<i64>(0)?)
            })
        })
        .await
        .expect("count the payments")
}

/// A stored text column of the one row a query with one text parameter names.
async fn stored(app: &TestApp, sql: &'static str, param: &str) -> String {
    let param = param.to_owned();
    app.db
        .read(move |tx| {
            Box::pin(async move {
                Ok(tx
                    .query_one(sql, &shequn_app::params![param.as_str()])
                    .await?
                    .get::<String>(0)?)
            })
        })
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn refund_status(app: &TestApp, refund_no: &str) -> String {
    stored(
        app,
        "SELECT status FROM refunds WHERE refund_no = $1",
        refund_no,
    )
    .await
}

async fn wechat_settings_are_checked_stored_sealed_and_never_shown(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let before = app
        .get(&admin, "/api/v1/payment-settings")
        .await
        .expect(200);
    assert_eq!(before["wechat"], Value::Null);
    assert_eq!(before["wechat_notify_path"], NOTIFY);
    let m = Merchant::generate();
    // Every part is checked before anything is stored, and the field at fault is named.
    let not_a_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    for (field, value) in [
        ("mchid", json!("12ab")),
        ("appid", json!("")),
        ("serial", json!("not-hex")),
        ("private_key", json!(not_a_key)),
        ("private_key", json!(m.platform.cert_pem)),
        ("apiv3_key", json!("too short")),
        ("platform_certs", json!([])),
        ("platform_certs", json!([m.private_key_pem])),
    ] {
        let mut body = settings(&m);
        body[field] = value;
        app.call(Method::PUT, SETTINGS, &admin, Some(&body))
            .await
            .assert_problem(422, "validation_failed")
            .assert_field(field);
    }
    let guide = app.login(GUIDE01).await;
    app.call(Method::PUT, SETTINGS, &guide, Some(&settings(&m)))
        .await
        .assert_problem(403, "forbidden");
    app.get(&guide, "/api/v1/payment-settings")
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.get(&admin, "/api/v1/payment-settings")
            .await
            .expect(200)["wechat"],
        Value::Null,
        "refused settings store nothing"
    );
    let set = app
        .call(Method::PUT, SETTINGS, &admin, Some(&settings(&m)))
        .await;
    set.assert_status(200);
    assert_eq!(set.body["mchid"], m.mchid.as_str());
    assert_eq!(set.body["platform_serials"], json!([m.platform.serial]));
    let shown = app.get(&admin, "/api/v1/payment-settings").await;
    shown.assert_status(200);
    assert_eq!(shown.body["wechat"]["serial"], m.serial.as_str());
    assert_eq!(shown.body["sandbox_enabled"], true);
    let key_line = m.private_key_pem.lines().nth(1).expect("a line of the key");
    for r in [&set, &shown] {
        assert!(
            !r.text.contains(key_line)
                && !r.text.contains(&m.apiv3_key_text())
                && !r.text.contains("PRIVATE KEY"),
            "{}",
            r.text
        );
    }
    // At rest both secrets are sealed.
    let rows = app
        .stored_strings(
            "SELECT wechat_private_key || ' ' || wechat_apiv3_key FROM payment_settings
             WHERE wechat_mchid IS NOT NULL",
        )
        .await;
    assert_eq!(rows.len(), 1);
    assert!(
        !rows[0].contains(key_line) && !rows[0].contains(&m.apiv3_key_text()),
        "{}",
        rows[0]
    );
    // Set again with a second platform certificate (WeChat Pay rotates with overlap).
    let next = Merchant::generate();
    let mut body = settings(&m);
    body["platform_certs"] = json!([m.platform.cert_pem, next.platform.cert_pem]);
    let rotated = app
        .call(Method::PUT, SETTINGS, &admin, Some(&body))
        .await
        .expect(200);
    let mut serials = vec![m.platform.serial.clone(), next.platform.serial.clone()];
    serials.sort();
    let mut shown_serials: Vec<String> = rotated["platform_serials"]
        .as_array()
        .expect("serials")
        .iter()
        .map(|s| s.as_str().expect("a serial").to_owned())
        .collect();
    shown_serials.sort();
    assert_eq!(shown_serials, serials);
}

async fn a_payment_notification_pays_the_order_once_and_replays_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let (order, intent, total) = order_with_intent(&app, &demo, sku, 2).await;
    assert_eq!((intent.len(), total), (32, 19_800));
    assert_eq!(
        wechat_pay::open_wechat_intent(&app.db, BrandId(demo.brand_id), OrderId(order))
            .await
            .expect("the same intent"),
        intent,
        "an order's open intent is answered again"
    );
    let (h, body) = paid(&m, "EV-0001", &intent, "4200000001", total, now());
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    let o = order_of(&app, &demo.admin, order).await;
    assert_eq!(
        (o["status"].clone(), o["paid"].clone()),
        (json!("paid"), json!(total))
    );
    assert_eq!(
        stored(
            &app,
            "SELECT status FROM payment_intents WHERE intent_no = $1",
            &intent
        )
        .await,
        "paid"
    );
    // WeChat Pay retries: the very same message, and the same notification signed anew.
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    let (again, again_body) = paid(&m, "EV-0001", &intent, "4200000001", total, now());
    deliver(&app, NOTIFY, &again, &again_body)
        .await
        .assert_status(204);
    // Another notification of the same transaction changes nothing either.
    let (other, other_body) = paid(&m, "EV-0002", &intent, "4200000001", total, now());
    deliver(&app, NOTIFY, &other, &other_body)
        .await
        .assert_status(204);
    assert_eq!(order_of(&app, &demo.admin, order).await, o);
    assert_eq!(wechat_payments(&app, order).await, 1);
    // A brand without WeChat Pay, or none at all, has no such endpoint.
    assert_fail(
        &deliver(&app, "/pay/wechat/other/notify", &h, &body).await,
        404,
    );
    assert_fail(
        &deliver(&app, "/pay/wechat/nobody/notify", &h, &body).await,
        404,
    );
}

async fn forged_stale_probing_and_tampered_notifications_are_refused_and_change_nothing(
    app: TestApp,
) {
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let (order, intent, total) = order_with_intent(&app, &demo, sku, 1).await;
    let at = now();
    let (h, body) = paid(&m, "EV-0100", &intent, "4200000100", total, at);
    let impostor = Merchant::generate();
    let mut refused: Vec<(&str, NotifyHeaders, Vec<u8>)> = vec![
        (
            "a signature by another key",
            NotifyHeaders {
                signature: impostor.platform.headers(at, &h.nonce, &body).signature,
                ..h.clone()
            },
            body.clone(),
        ),
        (
            "a certificate serial we do not hold",
            impostor.platform.headers(at, &h.nonce, &body),
            body.clone(),
        ),
    ];
    let (stale, stale_body) = paid(&m, "EV-0101", &intent, "4200000100", total, at - 301);
    refused.push(("a timestamp 301 s old", stale, stale_body));
    let (early, early_body) = paid(&m, "EV-0102", &intent, "4200000100", total, at + 400);
    refused.push(("a timestamp from the future", early, early_body));
    refused.push((
        "a SIGNTEST probe",
        NotifyHeaders {
            signature: format!("WECHATPAY/SIGNTEST/{}", h.signature),
            ..h.clone()
        },
        body.clone(),
    ));
    let altered = String::from_utf8(body.clone())
        .expect("JSON")
        .replace("EV-0100", "EV-0199")
        .into_bytes();
    refused.push(("a body altered after signing", h.clone(), altered));
    // Re-signed by the platform, so only the ciphertext's tag can tell.
    let mut env: Value = serde_json::from_slice(&body).expect("JSON");
    let ct = env["resource"]["ciphertext"]
        .as_str()
        .expect("ciphertext")
        .to_owned();
    let mut flipped = ct.clone().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    env["resource"]["ciphertext"] = json!(String::from_utf8(flipped).expect("base64"));
    let tampered = env.to_string().into_bytes();
    refused.push((
        "a tampered ciphertext",
        m.platform.headers(at, "tampered-0001", &tampered),
        tampered,
    ));
    // Sealed under another APIv3 key, signed by the right platform.
    let resource_nonce = env["resource"]["nonce"].as_str().expect("nonce").to_owned();
    let plain = transaction_json(&m.mchid, &m.appid, &intent, "4200000100", total, "CNY");
    env["resource"]["ciphertext"] = json!(seal_resource(
        b"0123456789abcdefghijklmnopqrstuv",
        &resource_nonce,
        "transaction",
        plain.as_bytes()
    ));
    let other_key = env.to_string().into_bytes();
    refused.push((
        "a resource sealed under another APIv3 key",
        m.platform.headers(at, "otherkey-0001", &other_key),
        other_key,
    ));
    for (what, headers, b) in &refused {
        let r = deliver(&app, NOTIFY, headers, b).await;
        assert!(
            r.status.is_client_error(),
            "{what} should be refused with a 4xx, got {}: {}",
            r.status,
            r.text
        );
        assert_eq!(r.body["code"], "FAIL", "{what}: {}", r.text);
    }
    // Without the Wechatpay-* headers nothing is read.
    let bare = app
        .request(Method::POST, NOTIFY, None)
        .header("content-type", "application/json")
        .body(body.clone());
    assert_fail(&app.send(bare).await, 400);
    let o = order_of(&app, &demo.admin, order).await;
    assert_eq!(o["status"], "pending_payment");
    assert_eq!(wechat_payments(&app, order).await, 0);
    // Nothing was recorded by the refusals: the genuine notification still goes through.
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    assert_eq!(order_of(&app, &demo.admin, order).await["status"], "paid");
}

async fn a_payment_of_another_amount_currency_merchant_or_trade_is_refused(app: TestApp) {
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let (order, intent, total) = order_with_intent(&app, &demo, sku, 1).await;
    let seal = |id: &str, mchid: &str, trade: &str, amount: i64, currency: &str| {
        let t = transaction_json(mchid, &m.appid, trade, "4200000200", amount, currency);
        m.seal(id, "TRANSACTION.SUCCESS", "transaction", &t, now())
    };
    let cases = [
        (seal("EV-0200", &m.mchid, &intent, total - 1, "CNY"), 409),
        (seal("EV-0201", &m.mchid, &intent, total + 100, "CNY"), 409),
        (seal("EV-0202", &m.mchid, &intent, total, "USD"), 409),
        (seal("EV-0203", "1900000999", &intent, total, "CNY"), 400),
        (
            seal(
                "EV-0204",
                &m.mchid,
                "ffffffffffffffffffffffffffffffff",
                total,
                "CNY",
            ),
            404,
        ),
    ];
    for ((h, body), status) in &cases {
        assert_fail(&deliver(&app, NOTIFY, h, body).await, *status);
    }
    assert_eq!(
        order_of(&app, &demo.admin, order).await["status"],
        "pending_payment"
    );
    assert_eq!(wechat_payments(&app, order).await, 0);
    // A refused notification is not recorded as seen: once right, it applies.
    let (h, body) = seal("EV-0205", &m.mchid, &intent, total, "CNY");
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    assert_eq!(order_of(&app, &demo.admin, order).await["status"], "paid");
}

async fn shuffled_duplicates_of_several_orders_pay_each_order_once(app: TestApp) {
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let mut orders = Vec::new();
    for qty in 1..=4 {
        orders.push(order_with_intent(&app, &demo, sku, qty).await);
    }
    // Three deliveries of each order's notification: the same id each time, signed anew
    // (as WeChat Pay's retries over a day are).
    let mut deliveries = Vec::new();
    for (n, (_, intent, total)) in orders.iter().enumerate() {
        for _ in 0..3 {
            deliveries.push(paid(
                &m,
                &format!("EV-1{n:03}"),
                intent,
                &format!("42000010{n:02}"),
                *total,
                now(),
            ));
        }
    }
    // A fixed shuffle (a stride coprime to the count), so a failure replays the same way.
    let count = deliveries.len();
    assert_eq!(count, 12);
    for i in (0..count).map(|i| (i * 5 + 3) % count) {
        let (h, body) = &deliveries[i];
        deliver(&app, NOTIFY, h, body).await.assert_status(204);
    }
    for (order, _, total) in &orders {
        let o = order_of(&app, &demo.admin, *order).await;
        assert_eq!(o["status"], "paid", "order {order}");
        assert_eq!(o["paid"], *total, "order {order}");
        assert_eq!(wechat_payments(&app, *order).await, 1, "order {order}");
    }
}

async fn a_refund_notification_settles_its_refund_once(app: TestApp) {
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let (order, intent, total) = order_with_intent(&app, &demo, sku, 2).await;
    let (h, body) = paid(&m, "EV-3000", &intent, "4200003000", total, now());
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    let booked = app
        .post(
            &demo.admin,
            &format!("/api/v1/orders/{order}/refunds"),
            json!({ "amount": 9900, "reason": "少发一件" }),
        )
        .await
        .expect(201);
    let refund_no = booked["refund_no"]
        .as_str()
        .expect("a refund number")
        .to_owned();
    assert_eq!(refund_status(&app, &refund_no).await, "requested");
    let result = |id: &str, event: &str, state: &str, no: &str| {
        let r = refund_json(&m.mchid, &intent, no, state, 9900, total);
        m.seal(id, event, "refund", &r, now())
    };
    let (h, body) = result("EV-3001", "REFUND.SUCCESS", "SUCCESS", &refund_no);
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    assert_eq!(refund_status(&app, &refund_no).await, "succeeded");
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    // A late, contradicting report of the same refund does not undo it.
    let (h, body) = result("EV-3002", "REFUND.ABNORMAL", "ABNORMAL", &refund_no);
    deliver(&app, NOTIFY, &h, &body).await.assert_status(204);
    assert_eq!(refund_status(&app, &refund_no).await, "succeeded");
    // A refund number the brand never booked is not found (and not recorded as seen).
    let (h, body) = result(
        "EV-3003",
        "REFUND.SUCCESS",
        "SUCCESS",
        "0000000000000000000000000000beef",
    );
    assert_fail(&deliver(&app, NOTIFY, &h, &body).await, 404);
    let o = order_of(&app, &demo.admin, order).await;
    assert_eq!(
        (o["paid"].clone(), o["refunded"].clone()),
        (json!(total), json!(9900))
    );
}

async fn a_lost_notification_is_reconciled_and_a_refund_sent_twice_is_one_refund(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let m = Merchant::generate();
    configure(&app, &demo.admin, &m).await;
    let sku = sku(&app, &demo.admin).await;
    let (order, intent, total) = order_with_intent(&app, &demo, sku, 1).await;
    let Merchant {
        mchid,
        public_key,
        platform,
        ..
    } = m;
    let (base, fake) = Fake::start(&mchid, public_key, platform).await;
    let client = local_client(&base);
    let brand = BrandId(demo.brand_id);
    // Not paid at WeChat Pay yet: nothing to apply.
    let none = wechat_pay::reconcile(&app.db, &seal, &client, brand, &intent)
        .await
        .expect("a query");
    assert_eq!(none, None);
    assert_eq!(
        order_of(&app, &demo.admin, order).await["status"],
        "pending_payment"
    );
    fake.pay(&intent, "4200004000", total);
    let applied = wechat_pay::reconcile(&app.db, &seal, &client, brand, &intent)
        .await
        .expect("a query");
    assert_eq!(applied, Some(PaymentApplied::Paid));
    let again = wechat_pay::reconcile(&app.db, &seal, &client, brand, &intent)
        .await
        .expect("a query");
    assert_eq!(again, Some(PaymentApplied::Duplicate));
    assert_eq!(order_of(&app, &demo.admin, order).await["status"], "paid");
    assert_eq!(wechat_payments(&app, order).await, 1);
    // A booked refund sent, then sent again (its answer lost, say): one refund there.
    let booked = app
        .post(
            &demo.admin,
            &format!("/api/v1/orders/{order}/refunds"),
            json!({ "amount": 4000, "reason": "包装破损" }),
        )
        .await
        .expect(201);
    let refund = PendingRefund {
        brand,
        id: 0,
        order: OrderId(order),
        provider: "wechat".into(),
        refund_no: booked["refund_no"]
            .as_str()
            .expect("a refund number")
            .to_owned(),
        amount: Fen::new(4000),
    };
    for _ in 0..2 {
        let status = wechat_pay::send_refund(&app.db, &seal, &client, &refund, None)
            .await
            .expect("the refund is sent");
        assert_eq!(status, "succeeded");
    }
    assert_eq!(fake.refund_count(), 1);
}

/// The client against the stand-in: each call is signed (the stand-in refuses anything
/// else), answers are believed only with a valid, fresh platform signature, and a retried
/// refund with the same number is one refund.
#[tokio::test]
async fn the_client_signs_every_call_and_believes_only_signed_answers() {
    let m = Merchant::generate();
    let cfg = m.config();
    // The same merchant id and serial, but a key that is not the merchant's.
    let wrong_key: WechatConfig = {
        let other = Merchant::generate();
        WechatConfig::new(
            &m.mchid,
            &m.appid,
            &m.serial,
            &other.private_key_pem,
            &m.apiv3_key,
            std::slice::from_ref(&m.platform.cert_pem),
        )
        .expect("settings")
    };
    let Merchant {
        mchid,
        public_key,
        platform,
        ..
    } = m;
    let (base, fake) = Fake::start(&mchid, public_key, platform).await;
    let client = local_client(&base);
    const TRADE: &str = "7a3f0c1e9b2d4c6a8e0f1a2b3c4d5e6f";
    let openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    let notify = "https://shop.example.com/pay/wechat/demo/notify";
    let prepay = client
        .jsapi_prepay(&cfg, TRADE, "补水面膜 10 片装 ×2", 19_800, openid, notify)
        .await
        .expect("a prepay id");
    assert_eq!(prepay, format!("wx{TRADE}"));
    let asked = fake.prepays.lock().expect("the lock")[0].clone();
    assert_eq!(asked["mchid"], mchid.as_str());
    assert_eq!(
        asked["amount"],
        json!({ "total": 19_800, "currency": "CNY" })
    );
    assert_eq!(asked["payer"]["openid"], openid);
    assert_eq!(asked["notify_url"], notify);

    let unpaid = client.query(&cfg, TRADE).await.expect("a query");
    assert_eq!(
        (unpaid.trade_state.as_str(), unpaid.transaction_id),
        ("NOTPAY", None)
    );
    fake.pay(TRADE, "4200005000", 19_800);
    let state = client.query(&cfg, TRADE).await.expect("a query");
    assert_eq!(state.trade_state, "SUCCESS");
    assert_eq!(state.amount.total, 19_800);
    assert_eq!(state.transaction_id.as_deref(), Some("4200005000"));

    let refund_no = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let first = client
        .refund(
            &cfg,
            TRADE,
            refund_no,
            9_900,
            19_800,
            "少发一件",
            Some(notify),
        )
        .await
        .expect("a refund");
    let retried = client
        .refund(
            &cfg,
            TRADE,
            refund_no,
            9_900,
            19_800,
            "少发一件",
            Some(notify),
        )
        .await
        .expect("the same refund");
    assert_eq!(first, retried);
    assert_eq!(first.status, "SUCCESS");
    assert_eq!(fake.refund_count(), 1, "a retried refund is one refund");
    let second = client
        .refund(
            &cfg,
            TRADE,
            "1f1e2d3c4b5a69788796a5b4c3d2e1f1",
            100,
            19_800,
            "",
            None,
        )
        .await
        .expect("another refund");
    assert_ne!(second.refund_id, first.refund_id);
    assert_eq!(fake.refund_count(), 2);
    assert_eq!(
        client
            .refund(
                &cfg,
                TRADE,
                "2f1e2d3c4b5a69788796a5b4c3d2e1f2",
                19_801,
                19_800,
                "",
                None
            )
            .await,
        Err(WechatError::InvalidArgument("amount"))
    );
    assert_eq!(
        client.query(&cfg, "../../v3/certificates").await,
        Err(WechatError::InvalidArgument("out_trade_no"))
    );

    // Signed with a key that is not the merchant's: WeChat Pay refuses (and signs that).
    match client.query(&wrong_key, TRADE).await {
        Err(WechatError::Api { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (401, "SIGN_ERROR"))
        }
        other => panic!("a wrongly signed request must be refused: {other:?}"),
    }
    // An answer that is not what the platform signed, is unsigned or is old: not believed.
    fake.set_mode(TAMPERED);
    assert_eq!(
        client.query(&cfg, TRADE).await,
        Err(WechatError::BadSignature)
    );
    fake.set_mode(UNSIGNED);
    assert_eq!(
        client.query(&cfg, TRADE).await,
        Err(WechatError::BadHeader("Wechatpay-Signature"))
    );
    fake.set_mode(STALE);
    assert!(matches!(
        client.query(&cfg, TRADE).await,
        Err(WechatError::StaleTimestamp(_))
    ));
    fake.set_mode(HONEST);
    assert!(client.query(&cfg, TRADE).await.is_ok());
    // Nothing listens there: a transport error, not a panic.
    let gone = local_client("http://127.0.0.1:9");
    assert!(matches!(
        gone.query(&cfg, TRADE).await,
        Err(WechatError::Transport(_))
    ));
}

/// Runs the real binary.
async fn shequn(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_shequn"))
        .args(args)
        .env_remove(shequn_app::sealed::ENV_VAR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the shequn binary runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("shequn finishes");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `shequn payments wechat set` reads the keys from files, checks them, stores them sealed
/// with the data directory's secret key, and prints no secret.
#[tokio::test]
async fn payments_wechat_set_stores_the_settings_sealed_and_prints_no_secret() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().display().to_string();
    let (made, _, err) = shequn(
        &[
            "brand",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.test",
            "--data-dir",
            data.as_str(),
        ],
        "a-long-enough-password\n",
    )
    .await;
    assert!(made, "{err}");
    let m = Merchant::generate();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write a file");
        path.display().to_string()
    };
    let key = file("apiclient_key.pem", &m.private_key_pem);
    let apiv3 = file("apiv3.txt", &format!("{}\n", m.apiv3_key_text()));
    let short = file("short.txt", "too-short\n");
    let cert = file("platform.pem", &m.platform.cert_pem);
    let set = |apiv3: String| {
        let args: Vec<String> = [
            "payments",
            "wechat",
            "set",
            "--brand",
            "acme",
            "--mchid",
            m.mchid.as_str(),
            "--appid",
            m.appid.as_str(),
            "--serial",
            m.serial.as_str(),
            "--private-key",
            key.as_str(),
            "--apiv3-key-file",
            apiv3.as_str(),
            "--platform-cert",
            cert.as_str(),
            "--data-dir",
            data.as_str(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        async move {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            shequn(&refs, "").await
        }
    };
    let (ok, _, err) = set(short).await;
    assert!(!ok && err.contains("apiv3_key"), "{err}");
    let (ok, out, err) = set(apiv3).await;
    assert!(ok, "{err}");
    assert!(
        out.contains("/pay/wechat/acme/notify") && out.contains(&m.platform.serial),
        "{out}"
    );
    let key_line = m.private_key_pem.lines().nth(1).expect("a line of the key");
    assert!(
        !out.contains(&m.apiv3_key_text()) && !out.contains(key_line),
        "{out}"
    );

    let db = shequn_app::Db::open(&shequn_app::DbConfig::SqliteDir(dir.path().to_owned()))
        .await
        .expect("open the database");
    let acme = shequn_app::usecases::brands::list_all(&db)
        .await
        .expect("brands")
        .into_iter()
        .find(|b| b.slug == "acme")
        .expect("acme");
    let seal = SealKey::from_env_or_dir(Some(dir.path())).expect("the data directory's key");
    let cfg = wechat_pay::load(&db, &seal, acme.id)
        .await
        .expect("the settings open")
        .expect("acme has WeChat Pay");
    assert_eq!(
        (cfg.mchid.as_str(), cfg.appid.as_str()),
        (m.mchid.as_str(), m.appid.as_str())
    );
    assert_eq!(cfg.apiv3_key, m.apiv3_key);
    assert_eq!(cfg.platform[0].serial, m.platform.serial);
    db.close().await;
}
