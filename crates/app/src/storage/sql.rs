//! The engine-neutral vocabulary of storage: typed parameters ([`Value`]), decoded rows
//! ([`Row`]) and storage errors ([`StoreError`]). Every SQL statement is written once, with
//! `$N` placeholders, and bound from the same `[Value]` on SQLite (rusqlite) and on
//! PostgreSQL (sqlx); see [`super::db::Tx`].

use shequn_domain::{
    BrandId, CommunityId, OrderId, ProductId, RegionId, SkuId, StaffId, StoreId, TokenId,
};

/// One statement parameter. Nulls keep their type, because PostgreSQL infers a parameter's
/// type from what the client declares (an untyped NULL compared with TEXT is an error).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(Option<bool>),
    Bytes(Option<&'a [u8]>),
}

/// Builds a `[Value; N]` from expressions that convert into [`Value`].
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => {
        [$($crate::storage::sql::Value::from($v)),*]
    };
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(Some(v))
    }
}
impl From<Option<bool>> for Value<'_> {
    fn from(v: Option<bool>) -> Self {
        Value::Bool(v)
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(Some(v))
    }
}
impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Value::Text(v)
    }
}
impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Value::Bytes(Some(v))
    }
}

macro_rules! id_values {
    ($($t:ty),*) => {$(
        impl From<$t> for Value<'_> {
            fn from(v: $t) -> Self {
                Value::Int(Some(v.get()))
            }
        }
        impl From<Option<$t>> for Value<'_> {
            fn from(v: Option<$t>) -> Self {
                Value::Int(v.map(|v| v.get()))
            }
        }
    )*};
}
id_values!(
    BrandId,
    RegionId,
    StoreId,
    StaffId,
    TokenId,
    CommunityId,
    OrderId,
    ProductId,
    SkuId
);

/// One decoded column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

/// One result row, decoded from either engine into the same cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    /// Column `i` as `T`; a missing column or a type mismatch is a storage bug, reported.
    pub fn get<T: FromCell>(&self, i: usize) -> Result<T, StoreError> {
        let cell = self
            .0
            .get(i)
            .ok_or_else(|| StoreError::Decode(format!("no column {i}")))?;
        T::from_cell(cell).ok_or_else(|| StoreError::Decode(format!("column {i}: {cell:?}")))
    }
}

/// A stored value that the domain refuses to parse: a storage bug, reported as such.
pub fn decoded<T>(parsed: Result<T, shequn_domain::DomainError>) -> Result<T, StoreError> {
    parsed.map_err(|e| StoreError::Decode(e.to_string()))
}

/// Takes off the total that a counted list query puts last on every row
/// (`COUNT(*) OVER ()` over the rows matching the filter, before the cursor and the
/// limit). None when the page is empty.
pub fn take_total(rows: &mut [Row]) -> Result<Option<i64>, StoreError> {
    let mut total = None;
    for r in rows.iter_mut() {
        let cell =
            r.0.pop()
                .ok_or_else(|| StoreError::Decode("a counted row without its total".into()))?;
        total = Some(
            i64::from_cell(&cell).ok_or_else(|| StoreError::Decode(format!("total: {cell:?}")))?,
        );
    }
    Ok(total)
}

/// Conversion of a [`Cell`] into a Rust value.
pub trait FromCell: Sized {
    fn from_cell(c: &Cell) -> Option<Self>;
}

impl FromCell for i64 {
    fn from_cell(c: &Cell) -> Option<Self> {
        match c {
            Cell::Int(v) => Some(*v),
            _ => None,
        }
    }
}
impl FromCell for bool {
    fn from_cell(c: &Cell) -> Option<Self> {
        // SQLite has no boolean type: TRUE is stored as 1.
        match c {
            Cell::Bool(b) => Some(*b),
            Cell::Int(v) => Some(*v != 0),
            _ => None,
        }
    }
}
impl FromCell for String {
    fn from_cell(c: &Cell) -> Option<Self> {
        match c {
            Cell::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromCell for Vec<u8> {
    fn from_cell(c: &Cell) -> Option<Self> {
        match c {
            Cell::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(c: &Cell) -> Option<Self> {
        match c {
            Cell::Null => Some(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// What storage reports. Uniqueness and reference violations are told apart because use
/// cases turn them into business answers ("this code is taken"); the rest is a fault.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    #[error("row decoding: {0}")]
    Decode(String),
    #[error("database: {0}")]
    Other(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let text = msg.clone().unwrap_or_else(|| f.to_string());
            match f.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    return StoreError::Unique(text);
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::ForeignKey(text),
                _ => {}
            }
        }
        StoreError::Other(format!("sqlite: {e}"))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            if d.is_unique_violation() {
                return StoreError::Unique(d.message().to_owned());
            }
            if d.is_foreign_key_violation() {
                return StoreError::ForeignKey(d.message().to_owned());
            }
        }
        StoreError::Other(format!("postgres: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_nulls_and_ids_convert() {
        let v = params![BrandId(3), None::<RegionId>, "x", Some("y"), true, 7_i64];
        assert_eq!(v[0], Value::Int(Some(3)));
        assert_eq!(v[1], Value::Int(None));
        assert_eq!(v[2], Value::Text(Some("x")));
        assert_eq!(v[3], Value::Text(Some("y")));
        assert_eq!(v[4], Value::Bool(Some(true)));
        assert_eq!(v[5], Value::Int(Some(7)));
    }

    #[test]
    fn cells_decode_by_type_and_refuse_mismatches() {
        let row = Row(vec![Cell::Int(1), Cell::Null, Cell::Text("a".into())]);
        assert_eq!(row.get::<i64>(0).ok(), Some(1));
        assert_eq!(row.get::<bool>(0).ok(), Some(true));
        assert_eq!(row.get::<Option<i64>>(1).ok(), Some(None));
        assert!(row.get::<i64>(1).is_err());
        assert!(row.get::<i64>(2).is_err());
        assert!(row.get::<String>(3).is_err());
    }
}
