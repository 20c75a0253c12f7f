//! Storage: the database handle, migrations and one module of SQL per aggregate.
//!
//! Every function here takes a [`db::Tx`] opened by a use case and a `BrandId`; the same
//! SQL text (`$N` placeholders, `RETURNING`, no engine functions) runs on both engines.

#[macro_use]
pub mod db;
pub mod audit;
pub mod group_commit;
pub mod idempotency;
pub mod orgs;
pub mod regions;
pub mod sessions;
pub mod staff;
pub mod stores;
pub mod tokens;
pub mod writer_thread;
