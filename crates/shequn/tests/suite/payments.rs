//! Payments through the sandbox gateway: checkout opens an intent; paying on the hosted
//! page sends signed notifications (with a duplicate) to the webhook and the order is paid
//! once; forged, stale and mismatched notifications are refused; an order whose
//! notification never came is reconciled through the gateway's query API; a late payment
//! on a cancelled order books a refund; approved refund requests are sent to the gateway
//! once per refund number.

use serde_json::json;
use shequn_app::payments::sandbox;
use shequn_app::sealed::SealKey;
use shequn_app::usecases::{payments, shop};
use shequn_domain::{BrandId, OrderId};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_sandbox_payment_pays_the_order_once_and_forgeries_are_refused,
    a_lost_notification_is_reconciled_through_the_query_api,
    a_refund_request_is_approved_sent_once_and_a_rejection_needs_a_note,
    a_shopper_sees_only_their_own_orders_and_checkout_checks_its_fields,
    expired_shopper_sessions_and_their_carts_are_swept,
    eight_deliveries_of_one_notification_at_once_pay_the_order_once,
    a_shopper_by_a_join_link_is_attributed_and_the_refund_queue_is_scoped_by_store,
    back_from_the_pay_page_the_store_asks_the_gateway_about_a_late_notification,
);

/// Serves with a known secret key, so the test can sign as the gateway would.
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

/// Two products on the shelf; returns their SKU ids (¥99 and ¥25).
async fn two_skus(app: &TestApp, admin: &str) -> (i64, i64) {
    let a = app
        .post(
            admin,
            "/api/v1/products",
            json!({ "title": "补水面膜", "category": "护肤", "frequency": "high",
            "on_shelf": true, "skus": [{ "name": "10 片装", "price": 9900, "stock": 20 }] }),
        )
        .await
        .expect(201);
    let b = app
        .post(
            admin,
            "/api/v1/products",
            json!({ "title": "护手霜", "category": "个护", "frequency": "low",
            "on_shelf": true, "skus": [{ "name": "50ml", "price": 2500, "stock": 20 }] }),
        )
        .await
        .expect(201);
    (
        a["skus"][0]["id"].as_i64().expect("sku"),
        b["skus"][0]["id"].as_i64().expect("sku"),
    )
}

/// A shopper who put both SKUs in the cart and checked out: (shopper, order, intent).
async fn checked_out(
    app: &TestApp,
    brand: i64,
    skus: (i64, i64),
    key: &str,
) -> (shop::Shopper, OrderId, payments::PaymentIntent) {
    let (shopper, token) = shop::open_session(&app.db, BrandId(brand), None)
        .await
        .expect("a session");
    shop::add_to_cart(&app.db, &shopper, skus.0, 2)
        .await
        .expect("add");
    let cart = shop::add_to_cart(&app.db, &shopper, skus.1, 1)
        .await
        .expect("add");
    assert_eq!(cart.total.get(), 2 * 9900 + 2500);
    let input = shop::CheckoutInput {
        recipient: "王小美".into(),
        phone: "13912345678".into(),
        address: "上海市静安区南京西路 1266 号".into(),
        note: String::new(),
    };
    let (order, intent) = shop::checkout(&app.db, &shopper, input, key)
        .await
        .expect("checkout");
    // The session again, now bound to the customer its checkout made.
    let shopper = shop::session(&app.db, shopper.brand, &token)
        .await
        .expect("read")
        .expect("live");
    (shopper, order, intent)
}

async fn order_status(app: &TestApp, admin: &str, order: OrderId) -> serde_json::Value {
    app.get(admin, &format!("/api/v1/orders/{}", order.get()))
        .await
        .expect(200)
}

