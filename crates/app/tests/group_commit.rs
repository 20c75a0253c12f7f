//! Group commit: every caller is answered after its batch commits; a failing job undoes
//! only its own writes; results reach the right caller.

use shequn_app::AppError;
use shequn_app::storage::group_commit::GroupCommit;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

fn options(dir: &std::path::Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(dir.join("gc.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
}

/// A database with `schema`, and a group-commit writer that owns its write connection.
async fn writer_over(dir: &std::path::Path, schema: &'static str) -> GroupCommit {
    let mut setup = SqliteConnection::connect_with(&options(dir))
        .await
        .expect("open");
    sqlx::query(schema)
        .execute(&mut setup)
        .await
        .expect("create");
    setup.close().await.expect("close");
    GroupCommit::start(
        SqliteConnection::connect_with(&options(dir))
            .await
            .expect("open"),
    )
}

/// A count read over a fresh connection: what is committed, not what a writer holds.
async fn committed(dir: &std::path::Path, sql: &'static str) -> i64 {
    let mut check = SqliteConnection::connect_with(&options(dir))
        .await
        .expect("open");
    sqlx::query_scalar(sql)
        .fetch_one(&mut check)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_jobs_commit_together_and_a_failing_job_undoes_only_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let writer = writer_over(
        dir.path(),
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT NOT NULL UNIQUE)",
    )
    .await;

    let mut tasks = Vec::new();
    for n in 0..300_i64 {
        let w = writer.clone();
        tasks.push(tokio::spawn(async move {
            w.run(move |c| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (n) VALUES ($1)")
                        .bind(n)
                        .execute(&mut *c)
                        .await?;
                    if n % 50 == 7 {
                        // Wrote, then failed: this row must not survive.
                        return Err(AppError::invalid("n", format!("{n} is unlucky")));
                    }
                    Ok(n * 10)
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for (n, t) in tasks.into_iter().enumerate() {
        match t.await.expect("task") {
            Ok(v) => {
                assert_eq!(v, n as i64 * 10, "each caller gets its own result");
                ok += 1;
            }
            Err(AppError::Invalid { message, .. }) => {
                assert_eq!(message, format!("{n} is unlucky"))
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(ok, 300 - 6);

    // Answers came after COMMIT: a fresh connection sees exactly the successful rows.
    let rows = committed(dir.path(), "SELECT COUNT(*) FROM t").await;
    assert_eq!(rows, 294);
    let unlucky = committed(dir.path(), "SELECT COUNT(*) FROM t WHERE n % 50 = 7").await;
    assert_eq!(unlucky, 0);
}

#[tokio::test]
async fn a_constraint_violation_fails_its_job_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let writer = writer_over(dir.path(), "CREATE TABLE t (n BIGINT PRIMARY KEY)").await;
    let insert = |n: i64| {
        let w = writer.clone();
        async move {
            w.run(move |c| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (n) VALUES ($1)")
                        .bind(n)
                        .execute(&mut *c)
                        .await?;
                    Ok(())
                })
            })
            .await
        }
    };
    let (a, b, c) = tokio::join!(insert(1), insert(1), insert(2));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "one of the duplicates wins"
    );
    assert!(c.is_ok());
    let rows = committed(dir.path(), "SELECT COUNT(*) FROM t").await;
    assert_eq!(rows, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_writer_thread_keeps_the_same_contract() {
    use shequn_app::storage::writer_thread::{self, WriterThread, internal};
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = writer_thread::open(&dir.path().join("gc.db")).expect("open");
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT NOT NULL UNIQUE)")
        .expect("create");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("synchronous");
    assert_eq!(
        sync, 2,
        "synchronous=FULL: an answered write survives power loss"
    );
    let writer = WriterThread::start(conn).expect("start");

    let mut tasks = Vec::new();
    for n in 0..300_i64 {
        let w = writer.clone();
        tasks.push(tokio::spawn(async move {
            w.run(move |c| {
                c.execute("INSERT INTO t (n) VALUES (?1)", [n])
                    .map_err(internal)?;
                if n % 50 == 7 {
                    return Err(AppError::invalid("n", format!("{n} is unlucky")));
                }
                Ok(n * 10)
            })
            .await
        }));
    }
    let mut ok = 0;
    for (n, t) in tasks.into_iter().enumerate() {
        match t.await.expect("task") {
            Ok(v) => {
                assert_eq!(v, n as i64 * 10);
                ok += 1;
            }
            Err(AppError::Invalid { message, .. }) => {
                assert_eq!(message, format!("{n} is unlucky"))
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(ok, 294);
    let rows = committed(dir.path(), "SELECT COUNT(*) FROM t").await;
    assert_eq!(
        rows, 294,
        "answered means committed: a separate connection sees every row"
    );
}
