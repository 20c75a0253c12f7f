//! Scope inside one brand: each role sees and changes only its part of the organisation.
//! Out of sight is 404 (as if absent); in sight but not the role's to change is 403.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    managers_reset_passwords_only_of_staff_they_manage,
    a_shop_guide_sees_only_its_own_store_and_its_people,
    a_shop_guide_changes_no_organisation_data,
    a_region_manager_sees_and_opens_stores_only_in_its_region,
    a_store_manager_hires_shop_guides_only_for_its_own_store,
    nobody_can_deactivate_themselves_or_change_their_own_role,
    a_region_with_active_stores_cannot_be_deactivated,
);

fn ids(rows: &[Value]) -> BTreeSet<i64> {
    rows.iter().map(id).collect()
}

fn codes(stores: &[Value]) -> BTreeSet<String> {
    stores
        .iter()
        .map(|s| s["code"].as_str().expect("a code").to_owned())
        .collect()
}

fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.into_iter().map(str::to_owned).collect()
}

fn new_staff(email: &str, role: &str, store_id: i64) -> Value {
    json!({ "email": email, "display_name": "新同事", "role": role, "store_id": store_id, "password": "first-password-1" })
}

async fn a_shop_guide_sees_only_its_own_store_and_its_people(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let sh001 = demo.store("SH-001");

    assert_eq!(
        codes(&app.list_all(&guide, "/api/v1/stores").await),
        set(["SH-001"])
    );
    app.get(&guide, &format!("/api/v1/stores/{sh001}"))
        .await
        .assert_status(200);
    for code in ["HZ-001", "GZ-001"] {
        app.get(&guide, &format!("/api/v1/stores/{}", demo.store(code)))
            .await
            .assert_problem(404, "not_found");
    }
    let south = demo.region(SOUTH);
    assert!(
        app.list_all(&guide, &format!("/api/v1/stores?region_id={south}"))
            .await
            .is_empty()
    );

    // Its store's people, and no one else.
    let everyone = app.list_all(&demo.admin, "/api/v1/staff").await;
    let colleagues: Vec<Value> = everyone
        .iter()
        .filter(|s| s["store_id"] == sh001)
        .cloned()
        .collect();
    assert_eq!(colleagues.len(), 5, "SH-001 has a manager and four guides");
    assert_eq!(
        ids(&app.list_all(&guide, "/api/v1/staff").await),
        ids(&colleagues)
    );
    app.get(
        &guide,
        &format!("/api/v1/staff/{}", demo.staff("guide13@demo.shequn.test")),
    )
    .await
    .assert_status(200);
    for email in [
        GUIDE02,
        "manager.hz001@demo.shequn.test",
        EAST_MANAGER,
        ADMIN,
    ] {
        app.get(&guide, &format!("/api/v1/staff/{}", demo.staff(email)))
            .await
            .assert_problem(404, "not_found");
    }
    let hz001 = demo.store("HZ-001");
    assert!(
        app.list_all(&guide, &format!("/api/v1/staff?store_id={hz001}"))
            .await
            .is_empty()
    );

    // Its own region only.
    let regions = app.list_all(&guide, "/api/v1/regions").await;
    assert_eq!(ids(&regions), BTreeSet::from([demo.region(EAST)]));
    app.get(&guide, &format!("/api/v1/regions/{south}"))
        .await
        .assert_problem(404, "not_found");
}

