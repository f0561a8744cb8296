//! `[layout]` and `[[page]]`: where each widget goes, every widget placed
//! exactly once.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::super::model::{Content, Node, Page, PageContent, Size, WhenHidden};
use super::{Checker, field_names, suggest};
use crate::config::paths::{self, Seg};

/// `[[page]]`: a named page with its own layout.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct RawPage {
    /// Shown in the page bar (up to 24 characters).
    #[schemars(length(min = 1, max = 24))]
    name: String,
    /// Widget ids, arranged to fit (instead of rows or columns).
    widgets: Option<Vec<String>>,
    /// Cells stacked top to bottom.
    row: Option<Vec<RawNode>>,
    /// Cells side by side.
    col: Option<Vec<RawNode>>,
    /// "poll" (the default): keep polling while hidden, so a switch shows fresh data; "pause": send nothing while hidden.
    #[schemars(extend("enum" = ["poll", "pause"]))]
    when_hidden: Option<String>,
}

/// Longer names would crowd the page bar.
const MAX_PAGE_NAME: usize = 24;

/// `[layout]`: rows and columns, nested as deep as you like; every widget placed exactly once.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct RawLayout {
    /// Cells stacked top to bottom.
    row: Option<Vec<RawNode>>,
    /// Cells side by side.
    col: Option<Vec<RawNode>>,
}

/// A cell: one widget, or a list of children; sized by one of ratio, percent or length.
#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Cell")]
pub(super) struct RawNode {
    /// A share of the space left over (default 1).
    #[schemars(range(min = 1))]
    ratio: Option<i64>,
    /// 1 to 100 percent of the parent.
    #[schemars(range(min = 1, max = 100))]
    percent: Option<i64>,
    /// A fixed number of rows (in a row list) or columns (in a col list), 1 to 1000.
    #[schemars(range(min = 1, max = 1000))]
    length: Option<i64>,
    /// The widget this cell holds, by its id.
    widget: Option<String>,
    /// Children stacked top to bottom.
    row: Option<Vec<RawNode>>,
    /// Children side by side.
    col: Option<Vec<RawNode>>,
}

