//! The brand's catalogue (商品): products with their SKUs (规格), prices in fen, the
//! purchase frequency and usage cycle that repurchase reminders will use, and whether a
//! product is on the shelf. Stock per SKU is [`crate::stock::StockLevel`].

use serde::{Deserialize, Serialize};

use crate::error::Reason;
use crate::stock::StockLevel;
use crate::{DomainError, Fen, Name, ProductId, SkuId};

/// How often customers buy it (seed 001): high-frequency goods are bought again soon and
/// suit repurchase reminders; low-frequency goods suit referrals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    High,
    Low,
}

text_enum!(Frequency, "purchase frequency", High => "high", Low => "low");

/// The highest price one SKU may have: ¥1,000,000.
pub const MAX_PRICE_FEN: i64 = 100_000_000;
/// The longest usage cycle, in days.
pub const MAX_USAGE_DAYS: i64 = 3_650;
/// The most SKUs one product may have.
pub const MAX_SKUS: usize = 50;
const CATEGORY_MAX_CHARS: usize = 30;
const DESCRIPTION_MAX_CHARS: usize = 2_000;
const SKU_NAME_MAX_CHARS: usize = 50;

/// A price as entered: 1 fen to [`MAX_PRICE_FEN`].
pub fn parse_price(field: &'static str, fen: i64) -> Result<Fen, DomainError> {
    if (1..=MAX_PRICE_FEN).contains(&fen) {
        Ok(Fen::new(fen))
    } else {
        Err(DomainError::invalid(
            field,
            Reason::OutOfRange {
                min: 1,
                max: MAX_PRICE_FEN,
            },
        ))
    }
}

fn bounded_text(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n < min {
        return Err(DomainError::invalid(field, Reason::Required));
    }
    if n > max {
        return Err(DomainError::invalid(field, Reason::TooLong { max, got: n }));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid(field, Reason::ControlCharacters));
    }
    Ok(s.to_owned())
}

/// A product's own fields as staff write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub title: Name,
    pub category: String,
    pub frequency: Frequency,
    /// Days a unit lasts (a 30-day cream), when it has a cycle.
    pub usage_days: Option<i64>,
    pub description: String,
    pub on_shelf: bool,
}

impl ProductDraft {
    pub fn parse(
        title: &str,
        category: &str,
        frequency: &str,
        usage_days: Option<i64>,
        description: &str,
        on_shelf: bool,
    ) -> Result<Self, DomainError> {
        let usage_days = match usage_days {
            Some(d) if !(1..=MAX_USAGE_DAYS).contains(&d) => {
                return Err(DomainError::invalid(
                    "usage_days",
                    Reason::OutOfRange {
                        min: 1,
                        max: MAX_USAGE_DAYS,
                    },
                ));
            }
            other => other,
        };
        Ok(ProductDraft {
            title: Name::parse("title", title)?,
            category: bounded_text("category", category, 1, CATEGORY_MAX_CHARS)?,
            frequency: Frequency::parse("frequency", frequency)?,
            usage_days,
            description: bounded_text("description", description, 0, DESCRIPTION_MAX_CHARS)?,
            on_shelf,
        })
    }
}

/// A SKU as staff write it: its name (e.g. 50ml), price and list price (划线价, at least
/// the price when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuDraft {
    pub name: String,
    pub price: Fen,
    pub list_price: Option<Fen>,
}

impl SkuDraft {
    pub fn parse(name: &str, price: i64, list_price: Option<i64>) -> Result<Self, DomainError> {
        let name = bounded_text("name", name, 1, SKU_NAME_MAX_CHARS)?;
        let price = parse_price("price", price)?;
        let list_price = list_price
            .map(|l| parse_price("list_price", l))
            .transpose()?;
        if let Some(l) = list_price
            && l.get() < price.get()
        {
            return Err(DomainError::invalid(
                "list_price",
                Reason::OutOfRange {
                    min: price.get(),
                    max: MAX_PRICE_FEN,
                },
            ));
        }
        Ok(SkuDraft {
            name,
            price,
            list_price,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    pub id: SkuId,
    pub product_id: ProductId,
    pub name: String,
    pub price: Fen,
    pub list_price: Option<Fen>,
    pub stock: StockLevel,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub title: String,
    pub category: String,
    pub frequency: Frequency,
    pub usage_days: Option<i64>,
    pub description: String,
    pub on_shelf: bool,
    pub skus: Vec<Sku>,
    /// Ids of its images, in display order.
    pub images: Vec<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Image types the catalogue takes, by their first bytes (what a file says it is does not
/// count): PNG, JPEG, WebP.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The largest image, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// The most images one product may have.
pub const MAX_IMAGES: usize = 9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_skus_are_checked_when_written() {
        let p = ProductDraft::parse(" 玻尿酸面膜 ", "面膜", "high", Some(30), "", true).unwrap();
        assert_eq!(p.title.as_str(), "玻尿酸面膜");
        assert!(ProductDraft::parse("x", "", "high", None, "", true).is_err());
        assert!(ProductDraft::parse("x", "面膜", "often", None, "", true).is_err());
        assert!(ProductDraft::parse("x", "面膜", "low", Some(0), "", true).is_err());
        let s = SkuDraft::parse("10 片装", 9_900, Some(12_900)).unwrap();
        assert_eq!(s.price, Fen::new(9_900));
        assert!(SkuDraft::parse("10 片装", 0, None).is_err());
        assert!(
            SkuDraft::parse("10 片装", 9_900, Some(100)).is_err(),
            "list below price"
        );
        assert!(SkuDraft::parse("", 100, None).is_err());
        assert!(SkuDraft::parse("x", MAX_PRICE_FEN + 1, None).is_err());
    }

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<svg xmlns="), None, "SVG can carry scripts");
        assert_eq!(image_type(b"GIF89a"), None);
    }
}

/// One line of a SKU's stock ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    pub id: i64,
    pub sku_id: SkuId,
    pub reason: crate::stock::StockReason,
    /// Units moved (negative only for a stocktake that found fewer).
    pub quantity: i64,
    /// Why, in staff's words (required for adjustments).
    pub note: String,
    /// Who moved it; None when an order or a job did.
    pub staff_id: Option<crate::StaffId>,
    pub order_id: Option<crate::OrderId>,
    /// On hand after the movement.
    pub on_hand_after: i64,
    pub at: i64,
}
