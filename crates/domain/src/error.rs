//! The error vocabulary of the domain: why an input was refused ([`Reason`]) and which
//! business rule refused a request ([`Refusal`]). Each has a stable machine code (never
//! renamed: API clients and the console's translations key on it) and an English message;
//! the console localises from the code and the values carried here.

use std::fmt;

/// Why a value was refused. `code()` is stable; `Display` is the English message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Empty where a value is needed.
    Required,
    /// Longer than `max` characters (it had `got`).
    TooLong {
        max: usize,
        got: usize,
    },
    /// A length outside `min..=max` characters.
    Length {
        min: usize,
        max: usize,
    },
    ControlCharacters,
    NotAnEmail,
    NotASlug,
    NotAStoreCode,
    NotARole,
    /// A number outside `min..=max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotACursor,
    Negative,
    NotAnAmount,
    /// A region manager is placed in a region.
    RegionRequired,
    /// Store managers and shop guides are placed in a store.
    StoreRequired,
    /// No region with this id that the actor can see.
    UnknownRegion,
    /// The region exists but is deactivated.
    RegionInactive,
    /// No active store with this id that the actor can see.
    UnknownStore,
    /// The current password given does not match.
    WrongPassword,
    /// Not one of the values the field takes (named by the field's noun, e.g. "kind").
    NotOneOf(&'static str),
    /// Not a staff member who can run a community of this store.
    UnknownOwner,
    /// Not an 11-digit mainland mobile number.
    NotAPhone,
    /// No customer with this id in the brand.
    UnknownCustomer,
    /// No active staff member of the brand with this id who can serve customers.
    UnknownGuide,
    /// Not a pattern (regular expression) that compiles within the size limit.
    NotAPattern,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::TooLong { .. } => "too_long",
            Reason::Length { .. } => "length",
            Reason::ControlCharacters => "control_characters",
            Reason::NotAnEmail => "not_an_email",
            Reason::NotASlug => "not_a_slug",
            Reason::NotAStoreCode => "not_a_store_code",
            Reason::NotARole => "not_a_role",
            Reason::OutOfRange { .. } => "out_of_range",
            Reason::NotACursor => "not_a_cursor",
            Reason::Negative => "negative",
            Reason::NotAnAmount => "not_an_amount",
            Reason::RegionRequired => "region_required",
            Reason::StoreRequired => "store_required",
            Reason::UnknownRegion => "unknown_region",
            Reason::RegionInactive => "region_inactive",
            Reason::UnknownStore => "unknown_store",
            Reason::WrongPassword => "wrong_password",
            Reason::NotOneOf(_) => "not_one_of",
            Reason::UnknownOwner => "unknown_owner",
            Reason::NotAPhone => "not_a_phone",
            Reason::UnknownCustomer => "unknown_customer",
            Reason::UnknownGuide => "unknown_guide",
            Reason::NotAPattern => "not_a_pattern",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Required => f.write_str("must not be empty"),
            Reason::TooLong { max, got } => {
                write!(f, "must be at most {max} characters, got {got}")
            }
            Reason::Length { min, max } => write!(f, "must be {min} to {max} characters long"),
            Reason::ControlCharacters => f.write_str("must not contain control characters"),
            Reason::NotAnEmail => f.write_str("must be an email address like name@example.com"),
            Reason::NotASlug => f.write_str("must be 2-32 characters of a-z, 0-9 and '-'"),
            Reason::NotAStoreCode => {
                f.write_str("must be 1-32 characters of A-Z, 0-9, '-' and '_'")
            }
            Reason::NotARole => {
                f.write_str("must be one of brand_admin, region_manager, store_manager, shop_guide")
            }
            Reason::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            Reason::NotACursor => f.write_str("is not a cursor this server issued"),
            Reason::Negative => f.write_str("must not be negative"),
            Reason::NotAnAmount => f.write_str("must be an amount in yuan such as 12.34"),
            Reason::RegionRequired => f.write_str("a region manager needs a region"),
            Reason::StoreRequired => f.write_str("store staff need a store"),
            Reason::UnknownRegion => f.write_str("is not a region you can choose"),
            Reason::RegionInactive => f.write_str("the region is deactivated"),
            Reason::UnknownStore => f.write_str("is not an open store you can choose"),
            Reason::WrongPassword => f.write_str("is not your current password"),
            Reason::NotOneOf(what) => write!(f, "is not a {what} this server knows"),
            Reason::UnknownOwner => {
                f.write_str("must be an active shop guide or manager of the community's store")
            }
            Reason::NotAPhone => f.write_str("must be an 11-digit mobile number starting with 1"),
            Reason::UnknownCustomer => f.write_str("is not a customer of this brand"),
            Reason::UnknownGuide => {
                f.write_str("must be an active shop guide or manager of the customer's store")
            }
            Reason::NotAPattern => {
                f.write_str("is not a valid pattern (regular expression) of at most 100 characters")
            }
        }
    }
}

/// What a row is, in messages ("another store of the brand has this code").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Brand,
    Region,
    Store,
    Staff,
    Community,
    Customer,
    ScreeningRule,
    Segment,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Brand => "brand",
            Subject::Region => "region",
            Subject::Store => "store",
            Subject::Staff => "staff member",
            Subject::Community => "community",
            Subject::Customer => "customer",
            Subject::ScreeningRule => "screening rule",
            Subject::Segment => "segment",
        }
    }
}

