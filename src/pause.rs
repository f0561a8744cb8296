//! Debug builds only: stop at a named step of a rotation, a renewal or a
//! token exchange, so that a test can kill the process there and check
//! that nothing is lost (`HOMEDASH_TEST_PAUSE_AT=STEP`).

/// Wait at `step` when the test asked for it: 120 s, or
/// `HOMEDASH_TEST_PAUSE_FOR` milliseconds (for a test that races another
/// command against this one). It waits on the runtime's timer, so the
/// task pauses and no thread is held. Release builds never pause.
pub async fn at(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("HOMEDASH_TEST_PAUSE_AT").is_ok_and(|s| s == step) {
        eprintln!("paused at {step}");
        let ms = std::env::var("HOMEDASH_TEST_PAUSE_FOR")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(120_000);
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    let _ = step;
}
