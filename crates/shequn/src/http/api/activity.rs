//! `POST /api/v1/activity`: batches of customer activity in communities from the brand's
//! integration, each event applied once by its `event_id`.

use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use serde::{Deserialize, Serialize};
use shequn_app::usecases::activity::{self, RawEvent};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Caller;
use crate::http::extract::ApiJson;
use crate::http::problem::{ApiError, Problem, ProblemBody};
use crate::http::state::AppState;

/// A batch of 1,000 events is about 150 KiB of JSON; the API's usual 64 KiB would not hold it.
const MAX_BATCH_BYTES: usize = 512 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest))
        .layer(DefaultBodyLimit::max(MAX_BATCH_BYTES))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// The reporter's id of the event (1-64 visible ASCII characters), unique in the brand:
    /// an event sent again is skipped.
    pub event_id: String,
    /// `message`, `joined`, `left`, `shared` or `clicked`.
    pub kind: String,
    pub community_id: i64,
    pub customer_id: i64,
    /// When it happened, RFC 3339 (e.g. `2026-11-27T08:00:00Z`).
    pub at: String,
    /// A `message` that carried a link (screening rules can count these).
    #[serde(default)]
    pub has_link: bool,
    /// A `message`'s text, optional: read for the unsubscribe keyword (退订, TD, T,
    /// 取消订阅, unsubscribe), which withdraws the customer's consent; never stored.
    pub text: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    /// 1 to 1,000 events.
    pub events: Vec<EventIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    /// Events stored by this batch.
    pub accepted: u64,
    /// Events already stored (a replay): skipped.
    pub duplicates: u64,
}

/// Report a batch of activity (brand admins' tokens: the integration). All or nothing: one
/// bad event refuses the batch.
#[utoipa::path(post, path = "/api/v1/activity", tag = "customers", security(("bearer" = [])), request_body = BatchIn,
    responses((status = 200, body = BatchOut), (status = 422, body = ProblemBody), (status = 403, body = ProblemBody), (status = 413, body = ProblemBody)))]
async fn ingest(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<BatchIn>,
) -> Result<Json<BatchOut>, ApiError> {
    let mut batch = Vec::with_capacity(input.events.len());
    for e in input.events {
        let at = OffsetDateTime::parse(&e.at, &Rfc3339).map_err(|_| {
            Problem::validation(
                "events",
                format!("`at` must be an RFC 3339 time, got '{}'", e.at),
            )
        })?;
        batch.push(RawEvent {
            event_id: e.event_id,
            kind: e.kind,
            community_id: e.community_id,
            customer_id: e.customer_id,
            at: (at.unix_timestamp_nanos() / 1_000_000) as i64,
            has_link: e.has_link,
            text: e.text,
        });
    }
    let report = activity::ingest(&state.db, &caller.actor, batch).await?;
    Ok(Json(BatchOut {
        accepted: report.accepted,
        duplicates: report.duplicates,
    }))
}
