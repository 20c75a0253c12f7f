//! Bulk import for operators (`shequn import stores`): a brand's stores from a table, in one
//! transaction, all or nothing. Lines are matched by store code: new codes are opened,
//! known codes are updated, regions are found by name or created.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::json;
use shequn_domain::{AuditAction, BrandId, Name, RegionId, StoreCode, StoreId};

use crate::clock::now_ms;
use crate::storage::audit::{self, Event};
use crate::storage::db::Tx;
use crate::storage::sql::StoreError;
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

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::App(AppError::Store(e))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
        shequn_domain::DomainError::Invalid { reason, .. } => reason.to_string(),
        other => other.to_string(),
    }
}

/// Imports the lines into the brand `slug`; with `dry_run`, reports what would change and
/// writes nothing.
#[tracing::instrument(skip(db, lines), fields(lines = lines.len()))]
pub async fn stores(
    db: &Db,
    slug: &str,
    lines: &[StoreLine],
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let parsed = parse(lines).map_err(ImportError::Lines)?;
    let now = now_ms();
    let brand_slug = slug.to_owned();
    let report = if dry_run {
        // A dry run only reads: it counts what a real run would do from the same lookups.
        db.read(move |tx| Box::pin(async move { run(tx, &brand_slug, &parsed, now, false).await }))
            .await?
    } else {
        // One transaction: every line or none.
        db.write(move |tx| Box::pin(async move { run(tx, &brand_slug, &parsed, now, true).await }))
            .await?
    };
    report.ok_or_else(|| ImportError::NoSuchBrand(slug.to_owned()))
}

/// Imports `parsed` into the brand `slug` inside `tx`, or with `apply` false only counts
/// what that would do. None when there is no such brand.
async fn run(
    tx: &mut Tx,
    slug: &str,
    parsed: &[Parsed],
    now: i64,
    apply: bool,
) -> Result<Option<ImportReport>, AppError> {
    let Some(brand) = orgs::find_by_slug(tx, slug).await? else {
        return Ok(None);
    };
    let brand = brand.id;
    let mut report = ImportReport::default();
    // Regions a dry run would have created, by name: a later line naming one of them
    // counts it once, as a real run finds the region it created for an earlier line.
    let mut planned: HashSet<String> = HashSet::new();
    for p in parsed {
        // None only in a dry run, for a region a real run would create.
        let region = match regions::find_by_name(tx, brand, &p.region).await? {
            Some(r) => Some(r.id),
            None if !apply => {
                if planned.insert(p.region.as_str().to_owned()) {
                    report.regions_created += 1;
                }
                None
            }
            None => {
                let r = regions::insert(tx, brand, &p.region, now).await?;
                record(
                    tx,
                    brand,
                    AuditAction::RegionCreated,
                    r.id.get(),
                    Some(r.id),
                    None,
                    json!({ "name": r.name }),
                    now,
                )
                .await?;
                report.regions_created += 1;
                Some(r.id)
            }
        };
        match stores::find_by_code(tx, brand, &p.code).await? {
            None => {
                report.created += 1;
                // A dry run stops at counting; a real run always has the region by now.
                let (true, Some(region)) = (apply, region) else {
                    continue;
                };
                let new = NewStore {
                    region,
                    code: &p.code,
                    name: &p.name,
                    address: &p.address,
                };
                let store = stores::insert(tx, brand, &new, now).await?;
                let detail =
                    json!({ "code": store.code, "name": store.name, "region": p.region.as_str() });
                record(
                    tx,
                    brand,
                    AuditAction::StoreCreated,
                    store.id.get(),
                    Some(region),
                    Some(store.id),
                    detail,
                    now,
                )
                .await?;
            }
            Some(mut store) => {
                let same = region == Some(store.region_id)
                    && store.name == p.name.as_str()
                    && store.address == p.address;
                if same {
                    report.unchanged += 1;
                    continue;
                }
                report.updated += 1;
                let (true, Some(region)) = (apply, region) else {
                    continue;
                };
                let (name_before, address_before) = (store.name.clone(), store.address.clone());
                let region_before = audit::region_name(tx, brand, store.region_id).await?;
                store.region_id = region;
                store.name = p.name.as_str().to_owned();
                store.address = p.address.clone();
                let store = stores::update(tx, brand, &store, now)
                    .await?
                    .ok_or(AppError::NotFound("store"))?;
                let changes = audit::Changes::default()
                    .field("name", name_before.as_str(), store.name.as_str())
                    .field("address", address_before.as_str(), store.address.as_str())
                    .field("region", region_before.as_deref(), Some(p.region.as_str()));
                let detail = json!({
                    "code": store.code, "name": store.name, "region": p.region.as_str(),
                    "changes": changes,
                });
                record(
                    tx,
                    brand,
                    AuditAction::StoreUpdated,
                    store.id.get(),
                    Some(region),
                    Some(store.id),
                    detail,
                    now,
                )
                .await?;
            }
        }
    }
    debug_assert_eq!(
        report.created + report.updated + report.unchanged,
        parsed.len(),
        "every line is counted once"
    );
    Ok(Some(report))
}

/// An operator's event: no staff actor.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Tx,
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
