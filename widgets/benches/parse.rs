//! Parsing each provider fixture.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use homedash_widgets::HttpReply;
use homedash_widgets::stocks::finnhub;
use homedash_widgets::weather::open_meteo;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn parse(c: &mut Criterion) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc();
    let cfg = open_meteo::Config {
        latitude: 52.52,
        longitude: 13.41,
        location: None,
        units: open_meteo::Units::Metric,
        hours: 8,
    };
    let cases = [
        ("open-meteo/forecast_current_chicago.json", 200),
        ("open-meteo/forecast_full_berlin_CONSTRUCTED.json", 200),
        ("open-meteo/error_400_invalid_variable.json", 400),
        ("open-meteo/error_429_minutely_limit.json", 429),
    ];
    for (name, status) in cases {
        let reply = HttpReply {
            status,
            headers: vec![],
            body: fixture(name),
        };
        c.bench_function(&format!("parse {name}"), |b| {
            b.iter(|| black_box(open_meteo::parse(&cfg, black_box(&reply), now)))
        });
    }
    let finnhub_cases = [
        ("finnhub/quote_docs_example.json", 200),
        ("finnhub/error_401_invalid_key.json", 401),
        ("finnhub/error_401_or_403_no_access.json", 403),
        ("finnhub/error_429_limit_reached.json", 429),
    ];
    for (name, status) in finnhub_cases {
        let reply = HttpReply {
            status,
            headers: vec![],
            body: fixture(name),
        };
        c.bench_function(&format!("parse {name}"), |b| {
            b.iter(|| black_box(finnhub::parse_one("AAPL", black_box(&reply), now)))
        });
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
