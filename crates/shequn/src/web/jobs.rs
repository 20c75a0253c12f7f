//! `/jobs` (后台任务): the brand's durable jobs, newest first, filtered by status; a dead
//! or cancelled job is sent around again with 重试, a waiting or dead one stopped with 取消.
//!
//! Brand admins only: everyone else gets the 403 page on every route (the use cases check
//! it again).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::usecases::Page;
use shequn_app::usecases::jobs;
use shequn_domain::{Job, JobStatus, PageSize, Role};

use super::chrome::{Chrome, error_page, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(JOBS_PATH, get(jobs_page))
        .route("/jobs/{job_id}/retry", post(retry))
        .route("/jobs/{job_id}/cancel", post(cancel))
}

/// The nav item of this page family.
const NAV: &str = "jobs";

const JOBS_PATH: &str = "/jobs";

/// One choice of the status select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

/// Only brand admins see jobs: the 403 page for anyone else, whatever the job.
fn refused(console: &Console) -> Option<Response> {
    (console.actor.role != Role::BrandAdmin).then(|| {
        error_page(
            console,
            StatusCode::FORBIDDEN,
            console.lang.text().errors.forbidden,
        )
    })
}

/// One job as the list shows it.
struct JobLine {
    id: i64,
    kind: String,
    /// The status word, and its stored form (the row's `data-status`).
    status: &'static str,
    status_code: &'static str,
    /// When it runs (or ran last), in local time.
    run_at: String,
    /// 「N / M」
    attempts: String,
    last_error: Option<String>,
    /// Dead or cancelled: 重试.
    can_retry: bool,
    /// Waiting or dead: 取消.
    can_cancel: bool,
}

fn job_line(t: &Text, j: &Job) -> JobLine {
    JobLine {
        id: j.id,
        kind: j.kind.clone(),
        status: t.jobs.status_name(j.status.as_str()),
        status_code: j.status.as_str(),
        run_at: local_time(j.run_at),
        attempts: format!("{} / {}", j.attempts, j.max_attempts),
        last_error: j.last_error.clone().filter(|e| !e.is_empty()),
        can_retry: matches!(j.status, JobStatus::Dead | JobStatus::Cancelled),
        can_cancel: matches!(j.status, JobStatus::Scheduled | JobStatus::Dead),
    }
}

fn statuses(t: &'static Text) -> Vec<Choice> {
    JobStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: t.jobs.status_name(s.as_str()),
        })
        .collect()
}

/// The status a list shows: as asked, else every job.
fn job_status(raw: Option<&str>) -> Option<JobStatus> {
    raw.and_then(|s| JobStatus::parse("status", s).ok())
}

fn jobs_link(status: Option<JobStatus>) -> String {
    match status {
        None => JOBS_PATH.to_owned(),
        Some(s) => format!("{JOBS_PATH}?status={}", s.as_str()),
    }
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    c: Chrome,
    list: ListPage<JobLine>,
    /// A status's stored form, or "" for every job.
    status_filter: &'static str,
    statuses: Vec<Choice>,
}

#[derive(Deserialize)]
struct JobParams {
    status: Option<String>,
}

async fn show_jobs(
    state: &AppState,
    console: &Console,
    wanted: Option<JobStatus>,
    paging: Paging,
    c: Chrome,
    status: StatusCode,
) -> Response {
    let size = PageSize::default();
    let filter = wanted.map(JobStatus::as_str);
    match jobs::list(&state.db, &console.actor, filter, paging.cursor(), size).await {
        Ok(page) => {
            let t = console.lang.text();
            let page: Page<JobLine> = Page {
                items: page.items.iter().map(|j| job_line(t, j)).collect(),
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let mut filters = Vec::new();
            if let Some(s) = filter {
                filters.push(("status", s.to_owned()));
            }
            render(
                status,
                &JobsPage {
                    c,
                    list: ListPage::new(page, &paging, JOBS_PATH, &filters),
                    status_filter: filter.unwrap_or(""),
                    statuses: statuses(t),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn jobs_page(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<JobParams>,
    Query(paging): Query<Paging>,
) -> Response {
    if let Some(no) = refused(&console) {
        return no;
    }
    let c = Chrome::for_console(&console, NAV);
    let wanted = job_status(q.status.as_deref());
    show_jobs(&state, &console, wanted, paging, c, StatusCode::OK).await
}

#[derive(Deserialize)]
struct ChangeForm {
    /// The status the list was filtered by, to go back to it.
    from: Option<String>,
}

async fn retry(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Response {
    change(&state, &console, id, true, form).await
}

async fn cancel(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Response {
    change(&state, &console, id, false, form).await
}

/// 重试 / 取消: back to the list, with a message naming the job; a job in the wrong state
/// shows the list again with the refusal above it.
async fn change(
    state: &AppState,
    console: &Console,
    id: i64,
    retry: bool,
    form: ChangeForm,
) -> Response {
    if let Some(no) = refused(console) {
        return no;
    }
    let back = job_status(form.from.as_deref());
    let changed = if retry {
        jobs::retry(&state.db, &console.actor, id).await
    } else {
        jobs::cancel(&state.db, &console.actor, id).await
    };
    match changed {
        Ok(job) => {
            let t = console.lang.text();
            let said = if retry {
                t.jobs.done_retried
            } else {
                t.jobs.done_cancelled
            };
            console.done(
                &jobs_link(back),
                t.fill(said, &job.kind, &job.id.to_string()),
            )
        }
        Err(e) => {
            form_failed(console, NAV, e, FormState::new(), |c, _| {
                show_jobs(state, console, back, Paging::default(), c, REFUSED)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::i18n::Lang;
    use super::*;

    #[test]
    fn the_list_goes_back_where_it_was() {
        assert_eq!(jobs_link(None), "/jobs");
        assert_eq!(jobs_link(Some(JobStatus::Dead)), "/jobs?status=dead");
        assert_eq!(job_status(Some("nonsense")), None);
        assert_eq!(job_status(Some("")), None);
        assert_eq!(job_status(Some("cancelled")), Some(JobStatus::Cancelled));
    }

    #[test]
    fn every_status_has_its_word() {
        let zh = statuses(Lang::Zh.text());
        let words: Vec<&str> = zh.iter().map(|c| c.label).collect();
        assert_eq!(words, ["待执行", "执行中", "已完成", "已失败", "已取消"]);
    }
}
