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
        default_value = "info",
        value_parser = log_filter
    )]
    pub log_level: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `homedash creds` exits with, in `--help` and the README.
pub const EXIT_CODES: &str = "Exit codes:
  0  done: stored, rotated, deleted, approved; `test`: every credential tested valid; `list`: listed
  1  not done, and said why: nothing to delete, confirm or roll back; a token not proven valid; a
     refused name, origin or config; the keyring or the state file cannot be used
  2  the command line is wrong (unknown command or option, missing name)";

/// A `--log-level` is checked where it is given: a bad one is a usage
/// error, not a log file that silently never fills.
fn log_filter(text: &str) -> Result<String, BadLogFilter> {
    text.parse::<tracing_subscriber::filter::Targets>()
        .map(|_| text.to_string())
        .map_err(BadLogFilter)
}

#[derive(Debug, thiserror::Error)]
#[error("{0}; write e.g. \"info\", \"debug\" or \"homedash=trace\"")]
pub struct BadLogFilter(#[source] tracing_subscriber::filter::ParseError);

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the config and exit 0 (valid) or 1 (every problem listed with file:line:col)
    Check,
    /// Set up or change your dashboard step by step: widgets, providers, API keys (tested, kept in the keyring), layout
    Setup,
    /// Manage API tokens: stored in the OS keyring, never in the config
    #[command(subcommand, after_help = EXIT_CODES)]
    Creds(Creds),
    /// Team mode: an nginx gateway that holds the provider keys for many homedash clients
    #[command(subcommand)]
    Gateway(Gateway),
}

#[derive(Debug, Subcommand)]
pub enum Gateway {
    /// Write the nginx config from [gateway_server], and its upstream keys to a 0600 include; checked with `nginx -t` before it replaces anything
    Render,
    /// Render, check with `nginx -t`, and reload nginx without dropping requests (after `creds rotate` or a client change)
    Reload,
    /// The gateway's clients: each has its own token, of which only a hash is kept here
    #[command(subcommand)]
    Client(GatewayClientCmd),
    /// Read the gateway's JSON access log: per client, per route against its plan, and anomalies
    Report {
        /// The access log (`access_log` in [gateway_server])
        log: PathBuf,
        /// One JSON document, for scripts
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GatewayClientCmd {
    /// Make a client token: shown once (or written to a new 0600 file), only its hash stays here
    Add {
        name: String,
        /// Write the token to this new file (mode 0600) instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Revoke a client: refused after the next `homedash gateway reload`
    Rm { name: String },
    /// Every client, with when it was made or revoked
    List,
}

#[derive(Debug, Subcommand)]
pub enum Creds {
    /// Every credential: source, fingerprint, age, due dates, last test, widgets
    List {
        /// One JSON document, for scripts
        #[arg(long)]
        json: bool,
    },
    /// Store a token in the keyring, read from stdin or a no-echo prompt (never from the command line), then test it
    Add {
        name: String,
        /// Provider the token is for, e.g. finnhub (default: the config's [credential.NAME] provider)
        #[arg(long)]
        provider: Option<String>,
        /// Store without testing
        #[arg(long)]
        no_test: bool,
    },
    /// Test credentials against their provider; exit 0 only when all tested are valid
    Test {
        name: Option<String>,
        /// Test every credential in the config
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Replace a token: the new one (stdin or prompt) must test valid first; the old one is kept for rollback
    Rotate {
        name: String,
        /// Keep the new token even when its test cannot confirm it either way (not found, unexpected answer, offline); a rejected token is never kept
        #[arg(long)]
        force: bool,
    },
    /// Keep the rotated token and delete the previous one
    Confirm { name: String },
    /// Put back the token that the last rotation replaced
    Rollback { name: String },
    /// Delete a credential's tokens from the keyring; an OAuth credential's are revoked at the authorization server first (RFC 7009)
    Rm {
        name: String,
        /// OAuth: delete locally even though the server's grant stays alive (when the server cannot be reached)
        #[arg(long)]
        local_only: bool,
    },
    /// Log in an OAuth credential with its grant: a code for another device, the browser on this machine, or the client's own secret
    Login { name: String },
    /// Approve an origin (scheme://host[:port]) that a credential may be sent to, besides its provider's own API
    Allow { name: String, origin: String },
    /// Withdraw an approval: the credential is no longer sent to that origin
    Deny { name: String, origin: String },
}
