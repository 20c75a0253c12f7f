//! Activity of customers in communities, reported in batches by the chat platform or an
//! integration: what happened, where, to whom, when. Each event carries the reporter's id,
//! so a replayed batch is applied once.

use serde::{Deserialize, Serialize};

use crate::error::Reason;
use crate::{CommunityId, CustomerId, DomainError};

/// The most events one batch may carry.
pub const MAX_BATCH: usize = 1_000;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Message,
    Joined,
    Left,
    Shared,
    Clicked,
}

text_enum!(ActivityKind, "activity kind",
    Message => "message", Joined => "joined", Left => "left", Shared => "shared",
    Clicked => "clicked");

/// One event, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    /// The reporter's id of the event: 1 to 64 visible ASCII characters, unique per brand.
    pub event_id: String,
    pub kind: ActivityKind,
    pub community_id: CommunityId,
    pub customer_id: CustomerId,
    /// When it happened (UTC ms).
    pub at: i64,
    /// A message that carried a link.
    #[serde(default)]
    pub has_link: bool,
}

/// An event id as reported: 1 to 64 visible ASCII characters.
pub fn parse_event_id(field: &'static str, raw: &str) -> Result<String, DomainError> {
    if raw.is_empty() || raw.len() > 64 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::invalid(field, Reason::NotOneOf("event id")));
    }
    Ok(raw.to_owned())
}

/// What a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Events stored now.
    pub accepted: u64,
    /// Events already stored by an earlier batch (or twice in this one): skipped.
    pub duplicates: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_event_ids_parse() {
        for k in ["message", "joined", "left", "shared", "clicked"] {
            assert_eq!(
                ActivityKind::parse("kind", k)
                    .map(ActivityKind::as_str)
                    .ok(),
                Some(k)
            );
        }
        assert!(ActivityKind::parse("kind", "liked").is_err());
        assert!(parse_event_id("event_id", "evt-1").is_ok());
        assert!(parse_event_id("event_id", "").is_err());
        assert!(parse_event_id("event_id", "has space").is_err());
        assert!(parse_event_id("event_id", &"x".repeat(65)).is_err());
    }
}
