//! The console's catalogue (商品) and orders (订单) over real HTTP: an admin creates a
//! product with a SKU in the form (the price typed in yuan is stored in fen), moves stock
//! and reads the ledger, a stocktake that takes units off is asked first; a stocktake
//! without a note is refused beside the note; a shop guide reads the catalogue without
//! forms; an order placed through the API is listed as 待付款 with its total, its page
//! shows the timeline, and 取消订单 makes it 已取消 with its units back on hand.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    an_admin_creates_a_product_and_moves_its_stock,
    a_stocktake_without_a_note_is_refused_beside_the_note,
    a_shop_guide_reads_products_without_forms,
    an_order_is_listed_then_cancelled_in_the_console,
);

const PRODUCTS: &str = "/products";
const API_PRODUCTS: &str = "/api/v1/products";
const ORDERS: &str = "/orders";
const MASK: &str = "补水面膜";
/// The demo's SH-001 regular (guide01's customer).
const SH001_REGULAR: &str = "SH-001老顾客";

/// The brand's products as the API lists them to `token`.
async fn stored_products(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(token, API_PRODUCTS).await.expect(200)["items"]
        .as_array()
        .expect("a list")
        .clone()
}

/// A product on the shelf with one SKU of `stock` units at ¥99, made through the API:
/// (product id, SKU id).
async fn product_via_api(app: &TestApp, admin: &str, stock: i64) -> (i64, i64) {
    let p = app
        .post(
            admin,
            API_PRODUCTS,
            json!({ "title": MASK, "category": "面膜", "frequency": "high", "on_shelf": true,
                    "skus": [{ "name": "10 片装", "price": 9900, "stock": stock }] }),
        )
        .await
        .expect(201);
    (id(&p), id(&p["skus"][0]))
}

/// The SKU's units on hand, as the API says.
async fn on_hand(app: &TestApp, admin: &str, sku: i64) -> Value {
    stored_products(app, admin)
        .await
        .iter()
        .flat_map(|p| p["skus"].as_array().cloned().unwrap_or_default())
        .find(|s| s["id"] == sku)
        .expect("the SKU")["stock"]["on_hand"]
        .clone()
}

