//! `shequn bench http`: the server end to end over loopback, in one process. It starts the
//! real router on a fresh database with the demo data, signs in as the demo brand admin,
//! and drives three routes with the same closed-loop client in the same run: the no-op
//! `GET /healthz` (the baseline), the authenticated read `GET /api/v1/me`, and the
//! authenticated durable write `POST /api/v1/regions`, and activity ingest
//! (`POST /api/v1/activity`, batches of [`EVENTS_PER_BATCH`] events; its rate in events/s is
//! requests/s × the batch size). Ratios to the baseline are what to compare across
//! machines; absolute figures drift.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use shequn_app::{Db, DbConfig};

use crate::http::state::{AppState, ServerOptions};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One route's run.
#[derive(Debug, Clone)]
pub struct RouteReport {
    pub route: &'static str,
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not the expected status (must be 0).
    pub failures: u64,
}

/// Runs the three routes for `seconds` each with `connections` concurrent connections
/// against a server on a fresh database (SQLite in `dir`, or the PostgreSQL at `url`).
pub async fn run(
    dir: &Path,
    url: Option<&str>,
    seconds: u64,
    connections: usize,
) -> anyhow::Result<Vec<RouteReport>> {
    let config = match url {
        Some(u) => DbConfig::Postgres(u.to_owned()),
        None => DbConfig::SqliteDir(dir.to_owned()),
    };
    let db = Db::open(&config).await.context("open the database")?;
    shequn_app::usecases::demo::seed(&db)
        .await
        .context("seed the demo data")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let options = ServerOptions {
        login_per_account_per_min: 1_000,
        login_per_ip_per_min: 1_000,
        secure_cookies: false,
        ..ServerOptions::default()
    };
    let state = AppState::new(db.clone(), options);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::http::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(connections)
        .build_http();
    let base = format!("http://{addr}");
    let token = login(&client, &base).await?;
    let (community, customer) = first_ids(&client, &base, &token).await?;
    let ingest_token = token.clone();
    let run_id = shequn_app::clock::now_ms();
    let d = Duration::from_secs(seconds);
    let mut reports = Vec::new();
    let healthz = format!("{base}/healthz");
    reports.push(
        drive(
            &client,
            "GET /healthz",
            d,
            connections,
            StatusCode::OK,
            move |_| get(&healthz, None),
        )
        .await,
    );
    let me = format!("{base}/api/v1/me");
    let t = token.clone();
    reports.push(
        drive(
            &client,
            "GET /api/v1/me",
            d,
            connections,
            StatusCode::OK,
            move |_| get(&me, Some(&t)),
        )
        .await,
    );
    let regions = format!("{base}/api/v1/regions");
    reports.push(
        drive(
            &client,
            "POST /api/v1/regions",
            d,
            connections,
            StatusCode::CREATED,
            move |n| {
                post(
                    &regions,
                    &token,
                    format!(r#"{{"name":"压测大区 {run_id}-{n}"}}"#),
                )
            },
        )
        .await,
    );
    let activity = format!("{base}/api/v1/activity");
    let t = ingest_token;
    reports.push(
        drive(
            &client,
            "POST /api/v1/activity (500 events)",
            d,
            connections,
            StatusCode::OK,
            move |n| post(&activity, &t, batch(run_id, n, community, customer)),
        )
        .await,
    );
    let _ = stop.send(());
    let _ = server.await;
    db.close().await;
    Ok(reports)
}

/// Events per ingest request in the benchmark (the issue's target is stated for 500).
pub const EVENTS_PER_BATCH: u64 = 500;

/// Request `n`'s batch: new event ids every time, so every event is stored.
fn batch(run: i64, n: u64, community: i64, customer: i64) -> String {
    let mut body = String::with_capacity(EVENTS_PER_BATCH as usize * 130);
    body.push_str(r#"{"events":["#);
    for i in 0..EVENTS_PER_BATCH {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"event_id":"b{run}-{n}-{i}","kind":"message","community_id":{community},"customer_id":{customer},"at":"2026-11-27T08:00:00Z"}}"#
        ));
    }
    body.push_str("]}");
    body
}

/// A community and a customer of the demo brand, for the ingest batches.
async fn first_ids(client: &HttpClient, base: &str, token: &str) -> anyhow::Result<(i64, i64)> {
    let mut ids = Vec::new();
    for path in ["communities", "customers"] {
        let res = client
            .request(get(&format!("{base}/api/v1/{path}?limit=1"), Some(token)))
            .await?;
        let bytes = res.into_body().collect().await?.to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes)?;
        ids.push(v["items"][0]["id"].as_i64().context("a demo row")?);
    }
    Ok((ids[0], ids[1]))
}

fn get(url: &str, token: Option<&str>) -> Request<Full<Bytes>> {
    let mut b = Request::builder().method(Method::GET).uri(url);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Full::new(Bytes::new())).unwrap_or_default()
}

fn post(url: &str, token: &str, body: String) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

async fn login(client: &HttpClient, base: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({
        "email": "admin@demo.shequn.test",
        "password": shequn_app::usecases::demo::DEMO_PASSWORD,
        "brand": "demo",
    });
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{base}/api/v1/auth/login"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))?;
    let res = client.request(req).await?;
    let status = res.status();
    let bytes = res.into_body().collect().await?.to_bytes();
    anyhow::ensure!(status == StatusCode::OK, "login answered {status}");
    let v: serde_json::Value = serde_json::from_slice(&bytes)?;
    v["token"]
        .as_str()
        .map(str::to_owned)
        .context("a token in the login answer")
}

/// A closed loop per connection for `d`: send, read the whole answer, repeat.
async fn drive(
    client: &HttpClient,
    route: &'static str,
    d: Duration,
    connections: usize,
    expect: StatusCode,
    make: impl Fn(u64) -> Request<Full<Bytes>> + Send + Sync + 'static,
) -> RouteReport {
    let make = Arc::new(make);
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (client, make, next, failures) =
            (client.clone(), make.clone(), next.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while start.elapsed() < d {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let ok = match client.request(make(n)).await {
                    Ok(res) => {
                        let status = res.status();
                        res.into_body().collect().await.is_ok() && status == expect
                    }
                    Err(_) => false,
                };
                if !ok {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let seconds = start.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        all.get(((all.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    RouteReport {
        route,
        requests: all.len() as u64,
        per_second: all.len() as f64 / seconds,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        failures: failures.load(Ordering::Relaxed),
    }
}
