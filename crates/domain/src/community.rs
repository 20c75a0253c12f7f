//! Communities (社群): chat groups that belong to a store (never to a person), run by a
//! shop guide (群主). What a community is for (`Purpose`), what happens in it (`Kind`,
//! which may change over time and keeps its history), how many it holds (`Capacity`), and
//! the name of the sibling it overflows into when full.

use serde::{Deserialize, Serialize};

use crate::error::Reason;
use crate::{CommunityId, DomainError, StaffId, StoreId};

/// Why the community exists: to sell, or to keep the brand close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 销售群: offers, group buys, repurchase.
    Sales,
    /// 品牌群: content and service that keep trust.
    Brand,
}

/// The kind of activity a community is run for (seed 000: marketing, content, service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 福利群: discounts and coupons.
    Discount,
    /// 裂变群: members bring friends.
    Fission,
    /// 通知群: announcements only.
    Notice,
    /// 教程群: how-to content.
    Tutorial,
    /// 话题群: a shared interest.
    Topic,
    /// 直播群: video and live streams.
    VideoLive,
    /// 服务群: after-sales and service.
    Service,
}

/// The three families of [`Kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindFamily {
    Marketing,
    Content,
    Service,
}

/// Whether a community is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityStatus {
    Active,
    /// 已归档: kept with its history, no longer run.
    Archived,
}

text_enum!(Purpose, "purpose", Sales => "sales", Brand => "brand");
text_enum!(Kind, "kind",
    Discount => "discount", Fission => "fission", Notice => "notice", Tutorial => "tutorial",
    Topic => "topic", VideoLive => "video_live", Service => "service");
text_enum!(CommunityStatus, "status", Active => "active", Archived => "archived");

impl Kind {
    pub fn family(self) -> KindFamily {
        match self {
            Kind::Discount | Kind::Fission | Kind::Notice => KindFamily::Marketing,
            Kind::Tutorial | Kind::Topic | Kind::VideoLive => KindFamily::Content,
            Kind::Service => KindFamily::Service,
        }
    }
}

/// How many members a community holds: 2 to 2,000; 500 by default, the size of a WeChat
/// group (WeCom customer groups can be raised to 2,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Capacity(u32);

impl Capacity {
    pub const MIN: u32 = 2;
    pub const MAX: u32 = 2_000;
    pub const DEFAULT: Capacity = Capacity(500);

    pub fn parse(field: &'static str, n: i64) -> Result<Self, DomainError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&n) {
            Ok(Capacity(n as u32))
        } else {
            Err(DomainError::invalid(
                field,
                Reason::OutOfRange {
                    min: i64::from(Self::MIN),
                    max: i64::from(Self::MAX),
                },
            ))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A community's rules text (群规): at most 2,000 characters.
pub const RULES_MAX_CHARS: usize = 2_000;

/// The name of the `n`-th community of a family of siblings: 「宝妈福利群」 → 「宝妈福利2群」,
/// 「宝妈福利2群」 → 「宝妈福利3群」; a name without 群 gets " n".
pub fn sibling_name(base: &str, n: u32) -> String {
    debug_assert!(n >= 2, "the first sibling is the community itself");
    match base.strip_suffix('群') {
        Some(stem) => {
            let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit());
            format!("{stem}{n}群")
        }
        None => {
            let stem = base
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end();
            format!("{stem} {n}")
        }
    }
}

/// A community as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    pub id: CommunityId,
    pub store_id: StoreId,
    /// The 群主: a shop guide or the store manager of `store_id`.
    pub owner_id: StaffId,
    pub name: String,
    pub purpose: Purpose,
    pub kind: Kind,
    pub capacity: Capacity,
    pub rules: String,
    pub status: CommunityStatus,
    /// The chat platform's group id once linked (WeCom `chat_id`).
    pub chat_id: Option<String>,
    /// The community this one was opened from when it was full.
    pub overflow_of: Option<CommunityId>,
    /// Current members (open stints).
    pub members: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One entry of a community's kind history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChange {
    pub kind: Kind,
    pub at: i64,
    /// None when an operator command made the change.
    pub by: Option<StaffId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_count_up_before_the_group_suffix() {
        assert_eq!(sibling_name("宝妈福利群", 2), "宝妈福利2群");
        assert_eq!(sibling_name("宝妈福利2群", 3), "宝妈福利3群");
        assert_eq!(sibling_name("SH-001 会员群", 2), "SH-001 会员2群");
        assert_eq!(sibling_name("Moms club", 2), "Moms club 2");
        assert_eq!(sibling_name("Moms club 2", 3), "Moms club 3");
    }

    #[test]
    fn kinds_round_trip_and_fall_in_their_families() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse("kind", k.as_str()).ok(), Some(*k));
        }
        assert_eq!(Kind::Fission.family(), KindFamily::Marketing);
        assert_eq!(Kind::VideoLive.family(), KindFamily::Content);
        assert_eq!(Kind::Service.family(), KindFamily::Service);
        assert!(matches!(
            Kind::parse("kind", "party"),
            Err(DomainError::Invalid {
                field: "kind",
                reason: Reason::NotOneOf("kind")
            })
        ));
    }

    #[test]
    fn capacity_is_bounded() {
        assert_eq!(
            Capacity::parse("capacity", 500).ok(),
            Some(Capacity::DEFAULT)
        );
        assert!(Capacity::parse("capacity", 1).is_err());
        assert!(Capacity::parse("capacity", 2_001).is_err());
        assert_eq!(
            Capacity::parse("capacity", 2_000).map(Capacity::get).ok(),
            Some(2_000)
        );
    }
}

/// A member's part in a community (seed 000): the few who carry it, the many who follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    /// 核心人物: a figure the others gather around (an expert, a KOC).
    CoreFigure,
    /// 活跃分子: keeps the talk going; may be rewarded (see the reward note).
    ActiveFollower,
    /// 管理员: helps the 群主 keep order.
    Admin,
    /// 普通成员.
    Member,
}

text_enum!(MemberRole, "role",
    CoreFigure => "core_figure", ActiveFollower => "active_follower", Admin => "admin",
    Member => "member");

/// How a customer came into a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinSource {
    /// Through an invite link or QR code of the community.
    InviteLink,
    /// Reported by the chat platform (a WeCom callback).
    Platform,
    /// Added by staff in the console or through the API.
    Staff,
    /// Brought in by a bulk import.
    Import,
}

text_enum!(JoinSource, "source",
    InviteLink => "invite_link", Platform => "platform", Staff => "staff", Import => "import");

/// One stint of a customer in a community: joined, maybe left. A customer can be in
/// several communities, and in one community again after leaving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub id: i64,
    pub community_id: CommunityId,
    pub customer_id: crate::CustomerId,
    pub role: MemberRole,
    /// What an active follower is rewarded with, for the 群主 to remember.
    pub reward_note: Option<String>,
    pub source: JoinSource,
    pub joined_at: i64,
    pub left_at: Option<i64>,
}

/// Where a join landed: the community asked for, or its overflow sibling when it was full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// The stint; None when screening kept the joiner out (held for approval, blacklisted).
    pub membership: Option<Membership>,
    /// True when the customer was already a member (nothing changed).
    pub already: bool,
    /// The sibling the join overflowed into, when the community asked for was full.
    pub overflowed_into: Option<CommunityId>,
    /// What screening decided at the door (empty when no rule matched).
    pub decisions: Vec<crate::Decision>,
}

/// A member as a community's member list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityMember {
    pub membership: Membership,
    pub nickname: String,
    pub tier: crate::Tier,
    pub phone: Option<crate::Phone>,
}
