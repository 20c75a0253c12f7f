//! The brand's mobile store (`/shop/{slug}`) in real headless Chromium on a phone-sized
//! window, as `browser.rs` runs it: a customer buys two SKUs, pays on the sandbox page and
//! sees the order paid; staff ship it in the console; the customer asks for part of a line
//! back; a brand admin approves; the order shows the refund. Checkout refused for a missing
//! phone says so beside the phone, in Chinese. Beside it, without a browser: the store's
//! cookie, its 404 and 403 pages, and the cart form's refusals.

use std::time::Duration;

use fantoccini::{Client, Locator};
use reqwest::Method;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use shequn::http::state::ServerOptions;

use crate::both_engines;
use crate::browser::{DESKTOP, PHONE, driver, fill, scrolls_sideways, sign_in, text_has, text_is};
use crate::common::{ADMIN, NO_SUCH_ID, TestApp, id, test_options};

const SLUG: &str = "demo";
const SERUM: &str = "山茶花修护精华";
const COFFEE: &str = "冷萃咖啡液";

/// A product on the shelf, made by the brand admin through the API.
async fn product(app: &TestApp, admin: &str, title: &str, category: &str, skus: Value) -> Value {
    app.post(
        admin,
        "/api/v1/products",
        json!({
            "title": title,
            "category": category,
            "frequency": "low",
            "usage_days": 30,
            "description": format!("{title}：门店同款。\n收到后请尽快使用。"),
            "on_shelf": true,
            "skus": skus,
        }),
    )
    .await
    .expect(201)
}

/// The serum (30ml ¥99 list ¥129, 50ml ¥149) and the coffee (12 杯装 ¥59).
async fn two_products(app: &TestApp, admin: &str) -> (Value, Value) {
    let serum = product(
        app,
        admin,
        SERUM,
        "护肤",
        json!([
            { "name": "30ml", "price": 9_900, "list_price": 12_900, "stock": 50 },
            { "name": "50ml", "price": 14_900, "stock": 50 },
        ]),
    )
    .await;
    let coffee = product(
        app,
        admin,
        COFFEE,
        "饮品",
        json!([{ "name": "12 杯装", "price": 5_900, "stock": 50 }]),
    )
    .await;
    (serum, coffee)
}

/// The id of a product's `i`-th SKU.
fn sku(p: &Value, i: usize) -> i64 {
    id(&p["skus"][i])
}

