use super::*;

fn manager(dir: &Path) -> Manager {
    let k = Keyring::with_store(keyring_core::mock::Store::new().unwrap());
    Manager::new(dir, Http::new().unwrap(), Some(k))
}

fn s(v: &str) -> SecretString {
    SecretString::from(v.to_string())
}

#[tokio::test]
async fn add_refuses_to_overwrite_and_revoke_removes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = manager(dir.path());
    let p = homedash_widgets::source::keyed("finnhub").unwrap();
    let fp = m.add("fh", p, &s("hd-canary-aaaaaaaaaaaa1111"), &[]).await.unwrap();
    assert_eq!(fp, fingerprint("hd-canary-aaaaaaaaaaaa1111"));
    assert!(fp.starts_with("…1111·"), "{fp}");
    let e = m
        .add("fh", p, &s("hd-canary-bbbbbbbbbbbb2222"), &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("creds rotate fh"), "{e}");
    let meta = m.load_meta().await.unwrap();
    assert_eq!(meta.credentials["fh"].fingerprint, Some(fp.clone()));
    m.revoke("fh").await.unwrap();
    assert_eq!(m.get("fh").await.unwrap().map(|_| ()), None);
    let meta = m.load_meta().await.unwrap();
    assert!(meta.credentials["fh"].revoked.is_some());
    let text = std::fs::read_to_string(m.meta_path()).unwrap();
    assert!(!text.contains("canary"), "{text}");
}

#[tokio::test]
async fn reconcile_finishes_or_discards_an_interrupted_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = manager(dir.path());
    let p = homedash_widgets::source::keyed("finnhub").unwrap();
    m.add("fh", p, &s("hd-canary-old-000000001111"), &[]).await.unwrap();
    // Killed after staging: the staged token is dropped, the old stays.
    m.set(&staged("fh"), &s("hd-canary-new-000000002222")).await.unwrap();
    let note = m.reconcile("fh").await.unwrap().unwrap().to_string();
    assert!(note.contains("discarded"), "{note}");
    assert_eq!(
        m.get("fh").await.unwrap().unwrap().expose_secret(),
        "hd-canary-old-000000001111"
    );
    // Killed after the swap: the state file learns the new fingerprint.
    // (Rotation records the previous entry's seal before writing it.)
    let salt = m.update_meta(MetaFile::salt).await.unwrap();
    let seal = crate::credentials::seal::seal(&salt, "hd-canary-old-000000001111");
    m.update_meta(move |f| f.credentials.get_mut("fh").unwrap().previous_seal = Some(seal))
        .await
        .unwrap();
    m.set(&previous("fh"), &s("hd-canary-old-000000001111")).await.unwrap();
    m.set("fh", &s("hd-canary-new-000000002222")).await.unwrap();
    m.set(&staged("fh"), &s("hd-canary-new-000000002222")).await.unwrap();
    let note = m.reconcile("fh").await.unwrap().unwrap().to_string();
    assert!(note.contains("finished"), "{note}");
    let meta = m.load_meta().await.unwrap();
    assert_eq!(
        meta.credentials["fh"].fingerprint,
        Some(fingerprint("hd-canary-new-000000002222"))
    );
    assert_eq!(
        meta.credentials["fh"].previous_fingerprint,
        Some(fingerprint("hd-canary-old-000000001111"))
    );
    assert_eq!(m.get(&staged("fh")).await.unwrap().map(|_| ()), None);
    // Rollback puts the old one back.
    assert_eq!(
        m.rollback("fh").await.unwrap(),
        fingerprint("hd-canary-old-000000001111")
    );
    assert_eq!(m.reconcile("fh").await.unwrap(), None, "consistent now");
}

#[tokio::test]
async fn a_previous_entry_homedash_did_not_write_is_never_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = manager(dir.path());
    let p = homedash_widgets::source::keyed("finnhub").unwrap();
    m.add("fh", p, &s("hd-canary-mine-00000001111"), &[]).await.unwrap();
    // Stored by another program (as `secret-tool store` would).
    m.set(&previous("fh"), &s("hd-canary-planted-0002222")).await.unwrap();
    m.reconcile("fh").await.unwrap();
    let meta = m.load_meta().await.unwrap();
    assert_eq!(meta.credentials["fh"].previous_fingerprint, None, "not adopted");
    let e = m.rollback("fh").await.unwrap_err();
    assert!(matches!(e, CredError::ForeignEntry { .. }), "{e}");
    assert!(matches!(m.confirm("fh").await, Err(CredError::ForeignEntry { .. })));
    assert_eq!(
        m.get("fh").await.unwrap().unwrap().expose_secret(),
        "hd-canary-mine-00000001111",
        "the current token is untouched"
    );
    assert!(
        m.get(&previous("fh")).await.unwrap().is_some(),
        "and the foreign entry left as it was"
    );
}

#[test]
fn due_dates() {
    let cfg = crate::config::parse(
        "t",
        "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"A\"]\ncredential = \"fh\"\n[credential.fh]\nprovider = \"finnhub\"\nrotate_after = \"90days\"\nexpires = 2027-01-05\n",
    )
    .unwrap();
    let c = &cfg.credentials[0];
    let now = DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").unwrap().to_utc();
    let meta = Meta {
        created: Some(now - chrono::Duration::days(10)),
        ..Default::default()
    };
    assert_eq!(Due::of(c, Some(&meta), now), Due::Fine);
    // Good standing still says what comes first: expiry (2027-01-05)
    // before rotation (created 2026-11-17 + 90 days = 2027-02-15).
    assert_eq!(Due::next(c, Some(&meta)).as_deref(), Some("expires 2027-01-05"));
    let mut no_expiry = c.clone();
    no_expiry.expires = None;
    assert_eq!(
        Due::next(&no_expiry, Some(&meta)).as_deref(),
        Some("rotate by 2027-02-15")
    );
    assert_eq!(Due::next(&no_expiry, None), None, "never stored: no rotation date");
    let later = now + chrono::Duration::days(30);
    assert_eq!(Due::of(c, Some(&meta), later), Due::ExpiresSoon { days: 9 });
    let much_later = now + chrono::Duration::days(50);
    assert_eq!(Due::of(c, Some(&meta), much_later), Due::Expired { days_ago: 11 });
    let mut c2 = c.clone();
    c2.expires = None;
    assert_eq!(
        Due::of(&c2, Some(&meta), now + chrono::Duration::days(81)),
        Due::RotationDue { since_days: 1 }
    );
}
