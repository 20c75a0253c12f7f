//! Cursor pagination: a bounded page size and an opaque position after the last row seen.

use crate::DomainError;
use crate::error::Reason;

/// Page size: at least 1, at most [`PageSize::MAX`], [`PageSize::DEFAULT`] when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSize {
    pub const DEFAULT: u32 = 50;
    pub const MAX: u32 = 200;
    /// The largest page, for pickers that want every row in reach.
    pub const MAX_PAGE: PageSize = PageSize(Self::MAX);

    pub fn parse(limit: Option<i64>) -> Result<Self, DomainError> {
        match limit {
            None => Ok(PageSize(Self::DEFAULT)),
            Some(n) if (1..=i64::from(Self::MAX)).contains(&n) => Ok(PageSize(n as u32)),
            Some(_) => Err(DomainError::invalid(
                "limit",
                Reason::OutOfRange {
                    min: 1,
                    max: i64::from(Self::MAX),
                },
            )),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize(Self::DEFAULT)
    }
}

/// The id of the last row of the previous page. Rows are listed in id order, so "after this
/// id" is stable under concurrent inserts. Shown to clients as an opaque string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor(pub i64);

impl Cursor {
    const PREFIX: &'static str = "c";

    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        let Some(raw) = raw else {
            return Ok(Cursor(0));
        };
        raw.strip_prefix(Self::PREFIX)
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .map(Cursor)
            .ok_or_else(|| DomainError::invalid("cursor", Reason::NotACursor))
    }

    pub fn encode(self) -> String {
        format!("{}{}", Self::PREFIX, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(PageSize::parse(None).unwrap(), PageSize::default());
        assert_eq!(PageSize::default().get(), PageSize::DEFAULT);
        assert_eq!(PageSize::parse(Some(200)).unwrap().get(), 200);
        assert!(PageSize::parse(Some(0)).is_err());
        assert!(PageSize::parse(Some(201)).is_err());
        assert!(PageSize::parse(Some(-5)).is_err());
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor(42);
        assert_eq!(Cursor::parse(Some(&c.encode())).unwrap(), c);
        assert!(Cursor::parse(Some("42")).is_err());
        assert!(Cursor::parse(Some("c-1")).is_err());
        assert!(Cursor::parse(Some("cabc")).is_err());
        assert_eq!(Cursor::parse(None).unwrap(), Cursor(0));
    }
}
