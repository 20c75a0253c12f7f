//! The test harness: the real server on a free port over a fresh, seeded database of either
//! engine, an HTTP client, and assertions for the API's answers (problem+json above all).
//!
//! Shared by every test module, the browser tests included; not each uses every helper.
#![allow(dead_code)]

use std::collections::HashMap;

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use shequn::http::state::{AppState, ServerOptions};
use shequn_app::{Db, DbConfig, Engine};
use tokio::sync::oneshot;

pub use shequn_app::usecases::demo::DEMO_PASSWORD;

// Demo logins (see `shequn_app::usecases::demo`).
pub const ADMIN: &str = "admin@demo.shequn.test";
pub const EAST_MANAGER: &str = "east@demo.shequn.test";
pub const SOUTH_MANAGER: &str = "south@demo.shequn.test";
/// Manager of store SH-001 (region 华东).
pub const SH001_MANAGER: &str = "manager.sh001@demo.shequn.test";
/// A shop guide of store SH-001.
pub const GUIDE01: &str = "guide01@demo.shequn.test";
/// A shop guide of store HZ-001 (also region 华东).
pub const GUIDE02: &str = "guide02@demo.shequn.test";
pub const OTHER_ADMIN: &str = "admin@other.shequn.test";
pub const OTHER_GUIDE: &str = "guide@other.shequn.test";
// Demo region names.
pub const EAST: &str = "华东大区";
pub const SOUTH: &str = "华南大区";
pub const NORTH: &str = "华北大区";
/// An id that no row of any table has.
pub const NO_SUCH_ID: i64 = 999_999_999;
/// A bound on list walks, so a cursor bug fails instead of looping.
const MAX_PAGES: usize = 100;

/// Runs each named `async fn(TestApp)` of the calling module once on SQLite and once on
/// PostgreSQL, as `<module>::sqlite::<name>` and `<module>::postgres::<name>`.
#[macro_export]
macro_rules! both_engines {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    $crate::common::run_on(::shequn_app::Engine::Sqlite, stringify!($test), super::$test).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    $crate::common::run_on(::shequn_app::Engine::Postgres, stringify!($test), super::$test).await;
                }
            )+
        }
    };
}

/// Starts an app on `engine` and runs `test` against it. Without PostgreSQL (outside CI,
/// where `pg` panics instead) the PostgreSQL half is skipped, loudly.
pub async fn run_on<Fut: Future<Output = ()>>(
    engine: Engine,
    name: &str,
    test: impl FnOnce(TestApp) -> Fut,
) {
    match spawn_app(engine).await {
        Some(app) => test(app).await,
        None => eprintln!(
            "\n!!! SKIPPED {name} on PostgreSQL: no PostgreSQL server available \
             (install the PostgreSQL server binaries or set SHEQUN_TEST_DATABASE_URL) !!!\n"
        ),
    }
}

/// Login limits high enough that no test trips them by accident.
pub fn test_options() -> ServerOptions {
    ServerOptions {
        login_per_account_per_min: 1000,
        login_per_ip_per_min: 1000,
        secure_cookies: false,
        // Tests run jobs themselves (tests/suite/jobs.rs), or start a runner on purpose.
        job_tick: None,
        ..ServerOptions::default()
    }
}

/// A running server over its own database with the demo brands seeded.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub engine: Engine,
    config: DbConfig,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    spawn_app_with(engine, test_options()).await
}

/// A fresh database (None: PostgreSQL is not available), migrated and seeded, served.
pub async fn spawn_app_with(engine: Engine, options: ServerOptions) -> Option<TestApp> {
    crate::phones::watch_logs();
    let (config, dir) = match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("a temporary data directory");
            (DbConfig::SqliteDir(dir.path().to_path_buf()), Some(dir))
        }
        Engine::Postgres => (DbConfig::Postgres(crate::pg::fresh_database().await?), None),
    };
    let db = Db::open(&config)
        .await
        .expect("open and migrate a fresh database");
    let served = config.clone();
    shequn_app::usecases::demo::seed(&db)
        .await
        .expect("seed the demo brands");
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let mut app = TestApp {
        base: String::new(),
        client,
        db,
        engine,
        config: served,
        shutdown: None,
        _dir: dir,
    };
    app.serve(options).await;
    Some(app)
}

