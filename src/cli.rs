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

    /// Colour theme of the dashboard and setup, over the config's [theme] (NO_COLOR, when set, wins: monochrome)
    #[arg(long, value_name = "THEME")]
    pub theme: Option<crate::config::ThemeName>,

    /// Which characters and colours to draw with
    #[arg(long, value_enum, value_name = "LOOK", default_value_t)]
    pub look: crate::config::model::LookChoice,

    /// A wall display with no keyboard: pages turn by themselves ([kiosk] page_every), no key hints, nothing waits on a dialog, and the picture moves a cell now and then against burn-in; a key or a touch stops the turning until [kiosk] resume_after (a minute) has passed without one
    #[arg(long)]
    pub kiosk: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The command line with its reference (files, environment, exit
/// status) under `--help`; the man page renders the same lists.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().after_long_help(reference())
}

/// FILES, ENVIRONMENT and EXIT STATUS as `--help` shows them.
pub fn reference() -> String {
    let mut out = String::new();
    for (title, items) in [
        ("Files", FILES),
        ("Environment", ENVIRONMENT),
        ("Exit status", EXIT_STATUS),
    ] {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(title);
        out.push_str(":\n");
        for (name, what) in items {
            out.push_str(&format!("  {name}\n      {what}\n"));
        }
    }
    out.push_str(&manual_line(&installed_manual()));
    out
}

/// Where `--help` sends the reader for more: `man homedash` where the
/// page is installed, else the page in the source tree.
pub fn manual_line(installed: &Option<PathBuf>) -> String {
    match installed {
        Some(_) => "\nThe manual: man homedash".to_string(),
        None => match source_manual() {
            Some(p) => format!("\nThe manual is not installed; read it with: man -l {}", p.display()),
            None => "\nThe manual is not installed here; in the source tree: man -l assets/homedash.1".to_string(),
        },
    }
}

/// The page in the source tree this binary was built from, while it is
/// still there.
fn source_manual() -> Option<PathBuf> {
    Some(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/homedash.1"))).filter(|p| p.is_file())
}

/// The installed man page, if any: in $MANPATH, beside the binary
/// (PREFIX/bin and PREFIX/share/man), the user's ~/.local/share/man or the
/// system's man directories.
pub fn installed_manual() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("MANPATH")
        .map(|m| {
            std::env::split_paths(&m)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(prefix) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().and_then(|bin| bin.parent()).map(PathBuf::from))
    {
        dirs.push(prefix.join("share/man"));
    }
    // Where the README suggests a user puts it.
    if let Some(data) = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    {
        dirs.push(data.join("man"));
    }
    dirs.extend(["/usr/local/share/man", "/usr/share/man"].map(PathBuf::from));
    dirs.into_iter()
        .flat_map(|d| ["homedash.1", "homedash.1.gz"].map(|f| d.join("man1").join(f)))
        .find(|p| p.is_file())
}

/// Where homedash reads and writes.
pub const FILES: &[(&str, &str)] = &[
    (
        "~/.config/homedash/config.toml",
        "The config ($XDG_CONFIG_HOME/homedash/config.toml), used unless --config or $HOMEDASH_CONFIG names another; without one, an embedded default that needs no token. It holds no secret, and is refused when others can write to it. Its [keys.SCREEN] tables remap the keys of every screen (ACTION = \"KEY\" or [\"KEY\", …]; `homedash check` refuses a key given two actions), and the help shows the keys in use.",
    ),
    (
        "~/.config/homedash/homedash.schema.json",
        "The config's JSON Schema, for editors: written beside the config by `homedash setup` and `homedash schema --write`, and named by the config's first line, #:schema ./homedash.schema.json.",
    ),
    (
        "~/.local/state/homedash/",
        "State ($XDG_STATE_HOME/homedash, mode 0700): credentials.json (fingerprints, dates, approved origins, last tests; never a token), audit.jsonl (every credential change, no secret values) and homedash.YYYY-MM-DD.log (the daily log).",
    ),
    (
        "The OS keyring",
        "API tokens, under the service \"homedash\": on Linux the Secret Service, or the kernel keyring (keyutils) where none answers or [keyring] store says so; the Keychain on macOS, the Credential Manager on Windows. `homedash creds` manages them, and `creds move` carries them between stores.",
    ),
];

/// The environment homedash reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("HOMEDASH_CONFIG", "The config file, when --config is not given."),
    (
        "HOMEDASH_LOG",
        "The log filter, when --log-level is not given, e.g. \"info\" or \"homedash=debug\".",
    ),
    (
        "NO_COLOR",
        "Set and not empty: every screen in monochrome, with emphasis kept in bold, reverse video and symbols (no-color.org).",
    ),
    (
        "TERM, LC_ALL, LC_CTYPE, LANG",
        "TERM=linux, or a locale that is not UTF-8: only the Linux console's characters and 16 colours (--look overrides).",
    ),
    (
        "CREDENTIALS_DIRECTORY",
        "Set by systemd for a unit with LoadCredential= or LoadCredentialEncrypted=: where credentials with source = \"systemd\" are read.",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "Proxies (either case). Requests that carry a token never go through a proxy in clear text.",
    ),
    (
        "XDG_CONFIG_HOME, XDG_STATE_HOME",
        "Where the config and the state live.",
    ),
    (
        "HOMEDASH_NGINX",
        "The nginx binary for `homedash gateway` (default: nginx on PATH).",
    ),
    (
        "COMPLETE",
        "Set by the script of `homedash completions` to ask for completions; not for use by hand.",
    ),
];

