//! Screening of joiners (入群筛选): a brand's rules over who a joiner is and what they did,
//! each with an action. Rules are data, not code: staff write them, dry-run them over
//! existing members, and enable them. Every match carries its evidence (which condition,
//! what was seen), so a decision can always say why.
//!
//! A rule matches when all its conditions hold. When several rules match a join, each is
//! recorded and the most severe action applies ([`Action`] is ordered by severity).

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::customer::{Channel, Tier};
use crate::error::Reason;
use crate::{DomainError, Name};

/// What a matching rule does, least severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Let them in and ask staff to review.
    Flag,
    /// Keep them at the door until staff approve (for joins the server controls; a join
    /// the platform already made is reviewed like a flag).
    Hold,
    /// Ask the community's owner to remove them (a removal task: platforms do not let a
    /// server remove anyone).
    Remove,
    /// Keep them out of all the brand's communities, now and later.
    Blacklist,
}

text_enum!(Action, "screening action",
    Flag => "flag", Hold => "hold", Remove => "remove", Blacklist => "blacklist");

/// The longest nickname pattern a rule may hold, in characters.
pub const PATTERN_MAX_CHARS: usize = 100;
/// The compiled size a pattern may reach; with the regex crate's linear-time matching and
/// nicknames of at most 64 characters this bounds the time of every match.
const PATTERN_SIZE_LIMIT: usize = 1 << 16;
/// The most conditions one rule may have.
pub const MAX_CONDITIONS: usize = 8;
/// The longest prefix or suffix, in characters.
const AFFIX_MAX_CHARS: usize = 20;

/// One test over a joiner. The serialised form (`{"kind": "nickname_prefix", "value": "A"}`)
/// is what the API takes and what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// The nickname starts with `value` (ASCII letters compared without case).
    NicknamePrefix { value: String },
    /// The nickname ends with `value`, e.g. 姐.
    NicknameSuffix { value: String },
    /// The nickname matches the pattern (Rust regex syntax, bounded in size).
    NicknameRegex { value: String },
    /// The nickname repeats a character side by side, such as 乐乐 or 丽丽 (CJK and
    /// other non-ASCII letters; doubled ASCII letters as in "Anna" do not count).
    NicknameReduplicated,
    /// Staff or an ingest flagged the avatar (e.g. influencer-style).
    AvatarFlagged,
    /// Arrived through one of these channels.
    ChannelIn { values: Vec<Channel> },
    /// Has one of these intent tiers.
    TierIn { values: Vec<Tier> },
    /// Known to the brand for fewer than `value` days.
    AccountYoungerThanDays { value: i64 },
    /// Joined at least `value` of the brand's communities within 24 hours (this join counts).
    JoinsInDayAtLeast { value: i64 },
    /// Posted at least `value` messages with links.
    LinksPostedAtLeast { value: i64 },
}

impl Condition {
    pub fn kind(&self) -> &'static str {
        match self {
            Condition::NicknamePrefix { .. } => "nickname_prefix",
            Condition::NicknameSuffix { .. } => "nickname_suffix",
            Condition::NicknameRegex { .. } => "nickname_regex",
            Condition::NicknameReduplicated => "nickname_reduplicated",
            Condition::AvatarFlagged => "avatar_flagged",
            Condition::ChannelIn { .. } => "channel_in",
            Condition::TierIn { .. } => "tier_in",
            Condition::AccountYoungerThanDays { .. } => "account_younger_than_days",
            Condition::JoinsInDayAtLeast { .. } => "joins_in_day_at_least",
            Condition::LinksPostedAtLeast { .. } => "links_posted_at_least",
        }
    }

    /// Checks the condition's own values; a pattern is compiled within the size bound.
    fn validated(self, field: &'static str) -> Result<Self, DomainError> {
        let affix = |v: &str| -> Result<String, DomainError> {
            let v = v.trim();
            let n = v.chars().count();
            if n == 0 {
                Err(DomainError::invalid(field, Reason::Required))
            } else if n > AFFIX_MAX_CHARS {
                Err(DomainError::invalid(
                    field,
                    Reason::TooLong {
                        max: AFFIX_MAX_CHARS,
                        got: n,
                    },
                ))
            } else {
                Ok(v.to_owned())
            }
        };
        let count = |v: i64, max: i64| {
            if (1..=max).contains(&v) {
                Ok(v)
            } else {
                Err(DomainError::invalid(
                    field,
                    Reason::OutOfRange { min: 1, max },
                ))
            }
        };
        Ok(match self {
            Condition::NicknamePrefix { value } => Condition::NicknamePrefix {
                value: affix(&value)?,
            },
            Condition::NicknameSuffix { value } => Condition::NicknameSuffix {
                value: affix(&value)?,
            },
            Condition::NicknameRegex { value } => {
                compile(field, &value)?;
                Condition::NicknameRegex { value }
            }
            Condition::ChannelIn { values } => {
                if values.is_empty() {
                    return Err(DomainError::invalid(field, Reason::Required));
                }
                Condition::ChannelIn { values }
            }
            Condition::TierIn { values } => {
                if values.is_empty() {
                    return Err(DomainError::invalid(field, Reason::Required));
                }
                Condition::TierIn { values }
            }
            Condition::AccountYoungerThanDays { value } => Condition::AccountYoungerThanDays {
                value: count(value, 3650)?,
            },
            Condition::JoinsInDayAtLeast { value } => Condition::JoinsInDayAtLeast {
                value: count(value, 1000)?,
            },
            Condition::LinksPostedAtLeast { value } => Condition::LinksPostedAtLeast {
                value: count(value, 1000)?,
            },
            c @ (Condition::NicknameReduplicated | Condition::AvatarFlagged) => c,
        })
    }
}