/// Polls until the order has `status` (the notification comes asynchronously).
async fn wait_for(app: &TestApp, admin: &str, order: OrderId, status: &str) -> serde_json::Value {
    for _ in 0..100 {
        let o = order_status(app, admin, order).await;
        if o["status"] == status {
            return o;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "order {} never became {status}: {}",
        order.get(),
        order_status(app, admin, order).await
    );
}

fn signed_notification(
    secret: &[u8],
    intent_no: &str,
    txn: &str,
    amount: i64,
    t: i64,
) -> (String, Vec<u8>) {
    let n = sandbox::Notification {
        id: format!("evt_{txn}"),
        kind: "charge.succeeded".into(),
        charge: sandbox::Charge {
            intent_no: intent_no.into(),
            transaction_id: Some(txn.into()),
            amount,
            currency: "CNY".into(),
            status: "paid".into(),
            paid_at: Some(t * 1000),
        },
    };
    let body = serde_json::to_vec(&n).expect("json");
    (sandbox::sign(secret, t, &body), body)
}

async fn notify(app: &TestApp, sig: &str, body: Vec<u8>) -> u16 {
    app.client
        .post(app.url("/pay/sandbox/demo/notify"))
        .header(sandbox::SIGNATURE_HEADER, sig)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the webhook answers")
        .status()
        .as_u16()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

async fn a_sandbox_payment_pays_the_order_once_and_forgeries_are_refused(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let skus = two_skus(&app, &admin).await;
    let (_, order, intent) =
        checked_out(&app, demo.brand_id, skus, "checkout-key-0000000001").await;
    assert_eq!(intent.amount.get(), 22_300);
    assert_eq!(intent.pay_url, format!("/sandbox-pay/{}", intent.intent_no));
    let page = app.get_anon(&intent.pay_url).await;
    assert_eq!(page.status, 200);

    // Forgeries first: the order stays unpaid.
    let secret = payments::sandbox_secret(&app.db, &seal, "demo")
        .await
        .expect("the merchant secret");
    let (_, body) =
        signed_notification(&secret, &intent.intent_no, "sbx_forged", 22_300, now_secs());
    let (bad_sig, _) = signed_notification(
        b"not the secret",
        &intent.intent_no,
        "sbx_forged",
        22_300,
        now_secs(),
    );
    assert_eq!(notify(&app, &bad_sig, body).await, 401, "a wrong key");
    let (stale_sig, stale_body) = signed_notification(
        &secret,
        &intent.intent_no,
        "sbx_old",
        22_300,
        now_secs() - 600,
    );
    assert_eq!(
        notify(&app, &stale_sig, stale_body).await,
        401,
        "ten minutes old"
    );
    let (sig, cheap) = signed_notification(&secret, &intent.intent_no, "sbx_cheap", 1, now_secs());
    assert_eq!(
        notify(&app, &sig, cheap).await,
        409,
        "an amount that is not the order's"
    );
    assert_eq!(
        order_status(&app, &admin, order).await["status"],
        "pending_payment"
    );

    // The payer pays on the hosted page; the gateway notifies (twice) on its own.
    let paid = app
        .client
        .post(app.url(&intent.pay_url))
        .form(&[("pay", "1")])
        .send()
        .await
        .expect("the pay page answers");
    assert_eq!(paid.status().as_u16(), 303);
    assert_eq!(
        paid.headers()["location"].to_str().expect("ascii"),
        format!("/shop/demo/orders/{}", order.get())
    );
    let o = wait_for(&app, &admin, order, "paid").await;
    assert_eq!(o["paid"], 22_300);
    // The duplicate arrives a moment later; then a replay by hand: nothing changes.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let payments_made = app
        .stored_strings("SELECT CAST(COUNT(*) AS TEXT) FROM payments")
        .await;
    assert_eq!(
        payments_made,
        vec!["1".to_owned()],
        "one payment, however often notified"
    );
    let o2 = order_status(&app, &admin, order).await;
    assert_eq!(
        (o2["paid"].clone(), o2["status"].clone()),
        (json!(22_300), json!("paid"))
    );
    // Paying the same charge again is refused by the gateway, and no new payment appears.
    let again = app
        .client
        .post(app.url(&intent.pay_url))
        .form(&[("pay", "1")])
        .send()
        .await
        .expect("answers");
    assert_eq!(
        again.status().as_u16(),
        303,
        "already paid: back to the shop"
    );
    assert_eq!(
        app.stored_strings("SELECT CAST(COUNT(*) AS TEXT) FROM payments")
            .await,
        vec!["1".to_owned()]
    );
}

async fn a_lost_notification_is_reconciled_through_the_query_api(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let skus = two_skus(&app, &admin).await;
    let (_, order, intent) =
        checked_out(&app, demo.brand_id, skus, "checkout-key-0000000002").await;
    // The gateway takes the money but its notifications go nowhere.
    let secret = payments::sandbox_secret(&app.db, &seal, "demo")
        .await
        .expect("secret");
    shequn_app::usecases::sandbox_gateway::pay(
        &app.db,
        &intent.intent_no,
        secret,
        "http://127.0.0.1:9".into(),
        reqwest::Client::new(),
    )
    .await
    .expect("paid at the gateway");
    assert_eq!(
        order_status(&app, &admin, order).await["status"],
        "pending_payment"
    );
    let r = app
        .post_empty(&admin, &format!("/api/v1/orders/{}/reconcile", order.get()))
        .await
        .expect(200);
    assert_eq!(r["outcome"], "paid");
    assert_eq!(order_status(&app, &admin, order).await["status"], "paid");
    let again = app
        .post_empty(&admin, &format!("/api/v1/orders/{}/reconcile", order.get()))
        .await
        .expect(200);
    assert_eq!(again["outcome"], "nothing_paid", "the intent is settled");
    // Another brand's admin cannot reconcile (or see) it.
    let other = app.login(OTHER_ADMIN).await;
    app.post_empty(&other, &format!("/api/v1/orders/{}/reconcile", order.get()))
        .await
        .expect(404);
}

async fn a_refund_request_is_approved_sent_once_and_a_rejection_needs_a_note(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let skus = two_skus(&app, &admin).await;
    let (shopper, order, intent) =
        checked_out(&app, demo.brand_id, skus, "checkout-key-0000000003").await;
    let secret = payments::sandbox_secret(&app.db, &seal, "demo")
        .await
        .expect("secret");
    app.client
        .post(app.url(&intent.pay_url))
        .form(&[("pay", "1")])
        .send()
        .await
        .expect("paid on the gateway's page");
    wait_for(&app, &admin, order, "paid").await;

    // The customer asks for ¥50 back on the first line and one unit returned.
    let ask = |amount, quantity| shop::RefundAsk {
        line: Some(0),
        amount,
        quantity,
        reason: "有一片破损".into(),
    };
    let too_much = shop::request_refund(&app.db, &shopper, order, ask(19_801, 0)).await;
    assert!(too_much.is_err(), "more than the line");
    let req = shop::request_refund(&app.db, &shopper, order, ask(5_000, 1))
        .await
        .expect("filed");
    assert_eq!(req.status, "requested");
    // Open requests count: a second one may ask at most what is left on the line.
    assert!(
        shop::request_refund(&app.db, &shopper, order, ask(14_801, 0))
            .await
            .is_err()
    );

    let guide = app.login(GUIDE01).await;
    let queue = app
        .get(&admin, "/api/v1/refund-requests?status=requested")
        .await
        .expect(200);
    assert_eq!(queue["items"].as_array().expect("items").len(), 1);
    // The store's buyer came by no link: no store, so a store's guide does not see it.
    app.post_empty(
        &guide,
        &format!("/api/v1/refund-requests/{}/approve", req.id),
    )
    .await
    .expect(404);
    let other = app.login(OTHER_ADMIN).await;
    app.post_empty(
        &other,
        &format!("/api/v1/refund-requests/{}/approve", req.id),
    )
    .await
    .expect(404);
    let approved = app
        .post_empty(
            &admin,
            &format!("/api/v1/refund-requests/{}/approve", req.id),
        )
        .await
        .expect(200);
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        approved["refund_status"], "requested",
        "waiting for the gateway"
    );
    let o = order_status(&app, &admin, order).await;
    assert_eq!(o["refunded"], 5_000);
    // Approving again answers the same request and books nothing more.
    app.post_empty(
        &admin,
        &format!("/api/v1/refund-requests/{}/approve", req.id),
    )
    .await
    .expect(200);
    assert_eq!(order_status(&app, &admin, order).await["refunded"], 5_000);

    // The approval sends the refund to the gateway at once (the sweep would within
    // seconds); sending again finds nothing waiting.
    let mut settled = json!(null);
    for _ in 0..100 {
        settled = app
            .get(&admin, &format!("/api/v1/refund-requests/{}", req.id))
            .await
            .expect(200);
        if settled["refund_status"] == "succeeded" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(settled["refund_status"], "succeeded", "{settled}");
    let gateways = shequn_app::payments::gateways::Gateways::new(app.base.clone(), seal.clone())
        .expect("gateways");
    assert_eq!(
        payments::send_refunds(&app.db, &gateways)
            .await
            .expect("sent"),
        0,
        "settled"
    );
    let refund_no = settled["refund_no"]
        .as_str()
        .expect("a refund number")
        .to_owned();
    let again = gateways
        .sandbox_refund(
            "demo",
            &secret,
            &sandbox::RefundAsk {
                refund_no,
                intent_no: intent.intent_no.clone(),
                amount: 5_000,
            },
        )
        .await
        .expect("the gateway answers a retry");
    assert_eq!(again.status, "succeeded");
    assert_eq!(
        app.stored_strings("SELECT CAST(SUM(amount) AS TEXT) FROM sandbox_refunds")
            .await,
        vec!["5000".to_owned()],
        "one refund at the gateway"
    );

    // A second request is rejected: a note is required.
    let second = shop::request_refund(
        &app.db,
        &shopper,
        order,
        shop::RefundAsk {
            line: None,
            amount: 1_000,
            quantity: 0,
            reason: "不想要了".into(),
        },
    )
    .await
    .expect("filed");
    let no_note = app
        .post(
            &admin,
            &format!("/api/v1/refund-requests/{}/reject", second.id),
            json!({ "note": " " }),
        )
        .await
        .expect(422);
    assert_eq!(no_note["errors"][0]["field"], "note");
    let rejected = app
        .post(
            &admin,
            &format!("/api/v1/refund-requests/{}/reject", second.id),
            json!({ "note": "已发货商品需退回后处理" }),
        )
        .await
        .expect(200);
    assert_eq!(rejected["status"], "rejected");
    app.post_empty(
        &admin,
        &format!("/api/v1/refund-requests/{}/approve", second.id),
    )
    .await
    .expect(409);
    assert_eq!(order_status(&app, &admin, order).await["refunded"], 5_000);
}

fn field<T: std::fmt::Debug>(r: Result<T, shequn_app::AppError>) -> &'static str {
    match r {
        Err(shequn_app::AppError::Invalid { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn a_shopper_sees_only_their_own_orders_and_checkout_checks_its_fields(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let skus = two_skus(&app, &admin).await;
    let (mine, order, _) = checked_out(&app, demo.brand_id, skus, "checkout-key-0000000004").await;
    assert_eq!(
        shop::my_orders(&app.db, &mine).await.expect("mine").len(),
        1
    );
    let detail = shop::my_order(&app.db, &mine, order).await.expect("mine");
    assert_eq!(detail.shipping.phone, "139****5678", "masked");
    let (stranger, _) = shop::open_session(&app.db, BrandId(demo.brand_id), None)
        .await
        .expect("session");
    assert!(
        shop::my_orders(&app.db, &stranger)
            .await
            .expect("none")
            .is_empty()
    );
    assert!(matches!(
        shop::my_order(&app.db, &stranger, order).await,
        Err(shequn_app::AppError::NotFound(_))
    ));
    // An empty cart and bad fields are refused with the field at fault, before anything is written.
    let bad = |recipient: &str, phone: &str, address: &str| shop::CheckoutInput {
        recipient: recipient.into(),
        phone: phone.into(),
        address: address.into(),
        note: String::new(),
    };
    assert_eq!(
        field(
            shop::checkout(
                &app.db,
                &stranger,
                bad("王", "13912345678", "上海市静安区"),
                "checkout-key-0000000005"
            )
            .await
        ),
        "cart"
    );
    shop::add_to_cart(&app.db, &stranger, skus.1, 1)
        .await
        .expect("add");
    assert_eq!(
        field(
            shop::checkout(
                &app.db,
                &stranger,
                bad("王", "1234", "上海市静安区"),
                "checkout-key-0000000005"
            )
            .await
        ),
        "phone"
    );
    assert_eq!(
        field(
            shop::checkout(
                &app.db,
                &stranger,
                bad("", "13912345678", "上海市静安区"),
                "checkout-key-0000000005"
            )
            .await
        ),
        "recipient"
    );
    assert_eq!(
        field(
            shop::checkout(
                &app.db,
                &stranger,
                bad("王", "13912345678", "上海"),
                "checkout-key-0000000005"
            )
            .await
        ),
        "address"
    );
    assert_eq!(
        field(shop::add_to_cart(&app.db, &stranger, skus.1, 100).await),
        "quantity"
    );
    // The same checkout key twice places one order.
    let good = bad("王", "13812345678", "上海市静安区南京西路");
    let (a, _) = shop::checkout(&app.db, &stranger, good.clone(), "checkout-key-0000000006")
        .await
        .expect("placed");
    let (b, _) = shop::checkout(&app.db, &stranger, good, "checkout-key-0000000006")
        .await
        .expect("answered");
    assert_eq!(a, b);
}

async fn expired_shopper_sessions_and_their_carts_are_swept(app: TestApp) {
    let demo = app.demo().await;
    let skus = two_skus(&app, &demo.admin).await;
    let brand = BrandId(demo.brand_id);
    let (old, old_token) = shop::open_session(&app.db, brand, None)
        .await
        .expect("session");
    let (live, live_token) = shop::open_session(&app.db, brand, None)
        .await
        .expect("session");
    shop::add_to_cart(&app.db, &old, skus.0, 1)
        .await
        .expect("add");
    shop::add_to_cart(&app.db, &live, skus.0, 1)
        .await
        .expect("add");
    let id = old.id;
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE shop_sessions SET expires_at = 0 WHERE id = $1",
                    &shequn_app::params![id],
                )
                .await?;
                Ok(())
            })
        })
        .await
        .expect("aged");
    assert!(
        shop::session(&app.db, brand, &old_token)
            .await
            .expect("read")
            .is_none(),
        "expired"
    );
    shequn_app::usecases::housekeeping::sweep(&app.db)
        .await
        .expect("swept");
    assert_eq!(
        app.stored_strings("SELECT CAST(COUNT(*) AS TEXT) FROM shop_sessions")
            .await,
        vec!["1".to_owned()]
    );
    assert_eq!(
        app.stored_strings("SELECT CAST(COUNT(*) AS TEXT) FROM cart_items")
            .await,
        vec!["1".to_owned()],
        "the expired session's cart went with it"
    );
    let still = shop::session(&app.db, brand, &live_token)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(shop::cart(&app.db, &still).await.expect("cart").count, 1);
}

