//! The trust boundary around the process: a config others could change is
//! refused before anything runs; a command source gets no other token and
//! cannot outlive its timeout; the running dashboard cannot dump core; and
//! a daily budget holds across restarts and reloads.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::providers::ProviderServer;
use support::pty::Running;

use support::homedash_with as homedash;

use support::output_text as text;

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
#[cfg(unix)]
fn a_config_others_can_write_is_refused_everywhere() {
    let home = tempfile::tempdir().unwrap();
    let marker = home.path().join("command-ran");
    let config = format!(
        "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\nbase_url = \"http://127.0.0.1:9/\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"command\"\ncommand = [\"touch\", \"{}\"]\n",
        marker.display()
    );
    let shared = home.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let cases = [
        (
            "a file of mode 0666",
            shared.join("open.toml"),
            0o666,
            0o755,
            "chmod go-w",
        ),
        (
            "a file in a 0777 directory",
            shared.join("in-open-dir.toml"),
            0o600,
            0o777,
            "chmod go-w",
        ),
    ];
    for (what, file, file_mode, dir_mode, fix) in cases {
        chmod(&shared, 0o755);
        std::fs::write(&file, &config).unwrap();
        chmod(&file, file_mode);
        chmod(&shared, dir_mode);
        let bad = if file_mode & 0o022 != 0 {
            file.clone()
        } else {
            shared.clone()
        };
        for args in [
            &[][..],
            &["check"],
            &["setup"],
            &["creds", "list"],
            &["creds", "test", "fh"],
        ] {
            let o = homedash(home.path(), &file, args).output().unwrap();
            let t = text(&o);
            assert!(!o.status.success(), "{what}, {args:?}: {t}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&bad.display().to_string()) && err.contains(fix) && err.contains("writable by"),
                "{what}, {args:?}: the path and the fix: {t}"
            );
        }
        assert!(!marker.exists(), "{what}: no command was run");
        assert!(!home.path().join("state").exists(), "{what}: nothing was written");
        // Fixed as the message says, it is used again.
        chmod(&shared, 0o755);
        chmod(&file, 0o600);
        let o = homedash(home.path(), &file, &["check"]).output().unwrap();
        assert!(o.status.success(), "{what} after the fix: {}", text(&o));
    }
}

#[test]
fn a_command_source_sees_no_env_token_and_dies_whole_at_its_timeout() {
    let srv = ProviderServer::start("finnhub", &["hd-canary-cmd-0001"]);
    let home = tempfile::tempdir().unwrap();
    let dump = home.path().join("env.dump");
    let pids = home.path().join("pids");
    let env_secret = "hd-canary-env-secret-5150";
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"[widget.a]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "dumper"
base_url = "{base}"

[widget.b]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "flood"
base_url = "{base}"

[widget.c]
kind = "stocks"
provider = "finnhub"
symbols = ["AAPL"]
credential = "from-env"
base_url = "{base}"

[credential.from-env]
provider = "finnhub"
source = "env"
env = "HD_TRUST_ENV_SECRET"

[credential.dumper]
provider = "finnhub"
source = "command"
command = ["sh", "-c", "env > '{dump}'; echo hd-canary-cmd-0001"]

[credential.flood]
provider = "finnhub"
source = "command"
command = ["sh", "-c", "sleep 300 & echo $$ $! > '{pids}'; head -c 10485760 /dev/zero | tr '\\0' E >&2; echo >&2; echo 'still going' >&2; exit 1"]
command_timeout = "1s"
"#,
            base = srv.base(),
            dump = dump.display(),
            pids = pids.display()
        ),
    )
    .unwrap();
    for name in ["dumper", "flood", "from-env"] {
        support::allow(home.path(), &config, name, &srv.base());
    }
    let o = homedash(home.path(), &config, &["creds", "test", "dumper"])
        .env("HD_TRUST_ENV_SECRET", env_secret)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let env = std::fs::read_to_string(&dump).unwrap();
    assert!(env.contains("PATH="), "the child has an environment");
    assert!(!env.contains(env_secret), "the env-sourced token reached the command");
    assert!(!env.contains("HD_TRUST_ENV_SECRET"), "{env}");

    let started = Instant::now();
    let o = homedash(home.path(), &config, &["creds", "test", "flood"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains("gave no answer within 1s") && t.contains("still going"),
        "{t}"
    );
    assert!(t.len() < 2000, "the 10 MiB of stderr is capped: {} bytes", t.len());
    assert!(took < Duration::from_secs(5), "{took:?}");
    let ids = std::fs::read_to_string(&pids).unwrap();
    for pid in ids.split_whitespace() {
        assert!(gone(pid), "process {pid} outlived the timeout");
    }
}

