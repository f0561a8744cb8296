//! Standard output for every command. A reader that stops early
//! (`homedash creds list | head -1`) has what it wanted: the command ends
//! there, quietly and with success, as `ls | head` does, where `println!`
//! would panic. Any other failure to write is said once, on stderr.

use std::io::Write;

/// Write `args` to standard output, or end the process as above.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// A command's failure on stderr, in the one style of clap and of config
/// problems: `error: ` and what happened. The text may quote outside text
/// (a server's words, a path), so it is admitted first.
pub fn error(text: impl std::fmt::Display) {
    let text = crate::outside::admit_lines(&text.to_string(), 2000);
    // A config's problems come as lines that each say `error:` already.
    let prefix = if text.starts_with("error: ") { "" } else { "error: " };
    let _ = writeln!(std::io::stderr(), "{prefix}{text}");
}

/// `println!` for the commands: see `write`.
macro_rules! outln {
    () => {
        $crate::commands::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::commands::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the commands: see `write`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::out::write(format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};
