use super::*;
use crate::stores::backend_name;
use std::time::Duration;

fn mock() -> Keyring {
    Keyring::with_store(keyring_core::mock::Store::new().unwrap())
}

#[test]
fn round_trip_and_delete_on_the_mock_store() {
    let k = mock();
    let secret = secret::from_string("hd-canary-unit-0001".into());
    k.set("finnhub", &secret).unwrap();
    assert_eq!(k.get("finnhub").unwrap().expose_secret(), "hd-canary-unit-0001");
    k.delete("finnhub").unwrap();
    assert!(matches!(k.get("finnhub"), Err(KeyringError::NotFound { .. })));
    k.delete("finnhub").unwrap();
    assert!(!format!("{k:?}").contains("canary"));
    k.set("a", &secret).unwrap();
    k.set("a#previous", &secret).unwrap();
    assert_eq!(k.accounts().unwrap(), ["a", "a#previous"]);
}

#[test]
fn errors_say_what_and_how_to_fix() {
    let e = KeyringError::TimedOut { what: "a read" };
    let text = e.to_string();
    assert!(
        text.contains(backend_name()) && text.contains("source = \"env\"") && text.contains("3 s"),
        "{text}"
    );
    let e = KeyringError::NotFound { name: "polygon".into() };
    assert!(e.to_string().contains("no default collection"));
}

#[test]
fn a_hung_call_gives_up_at_the_deadline() {
    let started = std::time::Instant::now();
    let r = bounded("a read", || std::thread::sleep(Duration::from_secs(30)));
    assert_eq!(r, Err(KeyringError::TimedOut { what: "a read" }));
    assert!(started.elapsed() < DEADLINE + Duration::from_millis(500));
}