/// Clicks the element at `css` once it is scrolled to the middle of the window, so that
/// the store's fixed bottom bar never covers it.
async fn tap(c: &Client, css: &str) {
    c.execute(
        "var el = document.querySelector(arguments[0]); if (el) el.scrollIntoView({block: 'center'});",
        vec![json!(css)],
    )
    .await
    .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The path of the page the browser shows, once it satisfies `ok` (the click before may
/// still be on its way).
async fn path_until(c: &Client, ok: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(url) = c.current_url().await {
            last = url.path().to_owned();
            if ok(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser never reached the expected page; last at {last}");
}

/// Reloads the page until the element at `css` shows every one of `parts` (about 10 s).
async fn reload_until(c: &Client, css: &str, parts: &[&str]) -> String {
    let mut last = String::from("<no element>");
    for _ in 0..40 {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if parts.iter().all(|p| text.contains(p)) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        c.refresh().await.expect("reload the page");
    }
    panic!("{css} never showed {parts:?}; last seen: {last:?}");
}

/// Accepts the confirmation dialog a console form asks first (`data-confirm`), if any.
async fn confirm_if_asked(c: &Client) {
    for _ in 0..20 {
        if c.get_alert_text().await.is_ok() {
            c.accept_alert().await.expect("confirm the dialog");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Submits the console form whose button is at `css` — answering its confirmation, a
/// dialog or a second page with the same button — until the API shows `path` with this
/// `status`.
async fn submit_until(c: &Client, app: &TestApp, token: &str, css: &str, path: &str, status: &str) {
    for _ in 0..3 {
        if c.find(Locator::Css(css)).await.is_ok() {
            tap(c, css).await;
            confirm_if_asked(c).await;
        }
        for _ in 0..30 {
            if app.get(token, path).await.expect(200)["status"] == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("{path} never became {status} after submitting {css}");
}

/// The Done-when journey, on a phone-sized window.
async fn a_customer_buys_two_skus_pays_and_gets_part_of_a_line_refunded_on_a_phone(app: TestApp) {
    // A server that runs jobs also reconciles payments and sends refunds: this one does.
    let app = app
        .with_options(ServerOptions {
            job_tick: Some(Duration::from_millis(100)),
            ..test_options()
        })
        .await;
    let admin = app.login(ADMIN).await;
    let (serum, coffee) = two_products(&app, &admin).await;
    let (serum_id, coffee_id) = (id(&serum), id(&coffee));
    let serum_30 = sku(&serum, 0);
    let coffee_12 = sku(&coffee, 0);
    let Some(d) = driver(PHONE).await else { return };
    let c = &d.client;
    let shop = format!("{}/shop/{SLUG}", app.base);

    // The store: both products as cards, the serum from ¥99 with its list price struck.
    c.goto(&shop).await.expect("open the store");
    text_has(c, "#shop-name", &["社群演示品牌"]).await;
    text_has(c, "#categories", &["全部", "护肤", "饮品"]).await;
    text_has(
        c,
        &format!("#product-{serum_id}"),
        &[SERUM, "¥99.00", "¥129.00"],
    )
    .await;
    text_has(c, &format!("#product-{coffee_id}"), &[COFFEE, "¥59.00"]).await;
    assert!(
        !scrolls_sideways(c).await,
        "the store needs no sideways scrolling"
    );

    // Two 30ml serums into the cart.
    tap(c, &format!("#product-{serum_id}")).await;
    text_is(c, "#product-title", SERUM).await;
    tap(c, &format!("#sku-{serum_30}")).await;
    fill(c, "#quantity", "2").await;
    tap(c, "#add-to-cart").await;
    text_has(c, "#notice", &["已加入购物车"]).await;
    text_is(c, "#cart-count", "2").await;

    // One coffee, its only SKU chosen already.
    c.goto(&shop).await.expect("back to the store");
    tap(c, &format!("#product-{coffee_id}")).await;
    text_is(c, "#product-title", COFFEE).await;
    tap(c, "#add-to-cart").await;
    text_has(c, "#notice", &["已加入购物车"]).await;
    text_is(c, "#cart-count", "3").await;

    // The cart: both lines and the total, 2 × ¥99 + ¥59.
    tap(c, "#bar-cart").await;
    text_has(c, &format!("#line-{serum_30}"), &[SERUM, "30ml", "¥99.00"]).await;
    text_has(
        c,
        &format!("#line-{coffee_12}"),
        &[COFFEE, "12 杯装", "¥59.00"],
    )
    .await;
    text_is(c, "#cart-total", "¥257.00").await;
    assert!(
        !scrolls_sideways(c).await,
        "the cart needs no sideways scrolling"
    );

    // Checkout without a phone: told beside the phone, in Chinese; what was typed stays.
    tap(c, "#go-checkout").await;
    text_is(c, "#checkout-total", "¥257.00").await;
    fill(c, "#recipient", "王小明").await;
    fill(c, "#address", "上海市静安区南京西路 1266 号 2 楼").await;
    tap(c, "#place-order").await;
    let said = text_has(c, "#phone-error", &["手机号"]).await;
    assert!(!said.is_ascii(), "the phone's error is in Chinese: {said}");
    let marked = c
        .find(Locator::Css("#phone"))
        .await
        .expect("the phone input")
        .attr("aria-invalid")
        .await
        .expect("read aria-invalid");
    assert_eq!(marked.as_deref(), Some("true"), "the phone input is marked");
    let kept = c
        .find(Locator::Css("#recipient"))
        .await
        .expect("the recipient input")
        .prop("value")
        .await
        .expect("read the recipient");
    assert_eq!(kept.as_deref(), Some("王小明"), "what was typed stays");

    // With the phone: on to the sandbox's pay page, pay, and back to the order.
    fill(c, "#phone", "13812345678").await;
    tap(c, "#place-order").await;
    path_until(c, |p| p.starts_with("/sandbox-pay/")).await;
    tap(c, "button[name=pay]").await;
    let order_prefix = format!("/shop/{SLUG}/orders/");
    let back = path_until(c, |p| p.starts_with(&order_prefix)).await;
    let order: i64 = back[order_prefix.len()..]
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("an order's page: {back}"));
    reload_until(c, "#order-status", &["已付款"]).await;
    text_is(c, "#order-paid", "¥257.00").await;
    text_has(c, "#ship-phone", &["138****5678"]).await;
    assert!(
        !scrolls_sideways(c).await,
        "the order needs no sideways scrolling"
    );

    // Staff ship it from the console's order page.
    sign_in(c, &app, ADMIN).await;
    c.goto(&format!("{}/orders/{order}", app.base))
        .await
        .expect("open the order in the console");
    // Staff see where it ships (the phone masked) before shipping it.
    text_has(c, "#order-ship-to", &["收货信息", "138****5678"]).await;
    let order_api = format!("/api/v1/orders/{order}");
    submit_until(
        c,
        &app,
        &admin,
        "form[action$=\"/ship\"] button",
        &order_api,
        "shipped",
    )
    .await;

    // The customer sees it shipped and asks for ¥50 of the serums' ¥198 back.
    let order_page = format!("{shop}/orders/{order}");
    c.goto(&order_page)
        .await
        .expect("open the order in the store");
    text_is(c, "#order-status", "已发货").await;
    let mut serum_line = None;
    for option in c
        .find_all(Locator::Css("#refund-line option"))
        .await
        .expect("the refund form's lines")
    {
        if option
            .text()
            .await
            .expect("an option's words")
            .contains(SERUM)
        {
            serum_line = option.attr("value").await.expect("an option's value");
        }
    }
    let serum_line = serum_line.expect("the serum's line is offered for a refund");
    c.find(Locator::Css("#refund-line"))
        .await
        .expect("the line select")
        .select_by_value(&serum_line)
        .await
        .expect("choose the serum's line");
    fill(c, "#refund-amount", "50").await;
    fill(c, "#refund-quantity", "0").await;
    fill(c, "#refund-reason", "一瓶包装破损").await;
    tap(c, "#refund-submit").await;
    text_has(c, "#notice", &["已提交退款申请"]).await;
    text_has(c, "#refund-requests", &[SERUM, "¥50.00", "处理中"]).await;
    let request: i64 = c
        .find(Locator::Css("#refund-requests .request"))
        .await
        .expect("the refund request")
        .attr("id")
        .await
        .expect("read its id")
        .and_then(|v| v.strip_prefix("request-").and_then(|n| n.parse().ok()))
        .expect("request-<id>");

    // A brand admin finds it in the refund queue and approves it.
    c.goto(&format!("{}/refunds", app.base))
        .await
        .expect("open the refund queue");
    let link = format!("a[href=\"/refunds/{request}\"], a[href^=\"/refunds/{request}?\"]");
    tap(c, &link).await;
    path_until(c, |p| p == format!("/refunds/{request}")).await;
    submit_until(
        c,
        &app,
        &admin,
        "form[action$=\"/approve\"] button",
        &format!("/api/v1/refund-requests/{request}"),
        "approved",
    )
    .await;

    // The order shows the refund and the request approved.
    c.goto(&order_page)
        .await
        .expect("open the order in the store");
    reload_until(c, "#refund-requests", &["已同意"]).await;
    text_is(c, "#order-refunded", "¥50.00").await;
    text_has(c, "#order-lines", &["已退 ¥50.00"]).await;
    d.finish().await;
}

/// On an office screen the store is one phone-wide column in the middle.
async fn the_store_is_a_phone_wide_column_on_a_desktop(app: TestApp) {
    let admin = app.login(ADMIN).await;
    two_products(&app, &admin).await;
    let Some(d) = driver(DESKTOP).await else {
        return;
    };
    let c = &d.client;
    c.goto(&format!("{}/shop/{SLUG}", app.base))
        .await
        .expect("open the store");
    text_has(c, "#products", &[SERUM, COFFEE]).await;
    let box_ = c
        .execute(
            "var r = document.querySelector('.shell').getBoundingClientRect(); return [r.left, r.width, document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .expect("measure the column");
    let n = |i: usize| box_[i].as_f64().expect("a number of pixels");
    assert!(n(1) <= 560.0, "the column is at most 560px wide: {box_}");
    assert!(
        (n(0) - (n(2) - n(1)) / 2.0).abs() <= 1.0,
        "the column is centred: {box_}"
    );
    assert!(
        !scrolls_sideways(c).await,
        "nothing needs sideways scrolling"
    );
    d.finish().await;
}

/// The `shequn_shop=…` pair of a response's cookie.
pub(crate) fn shop_cookie(r: &crate::common::Reply) -> String {
    let set = r
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shequn_shop="))
        .unwrap_or_else(|| panic!("{}: no shop cookie: {:?}", r.what, r.headers))
        .to_owned();
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/shop/demo",
        "Max-Age=2592000",
    ] {
        assert!(set.contains(part), "the cookie has {part}: {set}");
    }
    set.split(';').next().unwrap_or_default().to_owned()
}

/// A store page as a browser without cookies of its own would ask for it.
pub(crate) async fn page(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> crate::common::Reply {
    let mut rb = app.client.request(method, app.url(path));
    if let Some(c) = cookie {
        rb = rb.header(COOKIE, c);
    }
    if !form.is_empty() {
        rb = rb.form(form);
    }
    app.send(rb).await
}

/// Without a browser: the cookie a first visit gets, Chinese 404 and 403 pages, the cart
/// form's CSRF token and its refusals beside the input; no input makes a 500.
async fn store_pages_keep_a_session_guard_their_forms_and_answer_in_chinese(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let (serum, _) = two_products(&app, &admin).await;
    let serum_id = id(&serum);
    let serum_30 = sku(&serum, 0).to_string();

    let unknown = page(&app, Method::GET, "/shop/no-such-store", None, &[]).await;
    unknown.assert_status(404);
    assert!(unknown.text.contains("页面不存在"), "{}", unknown.text);

    let home = page(&app, Method::GET, "/shop/demo", None, &[]).await;
    home.assert_status(200);
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.text.contains(SERUM));
    let cookie = shop_cookie(&home);

    // The same browser keeps its session: no new cookie.
    let again = page(&app, Method::GET, "/shop/demo", Some(&cookie), &[]).await;
    again.assert_status(200);
    assert!(
        again.headers.get(SET_COOKIE).is_none(),
        "a live session gets no new cookie"
    );

    for path in [
        format!("/shop/demo/p/{NO_SUCH_ID}"),
        "/shop/demo/p/abc".to_owned(),
        format!("/shop/demo/orders/{NO_SUCH_ID}"),
        "/shop/demo/orders/-1".to_owned(),
        format!("/shop/demo/images/{NO_SUCH_ID}"),
    ] {
        let r = page(&app, Method::GET, &path, Some(&cookie), &[]).await;
        r.assert_status(404);
        assert!(r.text.contains("页面不存在"), "{path}: {}", r.text);
    }

    let product = page(
        &app,
        Method::GET,
        &format!("/shop/demo/p/{serum_id}"),
        Some(&cookie),
        &[],
    )
    .await;
    product.assert_status(200);
    let csrf = regex::Regex::new(r#"name="csrf" value="([^"]+)""#)
        .expect("a pattern")
        .captures(&product.text)
        .and_then(|m| m.get(1))
        .map(|m| m.as_str().to_owned())
        .expect("the product form carries the session's token");
    let product_id = serum_id.to_string();
    let add = |token: &'static str, quantity: &'static str| {
        vec![
            ("csrf", token),
            ("product", product_id.as_str()),
            ("sku", serum_30.as_str()),
            ("quantity", quantity),
        ]
    };

    // No session, or the wrong token: 403, nothing added.
    let r = page(&app, Method::POST, "/shop/demo/cart", None, &add("x", "1")).await;
    r.assert_status(403);
    assert!(r.text.contains("页面已过期"), "{}", r.text);
    let r = page(
        &app,
        Method::POST,
        "/shop/demo/cart",
        Some(&cookie),
        &add("x", "1"),
    )
    .await;
    r.assert_status(403);

    // A quantity that is no number is told beside the quantity, in Chinese.
    let form = |quantity: &'static str| {
        vec![
            ("csrf", csrf.as_str()),
            ("product", product_id.as_str()),
            ("sku", serum_30.as_str()),
            ("quantity", quantity),
        ]
    };
    let r = page(
        &app,
        Method::POST,
        "/shop/demo/cart",
        Some(&cookie),
        &form("lots"),
    )
    .await;
    r.assert_status(422);
    assert!(r.text.contains("id=\"quantity-error\""), "{}", r.text);
    assert!(r.text.contains("请输入 1–99 之间的数量"), "{}", r.text);

    // Added: back to the product, which says so; the cart has it.
    let r = page(
        &app,
        Method::POST,
        "/shop/demo/cart",
        Some(&cookie),
        &form("2"),
    )
    .await;
    r.assert_status(303);
    assert_eq!(
        r.headers.get(LOCATION).and_then(|v| v.to_str().ok()),
        Some(format!("/shop/demo/p/{serum_id}?added=1").as_str())
    );
    let cart = page(&app, Method::GET, "/shop/demo/cart", Some(&cookie), &[]).await;
    cart.assert_status(200);
    assert!(
        cart.text.contains(SERUM) && cart.text.contains("¥198.00"),
        "{}",
        cart.text
    );

    // A form that is no form is a 4xx page, never a 500.
    let r = app
        .send(
            app.client
                .post(app.url("/shop/demo/cart"))
                .header(COOKIE, &cookie)
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    assert!(r.status.is_client_error(), "{}: {}", r.status, r.text);

    let css = page(&app, Method::GET, "/shop/assets/shop.css", None, &[]).await;
    css.assert_status(200);
    assert!(
        css.header("content-type")
            .is_some_and(|t| t.starts_with("text/css"))
    );
}

both_engines!(store_pages_keep_a_session_guard_their_forms_and_answer_in_chinese);

/// The browser journeys run on SQLite (the API journey covers PostgreSQL).
mod on_sqlite {
    #[tokio::test]
    async fn a_customer_buys_two_skus_pays_and_gets_part_of_a_line_refunded_on_a_phone() {
        crate::common::run_on(
            ::shequn_app::Engine::Sqlite,
            "a_customer_buys_two_skus_pays_and_gets_part_of_a_line_refunded_on_a_phone",
            super::a_customer_buys_two_skus_pays_and_gets_part_of_a_line_refunded_on_a_phone,
        )
        .await;
    }

    #[tokio::test]
    async fn the_store_is_a_phone_wide_column_on_a_desktop() {
        crate::common::run_on(
            ::shequn_app::Engine::Sqlite,
            "the_store_is_a_phone_wide_column_on_a_desktop",
            super::the_store_is_a_phone_wide_column_on_a_desktop,
        )
        .await;
    }
}
