//! `/api/v1/jobs`: the brand's durable jobs (timers, expiries, reminders) for brand admins:
//! list by status, retry a dead or cancelled one, cancel one that waits.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use shequn_app::usecases::jobs;
use shequn_domain::Job;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_jobs))
        .routes(routes!(retry_job))
        .routes(routes!(cancel_job))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub id: i64,
    pub kind: String,
    /// The job's input (JSON).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `scheduled`, `running`, `done`, `dead` or `cancelled`.
    pub status: &'static str,
    pub run_at: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl From<Job> for JobOut {
    fn from(j: Job) -> Self {
        JobOut {
            id: j.id,
            payload: serde_json::from_str(&j.payload).unwrap_or(serde_json::Value::Null),
            kind: j.kind,
            status: j.status.as_str(),
            run_at: rfc3339(j.run_at),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            created_at: rfc3339(j.created_at),
            finished_at: j.finished_at.map(rfc3339),
        }
    }
}

/// The brand's jobs, newest first (brand admins).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<JobOut>), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn list_jobs(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<JobOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = jobs::list(&state.db, &caller.actor, q.str("status"), cursor, size).await?;
    Ok(Json(PageOf::map(page, JobOut::from)))
}

/// Send a dead or cancelled job around again (scheduled now, attempts from zero).
#[utoipa::path(post, path = "/api/v1/jobs/{job_id}/retry", tag = "jobs", security(("bearer" = [])),
    params(("job_id" = i64, Path)),
    responses((status = 200, body = JobOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn retry_job(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<JobOut>, ApiError> {
    Ok(Json(
        jobs::retry(&state.db, &caller.actor, id).await?.into(),
    ))
}

/// Cancel a job that waits (scheduled) or is dead.
#[utoipa::path(post, path = "/api/v1/jobs/{job_id}/cancel", tag = "jobs", security(("bearer" = [])),
    params(("job_id" = i64, Path)),
    responses((status = 200, body = JobOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn cancel_job(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<JobOut>, ApiError> {
    Ok(Json(
        jobs::cancel(&state.db, &caller.actor, id).await?.into(),
    ))
}
