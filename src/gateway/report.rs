//! `homedash gateway report LOGFILE`: the gateway's JSON access log read
//! back: per client, per route against its plan, and what looks wrong.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

use homedash_widgets::gateway::Refusal;

/// One access-log line, as `render.rs`'s `log_format hd_json` writes it.
#[derive(Debug, Deserialize)]
struct Line {
    time: String,
    /// "upstream" for the upstream side's line per call to a provider.
    #[serde(default)]
    side: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    remote: String,
    #[serde(default)]
    route: String,
    status: u16,
    #[serde(default)]
    upstream_status: String,
    #[serde(default)]
    cache: String,
    #[serde(default)]
    gateway: String,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct ClientStats {
    pub requests: u64,
    /// "2xx" .. "5xx" → count.
    pub statuses: BTreeMap<String, u64>,
    /// Answers served from the cache (HIT, STALE, UPDATING).
    pub cache_hits: u64,
    pub hit_ratio: f64,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct RouteStats {
    pub requests: u64,
    /// Requests that went to the provider (cache refreshes included).
    pub upstream_calls: u64,
    /// Requests the gateway held to keep the key inside its plan.
    pub held: u64,
    /// Requests the gateway refused at its front (bad client, address,
    /// rate, a method other than GET or HEAD, a malformed request).
    pub refused: u64,
    /// The most upstream calls in one minute.
    pub peak_per_minute: u64,
    /// The plan's per-minute limit, when the config names the route.
    pub plan_per_minute: Option<u32>,
    pub over_plan: bool,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// 401s with a token the gateway does not know, per address.
    UnknownClient { remote: String, count: u64 },
    /// 401s with a revoked token, per client.
    RevokedClient { client: String, count: u64 },
    /// Requests from outside the allowlist, per address.
    DeniedAddress { remote: String, count: u64 },
    /// A minute in which a client sent far more than its own usual.
    RateJump {
        client: String,
        minute: String,
        count: u64,
        usual_per_minute: u64,
    },
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Report {
    pub lines: u64,
    /// Lines that are not the gateway's JSON.
    pub unreadable: u64,
    pub clients: BTreeMap<String, ClientStats>,
    pub routes: BTreeMap<String, RouteStats>,
    pub anomalies: Vec<Anomaly>,
}

/// A minute far above a client's median rate: at least this many times
/// it, and at least `JUMP_MIN` requests.
const JUMP_FACTOR: u64 = 3;
const JUMP_MIN: u64 = 20;

fn minute(t: &DateTime<FixedOffset>) -> String {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .map_or_else(|| t.to_rfc3339(), |t| t.format("%Y-%m-%dT%H:%M%:z").to_string())
}

/// What the lines add up to, before the report is finished.
#[derive(Default)]
struct Tally {
    /// Per client and minute: requests, and the first and last second seen.
    per_minute: BTreeMap<String, BTreeMap<String, (u64, u32, u32)>>,
    upstream_minutes: BTreeMap<String, BTreeMap<String, u64>>,
    unknown: BTreeMap<String, u64>,
    revoked: BTreeMap<String, u64>,
    denied: BTreeMap<String, u64>,
}

/// `plans`: each route's per-minute limit, from the config when given.
pub fn build(text: &str, plans: &BTreeMap<String, u32>) -> Report {
    let mut r = Report::default();
    let mut t = Tally::default();
    for raw in text.lines().filter(|l| !l.trim().is_empty()) {
        r.lines += 1;
        let Ok(l) = serde_json::from_str::<Line>(raw) else {
            r.unreadable += 1;
            continue;
        };
        let l = Line {
            client: crate::outside::admit_to(&l.client, 64),
            remote: crate::outside::admit_to(&l.remote, 64),
            route: crate::outside::admit_to(&l.route, 64),
            ..l
        };
        let at = DateTime::parse_from_rfc3339(&l.time).ok();
        if l.side == "upstream" {
            t.upstream(&mut r, &l, at.as_ref());
        } else {
            t.client(&mut r, &l, at.as_ref());
        }
    }
    t.finish(&mut r, plans);
    r
}

impl Tally {
    /// A request nginx made upstream, or held back at the provider's limit.
    fn upstream(&mut self, r: &mut Report, l: &Line, at: Option<&DateTime<FixedOffset>>) {
        let rs = r.routes.entry(l.route.clone()).or_default();
        if Refusal::from_code(&l.gateway) == Some(Refusal::UpstreamRateLimited) {
            rs.held += 1;
        } else if !l.upstream_status.is_empty() && l.upstream_status != "-" {
            rs.upstream_calls += 1;
            if let Some(at) = at {
                *self
                    .upstream_minutes
                    .entry(l.route.clone())
                    .or_default()
                    .entry(minute(at))
                    .or_default() += 1;
            }
        }
    }

    /// A client's request at the gateway's front.
    fn client(&mut self, r: &mut Report, l: &Line, at: Option<&DateTime<FixedOffset>>) {
        match Refusal::from_code(&l.gateway) {
            Some(Refusal::ClientRejected) => *self.unknown.entry(l.remote.clone()).or_default() += 1,
            Some(Refusal::ClientRevoked) => *self.revoked.entry(l.client.clone()).or_default() += 1,
            Some(Refusal::AddressDenied) => *self.denied.entry(l.remote.clone()).or_default() += 1,
            _ => {}
        }
        let c = r.clients.entry(l.client.clone()).or_default();
        c.requests += 1;
        *c.statuses.entry(format!("{}xx", l.status / 100)).or_default() += 1;
        if matches!(l.cache.as_str(), "HIT" | "STALE" | "UPDATING") {
            c.cache_hits += 1;
        }
        if let Some(at) = at {
            let sec = at.second();
            let m = self
                .per_minute
                .entry(l.client.clone())
                .or_default()
                .entry(minute(at))
                .or_insert((0, sec, sec));
            m.0 += 1;
            m.1 = m.1.min(sec);
            m.2 = m.2.max(sec);
        }
        let stopped_at_front = matches!(
            Refusal::from_code(&l.gateway),
            Some(
                Refusal::ClientRejected
                    | Refusal::ClientRevoked
                    | Refusal::AddressDenied
                    | Refusal::RateLimited
                    | Refusal::NoRoute
                    | Refusal::MethodNotAllowed
                    | Refusal::BadRequest
            )
        );
        if !l.route.is_empty() {
            let rs = r.routes.entry(l.route.clone()).or_default();
            if stopped_at_front {
                rs.refused += 1;
            } else {
                rs.requests += 1;
            }
        }
    }

    /// Ratios, each route's peak against its plan, and the anomalies.
    fn finish(self, r: &mut Report, plans: &BTreeMap<String, u32>) {
        let Tally {
            per_minute,
            upstream_minutes,
            unknown,
            revoked,
            denied,
        } = self;
        for c in r.clients.values_mut() {
            c.hit_ratio = if c.requests == 0 {
                0.0
            } else {
                c.cache_hits as f64 / c.requests as f64
            };
        }
        for (route, rs) in &mut r.routes {
            rs.peak_per_minute = upstream_minutes
                .get(route)
                .and_then(|m| m.values().max().copied())
                .unwrap_or(0);
            rs.plan_per_minute = plans
                .get(route)
                .copied()
                .or_else(|| homedash_widgets::source::keyed(route).map(|p| p.budget.per_minute));
            rs.over_plan = rs.plan_per_minute.is_some_and(|p| rs.peak_per_minute > u64::from(p));
        }
        for (remote, count) in unknown {
            r.anomalies.push(Anomaly::UnknownClient { remote, count });
        }
        for (client, count) in revoked {
            r.anomalies.push(Anomaly::RevokedClient { client, count });
        }
        for (remote, count) in denied {
            r.anomalies.push(Anomaly::DeniedAddress { remote, count });
        }
        rate_jumps(r, &per_minute);
    }
}

/// A minute's rate is its requests over the seconds it was active, so a
/// client's first and last (partial) minutes compare fairly.
fn rate_jumps(r: &mut Report, per_minute: &BTreeMap<String, BTreeMap<String, (u64, u32, u32)>>) {
    for (client, minutes) in per_minute.iter().filter(|(c, _)| c.as_str() != "-") {
        let rate = |&(n, first, last): &(u64, u32, u32)| n as f64 / f64::from(last - first + 1);
        let mut rates: Vec<f64> = minutes.values().map(rate).collect();
        rates.sort_by(f64::total_cmp);
        let usual = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
        for (m, counts) in minutes {
            let count = counts.0;
            if minutes.len() > 2 && count >= JUMP_MIN && rate(counts) >= usual * JUMP_FACTOR as f64 {
                r.anomalies.push(Anomaly::RateJump {
                    client: client.clone(),
                    minute: m.clone(),
                    count,
                    usual_per_minute: (usual * 60.0).round() as u64,
                });
            }
        }
    }
}

pub fn text(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} log lines{}",
        r.lines,
        if r.unreadable > 0 {
            format!(", {} not the gateway's JSON (skipped)", r.unreadable)
        } else {
            String::new()
        }
    );
    let _ = writeln!(o, "\nCLIENT            REQUESTS   2xx   3xx   4xx   5xx   CACHE HITS");
    for (name, c) in &r.clients {
        let n = |k: &str| c.statuses.get(k).copied().unwrap_or(0);
        let shown = if name == "-" { "(no valid token)" } else { name.as_str() };
        let _ = writeln!(
            o,
            "{shown:<17} {:>8} {:>5} {:>5} {:>5} {:>5}   {:>5.1}%",
            c.requests,
            n("2xx"),
            n("3xx"),
            n("4xx"),
            n("5xx"),
            c.hit_ratio * 100.0
        );
    }
    let _ = writeln!(
        o,
        "\nROUTE             REQUESTS   REFUSED  UPSTREAM  PEAK/MIN  PLAN/MIN"
    );
    for (name, rs) in &r.routes {
        let plan = rs.plan_per_minute.map_or_else(|| "-".to_string(), |p| p.to_string());
        let _ = writeln!(
            o,
            "{name:<17} {:>8} {:>9} {:>9} {:>9} {:>9}{}",
            rs.requests,
            rs.refused,
            rs.upstream_calls,
            rs.peak_per_minute,
            plan,
            if rs.over_plan { "  OVER PLAN" } else { "" }
        );
    }
    let _ = writeln!(o, "\nANOMALIES");
    if r.anomalies.is_empty() {
        let _ = writeln!(o, "none");
    }
    for a in &r.anomalies {
        let line = match a {
            Anomaly::UnknownClient { remote, count } => {
                format!("{count} request(s) from {remote} with a token the gateway does not know (401)")
            }
            Anomaly::RevokedClient { client, count } => {
                format!("{count} request(s) from revoked client \"{client}\" (401)")
            }
            Anomaly::DeniedAddress { remote, count } => {
                format!("{count} request(s) from {remote}, outside the allowlist (403)")
            }
            Anomaly::RateJump {
                client,
                minute,
                count,
                usual_per_minute,
            } => format!(
                "client \"{client}\" sent {count} requests in the minute from {minute}, usually {usual_per_minute} a minute"
            ),
        };
        let _ = writeln!(o, "- {line}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str, client: &str, remote: &str, status: u16, up: &str, cache: &str, gw: &str) -> String {
        format!(
            r#"{{"time":"{t}","client":"{client}","remote":"{remote}","method":"GET","path":"/finnhub/quote","route":"finnhub","status":{status},"upstream_status":"{up}","cache":"{cache}","gateway":"{gw}","request_time":0.001,"upstream_time":"{up}"}}"#
        )
    }

    #[test]
    fn counts_clients_routes_and_flags_what_looks_wrong() {
        let mut log = String::new();
        // alice: 3 quiet minutes of 5 (one every 12 s), then 40 in 40 s.
        for m in 0..3 {
            for s in 0..5 {
                let t = format!("2026-12-03T10:0{m}:{:02}+00:00", s * 12);
                let (up, cache) = if s == 0 { ("200", "MISS") } else { ("", "HIT") };
                log.push_str(&line(&t, "alice", "127.0.0.1", 200, up, cache, ""));
                log.push('\n');
                if s == 0 {
                    log.push_str(&format!(
                        r#"{{"time":"{t}","side":"upstream","route":"finnhub","path":"/finnhub/quote","status":200,"upstream_status":"200","gateway":"","upstream_time":"0.010"}}"#
                    ));
                    log.push('\n');
                }
            }
        }
        log.push_str(r#"{"time":"2026-12-03T10:04:00+00:00","side":"upstream","route":"finnhub","path":"/finnhub/quote","status":429,"upstream_status":"","gateway":"upstream-rate-limited","upstream_time":""}"#);
        log.push('\n');
        for s in 0..40 {
            log.push_str(&line(
                &format!("2026-12-03T10:05:{s:02}+00:00"),
                "alice",
                "127.0.0.1",
                200,
                "",
                "HIT",
                "",
            ));
            log.push('\n');
        }
        log.push_str(&line(
            "2026-12-03T10:06:00+00:00",
            "bob",
            "127.0.0.1",
            401,
            "",
            "",
            "client-revoked",
        ));
        log.push('\n');
        log.push_str(&line(
            "2026-12-03T10:06:01+00:00",
            "-",
            "127.0.0.9",
            401,
            "",
            "",
            "client-rejected",
        ));
        log.push('\n');
        log.push_str(&line(
            "2026-12-03T10:06:02+00:00",
            "-",
            "127.0.0.2",
            403,
            "",
            "",
            "address-denied",
        ));
        log.push_str("\nnot json\n");
        let r = build(&log, &BTreeMap::from([("finnhub".to_string(), 2)]));
        assert_eq!(r.lines, 63);
        assert_eq!(r.unreadable, 1);
        let a = &r.clients["alice"];
        assert_eq!(a.requests, 55);
        assert_eq!(a.cache_hits, 52);
        assert_eq!(r.clients["bob"].statuses["4xx"], 1);
        let f = &r.routes["finnhub"];
        assert_eq!((f.requests, f.upstream_calls, f.held, f.peak_per_minute), (55, 3, 1, 1));
        assert!(!f.over_plan);
        assert!(r.anomalies.contains(&Anomaly::RevokedClient {
            client: "bob".into(),
            count: 1
        }));
        assert!(r.anomalies.contains(&Anomaly::UnknownClient {
            remote: "127.0.0.9".into(),
            count: 1
        }));
        assert!(r.anomalies.contains(&Anomaly::DeniedAddress {
            remote: "127.0.0.2".into(),
            count: 1
        }));
        let jumps: Vec<_> = r
            .anomalies
            .iter()
            .filter(|x| matches!(x, Anomaly::RateJump { .. }))
            .collect();
        assert_eq!(
            jumps,
            [&Anomaly::RateJump {
                client: "alice".into(),
                minute: "2026-12-03T10:05+00:00".into(),
                count: 40,
                usual_per_minute: 6
            }]
        );
        let t = text(&r);
        assert!(t.contains("revoked client \"bob\""), "{t}");
        assert!(t.contains("127.0.0.2, outside the allowlist"), "{t}");
    }
}
