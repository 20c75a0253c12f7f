//! RFC 9457 problem details: the one error shape of the API, and the one place where a
//! use-case error becomes a status code and a stable machine `code`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shequn_app::AppError;
use utoipa::ToSchema;

/// The field at fault and what is wrong with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    /// A stable machine code for what is wrong, e.g. `too_long`, `taken`, `invalid`.
    pub reason: &'static str,
    pub message: String,
}

/// An API error, rendered as `application/problem+json` ([`ProblemBody`] on the wire).
/// Kept small: it travels in the `Err` side of every handler's result.
#[derive(Debug, Clone)]
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<u64>,
}

/// The wire form of a [`Problem`] (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemBody<'a> {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'a str,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: &'a str,
    /// A stable machine-readable code, e.g. `validation_failed`.
    pub code: &'a str,
    /// The fields at fault, for validation errors.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [FieldError],
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Names a field at fault, with the generic reason `invalid`.
    pub fn field(self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.field_reason(field, "invalid", message)
    }

    pub fn field_reason(
        mut self,
        field: impl Into<String>,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        self.errors.push(FieldError {
            field: field.into(),
            reason,
            message: message.into(),
        });
        self
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{field}: {message}"),
        )
        .field(field, message)
    }

    pub fn not_found(what: &str) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn unauthorized() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required (Authorization: Bearer shq_…)",
        )
    }

    pub fn internal() -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to handle the request; it has been logged",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("https://shequn.dev/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
            errors: &self.errors,
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The one mapping from a use-case error to the API's status and code. Every variant has
/// its arm (no catch-all), so a new variant is a compile error here until it is mapped.
impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(what) => Problem::not_found(what),
            AppError::Forbidden(why) => Problem::new(StatusCode::FORBIDDEN, "forbidden", why),
            AppError::Invalid { field, reason } => {
                let message = reason.to_string();
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    format!("{field}: {message}"),
                )
                .field_reason(field, reason.code(), message)
            }
            AppError::Refused(refusal) => {
                let message = refusal.to_string();
                let p = Problem::new(StatusCode::CONFLICT, refusal.code(), message.clone());
                match refusal.field() {
                    Some(field) => p.field_reason(field, refusal.code(), message),
                    None => p,
                }
            }
            AppError::BadCredentials => Problem::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "the email or password is wrong",
            ),
            AppError::IdempotencyKeyReused => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used with a different request; use a new key",
            )
            .field("Idempotency-Key", "already used with a different request"),
            AppError::Store(err) => {
                tracing::error!(error = %err, "storage error");
                Problem::internal()
            }
            AppError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                Problem::internal()
            }
        }
    }
}

/// Lets handlers return `Result<_, ApiError>` and use `?` on use-case results.
pub struct ApiError(pub Problem);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e.into())
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

impl From<shequn_domain::DomainError> for ApiError {
    fn from(e: shequn_domain::DomainError) -> Self {
        ApiError(AppError::from(e).into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}
