//! `Idempotency-Key` on creating POSTs.
//!
//! The first request with a key is recorded (claimed) before it runs, and its response,
//! whatever its status, is stored when it finishes. The same key with the same body
//! replays that response; with a different body it is refused (422); while the first is
//! still running a second gets 409. Keys are scoped per brand and caller and kept 25 h.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use shequn_app::clock::now_ms;
use shequn_app::storage::idempotency as store;
use shequn_app::{AppError, Db};
use shequn_domain::BrandId;

use super::auth::Caller;
use super::extract::{MAX_BODY_BYTES, too_large};
use super::problem::Problem;
use super::state::AppState;

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;
/// A claim older than this whose request never finished (the process died) may be retaken.
const STALE_CLAIM_MS: i64 = 60_000;
/// Responses larger than this are not stored (none of ours come close).
const MAX_STORED_RESPONSE: usize = 1024 * 1024;

/// Set on a response whose body carries a secret that is shown once (a new API token):
/// the stored copy has these top-level JSON fields set to null, so a replay returns the
/// same resource without the secret, and the secret never rests in the database.
#[derive(Debug, Clone, Copy)]
pub struct RedactOnReplay(pub &'static [&'static str]);

fn redacted(bytes: &[u8], fields: &[&str]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(mut map)) => {
            for f in fields {
                if let Some(v) = map.get_mut(*f) {
                    *v = serde_json::Value::Null;
                }
            }
            serde_json::to_vec(&map).unwrap_or_default()
        }
        // Not a JSON object: store nothing of it rather than risk keeping the secret.
        _ => Vec::new(),
    }
}

enum Claim {
    Run,
    Replay(u16, String),
}

pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    match run(&state, req, next).await {
        Ok(res) | Err(res) => res,
    }
}

async fn run(state: &AppState, req: Request, next: Next) -> Result<Response, Response> {
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
    let hash = hex::encode(hasher.finalize());
    let brand = caller.actor.brand;
    let scope = caller.idempotency_scope();

    match claim(&state.db, brand, &scope, &key, &hash)
        .await
        .map_err(problem)?
    {
        Ok(Claim::Replay(status, stored)) => return Ok(replay(status, &stored)),
        Ok(Claim::Run) => {}
        Err(r) => return Err(refusal(r)),
    }
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_STORED_RESPONSE).await else {
        let _ = release(&state.db, brand, &scope, &key).await;
        return Err(Problem::internal().into_response());
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let kept = match parts.extensions.get::<RedactOnReplay>() {
        Some(RedactOnReplay(fields)) => redacted(&bytes, fields),
        None => bytes.to_vec(),
    };
    let stored = format!("{content_type}\n{}", String::from_utf8_lossy(&kept));
    if let Err(e) = complete(
        &state.db,
        brand,
        &scope,
        &key,
        parts.status.as_u16(),
        &stored,
    )
    .await
    {
        tracing::error!(error = %e, "could not store idempotent response");
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

fn problem(e: AppError) -> Response {
    Problem::from(e).into_response()
}

enum Refusal {
    Reused,
    InFlight,
}

async fn claim(
    db: &Db,
    brand: BrandId,
    scope: &str,
    key: &str,
    hash: &str,
) -> Result<Result<Claim, Refusal>, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    if store::claim(&mut tx, brand, scope, key, hash, now).await? {
        tx.commit().await?;
        return Ok(Ok(Claim::Run));
    }
    let row = store::get(&mut tx, brand, scope, key)
        .await?
        .ok_or_else(|| AppError::Internal("idempotency row vanished".into()))?;
    let outcome = if row.request_hash != hash {
        Err(Refusal::Reused)
    } else if let (Some(status), Some(stored)) = (row.status, row.response) {
        Ok(Claim::Replay(status as u16, stored))
    } else if store::reclaim_stale(&mut tx, brand, scope, key, hash, now, now - STALE_CLAIM_MS)
        .await?
    {
        Ok(Claim::Run)
    } else {
        Err(Refusal::InFlight)
    };
    tx.commit().await?;
    Ok(outcome)
}

fn refusal(r: Refusal) -> Response {
    match r {
        Refusal::Reused => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request; use a new key",
        )
        .field("Idempotency-Key", "already used with a different request"),
        Refusal::InFlight => Problem::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            "a request with this Idempotency-Key is still being processed; retry later",
        ),
    }
    .into_response()
}

async fn complete(
    db: &Db,
    brand: BrandId,
    scope: &str,
    key: &str,
    status: u16,
    stored: &str,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    store::complete(&mut tx, brand, scope, key, status, stored).await?;
    tx.commit().await?;
    Ok(())
}

async fn release(db: &Db, brand: BrandId, scope: &str, key: &str) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    store::release(&mut tx, brand, scope, key).await?;
    tx.commit().await?;
    Ok(())
}

fn replay(status: u16, stored: &str) -> Response {
    let (content_type, body) = stored
        .split_once('\n')
        .unwrap_or(("application/json", stored));
    let mut res = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        body.to_owned(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}
