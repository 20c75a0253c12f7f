//! The pure domain core of shequn: identifiers, validated values, roles and the rules of who
//! may see and change what. No I/O, no async, no clock: callers pass time in.

pub mod activity;
pub mod audit;
pub mod community;
pub mod customer;
pub mod error;
pub mod ids;
pub mod money;
pub mod org;
pub mod page;
pub mod scope;
pub mod values;

pub use activity::{ActivityEvent, ActivityKind, IngestReport};
pub use audit::{AuditAction, AuditEntry};
pub use community::{
    Capacity, Community, CommunityMember, CommunityStatus, JoinSource, Joined, Kind, KindChange,
    KindFamily, MemberRole, Membership, Purpose,
};
pub use customer::{
    Channel, Consent, Customer, Lifecycle, LifecycleThresholds, Phone, Tier, TierMap,
};
pub use error::{DomainError, Reason, Refusal, Subject};
pub use ids::{BrandId, CommunityId, CustomerId, RegionId, StaffId, StoreId, TokenId};
pub use money::Fen;
pub use org::{ApiToken, Brand, Region, StaffMember, Store};
pub use page::{Cursor, PageSize};
pub use scope::{Actor, Placement, Role, ScopeFilter};
pub use values::{Email, Name, Password, SearchText, Slug, StoreCode};
