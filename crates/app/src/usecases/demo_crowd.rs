//! The demo brand at working size, for `shequn serve --demo` and `shequn demo`: five
//! communities a store (60 in all), ~20,000 customers from every channel who arrived over
//! the last 90 days, their joins and leaves, 90 days of activity shaped so that every
//! lifecycle stage shows up, and a few dozen spam-like joiners for the screening presets
//! to catch. Deterministic (a fixed seed), seeded once, in one transaction.
//!
//! The test suite seeds only the small demo ([`super::demo`]): its figures are what the
//! tests assert on.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shequn_domain::{
    ActivityEvent, ActivityKind, Channel, CommunityId, Consent, Cursor, Customer, CustomerId,
    JoinSource, Kind, Lifecycle, MemberRole, PageSize, Phone, Purpose, StaffId, StoreId,
};

use crate::clock::now_ms;
use crate::storage::communities::{self, CommunityFilter, NewCommunity};
use crate::storage::db::Tx;
use crate::storage::{activity, customers, members, orgs};
use crate::{AppError, Db};

/// Customers the crowd adds.
pub const CUSTOMERS: usize = 20_000;
/// Days of history.
const DAYS: i64 = 90;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Spam-like joiners (weak intent, seed 003's tell-tale nicknames or avatars).
const SPAMMERS: usize = 48;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "小雨", "晓燕", "静怡", "子涵", "思远", "梓萱", "欣然", "雨桐", "一诺", "浩然", "佳琪", "诗涵",
    "俊杰", "可馨", "宇航", "梦瑶", "嘉怡", "天佑", "若曦", "明轩",
];
const TAGS: &[&str] = &["宝妈", "学生", "白领", "VIP", "敏感肌", "囤货党"];
/// Spam-like nicknames: an "A" to sort first, 「X姐」, reduplicated characters.
const SPAM_NAMES: &[&str] = &[
    "A小美优选",
    "A~代购小铺",
    "Aa微商总代",
    "王姐",
    "刘姐好物",
    "乐乐",
    "丽丽",
    "菲菲优品",
];

/// What the crowd added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Crowd {
    pub communities: u64,
    pub customers: u64,
    pub memberships: u64,
    pub events: u64,
}

/// Adds the crowd to the demo brand unless it has it already (None then).
pub async fn seed(db: &Db) -> Result<Option<Crowd>, AppError> {
    let now = now_ms();
    db.write(move |tx| Box::pin(async move { seed_in(tx, now).await }))
        .await
}

fn channel_of(rng: &mut StdRng) -> Channel {
    match rng.random_range(0..100) {
        0..20 => Channel::OfficialAccount,
        20..45 => Channel::NewMedia,
        45..65 => Channel::FissionPoster,
        65..85 => Channel::FriendInvite,
        85..95 => Channel::OfflineStore,
        _ => Channel::Event,
    }
}

