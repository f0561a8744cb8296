//! Any text as a config file: parse and every check, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = homedash::config::parse("fuzz.toml", text);
    }
});
