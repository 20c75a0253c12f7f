//! The use-case error: what went wrong, in terms the edge maps once to a status and code.

use shequn_domain::DomainError;

use crate::storage::sql::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or outside the actor's brand: both look the same from outside.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Visible to the actor, but the actor's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// A uniqueness rule: the value at `field` is already taken.
    #[error("{field}: {message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
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
            DomainError::Invalid { field, message } => AppError::Invalid { field, message },
            DomainError::Forbidden(why) => AppError::Forbidden(why),
        }
    }
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Maps a unique-constraint violation to a `Conflict` on `field`; other errors pass.
    pub fn on_unique(field: &'static str, message: &str) -> impl FnOnce(StoreError) -> AppError {
        move |e| match e {
            StoreError::Unique(_) => AppError::Conflict {
                field,
                message: message.to_owned(),
            },
            other => AppError::Store(other),
        }
    }
}
