//! `Idempotency-Key` on creating POSTs: a success is replayed from the result stored in the
//! use case's own transaction (also when the answer was lost after the commit), a key
//! reused for another request is refused, keys belong to one caller of one brand, a failed
//! request stores nothing, and concurrent requests with one key take effect once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    the_same_key_and_body_replay_the_first_response_and_create_once,
    the_same_key_with_a_different_request_is_refused,
    a_failed_request_stores_nothing_and_its_retry_runs_afresh,
    keys_belong_to_one_caller_of_one_brand,
    concurrent_requests_with_one_key_take_effect_once,
    a_crash_after_the_commit_does_not_run_the_request_twice,
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

async fn a_failed_request_stores_nothing_and_its_retry_runs_afresh(app: TestApp) {
    let demo = app.demo().await;
    let admin = demo.admin.as_str();
    let empty = json!({ "name": "" });
    let first = post_with_key(&app, admin, "/api/v1/regions", "bad-1", &empty).await;
    first.assert_problem(422, "validation_failed");
    let again = post_with_key(&app, admin, "/api/v1/regions", "bad-1", &empty).await;
    again.assert_problem(422, "validation_failed");
    assert_eq!(again.header("idempotent-replayed"), None);

    // A conflict rolled back with its use case: once the conflict is gone, the retry runs,
    // and from then on that key answers with its success.
    let taken = json!({ "name": SOUTH });
    let first = post_with_key(&app, admin, "/api/v1/regions", "dup-1", &taken).await;
    first.assert_problem(409, "taken");
    let south = format!("/api/v1/regions/{}", demo.region(SOUTH));
    app.patch(admin, &south, json!({ "name": "华南大区（旧）" }))
        .await
        .assert_status(200);
    let ran = post_with_key(&app, admin, "/api/v1/regions", "dup-1", &taken).await;
    ran.assert_status(201);
    assert_eq!(ran.header("idempotent-replayed"), None);
    assert_replayed(
        &ran,
        &post_with_key(&app, admin, "/api/v1/regions", "dup-1", &taken).await,
    );
    let named_south = app
        .list_all(admin, "/api/v1/regions")
        .await
        .into_iter()
        .filter(|r| r["name"] == json!(SOUTH))
        .count();
    assert_eq!(named_south, 1);
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

async fn concurrent_requests_with_one_key_take_effect_once(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let before = count(&app, &admin, "/api/v1/regions").await;
    let body = json!({ "name": "华西大区" });
    let replies = futures_join_all(
        (0..8).map(|_| post_with_key(&app, &admin, "/api/v1/regions", "race-1", &body)),
    )
    .await;
    let first = replies
        .iter()
        .find(|r| r.header("idempotent-replayed").is_none())
        .expect("one request ran");
    first.assert_status(201);
    for r in &replies {
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body, first.body, "every answer is the one result");
    }
    let ran = replies
        .iter()
        .filter(|r| r.header("idempotent-replayed").is_none())
        .count();
    assert_eq!(ran, 1, "exactly one request ran the use case");
    assert_eq!(count(&app, &admin, "/api/v1/regions").await, before + 1);
}

/// Runs the futures concurrently on this task and collects their outputs in order.
async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    let mut out = Vec::with_capacity(set.len());
    // `join!`-style polling without another crate: each future is polled as the others
    // wait on the server, so the requests are in flight together.
    let mut pending: Vec<_> = set.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}

async fn a_crash_after_the_commit_does_not_run_the_request_twice(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let before = count(&app, &admin, "/api/v1/regions").await;
    let body = json!({ "name": "华西大区" });
    // The use case commits, then its caller hears of a failure: as if the process died
    // between the COMMIT and the answer. The client saw no answer and retries.
    app.db.inject_failure_after_next_commit();
    post_with_key(&app, &admin, "/api/v1/regions", "crash-1", &body)
        .await
        .assert_problem(500, "internal");
    assert_eq!(
        count(&app, &admin, "/api/v1/regions").await,
        before + 1,
        "the first request committed"
    );
    let retry = post_with_key(&app, &admin, "/api/v1/regions", "crash-1", &body).await;
    retry.assert_status(201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body["name"], json!("华西大区"));
    assert_eq!(
        count(&app, &admin, "/api/v1/regions").await,
        before + 1,
        "the retry must not have run the use case again"
    );
    // The rebuilt answer is the region as stored.
    let id = retry.body["id"].as_i64().expect("an id");
    let stored = app.get(&admin, &format!("/api/v1/regions/{id}")).await;
    assert_eq!(stored.body, retry.body);
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
