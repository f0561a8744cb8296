//! Parsing every recorded answer of every registered provider, through the
//! entry point the app uses (`Source::parse`), one benchmark per fixture.
//! The list is the registry's: a new provider is measured with no edit here.

// A bench whose fixed setup fails is a broken bench: unwrap says where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use homedash_widgets::source::ALL;
use homedash_widgets::{HttpReply, Source};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn parse(c: &mut Criterion) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc();
    for info in ALL {
        let Some(example) = info.examples.first() else { continue };
        let keys: serde_json::Value = serde_json::from_str(example).unwrap();
        let src = Source::deserialize_for(info.kind, info.name, keys).unwrap().unwrap();
        for (status, name) in info.fixtures {
            let reply = [HttpReply {
                status: *status,
                headers: vec![],
                body: fixture(name),
            }];
            c.bench_function(&format!("parse {} {name}", info.name), |b| {
                b.iter(|| black_box(src.parse(black_box(&reply), now)))
            });
        }
    }
    // The wizard's place search is not a widget source; it has its own parser.
    let reply = HttpReply {
        status: 200,
        headers: vec![],
        body: fixture("open-meteo/geocoding_berlin_CONSTRUCTED.json"),
    };
    c.bench_function("parse open-meteo/geocoding_berlin_CONSTRUCTED.json", |b| {
        b.iter(|| black_box(homedash_widgets::weather::geocoding::parse(black_box(&reply), now)))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
