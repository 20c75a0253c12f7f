//! Join links: a community's invite links with a channel and an inviter, their QR codes
//! (SVG and PNG) and public page, joining through one (attributed, screened, welcomed by
//! tier with consent only), switching a link off.

use reqwest::Method;
use serde_json::json;

use crate::both_engines;
use crate::common::*;

both_engines!(
    joining_through_a_link_is_attributed_and_welcomed_by_tier,
    links_have_qr_codes_and_a_public_page_until_switched_off,
);

const SALES: &str = "上海南京西路店福利群";

async fn new_customer(
    app: &TestApp,
    token: &str,
    demo: &Demo,
    nickname: &str,
    consent: bool,
) -> i64 {
    let c = app
        .post(
            token,
            "/api/v1/customers",
            json!({ "nickname": nickname, "channel": "fission_poster",
                    "store_id": demo.store("SH-001"), "consent": consent }),
        )
        .await
        .expect(201);
    id(&c)
}

async fn joining_through_a_link_is_attributed_and_welcomed_by_tier(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let sales = demo.community(SALES);
    let inviter = demo.customer("SH-001老顾客");
    let link = app
        .post(
            &guide,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "fission_poster", "inviter_id": inviter, "label": "门店海报 11 月" }),
        )
        .await
        .expect(201);
    let code = link["code"].as_str().expect("a code").to_owned();
    assert_eq!(code.len(), 10);
    assert_eq!(link["path"], format!("/j/{code}"));

    let fan = new_customer(&app, &guide, &demo, "扫码新人", true).await;
    let joined = app
        .post(
            &guide,
            "/api/v1/joins",
            json!({ "code": code, "customer_id": fan }),
        )
        .await
        .expect(201);
    assert_eq!(joined["membership"]["source"], "invite_link");
    assert_eq!(joined["membership"]["community_id"], sales);
    let c = app
        .get(&guide, &format!("/api/v1/customers/{fan}"))
        .await
        .expect(200);
    assert_eq!(c["invited_by"], inviter, "the link's inviter is recorded");
    let links = app
        .get(&guide, &format!("/api/v1/communities/{sales}/join-links"))
        .await
        .expect(200);
    assert_eq!(links[0]["joins"], 1);

    // The welcome of the joiner's tier is queued, and only for those who consented.
    let quiet = new_customer(&app, &guide, &demo, "不要消息", false).await;
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": code, "customer_id": quiet }),
    )
    .await
    .expect(201);
    let outbox = app
        .get(
            &guide,
            &format!("/api/v1/communities/{sales}/welcome-outbox"),
        )
        .await
        .expect(200);
    let queued = outbox.as_array().expect("a list");
    assert_eq!(queued.len(), 1, "{outbox}");
    assert_eq!(queued[0]["customer_id"], fan);
    assert_eq!(queued[0]["tier"], "weak");
    let texts = app.get(&guide, "/api/v1/welcome-texts").await.expect(200);
    let weak = texts
        .as_array()
        .expect("texts")
        .iter()
        .find(|t| t["tier"] == "weak")
        .expect("a weak text")
        .clone();
    assert_eq!(queued[0]["body"], weak["body"]);
    assert_eq!(weak["is_default"], true);

    // The brand writes its own text for weak joiners; guides may not.
    app.call(
        Method::PUT,
        "/api/v1/welcome-texts/weak",
        &guide,
        Some(&json!({ "body": "欢迎！" })),
    )
    .await
    .assert_problem(403, "forbidden");
    let admin = app.login(ADMIN).await;
    app.call(
        Method::PUT,
        "/api/v1/welcome-texts/weak",
        &admin,
        Some(&json!({ "body": "欢迎新朋友，先看群公告哦" })),
    )
    .await
    .expect(200);
    app.call(
        Method::PUT,
        "/api/v1/welcome-texts/vip",
        &admin,
        Some(&json!({ "body": "x" })),
    )
    .await
    .assert_field("tier");
    let next = new_customer(&app, &guide, &demo, "第三位", true).await;
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": code, "customer_id": next }),
    )
    .await
    .expect(201);
    let outbox = app
        .get(
            &guide,
            &format!("/api/v1/communities/{sales}/welcome-outbox"),
        )
        .await
        .expect(200);
    assert_eq!(outbox[1]["body"], "欢迎新朋友，先看群公告哦");
    // Joining again changes nothing and queues nothing.
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": code, "customer_id": next }),
    )
    .await
    .expect(200);
    let outbox = app
        .get(
            &guide,
            &format!("/api/v1/communities/{sales}/welcome-outbox"),
        )
        .await
        .expect(200);
    assert_eq!(outbox.as_array().map(Vec::len), Some(2));
}

async fn links_have_qr_codes_and_a_public_page_until_switched_off(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let sales = demo.community(SALES);
    let link = app
        .post(
            &guide,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "offline_store", "label": "收银台" }),
        )
        .await
        .expect(201);
    let (lid, code) = (id(&link), link["code"].as_str().expect("a code").to_owned());
    let svg = app
        .get(&guide, &format!("/api/v1/join-links/{lid}/qr.svg"))
        .await;
    svg.assert_status(200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(svg.text.contains("<svg"));
    let png = app
        .get(&guide, &format!("/api/v1/join-links/{lid}/qr.png"))
        .await;
    png.assert_status(200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(png.text.contains("PNG"));

    let page = app.get_anon(&format!("/j/{code}")).await;
    page.assert_status(200);
    assert!(page.text.contains(SALES), "{}", page.text);
    app.get_anon("/j/zzzzzzzzzz").await.assert_status(404);
    app.get_anon("/j/not-a-code").await.assert_status(404);

    // A guide of another store neither sees nor makes links of this community.
    let other = app.login(GUIDE02).await;
    app.get(&other, &format!("/api/v1/join-links/{lid}"))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &other,
        &format!("/api/v1/communities/{sales}/join-links"),
        json!({ "channel": "offline_store", "label": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &guide,
        &format!("/api/v1/communities/{sales}/join-links"),
        json!({ "channel": "carrier_pigeon", "label": "x" }),
    )
    .await
    .assert_field("channel");

    let off = app
        .post_empty(&guide, &format!("/api/v1/join-links/{lid}/deactivate"))
        .await
        .expect(200);
    assert_eq!(off["active"], false);
    app.get_anon(&format!("/j/{code}")).await.assert_status(404);
    let c = new_customer(&app, &guide, &demo, "晚来一步", true).await;
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": code, "customer_id": c }),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_empty(&guide, &format!("/api/v1/join-links/{lid}/activate"))
        .await
        .expect(200);
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": code, "customer_id": c }),
    )
    .await
    .expect(201);
}
