//! Bulk import for operators (`shequn import stores`): a brand's stores from a table, in one
//! transaction, all or nothing. Lines are matched by store code: new codes are opened,
//! known codes are updated, regions are found by name or created.

use std::collections::HashSet;

use serde_json::json;
use shequn_domain::{AuditAction, BrandId, Name, RegionId, StoreCode, StoreId};

use crate::clock::now_ms;
use crate::storage::audit::{self, Event};
use crate::storage::stores::{self, NewStore};
use crate::storage::{orgs, regions};
use crate::usecases::stores::ADDRESS_MAX_CHARS;
use crate::{AppError, Db};

/// The most lines one import takes; larger files are split by the operator.
pub const MAX_LINES: usize = 10_000;
/// The most line errors reported at once.
pub const MAX_ERRORS: usize = 100;

/// One line of the table, as read.
#[derive(Debug, Clone)]
pub struct StoreLine {
    pub line: u64,
    pub region: String,
    pub code: String,
    pub name: String,
    pub address: String,
}

/// What is wrong with one line, e.g. "line 3, column code: must be …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub column: &'static str,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("no brand with slug '{0}'")]
    NoSuchBrand(String),
    #[error("{} line(s) are invalid; nothing was imported", .0.len())]
    Lines(Vec<LineError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::App(AppError::Db(e))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub regions_created: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

struct Parsed {
    region: Name,
    code: StoreCode,
    name: Name,
    address: String,
}

fn parse(lines: &[StoreLine]) -> Result<Vec<Parsed>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut seen = HashSet::new();
    if lines.len() > MAX_LINES {
        errors.push(LineError {
            line: lines[MAX_LINES].line,
            column: "-",
            message: format!("at most {MAX_LINES} lines per import"),
        });
        return Err(errors);
    }
    for l in lines {
        let mut err = |column, message: String| {
            errors.push(LineError {
                line: l.line,
                column,
                message,
            })
        };
        let region = Name::parse("region", &l.region)
            .map_err(|e| err("region", message_of(e)))
            .ok();
        let code = StoreCode::parse("code", &l.code)
            .map_err(|e| err("code", message_of(e)))
            .ok();
        let name = Name::parse("name", &l.name)
            .map_err(|e| err("name", message_of(e)))
            .ok();
        let address = l.address.trim().to_owned();
        if address.chars().count() > ADDRESS_MAX_CHARS {
            err(
                "address",
                format!("must be at most {ADDRESS_MAX_CHARS} characters"),
            );
        }
        if let Some(c) = &code
            && !seen.insert(c.as_str().to_owned())
        {
            err(
                "code",
                format!("'{}' appears on an earlier line", c.as_str()),
            );
        }
        if let (Some(region), Some(code), Some(name)) = (region, code, name) {
            parsed.push(Parsed {
                region,
                code,
                name,
                address,
            });
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(errors)
    }
}

fn message_of(e: shequn_domain::DomainError) -> String {
    match e {
        shequn_domain::DomainError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// Imports the lines into the brand `slug`; with `dry_run`, reports what would change and
/// rolls back.
pub async fn stores(
    db: &Db,
    slug: &str,
    lines: &[StoreLine],
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let parsed = parse(lines).map_err(ImportError::Lines)?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let brand = orgs::find_by_slug(&mut tx, slug)
        .await?
        .ok_or_else(|| ImportError::NoSuchBrand(slug.to_owned()))?;
    let brand = BrandId(brand.id);
    let mut report = ImportReport::default();
    for p in &parsed {
        let region = match regions::find_by_name(&mut tx, brand, &p.region).await? {
            Some(r) => RegionId(r.id),
            None => {
                let r = regions::insert(&mut tx, brand, &p.region, now).await?;
                record(
                    &mut tx,
                    brand,
                    AuditAction::RegionCreated,
                    r.id,
                    Some(RegionId(r.id)),
                    None,
                    json!({ "name": r.name }),
                    now,
                )
                .await?;
                report.regions_created += 1;
                RegionId(r.id)
            }
        };
        match stores::find_by_code(&mut tx, brand, &p.code).await? {
            None => {
                let new = NewStore {
                    region,
                    code: &p.code,
                    name: &p.name,
                    address: &p.address,
                };
                let row = stores::insert(&mut tx, brand, &new, now).await?;
                let detail = json!({ "code": row.code, "name": row.name, "address": row.address, "region_id": row.region_id });
                record(
                    &mut tx,
                    brand,
                    AuditAction::StoreCreated,
                    row.id,
                    Some(region),
                    Some(StoreId(row.id)),
                    detail,
                    now,
                )
                .await?;
                report.created += 1;
            }
            Some(mut row) => {
                let same = row.region_id == region.get()
                    && row.name == p.name.as_str()
                    && row.address == p.address;
                if same {
                    report.unchanged += 1;
                    continue;
                }
                row.region_id = region.get();
                row.name = p.name.as_str().to_owned();
                row.address = p.address.clone();
                let row = stores::update(&mut tx, brand, &row, now)
                    .await?
                    .ok_or(AppError::NotFound("store"))?;
                let detail = json!({ "code": row.code, "name": row.name, "address": row.address, "region_id": row.region_id });
                record(
                    &mut tx,
                    brand,
                    AuditAction::StoreUpdated,
                    row.id,
                    Some(region),
                    Some(StoreId(row.id)),
                    detail,
                    now,
                )
                .await?;
                report.updated += 1;
            }
        }
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(report)
}

/// An operator's event: no staff actor.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut crate::storage::db::Tx,
    brand: BrandId,
    action: AuditAction,
    subject_id: i64,
    region: Option<RegionId>,
    store: Option<StoreId>,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let e = Event {
        actor: None,
        action,
        subject_id,
        region,
        store,
        detail,
    };
    audit::record(tx, brand, &e, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u64, region: &str, code: &str, name: &str) -> StoreLine {
        StoreLine {
            line: n,
            region: region.into(),
            code: code.into(),
            name: name.into(),
            address: String::new(),
        }
    }

    #[test]
    fn every_bad_line_is_reported_with_its_line_and_column() {
        let lines = [
            line(2, "华东大区", "SH-101", "上海一店"),
            line(3, "华东大区", "SH 102", "上海二店"),
            line(4, "", "SH-103", "上海三店"),
            line(5, "华东大区", "sh-101", "上海四店"),
        ];
        let errors = parse(&lines).err().unwrap_or_default();
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(found, [(3, "code"), (4, "region"), (5, "code")]);
        assert!(
            errors[2]
                .to_string()
                .starts_with("line 5, column code: 'SH-101' appears")
        );
    }
}
