//! Communities (社群): open one in a store, list and read them within scope, edit them
//! (a change of kind is kept in the history), and open the overflow sibling of a full one.
//!
//! Who: managers whose scope holds the store, and the shop guide who runs the community.
//! A guide opens communities with themselves as 群主 and cannot hand one over (handing over
//! is the managers' job, with the handover use case of a later issue).

use serde_json::json;
use shequn_domain::community::{RULES_MAX_CHARS, sibling_name};
use shequn_domain::{
    Actor, AuditAction, Capacity, Community, CommunityId, CommunityStatus, Cursor, Kind,
    KindChange, Name, PageSize, Placement, Purpose, Reason, RegionId, Role, ScopeFilter,
    SearchText, StaffId, StoreId,
};

use crate::clock::now_ms;
use crate::storage::communities::{self, CommunityFilter, NewCommunity};
use crate::storage::db::Tx;
use crate::storage::{audit, staff, stores};
use crate::usecases::{Page, event};
use crate::{AppError, Db};

/// What a new community is given; what is absent takes its default.
#[derive(Debug, Clone, Default)]
pub struct NewCommunityInput {
    pub store_id: i64,
    /// The 群主; the actor when absent.
    pub owner_id: Option<i64>,
    pub name: String,
    /// `sales` when absent.
    pub purpose: Option<String>,
    pub kind: String,
    /// 500 when absent.
    pub capacity: Option<i64>,
    pub rules: Option<String>,
}

/// What an edit changes; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct CommunityPatch {
    pub owner_id: Option<i64>,
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub kind: Option<String>,
    pub capacity: Option<i64>,
    pub rules: Option<String>,
    pub status: Option<String>,
    /// `Some(None)` unlinks the chat group.
    pub chat_id: Option<Option<String>>,
}

fn parse_rules(raw: &str) -> Result<String, AppError> {
    let rules = raw.trim();
    let n = rules.chars().count();
    if n > RULES_MAX_CHARS {
        return Err(AppError::invalid(
            "rules",
            Reason::TooLong {
                max: RULES_MAX_CHARS,
                got: n,
            },
        ));
    }
    // Rules are several lines; other control characters are refused.
    if rules
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(AppError::invalid("rules", Reason::ControlCharacters));
    }
    Ok(rules.to_owned())
}

/// The chat platform's group id: 1 to 128 visible ASCII characters.
fn parse_chat_id(raw: &str) -> Result<String, AppError> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "chat_id",
            Reason::NotOneOf("chat group id"),
        ));
    }
    Ok(id.to_owned())
}

/// A staff member who can run a community of `store`: an active shop guide or store
/// manager of that store. Returns their display name (for the operation log).
async fn usable_owner(
    tx: &mut Tx,
    actor: &Actor,
    store: StoreId,
    id: StaffId,
) -> Result<String, AppError> {
    match staff::get(tx, actor.brand, id).await? {
        Some(m)
            if m.active
                && m.store_id == Some(store)
                && matches!(m.role, Role::ShopGuide | Role::StoreManager) =>
        {
            Ok(m.display_name)
        }
        _ => Err(AppError::invalid("owner_id", Reason::UnknownOwner)),
    }
}

/// The community if the actor can see it; otherwise "not found", as for a missing one.
pub(crate) async fn visible(
    tx: &mut Tx,
    actor: &Actor,
    id: CommunityId,
) -> Result<(Community, RegionId), AppError> {
    match communities::get(tx, actor.brand, id).await? {
        Some((c, region)) if actor.can_see_store(region, c.store_id) => Ok((c, region)),
        _ => Err(AppError::NotFound("community")),
    }
}

/// The store as an event names it.
async fn store_ref(tx: &mut Tx, actor: &Actor, id: StoreId) -> Result<serde_json::Value, AppError> {
    Ok(match stores::get(tx, actor.brand, id).await? {
        Some(s) => audit::store_ref(&s.code, &s.name),
        None => serde_json::Value::Null,
    })
}

