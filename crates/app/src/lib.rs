//! Use cases and storage of shequn.
//!
//! A use case (in [`usecases`]) opens one transaction, authorises the actor against the
//! domain's scope rules, calls storage functions (in [`storage`]) and commits. Storage
//! functions run the same SQL text on SQLite and PostgreSQL and always take a `BrandId`.

pub mod bench;
pub mod cache;
pub mod clock;
pub mod error;
pub mod idempotency;
pub mod payments;
pub mod qr;
pub mod sealed;
pub mod secrets;
pub mod storage;
pub mod usecases;
pub mod wecom;

pub use error::AppError;
pub use storage::db::{Db, DbConfig, Engine};
