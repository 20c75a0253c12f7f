//! Migrations: applied from an empty database on both engines, and a migration that fails
//! leaves the database exactly as it was.

use std::path::{Path, PathBuf};

use shequn_app::{Db, DbConfig};
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection, SqliteConnection};

const BROKEN: &str = "CREATE TABLE half_done (id BIGINT);\nINSERT INTO no_such_table VALUES (1);\n";

/// The engine's real migrations plus a broken one after them, in a temp dir.
fn migrations_with_a_broken_one(engine: &str) -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/migrations")
        .join(engine);
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(&src).expect("migrations dir") {
        let entry = entry.expect("dir entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy migration");
    }
    std::fs::write(dir.path().join("9999_broken.sql"), BROKEN).expect("write broken migration");
    let path = dir.path().to_owned();
    (dir, path)
}

#[tokio::test]
async fn failed_sqlite_migration_leaves_the_database_as_it_was() {
    let data = tempfile::tempdir().expect("temp dir");
    Db::open(&DbConfig::SqliteDir(data.path().to_owned()))
        .await
        .expect("migrates")
        .close()
        .await;
    let url = format!("sqlite://{}", data.path().join("shequn.db").display());
    let (_keep, dir) = migrations_with_a_broken_one("sqlite");
    let mut c = SqliteConnection::connect(&url).await.expect("open");
    let err = Migrator::new(dir.as_path())
        .await
        .expect("read migrations")
        .run(&mut c)
        .await;
    assert!(err.is_err(), "the broken migration must fail");
    let half: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'")
            .fetch_one(&mut c)
            .await
            .expect("query");
    assert_eq!(
        half, 0,
        "the failed migration's first statement was rolled back"
    );
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 9999")
            .fetch_one(&mut c)
            .await
            .expect("query");
    assert_eq!(recorded, 0);
    c.close().await.expect("close");
    // The real migrations still open the database.
    Db::open(&DbConfig::SqliteDir(data.path().to_owned()))
        .await
        .expect("reopens")
        .close()
        .await;
}

#[tokio::test]
async fn failed_postgres_migration_leaves_the_database_as_it_was() {
    let Some(url) = crate::pg::fresh_database().await else {
        return;
    };
    Db::open(&DbConfig::Postgres(url.clone()))
        .await
        .expect("migrates")
        .close()
        .await;
    let (_keep, dir) = migrations_with_a_broken_one("postgres");
    let mut c = PgConnection::connect(&url).await.expect("open");
    let err = Migrator::new(dir.as_path())
        .await
        .expect("read migrations")
        .run(&mut c)
        .await;
    assert!(err.is_err(), "the broken migration must fail");
    let half: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half_done'",
    )
    .fetch_one(&mut c)
    .await
    .expect("query");
    assert_eq!(
        half, 0,
        "the failed migration's first statement was rolled back"
    );
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 9999")
            .fetch_one(&mut c)
            .await
            .expect("query");
    assert_eq!(recorded, 0);
    c.close().await.expect("close");
    Db::open(&DbConfig::Postgres(url))
        .await
        .expect("reopens")
        .close()
        .await;
}
