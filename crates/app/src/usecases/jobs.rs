//! Durable jobs: what runs them and what staff see of them.
//!
//! An app server calls [`run_due`] on a timer. It claims due jobs under a lease in one
//! transaction, then runs each job's handler and marks the job done **in the handler's
//! transaction**: a job whose effects committed is done, so it never runs twice, and a job
//! whose server died mid-run is claimed again once its lease runs out (its effects rolled
//! back with the transaction). A failing handler rolls back and the failure is recorded
//! with a backoff; after `max_attempts` the job is dead until staff retry or cancel it.
//! A job due while every server was down simply is due when one comes back.
//!
//! Handlers are registered by kind in a [`Registry`]; code that needs something done later
//! schedules a job with [`schedule`] inside its own transaction.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use shequn_domain::jobs::{DEFAULT_MAX_ATTEMPTS, retry_delay_ms};
use shequn_domain::{Actor, BrandId, Cursor, Job, JobStatus, PageSize, Role};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::jobs::{self as store, NewJob};
use crate::usecases::Page;
use crate::{AppError, Db};

/// How long a claim holds a job: a server that dies lets its jobs go after this.
pub const LEASE_MS: i64 = 60_000;
/// Jobs claimed at a time by one server.
pub const CLAIM_BATCH: i64 = 32;

/// A job handler's future: it may only await the transaction.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Runs one job inside the transaction that also marks it done: (transaction, brand,
/// payload JSON, now) → Ok, or Err with a message for staff.
pub type Handler = for<'a> fn(&'a mut Tx, BrandId, &'a str, i64) -> HandlerFuture<'a>;

/// The handlers by job kind.
#[derive(Clone, Default)]
pub struct Registry(HashMap<&'static str, Handler>);

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds (or replaces) the handler of `kind`.
    pub fn with(mut self, kind: &'static str, handler: Handler) -> Self {
        self.0.insert(kind, handler);
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<_> = self.0.keys().copied().collect();
        k.sort_unstable();
        k
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Registry").field(&self.kinds()).finish()
    }
}

/// The handlers every server runs; kinds come with the features that need them.
pub fn handlers() -> Registry {
    Registry::new().with(
        crate::usecases::orders::EXPIRE_JOB,
        crate::usecases::orders::expire_job,
    )
}

/// Schedules a job in the caller's transaction (once per dedupe key while one is live).
pub async fn schedule(
    tx: &mut Tx,
    brand: BrandId,
    kind: &str,
    payload: &str,
    dedupe_key: Option<&str>,
    run_at: i64,
) -> Result<i64, AppError> {
    let job = NewJob {
        kind,
        payload,
        dedupe_key,
        run_at,
        max_attempts: DEFAULT_MAX_ATTEMPTS,
    };
    Ok(store::schedule(tx, brand, &job, now_ms()).await?)
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub done: usize,
    pub retried: usize,
    pub dead: usize,
}

/// Claims the due jobs for `owner` (a name unique to this server process) and runs them.
#[tracing::instrument(level = "debug", skip(db, registry))]
pub async fn run_due(db: &Db, registry: &Arc<Registry>, owner: &str) -> Result<Pass, AppError> {
    let now = now_ms();
    let who = owner.to_owned();
    let claimed = db
        .write(move |tx| {
            Box::pin(async move {
                let jobs = store::claim(tx, &who, now, now + LEASE_MS, CLAIM_BATCH).await?;
                Ok(jobs
                    .into_iter()
                    .map(|(b, j)| (b, j.id, j.kind, j.payload, j.attempts))
                    .collect::<Vec<_>>())
            })
        })
        .await?;
    let mut pass = Pass {
        claimed: claimed.len(),
        ..Pass::default()
    };
    for (brand, id, kind, payload, attempts) in claimed {
        let handler = registry.0.get(kind.as_str()).copied();
        let who = owner.to_owned();
        let ran = match handler {
            None => Err(format!("no handler for job kind `{kind}` on this server")),
            Some(h) => db
                .write(move |tx| {
                    Box::pin(async move {
                        let now = now_ms();
                        h(tx, brand, &payload, now).await.map_err(JobFailed)?;
                        if !store::finish(tx, brand, id, &who, now).await? {
                            // Another server holds the job now: undo this run.
                            return Err(AppError::from(JobFailed("lease lost".into())));
                        }
                        Ok(())
                    })
                })
                .await
                .map_err(|e| e.to_string()),
        };
        match ran {
            Ok(()) => pass.done += 1,
            Err(message) => {
                tracing::warn!(job = id, %kind, attempts, error = %message, "job failed");
                let who = owner.to_owned();
                let status = db
                    .write(move |tx| {
                        Box::pin(async move {
                            let now = now_ms();
                            let retry_at = now + retry_delay_ms(attempts);
                            Ok(store::fail(tx, brand, id, &who, &message, retry_at, now).await?)
                        })
                    })
                    .await?;
                match status {
                    Some(JobStatus::Dead) => pass.dead += 1,
                    Some(_) => pass.retried += 1,
                    None => {}
                }
            }
        }
    }
    Ok(pass)
}

/// A handler's failure, carried through the transaction so that it rolls back.
#[derive(Debug)]
struct JobFailed(String);

impl From<JobFailed> for AppError {
    fn from(e: JobFailed) -> Self {
        AppError::Internal(e.0)
    }
}

fn require_admin(actor: &Actor) -> Result<(), AppError> {
    Ok(Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins manage jobs",
    )?)
}

/// The brand's jobs, newest first.
#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    status: Option<&str>,
    before: Cursor,
    size: PageSize,
) -> Result<Page<Job>, AppError> {
    require_admin(actor)?;
    let status = status.map(|s| JobStatus::parse("status", s)).transpose()?;
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move { Ok(store::list(tx, brand, status, before, size).await?) })
        })
        .await?;
    Ok(Page::from_rows(rows, size, before.0 == 0, |j| j.id))
}

async fn change(db: &Db, actor: &Actor, id: i64, retry: bool) -> Result<Job, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let job = store::get(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("job"))?;
            require_admin(&actor)?;
            let now = now_ms();
            let changed = if retry {
                store::retry(tx, actor.brand, id, now).await?
            } else {
                store::cancel(tx, actor.brand, id, now).await?
            };
            if !changed {
                return Err(shequn_domain::Refusal::InvalidTransition {
                    from: job.status.as_str(),
                    to: if retry { "scheduled" } else { "cancelled" },
                }
                .into());
            }
            store::get(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("job"))
        })
    })
    .await
}

/// Sends a dead or cancelled job around again.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn retry(db: &Db, actor: &Actor, id: i64) -> Result<Job, AppError> {
    change(db, actor, id, true).await
}

/// Cancels a job that is waiting (scheduled) or dead.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn cancel(db: &Db, actor: &Actor, id: i64) -> Result<Job, AppError> {
    change(db, actor, id, false).await
}
