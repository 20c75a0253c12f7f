//! SQL for WeCom callbacks: each brand's settings and the events already applied.

use shequn_domain::BrandId;

use super::db::Tx;
use super::sql::StoreError;

/// A brand's WeCom callback settings. The token and key are secrets: they leave storage
/// only to check and open callbacks, never in an answer.
#[derive(Clone)]
pub struct WecomConfig {
    pub brand: BrandId,
    pub corp_id: String,
    pub token: String,
    pub encoding_aes_key: String,
    pub updated_at: i64,
}

impl std::fmt::Debug for WecomConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WecomConfig")
            .field("brand", &self.brand)
            .field("corp_id", &self.corp_id)
            .finish_non_exhaustive()
    }
}

pub async fn config(tx: &mut Tx, brand: BrandId) -> Result<Option<WecomConfig>, StoreError> {
    tx.query_opt(
        "SELECT brand_id, corp_id, token, encoding_aes_key, updated_at FROM wecom_configs
         WHERE brand_id = $1",
        &params![brand],
    )
    .await?
    .map(|r| {
        Ok(WecomConfig {
            brand: BrandId(r.get(0)?),
            corp_id: r.get(1)?,
            token: r.get(2)?,
            encoding_aes_key: r.get(3)?,
            updated_at: r.get(4)?,
        })
    })
    .transpose()
}

/// The settings of the brand with this slug (callback URLs name the brand by slug).
pub async fn config_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<WecomConfig>, StoreError> {
    let brand: Option<i64> = tx
        .query_opt("SELECT id FROM brands WHERE slug = $1", &params![slug])
        .await?
        .map(|r| r.get(0))
        .transpose()?;
    match brand {
        Some(b) => config(tx, BrandId(b)).await,
        None => Ok(None),
    }
}

pub async fn set_config(tx: &mut Tx, c: &WecomConfig) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO wecom_configs (brand_id, corp_id, token, encoding_aes_key, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (brand_id) DO UPDATE SET corp_id = excluded.corp_id, token = excluded.token,
             encoding_aes_key = excluded.encoding_aes_key, updated_at = excluded.updated_at",
        &params![
            c.brand,
            c.corp_id.as_str(),
            c.token.as_str(),
            c.encoding_aes_key.as_str(),
            c.updated_at
        ],
    )
    .await?;
    Ok(())
}

/// Records an event as applied; false when it was applied before (a WeCom retry).
pub async fn first_time(
    tx: &mut Tx,
    brand: BrandId,
    digest: &str,
    kind: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "INSERT INTO wecom_events (brand_id, digest, kind, received_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (brand_id, digest) DO NOTHING",
            &params![brand, digest, kind, now],
        )
        .await?;
    Ok(n == 1)
}