fn compile(field: &'static str, pattern: &str) -> Result<Regex, DomainError> {
    let n = pattern.chars().count();
    if n == 0 {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    if n > PATTERN_MAX_CHARS {
        return Err(DomainError::invalid(
            field,
            Reason::TooLong {
                max: PATTERN_MAX_CHARS,
                got: n,
            },
        ));
    }
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|_| DomainError::invalid(field, Reason::NotAPattern))
}

/// A rule as staff write it, validated: a name, 1 to [`MAX_CONDITIONS`] conditions, an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    pub name: Name,
    pub conditions: Vec<Condition>,
    pub action: Action,
}

impl RuleDraft {
    pub fn parse(
        name: &str,
        conditions: Vec<Condition>,
        action: &str,
    ) -> Result<Self, DomainError> {
        let name = Name::parse("name", name)?;
        let action = Action::parse("action", action)?;
        if conditions.is_empty() {
            return Err(DomainError::invalid("conditions", Reason::Required));
        }
        if conditions.len() > MAX_CONDITIONS {
            return Err(DomainError::invalid(
                "conditions",
                Reason::OutOfRange {
                    min: 1,
                    max: MAX_CONDITIONS as i64,
                },
            ));
        }
        let conditions = conditions
            .into_iter()
            .map(|c| c.validated("conditions"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleDraft {
            name,
            conditions,
            action,
        })
    }
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub conditions: Vec<Condition>,
    pub action: Action,
    /// Only enabled rules screen joins; dry runs work on any rule.
    pub enabled: bool,
    /// The preset this rule started from, if any (e.g. `nickname_a_prefix`).
    pub preset: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What is known about a joiner when screening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub nickname: &'a str,
    pub avatar_flagged: bool,
    pub channel: Channel,
    pub tier: Tier,
    /// When the brand first knew the customer (UTC ms).
    pub known_since: i64,
    /// Joins of the brand's communities within the last 24 hours, this one included.
    pub joins_last_day: i64,
    /// Messages with links posted.
    pub links_posted: i64,
}

/// Why a condition held: the condition and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub condition: Condition,
    /// The value looked at: the nickname, the channel, a count, a number of days.
    pub saw: String,
}

