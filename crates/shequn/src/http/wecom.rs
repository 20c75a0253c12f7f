//! WeCom's callback endpoint per brand, `/wecom/{brand slug}/callback`, in WeCom's wire
//! format: GET verifies the URL (decrypts `echostr`), POST carries an encrypted event.
//! Every message is checked (`msg_signature`, AES-256-CBC, the corp id as receiver) before
//! anything is read; a refused one is a 4xx that changes nothing (WeCom then retries).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use shequn_app::usecases::wecom;

use super::problem::Problem;
use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/wecom/{slug}/callback", get(verify).post(receive))
}

#[derive(Debug, Deserialize)]
pub struct Signed {
    msg_signature: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    echostr: Option<String>,
}

fn refused(why: &str) -> Response {
    tracing::warn!(reason = why, "WeCom callback refused");
    Problem::new(StatusCode::BAD_REQUEST, "wecom_refused", why.to_owned()).into_response()
}

fn params(q: &Signed) -> Option<(&str, &str, &str)> {
    Some((
        q.msg_signature.as_deref()?,
        q.timestamp.as_deref()?,
        q.nonce.as_deref()?,
    ))
}

/// URL verification: answers the decrypted `echostr` as plain text.
async fn verify(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<Signed>,
) -> Response {
    let crypto = match wecom::crypto_for(&state.db, &slug).await {
        Ok(Some((_, c))) => c,
        Ok(None) => return Problem::not_found("WeCom callback").into_response(),
        Err(e) => return Problem::from(e).into_response(),
    };
    let (Some((sig, ts, nonce)), Some(echo)) = (params(&q), q.echostr.as_deref()) else {
        return refused("msg_signature, timestamp, nonce and echostr are required");
    };
    match crypto.verify_url(sig, ts, nonce, echo) {
        Ok(plain) => plain.into_response(),
        Err(e) => refused(&e.to_string()),
    }
}

/// An event: checked, opened, applied once; answers `success` as WeCom expects.
async fn receive(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<Signed>,
    body: String,
) -> Response {
    let (brand, crypto) = match wecom::crypto_for(&state.db, &slug).await {
        Ok(Some(found)) => found,
        Ok(None) => return Problem::not_found("WeCom callback").into_response(),
        Err(e) => return Problem::from(e).into_response(),
    };
    let Some((sig, ts, nonce)) = params(&q) else {
        return refused("msg_signature, timestamp and nonce are required");
    };
    let plain = match crypto.open(sig, ts, nonce, &body) {
        Ok(p) => p,
        Err(e) => return refused(&e.to_string()),
    };
    match wecom::apply(&state.db, brand, plain).await {
        Ok(applied) => {
            tracing::info!(?applied, "WeCom event");
            "success".into_response()
        }
        Err(e) => Problem::from(e).into_response(),
    }
}
