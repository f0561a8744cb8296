//! Local system metrics. The app samples them (sysinfo); this module only
//! holds the snapshot shape and renders it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Sparkline, Widget};
use serde::Deserialize;

use crate::data::Data;
use crate::data::RenderCtx;
use crate::format;
use crate::kind::Kind;
use crate::registry::Info;
use crate::registry::Registered;
use crate::style;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "SystemRow")]
pub enum Part {
    Cpu,
    Memory,
    Disk,
    Network,
    Load,
}

pub const ALL_PARTS: [Part; 5] = [Part::Cpu, Part::Memory, Part::Disk, Part::Network, Part::Load];

/// The `[widget.ID]` keys of a system widget.
#[derive(Clone, Debug, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Config {
    /// Which rows to show, in order.
    #[serde(default = "all_parts")]
    pub show: Vec<Part>,
    /// Mount points to show; empty means the root filesystem.
    #[serde(default)]
    pub disks: Vec<String>,
}

fn all_parts() -> Vec<Part> {
    ALL_PARTS.to_vec()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            show: all_parts(),
            disks: Vec::new(),
        }
    }
}

impl Config {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        if self.show.is_empty() {
            vec![("show", "lists nothing to show".into())]
        } else {
            Vec::new()
        }
    }
}

pub use crate::data::{Disk, Snapshot};

fn pct(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        used as f64 * 100.0 / total as f64
    }
}

const LABEL_W: u16 = 5;

/// History laid out as a sweep: sample `k` always sits in column
/// `k % width` and a blank gap follows the newest, like a monitor trace. An
/// update then changes two columns instead of shifting the whole chart,
/// which keeps the dashboard's idle terminal output tiny.
fn sweep(history: &[u64], samples: u64, width: u16) -> Vec<Option<u64>> {
    let w = u64::from(width);
    if w < 2 || samples == 0 {
        return vec![None; usize::from(width)];
    }
    let newest = samples - 1;
    (0..w)
        .map(|c| {
            let age = (newest % w + w - c) % w;
            if age == w - 1 {
                return None;
            }
            let age = usize::try_from(age).ok()?;
            history.len().checked_sub(1 + age).map(|i| history[i])
        })
        .collect()
}

/// Rows the listed parts need at one row each.
fn base_rows(cfg: &Config, s: &Snapshot) -> u16 {
    cfg.show
        .iter()
        .map(|p| {
            if *p == Part::Disk {
                s.disks.len().max(1) as u16
            } else {
                1
            }
        })
        .sum()
}

pub fn render(cfg: &Config, s: &Snapshot, area: Rect, buf: &mut Buffer) {
    // Spare rows go to the charts, split between CPU and network.
    let spare = area.height.saturating_sub(base_rows(cfg, s));
    let charts = cfg
        .show
        .iter()
        .filter(|p| matches!(p, Part::Cpu | Part::Network))
        .count() as u16;
    let extra = |part: Part| -> u16 {
        if charts == 0 || !matches!(part, Part::Cpu | Part::Network) {
            return 0;
        }
        let first = cfg.show.iter().find(|p| matches!(p, Part::Cpu | Part::Network)) == Some(&part);
        let share = spare / charts;
        if first { spare - share * (charts - 1) } else { share }
    };
    let mut y = area.y;
    for part in &cfg.show {
        if y >= area.bottom() {
            return;
        }
        let row = Rect::new(area.x, y, area.width, 1);
        let rows_left = area.bottom() - y;
        match part {
            Part::Cpu => {
                let text = Span::styled(format!("{:>3.0}% ", s.cpu_pct), style::usage(s.cpu_pct));
                let chart = Chart {
                    history: &s.cpu_history,
                    samples: s.samples,
                    max: Some(100),
                    style: style::usage(s.cpu_pct),
                    scale: |top| format!("{top}%"),
                    scale_width: 5,
                };
                y += chart_row(
                    row,
                    (1 + extra(Part::Cpu)).min(rows_left),
                    "CPU",
                    vec![text],
                    &chart,
                    buf,
                );
                continue;
            }
            Part::Memory => gauge_row(row, "MEM", String::new(), s.mem_used, s.mem_total, buf),
            Part::Disk => {
                for d in &s.disks {
                    if y >= area.bottom() {
                        return;
                    }
                    let row = Rect::new(area.x, y, area.width, 1);
                    gauge_row(row, "DISK", format!("{} ", d.mount), d.used, d.total, buf);
                    y += 1;
                }
                continue;
            }
            Part::Network => {
                let text = Span::raw(format!("↓{} ↑{} ", format::rate(s.rx_bps), format::rate(s.tx_bps)));
                let chart = Chart {
                    history: &s.net_history,
                    samples: s.samples,
                    max: None,
                    style: Style::new().fg(style::ACCENT),
                    scale: |top| format::rate(top as f64),
                    scale_width: 12,
                };
                y += chart_row(
                    row,
                    (1 + extra(Part::Network)).min(rows_left),
                    "NET",
                    vec![text],
                    &chart,
                    buf,
                );
                continue;
            }
            Part::Load => {
                let text = format!("{:.2} {:.2} {:.2}", s.load[0], s.load[1], s.load[2]);
                let cores = format!("  {} cores", s.cores);
                line(
                    row,
                    buf,
                    "LOAD",
                    vec![Span::raw(text), Span::styled(cores, style::dim())],
                );
            }
        }
        y += 1;
    }
}

