//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`,
//! `POST /api/v1/me/password`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::{auth, brands, staff as staff_uc, tokens};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use super::staff::StaffOut;
use crate::http::auth::Caller;
use crate::http::extract::ApiJson;
use crate::http::problem::{ApiError, Problem, ProblemBody};
use crate::http::state::AppState;

pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

pub fn protected_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
    /// The brand's slug; needed only when the email signs in to several brands.
    pub brand: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOut {
    /// Bearer token for `Authorization: Bearer …`; shown once.
    pub token: String,
    pub expires_at: String,
    pub staff: StaffOut,
}

/// Log in with email and password; returns a bearer token valid for 24 hours.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = LoginOut), (status = 401, body = ProblemBody), (status = 409, body = ProblemBody, description = "The email signs in to several brands: pass `brand`"), (status = 429, body = ProblemBody)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(input): ApiJson<LoginIn>,
) -> Result<Json<LoginOut>, ApiError> {
    state
        .check_login_rate(&input.email, peer.ip())
        .map_err(|secs| {
            Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many login attempts; wait and try again",
            )
            .retry_after(secs)
        })?;
    let staff = auth::check_credentials(
        &state.db,
        &input.email,
        &input.password,
        input.brand.as_deref(),
    )
    .await?;
    let issued = tokens::issue_for_login(&state.db, &staff).await?;
    // Login carries no Idempotency-Key, so this is never a replay and the secret is here.
    let token = issued.secret.ok_or_else(|| {
        shequn_app::AppError::Internal("a login token came back without its secret".into())
    })?;
    Ok(Json(LoginOut {
        token,
        expires_at: rfc3339(issued.token.expires_at),
        staff: StaffOut::from(staff),
    }))
}

/// Revoke the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ProblemBody)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    tokens::revoke(&state.db, &caller.actor, caller.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BrandOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub staff: StaffOut,
    pub brand: BrandOut,
}

/// The caller and their brand.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = ProblemBody)))]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<MeOut>, ApiError> {
    let staff = staff_uc::get(&state.db, &caller.actor, caller.actor.staff).await?;
    let brand = brands::current(&state.db, &caller.actor).await?;
    Ok(Json(MeOut {
        staff: staff.into(),
        brand: BrandOut {
            id: brand.id.get(),
            slug: brand.slug,
            name: brand.name,
        },
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    pub current_password: String,
    /// 10 to 128 characters.
    pub new_password: String,
}

/// Change the caller's password. Ends every console session and revokes every other token.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChangeIn,
    responses((status = 204), (status = 422, body = ProblemBody), (status = 401, body = ProblemBody)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PasswordChangeIn>,
) -> Result<StatusCode, ApiError> {
    auth::change_password(
        &state.db,
        &caller.actor,
        &input.current_password,
        &input.new_password,
        Some(caller.token),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
