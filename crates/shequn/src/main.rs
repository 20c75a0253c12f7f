//! `shequn`: one binary for the server and the operator commands.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    shequn::cli::run(shequn::cli::Cli::parse()).await
}
