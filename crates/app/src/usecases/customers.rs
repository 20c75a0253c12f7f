//! Customers (顾客): staff add them and follow them up; their intent tier follows the
//! brand's channel mapping unless staff set it with a reason; consent to marketing is
//! recorded with its time and source.
//!
//! Scope: a customer of a store is seen by the staff whose scope holds that store (its
//! guides included); a customer with no store yet only by the brand admin.

use shequn_domain::customer::parse_tag;
use shequn_domain::{
    Actor, AuditAction, Channel, Consent, Cursor, Customer, CustomerId, Lifecycle,
    LifecycleThresholds, Name, PageSize, Phone, Placement, Reason, RegionId, Role, ScopeFilter,
    SearchText, StaffId, StoreId, Subject, Tier,
};

use crate::clock::now_ms;
use crate::storage::customers::{self, CustomerFilter, StageFilter};
use crate::storage::db::Tx;
use crate::storage::{segments, staff};
use crate::usecases::Page;
use crate::{AppError, Db};

/// At most this many tags a customer.
pub const MAX_TAGS: usize = 20;
/// The longest reason for setting a tier by hand.
const REASON_MAX_CHARS: usize = 200;

/// A new customer; what is absent takes its default.
#[derive(Debug, Clone, Default)]
pub struct NewCustomerInput {
    pub nickname: String,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub channel: String,
    pub invited_by: Option<i64>,
    pub tags: Vec<String>,
    pub avatar_flagged: bool,
    /// Whether the customer agreed to marketing messages, and how they said so.
    pub consent: Option<bool>,
    pub consent_source: Option<String>,
    /// The actor's store when absent (store staff).
    pub store_id: Option<i64>,
    /// The actor when absent and the actor is a shop guide.
    pub guide_id: Option<i64>,
}

/// A tier set by hand, or cleared to follow the channel again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierChange {
    Set { tier: String, reason: String },
    FollowChannel,
}

/// What an edit changes; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    pub nickname: Option<String>,
    /// `Some(None)` removes the phone.
    pub phone: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub avatar_flagged: Option<bool>,
    pub guide_id: Option<i64>,
    pub tier: Option<TierChange>,
    pub consent: Option<bool>,
    /// How consent was given or withdrawn (`console`, `api`, …).
    pub consent_source: Option<String>,
}

fn parse_tags(raw: &[String]) -> Result<Vec<String>, AppError> {
    if raw.len() > MAX_TAGS {
        return Err(AppError::invalid(
            "tags",
            Reason::OutOfRange {
                min: 0,
                max: MAX_TAGS as i64,
            },
        ));
    }
    let mut tags = raw
        .iter()
        .map(|t| parse_tag("tags", t))
        .collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

fn parse_external_id(raw: &str) -> Result<String, AppError> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "external_id",
            Reason::NotOneOf("external id"),
        ));
    }
    Ok(id.to_owned())
}

fn parse_source(raw: Option<&str>, default: &str) -> Result<String, AppError> {
    let s = raw.unwrap_or(default).trim();
    if s.is_empty() || s.len() > 40 || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "consent_source",
            Reason::NotOneOf("source"),
        ));
    }
    Ok(s.to_owned())
}

fn parse_reason(raw: &str) -> Result<String, AppError> {
    let r = raw.trim();
    let n = r.chars().count();
    if n == 0 {
        return Err(AppError::invalid("tier_reason", Reason::Required));
    }
    if n > REASON_MAX_CHARS {
        return Err(AppError::invalid(
            "tier_reason",
            Reason::TooLong {
                max: REASON_MAX_CHARS,
                got: n,
            },
        ));
    }
    Ok(r.to_owned())
}

/// Whether the actor sees a customer placed at `store` (in `region`).
fn sees(actor: &Actor, store: Option<StoreId>, region: Option<RegionId>) -> bool {
    match (store, region) {
        (Some(s), Some(r)) => actor.can_see_store(r, s),
        _ => actor.placement == Placement::Brand,
    }
}

pub(crate) async fn visible(
    tx: &mut Tx,
    actor: &Actor,
    id: CustomerId,
) -> Result<(Customer, Option<RegionId>), AppError> {
    match customers::get(tx, actor.brand, id).await? {
        Some((c, region)) if sees(actor, c.store_id, region) => Ok((c, region)),
        _ => Err(AppError::NotFound("customer")),
    }
}

