//! The store's journey over plain HTTP, on both engines (the browser test drives the same
//! pages in Chromium on SQLite): a customer opens the store, puts two SKUs in the cart,
//! checks out, pays on the sandbox gateway's page and sees the order paid; staff ship it
//! through the API; the customer asks for part of one line back; staff approve; the
//! customer's order page shows the refund.

use reqwest::Method;
use serde_json::json;

use crate::both_engines;
use crate::browser_shop::{page, shop_cookie};
use crate::common::*;

both_engines!(a_customer_buys_pays_and_gets_part_refunded_through_the_store_and_the_api);

/// The value of the first `name="csrf"` hidden field of a store page.
fn csrf(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field");
    let rest = &html[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').expect("a closing quote")].to_owned()
}

fn location(r: &Reply) -> String {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{}: no location ({})", r.what, r.status))
        .to_owned()
}

async fn a_customer_buys_pays_and_gets_part_refunded_through_the_store_and_the_api(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.clone();
    let mut skus = Vec::new();
    let mut products = Vec::new();
    for (title, price) in [("补水面膜", 9_900), ("护手霜", 2_500)] {
        let p = app
            .post(
                &admin,
                "/api/v1/products",
                json!({ "title": title, "category": "护肤", "frequency": "high",
                "on_shelf": true, "skus": [{ "name": "标准装", "price": price, "stock": 10 }] }),
            )
            .await
            .expect(201);
        skus.push(p["skus"][0]["id"].as_i64().expect("a SKU").to_string());
        products.push(p["id"].as_i64().expect("a product"));
    }

    let home = page(&app, Method::GET, "/shop/demo", None, &[]).await;
    assert_eq!(home.status, 200);
    assert!(home.text.contains("补水面膜") && home.text.contains("护手霜"));
    let cookie = shop_cookie(&home);
    let product = page(
        &app,
        Method::GET,
        &format!("/shop/demo/p/{}", products[0]),
        Some(&cookie),
        &[],
    )
    .await;
    assert!(product.text.contains("加入购物车"), "{}", product.text);
    let token = csrf(&product.text);
    for (sku, qty) in [(&skus[0], "2"), (&skus[1], "1")] {
        let added = page(
            &app,
            Method::POST,
            "/shop/demo/cart",
            Some(&cookie),
            &[("csrf", &token), ("sku", sku), ("quantity", qty)],
        )
        .await;
        assert_eq!(added.status, 303, "{}", added.text);
    }
    let cart = page(&app, Method::GET, "/shop/demo/cart", Some(&cookie), &[]).await;
    assert!(
        cart.text.contains("223.00"),
        "the total ¥223.00: {}",
        cart.text
    );

    let form = page(&app, Method::GET, "/shop/demo/checkout", Some(&cookie), &[]).await;
    let key_at = form
        .text
        .find(r#"name="key" value=""#)
        .expect("a checkout key");
    let key = form.text[key_at + 18..]
        .split('"')
        .next()
        .expect("a key")
        .to_owned();
    let fields = [
        ("csrf", token.as_str()),
        ("key", key.as_str()),
        ("recipient", "王小美"),
        ("phone", "13912345678"),
        ("address", "上海市静安区南京西路 1266 号"),
        ("note", ""),
    ];
    let placed = page(
        &app,
        Method::POST,
        "/shop/demo/checkout",
        Some(&cookie),
        &fields,
    )
    .await;
    assert_eq!(placed.status, 303, "{}", placed.text);
    let pay_url = location(&placed);
    assert!(pay_url.starts_with("/sandbox-pay/"), "{pay_url}");
    // The same form sent again places nothing more.
    let again = page(
        &app,
        Method::POST,
        "/shop/demo/checkout",
        Some(&cookie),
        &fields,
    )
    .await;
    assert_eq!(location(&again), pay_url);

    let paid = page(&app, Method::POST, &pay_url, None, &[("pay", "1")]).await;
    let back = location(&paid);
    let order: i64 = back
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("an order id");
    let order_path = format!("/api/v1/orders/{order}");
    let mut status = json!(null);
    for _ in 0..100 {
        status = app.get(&admin, &order_path).await.expect(200)["status"].clone();
        if status == "paid" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "paid", "the gateway's notification paid the order");
    let mine = page(&app, Method::GET, &back, Some(&cookie), &[]).await;
    assert!(mine.text.contains("已付款"), "{}", mine.text);
    assert_eq!(
        app.get(&admin, "/api/v1/orders").await.expect(200)["items"]
            .as_array()
            .expect("items")
            .len(),
        1,
        "one order"
    );

    let staff_view = app.get(&admin, &order_path).await.expect(200);
    assert_eq!(staff_view["shipping"]["recipient"], "王小美");
    assert_eq!(staff_view["shipping"]["phone"], "139****5678", "masked");
    assert_eq!(
        staff_view["shipping"]["address"],
        "上海市静安区南京西路 1266 号"
    );
    app.post_empty(&admin, &format!("{order_path}/ship"))
        .await
        .expect(200);
    let shipped = page(&app, Method::GET, &back, Some(&cookie), &[]).await;
    assert!(shipped.text.contains("已发货"));

    let asked = page(
        &app,
        Method::POST,
        &format!("{back}/refund"),
        Some(&cookie),
        &[
            ("csrf", &token),
            ("line", "0"),
            ("amount", "50.00"),
            ("quantity", "1"),
            ("reason", "有一片破损"),
        ],
    )
    .await;
    assert_eq!(asked.status, 303, "{}", asked.text);
    let queue = app
        .get(&admin, "/api/v1/refund-requests?status=requested")
        .await
        .expect(200);
    let request = queue["items"][0]["id"].as_i64().expect("a request");
    assert_eq!(queue["items"][0]["amount"], 5_000);
    // Another shopper cannot see the order or ask on it.
    let stranger = shop_cookie(&page(&app, Method::GET, "/shop/demo", None, &[]).await);
    assert_eq!(
        page(&app, Method::GET, &back, Some(&stranger), &[])
            .await
            .status,
        404
    );

    app.post_empty(
        &admin,
        &format!("/api/v1/refund-requests/{request}/approve"),
    )
    .await
    .expect(200);
    let o = app.get(&admin, &order_path).await.expect(200);
    assert_eq!(
        (o["paid"].clone(), o["refunded"].clone()),
        (json!(22_300), json!(5_000))
    );
    let refunded = page(&app, Method::GET, &back, Some(&cookie), &[]).await;
    assert!(refunded.text.contains("已同意"), "{}", refunded.text);
    assert!(refunded.text.contains("50.00"), "{}", refunded.text);
}
