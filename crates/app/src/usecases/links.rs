//! Join links of communities (invite links and QR codes with a channel code and an
//! inviter), joining through one, the welcome texts per intent tier and the outbox of
//! welcomes queued on joining (delivery comes later). Only customers who consented to
//! messages get a welcome queued.

use serde::{Deserialize, Serialize};
use shequn_domain::links::{self, default_welcome, parse_welcome};
use shequn_domain::{
    Actor, Channel, CommunityId, CustomerId, JoinLink, JoinSource, Joined, Name, Reason, Role, Tier,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::links::{self as store, NewLink, Welcome};
use crate::storage::{communities, customers};
use crate::usecases::communities::visible;
use crate::usecases::members;
use crate::{AppError, Db};

/// A link as staff ask for it.
#[derive(Debug, Clone)]
pub struct LinkInput {
    pub channel: String,
    pub inviter_id: Option<i64>,
    pub label: String,
}

/// A fresh code: 10 characters of a-z and 0-9 from the OS-seeded generator.
fn new_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..links::CODE_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Opens a join link for a community the actor runs (its 群主, or a manager of its store).
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = %community))]
pub async fn create(
    db: &Db,
    actor: &Actor,
    community: CommunityId,
    input: LinkInput,
) -> Result<JoinLink, AppError> {
    let channel = Channel::parse("channel", &input.channel)?;
    let label = Name::parse("label", &input.label)?;
    let inviter = input.inviter_id.map(CustomerId);
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (c, region) = visible(tx, &actor, community).await?;
            Actor::require(
                actor.can_run_community(region, c.store_id, c.owner_id),
                "only the community's 群主 or a manager of its store opens join links",
            )?;
            if let Some(i) = inviter
                && !customers::exists(tx, actor.brand, i).await?
            {
                return Err(AppError::invalid("inviter_id", Reason::UnknownCustomer));
            }
            let code = new_code();
            let new = NewLink {
                community,
                code: &code,
                channel,
                inviter,
                label: label.as_str(),
                created_by: actor.staff,
            };
            Ok(store::insert(tx, actor.brand, &new, now_ms()).await?)
        })
    })
    .await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, target = %community))]
pub async fn of_community(
    db: &Db,
    actor: &Actor,
    community: CommunityId,
) -> Result<Vec<JoinLink>, AppError> {
    let actor = *actor;
    db.read(move |tx| {
        Box::pin(async move {
            visible(tx, &actor, community).await?;
            Ok(store::of_community(tx, actor.brand, community).await?)
        })
    })
    .await
}

/// A link of a community the actor can see.
async fn visible_link(tx: &mut Tx, actor: &Actor, id: i64) -> Result<JoinLink, AppError> {
    let l = store::get(tx, actor.brand, id)
        .await?
        .ok_or(AppError::NotFound("join link"))?;
    visible(tx, actor, l.community_id)
        .await
        .map_err(|_| AppError::NotFound("join link"))?;
    Ok(l)
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, target = id))]
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<JoinLink, AppError> {
    let actor = *actor;
    db.read(move |tx| Box::pin(async move { visible_link(tx, &actor, id).await }))
        .await
}

/// Switches a link off (its QR stops letting anyone in) or on again.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<JoinLink, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let l = visible_link(tx, &actor, id).await?;
            let (c, region) = visible(tx, &actor, l.community_id).await?;
            Actor::require(
                actor.can_run_community(region, c.store_id, c.owner_id),
                "only the community's 群主 or a manager of its store switches its links",
            )?;
            store::set_active(tx, actor.brand, id, active).await?;
            visible_link(tx, &actor, id).await
        })
    })
    .await
}

/// A customer joins through a link: screened like any invite-link join, the stint
/// remembers the link, a customer without an inviter gets the link's, and the welcome for
/// their tier is queued.
#[tracing::instrument(skip(db, code), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn join(
    db: &Db,
    actor: &Actor,
    code: &str,
    customer: CustomerId,
) -> Result<Joined, AppError> {
    if !links::is_code(code) {
        return Err(AppError::NotFound("join link"));
    }
    let code = code.to_owned();
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let link = match store::by_code(tx, &code).await? {
                Some((brand, l)) if brand == actor.brand && l.active => l,
                _ => return Err(AppError::NotFound("join link")),
            };
            let joined = members::join_in(
                tx,
                &actor,
                link.community_id,
                customer,
                JoinSource::InviteLink,
            )
            .await?;
            after_join(tx, &actor, &joined, customer, Some(&link)).await?;
            Ok(joined)
        })
    })
    .await
}

/// What a new stint brings: the link it came through, the inviter, the welcome.
pub(crate) async fn after_join(
    tx: &mut Tx,
    actor: &Actor,
    joined: &Joined,
    customer: CustomerId,
    link: Option<&JoinLink>,
) -> Result<(), AppError> {
    let Some(m) = joined.membership.as_ref().filter(|_| !joined.already) else {
        return Ok(());
    };
    let brand = actor.brand;
    if let Some(l) = link {
        store::mark_stint(tx, brand, m.id, l.id).await?;
        if let Some(inviter) = l.inviter_id {
            customers::set_inviter_if_none(tx, brand, customer, inviter).await?;
        }
    }
    let Some((c, _)) = customers::get(tx, brand, customer).await? else {
        return Ok(());
    };
    // A welcome is a message to the customer: only with their consent.
    if c.consent.given {
        let body = match store::welcome(tx, brand, c.tier).await? {
            Some(b) => b,
            None => default_welcome(c.tier).to_owned(),
        };
        store::queue_welcome(
            tx,
            brand,
            customer,
            m.community_id,
            m.id,
            c.tier,
            &body,
            now_ms(),
        )
        .await?;
    }
    Ok(())
}

