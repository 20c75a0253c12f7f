//! `shequn bench write-path`: durable checkout-shaped writes on SQLite, one commit per
//! request against group commit, in the same run on the same machine (absolute numbers
//! drift on shared machines; the ratio is what to design by).
//!
//! The workload is what the campaigns issue will commit per checkout: a guarded stock
//! decrement, an order row and two ledger rows. It runs in a scratch database, never in
//! the product's.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool};

use crate::AppError;
use crate::storage::group_commit::GroupCommit;
use crate::storage::writer_thread::{self, WriterThread};

/// Distinct SKUs, so that stock rows are contended as in a flash sale with a few items.
const SKUS: i64 = 16;

#[derive(Debug, Clone)]
pub struct Report {
    pub mode: &'static str,
    pub jobs: u64,
    pub concurrency: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Rows in the order table afterwards: every answered job is there.
    pub orders: i64,
}

fn options(file: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
}

const SCHEMA: &str = "
    CREATE TABLE bench_stock (sku INTEGER PRIMARY KEY, qty BIGINT NOT NULL);
    CREATE TABLE bench_orders (id INTEGER PRIMARY KEY, sku BIGINT NOT NULL, amount_fen BIGINT NOT NULL, at BIGINT NOT NULL);
    CREATE TABLE bench_ledger (id INTEGER PRIMARY KEY, order_id BIGINT NOT NULL, account TEXT NOT NULL, amount_fen BIGINT NOT NULL);";

async fn fresh(dir: &Path, name: &str, jobs: u64) -> Result<std::path::PathBuf, AppError> {
    let file = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let mut c = SqliteConnection::connect_with(&options(&file)).await?;
    sqlx::raw_sql(SCHEMA).execute(&mut c).await?;
    for sku in 0..SKUS {
        sqlx::query("INSERT INTO bench_stock (sku, qty) VALUES ($1, $2)")
            .bind(sku)
            .bind(jobs as i64)
            .execute(&mut c)
            .await?;
    }
    c.close().await?;
    Ok(file)
}

/// One checkout: guarded decrement, order, two ledger entries that balance.
async fn checkout(c: &mut SqliteConnection, n: u64) -> Result<(), AppError> {
    let sku = (n as i64) % SKUS;
    let amount = 1_990 + (n as i64 % 7) * 100;
    let r = sqlx::query("UPDATE bench_stock SET qty = qty - 1 WHERE sku = $1 AND qty >= 1")
        .bind(sku)
        .execute(&mut *c)
        .await?;
    if r.rows_affected() != 1 {
        return Err(AppError::Conflict {
            field: "sku",
            message: "sold out".into(),
        });
    }
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO bench_orders (sku, amount_fen, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(sku)
    .bind(amount)
    .bind(n as i64)
    .fetch_one(&mut *c)
    .await?;
    sqlx::query("INSERT INTO bench_ledger (order_id, account, amount_fen) VALUES ($1, 'buyer', $2), ($1, 'brand', $3)")
        .bind(order)
        .bind(-amount)
        .bind(amount)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Runs `jobs` checkouts from `concurrency` tasks through `submit`, timing each.
async fn drive<F, Fut>(
    jobs: u64,
    concurrency: usize,
    submit: F,
) -> Result<(f64, Vec<f64>), AppError>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + Send,
{
    let next = Arc::new(AtomicU64::new(0));
    let submit = Arc::new(submit);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (next, submit) = (next.clone(), submit.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= jobs {
                    return Ok::<_, AppError>(lat);
                }
                let t = Instant::now();
                submit(n).await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }));
    }
    let mut all = Vec::with_capacity(jobs as usize);
    for t in tasks {
        all.extend(t.await.map_err(|e| AppError::Internal(e.to_string()))??);
    }
    Ok((start.elapsed().as_secs_f64(), all))
}

