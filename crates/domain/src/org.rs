//! Read models of the organisation: what use cases return and the edge shows. Typed ids
//! and roles; times are UTC unix milliseconds. Storage rows never leave the app crate.

use serde::{Deserialize, Serialize};

use crate::{BrandId, RegionId, Role, StaffId, StoreId, TokenId};

/// A brand: the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub id: BrandId,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

/// A region (大区): a group of stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A store (门店).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub id: StoreId,
    pub region_id: RegionId,
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A staff member, without credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: StaffId,
    pub brand_id: BrandId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Set for region managers.
    pub region_id: Option<RegionId>,
    /// Set for store managers and shop guides.
    pub store_id: Option<StoreId>,
    /// The region of `store_id` (a store's staff move with their store).
    pub store_region_id: Option<RegionId>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An API token as listed (the secret is never stored, so never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub staff_id: StaffId,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// The token's first characters (`shq_…`), to tell tokens apart; empty for tokens
    /// issued before prefixes were kept.
    pub prefix: String,
}

impl ApiToken {
    /// Usable at `now`: neither revoked nor expired.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}
