//! A throwaway PostgreSQL server for the integration tests.
//!
//! Every test gets its own empty database from [`fresh_database`], so tests
//! run in parallel without seeing each other's rows.
//!
//! Where the databases live:
//! - `SHEQUN_TEST_DATABASE_URL` set: on that server (the user in the URL must
//!   be allowed to `CREATE DATABASE`). The databases are left there.
//! - otherwise: on a private cluster that this test process starts on first
//!   use (`initdb` in a temporary directory, `postgres` on a free loopback
//!   port, durability switched off). It is stopped and its directory removed
//!   when the test process exits, however it exits.
//!
//! When PostgreSQL can't be found or started, the PostgreSQL half of the
//! suite is skipped with a loud warning, except under `CI=true`, where that
//! is a failure: CI must never pass on SQLite alone.

// Every test binary compiles this module, but not every one uses all of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::Connection as _;

/// Points the tests at an existing server instead of a private cluster.
const URL_ENV: &str = "SHEQUN_TEST_DATABASE_URL";

/// How long a fresh cluster may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Starts tried before giving up: postgres can lose its port to another
/// process between our probe of a free port and its own bind.
const START_ATTEMPTS: u32 = 3;

/// Keeps postgres running for exactly as long as the test process lives.
///
/// Its stdin is a pipe whose only writer is the test process. When the test
/// process exits (normally, by panic or by SIGKILL) the kernel closes that
/// pipe, `cat` sees end of file, and the script stops postgres with a fast
/// shutdown and removes the cluster directory.
///
/// The watcher reads stdin through fd 3 because a non-interactive shell gives
/// background commands /dev/null as stdin. If postgres exits on its own (for
/// example, the port was taken), the script exits at once and prints the end
/// of postgres's log on stderr, which the test process reads.
///
/// Arguments: `$1` binary directory, `$2` cluster directory, `$3` port.
const WRAPPER_SCRIPT: &str = r#"
bin=$1 dir=$2 port=$3
"$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c max_connections=400 \
    </dev/null >"$dir/postgres.log" 2>&1 &
pid=$!
exec 3<&0
{ cat <&3 >/dev/null; kill -INT "$pid"; } 2>/dev/null &
exec 3<&-
wait "$pid"
status=$?
log=$(tail -n 40 "$dir/postgres.log" 2>/dev/null)
rm -rf "$dir"
if [ "$status" -ne 0 ]; then
    printf 'postgres exited with status %s; the end of its log:\n%s\n' "$status" "$log" >&2
fi
exit "$status"
"#;

/// The server the tests use, decided once per test process.
struct Server {
    /// Connects to a database that always exists (`postgres` on our own cluster).
    url: String,
    /// The wrapper running our own cluster; `None` for an external server.
    /// It lives in a static and is never dropped, so its stdin pipe stays
    /// open until the process exits (see [`WRAPPER_SCRIPT`]).
    _cluster: Option<Child>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

/// Numbers the databases of this process.
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// A URL (`postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`, or
/// `SHEQUN_TEST_DATABASE_URL`) to a server where the tests may `CREATE
/// DATABASE`. `None` when PostgreSQL is unavailable outside CI; under CI
/// that panics instead.
///
/// Blocks while the cluster starts (a second or two, once per process).
pub fn server_url() -> Option<String> {
    url_or_skip(server())
}

/// Creates a fresh empty database with a unique name and returns its URL.
///
/// Returns `None` when PostgreSQL is unavailable outside CI (a warning is
/// printed once per test process). Panics with the reason when it is
/// unavailable under `CI=true`, and when the server is there but the
/// database can't be created.
pub async fn fresh_database() -> Option<String> {
    // Starting the cluster blocks; keep that off the test's async runtime.
    let found = tokio::task::spawn_blocking(server)
        .await
        .expect("starting the test PostgreSQL server panicked");
    let server_url = url_or_skip(found)?;

    let mut conn = connect(&server_url).await;
    let pid = std::process::id();
    let database_url = loop {
        let number = NEXT_DATABASE.fetch_add(1, Ordering::Relaxed);
        let name = format!("shequn_test_{pid}_{number}");
        // `name` is made of our own digits and underscores only, so quoting it is enough.
        let create = sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""));
        match sqlx::query(create).execute(&mut conn).await {
            Ok(_) => break with_database(&server_url, &name),
            // A shared server may still hold a database from an earlier run
            // whose process had the same id: move on to the next number.
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42P04") => {}
            Err(error) => panic!(
                "could not create test database {name} on {}: {error}",
                redacted(&server_url)
            ),
        }
    };
    // The database exists; failing to say goodbye politely changes nothing.
    let _ = conn.close().await;
    Some(database_url)
}

/// The server for this process, found or started on first use.
fn server() -> &'static Result<Server, String> {
    SERVER.get_or_init(|| {
        let server = find_or_start_server();
        if let Err(why) = &server
            && !is_ci()
        {
            warn_skipping(why);
        }
        server
    })
}

