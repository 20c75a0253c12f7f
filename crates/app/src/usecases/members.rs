//! Members of communities: a customer joins (and overflows into the next group when the
//! community is full), leaves, is given a role; a community's member list.
//!
//! The actor must see both the community and the customer. Joining twice changes nothing
//! and says so, so a platform retrying its report applies once.

use shequn_domain::{
    Actor, CommunityId, CommunityMember, CommunityStatus, Cursor, CustomerId, JoinSource, Joined,
    MemberRole, Membership, PageSize, Placement, Reason, Refusal, RegionId, SearchText, Tier,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::members::{self, MemberFilter};
use crate::storage::screening as screening_store;
use crate::storage::{communities, customers};
use crate::usecases::Page;
use crate::usecases::communities::{open_sibling, visible};
use crate::usecases::screening;
use crate::{AppError, Db};

/// The longest reward note.
const NOTE_MAX_CHARS: usize = 200;

/// A customer of the brand the actor can see, else an error on `customer_id`.
async fn usable_customer(tx: &mut Tx, actor: &Actor, id: CustomerId) -> Result<(), AppError> {
    let seen = match customers::get(tx, actor.brand, id).await? {
        Some((c, region)) => match (c.store_id, region) {
            (Some(s), Some(r)) => actor.can_see_store(r, s),
            _ => actor.placement == Placement::Brand,
        },
        None => false,
    };
    if seen {
        Ok(())
    } else {
        Err(AppError::invalid("customer_id", Reason::UnknownCustomer))
    }
}

/// A stint and its community, if the actor can see the community.
async fn visible_stint(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<(Membership, shequn_domain::Community, RegionId), AppError> {
    let m = members::get(tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    let (c, region) = visible(tx, actor, m.community_id)
        .await
        .map_err(|_| AppError::NotFound("membership"))?;
    Ok((m, c, region))
}

/// Joins a customer to a community after screening at the door (see
/// [`crate::usecases::screening`]): a held or blacklisted joiner is kept out (no stint, the
/// decisions say why); otherwise the join lands, with any decisions it raised.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %community))]
pub async fn join(
    db: &Db,
    actor: &Actor,
    community: CommunityId,
    customer: CustomerId,
    source: Option<&str>,
) -> Result<Joined, AppError> {
    let source = JoinSource::parse("source", source.unwrap_or("staff"))?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move { join_in(tx, &actor, community, customer, source).await })
    })
    .await
}

/// [`join`] inside a caller's transaction (join links and platform callbacks join too).
pub(crate) async fn join_in(
    tx: &mut Tx,
    actor: &Actor,
    community: CommunityId,
    customer: CustomerId,
    source: JoinSource,
) -> Result<Joined, AppError> {
    let (asked, region) = visible(tx, actor, community).await?;
    usable_customer(tx, actor, customer).await?;
    if asked.status == CommunityStatus::Archived {
        return Err(Refusal::CommunityArchived.into());
    }
    if let Some(already) = already_in(tx, actor, &asked, customer).await? {
        return Ok(already);
    }
    let now = now_ms();
    let door = screening::at_the_door(tx, actor, customer, source, now).await?;
    if door.keep_out {
        let decisions = screening::after_the_door(tx, actor, &door, asked.id, None, now).await?;
        return Ok(Joined {
            membership: None,
            already: false,
            overflowed_into: None,
            decisions,
        });
    }
    let mut joined = admit_into(tx, actor, &asked, region, customer, source, now).await?;
    let stint = joined.membership.as_ref().map(|m| m.id);
    joined.decisions = screening::after_the_door(tx, actor, &door, asked.id, stint, now).await?;
    Ok(joined)
}

/// The customer's stint in the community or one of its siblings, as a join that changed
/// nothing.
async fn already_in(
    tx: &mut Tx,
    actor: &Actor,
    asked: &shequn_domain::Community,
    customer: CustomerId,
) -> Result<Option<Joined>, AppError> {
    let root = asked.overflow_of.unwrap_or(asked.id);
    for c in communities::family(tx, actor.brand, root).await? {
        if let Some(m) = members::open_stint(tx, actor.brand, c.id, customer).await? {
            return Ok(Some(Joined {
                membership: Some(m),
                already: true,
                overflowed_into: None,
                decisions: Vec::new(),
            }));
        }
    }
    Ok(None)
}

/// Lets a held joiner in once staff approved: no second screening.
pub(crate) async fn admit(
    tx: &mut Tx,
    actor: &Actor,
    community: CommunityId,
    customer: CustomerId,
    source: JoinSource,
    now: i64,
) -> Result<Joined, AppError> {
    let (asked, region) = visible(tx, actor, community).await?;
    if asked.status == CommunityStatus::Archived {
        return Err(Refusal::CommunityArchived.into());
    }
    if let Some(already) = already_in(tx, actor, &asked, customer).await? {
        return Ok(already);
    }
    admit_into(tx, actor, &asked, region, customer, source, now).await
}

