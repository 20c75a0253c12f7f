//! A shop guide's workbench (导购工作台): their communities with today's joins and leaves.
//! The rest of the workbench (members waiting for review, removal tasks, customers to
//! follow up) comes from the screening and customer use cases.

use shequn_domain::{Actor, Community, Cursor, PageSize, Role};

use crate::clock::now_ms;
use crate::storage::members;
use crate::usecases::communities::{self, ListQuery};
use crate::{AppError, Db};

/// A day starts at midnight in China (UTC+8): "today" for the guides.
const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// When today began in China, as UTC ms.
pub fn start_of_today(now: i64) -> i64 {
    now - (now + CHINA_OFFSET_MS).rem_euclid(DAY_MS)
}

/// A community and its movement today.
#[derive(Debug, Clone)]
pub struct CommunityToday {
    pub community: Community,
    pub joins: i64,
    pub leaves: i64,
}

/// The actor's communities (a guide's own; a manager's or admin's first 50 in scope) with
/// today's joins and leaves.
#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn my_communities(db: &Db, actor: &Actor) -> Result<Vec<CommunityToday>, AppError> {
    let q = ListQuery {
        owner: (actor.role == Role::ShopGuide).then_some(actor.staff),
        status: Some("active".to_owned()),
        ..ListQuery::default()
    };
    let size = PageSize::parse(Some(50))?;
    let page = communities::list(db, actor, q, Cursor(0), size).await?;
    let ids: Vec<_> = page.items.iter().map(|c| c.id).collect();
    let since = start_of_today(now_ms());
    let brand = actor.brand;
    let moved = db
        .read(move |tx| {
            Box::pin(async move { Ok(members::movement_since(tx, brand, &ids, since).await?) })
        })
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|c| {
            let (joins, leaves) = moved
                .iter()
                .find(|(id, _, _)| *id == c.id)
                .map_or((0, 0), |(_, j, l)| (*j, *l));
            CommunityToday {
                community: c,
                joins,
                leaves,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_starts_at_midnight_in_china() {
        // 2026-11-27T01:30:00Z is 09:30 in Shanghai: the day began at 2026-11-26T16:00:00Z.
        let now = 1_795_743_000_000;
        let start = start_of_today(now);
        assert_eq!(now - start, 9 * 3_600_000 + 30 * 60_000);
        assert_eq!(start_of_today(start), start);
        assert_eq!(start_of_today(start - 1), start - DAY_MS);
    }
}
