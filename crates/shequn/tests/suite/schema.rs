//! The SQLite and PostgreSQL migrations must build the same tables with the same columns,
//! so that one SQL text serves both engines.

use std::collections::BTreeSet;

use shequn_app::{Db, DbConfig};
use sqlx::{Connection, PgConnection, SqliteConnection};

#[tokio::test]
async fn sqlite_and_postgres_schemas_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = Db::open(&DbConfig::SqliteDir(dir.path().to_owned()))
        .await
        .expect("sqlite migrates");
    sqlite.close().await;
    let Some(pg_url) = crate::pg::fresh_database().await else {
        return;
    };
    let pg = Db::open(&DbConfig::Postgres(pg_url.clone()))
        .await
        .expect("postgres migrates");
    pg.close().await;

    let file = format!("sqlite://{}", dir.path().join("shequn.db").display());
    let mut c = SqliteConnection::connect(&file).await.expect("open sqlite");
    let sqlite_cols: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%'",
    )
    .fetch_all(&mut c)
    .await
    .expect("sqlite columns")
    .into_iter()
    .collect();

    let mut c = PgConnection::connect(&pg_url).await.expect("open postgres");
    let pg_cols: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .expect("postgres columns")
    .into_iter()
    .collect();

    assert!(
        sqlite_cols.len() > 30,
        "the foundation schema has its tables: {sqlite_cols:?}"
    );
    assert_eq!(sqlite_cols, pg_cols, "SQLite and PostgreSQL schemas differ");
}
