//! The production write interface on SQLite (`Db::write`, the writer thread): concurrent
//! bodies commit together, a failing body undoes only its own writes, every answered write
//! is durable and visible to readers, results reach the right caller, and a body that
//! waits on anything but the database is refused instead of stalling the batch.

use shequn_app::storage::sql::StoreError;
use shequn_app::{AppError, Db, DbConfig, params};
use shequn_domain::Refusal;

async fn db_with(dir: &std::path::Path, ddl: &'static str) -> Db {
    let db = Db::open(&DbConfig::SqliteDir(dir.to_owned()))
        .await
        .expect("open");
    db.write(move |tx| Box::pin(async move { Ok(tx.execute(ddl, &[]).await?) }))
        .await
        .expect("create table");
    db
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    db.read(move |tx| Box::pin(async move { Ok(tx.query_one(sql, &[]).await?.get(0)?) }))
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_bodies_commit_together_and_a_failing_body_undoes_only_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with(
        dir.path(),
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT NOT NULL, tag TEXT)",
    )
    .await;
    let mut tasks = Vec::new();
    for n in 0..300_i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    let id: i64 = tx
                        .query_one(
                            "INSERT INTO t (n, tag) VALUES ($1, $2) RETURNING id",
                            &params![n, "x"],
                        )
                        .await?
                        .get(0)?;
                    // Every seventh body fails after writing: its row must not survive.
                    if n % 7 == 0 {
                        return Err(AppError::Refused(Refusal::OutOfStock));
                    }
                    Ok((n, id))
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for (n, t) in (0..300_i64).zip(tasks) {
        match t.await.expect("task") {
            Ok((got, _)) => {
                assert_eq!(got, n, "each caller gets its own result");
                ok += 1;
            }
            Err(AppError::Refused(Refusal::OutOfStock)) => assert_eq!(n % 7, 0),
            Err(e) => panic!("unexpected error for {n}: {e}"),
        }
    }
    assert_eq!(ok, 300 - 43);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t").await, ok);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM t WHERE n % 7 = 0").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_constraint_violation_fails_its_body_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with(
        dir.path(),
        "CREATE TABLE u (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE)",
    )
    .await;
    let mut tasks = Vec::new();
    for n in 0..100_i64 {
        let db = db.clone();
        let k = format!("k{}", n % 50);
        tasks.push(tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    Ok(tx
                        .execute("INSERT INTO u (k) VALUES ($1)", &params![&k])
                        .await?)
                })
            })
            .await
        }));
    }
    let mut unique_refusals = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(changed) => assert_eq!(changed, 1),
            Err(AppError::Store(StoreError::Unique(_))) => unique_refusals += 1,
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(unique_refusals, 50);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM u").await, 50);
}

#[tokio::test]
async fn a_body_that_waits_on_something_else_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with(dir.path(), "CREATE TABLE v (id INTEGER PRIMARY KEY)").await;
    let slow = db
        .write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO v DEFAULT VALUES", &[]).await?;
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                Ok(())
            })
        })
        .await;
    assert!(
        matches!(slow, Err(AppError::Internal(ref m)) if m.contains("awaited")),
        "{slow:?}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM v").await, 0);
    // The writer carries on.
    db.write(|tx| {
        Box::pin(async move { Ok(tx.execute("INSERT INTO v DEFAULT VALUES", &[]).await?) })
    })
    .await
    .expect("a later write");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM v").await, 1);
}

#[tokio::test]
async fn parameters_bind_by_number_whatever_their_order_in_the_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with(dir.path(), "CREATE TABLE w (a TEXT, b BIGINT, c BOOLEAN)").await;
    let row = db
        .write(|tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO w (c, a, b) VALUES ($3, $1, $2)",
                    &params!["one", 2_i64, true],
                )
                .await?;
                let r = tx
                    .query_one(
                        "SELECT a, b, c FROM w WHERE b = $2 AND ($1 IS NULL OR a = $1)",
                        &params![None::<&str>, 2_i64],
                    )
                    .await?;
                Ok((r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<bool>(2)?))
            })
        })
        .await
        .expect("write and read back");
    assert_eq!(row, ("one".to_owned(), 2, true));
}

#[tokio::test]
async fn a_body_that_panics_fails_alone_and_the_writer_lives_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with(dir.path(), "CREATE TABLE p (id INTEGER PRIMARY KEY)").await;
    let crashed: Result<(), AppError> = db
        .write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO p DEFAULT VALUES", &[]).await?;
                let rows: Vec<i64> = Vec::new();
                // A bug in a body: indexing past the end.
                let _ = rows[usize::from(rows.is_empty())];
                Ok(())
            })
        })
        .await;
    assert!(
        matches!(crashed, Err(AppError::Internal(ref m)) if m.contains("panicked")),
        "{crashed:?}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM p").await, 0);
    db.write(|tx| {
        Box::pin(async move { Ok(tx.execute("INSERT INTO p DEFAULT VALUES", &[]).await?) })
    })
    .await
    .expect("the writer still writes");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM p").await, 1);
}
