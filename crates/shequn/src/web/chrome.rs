//! What every console page shares: the layout's data, rendering, error pages, local time,
//! the language switch.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::AppError;

use super::i18n::{LANG_COOKIE, Lang, Text};
use super::session::Console;

/// The layout's data: language, the signed-in user, the CSRF token for forms.
pub struct Chrome {
    pub t: &'static Text,
    pub lang: &'static str,
    pub user: Option<UserBadge>,
    pub csrf: String,
    /// Which nav item is current: "home", "regions", "stores", "staff", "audit", "account".
    pub nav: &'static str,
    /// What the last change did (「已停用门店 上海南京西路店（SH-001）」), shown once on the
    /// page its redirect led to.
    pub flash: Option<String>,
    /// A form error that belongs to none of the page's inputs (those show beside the input).
    pub error: Option<String>,
}

pub struct UserBadge {
    pub name: String,
    pub role: &'static str,
    pub brand: String,
    /// Managers and admins have an operation log; shop guides do not.
    pub sees_audit: bool,
    /// Brand admins see the jobs page.
    pub is_brand_admin: bool,
}

impl Chrome {
    pub fn anonymous(lang: Lang) -> Self {
        Chrome {
            t: lang.text(),
            lang: lang.code(),
            user: None,
            csrf: String::new(),
            nav: "",
            flash: None,
            error: None,
        }
    }

    pub fn for_console(c: &Console, nav: &'static str) -> Self {
        let t = c.lang.text();
        Chrome {
            t,
            lang: c.lang.code(),
            user: Some(UserBadge {
                name: c.staff.display_name.clone(),
                role: t.staff.role_name(c.staff.role.as_str()),
                brand: c.brand_name.clone(),
                sees_audit: c.actor.role != shequn_domain::Role::ShopGuide,
                is_brand_admin: c.actor.role == shequn_domain::Role::BrandAdmin,
            }),
            csrf: c.csrf.clone(),
            nav,
            flash: c.flash.clone(),
            error: None,
        }
    }
}

/// Renders a template, or a plain 500 page if the template fails (logged).
pub fn render(status: StatusCode, tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("internal error")).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: &'static str,
}

/// Who sees an error page: a language alone when no session is known (the page has no
/// navigation), or a signed-in member (the page keeps the console's navigation).
pub trait Viewer {
    fn chrome(&self) -> Chrome;
}

impl Viewer for Lang {
    fn chrome(&self) -> Chrome {
        Chrome::anonymous(*self)
    }
}

impl Viewer for &Console {
    fn chrome(&self) -> Chrome {
        Chrome::for_console(self, "")
    }
}

pub fn error_page(viewer: impl Viewer, status: StatusCode, message: &'static str) -> Response {
    render(
        status,
        &ErrorPage {
            c: viewer.chrome(),
            message,
        },
    )
}

/// A use-case error that is not shown on a form, as a page: (status, message). Every
/// variant has its arm: a new one fails the build here until the console knows it.
fn page_error(t: &'static Text, e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, t.errors.not_found),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, t.errors.forbidden),
        AppError::Invalid { .. } | AppError::Refused(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, t.errors.title)
        }
        AppError::BadCredentials
        | AppError::IdempotencyKeyReused
        | AppError::Store(_)
        | AppError::Internal(_) => {
            tracing::error!(error = %e, "console request failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.errors.title)
        }
    }
}

/// A use-case error as the page of its own, in the layout `c` (which keeps the
/// navigation of a signed-in member).
pub fn error_response(c: Chrome, e: &AppError) -> Response {
    let (status, message) = page_error(c.t, e);
    render(status, &ErrorPage { c, message })
}

/// Any use-case error as a whole page (for GETs, where there is no form to show it on).
/// Given the console (`&Console`) rather than only its language, the page keeps the
/// navigation.
pub fn failure_page(viewer: impl Viewer, e: AppError) -> Response {
    error_response(viewer.chrome(), &e)
}

/// Times are stored in UTC and shown in China Standard Time (UTC+8), the brands' zone.
pub fn local_time(ms: i64) -> String {
    const CST: time::UtcOffset = time::macros::offset!(+8);
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(CST).format(&fmt).unwrap_or_default())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `/lang/en` or `/lang/zh`: remembers the choice for a year and goes back.
pub async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Next>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Zh);
    // Only local paths, so the switch cannot be used as an open redirect.
    let back = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| {
                    r.split_once("://")
                        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                })
        })
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
