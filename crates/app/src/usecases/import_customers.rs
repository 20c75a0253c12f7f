//! `shequn import customers`: a brand's customers from a table, validated whole before
//! anything is written, imported in one transaction, matched by external id (a second
//! import of the same file adds nobody). A line may put the customer in a community.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use shequn_domain::customer::parse_tag;
use shequn_domain::{
    BrandId, Channel, CommunityId, Consent, Customer, CustomerId, JoinSource, Lifecycle,
    MemberRole, Name, Phone,
};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::clock::now_ms;
use crate::storage::sql::StoreError;
use crate::storage::{customers, members, orgs};
use crate::usecases::import::{ImportError, LineError};
use crate::{AppError, Db, params};

/// The most lines one import takes.
pub const MAX_LINES: usize = 200_000;
/// The most line errors reported at once.
pub const MAX_ERRORS: usize = 1_000;
/// Tags in the `tags` column are separated by this character.
pub const TAG_SEPARATOR: char = '|';

/// One line of the table, as read (columns by name; empty means absent).
#[derive(Debug, Clone, Default)]
pub struct CustomerLine {
    pub line: u64,
    pub external_id: String,
    pub nickname: String,
    pub phone: String,
    pub channel: String,
    /// The external id of the customer who invited them (in this file or already stored).
    pub invited_by: String,
    pub tags: String,
    /// RFC 3339 (`2026-11-01T10:00:00+08:00`) or a date (`2026-11-01`, midnight UTC).
    pub joined_at: String,
    /// A community of the brand, by id or by exact name.
    pub community: String,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerImportReport {
    pub created: u64,
    pub updated: u64,
    /// Customers put in a community they were not in.
    pub joined: u64,
}

#[derive(Debug, Clone)]
struct Parsed {
    external_id: String,
    nickname: String,
    phone: Option<Phone>,
    channel: Channel,
    invited_by: Option<String>,
    tags: Vec<String>,
    joined_at: Option<i64>,
    community: Option<String>,
}

fn parse_time(raw: &str) -> Option<i64> {
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    let date = Date::parse(raw, format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1_000)
}

fn parse_line(l: &CustomerLine, errors: &mut Vec<LineError>) -> Option<Parsed> {
    let before = errors.len();
    let mut bad = |column: &'static str, message: String| {
        errors.push(LineError {
            line: l.line,
            column,
            message,
        })
    };
    let external_id = l.external_id.trim();
    if external_id.is_empty()
        || external_id.len() > 128
        || !external_id.bytes().all(|b| b.is_ascii_graphic())
    {
        bad(
            "external_id",
            "must be 1-128 visible ASCII characters".into(),
        );
    }
    let nickname = Name::parse("nickname", &l.nickname).map_err(|e| bad("nickname", reason(e)));
    let phone = match l.phone.trim() {
        "" => Ok(None),
        p => Phone::parse("phone", p)
            .map(Some)
            .map_err(|e| bad("phone", reason(e))),
    };
    let channel = match l.channel.trim() {
        "" => Ok(Channel::Import),
        c => Channel::parse("channel", c).map_err(|e| bad("channel", reason(e))),
    };
    let tags = l
        .tags
        .split(TAG_SEPARATOR)
        .filter(|t| !t.trim().is_empty())
        .map(|t| parse_tag("tags", t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("tags", reason(e)));
    let joined_at = match l.joined_at.trim() {
        "" => Ok(None),
        t => parse_time(t).map(Some).ok_or_else(|| {
            bad(
                "joined_at",
                format!("must be a date such as 2026-11-01 or an RFC 3339 time, got '{t}'"),
            )
        }),
    };
    if errors.len() > before {
        return None;
    }
    let mut tags = tags.ok()?;
    tags.sort();
    tags.dedup();
    Some(Parsed {
        external_id: external_id.to_owned(),
        nickname: nickname.ok()?.as_str().to_owned(),
        phone: phone.ok()?,
        channel: channel.ok()?,
        invited_by: Some(l.invited_by.trim().to_owned()).filter(|s| !s.is_empty()),
        tags,
        joined_at: joined_at.ok()?,
        community: Some(l.community.trim().to_owned()).filter(|s| !s.is_empty()),
    })
}

fn reason(e: shequn_domain::DomainError) -> String {
    match e {
        shequn_domain::DomainError::Invalid { reason, .. } => reason.to_string(),
        other => other.to_string(),
    }
}

/// Imports (or, `dry_run`, only checks) the lines for the brand `slug`. Any bad line —
/// a value, an unknown inviter or community, an external id twice in the file — refuses
/// the whole file with every bad line listed.
pub async fn customers(
    db: &Db,
    slug: &str,
    lines: Vec<CustomerLine>,
    dry_run: bool,
) -> Result<CustomerImportReport, ImportError> {
    customers_with_progress(db, slug, lines, dry_run, Arc::new(AtomicU64::new(0))).await
}

/// [`customers`], counting its work in `progress` for a caller that shows it (the CLI's
/// progress bar polls it). The counter goes up by one for every line checked, then by one
/// for every customer written (inserted or updated): a real import of `n` lines ends at
/// `2 × n`; a dry run, or a file refused for its bad lines, stops at `n`.
#[tracing::instrument(
    skip(db, lines, progress),
    fields(brand = slug, lines = lines.len(), dry_run)
)]
pub async fn customers_with_progress(
    db: &Db,
    slug: &str,
    lines: Vec<CustomerLine>,
    dry_run: bool,
    progress: Arc<AtomicU64>,
) -> Result<CustomerImportReport, ImportError> {
    let mut errors = Vec::new();
    let mut parsed = Vec::with_capacity(lines.len());
    let mut seen: HashMap<String, u64> = HashMap::with_capacity(lines.len());
    for l in &lines {
        progress.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = parse_line(l, &mut errors) {
            if let Some(first) = seen.insert(p.external_id.clone(), l.line) {
                errors.push(LineError {
                    line: l.line,
                    column: "external_id",
                    message: format!("also on line {first}"),
                });
            }
            parsed.push((l.line, p));
        }
    }
    let slug = slug.to_owned();
    let brand = db
        .read({
            let slug = slug.clone();
            move |tx| {
                Box::pin(async move { Ok(orgs::find_by_slug(tx, &slug).await?.map(|b| b.id)) })
            }
        })
        .await?
        .ok_or(ImportError::NoSuchBrand(slug))?;
    // References are checked against the database in a read: the whole file is judged
    // before anything is written.
    let known = db
        .read(move |tx| Box::pin(async move { Ok(references(tx, brand).await?) }))
        .await?;
    for (line, p) in &parsed {
        if let Some(by) = &p.invited_by
            && !seen.contains_key(by)
            && !known.customers.contains_key(by)
        {
            errors.push(LineError {
                line: *line,
                column: "invited_by",
                message: format!("no customer with external id '{by}' in the file or the brand"),
            });
        }
        if let Some(c) = &p.community
            && known.community(c).is_none()
        {
            errors.push(LineError {
                line: *line,
                column: "community",
                message: format!("no community '{c}' (by id or exact name) in the brand"),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_ERRORS);
        return Err(ImportError::Lines(errors));
    }
    let report = CustomerImportReport {
        created: parsed
            .iter()
            .filter(|(_, p)| !known.customers.contains_key(&p.external_id))
            .count() as u64,
        updated: parsed
            .iter()
            .filter(|(_, p)| known.customers.contains_key(&p.external_id))
            .count() as u64,
        joined: 0,
    };
    if dry_run {
        return Ok(report);
    }
    let joined = db
        .write(move |tx| Box::pin(async move { write_all(tx, brand, parsed, &progress).await }))
        .await?;
    Ok(CustomerImportReport { joined, ..report })
}

/// Customers by external id and communities by id and name, of one brand.
struct References {
    customers: HashMap<String, CustomerId>,
    communities_by_name: HashMap<String, CommunityId>,
    communities_by_id: HashMap<i64, CommunityId>,
}

impl References {
    fn community(&self, key: &str) -> Option<CommunityId> {
        key.parse::<i64>()
            .ok()
            .and_then(|id| self.communities_by_id.get(&id).copied())
            .or_else(|| self.communities_by_name.get(key).copied())
    }
}

async fn references(
    tx: &mut crate::storage::db::Tx,
    brand: BrandId,
) -> Result<References, StoreError> {
    let mut customers = HashMap::new();
    for r in tx
        .query(
            "SELECT id, external_id FROM customers WHERE brand_id = $1 AND external_id IS NOT NULL",
            &params![brand],
        )
        .await?
    {
        customers.insert(r.get::<String>(1)?, CustomerId(r.get(0)?));
    }
    let mut communities_by_name = HashMap::new();
    let mut communities_by_id = HashMap::new();
    for r in tx
        .query(
            "SELECT id, name FROM communities WHERE brand_id = $1",
            &params![brand],
        )
        .await?
    {
        let id = CommunityId(r.get(0)?);
        communities_by_id.insert(id.get(), id);
        communities_by_name.insert(r.get::<String>(1)?, id);
    }
    Ok(References {
        customers,
        communities_by_name,
        communities_by_id,
    })
}

/// Writes every line: new customers inserted, known ones updated (nickname, phone, tags;
/// their channel and tier stay as first recorded), inviters linked, communities joined.
/// `progress` goes up by one for every customer inserted or updated.
async fn write_all(
    tx: &mut crate::storage::db::Tx,
    brand: BrandId,
    lines: Vec<(u64, Parsed)>,
    progress: &AtomicU64,
) -> Result<u64, AppError> {
    let known = references(tx, brand).await?;
    let tiers = customers::tier_map(tx, brand).await?;
    let now = now_ms();
    let mut ids: HashMap<String, CustomerId> = known.customers.clone();
    for (_, p) in &lines {
        match ids.get(&p.external_id) {
            Some(id) => {
                tx.execute(
                    "UPDATE customers SET nickname = $3, phone = $4, updated_at = $5
                     WHERE brand_id = $1 AND id = $2",
                    &params![
                        brand,
                        id.get(),
                        p.nickname.as_str(),
                        p.phone.as_ref().map(Phone::full),
                        now
                    ],
                )
                .await?;
                customers::set_tags(tx, brand, *id, &p.tags).await?;
            }
            None => {
                let c = Customer {
                    id: CustomerId(0),
                    nickname: p.nickname.clone(),
                    avatar_flagged: false,
                    phone: p.phone.clone(),
                    external_id: Some(p.external_id.clone()),
                    channel: p.channel,
                    invited_by: None,
                    tier: tiers.tier(p.channel),
                    tier_reason: None,
                    consent: Consent {
                        given: false,
                        at: None,
                        source: None,
                    },
                    tags: p.tags.clone(),
                    store_id: None,
                    guide_id: None,
                    last_active_at: None,
                    lifecycle: Lifecycle::New,
                    created_at: now,
                    updated_at: now,
                };
                let made = customers::insert(tx, brand, &c, now).await?;
                ids.insert(p.external_id.clone(), made.id);
            }
        }
        progress.fetch_add(1, Ordering::Relaxed);
    }
    let mut joined = 0;
    for (_, p) in &lines {
        let id = ids[&p.external_id];
        if let Some(by) = &p.invited_by {
            tx.execute(
                "UPDATE customers SET invited_by = $3 WHERE brand_id = $1 AND id = $2",
                &params![brand, id.get(), ids[by].get()],
            )
            .await?;
        }
        if let Some(community) = p.community.as_deref().and_then(|c| known.community(c))
            && members::open_stint(tx, brand, community, id)
                .await?
                .is_none()
        {
            members::insert(
                tx,
                brand,
                community,
                id,
                MemberRole::Member,
                JoinSource::Import,
                p.joined_at.unwrap_or(now),
            )
            .await?;
            joined += 1;
        }
    }
    Ok(joined)
}
