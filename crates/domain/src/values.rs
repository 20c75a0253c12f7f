//! Validated input values. Once a value has one of these types it is valid (parse, don't
//! validate); storage and use cases take the type, never a raw `String`.

use crate::DomainError;
use crate::error::Reason;

/// A staff login email, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim().to_lowercase();
        let well_formed = s.len() <= Self::MAX_LEN
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.matches('@').count() == 1;
        if well_formed {
            Ok(Email(s))
        } else {
            Err(DomainError::invalid(field, Reason::NotAnEmail))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name (brand, region, store, person): 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let n = s.chars().count();
        if n == 0 {
            return Err(DomainError::invalid(field, Reason::Required));
        }
        if n > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                field,
                Reason::TooLong {
                    max: Self::MAX_CHARS,
                    got: n,
                },
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(DomainError::invalid(field, Reason::ControlCharacters));
        }
        Ok(Name(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A brand's URL slug: 2 to 32 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let ok = (2..=32).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(Slug(raw.to_owned()))
        } else {
            Err(DomainError::invalid(field, Reason::NotASlug))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A store's code within its brand (e.g. `SH-001`): 1 to 32 of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCode(String);

impl StoreCode {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(StoreCode(s.to_uppercase()))
        } else {
            Err(DomainError::invalid(field, Reason::NotAStoreCode))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A search text for lists: 1 to 50 characters after trimming, matched as a substring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub const MAX_CHARS: usize = 50;

    /// None for an absent or blank search, which means "no filter".
    pub fn parse(field: &'static str, raw: Option<&str>) -> Result<Option<Self>, DomainError> {
        let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let n = s.chars().count();
        if n > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                field,
                Reason::TooLong {
                    max: Self::MAX_CHARS,
                    got: n,
                },
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(DomainError::invalid(field, Reason::ControlCharacters));
        }
        Ok(Some(SearchText(s.to_owned())))
    }

    /// A SQL `LIKE … ESCAPE '\'` pattern matching the text anywhere: `%` and `_` typed by
    /// the user match themselves, not any character.
    pub fn like_pattern(&self) -> String {
        let mut p = String::with_capacity(self.0.len() + 2);
        p.push('%');
        for c in self.0.chars() {
            if matches!(c, '%' | '_' | '\\') {
                p.push('\\');
            }
            p.push(c);
        }
        p.push('%');
        p
    }
}

/// A new password: 10 to 128 characters. Length is the rule that matters (NIST SP 800-63B);
/// composition rules only push people to predictable patterns.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let n = raw.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&n) {
            return Err(DomainError::invalid(
                field,
                Reason::Length {
                    min: Self::MIN_CHARS,
                    max: Self::MAX_CHARS,
                },
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", " A@B.cn ").unwrap().as_str(),
            "a@b.cn"
        );
        for bad in ["", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@.cn"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn name_counts_characters_not_bytes() {
        assert!(Name::parse("name", &"店".repeat(100)).is_ok());
        assert!(Name::parse("name", &"店".repeat(101)).is_err());
        assert!(Name::parse("name", "   ").is_err());
        assert!(Name::parse("name", "a\u{0}b").is_err());
    }

    #[test]
    fn slug_and_store_code_rules() {
        assert!(Slug::parse("slug", "demo").is_ok());
        assert!(Slug::parse("slug", "-demo").is_err());
        assert!(Slug::parse("slug", "Demo").is_err());
        assert_eq!(StoreCode::parse("code", "sh-01").unwrap().as_str(), "SH-01");
        assert!(StoreCode::parse("code", "sh 01").is_err());
    }

    #[test]
    fn search_text_is_optional_bounded_and_escaped() {
        assert_eq!(SearchText::parse("q", None).unwrap(), None);
        assert_eq!(SearchText::parse("q", Some("  ")).unwrap(), None);
        assert!(SearchText::parse("q", Some(&"店".repeat(51))).is_err());
        let t = SearchText::parse("q", Some(" 50%_off\\ "))
            .unwrap()
            .unwrap();
        assert_eq!(t.like_pattern(), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn password_length_bounds_and_debug_hides_it() {
        assert!(Password::parse("password", "short").is_err());
        let p = Password::parse("password", "long enough pass").unwrap();
        assert!(!format!("{p:?}").contains("long"));
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
    }
}
