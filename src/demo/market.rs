//! Demo answers for the providers other than Open-Meteo, in each one's real
//! wire format: prices and metrics follow slow waves plus a little noise,
//! so the dashboard moves like a live one.

use std::collections::HashMap;
use std::f64::consts::TAU;

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};

const JSON: &str = "application/json";

/// A stable number per name, to spread symbols and series apart.
fn seed(name: &str) -> f64 {
    let h = name
        .bytes()
        .fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    f64::from(h % 10_000) / 10_000.0
}

/// A value that drifts around `mid` by `spread`, different per `name`.
fn wave(name: &str, mid: f64, spread: f64, t: f64) -> f64 {
    let s = seed(name);
    mid + spread * ((t / 900.0 + s * TAU).sin() * 0.7 + (t / 97.0 + s * 13.0).sin() * 0.3)
}

fn noisy(v: f64, by: f64) -> f64 {
    v + (fastrand::f64() - 0.5) * by
}

fn round(v: f64, places: i32) -> f64 {
    let p = 10f64.powi(places);
    (v * p).round() / p
}

struct Tick {
    price: f64,
    prev: f64,
    high: f64,
    low: f64,
    series: Vec<f64>,
}

fn tick(symbol: &str, at_time: DateTime<Utc>) -> Tick {
    let now = at_time.timestamp() as f64;
    let base = 40.0 + seed(symbol) * 460.0;
    let at = |t: f64| wave(symbol, base, base * 0.02, t);
    let price = round(noisy(at(now), base * 0.001), 2);
    let prev = round(base * (0.99 + seed(&format!("{symbol}-prev")) * 0.02), 2);
    // Today's 5-minute closes since 09:30, at most 78.
    let minutes = (at_time.hour() * 60 + at_time.minute()) as i64;
    let points = ((minutes % (24 * 60)) / 5).clamp(2, 78);
    let series: Vec<f64> = (0..points)
        .map(|i| round(at(now - ((points - i) * 300) as f64), 2))
        .chain([price])
        .collect();
    let high = series.iter().copied().fold(f64::MIN, f64::max);
    let low = series.iter().copied().fold(f64::MAX, f64::min);
    Tick {
        price,
        prev,
        high,
        low,
        series,
    }
}

fn q<'a>(query: &'a HashMap<String, String>, k: &str) -> &'a str {
    query.get(k).map(String::as_str).unwrap_or("")
}

