//! Storage: the database handle, migrations and one module of SQL per aggregate.
//!
//! Every function here takes a [`db::Tx`] lent to a use case's transaction body and a
//! `BrandId`; the same SQL text (`$N` placeholders, `RETURNING`, no engine functions) and the
//! same parameters ([`sql::Value`]) run on both engines.

#[macro_use]
pub mod sql;
pub mod activity;
pub mod audit;
pub mod catalogue;
pub mod communities;
pub mod customers;
pub mod db;
pub mod demo_orders;
pub mod jobs;
pub mod links;
pub mod members;
pub mod orders;
pub mod orgs;
pub mod payment_settings;
pub mod payments;
pub mod pg;
pub mod refund_requests;
pub mod regions;
pub mod sandbox_gateway;
pub mod screening;
pub mod segments;
pub mod sessions;
pub mod shop;
pub mod sqlite;
pub mod staff;
pub mod stores;
pub mod tokens;
pub mod verify;
pub mod wechat_pay;
pub mod wecom;
