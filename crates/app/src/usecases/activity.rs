//! Activity ingest: batches of up to 1,000 events from the brand's integration (a brand
//! admin's API token), validated whole before anything is stored, stored in one
//! transaction, each event once by its event id (a replayed batch changes nothing).

use std::collections::BTreeSet;

use shequn_domain::activity::{MAX_BATCH, parse_event_id};
use shequn_domain::customer::is_unsubscribe_keyword;
use shequn_domain::{
    ActivityEvent, ActivityKind, Actor, CommunityId, CustomerId, IngestReport, Reason, Role,
};

use crate::clock::now_ms;
use crate::storage::{activity, customers};
use crate::{AppError, Db};

/// One event as reported, before validation.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub event_id: String,
    pub kind: String,
    pub community_id: i64,
    pub customer_id: i64,
    /// UTC ms.
    pub at: i64,
    /// A message that carried a link (screening counts these).
    pub has_link: bool,
    /// A message's text, when the reporter sends it: read for the unsubscribe keyword
    /// (退订, TD) and never stored.
    pub text: Option<String>,
}

#[tracing::instrument(skip(db, batch), fields(brand = %actor.brand, actor = %actor.staff, events = batch.len()))]
pub async fn ingest(
    db: &Db,
    actor: &Actor,
    batch: Vec<RawEvent>,
) -> Result<IngestReport, AppError> {
    Actor::require(
        actor.role == Role::BrandAdmin,
        "activity is reported by the brand's integration, with a brand admin's token",
    )?;
    if batch.is_empty() || batch.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "events",
            Reason::OutOfRange {
                min: 1,
                max: MAX_BATCH as i64,
            },
        ));
    }
    let batch_texts: Vec<(CustomerId, String)> = batch
        .iter()
        .filter(|e| e.kind == "message")
        .filter_map(|e| {
            e.text
                .as_ref()
                .map(|t| (CustomerId(e.customer_id), t.clone()))
        })
        .collect();
    let events = batch
        .into_iter()
        .map(|e| {
            Ok(ActivityEvent {
                event_id: parse_event_id("events", &e.event_id)?,
                kind: ActivityKind::parse("events", &e.kind)?,
                community_id: CommunityId(e.community_id),
                customer_id: CustomerId(e.customer_id),
                at: e.at,
                has_link: e.has_link && e.kind == "message",
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let communities: Vec<i64> = events
        .iter()
        .map(|e| e.community_id.get())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let customers: Vec<i64> = events
        .iter()
        .map(|e| e.customer_id.get())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let total = events.len() as u64;
    // Customers who sent an unsubscribe keyword withdraw their consent.
    let unsubscribed: Vec<CustomerId> = batch_texts
        .iter()
        .filter(|(_, text)| is_unsubscribe_keyword(text))
        .map(|(c, _)| *c)
        .collect();
    let brand = actor.brand;
    db.write(move |tx| {
        Box::pin(async move {
            // Every community and customer named must be the brand's: another brand's
            // ids are refused exactly like ids that do not exist.
            if activity::count_existing(tx, brand, "communities", &communities).await?
                != communities.len() as i64
            {
                return Err(AppError::invalid("events", Reason::NotOneOf("community")));
            }
            if activity::count_existing(tx, brand, "customers", &customers).await?
                != customers.len() as i64
            {
                return Err(AppError::invalid("events", Reason::UnknownCustomer));
            }
            let now = now_ms();
            let accepted = activity::insert_batch(tx, brand, &events, now).await?;
            for c in &unsubscribed {
                customers::withdraw_consent(tx, brand, *c, "unsubscribe_keyword", now).await?;
            }
            debug_assert!(accepted <= total);
            Ok(IngestReport {
                accepted,
                duplicates: total - accepted,
            })
        })
    })
    .await
}
