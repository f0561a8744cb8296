//! The checks of the world around homedash: proxies, the clock, the
//! terminal.

use std::io::IsTerminal;
use std::time::Duration;

use chrono::{DateTime, Utc};
use homedash_widgets::{AuthPlacement, RequestSpec};

use super::{Check, Status};
use crate::config::Config;
use crate::net::http::{ClientError, Http, ProxyEnv};
use crate::ui::theme::Look;

/// A clock further off than this breaks TLS certificate checks and OAuth
/// token lifetimes (servers allow a few minutes at most).
const CLOCK_FAIL: Duration = Duration::from_secs(300);
/// Further off than this is worth fixing before it grows.
const CLOCK_WARN: Duration = Duration::from_secs(30);

/// Whether stdout is a terminal that takes colour (and `NO_COLOR` is not set).
pub fn colour_on_stdout() -> bool {
    std::io::stdout().is_terminal() && !no_color()
}

fn no_color() -> bool {
    Look::from_env(None).no_color
}

/// An environment value as it may be printed: its password, if it is a
/// URL with one, replaced, and no control characters.
fn shown(value: &str) -> String {
    let masked = match url::Url::parse(value) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => value.to_string(),
    };
    crate::outside::admit(&masked)
}

/// `http` is the client the proxy variables built, or why they could not.
pub fn proxy(http: &Result<Http, ClientError>, found: &mut Vec<Check>) {
    let env = ProxyEnv::from_env();
    if env.https.is_none() && env.http.is_none() {
        found.push(Check::ok("proxy", "none set: every request goes direct"));
        return;
    }
    if let Err(e) = http {
        found.push(Check::problem(
            "proxy",
            Status::Fail,
            e.to_string(),
            "fix or unset HTTPS_PROXY / HTTP_PROXY / ALL_PROXY (scheme://host:port)",
        ));
        return;
    }
    let mut parts = Vec::new();
    if let Some(p) = &env.https {
        parts.push(format!(
            "https through {} (a CONNECT tunnel: it never sees a token)",
            shown(p)
        ));
    }
    if let Some(p) = &env.http {
        parts.push(format!("plain http through {} (never with a token)", shown(p)));
    }
    parts.push(format!(
        "direct: loopback{}",
        env.no_proxy
            .as_deref()
            .map(|n| format!(", {}", shown(n)))
            .unwrap_or_default()
    ));
    found.push(Check::ok("proxy", parts.join("; ")));
}