async fn seed_in(tx: &mut Tx, now: i64) -> Result<Option<Crowd>, AppError> {
    let Some(brand) = orgs::find_by_slug(tx, "demo").await? else {
        return Ok(None);
    };
    let brand = brand.id;
    if customers::count_all(tx, brand).await? > 1_000 {
        return Ok(None);
    }
    let mut rng = StdRng::seed_from_u64(20_261_127);
    let mut crowd = Crowd::default();

    // The small demo's sales groups: one a store, run by the store's first guide.
    let (existing, _) = communities::list(
        tx,
        brand,
        &CommunityFilter::default(),
        Cursor(0),
        PageSize::parse(Some(200)).map_err(|e| AppError::Internal(e.to_string()))?,
    )
    .await?;
    let mut stores: Vec<(StoreId, StaffId, Vec<CommunityId>, String)> = Vec::new();
    for c in existing.iter().filter(|c| c.name.ends_with("福利群")) {
        let place = c.name.trim_end_matches("福利群").to_owned();
        stores.push((c.store_id, c.owner_id, vec![c.id], place));
    }
    for (store, owner, groups, place) in &mut stores {
        for (suffix, purpose, kind) in [
            ("宝妈交流群", Purpose::Brand, Kind::Topic),
            ("新品试用群", Purpose::Sales, Kind::Fission),
            ("直播福利群", Purpose::Sales, Kind::VideoLive),
        ] {
            let name = format!("{place}{suffix}");
            let new = NewCommunity {
                store: *store,
                owner: *owner,
                name: &name,
                purpose,
                kind,
                capacity: shequn_domain::Capacity::DEFAULT,
                rules: "1. 友善交流，不发广告。\n2. 福利与活动以群公告为准。",
                overflow_of: None,
            };
            groups.push(communities::insert(tx, brand, &new, None, now).await?.id);
            crowd.communities += 1;
        }
    }
    if stores.is_empty() {
        return Ok(None);
    }

    let mut events: Vec<ActivityEvent> = Vec::with_capacity(8_192);
    let mut event_no: u64 = 0;
    for i in 0..CUSTOMERS + SPAMMERS {
        let spam = i >= CUSTOMERS;
        let (store, guide, groups, _) = &stores[i % stores.len()];
        let channel = if spam {
            [Channel::FissionPoster, Channel::FriendInvite][i % 2]
        } else {
            channel_of(&mut rng)
        };
        let arrived = now - rng.random_range(0..DAYS * DAY_MS);
        let nickname = if spam {
            SPAM_NAMES[i % SPAM_NAMES.len()].to_owned()
        } else {
            format!(
                "{}{}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            )
        };
        let consent = !spam && rng.random_bool(0.6);
        let tags = if !spam && rng.random_bool(0.4) {
            vec![TAGS[rng.random_range(0..TAGS.len())].to_owned()]
        } else {
            Vec::new()
        };
        let phone = if rng.random_bool(0.7) {
            // 139 and the customer's number: unique, clearly made up.
            Phone::parse("phone", &format!("139{:08}", i + 1)).ok()
        } else {
            None
        };
        let c = Customer {
            id: CustomerId(0),
            nickname,
            avatar_flagged: spam && i % 3 == 0,
            phone,
            external_id: Some(format!("wm-crowd-{i:06}")),
            channel,
            invited_by: None,
            tier: channel.default_tier(),
            tier_reason: None,
            consent: Consent {
                given: consent,
                at: consent.then_some(arrived),
                source: consent.then(|| "demo".to_owned()),
            },
            tags,
            store_id: Some(*store),
            guide_id: Some(*guide),
            last_active_at: None,
            lifecycle: Lifecycle::New,
            created_at: arrived,
            updated_at: arrived,
        };
        let id = customers::insert(tx, brand, &c, arrived).await?.id;
        crowd.customers += 1;

        // One or two of the store's groups; spammers hop through three within a day.
        let joins = if spam { 3 } else { rng.random_range(1..=2) };
        let first = rng.random_range(0..groups.len());
        let mut joined = Vec::new();
        for k in 0..joins.min(groups.len()) {
            let community = groups[(first + k) % groups.len()];
            let at = arrived + k as i64 * 3_600_000;
            let source = [JoinSource::InviteLink, JoinSource::Platform][k % 2];
            let m =
                members::insert(tx, brand, community, id, MemberRole::Member, source, at).await?;
            crowd.memberships += 1;
            joined.push((m.id, community, at));
        }

        // Activity shaped by a persona: most stay active, some go quiet, some leave.
        let persona = rng.random_range(0..100);
        let quiet_after = match persona {
            0..55 => now,                                           // active
            55..80 => now - rng.random_range(15..60) * DAY_MS,      // silent
            _ => now - rng.random_range(61..DAYS.max(62)) * DAY_MS, // churned
        };
        let (_, community, start) = joined[0];
        let span = (quiet_after - start).max(0);
        let count = if span == 0 {
            0
        } else {
            rng.random_range(1..=12)
        };
        for _ in 0..count {
            let at = start + rng.random_range(0..span.max(1));
            let kind = match rng.random_range(0..10) {
                0..6 => ActivityKind::Message,
                6..8 => ActivityKind::Clicked,
                _ => ActivityKind::Shared,
            };
            event_no += 1;
            events.push(ActivityEvent {
                event_id: format!("crowd-{event_no}"),
                kind,
                community_id: community,
                customer_id: id,
                at,
                // Spammers post links.
                has_link: spam && kind == ActivityKind::Message,
            });
        }
        // A fifth of the churned left their group too.
        if persona >= 80 && persona % 5 == 0 {
            members::leave(tx, brand, joined[0].0, quiet_after.max(start)).await?;
        }
        if events.len() >= 500 {
            crowd.events += activity::insert_batch(tx, brand, &events, now).await?;
            events.clear();
        }
    }
    crowd.events += activity::insert_batch(tx, brand, &events, now).await?;
    Ok(Some(crowd))
}
