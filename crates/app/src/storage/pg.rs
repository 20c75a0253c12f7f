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
