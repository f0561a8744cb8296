//! `--demo`: an in-process loopback server that answers like the real
//! providers, with small random walks so the dashboard looks alive.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use chrono::{Duration, Timelike, Utc};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;

pub mod market;

/// The token every demo credential carries: the demo server checks that
/// it arrives in each provider's real place. It opens nothing anywhere else.
pub const TOKEN: &str = "demo-token-00000000";
/// Datadog's credential has two parts.
pub const PAIR_TOKEN: &str = "demo-api-00000000:demo-app-00000000";

/// Bind on loopback, serve until `cancel`, and point every networked widget
/// of `config` at it, under a path prefix per provider.
pub async fn start(config: &mut Config, cancel: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    for w in &mut config.widgets {
        if w.source.default_base().is_some() {
            let base =
                url::Url::parse(&format!("http://{addr}/{}/", w.source.provider())).map_err(std::io::Error::other)?;
            w.base_url = Some(base);
        }
    }
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                r = listener.accept() => match r {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "demo server accept failed");
                        continue;
                    }
                },
                () = cancel.cancelled() => return,
            };
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(answer))
                    .await;
            });
        }
    });
    Ok(addr)
}

/// Whether the request carried the demo token where its provider takes
/// it (`AuthPlacement::presented`). A provider whose credential is optional
/// also answers a request with none.
fn authorised(provider: &str, req: &Request<Incoming>, q: &HashMap<String, String>) -> bool {
    let Some(p) = homedash_widgets::source::keyed(provider) else {
        return true;
    };
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
    match p.auth.presented(&header, &|k| q.get(k).cloned()) {
        Some(t) => t == TOKEN || t == PAIR_TOKEN,
        None => p.credential_optional,
    }
}

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let query: HashMap<String, String> = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let path = req.uri().path().to_string();
    let (provider, rest) = path.trim_start_matches('/').split_once('/').unwrap_or(("", ""));
    let rest = format!("/{rest}");
    let (status, content_type, body) = if !authorised(provider, &req, &query) {
        (
            StatusCode::UNAUTHORIZED,
            "application/json",
            json!({"error": "demo token missing or misplaced"}).to_string(),
        )
    } else {
        match route(provider, &rest, &query) {
            Some((ct, body)) => (StatusCode::OK, ct, body),
            None => (
                StatusCode::NOT_FOUND,
                "application/json",
                json!({"error": true, "reason": "no such demo endpoint"}).to_string(),
            ),
        }
    };
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    Ok(resp)
}

/// The demo's answer to `provider` at `path`: made up live where the demo
/// knows how (`market`, Open-Meteo), else the registry's recorded one.
pub fn route(provider: &str, path: &str, query: &HashMap<String, String>) -> Option<(&'static str, String)> {
    route_at(provider, path, query, Utc::now())
}

/// `route` as at `now`; with `fastrand` seeded, the same answer every
/// time (the snapshots' demo).
pub fn route_at(
    provider: &str,
    path: &str,
    query: &HashMap<String, String>,
    now: chrono::DateTime<Utc>,
) -> Option<(&'static str, String)> {
    if let Some(answer) = market::route(provider, path, query, now) {
        return Some(answer);
    }
    if provider == "open-meteo" && path == "/v1/forecast" {
        return Some(("application/json", open_meteo(query, now).to_string()));
    }
    let info = homedash_widgets::source::ALL.iter().find(|i| i.name == provider)?;
    let (_, body) = info.demo.iter().find(|(p, _)| *p == path)?;
    Some(("application/json", (*body).to_string()))
}

