//! The integration suite: one test binary (one link) whose every test starts the real server
//! over a fresh database and runs once on SQLite and once on PostgreSQL (`both_engines!`).
//! Filter by engine with `cargo test --test suite sqlite::` or `postgres::`.

mod pg;

mod common;
mod phones;

mod activity;
mod audit;
mod auth;
mod browser;
mod browser_shop;
mod browser_workbench;
mod catalogue;
mod cli;
mod communities;
mod console;
mod console_communities;
mod console_customers;
mod console_import;
mod console_jobs;
mod console_products;
mod console_refunds;
mod console_screening;
mod console_segments;
mod console_workbench;
mod customers;
mod errors;
mod handover;
mod idempotency;
mod isolation;
mod jobs;
mod links;
mod members;
mod migrations;
mod ops;
mod orders;
mod pages;
mod payments;
mod schema;
mod scope;
mod screening;
mod search;
mod segments;
mod shop_journey;
mod wechat_pay;
mod wecom;
