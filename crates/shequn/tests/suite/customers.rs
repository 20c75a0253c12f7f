//! Customers (顾客): added to a store by its staff, layered by channel into intent tiers
//! the brand can remap, set by hand with a reason, tagged, with consent recorded; phones
//! never leave the API whole, yet a customer is found by the whole number.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_guide_adds_a_customer_whose_tier_follows_the_channel,
    phones_are_masked_everywhere_and_found_by_the_whole_number,
    staff_set_a_tier_by_hand_with_a_reason_and_can_undo_it,
    remapping_a_channel_moves_its_customers_but_not_hand_set_ones,
    consent_is_recorded_with_time_and_source_and_can_be_withdrawn,
    bad_customer_input_is_refused_naming_the_field,
    customers_are_listed_within_scope_with_filters_and_totals,
    a_brand_admin_exports_and_erases_a_customers_personal_data,
    customers_show_their_lifecycle_and_last_activity,
    whole_numbers_are_revealed_to_allowed_roles_and_logged,
);

async fn a_guide_adds_a_customer_whose_tier_follows_the_channel(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    for (channel, tier) in [
        ("official_account", "strong"),
        ("new_media", "intent"),
        ("fission_poster", "weak"),
        ("friend_invite", "weak"),
    ] {
        let made = app
            .post(
                &guide,
                "/api/v1/customers",
                json!({ "nickname": format!("来自{channel}"), "channel": channel, "tags": ["宝妈", "宝妈", "学生"] }),
            )
            .await
            .expect(201);
        assert_eq!(made["tier"], tier, "{channel}");
        assert!(made["tier_reason"].is_null());
        assert_eq!(made["store_id"], demo.store("SH-001"), "the guide's store");
        assert_eq!(
            made["guide_id"],
            demo.staff(GUIDE01),
            "the guide serves them"
        );
        assert_eq!(
            made["tags"],
            json!(["学生", "宝妈"]),
            "sorted, without repeats"
        );
        assert_eq!(made["consent"]["given"], false, "no consent unless given");
    }
}

async fn phones_are_masked_everywhere_and_found_by_the_whole_number(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let made = app
        .post(
            admin,
            "/api/v1/customers",
            json!({ "nickname": "手机号顾客", "channel": "event", "phone": "+86 139-1234-5678", "store_id": demo.store("HZ-001") }),
        )
        .await;
    made.assert_status(201);
    assert_eq!(made.body["phone_masked"], "139****5678");
    assert!(!made.text.contains("13912345678"), "{}", made.text);
    let id = id(&made.body);
    let one = app.get(admin, &format!("/api/v1/customers/{id}")).await;
    assert!(!one.text.contains("13912345678"), "{}", one.text);
    let listed = app.get(admin, "/api/v1/customers?limit=200").await;
    assert!(!listed.text.contains("13912345678"));
    let found = app
        .get(admin, "/api/v1/customers?phone=139%201234%205678")
        .await
        .expect(200);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], id);
    app.get(admin, "/api/v1/customers?phone=12345")
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("phone");
}

