use super::*;

#[test]
fn round_trip_and_damage_is_reported_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path());
    assert_eq!(MetaFile::load(&p).unwrap(), MetaFile::default());
    MetaFile::update(&p, |m| {
        m.credentials.entry("fh".into()).or_default().fingerprint = Some("…abcd".into());
    })
    .unwrap();
    assert_eq!(
        MetaFile::load(&p).unwrap().credentials["fh"].fingerprint.as_deref(),
        Some("…abcd")
    );
    std::fs::write(&p, b"{ not json").unwrap();
    let e = MetaFile::update(&p, |_| ()).unwrap_err().to_string();
    assert!(e.contains("damaged") && e.contains(FILE), "{e}");
    assert_eq!(std::fs::read(&p).unwrap(), b"{ not json", "left as it was");
}