/// An active shop guide or store manager of `store`.
async fn usable_guide(
    tx: &mut Tx,
    actor: &Actor,
    store: Option<StoreId>,
    id: StaffId,
) -> Result<(), AppError> {
    match staff::get(tx, actor.brand, id).await? {
        Some(m)
            if m.active
                && store.is_some()
                && m.store_id == store
                && matches!(m.role, Role::ShopGuide | Role::StoreManager) =>
        {
            Ok(())
        }
        _ => Err(AppError::invalid("guide_id", Reason::UnknownGuide)),
    }
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(db: &Db, actor: &Actor, input: NewCustomerInput) -> Result<Customer, AppError> {
    let nickname = Name::parse("nickname", &input.nickname)?;
    let phone = input
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| Phone::parse("phone", p))
        .transpose()?;
    let external_id = input
        .external_id
        .as_deref()
        .map(parse_external_id)
        .transpose()?;
    let channel = Channel::parse("channel", &input.channel)?;
    let tags = parse_tags(&input.tags)?;
    let now = now_ms();
    let consent = match input.consent {
        Some(given) => Consent {
            given,
            at: Some(now),
            source: Some(parse_source(input.consent_source.as_deref(), "staff")?),
        },
        None => Consent {
            given: false,
            at: None,
            source: None,
        },
    };
    let store = input.store_id.map(StoreId).or(actor.placement.store());
    let guide = input
        .guide_id
        .map(StaffId)
        .or((actor.role == Role::ShopGuide).then_some(actor.staff));
    let invited_by = input.invited_by.map(CustomerId);
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            match store {
                Some(s) => {
                    crate::usecases::open_store(tx, &actor, s).await?;
                }
                // Only the brand admin keeps customers that no store serves yet.
                None => Actor::require(
                    actor.placement == Placement::Brand,
                    "store staff add customers to a store they serve",
                )?,
            }
            if let Some(g) = guide {
                usable_guide(tx, &actor, store, g).await?;
            }
            if let Some(inviter) = invited_by
                && !customers::exists(tx, actor.brand, inviter).await?
            {
                return Err(AppError::invalid("invited_by", Reason::UnknownCustomer));
            }
            let tier = customers::tier_map(tx, actor.brand).await?.tier(channel);
            let new = Customer {
                id: CustomerId(0),
                nickname: nickname.as_str().to_owned(),
                avatar_flagged: input.avatar_flagged,
                phone,
                external_id,
                channel,
                invited_by,
                tier,
                tier_reason: None,
                consent,
                tags,
                store_id: store,
                guide_id: guide,
                last_active_at: None,
                lifecycle: Lifecycle::New,
                created_at: now,
                updated_at: now,
            };
            customers::insert(tx, actor.brand, &new, now)
                .await
                .map_err(AppError::on_unique(Subject::Customer, "external_id"))
        })
    })
    .await
}

