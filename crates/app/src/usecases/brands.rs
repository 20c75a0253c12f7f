//! The actor's own brand.

use shequn_domain::Actor;

use crate::storage::orgs::{self, BrandRow};
use crate::{AppError, Db};

pub async fn current(db: &Db, actor: &Actor) -> Result<BrandRow, AppError> {
    let mut tx = db.read().await?;
    let row = orgs::get(&mut tx, actor.brand).await?;
    tx.commit().await?;
    row.ok_or(AppError::NotFound("brand"))
}