fn url_or_skip(server: &Result<Server, String>) -> Option<String> {
    match server {
        Ok(server) => Some(server.url.clone()),
        Err(why) if is_ci() => panic!(
            "\n\nPostgreSQL is required under CI=true, but it is not available:\n{why}\n\n\
             Install PostgreSQL (Debian: apt-get install postgresql) or set {URL_ENV}.\n"
        ),
        Err(_) => None,
    }
}

/// Whether this is a CI run, where skipping PostgreSQL must fail instead.
fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| {
        !value.is_empty() && value != "0" && !value.eq_ignore_ascii_case("false")
    })
}

fn warn_skipping(why: &str) {
    // Written to stderr directly rather than with eprintln!, which libtest
    // captures and shows only for failing tests: a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n\
         ==================== WARNING: POSTGRESQL TESTS SKIPPED ====================\n\
         {why}\n\
         Only SQLite is being tested. Install PostgreSQL (Debian: apt-get install\n\
         postgresql) or set {URL_ENV}. Under CI=true this is a failure.\n\
         ===========================================================================\n"
    );
}

fn find_or_start_server() -> Result<Server, String> {
    if let Ok(url) = std::env::var(URL_ENV)
        && !url.is_empty()
    {
        return Ok(Server {
            url,
            _cluster: None,
        });
    }

    let bin = find_bin_dir().ok_or_else(|| {
        "no PostgreSQL server binaries (initdb and postgres) in PATH or in /usr/lib/postgresql/*/bin"
            .to_owned()
    })?;
    let user = unprivileged_user()?;

    let mut failures = Vec::new();
    for _ in 0..START_ATTEMPTS {
        match start_cluster(&bin, user) {
            Ok(server) => return Ok(server),
            Err(StartError::Exited(why)) => failures.push(why),
            Err(StartError::Failed(why)) => return Err(why),
        }
    }
    Err(format!(
        "PostgreSQL exited during startup {START_ATTEMPTS} times:\n{}",
        failures.join("\n")
    ))
}

/// Finds the directory that holds `initdb` and `postgres`.
fn find_bin_dir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();

    // PATH first, so a developer chooses the version. Symlinks (such as
    // /usr/local/bin/initdb on Debian) are resolved so postgres runs from its
    // real directory.
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let initdb = dir.join("initdb");
            if !initdb.is_file() {
                continue;
            }
            if let Ok(real) = initdb.canonicalize()
                && let Some(real_dir) = real.parent()
                && has_server(real_dir)
            {
                return Some(real_dir.to_path_buf());
            }
            if has_server(&dir) {
                return Some(dir);
            }
        }
    }

    // Debian and Ubuntu keep server binaries out of PATH, one directory per
    // major version: take the highest.
    let mut found: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry
                .file_name()
                .to_str()?
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// The user to run initdb and postgres as: they refuse to run as root.
fn unprivileged_user() -> Result<Option<&'static str>, String> {
    let running_as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.trim_ascii() == b"0");
    if !running_as_root {
        return Ok(None);
    }
    for user in ["postgres", "nobody"] {
        let exists = Command::new("id")
            .arg("-u")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if exists {
            return Ok(Some(user));
        }
    }
    Err(
        "running as root, and neither user `postgres` nor `nobody` exists to run PostgreSQL as"
            .to_owned(),
    )
}

enum StartError {
    /// postgres started but exited on its own; a new port may help.
    Exited(String),
    /// Anything else; trying again would fail the same way.
    Failed(String),
}

fn start_cluster(bin: &Path, user: Option<&str>) -> Result<Server, StartError> {
    let dir = make_temp_dir().map_err(StartError::Failed)?;
    let started = prepare_cluster(bin, user, &dir).and_then(|()| spawn_wrapper(bin, user, &dir));
    let (mut wrapper, port) = match started {
        Ok(started) => started,
        Err(why) => {
            // No wrapper is running to remove the directory.
            let _ = std::fs::remove_dir_all(&dir);
            return Err(StartError::Failed(why));
        }
    };

    match wait_until_ready(&mut wrapper, bin, &dir, port) {
        Ok(()) => Ok(Server {
            // sslmode=disable: the cluster has no certificate, and a PGSSLMODE
            // in the environment must not make connections demand one.
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"),
            _cluster: Some(wrapper),
        }),
        Err(error) => {
            // Closing the pipe makes the wrapper stop postgres and remove the directory.
            drop(wrapper.stdin.take());
            Err(error)
        }
    }
}

/// A new directory for one cluster: data in `data/`, the Unix socket and
/// `postgres.log` beside it.
fn make_temp_dir() -> Result<PathBuf, String> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let pid = std::process::id();
    let dir = std::env::temp_dir().join(format!("shequn-pg-{pid}-{nanos}"));
    std::fs::create_dir(&dir)
        .map_err(|error| format!("could not create {}: {error}", dir.display()))?;
    Ok(dir)
}

