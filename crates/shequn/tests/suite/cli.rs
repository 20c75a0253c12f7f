//! The operator CLI, run as the real binary: creating a brand with its first admin,
//! listing brands, migrating twice, and the documented options.

use std::process::Stdio;

use shequn_app::usecases::auth;
use shequn_app::{Db, DbConfig};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_shequn");

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `shequn ARGS` against `db_args`, writing `stdin` to it.
async fn shequn(args: &[&str], db_args: &[String], stdin: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .args(db_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the shequn binary runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("shequn finishes");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn brand_create_makes_a_tenant_whose_admin_can_sign_in(
    config: DbConfig,
    db_args: Vec<String>,
) {
    let create = [
        "brand",
        "create",
        "--slug",
        "acme",
        "--name",
        "Acme 好物",
        "--admin-email",
        "Boss@Acme.test",
        "--admin-name",
        "老板",
    ];
    let short = shequn(&create, &db_args, "short\n").await;
    assert!(!short.ok);
    assert!(short.stderr.contains("admin_password"), "{}", short.stderr);

    let made = shequn(&create, &db_args, "a-strong-password-2026\n").await;
    assert!(made.ok, "{}", made.stderr);
    assert!(
        made.stdout.contains("Created brand acme"),
        "{}",
        made.stdout
    );

    let again = shequn(&create, &db_args, "a-strong-password-2026\n").await;
    assert!(
        !again.ok,
        "a second brand with the same slug must be refused"
    );
    assert!(again.stderr.contains("slug"), "{}", again.stderr);

    let list = shequn(&["brand", "list"], &db_args, "").await;
    assert!(
        list.ok && list.stdout.contains("acme") && list.stdout.contains("Acme 好物"),
        "{}",
        list.stdout
    );
    assert!(
        shequn(&["migrate"], &db_args, "").await.ok,
        "migrating an up-to-date database is a no-op"
    );

    let db = Db::open(&config)
        .await
        .expect("open the database the CLI wrote");
    let admin = auth::check_credentials(&db, "boss@acme.test", "a-strong-password-2026", None)
        .await
        .expect("the new admin signs in");
    assert_eq!(admin.role.as_str(), "brand_admin");
    assert_eq!(admin.display_name, "老板");
    db.close().await;
}

#[tokio::test]
async fn sqlite_brand_create_makes_a_tenant_whose_admin_can_sign_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    brand_create_makes_a_tenant_whose_admin_can_sign_in(
        DbConfig::SqliteDir(dir.path().to_owned()),
        args,
    )
    .await;
}

#[tokio::test]
async fn postgres_brand_create_makes_a_tenant_whose_admin_can_sign_in() {
    let Some(url) = crate::pg::fresh_database().await else {
        return;
    };
    let args = vec!["--database-url".to_owned(), url.clone()];
    brand_create_makes_a_tenant_whose_admin_can_sign_in(DbConfig::Postgres(url), args).await;
}

#[tokio::test]
async fn every_data_command_documents_the_same_database_options_and_their_env_vars() {
    for cmd in [
        &["serve"][..],
        &["migrate"],
        &["demo"],
        &["brand", "create"],
        &["brand", "list"],
        &["wecom", "set"],
        &["import", "customers"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = shequn(&args, &[], "").await;
        assert!(help.ok, "{cmd:?} --help");
        for needle in [
            "--data-dir",
            "SHEQUN_DATA_DIR",
            "--database-url",
            "SHEQUN_DATABASE_URL",
        ] {
            assert!(
                help.stdout.contains(needle),
                "{cmd:?} --help lacks {needle}:\n{}",
                help.stdout
            );
        }
    }
    let serve = shequn(&["serve", "--help"], &[], "").await.stdout;
    for needle in [
        "--addr",
        "SHEQUN_ADDR",
        "--demo",
        "127.0.0.1:8080",
        "./shequn-data",
    ] {
        assert!(serve.contains(needle), "serve --help lacks {needle}");
    }
    let bad = shequn(&["migrate", "--database-url", "mysql://x"], &[], "").await;
    assert!(
        !bad.ok && bad.stderr.contains("postgres://"),
        "{}",
        bad.stderr
    );
}

async fn importing_stores_is_all_or_nothing_and_idempotent(config: DbConfig, db_args: Vec<String>) {
    assert!(
        shequn(&["demo"], &db_args, "").await.ok,
        "seed the demo brand"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "region,code,name,address\n西北大区,XA-001,西安钟楼店,西安市碑林区\n西北大区,XA 002,西安大雁塔店,\n西北大区,xa-001,重复编码店,\n",
    )
    .expect("write csv");
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "region,code,name,address\n西北大区,XA-001,西安钟楼店,西安市碑林区\n西北大区,XA-002,西安大雁塔店,\n华东大区,SH-001,上海南京西路旗舰店,上海市静安区南京西路 1266 号\n",
    )
    .expect("write csv");
    let path = |p: &std::path::Path| p.display().to_string();
    let import = |file: String, dry: bool| {
        let db_args = db_args.clone();
        async move {
            let mut args = vec![
                "import".to_owned(),
                "stores".to_owned(),
                "--brand".to_owned(),
                "demo".to_owned(),
                file,
            ];
            if dry {
                args.push("--dry-run".to_owned());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            shequn(&args, &db_args, "").await
        }
    };

    let refused = import(path(&bad), false).await;
    assert!(!refused.ok);
    assert!(
        refused.stderr.contains("line 3, column code"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("line 4, column code: 'XA-001' appears on an earlier line"),
        "{}",
        refused.stderr
    );

    let expected = "3 lines: 1 regions created, 2 stores created, 1 updated, 0 unchanged.";
    let dry = import(path(&good), true).await;
    assert!(
        dry.ok && dry.stdout.contains("Dry run") && dry.stdout.contains(expected),
        "{}{}",
        dry.stdout,
        dry.stderr
    );
    // Neither the refused file nor the dry run wrote anything: the real run finds it all new.
    let real = import(path(&good), false).await;
    assert!(
        real.ok && real.stdout.contains(expected),
        "{}{}",
        real.stdout,
        real.stderr
    );
    let again = import(path(&good), false).await;
    assert!(
        again
            .stdout
            .contains("0 regions created, 0 stores created, 0 updated, 3 unchanged."),
        "{}",
        again.stdout
    );
    let no_brand = shequn(
        &["import", "stores", "--brand", "nope", &path(&good)],
        &db_args,
        "",
    )
    .await;
    assert!(
        !no_brand.ok && no_brand.stderr.contains("no brand with slug 'nope'"),
        "{}",
        no_brand.stderr
    );

    let db = Db::open(&config).await.expect("open");
    let admin = auth::check_credentials(
        &db,
        "admin@demo.shequn.test",
        shequn_app::usecases::demo::DEMO_PASSWORD,
        None,
    )
    .await
    .expect("demo admin");
    let actor = shequn_app::usecases::actor::actor_of(&admin).expect("actor");
    let page = shequn_app::usecases::stores::list(
        &db,
        &actor,
        None,
        None,
        shequn_domain::Cursor::default(),
        shequn_domain::PageSize::MAX_PAGE,
    )
    .await
    .expect("stores");
    assert_eq!(page.items.len(), 14);
    assert!(
        page.items
            .iter()
            .any(|s| s.code == "SH-001" && s.name == "上海南京西路旗舰店")
    );
    let log = shequn_app::usecases::audit::list(
        &db,
        &actor,
        shequn_domain::Cursor::default(),
        shequn_domain::PageSize::MAX_PAGE,
    )
    .await
    .expect("audit");
    assert_eq!(
        log.items.len(),
        4,
        "region + 2 stores created + 1 updated, once"
    );
    assert!(log.items.iter().all(|e| e.actor_staff_id.is_none()));
    db.close().await;
}

#[tokio::test]
async fn sqlite_importing_stores_is_all_or_nothing_and_idempotent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    importing_stores_is_all_or_nothing_and_idempotent(
        DbConfig::SqliteDir(dir.path().to_owned()),
        args,
    )
    .await;
}

#[tokio::test]
async fn postgres_importing_stores_is_all_or_nothing_and_idempotent() {
    let Some(url) = crate::pg::fresh_database().await else {
        return;
    };
    let args = vec!["--database-url".to_owned(), url.clone()];
    importing_stores_is_all_or_nothing_and_idempotent(DbConfig::Postgres(url), args).await;
}

/// A customer file of `n` lines (header order shuffled on purpose), with `bad` lines
/// replaced by broken ones.
fn customer_csv(n: usize, bad: &[usize]) -> String {
    let mut out =
        String::from("nickname,external_id,phone,channel,invited_by,tags,joined_at,community\n");
    for i in 0..n {
        let line = if bad.contains(&i) {
            match i % 3 {
                0 => format!("坏号码{i},imp-{i},12345,import,,,,"),
                1 => format!("坏渠道{i},imp-{i},,tv,,,,"),
                _ => format!("坏日期{i},imp-{i},,event,,,yesterday,"),
            }
        } else {
            let phone = format!("139{i:08}");
            let invited = if i > 0 && i % 10 == 0 {
                format!("imp-{}", i - 1)
            } else {
                String::new()
            };
            let community = if i % 100 == 0 {
                "上海南京西路店福利群"
            } else {
                ""
            };
            format!(
                "导入顾客{i},imp-{i},{phone},new_media,{invited},宝妈|学生,2026-11-01,{community}"
            )
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

async fn importing_customers_is_all_or_nothing_and_idempotent(db_args: Vec<String>) {
    assert!(
        shequn(&["demo"], &db_args, "").await.ok,
        "seed the demo brand"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, customer_csv(10_000, &[18, 4_000, 9_998])).expect("write csv");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, customer_csv(10_000, &[])).expect("write csv");
    let import = |file: &std::path::Path, dry: bool| {
        let db_args = db_args.clone();
        let file = file.display().to_string();
        async move {
            let mut args = vec!["import", "customers", "--brand", "demo", file.as_str()];
            if dry {
                args.push("--dry-run");
            }
            shequn(&args, &db_args, "").await
        }
    };
    let refused = import(&bad, false).await;
    assert!(!refused.ok);
    // Lines are numbered from the header (line 1): data row i is line i + 2.
    for expected in [
        "line 20, column phone",
        "line 4002, column channel",
        "line 10000, column joined_at",
    ] {
        assert!(
            refused.stderr.contains(expected),
            "{expected}: {}",
            refused.stderr
        );
    }
    assert!(
        refused
            .stderr
            .contains("3 line(s) are invalid; nothing was imported"),
        "{}",
        refused.stderr
    );

    let dry = import(&good, true).await;
    assert!(
        dry.ok
            && dry.stdout.contains("Dry run")
            && dry
                .stdout
                .contains("10000 lines: 10000 customers created, 0 updated"),
        "{}{}",
        dry.stdout,
        dry.stderr
    );
    let real = import(&good, false).await;
    assert!(
        real.ok
            && real
                .stdout
                .contains("10000 customers created, 0 updated, 100 joined a community"),
        "{}{}",
        real.stdout,
        real.stderr
    );
    let again = import(&good, false).await;
    assert!(
        again.ok
            && again
                .stdout
                .contains("0 customers created, 10000 updated, 0 joined a community"),
        "{}{}",
        again.stdout,
        again.stderr
    );
    let extra = dir.path().join("extra.csv");
    std::fs::write(
        &extra,
        "external_id,nickname,phone,channel,invited_by,tags,joined_at,community,age\n",
    )
    .expect("write csv");
    let refused = import(&extra, false).await;
    assert!(
        !refused.ok && refused.stderr.contains("column 'age' is not one of"),
        "{}",
        refused.stderr
    );
    let missing = dir.path().join("missing.csv");
    std::fs::write(&missing, "external_id,nickname\nx,y\n").expect("write csv");
    let refused = import(&missing, false).await;
    assert!(
        !refused.ok && refused.stderr.contains("the header has no column 'phone'"),
        "{}",
        refused.stderr
    );
}

#[tokio::test]
async fn sqlite_importing_customers_is_all_or_nothing_and_idempotent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    importing_customers_is_all_or_nothing_and_idempotent(args).await;
}

#[tokio::test]
async fn postgres_importing_customers_is_all_or_nothing_and_idempotent() {
    let Some(url) = crate::pg::fresh_database().await else {
        return;
    };
    importing_customers_is_all_or_nothing_and_idempotent(vec!["--database-url".to_owned(), url])
        .await;
}

/// `shequn wecom set` stores a brand's callback settings (checked first), which the
/// callback endpoint then opens messages with; the token and key come from the
/// environment so they stay out of `ps`.
#[tokio::test]
async fn wecom_set_configures_a_brands_callback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    let made = shequn(
        &[
            "brand",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.test",
        ],
        &db_args,
        "a-long-enough-password\n",
    )
    .await;
    assert!(made.ok, "{}", made.stderr);
    let key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    let run = |brand: &'static str, key: &'static str| {
        let db_args = db_args.clone();
        async move {
            let mut child = Command::new(BIN)
                .args([
                    "wecom",
                    "set",
                    "--brand",
                    brand,
                    "--corp-id",
                    "wx5823bf96d3bd56c7",
                ])
                .args(&db_args)
                .env("SHEQUN_WECOM_TOKEN", "QDG6eK")
                .env("SHEQUN_WECOM_AES_KEY", key)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the shequn binary runs");
            let _ = child.stdin.take();
            let out = child.wait_with_output().await.expect("shequn finishes");
            Run {
                ok: out.status.success(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        }
    };
    let bad = run("acme", "too-short").await;
    assert!(
        !bad.ok && bad.stderr.contains("encoding_aes_key"),
        "{}",
        bad.stderr
    );
    let nobody = run("nobody", key).await;
    assert!(!nobody.ok, "{}", nobody.stdout);
    let set = run("acme", key).await;
    assert!(set.ok, "{}", set.stderr);
    assert!(
        set.stdout.contains("/wecom/acme/callback"),
        "{}",
        set.stdout
    );
    assert!(!set.stdout.contains(key) && !set.stdout.contains("QDG6eK"));
    let db = Db::open(&DbConfig::SqliteDir(dir.path().to_owned()))
        .await
        .expect("open the database");
    let (_, crypto) = shequn_app::usecases::wecom::crypto_for(&db, "acme")
        .await
        .expect("read the settings")
        .expect("acme has WeCom settings");
    // WeCom's published sample: this key and token open its sample echostr.
    let echo = crypto.encrypt("1616140317555161061", [5u8; 16]);
    assert_eq!(
        crypto.decrypt(&echo).expect("round trip"),
        "1616140317555161061"
    );
    db.close().await;
}

/// `shequn verify` on a database with a brand and nothing sold: every check passes, and
/// what it looked at is printed.
#[tokio::test]
async fn verify_reports_each_check_on_a_clean_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_args = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    let made = shequn(
        &[
            "brand",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.test",
        ],
        &db_args,
        "a-long-enough-password\n",
    )
    .await;
    assert!(made.ok, "{}", made.stderr);
    let run = shequn(&["verify"], &db_args, "").await;
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok   stock:"), "{}", run.stdout);
    assert!(run.stdout.contains("ok   orders:"), "{}", run.stdout);
    assert!(run.stdout.contains("all invariants hold"), "{}", run.stdout);
}
