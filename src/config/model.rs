//! The validated configuration the app runs on.

use std::time::Duration;

use homedash_widgets::Source;
use url::Url;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it came from, for messages: a path or "embedded default".
    pub source_name: String,
    pub title: String,
    /// In file order, which is also Tab order.
    pub widgets: Vec<WidgetConfig>,
    pub layout: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    pub id: String,
    pub title: String,
    pub refresh: Duration,
    pub timeout: Duration,
    /// Overrides the provider's public endpoint (gateway, mirror, test server).
    pub base_url: Option<Url>,
    pub source: Source,
}

impl WidgetConfig {
    /// The endpoint to poll, `None` for local sources.
    pub fn base(&self) -> Option<Url> {
        self.base_url
            .clone()
            .or_else(|| self.source.default_base().and_then(|b| Url::parse(b).ok()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Ratio(u32),
    Percent(u16),
    Length(u16),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Index into `Config::widgets`.
    Widget(usize),
    /// Children stacked top to bottom.
    Rows(Vec<Node>),
    /// Children side by side.
    Cols(Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub size: Size,
    pub content: Content,
}

impl Node {
    /// Rows of up to three widgets each, for a config without `[layout]`.
    pub fn auto_grid(count: usize) -> Node {
        let rows = (0..count)
            .collect::<Vec<_>>()
            .chunks(3)
            .map(|chunk| Node {
                size: Size::Ratio(1),
                content: Content::Cols(
                    chunk
                        .iter()
                        .map(|&i| Node {
                            size: Size::Ratio(1),
                            content: Content::Widget(i),
                        })
                        .collect(),
                ),
            })
            .collect();
        Node {
            size: Size::Ratio(1),
            content: Content::Rows(rows),
        }
    }
}