/// The clock against the `Date` of an answer from the first server the
/// config polls (any answer carries one).
pub async fn clock(config: Option<&Config>, http: &Result<Http, ClientError>, found: &mut Vec<Check>) {
    let Some(base) = config.and_then(|c| c.widgets.iter().find_map(|w| w.base())) else {
        found.push(Check::ok(
            "clock",
            format!(
                "{} UTC; no server in the config to compare with",
                Utc::now().format("%Y-%m-%d %H:%M:%S")
            ),
        ));
        return;
    };
    let mut origin = base.clone();
    origin.set_path("/");
    origin.set_query(None);
    let spec = RequestSpec {
        url: origin.clone(),
        headers: Vec::new(),
        auth: AuthPlacement::None,
    };
    let shown = origin.origin().ascii_serialization();
    let sync = "`timedatectl` shows whether the clock is synchronised";
    let theirs = match http {
        Ok(http) => http
            .fetch(&spec, Duration::from_secs(5), None)
            .await
            .map_err(|e| (format!("no answer from {shown} ({e})"), true)),
        Err(e) => Err((format!("no answer from {shown} ({e})"), true)),
    }
    .and_then(|reply| match reply.header("date") {
        None => Err((format!("{shown} sent no Date header"), false)),
        Some(d) => DateTime::parse_from_rfc2822(d)
            .map(|t| t.to_utc())
            .map_err(|_| (format!("{shown} sent an unreadable Date"), false)),
    });
    let now = Utc::now();
    let theirs = match theirs {
        Ok(t) => t,
        Err((why, network)) => {
            let fix = if network {
                format!("check the network (and the proxy line above); {sync}")
            } else {
                sync.to_string()
            };
            found.push(Check::problem(
                "clock",
                Status::Warn,
                format!("not compared: {why}"),
                fix,
            ));
            return;
        }
    };
    let off = (now - theirs).num_seconds();
    let by = Duration::from_secs(off.unsigned_abs());
    let how = if off >= 0 { "ahead of" } else { "behind" };
    let said = format!(
        "{}s {how} {shown} (Date: {})",
        off.abs(),
        theirs.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let fix = "turn on time synchronisation: `sudo timedatectl set-ntp true` (or start chrony / systemd-timesyncd)";
    if by > CLOCK_FAIL {
        found.push(Check::problem(
            "clock",
            Status::Fail,
            format!("{said}: TLS certificates and OAuth tokens will be refused"),
            fix,
        ));
    } else if by > CLOCK_WARN {
        found.push(Check::problem("clock", Status::Warn, said, fix));
    } else {
        found.push(Check::ok("clock", format!("within {}s of {shown}", off.abs().max(1))));
    }
}

/// Colour, Unicode and size, as the terminal and the environment say.
pub fn terminal(found: &mut Vec<Check>) {
    let term = shown(&std::env::var("TERM").unwrap_or_default());
    if term.is_empty() || term == "dumb" {
        found.push(Check::problem(
            "terminal",
            Status::Fail,
            format!(
                "TERM is {}: homedash cannot move the cursor or draw",
                if term.is_empty() {
                    "not set".into()
                } else {
                    format!("\"{term}\"")
                }
            ),
            "run homedash in a terminal emulator (TERM=xterm-256color or the like)",
        ));
        return;
    }
    let colour = if no_color() {
        "monochrome (NO_COLOR is set: emphasis by bold, reverse and symbols)".to_string()
    } else {
        match std::env::var("COLORTERM").unwrap_or_default().as_str() {
            "truecolor" | "24bit" => "24-bit colour".to_string(),
            _ if term.contains("256color") => "256 colours".to_string(),
            _ => format!("{term}: basic colours"),
        }
    };
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()).map(|s| (*v, shown(&s))));
    let utf8 = locale
        .as_ref()
        .is_some_and(|(_, l)| l.to_ascii_lowercase().replace('-', "").contains("utf8"));
    let size = if std::io::stdout().is_terminal() {
        crossterm::terminal::size().ok()
    } else {
        None
    };
    let need = crate::dashboard::view::MIN_SIZE;
    let mut facts = vec![format!("TERM={term}"), colour];
    facts.push(match &locale {
        Some((var, l)) => format!("{var}={l}"),
        None => "no locale set".into(),
    });
    match size {
        Some((w, h)) => facts.push(format!("{w}x{h}")),
        None => facts.push("size not known (output is not a terminal)".into()),
    }
    if !utf8 {
        found.push(Check::problem(
            "terminal",
            Status::Warn,
            format!(
                "{}: not UTF-8, so homedash draws with the Linux console's characters only (ASCII, box lines, blocks; no braille charts)",
                facts.join(" · ")
            ),
            "export LANG=C.UTF-8 (or your language's UTF-8 locale) in your shell's startup file for all of Unicode, or `--look unicode`",
        ));
        return;
    }
    if let Some((w, h)) = size
        && (w < need.0 || h < need.1)
    {
        found.push(Check::problem(
            "terminal",
            Status::Warn,
            format!(
                "{}: smaller than {}x{}, below which help and some cards do not fit",
                facts.join(" · "),
                need.0,
                need.1
            ),
            "enlarge the window or lower the font size",
        ));
        return;
    }
    found.push(Check::ok("terminal", facts.join(" · ")));
}
