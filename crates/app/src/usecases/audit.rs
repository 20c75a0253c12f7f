//! Reading the operation log, within the actor's scope. Events are written by the use
//! cases themselves, in the transaction of the change (see `storage::audit::record`).

use shequn_domain::{Actor, AuditEntry, Cursor, PageSize, Role, ScopeFilter};

use crate::storage::audit;
use crate::usecases::Page;
use crate::{AppError, Db};

/// Brand admins see the brand's log; region and store managers see their scope's; shop
/// guides manage nothing and see no log.
#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    before: Cursor,
    size: PageSize,
) -> Result<Page<AuditEntry>, AppError> {
    Actor::require(
        actor.role != Role::ShopGuide,
        "shop guides have no operation log",
    )?;
    let (region, store) = match actor.list_filter() {
        ScopeFilter::Brand => (None, None),
        ScopeFilter::Region(r) => (Some(r), None),
        ScopeFilter::Store(s) => (None, Some(s)),
    };
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(audit::list(tx, brand, region, store, before, size).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, size, before.0 == 0, |r| r.id))
}