/// Writes the stint: into the community asked for, or a sibling with room when it is full
/// (opening one when none has).
async fn admit_into(
    tx: &mut Tx,
    actor: &Actor,
    asked: &shequn_domain::Community,
    region: RegionId,
    customer: CustomerId,
    source: JoinSource,
    now: i64,
) -> Result<Joined, AppError> {
    let root = asked.overflow_of.unwrap_or(asked.id);
    let family = communities::family(tx, actor.brand, root).await?;
    let has_room = |c: &shequn_domain::Community| {
        c.status == CommunityStatus::Active && c.members < i64::from(c.capacity.get())
    };
    let target = if has_room(asked) {
        asked.id
    } else {
        match family.iter().find(|c| c.id != asked.id && has_room(c)) {
            Some(c) => c.id,
            None => open_sibling(tx, actor, asked, region).await?.id,
        }
    };
    let m = members::insert(
        tx,
        actor.brand,
        target,
        customer,
        MemberRole::Member,
        source,
        now,
    )
    .await?;
    debug_assert!(
        members::count_open(tx, actor.brand, target).await? <= i64::from(asked.capacity.get()),
        "a join never overfills a community"
    );
    Ok(Joined {
        membership: Some(m),
        already: false,
        overflowed_into: (target != asked.id).then_some(target),
        decisions: Vec::new(),
    })
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn leave(db: &Db, actor: &Actor, id: i64) -> Result<Membership, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (m, _, _) = visible_stint(tx, &actor, id).await?;
            let now = now_ms();
            // A member gone is a removal task done, whoever removed them.
            screening_store::finish_tasks_of(tx, actor.brand, id, now).await?;
            match members::leave(tx, actor.brand, id, now).await? {
                Some(left) => Ok(left),
                // Already gone: leaving again changes nothing.
                None => Ok(m),
            }
        })
    })
    .await
}

#[tracing::instrument(skip(db, reward_note), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn set_role(
    db: &Db,
    actor: &Actor,
    id: i64,
    role: &str,
    reward_note: Option<String>,
) -> Result<Membership, AppError> {
    let role = MemberRole::parse("role", role)?;
    let note = match reward_note.as_deref().map(str::trim) {
        Some(n) if n.chars().count() > NOTE_MAX_CHARS => {
            return Err(AppError::invalid(
                "reward_note",
                Reason::TooLong {
                    max: NOTE_MAX_CHARS,
                    got: n.chars().count(),
                },
            ));
        }
        Some("") | None => None,
        Some(n) => Some(n.to_owned()),
    };
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (_, c, region) = visible_stint(tx, &actor, id).await?;
            Actor::require(
                actor.can_run_community(region, c.store_id, c.owner_id),
                "only the community's 群主 or a manager of its store gives roles",
            )?;
            members::set_role(tx, actor.brand, id, role, note.as_deref())
                .await?
                .ok_or(AppError::NotFound("membership"))
        })
    })
    .await
}

/// What a member list asks for.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    pub role: Option<String>,
    pub tier: Option<String>,
    pub search: Option<SearchText>,
    pub with_past: bool,
    pub channel: Option<String>,
    pub tag: Option<String>,
    /// `new`, `active`, `silent` or `churned`.
    pub lifecycle: Option<String>,
    /// A segment of the brand: its conditions apply under the ones named here.
    pub segment: Option<i64>,
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %community))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    community: CommunityId,
    q: MemberQuery,
    after: Cursor,
    size: PageSize,
) -> Result<Page<CommunityMember>, AppError> {
    let filter = MemberFilter {
        role: q
            .role
            .as_deref()
            .map(|r| MemberRole::parse("role", r))
            .transpose()?,
        tier: q
            .tier
            .as_deref()
            .map(|t| Tier::parse("tier", t))
            .transpose()?,
        search: q.search,
        with_past: q.with_past,
        channel: q
            .channel
            .as_deref()
            .map(|c| shequn_domain::Channel::parse("channel", c))
            .transpose()?,
        tag: q
            .tag
            .as_deref()
            .map(|t| shequn_domain::customer::parse_tag("tag", t))
            .transpose()?,
        lifecycle: None,
    };
    let mut stage = q
        .lifecycle
        .as_deref()
        .map(|l| shequn_domain::Lifecycle::parse("lifecycle", l))
        .transpose()?;
    let segment = q.segment;
    let now = now_ms();
    let actor = *actor;
    let mut filter = filter;
    let rows = db
        .read(move |tx| {
            Box::pin(async move {
                visible(tx, &actor, community).await?;
                if let Some(id) = segment {
                    let s = crate::storage::segments::get(tx, actor.brand, id)
                        .await?
                        .ok_or_else(|| AppError::invalid("segment", Reason::NotOneOf("segment")))?;
                    filter.tier = filter.tier.or(s.filter.tier);
                    filter.channel = filter.channel.or(s.filter.channel);
                    filter.tag = filter.tag.or(s.filter.tag);
                    stage = stage.or(s.filter.lifecycle);
                    // A segment of another store holds nobody of this community.
                    if let Some(store) = s.filter.store_id {
                        let (c, _) = visible(tx, &actor, community).await?;
                        if c.store_id != store {
                            return Ok((Vec::new(), Some(0)));
                        }
                    }
                }
                if let Some(st) = stage {
                    let t = crate::storage::segments::thresholds(tx, actor.brand).await?;
                    filter.lifecycle = Some(crate::usecases::customers::stage_filter(st, &t, now));
                }
                Ok(members::list(tx, actor.brand, community, &filter, after, size).await?)
            })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |m| {
        m.membership.id
    }))
}