#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: NewCommunityInput,
) -> Result<Community, AppError> {
    let name = Name::parse("name", &input.name)?;
    let purpose = match input.purpose.as_deref() {
        Some(p) => Purpose::parse("purpose", p)?,
        None => Purpose::Sales,
    };
    let kind = Kind::parse("kind", &input.kind)?;
    let capacity = match input.capacity {
        Some(n) => Capacity::parse("capacity", n)?,
        None => Capacity::DEFAULT,
    };
    let rules = parse_rules(input.rules.as_deref().unwrap_or(""))?;
    let store = StoreId(input.store_id);
    let owner = StaffId(input.owner_id.unwrap_or(actor.staff.get()));
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let region = crate::usecases::open_store(tx, &actor, store).await?;
            let owner_name = usable_owner(tx, &actor, store, owner).await?;
            Actor::require(
                actor.can_run_community(region, store, owner),
                "a shop guide opens communities that they run themselves",
            )?;
            let new = NewCommunity {
                store,
                owner,
                name: name.as_str(),
                purpose,
                kind,
                capacity,
                rules: &rules,
                overflow_of: None,
            };
            let made =
                communities::insert(tx, actor.brand, &new, Some(actor.staff), now_ms()).await?;
            let detail = json!({
                "name": made.name,
                "store": store_ref(tx, &actor, store).await?,
                "kind": kind.as_str(),
                "purpose": purpose.as_str(),
                "owner": owner_name,
            });
            let place = Placement::Store { region, store };
            let e = event(
                &actor,
                AuditAction::CommunityCreated,
                made.id.get(),
                place,
                detail,
            );
            audit::record(tx, actor.brand, &e, made.created_at).await?;
            Ok(made)
        })
    })
    .await
}

/// What a list asks for, within the actor's scope.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub store: Option<StoreId>,
    pub owner: Option<StaffId>,
    pub status: Option<String>,
    pub search: Option<SearchText>,
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    q: ListQuery,
    after: Cursor,
    size: PageSize,
) -> Result<Page<Community>, AppError> {
    let status = q
        .status
        .as_deref()
        .map(|s| CommunityStatus::parse("status", s))
        .transpose()?;
    let mut filter = CommunityFilter {
        region: None,
        store: q.store,
        owner: q.owner,
        status,
        search: q.search,
    };
    match actor.list_filter() {
        ScopeFilter::Brand => {}
        ScopeFilter::Region(r) => filter.region = Some(r),
        ScopeFilter::Store(s) if q.store.is_none_or(|asked| asked == s) => filter.store = Some(s),
        ScopeFilter::Store(_) => return Ok(Page::empty()),
    }
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(communities::list(tx, brand, &filter, after, size).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |c| c.id.get()))
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn get(db: &Db, actor: &Actor, id: CommunityId) -> Result<Community, AppError> {
    let actor = *actor;
    db.read(move |tx| Box::pin(async move { Ok(visible(tx, &actor, id).await?.0) }))
        .await
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn kind_history(
    db: &Db,
    actor: &Actor,
    id: CommunityId,
) -> Result<Vec<KindChange>, AppError> {
    let actor = *actor;
    db.read(move |tx| {
        Box::pin(async move {
            visible(tx, &actor, id).await?;
            Ok(communities::kinds(tx, actor.brand, id).await?)
        })
    })
    .await
}

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: CommunityId,
    patch: CommunityPatch,
) -> Result<Community, AppError> {
    let name = patch
        .name
        .as_deref()
        .map(|n| Name::parse("name", n))
        .transpose()?;
    let purpose = patch
        .purpose
        .as_deref()
        .map(|p| Purpose::parse("purpose", p))
        .transpose()?;
    let kind = patch
        .kind
        .as_deref()
        .map(|k| Kind::parse("kind", k))
        .transpose()?;
    let capacity = patch
        .capacity
        .map(|n| Capacity::parse("capacity", n))
        .transpose()?;
    let rules = patch.rules.as_deref().map(parse_rules).transpose()?;
    let status = patch
        .status
        .as_deref()
        .map(|s| CommunityStatus::parse("status", s))
        .transpose()?;
    let chat_id = match patch.chat_id {
        Some(Some(raw)) => Some(Some(parse_chat_id(&raw)?)),
        Some(None) => Some(None),
        None => None,
    };
    let new_owner = patch.owner_id.map(StaffId);
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (before, region) = visible(tx, &actor, id).await?;
            Actor::require(
                actor.can_run_community(region, before.store_id, before.owner_id),
                "only the community's 群主 or a manager of its store edits it",
            )?;
            let mut after = before.clone();
            let mut owner_names = None;
            if let Some(owner) = new_owner.filter(|o| *o != before.owner_id) {
                Actor::require(
                    actor.role != Role::ShopGuide,
                    "a shop guide cannot hand a community over; a manager can",
                )?;
                let to = usable_owner(tx, &actor, before.store_id, owner).await?;
                let from = staff::get(tx, actor.brand, before.owner_id)
                    .await?
                    .map(|m| m.display_name);
                owner_names = Some((from, to));
                after.owner_id = owner;
            }
            if let Some(n) = name {
                after.name = n.as_str().to_owned();
            }
            after.purpose = purpose.unwrap_or(before.purpose);
            after.kind = kind.unwrap_or(before.kind);
            after.capacity = capacity.unwrap_or(before.capacity);
            after.status = status.unwrap_or(before.status);
            if let Some(r) = rules {
                after.rules = r;
            }
            if let Some(c) = chat_id {
                after.chat_id = c;
            }
            let now = now_ms();
            let saved = communities::update(tx, actor.brand, &after, now)
                .await
                .map_err(AppError::on_unique(
                    shequn_domain::Subject::Community,
                    "chat_id",
                ))?;
            if saved.kind != before.kind {
                communities::record_kind(tx, actor.brand, id, saved.kind, Some(actor.staff), now)
                    .await?;
            }
            let mut changes = audit::Changes::default()
                .field("name", &before.name, &saved.name)
                .field("kind", before.kind.as_str(), saved.kind.as_str())
                .field("purpose", before.purpose.as_str(), saved.purpose.as_str())
                .field("capacity", before.capacity.get(), saved.capacity.get())
                .field("rules", &before.rules, &saved.rules)
                .field("chat_id", &before.chat_id, &saved.chat_id)
                .field("status", before.status.as_str(), saved.status.as_str());
            if let Some((from, to)) = owner_names {
                changes = changes.field("owner", from, Some(to));
            }
            let detail = json!({
                "name": saved.name,
                "store": store_ref(tx, &actor, saved.store_id).await?,
                "changes": changes,
            });
            let place = Placement::Store {
                region,
                store: saved.store_id,
            };
            let e = event(
                &actor,
                AuditAction::CommunityUpdated,
                id.get(),
                place,
                detail,
            );
            audit::record(tx, actor.brand, &e, now).await?;
            Ok(saved)
        })
    })
    .await
}

