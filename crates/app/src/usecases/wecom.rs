//! WeCom (企业微信) callbacks: each brand's settings, and the customer-contact and
//! customer-group events turned into contacts, joins and leaves through the same use cases
//! as the API. Each event is applied once, in one transaction with its effects: WeCom
//! retries a callback it thinks failed, and a retry finds the event recorded.
//!
//! The platform acts on its own: a group join is made as the group's 群主, a contact as
//! the brand (an actor with the brand's whole scope and the owner's or an admin's id).

use sha2::{Digest, Sha256};
use shequn_domain::links::{self, channel_of_join_scene};
use shequn_domain::{
    Actor, BrandId, Channel, CommunityStatus, CustomerId, JoinLink, JoinSource, Placement, Reason,
    Role, StaffId,
};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::wecom::{self as store, WecomConfig};
use crate::storage::{communities, customers, links as link_store, members, screening};
use crate::usecases::links::{Newcomer, after_join, new_customer_by_link};
use crate::wecom::WecomCrypto;
use crate::wecom::crypto::valid_encoding_aes_key;
use crate::wecom::event::{Envelope, WecomEvent, parse_event};
use crate::{AppError, Db};

/// Settings as an operator or a brand admin gives them.
#[derive(Debug, Clone)]
pub struct WecomSettings {
    pub corp_id: String,
    pub token: String,
    pub encoding_aes_key: String,
}

/// What the brand's settings look like from outside: never the token or the key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WecomStatus {
    pub corp_id: String,
    pub updated_at: i64,
}

fn parse_settings(s: &WecomSettings) -> Result<(), AppError> {
    let corp = s.corp_id.trim();
    if corp.is_empty() || corp.len() > 64 || !corp.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid("corp_id", Reason::NotOneOf("corp id")));
    }
    if s.token.is_empty()
        || s.token.len() > 32
        || !s.token.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(AppError::invalid(
            "token",
            Reason::NotOneOf("callback token"),
        ));
    }
    if !valid_encoding_aes_key(&s.encoding_aes_key) {
        return Err(AppError::invalid(
            "encoding_aes_key",
            Reason::NotOneOf("EncodingAESKey"),
        ));
    }
    Ok(())
}

/// Stores a brand's settings (`shequn wecom set`, or [`configure`] for an admin).
pub async fn set_for_brand(
    db: &Db,
    brand: BrandId,
    s: WecomSettings,
) -> Result<WecomStatus, AppError> {
    parse_settings(&s)?;
    let now = now_ms();
    let c = WecomConfig {
        brand,
        corp_id: s.corp_id.trim().to_owned(),
        token: s.token,
        encoding_aes_key: s.encoding_aes_key,
        updated_at: now,
    };
    db.write(move |tx| {
        Box::pin(async move {
            store::set_config(tx, &c).await?;
            Ok(WecomStatus {
                corp_id: c.corp_id.clone(),
                updated_at: now,
            })
        })
    })
    .await
}

/// [`set_for_brand`] for the brand with this slug (the operator CLI).
pub async fn set_for_slug(db: &Db, slug: &str, s: WecomSettings) -> Result<WecomStatus, AppError> {
    let owned = slug.to_owned();
    let brand = db
        .read(move |tx| {
            Box::pin(async move { Ok(crate::storage::orgs::find_by_slug(tx, &owned).await?) })
        })
        .await?
        .ok_or(AppError::NotFound("brand"))?;
    set_for_brand(db, brand.id, s).await
}

#[tracing::instrument(skip(db, s), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn configure(db: &Db, actor: &Actor, s: WecomSettings) -> Result<WecomStatus, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins set the WeCom callback",
    )?;
    set_for_brand(db, actor.brand, s).await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand))]
pub async fn status(db: &Db, actor: &Actor) -> Result<Option<WecomStatus>, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            Ok(store::config(tx, brand).await?.map(|c| WecomStatus {
                corp_id: c.corp_id,
                updated_at: c.updated_at,
            }))
        })
    })
    .await
}

/// The brand behind a callback URL and the crypto to check its messages with; None when
/// the brand does not exist or has no WeCom settings.
pub async fn crypto_for(db: &Db, slug: &str) -> Result<Option<(BrandId, WecomCrypto)>, AppError> {
    let slug = slug.to_owned();
    let config = db
        .read(move |tx| Box::pin(async move { Ok(store::config_by_slug(tx, &slug).await?) }))
        .await?;
    Ok(match config {
        Some(c) => Some((
            c.brand,
            WecomCrypto::new(&c.token, &c.encoding_aes_key, &c.corp_id)
                .map_err(|e| AppError::Internal(format!("stored WeCom settings: {e}")))?,
        )),
        None => None,
    })
}

/// What a callback did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Applied {
    /// Seen before (a retry): nothing changed.
    Duplicate,
    /// A contact was added: the customer (made now or known by external id).
    Contact { customer: CustomerId, created: bool },
    /// Customers joined a linked group (stints made now; members already in are skipped).
    Joined { joined: usize },
    /// Customers left a linked group.
    Left { left: usize },
    /// The group was dismissed: its community archived.
    Dismissed,
    /// Nothing to do (an unlinked group, a staff member, an event not used).
    Ignored,
}

