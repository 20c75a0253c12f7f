//! `/api/v1/regions`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::regions::{self, RegionPatch};
use shequn_domain::{Region, RegionId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions, create_region))
        .routes(routes!(get_region, update_region))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionOut {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Region> for RegionOut {
    fn from(r: Region) -> Self {
        RegionOut {
            id: r.id.get(),
            name: r.name,
            active: r.active,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionIn {
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionPatchIn {
    pub name: Option<String>,
    /// false deactivates the region (refused while it has active stores).
    pub active: Option<bool>,
}

/// Regions the caller can see.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", security(("bearer" = [])),
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<RegionOut>), (status = 401, body = ProblemBody)))]
async fn list_regions(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<RegionOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = regions::list(&state.db, &caller.actor, cursor, size).await?;
    Ok(Json(PageOf::map(page, RegionOut::from)))
}

/// Create a region (brand admins).
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", security(("bearer" = [])), request_body = RegionIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = RegionOut), (status = 422, body = ProblemBody), (status = 409, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn create_region(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RegionIn>,
) -> Result<(StatusCode, Json<RegionOut>), ApiError> {
    let row = regions::create(&state.db, &caller.actor, &input.name).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One region.
#[utoipa::path(get, path = "/api/v1/regions/{region_id}", tag = "regions", security(("bearer" = [])),
    params(("region_id" = i64, Path)),
    responses((status = 200, body = RegionOut), (status = 404, body = ProblemBody)))]
async fn get_region(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RegionOut>, ApiError> {
    Ok(Json(
        regions::get(&state.db, &caller.actor, RegionId(id))
            .await?
            .into(),
    ))
}

/// Rename, deactivate or reactivate a region (brand admins).
#[utoipa::path(patch, path = "/api/v1/regions/{region_id}", tag = "regions", security(("bearer" = [])),
    params(("region_id" = i64, Path)), request_body = RegionPatchIn,
    responses((status = 200, body = RegionOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn update_region(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RegionPatchIn>,
) -> Result<Json<RegionOut>, ApiError> {
    let patch = RegionPatch {
        name: input.name,
        active: input.active,
    };
    Ok(Json(
        regions::update(&state.db, &caller.actor, RegionId(id), patch)
            .await?
            .into(),
    ))
}