/// Opens the next sibling of a full community (「宝妈福利群」 → 「宝妈福利2群」): same store,
/// 群主, purpose, kind, capacity and rules, numbered within the family of the original.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn open_overflow(db: &Db, actor: &Actor, id: CommunityId) -> Result<Community, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let (full, region) = visible(tx, &actor, id).await?;
            Actor::require(
                actor.can_run_community(region, full.store_id, full.owner_id),
                "only the community's 群主 or a manager of its store opens its next group",
            )?;
            open_sibling(tx, &actor, &full, region).await
        })
    })
    .await
}

/// Opens the next sibling of `full` (see [`open_overflow`]), with its operation-log event.
pub(crate) async fn open_sibling(
    tx: &mut Tx,
    actor: &Actor,
    full: &Community,
    region: RegionId,
) -> Result<Community, AppError> {
    let actor = *actor;
    let root = match full.overflow_of {
        Some(r) => visible(tx, &actor, r).await?.0,
        None => full.clone(),
    };
    let n = communities::family_size(tx, actor.brand, root.id).await? + 1;
    let name = sibling_name(&root.name, u32::try_from(n).unwrap_or(u32::MAX));
    let new = NewCommunity {
        store: full.store_id,
        owner: full.owner_id,
        name: &name,
        purpose: full.purpose,
        kind: full.kind,
        capacity: full.capacity,
        rules: &full.rules,
        overflow_of: Some(root.id),
    };
    let made = communities::insert(tx, actor.brand, &new, Some(actor.staff), now_ms()).await?;
    let owner = staff::get(tx, actor.brand, made.owner_id)
        .await?
        .map(|m| m.display_name);
    let detail = json!({
        "name": made.name,
        "store": store_ref(tx, &actor, made.store_id).await?,
        "kind": made.kind.as_str(),
        "purpose": made.purpose.as_str(),
        "owner": owner,
        "overflow_of": root.name,
    });
    let place = Placement::Store {
        region,
        store: made.store_id,
    };
    let e = event(
        &actor,
        AuditAction::CommunityCreated,
        made.id.get(),
        place,
        detail,
    );
    audit::record(tx, actor.brand, &e, made.created_at).await?;
    Ok(made)
}
