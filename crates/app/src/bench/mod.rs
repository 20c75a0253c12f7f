//! `shequn bench write-path`: durable writes, measured in the same run on the same machine
//! (absolute numbers drift on shared machines; the ratios are what to design by):
//! - baselines on SQLite through sqlx: one commit per request, and the earlier sqlx group
//!   commit ([`sqlx_group_commit`], kept only as this baseline);
//! - the production write interface [`Db::write`] with a checkout-shaped body (a guarded
//!   stock decrement, an order row, two ledger rows that balance), on either engine;
//! - a real use case through it: opening a region with its operation-log event.
//!
//! It runs in a scratch database (SQLite) or the database it is given (PostgreSQL, in
//! tables of its own and a brand of its own), never in the product's SQLite file.

mod sqlx_group_commit;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use shequn_domain::{Actor, BrandId, Fen, Placement, Refusal, Role, StaffId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::pg::PgBatcher;
use crate::storage::sql::StoreError;
use crate::{AppError, Db, DbConfig, Engine, params};
use sqlx_group_commit::GroupCommit;

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
    /// Jobs answered with an error (deadlocks in the batched PostgreSQL mode); 0 elsewhere.
    pub failed: u64,
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
    let mut c = SqliteConnection::connect_with(&options(&file))
        .await
        .map_err(StoreError::from)?;
    sqlx::raw_sql(SCHEMA)
        .execute(&mut c)
        .await
        .map_err(StoreError::from)?;
    for sku in 0..SKUS {
        sqlx::query("INSERT INTO bench_stock (sku, qty) VALUES ($1, $2)")
            .bind(sku)
            .bind(jobs as i64)
            .execute(&mut c)
            .await
            .map_err(StoreError::from)?;
    }
    c.close().await.map_err(StoreError::from)?;
    Ok(file)
}

/// One checkout: guarded decrement, order, two ledger entries that balance.
async fn checkout(c: &mut SqliteConnection, n: u64) -> Result<(), AppError> {
    checkout_sqlx(c, n).await.map_err(|e| match e {
        CheckoutError::SoldOut => sold_out(),
        CheckoutError::Db(e) => AppError::Store(e.into()),
    })
}

enum CheckoutError {
    SoldOut,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for CheckoutError {
    fn from(e: sqlx::Error) -> Self {
        CheckoutError::Db(e)
    }
}

fn sold_out() -> AppError {
    AppError::Refused(Refusal::OutOfStock)
}

async fn checkout_sqlx(c: &mut SqliteConnection, n: u64) -> Result<(), CheckoutError> {
    let sku = (n as i64) % SKUS;
    let amount = 1_990 + (n as i64 % 7) * 100;
    let r = sqlx::query("UPDATE bench_stock SET qty = qty - 1 WHERE sku = $1 AND qty >= 1")
        .bind(sku)
        .execute(&mut *c)
        .await?;
    if r.rows_affected() != 1 {
        return Err(CheckoutError::SoldOut);
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
        failed: 0,
    }
}

async fn count_orders(file: &Path) -> Result<i64, AppError> {
    let mut c = SqliteConnection::connect_with(&options(file))
        .await
        .map_err(StoreError::from)?;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM bench_orders")
        .fetch_one(&mut c)
        .await
        .map_err(StoreError::from)?;
    c.close().await.map_err(StoreError::from)?;
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
        .await
        .map_err(StoreError::from)?;
    let p: SqlitePool = pool.clone();
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let p = p.clone();
        async move {
            let mut tx = p
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(StoreError::from)?;
            checkout(&mut tx, n).await?;
            tx.commit().await.map_err(StoreError::from)?;
            Ok(())
        }
    })
    .await?;
    pool.close().await;
    Ok(report(
        "sqlx, one commit per request (baseline)",
        jobs,
        concurrency,
        seconds,
        lat,
        count_orders(&file).await?,
    ))
}

/// The same checkouts through [`GroupCommit`] on sqlx.
pub async fn sqlx_group_commit(
    dir: &Path,
    jobs: u64,
    concurrency: usize,
) -> Result<Report, AppError> {
    let file = fresh(dir, "group-commit", jobs).await?;
    let writer = GroupCommit::start(
        SqliteConnection::connect_with(&options(&file))
            .await
            .map_err(StoreError::from)?,
    );
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let w = writer.clone();
        async move { w.run(move |c| Box::pin(checkout(c, n))).await }
    })
    .await?;
    Ok(report(
        "sqlx group commit (baseline)",
        jobs,
        concurrency,
        seconds,
        lat,
        count_orders(&file).await?,
    ))
}

