//! The edge of shequn: the HTTP API, the web console and the operator CLI. Handlers parse
//! input, call one use case from `shequn_app`, and map the result; no SQL, no rules here.

pub mod bench_http;
pub mod cli;
pub mod customer_csv;
pub mod http;
pub mod shop;
pub mod web;
