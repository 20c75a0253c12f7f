//! The console's refunds (退款/售后), order actions and payment settings over real HTTP:
//! staff ship (发货) and complete (完成) a paid order from its page; a refund request
//! recorded through the API waits in the queue (待处理); a shop guide's approval is refused
//! on the request's page and changes nothing; a store manager approves it (asked first),
//! the order's refunded amount grows and the request reads 已同意 on its page, in the queue
//! and on the order's page; a rejection without a note is refused beside the note, with one
//! it reads 已拒绝; `/settings/payments` shows the sandbox and an unset WeChat Pay to brand
//! admins, never a stored secret, and the 403 page to everyone else.

use reqwest::Method;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    staff_ship_and_complete_a_paid_order_from_its_page,
    a_shop_guide_cannot_approve_and_nothing_changes,
    a_manager_approves_and_the_order_shows_the_refund,
    a_rejection_needs_a_note_beside_it,
    payment_settings_show_no_secret_and_only_to_brand_admins,
);

const QUEUE: &str = "/refunds";
/// The demo's SH-001 regular (guide01's customer).
const SH001_REGULAR: &str = "SH-001老顾客";

/// A paid order for the SH-001 regular: two units of one SKU at ¥99 (¥198.00), paid in
/// full as the sandbox gateway would report it. Returns the order's id.
async fn paid_order(app: &TestApp, demo: &Demo) -> i64 {
    let p = app
        .post(
            &demo.admin,
            "/api/v1/products",
            json!({ "title": "补水面膜", "category": "面膜", "frequency": "high", "on_shelf": true,
                    "skus": [{ "name": "10 片装", "price": 9900, "stock": 10 }] }),
        )
        .await
        .expect(201);
    let sku = id(&p["skus"][0]);
    let o = app
        .post(
            &demo.admin,
            "/api/v1/orders",
            json!({ "customer_id": demo.customer(SH001_REGULAR),
                    "lines": [{ "sku_id": sku, "quantity": 2 }] }),
        )
        .await
        .expect(201);
    let order = id(&o);
    shequn_app::usecases::orders::confirm_payment(
        &app.db,
        shequn_domain::BrandId(demo.brand_id),
        shequn_domain::OrderId(order),
        "sandbox",
        &format!("t-{order}"),
        19_800,
    )
    .await
    .expect("the payment applies");
    order
}

/// A refund request staff record on the customer's behalf through the API; its id.
async fn refund_request(app: &TestApp, token: &str, order: i64, ask: Value) -> i64 {
    let made = app
        .post(
            token,
            &format!("/api/v1/orders/{order}/refund-requests"),
            ask,
        )
        .await
        .expect(201);
    id(&made)
}

/// The order as the API shows it to the brand admin.
async fn api_order(app: &TestApp, demo: &Demo, order: i64) -> Value {
    app.get(&demo.admin, &format!("/api/v1/orders/{order}"))
        .await
        .expect(200)
}

/// A page in English (the language cookie beside the session).
async fn get_in_english(app: &TestApp, path: &str, session: &str) -> Page {
    let cookies = format!("{SESSION}={session}; shequn_lang=en");
    fetch(
        app,
        Method::GET,
        path,
        None,
        None,
        &[(COOKIE.as_str(), &cookies)],
    )
    .await
}

