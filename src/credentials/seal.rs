//! Seals: proof, kept in the ledger, that homedash wrote a `NAME#previous`
//! entry. Made from the token's value, so they are made here.

use crate::ledger::MetaFile;

/// The seal of `value` under `salt`: the first 128 bits of
/// SHA-256(salt, value), hex. No token can be read back from it.
pub fn seal(salt: &str, value: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(salt.as_bytes());
    ctx.update(&[0]);
    ctx.update(value.as_bytes());
    ctx.finish().as_ref()[..16].iter().map(|x| format!("{x:02x}")).collect()
}

/// True when `value` is the `NAME#previous` homedash wrote for `name`.
pub fn sealed_previous(m: &MetaFile, name: &str, value: &str) -> bool {
    let entry = m.credentials.get(name);
    match (&m.seal_salt, entry.and_then(|e| e.previous_seal.as_ref())) {
        (Some(salt), Some(s)) => seal(salt, value) == *s,
        (None, Some(_)) => false,
        // A rotation from before seals: the fingerprint recorded then
        // stands in for the seal, once (`Manager::reconcile` seals it).
        (_, None) => entry
            .and_then(|e| e.previous_fingerprint.as_deref())
            .is_some_and(|fp| super::secret::fingerprint_matches(fp, value)),
    }
}
