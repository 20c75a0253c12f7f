//! The console session: the `shequn_session` cookie (HttpOnly, SameSite=Lax, Secure when
//! configured), resolved to the signed-in staff member on every request; and the two
//! short-lived cookies that carry something across a redirect after a change: the
//! done-message ([`FLASH_COOKIE`]) and a new API token's secret ([`NEW_TOKEN_COOKIE`]).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use shequn_app::usecases::{auth, brands};
use shequn_domain::{Actor, StaffMember};

use super::i18n::Lang;
use crate::http::auth::cookie;
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "shequn_session";
/// What the last change did, shown once by the page it redirected to.
pub const FLASH_COOKIE: &str = "shequn_flash";
/// A new API token's secret, shown once by the token list it redirected to.
pub const NEW_TOKEN_COOKIE: &str = "shequn_new_token";
/// Where the new token's cookie is sent: only to the token list.
pub const NEW_TOKEN_PATH: &str = "/account/tokens";
/// How long a cookie that crosses one redirect lives, in seconds.
const ONE_REDIRECT_SECS: u32 = 60;

/// A signed-in staff member on a console page.
pub struct Console {
    pub actor: Actor,
    pub staff: StaffMember,
    pub brand_name: String,
    pub csrf: String,
    pub lang: Lang,
    /// Whether cookies set for this browser get `Secure` (see [`cookies_secure`]).
    pub secure: bool,
    /// The done-message of the change that redirected here; GET requests only.
    pub flash: Option<String>,
}

/// A live session, looked up once per request: by the CSRF check for a state-changing
/// request (`super::csrf`, which leaves it in the request's extensions), else by the
/// [`Console`] extractor.
#[derive(Clone)]
pub struct LiveSession {
    pub actor: Actor,
    pub staff: StaffMember,
    pub csrf: String,
}

/// The request's session, or the response that stands for its absence: the login page
/// (which comes back here afterwards), or an error page when the lookup failed.
pub async fn live_session(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    lang: Lang,
) -> Result<LiveSession, Response> {
    let to_login = || {
        let next = uri.path_and_query().map_or("/", |p| p.as_str());
        let next: String = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
        Redirect::to(&format!("/login?{next}")).into_response()
    };
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Err(to_login());
    };
    match auth::resolve_session(&state.db, id).await {
        Ok(Some(info)) => Ok(LiveSession {
            actor: info.actor,
            staff: info.staff,
            csrf: info.csrf,
        }),
        Ok(None) => Err(to_login()),
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            Err(super::chrome::error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.text().errors.title,
            ))
        }
    }
}

impl Console {
    /// The console of a live session: its brand's name, and on a GET the done-message
    /// waiting for it.
    pub async fn open(
        state: &AppState,
        session: LiveSession,
        headers: &HeaderMap,
        method: &Method,
        lang: Lang,
    ) -> Console {
        let brand_name = brands::current(&state.db, &session.actor)
            .await
            .map(|b| b.name)
            .unwrap_or_default();
        let flash = if *method == Method::GET {
            read_flash(headers)
        } else {
            None
        };
        Console {
            actor: session.actor,
            staff: session.staff,
            brand_name,
            csrf: session.csrf,
            lang,
            secure: cookies_secure(state, headers),
            flash,
        }
    }

    /// The refusal of a state-changing request without this session's CSRF token.
    pub fn csrf_failed(&self) -> Response {
        super::chrome::error_page(
            self,
            StatusCode::FORBIDDEN,
            self.lang.text().errors.csrf_failed,
        )
    }

    /// After a change (post/redirect/get): to `to`, whose page then says `message` once.
    pub fn done(&self, to: &str, message: String) -> Response {
        (
            AppendHeaders([(header::SET_COOKIE, flash_cookie(&message, self.secure))]),
            Redirect::to(to),
        )
            .into_response()
    }
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = Lang::from_headers(&parts.headers);
        let session = match parts.extensions.remove::<LiveSession>() {
            Some(checked) => checked,
            None => live_session(state, &parts.headers, &parts.uri, lang).await?,
        };
        Ok(Console::open(state, session, &parts.headers, &parts.method, lang).await)
    }
}

/// Whether cookies get the `Secure` flag: when configured, or when a TLS-terminating proxy
/// says the browser spoke HTTPS (`X-Forwarded-Proto: https`). Trusting the header is safe
/// here: a forged one only makes the sender's own cookie stricter.
pub fn cookies_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.options.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: always HttpOnly; `max_age` None lives as long as the browser.
fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    same_site: &str,
    max_age: Option<u32>,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite={same_site}");
    if let Some(secs) = max_age {
        c.push_str(&format!("; Max-Age={secs}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn session_cookie(id: &str, secure: bool) -> String {
    set_cookie(SESSION_COOKIE, id, "/", "Lax", None, secure)
}

pub fn clear_session_cookie(secure: bool) -> String {
    set_cookie(SESSION_COOKIE, "", "/", "Lax", Some(0), secure)
}

/// The done-message, percent-encoded (cookie values are ASCII without `;`, `,` or spaces).
pub fn flash_cookie(message: &str, secure: bool) -> String {
    let encoded = serde_urlencoded::to_string([("m", message)]).unwrap_or_default();
    let value = encoded.strip_prefix("m=").unwrap_or("");
    set_cookie(
        FLASH_COOKIE,
        value,
        "/",
        "Strict",
        Some(ONE_REDIRECT_SECS),
        secure,
    )
}

pub fn clear_flash_cookie(secure: bool) -> String {
    set_cookie(FLASH_COOKIE, "", "/", "Strict", Some(0), secure)
}

/// The done-message the request carries, if any.
pub fn read_flash(headers: &HeaderMap) -> Option<String> {
    let value = cookie(headers, FLASH_COOKIE).filter(|v| !v.is_empty())?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("m={value}"))
        .ok()?
        .into_iter()
        .next()
        .map(|(_, m)| m)
        .filter(|m| !m.is_empty())
}

/// A new token's secret for the token list to show once. Not stored anywhere on the
/// server: only this browser holds it, for one redirect.
pub fn new_token_cookie(secret: &str, secure: bool) -> String {
    set_cookie(
        NEW_TOKEN_COOKIE,
        secret,
        NEW_TOKEN_PATH,
        "Strict",
        Some(ONE_REDIRECT_SECS),
        secure,
    )
}

pub fn clear_new_token_cookie(secure: bool) -> String {
    set_cookie(
        NEW_TOKEN_COOKIE,
        "",
        NEW_TOKEN_PATH,
        "Strict",
        Some(0),
        secure,
    )
}

/// The new token's secret the request carries, if it looks like one (`shq_` and hex).
pub fn read_new_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, NEW_TOKEN_COOKIE)
        .filter(|v| {
            v.starts_with(shequn_app::usecases::tokens::TOKEN_PREFIX)
                && v.len() <= 128
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .map(str::to_owned)
}