/// No such process, or only its exit status left for a parent to collect.
fn gone(pid: &str) -> bool {
    let end = Instant::now() + Duration::from_secs(2);
    loop {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat) if stat.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')) => return true,
            Ok(_) if Instant::now() > end => return false,
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
#[cfg(target_os = "linux")]
fn the_running_dashboard_cannot_dump_core() {
    let token = "hd-canary-core-7c0ffee1";
    let srv = ProviderServer::start("finnhub", &[token]);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\nbase_url = \"{}\"\n\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_CORE_TOKEN\"\n",
            srv.base()
        ),
    )
    .unwrap();
    support::allow(home.path(), &config, "fh", &srv.base());
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    let cores_here = !pattern.starts_with('|');
    if cores_here {
        // The control: on this machine, an ordinary process does dump core.
        let control = home.path().join("control");
        std::fs::create_dir(&control).unwrap();
        let st = Command::new("sh")
            .current_dir(&control)
            .args([
                "-c",
                "ulimit -c unlimited; sleep 30 & p=$!; sleep 0.2; kill -ABRT $p; wait $p; true",
            ])
            .status()
            .unwrap();
        assert!(st.success());
        eprintln!("control: {:?}", files(&control));
    }
    let script = format!(
        "ulimit -c unlimited; exec '{}' --config '{}'",
        env!("CARGO_BIN_EXE_homedash"),
        config.display()
    );
    let app = Running::start_program(home.path(), "sh", &["-c", &script], &[("HD_CORE_TOKEN", token)]);
    app.wait_for(&["AAPL", "261."], Duration::from_secs(5));
    let pid = app.pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap();
    eprintln!("{core}");
    assert_eq!(core.split_whitespace().nth(4), Some("0"), "soft limit: {core}");
    assert_eq!(core.split_whitespace().nth(5), Some("0"), "hard limit: {core}");
    Command::new("kill").args(["-ABRT", &pid.to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    for f in files(home.path())
        .into_iter()
        .filter(|f| !f.starts_with(home.path().join("control")))
    {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with("core"), "a core file was written: {}", f.display());
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(token),
            "{} holds the token",
            f.display()
        );
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    support::files_under(dir)
}

#[test]
fn a_daily_budget_holds_across_restarts_and_a_reload() {
    let token = "hd-canary-av-budget-0003";
    let srv = ProviderServer::start("alphavantage", &[token]);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let write = |title: &str| {
        std::fs::write(
            &config,
            format!(
                "[widget.ibm]\nkind = \"stocks\"\nprovider = \"alphavantage\"\ntitle = \"{title}\"\nsymbols = [\"IBM\"]\nrefresh = \"8h\"\ncredential = \"av\"\nbase_url = \"{}\"\n\n[credential.av]\nprovider = \"alphavantage\"\nsource = \"env\"\nenv = \"HD_AV_TOKEN\"\nbudget = {{ per_day = 3 }}\n",
                srv.base()
            ),
        )
        .unwrap()
    };
    write("IBM");
    support::allow(home.path(), &config, "av", &srv.base());
    let env = [("HD_AV_TOKEN", token)];
    for run in 0..5 {
        let mut app = Running::start_in(home.path(), &["--config", config.to_str().unwrap()], &env);
        // The first poll (or the budget's hold), then a manual refresh.
        app.wait_for(&["IBM"], Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(600));
        app.send("r");
        std::thread::sleep(Duration::from_millis(600));
        if run == 4 {
            // A reload: a changed widget polls again at once, if it may.
            write("IBM shares");
            app.wait_for(&["IBM shares"], Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(600));
            app.send("r");
            std::thread::sleep(Duration::from_millis(600));
            app.wait_for(&["budget"], Duration::from_secs(3));
        }
        app.send("q");
        assert_eq!(app.wait_exit(Duration::from_secs(5)), 0);
    }
    let n = srv.requests();
    eprintln!("Alpha Vantage saw {n} requests over five runs and a reload, budget 3 a day");
    assert_eq!(n, 3, "the day's three requests were used, and no more");
    let state = std::fs::read_to_string(home.path().join("state/homedash/credentials.json")).unwrap();
    assert!(state.contains("\"today\": 3"), "{state}");
}
