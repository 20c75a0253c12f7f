//! Searching stores and staff: a substring of code, name or email, within the caller's
//! scope, with the user's `%` and `_` taken literally.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    stores_are_found_by_part_of_code_or_name_within_scope,
    staff_are_found_by_part_of_name_or_email_within_scope,
    lists_count_every_matching_row_on_every_page,
);

async fn lists_count_every_matching_row_on_every_page(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let first = app.get(admin, "/api/v1/stores?limit=5").await.expect(200);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(5));
    assert_eq!(first["total"], 12, "the total counts every page");
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = app
        .get(admin, &format!("/api/v1/stores?limit=5&cursor={cursor}"))
        .await
        .expect(200);
    assert_eq!(second["total"], 12, "the cursor does not shrink the total");
    let east = app
        .get(
            admin,
            &format!("/api/v1/stores?region_id={}", demo.region(EAST)),
        )
        .await
        .expect(200);
    assert_eq!(east["total"], 4, "the total follows the filter");
    let none = app
        .get(admin, "/api/v1/stores?q=nothing-like-this")
        .await
        .expect(200);
    assert_eq!(none["total"], 0);
    // Within the caller's scope: a shop guide sees one store, a region manager its region's staff.
    let guide = app.login(GUIDE01).await;
    assert_eq!(
        app.get(&guide, "/api/v1/stores").await.expect(200)["total"],
        1
    );
    let staff = app.get(admin, "/api/v1/staff?limit=10").await.expect(200);
    assert_eq!(
        staff["total"], 56,
        "1 admin, 3 region managers, 12 store managers, 40 guides"
    );
    let regions = app.get(admin, "/api/v1/regions").await.expect(200);
    assert_eq!(regions["total"], 3);
}

fn codes(rows: &[Value]) -> Vec<&str> {
    rows.iter()
        .map(|r| r["code"].as_str().unwrap_or(""))
        .collect()
}

async fn stores_are_found_by_part_of_code_or_name_within_scope(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    assert_eq!(
        codes(&app.list_all(admin, "/api/v1/stores?q=sh-00").await),
        ["SH-001"]
    );
    assert_eq!(
        codes(
            &app.list_all(admin, "/api/v1/stores?q=%E6%9D%AD%E5%B7%9E")
                .await
        ),
        ["HZ-001"]
    ); // 杭州
    assert_eq!(
        codes(&app.list_all(admin, "/api/v1/stores?q=-001").await).len(),
        12
    );
    // A literal percent sign or underscore matches only itself.
    assert!(app.list_all(admin, "/api/v1/stores?q=%25").await.is_empty());
    assert!(
        app.list_all(admin, "/api/v1/stores?q=SH_001")
            .await
            .is_empty()
    );
    app.post(
        admin,
        "/api/v1/stores",
        json!({ "region_id": demo.region(EAST), "code": "SH_100", "name": "百分百 100% 店" }),
    )
    .await
    .expect(201);
    assert_eq!(
        codes(&app.list_all(admin, "/api/v1/stores?q=100%25").await),
        ["SH_100"]
    );
    assert_eq!(
        codes(&app.list_all(admin, "/api/v1/stores?q=SH_").await),
        ["SH_100"]
    );
    // Search narrows the scope, never widens it.
    let east = app.login(EAST_MANAGER).await;
    assert!(app.list_all(&east, "/api/v1/stores?q=GZ").await.is_empty());
    let guide = app.login(GUIDE01).await;
    assert!(app.list_all(&guide, "/api/v1/stores?q=HZ").await.is_empty());
    app.get(admin, &format!("/api/v1/stores?q={}", "x".repeat(51)))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("q");
}

async fn staff_are_found_by_part_of_name_or_email_within_scope(app: TestApp) {
    let demo = app.demo().await;
    let admin = &demo.admin;
    let found = app
        .list_all(admin, "/api/v1/staff?q=%E7%8E%8B%E8%8A%B3")
        .await; // 王芳
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], GUIDE01);
    let found = app.list_all(admin, "/api/v1/staff?q=GUIDE0").await;
    assert_eq!(found.len(), 9, "guide01 … guide09, case-insensitively");
    let manager = app.login(SH001_MANAGER).await;
    let mine: Vec<String> = app
        .list_all(&manager, "/api/v1/staff?q=guide")
        .await
        .iter()
        .map(|s| s["email"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        mine,
        [
            "guide01@demo.shequn.test",
            "guide13@demo.shequn.test",
            "guide25@demo.shequn.test",
            "guide37@demo.shequn.test"
        ]
    );
}