/// A scratch product database: a fresh SQLite file in `dir`, or the PostgreSQL at `url`.
async fn scratch_db(dir: &Path, url: Option<&str>, name: &str) -> Result<Db, AppError> {
    let config = match url {
        Some(url) => DbConfig::Postgres(url.to_owned()),
        None => {
            let d = dir.join(name);
            let _ = std::fs::remove_dir_all(&d);
            DbConfig::SqliteDir(d)
        }
    };
    Db::open(&config).await
}

/// Creates (or, on PostgreSQL, empties) the checkout tables and stocks every SKU.
async fn checkout_tables(db: &Db, jobs: u64) -> Result<(), AppError> {
    let ddl: &[&str] = match db.engine() {
        Engine::Sqlite => &[
            "CREATE TABLE IF NOT EXISTS bench_stock (sku INTEGER PRIMARY KEY, qty BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_orders (id INTEGER PRIMARY KEY, sku BIGINT NOT NULL, amount_fen BIGINT NOT NULL, at BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_ledger (id INTEGER PRIMARY KEY, order_id BIGINT NOT NULL, account TEXT NOT NULL, amount_fen BIGINT NOT NULL)",
        ],
        Engine::Postgres => &[
            "CREATE TABLE IF NOT EXISTS bench_stock (sku BIGINT PRIMARY KEY, qty BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, sku BIGINT NOT NULL, amount_fen BIGINT NOT NULL, at BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS bench_ledger (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, order_id BIGINT NOT NULL, account TEXT NOT NULL, amount_fen BIGINT NOT NULL)",
        ],
    };
    db.write(move |tx| {
        Box::pin(async move {
            for sql in ddl {
                tx.execute(sql, &[]).await?;
            }
            for sql in [
                "DELETE FROM bench_ledger",
                "DELETE FROM bench_orders",
                "DELETE FROM bench_stock",
            ] {
                tx.execute(sql, &[]).await?;
            }
            for sku in 0..SKUS {
                tx.execute(
                    "INSERT INTO bench_stock (sku, qty) VALUES ($1, $2)",
                    &params![sku, jobs as i64],
                )
                .await?;
            }
            Ok(())
        })
    })
    .await
}

/// One checkout as a transaction body: the same SQL on both engines.
async fn checkout_body(tx: &mut Tx, n: u64) -> Result<(), AppError> {
    let sku = (n as i64) % SKUS;
    let amount = Fen::new(1_990 + (n as i64 % 7) * 100);
    let changed = tx
        .execute(
            "UPDATE bench_stock SET qty = qty - 1 WHERE sku = $1 AND qty >= 1",
            &params![sku],
        )
        .await?;
    if changed != 1 {
        return Err(sold_out());
    }
    let order: i64 = tx
        .query_one(
            "INSERT INTO bench_orders (sku, amount_fen, at) VALUES ($1, $2, $3) RETURNING id",
            &params![sku, amount.get(), n as i64],
        )
        .await?
        .get(0)?;
    let debit = amount.checked_neg().ok_or_else(sold_out)?;
    debug_assert_eq!(
        debit.checked_add(amount),
        Some(Fen::ZERO),
        "a checkout's ledger balances"
    );
    tx.execute(
        "INSERT INTO bench_ledger (order_id, account, amount_fen) VALUES ($1, 'buyer', $2), ($1, 'brand', $3)",
        &params![order, debit.get(), amount.get()],
    )
    .await?;
    Ok(())
}

async fn count(db: &Db, sql: &'static str) -> Result<i64, AppError> {
    db.read(move |tx| Box::pin(async move { Ok(tx.query_one(sql, &[]).await?.get(0)?) }))
        .await
}

/// Checkouts through the production write interface, [`Db::write`].
pub async fn write_path_checkout(
    dir: &Path,
    url: Option<&str>,
    jobs: u64,
    concurrency: usize,
) -> Result<Report, AppError> {
    let db = scratch_db(dir, url, "write-path-checkout").await?;
    checkout_tables(&db, jobs).await?;
    let d = db.clone();
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let d = d.clone();
        async move { d.write(move |tx| Box::pin(checkout_body(tx, n))).await }
    })
    .await?;
    let orders = count(&db, "SELECT COUNT(*) FROM bench_orders").await?;
    Ok(report(
        engine_mode(
            &db,
            "SQLite, Db::write (writer thread), checkout body",
            "PostgreSQL, Db::write (a transaction per body), checkout body",
        ),
        jobs,
        concurrency,
        seconds,
        lat,
        orders,
    ))
}

