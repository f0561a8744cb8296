//! Clock and date, in local time and any IANA time zones.

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use serde::Deserialize;

use crate::data::Data;
use crate::data::RenderCtx;
use crate::data::Tick;
use crate::format;
use crate::kind::Kind;
use crate::registry::Info;
use crate::registry::Registered;
use crate::style;

/// The `[widget.ID]` keys of a clock widget.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// "local" or IANA names such as "Europe/London". The first is shown large.
    #[serde(default = "local_only")]
    pub zones: Vec<String>,
    /// A 12-hour clock with AM/PM.
    #[serde(default)]
    pub hour12: bool,
    /// Seconds make the dashboard redraw every second; off by default.
    #[serde(default)]
    pub seconds: bool,
}

fn local_only() -> Vec<String> {
    vec!["local".into()]
}

impl Default for Config {
    fn default() -> Self {
        Self {
            zones: local_only(),
            hour12: false,
            seconds: false,
        }
    }
}

#[derive(Clone, Debug)]
enum Zone {
    Local,
    Named(crate::zone::TimeZone),
}

fn zone(name: &str) -> Option<Zone> {
    if name.eq_ignore_ascii_case("local") {
        return Some(Zone::Local);
    }
    crate::zone::named(name).map(Zone::Named)
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.zones.is_empty() {
            out.push(("zones", "lists no time zone".to_string()));
        }
        for z in &self.zones {
            if zone(z).is_none() {
                out.push((
                    "zones",
                    format!("\"{z}\" is not an IANA time zone (e.g. \"Europe/London\") or \"local\""),
                ));
            }
        }
        out
    }
}

