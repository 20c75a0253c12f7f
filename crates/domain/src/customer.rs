//! Customers (顾客/会员): one record per person per brand, layered by how they arrived
//! (seed 003): the acquisition [`Channel`] decides the intent [`Tier`] through a per-brand
//! mapping, which staff may override for one customer with a reason. Phones are personal
//! data: a [`Phone`] shows itself masked (138****1234) unless asked for in full.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Reason;
use crate::{CustomerId, DomainError, StaffId, StoreId};

/// How a customer first came to the brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 公众号: the brand's own official account.
    OfficialAccount,
    /// 新媒体: posts on Xiaohongshu, Douyin and the like.
    NewMedia,
    /// 裂变海报: a fission poster shared by someone.
    FissionPoster,
    /// 好友邀请: a friend pulled them in.
    FriendInvite,
    /// 门店: met in a store.
    OfflineStore,
    /// 活动: an offline or online event.
    Event,
    /// 导入: brought in by a bulk import.
    Import,
}

/// How ready a customer is to buy (seed 003), which picks the welcome and the offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 强意向: own channels; say the offer plainly.
    Strong,
    /// 意向: new media; earn trust first.
    Intent,
    /// 弱意向: posters and friends; screen first, then nurture.
    Weak,
}

text_enum!(Channel, "channel",
    OfficialAccount => "official_account", NewMedia => "new_media",
    FissionPoster => "fission_poster", FriendInvite => "friend_invite",
    OfflineStore => "offline_store", Event => "event", Import => "import");
text_enum!(Tier, "tier", Strong => "strong", Intent => "intent", Weak => "weak");

impl Channel {
    /// The tier a channel gives when the brand has not mapped it otherwise: own channels
    /// are strong, new media intent, posters and friend invites weak (seed 003); an import
    /// says nothing of intent, so it starts in the middle.
    pub fn default_tier(self) -> Tier {
        match self {
            Channel::OfficialAccount | Channel::OfflineStore | Channel::Event => Tier::Strong,
            Channel::NewMedia | Channel::Import => Tier::Intent,
            Channel::FissionPoster | Channel::FriendInvite => Tier::Weak,
        }
    }
}

/// A brand's mapping from channel to tier: its own choices over the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierMap(Vec<(Channel, Tier)>);

impl TierMap {
    pub fn new(overrides: Vec<(Channel, Tier)>) -> Self {
        TierMap(overrides)
    }

    pub fn tier(&self, channel: Channel) -> Tier {
        self.0
            .iter()
            .rev()
            .find(|(c, _)| *c == channel)
            .map_or(channel.default_tier(), |(_, t)| *t)
    }

    /// Every channel with its tier, in the order of [`Channel::ALL`].
    pub fn all(&self) -> Vec<(Channel, Tier)> {
        Channel::ALL.iter().map(|c| (*c, self.tier(*c))).collect()
    }
}

/// A mainland-China mobile number: 11 digits starting with 1. Accepts spaces, dashes and a
/// `+86` / `0086` prefix as typed; keeps the 11 digits. `Debug` and [`Phone::masked`] hide
/// the middle four digits; only [`Phone::full`] shows them, for the places allowed to.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let ok = digits.len() == 11
            && digits.starts_with('1')
            && digits.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Phone(digits.to_owned()))
        } else {
            Err(DomainError::invalid(field, Reason::NotAPhone))
        }
    }

    /// 138****1234: what lists, exports and logs show.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// All 11 digits, for storage and for the callers allowed to see them.
    pub fn full(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// Consent to marketing messages: given or withdrawn, when and how (PIPL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub given: bool,
    /// When it was last given or withdrawn (UTC ms); None if never asked.
    pub at: Option<i64>,
    /// How: e.g. `join_form`, `console`, `unsubscribe_keyword`.
    pub source: Option<String>,
}

