//! Durable jobs: run once with their effects, retried with backoff, dead after the last
//! attempt, retried or cancelled by staff; a crashed server's job is taken over when its
//! lease runs out and never runs twice; a job due while the server was down runs when it
//! comes back. The handlers here are test kinds registered the way features register
//! theirs; the runner, the leases and the table are the real ones.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use shequn::http::state::ServerOptions;
use shequn_app::storage::db::Tx;
use shequn_app::storage::{jobs as store, links};
use shequn_app::usecases::jobs::{self, HandlerFuture, Registry};
use shequn_domain::{BrandId, JobStatus, Tier};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_job_runs_once_with_its_effects,
    a_failing_job_backs_off_then_dies_and_staff_retry_or_cancel_it,
    a_crashed_servers_job_is_taken_over_once_its_lease_runs_out,
    a_job_due_while_the_server_was_down_runs_when_it_comes_back,
);

/// Writes the payload's `text` as the brand's welcome for weak joiners: an effect the API
/// shows. Fails when the payload says so.
fn write_welcome<'a>(
    tx: &'a mut Tx,
    brand: BrandId,
    payload: &'a str,
    now: i64,
) -> HandlerFuture<'a> {
    Box::pin(async move {
        let p: Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        let text = p["text"].as_str().unwrap_or("?").to_owned();
        links::set_welcome(tx, brand, Tier::Weak, &text, now)
            .await
            .map_err(|e| e.to_string())?;
        if p["fail"] == true {
            // After the write: a failure must roll the write back.
            return Err("the payload asked to fail".into());
        }
        Ok(())
    })
}

fn registry() -> Arc<Registry> {
    Arc::new(Registry::new().with("test.welcome", write_welcome))
}

async fn schedule(
    app: &TestApp,
    brand: i64,
    payload: Value,
    key: Option<&'static str>,
    run_at: i64,
) -> i64 {
    let payload = payload.to_string();
    app.db
        .write(move |tx| {
            Box::pin(async move {
                jobs::schedule(tx, BrandId(brand), "test.welcome", &payload, key, run_at).await
            })
        })
        .await
        .expect("schedule a job")
}

async fn job(app: &TestApp, brand: i64, id: i64) -> shequn_domain::Job {
    app.db
        .read(move |tx| Box::pin(async move { Ok(store::get(tx, BrandId(brand), id).await?) }))
        .await
        .expect("read a job")
        .expect("the job exists")
}

/// Makes a job due now, as time passing would.
async fn make_due(app: &TestApp, id: i64) {
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE jobs SET run_at = 0 WHERE id = $1",
                    &shequn_app::params![id],
                )
                .await?;
                Ok(())
            })
        })
        .await
        .expect("make the job due");
}

async fn weak_welcome(app: &TestApp, token: &str) -> Value {
    let texts = app.get(token, "/api/v1/welcome-texts").await.expect(200);
    texts
        .as_array()
        .expect("texts")
        .iter()
        .find(|t| t["tier"] == "weak")
        .expect("a weak text")["body"]
        .clone()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

async fn a_job_runs_once_with_its_effects(app: TestApp) {
    let demo = app.demo().await;
    let r = registry();
    let id = schedule(
        &app,
        demo.brand_id,
        json!({ "text": "来自任务的欢迎语" }),
        Some("welcome"),
        0,
    )
    .await;
    // Scheduling the same key again while it is live adds nothing.
    assert_eq!(
        schedule(
            &app,
            demo.brand_id,
            json!({ "text": "x" }),
            Some("welcome"),
            0
        )
        .await,
        id
    );
    // Not yet due: nothing runs.
    let later = schedule(
        &app,
        demo.brand_id,
        json!({ "text": "later" }),
        None,
        now() + 3_600_000,
    )
    .await;
    let pass = jobs::run_due(&app.db, &r, "server-a")
        .await
        .expect("a pass");
    assert_eq!((pass.claimed, pass.done), (1, 1), "{pass:?}");
    assert_eq!(weak_welcome(&app, &demo.admin).await, "来自任务的欢迎语");
    let done = job(&app, demo.brand_id, id).await;
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.attempts, 1);
    // Another pass, or another server, finds nothing to do.
    let again = jobs::run_due(&app.db, &r, "server-b")
        .await
        .expect("a pass");
    assert_eq!(again.claimed, 0);
    assert_eq!(
        job(&app, demo.brand_id, later).await.status,
        JobStatus::Scheduled
    );
    // Staff see the jobs; a done job cannot be retried or cancelled.
    let listed = app
        .get(&demo.admin, "/api/v1/jobs?status=done")
        .await
        .expect(200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["payload"]["text"], "来自任务的欢迎语");
    app.post_empty(&demo.admin, &format!("/api/v1/jobs/{id}/retry"))
        .await
        .assert_problem(409, "invalid_transition");
    let guide = app.login(GUIDE01).await;
    app.get(&guide, "/api/v1/jobs")
        .await
        .assert_problem(403, "forbidden");
}

