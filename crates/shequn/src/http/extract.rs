//! Request extractors whose every rejection is a problem+json 4xx naming the field at
//! fault: JSON bodies, query strings and numeric ids in paths.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use shequn_domain::{Cursor, PageSize};

use super::problem::Problem;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body. Malformed JSON is 400 `malformed_json`; a well-formed body of the wrong
/// shape (types, missing or unknown fields) is 422 `validation_failed` with the field path.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.ends_with("+json")
            });
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON, sent with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| too_large())?;
        parse_json(&bytes).map(ApiJson)
    }
}

pub fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body must be at most {MAX_BODY_BYTES} bytes"),
    )
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    // Syntax first: serde would otherwise report "unknown field" for a truncated body
    // whose first key is unknown, calling a malformed document a validation error.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." {
            field_from_message(&message)
        } else {
            path
        };
        Problem::validation(field, message)
    })
}

/// serde reports a missing or unknown field at the parent level; its name is in the
/// message ("missing field `name`").
fn field_from_message(msg: &str) -> String {
    msg.split('`').nth(1).unwrap_or("body").to_owned()
}

/// Query-string parameters, read with typed getters that fail on the named parameter.
pub struct ApiQuery(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for ApiQuery {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(ApiQuery)
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed_query", e.to_string()))
    }
}

impl ApiQuery {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    pub fn id(&self, name: &'static str) -> Result<Option<i64>, Problem> {
        self.str(name).map(|raw| parse_id(name, raw)).transpose()
    }

    /// `limit` and `cursor`, bounded.
    pub fn page(&self) -> Result<(Cursor, PageSize), Problem> {
        let limit = self
            .str("limit")
            .map(|l| {
                l.parse::<i64>().map_err(|_| {
                    Problem::validation("limit", format!("must be a whole number, got '{l}'"))
                })
            })
            .transpose()?;
        let size = PageSize::parse(limit).map_err(domain_problem)?;
        let cursor = Cursor::parse(self.str("cursor")).map_err(domain_problem)?;
        Ok((cursor, size))
    }
}

fn domain_problem(e: shequn_domain::DomainError) -> Problem {
    Problem::from(shequn_app::AppError::from(e))
}

/// Ids are positive integers; anything else in an id position is 400 `invalid_id`.
pub fn parse_id(field: &str, raw: &str) -> Result<i64, Problem> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_id",
            format!("{field} must be a positive integer, got '{raw}'"),
        )
        .field(field, "must be a positive integer")
    })
}

/// The single `{id}` segment of a path like `/api/v1/stores/{store_id}`.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::not_found("resource"))?;
        let (name, value) = params
            .iter()
            .next()
            .ok_or_else(|| Problem::not_found("resource"))?;
        parse_id(name, value).map(IdPath)
    }
}
