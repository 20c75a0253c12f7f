//! Journeys through the web console in real headless Chromium, driven over WebDriver
//! (Debian's `chromium` + `chromium-driver`). Missing browser: skipped loudly, or a
//! failure under CI.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::both_engines;
use crate::common::{ADMIN, DEMO_PASSWORD, GUIDE01, SH001_MANAGER, SOUTH, SOUTH_MANAGER, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Window sizes, in CSS pixels: a guide's phone and an office screen.
pub(crate) const PHONE: (u32, u32) = (390, 844);
pub(crate) const DESKTOP: (u32, u32) = (1280, 900);

/// A chromedriver process, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
    pub(crate) client: Client,
}

impl Driver {
    /// Ends the WebDriver session (the chromedriver process goes on drop).
    pub(crate) async fn finish(self) {
        self.client
            .clone()
            .close()
            .await
            .expect("close the browser session");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session with a window of `size` (width, height).
pub(crate) async fn driver(size: (u32, u32)) -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        if ci {
            panic!(
                "CI=true but {CHROMIUM} / {CHROMEDRIVER} are missing: install chromium and chromium-driver"
            );
        }
        // Straight to stderr: the test harness swallows eprintln! of passing tests.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! SKIPPING browser test: {CHROMIUM} or {CHROMEDRIVER} not installed (apt-get install chromium chromium-driver) !!!\n"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port for chromedriver")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().expect("a temp profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic",
                format!("--window-size={},{}", size.0, size.1),
                "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {"intl.accept_languages": "zh-CN,zh"}
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_err = String::new();
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Driver {
                    child,
                    _profile: profile,
                    client,
                });
            }
            Err(e) => {
                last_err = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("could not start a Chromium session through chromedriver: {last_err}");
}

/// Waits until the element at `css` exists and its text satisfies `ok`; returns the text.
/// Polling, because after a click the old page may still be showing.
pub(crate) async fn text_until(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let mut last = String::from("<no element>");
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if ok(&text) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed the expected text; last seen: {last:?}");
}

pub(crate) async fn text_is(c: &Client, css: &str, expected: &str) {
    text_until(c, css, |t| t == expected).await;
}

pub(crate) async fn text_has(c: &Client, css: &str, parts: &[&str]) -> String {
    text_until(c, css, |t| parts.iter().all(|p| t.contains(p))).await
}

pub(crate) async fn fill(c: &Client, css: &str, value: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    el.clear().await.expect("clear input");
    el.send_keys(value).await.expect("type into input");
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Signs in through the login page and waits for the console.
pub(crate) async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    c.goto(&format!("{}/login", app.base))
        .await
        .expect("open the login page");
    fill(c, "#login-email", email).await;
    fill(c, "#login-password", DEMO_PASSWORD).await;
    click(c, "#login-submit").await;
    text_until(c, "#nav-home", |_| true).await;
}

/// Whether the element at `css` is shown (not hidden by CSS).
async fn shown(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .is_displayed()
        .await
        .unwrap_or_else(|e| panic!("is {css} displayed: {e}"))
}

/// On a phone the navigation sits behind the 菜单 button: opens it when it is closed.
async fn open_menu(c: &Client) {
    if !shown(c, "#nav-home").await {
        click(c, "#menu-button").await;
        assert!(
            shown(c, "#nav-home").await,
            "the menu button opens the navigation"
        );
    }
}

