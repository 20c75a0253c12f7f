//! Segments (saved customer filters counted live, in scope), per-brand lifecycle
//! thresholds, and withdrawing consent by keyword and by the unsubscribe link.

use reqwest::Method;
use serde_json::json;

use crate::both_engines;
use crate::common::*;

both_engines!(
    segments_count_their_customers_live_within_scope,
    lifecycle_thresholds_are_the_brands_own,
    consent_is_withdrawn_by_keyword_or_link_and_cancels_what_was_queued,
);

async fn segments_count_their_customers_live_within_scope(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let made = app
        .post(
            &admin,
            "/api/v1/segments",
            json!({ "name": "海报新客", "filter": { "channel": "fission_poster", "tier": "weak" } }),
        )
        .await
        .expect(201);
    // One poster newcomer a store, twelve stores.
    assert_eq!(made["count"], 12, "{made}");
    let seg = id(&made);
    // A new customer who matches is counted at once: a segment is a filter, not a list.
    app.post(
        &admin,
        "/api/v1/customers",
        json!({ "nickname": "又一位", "channel": "fission_poster", "store_id": demo.store("SH-001") }),
    )
    .await
    .expect(201);
    assert_eq!(
        app.get(&admin, &format!("/api/v1/segments/{seg}"))
            .await
            .expect(200)["count"],
        13
    );
    // Its customers, and narrowed further by the query's own filters.
    let listed = app
        .get(
            &admin,
            &format!(
                "/api/v1/customers?segment={seg}&store_id={}",
                demo.store("SH-001")
            ),
        )
        .await
        .expect(200);
    assert_eq!(listed["total"], 2);
    // A guide counts the segment within their store.
    let guide = app.login(GUIDE01).await;
    let theirs = app.get(&guide, "/api/v1/segments").await.expect(200);
    assert_eq!(theirs[0]["count"], 2);
    app.post(
        &guide,
        "/api/v1/segments",
        json!({ "name": "x", "filter": { "tier": "weak" } }),
    )
    .await
    .assert_problem(403, "forbidden");
    // Checked when saved.
    app.post(
        &admin,
        "/api/v1/segments",
        json!({ "name": "空", "filter": {} }),
    )
    .await
    .assert_field("filter");
    app.post(
        &admin,
        "/api/v1/segments",
        json!({ "name": "x", "filter": { "tier": "vip" } }),
    )
    .await
    .assert_field("tier");
    app.post(
        &admin,
        "/api/v1/segments",
        json!({ "name": "海报新客", "filter": { "tier": "weak" } }),
    )
    .await
    .assert_problem(409, "taken");
    let edited = app
        .call(
            Method::PUT,
            &format!("/api/v1/segments/{seg}"),
            &admin,
            Some(&json!({ "name": "强意向", "filter": { "tier": "strong" } })),
        )
        .await
        .expect(200);
    assert_eq!(edited["filter"]["tier"], "strong");
    assert!(edited["filter"]["channel"].is_null());
    app.call(
        Method::DELETE,
        &format!("/api/v1/segments/{seg}"),
        &admin,
        None,
    )
    .await
    .assert_status(204);
    app.get(&admin, &format!("/api/v1/customers?segment={seg}"))
        .await
        .assert_field("segment");
}

async fn lifecycle_thresholds_are_the_brands_own(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let t = app
        .get(&admin, "/api/v1/lifecycle-thresholds")
        .await
        .expect(200);
    assert_eq!(
        (
            t["new_days"].clone(),
            t["active_days"].clone(),
            t["churned_days"].clone()
        ),
        (json!(7), json!(14), json!(60))
    );
    // Demo customers arrived just now: all new.
    let new_ones = app
        .get(&admin, "/api/v1/customers?lifecycle=new")
        .await
        .expect(200)["total"]
        .clone();
    assert!(new_ones.as_i64().unwrap_or(0) >= 36);
    // A brand that counts nobody as new after the first day... still sees today's
    // arrivals as new; one that makes "new" mean one day and checks at once agrees.
    let put =
        |n: i64, a: i64, c: i64| json!({ "new_days": n, "active_days": a, "churned_days": c });
    app.call(
        Method::PUT,
        "/api/v1/lifecycle-thresholds",
        &admin,
        Some(&put(1, 2, 3)),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&admin, "/api/v1/lifecycle-thresholds")
            .await
            .expect(200)["churned_days"],
        3
    );
    app.call(
        Method::PUT,
        "/api/v1/lifecycle-thresholds",
        &admin,
        Some(&put(7, 14, 14)),
    )
    .await
    .assert_field("churned_days");
    app.call(
        Method::PUT,
        "/api/v1/lifecycle-thresholds",
        &admin,
        Some(&put(0, 14, 60)),
    )
    .await
    .assert_field("new_days");
    let guide = app.login(GUIDE01).await;
    app.call(
        Method::PUT,
        "/api/v1/lifecycle-thresholds",
        &guide,
        Some(&put(7, 14, 60)),
    )
    .await
    .assert_problem(403, "forbidden");
    // Another brand keeps the defaults.
    let other = app.login(OTHER_ADMIN).await;
    assert_eq!(
        app.get(&other, "/api/v1/lifecycle-thresholds")
            .await
            .expect(200)["churned_days"],
        60
    );
    let c = app
        .get(
            &admin,
            &format!("/api/v1/customers/{}", demo.customer("SH-001老顾客")),
        )
        .await
        .expect(200);
    assert_eq!(c["lifecycle"], "new");
}

