//! The customer table of an import, read from CSV: by `shequn import customers` (a file)
//! and by the console's upload page (`/customers/import`, the uploaded bytes). UTF-8, a
//! header line naming the columns [`COLUMNS`], all of them and no others, in any order;
//! line 1 is the header, so the first data row is line 2.
//!
//! Only the table's shape is checked here; the values are the use case's to judge
//! (`shequn_app::usecases::import_customers`).

use shequn_app::usecases::import_customers::{CustomerLine, MAX_LINES};

/// The columns of a customer import, all required, in any order.
pub const COLUMNS: [&str; 8] = [
    "external_id",
    "nickname",
    "phone",
    "channel",
    "invited_by",
    "tags",
    "joined_at",
    "community",
];

/// Why a file is not a customer table. `Display` is the operator's (English) message; the
/// console words each case in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// The header line could not be read.
    NoHeader,
    /// A header column that is not one of [`COLUMNS`] (as written in the file).
    UnknownColumn(String),
    /// A column of [`COLUMNS`] the header lacks.
    MissingColumn(&'static str),
    /// A line that is not UTF-8 text.
    NotUtf8 { line: u64 },
    /// A line that is not a CSV row of the header's width (`detail` is the parser's
    /// description, which names positions, never values).
    BadRow { line: u64, detail: String },
    /// More than [`MAX_LINES`] data rows.
    TooManyLines,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvError::NoHeader => f.write_str("no header line"),
            CsvError::UnknownColumn(h) => {
                write!(
                    f,
                    "line 1: column '{h}' is not one of {}",
                    COLUMNS.join(",")
                )
            }
            CsvError::MissingColumn(name) => {
                write!(f, "line 1: the header has no column '{name}'")
            }
            CsvError::NotUtf8 { line } => write!(f, "line {line}: not a CSV row: not UTF-8 text"),
            CsvError::BadRow { line, detail } => write!(f, "line {line}: not a CSV row: {detail}"),
            CsvError::TooManyLines => write!(f, "more than {MAX_LINES} lines; split it"),
        }
    }
}

impl std::error::Error for CsvError {}

/// The customer lines of a CSV table, or what is wrong with its shape (as the operator's
/// message). See [`read_lines`].
pub fn read(reader: impl std::io::Read) -> Result<Vec<CustomerLine>, String> {
    read_lines(reader).map_err(|e| e.to_string())
}

/// The customer lines of a CSV table: the header is checked by name (a column missing or
/// one too many refuses the file), values are trimmed, lines are numbered from the header
/// (line 1).
pub fn read_lines(reader: impl std::io::Read) -> Result<Vec<CustomerLine>, CsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => CsvError::NotUtf8 { line: 1 },
            _ => CsvError::NoHeader,
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    for h in &header {
        if !COLUMNS.contains(&h.as_str()) {
            return Err(CsvError::UnknownColumn(h.clone()));
        }
    }
    let mut cols = [0usize; COLUMNS.len()];
    for (k, name) in COLUMNS.iter().enumerate() {
        cols[k] = header
            .iter()
            .position(|h| h.as_str() == *name)
            .ok_or(CsvError::MissingColumn(name))?;
    }
    let mut lines = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let r = record.map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => CsvError::NotUtf8 { line },
            _ => CsvError::BadRow {
                line,
                detail: e.to_string(),
            },
        })?;
        let v = |k: usize| r.get(cols[k]).unwrap_or("").to_owned();
        lines.push(CustomerLine {
            line,
            external_id: v(0),
            nickname: v(1),
            phone: v(2),
            channel: v(3),
            invited_by: v(4),
            tags: v(5),
            joined_at: v(6),
            community: v(7),
        });
        if lines.len() > MAX_LINES {
            return Err(CsvError::TooManyLines);
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let file = "nickname,external_id,phone,channel,invited_by,tags,joined_at,community\n\
                    小美, c-1 ,,new_media,,宝妈|学生,2026-11-01,\n";
        let lines = read(file.as_bytes()).expect("a table");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[0].external_id, "c-1");
        assert_eq!(lines[0].nickname, "小美");
        assert_eq!(lines[0].tags, "宝妈|学生");
    }

    #[test]
    fn a_column_too_many_or_missing_refuses_the_file() {
        let extra = "external_id,nickname,phone,channel,invited_by,tags,joined_at,community,age\n";
        assert_eq!(
            read_lines(extra.as_bytes()).err(),
            Some(CsvError::UnknownColumn("age".into()))
        );
        assert!(
            read(extra.as_bytes())
                .err()
                .is_some_and(|e| e.starts_with("line 1: column 'age' is not one of"))
        );
        let missing = "external_id,nickname\nx,y\n";
        assert_eq!(
            read(missing.as_bytes()).err().as_deref(),
            Some("line 1: the header has no column 'phone'")
        );
    }

    #[test]
    fn a_row_of_another_width_names_its_line() {
        let file = "external_id,nickname,phone,channel,invited_by,tags,joined_at,community\n\
                    a,b,,,,,,\n\
                    c,d\n";
        assert!(matches!(
            read_lines(file.as_bytes()),
            Err(CsvError::BadRow { line: 3, .. })
        ));
    }
}
