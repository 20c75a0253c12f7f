//! The database handle for both engines, transactions, and migrations.
//!
//! SQLite: one write connection (so writers queue in the pool instead of failing with
//! SQLITE_BUSY) that opens every write transaction with `BEGIN IMMEDIATE`, plus a pool of
//! read-only connections; WAL with `synchronous=FULL`, so a committed write survives power
//! loss. PostgreSQL: one pool; its own group commit serves concurrent writers.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, Transaction};

/// How long a request waits for a connection before the pool gives up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// SQLite readers; WAL lets them run beside the one writer.
const SQLITE_READERS: u32 = 8;
/// PostgreSQL connections per app server.
const PG_CONNECTIONS: u32 = 16;

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
pub enum Db {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// A transaction on either engine. Storage functions match on it with [`on_tx!`], so each
/// SQL statement is written once and compiled for both.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$c` bound to the engine's connection inside the transaction.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::storage::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::storage::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects without migrating.
    pub async fn connect(config: &DbConfig) -> Result<Db, sqlx::Error> {
        match config {
            DbConfig::SqliteDir(dir) => {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                let file = dir.join("shequn.db");
                let base = SqliteConnectOptions::new()
                    .filename(&file)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true);
                let write = PoolOptions::<Sqlite>::new()
                    .max_connections(1)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(base.clone().create_if_missing(true))
                    .await?;
                let read = PoolOptions::<Sqlite>::new()
                    .max_connections(SQLITE_READERS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(base.read_only(true))
                    .await?;
                Ok(Db::Sqlite { write, read })
            }
            DbConfig::Postgres(url) => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = PoolOptions::<Postgres>::new()
                    .max_connections(PG_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(opts)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Connects and applies pending migrations. Each migration runs in its own
    /// transaction, so one that fails leaves the database as it was.
    pub async fn open(config: &DbConfig) -> Result<Db, sqlx::migrate::MigrateError> {
        let db = Db::connect(config).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await,
            Db::Postgres(pool) => PG_MIGRATIONS.run(pool).await,
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// A transaction that may write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred BEGIN that later upgrades fails with SQLITE_BUSY
    /// instead of waiting.
    pub async fn write(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Db::Sqlite { write, .. } => Ok(Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)),
            Db::Postgres(pool) => Ok(Tx::Postgres(pool.begin().await?)),
        }
    }

    /// A read-only transaction: one consistent snapshot for the whole use case.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Db::Sqlite { read, .. } => Ok(Tx::Sqlite(read.begin().await?)),
            Db::Postgres(pool) => Ok(Tx::Postgres(pool.begin().await?)),
        }
    }

    /// Whether the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        let r = match self {
            Db::Sqlite { read, .. } => sqlx::query("SELECT 1").execute(read).await.map(|_| ()),
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()),
        };
        r.is_ok()
    }

    /// Pool gauges for `/metrics`: (name, size, idle).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self {
            Db::Sqlite { write, read } => vec![
                ("sqlite_write", write.size(), write.num_idle()),
                ("sqlite_read", read.size(), read.num_idle()),
            ],
            Db::Postgres(pool) => vec![("postgres", pool.size(), pool.num_idle())],
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}
