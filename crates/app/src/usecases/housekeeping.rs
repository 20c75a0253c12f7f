//! Periodic clean-up: idle sessions, expired shopper sessions (with their carts) and
//! expired idempotency records.

use crate::clock::now_ms;
use crate::idempotency;
use crate::storage::sessions;
use crate::usecases::auth::SESSION_IDLE_MS;
use crate::{AppError, Db};

/// Deletes idle sessions and idempotency records past [`idempotency::KEEP_MS`]; returns
/// how many of each.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sweep(db: &Db) -> Result<(u64, u64), AppError> {
    let now = now_ms();
    db.write(move |tx| {
        Box::pin(async move {
            let s = sessions::delete_idle(tx, now - SESSION_IDLE_MS).await?
                + crate::storage::shop::delete_expired_sessions(tx, now).await?;
            let i = idempotency::purge(tx, now).await?;
            // Databases made before screening existed get its presets on the first sweep.
            crate::storage::screening::ensure_presets(tx, None, now).await?;
            Ok((s, i))
        })
    })
    .await
}