/// The welcome text of each tier, and whether it is the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelcomeText {
    pub tier: Tier,
    pub body: String,
    pub is_default: bool,
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand))]
pub async fn welcome_texts(db: &Db, actor: &Actor) -> Result<Vec<WelcomeText>, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            let mut out = Vec::new();
            for tier in Tier::ALL.iter().copied() {
                let stored = store::welcome(tx, brand, tier).await?;
                out.push(WelcomeText {
                    tier,
                    is_default: stored.is_none(),
                    body: stored.unwrap_or_else(|| default_welcome(tier).to_owned()),
                });
            }
            Ok(out)
        })
    })
    .await
}

/// Sets a tier's welcome text. Brand admins only.
#[tracing::instrument(skip(db, body), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn set_welcome_text(
    db: &Db,
    actor: &Actor,
    tier: &str,
    body: &str,
) -> Result<WelcomeText, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins write the welcome texts",
    )?;
    let tier = Tier::parse("tier", tier)?;
    let body = parse_welcome("body", body)?;
    let brand = actor.brand;
    db.write(move |tx| {
        Box::pin(async move {
            store::set_welcome(tx, brand, tier, &body, now_ms()).await?;
            Ok(WelcomeText {
                tier,
                body,
                is_default: false,
            })
        })
    })
    .await
}

/// The welcomes queued for a community.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, target = %community))]
pub async fn outbox(
    db: &Db,
    actor: &Actor,
    community: CommunityId,
) -> Result<Vec<Welcome>, AppError> {
    let actor = *actor;
    db.read(move |tx| {
        Box::pin(async move {
            visible(tx, &actor, community).await?;
            Ok(store::outbox(tx, actor.brand, community).await?)
        })
    })
    .await
}

/// The community a code leads to, for the public join page: (community name, store name),
/// or None for an unknown or switched-off code.
pub async fn landing(db: &Db, code: &str) -> Result<Option<(String, String)>, AppError> {
    if !links::is_code(code) {
        return Ok(None);
    }
    let code = code.to_owned();
    db.read(move |tx| {
        Box::pin(async move {
            let Some((brand, l)) = store::by_code(tx, &code).await? else {
                return Ok(None);
            };
            if !l.active {
                return Ok(None);
            }
            let Some((c, _)) = communities::get(tx, brand, l.community_id).await? else {
                return Ok(None);
            };
            let store_name = crate::storage::stores::get(tx, brand, c.store_id)
                .await?
                .map(|s| s.name)
                .unwrap_or_default();
            Ok(Some((c.name.as_str().to_owned(), store_name)))
        })
    })
    .await
}

/// Who a new customer is, before attribution.
pub(crate) struct Newcomer {
    pub nickname: String,
    pub phone: Option<shequn_domain::Phone>,
    pub external_id: Option<String>,
}

/// Makes a customer attributed to the join link they came by: its channel and inviter,
/// the community's store and 群主 (unless the owner has left since); without a link,
/// `fallback` and no store. The tier follows the brand's channel map; no consent is
/// implied. WeCom contacts and the store's first checkout both arrive this way.
pub(crate) async fn new_customer_by_link(
    tx: &mut Tx,
    brand: shequn_domain::BrandId,
    link: Option<&JoinLink>,
    fallback: shequn_domain::Channel,
    who: Newcomer,
    now: i64,
) -> Result<shequn_domain::CustomerId, AppError> {
    let (store, guide) = match link {
        Some(l) => match communities::get(tx, brand, l.community_id).await? {
            Some((c, _)) => (Some(c.store_id), Some(c.owner_id)),
            None => (None, None),
        },
        None => (None, None),
    };
    // An owner who left the store since is no guide to hand the customer to.
    let guide = match guide {
        Some(g)
            if crate::storage::staff::get(tx, brand, g)
                .await?
                .is_some_and(|s| s.active) =>
        {
            Some(g)
        }
        _ => None,
    };
    let channel = link.map_or(fallback, |l| l.channel);
    let tier = customers::tier_map(tx, brand).await?.tier(channel);
    let new = shequn_domain::Customer {
        id: shequn_domain::CustomerId(0),
        nickname: who.nickname,
        avatar_flagged: false,
        phone: who.phone,
        external_id: who.external_id,
        channel,
        invited_by: link.and_then(|l| l.inviter_id),
        tier,
        tier_reason: None,
        consent: shequn_domain::Consent {
            given: false,
            at: None,
            source: None,
        },
        tags: Vec::new(),
        store_id: store,
        guide_id: guide,
        last_active_at: None,
        lifecycle: shequn_domain::Lifecycle::New,
        created_at: now,
        updated_at: now,
    };
    Ok(customers::insert(tx, brand, &new, now).await?.id)
}