/// Applies a decrypted callback (its XML) once.
#[tracing::instrument(skip(db, plaintext), fields(brand = %brand))]
pub async fn apply(db: &Db, brand: BrandId, plaintext: String) -> Result<Applied, AppError> {
    let envelope = parse_event(&plaintext)
        .map_err(|_| AppError::invalid("body", Reason::NotOneOf("WeCom event")))?;
    let digest = hex::encode(Sha256::digest(plaintext.as_bytes()));
    db.write(move |tx| {
        Box::pin(async move {
            let now = now_ms();
            if !store::first_time(tx, brand, &digest, kind(&envelope), now).await? {
                return Ok(Applied::Duplicate);
            }
            apply_in(tx, brand, envelope, now).await
        })
    })
    .await
}

fn kind(e: &Envelope) -> &'static str {
    match &e.event {
        WecomEvent::ContactAdded { .. } => "contact_added",
        WecomEvent::ContactDeleted { .. } => "contact_deleted",
        WecomEvent::ChatCreated { .. } => "chat_created",
        WecomEvent::MembersJoined { .. } => "members_joined",
        WecomEvent::MembersLeft { .. } => "members_left",
        WecomEvent::ChatDismissed { .. } => "chat_dismissed",
        WecomEvent::Other { .. } => "other",
    }
}

/// External contacts' ids start with `wo` or `wm`; group members without it are staff.
fn is_external(id: &str) -> bool {
    id.starts_with("wo") || id.starts_with("wm")
}

/// The platform acting for the brand, in the name of `staff`.
fn platform(brand: BrandId, staff: StaffId) -> Actor {
    Actor {
        brand,
        staff,
        role: Role::BrandAdmin,
        placement: Placement::Brand,
    }
}

async fn apply_in(
    tx: &mut Tx,
    brand: BrandId,
    envelope: Envelope,
    now: i64,
) -> Result<Applied, AppError> {
    match envelope.event {
        WecomEvent::ContactAdded {
            external_user_id,
            state,
            ..
        } => {
            // A channel QR hands its link code back as `State`.
            let link = match state.as_deref().filter(|s| links::is_code(s)) {
                Some(code) => match link_store::by_code(tx, code).await? {
                    Some((b, l)) if b == brand => Some(l),
                    _ => None,
                },
                None => None,
            };
            let (customer, created) = contact(
                tx,
                brand,
                &external_user_id,
                link.as_ref(),
                Channel::OfflineStore,
                now,
            )
            .await?;
            if let (Some(l), false) = (&link, created)
                && let Some(inviter) = l.inviter_id
            {
                customers::set_inviter_if_none(tx, brand, customer, inviter).await?;
            }
            Ok(Applied::Contact { customer, created })
        }
        WecomEvent::MembersJoined {
            chat_id,
            join_scene,
            members: ids,
        } => {
            let Some(community) = communities::id_by_chat_id(tx, brand, &chat_id).await? else {
                return Ok(Applied::Ignored);
            };
            let Some((c, _)) = communities::get(tx, brand, community).await? else {
                return Ok(Applied::Ignored);
            };
            let actor = platform(brand, c.owner_id);
            let mut joined = 0;
            for ext in ids.iter().filter(|i| is_external(i)) {
                let (customer, _) =
                    contact(tx, brand, ext, None, channel_of_join_scene(join_scene), now).await?;
                let j = crate::usecases::members::join_in(
                    tx,
                    &actor,
                    community,
                    customer,
                    JoinSource::Platform,
                )
                .await?;
                if !j.already {
                    joined += 1;
                }
                after_join(tx, &actor, &j, customer, None).await?;
            }
            Ok(Applied::Joined { joined })
        }
        WecomEvent::MembersLeft {
            chat_id,
            members: ids,
            ..
        } => {
            let Some(community) = communities::id_by_chat_id(tx, brand, &chat_id).await? else {
                return Ok(Applied::Ignored);
            };
            let mut left = 0;
            for ext in ids.iter().filter(|i| is_external(i)) {
                let Some(customer) = customers::id_by_external_id(tx, brand, ext).await? else {
                    continue;
                };
                if let Some(m) = members::open_stint(tx, brand, community, customer).await? {
                    // A member gone is a removal task done, whoever removed them.
                    screening::finish_tasks_of(tx, brand, m.id, now).await?;
                    members::leave(tx, brand, m.id, now).await?;
                    left += 1;
                }
            }
            Ok(Applied::Left { left })
        }
        WecomEvent::ChatDismissed { chat_id } => {
            let Some(community) = communities::id_by_chat_id(tx, brand, &chat_id).await? else {
                return Ok(Applied::Ignored);
            };
            let Some((mut c, _)) = communities::get(tx, brand, community).await? else {
                return Ok(Applied::Ignored);
            };
            c.status = CommunityStatus::Archived;
            communities::update(tx, brand, &c, now).await?;
            Ok(Applied::Dismissed)
        }
        WecomEvent::ContactDeleted { .. }
        | WecomEvent::ChatCreated { .. }
        | WecomEvent::Other { .. } => Ok(Applied::Ignored),
    }
}

/// The customer with this external id, made now if new: attributed to the link's channel,
/// inviter, store and 群主 when there is a link, else to `fallback` with no store.
async fn contact(
    tx: &mut Tx,
    brand: BrandId,
    external_id: &str,
    link: Option<&JoinLink>,
    fallback: Channel,
    now: i64,
) -> Result<(CustomerId, bool), AppError> {
    if let Some(id) = customers::id_by_external_id(tx, brand, external_id).await? {
        return Ok((id, false));
    }
    let tail: String = external_id
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let who = Newcomer {
        // WeCom's callback carries no nickname; staff or an ingest fill it in later.
        nickname: format!("企微客户{tail}"),
        phone: None,
        external_id: Some(external_id.to_owned()),
    };
    let id = new_customer_by_link(tx, brand, link, fallback, who, now).await?;
    Ok((id, true))
}
