//! `/api/v1/segments`: staff-defined customer segments (saved filters) with live counts;
//! `GET /api/v1/customers?segment=ID` lists a segment's customers. And
//! `/api/v1/lifecycle-thresholds`, the brand's days for new / active / churned.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::segments::{self, Counted, SegmentInput};
use shequn_domain::LifecycleThresholds;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_segments, create_segment))
        .routes(routes!(get_segment, update_segment, delete_segment))
        .routes(routes!(get_thresholds, set_thresholds))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SegmentFilterIo {
    /// `strong`, `intent` or `weak`.
    pub tier: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub store_id: Option<i64>,
    /// `new`, `active`, `silent` or `churned`.
    pub lifecycle: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentOut {
    pub id: i64,
    pub name: String,
    pub filter: SegmentFilterIo,
    /// Customers in the segment now, in the caller's scope.
    pub count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Counted> for SegmentOut {
    fn from(c: Counted) -> Self {
        let f = c.segment.filter;
        SegmentOut {
            id: c.segment.id,
            name: c.segment.name,
            filter: SegmentFilterIo {
                tier: f.tier.map(|t| t.as_str().to_owned()),
                channel: f.channel.map(|x| x.as_str().to_owned()),
                tag: f.tag,
                store_id: f.store_id.map(|s| s.get()),
                lifecycle: f.lifecycle.map(|l| l.as_str().to_owned()),
            },
            count: c.count,
            created_at: rfc3339(c.segment.created_at),
            updated_at: rfc3339(c.segment.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentIn {
    pub name: String,
    /// At least one condition; all must match.
    pub filter: SegmentFilterIn,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentFilterIn {
    pub tier: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub store_id: Option<i64>,
    pub lifecycle: Option<String>,
}

impl From<SegmentIn> for SegmentInput {
    fn from(s: SegmentIn) -> Self {
        SegmentInput {
            name: s.name,
            tier: s.filter.tier,
            channel: s.filter.channel,
            tag: s.filter.tag,
            store_id: s.filter.store_id,
            lifecycle: s.filter.lifecycle,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsIo {
    /// A customer who arrived within this many days is new.
    pub new_days: i64,
    /// Activity within this many days makes a customer active; older, silent.
    pub active_days: i64,
    /// No activity for more than this many days: churned.
    pub churned_days: i64,
}

impl From<LifecycleThresholds> for ThresholdsIo {
    fn from(t: LifecycleThresholds) -> Self {
        ThresholdsIo {
            new_days: t.new_days,
            active_days: t.active_days,
            churned_days: t.churned_days,
        }
    }
}

/// The brand's segments, each with how many customers (in the caller's scope) it holds now.
#[utoipa::path(get, path = "/api/v1/segments", tag = "customers", security(("bearer" = [])),
    responses((status = 200, body = Vec<SegmentOut>)))]
async fn list_segments(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SegmentOut>>, ApiError> {
    let all = segments::list(&state.db, &caller.actor).await?;
    Ok(Json(all.into_iter().map(SegmentOut::from).collect()))
}

/// Define a segment (managers and brand admins).
#[utoipa::path(post, path = "/api/v1/segments", tag = "customers", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)), request_body = SegmentIn,
    responses((status = 201, body = SegmentOut), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn create_segment(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SegmentIn>,
) -> Result<(StatusCode, Json<SegmentOut>), ApiError> {
    let made = segments::create(&state.db, &caller.actor, input.into()).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

#[utoipa::path(get, path = "/api/v1/segments/{segment_id}", tag = "customers", security(("bearer" = [])),
    params(("segment_id" = i64, Path)),
    responses((status = 200, body = SegmentOut), (status = 404, body = ProblemBody)))]
async fn get_segment(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<SegmentOut>, ApiError> {
    Ok(Json(
        segments::get(&state.db, &caller.actor, id).await?.into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/segments/{segment_id}", tag = "customers", security(("bearer" = [])),
    params(("segment_id" = i64, Path)), request_body = SegmentIn,
    responses((status = 200, body = SegmentOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_segment(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SegmentIn>,
) -> Result<Json<SegmentOut>, ApiError> {
    let saved = segments::update(&state.db, &caller.actor, id, input.into()).await?;
    Ok(Json(saved.into()))
}

/// Delete a segment (the customers stay; it is only a filter).
#[utoipa::path(delete, path = "/api/v1/segments/{segment_id}", tag = "customers", security(("bearer" = [])),
    params(("segment_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn delete_segment(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    segments::delete(&state.db, &caller.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The brand's lifecycle thresholds in days (defaults 7 / 14 / 60).
#[utoipa::path(get, path = "/api/v1/lifecycle-thresholds", tag = "customers", security(("bearer" = [])),
    responses((status = 200, body = ThresholdsIo)))]
async fn get_thresholds(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ThresholdsIo>, ApiError> {
    Ok(Json(
        segments::thresholds(&state.db, &caller.actor).await?.into(),
    ))
}

/// Set the brand's lifecycle thresholds (brand admins): 1 ≤ new ≤ 365, 1 ≤ active <
/// churned ≤ 3650, new ≤ churned.
#[utoipa::path(put, path = "/api/v1/lifecycle-thresholds", tag = "customers", security(("bearer" = [])),
    request_body = ThresholdsIo,
    responses((status = 200, body = ThresholdsIo), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn set_thresholds(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(t): ApiJson<ThresholdsIo>,
) -> Result<Json<ThresholdsIo>, ApiError> {
    let saved = segments::set_thresholds(
        &state.db,
        &caller.actor,
        t.new_days,
        t.active_days,
        t.churned_days,
    )
    .await?;
    Ok(Json(saved.into()))
}
