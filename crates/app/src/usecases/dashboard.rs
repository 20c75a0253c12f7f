//! Figures for the console's home page, within the actor's scope.

use shequn_domain::{Actor, ScopeFilter};

use crate::storage::{regions, staff, stores};
use crate::{AppError, Db};

#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub regions: i64,
    pub stores: i64,
    pub staff: i64,
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn counts(db: &Db, actor: &Actor) -> Result<Counts, AppError> {
    let (region, store) = match actor.list_filter() {
        ScopeFilter::Brand => (None, None),
        ScopeFilter::Region(r) => (Some(r), None),
        ScopeFilter::Store(s) => (None, Some(s)),
    };
    let whole_brand = matches!(actor.list_filter(), ScopeFilter::Brand);
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            let regions = if whole_brand {
                regions::count_active(tx, brand).await?
            } else {
                1
            };
            let stores = stores::count_active(tx, brand, region, store).await?;
            let staff = staff::count_active(tx, brand, region, store).await?;
            Ok(Counts {
                regions,
                stores,
                staff,
            })
        })
    })
    .await
}
