use std::process::ExitCode;

use clap::Parser;
use homedash::cli::{Cli, Command};
use homedash::config::{self, Origin};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let origin = Origin::locate(
        cli.config.clone(),
        std::env::var_os("HOMEDASH_CONFIG").map(Into::into),
        config::xdg_path(),
    );
    match cli.command {
        Some(Command::Check) => check(&origin),
        Some(Command::Creds(cmd)) => homedash::creds::main(cmd, &origin),
        Some(Command::Setup) => homedash::run::setup(cli, origin),
        None => homedash::run::main(cli, origin),
    }
}

fn check(origin: &Origin) -> ExitCode {
    match config::load(origin) {
        Ok(c) => {
            println!(
                "{}: ok, {} widget{}",
                c.source_name,
                c.widgets.len(),
                if c.widgets.len() == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
