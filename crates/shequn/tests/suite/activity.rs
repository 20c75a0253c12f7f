//! Activity ingest: batches of events from the brand's integration, all or nothing, each
//! event applied once by its id.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_batch_is_stored_once_and_a_replay_changes_nothing,
    a_bad_event_refuses_the_whole_batch,
    a_full_batch_of_a_thousand_events_fits,
);

fn event(id: &str, kind: &str, community: i64, customer: i64) -> Value {
    json!({ "event_id": id, "kind": kind, "community_id": community, "customer_id": customer,
            "at": "2026-11-27T08:00:00Z" })
}

async fn a_batch_is_stored_once_and_a_replay_changes_nothing(app: TestApp) {
    let demo = app.demo().await;
    let (group, fan) = (
        demo.community("上海南京西路店福利群"),
        demo.customer("SH-001小红书粉丝"),
    );
    let batch = json!({ "events": [
        event("e-1", "message", group, fan),
        event("e-2", "shared", group, fan),
        event("e-3", "clicked", group, fan),
    ]});
    let first = app
        .post(&demo.admin, "/api/v1/activity", batch.clone())
        .await
        .expect(200);
    assert_eq!(first, json!({ "accepted": 3, "duplicates": 0 }));
    let replay = app
        .post(&demo.admin, "/api/v1/activity", batch)
        .await
        .expect(200);
    assert_eq!(replay, json!({ "accepted": 0, "duplicates": 3 }));
    let mixed = app
        .post(
            &demo.admin,
            "/api/v1/activity",
            json!({ "events": [event("e-3", "clicked", group, fan), event("e-4", "left", group, fan)] }),
        )
        .await
        .expect(200);
    assert_eq!(mixed, json!({ "accepted": 1, "duplicates": 1 }));
    let stored = app
        .stored_strings("SELECT event_id FROM activity_events ORDER BY event_id")
        .await;
    assert_eq!(stored, ["e-1", "e-2", "e-3", "e-4"]);
}

async fn a_bad_event_refuses_the_whole_batch(app: TestApp) {
    let demo = app.demo().await;
    let (group, fan) = (
        demo.community("上海南京西路店福利群"),
        demo.customer("SH-001小红书粉丝"),
    );
    let with = |bad: Value| json!({ "events": [event("ok-1", "message", group, fan), bad] });
    for bad in [
        event("ok-2", "liked", group, fan),
        event("", "message", group, fan),
        event("ok-2", "message", NO_SUCH_ID, fan),
        event("ok-2", "message", group, NO_SUCH_ID),
        json!({ "event_id": "ok-2", "kind": "message", "community_id": group, "customer_id": fan, "at": "yesterday" }),
    ] {
        app.post(&demo.admin, "/api/v1/activity", with(bad))
            .await
            .assert_problem(422, "validation_failed")
            .assert_field("events");
    }
    app.post(&demo.admin, "/api/v1/activity", json!({ "events": [] }))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("events");
    // Another brand's integration naming demo's rows is refused like naming none.
    let other = app.login(OTHER_ADMIN).await;
    let absent = app
        .post(
            &other,
            "/api/v1/activity",
            json!({ "events": [event("x-1", "message", NO_SUCH_ID, fan)] }),
        )
        .await;
    let foreign = app
        .post(
            &other,
            "/api/v1/activity",
            json!({ "events": [event("x-1", "message", group, fan)] }),
        )
        .await;
    assert_eq!(foreign.status, absent.status);
    assert_eq!(foreign.body, absent.body);
    // Shop guides are not the integration.
    let guide = app.login(GUIDE01).await;
    app.post(
        &guide,
        "/api/v1/activity",
        json!({ "events": [event("g-1", "message", group, fan)] }),
    )
    .await
    .assert_problem(403, "forbidden");
    assert!(
        app.stored_strings("SELECT event_id FROM activity_events")
            .await
            .is_empty(),
        "nothing was stored"
    );
}

async fn a_full_batch_of_a_thousand_events_fits(app: TestApp) {
    let demo = app.demo().await;
    let (group, fan) = (
        demo.community("上海南京西路店福利群"),
        demo.customer("SH-001小红书粉丝"),
    );
    let events: Vec<Value> = (0..1_000)
        .map(|i| event(&format!("bulk-{i:04}"), "message", group, fan))
        .collect();
    let body = json!({ "events": events });
    assert!(
        body.to_string().len() > 64 * 1024,
        "larger than the API's usual limit"
    );
    let stored = app
        .post(&demo.admin, "/api/v1/activity", body)
        .await
        .expect(200);
    assert_eq!(stored["accepted"], 1_000);
    let one_more: Vec<Value> = (0..1_001)
        .map(|i| event(&format!("over-{i:04}"), "message", group, fan))
        .collect();
    app.post(
        &demo.admin,
        "/api/v1/activity",
        json!({ "events": one_more }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("events");
}