struct Chart<'a> {
    history: &'a [u64],
    samples: u64,
    max: Option<u64>,
    style: Style,
    /// The chart's top value in words, said at its right: its scale.
    scale: fn(u64) -> String,
    /// Room kept for that: the widest it can be.
    scale_width: u16,
}

/// A label and value, with a history chart `height` rows tall beside them.
/// Returns the rows used.
fn chart_row(row: Rect, height: u16, label: &str, value: Vec<Span<'_>>, chart: &Chart<'_>, buf: &mut Buffer) -> u16 {
    let used = line(row, buf, label, value);
    let area = Rect {
        height,
        ..tail_area(row, used)
    };
    // The scale beside the chart's top row, where there is room for both.
    let keep = chart.scale_width + 1;
    if area.width >= keep + 8 {
        let drawn = Rect {
            width: area.width - keep,
            ..area
        };
        if let Some(top) = spark(drawn, chart.history, chart.samples, chart.max, chart.style, buf) {
            let text = format::fit(&format!("┤{}", (chart.scale)(top)), usize::from(chart.scale_width));
            buf.set_string(drawn.right() + 1, area.y, text, style::dim());
        }
    } else {
        spark(area, chart.history, chart.samples, chart.max, chart.style, buf);
    }
    height
}

/// "MEM  56% 9.0 GiB / 16.0 GiB" and a usage bar in the rest of the row.
fn gauge_row(row: Rect, label: &str, what: String, used: u64, total: u64, buf: &mut Buffer) {
    let p = pct(used, total);
    let text = format!("{what}{} / {} ", format::bytes(used), format::bytes(total));
    let cols = line(
        row,
        buf,
        label,
        vec![Span::styled(format!("{p:>3.0}% "), style::usage(p)), Span::raw(text)],
    );
    bar(tail_area(row, cols), p, buf);
}

/// Draw the label and spans; returns the columns used.
fn line(row: Rect, buf: &mut Buffer, label: &str, spans: Vec<Span<'_>>) -> u16 {
    let mut all = vec![Span::styled(
        format!("{label:<w$}", w = usize::from(LABEL_W)),
        style::label(),
    )];
    all.extend(spans);
    let l = Line::from(all);
    let w = (l.width() as u16).min(row.width);
    buf.set_line(row.x, row.y, &l, row.width);
    w
}

fn tail_area(row: Rect, used: u16) -> Rect {
    Rect::new(row.x + used, row.y, row.width.saturating_sub(used), 1)
}

/// Draws the chart; returns the value its top row stands for, if any.
fn spark(area: Rect, history: &[u64], samples: u64, max: Option<u64>, style: Style, buf: &mut Buffer) -> Option<u64> {
    if area.width < 4 {
        return None;
    }
    let data = sweep(history, samples, area.width);
    let seen = data.iter().flatten().copied().max().unwrap_or(0);
    // An idle chart has no scale to tell.
    let said = max.or((seen > 0).then_some(seen));
    // With all values zero ratatui would scale to zero and draw full bars.
    let top = said.unwrap_or(0).max(1);
    Sparkline::default()
        .data(data)
        .absent_value_symbol(" ")
        .max(top)
        .style(style)
        .render(area, buf);
    said
}

fn bar(area: Rect, pct: f64, buf: &mut Buffer) {
    if area.width < 4 {
        return;
    }
    let filled = ((f64::from(area.width) * pct / 100.0).round() as u16).min(area.width);
    for x in 0..area.width {
        let (sym, st) = if x < filled {
            ("█", style::usage(pct))
        } else {
            ("░", style::dim())
        };
        buf[(area.x + x, area.y)].set_symbol(sym).set_style(st);
    }
}

