//! The console's jobs page (后台任务) over real HTTP: a job of a kind no server handles
//! fails until it is dead, and the brand admin's list shows it as 已失败 with its error;
//! 重试 sends it around again (待执行) and 取消 stops it (已取消), each with a message
//! naming the job; a job in the wrong state is refused above the list; a shop guide gets
//! the 403 page.

use std::sync::Arc;

use shequn_app::usecases::jobs::{self, Registry};
use shequn_domain::BrandId;

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    a_dead_job_is_listed_then_retried_and_cancelled_by_the_admin,
    a_guide_gets_no_jobs_page,
);

const JOBS: &str = "/jobs";
/// A kind no server has a handler for: every run fails.
const KIND: &str = "test.no_such_kind";

/// Schedules a job of [`KIND`], due at once.
async fn schedule(app: &TestApp, brand: i64) -> i64 {
    app.db
        .write(move |tx| {
            Box::pin(async move { jobs::schedule(tx, BrandId(brand), KIND, "{}", None, 0).await })
        })
        .await
        .expect("schedule a job")
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

/// A job of [`KIND`] run (and failed) until it is dead.
async fn dead_job(app: &TestApp, brand: i64) -> i64 {
    let id = schedule(app, brand).await;
    let registry = Arc::new(Registry::new());
    for attempt in 1..=5 {
        jobs::run_due(&app.db, &registry, "t")
            .await
            .expect("a pass");
        if attempt < 5 {
            make_due(app, id).await;
        }
    }
    id
}

/// The row of the job `id` in the list.
fn job_row(page: &Page, id: i64) -> &str {
    page.part(&format!(r#"<tr id="job-{id}""#), "</tr>")
}

async fn a_dead_job_is_listed_then_retried_and_cancelled_by_the_admin(app: TestApp) {
    let demo = app.demo().await;
    let id = dead_job(&app, demo.brand_id).await;
    let cookie = session_of(&app, ADMIN).await;

    let page = get(&app, JOBS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="nav-jobs" href="/jobs" class="current""#)
    );
    assert!(
        page.html
            .contains(r#"<option value="" selected>全部</option>"#)
    );
    let row = job_row(&page, id);
    for shown in [
        format!("#{id} <code"),
        format!(">{KIND}</code>"),
        format!(r#"<span id="job-{id}-status">已失败</span>"#),
        "5 / 5".to_owned(),
        "no handler for job kind".to_owned(),
        format!(r#"id="job-{id}-retry""#),
        format!(r#"id="job-{id}-cancel""#),
        r#"data-confirm="重新执行这个任务？""#.to_owned(),
    ] {
        assert!(row.contains(&shown), "{shown} in {row}");
    }
    assert!(
        row.contains(&format!(
            r#"<span class="truncate wide" id="job-{id}-error" title="no handler for job kind"#
        )),
        "a long error is cut short, whole in its title: {row}"
    );

    // Filtered by status.
    let dead = get(&app, "/jobs?status=dead", &cookie).await;
    assert_eq!(dead.status, 200, "{}", dead.html);
    assert!(
        dead.html
            .contains(r#"<option value="dead" selected>已失败</option>"#)
    );
    assert!(dead.html.contains(&format!(r#"<tr id="job-{id}""#)));
    let done = get(&app, "/jobs?status=done", &cookie).await;
    assert!(!done.html.contains(&format!(r#"<tr id="job-{id}""#)));

    // 重试: waiting again, attempts from zero.
    let csrf = page.csrf();
    let retried = post(
        &app,
        &format!("/jobs/{id}/retry"),
        &cookie,
        &[("_csrf", &csrf), ("from", "")],
    )
    .await;
    assert_eq!(retried.status, 303, "{}", retried.html);
    assert_eq!(retried.location.as_deref(), Some(JOBS));
    let shown = follow(&app, &retried, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some(format!("任务 #{id}（{KIND}）将重新执行").as_str())
    );
    let row = job_row(&shown, id);
    assert!(
        row.contains(&format!(r#"<span id="job-{id}-status">待执行</span>"#)),
        "{row}"
    );
    assert!(row.contains("0 / 5"), "{row}");
    assert!(!row.contains(&format!(r#"id="job-{id}-retry""#)));
    assert!(row.contains(&format!(r#"id="job-{id}-cancel""#)));

    // 取消: stopped, and may be retried.
    let cancelled = post(
        &app,
        &format!("/jobs/{id}/cancel"),
        &cookie,
        &[("_csrf", &csrf), ("from", "")],
    )
    .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.html);
    let shown = follow(&app, &cancelled, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some(format!("已取消任务 #{id}（{KIND}）").as_str())
    );
    let row = job_row(&shown, id);
    assert!(
        row.contains(&format!(r#"<span id="job-{id}-status">已取消</span>"#)),
        "{row}"
    );
    assert!(row.contains(&format!(r#"id="job-{id}-retry""#)));
    assert!(!row.contains(&format!(r#"id="job-{id}-cancel""#)));

    // A cancelled job cannot be cancelled again: the list again, the refusal above it.
    let again = post(
        &app,
        &format!("/jobs/{id}/cancel"),
        &cookie,
        &[("_csrf", &csrf), ("from", "cancelled")],
    )
    .await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(again.html.contains(r#"id="form-error""#), "{}", again.html);
    assert!(again.html.contains(&format!(r#"<tr id="job-{id}""#)));
}

async fn a_guide_gets_no_jobs_page(app: TestApp) {
    let demo = app.demo().await;
    let id = schedule(&app, demo.brand_id).await;
    let guide = session_of(&app, GUIDE01).await;
    let page = get(&app, JOBS, &guide).await;
    assert_eq!(page.status, 403, "{}", page.html);
    assert!(!page.html.contains(&format!(r#"<tr id="job-{id}""#)));
    let csrf = get(&app, "/", &guide).await.csrf();
    for action in ["retry", "cancel"] {
        let refused = post(
            &app,
            &format!("/jobs/{id}/{action}"),
            &guide,
            &[("_csrf", &csrf)],
        )
        .await;
        assert_eq!(refused.status, 403, "{action}: {}", refused.html);
    }
    let missing = post(
        &app,
        &format!("/jobs/{NO_SUCH_ID}/retry"),
        &guide,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(missing.status, 403, "{}", missing.html);
    // The job is untouched.
    let admin = session_of(&app, ADMIN).await;
    let listed = get(&app, "/jobs?status=scheduled", &admin).await;
    assert!(listed.html.contains(&format!(r#"<tr id="job-{id}""#)));
}
