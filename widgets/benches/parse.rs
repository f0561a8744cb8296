//! Parsing each provider fixture, through the same entry point the app uses
//! (`Source::parse`), one benchmark per fixture.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use homedash_widgets::source::Kind;
use homedash_widgets::{HttpReply, Source};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn source(kind: Kind, provider: &str, toml_keys: &str) -> Source {
    let table: toml::Table = toml_keys.parse().unwrap();
    let de = toml::Value::Table(table);
    Source::deserialize_for(kind, provider, de).unwrap().unwrap()
}

fn parse(c: &mut Criterion) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-27T13:20:00Z").unwrap().to_utc();
    let weather = "latitude = 52.52\nlongitude = 13.41\nhours = 8";
    let stocks = "symbols = [\"AAPL\"]";
    let cases: &[(Kind, &str, &str, &str, u16)] = &[
        (
            Kind::Weather,
            "open-meteo",
            weather,
            "open-meteo/forecast_current_chicago.json",
            200,
        ),
        (
            Kind::Weather,
            "open-meteo",
            weather,
            "open-meteo/forecast_full_berlin_CONSTRUCTED.json",
            200,
        ),
        (
            Kind::Weather,
            "open-meteo",
            weather,
            "open-meteo/error_400_invalid_variable.json",
            400,
        ),
        (
            Kind::Weather,
            "open-meteo",
            weather,
            "open-meteo/error_429_minutely_limit.json",
            429,
        ),
        (
            Kind::Weather,
            "openweathermap",
            "latitude = 44.3\nlongitude = 11.0\nhours = 0",
            "openweathermap/current_weather_zocca.json",
            200,
        ),
        (
            Kind::Weather,
            "openweathermap",
            "latitude = 44.3\nlongitude = 11.0\nhours = 0",
            "openweathermap/error_401_invalid_key.json",
            401,
        ),
        (
            Kind::Weather,
            "openweathermap",
            "latitude = 44.3\nlongitude = 11.0\nhours = 0",
            "openweathermap/error_429_blocked.json",
            429,
        ),
        (
            Kind::Weather,
            "weatherapi",
            weather,
            "weatherapi/current_london.json",
            200,
        ),
        (
            Kind::Weather,
            "weatherapi",
            weather,
            "weatherapi/error_400_code1003_missing_q.json",
            400,
        ),
        (
            Kind::Weather,
            "weatherapi",
            weather,
            "weatherapi/error_401_code1002_missing_key.json",
            401,
        ),
        (
            Kind::Weather,
            "weatherapi",
            weather,
            "weatherapi/error_401_code2006_invalid_key.json",
            401,
        ),
        (Kind::Stocks, "finnhub", stocks, "finnhub/quote_docs_example.json", 200),
        (
            Kind::Stocks,
            "finnhub",
            stocks,
            "finnhub/error_401_invalid_key.json",
            401,
        ),
        (
            Kind::Stocks,
            "finnhub",
            stocks,
            "finnhub/error_401_or_403_no_access.json",
            403,
        ),
        (
            Kind::Stocks,
            "finnhub",
            stocks,
            "finnhub/error_429_limit_reached.json",
            429,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/quote_AAPL_docs.json",
            200,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/error_400_invalid_interval_docs.json",
            400,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/error_401_bad_apikey.json",
            401,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/error_403_plan.json",
            403,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/error_429_daily_credits.json",
            429,
        ),
        (
            Kind::Stocks,
            "twelvedata",
            stocks,
            "twelvedata/error_429_minute_credits.json",
            429,
        ),
        (Kind::Stocks, "polygon", stocks, "polygon/prev_AAPL.json", 200),
        (
            Kind::Stocks,
            "polygon",
            stocks,
            "polygon/error_401_key_not_provided.json",
            401,
        ),
        (
            Kind::Stocks,
            "polygon",
            stocks,
            "polygon/error_401_unknown_api_key.json",
            401,
        ),
        (
            Kind::Stocks,
            "polygon",
            stocks,
            "polygon/error_403_not_authorized_UNVERIFIED.json",
            403,
        ),
        (
            Kind::Stocks,
            "polygon",
            stocks,
            "polygon/error_429_UNVERIFIED.json",
            429,
        ),
        (
            Kind::Stocks,
            "alphavantage",
            stocks,
            "alphavantage/global_quote_AZN.LON.json",
            200,
        ),
        (
            Kind::Stocks,
            "alphavantage",
            stocks,
            "alphavantage/error_200_invalid_apikey.json",
            200,
        ),
        (
            Kind::Stocks,
            "alphavantage",
            stocks,
            "alphavantage/error_200_invalid_call.json",
            200,
        ),
        (
            Kind::Stocks,
            "alphavantage",
            stocks,
            "alphavantage/ratelimit_200_information_daily25.json",
            200,
        ),
        (
            Kind::Stocks,
            "yahoo",
            stocks,
            "yahoo/chart_AAPL_1d_5m_CONSTRUCTED.json",
            200,
        ),
        (
            Kind::Stocks,
            "yahoo",
            stocks,
            "yahoo/error_404_not_found_CONSTRUCTED.json",
            404,
        ),
        (
            Kind::Metrics,
            "prometheus",
            "query = \"up\"",
            "prometheus/query_vector.json",
            200,
        ),
        (
            Kind::Metrics,
            "prometheus",
            "query = \"up\"\nrange = \"1h\"",
            "prometheus/query_range_matrix.json",
            200,
        ),
        (
            Kind::Metrics,
            "prometheus",
            "query = \"up\"",
            "prometheus/error_400_bad_data.json",
            400,
        ),
        (
            Kind::Metrics,
            "prometheus",
            "query = \"up\"",
            "prometheus/error_422_execution.json",
            422,
        ),
        (
            Kind::Metrics,
            "prometheus-text",
            "metric = \"http_requests_total\"",
            "prometheus/exposition_format_example.txt",
            200,
        ),
        (
            Kind::Metrics,
            "datadog",
            "query = \"system.cpu.idle{*}\"",
            "datadog/query_timeseries_system.cpu.idle_TRUNCATED.json",
            200,
        ),
        (
            Kind::Metrics,
            "datadog",
            "query = \"system.cpu.idle{*}\"",
            "datadog/error_403_forbidden.json",
            403,
        ),
        (
            Kind::Metrics,
            "json",
            "fields = [{ pointer = \"/current/temp_c\", label = \"t\" }]",
            "weatherapi/current_london.json",
            200,
        ),
    ];
    for (kind, provider, keys, name, status) in cases {
        let src = source(*kind, provider, keys);
        let reply = [HttpReply {
            status: *status,
            headers: vec![],
            body: fixture(name),
        }];
        c.bench_function(&format!("parse {name}"), |b| {
            b.iter(|| black_box(src.parse(black_box(&reply), now)))
        });
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