async fn a_failing_job_backs_off_then_dies_and_staff_retry_or_cancel_it(app: TestApp) {
    let demo = app.demo().await;
    let r = registry();
    let before = weak_welcome(&app, &demo.admin).await;
    let id = schedule(
        &app,
        demo.brand_id,
        json!({ "text": "不该写入", "fail": true }),
        None,
        0,
    )
    .await;
    let mut waits = Vec::new();
    for attempt in 1..=5 {
        let started = now();
        let pass = jobs::run_due(&app.db, &r, "server-a")
            .await
            .expect("a pass");
        assert_eq!(pass.claimed, 1, "attempt {attempt}");
        let j = job(&app, demo.brand_id, id).await;
        assert_eq!(j.attempts, attempt);
        assert!(
            j.last_error
                .as_deref()
                .is_some_and(|e| e.contains("asked to fail"))
        );
        if attempt < 5 {
            assert_eq!(j.status, JobStatus::Scheduled);
            waits.push((j.run_at - started) / 1000);
            make_due(&app, id).await;
        } else {
            assert_eq!(j.status, JobStatus::Dead, "dead after max attempts");
        }
        // The failed run's write was rolled back.
        assert_eq!(weak_welcome(&app, &demo.admin).await, before);
    }
    // 30 s, 1 min, 2 min, 4 min (give or take the test's own seconds).
    for (w, expected) in waits.iter().zip([30, 60, 120, 240]) {
        assert!(
            (expected - 2..=expected).contains(w),
            "waited {w} s, expected about {expected}"
        );
    }
    assert_eq!(
        jobs::run_due(&app.db, &r, "server-a")
            .await
            .expect("a pass")
            .claimed,
        0,
        "dead jobs wait for staff"
    );
    let dead = app
        .get(&demo.admin, "/api/v1/jobs?status=dead")
        .await
        .expect(200);
    assert_eq!(dead["total"], 1);
    let retried = app
        .post_empty(&demo.admin, &format!("/api/v1/jobs/{id}/retry"))
        .await
        .expect(200);
    assert_eq!(
        (retried["status"].clone(), retried["attempts"].clone()),
        (json!("scheduled"), json!(0))
    );
    let cancelled = app
        .post_empty(&demo.admin, &format!("/api/v1/jobs/{id}/cancel"))
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        jobs::run_due(&app.db, &r, "server-a")
            .await
            .expect("a pass")
            .claimed,
        0
    );
    app.post_empty(&demo.admin, &format!("/api/v1/jobs/{id}/cancel"))
        .await
        .assert_problem(409, "invalid_transition");
}

async fn a_crashed_servers_job_is_taken_over_once_its_lease_runs_out(app: TestApp) {
    let demo = app.demo().await;
    let r = registry();
    let id = schedule(&app, demo.brand_id, json!({ "text": "接手完成" }), None, 0).await;
    // Server A claims the job and dies before finishing: its lease is still running.
    let t = now();
    let claimed = app
        .db
        .write(move |tx| {
            Box::pin(async move { Ok(store::claim(tx, "server-a", t, t + 60_000, 10).await?) })
        })
        .await
        .expect("a claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        jobs::run_due(&app.db, &r, "server-b")
            .await
            .expect("a pass")
            .claimed,
        0,
        "leased to A"
    );
    // A's lease runs out.
    app.db
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE jobs SET lease_until = 0 WHERE id = $1",
                    &shequn_app::params![id],
                )
                .await?;
                Ok(())
            })
        })
        .await
        .expect("expire the lease");
    let pass = jobs::run_due(&app.db, &r, "server-b")
        .await
        .expect("a pass");
    assert_eq!((pass.claimed, pass.done), (1, 1));
    let j = job(&app, demo.brand_id, id).await;
    assert_eq!((j.status, j.attempts), (JobStatus::Done, 2));
    assert_eq!(weak_welcome(&app, &demo.admin).await, "接手完成");
    // A comes back and tries to finish: the job is not A's any more.
    let brand = BrandId(demo.brand_id);
    let finished = app
        .db
        .write(move |tx| {
            Box::pin(async move { Ok(store::finish(tx, brand, id, "server-a", now()).await?) })
        })
        .await
        .expect("a finish");
    assert!(!finished, "a lost lease cannot finish the job");
}

async fn a_job_due_while_the_server_was_down_runs_when_it_comes_back(app: TestApp) {
    let demo = app.demo().await;
    // Due an hour ago, while no server ran jobs (the test server runs none).
    let id = schedule(
        &app,
        demo.brand_id,
        json!({ "text": "重启后完成" }),
        None,
        now() - 3_600_000,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        job(&app, demo.brand_id, id).await.status,
        JobStatus::Scheduled
    );
    let app = app
        .with_options(ServerOptions {
            jobs: registry(),
            job_tick: Some(Duration::from_millis(100)),
            ..test_options()
        })
        .await;
    let mut status = JobStatus::Scheduled;
    for _ in 0..50 {
        status = job(&app, demo.brand_id, id).await.status;
        if status == JobStatus::Done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, JobStatus::Done);
    assert_eq!(weak_welcome(&app, &demo.admin).await, "重启后完成");
}
