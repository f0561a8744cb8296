//! Any bytes as answers to every metrics provider's requests.
#![no_main]
use homedash_widgets::source::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| homedash_widgets::fuzzing::parse(Kind::Metrics, data));