/// What a customer list asks for, within the actor's scope.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub store: Option<StoreId>,
    pub guide: Option<StaffId>,
    pub tier: Option<String>,
    /// `new`, `active`, `silent` or `churned`.
    pub lifecycle: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub search: Option<SearchText>,
    /// A whole phone number, as typed.
    pub phone: Option<String>,
    /// A segment of the brand: its conditions apply under the ones named here.
    pub segment: Option<i64>,
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    q: ListQuery,
    after: Cursor,
    size: PageSize,
) -> Result<Page<Customer>, AppError> {
    let now = now_ms();
    let mut filter = CustomerFilter {
        region: None,
        store: q.store,
        guide: q.guide,
        tier: q
            .tier
            .as_deref()
            .map(|t| Tier::parse("tier", t))
            .transpose()?,
        channel: q
            .channel
            .as_deref()
            .map(|c| Channel::parse("channel", c))
            .transpose()?,
        tag: q.tag.as_deref().map(|t| parse_tag("tag", t)).transpose()?,
        search: q.search,
        phone: q
            .phone
            .as_deref()
            .map(|p| Phone::parse("phone", p))
            .transpose()?,
        lifecycle: None,
    };
    let mut stage = q
        .lifecycle
        .as_deref()
        .map(|l| Lifecycle::parse("lifecycle", l))
        .transpose()?;
    let segment = q.segment;
    let actor = *actor;
    let (rows, t) = db
        .read(move |tx| {
            Box::pin(async move {
                if let Some(id) = segment {
                    // The segment's conditions, under the ones the query names itself.
                    let s = segments::get(tx, actor.brand, id)
                        .await?
                        .ok_or_else(|| AppError::invalid("segment", Reason::NotOneOf("segment")))?;
                    filter.tier = filter.tier.or(s.filter.tier);
                    filter.channel = filter.channel.or(s.filter.channel);
                    filter.tag = filter.tag.or(s.filter.tag);
                    filter.store = filter.store.or(s.filter.store_id);
                    stage = stage.or(s.filter.lifecycle);
                }
                match actor.list_filter() {
                    ScopeFilter::Brand => {}
                    ScopeFilter::Region(r) => filter.region = Some(r),
                    ScopeFilter::Store(s) if filter.store.is_none_or(|asked| asked == s) => {
                        filter.store = Some(s)
                    }
                    ScopeFilter::Store(_) => return Ok(((Vec::new(), Some(0)), None)),
                }
                let t = segments::thresholds(tx, actor.brand).await?;
                filter.lifecycle = stage.map(|st| stage_filter(st, &t, now));
                Ok((
                    customers::list(tx, actor.brand, &filter, after, size).await?,
                    Some(t),
                ))
            })
        })
        .await?;
    let Some(t) = t else {
        return Ok(Page::empty());
    };
    let mut page = Page::from_rows(rows, size, after.0 == 0, |c| c.id.get());
    for c in &mut page.items {
        staged(c, &t, now);
    }
    Ok(page)
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn get(db: &Db, actor: &Actor, id: CustomerId) -> Result<Customer, AppError> {
    let actor = *actor;
    let (mut c, t) = db
        .read(move |tx| {
            Box::pin(async move {
                let c = visible(tx, &actor, id).await?.0;
                Ok((c, segments::thresholds(tx, actor.brand).await?))
            })
        })
        .await?;
    staged(&mut c, &t, now_ms());
    Ok(c)
}

/// Sets the customer's lifecycle stage as of `now`, by the brand's thresholds.
fn staged(c: &mut Customer, t: &LifecycleThresholds, now: i64) {
    c.lifecycle = t.stage(c.created_at, c.last_active_at, now);
}

/// A stage as the cut-off times the list query compares with.
pub(crate) fn stage_filter(stage: Lifecycle, t: &LifecycleThresholds, now: i64) -> StageFilter {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    StageFilter {
        stage,
        new_since: now - t.new_days * DAY_MS,
        active_since: now - t.active_days * DAY_MS,
        silent_since: now - t.churned_days * DAY_MS,
    }
}

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: CustomerId,
    patch: CustomerPatch,
) -> Result<Customer, AppError> {
    let nickname = patch
        .nickname
        .as_deref()
        .map(|n| Name::parse("nickname", n))
        .transpose()?;
    let phone = match patch.phone.as_ref() {
        Some(Some(p)) => Some(Some(Phone::parse("phone", p)?)),
        Some(None) => Some(None),
        None => None,
    };
    let tags = patch.tags.as_deref().map(parse_tags).transpose()?;
    let tier = match patch.tier {
        Some(TierChange::Set { tier, reason }) => {
            Some(Some((Tier::parse("tier", &tier)?, parse_reason(&reason)?)))
        }
        Some(TierChange::FollowChannel) => Some(None),
        None => None,
    };
    let consent_source = patch
        .consent
        .map(|_| parse_source(patch.consent_source.as_deref(), "staff"))
        .transpose()?;
    let guide = patch.guide_id.map(StaffId);
    let actor = *actor;
    let out = db
        .write(move |tx| {
            Box::pin(async move {
                let (mut c, _) = visible(tx, &actor, id).await?;
                let now = now_ms();
                if let Some(n) = nickname {
                    c.nickname = n.as_str().to_owned();
                }
                if let Some(p) = phone {
                    c.phone = p;
                }
                if let Some(t) = tags {
                    c.tags = t;
                }
                if let Some(a) = patch.avatar_flagged {
                    c.avatar_flagged = a;
                }
                if let Some(g) = guide {
                    usable_guide(tx, &actor, c.store_id, g).await?;
                    c.guide_id = Some(g);
                }
                match tier {
                    Some(Some((t, reason))) => {
                        c.tier = t;
                        c.tier_reason = Some(reason);
                    }
                    Some(None) => {
                        c.tier = customers::tier_map(tx, actor.brand).await?.tier(c.channel);
                        c.tier_reason = None;
                    }
                    None => {}
                }
                let before_consent = c.consent.given;
                // Saying the same again keeps the time and source of the first answer.
                if let (Some(given), Some(source)) = (patch.consent, consent_source)
                    && (given != c.consent.given || c.consent.at.is_none())
                {
                    c.consent = Consent {
                        given,
                        at: Some(now),
                        source: Some(source),
                    };
                }
                let withdrawn = patch.consent == Some(false) && before_consent;
                let mut saved = customers::update(tx, actor.brand, &c, now).await?;
                if withdrawn {
                    crate::storage::links::cancel_queued(tx, actor.brand, id).await?;
                }
                saved.last_active_at = c.last_active_at;
                let t = segments::thresholds(tx, actor.brand).await?;
                staged(&mut saved, &t, now);
                Ok(saved)
            })
        })
        .await?;
    Ok(out)
}