impl TestApp {
    async fn serve(&mut self, options: ServerOptions) {
        self.stop();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("the bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(self.db.clone(), options);
        tokio::spawn(shequn::http::serve(listener, state, async move {
            // A dropped sender (the TestApp is gone) stops the server as well.
            let _ = rx.await;
        }));
        self.base = format!("http://{addr}");
        self.shutdown = Some(tx);
    }

    /// A second app server on the same PostgreSQL database, as another machine would run
    /// it: its own pool and its own caches. None on SQLite, which one server owns.
    pub async fn another_server(&self) -> Option<TestApp> {
        let DbConfig::Postgres(_) = &self.config else {
            return None;
        };
        let db = Db::open(&self.config)
            .await
            .expect("open the same database");
        let mut app = TestApp {
            base: String::new(),
            client: self.client.clone(),
            db,
            engine: self.engine,
            config: self.config.clone(),
            shutdown: None,
            _dir: None,
        };
        app.serve(test_options()).await;
        Some(app)
    }

    /// The same database served again, by a new server with other options.
    pub async fn with_options(mut self, options: ServerOptions) -> TestApp {
        self.serve(options).await;
        self
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path`, with `Authorization: Bearer <token>` when a token is given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends a request and reads the whole answer. A body that is not JSON is kept as a
    /// JSON string; an empty body is `null`.
    pub async fn send(&self, rb: RequestBuilder) -> Reply {
        let req = rb.build().expect("a well-formed request");
        let url = req.url();
        let what = match url.query() {
            Some(q) => format!("{} {}?{q}", req.method(), url.path()),
            None => format!("{} {}", req.method(), url.path()),
        };
        let res = self
            .client
            .execute(req)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = res.status();
        let headers = res.headers().clone();
        let text = res
            .text()
            .await
            .unwrap_or_else(|e| panic!("{what}: reading the body: {e}"));
        crate::phones::assert_none_in_response(&what, &text);
        crate::phones::assert_none_in_logs();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()))
        };
        Reply {
            what,
            status,
            headers,
            body,
            text,
        }
    }

    /// `method path` as `token`, with `body` as JSON when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Reply {
        let rb = self.request(method, path, Some(token));
        self.send(match body {
            Some(b) => rb.json(b),
            None => rb,
        })
        .await
    }

    /// A body sent as given, with the given Content-Type (or none).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut rb = self.request(method, path, Some(token)).body(body);
        if let Some(ct) = content_type {
            rb = rb.header(CONTENT_TYPE, ct);
        }
        self.send(rb).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn get_anon(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path, None)).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(&body)).await
    }

    /// A POST without a body (logout).
    pub async fn post_empty(&self, token: &str, path: &str) -> Reply {
        self.call(Method::POST, path, token, None).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(&body)).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Reply {
        self.call(Method::DELETE, path, token, None).await
    }

    pub async fn try_login(&self, email: &str, password: &str) -> Reply {
        let body = json!({ "email": email, "password": password });
        self.send(
            self.request(Method::POST, "/api/v1/auth/login", None)
                .json(&body),
        )
        .await
    }

    /// Logs in with the demo password; returns a new bearer token.
    pub async fn login(&self, email: &str) -> String {
        let body = self.try_login(email, DEMO_PASSWORD).await.expect(200);
        body["token"]
            .as_str()
            .expect("login returns a token")
            .to_owned()
    }

    pub async fn me(&self, token: &str) -> Value {
        self.get(token, "/api/v1/me").await.expect(200)
    }

    /// Every item of a cursor-paginated list, following `next_cursor` to the end.
    pub async fn list_all(&self, token: &str, path: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut page_path = format!("{path}{sep}limit=200");
        for _ in 0..MAX_PAGES {
            let page = self.get(token, &page_path).await.expect(200);
            items.extend(
                page["items"]
                    .as_array()
                    .expect("a list has items")
                    .iter()
                    .cloned(),
            );
            match page["next_cursor"].as_str() {
                Some(c) => page_path = format!("{path}{sep}limit=200&cursor={c}"),
                None => return items,
            }
        }
        panic!("{path}: still paging after {MAX_PAGES} pages");
    }

    /// What `token` sees of its brand: regions, stores, staff and its own API tokens.
    /// Equal before and after a refused request proves that nothing was written.
    pub async fn brand_state(&self, token: &str) -> Value {
        json!({
            "regions": self.list_all(token, "/api/v1/regions").await,
            "stores": self.list_all(token, "/api/v1/stores").await,
            "staff": self.list_all(token, "/api/v1/staff").await,
            "tokens": self.list_all(token, "/api/v1/tokens").await,
            "communities": self.list_all(token, "/api/v1/communities").await,
            "customers": self.list_all(token, "/api/v1/customers").await,
            "intent_tiers": self.get(token, "/api/v1/intent-tiers").await.expect(200),
        })
    }

    /// The demo brand as its admin sees it: a fresh admin token and ids by name.
    pub async fn demo(&self) -> Demo {
        let admin = self.login(ADMIN).await;
        let brand_id = self.me(&admin).await["brand"]["id"]
            .as_i64()
            .expect("a brand id");
        let by = |items: Vec<Value>, key: &str| -> HashMap<String, i64> {
            items
                .iter()
                .map(|i| (i[key].as_str().expect("a name").to_owned(), id(i)))
                .collect()
        };
        Demo {
            brand_id,
            regions: by(self.list_all(&admin, "/api/v1/regions").await, "name"),
            stores: by(self.list_all(&admin, "/api/v1/stores").await, "code"),
            staff: by(self.list_all(&admin, "/api/v1/staff").await, "email"),
            communities: by(self.list_all(&admin, "/api/v1/communities").await, "name"),
            customers: by(self.list_all(&admin, "/api/v1/customers").await, "nickname"),
            admin,
        }
    }

    /// One text column of every row a query returns, read straight from the database:
    /// for checking what is stored, which the API never shows.
    pub async fn stored_strings(&self, sql: &'static str) -> Vec<String> {
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let rows = tx.query(sql, &[]).await?;
                    Ok(rows
                        .iter()
                        .map(|r| r.get::<String>(0))
                        .collect::<Result<Vec<_>, _>>()?)
                })
            })
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Ids of the demo brand's rows, looked up through the API by its admin.
pub struct Demo {
    /// A bearer token of the demo brand admin.
    pub admin: String,
    pub brand_id: i64,
    /// Region id by name.
    pub regions: HashMap<String, i64>,
    /// Store id by code.
    pub stores: HashMap<String, i64>,
    /// Staff id by email.
    pub staff: HashMap<String, i64>,
    /// Community id by name.
    pub communities: HashMap<String, i64>,
    /// Customer id by nickname.
    pub customers: HashMap<String, i64>,
}

impl Demo {
    #[track_caller]
    pub fn region(&self, name: &str) -> i64 {
        *self
            .regions
            .get(name)
            .unwrap_or_else(|| panic!("demo has no region {name}"))
    }

    #[track_caller]
    pub fn store(&self, code: &str) -> i64 {
        *self
            .stores
            .get(code)
            .unwrap_or_else(|| panic!("demo has no store {code}"))
    }

    #[track_caller]
    pub fn customer(&self, nickname: &str) -> i64 {
        *self
            .customers
            .get(nickname)
            .unwrap_or_else(|| panic!("demo has no customer {nickname}"))
    }

    #[track_caller]
    pub fn community(&self, name: &str) -> i64 {
        *self
            .communities
            .get(name)
            .unwrap_or_else(|| panic!("demo has no community {name}"))
    }

    #[track_caller]
    pub fn staff(&self, email: &str) -> i64 {
        *self
            .staff
            .get(email)
            .unwrap_or_else(|| panic!("demo has no staff member {email}"))
    }
}

/// The `id` of a JSON object.
#[track_caller]
pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A whole HTTP answer, with what was asked for (`GET /api/v1/me`) for messages.
#[derive(Debug)]
pub struct Reply {
    pub what: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the status and gives the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        self.assert_status(status);
        self.body
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{} answered {}: {}",
            self.what,
            self.status,
            self.text
        );
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Self {
        assert_problem(self, status, code);
        self
    }

    /// Asserts that the problem names `field` first among the fields at fault.
    #[track_caller]
    pub fn assert_field(&self, field: &str) -> &Self {
        assert_eq!(
            self.body["errors"][0]["field"].as_str(),
            Some(field),
            "{}: the problem should name field `{field}`: {}",
            self.what,
            self.text
        );
        self
    }

    /// Asserts a refusal: some 4xx, as problem+json.
    #[track_caller]
    pub fn assert_refused(&self) -> &Self {
        assert!(
            self.status.is_client_error(),
            "{} should be refused with a 4xx, got {}: {}",
            self.what,
            self.status,
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.what
        );
        self
    }
}

/// Asserts an RFC 9457 problem with this status and machine `code`, served as
/// `application/problem+json`.
#[track_caller]
pub fn assert_problem(reply: &Reply, status: u16, code: &str) {
    reply.assert_status(status);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{}: a problem must be served as application/problem+json: {:?}",
        reply.what,
        reply.headers
    );
    let b = &reply.body;
    assert_eq!(
        b["code"], code,
        "{}: wrong problem code: {}",
        reply.what, reply.text
    );
    assert_eq!(
        b["status"], status,
        "{}: `status` must repeat the HTTP status: {}",
        reply.what, reply.text
    );
    for member in ["type", "title", "detail"] {
        assert!(
            b[member].as_str().is_some_and(|s| !s.is_empty()),
            "{}: a problem needs a `{member}`: {}",
            reply.what,
            reply.text
        );
    }
}