async fn consent_is_withdrawn_by_keyword_or_link_and_cancels_what_was_queued(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community("上海南京西路店福利群");
    let fan = |name: &str| {
        json!({ "nickname": name, "channel": "official_account",
                "store_id": demo.store("SH-001"), "consent": true })
    };
    let link = app
        .post(
            &admin,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "official_account", "label": "公众号" }),
        )
        .await
        .expect(201);
    let code = link["code"].as_str().expect("a code").to_owned();
    let a = id(&app
        .post(&admin, "/api/v1/customers", fan("回复退订的"))
        .await
        .expect(201));
    let b = id(&app
        .post(&admin, "/api/v1/customers", fan("点链接退订的"))
        .await
        .expect(201));
    for c in [a, b] {
        app.post(
            &admin,
            "/api/v1/joins",
            json!({ "code": code, "customer_id": c }),
        )
        .await
        .expect(201);
    }
    let queued = |outbox: &serde_json::Value| {
        outbox
            .as_array()
            .expect("a list")
            .iter()
            .filter(|w| w["status"] == "queued")
            .count()
    };
    let outbox_path = format!("/api/v1/communities/{sales}/welcome-outbox");
    assert_eq!(queued(&app.get(&admin, &outbox_path).await.expect(200)), 2);

    // A message that is only the keyword withdraws consent; one that mentions it does not.
    let msg = |n: u32, text: &str| {
        json!({ "event_id": format!("unsub-{n}"), "kind": "message", "community_id": sales,
                "customer_id": a, "at": "2026-11-27T08:00:00Z", "text": text })
    };
    app.post(
        &admin,
        "/api/v1/activity",
        json!({ "events": [msg(1, "退订了的话还能买吗")] }),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&admin, &format!("/api/v1/customers/{a}"))
            .await
            .expect(200)["consent"]["given"],
        true
    );
    app.post(
        &admin,
        "/api/v1/activity",
        json!({ "events": [msg(2, " 退订 ")] }),
    )
    .await
    .expect(200);
    let after = app
        .get(&admin, &format!("/api/v1/customers/{a}"))
        .await
        .expect(200);
    assert_eq!(after["consent"]["given"], false);
    assert_eq!(after["consent"]["source"], "unsubscribe_keyword");
    assert_eq!(
        queued(&app.get(&admin, &outbox_path).await.expect(200)),
        1,
        "a's welcome is cancelled"
    );

    // The unsubscribe link: a page that asks, then confirms; without sign-in.
    let path = app
        .post_empty(&admin, &format!("/api/v1/customers/{b}/unsubscribe-link"))
        .await
        .expect(200)["path"]
        .as_str()
        .expect("a path")
        .to_owned();
    let again = app
        .post_empty(&admin, &format!("/api/v1/customers/{b}/unsubscribe-link"))
        .await
        .expect(200);
    assert_eq!(again["path"], path, "one link a customer");
    let page = app.get_anon(&path).await;
    page.assert_status(200);
    assert!(page.text.contains("确认退订"), "{}", page.text);
    let done = app.send(app.request(Method::POST, &path, None)).await;
    done.assert_status(200);
    assert!(done.text.contains("已退订"));
    let b_now = app
        .get(&admin, &format!("/api/v1/customers/{b}"))
        .await
        .expect(200);
    assert_eq!(b_now["consent"]["given"], false);
    assert_eq!(b_now["consent"]["source"], "unsubscribe_link");
    assert_eq!(queued(&app.get(&admin, &outbox_path).await.expect(200)), 0);
    app.get_anon("/u/aaaaaaaaaaaaaaaaaaaa")
        .await
        .assert_status(404);
    app.get_anon("/u/short").await.assert_status(404);
    // Withdrawn customers get no welcome when they join another group.
    let service = demo.community("上海南京西路店会员服务群");
    let link2 = app
        .post(
            &admin,
            &format!("/api/v1/communities/{service}/join-links"),
            json!({ "channel": "official_account", "label": "服务群" }),
        )
        .await
        .expect(201);
    app.post(
        &admin,
        "/api/v1/joins",
        json!({ "code": link2["code"], "customer_id": b }),
    )
    .await
    .expect(201);
    let service_outbox = app
        .get(
            &admin,
            &format!("/api/v1/communities/{service}/welcome-outbox"),
        )
        .await
        .expect(200);
    assert_eq!(service_outbox.as_array().map(Vec::len), Some(0));
}
