//! `/api/v1/payment-settings`: a brand's payment providers. WeChat Pay's merchant key and
//! APIv3 key are write-only (stored sealed, never answered); the platform certificates are
//! public and shown by serial. Brand admins only.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::wechat_pay::{self, WechatInput, WechatSummary};
use shequn_app::usecases::{brands, payments};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;
use crate::http::auth::Caller;
use crate::http::extract::ApiJson;
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings))
        .routes(routes!(put_wechat))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentSettingsOut {
    /// Whether the built-in sandbox gateway takes payments.
    pub sandbox_enabled: bool,
    /// Absent until WeChat Pay is set.
    pub wechat: Option<WechatOut>,
    /// Where WeChat Pay is to send notifications (prefix with this server's public origin).
    pub wechat_notify_path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WechatOut {
    /// 商户号.
    pub mchid: String,
    pub appid: String,
    /// Serial of the merchant's API certificate.
    pub serial: String,
    /// Serials of the platform certificates that notifications are checked with.
    pub platform_serials: Vec<String>,
    pub updated_at: String,
}

fn wechat_out(s: WechatSummary) -> WechatOut {
    WechatOut {
        mchid: s.mchid,
        appid: s.appid,
        serial: s.serial,
        platform_serials: s.platform_serials,
        updated_at: rfc3339(s.updated_at),
    }
}

/// No `Debug`: it carries the merchant key and the APIv3 key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WechatIn {
    /// 商户号 (digits).
    pub mchid: String,
    /// The app (公众号 / 小程序) payments are made in.
    pub appid: String,
    /// Serial of the merchant's API certificate (商户API证书序列号), hex.
    pub serial: String,
    /// The merchant's API private key, PEM (apiclient_key.pem, PKCS#8).
    pub private_key: String,
    /// The 32-character APIv3 key.
    pub apiv3_key: String,
    /// WeChat Pay platform certificates, PEM, 1 to 8.
    pub platform_certs: Vec<String>,
}

/// The brand's payment settings (never a secret). Brand admins only.
#[utoipa::path(get, path = "/api/v1/payment-settings", tag = "orders", security(("bearer" = [])),
    responses((status = 200, body = PaymentSettingsOut), (status = 403, body = ProblemBody)))]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PaymentSettingsOut>, ApiError> {
    let settings = payments::settings(&state.db, &caller.actor).await?;
    let wechat = wechat_pay::summary(&state.db, &caller.actor).await?;
    let brand = brands::current(&state.db, &caller.actor).await?;
    Ok(Json(PaymentSettingsOut {
        sandbox_enabled: settings.sandbox_enabled,
        wechat: wechat.map(wechat_out),
        wechat_notify_path: format!("/pay/wechat/{}/notify", brand.slug),
    }))
}

/// Set the brand's WeChat Pay merchant settings, replacing earlier ones (the platform
/// certificates as a whole). Everything is checked first: the keys and certificates must
/// parse. Brand admins only.
#[utoipa::path(put, path = "/api/v1/payment-settings/wechat", tag = "orders", security(("bearer" = [])),
    request_body = WechatIn,
    responses((status = 200, body = WechatOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn put_wechat(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<WechatIn>,
) -> Result<Json<WechatOut>, ApiError> {
    let summary = wechat_pay::set_config(
        &state.db,
        state.seal(),
        &caller.actor,
        WechatInput {
            mchid: input.mchid,
            appid: input.appid,
            serial: input.serial,
            private_key_pem: input.private_key,
            apiv3_key: input.apiv3_key,
            platform_certs_pem: input.platform_certs,
        },
    )
    .await?;
    Ok(Json(wechat_out(summary)))
}
