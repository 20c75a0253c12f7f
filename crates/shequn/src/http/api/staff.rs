//! `/api/v1/staff`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::staff::{self, NewStaffInput, StaffPatch};
use shequn_domain::{RegionId, SearchText, StaffId, StaffMember, StoreId};
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
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff, update_staff))
        .routes(routes!(reset_staff_password))
        .routes(routes!(hand_over))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// brand_admin, region_manager, store_manager or shop_guide.
    pub role: String,
    /// Set for region managers.
    pub region_id: Option<i64>,
    /// Set for store managers and shop guides.
    pub store_id: Option<i64>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<StaffMember> for StaffOut {
    fn from(r: StaffMember) -> Self {
        StaffOut {
            id: r.id.get(),
            email: r.email,
            display_name: r.display_name,
            role: r.role.as_str().to_owned(),
            region_id: r.region_id.or(r.store_region_id).map(RegionId::get),
            store_id: r.store_id.map(StoreId::get),
            active: r.active,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// Required for region managers.
    pub region_id: Option<i64>,
    /// Required for store managers and shop guides.
    pub store_id: Option<i64>,
    /// The first password, 10 to 128 characters.
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatchIn {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub region_id: Option<i64>,
    pub store_id: Option<i64>,
    /// false deactivates the account at once: sessions end, tokens are revoked.
    pub active: Option<bool>,
}

/// Staff the caller can see, optionally of one store.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])),
    params(("store_id" = Option<i64>, Query), ("q" = Option<String>, Query, description = "Part of the name or email"), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<StaffOut>), (status = 401, body = ProblemBody)))]
async fn list_staff(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<StaffOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let store = q.id("store_id")?.map(StoreId);
    let search = SearchText::parse("q", q.str("q"))?;
    let page = staff::list(
        &state.db,
        &caller.actor,
        store,
        search.as_ref(),
        cursor,
        size,
    )
    .await?;
    Ok(Json(PageOf::map(page, StaffOut::from)))
}

/// Add a staff member with a role no wider than the caller's.
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])), request_body = StaffIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = StaffOut), (status = 422, body = ProblemBody), (status = 409, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn create_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<StaffIn>,
) -> Result<(StatusCode, Json<StaffOut>), ApiError> {
    let input = NewStaffInput {
        email: input.email,
        display_name: input.display_name,
        role: input.role,
        region_id: input.region_id.map(RegionId),
        store_id: input.store_id.map(StoreId),
        password: input.password,
    };
    let row = staff::create(&state.db, &caller.actor, input).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One staff member.
#[utoipa::path(get, path = "/api/v1/staff/{staff_id}", tag = "staff", security(("bearer" = [])),
    params(("staff_id" = i64, Path)),
    responses((status = 200, body = StaffOut), (status = 404, body = ProblemBody)))]
async fn get_staff(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<StaffOut>, ApiError> {
    Ok(Json(
        staff::get(&state.db, &caller.actor, StaffId(id))
            .await?
            .into(),
    ))
}

/// Rename, re-role, move or deactivate a staff member.
#[utoipa::path(patch, path = "/api/v1/staff/{staff_id}", tag = "staff", security(("bearer" = [])),
    params(("staff_id" = i64, Path)), request_body = StaffPatchIn,
    responses((status = 200, body = StaffOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn update_staff(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<StaffPatchIn>,
) -> Result<Json<StaffOut>, ApiError> {
    let patch = StaffPatch {
        display_name: input.display_name,
        role: input.role,
        region_id: input.region_id.map(RegionId),
        store_id: input.store_id.map(StoreId),
        active: input.active,
    };
    Ok(Json(
        staff::update(&state.db, &caller.actor, StaffId(id), patch)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetIn {
    /// 10 to 128 characters; give it to the staff member to sign in with.
    pub new_password: String,
}

/// Set a new password for a staff member you manage (not yourself: use /me/password).
/// Their console sessions end and their API tokens are revoked.
#[utoipa::path(post, path = "/api/v1/staff/{staff_id}/password", tag = "staff", security(("bearer" = [])),
    params(("staff_id" = i64, Path)), request_body = PasswordResetIn,
    responses((status = 204), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn reset_staff_password(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<PasswordResetIn>,
) -> Result<StatusCode, ApiError> {
    staff::reset_password(&state.db, &caller.actor, StaffId(id), &input.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverIn {
    /// An active shop guide or the store manager of the same store.
    pub to_staff_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverOut {
    /// Communities whose 群主 is now the heir.
    pub communities: u64,
    /// Customers the heir now serves.
    pub customers: u64,
}

/// 离职继承: hand every community and customer of a staff member to a colleague of the
/// same store, in one step (before deactivating or moving them).
#[utoipa::path(post, path = "/api/v1/staff/{staff_id}/handover", tag = "staff", security(("bearer" = [])),
    params(("staff_id" = i64, Path)), request_body = HandoverIn,
    responses((status = 200, body = HandoverOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn hand_over(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<HandoverIn>,
) -> Result<Json<HandoverOut>, ApiError> {
    let moved = staff::handover(
        &state.db,
        &caller.actor,
        StaffId(id),
        StaffId(input.to_staff_id),
    )
    .await?;
    Ok(Json(HandoverOut {
        communities: moved.communities,
        customers: moved.customers,
    }))
}