/// The question of the confirmation dialog now open, waiting for it to appear.
async fn dialog_text(c: &Client) -> String {
    for _ in 0..50 {
        if let Ok(text) = c.get_alert_text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no confirmation dialog appeared");
}

/// Whether the 新增 button (a `<summary>`) at `css` has its form open.
async fn form_open(c: &Client, css: &str) -> bool {
    c.execute(
        "return document.querySelector(arguments[0]).parentElement.open;",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("read the details element")
    .as_bool()
    .expect("open or not")
}

/// Whether the page is wider than the window (something would need sideways scrolling).
pub(crate) async fn scrolls_sideways(c: &Client) -> bool {
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("measure the page");
    let width = |i: usize| widths[i].as_i64().expect("a width in pixels");
    width(0) > width(1)
}

/// A brand admin signs in on a phone-sized window, opens the stores, opens a new store,
/// sees it listed, and switches the console to English and back.
async fn admin_signs_in_creates_a_store_and_switches_language(app: TestApp) {
    let Some(d) = driver(PHONE).await else { return };
    let c = &d.client;
    c.goto(&format!("{}/stores", app.base))
        .await
        .expect("open the console");
    // Not signed in: sent to the login page, which comes back to /stores afterwards.
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/login")
    );
    fill(c, "#login-email", "admin@demo.shequn.test").await;
    fill(c, "#login-password", "wrong password").await;
    click(c, "#login-submit").await;
    text_is(c, "#form-error", "邮箱或密码错误").await;
    fill(c, "#login-password", "shequn-demo-2026").await;
    click(c, "#login-submit").await;
    text_is(c, "main h1", "门店").await;
    text_has(c, "#stores", &["SH-001", "上海南京西路店", "营业中"]).await;

    // The form opens from the 新增门店 button above the list.
    assert!(
        !form_open(c, "#store-new").await,
        "the form waits behind its button"
    );
    click(c, "#store-new").await;
    fill(c, "#store-code", "sh-777").await;
    fill(c, "#store-name", "上海新天地体验店").await;
    fill(c, "#store-address", "上海市黄浦区马当路 245 号").await;
    click(c, "#store-create").await;
    // The page the create redirected to says what was done to which store.
    text_is(c, "#flash", "已新增门店 上海新天地体验店（SH-777）").await;
    text_has(c, "#stores", &["SH-777", "上海新天地体验店"]).await;

    // The same code again is refused on the form, not with an error page: the message is
    // under the code, in Chinese, the code is marked; the form stays open with what was
    // typed.
    click(c, "#store-new").await;
    fill(c, "#store-code", "SH-777").await;
    fill(c, "#store-name", "重复编码店").await;
    click(c, "#store-create").await;
    text_is(c, "#code-error", "已有编码相同的门店，请换一个").await;
    assert!(
        form_open(c, "#store-new").await,
        "a refused form stays open"
    );
    assert!(shown(c, "#code-error").await, "the message is in view");
    let marked = c
        .find(Locator::Css("#store-code"))
        .await
        .expect("the code input")
        .attr("aria-invalid")
        .await
        .expect("read aria-invalid");
    assert_eq!(marked.as_deref(), Some("true"), "the code input is marked");
    assert!(
        c.find(Locator::Css("#form-error")).await.is_err(),
        "no banner above the page"
    );

    click(c, "#lang-en").await;
    text_is(c, "main h1", "Stores").await;
    open_menu(c).await;
    text_is(c, "#nav-staff", "Staff").await;
    text_has(c, "#stores", &["Open", "SH-777"]).await;
    click(c, "#lang-zh").await;
    text_is(c, "main h1", "门店").await;

    // Signing out ends the session: the console sends us back to the login page.
    open_menu(c).await;
    click(c, "#logout").await;
    text_is(c, "main h1", "员工登录").await;
    c.goto(&format!("{}/stores", app.base))
        .await
        .expect("open stores");
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/login")
    );
    d.finish().await;
}

/// A shop guide, on a phone, sees only their own store and no forms to change it: the
/// navigation collapses behind 菜单, and the list shows each store as a card whose name
/// and status need no sideways scrolling.
async fn shop_guide_sees_only_its_store(app: TestApp) {
    let Some(d) = driver(PHONE).await else { return };
    let c = &d.client;
    sign_in(c, &app, GUIDE01).await;
    assert!(
        !shown(c, "#nav-stores").await,
        "on a phone the navigation is collapsed"
    );
    open_menu(c).await;
    click(c, "#nav-stores").await;
    text_is(c, "main h1", "门店").await;
    let table = text_has(c, "#stores", &["SH-001", "上海南京西路店", "营业中"]).await;
    assert!(
        !table.contains("HZ-001"),
        "a guide must not see other stores: {table}"
    );
    assert!(shown(c, "#stores td.status").await, "the status is in view");
    assert!(
        !scrolls_sideways(c).await,
        "nothing needs sideways scrolling"
    );
    assert!(
        c.find(Locator::Css("#store-create")).await.is_err()
            && c.find(Locator::Css("#store-new")).await.is_err(),
        "guides get no create form"
    );
    d.finish().await;
}

/// Whether the store is open, as the API tells its brand admin.
async fn store_is_open(app: &TestApp, admin: &str, store: i64) -> bool {
    app.get(admin, &format!("/api/v1/stores/{store}"))
        .await
        .expect(200)["active"]
        .as_bool()
        .expect("a store is open or closed")
}

/// Closing a store asks first, naming the store; cancelling changes nothing, confirming
/// closes it. Reopening asks nothing. On an office-sized window, where the navigation is
/// not collapsed.
async fn closing_a_store_asks_for_confirmation_first(app: TestApp) {
    let Some(d) = driver(DESKTOP).await else {
        return;
    };
    let c = &d.client;
    let demo = app.demo().await;
    let store = demo.store("SH-001");
    sign_in(c, &app, ADMIN).await;
    assert!(
        shown(c, "#nav-stores").await,
        "a wide window shows the navigation"
    );
    c.goto(&format!("{}/stores/{store}", app.base))
        .await
        .expect("open the store");
    text_is(c, "#store-status", "营业中").await;

    click(c, "#store-deactivate").await;
    assert_eq!(
        dialog_text(c).await,
        "确定停用门店 上海南京西路店（SH-001）吗？"
    );
    c.dismiss_alert().await.expect("cancel the dialog");
    text_is(c, "#store-status", "营业中").await;
    assert!(
        store_is_open(&app, &demo.admin, store).await,
        "cancelling leaves the store open"
    );

    click(c, "#store-deactivate").await;
    dialog_text(c).await;
    c.accept_alert().await.expect("confirm the dialog");
    text_is(c, "#store-status", "已停用").await;
    text_is(c, "#flash", "已停用门店 上海南京西路店（SH-001）").await;
    assert!(
        !store_is_open(&app, &demo.admin, store).await,
        "confirming closes the store"
    );

    click(c, "#lang-en").await;
    text_is(c, "#store-status", "Closed").await;
    click(c, "#store-reactivate").await;
    text_is(c, "#store-status", "Open").await;
    assert!(
        store_is_open(&app, &demo.admin, store).await,
        "reopened without a question"
    );
    d.finish().await;
}

