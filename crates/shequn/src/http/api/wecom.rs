//! `/api/v1/wecom`: a brand's WeCom callback settings (corp id, token, EncodingAESKey).
//! The token and key are write-only: no answer carries them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::brands;
use shequn_app::usecases::wecom::{self, WecomSettings, WecomStatus};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::http::auth::Caller;
use crate::http::extract::ApiJson;
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WecomOut {
    pub configured: bool,
    pub corp_id: Option<String>,
    /// Where WeCom is to send callbacks (prefix with this server's public origin).
    pub callback_path: String,
    pub updated_at: Option<String>,
}

fn out(slug: &str, s: Option<WecomStatus>) -> WecomOut {
    WecomOut {
        configured: s.is_some(),
        callback_path: format!("/wecom/{slug}/callback"),
        corp_id: s.as_ref().map(|s| s.corp_id.clone()),
        updated_at: s.map(|s| rfc3339(s.updated_at)),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WecomIn {
    pub corp_id: String,
    /// The callback token set in WeCom's admin (letters and digits, up to 32).
    pub token: String,
    /// The 43-character EncodingAESKey set in WeCom's admin.
    pub encoding_aes_key: String,
}

/// The brand's WeCom callback settings (never the token or key).
#[utoipa::path(get, path = "/api/v1/wecom", tag = "customers", security(("bearer" = [])),
    responses((status = 200, body = WecomOut)))]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<WecomOut>, ApiError> {
    let s = wecom::status(&state.db, &caller.actor).await?;
    let brand = brands::current(&state.db, &caller.actor).await?;
    Ok(Json(out(&brand.slug, s)))
}

/// Set the brand's WeCom callback settings. Brand admins only.
#[utoipa::path(put, path = "/api/v1/wecom", tag = "customers", security(("bearer" = [])),
    request_body = WecomIn,
    responses((status = 200, body = WecomOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<WecomIn>,
) -> Result<Json<WecomOut>, ApiError> {
    let s = wecom::configure(
        &state.db,
        &caller.actor,
        WecomSettings {
            corp_id: input.corp_id,
            token: input.token,
            encoding_aes_key: input.encoding_aes_key,
        },
    )
    .await?;
    let brand = brands::current(&state.db, &caller.actor).await?;
    Ok(Json(out(&brand.slug, Some(s))))
}
