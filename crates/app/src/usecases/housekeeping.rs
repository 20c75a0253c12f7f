//! Periodic clean-up: idle sessions and expired idempotency records.

use crate::clock::now_ms;
use crate::storage::{idempotency, sessions};
use crate::usecases::auth::SESSION_IDLE_MS;
use crate::{AppError, Db};

/// Idempotency records are kept at least this long (the API promises 24 h).
pub const IDEMPOTENCY_KEEP_MS: i64 = 25 * 60 * 60 * 1000;

pub async fn sweep(db: &Db) -> Result<(u64, u64), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let s = sessions::delete_idle(&mut tx, now - SESSION_IDLE_MS).await?;
    let i = idempotency::purge_older_than(&mut tx, now - IDEMPOTENCY_KEEP_MS).await?;
    tx.commit().await?;
    Ok((s, i))
}
