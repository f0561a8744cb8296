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