impl<'t> Checker<'t> {
    fn node(
        &mut self,
        raw: &RawNode,
        path: Vec<Seg>,
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
    ) -> Option<Node> {
        let p = |k: &str| {
            let mut v = path.clone();
            v.push(Seg::Key(k.into()));
            v
        };
        let sizes = [raw.ratio.is_some(), raw.percent.is_some(), raw.length.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if sizes > 1 {
            self.at(&path, false, "give one of `ratio`, `percent` or `length`, not several");
        }
        let size = if let Some(r) = raw.ratio {
            if r <= 0 {
                self.at(&p("ratio"), false, format!("ratio must be 1 or more, not {r}"));
            }
            Size::Ratio(u32::try_from(r.max(1)).unwrap_or(u32::MAX))
        } else if let Some(pc) = raw.percent {
            if !(1..=100).contains(&pc) {
                self.at(&p("percent"), false, format!("percent must be 1 to 100, not {pc}"));
            }
            Size::Percent(pc.clamp(1, 100) as u16)
        } else if let Some(l) = raw.length {
            if !(1..=1000).contains(&l) {
                self.at(&p("length"), false, format!("length must be 1 to 1000 cells, not {l}"));
            }
            Size::Length(l.clamp(1, 1000) as u16)
        } else {
            Size::Ratio(1)
        };
        let content = match (&raw.widget, &raw.row, &raw.col) {
            (Some(w), None, None) => {
                // Placed twice: reported, and the cell kept; unknown: no cell.
                let i = ids.get(w).copied();
                self.place(w, p("widget"), ids, placed);
                Content::Widget(i?)
            }
            (None, Some(rows), None) => Content::Rows(self.children(rows, &path, "row", ids, placed)?),
            (None, None, Some(cols)) => Content::Cols(self.children(cols, &path, "col", ids, placed)?),
            (None, None, None) => {
                self.at(
                    &path,
                    false,
                    "a layout cell needs `widget = \"ID\"`, or `row` or `col` children",
                );
                return None;
            }
            _ => {
                self.placement_unread = true;
                self.at(
                    &path,
                    false,
                    "a layout cell holds either one `widget` or one list of `row` or `col` children",
                );
                return None;
            }
        };
        Some(Node { size, content })
    }

    fn children(
        &mut self,
        raw: &[RawNode],
        parent: &[Seg],
        dir: &str,
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
    ) -> Option<Vec<Node>> {
        let mut at = parent.to_vec();
        at.push(Seg::Key(dir.into()));
        if raw.is_empty() {
            self.at(&at, false, format!("an empty `{dir}` list shows nothing"));
            return None;
        }
        let nodes: Vec<Option<Node>> = raw
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut p = at.clone();
                p.push(Seg::Index(i));
                self.node(n, p, ids, placed)
            })
            .collect();
        let percent: u32 = nodes
            .iter()
            .flatten()
            .map(|n| if let Size::Percent(p) = n.size { u32::from(p) } else { 0 })
            .sum();
        if percent > 100 {
            self.at(
                &at,
                false,
                format!("the `percent` sizes of these cells add up to {percent}, over 100"),
            );
        }
        nodes.into_iter().collect()
    }

    /// `[layout]`: one page without a name.
    pub(super) fn layout(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
    ) -> Option<Page> {
        let base = vec![Seg::Key("layout".into())];
        let (raw, ignored) = self.de::<RawLayout>(value, &base);
        let known = field_names::<RawNode>();
        self.unknown_keys(ignored, "the layout", &known);
        let Some(raw) = raw else {
            self.placement_unread = true;
            return None;
        };
        let content = match (&raw.row, &raw.col) {
            (Some(rows), None) => Content::Rows(self.children(rows, &base, "row", ids, placed)?),
            (None, Some(cols)) => Content::Cols(self.children(cols, &base, "col", ids, placed)?),
            _ => {
                self.placement_unread = true;
                self.at(
                    &base,
                    true,
                    "[layout] needs either [[layout.row]] or [[layout.col]] entries, not both",
                );
                return None;
            }
        };
        Some(Page {
            name: String::new(),
            content: PageContent::Grid(Node {
                size: Size::Ratio(1),
                content,
            }),
            when_hidden: WhenHidden::Poll,
        })
    }

    /// `[[page]]` tables, in file order.
    pub(super) fn pages(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
    ) -> Option<Vec<Page>> {
        let base = vec![Seg::Key("page".into())];
        let DeValue::Array(items) = value.get_ref() else {
            self.placement_unread = true;
            self.at(
                &base,
                true,
                "pages are [[page]] tables, each with a `name` and its widgets",
            );
            return None;
        };
        if items.is_empty() {
            self.at(&base, true, "an empty `page` list shows nothing");
            return None;
        }
        let mut names: BTreeMap<String, Vec<Seg>> = BTreeMap::new();
        let mut pages = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let mut at = base.clone();
            at.push(Seg::Index(i));
            match self.page(item, &at, ids, placed, &mut names) {
                Some(p) => pages.push(p),
                None => ok = false,
            }
        }
        ok.then_some(pages)
    }

    fn page(
        &mut self,
        value: &Spanned<DeValue<'t>>,
        at: &[Seg],
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
        names: &mut BTreeMap<String, Vec<Seg>>,
    ) -> Option<Page> {
        let key = |k: &str| {
            let mut v = at.to_vec();
            v.push(Seg::Key(k.into()));
            v
        };
        let reported = self.problems.len();
        let (raw, ignored) = self.de::<RawPage>(value, at);
        self.unknown_keys(ignored, "a [[page]]", &field_names::<RawPage>());
        let Some(raw) = raw else {
            self.placement_unread = true;
            return None;
        };
        let before = self.problems.len();
        let name = raw.name.trim().to_string();
        if name.is_empty() {
            self.at(&key("name"), false, "a page needs a name, as the page bar shows it");
        } else if name.chars().count() > MAX_PAGE_NAME {
            self.at(
                &key("name"),
                false,
                format!(
                    "a page name is at most {MAX_PAGE_NAME} characters, not {}",
                    name.chars().count()
                ),
            );
        } else if name.chars().any(char::is_control) {
            self.at(&key("name"), false, "a page name cannot hold control characters");
        } else if let Some(first) = names.get(&name) {
            let first = paths::display(first);
            self.at(
                &key("name"),
                false,
                format!("page \"{name}\" is already named at {first}"),
            );
        } else {
            names.insert(name.clone(), key("name"));
        }
        let when_hidden = match raw.when_hidden.as_deref() {
            None | Some("poll") => WhenHidden::Poll,
            Some("pause") => WhenHidden::Pause,
            Some(other) => {
                self.at(
                    &key("when_hidden"),
                    false,
                    format!("when_hidden is \"poll\" (keep polling, the default) or \"pause\" (send nothing while hidden), not \"{other}\""),
                );
                WhenHidden::Poll
            }
        };
        let content = match (&raw.widgets, &raw.row, &raw.col) {
            (Some(list), None, None) => {
                if list.is_empty() {
                    self.at(&key("widgets"), false, "an empty `widgets` list shows nothing");
                    return None;
                }
                let mut out = Vec::new();
                for (j, w) in list.iter().enumerate() {
                    let mut p = key("widgets");
                    p.push(Seg::Index(j));
                    if let Some(i) = self.place(w, p, ids, placed) {
                        out.push(i);
                    }
                }
                PageContent::Widgets(out)
            }
            (None, Some(rows), None) => PageContent::Grid(Node {
                size: Size::Ratio(1),
                content: Content::Rows(self.children(rows, at, "row", ids, placed)?),
            }),
            (None, None, Some(cols)) => PageContent::Grid(Node {
                size: Size::Ratio(1),
                content: Content::Cols(self.children(cols, at, "col", ids, placed)?),
            }),
            // Its content was reported already: a misspelled or wrong-typed key.
            (None, None, None) if self.problems.len() > reported => {
                self.placement_unread = true;
                return None;
            }
            (None, None, None) => {
                self.at(
                    at,
                    true,
                    "a page needs `widgets = [\"ID\", ...]`, or [[page.row]] or [[page.col]] cells",
                );
                return None;
            }
            _ => {
                self.placement_unread = true;
                self.at(
                    at,
                    true,
                    "a page holds one of `widgets`, [[page.row]] or [[page.col]], not several",
                );
                return None;
            }
        };
        (self.problems.len() == before).then_some(Page {
            name,
            content,
            when_hidden,
        })
    }

    /// Widget `w`, written at `path`, placed for the first time.
    fn place(
        &mut self,
        w: &str,
        path: Vec<Seg>,
        ids: &BTreeMap<String, usize>,
        placed: &mut BTreeMap<usize, Vec<Seg>>,
    ) -> Option<usize> {
        let Some(&i) = ids.get(w) else {
            let names: Vec<&str> = ids.keys().map(String::as_str).collect();
            let meant = suggest(w, &names);
            let hint = meant.map(|s| format!("; did you mean \"{s}\"?")).unwrap_or_default();
            if let Some(m) = meant {
                self.meant.insert(m.to_string());
            }
            self.at(
                &path,
                false,
                format!("no widget \"{w}\" is defined (add a [widget.{w}] table){hint}"),
            );
            return None;
        };
        if let Some(first) = placed.get(&i) {
            let first = paths::display(first);
            self.at(&path, false, format!("widget \"{w}\" is already placed at {first}"));
            return None;
        }
        placed.insert(i, path);
        Some(i)
    }
}
