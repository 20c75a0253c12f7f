//! The pure domain core of shequn: identifiers, validated values, roles and the rules of who
//! may see and change what. No I/O, no async, no clock: callers pass time in.

/// `as_str`, `parse` (refusing with `Reason::NotOneOf`) and `ALL` for an enum stored and
/// sent as snake_case text.
macro_rules! text_enum {
    ($t:ty, $what:literal, $($v:ident => $s:literal),+ $(,)?) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),+ }
            }

            pub fn parse(field: &'static str, raw: &str) -> Result<Self, $crate::DomainError> {
                match raw {
                    $($s => Ok(<$t>::$v),)+
                    _ => Err($crate::DomainError::invalid(field, $crate::Reason::NotOneOf($what))),
                }
            }
        }
    };
}

pub mod activity;
pub mod audit;
pub mod catalogue;
pub mod community;
pub mod customer;
pub mod error;
pub mod ids;
pub mod jobs;
pub mod links;
pub mod money;
pub mod order;
pub mod org;
pub mod page;
pub mod scope;
pub mod screening;
pub mod segment;
pub mod stock;
pub mod values;

pub use activity::{ActivityEvent, ActivityKind, IngestReport};
pub use audit::{AuditAction, AuditEntry};
pub use catalogue::{Frequency, Product, ProductDraft, Sku, SkuDraft, StockMovement};
pub use community::{
    Capacity, Community, CommunityMember, CommunityStatus, JoinSource, Joined, Kind, KindChange,
    KindFamily, MemberRole, Membership, Purpose,
};
pub use customer::{
    Channel, Consent, Customer, Lifecycle, LifecycleThresholds, Phone, Tier, TierMap,
};
pub use error::{DomainError, Reason, Refusal, Subject};
pub use ids::{
    BrandId, CommunityId, CustomerId, OrderId, ProductId, RegionId, SkuId, StaffId, StoreId,
    TokenId,
};
pub use jobs::{Job, JobStatus};
pub use links::JoinLink;
pub use money::Fen;
pub use order::{Order, OrderEvent, OrderLine, OrderStatus, Outcome};
pub use org::{ApiToken, Brand, Region, StaffMember, Store};
pub use page::{Cursor, PageSize};
pub use scope::{Actor, Placement, Role, ScopeFilter};
pub use screening::{
    Action, Condition, Decision, DecisionStatus, Evidence, Facts, RemovalTask, Rule, RuleDraft,
    Screen, TaskStatus, Verdict,
};
pub use segment::{Segment, SegmentDraft, SegmentFilter};
pub use stock::{StockLevel, StockReason};
pub use values::{Email, Name, Password, SearchText, Slug, StoreCode};
