use super::*;
use secrecy::ExposeSecret;

fn cmd(argv: &[&str]) -> SecretSource {
    SecretSource::Command {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        timeout: Duration::from_millis(1500),
        hide_env: vec!["HD_SOURCE_TEST_HIDDEN".into()],
    }
}

#[tokio::test]
async fn command_stdout_first_line_is_the_secret() {
    let s = read(&cmd(&["printf", "  tok-123  \\nmetadata: x\\n"]), "n", None)
        .await
        .unwrap();
    assert_eq!(s.expose_secret(), "tok-123");
}

#[tokio::test]
async fn arguments_reach_the_program_unexpanded() {
    // No shell: `$HOME` and `;` are plain argument text.
    let s = read(&cmd(&["printf", "%s", "$HOME;echo"]), "n", None).await.unwrap();
    assert_eq!(s.expose_secret(), "$HOME;echo");
}

#[tokio::test]
async fn failures_are_named_with_stderr_and_never_stdout() {
    let e = read(
        &cmd(&[
            "sh",
            "-c",
            "echo hd-canary-out; echo 'gpg: decryption failed' >&2; exit 2",
        ]),
        "n",
        None,
    )
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("`sh` failed") && text.contains("gpg: decryption failed"),
        "{text}"
    );
    assert!(!text.contains("hd-canary-out"), "{text}");
    let e = read(&cmd(&["/nonexistent/pass"]), "n", None).await.unwrap_err();
    assert!(matches!(e, SourceError::NotFound { .. }), "{e}");
    let e = read(&cmd(&["true"]), "n", None).await.unwrap_err();
    assert_eq!(e, SourceError::EmptyOutput { program: "true".into() });
}

#[tokio::test]
async fn hostile_stderr_is_cleaned_and_capped() {
    let e = read(
        &cmd(&[
            "sh",
            "-c",
            "head -c 3000000 /dev/zero | tr '\\0' x >&2; echo >&2; printf 'gpg: \\033]52;c;aGk=\\007bad\\r\\033[2J\\n' >&2; exit 2",
        ]),
        "n",
        None,
    )
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("gpg: \\x1b]52;c;aGk=\\x07bad \\x1b[2J"), "{text}");
    assert!(!text.chars().any(homedash_widgets::text::is_unsafe), "{text}");
    assert!(text.len() < 400, "{}", text.len());
}

#[tokio::test]
async fn a_hanging_command_is_stopped_at_its_timeout() {
    let started = std::time::Instant::now();
    let e = read(&cmd(&["sleep", "30"]), "n", None).await.unwrap_err();
    assert!(matches!(e, SourceError::TimedOut { .. }), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn env_source() {
    let e = read(
        &SecretSource::Env {
            var: "HOMEDASH_TEST_SURELY_UNSET_VAR".into(),
        },
        "n",
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "environment variable HOMEDASH_TEST_SURELY_UNSET_VAR is not set"
    );
    // PATH is always set and non-empty in a test process.
    let s = read(&SecretSource::Env { var: "PATH".into() }, "n", None)
        .await
        .unwrap();
    assert!(!s.expose_secret().is_empty());
}

/// A credentials directory as systemd lays it out: the directory 0500, each
/// credential a file of the service's user, mode 0400.
fn systemd_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in files {
        let p = dir.path().join(name);
        std::fs::write(&p, value).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
    dir
}

fn systemd(dir: &tempfile::TempDir, name: &str) -> Result<SecretString, SourceError> {
    read_systemd(Some(dir.path().as_os_str().to_owned()), name)
}

#[test]
fn a_systemd_credential_is_read_from_its_file_first_line_only() {
    let dir = systemd_dir(&[("finnhub", "hd-canary-sd-1\n"), ("blank", "\n\n")]);
    assert_eq!(systemd(&dir, "finnhub").unwrap().expose_secret(), "hd-canary-sd-1");
    let e = systemd(&dir, "blank").unwrap_err();
    assert!(
        matches!(
            &e,
            SourceError::SystemdFile {
                problem: FileProblem::Empty,
                ..
            }
        ),
        "{e}"
    );
    let e = systemd(&dir, "other").unwrap_err();
    assert!(
        e.to_string().contains("is not there") && e.to_string().contains("LoadCredentialEncrypted="),
        "{e}"
    );
    let e = read_systemd(None, "finnhub").unwrap_err();
    assert!(e.to_string().contains("$CREDENTIALS_DIRECTORY is not set"), "{e}");
}

#[test]
fn a_systemd_credential_others_can_read_a_link_or_a_control_character_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open");
    std::fs::write(&open, "hd-canary-sd-2").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o440)).unwrap();
    let held = tempfile::TempDir::new_in(dir.path()).unwrap();
    std::os::unix::fs::symlink(&open, dir.path().join("link")).unwrap();
    std::fs::write(dir.path().join("esc"), "hd-\x1b[2Jx").unwrap();
    std::fs::set_permissions(dir.path().join("esc"), std::fs::Permissions::from_mode(0o400)).unwrap();
    let read = |n: &str| read_systemd(Some(dir.path().as_os_str().to_owned()), n).unwrap_err();
    let e = read("open");
    assert!(
        matches!(
            &e,
            SourceError::SystemdFile {
                problem: FileProblem::OpenToOthers { mode: 0o440 },
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("mode 0440") && !e.to_string().contains("hd-canary"),
        "{e}"
    );
    let e = read("link");
    assert!(
        matches!(
            &e,
            SourceError::SystemdFile {
                problem: FileProblem::Link,
                ..
            }
        ),
        "{e}"
    );
    let e = read(held.path().file_name().unwrap().to_str().unwrap());
    assert!(
        matches!(
            &e,
            SourceError::SystemdFile {
                problem: FileProblem::NotAFile,
                ..
            }
        ),
        "{e}"
    );
    assert!(matches!(read("esc"), SourceError::Unsafe { .. }));
}

#[test]
fn a_systemd_credential_of_another_user_is_refused() {
    // Only root can give a file away; elsewhere the owner check is the
    // integration suite's, which runs as root in CI.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: a file cannot be given to another user here");
        return;
    }
    let dir = systemd_dir(&[]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let p = dir.path().join("theirs");
    std::fs::write(&p, "hd-canary-sd-3").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o400)).unwrap();
    std::os::unix::fs::chown(&p, Some(65534), None).unwrap();
    let e = systemd(&dir, "theirs").unwrap_err();
    assert!(
        matches!(
            &e,
            SourceError::SystemdFile {
                problem: FileProblem::NotYours { owner: 65534, me: 0 },
                ..
            }
        ),
        "{e}"
    );
}
