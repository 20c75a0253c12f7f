//! `Idempotency-Key` on POSTs.
//!
//! The middleware validates the key, hashes the request (method, path, body) and runs the
//! handler inside [`shequn_app::idempotency::scope`]. The use case's write then records the
//! key and its result in its own transaction (see that module): a retry with the same key
//! and body gets the stored result, rendered by the same handler, so the same response,
//! marked `Idempotent-Replayed: true`, even if the first answer was lost after the commit.
//! The same key with another body is refused (422, `idempotency_key_reused`). A request
//! that failed stored nothing and may be retried. Keys are scoped per brand and caller and
//! kept 25 h.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use shequn_app::idempotency::{self, IdempotencyKey};

use super::auth::Caller;
use super::extract::{MAX_BODY_BYTES, too_large};
use super::problem::Problem;

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

pub async fn idempotency(req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    match run(req, next).await {
        Ok(res) | Err(res) => res,
    }
}

async fn run(req: Request, next: Next) -> Result<Response, Response> {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| {
            !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| b.is_ascii_graphic())
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1-255 visible ASCII characters",
            )
            .field("Idempotency-Key", "must be 1-255 visible ASCII characters")
            .into_response()
        })?;
    let caller = *req
        .extensions()
        .get::<Caller>()
        .ok_or_else(|| Problem::unauthorized().into_response())?;
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large().into_response())?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(b" ");
    hasher.update(parts.uri.path());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let key = IdempotencyKey {
        brand: caller.actor.brand,
        caller: caller.idempotency_scope(),
        key,
        request_hash: hex::encode(hasher.finalize()),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let (mut res, replayed) = idempotency::scope(key, next.run(req)).await;
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(res)
}
