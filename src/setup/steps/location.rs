//! The weather's place: a search, or latitude and longitude.

use crate::keymap::{Action, Input};
use homedash_widgets::style;
use homedash_widgets::weather::geocoding;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::setup::look::{field, label, para};
use crate::setup::state::{Chosen, Flow, LocField, Wizard};
use crate::setup::worker::Op;

impl Wizard {
    pub(in crate::setup) fn location_key(&mut self, input: Input) -> Flow {
        let l = &mut self.location;
        if l.busy {
            return Flow::none();
        }
        match input {
            Input::Act(Action::Field) => {
                l.field = match l.field {
                    LocField::Query => LocField::Latitude,
                    LocField::Latitude => LocField::Longitude,
                    LocField::Longitude => LocField::Query,
                }
            }
            Input::Act(Action::PreviousField) => {
                l.field = match l.field {
                    LocField::Query => LocField::Longitude,
                    LocField::Latitude => LocField::Query,
                    LocField::Longitude => LocField::Latitude,
                }
            }
            Input::Act(Action::Up) if l.field == LocField::Query => l.selected = l.selected.saturating_sub(1),
            Input::Act(Action::Down) if l.field == LocField::Query => {
                l.selected = (l.selected + 1).min(l.results.len().saturating_sub(1))
            }
            Input::Act(Action::EraseChar) | Input::Text(_) => self.type_key(input),
            Input::Act(Action::Next) => return self.location_enter(),
            _ => return Flow::none(),
        }
        Flow::redraw()
    }

    pub(in crate::setup) fn location_enter(&mut self) -> Flow {
        let l = &mut self.location;
        match l.field {
            LocField::Query => {
                let q = l.query.trim().to_string();
                if l.searched.as_deref() == Some(q.as_str())
                    && let Some(p) = l.results.get(l.selected)
                {
                    l.chosen = Some(Chosen {
                        name: p.name.clone(),
                        latitude: p.latitude,
                        longitude: p.longitude,
                    });
                    l.latitude = p.latitude.to_string();
                    l.longitude = p.longitude.to_string();
                    return self.next();
                }
                if l.chosen.as_ref().is_some_and(|c| c.name == q) {
                    return self.next();
                }
                if q.chars().count() < 2 {
                    self.note = Some((false, "type at least two letters of a place name".into()));
                    return Flow::redraw();
                }
                l.busy = true;
                self.note = Some((true, format!("searching for \"{q}\"…")));
                let base = self.endpoints.base("geocoding", geocoding::DEFAULT_BASE);
                Flow::op(Op::Search { base, query: q })
            }
            LocField::Latitude | LocField::Longitude => {
                let lat = decimal(&l.latitude).filter(|v| (-90.0..=90.0).contains(v));
                let lon = decimal(&l.longitude).filter(|v| (-180.0..=180.0).contains(v));
                match (lat, lon) {
                    (Some(latitude), Some(longitude)) => {
                        // The place typed above names the card; without one,
                        // the coordinates do.
                        let q = l.query.trim();
                        let name = if q.is_empty() {
                            format!("{latitude}, {longitude}")
                        } else {
                            q.to_string()
                        };
                        l.chosen = Some(Chosen {
                            name,
                            latitude,
                            longitude,
                        });
                        self.next()
                    }
                    _ => {
                        self.note = Some((
                            false,
                            "latitude is a number from -90 to 90 and longitude one from -180 to 180, with a dot or a comma for decimals, e.g. 52.52 and 13.41".into(),
                        ));
                        Flow::redraw()
                    }
                }
            }
        }
    }
}

/// A coordinate as typed: "38.72", or with a decimal comma, "38,72".
fn decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = if t.contains('.') {
        t.to_string()
    } else {
        t.replacen(',', ".", 1)
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub(in crate::setup) fn draw(w: &Wizard, f: &mut Frame, area: Rect) {
    let l = &w.location;
    let mut lines = vec![
        Line::from("Which place should the weather be for? The search uses Open-Meteo's keyless place index."),
        Line::default(),
        field("Place", &l.query, l.field == LocField::Query),
    ];
    if l.busy {
        lines.push(Line::from(Span::styled("  searching…", Style::new().fg(style::ACCENT))));
    }
    for (i, p) in l.results.iter().enumerate() {
        let sel = i == l.selected;
        let st = if sel {
            Style::new().fg(style::ACCENT).add_modifier(Modifier::BOLD)
        } else {
            style::value()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {} {}", if sel { "›" } else { " " }, p.describe()), st),
            Span::styled(format!("  {:.2}, {:.2}", p.latitude, p.longitude), style::dim()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("Or give coordinates ({}):", w.key_of(Action::Field)),
        style::dim(),
    )));
    lines.push(field("Latitude", &l.latitude, l.field == LocField::Latitude));
    lines.push(field("Longitude", &l.longitude, l.field == LocField::Longitude));
    if let Some(c) = &l.chosen {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            label("Chosen     "),
            Span::styled(
                format!("{} ({:.4}, {:.4})", c.name, c.latitude, c.longitude),
                Style::new().fg(style::GOOD),
            ),
        ]));
    }
    para(f, area, lines);
}
