//! WeChat Pay's notification endpoint per brand, `POST /pay/wechat/{slug}/notify`, in
//! WeChat Pay's wire format: 204 once applied (or applied before); anything refused or
//! failed answers 4xx/5xx with `{"code":"FAIL","message":"…"}`, which WeChat Pay retries
//! (over about a day). Checking, opening and applying are the use case's; the raw body is
//! handed over untouched because the signature covers it byte for byte.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use shequn_app::AppError;
use shequn_app::clock::now_ms;
use shequn_app::payments::wechat::NotifyHeaders;
use shequn_app::usecases::wechat_pay;

use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/pay/wechat/{slug}/notify", post(notify))
}

/// The failure answer WeChat Pay reads (and then retries).
fn fail(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "code": "FAIL", "message": message })),
    )
        .into_response()
}

fn failure(e: AppError) -> Response {
    match e {
        AppError::NotFound(what) => fail(StatusCode::NOT_FOUND, &format!("{what} not found")),
        AppError::Invalid { .. } | AppError::BadCredentials => {
            fail(StatusCode::BAD_REQUEST, &e.to_string())
        }
        AppError::Refused(r) => fail(StatusCode::CONFLICT, &r.to_string()),
        AppError::Forbidden(why) => fail(StatusCode::FORBIDDEN, why),
        AppError::IdempotencyKeyReused => fail(StatusCode::CONFLICT, "idempotency key reused"),
        // Ours, not the sender's: logged here, told only that it should try again.
        AppError::Store(err) => {
            tracing::error!(error = %err, "WeChat Pay notification: storage error");
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "temporarily unavailable; retry",
            )
        }
        AppError::Internal(msg) => {
            tracing::error!(error = %msg, "WeChat Pay notification: internal error");
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "temporarily unavailable; retry",
            )
        }
    }
}

async fn notify(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(signed) =
        NotifyHeaders::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()))
    else {
        tracing::warn!(code = "bad_header", "WeChat Pay notification refused");
        return fail(
            StatusCode::BAD_REQUEST,
            "Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature and Wechatpay-Serial are required",
        );
    };
    match wechat_pay::handle_notification(
        &state.db,
        state.seal(),
        &slug,
        &signed,
        &body,
        now_ms() / 1000,
    )
    .await
    {
        Ok(outcome) => {
            tracing::info!(?outcome, "WeChat Pay notification taken");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => failure(e),
    }
}
