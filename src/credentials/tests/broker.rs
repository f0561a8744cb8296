use super::*;

fn broker() -> Arc<Broker> {
    let cfg = crate::config::parse(
        "t",
        "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbols = [\"AAPL\"]\ncredential = \"fh\"\n[credential.fh]\nprovider = \"finnhub\"\nsource = \"env\"\nenv = \"HD_BROKER_TEST_UNSET\"\n",
    )
    .unwrap();
    Broker::new(&cfg.credentials)
}

#[tokio::test]
async fn batch_load_reports_why_a_value_is_missing() {
    let b = broker();
    assert_eq!(b.status("fh"), Some(Status::Loading));
    b.load_all(None).await;
    let Err(Status::Unavailable(why)) = b.secret("fh") else {
        panic!()
    };
    assert!(why.contains("HD_BROKER_TEST_UNSET is not set"), "{why}");
}

#[test]
fn reject_pauses_accept_resumes_revoke_forgets() {
    let b = broker();
    let mut rx = b.subscribe();
    b.set("fh", Ok(SecretString::from("hd-canary-broker-123456")));
    assert!(rx.has_changed().unwrap());
    rx.mark_unchanged();
    assert_eq!(b.secret("fh").unwrap().expose_secret(), "hd-canary-broker-123456");
    b.reject("fh", &FetchError::new(ErrorClass::Rejected, "Invalid API key."));
    assert!(matches!(b.secret("fh"), Err(Status::Rejected(_))));
    assert!(rx.has_changed().unwrap());
    b.accept("fh");
    assert!(b.secret("fh").is_ok());
    assert_eq!(crate::outside::scrub("x hd-canary-broker-123456 y"), "x REDACTED y");
    b.record("fh", Some(200), Utc::now());
    b.record("fh", Some(401), Utc::now());
    let usage = b.take_usage();
    assert_eq!((usage[0].1.requests, usage[0].1.ok, usage[0].1.rejected), (2, 1, 1));
    assert!(b.take_usage().is_empty());
    b.revoke("fh");
    assert_eq!(b.secret("fh").unwrap_err(), Status::Revoked);
    assert!(!format!("{b:?}").contains("canary"));
}

/// A client-credentials token is not asked for before the state file's
/// approvals are in: a first poll that came before them used to go out
/// with nothing approved and pause the widget on "log in again".
#[tokio::test]
async fn an_oauth_poll_waits_for_the_approvals_in_the_state_file() {
    let cfg = crate::config::parse(
        "t",
        "[widget.m]\nkind = \"metrics\"\nprovider = \"prometheus-text\"\nmetric = \"up\"\nbase_url = \"http://127.0.0.1:9\"\ncredential = \"m\"\n[credential.m]\nprovider = \"prometheus-text\"\ntype = \"oauth2\"\ngrant = \"client_credentials\"\nissuer = \"http://127.0.0.1:9\"\nclient_id = \"c\"\nclient_secret = { source = \"env\", env = \"HD_BROKER_TEST_SECRET\" }\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials.json");
    MetaFile::update(&path, |f| {
        f.credentials
            .entry("m".into())
            .or_default()
            .approve("http://127.0.0.1:9", Utc::now());
    })
    .unwrap();
    let b = Broker::new(&cfg.credentials);
    let http = crate::net::http::Http::new().unwrap();
    let poll = {
        let b = b.clone();
        tokio::spawn(async move { b.fresh("m", &http).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!poll.is_finished(), "the poll waits for the state file");
    b.load_all(Some(path)).await;
    // The approved endpoint is closed: this poll fails, and the next tries
    // again. Nothing asks for a new login.
    let e = poll.await.unwrap().unwrap_err();
    assert_eq!(e.class, ErrorClass::Offline, "{e:?}");
    assert!(
        !matches!(b.status("m"), Some(Status::LoginNeeded(_))),
        "{:?}",
        b.status("m")
    );
}
