//! Orders: totals from the catalogue (a client's price is ignored), stock reserved with the
//! order in one transaction, exactly one order when 64 buyers race for the last unit (also
//! across two app servers on PostgreSQL), a retried request answered with the same order,
//! unpaid orders cancelled or expired by their job with the stock back on hand.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};
use shequn_app::usecases::jobs;

use crate::both_engines;
use crate::common::*;

both_engines!(
    an_order_is_priced_by_the_server_and_reserves_its_stock,
    a_retried_order_request_places_one_order,
    sixty_four_buyers_race_for_the_last_unit_and_one_order_is_placed,
    unpaid_orders_are_cancelled_or_expire_and_their_stock_comes_back,
    verify_passes_and_names_a_stock_row_or_total_altered_by_hand,
    a_paid_order_ships_completes_and_is_refunded_in_part_never_beyond_what_was_paid,
    a_late_payment_on_a_cancelled_order_books_a_refund_and_duplicates_change_nothing,
);

/// A product on the shelf with one SKU of `stock` units at ¥99; returns the SKU's id.
async fn sku_with(app: &TestApp, admin: &str, stock: i64) -> i64 {
    let p = app
        .post(
            admin,
            "/api/v1/products",
            json!({ "title": "补水面膜", "category": "面膜", "frequency": "high", "on_shelf": true,
                    "skus": [{ "name": "10 片装", "price": 9900, "stock": stock }] }),
        )
        .await
        .expect(201);
    p["skus"][0]["id"].as_i64().expect("a SKU")
}

async fn stock_of(app: &TestApp, admin: &str, sku: i64) -> Value {
    let products = app.get(admin, "/api/v1/products").await.expect(200);
    products["items"]
        .as_array()
        .expect("products")
        .iter()
        .flat_map(|p| p["skus"].as_array().cloned().unwrap_or_default())
        .find(|s| s["id"] == sku)
        .expect("the SKU")["stock"]
        .clone()
}

async fn an_order_is_priced_by_the_server_and_reserves_its_stock(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 10).await;
    let guide = app.login(GUIDE01).await;
    let customer = demo.customer("SH-001老顾客");
    let sales = demo.community("上海南京西路店福利群");
    let order = app
        .post(
            &guide,
            "/api/v1/orders",
            json!({ "customer_id": customer, "community_id": sales,
                    "lines": [{ "sku_id": sku, "quantity": 3, "price": 1 }] }),
        )
        .await
        .expect(201);
    assert_eq!(
        order["total"], 29_700,
        "the catalogue's price, not the client's"
    );
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["store_id"], demo.store("SH-001"));
    assert_eq!(order["guide_id"], demo.staff(GUIDE01));
    assert_eq!(order["community_id"], sales);
    let stock = stock_of(&app, &admin, sku).await;
    assert_eq!(
        (stock["on_hand"].clone(), stock["sold"].clone()),
        (json!(7), json!(3))
    );
    let ledger = app
        .get(&admin, &format!("/api/v1/skus/{sku}/stock-movements"))
        .await
        .expect(200);
    assert_eq!(ledger["items"][0]["reason"], "sold");
    assert_eq!(ledger["items"][0]["order_id"], order["id"]);
    let detail = app
        .get(&guide, &format!("/api/v1/orders/{}", id(&order)))
        .await
        .expect(200);
    assert_eq!(detail["timeline"][0]["event"], "placed");
    let scheduled = app
        .get(&admin, "/api/v1/jobs?status=scheduled")
        .await
        .expect(200);
    assert_eq!(scheduled["items"][0]["kind"], "order.expire");
    // Refused whole: more than on hand, a SKU twice, no lines, someone unknown.
    app.post(
        &guide,
        "/api/v1/orders",
        json!({ "customer_id": customer, "lines": [{ "sku_id": sku, "quantity": 8 }] }),
    )
    .await
    .assert_problem(409, "out_of_stock");
    app.post(
        &guide,
        "/api/v1/orders",
        json!({ "customer_id": customer, "lines": [{ "sku_id": sku, "quantity": 1 }, { "sku_id": sku, "quantity": 1 }] }),
    )
    .await
    .assert_field("sku");
    app.post(
        &guide,
        "/api/v1/orders",
        json!({ "customer_id": customer, "lines": [] }),
    )
    .await
    .assert_field("lines");
    app.post(
        &guide,
        "/api/v1/orders",
        json!({ "customer_id": NO_SUCH_ID, "lines": [{ "sku_id": sku, "quantity": 1 }] }),
    )
    .await
    .assert_field("customer_id");
    // Another store's guide does not see this customer, nor the order.
    let other = app.login(GUIDE02).await;
    app.get(&other, &format!("/api/v1/orders/{}", id(&order)))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        stock_of(&app, &admin, sku).await["on_hand"],
        7,
        "refused orders reserve nothing"
    );
}

