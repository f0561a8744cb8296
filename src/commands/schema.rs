//! `homedash schema`: the config's JSON Schema, printed or written beside
//! the config.

use std::path::Path;
use std::process::ExitCode;

use crate::commands::out::outln;
use crate::config::{self, Origin};

pub fn main(origin: &Origin, write: bool) -> ExitCode {
    if !write {
        outln!("{}", config::schema::text());
        return ExitCode::SUCCESS;
    }
    let Some(path) = origin.path().map(Path::to_path_buf).or_else(config::xdg_path) else {
        crate::commands::out::error(
            "schema --write: no config directory (set $HOME or $XDG_CONFIG_HOME, or give --config)",
        );
        return ExitCode::FAILURE;
    };
    match config::write::write_schema_beside(&path) {
        Ok(at) => {
            outln!(
                "wrote {}; a config beside it names it with a first line of: {}",
                at.display(),
                config::schema::DIRECTIVE
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::commands::out::error(format_args!("schema --write: {e}"));
            ExitCode::FAILURE
        }
    }
}
