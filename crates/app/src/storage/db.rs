//! The database handle for both engines, the one write interface, reads, and migrations.
//!
//! Every use case hands its transaction body to [`Db::write`] (or [`Db::read`]): an async
//! function over a [`Tx`]. The same body, and so the same SQL and binding, runs on both
//! engines:
//! - SQLite: one writer thread owns the only write connection (rusqlite) and commits what
//!   has queued as one transaction, each body under its own SAVEPOINT, one fsync per batch,
//!   every caller answered after the COMMIT ([`super::sqlite`]). Reads run on read-only
//!   connections beside it under WAL.
//! - PostgreSQL: each body runs in its own transaction from the pool (sqlx), awaited by the
//!   caller; PostgreSQL groups concurrent commits itself (measured in docs/benchmarks.md).
//!
//! Bodies must not wait on anything but the database: slow work (password hashing, network)
//! happens before a body is queued. On SQLite a body that awaits anything else fails.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{Postgres, Transaction};

use super::sql::{Row, StoreError, Value};
use super::{pg, sqlite};
use crate::AppError;
use crate::cache::BearerCache;
use crate::idempotency;

/// How long a request waits for a connection before the pool gives up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// PostgreSQL connections per app server.
const PG_CONNECTIONS: u32 = 16;

/// A boxed, sendable future borrowing for `'a`: what a transaction body returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone)]
pub enum DbConfig {
    /// An SQLite file `shequn.db` inside this directory (created if missing).
    SqliteDir(PathBuf),
    Postgres(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    engine: Arc<EngineDb>,
    faults: Arc<Faults>,
    bearer: Arc<BearerCache>,
}

enum EngineDb {
    Sqlite(sqlite::SqliteDb),
    Postgres(PgPool),
}

/// Test-only failure injection; every flag is off in production.
#[derive(Default)]
struct Faults {
    /// The next write commits, then its caller is told it failed: a crash between the
    /// COMMIT and the answer, as seen from outside.
    fail_after_commit: AtomicBool,
}

/// A transaction on either engine. Storage functions call [`Tx::query`] and friends with
/// one SQL text and one parameter list for both.
pub struct Tx {
    pub(super) inner: TxInner,
}

pub(super) enum TxInner {
    /// The connection itself, lent by the writer thread or a reader for one body (owned so
    /// that `&mut Tx` is `Send`); the caller has already begun the transaction.
    Sqlite(rusqlite::Connection),
    PgTx(Transaction<'static, Postgres>),
    PgConn(sqlx::pool::PoolConnection<Postgres>),
}

/// A transaction body, boxed so the engines' runners are not generic over it.
pub(super) type Body<T> =
    Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, AppError>> + Send>;

/// Boxes a body; a function (not `Box::new` at the call site) so that the closure's
/// higher-ranked signature is inferred from this bound.
pub(super) fn boxed<T, F>(body: F) -> Body<T>
where
    F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
{
    Box::new(body)
}

impl Db {
    /// Connects and applies pending migrations. Each migration runs in its own
    /// transaction, so one that fails leaves the database as it was.
    pub async fn open(config: &DbConfig) -> Result<Db, AppError> {
        let engine = match config {
            DbConfig::SqliteDir(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| AppError::Internal(format!("{}: {e}", dir.display())))?;
                let file = dir.join("shequn.db");
                sqlite::migrate(&file).await?;
                EngineDb::Sqlite(sqlite::SqliteDb::open(&file)?)
            }
            DbConfig::Postgres(url) => {
                let opts = PgConnectOptions::from_str(url).map_err(StoreError::from)?;
                let pool = PoolOptions::<Postgres>::new()
                    .max_connections(PG_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(opts)
                    .await
                    .map_err(StoreError::from)?;
                pg::migrate(&pool).await?;
                EngineDb::Postgres(pool)
            }
        };
        Ok(Db {
            engine: Arc::new(engine),
            faults: Arc::default(),
            bearer: Arc::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        match &*self.engine {
            EngineDb::Sqlite(_) => Engine::Sqlite,
            EngineDb::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs `body` as one write transaction and returns its result once it is durable.
    ///
    /// If the current request carries an `Idempotency-Key` (see [`idempotency`]), its record
    /// is written in this same transaction together with the result, and a retry gets the
    /// stored result back without running `body` again.
    pub async fn write<T, F>(&self, body: F) -> Result<T, AppError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
    {
        let body = match idempotency::take_pending() {
            Some(key) => boxed(move |tx| Box::pin(idempotency::around(tx, key, body))),
            None => boxed(body),
        };
        let out = match &*self.engine {
            EngineDb::Sqlite(s) => s.write(body).await?,
            EngineDb::Postgres(pool) => pg::write(pool, body).await?,
        };
        if self.faults.fail_after_commit.swap(false, Ordering::SeqCst) {
            return Err(AppError::Internal(
                "injected failure after commit (test hook)".into(),
            ));
        }
        Ok(out)
    }

    /// Runs `body` as one read-only transaction (on SQLite one consistent snapshot).
    pub async fn read<T, F>(&self, body: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, AppError>> + Send + 'static,
    {
        match &*self.engine {
            EngineDb::Sqlite(s) => s.read(boxed(body)).await,
            EngineDb::Postgres(pool) => pg::read(pool, boxed(body)).await,
        }
    }

    /// This process's cache of bearer-token lookups (see [`crate::cache`]).
    pub fn bearer_cache(&self) -> &BearerCache {
        &self.bearer
    }

    /// Test hook: the next write commits and then reports a failure to its caller.
    pub fn inject_failure_after_next_commit(&self) {
        self.faults.fail_after_commit.store(true, Ordering::SeqCst);
    }

    /// Whether the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        self.read(|tx| Box::pin(async move { Ok(tx.query_one("SELECT 1", &[]).await?) }))
            .await
            .is_ok()
    }

    /// Gauges for `/metrics`: (name, size, idle or queued).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match &*self.engine {
            EngineDb::Sqlite(s) => s.stats(),
            EngineDb::Postgres(pool) => vec![("postgres", pool.size(), pool.num_idle())],
        }
    }

    pub async fn close(&self) {
        match &*self.engine {
            EngineDb::Sqlite(s) => s.close(),
            EngineDb::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match &self.inner {
            TxInner::Sqlite(_) => Engine::Sqlite,
            TxInner::PgTx(_) | TxInner::PgConn(_) => Engine::Postgres,
        }
    }

    /// Every row the statement returns.
    pub async fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError> {
        match &mut self.inner {
            TxInner::Sqlite(c) => sqlite::query(c, sql, params),
            TxInner::PgTx(t) => pg::query(t, sql, params).await,
            TxInner::PgConn(c) => pg::query(c, sql, params).await,
        }
    }

    /// The first row, if any.
    pub async fn query_opt(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Exactly the first row; none is a storage error.
    pub async fn query_one(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)
            .await?
            .ok_or_else(|| StoreError::Decode("the statement returned no row".into()))
    }

    /// Runs a statement and returns how many rows it changed.
    pub async fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
        match &mut self.inner {
            TxInner::Sqlite(c) => sqlite::execute(c, sql, params),
            TxInner::PgTx(t) => pg::execute(t, sql, params).await,
            TxInner::PgConn(c) => pg::execute(c, sql, params).await,
        }
    }
}
