//! The shop guide's workbench and a community's join links in real headless Chromium,
//! driven over WebDriver (Debian's `chromium` + `chromium-driver`), as `browser.rs` runs
//! it: on an office screen the guide opens their community from 工作台 and makes a join
//! link whose QR code shows; on a phone the home and the community's page need no
//! sideways scrolling. Missing browser: skipped loudly, or a failure under CI.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::both_engines;
use crate::common::{DEMO_PASSWORD, GUIDE01, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Window sizes, in CSS pixels: a guide's phone and an office screen.
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

const SH001_SALES: &str = "上海南京西路店福利群";

/// A chromedriver process, killed when dropped.
struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
    client: Client,
}

impl Driver {
    /// Ends the WebDriver session (the chromedriver process goes on drop).
    async fn finish(self) {
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
async fn driver(size: (u32, u32)) -> Option<Driver> {
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
async fn text_until(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
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

async fn text_is(c: &Client, css: &str, expected: &str) {
    text_until(c, css, |t| t == expected).await;
}

async fn text_has(c: &Client, css: &str, parts: &[&str]) -> String {
    text_until(c, css, |t| parts.iter().all(|p| t.contains(p))).await
}

async fn fill(c: &Client, css: &str, value: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    el.clear().await.expect("clear input");
    el.send_keys(value).await.expect("type into input");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Signs in through the login page and waits for the console.
async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    c.goto(&format!("{}/login", app.base))
        .await
        .expect("open the login page");
    fill(c, "#login-email", email).await;
    fill(c, "#login-password", DEMO_PASSWORD).await;
    click(c, "#login-submit").await;
    text_until(c, "#nav-home", |_| true).await;
}

/// Whether the page is wider than the window (something would need sideways scrolling).
async fn scrolls_sideways(c: &Client) -> bool {
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

/// Waits until the image at `css` has loaded; its natural width in pixels (0: it never
/// loaded).
async fn loaded_width(c: &Client, css: &str) -> f64 {
    for _ in 0..100 {
        let width = c
            .execute(
                "var img = document.querySelector(arguments[0]);
                 return img && img.complete ? img.naturalWidth : 0;",
                vec![json!(css)],
            )
            .await
            .expect("read the image")
            .as_f64()
            .unwrap_or(0.0);
        if width > 0.0 {
            return width;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    0.0
}

/// The id of the demo's SH-001 sales group, as the admin sees it through the API.
async fn sales_group(app: &TestApp) -> i64 {
    app.demo().await.community(SH001_SALES)
}

/// On an office screen the guide's home is 工作台 with their community; they open it and
/// make a join link, which shows with its QR code.
async fn a_guide_opens_their_community_from_the_workbench_and_makes_a_join_link(app: TestApp) {
    let sales = sales_group(&app).await;
    let Some(d) = driver(DESKTOP).await else {
        return;
    };
    let c = &d.client;
    sign_in(c, &app, GUIDE01).await;
    c.goto(&format!("{}/", app.base))
        .await
        .expect("open the home");
    text_is(c, "#workbench-title", "工作台").await;
    text_has(c, "#my-communities", &[SH001_SALES, "今日入群", "今日退群"]).await;
    click(c, &format!("#community-{sales} a")).await;
    text_is(c, "#community-title", SH001_SALES).await;
    text_has(c, "#no-links", &["还没有入群链接"]).await;

    fill(c, "#link-label", "门店海报").await;
    c.find(Locator::Css("#link-channel"))
        .await
        .expect("the channel select")
        .select_by_value("offline_store")
        .await
        .expect("choose a channel");
    click(c, "#link-create").await;
    text_is(c, "#flash", "已创建入群链接「门店海报」").await;
    text_has(c, "#link-list", &["门店海报", "门店", "启用", "/j/"]).await;

    let img = c
        .find(Locator::Css("#link-list img"))
        .await
        .expect("the QR code image");
    let src = img
        .attr("src")
        .await
        .expect("read src")
        .expect("an image address");
    assert!(src.ends_with("qr.svg"), "{src}");
    assert!(
        loaded_width(c, "#link-list img").await > 0.0,
        "the QR code loaded"
    );
    d.finish().await;
}

/// On a phone the guide's home and the community's page, link cards included, fit the
/// screen: nothing needs sideways scrolling.
async fn the_workbench_and_a_community_fit_a_phone(app: TestApp) {
    let sales = sales_group(&app).await;
    let guide = app.login(GUIDE01).await;
    app.post(
        &guide,
        &format!("/api/v1/communities/{sales}/join-links"),
        json!({ "channel": "fission_poster", "label": "南京西路店门口易拉宝 双十一裂变海报 第二版" }),
    )
    .await
    .expect(201);
    let Some(d) = driver(PHONE).await else { return };
    let c = &d.client;
    sign_in(c, &app, GUIDE01).await;
    c.goto(&format!("{}/", app.base))
        .await
        .expect("open the home");
    text_is(c, "#workbench-title", "工作台").await;
    text_has(c, "#my-communities", &[SH001_SALES]).await;
    assert!(
        !scrolls_sideways(c).await,
        "the workbench needs no sideways scrolling"
    );
    c.goto(&format!("{}/communities/{sales}", app.base))
        .await
        .expect("open the community");
    text_is(c, "#community-title", SH001_SALES).await;
    text_has(c, "#link-list", &["易拉宝", "/j/"]).await;
    assert!(
        loaded_width(c, "#link-list img").await > 0.0,
        "the QR code loaded"
    );
    assert!(
        !scrolls_sideways(c).await,
        "the community's page needs no sideways scrolling"
    );
    d.finish().await;
}

both_engines!(
    a_guide_opens_their_community_from_the_workbench_and_makes_a_join_link,
    the_workbench_and_a_community_fit_a_phone
);