/// Every channel with the tier it gives in this brand.
#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn tier_map(db: &Db, actor: &Actor) -> Result<Vec<(Channel, Tier)>, AppError> {
    let brand = actor.brand;
    db.read(move |tx| Box::pin(async move { Ok(customers::tier_map(tx, brand).await?.all()) }))
        .await
}

/// Sets the brand's tier for some channels (brand admins); customers of those channels
/// whose tier staff did not set by hand move with it. Returns the whole mapping and how
/// many customers changed tier.
#[tracing::instrument(skip(db, changes), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn set_tier_map(
    db: &Db,
    actor: &Actor,
    changes: Vec<(String, String)>,
) -> Result<(Vec<(Channel, Tier)>, u64), AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "only a brand admin maps channels to intent tiers",
    )?;
    let parsed = changes
        .iter()
        .map(|(c, t)| Ok((Channel::parse("channel", c)?, Tier::parse("tier", t)?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let brand = actor.brand;
    db.write(move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let mut moved = 0;
            for (channel, tier) in parsed {
                moved += customers::set_channel_tier(tx, brand, channel, tier, now).await?;
            }
            Ok((customers::tier_map(tx, brand).await?.all(), moved))
        })
    })
    .await
}

/// Everything the brand holds about one customer, for a data-subject request (PIPL).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerExport {
    pub customer: Customer,
    pub memberships: Vec<shequn_domain::Membership>,
    /// (kind, community id, at ms), oldest first.
    pub activity: Vec<(String, i64, i64)>,
}

/// Brand admins answer data-subject requests; nobody else sees a whole export.
const PERSONAL_DATA: &str = "only a brand admin exports or erases a customer's personal data";

/// A customer's data in full (the one place a whole phone number leaves the system),
/// written to the operation log without the data itself.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn export(db: &Db, actor: &Actor, id: CustomerId) -> Result<CustomerExport, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            // Out of sight is "not found" first; in sight but not allowed is "forbidden".
            let (customer, region) = visible(tx, &actor, id).await?;
            Actor::require(actor.role == Role::BrandAdmin, PERSONAL_DATA)?;
            let memberships = crate::storage::members::of_customer(tx, actor.brand, id).await?;
            let activity = customers::activity_of(tx, actor.brand, id).await?;
            log(tx, &actor, AuditAction::CustomerExported, &customer, region).await?;
            Ok(CustomerExport {
                customer,
                memberships,
                activity,
            })
        })
    })
    .await
}

/// The customer's whole phone number, for staff whose role allows it: managers and admins
/// who see the customer, and the customer's own guide. Each reveal is in the operation log
/// (without the number).
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn reveal_phone(
    db: &Db,
    actor: &Actor,
    id: CustomerId,
) -> Result<Option<Phone>, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (customer, region) = visible(tx, &actor, id).await?;
            Actor::require(
                actor.role != Role::ShopGuide || customer.guide_id == Some(actor.staff),
                "a shop guide sees the whole number of their own customers only",
            )?;
            if customer.phone.is_some() {
                log(
                    tx,
                    &actor,
                    AuditAction::CustomerPhoneRevealed,
                    &customer,
                    region,
                )
                .await?;
            }
            Ok(customer.phone)
        })
    })
    .await
}

/// Erases a customer's personal data on request; the anonymous row keeps memberships and
/// activity (and, later, orders and ledgers) whole.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn erase(db: &Db, actor: &Actor, id: CustomerId) -> Result<Customer, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (customer, region) = visible(tx, &actor, id).await?;
            Actor::require(actor.role == Role::BrandAdmin, PERSONAL_DATA)?;
            customers::erase(tx, actor.brand, id, now_ms()).await?;
            log(tx, &actor, AuditAction::CustomerErased, &customer, region).await?;
            let mut c = visible(tx, &actor, id).await?.0;
            let t = segments::thresholds(tx, actor.brand).await?;
            staged(&mut c, &t, now_ms());
            Ok(c)
        })
    })
    .await
}

/// An operation-log event about a customer, naming them by id only.
async fn log(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    c: &Customer,
    region: Option<RegionId>,
) -> Result<(), AppError> {
    let place = match (c.store_id, region) {
        (Some(store), Some(region)) => Placement::Store { region, store },
        _ => Placement::Brand,
    };
    let e = crate::usecases::event(actor, action, c.id.get(), place, serde_json::json!({}));
    crate::storage::audit::record(tx, actor.brand, &e, now_ms()).await?;
    Ok(())
}