fn label(name: &str) -> String {
    if name.eq_ignore_ascii_case("local") {
        return "Local".into();
    }
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

fn offset_at(z: &Zone, now: DateTime<Utc>, local: FixedOffset) -> FixedOffset {
    match z {
        Zone::Local => local,
        Zone::Named(tz) => crate::zone::offset(tz, now),
    }
}

const BIG: [[&str; 3]; 11] = [
    ["█▀█", "█ █", "▀▀▀"],
    ["▀█ ", " █ ", "▀▀▀"],
    ["▀▀█", "█▀▀", "▀▀▀"],
    ["▀▀█", " ▀█", "▀▀▀"],
    ["█ █", "▀▀█", "  ▀"],
    ["█▀▀", "▀▀█", "▀▀▀"],
    ["█▀▀", "█▀█", "▀▀▀"],
    ["▀▀█", "  █", "  ▀"],
    ["█▀█", "█▀█", "▀▀▀"],
    ["█▀█", "▀▀█", "▀▀▀"],
    ["▄", " ", "▀"],
];

fn big_width(s: &str) -> u16 {
    s.chars()
        .map(|c| if c == ':' { 2 } else { 4 })
        .sum::<u16>()
        .saturating_sub(1)
}

fn draw_big(s: &str, x0: u16, y: u16, buf: &mut Buffer) {
    let mut x = x0;
    for c in s.chars() {
        let glyph = match c {
            ':' => BIG[10],
            d => match d.to_digit(10) {
                Some(n) => BIG[n as usize],
                None => continue,
            },
        };
        for (row, part) in glyph.iter().enumerate() {
            buf.set_string(x, y + row as u16, part, style::value().fg(style::ACCENT));
        }
        x += if c == ':' { 2 } else { 4 };
    }
}

/// A zone that is UTC by another name, as listed or as the card names it
/// ("Etc/Zulu" is shown as "Zulu"; "Etc/GMT+1" is not UTC).
fn is_utc(name: &str) -> bool {
    matches!(
        name.rsplit('/').next().unwrap_or(name),
        "UTC" | "Universal" | "Zulu" | "UCT" | "GMT" | "Greenwich"
    )
}

/// On a machine that runs in UTC, a listed "UTC" would only repeat the big
/// clock of a "local" first zone: the card leaves it out.
fn folds_utc(cfg: &Config, first_off: FixedOffset) -> bool {
    cfg.zones.first().is_some_and(|z| z == "local") && first_off.local_minus_utc() == 0
}

/// The zones as the card shows them, for the status bar: "local (UTC),
/// Asia/Tokyo" where a listed UTC is the local time already.
pub fn zones_shown(cfg: &Config, local: FixedOffset) -> String {
    let fold = folds_utc(cfg, local) && cfg.zones.iter().skip(1).any(|z| is_utc(z));
    let mut out: Vec<String> = Vec::new();
    for (i, z) in cfg.zones.iter().enumerate() {
        match (i, fold) {
            (0, true) => out.push(format!("{z} (UTC)")),
            (_, true) if is_utc(z) => {}
            _ => out.push(z.clone()),
        }
    }
    out.join(", ")
}

/// Render the clock for `now`. `local` is the machine's offset, passed in so
/// that renders are reproducible.
pub fn render(cfg: &Config, now: DateTime<Utc>, local: FixedOffset, area: Rect, buf: &mut Buffer) {
    let time_fmt = match (cfg.hour12, cfg.seconds) {
        (false, false) => "%H:%M",
        (false, true) => "%H:%M:%S",
        (true, false) => "%I:%M",
        (true, true) => "%I:%M:%S",
    };
    let zones: Vec<(String, Zone)> = cfg
        .zones
        .iter()
        .filter_map(|n| zone(n).map(|z| (label(n), z)))
        .collect();
    let Some((_, first)) = zones.first() else {
        return;
    };
    let first_off = offset_at(first, now, local);
    let t = now.with_timezone(&first_off);
    let hm = t.format(time_fmt).to_string();
    let ampm = if cfg.hour12 {
        t.format(" %p").to_string()
    } else {
        String::new()
    };
    let date = t.format("%A %-d %B %Y").to_string();
    // A named first zone is said under its time; local time needs no name.
    let named = match cfg.zones.first() {
        Some(z) if !z.eq_ignore_ascii_case("local") => Some(zones[0].0.as_str()),
        _ => None,
    };

    let mut y = area.y;
    let others = zones.len() - 1;
    let big_fits = area.height as usize >= 4 + others.min(1) && area.width > big_width(&hm);
    if big_fits {
        let w = big_width(&hm);
        let x = area.x + (area.width - w) / 2;
        draw_big(&hm, x, y, buf);
        y += 3;
        let room = usize::from(area.width).saturating_sub(ampm.chars().count());
        let short = t.format("%a %-d %b").to_string();
        let sub = match named {
            // The whole date if it fits beside the zone, else a short one,
            // else the zone alone: the zone is what must not be lost.
            Some(z) => [format!("{date} · {z}"), format!("{short} · {z}"), z.to_string()]
                .into_iter()
                .find(|s| s.chars().count() <= room)
                .unwrap_or_else(|| format::fit(z, room)),
            None => [date.clone(), short.clone()]
                .into_iter()
                .find(|s| s.chars().count() <= room)
                .unwrap_or_else(|| format::fit(&short, room)),
        } + &ampm;
        let line = Line::from(Span::styled(sub, style::dim()));
        let pad = area.width.saturating_sub(line.width() as u16) / 2;
        buf.set_line(area.x + pad, y, &line, area.width - pad);
        y += 1;
    } else {
        // The time, then the zone's name or the date, whole or not at all.
        let short = t.format("%a %-d %b").to_string();
        let beside = match named {
            Some(z) => [format!("  {z} · {short}"), format!("  {z}")],
            None => [format!("  {date}"), format!("  {short}")],
        };
        let room = usize::from(area.width).saturating_sub(hm.chars().count() + ampm.chars().count());
        let mut parts = vec![vec![Span::styled(
            format!("{hm}{ampm}"),
            style::value().fg(style::ACCENT),
        )]];
        if let Some(b) = beside.into_iter().find(|b| b.chars().count() <= room) {
            parts.push(vec![Span::styled(b, style::dim())]);
        }
        buf.set_line(
            area.x,
            y,
            &format::whole_parts(parts, usize::from(area.width)),
            area.width,
        );
        y += 1;
    }
    let fold = folds_utc(cfg, first_off);
    let rest: Vec<&(String, Zone)> = zones
        .iter()
        .skip(1)
        .filter(|(name, _)| !(fold && is_utc(name)))
        .collect();
    let (shown, more) = format::rows_shown(rest.len(), usize::from(area.bottom().saturating_sub(y)));
    for (name, z) in rest.into_iter().take(shown) {
        let off = offset_at(z, now, local);
        let zt = now.with_timezone(&off);
        let diff_min = (off.local_minus_utc() - first_off.local_minus_utc()) / 60;
        let diff = if diff_min % 60 == 0 {
            format!("{:+}h", diff_min / 60)
        } else {
            format!("{:+}:{:02}", diff_min / 60, (diff_min % 60).abs())
        };
        let day = if zt.date_naive() != t.date_naive() {
            zt.format(" %a").to_string()
        } else {
            String::new()
        };
        let line = format::whole_parts(
            vec![
                vec![
                    Span::styled(
                        format!(
                            "{:<w$}",
                            format::fit(name, usize::from(ZONE_W) - 1),
                            w = usize::from(ZONE_W)
                        ),
                        style::label(),
                    ),
                    // In 12-hour time each zone says AM or PM: 11:17 is
                    // not 23:17.
                    Span::styled(
                        zt.format(&format!("{time_fmt}{}", if cfg.hour12 { " %p" } else { "" }))
                            .to_string(),
                        style::value(),
                    ),
                ],
                vec![Span::styled(format!(" {diff}"), style::dim())],
                vec![Span::styled(day, style::dim())],
            ],
            usize::from(area.width),
        );
        buf.set_line(area.x, y, &line, area.width);
        y += 1;
    }
    if more > 0 {
        buf.set_line(area.x, y, &format::more(more), area.width);
    }
}

/// The zone-name column of the lines under the first zone.
const ZONE_W: u16 = 14;

impl Registered for Config {
    const INFO: Info = Info {
        name: "local",
        kind: Kind::Clock,
        label: "this machine's clock",
        default_base: None,
        keyed: None,
        in_wizard: false,
        fixtures: &[],
        demo: &[],
        examples: &["{}"],
    };

    fn problems(&self) -> Vec<(&'static str, String)> {
        Config::problems(self)
    }

    fn title(&self) -> String {
        "Clock".into()
    }

    /// A zone's name and its time whole ("New York      20:28"), and,
    /// beside the first zone's line, a row for the next zone or `+N more`.
    fn min_content(&self) -> (u16, u16) {
        let time = match (self.hour12, self.seconds) {
            (false, false) => 5,
            (false, true) => 8,
            (true, false) => 8,
            (true, true) => 11,
        };
        (ZONE_W + time, if self.zones.len() > 1 { 2 } else { 1 })
    }

    fn tick(&self) -> Tick {
        if self.seconds { Tick::Second } else { Tick::Minute }
    }

    /// A clock needs no data.
    fn render(&self, _data: Option<&Data>, ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        render(self, ctx.now, ctx.local, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T23:05:09Z").unwrap().to_utc()
    }

    #[test]
    fn a_listed_utc_does_not_repeat_a_big_clock_in_utc() {
        let cfg = Config {
            zones: vec!["local".into(), "UTC".into(), "Asia/Tokyo".into()],
            ..Config::default()
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 32, 6));
        render(&cfg, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        let shown = text(&buf).join("\n");
        assert!(!shown.contains("UTC"), "{shown}");
        assert!(shown.contains("Tokyo"), "{shown}");
        // The status bar names the zones the card shows.
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(zones_shown(&cfg, utc), "local (UTC), Asia/Tokyo");
        let zulu = Config {
            zones: vec!["local".into(), "Etc/Zulu".into(), "Etc/GMT+1".into()],
            ..Config::default()
        };
        assert_eq!(zones_shown(&zulu, utc), "local (UTC), Etc/GMT+1");
        let mut buf = Buffer::empty(Rect::new(0, 0, 32, 6));
        render(&zulu, now(), utc, buf.area, &mut buf);
        let card = text(&buf).join("\n");
        assert!(!card.contains("Zulu") && card.contains("GMT+1"), "{card}");
        assert_eq!(
            zones_shown(&cfg, FixedOffset::east_opt(3600).unwrap()),
            "local, UTC, Asia/Tokyo"
        );
        // Elsewhere, UTC is worth its line.
        let mut buf = Buffer::empty(Rect::new(0, 0, 32, 6));
        render(&cfg, now(), FixedOffset::east_opt(3600).unwrap(), buf.area, &mut buf);
        assert!(text(&buf).join("\n").contains("UTC"));
    }

    /// At its minimum a clock shows its time, a zone whole, and how many
    /// zones did not fit; never a time cut short.
    #[test]
    fn zones_that_do_not_fit_are_counted_and_none_is_cut() {
        let cfg = Config {
            zones: vec![
                "local".into(),
                "Europe/London".into(),
                "America/New_York".into(),
                "Asia/Tokyo".into(),
            ],
            ..Config::default()
        };
        let (w, h) = Registered::min_content(&cfg);
        assert_eq!((w, h), (19, 2));
        let mut buf = Buffer::empty(Rect::new(0, 0, w, 3));
        render(&cfg, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert_eq!(
            text(&buf),
            ["23:05  Fri 27 Nov  ", "London        23:05", "+2 more            "]
        );
    }

    #[test]
    fn in_twelve_hour_time_every_zone_says_am_or_pm() {
        let cfg = Config {
            zones: vec!["local".into(), "Asia/Tokyo".into()],
            hour12: true,
            ..Config::default()
        };
        let (w, _) = Registered::min_content(&cfg);
        let mut buf = Buffer::empty(Rect::new(0, 0, w, 2));
        render(&cfg, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert_eq!(text(&buf)[1], "Tokyo         08:05 AM");
    }

    #[test]
    fn big_digits_with_zones() {
        let cfg = Config {
            zones: vec!["local".into(), "Asia/Tokyo".into(), "America/St_Johns".into()],
            ..Config::default()
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 32, 6));
        render(&cfg, now(), FixedOffset::east_opt(3600).unwrap(), buf.area, &mut buf);
        assert_eq!(
            text(&buf),
            [
                "       █▀█ █▀█ ▄ █▀█ █▀▀        ",
                "       █ █ █ █   █ █ ▀▀█        ",
                "       ▀▀▀ ▀▀▀ ▀ ▀▀▀ ▀▀▀        ",
                "   Saturday 28 November 2026    ",
                "Tokyo         08:05 +8h         ",
                "St Johns      19:35 -4:30 Fri   ",
            ]
        );
    }

    #[test]
    fn a_named_zone_is_said_under_its_time_and_local_time_is_not() {
        let utc = Config {
            zones: vec!["UTC".into()],
            ..Config::default()
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 38, 4));
        render(
            &utc,
            now(),
            FixedOffset::east_opt(-5 * 3600).unwrap(),
            buf.area,
            &mut buf,
        );
        assert_eq!(text(&buf)[3].trim(), "Friday 27 November 2026 · UTC");
        // Narrower: a short date, then the zone alone; never the zone cut.
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 4));
        render(&utc, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert_eq!(text(&buf)[3].trim(), "Fri 27 Nov · UTC");
        let mut buf = Buffer::empty(Rect::new(0, 0, 19, 4));
        let ny = Config {
            zones: vec!["America/New_York".into()],
            ..Config::default()
        };
        render(&ny, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert_eq!(text(&buf)[3].trim(), "New York");
        let local = Config::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 38, 4));
        render(&local, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert!(!text(&buf)[3].contains('·'), "{:?}", text(&buf));
    }

    #[test]
    fn one_line_when_short_with_seconds_and_12h() {
        let cfg = Config {
            zones: vec!["Europe/London".into()],
            hour12: true,
            seconds: true,
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 1));
        render(&cfg, now(), FixedOffset::east_opt(0).unwrap(), buf.area, &mut buf);
        assert_eq!(text(&buf), ["11:05:09 PM  London · Fri 27 Nov        "]);
    }

    #[test]
    fn bad_zone_is_a_problem() {
        let cfg = Config {
            zones: vec!["Mars/Olympus".into()],
            ..Config::default()
        };
        assert!(cfg.problems()[0].1.contains("Mars/Olympus"));
        assert!(Config::default().problems().is_empty());
    }

    #[test]
    fn snapshot_32x6() {
        let cfg = Config {
            zones: vec!["local".into(), "Asia/Tokyo".into()],
            ..Config::default()
        };
        let drawn = crate::testing::drawn(32, 6, |area, buf| {
            render(&cfg, now(), FixedOffset::east_opt(3600).unwrap(), area, buf)
        });
        insta::assert_snapshot!("clock_32x6", drawn);
    }
}
