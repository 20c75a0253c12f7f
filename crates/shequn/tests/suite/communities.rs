//! Communities (社群): opened in a store by its managers or by a shop guide for themselves,
//! edited by their 群主 or a manager with the kind history kept, overflowing into numbered
//! siblings, linked to one chat group each, listed within scope with totals.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_manager_opens_a_community_for_a_guide_and_its_kind_history_is_kept,
    a_shop_guide_runs_only_their_own_communities,
    bad_community_input_is_refused_naming_the_field,
    a_full_community_overflows_into_numbered_siblings,
    a_chat_group_links_to_one_community_and_can_be_unlinked,
    communities_are_listed_within_scope_with_totals,
);

/// guide13 works in SH-001 too (40 guides over 12 stores).
const GUIDE13: &str = "guide13@demo.shequn.test";
const SH001_SALES: &str = "上海南京西路店福利群";

fn community(store: i64, name: &str, kind: &str) -> Value {
    json!({ "store_id": store, "name": name, "kind": kind })
}

async fn a_manager_opens_a_community_for_a_guide_and_its_kind_history_is_kept(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let mut body = community(demo.store("SH-001"), "宝妈福利群", "discount");
    body["owner_id"] = json!(demo.staff(GUIDE01));
    body["rules"] = json!("1. 不发广告\n2. 友善交流");
    let made = app
        .post(&manager, "/api/v1/communities", body)
        .await
        .expect(201);
    assert_eq!(made["owner_id"], demo.staff(GUIDE01));
    assert_eq!(made["purpose"], "sales", "sales by default");
    assert_eq!(made["capacity"], 500, "a WeChat group's size by default");
    assert_eq!(made["kind_family"], "marketing");
    assert_eq!(made["status"], "active");
    assert_eq!(made["rules"], "1. 不发广告\n2. 友善交流");
    let path = format!("/api/v1/communities/{}", id(&made));

    let changed = app
        .patch(
            &manager,
            &path,
            json!({ "kind": "tutorial", "capacity": 300 }),
        )
        .await
        .expect(200);
    assert_eq!(changed["kind"], "tutorial");
    assert_eq!(changed["kind_family"], "content");
    assert_eq!(changed["capacity"], 300);
    // Saving without a change of kind adds nothing to the history.
    app.patch(&manager, &path, json!({ "name": "宝妈教程群" }))
        .await
        .expect(200);
    let kinds = app
        .get(&manager, &format!("{path}/kinds"))
        .await
        .expect(200);
    let kinds: Vec<&str> = kinds
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| k["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["discount", "tutorial"]);

    let log = app.list_all(&demo.admin, "/api/v1/audit-events").await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "community.created" && e["subject_id"] == made["id"]),
        "opening a community is in the operation log"
    );
}

