//! Roles and scopes: who may see and change which regions, stores and staff.
//!
//! Every rule here is a pure function of the acting staff member and the target's place in
//! the brand (region, store). Use cases call them after loading the target *within the
//! actor's brand*, so another brand's rows never reach these rules at all.

use crate::error::Reason;
use crate::{BrandId, DomainError, RegionId, StaffId, StoreId};
use serde::{Deserialize, Serialize};

/// A staff role, from the widest scope to the narrowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 品牌管理员: the whole brand.
    BrandAdmin,
    /// 大区经理: one region and its stores.
    RegionManager,
    /// 店长: one store.
    StoreManager,
    /// 导购: works in one store; runs communities, changes no organisation data.
    ShopGuide,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::BrandAdmin,
        Role::RegionManager,
        Role::StoreManager,
        Role::ShopGuide,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::BrandAdmin => "brand_admin",
            Role::RegionManager => "region_manager",
            Role::StoreManager => "store_manager",
            Role::ShopGuide => "shop_guide",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| DomainError::invalid(field, Reason::NotARole))
    }

    /// Higher is wider. Used so that nobody can grant a role wider than their own.
    fn rank(self) -> u8 {
        match self {
            Role::BrandAdmin => 3,
            Role::RegionManager => 2,
            Role::StoreManager => 1,
            Role::ShopGuide => 0,
        }
    }
}

/// Where a staff member sits in the organisation; it follows from the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Brand,
    Region(RegionId),
    Store { region: RegionId, store: StoreId },
}

impl Placement {
    /// The placement a role needs: brand admins sit on the brand, region managers on a
    /// region, store managers and guides on a store (whose region the caller looked up).
    pub fn for_role(
        role: Role,
        region: Option<RegionId>,
        store: Option<(RegionId, StoreId)>,
    ) -> Result<Self, DomainError> {
        match role {
            Role::BrandAdmin => Ok(Placement::Brand),
            Role::RegionManager => region
                .map(Placement::Region)
                .ok_or_else(|| DomainError::invalid("region_id", Reason::RegionRequired)),
            Role::StoreManager | Role::ShopGuide => store
                .map(|(region, store)| Placement::Store { region, store })
                .ok_or_else(|| DomainError::invalid("store_id", Reason::StoreRequired)),
        }
    }

    pub fn region(self) -> Option<RegionId> {
        match self {
            Placement::Brand => None,
            Placement::Region(r) | Placement::Store { region: r, .. } => Some(r),
        }
    }

    pub fn store(self) -> Option<StoreId> {
        match self {
            Placement::Store { store, .. } => Some(store),
            _ => None,
        }
    }

    /// Whether `other` lies inside this placement (a placement contains itself).
    fn contains(self, other: Placement) -> bool {
        match (self, other) {
            (Placement::Brand, _) => true,
            (Placement::Region(r), Placement::Region(o)) => r == o,
            (Placement::Region(r), Placement::Store { region, .. }) => r == region,
            (Placement::Store { store, .. }, Placement::Store { store: o, .. }) => store == o,
            _ => false,
        }
    }
}

/// The authenticated staff member a use case acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub brand: BrandId,
    pub staff: StaffId,
    pub role: Role,
    pub placement: Placement,
}

impl Actor {
    pub fn can_see_region(&self, region: RegionId) -> bool {
        match self.placement {
            Placement::Brand => true,
            p => p.region() == Some(region),
        }
    }

    pub fn can_manage_regions(&self) -> bool {
        self.role == Role::BrandAdmin
    }

    pub fn can_see_store(&self, region: RegionId, store: StoreId) -> bool {
        self.placement.contains(Placement::Store { region, store })
    }

    /// Opening a store, or moving one into a region: the brand admin, or that region's manager.
    pub fn can_place_store_in(&self, region: RegionId) -> bool {
        matches!(self.role, Role::BrandAdmin | Role::RegionManager)
            && self.placement.contains(Placement::Region(region))
    }

    /// Renaming or re-coding a store: anyone above a guide whose scope holds the store.
    pub fn can_edit_store(&self, region: RegionId, store: StoreId) -> bool {
        self.role != Role::ShopGuide && self.can_see_store(region, store)
    }

    /// Running a community of `store` owned by `owner` (editing it, opening its overflow
    /// sibling): managers whose scope holds the store, or the shop guide who owns it.
    pub fn can_run_community(&self, region: RegionId, store: StoreId, owner: StaffId) -> bool {
        self.can_see_store(region, store) && (self.role != Role::ShopGuide || owner == self.staff)
    }

    /// Closing or reopening a store changes the region's shape: admin or region manager.
    pub fn can_change_store_status(&self, region: RegionId) -> bool {
        self.can_place_store_in(region)
    }

    pub fn can_see_staff(&self, staff: StaffId, placement: Placement) -> bool {
        staff == self.staff || self.placement.contains(placement)
    }