async fn an_admin_creates_a_product_and_moves_its_stock(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, PRODUCTS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="nav-products" href="/products" class="current""#),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"id="product-form""#), "admins create");
    let csrf = page.csrf();

    let made = post(
        &app,
        PRODUCTS,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("title", MASK),
            ("category", "面膜"),
            ("frequency", "high"),
            ("usage_days", "30"),
            ("on_shelf", "true"),
            ("sku_name", "10 片装"),
            ("price", "99.00"),
            ("list_price", "129"),
            ("stock", "10"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    let stored = stored_products(&app, &demo.admin).await;
    let product = stored
        .iter()
        .find(|p| p["title"] == MASK)
        .expect("the product is stored");
    let pid = id(product);
    let sku = &product["skus"][0];
    assert_eq!(sku["price"], 9900, "¥99.00 is stored as 9900 fen");
    assert_eq!(sku["list_price"], 12900);
    assert_eq!(sku["stock"]["on_hand"], 10);
    assert_eq!(product["on_shelf"], true);
    assert_eq!(product["usage_days"], 30);
    let sku_id = id(sku);
    let path = format!("/products/{pid}");
    assert_eq!(made.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.flash(), Some("已新建商品「补水面膜」"));
    assert!(
        shown
            .html
            .contains(&format!(r#"<span id="sku-{sku_id}-price">¥99.00</span>"#)),
        "{}",
        shown.html
    );
    assert!(
        shown
            .html
            .contains(&format!(r#"<s id="sku-{sku_id}-list-price">¥129.00</s>"#))
    );

    // The list: on the shelf, one SKU, its stock and its price.
    let list = get(&app, PRODUCTS, &cookie).await;
    assert_eq!(list.total(), Some(1));
    let row = list.part(&format!(r#"<tr id="product-{pid}">"#), "</tr>");
    for shown in [
        MASK.to_owned(),
        "已上架".to_owned(),
        format!(r#"<span id="product-{pid}-on-hand">10</span>"#),
        format!(r#"<span id="product-{pid}-price">¥99.00</span>"#),
    ] {
        assert!(row.contains(&shown), "{shown} in {row}");
    }
    assert_eq!(
        list.link(&format!("product-{pid}-link")).as_deref(),
        Some(path.as_str())
    );
    let off = get(&app, "/products?on_shelf=false", &cookie).await;
    assert_eq!(off.total(), Some(0));

    // 入库 5: on hand and the ledger say so.
    let stock = format!("/products/{pid}/skus/{sku_id}/stock");
    let moved = post(
        &app,
        &stock,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("reason", "received"),
            ("quantity", "5"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(moved.status, 303, "{}", moved.html);
    assert_eq!(moved.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &moved, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("「补水面膜 10 片装」已入库 5 件，现有库存 15 件")
    );
    assert!(
        shown
            .html
            .contains(&format!(r#"<span id="sku-{sku_id}-on-hand">15</span>"#)),
        "{}",
        shown.html
    );
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 15);
    let ledger_path = format!("/products/{pid}/skus/{sku_id}/movements");
    assert_eq!(
        shown.link(&format!("sku-{sku_id}-movements")).as_deref(),
        Some(ledger_path.as_str())
    );
    let ledger = get(&app, &ledger_path, &cookie).await;
    assert_eq!(ledger.status, 200, "{}", ledger.html);
    assert_eq!(
        ledger.total(),
        Some(2),
        "the starting stock and the delivery"
    );
    let api = app
        .get(
            &demo.admin,
            &format!("/api/v1/skus/{sku_id}/stock-movements"),
        )
        .await
        .expect(200);
    let newest = id(&api["items"][0]);
    let line = ledger.part(&format!(r#"<tr id="movement-{newest}">"#), "</tr>");
    for shown in [
        format!(r#"<span id="movement-{newest}-reason">入库</span>"#),
        format!(r#"<span id="movement-{newest}-change">+5</span>"#),
        format!(r#"<span id="movement-{newest}-after">15</span>"#),
    ] {
        assert!(line.contains(&shown), "{shown} in {line}");
    }
    assert!(ledger.html.contains("初始库存"), "{}", ledger.html);

    // A stocktake that takes units off is asked first; nothing moves until it is confirmed.
    let fewer = [
        ("_csrf", csrf.as_str()),
        ("reason", "adjusted"),
        ("quantity", "-2"),
        ("note", "盘点少了两件"),
    ];
    let asked = post(&app, &stock, &cookie, &fewer).await;
    assert_eq!(asked.status, 200, "{}", asked.html);
    let question = asked.part(&format!(r#"id="sku-{sku_id}-question""#), "</p>");
    assert!(
        question.contains("盘点调整将使「补水面膜 10 片装」的库存减少 2 件（15 → 13），确定吗？"),
        "{question}"
    );
    assert!(
        asked
            .html
            .contains(&format!(r#"id="sku-{sku_id}-confirm-yes""#))
    );
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 15, "not yet");
    let mut confirmed = fewer.to_vec();
    confirmed.push(("confirmed", "yes"));
    let done = post(&app, &stock, &cookie, &confirmed).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let shown = follow(&app, &done, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("「补水面膜 10 片装」已盘点调整 -2 件，现有库存 13 件")
    );
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 13);
    let ledger = get(&app, &ledger_path, &cookie).await;
    assert!(ledger.html.contains(">盘点调整</span>") && ledger.html.contains("盘点少了两件"));
}

async fn a_stocktake_without_a_note_is_refused_beside_the_note(app: TestApp) {
    let demo = app.demo().await;
    let (pid, sku_id) = product_via_api(&app, &demo.admin, 10).await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, &format!("/products/{pid}"), &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let csrf = page.csrf();
    let stock = format!("/products/{pid}/skus/{sku_id}/stock");

    let refused = post(
        &app,
        &stock,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("reason", "adjusted"),
            ("quantity", "3"),
            ("note", " "),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let form = refused.part(&format!(r#"id="sku-{sku_id}-stock""#), "</form>");
    assert!(
        form.contains(r#"<small class="field-error" id="note-error">不能为空</small>"#),
        "{form}"
    );
    assert!(
        form.contains(r#"<option value="adjusted" selected>盘点调整</option>"#),
        "the reason is kept: {form}"
    );
    assert!(
        form.contains(r#"value="3""#),
        "the quantity is kept: {form}"
    );
    assert!(!refused.html.contains(r#"id="form-error""#));
    assert_eq!(
        on_hand(&app, &demo.admin, sku_id).await,
        10,
        "nothing moved"
    );

    // More off than on hand: said beside the quantity, never asked.
    let refused = post(
        &app,
        &stock,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("reason", "adjusted"),
            ("quantity", "-11"),
            ("note", "盘点"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let form = refused.part(&format!(r#"id="sku-{sku_id}-stock""#), "</form>");
    assert!(
        form.contains(r#"<small class="field-error" id="quantity-error">库存不足</small>"#),
        "{form}"
    );
    assert!(
        !refused
            .html
            .contains(&format!(r#"id="sku-{sku_id}-question""#))
    );

    // A price that is no amount: said beside the price of that SKU's form.
    let refused = post(
        &app,
        &format!("/products/{pid}/skus/{sku_id}"),
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", "10 片装"),
            ("price", "99.999"),
            ("list_price", ""),
            ("active", "true"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let form = refused.part(&format!(r#"id="sku-{sku_id}-edit""#), "</form>");
    assert!(
        form.contains(
            r#"<small class="field-error" id="price-error">请输入金额，例如 12.34</small>"#
        ),
        "{form}"
    );
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 10);
}

async fn a_shop_guide_reads_products_without_forms(app: TestApp) {
    let demo = app.demo().await;
    let (pid, sku_id) = product_via_api(&app, &demo.admin, 10).await;
    let cookie = session_of(&app, GUIDE01).await;
    let page = get(&app, PRODUCTS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(&format!(r#"<tr id="product-{pid}">"#)));
    assert!(
        page.html
            .contains("只有品牌管理员可以新建和修改商品、调整库存。"),
        "{}",
        page.html
    );
    for absent in [r#"id="product-form""#, r#"id="product-new""#] {
        assert!(!page.html.contains(absent), "a guide sees no {absent}");
    }

    let detail = get(&app, &format!("/products/{pid}"), &cookie).await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(
        detail
            .html
            .contains(&format!(r#"<span id="sku-{sku_id}-on-hand">10</span>"#))
    );
    for absent in [
        format!(r#"id="sku-{sku_id}-edit""#),
        format!(r#"id="sku-{sku_id}-stock""#),
        r#"id="product-edit""#.to_owned(),
        r#"id="image-form""#.to_owned(),
    ] {
        assert!(!detail.html.contains(&absent), "a guide sees no {absent}");
    }
    let ledger = get(
        &app,
        &format!("/products/{pid}/skus/{sku_id}/movements"),
        &cookie,
    )
    .await;
    assert_eq!(ledger.status, 200, "{}", ledger.html);

    let csrf = page.csrf();
    let refused = post(
        &app,
        &format!("/products/{pid}/skus/{sku_id}/stock"),
        &cookie,
        &[
            ("_csrf", &csrf),
            ("reason", "received"),
            ("quantity", "5"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let refused = post(
        &app,
        PRODUCTS,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("title", "导购的商品"),
            ("category", "面膜"),
            ("frequency", "high"),
            ("sku_name", "单片"),
            ("price", "9.90"),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 10);
    assert_eq!(stored_products(&app, &demo.admin).await.len(), 1);
}

async fn an_order_is_listed_then_cancelled_in_the_console(app: TestApp) {
    let demo = app.demo().await;
    let (_, sku_id) = product_via_api(&app, &demo.admin, 10).await;
    let customer = demo.customer(SH001_REGULAR);
    let order = app
        .post(
            &demo.admin,
            "/api/v1/orders",
            json!({ "customer_id": customer, "lines": [{ "sku_id": sku_id, "quantity": 2 }] }),
        )
        .await
        .expect(201);
    let oid = id(&order);
    assert_eq!(order["total"], 19_800);
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 8);

    let cookie = session_of(&app, ADMIN).await;
    let list = get(&app, ORDERS, &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(
        list.html
            .contains(r#"id="nav-orders" href="/orders" class="current""#)
    );
    let row = list.part(&format!(r#"<tr id="order-{oid}""#), "</tr>");
    for shown in [
        format!(r#"<span id="order-{oid}-status">待付款</span>"#),
        format!(r#"<span id="order-{oid}-total">¥198.00</span>"#),
        format!(r#"<span id="order-{oid}-paid">¥0.00</span>"#),
        format!(r#"href="/customers/{customer}">SH-001老顾客</a>"#),
        "上海南京西路店".to_owned(),
    ] {
        assert!(row.contains(&shown), "{shown} in {row}");
    }
    let path = format!("/orders/{oid}");
    assert_eq!(
        list.link(&format!("order-{oid}-link")).as_deref(),
        Some(path.as_str())
    );
    // Filtered by status, by store and by day.
    let pending = get(&app, "/orders?status=pending_payment", &cookie).await;
    assert!(pending.html.contains(&format!(r#"<tr id="order-{oid}""#)));
    assert!(
        pending
            .html
            .contains(r#"<option value="pending_payment" selected>待付款</option>"#)
    );
    let cancelled = get(&app, "/orders?status=cancelled", &cookie).await;
    assert!(!cancelled.html.contains(&format!(r#"<tr id="order-{oid}""#)));
    let elsewhere = format!("/orders?store_id={}", demo.store("HZ-001"));
    let elsewhere = get(&app, &elsewhere, &cookie).await;
    assert!(!elsewhere.html.contains(&format!(r#"<tr id="order-{oid}""#)));
    let long_ago = get(&app, "/orders?from=2001-01-01&to=2001-01-31", &cookie).await;
    assert_eq!(long_ago.total(), Some(0));
    let bad_day = get(&app, "/orders?from=yesterday", &cookie).await;
    assert_eq!(bad_day.status, 200, "{}", bad_day.html);
    assert!(bad_day.html.contains(r#"id="date-error""#));
    assert!(bad_day.html.contains(&format!(r#"<tr id="order-{oid}""#)));

    // The order's page: money, lines, the timeline, and 取消订单 asked first.
    let detail = get(&app, &path, &cookie).await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(
        detail
            .html
            .contains(&format!(r#"<h1 id="order-heading">订单 #{oid} <small id="order-status" data-status="pending_payment">待付款</small></h1>"#)),
        "{}",
        detail.html
    );
    assert!(detail.html.contains(r#"<dd id="order-total">¥198.00</dd>"#));
    assert!(detail.html.contains(&format!(
        r#"<a id="order-customer" href="/customers/{customer}">SH-001老顾客</a>"#
    )));
    let lines = detail.part(r#"<table id="order-lines""#, "</table>");
    assert!(
        lines.contains("补水面膜 10 片装") && lines.contains("¥99.00") && lines.contains("¥198.00"),
        "{lines}"
    );
    let timeline = detail.part(r#"<table id="order-timeline""#, "</table>");
    assert!(
        timeline.contains(">下单</td>")
            && timeline.contains(">待付款</td>")
            && timeline.contains(">演示管理员</td>"),
        "{timeline}"
    );
    let cancel = detail.part(&format!(r#"action="/orders/{oid}/cancel""#), "</form>");
    assert!(
        cancel.contains(&format!(
            r#"data-confirm="确定取消订单 #{oid} 吗？取消后占用的库存会退回。""#
        )),
        "{cancel}"
    );

    let done = post(
        &app,
        &format!("{path}/cancel"),
        &cookie,
        &[("_csrf", &detail.csrf())],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &done, &cookie).await;
    let said = format!("已取消订单 #{oid}");
    assert_eq!(shown.flash(), Some(said.as_str()));
    assert!(
        shown
            .html
            .contains(r#"data-status="cancelled">已取消</small>"#),
        "{}",
        shown.html
    );
    assert!(
        !shown.html.contains(r#"id="order-cancel""#),
        "only while unpaid"
    );
    let timeline = shown.part(r#"<table id="order-timeline""#, "</table>");
    assert!(
        timeline.contains(">取消</td>") && timeline.contains(">已取消</td>"),
        "{timeline}"
    );
    assert_eq!(
        app.get(&demo.admin, &format!("/api/v1/orders/{oid}"))
            .await
            .expect(200)["status"],
        "cancelled"
    );
    assert_eq!(on_hand(&app, &demo.admin, sku_id).await, 10, "back on hand");
    let list = get(&app, ORDERS, &cookie).await;
    assert!(
        list.html
            .contains(&format!(r#"<span id="order-{oid}-status">已取消</span>"#))
    );
}