async fn a_retried_order_request_places_one_order(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 5).await;
    let body = json!({ "customer_id": demo.customer("SH-001老顾客"), "lines": [{ "sku_id": sku, "quantity": 2 }] });
    let send = || {
        app.request(Method::POST, "/api/v1/orders", Some(&admin))
            .header("idempotency-key", "order-retry-1")
            .json(&body)
    };
    let first = app.send(send()).await.expect(201);
    let again = app.send(send()).await.expect(201);
    assert_eq!(first["id"], again["id"]);
    let all = app.get(&admin, "/api/v1/orders").await.expect(200);
    assert_eq!(all["total"], 1);
    assert_eq!(stock_of(&app, &admin, sku).await["on_hand"], 3);
}

async fn sixty_four_buyers_race_for_the_last_unit_and_one_order_is_placed(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 1).await;
    let customer = demo.customer("SH-001老顾客");
    // On PostgreSQL half the buyers go through a second app server on the same database.
    let second = app.another_server().await;
    let bases: Vec<String> = std::iter::once(app.base.clone())
        .chain(second.as_ref().map(|s| s.base.clone()))
        .collect();
    let client = app.client.clone();
    let token = Arc::new(admin.clone());
    let mut tasks = Vec::new();
    for i in 0..64 {
        let base = bases[i % bases.len()].clone();
        let client = client.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/v1/orders"))
                .bearer_auth(token.as_str())
                .header("idempotency-key", format!("race-{i}"))
                .json(&json!({ "customer_id": customer, "lines": [{ "sku_id": sku, "quantity": 1 }] }))
                .send()
                .await
                .expect("an answer")
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("a buyer"));
    }
    let placed = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((placed, refused), (1, 63), "{statuses:?}");
    let stock = stock_of(&app, &admin, sku).await;
    assert_eq!(
        (stock["on_hand"].clone(), stock["sold"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(
        app.get(&admin, "/api/v1/orders").await.expect(200)["total"],
        1
    );
}

async fn unpaid_orders_are_cancelled_or_expire_and_their_stock_comes_back(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 10).await;
    let body = json!({ "customer_id": demo.customer("SH-001老顾客"), "lines": [{ "sku_id": sku, "quantity": 4 }] });
    // Cancelled by staff.
    let a = app
        .post(&admin, "/api/v1/orders", body.clone())
        .await
        .expect(201);
    let cancelled = app
        .post_empty(&admin, &format!("/api/v1/orders/{}/cancel", id(&a)))
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(stock_of(&app, &admin, sku).await["on_hand"], 10);
    app.post_empty(&admin, &format!("/api/v1/orders/{}/cancel", id(&a)))
        .await
        .expect(200);
    assert_eq!(
        stock_of(&app, &admin, sku).await["on_hand"],
        10,
        "a second cancel releases nothing"
    );
    let expiries = app
        .get(&admin, "/api/v1/jobs?status=cancelled")
        .await
        .expect(200);
    assert_eq!(expiries["total"], 1, "its expiry is called off");

    // Expired by its job once the deadline passed (the server's own handlers).
    app.call(
        Method::PUT,
        "/api/v1/order-settings",
        &admin,
        Some(&json!({ "pay_within_minutes": 5 })),
    )
    .await
    .expect(200);
    let b = app.post(&admin, "/api/v1/orders", body).await.expect(201);
    assert_eq!(stock_of(&app, &admin, sku).await["on_hand"], 6);
    let registry = Arc::new(jobs::handlers());
    assert_eq!(
        jobs::run_due(&app.db, &registry, "t")
            .await
            .expect("a pass")
            .claimed,
        0,
        "not yet due"
    );
    let order = id(&b);
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute("UPDATE orders SET pay_deadline = 0 WHERE id = $1", &shequn_app::params![order]).await?;
                tx.execute("UPDATE jobs SET run_at = 0 WHERE kind = 'order.expire' AND status = 'scheduled'", &[]).await?;
                Ok(())
            })
        })
        .await
        .expect("let the deadline pass");
    let pass = jobs::run_due(&app.db, &registry, "t")
        .await
        .expect("a pass");
    assert_eq!((pass.claimed, pass.done), (1, 1), "{pass:?}");
    let expired = app
        .get(&admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200);
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["timeline"][1]["event"], "expired");
    assert_eq!(stock_of(&app, &admin, sku).await["on_hand"], 10);
    // Settings are checked and the brand admin's.
    app.call(
        Method::PUT,
        "/api/v1/order-settings",
        &admin,
        Some(&json!({ "pay_within_minutes": 1 })),
    )
    .await
    .assert_field("pay_within_minutes");
    let guide = app.login(GUIDE01).await;
    app.call(
        Method::PUT,
        "/api/v1/order-settings",
        &guide,
        Some(&json!({ "pay_within_minutes": 60 })),
    )
    .await
    .assert_problem(403, "forbidden");
}