/// An Open-Meteo forecast in the real wire shape: temperatures follow the
/// latitude and the hour of day, plus a little noise on every call.
fn open_meteo(q: &HashMap<String, String>, now: chrono::DateTime<Utc>) -> serde_json::Value {
    let lat: f64 = q.get("latitude").and_then(|v| v.parse().ok()).unwrap_or(50.0);
    let lon: f64 = q.get("longitude").and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let imperial = q.get("temperature_unit").is_some_and(|u| u == "fahrenheit");
    let offset_h = (lon / 15.0).round() as i64;
    let local = now.naive_utc() + Duration::hours(offset_h);
    let temp_at = |hour: f64, noise: f64| {
        let c = 24.0 - lat.abs() * 0.35 + 4.0 * ((hour - 9.0) / 24.0 * std::f64::consts::TAU).sin() + noise;
        let v = if imperial { c * 9.0 / 5.0 + 32.0 } else { c };
        (v * 10.0).round() / 10.0
    };
    let hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
    let code_at = |h: i64| [0, 1, 2, 3, 3, 61, 2, 1][(h.rem_euclid(8)) as usize];
    // As the real API: `forecast_hours` steps from this hour, and
    // `forecast_days` days from today.
    let steps: i64 = q.get("forecast_hours").and_then(|v| v.parse().ok()).unwrap_or(48);
    let days: i64 = q.get("forecast_days").and_then(|v| v.parse().ok()).unwrap_or(7);
    let this_hour = local.date().and_hms_opt(local.hour(), 0, 0).unwrap_or(local);
    let today = local.date();
    let hours: Vec<i64> = (0..steps).map(|h| i64::from(local.hour()) + h).collect();
    let times: Vec<String> = (0..steps)
        .map(|h| (this_hour + Duration::hours(h)).format("%Y-%m-%dT%H:%M").to_string())
        .collect();
    let temps: Vec<f64> = hours.iter().map(|h| temp_at(*h as f64, 0.0)).collect();
    let daylight: Vec<i64> = hours.iter().map(|h| i64::from((7..19).contains(&(h % 24)))).collect();
    let codes: Vec<i64> = hours.iter().map(|h| code_at(h / 3)).collect();
    let precip: Vec<i64> = hours
        .iter()
        .map(|h| if code_at(h / 3) == 61 { 70 } else { h * 7 % 30 })
        .collect();
    // Each day a little warmer or colder than the last, so the week varies.
    let drift = |d: i64| 3.0 * (d as f64 * 1.3).sin();
    let dates: Vec<String> = (0..days)
        .map(|d| (today + Duration::days(d)).format("%Y-%m-%d").to_string())
        .collect();
    let day_max: Vec<f64> = (0..days).map(|d| temp_at(15.0, drift(d))).collect();
    let day_min: Vec<f64> = (0..days).map(|d| temp_at(3.0, drift(d))).collect();
    let day_codes: Vec<i64> = (0..days).map(|d| [61, 3, 2, 0, 71, 1, 45][(d % 7) as usize]).collect();
    let day_precip: Vec<i64> = (0..days)
        .map(|d| [80, 35, 10, 0, 65, 5, 20][(d % 7) as usize])
        .collect();
    let (tu, wu) = if imperial { ("°F", "mp/h") } else { ("°C", "km/h") };
    json!({
        "latitude": lat, "longitude": lon, "generationtime_ms": 0.1,
        "utc_offset_seconds": offset_h * 3600, "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 40.0,
        "current_units": {"time": "iso8601", "interval": "seconds", "temperature_2m": tu, "relative_humidity_2m": "%",
            "apparent_temperature": tu, "is_day": "", "weather_code": "wmo code", "wind_speed_10m": wu, "wind_direction_10m": "°"},
        "current": {
            "time": local.format("%Y-%m-%dT%H:%M").to_string(), "interval": 900,
            "temperature_2m": temp_at(hour, fastrand::f64() * 0.6 - 0.3),
            "relative_humidity_2m": 60 + fastrand::i64(0..20),
            "apparent_temperature": temp_at(hour, -2.0 + fastrand::f64() * 0.4),
            "is_day": i64::from((7..19).contains(&local.hour())),
            "weather_code": code_at(i64::from(local.hour()) / 3),
            "wind_speed_10m": ((8.0 + fastrand::f64() * 6.0) * 10.0).round() / 10.0,
            "wind_direction_10m": 200 + fastrand::i64(0..80)
        },
        "hourly_units": {"time": "iso8601", "temperature_2m": tu, "weather_code": "wmo code", "precipitation_probability": "%", "is_day": ""},
        "hourly": {"time": times, "temperature_2m": temps, "weather_code": codes, "precipitation_probability": precip, "is_day": daylight},
        "daily_units": {"time": "iso8601", "weather_code": "wmo code", "temperature_2m_max": tu, "temperature_2m_min": tu,
            "precipitation_probability_max": "%"},
        "daily": {
            "time": dates, "weather_code": day_codes, "temperature_2m_max": day_max, "temperature_2m_min": day_min,
            "precipitation_probability_max": day_precip
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use homedash_widgets::HttpReply;
    use homedash_widgets::weather::open_meteo;

    #[test]
    fn demo_answers_parse_as_real_open_meteo() {
        for imperial in [false, true] {
            let mut q = HashMap::from([
                ("latitude".to_string(), "52.5".to_string()),
                ("longitude".to_string(), "13.4".to_string()),
            ]);
            if imperial {
                q.insert("temperature_unit".into(), "fahrenheit".into());
            }
            q.insert("forecast_days".into(), "7".into());
            q.insert("forecast_hours".into(), "25".into());
            let body = open_meteo(&q, Utc::now()).to_string().into_bytes();
            let cfg = open_meteo::Config {
                latitude: 52.5,
                longitude: 13.4,
                location: None,
                units: open_meteo::Units::Metric,
                hours: 8,
            };
            let w = open_meteo::parse(
                &cfg,
                &HttpReply {
                    status: 200,
                    headers: vec![],
                    body,
                },
                Utc::now(),
            )
            .unwrap();
            assert_eq!(w.hourly.len(), 24, "the coming day");
            assert_eq!(w.days.len(), 7, "the week");
            assert!(w.high >= w.low && w.high.is_some());
            assert_eq!(w.temp_unit, if imperial { "°F" } else { "°C" });
        }
    }

    /// Every registered provider that polls gets an answer from the demo
    /// for each request of its example config, and the answer parses.
    #[test]
    fn the_demo_answers_every_registered_provider() {
        let now = Utc::now();
        for info in homedash_widgets::source::ALL
            .iter()
            .filter(|i| i.default_base.is_some())
        {
            let keys: serde_json::Value = serde_json::from_str(info.examples[0]).unwrap();
            let src = homedash_widgets::Source::deserialize_for(info.kind, info.name, keys)
                .unwrap()
                .unwrap();
            let base = url::Url::parse(&format!("http://127.0.0.1:1/{}/", info.name)).unwrap();
            let mut replies = Vec::new();
            for spec in src.requests(&base, now) {
                let path = spec
                    .url
                    .path()
                    .trim_start_matches(&format!("/{}", info.name))
                    .to_string();
                let q: HashMap<String, String> = spec.url.query_pairs().into_owned().collect();
                let (_, body) =
                    route(info.name, &path, &q).unwrap_or_else(|| panic!("{}: no demo answer at {path}", info.name));
                replies.push(HttpReply {
                    status: 200,
                    headers: vec![],
                    body: body.into_bytes(),
                });
            }
            if let Err(e) = src.parse(&replies, now) {
                panic!("{}: the demo's answer does not parse: {e}", info.name);
            }
        }
    }
}
