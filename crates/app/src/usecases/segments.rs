//! Segments (saved customer filters with a live count, in the actor's scope) and the
//! brand's lifecycle thresholds. Managers and admins write segments; everyone uses them
//! (`customers?segment=`). Thresholds are the brand admin's.

use serde::{Deserialize, Serialize};
use shequn_domain::{
    Actor, Channel, Cursor, Lifecycle, LifecycleThresholds, PageSize, Role, Segment, SegmentDraft,
    SegmentFilter, StoreId, Subject, Tier,
};

use crate::clock::now_ms;
use crate::storage::segments as store;
use crate::usecases::customers::{self, ListQuery};
use crate::{AppError, Db};

/// A segment as staff send it (codes as text, checked here).
#[derive(Debug, Clone, Default)]
pub struct SegmentInput {
    pub name: String,
    pub tier: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub store_id: Option<i64>,
    pub lifecycle: Option<String>,
}

impl SegmentInput {
    fn parse(&self) -> Result<SegmentDraft, AppError> {
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let filter = SegmentFilter {
            tier: blank(&self.tier)
                .map(|t| Tier::parse("tier", &t))
                .transpose()?,
            channel: blank(&self.channel)
                .map(|c| Channel::parse("channel", &c))
                .transpose()?,
            tag: blank(&self.tag),
            store_id: self.store_id.map(StoreId),
            lifecycle: blank(&self.lifecycle)
                .map(|l| Lifecycle::parse("lifecycle", &l))
                .transpose()?,
        };
        Ok(SegmentDraft::parse(&self.name, filter)?)
    }
}

fn require_writer(actor: &Actor) -> Result<(), AppError> {
    Ok(Actor::require(
        actor.role != Role::ShopGuide,
        "managers and brand admins define segments",
    )?)
}

fn taken() -> AppError {
    shequn_domain::Refusal::Taken {
        subject: Subject::Segment,
        field: "name",
    }
    .into()
}

/// A segment and how many customers in the actor's scope are in it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub segment: Segment,
    pub count: i64,
}

/// How many customers a segment holds for the actor now.
async fn count(db: &Db, actor: &Actor, id: i64) -> Result<i64, AppError> {
    let q = ListQuery {
        segment: Some(id),
        ..ListQuery::default()
    };
    let page = customers::list(db, actor, q, Cursor(0), PageSize::parse(Some(1))?).await?;
    Ok(page.total.unwrap_or(0))
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand))]
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Counted>, AppError> {
    let brand = actor.brand;
    let all = db
        .read(move |tx| Box::pin(async move { Ok(store::list(tx, brand).await?) }))
        .await?;
    let mut out = Vec::with_capacity(all.len());
    for segment in all {
        let count = count(db, actor, segment.id).await?;
        out.push(Counted { segment, count });
    }
    Ok(out)
}

/// The brand's segments by name, without counting them (for pickers).
#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand))]
pub async fn names(db: &Db, actor: &Actor) -> Result<Vec<(i64, String)>, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            Ok(store::list(tx, brand)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect())
        })
    })
    .await
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, target = id))]
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Counted, AppError> {
    let brand = actor.brand;
    let segment = db
        .read(move |tx| Box::pin(async move { Ok(store::get(tx, brand, id).await?) }))
        .await?
        .ok_or(AppError::NotFound("segment"))?;
    let count = count(db, actor, id).await?;
    Ok(Counted { segment, count })
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(db: &Db, actor: &Actor, input: SegmentInput) -> Result<Counted, AppError> {
    require_writer(actor)?;
    let draft = input.parse()?;
    let brand = actor.brand;
    let made = db
        .write(move |tx| {
            Box::pin(async move {
                if store::name_taken(tx, brand, draft.name.as_str(), None).await? {
                    return Err(taken());
                }
                Ok(store::insert(tx, brand, &draft, now_ms()).await?)
            })
        })
        .await?;
    let count = count(db, actor, made.id).await?;
    Ok(Counted {
        segment: made,
        count,
    })
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: SegmentInput,
) -> Result<Counted, AppError> {
    let brand = actor.brand;
    let a = *actor;
    let saved = db
        .write(move |tx| {
            Box::pin(async move {
                store::get(tx, brand, id)
                    .await?
                    .ok_or(AppError::NotFound("segment"))?;
                require_writer(&a)?;
                let draft = input.parse()?;
                if store::name_taken(tx, brand, draft.name.as_str(), Some(id)).await? {
                    return Err(taken());
                }
                store::update(tx, brand, id, &draft, now_ms())
                    .await?
                    .ok_or(AppError::NotFound("segment"))
            })
        })
        .await?;
    let count = count(db, actor, id).await?;
    Ok(Counted {
        segment: saved,
        count,
    })
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let a = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            store::get(tx, a.brand, id)
                .await?
                .ok_or(AppError::NotFound("segment"))?;
            require_writer(&a)?;
            store::delete(tx, a.brand, id).await?;
            Ok(())
        })
    })
    .await
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand))]
pub async fn thresholds(db: &Db, actor: &Actor) -> Result<LifecycleThresholds, AppError> {
    let brand = actor.brand;
    db.read(move |tx| Box::pin(async move { Ok(store::thresholds(tx, brand).await?) }))
        .await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn set_thresholds(
    db: &Db,
    actor: &Actor,
    new_days: i64,
    active_days: i64,
    churned_days: i64,
) -> Result<LifecycleThresholds, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins set the lifecycle thresholds",
    )?;
    let t = LifecycleThresholds::parse(new_days, active_days, churned_days)?;
    let brand = actor.brand;
    db.write(move |tx| {
        Box::pin(async move {
            store::set_thresholds(tx, brand, &t, now_ms()).await?;
            Ok(t)
        })
    })
    .await
}