/// A customer as read. The phone is kept whole here; the edge decides how it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub nickname: String,
    /// Set by an ingest or by staff: an influencer-style avatar (a screening signal).
    pub avatar_flagged: bool,
    pub phone: Option<Phone>,
    /// The chat platform's id for the person (WeCom `external_userid`).
    pub external_id: Option<String>,
    pub channel: Channel,
    pub invited_by: Option<CustomerId>,
    /// The tier in force: the staff override if any, else the brand's mapping of `channel`.
    pub tier: Tier,
    /// Why staff set the tier by hand; None when it follows the channel.
    pub tier_reason: Option<String>,
    pub consent: Consent,
    pub tags: Vec<String>,
    pub store_id: Option<StoreId>,
    pub guide_id: Option<StaffId>,
    /// The customer's last activity in any community (UTC ms); None if none yet.
    pub last_active_at: Option<i64>,
    /// The stage this gives with the brand's thresholds, as of when it was read.
    pub lifecycle: Lifecycle,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A tag: 1 to 20 characters, no commas or control characters (commas separate tags in CSV).
pub fn parse_tag(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    if n > 20 {
        return Err(DomainError::invalid(
            field,
            Reason::TooLong { max: 20, got: n },
        ));
    }
    if t.chars().any(|c| c.is_control() || c == ',' || c == '，') {
        return Err(DomainError::invalid(field, Reason::ControlCharacters));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_eleven_digits_and_show_masked() {
        let p = Phone::parse("phone", "+86 138-1234-5678").expect("a phone");
        assert_eq!(p.full(), "13812345678");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(
            format!("{p:?}"),
            "Phone(138****5678)",
            "debug output is masked"
        );
        for bad in [
            "1381234567",
            "23812345678",
            "138123456789",
            "1381234567a",
            "",
        ] {
            assert!(Phone::parse("phone", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tiers_follow_the_channel_unless_the_brand_maps_it() {
        let defaults = TierMap::default();
        assert_eq!(defaults.tier(Channel::OfficialAccount), Tier::Strong);
        assert_eq!(defaults.tier(Channel::NewMedia), Tier::Intent);
        assert_eq!(defaults.tier(Channel::FissionPoster), Tier::Weak);
        assert_eq!(defaults.tier(Channel::FriendInvite), Tier::Weak);
        let brand = TierMap::new(vec![(Channel::FriendInvite, Tier::Intent)]);
        assert_eq!(brand.tier(Channel::FriendInvite), Tier::Intent);
        assert_eq!(brand.tier(Channel::FissionPoster), Tier::Weak);
        assert_eq!(brand.all().len(), Channel::ALL.len());
    }

    #[test]
    fn tags_are_short_and_comma_free() {
        assert_eq!(parse_tag("tags", " 宝妈 ").ok().as_deref(), Some("宝妈"));
        assert!(parse_tag("tags", "").is_err());
        assert!(parse_tag("tags", "a,b").is_err());
        assert!(parse_tag("tags", &"长".repeat(21)).is_err());
    }
}

/// Where a customer is in their life with the brand, from their activity (seed 002):
/// new, active, silent or churned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// 新客: arrived recently.
    New,
    /// 活跃: did something lately.
    Active,
    /// 沉默: quiet for a while.
    Silent,
    /// 流失: quiet for long.
    Churned,
}

text_enum!(Lifecycle, "lifecycle",
    New => "new", Active => "active", Silent => "silent", Churned => "churned");

/// A brand's lifecycle thresholds, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleThresholds {
    /// A customer who arrived within this many days is new.
    pub new_days: i64,
    /// Activity within this many days makes a customer active; older, silent.
    pub active_days: i64,
    /// No activity for more than this many days: churned.
    pub churned_days: i64,
}

impl Default for LifecycleThresholds {
    fn default() -> Self {
        LifecycleThresholds {
            new_days: 7,
            active_days: 14,
            churned_days: 60,
        }
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl LifecycleThresholds {
    /// Thresholds as staff set them: 1 ≤ new ≤ 365 days, 1 ≤ active < churned ≤ 3650 days.
    pub fn parse(new_days: i64, active_days: i64, churned_days: i64) -> Result<Self, DomainError> {
        if !(1..=365).contains(&new_days) {
            return Err(DomainError::invalid(
                "new_days",
                Reason::OutOfRange { min: 1, max: 365 },
            ));
        }
        if !(1..=3649).contains(&active_days) {
            return Err(DomainError::invalid(
                "active_days",
                Reason::OutOfRange { min: 1, max: 3649 },
            ));
        }
        if !(active_days + 1..=3650).contains(&churned_days) {
            return Err(DomainError::invalid(
                "churned_days",
                Reason::OutOfRange {
                    min: active_days + 1,
                    max: 3650,
                },
            ));
        }
        if new_days > churned_days {
            return Err(DomainError::invalid(
                "new_days",
                Reason::OutOfRange {
                    min: 1,
                    max: churned_days,
                },
            ));
        }
        Ok(LifecycleThresholds {
            new_days,
            active_days,
            churned_days,
        })
    }

    /// The stage of a customer who arrived at `since` and was last active at `last` (None:
    /// never), at `now` (all UTC ms). New wins while it lasts; then the time since the last
    /// sign of life (or since arriving, for the never active) decides.
    pub fn stage(&self, since: i64, last: Option<i64>, now: i64) -> Lifecycle {
        debug_assert!(self.new_days <= self.churned_days && self.active_days <= self.churned_days);
        if now - since <= self.new_days * DAY_MS {
            return Lifecycle::New;
        }
        let quiet = now - last.unwrap_or(since).max(since);
        if quiet <= self.active_days * DAY_MS {
            Lifecycle::Active
        } else if quiet <= self.churned_days * DAY_MS {
            Lifecycle::Silent
        } else {
            Lifecycle::Churned
        }
    }
}

#[cfg(test)]
mod lifecycle_tests {
    use super::*;

    #[test]
    fn thresholds_are_checked_when_set() {
        assert!(LifecycleThresholds::parse(7, 14, 60).is_ok());
        assert!(LifecycleThresholds::parse(0, 14, 60).is_err());
        assert!(
            LifecycleThresholds::parse(7, 60, 60).is_err(),
            "churned after active"
        );
        assert!(
            LifecycleThresholds::parse(90, 14, 60).is_err(),
            "new within churned"
        );
        assert!(LifecycleThresholds::parse(7, 14, 4000).is_err());
    }

    #[test]
    fn unsubscribe_keywords_are_recognised_alone() {
        for yes in [
            "退订",
            " TD ",
            "td",
            "T",
            "取消订阅",
            "Unsubscribe",
            "退订。",
        ] {
            assert!(is_unsubscribe_keyword(yes), "{yes}");
        }
        for no in ["退订了吗？我想问价格", "TDD", "这个怎么用", ""] {
            assert!(!is_unsubscribe_keyword(no), "{no}");
        }
    }

    const NOW: i64 = 1_000 * DAY_MS;

    #[test]
    fn stages_follow_arrival_and_the_last_sign_of_life() {
        let t = LifecycleThresholds::default();
        let days_ago = |d: i64| NOW - d * DAY_MS;
        assert_eq!(t.stage(days_ago(3), None, NOW), Lifecycle::New);
        assert_eq!(t.stage(days_ago(3), Some(days_ago(1)), NOW), Lifecycle::New);
        assert_eq!(
            t.stage(days_ago(30), Some(days_ago(2)), NOW),
            Lifecycle::Active
        );
        assert_eq!(
            t.stage(days_ago(30), Some(days_ago(20)), NOW),
            Lifecycle::Silent
        );
        assert_eq!(
            t.stage(days_ago(200), Some(days_ago(90)), NOW),
            Lifecycle::Churned
        );
        // Never active: counted from arrival.
        assert_eq!(t.stage(days_ago(10), None, NOW), Lifecycle::Active);
        assert_eq!(t.stage(days_ago(30), None, NOW), Lifecycle::Silent);
        assert_eq!(t.stage(days_ago(61), None, NOW), Lifecycle::Churned);
        // Boundaries belong to the livelier stage.
        assert_eq!(
            t.stage(days_ago(100), Some(days_ago(14)), NOW),
            Lifecycle::Active
        );
        assert_eq!(
            t.stage(days_ago(100), Some(days_ago(60)), NOW),
            Lifecycle::Silent
        );
    }
}

/// Whether a message is an unsubscribe keyword on its own (退订, TD, T, 取消订阅,
/// unsubscribe; case and surrounding punctuation aside). A sentence that merely mentions
/// 退订 is not one.
pub fn is_unsubscribe_keyword(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || "。！，～ ".contains(c))
        .to_lowercase();
    matches!(t.as_str(), "退订" | "td" | "t" | "取消订阅" | "unsubscribe")
}
