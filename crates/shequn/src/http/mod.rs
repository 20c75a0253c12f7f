//! The HTTP server: routes, middleware and serving with graceful shutdown.
//!
//! Path of a request: socket → request id → trace span → timeout → panic catcher → body
//! limit → metrics → route (API: bearer auth → idempotency → handler; console: session
//! cookie → handler) → one use case → storage → response.

pub mod api;
pub mod auth;
pub mod docs;
pub mod extract;
pub mod idempotency;
pub mod ops;
pub mod pay_wechat;
pub mod problem;
pub mod public;
pub mod sandbox;
pub mod state;
pub mod wecom;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use problem::Problem;
use state::AppState;

/// A request that takes longer than this is cut off.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: API, docs, operations endpoints and the web console.
pub fn router(state: AppState) -> Router {
    let (protected, protected_doc) = api::protected()
        .layer(from_fn(idempotency::idempotency))
        .layer(from_fn_with_state(state.clone(), auth::require_bearer))
        .split_for_parts();
    let (public, public_doc) = api::public().split_for_parts();
    let mut openapi = protected_doc;
    openapi.merge(public_doc);
    let openapi = Arc::new(openapi);

    let api = Router::new()
        .merge(protected)
        .merge(public)
        .layer(map_response(api_method_errors));

    Router::new()
        .merge(api)
        .merge(docs::router(openapi))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics_text))
        .merge(wecom::router())
        .merge(public::router())
        .merge(sandbox::router())
        .merge(pay_wechat::router())
        .merge(crate::shop::router())
        .merge(crate::web::router(state.clone()))
        .fallback(not_found)
        .layer(from_fn(ops::track))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(|_| Problem::internal().into_response()))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    // The path only: query strings may carry personal data.
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// axum answers an unsupported method with an empty 405; the API answers in problem+json.
async fn api_method_errors(res: Response) -> Response {
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        let allow = res.headers().get(axum::http::header::ALLOW).cloned();
        let mut p = Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route does not accept that method",
        )
        .into_response();
        if let Some(a) = allow {
            p.headers_mut().insert(axum::http::header::ALLOW, a);
        }
        return p;
    }
    res
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api") {
        Problem::not_found("route").into_response()
    } else {
        crate::web::not_found_page(&req).into_response()
    }
}

/// Serves until `shutdown` resolves, then stops accepting and drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    state.bind_gateways(listener.local_addr()?);
    let sweeper = tokio::spawn(sweep_forever(state.clone()));
    let runner = state
        .options
        .job_tick
        .map(|tick| tokio::spawn(run_jobs_forever(state.clone(), tick)));
    // Servers that run jobs also reconcile payments and send refunds.
    let payments = state
        .options
        .job_tick
        .map(|_| tokio::spawn(payments_forever(state.clone())));
    let app = router(state);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    if let Some(r) = runner {
        r.abort();
    }
    if let Some(p) = payments {
        p.abort();
    }
    result
}

/// Every five seconds: payments whose notification never came are asked after, and
/// booked refunds are sent to their gateway.
async fn payments_forever(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Ok(g) = state.gateways() {
            shequn_app::usecases::payments::sweep(&state.db, g).await;
        }
    }
}

/// Due jobs, every `tick`, under a name unique to this process (its leases).
async fn run_jobs_forever(state: AppState, tick: Duration) {
    let owner = format!("shequn-{}-{}", std::process::id(), uuid_like());
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match shequn_app::usecases::jobs::run_due(&state.db, &state.options.jobs, &owner).await {
            Ok(p) if p.claimed > 0 => tracing::info!(
                claimed = p.claimed,
                done = p.done,
                retried = p.retried,
                dead = p.dead,
                "jobs run"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "running jobs failed"),
        }
    }
}

/// A random name part, so two servers on one machine never share a lease owner.
fn uuid_like() -> String {
    shequn_app::secrets::random_secret("")[..12].to_owned()
}

/// Housekeeping every ten minutes: idle sessions and old idempotency keys.
async fn sweep_forever(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match shequn_app::usecases::housekeeping::sweep(&state.db).await {
            Ok((s, i)) => tracing::debug!(sessions = s, idempotency_records = i, "swept"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}
