//! The operation log (操作日志): what happened to which organisation row, by whom.

/// What an audit event records. Stored by its `as_str` name, which must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    BrandCreated,
    RegionCreated,
    RegionUpdated,
    StoreCreated,
    StoreUpdated,
    StaffCreated,
    StaffUpdated,
    StaffPasswordReset,
    PasswordChanged,
    TokenCreated,
    TokenRevoked,
    CommunityCreated,
    CommunityUpdated,
    StaffHandover,
    CustomerExported,
    CustomerErased,
    CustomerPhoneRevealed,
    ScreeningRuleSaved,
    ScreeningRuleApplied,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::BrandCreated => "brand.created",
            AuditAction::RegionCreated => "region.created",
            AuditAction::RegionUpdated => "region.updated",
            AuditAction::StoreCreated => "store.created",
            AuditAction::StoreUpdated => "store.updated",
            AuditAction::StaffCreated => "staff.created",
            AuditAction::StaffUpdated => "staff.updated",
            AuditAction::StaffPasswordReset => "staff.password_reset",
            AuditAction::PasswordChanged => "staff.password_changed",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::CommunityCreated => "community.created",
            AuditAction::CommunityUpdated => "community.updated",
            AuditAction::StaffHandover => "staff.handover",
            AuditAction::CustomerExported => "customer.exported",
            AuditAction::CustomerErased => "customer.erased",
            AuditAction::CustomerPhoneRevealed => "customer.phone_revealed",
            AuditAction::ScreeningRuleSaved => "screening_rule.saved",
            AuditAction::ScreeningRuleApplied => "screening_rule.applied",
        }
    }

    /// The kind of row the action is about.
    pub fn subject(self) -> &'static str {
        match self {
            AuditAction::BrandCreated => "brand",
            AuditAction::RegionCreated | AuditAction::RegionUpdated => "region",
            AuditAction::StoreCreated | AuditAction::StoreUpdated => "store",
            AuditAction::StaffCreated
            | AuditAction::StaffUpdated
            | AuditAction::StaffPasswordReset
            | AuditAction::PasswordChanged
            | AuditAction::StaffHandover => "staff",
            AuditAction::TokenCreated | AuditAction::TokenRevoked => "token",
            AuditAction::CommunityCreated | AuditAction::CommunityUpdated => "community",
            AuditAction::CustomerExported
            | AuditAction::CustomerErased
            | AuditAction::CustomerPhoneRevealed => "customer",
            AuditAction::ScreeningRuleSaved | AuditAction::ScreeningRuleApplied => "screening_rule",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_are_unique_and_prefixed_by_their_subject() {
        let all = [
            AuditAction::BrandCreated,
            AuditAction::RegionCreated,
            AuditAction::RegionUpdated,
            AuditAction::StoreCreated,
            AuditAction::StoreUpdated,
            AuditAction::StaffCreated,
            AuditAction::StaffUpdated,
            AuditAction::StaffPasswordReset,
            AuditAction::PasswordChanged,
            AuditAction::TokenCreated,
            AuditAction::TokenRevoked,
            AuditAction::CommunityCreated,
            AuditAction::CommunityUpdated,
            AuditAction::StaffHandover,
            AuditAction::CustomerExported,
            AuditAction::CustomerErased,
            AuditAction::CustomerPhoneRevealed,
            AuditAction::ScreeningRuleSaved,
            AuditAction::ScreeningRuleApplied,
        ];
        let names: std::collections::HashSet<_> = all.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for a in all {
            assert!(a.as_str().starts_with(a.subject()), "{}", a.as_str());
        }
    }
}

/// One event of the operation log as read, with the actor's name joined in: the read model
/// the console and the API show. `action` stays the stored name (see [`AuditAction::as_str`])
/// rather than the enum, so that a server one release behind can still list an event a
/// newer one wrote; `detail` is its JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_staff_id: Option<crate::StaffId>,
    /// None for operator commands (no staff actor).
    pub actor_name: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub region_id: Option<crate::RegionId>,
    pub store_id: Option<crate::StoreId>,
    pub detail: String,
}
