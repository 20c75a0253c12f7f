//! The SQLite and PostgreSQL migrations must build the same schema, so that one SQL text
//! serves both engines: the same tables and columns with the same types and nullability,
//! the same keys, foreign keys and indexes.
//!
//! One difference is by design (ARCHITECTURE.md): a tenant table's key is
//! `PRIMARY KEY (brand_id, id)` on PostgreSQL and `id INTEGER PRIMARY KEY` (the rowid) plus
//! `UNIQUE (brand_id, id)` on SQLite. The SQLite side is normalised to the PostgreSQL form
//! before comparing; nothing else is.

use std::collections::{BTreeMap, BTreeSet};

use shequn_app::{Db, DbConfig};
use sqlx::{Connection, PgConnection, SqliteConnection};

/// (table, column) → (type, not null)
type Columns = BTreeSet<(String, String, String, bool)>;
/// table → key columns
type Keys = BTreeMap<String, Vec<String>>;
/// (table, columns, referenced table, referenced columns)
type ForeignKeys = BTreeSet<(String, String, String, String)>;
/// (table, columns, unique), primary keys excluded
type Indexes = BTreeSet<(String, String, bool)>;

#[derive(Debug, PartialEq)]
struct Schema {
    columns: Columns,
    keys: Keys,
    foreign_keys: ForeignKeys,
    indexes: Indexes,
}

/// One name per type family, as both engines spell it.
fn canonical_type(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "int8".into(),
        "text" => "text".into(),
        "boolean" | "bool" => "bool".into(),
        "bytea" | "blob" => "bytes".into(),
        other => other.into(),
    }
}

async fn sqlite_schema(file: &std::path::Path) -> Schema {
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("open sqlite");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
    )
    .fetch_all(&mut c)
    .await
    .expect("tables");
    let mut s = Schema {
        columns: Columns::new(),
        keys: Keys::new(),
        foreign_keys: ForeignKeys::new(),
        indexes: Indexes::new(),
    };
    for t in &tables {
        let cols: Vec<(String, String, bool, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(t)
        .fetch_all(&mut c)
        .await
        .expect("columns");
        let mut key: Vec<(i64, String)> = Vec::new();
        for (name, ty, not_null, pk) in cols {
            // A primary key column is NOT NULL on PostgreSQL even when not declared so.
            s.columns.insert((
                t.clone(),
                name.clone(),
                canonical_type(&ty),
                not_null || pk > 0,
            ));
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, n)| n).collect();
        let indexes: Vec<(String, bool, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
                .bind(t)
                .fetch_all(&mut c)
                .await
                .expect("indexes");
        let mut tenant_key = false;
        for (name, unique, origin) in indexes {
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&mut c)
                    .await
                    .expect("index columns");
            let cols = cols.join(",");
            if origin == "pk" {
                continue;
            }
            // The rowid table's stand-in for PostgreSQL's (brand_id, id) key.
            if key == ["id"] && unique && cols == "brand_id,id" {
                tenant_key = true;
                continue;
            }
            s.indexes.insert((t.clone(), cols, unique));
        }
        let key = if tenant_key {
            vec!["brand_id".to_owned(), "id".to_owned()]
        } else {
            key
        };
        s.keys.insert(t.clone(), key);
        let fks: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(t)
        .fetch_all(&mut c)
        .await
        .expect("foreign keys");
        let mut by_id: BTreeMap<i64, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        for (id, _, target, from, to) in fks {
            let e = by_id.entry(id).or_insert((target, Vec::new(), Vec::new()));
            e.1.push(from);
            // `REFERENCES brands` without columns means the target's key.
            e.2.push(to.unwrap_or_else(|| "id".into()));
        }
        for (_, (target, from, to)) in by_id {
            s.foreign_keys
                .insert((t.clone(), from.join(","), target, to.join(",")));
        }
    }
    s
}

async fn pg_schema(url: &str) -> Schema {
    let mut c = PgConnection::connect(url).await.expect("open postgres");
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .expect("postgres columns");
    let columns = cols
        .into_iter()
        .map(|(t, n, ty, nullable)| (t, n, canonical_type(&ty), nullable == "NO"))
        .collect();
    // Constraint and index columns in declared order.
    let key_cols = |rel: &str, arr: &str| {
        format!(
            "(SELECT string_agg(a.attname, ',' ORDER BY k.ord)
              FROM unnest({arr}) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"
        )
    };
    let sql = format!(
        "SELECT c.conrelid::regclass::text, c.contype::text, {}, c.confrelid::regclass::text, {}
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE n.nspname = 'public' AND c.contype IN ('p', 'f')
           AND c.conrelid::regclass::text NOT LIKE '\\_sqlx%'",
        key_cols("c.conrelid", "c.conkey"),
        key_cols("c.confrelid", "c.confkey"),
    );
    let constraints: Vec<(String, String, String, String, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut c)
            .await
            .expect("constraints");
    let mut keys = Keys::new();
    let mut foreign_keys = ForeignKeys::new();
    for (table, kind, cols, target, target_cols) in constraints {
        if kind == "p" {
            keys.insert(table, cols.split(',').map(str::to_owned).collect());
        } else {
            foreign_keys.insert((table, cols, target, target_cols.unwrap_or_default()));
        }
    }
    let sql = format!(
        "SELECT t.relname::text, {}, i.indisunique
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND NOT i.indisprimary AND t.relname NOT LIKE '\\_sqlx%'",
        key_cols("i.indrelid", "i.indkey::int2[]"),
    );
    let idx: Vec<(String, String, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .expect("indexes");
    Schema {
        columns,
        keys,
        foreign_keys,
        indexes: idx.into_iter().collect(),
    }
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match_in_columns_types_keys_and_indexes() {
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

    let lite = sqlite_schema(&dir.path().join("shequn.db")).await;
    let post = pg_schema(&pg_url).await;
    assert!(
        lite.columns.len() > 30,
        "the foundation schema has its tables: {:?}",
        lite.columns
    );
    assert!(!lite.foreign_keys.is_empty() && !lite.indexes.is_empty());
    assert_eq!(
        lite.columns, post.columns,
        "columns, types or nullability differ"
    );
    assert_eq!(lite.keys, post.keys, "primary keys differ");
    assert_eq!(lite.foreign_keys, post.foreign_keys, "foreign keys differ");
    assert_eq!(lite.indexes, post.indexes, "indexes differ");
}
