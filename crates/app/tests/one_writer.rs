//! There is one write path: outside `storage/sqlite.rs` (the writer thread and its readers)
//! and the benchmark's measured baselines, no code opens an SQLite connection or pool, and
//! no use case or storage module reaches for a driver directly.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_writer_module_opens_sqlite_and_use_cases_use_no_driver() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("app/src"), &mut files);
    rust_files(&root.join("shequn/src"), &mut files);
    assert!(files.len() > 40, "found the sources: {}", files.len());
    let opens = [
        "Connection::open",
        "SqliteConnection::connect",
        "SqlitePool",
        "PoolOptions::<sqlx::Sqlite>",
    ];
    let allowed = |p: &Path| {
        let p = p.to_string_lossy();
        p.ends_with("storage/sqlite.rs") || p.contains("/bench/")
    };
    let mut offenders = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        let p = f.to_string_lossy();
        if !allowed(f) && opens.iter().any(|o| text.contains(o)) {
            offenders.push(format!("{p}: opens an SQLite connection"));
        }
        let driver_layer = ["sqlite.rs", "pg.rs", "sql.rs", "db.rs"]
            .iter()
            .any(|f| p.ends_with(f));
        let domain_layer = p.contains("/usecases/") || (p.contains("/storage/") && !driver_layer);
        if domain_layer && (text.contains("sqlx::") || text.contains("rusqlite::")) {
            offenders.push(format!("{p}: uses a driver instead of storage::db::Tx"));
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