fn prepare_cluster(bin: &Path, user: Option<&str>, dir: &Path) -> Result<(), String> {
    if let Some(user) = user {
        // The wrapper runs as `user` and must be able to delete the directory.
        run(
            Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:"))
                .arg(dir),
            "chown of the cluster directory",
        )?;
    }
    run(
        command_as(user, bin.join("initdb"), dir)
            .arg("-D")
            .arg(dir.join("data"))
            // No passwords: the cluster listens on loopback only and holds test data only.
            .args(["-A", "trust", "-U", "postgres"])
            // Durability is pointless for a cluster that dies with the tests.
            .arg("--no-sync")
            // The C locale sorts by bytes, as SQLite does, and is never missing.
            .args(["-E", "UTF8", "--locale=C"]),
        "initdb",
    )
}

/// Starts [`WRAPPER_SCRIPT`] on a free port; returns it and the port.
fn spawn_wrapper(bin: &Path, user: Option<&str>, dir: &Path) -> Result<(Child, u16), String> {
    let port = free_port()?;
    let wrapper = command_as(user, "sh", dir)
        .arg("-c")
        .arg(WRAPPER_SCRIPT)
        .arg("shequn-test-postgres")
        .arg(bin)
        .arg(dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Out of the terminal's process group: a Ctrl-C must not kill the
        // wrapper before it has removed the directory. Postgres is stopped
        // through the pipe instead.
        .process_group(0)
        .spawn()
        .map_err(|error| format!("could not start the PostgreSQL wrapper shell: {error}"))?;
    Ok((wrapper, port))
}

/// `program` run as `user` (through `runuser`) or as ourselves, from `dir`:
/// the test's own working directory may be closed to `user`.
fn command_as(user: Option<&str>, program: impl AsRef<OsStr>, dir: &Path) -> Command {
    let mut command = match user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    };
    // English messages in our error reports, and no failure over a locale
    // that the environment names but the machine lacks.
    command.current_dir(dir).env("LC_ALL", "C");
    command
}

/// Runs `command` to completion; on failure, the error holds its output.
fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|error| format!("could not run {what} ({command:?}): {error}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}): {command:?}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ))
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|error| format!("could not bind a loopback port: {error}"))?;
    let address = listener
        .local_addr()
        .map_err(|error| format!("could not read the bound loopback port: {error}"))?;
    Ok(address.port())
}

fn wait_until_ready(
    wrapper: &mut Child,
    bin: &Path,
    dir: &Path,
    port: u16,
) -> Result<(), StartError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let exited = wrapper.try_wait().map_err(|error| {
            StartError::Failed(format!("could not check the PostgreSQL wrapper: {error}"))
        })?;
        if let Some(status) = exited {
            // The wrapper has removed the directory; the end of the log is on its stderr.
            let mut log = String::new();
            if let Some(mut stderr) = wrapper.stderr.take() {
                let _ = stderr.read_to_string(&mut log);
            }
            return Err(StartError::Exited(format!(
                "postgres on 127.0.0.1:{port} stopped during startup ({status}):\n{log}"
            )));
        }
        if accepts_connections(bin, port) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let log_path = dir.join("postgres.log");
            let log = std::fs::read_to_string(&log_path).unwrap_or_else(|error| {
                format!("(could not read {}: {error})", log_path.display())
            });
            return Err(StartError::Failed(format!(
                "PostgreSQL did not accept connections on 127.0.0.1:{port} within \
                 {READY_TIMEOUT:?}. Its log:\n{log}"
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn accepts_connections(bin: &Path, port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        return false;
    }
    // The port opens before startup ends; pg_isready also waits out "the
    // database system is starting up". Without it, `connect` retries that.
    let pg_isready = bin.join("pg_isready");
    if !pg_isready.is_file() {
        return true;
    }
    Command::new(pg_isready)
        .args(["-q", "-t", "2", "-U", "postgres", "-d", "postgres"])
        .args(["-h", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

async fn connect(url: &str) -> sqlx::PgConnection {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        match sqlx::PgConnection::connect(url).await {
            Ok(conn) => return conn,
            // 57P03 "the database system is starting up": see accepts_connections.
            Err(sqlx::Error::Database(error))
                if error.code().as_deref() == Some("57P03") && Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!(
                "could not connect to the test PostgreSQL server at {}: {error}",
                redacted(url)
            ),
        }
    }
}

/// `url` with its database (the path) replaced by `name`; user, host and
/// query parameters are kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |index| index + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |index| authority_start + index);
    format!("{}/{name}{query}", &base[..authority_end])
}

/// `url` without its password, for messages that may end up in CI logs.
fn redacted(url: &str) -> String {
    let start = url.find("://").map_or(0, |index| index + 3);
    let rest = &url[start..];
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    if let Some(at) = authority.rfind('@')
        && let Some(colon) = authority[..at].find(':')
    {
        return format!("{}***{}", &url[..start + colon + 1], &url[start + at..]);
    }
    url.to_owned()
}