async fn staff_ship_and_complete_a_paid_order_from_its_page(app: TestApp) {
    let demo = app.demo().await;
    let oid = paid_order(&app, &demo).await;
    let cookie = session_of(&app, ADMIN).await;
    let path = format!("/orders/{oid}");

    let paid = get(&app, &path, &cookie).await;
    assert_eq!(paid.status, 200, "{}", paid.html);
    assert!(
        paid.html.contains(r#"data-status="paid">已付款</small>"#),
        "{}",
        paid.html
    );
    let ship = paid.part(&format!(r#"action="/orders/{oid}/ship""#), "</form>");
    assert!(
        ship.contains(&format!(r#"data-confirm="确定订单 #{oid} 已发货吗？""#))
            && ship.contains(r#"name="_csrf""#),
        "{ship}"
    );
    for absent in [r#"id="order-complete""#, r#"id="order-cancel""#] {
        assert!(!paid.html.contains(absent), "a paid order has no {absent}");
    }
    let timeline = paid.part(r#"<table id="order-timeline""#, "</table>");
    assert!(timeline.contains(">付款</td>"), "the payment: {timeline}");
    let requests = paid.part(r#"<table id="order-refund-requests""#, "</table>");
    assert!(requests.contains("暂无数据"), "{requests}");

    let csrf = paid.csrf();
    let done = post(&app, &format!("{path}/ship"), &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some(path.as_str()));
    let shipped = follow(&app, &done, &cookie).await;
    let said = format!("订单 #{oid} 已发货");
    assert_eq!(shipped.flash(), Some(said.as_str()));
    assert!(
        shipped
            .html
            .contains(r#"data-status="shipped">已发货</small>"#),
        "{}",
        shipped.html
    );
    assert!(!shipped.html.contains(r#"id="order-ship""#));
    let complete = shipped.part(&format!(r#"action="/orders/{oid}/complete""#), "</form>");
    assert!(
        complete.contains(&format!(r#"data-confirm="确定完成订单 #{oid} 吗？""#)),
        "{complete}"
    );

    // A second 发货 (a stale page) changes nothing: the order was shipped once.
    let again = post(&app, &format!("{path}/ship"), &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(again.status, 303, "{}", again.html);
    let api = app
        .get(&app.login(ADMIN).await, &format!("/api/v1/orders/{oid}"))
        .await
        .expect(200);
    let ships = api["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["event"] == "shipped")
        .count();
    assert_eq!(ships, 1, "{api}");

    let done = post(
        &app,
        &format!("{path}/complete"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    let completed = follow(&app, &done, &cookie).await;
    let said = format!("订单 #{oid} 已完成");
    assert_eq!(completed.flash(), Some(said.as_str()));
    assert!(
        completed
            .html
            .contains(r#"data-status="completed">已完成</small>"#),
        "{}",
        completed.html
    );
    assert!(!completed.html.contains(r#"id="order-complete""#));
    let timeline = completed.part(r#"<table id="order-timeline""#, "</table>");
    assert!(
        timeline.contains(">发货</td>") && timeline.contains(">完成</td>"),
        "{timeline}"
    );
    assert_eq!(api_order(&app, &demo, oid).await["status"], "completed");
}

async fn a_shop_guide_cannot_approve_and_nothing_changes(app: TestApp) {
    let demo = app.demo().await;
    let oid = paid_order(&app, &demo).await;
    let rid = refund_request(
        &app,
        &demo.admin,
        oid,
        json!({ "line_no": 0, "amount": 9_900, "quantity": 1, "reason": "一盒破损" }),
    )
    .await;
    let path = format!("/refunds/{rid}");

    let cookie = session_of(&app, GUIDE01).await;
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"data-status="requested">待处理</small>"#),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains("只有店长、大区经理和品牌管理员可以处理退款申请。")
    );
    for absent in [r#"id="request-approve""#, r#"id="request-reject""#] {
        assert!(!page.html.contains(absent), "a guide sees no {absent}");
    }

    // Sent anyway: refused on the request's page, in the page's language.
    let csrf = page.csrf();
    let refused = post(
        &app,
        &format!("{path}/approve"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert!(
        refused.html.contains(
            r#"<p class="error" id="form-error" role="alert">你的角色不能执行此操作</p>"#
        ),
        "{}",
        refused.html
    );
    assert!(
        refused
            .html
            .contains(r#"data-status="requested">待处理</small>"#)
    );
    let refused = post(
        &app,
        &format!("{path}/reject"),
        &cookie,
        &[("_csrf", &csrf), ("note", "导购想拒绝")],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);

    let order = api_order(&app, &demo, oid).await;
    assert_eq!(order["refunded"], 0, "nothing was refunded: {order}");
    let admin = session_of(&app, ADMIN).await;
    let still = get(&app, &path, &admin).await;
    assert!(
        still
            .html
            .contains(r#"data-status="requested">待处理</small>"#),
        "{}",
        still.html
    );
    assert!(still.html.contains(r#"id="request-approve""#));
}

async fn a_manager_approves_and_the_order_shows_the_refund(app: TestApp) {
    let demo = app.demo().await;
    let oid = paid_order(&app, &demo).await;
    let rid = refund_request(
        &app,
        &demo.admin,
        oid,
        json!({ "line_no": 0, "amount": 9_900, "quantity": 1, "reason": "一盒破损" }),
    )
    .await;
    let path = format!("/refunds/{rid}");
    let cookie = session_of(&app, SH001_MANAGER).await;

    // The queue: waiting requests by default, with the order linked.
    let queue = get(&app, QUEUE, &cookie).await;
    assert_eq!(queue.status, 200, "{}", queue.html);
    assert!(
        queue
            .html
            .contains(r#"id="nav-refunds" href="/refunds" class="current""#)
    );
    let row = queue.part(&format!(r#"<tr id="request-{rid}""#), "</tr>");
    for shown in [
        r#"data-status="requested""#.to_owned(),
        format!(r#"<span id="request-{rid}-status">待处理</span>"#),
        format!(r#"<span id="request-{rid}-amount">¥99.00</span>"#),
        format!(r#"href="/orders/{oid}""#),
        "补水面膜".to_owned(),
        "一盒破损".to_owned(),
    ] {
        assert!(row.contains(&shown), "{shown} in {row}");
    }
    assert_eq!(
        queue.link(&format!("request-{rid}-link")).as_deref(),
        Some(path.as_str())
    );

    // The request's page: the order's money and 同意退款, asked first.
    let detail = get(&app, &path, &cookie).await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(
        detail
            .html
            .contains(r#"<dd id="request-order-paid">¥198.00</dd>"#)
            && detail
                .html
                .contains(r#"<dd id="request-order-refunded">¥0.00</dd>"#),
        "{}",
        detail.html
    );
    let approve = detail.part(&format!(r#"action="/refunds/{rid}/approve""#), "</form>");
    assert!(
        approve.contains(&format!(
            r#"data-confirm="确定同意退款申请 #{rid} 吗？将退款 ¥99.00 给顾客。""#
        )),
        "{approve}"
    );

    let done = post(
        &app,
        &format!("{path}/approve"),
        &cookie,
        &[("_csrf", &detail.csrf())],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &done, &cookie).await;
    let said = format!("已同意退款申请 #{rid}（订单 #{oid}）");
    assert_eq!(shown.flash(), Some(said.as_str()));
    assert!(
        shown
            .html
            .contains(r#"data-status="approved">已同意</small>"#),
        "{}",
        shown.html
    );
    assert!(
        shown
            .html
            .contains(r#"<dd id="request-order-refunded">¥99.00</dd>"#)
    );
    assert!(shown.html.contains(r#"id="request-refund-no""#));
    assert!(!shown.html.contains(r#"id="request-approve""#), "decided");

    assert_eq!(api_order(&app, &demo, oid).await["refunded"], 9_900);
    let order = get(&app, &format!("/orders/{oid}"), &cookie).await;
    assert!(
        order
            .html
            .contains(r#"<dd id="order-refunded">¥99.00</dd>"#),
        "{}",
        order.html
    );
    let listed = order.part(&format!(r#"<tr id="order-request-{rid}""#), "</tr>");
    assert!(
        listed.contains(&format!(r#"href="/refunds/{rid}""#))
            && listed.contains(&format!(
                r#"<span id="order-request-{rid}-status">已同意</span>"#
            )),
        "{listed}"
    );

    // Out of the default queue, in the approved one; the English page says it in English.
    let queue = get(&app, QUEUE, &cookie).await;
    assert!(!queue.html.contains(&format!(r#"<tr id="request-{rid}""#)));
    let approved = get(&app, "/refunds?status=approved", &cookie).await;
    assert!(
        approved
            .html
            .contains(&format!(r#"<span id="request-{rid}-status">已同意</span>"#))
    );
    assert!(
        approved
            .html
            .contains(r#"<option value="approved" selected>已同意</option>"#)
    );
    let english = get_in_english(&app, "/refunds?status=approved", &cookie).await;
    assert_eq!(english.status, 200, "{}", english.html);
    assert!(
        english.html.contains("Refunds and returns")
            && english.html.contains(&format!(
                r#"<span id="request-{rid}-status">Approved</span>"#
            )),
        "{}",
        english.html
    );
}

async fn a_rejection_needs_a_note_beside_it(app: TestApp) {
    let demo = app.demo().await;
    let oid = paid_order(&app, &demo).await;
    let rid = refund_request(
        &app,
        &demo.admin,
        oid,
        json!({ "line_no": null, "amount": 100, "quantity": 0, "reason": "不想要了" }),
    )
    .await;
    let path = format!("/refunds/{rid}");
    let cookie = session_of(&app, ADMIN).await;
    let detail = get(&app, &path, &cookie).await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(detail.html.contains(r#"<dd id="request-item">整单</dd>"#));
    let csrf = detail.csrf();

    let refused = post(
        &app,
        &format!("{path}/reject"),
        &cookie,
        &[("_csrf", &csrf), ("note", "  ")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let form = refused.part(r#"id="request-reject-form""#, "</form>");
    assert!(
        form.contains(r#"<small class="field-error" id="note-error">不能为空</small>"#)
            && form.contains(r#"aria-invalid="true""#),
        "{form}"
    );
    assert!(!refused.html.contains(r#"id="form-error""#));
    assert!(
        refused
            .html
            .contains(r#"data-status="requested">待处理</small>"#)
    );

    let note = "超过七天无理由退货期限";
    let done = post(
        &app,
        &format!("{path}/reject"),
        &cookie,
        &[("_csrf", &csrf), ("note", note)],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    let shown = follow(&app, &done, &cookie).await;
    let said = format!("已拒绝退款申请 #{rid}（订单 #{oid}）");
    assert_eq!(shown.flash(), Some(said.as_str()));
    assert!(
        shown
            .html
            .contains(r#"data-status="rejected">已拒绝</small>"#),
        "{}",
        shown.html
    );
    assert!(shown.html.contains(&format!(
        r#"<dd id="request-note" class="wrap-anywhere">{note}</dd>"#
    )));
    assert!(shown.html.contains(r#"id="request-decided-by""#));

    // A rejected request cannot be approved afterwards: said above the page.
    let late = post(
        &app,
        &format!("{path}/approve"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(late.status, 422, "{}", late.html);
    assert!(
        late.html.contains(
            r#"<p class="error" id="form-error" role="alert">当前状态不能执行此操作</p>"#
        ),
        "{}",
        late.html
    );
    assert_eq!(api_order(&app, &demo, oid).await["refunded"], 0);

    let rejected = get(&app, "/refunds?status=rejected", &cookie).await;
    assert!(
        rejected
            .html
            .contains(&format!(r#"<span id="request-{rid}-status">已拒绝</span>"#))
    );
    let waiting = get(&app, QUEUE, &cookie).await;
    assert!(!waiting.html.contains(&format!(r#"<tr id="request-{rid}""#)));
    let every = get(&app, "/refunds?status=all", &cookie).await;
    assert!(every.html.contains(&format!(r#"<tr id="request-{rid}""#)));
}

async fn payment_settings_show_no_secret_and_only_to_brand_admins(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, "/settings/payments", &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    for shown in [
        r#"<dd id="sandbox-status" data-enabled="true"><span class="ok">已启用</span></dd>"#,
        r#"<dd id="wechat-status"><span class="muted">未配置</span></dd>"#,
        "shequn payments wechat set --brand demo …",
        "PUT /api/v1/payment-settings/wechat",
    ] {
        assert!(page.html.contains(shown), "{shown} on {}", page.html);
    }
    for absent in [
        "<form method=\"post\" action=\"/settings/payments",
        "type=\"password\"",
    ] {
        assert!(!page.html.contains(absent), "no secret form: {absent}");
    }
    // Whatever secrets the brand has stored (sealed), the page shows none of them.
    let secrets = app
        .stored_strings("SELECT sandbox_secret FROM payment_settings")
        .await;
    for secret in &secrets {
        assert!(
            !page.html.contains(secret.as_str()),
            "a stored secret shown"
        );
    }

    // Linked among the settings pages, and from the orders for brand admins.
    let lifecycle = get(&app, "/settings/lifecycle", &cookie).await;
    assert!(
        lifecycle
            .html
            .contains(r#"id="settings-payments" href="/settings/payments""#)
    );
    let orders = get(&app, "/orders", &cookie).await;
    assert!(
        orders
            .html
            .contains(r#"id="payment-settings-link" href="/settings/payments""#)
    );

    for who in [GUIDE01, SH001_MANAGER] {
        let other = session_of(&app, who).await;
        let refused = get(&app, "/settings/payments", &other).await;
        assert_eq!(refused.status, 403, "{who}: {}", refused.html);
        assert!(refused.html.contains("你的角色不能执行此操作"));
        assert!(!refused.html.contains(r#"id="wechat-status""#));
        let orders = get(&app, "/orders", &other).await;
        assert!(!orders.html.contains(r#"id="payment-settings-link""#));
        assert!(orders.html.contains(r#"id="nav-refunds" href="/refunds""#));
    }
}
