//! The console session: the `shequn_session` cookie (HttpOnly, SameSite=Lax, Secure when
//! configured), resolved to the signed-in staff member on every request.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use shequn_app::usecases::{auth, brands};
use shequn_domain::{Actor, StaffMember};

use super::i18n::Lang;
use crate::http::auth::{cookie, secrets_equal};
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "shequn_session";

/// A signed-in staff member on a console page.
pub struct Console {
    pub actor: Actor,
    pub staff: StaffMember,
    pub brand_name: String,
    pub csrf: String,
    pub lang: Lang,
}

impl Console {
    /// Whether a submitted form carries this session's CSRF token.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        secrets_equal(submitted, &self.csrf)
    }

    pub fn csrf_failed(&self) -> Response {
        super::chrome::error_page(
            self.lang,
            axum::http::StatusCode::FORBIDDEN,
            self.lang.text().csrf_failed,
        )
    }
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = Lang::from_headers(&parts.headers);
        let to_login = || {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let next: String = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            Redirect::to(&format!("/login?{next}")).into_response()
        };
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let info = match auth::resolve_session(&state.db, id).await {
            Ok(Some(info)) => info,
            Ok(None) => return Err(to_login()),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return Err(super::chrome::error_page(
                    lang,
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    lang.text().error_title,
                ));
            }
        };
        let brand_name = brands::current(&state.db, &info.actor)
            .await
            .map(|b| b.name)
            .unwrap_or_default();
        Ok(Console {
            actor: info.actor,
            staff: info.staff,
            brand_name,
            csrf: info.csrf,
            lang,
        })
    }
}

/// Whether cookies get the `Secure` flag: when configured, or when a TLS-terminating proxy
/// says the browser spoke HTTPS (`X-Forwarded-Proto: https`). Trusting the header is safe
/// here: a forged one only makes the sender's own cookie stricter.
pub fn cookies_secure(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    state.options.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn session_cookie(id: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}
