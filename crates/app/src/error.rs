//! The use-case error: what went wrong, in terms the edge maps once to a status and code
//! (the API in `http/problem.rs`, the console in `web/error_text.rs`), with no catch-all.

use shequn_domain::{DomainError, Reason, Refusal, Subject};

use crate::storage::sql::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or outside the actor's brand: both look the same from outside.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Visible to the actor, but the actor's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// An input value was refused; `reason` carries the stable code.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: Reason },
    /// A business rule refused a well-formed request.
    #[error("{0}")]
    Refused(Refusal),
    #[error("invalid credentials")]
    BadCredentials,
    /// The request's Idempotency-Key was already used with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason } => AppError::Invalid { field, reason },
            DomainError::Forbidden(why) => AppError::Forbidden(why),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}

impl AppError {
    pub fn invalid(field: &'static str, reason: Reason) -> Self {
        AppError::Invalid { field, reason }
    }

    /// Maps a unique-constraint violation to "another `subject` has this `field`"; other
    /// storage errors pass.
    pub fn on_unique(subject: Subject, field: &'static str) -> impl FnOnce(StoreError) -> AppError {
        move |e| match e {
            StoreError::Unique(_) => AppError::Refused(Refusal::Taken { subject, field }),
            other => AppError::Store(other),
        }
    }
}
