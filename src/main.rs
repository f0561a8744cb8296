use std::process::ExitCode;

use clap::FromArgMatches;
use homedash::cli::{Cli, Command};
use homedash::commands;
use homedash::config::{self, Origin};

fn main() -> ExitCode {
    homedash::malloc::at_start();
    homedash::hardening::at_start();
    homedash::stores::own_session_keyring();
    commands::completions::answer_if_asked();
    let cli = match Cli::from_arg_matches(&homedash::cli::command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // `--theme` colours the dashboard and setup; before another command it
    // would be taken and ignored, so it is refused as clap refuses it after.
    if let (Some(_), Some(c)) = (&cli.theme, &cli.command)
        && !matches!(c, Command::Setup { .. })
    {
        homedash::cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--theme colours the dashboard and `homedash setup`; this command draws nothing",
            )
            .exit();
    }
    let origin = Origin::locate(
        cli.config.clone(),
        std::env::var_os("HOMEDASH_CONFIG").map(Into::into),
        config::xdg_path(),
    );
    match cli.command {
        Some(Command::Check) => commands::check::main(&origin),
        Some(Command::Creds(cmd)) => commands::creds::main(cmd, &origin),
        Some(Command::Gateway(cmd)) => commands::gateway::main(cmd, &origin),
        Some(Command::Setup { theme }) => homedash::startup::setup(cli, theme, origin),
        Some(Command::Doctor { json }) => commands::doctor::main(&origin, json),
        Some(Command::Completions { shell }) => commands::completions::main(shell),
        Some(Command::Schema { write }) => commands::schema::main(&origin, write),
        None => homedash::startup::main(cli, origin),
    }
}
