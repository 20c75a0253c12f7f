//! `/api/v1/tokens`: the caller's own API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::tokens;
use shequn_domain::{ApiToken, TokenId};
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
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    /// The token's first characters, e.g. `shq_AbC12xYz`, to tell tokens apart.
    pub prefix: String,
}

impl From<ApiToken> for TokenOut {
    fn from(r: ApiToken) -> Self {
        TokenOut {
            id: r.id.get(),
            name: r.name,
            created_at: rfc3339(r.created_at),
            expires_at: rfc3339(r.expires_at),
            revoked_at: r.revoked_at.map(rfc3339),
            prefix: r.prefix,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// What the token is for, e.g. "ERP sync".
    pub name: String,
    /// 1 to 365 days; 90 when absent.
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// The bearer token, shown only in this response. An idempotent replay of the request
    /// returns the same token's details with `token: null`: the secret is never stored.
    pub token: Option<String>,
    #[serde(flatten)]
    pub meta: TokenOut,
}

/// The caller's tokens, newest last.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])),
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<TokenOut>), (status = 401, body = ProblemBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<TokenOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = tokens::list(&state.db, &caller.actor, cursor, size).await?;
    Ok(Json(PageOf::map(page, TokenOut::from)))
}

/// Create a token for the caller. The secret is in this response only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])), request_body = TokenIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = TokenCreated), (status = 422, body = ProblemBody)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TokenIn>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let issued =
        tokens::issue(&state.db, &caller.actor, &input.name, input.expires_in_days).await?;
    // On an idempotent replay the use case rebuilds the result from what was stored, which
    // never holds the secret: `token` is then null.
    let created = TokenCreated {
        token: issued.secret,
        meta: issued.token.into(),
    };
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{token_id}", tag = "tokens", security(("bearer" = [])),
    params(("token_id" = i64, Path)),
    responses((status = 200, body = TokenOut), (status = 404, body = ProblemBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<TokenOut>, ApiError> {
    Ok(Json(
        tokens::revoke(&state.db, &caller.actor, TokenId(id))
            .await?
            .into(),
    ))
}
