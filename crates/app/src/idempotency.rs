//! `Idempotency-Key` inside the use case's transaction.
//!
//! The edge runs a request with a key inside [`scope`]. The first write that request makes
//! through [`crate::Db::write`] takes the key: in the same transaction as the use case's
//! effects it inserts the key's record (a concurrent request with the same key waits on
//! that row, on both engines), runs the body, and stores the body's result as JSON. A
//! retry finds the record and gets the stored result back without the body running again,
//! so the edge rebuilds the same response; this holds even when the process died between
//! the COMMIT and the answer. The same key with a different request is refused. A body
//! that fails rolls its record back with it, so a retry runs afresh.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use shequn_domain::BrandId;

use crate::AppError;
use crate::clock::now_ms;
use crate::params;
use crate::storage::db::{BoxFuture, Tx};

/// Records are kept at least this long (the API promises 24 h).
pub const KEEP_MS: i64 = 25 * 60 * 60 * 1000;

/// A request's key, scoped by brand and caller, with a hash of what was asked.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub brand: BrandId,
    pub caller: String,
    pub key: String,
    pub request_hash: String,
}

struct RequestContext {
    pending: Mutex<Option<IdempotencyKey>>,
    replayed: AtomicBool,
}

tokio::task_local! {
    static REQUEST: Arc<RequestContext>;
}

/// Runs `fut` (the handling of one request) with `key`; also says whether its write was
/// answered from a stored result.
pub async fn scope<F: Future>(key: IdempotencyKey, fut: F) -> (F::Output, bool) {
    let ctx = Arc::new(RequestContext {
        pending: Mutex::new(Some(key)),
        replayed: AtomicBool::new(false),
    });
    let out = REQUEST.scope(ctx.clone(), fut).await;
    (out, ctx.replayed.load(Ordering::SeqCst))
}

/// The key of the current request, if it has one no write has taken yet.
pub(crate) struct Pending {
    key: IdempotencyKey,
    ctx: Arc<RequestContext>,
}

pub(crate) fn take_pending() -> Option<Pending> {
    REQUEST
        .try_with(|ctx| {
            let key = ctx.pending.lock().ok()?.take()?;
            Some(Pending {
                key,
                ctx: ctx.clone(),
            })
        })
        .ok()
        .flatten()
}

/// `body` wrapped with the key's record, in the caller's transaction.
pub(crate) async fn around<T, F>(tx: &mut Tx, p: Pending, body: F) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned,
    F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, AppError>>,
{
    let k = &p.key;
    let inserted = tx
        .execute(
            "INSERT INTO idempotency_records (brand_id, caller, key, request_hash, result, created_at)
             VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT DO NOTHING",
            &params![k.brand, &k.caller, &k.key, &k.request_hash, now_ms()],
        )
        .await?;
    if inserted == 0 {
        let row = tx
            .query_one(
                "SELECT request_hash, result FROM idempotency_records
                 WHERE brand_id = $1 AND caller = $2 AND key = $3",
                &params![k.brand, &k.caller, &k.key],
            )
            .await?;
        if row.get::<String>(0)? != k.request_hash {
            return Err(AppError::IdempotencyKeyReused);
        }
        let stored: Option<String> = row.get(1)?;
        let stored = stored.ok_or_else(|| {
            AppError::Internal("an idempotency record committed without its result".into())
        })?;
        p.ctx.replayed.store(true, Ordering::SeqCst);
        return serde_json::from_str(&stored)
            .map_err(|e| AppError::Internal(format!("stored idempotent result: {e}")));
    }
    let out = body(tx).await?;
    let json = serde_json::to_string(&out)
        .map_err(|e| AppError::Internal(format!("idempotent result: {e}")))?;
    tx.execute(
        "UPDATE idempotency_records SET result = $4 WHERE brand_id = $1 AND caller = $2 AND key = $3",
        &params![k.brand, &k.caller, &k.key, &json],
    )
    .await?;
    Ok(out)
}

/// Deletes records older than [`KEEP_MS`]; returns how many.
pub async fn purge(tx: &mut Tx, now: i64) -> Result<u64, AppError> {
    Ok(tx
        .execute(
            "DELETE FROM idempotency_records WHERE created_at < $1",
            &params![now - KEEP_MS],
        )
        .await?)
}
