//! SQL for WeChat Pay notifications: the ids already applied (so a replay changes nothing),
//! and the refunds they settle, always within the brand.

use shequn_domain::BrandId;

use super::db::Tx;
use super::sql::StoreError;

/// Whether this notification was applied before.
pub async fn seen(tx: &mut Tx, brand: BrandId, notification_id: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM wechat_notifications WHERE brand_id = $1 AND notification_id = $2",
            &params![brand, notification_id],
        )
        .await?
        .is_some())
}

/// Records a notification as applied; false when it was recorded before (a retry).
pub async fn record_notification(
    tx: &mut Tx,
    brand: BrandId,
    notification_id: &str,
    out_trade_no: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "INSERT INTO wechat_notifications (brand_id, notification_id, out_trade_no, received_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (brand_id, notification_id) DO NOTHING",
            &params![brand, notification_id, out_trade_no, now],
        )
        .await?;
    Ok(n == 1)
}

/// Settles a refund that WeChat Pay reports on (`succeeded` or `failed`), once: a refund
/// already settled keeps its status. Returns the refund's status after, None when the brand
/// has no such refund going back through WeChat Pay.
pub async fn settle_refund(
    tx: &mut Tx,
    brand: BrandId,
    refund_no: &str,
    status: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    debug_assert!(matches!(status, "succeeded" | "failed"));
    tx.execute(
        "UPDATE refunds SET status = $3, settled_at = $4, provider = 'wechat'
         WHERE brand_id = $1 AND refund_no = $2 AND status = 'requested'
           AND (provider IS NULL OR provider = 'wechat')",
        &params![brand, refund_no, status, now],
    )
    .await?;
    tx.query_opt(
        "SELECT status FROM refunds WHERE brand_id = $1 AND refund_no = $2
           AND (provider IS NULL OR provider = 'wechat')",
        &params![brand, refund_no],
    )
    .await?
    .map(|r| r.get(0))
    .transpose()
}