fn report(
    mode: &'static str,
    jobs: u64,
    concurrency: usize,
    seconds: f64,
    mut lat: Vec<f64>,
    orders: i64,
) -> Report {
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Report {
        mode,
        jobs,
        concurrency,
        seconds,
        per_second: jobs as f64 / seconds,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        orders,
    }
}

async fn count_orders(file: &Path) -> Result<i64, AppError> {
    let mut c = SqliteConnection::connect_with(&options(file)).await?;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM bench_orders")
        .fetch_one(&mut c)
        .await?;
    c.close().await?;
    Ok(n)
}

/// One commit per checkout, through a one-connection write pool (today's write path).
pub async fn one_commit_per_request(
    dir: &Path,
    jobs: u64,
    concurrency: usize,
) -> Result<Report, AppError> {
    let file = fresh(dir, "per-request", jobs).await?;
    let pool = sqlx::pool::PoolOptions::<sqlx::Sqlite>::new()
        .max_connections(1)
        .connect_with(options(&file))
        .await?;
    let p: SqlitePool = pool.clone();
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let p = p.clone();
        async move {
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            checkout(&mut tx, n).await?;
            tx.commit().await?;
            Ok(())
        }
    })
    .await?;
    pool.close().await;
    Ok(report(
        "one commit per request",
        jobs,
        concurrency,
        seconds,
        lat,
        count_orders(&file).await?,
    ))
}

/// The same checkouts through [`GroupCommit`].
pub async fn group_commit(dir: &Path, jobs: u64, concurrency: usize) -> Result<Report, AppError> {
    let file = fresh(dir, "group-commit", jobs).await?;
    let writer = GroupCommit::start(SqliteConnection::connect_with(&options(&file)).await?);
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let w = writer.clone();
        async move { w.run(move |c| Box::pin(checkout(c, n))).await }
    })
    .await?;
    Ok(report(
        "group commit",
        jobs,
        concurrency,
        seconds,
        lat,
        count_orders(&file).await?,
    ))
}

/// The same checkout as [`checkout`], on the writer thread's rusqlite connection, with
/// statements prepared once and reused.
fn checkout_sync(c: &rusqlite::Connection, n: u64) -> Result<(), AppError> {
    use crate::storage::writer_thread::internal;
    let sku = (n as i64) % SKUS;
    let amount = 1_990 + (n as i64 % 7) * 100;
    let changed = c
        .prepare_cached("UPDATE bench_stock SET qty = qty - 1 WHERE sku = ?1 AND qty >= 1")
        .and_then(|mut s| s.execute(rusqlite::params![sku]))
        .map_err(internal)?;
    if changed != 1 {
        return Err(AppError::Conflict {
            field: "sku",
            message: "sold out".into(),
        });
    }
    let order: i64 = c
        .prepare_cached(
            "INSERT INTO bench_orders (sku, amount_fen, at) VALUES (?1, ?2, ?3) RETURNING id",
        )
        .and_then(|mut s| s.query_row(rusqlite::params![sku, amount, n as i64], |r| r.get(0)))
        .map_err(internal)?;
    c.prepare_cached("INSERT INTO bench_ledger (order_id, account, amount_fen) VALUES (?1, 'buyer', ?2), (?1, 'brand', ?3)")
        .and_then(|mut s| s.execute(rusqlite::params![order, -amount, amount]))
        .map_err(internal)?;
    Ok(())
}

/// The same checkouts through [`WriterThread`]: group commit on its own OS thread.
pub async fn group_commit_thread(
    dir: &Path,
    jobs: u64,
    concurrency: usize,
) -> Result<Report, AppError> {
    let file = fresh(dir, "writer-thread", jobs).await?;
    let writer = WriterThread::start(writer_thread::open(&file)?)?;
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let w = writer.clone();
        async move { w.run(move |c| checkout_sync(c, n)).await }
    })
    .await?;
    Ok(report(
        "group commit, rusqlite writer thread",
        jobs,
        concurrency,
        seconds,
        lat,
        count_orders(&file).await?,
    ))
}
