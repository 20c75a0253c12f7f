//! SQL for a brand's WeChat Pay settings: the merchant's columns of `payment_settings`
//! (the private key and APIv3 key stored sealed, see `crate::sealed`) and its platform
//! certificates. The sandbox columns of the same row belong to `storage::payments`.

use shequn_domain::BrandId;

use super::db::Tx;
use super::sql::StoreError;

/// A platform certificate as stored (its PEM is public).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCert {
    pub serial: String,
    pub cert_pem: String,
    pub not_after: i64,
}

/// A brand's WeChat Pay settings as stored; the two secrets are still sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredWechat {
    pub mchid: String,
    pub appid: String,
    pub serial: String,
    pub sealed_private_key: String,
    pub sealed_apiv3_key: String,
    pub updated_at: i64,
    pub certs: Vec<StoredCert>,
}

impl std::fmt::Debug for StoredWechat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredWechat")
            .field("mchid", &self.mchid)
            .field("appid", &self.appid)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// The brand's WeChat Pay settings; None when it has none (no row, or only the sandbox's).
pub async fn wechat(tx: &mut Tx, brand: BrandId) -> Result<Option<StoredWechat>, StoreError> {
    let Some(r) = tx
        .query_opt(
            "SELECT wechat_mchid, wechat_appid, wechat_serial, wechat_private_key,
                    wechat_apiv3_key, updated_at
             FROM payment_settings WHERE brand_id = $1",
            &params![brand],
        )
        .await?
    else {
        return Ok(None);
    };
    let (Some(mchid), Some(appid), Some(serial), Some(key), Some(apiv3)) = (
        r.get::<Option<String>>(0)?,
        r.get::<Option<String>>(1)?,
        r.get::<Option<String>>(2)?,
        r.get::<Option<String>>(3)?,
        r.get::<Option<String>>(4)?,
    ) else {
        return Ok(None);
    };
    let certs = tx
        .query(
            "SELECT serial, cert_pem, not_after FROM wechat_platform_certs
             WHERE brand_id = $1 ORDER BY serial",
            &params![brand],
        )
        .await?
        .iter()
        .map(|c| {
            Ok(StoredCert {
                serial: c.get(0)?,
                cert_pem: c.get(1)?,
                not_after: c.get(2)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(StoredWechat {
        mchid,
        appid,
        serial,
        sealed_private_key: key,
        sealed_apiv3_key: apiv3,
        updated_at: r.get(5)?,
        certs,
    }))
}

/// Stores the brand's WeChat Pay settings, replacing earlier ones and the whole set of
/// platform certificates. A brand without a settings row gets one with the sandbox on and
/// `sealed_sandbox_secret` as its sandbox secret; an existing row keeps its sandbox columns.
pub async fn set_wechat(
    tx: &mut Tx,
    brand: BrandId,
    w: &StoredWechat,
    sealed_sandbox_secret: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payment_settings (brand_id, sandbox_enabled, sandbox_secret, wechat_mchid,
             wechat_appid, wechat_serial, wechat_private_key, wechat_apiv3_key, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (brand_id) DO UPDATE SET wechat_mchid = excluded.wechat_mchid,
             wechat_appid = excluded.wechat_appid, wechat_serial = excluded.wechat_serial,
             wechat_private_key = excluded.wechat_private_key,
             wechat_apiv3_key = excluded.wechat_apiv3_key, updated_at = excluded.updated_at",
        &params![
            brand,
            true,
            sealed_sandbox_secret,
            w.mchid.as_str(),
            w.appid.as_str(),
            w.serial.as_str(),
            w.sealed_private_key.as_str(),
            w.sealed_apiv3_key.as_str(),
            w.updated_at
        ],
    )
    .await?;
    tx.execute(
        "DELETE FROM wechat_platform_certs WHERE brand_id = $1",
        &params![brand],
    )
    .await?;
    for c in &w.certs {
        tx.execute(
            "INSERT INTO wechat_platform_certs (brand_id, serial, cert_pem, not_after, added_at)
             VALUES ($1, $2, $3, $4, $5)",
            &params![
                brand,
                c.serial.as_str(),
                c.cert_pem.as_str(),
                c.not_after,
                w.updated_at
            ],
        )
        .await?;
    }
    Ok(())
}

/// Whether the brand's sandbox gateway is on; None when the brand has no settings row yet.
pub async fn sandbox_enabled(tx: &mut Tx, brand: BrandId) -> Result<Option<bool>, StoreError> {
    tx.query_opt(
        "SELECT sandbox_enabled FROM payment_settings WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .map(|r| r.get(0))
    .transpose()
}