/// A real use case through the production write interface: a brand admin opens regions,
/// each with its operation-log event (`usecases::regions::create`).
pub async fn write_path_use_case(
    dir: &Path,
    url: Option<&str>,
    jobs: u64,
    concurrency: usize,
) -> Result<Report, AppError> {
    let db = scratch_db(dir, url, "write-path-use-case").await?;
    let actor = bench_admin(&db).await?;
    let d = db.clone();
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let d = d.clone();
        async move {
            crate::usecases::regions::create(&d, &actor, &format!("区域 {n}"))
                .await
                .map(|_| ())
        }
    })
    .await?;
    let brand = actor.brand;
    let regions = db
        .read(move |tx| {
            Box::pin(async move {
                Ok(tx
                    .query_one(
                        "SELECT COUNT(*) FROM regions WHERE brand_id = $1",
                        &params![brand],
                    )
                    .await?
                    .get(0)?)
            })
        })
        .await?;
    Ok(report(
        engine_mode(
            &db,
            "SQLite, Db::write, use case: open a region + audit event",
            "PostgreSQL, Db::write, use case: open a region + audit event",
        ),
        jobs,
        concurrency,
        seconds,
        lat,
        regions,
    ))
}

fn engine_mode(db: &Db, sqlite: &'static str, postgres: &'static str) -> &'static str {
    match db.engine() {
        Engine::Sqlite => sqlite,
        Engine::Postgres => postgres,
    }
}

/// A brand of its own with an admin, written directly (no password hashing: nobody logs in).
async fn bench_admin(db: &Db) -> Result<Actor, AppError> {
    let slug = format!("bench-{}", now_ms());
    let (brand, staff) = db
        .write(move |tx| {
            Box::pin(async move {
                let now = now_ms();
                let brand: i64 = tx
                    .query_one(
                        "INSERT INTO brands (slug, name, created_at) VALUES ($1, $1, $2) RETURNING id",
                        &params![&slug, now],
                    )
                    .await?
                    .get(0)?;
                let staff: i64 = tx
                    .query_one(
                        "INSERT INTO staff (brand_id, email, display_name, role, region_id, store_id, password_hash, active, created_at, updated_at)
                         VALUES ($1, 'bench@bench.invalid', 'bench', 'brand_admin', NULL, NULL, '-', TRUE, $2, $2) RETURNING id",
                        &params![brand, now],
                    )
                    .await?
                    .get(0)?;
                Ok((brand, staff))
            })
        })
        .await?;
    Ok(Actor {
        brand: BrandId(brand),
        staff: StaffId(staff),
        role: Role::BrandAdmin,
        placement: Placement::Brand,
    })
}

/// Checkouts on PostgreSQL through [`PgBatcher`] (group commit with `workers` connections):
/// what the production choice, a transaction per body, is measured against.
pub async fn pg_batched_checkout(
    dir: &Path,
    url: &str,
    jobs: u64,
    concurrency: usize,
    workers: usize,
) -> Result<Report, AppError> {
    let db = scratch_db(dir, Some(url), "pg-batched").await?;
    checkout_tables(&db, jobs).await?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(workers as u32)
        .connect(url)
        .await
        .map_err(StoreError::from)?;
    let batcher = Arc::new(PgBatcher::start(pool, workers));
    let failed = Arc::new(AtomicU64::new(0));
    let (b, f) = (batcher.clone(), failed.clone());
    // Bodies of one batch hold their row locks until the batch commits, so batches on
    // several connections deadlock on shared rows; those bodies are counted, not retried.
    let (seconds, lat) = drive(jobs, concurrency, move |n| {
        let (b, f) = (b.clone(), f.clone());
        async move {
            if b.write(Box::new(move |tx| Box::pin(checkout_body(tx, n))))
                .await
                .is_err()
            {
                f.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
    })
    .await?;
    let orders = count(&db, "SELECT COUNT(*) FROM bench_orders").await?;
    let mode = match workers {
        1 => "PostgreSQL, batched: 1 connection, savepoint per body, one commit per batch",
        4 => "PostgreSQL, batched: 4 connections, savepoint per body, one commit per batch",
        _ => "PostgreSQL, batched: N connections, savepoint per body, one commit per batch",
    };
    let mut r = report(mode, jobs, concurrency, seconds, lat, orders);
    r.failed = failed.load(Ordering::Relaxed);
    Ok(r)
}
