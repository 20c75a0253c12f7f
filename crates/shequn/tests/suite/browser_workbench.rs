//! The shop guide's workbench and a community's join links in real headless Chromium,
//! driven over WebDriver (Debian's `chromium` + `chromium-driver`), as `browser.rs` runs
//! it: on an office screen the guide opens their community from 工作台 and makes a join
//! link whose QR code shows; on a phone the home and the community's page need no
//! sideways scrolling. Missing browser: skipped loudly, or a failure under CI.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::both_engines;
use crate::browser::{
    DESKTOP, PHONE, click, driver, fill, scrolls_sideways, sign_in, text_has, text_is,
};
use crate::common::{GUIDE01, TestApp};

const SH001_SALES: &str = "上海南京西路店福利群";

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