/// The demo's answer to `provider`'s `path`: its content type and body.
pub fn route(
    provider: &str,
    path: &str,
    query: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Option<(&'static str, String)> {
    if (provider, path) == ("prometheus-text", "/metrics") {
        return Some(("text/plain; version=0.0.4", exposition(now)));
    }
    let body = quotes(provider, path, query, now)
        .or_else(|| weather(provider, path, query, now))
        .or_else(|| metrics(provider, path, query, now))?;
    Some((JSON, body.to_string()))
}

/// The stock providers' answers.
fn quotes(provider: &str, path: &str, query: &HashMap<String, String>, now: DateTime<Utc>) -> Option<Value> {
    Some(match (provider, path) {
        ("finnhub", "/api/v1/quote") => {
            let t = tick(q(query, "symbol"), now);
            json!({"c": t.price, "d": round(t.price - t.prev, 2), "dp": round((t.price - t.prev) / t.prev * 100.0, 4),
                   "h": t.high, "l": t.low, "o": t.series[0], "pc": t.prev, "t": now.timestamp()})
        }
        ("twelvedata", "/quote") => {
            let s = q(query, "symbol");
            let t = tick(s, now);
            json!({"symbol": s, "name": s, "exchange": "NASDAQ", "currency": "USD", "timestamp": now.timestamp(),
                   "close": format!("{:.5}", t.price), "high": format!("{:.5}", t.high), "low": format!("{:.5}", t.low),
                   "previous_close": format!("{:.5}", t.prev), "change": format!("{:.5}", t.price - t.prev),
                   "percent_change": format!("{:.5}", (t.price - t.prev) / t.prev * 100.0), "is_market_open": true})
        }
        ("twelvedata", "/time_series") => {
            let s = q(query, "symbol");
            let values: Vec<Value> = tick(s, now)
                .series
                .iter()
                .rev()
                .map(|c| json!({"close": format!("{c:.5}")}))
                .collect();
            json!({"meta": {"symbol": s, "interval": "5min", "currency": "USD"}, "values": values, "status": "ok"})
        }
        ("polygon", p) if p.starts_with("/v2/aggs/ticker/") && p.ends_with("/prev") => {
            let s = p.trim_start_matches("/v2/aggs/ticker/").trim_end_matches("/prev");
            let t = tick(s, now);
            json!({"ticker": s, "queryCount": 1, "resultsCount": 1, "adjusted": true, "status": "OK", "request_id": "demo",
                   "results": [{"T": s, "o": t.prev, "c": t.price, "h": t.high, "l": t.low, "v": 1.0e7,
                                "t": (now.timestamp() - 86400) * 1000}]})
        }
        ("alphavantage", "/query") => {
            let s = q(query, "symbol");
            let t = tick(s, now);
            json!({"Global Quote": {"01. symbol": s, "02. open": format!("{:.4}", t.series[0]), "03. high": format!("{:.4}", t.high),
                   "04. low": format!("{:.4}", t.low), "05. price": format!("{:.4}", t.price), "06. volume": "1000000",
                   "07. latest trading day": now.format("%Y-%m-%d").to_string(), "08. previous close": format!("{:.4}", t.prev),
                   "09. change": format!("{:.4}", t.price - t.prev), "10. change percent": format!("{:.4}%", (t.price - t.prev) / t.prev * 100.0)}})
        }
        ("yahoo", p) if p.starts_with("/v8/finance/chart/") => {
            let raw = p.trim_start_matches("/v8/finance/chart/");
            let decoded: String = url::form_urlencoded::parse(format!("s={raw}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| raw.to_string());
            let s = decoded.as_str();
            let t = tick(s, now);
            let start = now.timestamp() - now.timestamp() % 86400;
            json!({"chart": {"result": [{"meta": {"currency": "USD", "symbol": s, "regularMarketPrice": t.price,
                   "chartPreviousClose": t.prev, "regularMarketDayHigh": t.high, "regularMarketDayLow": t.low,
                   "regularMarketTime": now.timestamp(),
                   "currentTradingPeriod": {"regular": {"start": start, "end": start + 86400}}},
                   "indicators": {"quote": [{"close": t.series}]}}], "error": null}})
        }
        _ => return None,
    })
}

/// The weather providers' answers.
fn weather(provider: &str, path: &str, query: &HashMap<String, String>, now: DateTime<Utc>) -> Option<Value> {
    Some(match (provider, path) {
        ("openweathermap", "/data/2.5/weather") => {
            let imperial = q(query, "units") == "imperial";
            let c = wave("owm", 11.0, 4.0, now.timestamp() as f64);
            let temp = if imperial { c * 1.8 + 32.0 } else { c };
            // The icon's last letter: day or night in London (UTC here).
            let dn = if (7..19).contains(&now.hour()) { "d" } else { "n" };
            json!({"weather": [{"id": 803, "main": "Clouds", "description": "broken clouds", "icon": format!("04{dn}")}],
                   "main": {"temp": round(temp, 2), "feels_like": round(temp - 1.5, 2), "temp_min": round(temp - 2.0, 2),
                            "temp_max": round(temp + 3.0, 2), "humidity": 72},
                   "wind": {"speed": round(noisy(4.1, 1.0), 2), "deg": 250}, "dt": now.timestamp(), "timezone": 0,
                   "name": "London", "cod": 200})
        }
        ("openweathermap", "/data/2.5/forecast") => {
            let cnt: i64 = q(query, "cnt").parse().unwrap_or(6);
            let list: Vec<Value> = (1..=cnt)
                .map(|i| {
                    let t = now.timestamp() + i * 10800;
                    let id = [800, 801, 803, 500][(i % 4) as usize];
                    let temp = wave("owm", 11.0, 4.0, t as f64) + 3.0 * ((i / 8) as f64 * 1.3).sin();
                    let pod = if (7..19).contains(&(t / 3600 % 24)) { "d" } else { "n" };
                    json!({"dt": t, "main": {"temp": round(temp, 1), "temp_max": round(temp + 1.5, 1),
                                              "temp_min": round(temp - 1.5, 1)},
                           "weather": [{"id": id, "icon": format!("01{pod}")}], "pop": (i * 13 % 90) as f64 / 100.0,
                           "sys": {"pod": pod}})
                })
                .collect();
            json!({"cod": "200", "list": list, "city": {"name": "London", "timezone": 0}})
        }
        ("weatherapi", "/v1/forecast.json") => weatherapi(query, now),
        _ => return None,
    })
}

/// WeatherAPI's forecast: the days asked for, each hour of each.
fn weatherapi(query: &HashMap<String, String>, now: DateTime<Utc>) -> Value {
    let c = wave("weatherapi", 16.0, 5.0, now.timestamp() as f64);
    let local = now + chrono::Duration::hours(9);
    let days: i64 = q(query, "days").parse().unwrap_or(1);
    let f = |c: f64| round(c * 1.8 + 32.0, 1);
    let forecastday: Vec<Value> = (0..days)
            .map(|d| {
                let date = local.date_naive() + chrono::Duration::days(d);
                let hours: Vec<Value> = (0..24)
                    .map(|h| {
                        let t = date.and_hms_opt(0, 0, 0).map(|t| t + chrono::Duration::hours(h));
                        let code = [1000, 1003, 1006, 1183][(h % 4) as usize];
                        let temp = c + (h as f64 - 12.0).abs() * -0.4 + 4.0;
                        json!({"time": t.map(|t| t.format("%Y-%m-%d %H:%M").to_string()), "temp_c": round(temp, 1),
                               "temp_f": f(temp), "condition": {"code": code}, "chance_of_rain": ((d * 24 + h) * 11 % 100),
                               "is_day": i64::from((7..19).contains(&h))})
                    })
                    .collect();
                let shift = 3.0 * (d as f64 * 1.3).sin();
                let (hi, lo) = (c + 5.0 + shift, c - 4.0 + shift);
                let code = [1003, 1183, 1000, 1006, 1210, 1000, 1135][(d % 7) as usize];
                let rain = [10, 80, 0, 20, 60, 0, 30][(d % 7) as usize];
                json!({"date": date.format("%Y-%m-%d").to_string(),
                       "day": {"maxtemp_c": round(hi, 1), "mintemp_c": round(lo, 1), "maxtemp_f": f(hi), "mintemp_f": f(lo),
                               "condition": {"code": code},
                               "daily_chance_of_rain": rain},
                       "hour": hours})
            })
            .collect();
    json!({"location": {"name": "Tokyo", "localtime": local.format("%Y-%m-%d %H:%M").to_string()},
               "current": {"temp_c": round(c, 1), "temp_f": f(c), "feelslike_c": round(c - 1.0, 1),
                           "feelslike_f": f(c - 1.0), "humidity": 64, "wind_kph": round(noisy(12.0, 3.0), 1),
                           "wind_mph": 7.5, "wind_degree": 120, "condition": {"text": "Partly cloudy", "code": 1003},
                           "is_day": i64::from((7..19).contains(&local.hour()))},
               "forecast": {"forecastday": forecastday}})
}

/// The metrics providers' answers (the exposition text apart).
fn metrics(provider: &str, path: &str, query: &HashMap<String, String>, now: DateTime<Utc>) -> Option<Value> {
    Some(match (provider, path) {
        ("prometheus", "/api/v1/query" | "/api/v1/query_range") => prometheus(path, query, now),
        ("json", _) => {
            let t = now.timestamp() as f64;
            json!({"queue": {"depth": round(wave("queue", 120.0, 100.0, t * 3.0), 0), "workers": 8},
                   "latency_ms": {"p50": round(wave("p50", 42.0, 10.0, t), 1), "p99": round(wave("p99", 180.0, 60.0, t), 1)}})
        }
        ("datadog", "/api/v1/query") => {
            let to: i64 = q(query, "to").parse().unwrap_or(now.timestamp());
            let from: i64 = q(query, "from").parse().unwrap_or(to - 3600);
            let step = ((to - from) / 60).max(1);
            let points: Vec<Value> = (0..60)
                .map(|i| {
                    let t = from + i * step;
                    json!([(t * 1000) as f64, wave("dd-idle", 82.0, 12.0, t as f64 * 5.0)])
                })
                .collect();
            json!({"status": "ok", "series": [{"metric": "system.cpu.idle", "display_name": "system.cpu.idle", "scope": "*",
                   "pointlist": points}]})
        }
        _ => return None,
    })
}

/// Prometheus's HTTP API: an instant vector, or a range as a matrix.
fn prometheus(path: &str, query: &HashMap<String, String>, now: DateTime<Utc>) -> Value {
    let instances = ["web-1:9100", "web-2:9100", "db-1:9100"];
    if path.ends_with("range") {
        let end: f64 = q(query, "end").parse().unwrap_or(now.timestamp() as f64);
        let start: f64 = q(query, "start").parse().unwrap_or(end - 3600.0);
        let step = q(query, "step").parse::<f64>().unwrap_or(60.0).max(1.0);
        let result: Vec<Value> = instances
            .iter()
            .map(|i| {
                let mut values = Vec::new();
                let mut t = start;
                while t <= end {
                    values.push(json!([t, format!("{:.2}", wave(i, 45.0, 30.0, t * 7.0))]));
                    t += step;
                }
                json!({"metric": {"instance": i, "job": "node"}, "values": values})
            })
            .collect();
        json!({"status": "success", "data": {"resultType": "matrix", "result": result}})
    } else {
        let result: Vec<Value> = instances
                .iter()
                .map(|i| json!({"metric": {"instance": i, "job": "node"}, "value": [now.timestamp(), format!("{:.2}", noisy(wave(i, 45.0, 30.0, now.timestamp() as f64 * 7.0), 2.0))]}))
                .collect();
        json!({"status": "success", "data": {"resultType": "vector", "result": result}})
    }
}

/// The Prometheus text exposition format.
fn exposition(now: DateTime<Utc>) -> String {
    let t = now.timestamp() as f64;
    format!(
        "# HELP http_requests_in_flight Requests being served.\n# TYPE http_requests_in_flight gauge\nhttp_requests_in_flight{{handler=\"/api\"}} {:.0}\nhttp_requests_in_flight{{handler=\"/static\"}} {:.0}\nhttp_requests_in_flight{{handler=\"/login\"}} {:.0}\n",
        wave("api", 40.0, 25.0, t * 5.0),
        wave("static", 12.0, 8.0, t * 5.0),
        wave("login", 3.0, 2.5, t * 5.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use homedash_widgets::{HttpReply, Source};

    /// Every demo widget's answer parses with its real provider parser.
    #[test]
    fn every_demo_answer_parses() {
        let cfg = crate::config::parse("demo", crate::config::DEMO).unwrap();
        let now = Utc::now();
        let base = url::Url::parse("http://demo.invalid/").unwrap();
        let mut seen = 0;
        for w in &cfg.widgets {
            if matches!(w.source, Source::System(_) | Source::Clock(_) | Source::OpenMeteo(_)) {
                continue;
            }
            let replies: Vec<HttpReply> = w
                .source
                .requests(&base, now)
                .iter()
                .map(|spec| {
                    let query: HashMap<String, String> = spec.url.query_pairs().into_owned().collect();
                    let (_, body) = route(w.source.provider(), spec.url.path(), &query, Utc::now())
                        .unwrap_or_else(|| panic!("{}: no demo answer for {}", w.id, spec.url.path()));
                    HttpReply {
                        status: 200,
                        headers: vec![],
                        body: body.into_bytes(),
                    }
                })
                .collect();
            w.source
                .parse(&replies, now)
                .unwrap_or_else(|e| panic!("{} ({}): {e}", w.id, w.source.provider()));
            seen += 1;
        }
        assert!(seen >= 11, "{seen}");
    }
}
