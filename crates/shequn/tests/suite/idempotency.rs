//! `Idempotency-Key` on creating POSTs: the first response is replayed whatever its status,
//! a key reused for another request is refused, keys belong to one caller of one brand, and
//! a key whose first request is still running answers 409.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shequn_app::clock::now_ms;
use shequn_app::storage::idempotency as stored_keys;
use shequn_domain::BrandId;

use crate::both_engines;
use crate::common::*;

both_engines!(
    the_same_key_and_body_replay_the_first_response_and_create_once,
    the_same_key_with_a_different_request_is_refused,
    an_error_response_is_replayed_as_it_was_first_given,
    keys_belong_to_one_caller_of_one_brand,
    a_key_whose_first_request_is_still_running_gets_409,
    a_claim_left_by_a_request_that_died_is_taken_over,
    malformed_keys_are_refused_and_create_nothing,
);

const KEY: &str = "idempotency-key";

async fn post_with_key(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Reply {
    app.send(
        app.request(Method::POST, path, Some(token))
            .header(KEY, key)
            .json(body),
    )
    .await
}

/// Asserts that `again` is `first` replayed: same status, body and content type, marked.
#[track_caller]
fn assert_replayed(first: &Reply, again: &Reply) {
    assert_eq!(
        first.header("idempotent-replayed"),
        None,
        "{}: a first response is not a replay",
        first.what
    );
    assert_eq!(
        again.status, first.status,
        "{}: replayed status: {}",
        again.what, again.text
    );
    // A new API token's secret is shown once: its replay carries `token: null`.
    let mut expected = first.body.clone();
    if let Some(token) = expected.get_mut("token").filter(|t| t.is_string()) {
        *token = serde_json::Value::Null;
    }
    assert_eq!(again.body, expected, "{}: replayed body", again.what);
    assert_eq!(
        again.header("content-type"),
        first.header("content-type"),
        "{}",
        again.what
    );
    assert_eq!(
        again.header("idempotent-replayed"),
        Some("true"),
        "{}",
        again.what
    );
}

async fn count(app: &TestApp, token: &str, list: &str) -> usize {
    app.list_all(token, list).await.len()
}

async fn the_same_key_and_body_replay_the_first_response_and_create_once(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.as_str();
    let creates = [
        ("/api/v1/regions", json!({ "name": "华西大区" })),
        (
            "/api/v1/stores",
            json!({ "region_id": demo.region(EAST), "code": "SH-009", "name": "上海徐家汇店" }),
        ),
        (
            "/api/v1/staff",
            json!({
                "email": "new.guide@demo.shequn.test", "display_name": "新导购", "role": "shop_guide",
                "store_id": demo.store("SH-001"), "password": "first-password-1",
            }),
        ),
        ("/api/v1/tokens", json!({ "name": "ERP sync" })),
    ];
    for (path, body) in &creates {
        let key = format!("create:{path}");
        let before = count(&app, admin, path).await;
        let first = post_with_key(&app, admin, path, &key, body).await;
        first.assert_status(201);
        let again = post_with_key(&app, admin, path, &key, body).await;
        assert_replayed(&first, &again);
        assert_eq!(
            count(&app, admin, path).await,
            before + 1,
            "{path}: the replay created a second row"
        );
    }
}

async fn the_same_key_with_a_different_request_is_refused(app: TestApp) {
    let admin = app.login(ADMIN).await;
    post_with_key(
        &app,
        &admin,
        "/api/v1/regions",
        "k-1",
        &json!({ "name": "华西大区" }),
    )
    .await
    .assert_status(201);
    let before = app.brand_state(&admin).await;
    for (path, body) in [
        ("/api/v1/regions", json!({ "name": "西北大区" })),
        // The key names one request, whatever the route.
        ("/api/v1/tokens", json!({ "name": "华西大区" })),
    ] {
        post_with_key(&app, &admin, path, "k-1", &body)
            .await
            .assert_problem(422, "idempotency_key_reused")
            .assert_field("Idempotency-Key");
    }
    assert_eq!(app.brand_state(&admin).await, before);
}

async fn an_error_response_is_replayed_as_it_was_first_given(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.as_str();
    let empty = json!({ "name": "" });
    let first = post_with_key(&app, admin, "/api/v1/regions", "bad-1", &empty).await;
    first.assert_problem(422, "validation_failed");
    let again = post_with_key(&app, admin, "/api/v1/regions", "bad-1", &empty).await;
    assert_replayed(&first, &again);
    again.assert_problem(422, "validation_failed");

    // A conflict stays the answer to that key even after the conflict is gone.
    let taken = json!({ "name": SOUTH });
    let first = post_with_key(&app, admin, "/api/v1/regions", "dup-1", &taken).await;
    first.assert_problem(409, "conflict");
    let south = format!("/api/v1/regions/{}", demo.region(SOUTH));
    app.patch(admin, &south, json!({ "name": "华南大区（旧）" }))
        .await
        .assert_status(200);
    let again = post_with_key(&app, admin, "/api/v1/regions", "dup-1", &taken).await;
    assert_replayed(&first, &again);
    let names: Vec<Value> = app
        .list_all(admin, "/api/v1/regions")
        .await
        .into_iter()
        .map(|r| r["name"].clone())
        .collect();
    assert!(
        !names.contains(&json!(SOUTH)),
        "the replay must not have run the request: {names:?}"
    );
}

async fn keys_belong_to_one_caller_of_one_brand(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let guide = app.login(GUIDE01).await;
    let other = app.login(OTHER_ADMIN).await;
    let body = json!({ "name": "shared key" });
    let key = "shared-1";

    let mine = post_with_key(&app, &admin, "/api/v1/tokens", key, &body).await;
    mine.assert_status(201);
    let theirs = post_with_key(&app, &guide, "/api/v1/tokens", key, &body).await;
    theirs.assert_status(201);
    assert_eq!(
        theirs.header("idempotent-replayed"),
        None,
        "another staff member's key is a new key"
    );
    assert_ne!(id(&theirs.body), id(&mine.body));
    let other_brand = post_with_key(
        &app,
        &other,
        "/api/v1/regions",
        key,
        &json!({ "name": "西南二区" }),
    )
    .await;
    other_brand.assert_status(201);
    assert_eq!(
        other_brand.header("idempotent-replayed"),
        None,
        "another brand's key is a new key"
    );

    assert_replayed(
        &mine,
        &post_with_key(&app, &admin, "/api/v1/tokens", key, &body).await,
    );
    assert_replayed(
        &theirs,
        &post_with_key(&app, &guide, "/api/v1/tokens", key, &body).await,
    );
}

/// The hash the server keeps of a request: method, path and the exact body bytes.
fn request_hash(path: &str, body: &str) -> String {
    hex::encode(Sha256::digest(format!("POST {path}\n{body}").as_bytes()))
}

/// Who is calling, as the idempotency store names them: (brand, `staff:<id>`).
async fn caller_of(app: &TestApp, token: &str) -> (BrandId, String) {
    let me = app.me(token).await;
    let brand = BrandId(me["brand"]["id"].as_i64().expect("a brand id"));
    (brand, format!("staff:{}", me["staff"]["id"]))
}

/// Records a claim on `key` as a request that started at `at` would, and has not finished.
async fn claim(app: &TestApp, (brand, caller): &(BrandId, String), key: &str, hash: &str, at: i64) {
    let mut tx = app.db.write().await.expect("a write transaction");
    let claimed = stored_keys::claim(&mut tx, *brand, caller, key, hash, at)
        .await
        .expect("claim a key");
    tx.commit().await.expect("commit the claim");
    assert!(claimed, "the key was free");
}

async fn a_key_whose_first_request_is_still_running_gets_409(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let caller = caller_of(&app, &admin).await;
    let path = "/api/v1/regions";
    let body = json!({ "name": "华西大区" }).to_string();
    claim(
        &app,
        &caller,
        "slow-1",
        &request_hash(path, &body),
        now_ms(),
    )
    .await;

    let before = app.brand_state(&admin).await;
    // The body goes out byte for byte as it was hashed.
    let send_exact = || {
        app.send(
            app.request(Method::POST, path, Some(&admin))
                .header(KEY, "slow-1")
                .header("content-type", "application/json")
                .body(body.clone()),
        )
    };
    send_exact()
        .await
        .assert_problem(409, "idempotency_in_progress");
    assert_eq!(
        app.brand_state(&admin).await,
        before,
        "a refused retry must not run the request"
    );

    // Once the first request gives its claim up (it failed before answering), a retry runs.
    let mut tx = app.db.write().await.expect("a write transaction");
    stored_keys::release(&mut tx, caller.0, &caller.1, "slow-1")
        .await
        .expect("release the claim");
    tx.commit().await.expect("commit the release");
    let ran = send_exact().await;
    ran.assert_status(201);
    assert_eq!(ran.header("idempotent-replayed"), None);
}

async fn a_claim_left_by_a_request_that_died_is_taken_over(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let caller = caller_of(&app, &admin).await;
    let path = "/api/v1/regions";
    let body = json!({ "name": "华西大区" }).to_string();
    let ten_minutes_ago = now_ms() - 10 * 60 * 1000;
    claim(
        &app,
        &caller,
        "orphan-1",
        &request_hash(path, &body),
        ten_minutes_ago,
    )
    .await;

    let send = || {
        app.send(
            app.request(Method::POST, path, Some(&admin))
                .header(KEY, "orphan-1")
                .header("content-type", "application/json")
                .body(body.clone()),
        )
    };
    let first = send().await;
    first.assert_status(201);
    assert_replayed(&first, &send().await);
}

async fn malformed_keys_are_refused_and_create_nothing(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let before = app.brand_state(&admin).await;
    let body = json!({ "name": "华西大区" });
    for key in [String::new(), "has space".to_owned(), "k".repeat(256)] {
        post_with_key(&app, &admin, "/api/v1/regions", &key, &body)
            .await
            .assert_problem(400, "invalid_idempotency_key")
            .assert_field("Idempotency-Key");
    }
    assert_eq!(app.brand_state(&admin).await, before);
    post_with_key(&app, &admin, "/api/v1/regions", &"k".repeat(255), &body)
        .await
        .assert_status(201);
}
