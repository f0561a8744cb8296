//! Arbitrary bytes into the provider parsers, for the cargo-fuzz targets in
//! `fuzz/` and the short smoke run in the tests. Nothing here may panic:
//! a parser answers every input with data or a `FetchError`.

use chrono::{DateTime, Utc};

use crate::request::HttpReply;
use crate::source::{Kind, Source};
use crate::weather::geocoding;

/// Every provider of `kind`, configured as its registry entry's examples.
pub fn sources(kind: Kind) -> Vec<Source> {
    crate::source::ALL
        .iter()
        .filter(|i| i.kind == kind)
        .flat_map(|i| i.examples.iter().map(move |e| (i, e)))
        .filter_map(|(i, e)| {
            let v: serde_json::Value = serde_json::from_str(e).ok()?;
            Source::deserialize_for(kind, i.name, v).and_then(Result::ok)
        })
        .collect()
}

/// The input that makes `parse` feed `body` with `status` to `provider`'s
/// parser: how the fixtures become a fuzzing corpus.
pub fn seed(kind: Kind, provider: &str, status: u16, body: &[u8]) -> Option<Vec<u8>> {
    let pick = if provider == "geocoding" {
        sources(kind).len()
    } else {
        sources(kind).iter().position(|s| s.provider() == provider)?
    };
    let status = STATUSES.iter().position(|s| *s == status).unwrap_or(0);
    let mut v = vec![u8::try_from(pick).ok()?, u8::try_from(status).ok()?];
    v.extend_from_slice(body);
    Some(v)
}

const STATUSES: [u16; 8] = [200, 200, 200, 400, 401, 403, 429, 500];

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_255_600, 0).unwrap_or_default()
}

/// Byte 0 picks the parser, byte 1 the status; the rest, split at 0xFF,
/// are the bodies of the replies the parser expects.
pub fn parse(kind: Kind, data: &[u8]) {
    let [pick, status, rest @ ..] = data else { return };
    let sources = sources(kind);
    let status = STATUSES[*status as usize % STATUSES.len()];
    let mut bodies = rest.split(|b| *b == 0xFF);
    let replies = |n: usize, bodies: &mut dyn Iterator<Item = &[u8]>| -> Vec<HttpReply> {
        (0..n)
            .map(|_| HttpReply {
                status,
                headers: vec![("retry-after".into(), "30".into())],
                body: bodies.next().unwrap_or_default().to_vec(),
            })
            .collect()
    };
    let n = sources.len() + usize::from(kind == Kind::Weather);
    let i = *pick as usize % n;
    match sources.get(i) {
        Some(src) => {
            let wanted = src
                .requests(
                    &url::Url::parse("http://fuzz.invalid/").unwrap_or_else(|_| unreachable!()),
                    now(),
                )
                .len();
            let _ = src.parse(&replies(wanted.max(1), &mut bodies), now());
        }
        // The place search of the setup wizard.
        None => {
            let _ = geocoding::parse(&replies(1, &mut bodies)[0], now());
        }
    }
}
