//! The `shequn` command line: `serve`, `migrate`, `demo`. Every subcommand that touches data
//! takes the same `--data-dir` / `--database-url` options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use shequn_app::usecases::{brands, demo, import};
use shequn_app::{AppError, Db, DbConfig};

use crate::http::state::{AppState, ServerOptions};

#[derive(Debug, Parser)]
#[command(
    name = "shequn",
    version,
    about = "shequn (社群): community commerce for brands, stores, shop guides and KOCs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and web console (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DbArgs),
    /// Seed the demo brands (slug `demo` and `other`) if absent, print the logins, and exit.
    Demo(DbArgs),
    /// Create and list brands (tenants).
    Brand {
        #[command(subcommand)]
        command: BrandCommand,
    },
    /// Import a brand's data from CSV files, all or nothing.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Check a database for the commerce invariants (stock, orders, idempotency); exits
    /// non-zero naming the first violations.
    Verify(DbArgs),
    /// WeCom (企业微信) callback settings of a brand.
    Wecom {
        #[command(subcommand)]
        command: WecomCommand,
    },
    /// Payment providers of a brand.
    Payments {
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// Measure this machine (run a release build: `cargo run --release -- bench …`).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Stores from a UTF-8 CSV with the header `region,code,name,address` (address may be
    /// empty). Codes already in the brand are updated, new ones opened; regions are found
    /// by name or created. Any invalid line aborts the whole import.
    Stores(ImportStoresArgs),
    /// Customers from a UTF-8 CSV whose header names the columns external_id, nickname,
    /// phone, channel, invited_by, tags, joined_at and community, in any order (no others).
    /// Tags are separated by `|`; `community` is a community's id or exact name; `joined_at`
    /// a date or RFC 3339 time. The whole file is checked first: any bad line refuses it,
    /// every bad line listed. Customers are matched by external id, so importing a file
    /// twice adds nobody.
    Customers(ImportStoresArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportStoresArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The brand's slug.
    #[arg(long)]
    pub brand: String,
    /// Report what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The CSV file.
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Durable checkout-shaped writes on SQLite: one commit per request against group
    /// commit, in one run. Uses a scratch database, never the product's.
    WritePath(WritePathArgs),
    /// The server end to end over loopback in one process: a no-op route (the baseline),
    /// an authenticated read and an authenticated durable write, in one run.
    Http(HttpBenchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct HttpBenchArgs {
    /// Seconds per route.
    #[arg(long, default_value_t = 8)]
    pub seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Run on this PostgreSQL database instead of a scratch SQLite file.
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct WritePathArgs {
    /// Checkouts per mode.
    #[arg(long, default_value_t = 20_000)]
    pub jobs: u64,
    /// Concurrent submitters.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Directory for the scratch databases (default: a new temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Also run the production write interface on this PostgreSQL database (in tables
    /// and a brand of the benchmark's own), at 1 and at `--concurrency` submitters.
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WecomCommand {
    /// Set the corp id, callback token and EncodingAESKey that WeCom's admin shows for the
    /// brand's callback URL (`/wecom/{slug}/callback`). The token and key may come from the
    /// environment, so they stay out of `ps` and shell history.
    Set(WecomSetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WecomSetArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The brand's slug.
    #[arg(long)]
    pub brand: String,
    /// The corp id (企业ID), which WeCom puts in every message as the receiver.
    #[arg(long)]
    pub corp_id: String,
    /// The callback token (letters and digits, up to 32).
    #[arg(long, env = "SHEQUN_WECOM_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The 43-character EncodingAESKey.
    #[arg(long, env = "SHEQUN_WECOM_AES_KEY", hide_env_values = true)]
    pub encoding_aes_key: String,
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// WeChat Pay API v3 (微信支付) merchant settings.
    Wechat {
        #[command(subcommand)]
        command: WechatPayCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum WechatPayCommand {
    /// Set the brand's merchant id, app id, merchant certificate serial, merchant private
    /// key, APIv3 key and platform certificates, replacing earlier ones. The keys are read
    /// from files (never from the command line) and stored sealed with the server's secret
    /// key (`SHEQUN_SECRET_KEY` or `secret.key` in the data directory); nothing secret is
    /// printed.
    Set(WechatPaySetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WechatPaySetArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The brand's slug.
    #[arg(long)]
    pub brand: String,
    /// The merchant id (商户号).
    #[arg(long)]
    pub mchid: String,
    /// The app id (公众号 / 小程序 AppID) payments are made in.
    #[arg(long)]
    pub appid: String,
    /// Serial of the merchant's API certificate (商户API证书序列号).
    #[arg(long)]
    pub serial: String,
    /// The merchant's API private key, PEM (apiclient_key.pem).
    #[arg(long)]
    pub private_key: PathBuf,
    /// A file holding the 32-character APIv3 key.
    #[arg(long)]
    pub apiv3_key_file: PathBuf,
    /// A WeChat Pay platform certificate, PEM; repeat for each (1 to 8).
    #[arg(long, required = true)]
    pub platform_cert: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BrandCommand {
    /// Create a brand and its first brand admin. The admin's password (10-128 characters)
    /// is read from the first line of standard input, so it never shows in `ps` or history.
    Create(BrandCreateArgs),
    /// List every brand.
    List(DbArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BrandCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// URL-safe short name: 2-32 of a-z, 0-9 and '-'.
    #[arg(long)]
    pub slug: String,
    /// Display name, e.g. "百草味".
    #[arg(long)]
    pub name: String,
    /// Login email of the first brand admin.
    #[arg(long)]
    pub admin_email: String,
    /// Display name of the first brand admin.
    #[arg(long, default_value = "Brand admin")]
    pub admin_name: String,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory of the embedded SQLite database (used when no --database-url is given).
    #[arg(long, env = "SHEQUN_DATA_DIR", default_value = "./shequn-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:pass@host/db); replaces the embedded SQLite database.
    #[arg(long, env = "SHEQUN_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn config(&self) -> anyhow::Result<DbConfig> {
        match &self.database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DbConfig::Postgres(url.clone()))
            }
            Some(_) => bail!("--database-url must start with postgres:// or postgresql://"),
            None => Ok(DbConfig::SqliteDir(self.data_dir.clone())),
        }
    }

    /// The key that opens secrets stored in the database: `SHEQUN_SECRET_KEY`, else the
    /// file `secret.key` in the data directory (made when missing). Several app servers on
    /// one PostgreSQL must share it through the environment.
    pub fn seal_key(&self) -> anyhow::Result<shequn_app::sealed::SealKey> {
        if std::env::var_os(shequn_app::sealed::ENV_VAR).is_none() {
            std::fs::create_dir_all(&self.data_dir)
                .with_context(|| format!("could not create {}", self.data_dir.display()))?;
        }
        Ok(shequn_app::sealed::SealKey::from_env_or_dir(Some(
            &self.data_dir,
        ))?)
    }

    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(_) => "PostgreSQL".to_owned(),
            None => format!("SQLite in {}", self.data_dir.display()),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "SHEQUN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Seed the demo brands on first start and print their logins.
    #[arg(long, env = "SHEQUN_DEMO")]
    pub demo: bool,
    /// Mark cookies Secure (set when the console is served over HTTPS, e.g. behind a proxy).
    #[arg(long, env = "SHEQUN_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Login attempts allowed per account per minute.
    #[arg(long, env = "SHEQUN_LOGIN_PER_ACCOUNT_PER_MIN", default_value_t = 5)]
    pub login_per_account_per_min: u32,
    /// Login attempts allowed per client IP per minute.
    #[arg(long, env = "SHEQUN_LOGIN_PER_IP_PER_MIN", default_value_t = 30)]
    pub login_per_ip_per_min: u32,
    /// Log filter, e.g. `info` or `shequn=debug,tower_http=info`.
    #[arg(long, env = "SHEQUN_LOG", default_value = "info")]
    pub log: String,
    /// Log format.
    #[arg(long, env = "SHEQUN_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => {
            let database = open(&db).await?;
            database.close().await;
            println!("migrations applied ({})", db.describe());
            Ok(())
        }
        Command::Demo(db) => {
            let database = open(&db).await?;
            seed_demo(&database).await?;
            database.close().await;
            Ok(())
        }
        Command::Brand {
            command: BrandCommand::Create(args),
        } => create_brand(args).await,
        Command::Bench {
            command: BenchCommand::WritePath(args),
        } => bench_write_path(args).await,
        Command::Bench {
            command: BenchCommand::Http(args),
        } => bench_http(args).await,
        Command::Import {
            command: ImportCommand::Stores(args),
        } => import_stores(args).await,
        Command::Verify(db) => {
            let database = open(&db).await?;
            let result = shequn_app::usecases::verify::run(&database).await;
            database.close().await;
            let checks = result.map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut broken = 0;
            for c in &checks {
                let mark = if c.violations.is_empty() {
                    "ok  "
                } else {
                    "FAIL"
                };
                println!("{mark} {} ({} checked)", c.name, c.checked);
                for v in &c.violations {
                    println!("     - {v}");
                }
                broken += c.violations.len();
            }
            if broken > 0 {
                bail!("{broken} violation(s) found ({})", db.describe());
            }
            println!("all invariants hold ({})", db.describe());
            Ok(())
        }
        Command::Wecom {
            command: WecomCommand::Set(args),
        } => {
            let database = open(&args.db).await?;
            let settings = shequn_app::usecases::wecom::WecomSettings {
                corp_id: args.corp_id,
                token: args.token,
                encoding_aes_key: args.encoding_aes_key,
            };
            let result =
                shequn_app::usecases::wecom::set_for_slug(&database, &args.brand, settings).await;
            database.close().await;
            let status = result.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "WeCom callback set for brand {} (corp id {}); callback URL path: /wecom/{}/callback",
                args.brand, status.corp_id, args.brand
            );
            Ok(())
        }
        Command::Payments {
            command:
                PaymentsCommand::Wechat {
                    command: WechatPayCommand::Set(args),
                },
        } => set_wechat_pay(args).await,
        Command::Import {
            command: ImportCommand::Customers(args),
        } => import_customers(args).await,
        Command::Brand {
            command: BrandCommand::List(db),
        } => {
            let database = open(&db).await?;
            let rows = brands::list_all(&database)
                .await
                .context("listing brands")?;
            database.close().await;
            for b in rows {
                println!("{:>6}  {:<32}  {}", b.id, b.slug, b.name);
            }
            Ok(())
        }
    }
}

/// The columns `shequn import stores` reads, in any order.
#[derive(Debug, serde::Deserialize)]
struct StoreCsvRow {
    region: String,
    code: String,
    name: String,
    #[serde(default)]
    address: String,
}

fn read_store_csv(path: &std::path::Path) -> anyhow::Result<Vec<import::StoreLine>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = Vec::new();
    for (i, record) in reader.deserialize::<StoreCsvRow>().enumerate() {
        // Line 1 is the header; csv reports positions only for well-formed records.
        let row = record
            .with_context(|| format!("line {}: not a row of region,code,name,address", i + 2))?;
        lines.push(import::StoreLine {
            line: i as u64 + 2,
            region: row.region,
            code: row.code,
            name: row.name,
            address: row.address,
        });
        if lines.len() > import::MAX_LINES {
            bail!(
                "{} has more than {} lines; split it",
                path.display(),
                import::MAX_LINES
            );
        }
    }
    Ok(lines)
}

/// The customer lines of the file at `path` (see [`crate::customer_csv`]), with a
/// progress bar of the bytes read when stderr is a terminal.
fn read_customer_csv(
    path: &std::path::Path,
) -> anyhow::Result<Vec<shequn_app::usecases::import_customers::CustomerLine>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(progress_style("reading"));
    let read = crate::customer_csv::read(Counted {
        inner: file,
        bar: bar.clone(),
    });
    bar.finish_and_clear();
    read.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// A reader that advances a progress bar by the bytes it reads.
struct Counted<R> {
    inner: R,
    bar: indicatif::ProgressBar,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// The look of the CLI's progress bars: `what`, the bar, how far, how long so far.
fn progress_style(what: &str) -> indicatif::ProgressStyle {
    let template = format!("{what} [{{bar:40}}] {{percent:>3}}% ({{elapsed}})");
    indicatif::ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

async fn import_customers(args: ImportStoresArgs) -> anyhow::Result<()> {
    use shequn_app::usecases::import_customers;
    let started = std::time::Instant::now();
    let lines = read_customer_csv(&args.file)?;
    let count = lines.len();
    eprintln!("checking {count} lines, then importing them in one transaction…");
    let database = open(&args.db).await?;
    // Checking counts one per line, writing one more (see `customers_with_progress`); a
    // task polls the counter into the bar, which stays hidden when stderr is no terminal.
    let total = count as u64 * if args.dry_run { 1 } else { 2 };
    let progress = Arc::new(AtomicU64::new(0));
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(progress_style("importing"));
    let ticker = tokio::spawn({
        let bar = bar.clone();
        let progress = Arc::clone(&progress);
        async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
            loop {
                tick.tick().await;
                bar.set_position(progress.load(Ordering::Relaxed).min(total));
            }
        }
    });
    let result = import_customers::customers_with_progress(
        &database,
        &args.brand,
        lines,
        args.dry_run,
        progress,
    )
    .await;
    ticker.abort();
    bar.finish_and_clear();
    database.close().await;
    match result {
        Ok(r) => {
            println!(
                "{}{count} lines: {} customers created, {} updated, {} joined a community ({:.1} s).",
                if args.dry_run {
                    "Dry run, nothing written. "
                } else {
                    ""
                },
                r.created,
                r.updated,
                r.joined,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(import::ImportError::Lines(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            bail!("{} line(s) are invalid; nothing was imported", errors.len())
        }
        Err(e) => Err(e).context("importing customers"),
    }
}

async fn import_stores(args: ImportStoresArgs) -> anyhow::Result<()> {
    let lines = read_store_csv(&args.file)?;
    let database = open(&args.db).await?;
    let result = import::stores(&database, &args.brand, &lines, args.dry_run).await;
    database.close().await;
    match result {
        Ok(r) => {
            println!(
                "{}{} lines: {} regions created, {} stores created, {} updated, {} unchanged.",
                if args.dry_run {
                    "Dry run, nothing written. "
                } else {
                    ""
                },
                lines.len(),
                r.regions_created,
                r.created,
                r.updated,
                r.unchanged
            );
            Ok(())
        }
        Err(import::ImportError::Lines(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            bail!(
                "{} invalid line(s) in {}; nothing was imported",
                errors.len(),
                args.file.display()
            )
        }
        Err(e) => Err(e).context("importing stores"),
    }
}

async fn bench_write_path(args: WritePathArgs) -> anyhow::Result<()> {
    let scratch = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            None
        }
        None => Some(tempdir_in_temp()?),
    };
    let dir = args
        .dir
        .clone()
        .or_else(|| scratch.clone())
        .context("a scratch directory")?;
    println!(
        "| mode | jobs | concurrency | seconds | writes/s | p50 ms | p99 ms | rows stored | failed |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    use shequn_app::bench;
    let (jobs, conc) = (args.jobs, args.concurrency);
    let mut runs = vec![
        bench::one_commit_per_request(&dir, jobs, conc).await,
        bench::sqlx_group_commit(&dir, jobs, conc).await,
        bench::write_path_checkout(&dir, None, jobs, conc).await,
        bench::write_path_use_case(&dir, None, jobs, conc).await,
    ];
    if let Some(url) = args.database_url.as_deref() {
        // PostgreSQL groups concurrent commits itself: one submitter against many shows it.
        runs.push(bench::write_path_checkout(&dir, Some(url), jobs / 10, 1).await);
        runs.push(bench::write_path_checkout(&dir, Some(url), jobs, conc).await);
        runs.push(bench::pg_batched_checkout(&dir, url, jobs, conc, 1).await);
        // Batches on several connections hold row locks across bodies and deadlock on
        // shared rows (resolved after PostgreSQL's 1 s deadlock_timeout): a short run.
        runs.push(bench::pg_batched_checkout(&dir, url, jobs / 20, conc, 4).await);
        runs.push(bench::write_path_use_case(&dir, Some(url), jobs / 10, 1).await);
        runs.push(bench::write_path_use_case(&dir, Some(url), jobs, conc).await);
    }
    for r in runs {
        let r = r.context("benchmark run")?;
        println!(
            "| {} | {} | {} | {:.2} | {:.0} | {:.2} | {:.2} | {} | {} |",
            r.mode,
            r.jobs,
            r.concurrency,
            r.seconds,
            r.per_second,
            r.p50_ms,
            r.p99_ms,
            r.orders,
            r.failed
        );
    }
    if let Some(d) = scratch {
        let _ = std::fs::remove_dir_all(d);
    }
    Ok(())
}

async fn bench_http(args: HttpBenchArgs) -> anyhow::Result<()> {
    let dir = tempdir_in_temp()?;
    let reports = crate::bench_http::run(
        &dir,
        args.database_url.as_deref(),
        args.seconds,
        args.connections,
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let reports = reports?;
    let baseline = reports.first().map_or(1.0, |r| r.per_second.max(1.0));
    println!(
        "| route | connections | requests | requests/s | ÷ no-op | p50 ms | p99 ms | failures |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for r in &reports {
        println!(
            "| {} | {} | {} | {:.0} | {:.3} | {:.2} | {:.2} | {} |",
            r.route,
            args.connections,
            r.requests,
            r.per_second,
            r.per_second / baseline,
            r.p50_ms,
            r.p99_ms,
            r.failures
        );
    }
    if let Some(ingest) = reports.iter().find(|r| r.route.contains("activity")) {
        println!(
            "\nactivity ingest: {:.0} events/s ({} events a request)",
            ingest.per_second * crate::bench_http::EVENTS_PER_BATCH as f64,
            crate::bench_http::EVENTS_PER_BATCH
        );
    }
    Ok(())
}

/// A fresh directory under the system temp dir, named by process id.
fn tempdir_in_temp() -> anyhow::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("shequn-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

async fn create_brand(args: BrandCreateArgs) -> anyhow::Result<()> {
    let password = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await?
    .context("reading the admin password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let database = open(&args.db).await?;
    let input = brands::NewBrand {
        slug: args.slug,
        name: args.name,
        admin_email: args.admin_email,
        admin_name: args.admin_name,
        admin_password: password,
    };
    let result = brands::create_with_admin(&database, input).await;
    database.close().await;
    match result {
        Ok((brand, admin)) => {
            println!(
                "Created brand {} ({}), id {}; brand admin staff id {}.",
                brand.slug, brand.name, brand.id, admin
            );
            Ok(())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Refused(_))) => bail!("{e}"),
        Err(e) => Err(e).context("creating the brand"),
    }
}

/// `shequn payments wechat set`: files read, settings checked and stored sealed.
async fn set_wechat_pay(args: WechatPaySetArgs) -> anyhow::Result<()> {
    use shequn_app::usecases::wechat_pay::{self, WechatInput};
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("could not read {}", p.display()))
    };
    let private_key_pem = read(&args.private_key)?;
    let apiv3_key = read(&args.apiv3_key_file)?.trim().to_owned();
    let platform_certs_pem = args
        .platform_cert
        .iter()
        .map(read)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let seal = args.db.seal_key()?;
    let database = open(&args.db).await?;
    let input = WechatInput {
        mchid: args.mchid,
        appid: args.appid,
        serial: args.serial,
        private_key_pem,
        apiv3_key,
        platform_certs_pem,
    };
    let result = wechat_pay::set_config_for_brand(&database, &seal, &args.brand, input).await;
    database.close().await;
    let s = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "WeChat Pay set for brand {} (merchant {}, app {}, certificate serial {}; platform certificates {}); notification URL path: /pay/wechat/{}/notify",
        args.brand,
        s.mchid,
        s.appid,
        s.serial,
        s.platform_serials.join(", "),
        args.brand
    );
    Ok(())
}

async fn open(db: &DbArgs) -> anyhow::Result<Db> {
    Db::open(&db.config()?)
        .await
        .with_context(|| format!("could not open the database ({})", db.describe()))
}

async fn seed_demo(db: &Db) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let seeded = demo::seed(db).await.context("seeding demo data")?;
    let crowd = shequn_app::usecases::demo_crowd::seed(db)
        .await
        .context("seeding the demo's customers and activity")?;
    let crowd_took = started.elapsed();
    let history = shequn_app::usecases::demo_orders::seed(db)
        .await
        .context("seeding the demo's catalogue and orders")?;
    match (seeded, crowd) {
        (_, Some(c)) => println!(
            "Demo data seeded: {} more communities, {} customers, {} memberships, {} activity events ({:.1} s).",
            c.communities,
            c.customers,
            c.memberships,
            c.events,
            crowd_took.as_secs_f64()
        ),
        (true, None) => println!("Demo data seeded."),
        (false, None) => println!("Demo data already present."),
    }
    if let Some(h) = history {
        println!(
            "Demo orders seeded: {} products, {} orders ({} lines, {} payments, {} refunds, {} awaiting payment), {} stock movements ({:.1} s in all).",
            h.products,
            h.orders,
            h.lines,
            h.payments,
            h.refunds,
            h.pending,
            h.movements,
            started.elapsed().as_secs_f64()
        );
    }
    println!("Demo logins (password for all: {}):", demo::DEMO_PASSWORD);
    for (email, role, place) in demo::DEMO_LOGINS {
        println!("  {email:<34} {role:<15} {place}");
    }
    Ok(())
}

fn init_logging(filter: &str, format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // try_init: a second init (tests) is harmless.
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(&args.log, &args.log_format);
    let db = open(&args.db).await?;
    if args.demo {
        seed_demo(&db).await?;
    } else if brands::list_all(&db)
        .await
        .map(|b| b.is_empty())
        .unwrap_or(false)
    {
        println!(
            "No brands yet. Create one with `shequn brand create --slug … --name … --admin-email …` \
             (password on standard input), or start with --demo."
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("could not listen on {}", args.addr))?;
    let options = ServerOptions {
        login_per_account_per_min: args.login_per_account_per_min,
        login_per_ip_per_min: args.login_per_ip_per_min,
        secure_cookies: args.secure_cookies,
        seal: args.db.seal_key()?,
        ..ServerOptions::default()
    };
    let state = AppState::new(db.clone(), options);
    println!(
        "shequn listening on http://{} ({})",
        listener.local_addr()?,
        args.db.describe()
    );
    tracing::info!(addr = %args.addr, "listening");
    crate::http::serve(listener, state, shutdown_signal()).await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: draining requests");
}
