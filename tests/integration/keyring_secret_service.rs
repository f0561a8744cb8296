//! The keyring store against a real GNOME Keyring Secret Service. These are
//! `#[ignore]`d for a plain `cargo test`; tests/run.sh runs them inside
//! tests/secret-service.sh, which provides a private, unlocked keyring.

use crate::support;

use std::process::Command;

use homedash::credentials::internals as secret;
use homedash::credentials::{Keyring, KeyringError};
use secrecy::ExposeSecret;
use support::secret_tool;

#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn stores_reads_and_deletes_where_secret_tool_sees_it() {
    let name = format!("hd-test-{}", std::process::id());
    let canary = format!("hd-canary-{}-{}", std::process::id(), fastrand::u64(..));
    let k = Keyring::connect().expect("the harness provides an unlocked keyring");
    k.set(&name, &secret::from_string(canary.clone())).unwrap();
    // An independent client finds it under keyring-core's attribute names.
    assert_eq!(secret_tool(&name).as_deref(), Some(canary.as_str()));
    assert_eq!(k.get(&name).unwrap().expose_secret(), canary);
    // Overwrite in place: one entry, new value.
    k.set(&name, &secret::from_string(format!("{canary}-2"))).unwrap();
    assert_eq!(k.get(&name).unwrap().expose_secret(), format!("{canary}-2"));
    k.delete(&name).unwrap();
    assert_eq!(secret_tool(&name), None);
    assert!(matches!(k.get(&name), Err(KeyringError::NotFound { .. })));
}

#[test]
#[ignore = "needs a Secret Service: run tests/run.sh"]
fn reads_what_another_client_stored() {
    let name = format!("hd-test-other-{}", std::process::id());
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=homedash test",
            "service",
            "homedash",
            "username",
            &name,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"from-secret-tool-0001").unwrap();
    assert!(child.wait().unwrap().success());
    let k = Keyring::connect().unwrap();
    assert_eq!(k.get(&name).unwrap().expose_secret(), "from-secret-tool-0001");
    k.delete(&name).unwrap();
}
