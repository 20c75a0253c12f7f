//! Segments (人群分层): staff-defined saved filters over the brand's customers, e.g. 学生,
//! 宝妈, 白领, VIP (seed 002), counted live. A segment is a filter, not a list: a customer
//! is in it while they match.

use serde::{Deserialize, Serialize};

use crate::customer::{Channel, Lifecycle, Tier};
use crate::error::Reason;
use crate::{DomainError, Name, StoreId};

/// What a segment selects; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
}

impl SegmentFilter {
    pub fn is_empty(&self) -> bool {
        *self == SegmentFilter::default()
    }
}

/// A segment as staff write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentDraft {
    pub name: Name,
    pub filter: SegmentFilter,
}

impl SegmentDraft {
    /// A name and at least one condition (a segment of everyone is the customer list).
    pub fn parse(name: &str, filter: SegmentFilter) -> Result<Self, DomainError> {
        let name = Name::parse("name", name)?;
        if filter.is_empty() {
            return Err(DomainError::invalid("filter", Reason::Required));
        }
        let filter = SegmentFilter {
            tag: match filter.tag.as_deref() {
                Some(t) => Some(crate::customer::parse_tag("filter", t)?),
                None => None,
            },
            ..filter
        };
        Ok(SegmentDraft { name, filter })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub filter: SegmentFilter,
    pub created_at: i64,
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_needs_a_name_and_a_condition() {
        assert!(SegmentDraft::parse("宝妈", SegmentFilter::default()).is_err());
        assert!(
            SegmentDraft::parse(
                " ",
                SegmentFilter {
                    tier: Some(Tier::Strong),
                    ..Default::default()
                }
            )
            .is_err()
        );
        let ok = SegmentDraft::parse(
            "宝妈",
            SegmentFilter {
                tag: Some(" 宝妈 ".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.filter.tag.as_deref(), Some("宝妈"));
        assert!(
            SegmentDraft::parse(
                "x",
                SegmentFilter {
                    tag: Some("a,b".into()),
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
