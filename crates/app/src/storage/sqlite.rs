//! SQLite behind [`super::db::Db`]: the one writer thread (group commit) and the readers.
//!
//! The writer thread owns the only write connection. It takes whatever bodies have queued
//! (up to [`MAX_BATCH`]), runs each under its own SAVEPOINT inside one `BEGIN IMMEDIATE`
//! transaction (a failing body rolls back only its savepoint), COMMITs once (one fsync per
//! batch with `synchronous=FULL`) and only then answers each caller. Bodies are async
//! functions whose SQLite calls complete at once, so the thread polls each exactly once;
//! rusqlite is called directly, with no hop to another thread per statement (the limit
//! `shequn bench write-path` measured for sqlx-sqlite).
//!
//! Readers are read-only connections, used one per read body on tokio's blocking pool;
//! WAL lets them run beside the writer.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Connection, OpenFlags};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::db::{Body, BoxFuture, Tx, TxInner, boxed};
use super::sql::{Cell, Row, StoreError, Value};
use crate::AppError;

/// The most bodies committed together: bounds the latency one batch adds and the work a
/// failed COMMIT loses.
pub const MAX_BATCH: usize = 512;
/// How many bodies may wait for the writer before submitters wait in turn.
pub const QUEUE_DEPTH: usize = 4096;
/// Read connections; WAL lets them run beside the one writer.
const READERS: usize = 8;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;
/// How long a connection waits on a lock held by another process (a CLI beside a server).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

type AnyOut = Result<Box<dyn Any + Send>, AppError>;

struct Job {
    body: Body<Box<dyn Any + Send>>,
    reply: oneshot::Sender<AnyOut>,
}

pub(super) struct SqliteDb {
    queue: mpsc::Sender<Job>,
    readers: Arc<Readers>,
    queued: Arc<AtomicUsize>,
}

struct Readers {
    file: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// Applies pending migrations before the writer starts (sqlx's migrator, each migration in
/// its own transaction); the connection is closed again, so the writer is then alone.
pub(super) async fn migrate(file: &Path) -> Result<(), AppError> {
    use sqlx::Connection as _;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let opts = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    let mut c = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .map_err(StoreError::from)?;
    MIGRATIONS
        .run(&mut c)
        .await
        .map_err(|e| AppError::Internal(format!("migrations: {e}")))?;
    c.close().await.map_err(StoreError::from)?;
    Ok(())
}

/// Opens `file` for writing the way the product does: WAL, `synchronous=FULL`, foreign keys.
pub fn open_writer(file: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

fn open_reader(file: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl SqliteDb {
    pub(super) fn open(file: &Path) -> Result<Self, AppError> {
        let conn = open_writer(file)?;
        let (queue, rx) = mpsc::channel(QUEUE_DEPTH);
        let queued = Arc::new(AtomicUsize::new(0));
        let gauge = queued.clone();
        // Inside the runtime's context a body that awaits a timer or socket is merely
        // pending (and refused) instead of panicking for want of a reactor.
        let runtime = tokio::runtime::Handle::try_current().ok();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let _entered = runtime.as_ref().map(|r| r.enter());
                writer(conn, rx, &gauge)
            })
            .map_err(|e| AppError::Internal(format!("writer thread: {e}")))?;
        Ok(SqliteDb {
            queue,
            readers: Arc::new(Readers {
                file: file.to_owned(),
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(READERS)),
            }),
            queued,
        })
    }

    pub(super) async fn write<T: Send + 'static>(&self, body: Body<T>) -> Result<T, AppError> {
        let body = boxed(move |tx| {
            Box::pin(async move { body(tx).await.map(|t| Box::new(t) as Box<dyn Any + Send>) })
        });
        let (reply, answer) = oneshot::channel();
        self.queued.fetch_add(1, Ordering::Relaxed);
        self.queue
            .send(Job { body, reply })
            .await
            .map_err(|_| AppError::Internal("the SQLite writer has stopped".into()))?;
        let out = answer
            .await
            .map_err(|_| AppError::Internal("the SQLite writer dropped a job".into()))??;
        out.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| AppError::Internal("writer result of the wrong type".into()))
    }

    pub(super) async fn read<T: Send + 'static>(&self, body: Body<T>) -> Result<T, AppError> {
        let permit = self
            .readers
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal("the SQLite readers are closed".into()))?;
        // Run on this worker thread: read bodies are bounded (lookups by key, pages of at
        // most 200 rows) and take microseconds in SQLite, less than a hop to the blocking
        // pool and back (docs/benchmarks.md, `GET /api/v1/me`).
        let out = self.readers.run(body);
        drop(permit);
        out
    }

    /// (name, size, queued or idle) for `/metrics`.
    pub(super) fn stats(&self) -> Vec<(&'static str, u32, usize)> {
        let idle = self.readers.idle.lock().map(|v| v.len()).unwrap_or(0);
        vec![
            (
                "sqlite_writer_queue",
                1,
                self.queued.load(Ordering::Relaxed),
            ),
            ("sqlite_read", READERS as u32, idle),
        ]
    }

    pub(super) fn close(&self) {
        self.readers.permits.close();
        if let Ok(mut idle) = self.readers.idle.lock() {
            idle.clear();
        }
    }
}

