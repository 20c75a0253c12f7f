//! The shopper's session on the store pages: the `shequn_shop` cookie (HttpOnly,
//! SameSite=Lax, `Path=/shop/{slug}`, Secure when configured, 30 days), resolved to a
//! [`Shopper`] of the store's brand on every request. A page (GET) opens a session when the
//! browser has none and sets the cookie; a form (POST) needs the session and its CSRF token
//! (the hidden field `csrf`), so [`Posted`] refuses one without them with a 403 page.

use axum::extract::{Form, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde::de::DeserializeOwned;
use shequn_app::usecases::shop::{self, ShopBrand, Shopper};

use super::{fault_page, message_page, not_found_page, query_param};
use crate::http::auth::{cookie, secrets_equal};
use crate::http::state::AppState;

/// The shopper cookie's name.
pub const COOKIE: &str = "shequn_shop";
/// How long the browser keeps the cookie: 30 days, in seconds.
const MAX_AGE_SECS: u32 = 30 * 24 * 60 * 60;
/// The longest join-link code `?via=` passes on; anything longer is no code of ours.
const MAX_VIA_LEN: usize = 64;

/// A visit to one brand's store: the store and the browser's shopper session.
pub struct Visit {
    pub brand: ShopBrand,
    pub shopper: Shopper,
    /// The `Set-Cookie` value of a session this request opened.
    opened: Option<String>,
}

impl Visit {
    /// `res`, carrying the new session's cookie when this request opened one.
    pub fn finish(&self, mut res: Response) -> Response {
        if let Some(c) = &self.opened
            && let Ok(v) = HeaderValue::from_str(c)
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        res
    }

    /// The store's address: `/shop/{slug}`.
    pub fn home(&self) -> String {
        format!("/shop/{}", self.brand.slug)
    }
}

/// The cookie that keeps `token` for the store at `slug`.
fn session_cookie(slug: &str, token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/shop/{slug}; Max-Age={MAX_AGE_SECS}{secure}"
    )
}

/// The join-link code of `?via=CODE`, when the query has a plausible one.
fn via_code(query: Option<&str>) -> Option<String> {
    query_param(query, "via")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= MAX_VIA_LEN)
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let slug = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|p| {
                p.iter()
                    .find(|(k, _)| *k == "slug")
                    .map(|(_, v)| v.to_owned())
            });
        let Some(slug) = slug else {
            return Err(not_found_page(None));
        };
        let brand = match shop::brand_by_slug(&state.db, &slug).await {
            Ok(Some(b)) => b,
            Ok(None) => return Err(not_found_page(None)),
            Err(e) => return Err(fault_page(None, e)),
        };
        if let Some(token) = cookie(&parts.headers, COOKIE) {
            match shop::session(&state.db, brand.brand, token).await {
                Ok(Some(shopper)) => {
                    return Ok(Visit {
                        brand,
                        shopper,
                        opened: None,
                    });
                }
                Ok(None) => {}
                Err(e) => return Err(fault_page(Some(&brand), e)),
            }
        }
        if parts.method != Method::GET && parts.method != Method::HEAD {
            // A form without a live session: it came from a page of another session (or
            // of none), so it is not ours to act on.
            return Err(expired_page(&brand));
        }
        let via = via_code(parts.uri.query());
        match shop::open_session(&state.db, brand.brand, via.as_deref()).await {
            Ok((shopper, token)) => {
                let cookie = session_cookie(&brand.slug, &token, state.options.secure_cookies);
                Ok(Visit {
                    brand,
                    shopper,
                    opened: Some(cookie),
                })
            }
            Err(e) => Err(fault_page(Some(&brand), e)),
        }
    }
}

/// The 403 page of a form whose session is gone or whose token does not match.
fn expired_page(brand: &ShopBrand) -> Response {
    message_page(
        Some(brand),
        StatusCode::FORBIDDEN,
        "页面已过期",
        "请返回上一页，刷新后再试一次。",
    )
}

/// A form that carries the session's CSRF token in its hidden field `csrf`.
pub trait CsrfForm {
    fn csrf(&self) -> &str;
}

/// A form posted by a shopper with a live session and that session's CSRF token. Every
/// field of `T` should be text with `#[serde(default)]`: the handler parses it, so bad
/// input is told beside its field rather than refused by the extractor.
pub struct Posted<T> {
    pub visit: Visit,
    pub form: T,
}

impl<T> FromRequest<AppState> for Posted<T>
where
    T: DeserializeOwned + CsrfForm + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let visit = Visit::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let form = match Form::<T>::from_request(req, state).await {
            Ok(Form(form)) => form,
            Err(_) => {
                return Err(message_page(
                    Some(&visit.brand),
                    StatusCode::BAD_REQUEST,
                    "提交的内容无法识别",
                    "请返回上一页，刷新后再试一次。",
                ));
            }
        };
        if !secrets_equal(form.csrf(), &visit.shopper.csrf) {
            return Err(expired_page(&visit.brand));
        }
        Ok(Posted { visit, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_for_the_store_only_and_secure_when_asked() {
        let c = session_cookie("demo", "abc", false);
        assert_eq!(
            c,
            "shequn_shop=abc; HttpOnly; SameSite=Lax; Path=/shop/demo; Max-Age=2592000"
        );
        assert!(session_cookie("demo", "abc", true).ends_with("; Secure"));
    }

    #[test]
    fn a_join_link_code_comes_from_via() {
        assert_eq!(via_code(Some("c=x&via=AbC123")), Some("AbC123".to_owned()));
        assert_eq!(via_code(Some("via=")), None);
        assert_eq!(via_code(None), None);
        let long = format!("via={}", "x".repeat(65));
        assert_eq!(via_code(Some(long.as_str())), None);
    }
}
