//! assets/homedash.1, the man page, is rendered from the command line's
//! own definition (clap_mangen): every subcommand with its options, and
//! the files, environment and exit status that `--help` lists too. This
//! test renders it again and fails when the file in the repository is
//! out of date; `HOMEDASH_BLESS=1` writes the new one instead.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

fn manifest() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each piece `Man` renders starts with roff's quote-string preamble;
/// the page needs it once.
fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// A section of `Man`'s output without the preamble and its `.SH` line.
fn body(render: impl Fn(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    render(&mut buf).unwrap();
    String::from_utf8(buf)
        .unwrap()
        .lines()
        .filter(|l| !is_preamble(l) && !l.starts_with(".SH "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A subcommand as its section shows it: the options every command
/// takes (--config, --log-level, --help) are listed once, at the top.
fn own_options(sub: clap::Command) -> clap::Command {
    let globals: Vec<clap::Id> = sub
        .get_arguments()
        .filter(|a| a.is_global_set() || a.get_id() == "help")
        .map(|a| a.get_id().clone())
        .collect();
    globals.iter().fold(sub, |c, id| c.mut_arg(id, |a| a.hide(true)))
}

/// Each subcommand under `cmd`, depth first, with its full name.
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{path} {}", sub.get_name());
        out.push((name.clone(), own_options(sub.clone().bin_name(&name))));
        commands(sub, &name, out);
    }
}

/// A synopsis line with each option's value named, `[-c|--config FILE]`
/// (clap_mangen's leaves the value out).
fn synopsis(cmd: &clap::Command) -> String {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let mut parts = vec![bold(name)];
    let value = |a: &clap::Arg| {
        a.get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| a.get_id().to_string().to_uppercase())
    };
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if a.is_positional() {
            let v = value(a);
            parts.push(roman(" "));
            parts.push(italic(if a.is_required_set() {
                format!("<{v}>")
            } else {
                format!("[{v}]")
            }));
            continue;
        }
        parts.push(roman(" ["));
        if let Some(s) = a.get_short() {
            parts.push(bold(format!("-{s}")));
            if a.get_long().is_some() {
                parts.push(roman("|"));
            }
        }
        if let Some(l) = a.get_long() {
            parts.push(bold(format!("--{l}")));
        }
        if a.get_action().takes_values() {
            parts.push(roman(" "));
            parts.push(italic(value(a)));
        }
        parts.push(roman("]"));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        parts.push(roman(" "));
        parts.push(italic(if cmd.is_subcommand_required_set() {
            "<COMMAND>"
        } else {
            "[COMMAND]"
        }));
    }
    let mut r = Roff::default();
    r.text(parts);
    body(|b| r.to_writer(b))
}

fn section(out: &mut String, title: &str, items: &[(&str, &str)]) {
    let mut r = Roff::default();
    for (name, what) in items {
        r.control("TP", []);
        r.text([bold(*name)]);
        r.text([roman(*what)]);
    }
    out.push_str(&format!(".SH \"{title}\"\n"));
    out.push_str(&body(|b| r.to_writer(b)));
}

fn render() -> String {
    let mut cmd = homedash::cli::command().disable_help_subcommand(true);
    cmd.build();
    let top = Man::new(cmd.clone())
        .title("HOMEDASH")
        .section("1")
        .manual("homedash manual");
    let mut page = String::new();
    type Part = fn(&Man, &mut dyn std::io::Write) -> std::io::Result<()>;
    let parts: [Option<Part>; 5] = [
        Some(|m, w| m.render_title(w)),
        Some(|m, w| m.render_name_section(w)),
        None,
        Some(|m, w| m.render_description_section(w)),
        Some(|m, w| m.render_options_section(w)),
    ];
    for part in parts {
        let Some(part) = part else {
            page.push_str(".SH SYNOPSIS\n");
            page.push_str(&synopsis(&cmd));
            continue;
        };
        let mut buf = Vec::new();
        part(&top, &mut buf).unwrap();
        for line in String::from_utf8(buf).unwrap().lines() {
            if !is_preamble(line) || page.is_empty() || page.lines().count() < 2 {
                page.push_str(line);
                page.push('\n');
            }
        }
    }
    let mut subs = Vec::new();
    commands(&cmd, "homedash", &mut subs);
    page.push_str(".SH COMMANDS\n");
    for (name, sub) in subs {
        let man = Man::new(sub.clone());
        page.push_str(&format!(".SS \"{name}\"\n"));
        page.push_str(&synopsis(&sub));
        page.push_str(".PP\n");
        page.push_str(&body(|b| man.render_description_section(b)));
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.push_str(&body(|b| man.render_options_section(b)));
        }
        if let Some(after) = sub.get_after_help() {
            let mut r = Roff::default();
            r.control("PP", [])
                .control("nf", [])
                .text([roman(after.to_string())])
                .control("fi", []);
            page.push_str(&body(|b| r.to_writer(b)));
        }
    }
    section(&mut page, "FILES", homedash::cli::FILES);
    section(&mut page, "ENVIRONMENT", homedash::cli::ENVIRONMENT);
    section(&mut page, "EXIT STATUS", homedash::cli::EXIT_STATUS);
    page.push_str(".SH VERSION\n");
    page.push_str(&body(|b| top.render_version_section(b)));
    page
}

#[test]
fn the_man_page_is_rendered_from_the_command_line() {
    let path = manifest().join("assets/homedash.1");
    let fresh = render();
    if std::env::var_os("HOMEDASH_BLESS").is_some() {
        // Renamed into place: the test that runs `man` on it may be reading.
        let new = path.with_extension("1.new");
        std::fs::write(&new, &fresh).unwrap();
        std::fs::rename(&new, &path).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "assets/homedash.1 is out of date with the command line; write it again with\n  HOMEDASH_BLESS=1 cargo test --test integration manpage"
    );
}

#[test]
fn the_man_page_covers_every_subcommand_and_the_reference() {
    let page = render();
    let mut subs = Vec::new();
    commands(&homedash::cli::command(), "homedash", &mut subs);
    assert!(subs.len() > 20, "{} subcommands", subs.len());
    for (name, _) in &subs {
        assert!(page.contains(&format!(".SS \"{name}\"")), "{name} missing");
    }
    for heading in ["SYNOPSIS", "OPTIONS", "COMMANDS", "FILES", "ENVIRONMENT", "EXIT STATUS"] {
        assert!(
            page.contains(&format!(".SH {heading}")) || page.contains(&format!(".SH \"{heading}\"")),
            "{heading}"
        );
    }
}

/// The page as a reader sees it: `man -l` renders it without a warning.
#[test]
fn man_renders_it() {
    let out = std::process::Command::new("man")
        .args(["--warnings", "-l"])
        .arg(manifest().join("assets/homedash.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .output()
        .expect("man (apt install man-db; tests/run.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.trim().is_empty(), "man warned: {err}");
    for needle in ["homedash creds test", "HOMEDASH_CONFIG", "EXIT STATUS", "completions"] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
}