impl Evidence {
    /// An English sentence for logs and the API (the console words it in its language).
    pub fn describe(&self) -> String {
        let saw = &self.saw;
        match &self.condition {
            Condition::NicknamePrefix { value } => {
                format!("nickname \u{201c}{saw}\u{201d} starts with \u{201c}{value}\u{201d}")
            }
            Condition::NicknameSuffix { value } => {
                format!("nickname \u{201c}{saw}\u{201d} ends with \u{201c}{value}\u{201d}")
            }
            Condition::NicknameRegex { value } => {
                format!("nickname \u{201c}{saw}\u{201d} matches /{value}/")
            }
            Condition::NicknameReduplicated => {
                format!("nickname repeats \u{201c}{saw}\u{201d}")
            }
            Condition::AvatarFlagged => "the avatar is flagged".to_owned(),
            Condition::ChannelIn { .. } => format!("arrived through {saw}"),
            Condition::TierIn { .. } => format!("intent tier is {saw}"),
            Condition::AccountYoungerThanDays { value } => {
                format!("known for {saw} days (fewer than {value})")
            }
            Condition::JoinsInDayAtLeast { value } => {
                format!("joined {saw} communities within a day (at least {value})")
            }
            Condition::LinksPostedAtLeast { value } => {
                format!("posted {saw} messages with links (at least {value})")
            }
        }
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The first pair of the same non-ASCII letter side by side, e.g. "乐乐".
fn reduplication(nickname: &str) -> Option<String> {
    let chars: Vec<char> = nickname.chars().collect();
    chars
        .windows(2)
        .find(|w| w[0] == w[1] && !w[0].is_ascii() && w[0].is_alphabetic())
        .map(|w| format!("{}{}", w[0], w[1]))
}

/// A condition ready to run (its pattern compiled once).
#[derive(Debug, Clone)]
struct Check {
    condition: Condition,
    regex: Option<Regex>,
}

impl Check {
    fn new(condition: Condition) -> Result<Self, DomainError> {
        let regex = match &condition {
            Condition::NicknameRegex { value } => Some(compile("conditions", value)?),
            _ => None,
        };
        Ok(Check { condition, regex })
    }

    fn evidence(&self, f: &Facts<'_>, now: i64) -> Option<Evidence> {
        let saw = match &self.condition {
            Condition::NicknamePrefix { value } => {
                let head: String = f.nickname.chars().take(value.chars().count()).collect();
                head.eq_ignore_ascii_case(value)
                    .then(|| f.nickname.to_owned())
            }
            Condition::NicknameSuffix { value } => {
                let n = f.nickname.chars().count();
                let tail: String = f
                    .nickname
                    .chars()
                    .skip(n.saturating_sub(value.chars().count()))
                    .collect();
                (n >= value.chars().count() && tail.eq_ignore_ascii_case(value))
                    .then(|| f.nickname.to_owned())
            }
            Condition::NicknameRegex { .. } => self
                .regex
                .as_ref()
                .is_some_and(|r| r.is_match(f.nickname))
                .then(|| f.nickname.to_owned()),
            Condition::NicknameReduplicated => reduplication(f.nickname),
            Condition::AvatarFlagged => f.avatar_flagged.then(|| "flagged".to_owned()),
            Condition::ChannelIn { values } => values
                .contains(&f.channel)
                .then(|| f.channel.as_str().to_owned()),
            Condition::TierIn { values } => {
                values.contains(&f.tier).then(|| f.tier.as_str().to_owned())
            }
            Condition::AccountYoungerThanDays { value } => {
                let days = (now - f.known_since).max(0) / DAY_MS;
                (days < *value).then(|| days.to_string())
            }
            Condition::JoinsInDayAtLeast { value } => {
                (f.joins_last_day >= *value).then(|| f.joins_last_day.to_string())
            }
            Condition::LinksPostedAtLeast { value } => {
                (f.links_posted >= *value).then(|| f.links_posted.to_string())
            }
        }?;
        Some(Evidence {
            condition: self.condition.clone(),
            saw,
        })
    }
}

/// One rule's verdict on a joiner: it matched, with the evidence for each condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub rule_id: i64,
    pub rule_name: String,
    pub action: Action,
    pub evidence: Vec<Evidence>,
}

/// A set of rules compiled for screening many joiners.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    rules: Vec<(i64, String, Action, Vec<Check>)>,
}