    /// Creating, editing or deactivating a staff member with `role` at `placement`. Nobody
    /// grants a role wider than their own: brand admins manage everyone, others only
    /// narrower roles inside their own scope. Guides manage nobody.
    pub fn can_manage_staff(&self, role: Role, placement: Placement) -> bool {
        let outranks = self.role == Role::BrandAdmin || self.role.rank() > role.rank();
        self.role != Role::ShopGuide && outranks && self.placement.contains(placement)
    }

    /// The roles this actor may give to someone inside its scope.
    pub fn grantable_roles(&self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| {
                self.role != Role::ShopGuide
                    && (self.role == Role::BrandAdmin || self.role.rank() > r.rank())
            })
            .collect()
    }

    /// Every list of regions, stores or staff is narrowed to this filter.
    pub fn list_filter(&self) -> ScopeFilter {
        match self.placement {
            Placement::Brand => ScopeFilter::Brand,
            Placement::Region(r) => ScopeFilter::Region(r),
            Placement::Store { store, .. } => ScopeFilter::Store(store),
        }
    }

    pub fn require(allowed: bool, why: &'static str) -> Result<(), DomainError> {
        if allowed {
            Ok(())
        } else {
            Err(DomainError::Forbidden(why))
        }
    }
}

/// The rows a list may return, by the actor's placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeFilter {
    Brand,
    Region(RegionId),
    Store(StoreId),
}

#[cfg(test)]
mod tests {
    use super::*;

    const R1: RegionId = RegionId(1);
    const R2: RegionId = RegionId(2);
    const S1: StoreId = StoreId(10);
    const S2: StoreId = StoreId(20);

    fn actor(role: Role, placement: Placement) -> Actor {
        Actor {
            brand: BrandId(1),
            staff: StaffId(99),
            role,
            placement,
        }
    }

    #[test]
    fn guide_sees_only_its_store_and_manages_nothing() {
        let g = actor(
            Role::ShopGuide,
            Placement::Store {
                region: R1,
                store: S1,
            },
        );
        assert!(g.can_see_store(R1, S1));
        assert!(!g.can_see_store(R1, S2));
        assert!(!g.can_edit_store(R1, S1));
        let own_store = Placement::Store {
            region: R1,
            store: S1,
        };
        assert!(!g.can_manage_staff(Role::ShopGuide, own_store));
        assert!(g.can_see_staff(StaffId(5), own_store));
        assert!(!g.can_see_staff(
            StaffId(5),
            Placement::Store {
                region: R1,
                store: S2
            }
        ));
        assert!(g.grantable_roles().is_empty());
    }

    #[test]
    fn region_manager_is_bounded_by_its_region() {
        let m = actor(Role::RegionManager, Placement::Region(R1));
        assert!(m.can_place_store_in(R1));
        assert!(!m.can_place_store_in(R2));
        assert!(m.can_manage_staff(
            Role::StoreManager,
            Placement::Store {
                region: R1,
                store: S1
            }
        ));
        assert!(!m.can_manage_staff(
            Role::StoreManager,
            Placement::Store {
                region: R2,
                store: S2
            }
        ));
        assert!(!m.can_manage_staff(Role::RegionManager, Placement::Region(R1)));
        assert!(!m.can_manage_regions());
        assert_eq!(
            m.grantable_roles(),
            vec![Role::StoreManager, Role::ShopGuide]
        );
    }

    #[test]
    fn store_manager_manages_guides_of_its_store_only() {
        let m = actor(
            Role::StoreManager,
            Placement::Store {
                region: R1,
                store: S1,
            },
        );
        assert!(m.can_manage_staff(
            Role::ShopGuide,
            Placement::Store {
                region: R1,
                store: S1
            }
        ));
        assert!(!m.can_manage_staff(
            Role::StoreManager,
            Placement::Store {
                region: R1,
                store: S1
            }
        ));
        assert!(!m.can_manage_staff(
            Role::ShopGuide,
            Placement::Store {
                region: R1,
                store: S2
            }
        ));
        assert!(m.can_edit_store(R1, S1));
        assert!(!m.can_change_store_status(R1));
    }

    #[test]
    fn brand_admin_manages_everyone() {
        let a = actor(Role::BrandAdmin, Placement::Brand);
        for role in Role::ALL {
            assert!(a.can_manage_staff(role, Placement::Brand));
        }
        assert!(a.can_manage_regions());
    }

    #[test]
    fn placement_follows_role() {
        assert!(Placement::for_role(Role::RegionManager, None, None).is_err());
        assert!(Placement::for_role(Role::ShopGuide, Some(R1), None).is_err());
        assert_eq!(
            Placement::for_role(Role::ShopGuide, None, Some((R1, S1))).unwrap(),
            Placement::Store {
                region: R1,
                store: S1
            }
        );
        assert_eq!(Role::parse("role", "shop_guide").unwrap(), Role::ShopGuide);
        assert!(Role::parse("role", "owner").is_err());
    }
}
