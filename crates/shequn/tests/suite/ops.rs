//! Operations and API plumbing: health, readiness, metrics, request ids, the OpenAPI
//! document and its docs page, and cursor pagination.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;

use crate::both_engines;
use crate::common::*;

both_engines!(
    shutdown_finishes_the_request_in_flight_and_then_refuses_new_ones,
    healthz_says_ok,
    readyz_says_ready_while_the_database_answers,
    metrics_count_requests_by_route_and_show_the_database_pool,
    every_response_carries_a_request_id,
    the_api_is_described_by_an_openapi_3_1_document_and_a_docs_page,
    the_staff_list_pages_through_all_56_demo_staff_exactly_once,
);

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn healthz_says_ok(app: TestApp) {
    let r = app.get_anon("/healthz").await;
    r.assert_status(200);
    assert_eq!(r.text, "ok");
}

async fn readyz_says_ready_while_the_database_answers(app: TestApp) {
    app.get_anon("/readyz").await.assert_status(200);
}

async fn metrics_count_requests_by_route_and_show_the_database_pool(app: TestApp) {
    let token = app.login(ADMIN).await;
    app.get(&token, "/api/v1/me").await.assert_status(200);
    app.get_anon("/api/v1/me").await.assert_status(401);

    let r = app.get_anon("/metrics").await;
    r.assert_status(200);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        r.headers
    );
    for name in [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "db_pool_connections",
    ] {
        assert!(r.text.contains(name), "/metrics has no {name}:\n{}", r.text);
    }
    let by_route = r.text.lines().any(|l| {
        l.starts_with("http_requests_total")
            && l.contains(r#"route="/api/v1/me""#)
            && l.contains(r#"status="200""#)
    });
    assert!(
        by_route,
        "requests are counted by route template and status:\n{}",
        r.text
    );
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let replies = [
        app.get_anon("/healthz").await,
        app.get_anon("/api/v1/nope").await,
        app.try_login(ADMIN, "not-the-password").await,
    ];
    let mut seen = BTreeSet::new();
    for r in &replies {
        let rid = r.header("x-request-id").unwrap_or_default();
        assert!(!rid.is_empty(), "{} has no x-request-id", r.what);
        assert!(seen.insert(rid.to_owned()), "request ids repeat: {rid}");
    }
    // A request id given by a proxy is kept, so logs join up across hops.
    let r = app
        .send(
            app.request(Method::GET, "/healthz", None)
                .header("x-request-id", "trace-me-42"),
        )
        .await;
    assert_eq!(r.header("x-request-id"), Some("trace-me-42"));
}

async fn the_api_is_described_by_an_openapi_3_1_document_and_a_docs_page(app: TestApp) {
    let page = app.get_anon("/api/docs").await;
    page.assert_status(200);
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    assert!(page.text.to_lowercase().contains("<html"), "an HTML page");

    let doc = app.get_anon("/api/openapi.json").await.expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http", "{bearer}");
    assert_eq!(bearer["scheme"], "bearer", "{bearer}");
    assert!(
        doc["components"]["schemas"]["Problem"].is_object(),
        "the Problem schema is documented"
    );

    // Every operation but logging in declares the bearer token.
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let secured = op["security"]
                .as_array()
                .is_some_and(|reqs| reqs.iter().any(|req| req.get("bearer").is_some()));
            assert_eq!(
                secured,
                path != "/api/v1/auth/login",
                "{method} {path}: security {}",
                op["security"]
            );
        }
    }
}

async fn the_staff_list_pages_through_all_56_demo_staff_exactly_once(app: TestApp) {
    let token = app.login(ADMIN).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/staff?limit=7".to_owned();
    for _ in 0..20 {
        let page = app.get(&token, &path).await.expect(200);
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 7, "a page holds at most `limit` items");
        seen.extend(items.iter().map(id));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/staff?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(
        seen.len(),
        56,
        "1 admin + 3 region managers + 12 store managers + 40 guides"
    );
    assert_eq!(unique.len(), 56, "a staff member appeared on two pages");

    let one_page = app.get(&token, "/api/v1/staff?limit=200").await.expect(200);
    let all = one_page["items"].as_array().expect("items");
    assert_eq!(all.iter().map(id).collect::<BTreeSet<_>>(), unique);
    let mut roles = BTreeMap::new();
    for s in all {
        *roles
            .entry(s["role"].as_str().expect("a role"))
            .or_insert(0) += 1;
    }
    assert_eq!(
        roles,
        BTreeMap::from([
            ("brand_admin", 1),
            ("region_manager", 3),
            ("store_manager", 12),
            ("shop_guide", 40)
        ])
    );
}

/// Graceful shutdown: `serve` does not return (so the process does not exit) while a
/// request is in flight; that request is answered in full; then the port is closed.
async fn shutdown_finishes_the_request_in_flight_and_then_refuses_new_ones(app: TestApp) {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A server of our own over the app's database, so that we hold `serve`'s handle.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("address").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = shequn::http::state::AppState::new(app.db.clone(), test_options());
    let server = tokio::spawn(shequn::http::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let body = format!(r#"{{"email":"{ADMIN}","password":"{DEMO_PASSWORD}"}}"#);
    let (head, tail) = body.split_at(10);
    let mut conn = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let request = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    );
    conn.write_all(request.as_bytes())
        .await
        .expect("send the head");
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).expect("the server is listening for shutdown");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.is_finished(),
        "serve must wait for the request in flight"
    );
    conn.write_all(tail.as_bytes())
        .await
        .expect("send the rest");
    let mut answer = String::new();
    conn.read_to_string(&mut answer)
        .await
        .expect("read the answer");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "in-flight request answered: {answer}"
    );
    assert!(answer.contains("\"token\""));
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("serve returns once drained")
        .expect("the server task")
        .expect("serve ends cleanly");
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "the port is closed"
    );
}