async fn a_shop_guide_runs_only_their_own_communities(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let sh001 = demo.store("SH-001");
    let mine = app
        .post(
            &guide,
            "/api/v1/communities",
            community(sh001, "王芳的话题群", "topic"),
        )
        .await
        .expect(201);
    assert_eq!(mine["owner_id"], demo.staff(GUIDE01), "the guide runs it");
    let mut for_another = community(sh001, "代开的群", "topic");
    for_another["owner_id"] = json!(demo.staff(GUIDE13));
    app.post(&guide, "/api/v1/communities", for_another)
        .await
        .assert_problem(403, "forbidden");

    let colleague = app.login(GUIDE13).await;
    let theirs = app
        .post(
            &colleague,
            "/api/v1/communities",
            community(sh001, "同事的群", "topic"),
        )
        .await
        .expect(201);
    // Visible to a colleague of the store, but not theirs to edit or hand over.
    app.get(&guide, &format!("/api/v1/communities/{}", id(&theirs)))
        .await
        .expect(200);
    app.patch(
        &guide,
        &format!("/api/v1/communities/{}", id(&theirs)),
        json!({ "name": "改名" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &guide,
        &format!("/api/v1/communities/{}", id(&mine)),
        json!({ "owner_id": demo.staff(GUIDE13) }),
    )
    .await
    .assert_problem(403, "forbidden");
    // A guide of another store does not see it at all.
    let elsewhere = app.login(GUIDE02).await;
    app.get(&elsewhere, &format!("/api/v1/communities/{}", id(&mine)))
        .await
        .assert_problem(404, "not_found");
    // A manager hands it over.
    let manager = app.login(SH001_MANAGER).await;
    let handed = app
        .patch(
            &manager,
            &format!("/api/v1/communities/{}", id(&mine)),
            json!({ "owner_id": demo.staff(GUIDE13) }),
        )
        .await
        .expect(200);
    assert_eq!(handed["owner_id"], demo.staff(GUIDE13));
}

async fn bad_community_input_is_refused_naming_the_field(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let sh001 = demo.store("SH-001");
    let before = app.brand_state(admin).await;
    let cases: [(Value, &str, &str); 6] = [
        (community(sh001, "派对群", "party"), "kind", "not_one_of"),
        (community(sh001, "", "topic"), "name", "required"),
        (
            json!({ "store_id": sh001, "name": "太小", "kind": "topic", "capacity": 1 }),
            "capacity",
            "out_of_range",
        ),
        (
            json!({ "store_id": sh001, "name": "错的用途", "kind": "topic", "purpose": "fun" }),
            "purpose",
            "not_one_of",
        ),
        (
            // A guide of HZ-001 cannot run a community of SH-001.
            json!({ "store_id": sh001, "name": "跨店群主", "kind": "topic", "owner_id": demo.staff(GUIDE02) }),
            "owner_id",
            "unknown_owner",
        ),
        (
            community(NO_SUCH_ID, "无店", "topic"),
            "store_id",
            "unknown_store",
        ),
    ];
    for (body, field, reason) in cases {
        let r = app.post(admin, "/api/v1/communities", body).await;
        r.assert_problem(422, "validation_failed")
            .assert_field(field);
        assert_eq!(r.body["errors"][0]["reason"], reason, "{}", r.text);
    }
    let path = format!("/api/v1/communities/{}", demo.community(SH001_SALES));
    app.patch(admin, &path, json!({ "status": "closed" }))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("status");
    app.patch(admin, &path, json!({ "rules": "x".repeat(2_001) }))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("rules");
    assert_eq!(app.brand_state(admin).await, before, "nothing was written");
}

async fn a_full_community_overflows_into_numbered_siblings(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let first = demo.community(SH001_SALES);
    let original = app
        .get(&guide, &format!("/api/v1/communities/{first}"))
        .await
        .expect(200);
    let second = app
        .post_empty(&guide, &format!("/api/v1/communities/{first}/overflow"))
        .await
        .expect(201);
    assert_eq!(second["name"], "上海南京西路店福利2群");
    assert_eq!(second["overflow_of"], first);
    for same in [
        "store_id", "owner_id", "kind", "purpose", "capacity", "rules",
    ] {
        assert_eq!(second[same], original[same], "{same} is carried over");
    }
    // Overflowing the sibling numbers on within the original's family.
    let third = app
        .post_empty(
            &guide,
            &format!("/api/v1/communities/{}/overflow", id(&second)),
        )
        .await
        .expect(201);
    assert_eq!(third["name"], "上海南京西路店福利3群");
    assert_eq!(third["overflow_of"], first);
    // Not the guide's community: refused.
    let service = demo.community("上海南京西路店会员服务群");
    app.post_empty(&guide, &format!("/api/v1/communities/{service}/overflow"))
        .await
        .assert_problem(403, "forbidden");
}

async fn a_chat_group_links_to_one_community_and_can_be_unlinked(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let a = format!("/api/v1/communities/{}", demo.community(SH001_SALES));
    let b = format!(
        "/api/v1/communities/{}",
        demo.community("上海南京西路店会员服务群")
    );
    let linked = app
        .patch(
            admin,
            &a,
            json!({ "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA" }),
        )
        .await
        .expect(200);
    assert_eq!(linked["chat_id"], "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA");
    app.patch(
        admin,
        &b,
        json!({ "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA" }),
    )
    .await
    .assert_problem(409, "taken")
    .assert_field("chat_id");
    // Other fields leave the link alone; null unlinks it.
    let renamed = app
        .patch(admin, &a, json!({ "name": "上海福利群" }))
        .await
        .expect(200);
    assert_eq!(renamed["chat_id"], "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA");
    let unlinked = app
        .patch(admin, &a, json!({ "chat_id": null }))
        .await
        .expect(200);
    assert!(unlinked["chat_id"].is_null());
    app.patch(
        admin,
        &b,
        json!({ "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA" }),
    )
    .await
    .expect(200);
}

async fn communities_are_listed_within_scope_with_totals(app: TestApp) {
    let demo = app.demo().await;
    let all = app
        .get(&demo.admin, "/api/v1/communities?limit=5")
        .await
        .expect(200);
    assert_eq!(all["total"], 24, "two a store in the demo");
    let sh001 = app
        .get(
            &demo.admin,
            &format!("/api/v1/communities?store_id={}", demo.store("SH-001")),
        )
        .await
        .expect(200);
    assert_eq!(sh001["total"], 2);
    let east = app.login(EAST_MANAGER).await;
    assert_eq!(
        app.get(&east, "/api/v1/communities").await.expect(200)["total"],
        8,
        "a region manager sees the region's four stores"
    );
    let guide = app.login(GUIDE01).await;
    let mine = app
        .get(
            &guide,
            &format!("/api/v1/communities?owner_id={}", demo.staff(GUIDE01)),
        )
        .await
        .expect(200);
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["name"], SH001_SALES);
    // Asking for another store gives a guide nothing, not an error.
    let other_store = app
        .get(
            &guide,
            &format!("/api/v1/communities?store_id={}", demo.store("HZ-001")),
        )
        .await
        .expect(200);
    assert_eq!(other_store["total"], 0);
    let found = app
        .get(&demo.admin, "/api/v1/communities?q=%E4%BC%9A%E5%91%98") // 会员
        .await
        .expect(200);
    assert_eq!(found["total"], 12);
    let archived = app
        .get(&demo.admin, "/api/v1/communities?status=archived")
        .await
        .expect(200);
    assert_eq!(archived["total"], 0);
}
