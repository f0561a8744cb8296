//! The metrics query (and Prometheus' URL), tried live.

use crate::keymap::{Action, Input};
use homedash_widgets::source::Kind;
use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use url::Url;

use crate::setup::look::{field, para, provider_label, verdict_line};
use crate::setup::plan;
use crate::setup::state::{Flow, Tried, Wizard};
use crate::setup::worker::{Op, TryWhat};

impl Wizard {
    pub(in crate::setup) fn metrics_key(&mut self, input: Input) -> Flow {
        if self.metrics.tried.busy {
            return Flow::none();
        }
        match input {
            Input::Act(Action::Field | Action::PreviousField | Action::Up | Action::Down) => {
                self.metrics.on_query = !self.metrics.on_query
            }
            Input::Act(Action::EraseChar) | Input::Text(_) => self.type_key(input),
            Input::Act(Action::Next) => return self.metrics_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(in crate::setup) fn metrics_enter(&mut self) -> Flow {
        let provider = self.provider(Kind::Metrics).unwrap_or("prometheus");
        let query = self.metrics.query.trim().to_string();
        let base = if provider == "prometheus" {
            match Url::parse(self.metrics.url.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => u,
                _ => {
                    self.note = Some((
                        false,
                        "the Prometheus URL is an http(s) URL, e.g. http://localhost:9090".into(),
                    ));
                    return Flow::redraw();
                }
            }
        } else {
            self.base_for(provider)
        };
        let key = format!("{base} {query}");
        if self.metrics.tried.settled_for(&key) {
            return self.next();
        }
        let src = match plan::source(Kind::Metrics, provider, &[("query", query.as_str().into())]) {
            Ok(s) => s,
            Err(e) => {
                self.note = Some((false, e.to_string()));
                return Flow::redraw();
            }
        };
        if let Some((_, p)) = src.problems().first() {
            self.note = Some((false, p.clone()));
            return Flow::redraw();
        }
        self.metrics.tried = Tried {
            key: Some(key.clone()),
            lines: Vec::new(),
            busy: true,
        };
        self.note = Some((
            true,
            format!("running the query on {}…", base.host_str().unwrap_or("?")),
        ));
        let (gbase, cred, gateway) = self.try_target(provider);
        let base = if gateway.is_some() { gbase } else { base };
        Flow::op(Op::Try {
            what: TryWhat::Metrics,
            key,
            items: vec![(query, src)],
            base,
            cred,
            gateway,
        })
    }
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let provider = w.provider(Kind::Metrics).unwrap_or("prometheus");
    let m = &w.metrics;
    let mut lines = vec![
        Line::from(format!(
            "Which {} query should the metrics widget show? {} runs it once so you can see what it returns.",
            provider_label(provider),
            w.key_of(Action::Next)
        )),
        Line::default(),
    ];
    if provider == "prometheus" {
        lines.push(field("URL", &m.url, !m.on_query));
    }
    lines.push(field("Query", &m.query, m.on_query || provider != "prometheus"));
    lines.push(Line::from(Span::styled(
        if provider == "prometheus" {
            "e.g. up, or 100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100"
        } else {
            "e.g. avg:system.cpu.idle{*} by {host}"
        },
        style::dim(),
    )));
    lines.push(Line::default());
    if m.tried.busy {
        lines.push(Line::from(Span::styled("  running…", Style::new().fg(style::ACCENT))));
    }
    lines.extend(m.tried.lines.iter().map(verdict_line));
    para(f, area, lines);
}