impl Readers {
    fn run<T>(&self, body: Body<T>) -> Result<T, AppError> {
        let conn = match self.idle.lock().ok().and_then(|mut v| v.pop()) {
            Some(c) => c,
            None => open_reader(&self.file)?,
        };
        // One snapshot for the whole body.
        conn.execute_batch("BEGIN").map_err(StoreError::from)?;
        let mut tx = Tx {
            inner: TxInner::Sqlite(conn),
        };
        let out = poll_once(body(&mut tx));
        let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
        if let TxInner::Sqlite(conn) = tx.inner
            && conn.execute_batch(end).is_ok()
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.push(conn);
        }
        out
    }
}

/// Polls a body once. SQLite calls complete synchronously, so a body that is still
/// pending waited on something else: refused, because it would stall every other caller.
/// A body that panics fails alone (its savepoint is rolled back); the writer lives on.
fn poll_once<T>(mut fut: BoxFuture<'_, Result<T, AppError>>) -> Result<T, AppError> {
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        fut.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    }));
    match polled {
        Ok(Poll::Ready(out)) => out,
        Ok(Poll::Pending) => Err(AppError::Internal(
            "a transaction body awaited something other than the database".into(),
        )),
        Err(_) => Err(AppError::Internal("a transaction body panicked".into())),
    }
}

fn writer(conn: Connection, mut rx: mpsc::Receiver<Job>, queued: &AtomicUsize) {
    let mut tx = Tx {
        inner: TxInner::Sqlite(conn),
    };
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        queued.fetch_sub(batch.len(), Ordering::Relaxed);
        for (reply, out) in commit_batch(&mut tx, &mut batch) {
            // A caller that went away (timeout, disconnect) still had its work committed.
            let _ = reply.send(out);
        }
    }
}

fn raw(tx: &Tx, sql: &str) -> Result<(), StoreError> {
    match &tx.inner {
        TxInner::Sqlite(c) => Ok(c.execute_batch(sql)?),
        _ => Err(StoreError::Other("not an SQLite transaction".into())),
    }
}

fn commit_batch(tx: &mut Tx, batch: &mut Vec<Job>) -> Vec<(oneshot::Sender<AnyOut>, AnyOut)> {
    let mut done = Vec::with_capacity(batch.len());
    if let Err(e) = raw(tx, "BEGIN IMMEDIATE") {
        for job in batch.drain(..) {
            done.push((job.reply, Err(AppError::Store(e.clone()))));
        }
        return done;
    }
    for job in batch.drain(..) {
        let out = match raw(tx, "SAVEPOINT job") {
            Ok(()) => {
                let body = job.body;
                let out = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(tx)))
                {
                    Ok(fut) => poll_once(fut),
                    Err(_) => Err(AppError::Internal("a transaction body panicked".into())),
                };
                let end = if out.is_ok() {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                match raw(tx, end) {
                    Ok(()) => out,
                    Err(e) => Err(AppError::Store(e)),
                }
            }
            Err(e) => Err(AppError::Store(e)),
        };
        done.push((job.reply, out));
    }
    if let Err(e) = raw(tx, "COMMIT") {
        let _ = raw(tx, "ROLLBACK");
        // Nothing of the batch is durable: every caller hears so, none sees success.
        for (_, out) in &mut done {
            *out = Err(AppError::Store(e.clone()));
        }
    }
    done
}

fn prepare<'c>(
    c: &'c Connection,
    sql: &str,
    params: &[Value<'_>],
) -> Result<CachedStatement<'c>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    // SQLite numbers `$N` parameters in order of first appearance, not by N, so each is
    // bound by its name.
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|n| (1..=params.len()).contains(n))
            .ok_or_else(|| StoreError::Other(format!("parameter {i} of `{sql}` is unbound")))?;
        match params[n - 1] {
            Value::Int(v) => stmt.raw_bind_parameter(i, v)?,
            Value::Text(v) => stmt.raw_bind_parameter(i, v)?,
            Value::Bool(v) => stmt.raw_bind_parameter(i, v)?,
            Value::Bytes(v) => stmt.raw_bind_parameter(i, v)?,
        }
    }
    Ok(stmt)
}

pub(super) fn query(
    c: &Connection,
    sql: &str,
    params: &[Value<'_>],
) -> Result<Vec<Row>, StoreError> {
    let mut stmt = prepare(c, sql, params)?;
    let width = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            cells.push(match r.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Real(v) => Cell::Real(v),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
            });
        }
        out.push(Row(cells));
    }
    Ok(out)
}

pub(super) fn execute(c: &Connection, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
    let mut stmt = prepare(c, sql, params)?;
    Ok(stmt.raw_execute()? as u64)
}
