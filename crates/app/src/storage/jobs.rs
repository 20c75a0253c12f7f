//! SQL for durable jobs: scheduling (once per dedupe key), claiming due jobs under a lease
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so app servers never claim the same job;
//! SQLite: the one writer serialises claims), finishing under the lease, failing with
//! backoff, and staff's retry and cancel.

use shequn_domain::{BrandId, Job, JobStatus};

use super::db::{Engine, Tx};
use super::sql::{Row, StoreError, decoded, take_total};
use shequn_domain::{Cursor, PageSize};

const COLUMNS: &str = "id, kind, payload, dedupe_key, status, run_at, attempts, max_attempts, \
    last_error, created_at, updated_at, finished_at";

fn job(r: &Row) -> Result<Job, StoreError> {
    let status: String = r.get(4)?;
    Ok(Job {
        id: r.get(0)?,
        kind: r.get(1)?,
        payload: r.get(2)?,
        dedupe_key: r.get(3)?,
        status: decoded(JobStatus::parse("status", &status))?,
        run_at: r.get(5)?,
        attempts: r.get(6)?,
        max_attempts: r.get(7)?,
        last_error: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        finished_at: r.get(11)?,
    })
}

/// A job about to be scheduled.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    pub dedupe_key: Option<&'a str>,
    pub run_at: i64,
    pub max_attempts: i64,
}

/// Schedules a job; with a dedupe key that already has a live job (scheduled or running),
/// nothing is added and that job's id is returned.
pub async fn schedule(
    tx: &mut Tx,
    brand: BrandId,
    j: &NewJob<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    if let Some(key) = j.dedupe_key
        && let Some(r) = tx
            .query_opt(
                "SELECT id FROM jobs WHERE brand_id = $1 AND kind = $2 AND dedupe_key = $3
                 AND status IN ('scheduled', 'running')",
                &params![brand, j.kind, key],
            )
            .await?
    {
        return r.get(0);
    }
    tx.query_one(
        "INSERT INTO jobs (brand_id, kind, payload, dedupe_key, status, run_at, attempts,
             max_attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'scheduled', $5, 0, $6, $7, $7) RETURNING id",
        &params![
            brand,
            j.kind,
            j.payload,
            j.dedupe_key,
            j.run_at,
            j.max_attempts,
            now
        ],
    )
    .await?
    .get(0)
}

/// A claimed job: its brand and the job.
pub type Claimed = (BrandId, Job);

/// Claims up to `limit` jobs that are due (scheduled and past their time, or running under
/// a lease that ran out: its server died) for `owner` until `lease_until`; each claim is
/// an attempt.
pub async fn claim(
    tx: &mut Tx,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let lock = match tx.engine() {
        Engine::Postgres => "FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2,
             attempts = attempts + 1, updated_at = $3
         WHERE (brand_id, id) IN (
             SELECT brand_id, id FROM jobs
             WHERE (status = 'scheduled' AND run_at <= $3)
                OR (status = 'running' AND lease_until < $3)
             ORDER BY run_at, id LIMIT $4 {lock})
         RETURNING {COLUMNS}, brand_id"
    );
    tx.query(&sql, &params![owner, lease_until, now, limit])
        .await?
        .iter()
        .map(|r| Ok((BrandId(r.get(12)?), job(r)?)))
        .collect()
}

/// Marks a claimed job done, if `owner` still holds it; false when the lease was lost
/// (another server took the job over), and then the caller must roll back.
pub async fn finish(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    owner: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE jobs SET status = 'done', lease_owner = NULL, lease_until = NULL,
                 finished_at = $4, updated_at = $4, last_error = NULL
             WHERE brand_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'",
            &params![brand, id, owner, now],
        )
        .await?;
    Ok(n == 1)
}

/// Records a failed attempt: scheduled again at `retry_at`, or dead when it was the last.
pub async fn fail(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: i64,
    now: i64,
) -> Result<Option<JobStatus>, StoreError> {
    let row = tx
        .query_opt(
            "UPDATE jobs SET
                 status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'scheduled' END,
                 run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE $5 END,
                 finished_at = CASE WHEN attempts >= max_attempts THEN $6 ELSE NULL END,
                 lease_owner = NULL, lease_until = NULL, last_error = $4, updated_at = $6
             WHERE brand_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'running'
             RETURNING status",
            &params![brand, id, owner, error, retry_at, now],
        )
        .await?;
    row.map(|r| {
        let s: String = r.get(0)?;
        decoded(JobStatus::parse("status", &s))
    })
    .transpose()
}

pub async fn get(tx: &mut Tx, brand: BrandId, id: i64) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id])
        .await?
        .as_ref()
        .map(job)
        .transpose()
}

/// Staff send a dead or cancelled job around again: scheduled now, attempts from zero.
pub async fn retry(tx: &mut Tx, brand: BrandId, id: i64, now: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE jobs SET status = 'scheduled', run_at = $3, attempts = 0, finished_at = NULL,
                 updated_at = $3
             WHERE brand_id = $1 AND id = $2 AND status IN ('dead', 'cancelled')",
            &params![brand, id, now],
        )
        .await?;
    Ok(n == 1)
}

/// Cancels a job that has not run (scheduled or dead).
pub async fn cancel(tx: &mut Tx, brand: BrandId, id: i64, now: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE jobs SET status = 'cancelled', finished_at = $3, updated_at = $3
             WHERE brand_id = $1 AND id = $2 AND status IN ('scheduled', 'dead')",
            &params![brand, id, now],
        )
        .await?;
    Ok(n == 1)
}

/// Cancels the live job of a dedupe key (the thing it was for happened another way: an
/// order paid before its expiry). True when one was cancelled.
pub async fn cancel_by_key(
    tx: &mut Tx,
    brand: BrandId,
    kind: &str,
    key: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE jobs SET status = 'cancelled', finished_at = $4, updated_at = $4
             WHERE brand_id = $1 AND kind = $2 AND dedupe_key = $3 AND status = 'scheduled'",
            &params![brand, kind, key, now],
        )
        .await?;
    Ok(n == 1)
}

/// The brand's jobs, newest first, optionally of one status, and the total.
pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    status: Option<JobStatus>,
    before: Cursor,
    limit: PageSize,
) -> Result<(Vec<Job>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {COLUMNS}, COUNT(*) OVER () AS listed FROM jobs
           WHERE brand_id = $1 AND ($3 IS NULL OR status = $3)
         ) AS matching WHERE ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $4"
    );
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                before.0,
                status.map(JobStatus::as_str),
                i64::from(limit.get())
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let list = rows.iter().map(job).collect::<Result<_, _>>()?;
    Ok((list, total))
}
