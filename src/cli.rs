//! Command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "homedash", version, about = "A terminal homepage dashboard", long_about = None)]
pub struct Cli {
    /// Config file (default: $HOMEDASH_CONFIG, then ~/.config/homedash/config.toml, then the embedded default)
    #[arg(long, short = 'c', global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Show every widget kind with recorded data from an in-process loopback server; no network, no token
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,

    /// Log filter for the log file, e.g. "info" or "homedash=debug" (also $HOMEDASH_LOG)
    #[arg(
        long,
        global = true,
        env = "HOMEDASH_LOG",
        value_name = "FILTER",
        default_value = "info"
    )]
    pub log_level: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the config and exit 0 (valid) or 1 (every problem listed with file:line:col)
    Check,
}
