//! `/api/v1/stores`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::stores::{self, NewStoreInput, StorePatch};
use shequn_domain::{RegionId, SearchText, Store, StoreId};
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
        .routes(routes!(list_stores, create_store))
        .routes(routes!(get_store, update_store))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreOut {
    pub id: i64,
    pub region_id: i64,
    /// The brand's own code for the store, upper-case, e.g. `SH-001`.
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Store> for StoreOut {
    fn from(r: Store) -> Self {
        StoreOut {
            id: r.id.get(),
            region_id: r.region_id.get(),
            code: r.code,
            name: r.name,
            address: r.address,
            active: r.active,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreIn {
    pub region_id: i64,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StorePatchIn {
    /// Moves the store to another region.
    pub region_id: Option<i64>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    /// false closes the store; true reopens it.
    pub active: Option<bool>,
}

/// Stores the caller can see, optionally of one region.
#[utoipa::path(get, path = "/api/v1/stores", tag = "stores", security(("bearer" = [])),
    params(("region_id" = Option<i64>, Query), ("q" = Option<String>, Query, description = "Part of the code or name"), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<StoreOut>), (status = 401, body = ProblemBody)))]
async fn list_stores(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<StoreOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let region = q.id("region_id")?.map(RegionId);
    let search = SearchText::parse("q", q.str("q"))?;
    let page = stores::list(
        &state.db,
        &caller.actor,
        region,
        search.as_ref(),
        cursor,
        size,
    )
    .await?;
    Ok(Json(PageOf::map(page, StoreOut::from)))
}

/// Open a store in a region (brand admins; region managers in their region).
#[utoipa::path(post, path = "/api/v1/stores", tag = "stores", security(("bearer" = [])), request_body = StoreIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = StoreOut), (status = 422, body = ProblemBody), (status = 409, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn create_store(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<StoreIn>,
) -> Result<(StatusCode, Json<StoreOut>), ApiError> {
    let input = NewStoreInput {
        region_id: RegionId(input.region_id),
        code: input.code,
        name: input.name,
        address: input.address,
    };
    let row = stores::create(&state.db, &caller.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One store.
#[utoipa::path(get, path = "/api/v1/stores/{store_id}", tag = "stores", security(("bearer" = [])),
    params(("store_id" = i64, Path)),
    responses((status = 200, body = StoreOut), (status = 404, body = ProblemBody)))]
async fn get_store(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<StoreOut>, ApiError> {
    Ok(Json(
        stores::get(&state.db, &caller.actor, StoreId(id))
            .await?
            .into(),
    ))
}

/// Edit, move, close or reopen a store.
#[utoipa::path(patch, path = "/api/v1/stores/{store_id}", tag = "stores", security(("bearer" = [])),
    params(("store_id" = i64, Path)), request_body = StorePatchIn,
    responses((status = 200, body = StoreOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn update_store(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<StorePatchIn>,
) -> Result<Json<StoreOut>, ApiError> {
    let patch = StorePatch {
        region_id: input.region_id.map(RegionId),
        code: input.code,
        name: input.name,
        address: input.address,
        active: input.active,
    };
    Ok(Json(
        stores::update(&state.db, &caller.actor, StoreId(id), patch)
            .await?
            .into(),
    ))
}
