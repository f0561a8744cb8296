//! The stock symbols, tried against the provider.

use crate::keymap::{Action, Input};
use homedash_widgets::source::Kind;
use homedash_widgets::style;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use toml_edit::Value;

use crate::setup::look::{field, para, provider_label, verdict_line};
use crate::setup::plan;
use crate::setup::state::{Flow, Tried, Wizard, needs_key};
use crate::setup::worker::{Op, TryWhat, Verdict};

impl Wizard {
    pub(in crate::setup) fn symbols_key(&mut self, input: Input) -> Flow {
        if self.symbols_tried.busy {
            return Flow::none();
        }
        match input {
            Input::Act(Action::EraseChar) | Input::Text(_) => self.type_key(input),
            Input::Act(Action::Next) => return self.symbols_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(in crate::setup) fn symbols_enter(&mut self) -> Flow {
        let list = self.symbol_list();
        let key = list.join(",");
        let provider = self.provider(Kind::Stocks).unwrap_or("yahoo");
        let all = plan::source(
            Kind::Stocks,
            provider,
            &[("symbols", Value::from_iter(list.iter().map(String::as_str)))],
        );
        let problems = match &all {
            Ok(src) => src.problems(),
            Err(e) => vec![("symbols", e.to_string())],
        };
        if list.is_empty() || !problems.is_empty() {
            let why = problems
                .first()
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| "type at least one symbol".into());
            self.note = Some((false, why));
            return Flow::redraw();
        }
        if self.symbols_tried.settled_for(&key) {
            return self.next();
        }
        if needs_key(provider).is_some_and(|p| p.probe_spends_quota) {
            self.symbols_tried = Tried {
                key: Some(key),
                lines: vec![(
                    Verdict::Unchecked,
                    format!(
                        "not checked: {provider}'s free plan has a small daily quota, and each symbol would spend one; {} to go on",
                        self.key_of(Action::Next)
                    ),
                )],
                busy: false,
            };
            return Flow::redraw();
        }
        let mut items = Vec::new();
        for s in &list {
            match plan::source(Kind::Stocks, provider, &[("symbols", Value::from_iter([s.as_str()]))]) {
                Ok(src) => items.push((s.clone(), src)),
                Err(e) => {
                    self.note = Some((false, e.to_string()));
                    return Flow::redraw();
                }
            }
        }
        self.symbols_tried = Tried {
            key: Some(key.clone()),
            lines: Vec::new(),
            busy: true,
        };
        self.note = Some((true, format!("asking {provider} for each symbol…")));
        let (base, cred, gateway) = self.try_target(provider);
        Flow::op(Op::Try {
            what: TryWhat::Symbols,
            key,
            items,
            base,
            cred,
            gateway,
        })
    }
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let provider = w.provider(Kind::Stocks).unwrap_or("yahoo");
    let mut lines = vec![
        Line::from(format!(
            "Which symbols should the quotes show? Separate them with commas; {} checks each one.",
            provider_label(provider)
        )),
        Line::from(Span::styled(
            "Examples: AAPL, MSFT, ^GSPC (S&P 500), BTC-USD on Yahoo; exchange suffixes such as AZN.LON where the provider uses them.",
            style::dim(),
        )),
        Line::default(),
        field("Symbols", &w.symbols, true),
        Line::default(),
    ];
    if w.symbols_tried.busy {
        lines.push(Line::from(Span::styled("  checking…", Style::new().fg(style::ACCENT))));
    }
    lines.extend(w.symbols_tried.lines.iter().map(verdict_line));
    para(f, area, lines);
}
