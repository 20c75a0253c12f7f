//! Who is calling: bearer tokens for the API, the session cookie for the console.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shequn_app::usecases::tokens;
use shequn_domain::{Actor, TokenId};

use super::problem::Problem;
use super::state::AppState;

/// The authenticated API caller, put in request extensions by [`require_bearer`].
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub actor: Actor,
    pub token: TokenId,
}

impl Caller {
    /// The idempotency scope: keys of one staff member never collide with another's.
    pub fn idempotency_scope(&self) -> String {
        format!("staff:{}", self.actor.staff)
    }
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Middleware for every API route but login: a live token or 401.
pub async fn require_bearer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer(req.headers()) else {
        return Problem::unauthorized().into_response();
    };
    match tokens::authenticate(&state.db, token).await {
        Ok(Some((actor, token))) => {
            req.extensions_mut().insert(Caller { actor, token });
            next.run(req).await
        }
        Ok(None) => Problem::unauthorized().into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        parts
            .extensions
            .get::<Caller>()
            .copied()
            .ok_or_else(Problem::unauthorized)
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Constant-time comparison for secrets (CSRF tokens), so timing does not leak a prefix.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