/// What every command exits with.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Done: the dashboard was quit, the config is valid, the credential command did what it said.",
    ),
    (
        "1",
        "Not done, and said why on stderr: an invalid config (with file:line:col), a token not proven valid, a keyring or state file that cannot be used.",
    ),
    (
        "2",
        "The command line is wrong: an unknown command or option, a missing argument.",
    ),
    (
        "doctor",
        "0 when every check is ok; 1 when any is not (a problem, a warning, or a check it could not make).",
    ),
    (
        "129, 143",
        "The dashboard ended on SIGHUP or SIGTERM, with the terminal restored.",
    ),
];

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
    Setup {
        /// Colour theme of the wizard and the dashboard it starts, over the config's [theme]
        #[arg(long, value_name = "THEME")]
        theme: Option<crate::config::ThemeName>,
    },
    /// Manage API tokens: stored in the OS keyring, never in the config
    #[command(subcommand, after_help = EXIT_CODES)]
    Creds(Creds),
    /// Team mode: an nginx gateway that holds the provider keys for many homedash clients
    #[command(subcommand)]
    Gateway(Gateway),
    /// Check the config, the state files, the keyring, every credential's source and due dates, proxies, the clock and the terminal; print a fix for each problem; exit 0 only when all is fine
    Doctor {
        /// One JSON document, for scripts
        #[arg(long)]
        json: bool,
    },
    /// Print the config's JSON Schema, which editors read from a `#:schema` line (Taplo, Even Better TOML) to complete and check every key
    Schema {
        /// Write it beside the config (homedash.schema.json, as `#:schema ./homedash.schema.json` names it) instead of printing it
        #[arg(long)]
        write: bool,
    },
    /// Print the shell script that completes homedash's commands, options and credential names
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete in
        shell: clap_complete::aot::Shell,
    },
}

const COMPLETIONS_HELP: &str = "Load it from the shell's startup file:
  bash        echo 'source <(homedash completions bash)' >> ~/.bashrc
  zsh         echo 'source <(homedash completions zsh)' >> ~/.zshrc
  fish        echo 'homedash completions fish | source' >> ~/.config/fish/config.fish
  elvish      echo 'eval (homedash completions elvish | slurp)' >> ~/.config/elvish/rc.elv
  powershell  homedash completions powershell | Out-String | Invoke-Expression  (in $PROFILE)
Credential names are read from the config at each Tab (--config, $HOMEDASH_CONFIG, the XDG file).";

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
        /// The client's name, as the gateway's report shows it
        name: String,
        /// Write the token to this new file (mode 0600) instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Revoke a client: refused after the next `homedash gateway reload`
    Rm {
        /// The client's name
        name: String,
    },
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
        /// The credential ([credential.NAME] in the config)
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
        /// The credential ([credential.NAME] in the config)
        name: Option<String>,
        /// Test every credential in the config
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Replace a token: the new one (stdin or prompt) must test valid first; the old one is kept for rollback
    Rotate {
        /// The credential ([credential.NAME] in the config)
        name: String,
        /// Keep the new token even when its test cannot confirm it either way (not found, unexpected answer, offline); a rejected token is never kept
        #[arg(long)]
        force: bool,
    },
    /// Move a token to another store, where both answer: tested first, copied, read back, then deleted from the old store
    Move {
        /// The credential ([credential.NAME] in the config)
        name: String,
        /// The store to keep it in from now on
        #[arg(long, value_enum)]
        to: crate::config::model::KeyringStore,
        /// Move it even when its test cannot confirm it either way (not found, unexpected answer, offline); a rejected token never moves
        #[arg(long)]
        force: bool,
    },
    /// Keep the rotated token and delete the previous one
    Confirm {
        /// The credential ([credential.NAME] in the config)
        name: String,
    },
    /// Put back the token that the last rotation replaced
    Rollback {
        /// The credential ([credential.NAME] in the config)
        name: String,
    },
    /// Delete a credential's tokens from the keyring; an OAuth credential's are revoked at the authorization server first (RFC 7009)
    Rm {
        /// The credential ([credential.NAME] in the config)
        name: String,
        /// OAuth: delete locally even though the server's grant stays alive (when the server cannot be reached)
        #[arg(long)]
        local_only: bool,
        /// Remove without asking (it asks only on a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Log in an OAuth credential with its grant: a code for another device, the browser on this machine, or the client's own secret
    Login {
        /// The credential ([credential.NAME] in the config)
        name: String,
    },
    /// Approve an origin (scheme://host[:port]) that a credential may be sent to, besides its provider's own API
    Allow {
        /// The credential ([credential.NAME] in the config)
        name: String,
        /// scheme://host[:port]
        origin: String,
    },
    /// Withdraw an approval: the credential is no longer sent to that origin
    Deny {
        /// The credential ([credential.NAME] in the config)
        name: String,
        /// scheme://host[:port]
        origin: String,
    },
}