/// A business rule that refused a request whose input was well-formed. `code()` is the
/// problem code the API answers with; later issues add `limit_reached`, ….
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Another `subject` of the brand (or, for brands, another brand) has this value at
    /// `field`.
    Taken {
        subject: Subject,
        field: &'static str,
    },
    /// A region cannot be deactivated while it has active stores.
    RegionHasActiveStores { count: i64 },
    /// The email signs in to several brands: the caller must name one.
    BrandRequired { brands: Vec<String> },
    /// Not enough stock for the request.
    OutOfStock,
    /// The community is archived: nobody joins it.
    CommunityArchived,
    /// A staff member leaving a store (deactivated or moved) still runs communities or
    /// serves customers there: hand them over first (离职继承).
    HandoverRequired { communities: i64, customers: i64 },
    /// The customer is on the brand's blacklist: no community lets them in.
    Blacklisted,
    /// The screening decision was settled already (another way).
    AlreadySettled,
    /// The order's status does not allow the step asked for (shipping an unpaid order,
    /// cancelling a paid one): `from` is the status's code, `to` the step ("shipped",
    /// "cancelled", "returned", …).
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    /// A payment that is not the order's total, or a refund of nothing (zero or less).
    AmountMismatch,
    /// The refund would take back more than was paid, for the order or for the line.
    RefundExceedsPaid,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Taken { .. } => "taken",
            Refusal::RegionHasActiveStores { .. } => "region_has_active_stores",
            Refusal::BrandRequired { .. } => "brand_required",
            Refusal::OutOfStock => "out_of_stock",
            Refusal::CommunityArchived => "community_archived",
            Refusal::HandoverRequired { .. } => "handover_required",
            Refusal::Blacklisted => "blacklisted",
            Refusal::AlreadySettled => "already_settled",
            Refusal::InvalidTransition { .. } => "invalid_transition",
            Refusal::AmountMismatch => "amount_mismatch",
            Refusal::RefundExceedsPaid => "refund_exceeds_paid",
        }
    }

    /// The input at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::Taken { field, .. } => Some(field),
            Refusal::RegionHasActiveStores { .. } => Some("active"),
            Refusal::BrandRequired { .. } => Some("brand"),
            Refusal::OutOfStock | Refusal::CommunityArchived => None,
            Refusal::HandoverRequired { .. } => Some("active"),
            Refusal::Blacklisted => Some("customer_id"),
            Refusal::AlreadySettled => Some("verdict"),
            Refusal::InvalidTransition { .. } => None,
            Refusal::AmountMismatch | Refusal::RefundExceedsPaid => Some("amount"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Taken {
                subject: Subject::Brand,
                field,
            } => write!(f, "another brand already has this {field}"),
            Refusal::Taken { subject, field } => {
                let field = field.trim_start_matches("admin_");
                write!(
                    f,
                    "another {} of the brand already has this {field}",
                    subject.as_str()
                )
            }
            Refusal::RegionHasActiveStores { count } => write!(
                f,
                "the region still has {count} active stores; close or move them first"
            ),
            Refusal::BrandRequired { brands } => write!(
                f,
                "this email signs in to several brands; choose one of: {}",
                brands.join(", ")
            ),
            Refusal::OutOfStock => f.write_str("not enough stock"),
            Refusal::CommunityArchived => f.write_str("the community is archived"),
            Refusal::Blacklisted => {
                f.write_str("the customer is on the brand's blacklist and joins no community")
            }
            Refusal::AlreadySettled => f.write_str("the screening decision was settled already"),
            Refusal::InvalidTransition { from, to } => write!(
                f,
                "the order is {} and cannot be {to}",
                from.replace('_', " ")
            ),
            Refusal::AmountMismatch => {
                f.write_str("the amount does not match the order: a payment must equal its total and a refund must be more than zero")
            }
            Refusal::RefundExceedsPaid => {
                f.write_str("the refund is more than what was paid and not yet refunded")
            }
            Refusal::HandoverRequired {
                communities,
                customers,
            } => write!(
                f,
                "they still run {communities} communities and serve {customers} customers; hand them over first"
            ),
        }
    }
}

/// A value or request that breaks a domain rule. `field` names the input at fault so the
/// edge can point the user at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: Reason },
    #[error("{0}")]
    Forbidden(&'static str),
}

impl DomainError {
    pub fn invalid(field: &'static str, reason: Reason) -> Self {
        DomainError::Invalid { field, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case_and_distinct() {
        let reasons = [
            Reason::Required,
            Reason::TooLong { max: 1, got: 2 },
            Reason::Length { min: 1, max: 2 },
            Reason::ControlCharacters,
            Reason::NotAnEmail,
            Reason::NotASlug,
            Reason::NotAStoreCode,
            Reason::NotARole,
            Reason::OutOfRange { min: 1, max: 2 },
            Reason::NotACursor,
            Reason::Negative,
            Reason::NotAnAmount,
            Reason::RegionRequired,
            Reason::StoreRequired,
            Reason::UnknownRegion,
            Reason::RegionInactive,
            Reason::UnknownStore,
            Reason::WrongPassword,
            Reason::NotOneOf("kind"),
            Reason::UnknownOwner,
            Reason::NotAPhone,
            Reason::UnknownCustomer,
            Reason::UnknownGuide,
        ];
        let mut codes: Vec<&str> = reasons.iter().map(Reason::code).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), reasons.len(), "codes are distinct");
        assert_eq!(Reason::TooLong { max: 100, got: 120 }.code(), "too_long");
    }

    #[test]
    fn refusals_name_their_field_and_say_what_to_do() {
        let taken = Refusal::Taken {
            subject: Subject::Store,
            field: "code",
        };
        assert_eq!(taken.code(), "taken");
        assert_eq!(taken.field(), Some("code"));
        assert_eq!(
            taken.to_string(),
            "another store of the brand already has this code"
        );
        let busy = Refusal::RegionHasActiveStores { count: 3 };
        assert_eq!(busy.field(), Some("active"));
        assert!(busy.to_string().contains("3 active stores"));
    }
}
