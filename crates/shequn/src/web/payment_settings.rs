//! `/settings/payments` (支付设置): how the brand's customers pay — the sandbox gateway
//! (enabled or not) and what of WeChat Pay is set (merchant id, AppID, the merchant
//! certificate's serial, the platform certificates' serials, when it was saved).
//!
//! Brand admins only, like the jobs page: everyone else gets the 403 page (the use case
//! checks it again). No secret is ever shown, and there is no form for them: the merchant
//! key and the APIv3 key are set with `shequn payments wechat set` or
//! `PUT /api/v1/payment-settings/wechat`, which the page names, so they never pass through
//! a browser.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use shequn_app::AppError;
use shequn_app::usecases::{brands, payments};
use shequn_domain::Role;

use super::chrome::{Chrome, error_page, failure_page, local_time, render};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(PAYMENTS_PATH, get(payments_page))
}

/// The nav item of this page: payments belong with the orders.
const NAV: &str = "orders";

const PAYMENTS_PATH: &str = "/settings/payments";

/// The API route that sets WeChat Pay's secrets, as the page names it.
const API_ROUTE: &str = "PUT /api/v1/payment-settings/wechat";

/// The command that sets WeChat Pay on the server, for the brand with this slug (its
/// other options are listed by `--help`, which the page points to).
fn cli_command(slug: &str) -> String {
    format!("shequn payments wechat set --brand {slug} …")
}

/// WeChat Pay as the page shows it: never a secret.
struct WechatView {
    mchid: String,
    appid: String,
    serial: String,
    platform_serials: Vec<String>,
    updated: String,
}

#[derive(Template)]
#[template(path = "settings/payments.html")]
struct PaymentsPage {
    c: Chrome,
    sandbox_enabled: bool,
    /// None until WeChat Pay is set for the brand.
    wechat: Option<WechatView>,
    cli: String,
    api: &'static str,
}

async fn payments_page(State(state): State<AppState>, console: Console) -> Response {
    if console.actor.role != Role::BrandAdmin {
        return error_page(
            &console,
            StatusCode::FORBIDDEN,
            console.lang.text().errors.forbidden,
        );
    }
    let loaded = async {
        let settings = payments::settings(&state.db, &console.actor).await?;
        let brand = brands::current(&state.db, &console.actor).await?;
        Ok::<_, AppError>((settings, brand))
    }
    .await;
    match loaded {
        Ok((settings, brand)) => render(
            StatusCode::OK,
            &PaymentsPage {
                c: Chrome::for_console(&console, NAV),
                sandbox_enabled: settings.sandbox_enabled,
                wechat: settings.wechat.map(|w| WechatView {
                    mchid: w.mchid,
                    appid: w.appid,
                    serial: w.serial,
                    platform_serials: w.platform_serials,
                    updated: local_time(w.updated_at),
                }),
                cli: cli_command(&brand.slug),
                api: API_ROUTE,
            },
        ),
        Err(e) => failure_page(&console, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_names_the_brand() {
        assert_eq!(
            cli_command("demo"),
            "shequn payments wechat set --brand demo …"
        );
    }
}
