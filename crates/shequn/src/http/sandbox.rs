//! The sandbox gateway's HTTP side: its hosted pay page (`/sandbox-pay/{intent_no}`), its
//! signed query and refund API (`/sandbox-gateway/v1/...`), and the shop's webhook that
//! takes its notifications (`/pay/sandbox/{slug}/notify`, answering 204 when applied or
//! already applied, 4xx otherwise so the gateway retries).
//!
//! The pay page stands in for the gateway's own site: the payer's browser is sent there
//! and back, so it carries no shop cookie and no CSRF token of the shop.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::clock::now_ms;
use shequn_app::payments::sandbox::{self, MERCHANT_HEADER, RefundAsk, SIGNATURE_HEADER};
use shequn_app::usecases::payments;
use shequn_app::usecases::sandbox_gateway::{self, PayPage};

use super::problem::Problem;
use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox-pay/{intent_no}", get(pay_page).post(pay))
        .route("/sandbox-gateway/v1/charges/{intent_no}", get(query))
        .route("/sandbox-gateway/v1/refunds", post(refund))
        .route("/pay/sandbox/{slug}/notify", post(notify))
}

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct PayTemplate {
    page: PayPage,
    amount_yuan: String,
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

async fn pay_page(State(state): State<AppState>, Path(no): Path<String>) -> Response {
    match sandbox_gateway::pay_page(&state.db, &no).await {
        Ok(page) => {
            let t = PayTemplate {
                amount_yuan: yuan(page.amount),
                page,
            };
            match t.render() {
                Ok(html) => Html(html).into_response(),
                Err(e) => {
                    tracing::error!(error = %e, "template failed");
                    Problem::internal().into_response()
                }
            }
        }
        Err(e) => Problem::from(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct PayForm {
    pay: Option<String>,
    cancel: Option<String>,
}

async fn pay(
    State(state): State<AppState>,
    Path(no): Path<String>,
    Form(f): Form<PayForm>,
) -> Response {
    let result = async {
        if f.cancel.is_some() && f.pay.is_none() {
            return sandbox_gateway::close(&state.db, &no).await;
        }
        let page = sandbox_gateway::pay_page(&state.db, &no).await?;
        let secret = payments::sandbox_secret(&state.db, state.seal(), &page.merchant).await?;
        let g = state.gateways()?;
        sandbox_gateway::pay(
            &state.db,
            &no,
            secret,
            g.sandbox_base.clone(),
            g.http.clone(),
        )
        .await
    }
    .await;
    match result {
        Ok(back) => Redirect::to(&back).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// The merchant's secret for a signed API call, or the refusal.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    message: &[u8],
) -> Result<(String, Vec<u8>), Response> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let unauthorised = || {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the request's signature does not verify",
        )
        .into_response()
    };
    let (Some(merchant), Some(sig)) = (header(MERCHANT_HEADER), header(SIGNATURE_HEADER)) else {
        return Err(unauthorised());
    };
    let secret = match payments::sandbox_secret(&state.db, state.seal(), &merchant).await {
        Ok(s) => s,
        Err(AppError::NotFound(_)) => return Err(unauthorised()),
        Err(e) => return Err(Problem::from(e).into_response()),
    };
    sandbox::verify(&secret, &sig, message, now_ms() / 1000).map_err(|_| unauthorised())?;
    Ok((merchant, secret))
}

/// A JSON answer signed with the merchant's secret.
fn signed(secret: &[u8], value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let sig = sandbox::sign(secret, now_ms() / 1000, &body);
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/json".to_owned(),
                    ),
                    (axum::http::HeaderName::from_static(SIGNATURE_HEADER), sig),
                ],
                body,
            )
                .into_response()
        }
        Err(_) => Problem::internal().into_response(),
    }
}

async fn query(
    State(state): State<AppState>,
    Path(no): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/sandbox-gateway/v1/charges/{no}");
    let (merchant, secret) = match authenticate(
        &state,
        &headers,
        &sandbox::request_message("GET", &path, b""),
    )
    .await
    {
        Ok(m) => m,
        Err(r) => return r,
    };
    match sandbox_gateway::query(&state.db, &merchant, &no).await {
        Ok(charge) => signed(&secret, &charge),
        Err(e) => Problem::from(e).into_response(),
    }
}

async fn refund(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let message = sandbox::request_message("POST", "/sandbox-gateway/v1/refunds", &body);
    let (merchant, secret) = match authenticate(&state, &headers, &message).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Ok(ask) = serde_json::from_slice::<RefundAsk>(&body) else {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_body",
            "not a refund request",
        )
        .into_response();
    };
    match sandbox_gateway::refund(&state.db, &merchant, ask).await {
        Ok(answer) => signed(&secret, &answer),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// The shop's webhook: 204 once applied (or applied before), 4xx when refused.
async fn notify(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sig = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    match payments::sandbox_notification(&state.db, state.seal(), &slug, &sig, &body).await {
        Ok(applied) => {
            tracing::info!(merchant = %slug, ?applied, "sandbox notification taken");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(AppError::BadCredentials) => Problem::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "the notification's signature does not verify",
        )
        .into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}