async fn verify_passes_and_names_a_stock_row_or_total_altered_by_hand(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 10).await;
    let body = json!({ "customer_id": demo.customer("SH-001老顾客"), "lines": [{ "sku_id": sku, "quantity": 2 }] });
    let kept = app
        .post(&admin, "/api/v1/orders", body.clone())
        .await
        .expect(201);
    let dropped = app.post(&admin, "/api/v1/orders", body).await.expect(201);
    app.post_empty(&admin, &format!("/api/v1/orders/{}/cancel", id(&dropped)))
        .await
        .expect(200);
    app.post(
        &admin,
        &format!("/api/v1/skus/{sku}/stock"),
        json!({ "reason": "adjusted", "quantity": -1, "note": "盘点" }),
    )
    .await
    .expect(200);
    let checks = shequn_app::usecases::verify::run(&app.db)
        .await
        .expect("verify");
    assert!(checks.iter().all(|c| c.violations.is_empty()), "{checks:?}");
    assert_eq!(
        (checks[0].checked, checks[1].checked),
        (1, 2),
        "one SKU, two orders"
    );

    // A stock row changed by hand, consistent with itself but not with its ledger.
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE skus SET on_hand = on_hand + 5, received = received + 5 WHERE id = $1",
                    &shequn_app::params![sku],
                )
                .await?;
                Ok(())
            })
        })
        .await
        .expect("alter a stock row");
    let order = id(&kept);
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE orders SET total = total + 100 WHERE id = $1",
                    &shequn_app::params![order],
                )
                .await?;
                Ok(())
            })
        })
        .await
        .expect("alter an order total");
    let checks = shequn_app::usecases::verify::run(&app.db)
        .await
        .expect("verify");
    let stock = &checks[0].violations;
    assert_eq!(stock.len(), 1, "{checks:?}");
    assert!(
        stock[0].contains(&format!("SKU {sku}")) && stock[0].contains("the ledger says received 9"),
        "{stock:?}"
    );
    let orders = &checks[1].violations;
    assert_eq!(orders.len(), 1, "{checks:?}");
    assert!(
        orders[0].contains(&format!("order {order}")) && orders[0].contains("total 19900"),
        "{orders:?}"
    );
}

async fn confirm(
    app: &TestApp,
    brand: i64,
    order: i64,
    txn: &str,
    amount: i64,
) -> shequn_app::usecases::orders::PaymentApplied {
    shequn_app::usecases::orders::confirm_payment(
        &app.db,
        shequn_domain::BrandId(brand),
        shequn_domain::OrderId(order),
        "sandbox",
        txn,
        amount,
    )
    .await
    .expect("a payment report")
}