async fn eight_deliveries_of_one_notification_at_once_pay_the_order_once(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let skus = two_skus(&app, &demo.admin).await;
    let (_, order, intent) =
        checked_out(&app, demo.brand_id, skus, "checkout-key-0000000007").await;
    let secret = payments::sandbox_secret(&app.db, &seal, "demo")
        .await
        .expect("secret");
    let (sig, body) =
        signed_notification(&secret, &intent.intent_no, "sbx_once", 22_300, now_secs());
    let app = std::sync::Arc::new(app);
    let sends = (0..8).map(|_| {
        let (app, sig, body) = (app.clone(), sig.clone(), body.clone());
        tokio::spawn(async move { notify(&app, &sig, body).await })
    });
    for s in sends {
        assert_eq!(s.await.expect("a delivery"), 204, "each delivery is taken");
    }
    let o = order_status(&app, &demo.admin, order).await;
    assert_eq!(
        (o["status"].clone(), o["paid"].clone()),
        (json!("paid"), json!(22_300))
    );
    assert_eq!(
        app.stored_strings("SELECT CAST(COUNT(*) AS TEXT) FROM payments")
            .await,
        vec!["1".to_owned()]
    );
}

async fn a_shopper_by_a_join_link_is_attributed_and_the_refund_queue_is_scoped_by_store(
    app: TestApp,
) {
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let skus = two_skus(&app, &admin).await;
    let guide = app.login(GUIDE01).await;
    let sales = demo.community("上海南京西路店福利群");
    let inviter = demo.customer("SH-001老顾客");
    let link = app
        .post(
            &guide,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "fission_poster", "inviter_id": inviter, "label": "商城海报" }),
        )
        .await
        .expect(201);
    let code = link["code"].as_str().expect("a code").to_owned();
    let (shopper, token) = shop::open_session(&app.db, BrandId(demo.brand_id), Some(&code))
        .await
        .expect("session");
    shop::add_to_cart(&app.db, &shopper, skus.1, 2)
        .await
        .expect("add");
    let input = shop::CheckoutInput {
        recipient: "李四".into(),
        phone: "13712345678".into(),
        address: "上海市黄浦区南京东路 100 号".into(),
        note: String::new(),
    };
    let (order, _) = shop::checkout(&app.db, &shopper, input, "checkout-key-0000000008")
        .await
        .expect("placed");
    let o = order_status(&app, &admin, order).await;
    assert_eq!(
        o["store_id"],
        demo.store("SH-001"),
        "the link's community's store"
    );
    assert_eq!(o["guide_id"], demo.staff(GUIDE01), "its 群主");
    assert_eq!(o["community_id"], sales);
    let customer = app
        .get(&admin, &format!("/api/v1/customers/{}", o["customer_id"]))
        .await
        .expect(200);
    assert_eq!(customer["channel"], "fission_poster");
    assert_eq!(customer["invited_by"], inviter);

    shequn_app::usecases::orders::confirm_payment(
        &app.db,
        BrandId(demo.brand_id),
        order,
        "sandbox",
        "scope-1",
        5_000,
    )
    .await
    .expect("paid");
    // The session again, now bound to the customer its checkout made.
    let shopper = shop::session(&app.db, shopper.brand, &token)
        .await
        .expect("read")
        .expect("live");
    let req = shop::request_refund(
        &app.db,
        &shopper,
        order,
        shop::RefundAsk {
            line: Some(0),
            amount: 2_500,
            quantity: 1,
            reason: "买多了".into(),
        },
    )
    .await
    .expect("filed");
    let path = format!("/api/v1/refund-requests/{}", req.id);
    for (who, sees) in [
        (GUIDE01, true),
        (SH001_MANAGER, true),
        (EAST_MANAGER, true),
        (SOUTH_MANAGER, false),
        (GUIDE02, false),
    ] {
        let token = app.login(who).await;
        let listed = app.get(&token, "/api/v1/refund-requests").await.expect(200);
        let found = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|r| r["id"] == req.id);
        assert_eq!(found, sees, "{who} lists it: {listed}");
        app.get(&token, &path)
            .await
            .expect(if sees { 200 } else { 404 });
    }
    // A guide of the store sees it but may not decide; the south region's manager cannot reach it.
    app.post_empty(&app.login(GUIDE01).await, &format!("{path}/approve"))
        .await
        .expect(403);
    app.post_empty(&app.login(SOUTH_MANAGER).await, &format!("{path}/approve"))
        .await
        .expect(404);
    app.post_empty(&app.login(SH001_MANAGER).await, &format!("{path}/approve"))
        .await
        .expect(200);
    assert_eq!(order_status(&app, &admin, order).await["refunded"], 2_500);
}

