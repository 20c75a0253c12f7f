//! The operation log: every change to the organisation is recorded in its own transaction,
//! by whom and where, and each manager sees the events of their scope only.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    every_organisation_change_is_logged_newest_first_with_its_actor,
    each_manager_sees_the_log_of_its_scope_and_guides_none,
    a_refused_change_leaves_no_event,
);

const LOG: &str = "/api/v1/audit-events";

fn actions(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn every_organisation_change_is_logged_newest_first_with_its_actor(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    assert!(
        app.list_all(admin, LOG).await.is_empty(),
        "seeding writes no events"
    );

    let region = app
        .post(admin, "/api/v1/regions", json!({ "name": "西北大区" }))
        .await
        .expect(201);
    let store = app
        .post(
            admin,
            "/api/v1/stores",
            json!({ "region_id": id(&region), "code": "XA-001", "name": "西安钟楼店" }),
        )
        .await
        .expect(201);
    app.patch(
        admin,
        &format!("/api/v1/stores/{}", id(&store)),
        json!({ "name": "西安钟楼旗舰店" }),
    )
    .await
    .expect(200);
    let guide = app
        .post(admin, "/api/v1/staff", json!({
            "email": "xa.guide@demo.shequn.test", "display_name": "西安导购", "role": "shop_guide",
            "store_id": id(&store), "password": "first-password-1",
        }))
        .await
        .expect(201);
    app.post(
        admin,
        &format!("/api/v1/staff/{}/password", id(&guide)),
        json!({ "new_password": "second-password-2" }),
    )
    .await
    .assert_status(204);
    let token = app
        .post(admin, "/api/v1/tokens", json!({ "name": "ERP" }))
        .await
        .expect(201);
    app.delete(admin, &format!("/api/v1/tokens/{}", id(&token)))
        .await
        .expect(200);
    app.login(GUIDE01).await; // signing in is not an organisation change

    let log = app.list_all(admin, LOG).await;
    assert_eq!(
        actions(&log),
        [
            "token.revoked",
            "token.created",
            "staff.password_reset",
            "staff.created",
            "store.updated",
            "store.created",
            "region.created",
        ]
    );
    let updated = &log[4];
    assert_eq!(updated["subject_type"], "store");
    assert_eq!(updated["subject_id"], id(&store));
    assert_eq!(updated["region_id"], id(&region));
    assert_eq!(updated["detail"]["name"], "西安钟楼旗舰店");
    assert_eq!(updated["actor_staff_id"], demo.staff(ADMIN));
    assert_eq!(updated["actor_name"], "演示管理员");
    // No secret reaches the log.
    let text = serde_json::to_string(&log).expect("json");
    assert!(!text.contains("second-password-2") && !text.contains("first-password-1"));
    assert!(!text.contains(token["token"].as_str().expect("a token")));

    // Pages go from newest to oldest, each event once.
    let mut paged = Vec::new();
    let mut path = format!("{LOG}?limit=3");
    loop {
        let page = app.get(admin, &path).await.expect(200);
        paged.extend(page["items"].as_array().expect("items").iter().map(id));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{LOG}?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, log.iter().map(id).collect::<Vec<_>>());
}

async fn each_manager_sees_the_log_of_its_scope_and_guides_none(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    for (store, name) in [
        ("SH-001", "上海南京西路一号店"),
        ("HZ-001", "杭州湖滨一号店"),
        ("GZ-001", "广州天河城一号店"),
    ] {
        app.patch(
            admin,
            &format!("/api/v1/stores/{}", demo.store(store)),
            json!({ "name": name }),
        )
        .await
        .expect(200);
    }
    let east = app.login(EAST_MANAGER).await;
    let seen: Vec<i64> = app
        .list_all(&east, LOG)
        .await
        .iter()
        .map(|e| e["subject_id"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(
        seen,
        [demo.store("HZ-001"), demo.store("SH-001")],
        "east sees its two stores, not Guangzhou"
    );
    let manager = app.login(SH001_MANAGER).await;
    let seen: Vec<i64> = app
        .list_all(&manager, LOG)
        .await
        .iter()
        .map(|e| e["subject_id"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(seen, [demo.store("SH-001")]);
    let guide = app.login(GUIDE01).await;
    app.get(&guide, LOG).await.assert_problem(403, "forbidden");
    assert_eq!(app.list_all(admin, LOG).await.len(), 3);
}

async fn a_refused_change_leaves_no_event(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    app.post(
        admin,
        "/api/v1/stores",
        json!({ "region_id": demo.region(EAST), "code": "SH-001", "name": "重复" }),
    )
    .await
    .assert_problem(409, "taken");
    app.patch(
        admin,
        &format!("/api/v1/regions/{}", demo.region(EAST)),
        json!({ "active": false }),
    )
    .await
    .assert_problem(409, "region_has_active_stores");
    let east = app.login(EAST_MANAGER).await;
    app.post(&east, "/api/v1/regions", json!({ "name": "越权大区" }))
        .await
        .assert_problem(403, "forbidden");
    assert!(app.list_all(admin, LOG).await.is_empty());
}