async fn a_paid_order_ships_completes_and_is_refunded_in_part_never_beyond_what_was_paid(
    app: TestApp,
) {
    use shequn_app::usecases::orders::PaymentApplied;
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 10).await;
    let o = app
        .post(&admin, "/api/v1/orders", json!({ "customer_id": demo.customer("SH-001老顾客"), "lines": [{ "sku_id": sku, "quantity": 3 }] }))
        .await
        .expect(201);
    let order = id(&o);
    // Not paid yet: shipping refuses.
    app.post_empty(&admin, &format!("/api/v1/orders/{order}/ship"))
        .await
        .assert_problem(409, "invalid_transition");
    // The gateway reports the payment (the sandbox and WeChat Pay call this after checking
    // the signature); a wrong amount is refused, a repeat changes nothing.
    let wrong = shequn_app::usecases::orders::confirm_payment(
        &app.db,
        shequn_domain::BrandId(demo.brand_id),
        shequn_domain::OrderId(order),
        "sandbox",
        "t-0",
        100,
    )
    .await;
    assert!(wrong.is_err(), "{wrong:?}");
    assert_eq!(
        confirm(&app, demo.brand_id, order, "t-1", 29_700).await,
        PaymentApplied::Paid
    );
    assert_eq!(
        confirm(&app, demo.brand_id, order, "t-1", 29_700).await,
        PaymentApplied::Duplicate
    );
    let paid = app
        .get(&admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200);
    assert_eq!(
        (paid["status"].clone(), paid["paid"].clone()),
        (json!("paid"), json!(29_700))
    );
    assert_eq!(
        app.get(&admin, "/api/v1/jobs?status=cancelled")
            .await
            .expect(200)["total"],
        1,
        "no expiry for a paid order"
    );
    app.post_empty(&admin, &format!("/api/v1/orders/{order}/ship"))
        .await
        .expect(200);
    let done = app
        .post_empty(&admin, &format!("/api/v1/orders/{order}/complete"))
        .await
        .expect(200);
    assert_eq!(done["status"], "completed");

    // A guide cannot approve refunds.
    let guide = app.login(GUIDE01).await;
    let refunds = format!("/api/v1/orders/{order}/refunds");
    app.post(
        &guide,
        &refunds,
        json!({ "line_no": 0, "amount": 100, "reason": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    // One unit back with ¥99.00 refunded: the unit is on hand again.
    let first = app
        .post(
            &admin,
            &refunds,
            json!({ "line_no": 0, "amount": 9_900, "restock": 1, "reason": "一盒破损" }),
        )
        .await
        .expect(201);
    assert_eq!(first["order"]["refunded"], 9_900);
    assert_eq!(first["refund_no"].as_str().map(str::len), Some(32));
    assert_eq!(
        stock_of(&app, &admin, sku).await["on_hand"],
        8,
        "10 - 3 + 1"
    );
    // Eight concurrent refunds of ¥50.00 against the ¥198.00 left: three fit, none beyond.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (client, base, token, path) = (
            app.client.clone(),
            app.base.clone(),
            admin.clone(),
            refunds.clone(),
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .header("idempotency-key", format!("refund-{i}"))
                .json(&json!({ "amount": 5_000, "reason": "补偿" }))
                .send()
                .await
                .expect("an answer")
                .status()
                .as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.expect("a refund"));
    }
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 3, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 5, "{codes:?}");
    let after = app
        .get(&admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200);
    assert_eq!(after["refunded"], 9_900 + 3 * 5_000);
    app.post(
        &admin,
        &refunds,
        json!({ "amount": 4_801, "reason": "超出" }),
    )
    .await
    .assert_problem(409, "refund_exceeds_paid");
    let last = app
        .post(
            &admin,
            &refunds,
            json!({ "amount": 4_800, "reason": "余款" }),
        )
        .await
        .expect(201);
    assert_eq!(last["order"]["status"], "refunded");
    let checks = shequn_app::usecases::verify::run(&app.db)
        .await
        .expect("verify");
    assert!(checks.iter().all(|c| c.violations.is_empty()), "{checks:?}");
}

async fn a_late_payment_on_a_cancelled_order_books_a_refund_and_duplicates_change_nothing(
    app: TestApp,
) {
    use shequn_app::usecases::orders::PaymentApplied;
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sku = sku_with(&app, &admin, 10).await;
    let o = app
        .post(&admin, "/api/v1/orders", json!({ "customer_id": demo.customer("SH-001老顾客"), "lines": [{ "sku_id": sku, "quantity": 1 }] }))
        .await
        .expect(201);
    let order = id(&o);
    app.post_empty(&admin, &format!("/api/v1/orders/{order}/cancel"))
        .await
        .expect(200);
    let late = confirm(&app, demo.brand_id, order, "late-1", 9_900).await;
    assert!(
        matches!(late, PaymentApplied::RefundBooked(ref no) if no.len() == 32),
        "{late:?}"
    );
    assert_eq!(
        confirm(&app, demo.brand_id, order, "late-1", 9_900).await,
        PaymentApplied::Duplicate
    );
    let still = app
        .get(&admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200);
    assert_eq!(
        still["status"], "cancelled",
        "a late payment does not resurrect the order"
    );
    assert_eq!(
        (still["paid"].clone(), still["refunded"].clone()),
        (json!(9_900), json!(9_900))
    );
    assert_eq!(stock_of(&app, &admin, sku).await["on_hand"], 10);
    let checks = shequn_app::usecases::verify::run(&app.db)
        .await
        .expect("verify");
    assert!(checks.iter().all(|c| c.violations.is_empty()), "{checks:?}");
}