async fn a_shop_guide_changes_no_organisation_data(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let (east, sh001) = (demo.region(EAST), demo.store("SH-001"));
    let before = app.brand_state(&demo.admin).await;

    let own_store = format!("/api/v1/stores/{sh001}");
    app.patch(&guide, &own_store, json!({ "name": "导购改的名" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&guide, &own_store, json!({ "active": false }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &guide,
        &format!("/api/v1/stores/{}", demo.store("HZ-001")),
        json!({ "name": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    let colleague = format!("/api/v1/staff/{}", demo.staff("guide13@demo.shequn.test"));
    app.patch(&guide, &colleague, json!({ "display_name": "x" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&guide, &colleague, json!({ "active": false }))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &guide,
        "/api/v1/staff",
        new_staff("guide.hire@demo.shequn.test", "shop_guide", sh001),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        &guide,
        "/api/v1/stores",
        json!({ "region_id": east, "code": "SH-002", "name": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(&guide, "/api/v1/regions", json!({ "name": "导购大区" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &guide,
        &format!("/api/v1/regions/{east}"),
        json!({ "name": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");

    assert_eq!(app.brand_state(&demo.admin).await, before);
}

async fn a_region_manager_sees_and_opens_stores_only_in_its_region(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(EAST_MANAGER).await;
    let (east, south) = (demo.region(EAST), demo.region(SOUTH));

    let stores = app.list_all(&manager, "/api/v1/stores").await;
    assert_eq!(
        codes(&stores),
        set(["SH-001", "HZ-001", "SZ-001", "NJ-001"])
    );
    app.get(
        &manager,
        &format!("/api/v1/stores/{}", demo.store("GZ-001")),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&manager, &format!("/api/v1/regions/{south}"))
        .await
        .assert_problem(404, "not_found");

    let everyone = app.list_all(&demo.admin, "/api/v1/staff").await;
    let in_region: Vec<Value> = everyone
        .iter()
        .filter(|s| s["region_id"] == east)
        .cloned()
        .collect();
    assert_eq!(
        in_region.len(),
        21,
        "华东: its manager, 4 store managers and 16 guides"
    );
    assert_eq!(
        ids(&app.list_all(&manager, "/api/v1/staff").await),
        ids(&in_region)
    );
    for email in [
        "manager.gz001@demo.shequn.test",
        "south@demo.shequn.test",
        ADMIN,
    ] {
        app.get(&manager, &format!("/api/v1/staff/{}", demo.staff(email)))
            .await
            .assert_problem(404, "not_found");
    }

    let opened = app
        .post(
            &manager,
            "/api/v1/stores",
            json!({ "region_id": east, "code": "SH-002", "name": "上海静安寺店" }),
        )
        .await
        .expect(201);
    assert_eq!(opened["region_id"], east);

    let before = app.brand_state(&demo.admin).await;
    app.post(
        &manager,
        "/api/v1/stores",
        json!({ "region_id": south, "code": "GZ-002", "name": "广州越秀店" }),
    )
    .await
    .assert_refused();
    app.post(&manager, "/api/v1/regions", json!({ "name": "华西大区" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &manager,
        &format!("/api/v1/regions/{east}"),
        json!({ "name": "改名大区" }),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.brand_state(&demo.admin).await, before);
}

async fn a_store_manager_hires_shop_guides_only_for_its_own_store(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let (sh001, hz001) = (demo.store("SH-001"), demo.store("HZ-001"));

    let hired = app
        .post(
            &manager,
            "/api/v1/staff",
            new_staff("new.guide@demo.shequn.test", "shop_guide", sh001),
        )
        .await
        .expect(201);
    assert_eq!(hired["role"], "shop_guide");
    assert_eq!(hired["store_id"], sh001);
    app.try_login("new.guide@demo.shequn.test", "first-password-1")
        .await
        .assert_status(200);

    let before = app.brand_state(&demo.admin).await;
    app.post(
        &manager,
        "/api/v1/staff",
        new_staff("peer@demo.shequn.test", "store_manager", sh001),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        &manager,
        "/api/v1/staff",
        new_staff("elsewhere@demo.shequn.test", "shop_guide", hz001),
    )
    .await
    .assert_refused();
    app.post(
        &manager,
        "/api/v1/staff",
        json!({ "email": "boss@demo.shequn.test", "display_name": "x", "role": "region_manager",
                "region_id": demo.region(EAST), "password": "first-password-1" }),
    )
    .await
    .assert_problem(403, "forbidden");
    // It may edit its store, but only region managers and admins close one.
    app.patch(
        &manager,
        &format!("/api/v1/stores/{sh001}"),
        json!({ "active": false }),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.brand_state(&demo.admin).await, before);

    let renamed = app
        .patch(
            &manager,
            &format!("/api/v1/stores/{sh001}"),
            json!({ "name": "上海南京西路旗舰店" }),
        )
        .await
        .expect(200);
    assert_eq!(renamed["name"], "上海南京西路旗舰店");
}

async fn nobody_can_deactivate_themselves_or_change_their_own_role(app: TestApp) {
    for email in [ADMIN, EAST_MANAGER, SH001_MANAGER, GUIDE01] {
        let token = app.login(email).await;
        let me = app.me(&token).await;
        let path = format!("/api/v1/staff/{}", me["staff"]["id"]);
        app.patch(&token, &path, json!({ "active": false }))
            .await
            .assert_problem(403, "forbidden");
        app.get(&token, "/api/v1/me").await.assert_status(200);
    }
    let admin = app.login(ADMIN).await;
    let me = app.me(&admin).await;
    let sh001 = app
        .list_all(&admin, "/api/v1/stores")
        .await
        .iter()
        .find(|s| s["code"] == "SH-001")
        .map(id);
    app.patch(
        &admin,
        &format!("/api/v1/staff/{}", me["staff"]["id"]),
        json!({ "role": "shop_guide", "store_id": sh001 }),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.me(&admin).await["staff"]["role"], "brand_admin");
}

async fn a_region_with_active_stores_cannot_be_deactivated(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.as_str();
    let north = demo.region(NORTH);
    let path = format!("/api/v1/regions/{north}");

    app.patch(admin, &path, json!({ "active": false }))
        .await
        .assert_problem(409, "region_has_active_stores")
        .assert_field("active");
    assert_eq!(app.get(admin, &path).await.expect(200)["active"], true);

    for code in ["BJ-001", "TJ-001", "QD-001", "JN-001"] {
        let closed = app
            .patch(
                admin,
                &format!("/api/v1/stores/{}", demo.store(code)),
                json!({ "active": false }),
            )
            .await
            .expect(200);
        assert_eq!(closed["active"], false);
    }
    let region = app
        .patch(admin, &path, json!({ "active": false }))
        .await
        .expect(200);
    assert_eq!(region["active"], false);
    // A deactivated region takes no new stores.
    app.post(
        admin,
        "/api/v1/stores",
        json!({ "region_id": north, "code": "BJ-002", "name": "北京国贸店" }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("region_id");
}

async fn managers_reset_passwords_only_of_staff_they_manage(app: TestApp) {
    let demo = app.demo().await;
    let path = |email: &str| format!("/api/v1/staff/{}/password", demo.staff(email));
    let new = json!({ "new_password": "handed-out-2026" });
    let guide_token = app.login(GUIDE01).await;
    let manager = app.login(SH001_MANAGER).await;

    // A guide resets nobody, not even its own store's manager; a store manager not another
    // store's guide (GUIDE02 works at HZ-001), nor itself.
    app.post(&guide_token, &path(GUIDE02), new.clone())
        .await
        .assert_problem(404, "not_found");
    app.post(&guide_token, &path(SH001_MANAGER), new.clone())
        .await
        .assert_problem(403, "forbidden");
    let other_store_guide = app
        .list_all(
            &demo.admin,
            &format!("/api/v1/staff?store_id={}", demo.store("HZ-001")),
        )
        .await
        .into_iter()
        .find(|s| s["role"] == "shop_guide")
        .map(|s| id(&s))
        .expect("HZ-001 has a guide");
    app.post(
        &manager,
        &format!("/api/v1/staff/{other_store_guide}/password"),
        new.clone(),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(&manager, &path(SH001_MANAGER), new.clone())
        .await
        .assert_problem(403, "forbidden");
    app.post(&manager, &path(GUIDE01), json!({ "new_password": "short" }))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("new_password");
    app.get(&guide_token, "/api/v1/me").await.assert_status(200);

    // The store manager resets its own guide: old password and token die, the new one works.
    app.post(&manager, &path(GUIDE01), new.clone())
        .await
        .assert_status(204);
    app.get(&guide_token, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.try_login(GUIDE01, DEMO_PASSWORD)
        .await
        .assert_status(401);
    app.try_login(GUIDE01, "handed-out-2026")
        .await
        .assert_status(200);
}