async fn back_from_the_pay_page_the_store_asks_the_gateway_about_a_late_notification(app: TestApp) {
    let (app, seal) = with_key(app).await;
    let demo = app.demo().await;
    let skus = two_skus(&app, &demo.admin).await;
    let (shopper, order, intent) =
        checked_out(&app, demo.brand_id, skus, "checkout-key-0000000009").await;
    let gateways = shequn_app::payments::gateways::Gateways::new(app.base.clone(), seal.clone())
        .expect("gateways");
    assert!(
        !shop::settle_on_return(&app.db, &gateways, &shopper, order)
            .await
            .expect("asked"),
        "not paid yet"
    );
    let secret = payments::sandbox_secret(&app.db, &seal, "demo")
        .await
        .expect("secret");
    // Paid at the gateway; its notification is still on its way (here: never comes).
    shequn_app::usecases::sandbox_gateway::pay(
        &app.db,
        &intent.intent_no,
        secret,
        "http://127.0.0.1:9".into(),
        reqwest::Client::new(),
    )
    .await
    .expect("paid");
    let (stranger, _) = shop::open_session(&app.db, BrandId(demo.brand_id), None)
        .await
        .expect("session");
    assert!(
        shop::settle_on_return(&app.db, &gateways, &stranger, order)
            .await
            .is_err(),
        "another shopper's order is not found"
    );
    assert!(
        shop::settle_on_return(&app.db, &gateways, &shopper, order)
            .await
            .expect("asked")
    );
    assert_eq!(
        order_status(&app, &demo.admin, order).await["status"],
        "paid"
    );
    assert!(
        !shop::settle_on_return(&app.db, &gateways, &shopper, order)
            .await
            .expect("asked"),
        "once"
    );
}