impl Registered for Config {
    const INFO: Info = Info {
        name: "local",
        kind: Kind::System,
        label: "this machine",
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
        "System".into()
    }

    /// Every listed row, one each: "DISK  75% / 189.3 GiB / 252.0 GiB".
    fn min_content(&self) -> (u16, u16) {
        let (w, _) = Kind::System.min_content();
        (w, u16::try_from(self.show.len()).unwrap_or(u16::MAX).max(1))
    }

    fn render(&self, data: Option<&Data>, _ctx: &RenderCtx, area: Rect, buf: &mut Buffer) {
        if let Some(Data::System(s)) = data {
            render(self, s, area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            cpu_pct: 42.0,
            cores: 8,
            samples: 6,
            cpu_history: vec![0, 25, 50, 75, 100, 42],
            mem_used: 6 * 1024 * 1024 * 1024,
            mem_total: 16 * 1024 * 1024 * 1024,
            disks: vec![Disk {
                mount: "/".into(),
                used: 50 << 30,
                total: 100 << 30,
            }],
            rx_bps: 1536.0,
            tx_bps: 0.0,
            net_history: vec![1, 2, 3],
            load: [0.5, 0.25, 0.125],
        }
    }

    fn text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    #[test]
    fn renders_every_row() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 48, 5));
        render(&Config::default(), &snapshot(), buf.area, &mut buf);
        assert_eq!(
            text(&buf),
            [
                "CPU   42%  ▂▄▆█▃                           ┤100%",
                "MEM   38% 6.0 GiB / 16.0 GiB ███████░░░░░░░░░░░░",
                "DISK  50% / 50.0 GiB / 100.0 GiB ████████░░░░░░░",
                "NET  ↓1.5 KiB/s ↑0 B/s    ▂▅█       ┤3 B/s      ",
                "LOAD 0.50 0.25 0.12  8 cores                    ",
            ]
        );
    }

    #[test]
    fn rows_that_do_not_fit_are_dropped_and_order_is_kept() {
        let cfg = Config {
            show: vec![Part::Load, Part::Cpu],
            disks: vec![],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 1));
        render(&cfg, &snapshot(), buf.area, &mut buf);
        assert_eq!(text(&buf), ["LOAD 0.50 0.25 0.12  8 cores  "]);
    }

    #[test]
    fn sweep_keeps_samples_in_fixed_columns_with_a_gap_after_the_newest() {
        // Samples 0..=5 (values 10..=15) in 4 columns: sample k sits in column k % 4.
        let h = [10, 11, 12, 13, 14, 15];
        assert_eq!(sweep(&h, 6, 4), [Some(14), Some(15), None, Some(13)]);
        // One more sample changes only its column and moves the gap.
        let h = [10, 11, 12, 13, 14, 15, 16];
        assert_eq!(sweep(&h, 7, 4), [Some(14), Some(15), Some(16), None]);
        // Fewer samples than columns: the rest is empty.
        assert_eq!(sweep(&[7], 1, 4), [Some(7), None, None, None]);
        assert_eq!(sweep(&[], 0, 3), [None, None, None]);
    }

    #[test]
    fn spare_rows_grow_the_charts() {
        let mut s = snapshot();
        s.samples = 6;
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 9));
        render(&Config::default(), &s, buf.area, &mut buf);
        let t = text(&buf);
        assert!(t[0].starts_with("CPU"));
        assert!(t[3].starts_with("MEM"), "CPU takes 3 rows: {t:#?}");
        assert!(t[5].starts_with("NET"));
        assert!(t[8].starts_with("LOAD"), "{t:#?}");
    }

    #[test]
    fn idle_network_draws_no_bars() {
        let mut s = snapshot();
        s.net_history = vec![0; 6];
        let mut buf = Buffer::empty(Rect::new(0, 0, 48, 5));
        render(&Config::default(), &s, buf.area, &mut buf);
        assert_eq!(text(&buf)[3], "NET  ↓1.5 KiB/s ↑0 B/s                          ");
    }

    #[test]
    fn empty_show_is_a_problem() {
        let cfg = Config {
            show: vec![],
            disks: vec![],
        };
        assert_eq!(cfg.problems().len(), 1);
    }

    #[test]
    fn snapshot_48x5() {
        let drawn = crate::testing::drawn(48, 5, |area, buf| render(&Config::default(), &snapshot(), area, buf));
        insta::assert_snapshot!("system_48x5", drawn);
    }
}
