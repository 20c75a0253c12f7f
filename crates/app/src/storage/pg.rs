//! PostgreSQL behind [`super::db::Db`]: binding [`Value`]s and decoding rows with sqlx, and
//! the transaction runners.
//!
//! Each write body runs in its own transaction on the pool, awaited by its caller.
//! PostgreSQL already groups the WAL flushes of concurrent commits, and a body's
//! statements are network round trips, so funnelling many bodies through one connection
//! would serialise them; `shequn bench write-path --database-url postgres://…` measures
//! both (docs/benchmarks.md). Correctness with several app servers comes from the
//! database: conditional updates and row locks, never from this process's memory.

use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Column, Postgres, Row as _, TypeInfo};

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use super::db::{Body, Tx, TxInner};
use super::sql::{Cell, Row, StoreError, Value};
use crate::AppError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub(super) async fn migrate(pool: &PgPool) -> Result<(), AppError> {
    MIGRATIONS
        .run(pool)
        .await
        .map_err(|e| AppError::Internal(format!("migrations: {e}")))
}

pub(super) async fn write<T>(pool: &PgPool, body: Body<T>) -> Result<T, AppError> {
    let t = pool.begin().await.map_err(StoreError::from)?;
    let mut tx = Tx {
        inner: TxInner::PgTx(t),
    };
    let out = body(&mut tx).await?;
    if let TxInner::PgTx(t) = tx.inner {
        t.commit().await.map_err(StoreError::from)?;
    }
    Ok(out)
}

/// Reads run on a pooled connection without an explicit transaction: each statement sees
/// its own snapshot (READ COMMITTED), which is all the read use cases need.
pub(super) async fn read<T>(pool: &PgPool, body: Body<T>) -> Result<T, AppError> {
    let c = pool.acquire().await.map_err(StoreError::from)?;
    let mut tx = Tx {
        inner: TxInner::PgConn(c),
    };
    body(&mut tx).await
}

fn bind<'q>(sql: &str, params: &[Value<'q>]) -> Query<'q, Postgres, PgArguments> {
    let mut q = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for p in params {
        q = match *p {
            Value::Int(v) => q.bind(v),
            Value::Text(v) => q.bind(v),
            Value::Bool(v) => q.bind(v),
            Value::Bytes(v) => q.bind(v),
        };
    }
    q
}

fn decode(row: &PgRow) -> Result<Row, StoreError> {
    let mut cells = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let cell = match col.type_info().name() {
            "INT8" => row.try_get::<Option<i64>, _>(i)?.map(Cell::Int),
            "INT4" => row
                .try_get::<Option<i32>, _>(i)?
                .map(|v| Cell::Int(v.into())),
            "INT2" => row
                .try_get::<Option<i16>, _>(i)?
                .map(|v| Cell::Int(v.into())),
            "BOOL" => row.try_get::<Option<bool>, _>(i)?.map(Cell::Bool),
            "FLOAT8" => row.try_get::<Option<f64>, _>(i)?.map(Cell::Real),
            "BYTEA" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Cell::Bytes),
            _ => row.try_get::<Option<String>, _>(i)?.map(Cell::Text),
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}

pub(super) async fn query(
    c: &mut PgConnection,
    sql: &str,
    params: &[Value<'_>],
) -> Result<Vec<Row>, StoreError> {
    let rows = bind(sql, params).fetch_all(c).await?;
    rows.iter().map(decode).collect()
}

pub(super) async fn execute(
    c: &mut PgConnection,
    sql: &str,
    params: &[Value<'_>],
) -> Result<u64, StoreError> {
    Ok(bind(sql, params).execute(c).await?.rows_affected())
}

/// The alternative the decision above was measured against (used only by
/// `shequn bench write-path`): group commit on PostgreSQL, `workers` connections each
/// taking what has queued (up to [`BATCH`]), a SAVEPOINT per body, one COMMIT per batch,
/// every caller answered after it.
pub struct PgBatcher {
    queue: mpsc::Sender<Queued>,
}

/// The most bodies one batch commits.
const BATCH: usize = 512;

type Reply = oneshot::Sender<Result<(), AppError>>;
type Queued = (Body<()>, Reply);

impl PgBatcher {
    pub fn start(pool: PgPool, workers: usize) -> Self {
        let (queue, rx) = mpsc::channel::<Queued>(4096);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..workers.max(1) {
            let (pool, rx) = (pool.clone(), rx.clone());
            tokio::spawn(async move {
                let mut batch = Vec::with_capacity(BATCH);
                loop {
                    if rx.lock().await.recv_many(&mut batch, BATCH).await == 0 {
                        return;
                    }
                    for (reply, out) in commit_batch(&pool, &mut batch).await {
                        let _ = reply.send(out);
                    }
                }
            });
        }
        PgBatcher { queue }
    }

    pub async fn write(&self, body: Body<()>) -> Result<(), AppError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((body, reply))
            .await
            .map_err(|_| AppError::Internal("the batcher has stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Internal("the batcher dropped a body".into()))?
    }
}

async fn commit_batch(
    pool: &PgPool,
    batch: &mut Vec<Queued>,
) -> Vec<(Reply, Result<(), AppError>)> {
    let mut done = Vec::with_capacity(batch.len());
    let mut tx = match pool.begin().await {
        Ok(t) => Tx {
            inner: TxInner::PgTx(t),
        },
        Err(e) => {
            let e = StoreError::from(e);
            for (_, reply) in batch.drain(..) {
                done.push((reply, Err(AppError::Store(e.clone()))));
            }
            return done;
        }
    };
    for (body, reply) in batch.drain(..) {
        let out = match tx.execute("SAVEPOINT job", &[]).await {
            Ok(_) => {
                let out = body(&mut tx).await;
                let end = if out.is_ok() {
                    "RELEASE SAVEPOINT job"
                } else {
                    "ROLLBACK TO SAVEPOINT job"
                };
                match tx.execute(end, &[]).await {
                    Ok(_) => out,
                    Err(e) => Err(AppError::Store(e)),
                }
            }
            Err(e) => Err(AppError::Store(e)),
        };
        done.push((reply, out));
    }
    let committed = match tx.inner {
        TxInner::PgTx(t) => t.commit().await.map_err(StoreError::from),
        _ => Err(StoreError::Other("not a PostgreSQL transaction".into())),
    };
    if let Err(e) = committed {
        for (_, out) in &mut done {
            *out = Err(AppError::Store(e.clone()));
        }
    }
    done
}
