//! What every handler shares: the database, the login limiters and server options.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::time::Duration;

use shequn_app::Db;
use shequn_app::payments::gateways::Gateways;
use shequn_app::sealed::SealKey;
use shequn_app::usecases::jobs::Registry;

#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Login attempts allowed per account per minute.
    pub login_per_account_per_min: u32,
    /// Login attempts allowed per client IP per minute.
    pub login_per_ip_per_min: u32,
    /// Set the `Secure` flag on cookies (the console is served over TLS, via a proxy).
    pub secure_cookies: bool,
    /// The job handlers this server runs.
    pub jobs: Arc<Registry>,
    /// How often this server looks for due jobs; None: it runs none (another server does).
    pub job_tick: Option<Duration>,
    /// The key that opens secrets stored in the database (payment keys); `serve` and the
    /// CLI load it from `SHEQUN_SECRET_KEY` or the data directory.
    pub seal: SealKey,
    /// Where the sandbox gateway answers; None: this server itself (its bound address).
    pub sandbox_base: Option<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            login_per_account_per_min: 5,
            login_per_ip_per_min: 30,
            secure_cookies: false,
            jobs: Arc::new(shequn_app::usecases::jobs::handlers()),
            job_tick: Some(Duration::from_secs(1)),
            seal: SealKey::random(),
            sandbox_base: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub options: ServerOptions,
    pub login_by_account: DefaultKeyedRateLimiter<String>,
    pub login_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Set once by `serve`, when the bound address is known.
    gateways: std::sync::OnceLock<Gateways>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl AppState {
    pub fn new(db: Db, options: ServerOptions) -> Self {
        AppState(Arc::new(Inner {
            login_by_account: RateLimiter::keyed(per_minute(options.login_per_account_per_min)),
            login_by_ip: RateLimiter::keyed(per_minute(options.login_per_ip_per_min)),
            metrics: super::ops::metrics_handle(),
            gateways: std::sync::OnceLock::new(),
            db,
            options,
        }))
    }

    /// The secret-opening key.
    pub fn seal(&self) -> &SealKey {
        &self.options.seal
    }

    /// Sets where the sandbox gateway answers, from the configured base or the bound
    /// address (the first call wins).
    pub fn bind_gateways(&self, bound: std::net::SocketAddr) {
        let base = self.options.sandbox_base.clone().unwrap_or_else(|| {
            let ip = if bound.ip().is_unspecified() {
                std::net::IpAddr::from([127, 0, 0, 1])
            } else {
                bound.ip()
            };
            format!("http://{}", std::net::SocketAddr::new(ip, bound.port()))
        });
        if let Ok(g) = Gateways::new(base, self.options.seal.clone()) {
            let _ = self.gateways.set(g);
        }
    }

    /// How this server reaches payment gateways.
    pub fn gateways(&self) -> Result<&Gateways, shequn_app::AppError> {
        self.gateways
            .get()
            .ok_or_else(|| shequn_app::AppError::Internal("the server is not serving yet".into()))
    }

    /// Sends booked refunds to their gateways now, in the background (the payment sweep
    /// would within seconds; this spares the customer the wait after an approval).
    pub fn send_refunds_soon(&self) {
        if let Ok(g) = self.gateways() {
            let (db, g) = (self.db.clone(), g.clone());
            tokio::spawn(async move {
                if let Err(e) = shequn_app::usecases::payments::send_refunds(&db, &g).await {
                    tracing::warn!(error = %e, "sending refunds failed; the sweep will retry");
                }
            });
        }
    }

    /// Spends one login attempt for this account and IP. Err carries the seconds to wait.
    /// Attempts are counted whether they succeed or not, so the limiter never tells an
    /// attacker which guesses were right.
    pub fn check_login_rate(&self, email: &str, ip: IpAddr) -> Result<(), u64> {
        let clock = DefaultClock::default();
        let wait = |nu: governor::NotUntil<_>| nu.wait_time_from(clock.now()).as_secs().max(1);
        self.login_by_ip.check_key(&ip).map_err(wait)?;
        self.login_by_account
            .check_key(&email.trim().to_lowercase())
            .map_err(wait)?;
        Ok(())
    }
}
