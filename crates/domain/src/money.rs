//! Money: integer fen (分, 1/100 yuan), never floats. Arithmetic is checked (an overflow is
//! an error, not a wrap), proportional amounts go through the one rounding function
//! [`Fen::share`], and the yuan text (`¥12.34`) is made only at the edge via `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::error::Reason;

/// An amount of money in fen. May be negative (a refund, a ledger debit).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Fen {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// A price or amount entered by a person: not negative.
    pub fn parse_amount(field: &'static str, fen: i64) -> Result<Fen, DomainError> {
        if fen < 0 {
            return Err(DomainError::invalid(field, Reason::Negative));
        }
        Ok(Fen(fen))
    }

    /// Parses yuan text as shown to people ("12.34", "¥12.3", "12"): at most two decimals.
    pub fn parse_yuan(field: &'static str, text: &str) -> Result<Fen, DomainError> {
        let bad = || DomainError::invalid(field, Reason::NotAnAmount);
        let t = text.trim().trim_start_matches(['¥', '￥']);
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (t, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let frac = frac.unwrap_or("0");
        if !digits(whole) || !digits(frac) || frac.len() > 2 {
            return Err(bad());
        }
        let yuan: i64 = whole.parse().map_err(|_| bad())?;
        let frac_fen: i64 = match frac.len() {
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let fen = yuan
            .checked_mul(100)
            .and_then(|f| f.checked_add(frac_fen))
            .ok_or_else(bad)?;
        Ok(Fen(if neg { -fen } else { fen }))
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// This amount times a whole quantity (a line of 3 items).
    pub fn checked_mul(self, qty: i64) -> Option<Fen> {
        self.0.checked_mul(qty).map(Fen)
    }

    pub fn checked_neg(self) -> Option<Fen> {
        self.0.checked_neg().map(Fen)
    }

    /// The sum of amounts; None on overflow.
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Option<Fen> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |acc, f| acc.checked_add(f))
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero to the fen: the one
    /// rounding rule for every proportional amount (commission rates, discounts, refund
    /// shares). Computed in i128, so only a result beyond i64 or a zero denominator fails.
    pub fn share(self, numerator: i64, denominator: i64) -> Option<Fen> {
        if denominator == 0 {
            return None;
        }
        let (n, d) = (
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        );
        let (q, r) = (n / d, n % d);
        // Round half away from zero: compare twice the remainder with the divisor.
        let away = (2 * r.abs()) >= d.abs();
        let q = if away {
            if (n < 0) != (d < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        i64::try_from(q).ok().map(Fen)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

/// `¥12.34`, `-¥0.05`: always two decimals.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_as_yuan_with_two_decimals() {
        assert_eq!(Fen::new(1234).to_string(), "¥12.34");
        assert_eq!(Fen::new(5).to_string(), "¥0.05");
        assert_eq!(Fen::new(-5).to_string(), "-¥0.05");
        assert_eq!(Fen::new(100).to_string(), "¥1.00");
        assert_eq!(Fen::new(i64::MIN).to_string(), "-¥92233720368547758.08");
    }

    #[test]
    fn parses_yuan_text() {
        assert_eq!(Fen::parse_yuan("p", "12.34").ok(), Some(Fen::new(1234)));
        assert_eq!(Fen::parse_yuan("p", "¥12.3").ok(), Some(Fen::new(1230)));
        assert_eq!(Fen::parse_yuan("p", "12").ok(), Some(Fen::new(1200)));
        assert_eq!(Fen::parse_yuan("p", "-0.05").ok(), Some(Fen::new(-5)));
        for bad in [
            "",
            "1.234",
            "abc",
            "1.",
            ".5",
            "1e3",
            "99999999999999999999",
        ] {
            assert!(
                Fen::parse_yuan("p", bad).is_err(),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Fen::new(i64::MAX).checked_add(Fen::new(1)), None);
        assert_eq!(Fen::new(i64::MIN).checked_sub(Fen::new(1)), None);
        assert_eq!(Fen::new(i64::MAX).checked_mul(2), None);
        assert_eq!(Fen::new(300).checked_mul(3), Some(Fen::new(900)));
        assert!(Fen::parse_amount("price", -1).is_err());
    }

    #[test]
    fn share_rounds_half_away_from_zero() {
        // 10% of ¥0.05 is 0.5 fen: rounds to 1 fen.
        assert_eq!(Fen::new(5).share(10, 100), Some(Fen::new(1)));
        assert_eq!(Fen::new(4).share(10, 100), Some(Fen::new(0)));
        assert_eq!(Fen::new(-5).share(10, 100), Some(Fen::new(-1)));
        assert_eq!(Fen::new(1000).share(1, 3), Some(Fen::new(333)));
        assert_eq!(Fen::new(2000).share(1, 3), Some(Fen::new(667)));
        assert_eq!(Fen::new(1).share(1, 0), None);
        assert_eq!(Fen::new(i64::MAX).share(2, 1), None);
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(fen in -1_000_000_000_000_i64..1_000_000_000_000) {
            let shown = Fen::new(fen).to_string().replace('¥', "");
            prop_assert_eq!(Fen::parse_yuan("p", &shown).ok(), Some(Fen::new(fen)));
        }

        #[test]
        fn share_is_within_half_a_fen_of_the_exact_value(
            fen in -1_000_000_000_i64..1_000_000_000,
            num in 0_i64..10_000,
            den in 1_i64..10_000,
        ) {
            let got = Fen::new(fen).share(num, den).map(Fen::get);
            let exact = fen as f64 * num as f64 / den as f64;
            let got = got.expect("in range") as f64;
            prop_assert!((got - exact).abs() <= 0.5 + 1e-6, "{got} vs {exact}");
        }

        #[test]
        fn checked_add_matches_i128(a in any::<i64>(), b in any::<i64>()) {
            let wide = i128::from(a) + i128::from(b);
            let got = Fen::new(a).checked_add(Fen::new(b)).map(|f| i128::from(f.get()));
            prop_assert_eq!(got, i64::try_from(wide).ok().map(i128::from));
        }
    }
}