impl Screen {
    /// Compiles the rules (stored rules were validated when saved; a pattern that no
    /// longer compiles is an error rather than a silently skipped rule).
    pub fn new<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Result<Self, DomainError> {
        let rules = rules
            .into_iter()
            .map(|r| {
                let checks = r
                    .conditions
                    .iter()
                    .cloned()
                    .map(Check::new)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((r.id, r.name.clone(), r.action, checks))
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        Ok(Screen { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether any rule looks at behaviour (joins, links), which costs a query to know.
    pub fn needs_behaviour(&self) -> bool {
        self.rules.iter().flat_map(|r| &r.3).any(|c| {
            matches!(
                c.condition,
                Condition::JoinsInDayAtLeast { .. } | Condition::LinksPostedAtLeast { .. }
            )
        })
    }

    /// Every rule that matches, in the order given.
    pub fn verdicts(&self, facts: &Facts<'_>, now: i64) -> Vec<Verdict> {
        self.rules
            .iter()
            .filter_map(|(id, name, action, checks)| {
                let evidence = checks
                    .iter()
                    .map(|c| c.evidence(facts, now))
                    .collect::<Option<Vec<_>>>()?;
                Some(Verdict {
                    rule_id: *id,
                    rule_name: name.clone(),
                    action: *action,
                    evidence,
                })
            })
            .collect()
    }
}

/// The most severe action among the verdicts.
pub fn strongest(verdicts: &[Verdict]) -> Option<Action> {
    verdicts.iter().map(|v| v.action).max()
}

/// The four heuristics of seed 003 for weak-intent joiners (spam sellers, 微商), shipped
/// as rules that start disabled: (key, name, conditions). Each flags for review.
pub fn presets() -> Vec<(&'static str, &'static str, Vec<Condition>)> {
    let weak = || Condition::TierIn {
        values: vec![Tier::Weak],
    };
    vec![
        (
            "influencer_avatar",
            "网红风头像（弱意向）",
            vec![weak(), Condition::AvatarFlagged],
        ),
        (
            "nickname_a_prefix",
            "昵称以 A 开头（弱意向）",
            vec![
                weak(),
                Condition::NicknamePrefix {
                    value: "A".to_owned(),
                },
            ],
        ),
        (
            "nickname_sister",
            "昵称形如「X姐」（弱意向）",
            vec![
                weak(),
                Condition::NicknameSuffix {
                    value: "姐".to_owned(),
                },
            ],
        ),
        (
            "nickname_reduplicated",
            "叠字昵称（弱意向）",
            vec![weak(), Condition::NicknameReduplicated],
        ),
    ]
}

/// What happened to a screening decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    /// Waiting for staff (flags, holds).
    Open,
    /// Staff found nothing wrong (a held joiner is let in; a blacklist is lifted).
    Cleared,
    /// The action stands (staff confirmed, or it applied by itself: remove, blacklist).
    Confirmed,
}

text_enum!(DecisionStatus, "decision status",
    Open => "open", Cleared => "cleared", Confirmed => "confirmed");

/// A screening decision about one customer (at one community's door, or over existing
/// members when staff apply a rule explicitly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: i64,
    /// None for a decision that came from the blacklist itself.
    pub rule_id: Option<i64>,
    pub rule_name: String,
    pub customer_id: crate::CustomerId,
    pub community_id: Option<crate::CommunityId>,
    pub action: Action,
    pub evidence: Vec<Evidence>,
    pub status: DecisionStatus,
    /// For a held join: where it was going and how it came (applied on approval).
    pub held_source: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<crate::StaffId>,
    /// The customer's nickname now (erased customers show their anonymous name).
    pub nickname: String,
}

/// A request to the community's owner to remove a member from the chat group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not yet removed.
    Open,
    /// The platform reported the member gone (or staff recorded it).
    Done,
    /// No longer needed (the decision was cleared).
    Cancelled,
}

text_enum!(TaskStatus, "task status",
    Open => "open", Done => "done", Cancelled => "cancelled");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovalTask {
    pub id: i64,
    pub community_id: crate::CommunityId,
    pub community_name: String,
    pub customer_id: crate::CustomerId,
    pub nickname: String,
    pub membership_id: i64,
    pub decision_id: i64,
    /// The 群主 who is asked to remove them.
    pub owner_id: crate::StaffId,
    pub status: TaskStatus,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 400 * DAY_MS;

    fn facts(nickname: &str) -> Facts<'_> {
        Facts {
            nickname,
            avatar_flagged: false,
            channel: Channel::FissionPoster,
            tier: Tier::Weak,
            known_since: NOW - 2 * DAY_MS,
            joins_last_day: 1,
            links_posted: 0,
        }
    }

    fn rule(id: i64, action: Action, conditions: Vec<Condition>) -> Rule {
        Rule {
            id,
            name: format!("r{id}"),
            conditions,
            action,
            enabled: true,
            preset: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn screen_presets() -> Screen {
        let rules: Vec<Rule> = presets()
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, c))| rule(i as i64, Action::Flag, c))
            .collect();
        Screen::new(&rules).unwrap()
    }