async fn staff_set_a_tier_by_hand_with_a_reason_and_can_undo_it(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let path = format!("/api/v1/customers/{}", demo.customer("SH-001海报新客"));
    let before = app.get(&guide, &path).await.expect(200);
    assert_eq!(before["tier"], "weak");
    let set = app
        .patch(
            &guide,
            &path,
            json!({ "tier": { "tier": "strong", "reason": "到店复购三次" } }),
        )
        .await
        .expect(200);
    assert_eq!(set["tier"], "strong");
    assert_eq!(set["tier_reason"], "到店复购三次");
    app.patch(
        &guide,
        &path,
        json!({ "tier": { "tier": "strong", "reason": " " } }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("tier_reason");
    let undone = app
        .patch(&guide, &path, json!({ "tier": null }))
        .await
        .expect(200);
    assert_eq!(undone["tier"], "weak", "back to what the channel gives");
    assert!(undone["tier_reason"].is_null());
}

async fn remapping_a_channel_moves_its_customers_but_not_hand_set_ones(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let by_hand = format!("/api/v1/customers/{}", demo.customer("SH-001海报新客"));
    app.patch(
        admin,
        &by_hand,
        json!({ "tier": { "tier": "intent", "reason": "店长熟人" } }),
    )
    .await
    .expect(200);
    let remapped = app
        .call(
            Method::PUT,
            "/api/v1/intent-tiers",
            admin,
            Some(&json!([{ "channel": "fission_poster", "tier": "strong" }])),
        )
        .await
        .expect(200);
    assert_eq!(
        remapped["customers_moved"], 11,
        "12 poster customers, one set by hand"
    );
    let tiers = remapped["tiers"].as_array().expect("tiers");
    assert_eq!(tiers.len(), 7, "every channel");
    assert!(tiers.contains(&json!({ "channel": "fission_poster", "tier": "strong" })));
    let other = format!("/api/v1/customers/{}", demo.customer("HZ-001海报新客"));
    assert_eq!(app.get(admin, &other).await.expect(200)["tier"], "strong");
    assert_eq!(app.get(admin, &by_hand).await.expect(200)["tier"], "intent");
    // New customers of the channel get the brand's tier.
    let made = app
        .post(
            admin,
            "/api/v1/customers",
            json!({ "nickname": "新海报客", "channel": "fission_poster", "store_id": demo.store("SH-001") }),
        )
        .await
        .expect(201);
    assert_eq!(made["tier"], "strong");
    let guide = app.login(GUIDE01).await;
    app.call(
        Method::PUT,
        "/api/v1/intent-tiers",
        &guide,
        Some(&json!([{ "channel": "event", "tier": "weak" }])),
    )
    .await
    .assert_problem(403, "forbidden");
    app.call(
        Method::PUT,
        "/api/v1/intent-tiers",
        admin,
        Some(&json!([{ "channel": "tv", "tier": "weak" }])),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("channel");
}

async fn consent_is_recorded_with_time_and_source_and_can_be_withdrawn(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let path = format!("/api/v1/customers/{}", demo.customer("SH-001小红书粉丝"));
    let given = app
        .patch(
            &guide,
            &path,
            json!({ "consent": true, "consent_source": "join_form" }),
        )
        .await
        .expect(200);
    assert_eq!(given["consent"]["given"], true);
    assert_eq!(given["consent"]["source"], "join_form");
    let at = given["consent"]["at"].as_str().expect("a time").to_owned();
    // Saying yes again keeps the first answer's time.
    let again = app
        .patch(&guide, &path, json!({ "consent": true }))
        .await
        .expect(200);
    assert_eq!(again["consent"]["at"], at.as_str());
    let withdrawn = app
        .patch(&guide, &path, json!({ "consent": false }))
        .await
        .expect(200);
    assert_eq!(withdrawn["consent"]["given"], false);
    assert_eq!(withdrawn["consent"]["source"], "api");
}

async fn bad_customer_input_is_refused_naming_the_field(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let before = app.brand_state(admin).await;
    let sh001 = demo.store("SH-001");
    let cases: [(Value, &str, &str); 7] = [
        (
            json!({ "nickname": "", "channel": "event", "store_id": sh001 }),
            "nickname",
            "required",
        ),
        (
            json!({ "nickname": "电视", "channel": "tv", "store_id": sh001 }),
            "channel",
            "not_one_of",
        ),
        (
            json!({ "nickname": "号码", "channel": "event", "store_id": sh001, "phone": "12345" }),
            "phone",
            "not_a_phone",
        ),
        (
            json!({ "nickname": "标签", "channel": "event", "store_id": sh001, "tags": ["a,b"] }),
            "tags",
            "control_characters",
        ),
        (
            json!({ "nickname": "邀请", "channel": "friend_invite", "store_id": sh001, "invited_by": NO_SUCH_ID }),
            "invited_by",
            "unknown_customer",
        ),
        (
            json!({ "nickname": "导购", "channel": "event", "store_id": sh001, "guide_id": demo.staff(GUIDE02) }),
            "guide_id",
            "unknown_guide",
        ),
        (
            json!({ "nickname": "无店", "channel": "event", "store_id": NO_SUCH_ID }),
            "store_id",
            "unknown_store",
        ),
    ];
    for (body, field, reason) in cases {
        let r = app.post(admin, "/api/v1/customers", body).await;
        r.assert_problem(422, "validation_failed")
            .assert_field(field);
        assert_eq!(r.body["errors"][0]["reason"], reason, "{}", r.text);
    }
    let taken = app
        .post(
            admin,
            "/api/v1/customers",
            json!({ "nickname": "重复", "channel": "event", "store_id": sh001, "external_id": "wm-demo-SH-001-1" }),
        )
        .await;
    taken
        .assert_problem(409, "taken")
        .assert_field("external_id");
    assert_eq!(app.brand_state(admin).await, before, "nothing was written");
}

async fn customers_are_listed_within_scope_with_filters_and_totals(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let total = |v: &Value| v["total"].as_i64().unwrap_or(-1);
    let all = app
        .get(admin, "/api/v1/customers?limit=5")
        .await
        .expect(200);
    assert_eq!(total(&all), 36, "three a store");
    for (query, expected) in [
        ("tier=strong", 12),
        ("tier=weak", 12),
        ("channel=new_media", 12),
        ("tag=%E5%AE%9D%E5%A6%88", 12), // 宝妈
        ("q=sh-001", 3),
    ] {
        let r = app
            .get(admin, &format!("/api/v1/customers?{query}"))
            .await
            .expect(200);
        assert_eq!(total(&r), expected, "{query}");
    }
    let east = app.login(EAST_MANAGER).await;
    assert_eq!(
        total(&app.get(&east, "/api/v1/customers").await.expect(200)),
        12
    );
    let guide = app.login(GUIDE01).await;
    assert_eq!(
        total(&app.get(&guide, "/api/v1/customers").await.expect(200)),
        3
    );
    let elsewhere = format!("/api/v1/customers/{}", demo.customer("HZ-001老顾客"));
    app.get(&guide, &elsewhere)
        .await
        .assert_problem(404, "not_found");
    app.patch(&guide, &elsewhere, json!({ "nickname": "改" }))
        .await
        .assert_problem(404, "not_found");
}

async fn a_brand_admin_exports_and_erases_a_customers_personal_data(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let id = demo.customer("SH-001老顾客");
    let guide = app.login(GUIDE01).await;
    for action in ["export", "erase"] {
        app.post_empty(&guide, &format!("/api/v1/customers/{id}/{action}"))
            .await
            .assert_problem(403, "forbidden");
    }
    // A create through an idempotency key keeps its answer (with the phone) for replays.
    let keyed = app
        .send(
            app.request(reqwest::Method::POST, "/api/v1/customers", Some(admin))
                .header("idempotency-key", "erase-me")
                .json(&json!({ "nickname": "会被删除", "channel": "event", "phone": "13700000007", "store_id": demo.store("SH-001") })),
        )
        .await;
    keyed.assert_status(201);
    let keyed_id = id_of(&keyed.body);
    let export = app
        .post_empty(admin, &format!("/api/v1/customers/{id}/export"))
        .await
        .expect(200);
    assert_eq!(
        export["phone"], "13800010001",
        "an export carries the whole number"
    );
    assert_eq!(export["nickname"], "SH-001老顾客");
    assert_eq!(export["memberships"].as_array().map(Vec::len), Some(1));
    let erased = app
        .post_empty(admin, &format!("/api/v1/customers/{id}/erase"))
        .await
        .expect(200);
    assert_eq!(erased["nickname"], "已注销");
    assert!(erased["phone_masked"].is_null());
    assert!(erased["external_id"].is_null());
    assert_eq!(erased["tags"], json!([]));
    assert_eq!(erased["consent"]["given"], false);
    // Memberships stay, anonymous.
    let sales = demo.community("上海南京西路店福利群");
    let members = app
        .list_all(admin, &format!("/api/v1/communities/{sales}/members"))
        .await;
    assert!(
        members
            .iter()
            .any(|m| m["customer_id"] == id && m["nickname"] == "已注销")
    );
    let log = app.list_all(admin, "/api/v1/audit-events").await;
    for action in ["customer.exported", "customer.erased"] {
        let e = log
            .iter()
            .find(|e| e["action"] == action && e["subject_id"] == id)
            .unwrap_or_else(|| panic!("{action} in the operation log"));
        assert!(
            !e.to_string().contains("13800010001"),
            "no personal data in the log: {e}"
        );
    }
    // Erasing the keyed customer also drops the stored answer that held their phone.
    let before = app
        .stored_strings("SELECT result FROM idempotency_records WHERE result IS NOT NULL")
        .await;
    assert!(before.iter().any(|r| r.contains("13700000007")));
    app.post_empty(admin, &format!("/api/v1/customers/{keyed_id}/erase"))
        .await
        .expect(200);
    let after = app
        .stored_strings("SELECT result FROM idempotency_records WHERE result IS NOT NULL")
        .await;
    assert!(
        after.iter().all(|r| !r.contains("13700000007")),
        "{after:?}"
    );
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

async fn customers_show_their_lifecycle_and_last_activity(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let total = |v: &Value| v["total"].as_i64().unwrap_or(-1);
    // Every demo customer arrived just now: new, whatever their activity.
    let new = app
        .get(admin, "/api/v1/customers?lifecycle=new")
        .await
        .expect(200);
    assert_eq!(total(&new), 36);
    assert!(
        new["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["lifecycle"] == "new")
    );
    for stage in ["active", "silent", "churned"] {
        let r = app
            .get(admin, &format!("/api/v1/customers?lifecycle={stage}"))
            .await
            .expect(200);
        assert_eq!(total(&r), 0, "{stage}");
    }
    app.get(admin, "/api/v1/customers?lifecycle=asleep")
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("lifecycle");
    let fan = demo.customer("SH-001小红书粉丝");
    let path = format!("/api/v1/customers/{fan}");
    assert!(app.get(admin, &path).await.expect(200)["last_active_at"].is_null());
    app.post(
        admin,
        "/api/v1/activity",
        json!({ "events": [
            { "event_id": "lc-1", "kind": "message", "community_id": demo.community("上海南京西路店福利群"),
              "customer_id": fan, "at": "2026-11-20T08:00:00Z" },
            { "event_id": "lc-2", "kind": "shared", "community_id": demo.community("上海南京西路店福利群"),
              "customer_id": fan, "at": "2026-11-21T09:30:00Z" },
        ]}),
    )
    .await
    .expect(200);
    let seen = app.get(admin, &path).await.expect(200);
    assert_eq!(seen["last_active_at"], "2026-11-21T09:30:00Z");
    let listed = app
        .get(
            admin,
            "/api/v1/customers?q=SH-001%E5%B0%8F%E7%BA%A2%E4%B9%A6",
        )
        .await
        .expect(200);
    assert_eq!(listed["items"][0]["last_active_at"], "2026-11-21T09:30:00Z");
}

async fn whole_numbers_are_revealed_to_allowed_roles_and_logged(app: TestApp) {
    let demo = app.demo().await;
    let regular = demo.customer("SH-001老顾客");
    let path = format!("/api/v1/customers/{regular}/phone");
    // The customer's own guide and the store's manager see the whole number.
    let guide = app.login(GUIDE01).await;
    let shown = app.post_empty(&guide, &path).await.expect(200);
    assert_eq!(shown["phone"], "13800010001");
    let manager = app.login(SH001_MANAGER).await;
    app.post_empty(&manager, &path).await.expect(200);
    // Another guide of the same store does not; a guide of another store does not see them.
    let colleague = app.login("guide13@demo.shequn.test").await;
    app.post_empty(&colleague, &path)
        .await
        .assert_problem(403, "forbidden");
    let elsewhere = app.login(GUIDE02).await;
    app.post_empty(&elsewhere, &path)
        .await
        .assert_problem(404, "not_found");
    // Each reveal is in the operation log, by customer id, without the number.
    let log = app
        .get(&demo.admin, "/api/v1/audit-events")
        .await
        .expect(200);
    let reveals: Vec<&Value> = log["items"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "customer.phone_revealed")
        .collect();
    assert_eq!(reveals.len(), 2, "{log}");
    assert!(reveals.iter().all(|e| e["subject_id"] == regular));
}