/// The API docs page renders the OpenAPI document (in the browser, by its script).
async fn the_api_docs_page_lists_every_route_family(app: TestApp) {
    let Some(d) = driver(DESKTOP).await else {
        return;
    };
    let c = &d.client;
    c.goto(&format!("{}/api/docs", app.base))
        .await
        .expect("open the docs");
    // The way back to the console, in the browser's language.
    text_is(c, "#console-link", "← 返回控制台").await;
    let ops = text_has(
        c,
        "#ops",
        &[
            "/api/v1/auth/login",
            "/api/v1/regions",
            "/api/v1/stores/{store_id}",
            "/api/v1/staff",
            "/api/v1/tokens",
            "/api/v1/audit-events",
            // A body that is not JSON (an image) is listed too.
            "/api/v1/products/{product_id}/images",
            "Schemas",
        ],
    )
    .await;
    assert!(ops.contains("PATCH") || ops.contains("patch"));
    d.finish().await;
}

/// A new token's secret is shown once, on the page the create redirected to; reloading
/// that page shows it no more and creates no second token.
async fn reloading_after_creating_a_token_creates_no_second(app: TestApp) {
    let Some(d) = driver(DESKTOP).await else {
        return;
    };
    let c = &d.client;
    sign_in(c, &app, SH001_MANAGER).await;
    c.goto(&format!("{}/account/tokens", app.base))
        .await
        .expect("open the tokens");
    click(c, "#token-new").await;
    fill(c, "#token-name", "收银同步").await;
    click(c, "#token-create").await;
    let secret = text_has(c, "#new-token", &["shq_"]).await;
    text_is(c, "#flash", "已创建令牌「收银同步」").await;
    assert_eq!(
        c.current_url().await.expect("url").path(),
        "/account/tokens",
        "redirected to the list"
    );
    c.refresh().await.expect("reload the page");
    let mut gone = false;
    for _ in 0..100 {
        let list = c.find(Locator::Css("#tokens")).await.is_ok();
        if list && c.find(Locator::Css("#new-token")).await.is_err() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the secret is not shown again");
    assert!(c.find(Locator::Css("#flash")).await.is_err());
    let api = app.login(SH001_MANAGER).await;
    let made = app
        .list_all(&api, "/api/v1/tokens")
        .await
        .iter()
        .filter(|t| t["name"] == "收银同步")
        .count();
    assert_eq!(made, 1, "reloading created no second token");
    assert_eq!(app.me(&secret).await["staff"]["email"], SH001_MANAGER);
    d.finish().await;
}

/// A region manager reads, on a phone, what the brand admin did in their region: as
/// sentences naming the store and both regions, in Chinese and then in English, with
/// nothing to scroll sideways.
async fn the_operation_log_reads_as_sentences_on_a_phone_in_both_languages(app: TestApp) {
    let demo = app.demo().await;
    let sh001 = demo.store("SH-001");
    app.patch(
        &demo.admin,
        &format!("/api/v1/stores/{sh001}"),
        serde_json::json!({ "region_id": demo.region(SOUTH) }),
    )
    .await
    .expect(200);
    let Some(d) = driver(PHONE).await else { return };
    let c = &d.client;
    sign_in(c, &app, SOUTH_MANAGER).await;
    open_menu(c).await;
    click(c, "#nav-audit").await;
    let log = text_has(
        c,
        "#audit",
        &["演示管理员 把门店 上海南京西路店（SH-001）从华东大区移到华南大区"],
    )
    .await;
    for raw in ["store.updated", "region_id", "{"] {
        assert!(!log.contains(raw), "no raw event data ({raw}): {log}");
    }
    assert!(
        !scrolls_sideways(c).await,
        "nothing needs sideways scrolling"
    );
    open_menu(c).await;
    click(c, "#lang-en").await;
    text_has(
        c,
        "#audit",
        &["演示管理员 moved store 上海南京西路店 (SH-001) from 华东大区 to 华南大区"],
    )
    .await;
    d.finish().await;
}

both_engines!(
    the_operation_log_reads_as_sentences_on_a_phone_in_both_languages,
    the_api_docs_page_lists_every_route_family,
    admin_signs_in_creates_a_store_and_switches_language,
    shop_guide_sees_only_its_store,
    closing_a_store_asks_for_confirmation_first,
    reloading_after_creating_a_token_creates_no_second
);