    #[test]
    fn presets_catch_the_seed_examples_with_reasons() {
        let s = screen_presets();
        let v = s.verdicts(&facts("A小美优选"), NOW);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].rule_id, 1);
        assert_eq!(
            v[0].evidence[1].describe(),
            "nickname \u{201c}A小美优选\u{201d} starts with \u{201c}A\u{201d}"
        );
        assert_eq!(
            s.verdicts(&facts("a-Lily"), NOW).len(),
            1,
            "case-free for ASCII"
        );
        assert_eq!(s.verdicts(&facts("王姐"), NOW)[0].rule_id, 2);
        let dup = s.verdicts(&facts("乐乐"), NOW);
        assert_eq!(dup[0].rule_id, 3);
        assert_eq!(dup[0].evidence[1].saw, "乐乐");
        let mut f = facts("张三");
        f.avatar_flagged = true;
        assert_eq!(s.verdicts(&f, NOW)[0].rule_id, 0);
    }

    #[test]
    fn ordinary_and_strong_customers_pass() {
        let s = screen_presets();
        assert!(s.verdicts(&facts("张三"), NOW).is_empty());
        assert!(
            s.verdicts(&facts("Anna"), NOW).len() == 1,
            "prefix A still matches"
        );
        assert!(
            s.verdicts(&facts("Hanna"), NOW).is_empty(),
            "doubled ASCII is not 叠字"
        );
        let mut f = facts("乐乐");
        f.tier = Tier::Strong;
        assert!(
            s.verdicts(&f, NOW).is_empty(),
            "the presets look at weak joiners only"
        );
        assert!(s.verdicts(&facts("姐"), NOW).len() == 1);
        assert!(s.verdicts(&facts(""), NOW).is_empty());
    }

    #[test]
    fn behaviour_and_age_conditions_hold_at_their_bounds() {
        let r = rule(
            9,
            Action::Remove,
            vec![
                Condition::JoinsInDayAtLeast { value: 3 },
                Condition::AccountYoungerThanDays { value: 3 },
            ],
        );
        let s = Screen::new([&r]).unwrap();
        assert!(s.needs_behaviour());
        let mut f = facts("x");
        f.joins_last_day = 2;
        assert!(s.verdicts(&f, NOW).is_empty());
        f.joins_last_day = 3;
        let v = s.verdicts(&f, NOW);
        assert_eq!(v[0].evidence[0].saw, "3");
        assert_eq!(v[0].evidence[1].saw, "2");
        f.known_since = NOW - 3 * DAY_MS;
        assert!(
            s.verdicts(&f, NOW).is_empty(),
            "three days old is not younger than 3"
        );
    }

    #[test]
    fn the_strongest_action_wins() {
        let a = rule(1, Action::Flag, vec![Condition::NicknameReduplicated]);
        let b = rule(
            2,
            Action::Blacklist,
            vec![Condition::TierIn {
                values: vec![Tier::Weak],
            }],
        );
        let c = rule(3, Action::Hold, vec![Condition::AvatarFlagged]);
        let s = Screen::new([&a, &b, &c]).unwrap();
        let v = s.verdicts(&facts("丽丽"), NOW);
        assert_eq!(v.len(), 2);
        assert_eq!(strongest(&v), Some(Action::Blacklist));
        assert_eq!(strongest(&[]), None);
    }

    #[test]
    fn drafts_are_checked_when_saved() {
        let re = |p: &str| Condition::NicknameRegex {
            value: p.to_owned(),
        };
        let err = RuleDraft::parse("x", vec![re("([")], "flag").unwrap_err();
        assert_eq!(err, DomainError::invalid("conditions", Reason::NotAPattern));
        // Too big when compiled, though short to write.
        assert!(RuleDraft::parse("x", vec![re(r"\w{1000}\w{1000}")], "flag").is_err());
        assert!(RuleDraft::parse("x", vec![re(&"a".repeat(101))], "flag").is_err());
        assert!(RuleDraft::parse("x", vec![], "flag").is_err());
        assert!(RuleDraft::parse("x", vec![re("^A")], "kick").is_err());
        assert!(
            RuleDraft::parse("x", vec![Condition::JoinsInDayAtLeast { value: 0 }], "flag").is_err()
        );
        assert!(
            RuleDraft::parse("x", vec![Condition::ChannelIn { values: vec![] }], "flag").is_err()
        );
        let ok = RuleDraft::parse(" 微商 ", vec![re("^(A|a)")], "hold").unwrap();
        assert_eq!(ok.name.as_str(), "微商");
        assert_eq!(ok.action, Action::Hold);
    }
}
