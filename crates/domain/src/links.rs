//! Join links (邀请链接 / 渠道活码): a community's invite links and QR codes, each with the
//! channel it stands for and, for referrals, the inviting customer. The link's code is
//! also the `State` WeCom reports for a contact added through a channel QR, so both ways
//! in are attributed alike. And the welcome text each intent tier gets on joining.

use serde::{Deserialize, Serialize};

use crate::customer::{Channel, Tier};
use crate::error::Reason;
use crate::{CommunityId, CustomerId, DomainError};

/// A link's code: 10 characters of a-z and 0-9 (fits WeCom's 30-character `State`).
pub const CODE_LEN: usize = 10;

/// Whether `raw` has the shape of a link code (checked before any lookup).
pub fn is_code(raw: &str) -> bool {
    raw.len() == CODE_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLink {
    pub id: i64,
    pub community_id: CommunityId,
    pub code: String,
    pub channel: Channel,
    pub inviter_id: Option<CustomerId>,
    /// What staff call it (e.g. 门店海报 11 月).
    pub label: String,
    pub active: bool,
    pub created_at: i64,
    /// Stints that came through it.
    pub joins: i64,
}

/// The longest welcome text.
pub const WELCOME_MAX_CHARS: usize = 500;

/// The default welcome for a tier (seed 003: say the offer plainly to strong-intent
/// joiners, earn trust with the intent tier, nurture the weak without hard selling).
pub fn default_welcome(tier: Tier) -> &'static str {
    match tier {
        Tier::Strong => "欢迎回家！群里有粉丝专享价，新品和福利会第一时间发在群里。",
        Tier::Intent => "欢迎加入！护肤和用法上的问题随时在群里问我，每天都有话题和小福利。",
        Tier::Weak => "欢迎～先看看群公告，有任何问题随时找我。",
    }
}

/// A welcome text as staff write it: 1 to 500 characters.
pub fn parse_welcome(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    if n > WELCOME_MAX_CHARS {
        return Err(DomainError::invalid(
            field,
            Reason::TooLong {
                max: WELCOME_MAX_CHARS,
                got: n,
            },
        ));
    }
    Ok(s.to_owned())
}

/// Where a channel QR sends a joiner who arrived without a link: how WeCom's `JoinScene`
/// maps to a channel (0, 1: invited by a member; 3: scanned the group's QR, a poster).
pub fn channel_of_join_scene(scene: u8) -> Channel {
    match scene {
        3 => Channel::FissionPoster,
        _ => Channel::FriendInvite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_one_shape() {
        assert!(is_code("a1b2c3d4e5"));
        assert!(!is_code("A1b2c3d4e5"));
        assert!(!is_code("a1b2c3d4e"));
        assert!(!is_code("a1b2c3d4e5f"));
        assert!(!is_code("a1b2c3d4-5"));
    }

    #[test]
    fn welcomes_are_bounded_and_default_by_tier() {
        assert!(parse_welcome("body", "  ").is_err());
        assert!(parse_welcome("body", &"欢".repeat(501)).is_err());
        assert_eq!(parse_welcome("body", " 你好 ").unwrap(), "你好");
        assert_ne!(default_welcome(Tier::Strong), default_welcome(Tier::Weak));
        assert_eq!(channel_of_join_scene(3), Channel::FissionPoster);
        assert_eq!(channel_of_join_scene(0), Channel::FriendInvite);
    }
}
