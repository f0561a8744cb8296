//! All UI state, and the one place it changes. `update` does no I/O: side
//! effects go back to the runtime as `Cmd`s, so it is testable without a
//! terminal.

use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};
use homedash_widgets::source::Tick;
use homedash_widgets::{Data, ErrorClass, FetchError, format};
use ratatui::layout::{Position, Rect};

use crate::config::LoadError;
use crate::config::{Config, CredentialConfig, Layout, ThemeConfig, WidgetConfig};
use crate::credentials::MetaFile;
use crate::credentials::View;
use crate::dashboard::kiosk::Kiosk;
use crate::dashboard::msg::{Cmd, Flow, Msg, Seen, WidgetId};
use crate::dashboard::pages::{self, Marks, ScreenPage};
use crate::keymap::{Action, KeyMap, Scope};
use crate::screens::credentials::facts::Facts;
use crate::screens::credentials::state::{CredScreen, Outcome};
use crate::ui::grid;
use crate::ui::theme::Look;
use crate::workers::credentials::CredEvent;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WidgetState {
    /// Last good data; kept through failures.
    pub data: Option<Data>,
    pub updated: Option<DateTime<Utc>>,
    /// The latest failure, cleared by the next success.
    pub error: Option<FetchError>,
    pub loading: bool,
    /// When the poller will try again by itself.
    pub next: Option<DateTime<Utc>>,
}

impl WidgetState {
    pub fn rate_limited_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.error {
            Some(FetchError {
                class: ErrorClass::RateLimited { until },
                ..
            }) => {
                let until = until.or(self.next)?;
                (until > now).then_some(until)
            }
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct App {
    /// The config's `[theme]`.
    pub theme: ThemeConfig,
    /// `--theme` and `NO_COLOR`, which a reload keeps.
    pub look: Look,
    pub title: String,
    pub demo: bool,
    pub widgets: Vec<WidgetConfig>,
    pub states: Vec<WidgetState>,
    pub layout: Layout,
    /// What `layout` makes of the terminal's size.
    pub pages: Vec<ScreenPage>,
    /// Index into `pages`: the one on screen.
    pub page: usize,
    /// Each widget's page.
    pub page_of: Vec<usize>,
    /// The focus each page had when the user left it.
    page_focus: Vec<Option<WidgetId>>,
    /// Index into `widgets`.
    pub focus: WidgetId,
    pub zoom: bool,
    pub help: bool,
    /// The whole terminal.
    pub size: Rect,
    pub now: DateTime<Utc>,
    pub local: FixedOffset,
    /// One line for the status bar, e.g. a background problem: it gives
    /// way at the next key or after `NOTICE_FOR` (`notice()`).
    pub notice: Option<Notice>,
    pub credentials: Vec<CredentialConfig>,
    /// The broker's view of each credential: state and fingerprint.
    pub cred_views: Vec<View>,
    /// The state file's facts plus the counts not yet written to it: what
    /// the Credentials screen shows.
    pub cred_meta: MetaFile,
    /// The state file's facts as last read.
    pub cred_meta_file: MetaFile,
    /// Each widget's smallest readable card, by id: fixed with the widgets
    /// (a reload makes a new app), so every frame's layout reads it.
    mins: Vec<(u16, u16)>,
    /// The Credentials screen, when open.
    pub creds: Option<CredScreen>,
    /// No config file yet: the status bar offers setup or the demo.
    pub first_run: bool,
    /// The config file's last save is invalid: why, with file:line:col.
    /// The dashboard keeps running on the last good config meanwhile.
    pub config_error: Option<LoadError>,
    /// A new config to restart on, taken by the session.
    pub reload: Option<Config>,
    /// The status bar's message shown whole, over the dashboard (`!`).
    pub status_open: bool,
    /// The action table with the config's `[keys]`.
    pub keys: KeyMap,
    /// The last page key and when it was pressed: a second one soon after
    /// makes a two-digit page number (`1` `2` is page 12).
    page_digit: Option<(u8, std::time::Instant)>,
    /// `--kiosk`: the pages turn by themselves and the picture moves.
    pub kiosk: Option<Kiosk>,
}

/// How soon a second page key must follow the first to make a two-digit
/// page number.
const TWO_DIGITS_WITHIN: std::time::Duration = std::time::Duration::from_millis(1000);

/// What a reload changed, for the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReloadSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub kept: usize,
}

impl std::fmt::Display for ReloadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "config reloaded: {} added, {} removed, {} changed, {} unchanged",
            self.added, self.removed, self.changed, self.kept
        )
    }
}

/// Title bar and status bar.
const CHROME_ROWS: u16 = 2;

impl App {
    pub fn new(config: Config, demo: bool, size: Rect, now: DateTime<Utc>, local: FixedOffset) -> Self {
        let n = config.widgets.len();
        let mins = config.widgets.iter().map(|w| w.source.min_card()).collect();
        let mut app = App {
            theme: config.theme,
            look: Look::default(),
            title: config.title,
            demo,
            widgets: config.widgets,
            states: vec![WidgetState::default(); n],
            layout: config.layout,
            pages: Vec::new(),
            page: 0,
            page_of: Vec::new(),
            page_focus: Vec::new(),
            focus: 0,
            zoom: false,
            help: false,
            size,
            now,
            local,
            notice: None,
            credentials: config.credentials,
            cred_views: Vec::new(),
            cred_meta: MetaFile::default(),
            cred_meta_file: MetaFile::default(),
            creds: None,
            first_run: false,
            config_error: None,
            reload: None,
            status_open: false,
            page_digit: None,
            kiosk: None,
            keys: config.keys,
            mins,
        };
        app.repage();
        app.focus = app.first_on(0).unwrap_or(0);
        app
    }

    /// A reload cannot move a running process to another store (its
    /// tokens were read from this one): say that it takes a restart.
    fn store_changed(&mut self, now: crate::config::model::KeyringStore) {
        if now != crate::stores::configured() {
            self.warn(format!(
                "[keyring] store is now \"{}\": restart homedash to use it; until then tokens stay in the {}",
                now.key(),
                crate::stores::backend_name()
            ));
        }
    }

    /// Each widget's last good answer from `cache`, as the last run left
    /// it, and when each is due again: what the pollers start from.
    pub fn restore(&mut self, cache: &crate::cache::Cache) -> Vec<Option<DateTime<Utc>>> {
        let mut due = vec![None; self.widgets.len()];
        for (i, w) in self.widgets.iter().enumerate() {
            let Some((at, data)) = cache.load(w) else { continue };
            let next = chrono::Duration::from_std(w.refresh)
                .ok()
                .and_then(|r| at.checked_add_signed(r));
            if let Some(s) = self.states.get_mut(i) {
                s.data = Some(data);
                s.updated = Some(at);
                s.next = next;
            }
            due[i] = next;
        }
        due
    }

    /// Show the dashboard as a wall display turning its pages at `pace`.
    pub fn start_kiosk(&mut self, pace: crate::config::model::KioskConfig) {
        self.kiosk = Some(Kiosk::new(pace, self.now));
        self.repage();
    }

    /// Where the dashboard is drawn in `full`: all of it, or in kiosk mode
    /// the part the picture's shift leaves.
    pub fn inset(&self, full: Rect) -> Rect {
        self.kiosk.as_ref().map_or(full, |k| k.inset(full))
    }

    /// Kiosk mode with its pages turning: no key hints, no focus.
    pub fn unattended(&self) -> bool {
        self.kiosk.as_ref().is_some_and(Kiosk::turning)
    }

    /// Someone pressed a key or touched the screen: a kiosk's pages stand
    /// still until they have been idle a while.
    fn viewer(&mut self) {
        if let Some(kiosk) = self.kiosk.as_mut() {
            kiosk.key(self.now);
        }
    }

    /// The kiosk's turn at a tick: the next page, a shifted picture, or,
    /// an idle minute after the last key, every screen a viewer opened
    /// closed (nothing waits on a dialog).
    fn kiosk_tick(&mut self) -> Flow {
        let Some(turn) = self.kiosk.as_mut().map(|k| k.tick(self.now)) else {
            return Flow::none();
        };
        tracing::debug!(?turn, page = self.page, "kiosk tick");
        let mut flow = Flow::none();
        if turn.resumed {
            self.help = false;
            self.status_open = false;
            self.creds = None;
            self.zoom = false;
            flow.redraw = true;
        }
        if turn.page && self.pages.len() > 1 {
            let next = (self.page + 1) % self.pages.len();
            let f = self.show_page(next);
            flow.redraw |= f.redraw;
            flow.cmds.extend(f.cmds);
        }
        flow.redraw |= turn.shifted;
        flow
    }

    /// Lay the pages out again for the terminal's size; focus stays on its
    /// widget, and the page is the one that holds it.
    fn repage(&mut self) {
        self.pages = pages::paginate(&self.layout, &self.mins, under_title(self.inset(self.size)));
        self.page_of = vec![usize::MAX; self.widgets.len()];
        for (p, page) in self.pages.iter().enumerate() {
            for &w in &page.widgets {
                if let Some(slot) = self.page_of.get_mut(w) {
                    *slot = p;
                }
            }
        }
        self.page = self
            .page_of
            .get(self.focus)
            .copied()
            .filter(|&p| p < self.pages.len())
            .unwrap_or(0);
        self.page_focus = vec![None; self.pages.len()];
    }

    fn first_on(&self, page: usize) -> Option<WidgetId> {
        self.pages.get(page).and_then(|p| p.widgets.first()).copied()
    }

    /// The page on screen.
    pub fn current(&self) -> Option<&ScreenPage> {
        self.pages.get(self.page)
    }

    /// Where each widget stands: on the page on screen, on a hidden page
    /// that keeps polling, or on one that pauses.
    pub fn shown(&self) -> Vec<Seen> {
        self.page_of
            .iter()
            .map(|&p| {
                if p == self.page {
                    Seen::OnScreen
                } else if self.pages.get(p).is_none_or(|pg| !pg.pause_hidden) {
                    Seen::Hidden
                } else {
                    Seen::Paused
                }
            })
            .collect()
    }

    /// A page key: page `n` (page 10 for the tenth key, `0`), or with the
    /// page key just before it a two-digit page, where there are that
    /// many pages: `1` then `2` shows page 1, then page 12.
    pub fn page_key(&mut self, n: u8, at: std::time::Instant) -> Flow {
        // The digit each page key stands for: 1 … 9, then 0.
        let digit = (n + 1) % 10;
        let before = self
            .page_digit
            .take()
            .filter(|(d, t)| *d > 0 && at.saturating_duration_since(*t) <= TWO_DIGITS_WITHIN);
        if let Some((tens, _)) = before {
            let page = usize::from(tens) * 10 + usize::from(digit);
            if page <= self.pages.len() {
                return self.show_page(page - 1);
            }
        }
        self.page_digit = Some((digit, at));
        self.show_page(usize::from(n))
    }

    /// Show page `p`, with the focus it had there.
    pub fn show_page(&mut self, p: usize) -> Flow {
        if p == self.page || p >= self.pages.len() {
            return Flow::none();
        }
        if let Some(slot) = self.page_focus.get_mut(self.page) {
            *slot = Some(self.focus);
        }
        let before = self.shown();
        self.page = p;
        self.zoom = false;
        self.focus = self
            .page_focus
            .get(p)
            .copied()
            .flatten()
            .filter(|f| self.page_of.get(*f) == Some(&p))
            .or_else(|| self.first_on(p))
            .unwrap_or(self.focus);
        let shown = self.shown();
        if shown == before {
            Flow::redraw()
        } else {
            Flow::cmd(Cmd::Shown(shown))
        }
    }

    /// What each page's tab marks: failing widgets, credential warnings.
    pub fn page_marks(&self) -> Vec<Marks> {
        let warned: Vec<&str> = self
            .credentials
            .iter()
            .filter(|c| self.facts().cred_warning(&c.name).is_some())
            .map(|c| c.name.as_str())
            .collect();
        self.pages
            .iter()
            .map(|p| Marks {
                failing: p
                    .widgets
                    .iter()
                    .any(|&w| self.states.get(w).is_some_and(|s| s.error.is_some())),
                credential: p.widgets.iter().any(|&w| {
                    self.widgets
                        .get(w)
                        .and_then(|c| c.credential.as_deref())
                        .is_some_and(|c| warned.contains(&c))
                }),
            })
            .collect()
    }

    /// The page bar's row, when there is more than one page.
    pub fn page_bar(&self) -> Option<Rect> {
        self.page_bar_in(self.inset(self.size))
    }

    /// The page bar's row in a frame of `area`.
    pub fn page_bar_in(&self, area: Rect) -> Option<Rect> {
        let under = under_title(area);
        (self.pages.len() > 1 && under.height > 0).then(|| Rect::new(under.x, under.y, under.width, 1))
    }

    /// The app for `config` after a reload of `old`: widgets whose config
    /// did not change keep their data, error and schedule; focus, zoom and
    /// the open screens stay where they were.
    pub fn reloaded(config: Config, old: App) -> (App, ReloadSummary) {
        let pace = config.kiosk;
        let store = config.keyring;
        let mut app = App::new(config, old.demo, old.size, old.now, old.local);
        app.look = old.look;
        // The wall keeps its place in the turning and the shift.
        if let Some(k) = old.kiosk.clone() {
            app.kiosk = Some(k.with_pace(pace));
            app.repage();
        }
        let mut summary = ReloadSummary::default();
        for (i, w) in app.widgets.iter().enumerate() {
            match old.widgets.iter().position(|o| o.id == w.id) {
                Some(j) if old.widgets[j] == *w => {
                    app.states[i] = old.states[j].clone();
                    summary.kept += 1;
                }
                Some(_) => summary.changed += 1,
                None => summary.added += 1,
            }
        }
        summary.removed = old
            .widgets
            .iter()
            .filter(|o| !app.widgets.iter().any(|w| w.id == o.id))
            .count();
        if let Some(f) = old.widgets.get(old.focus)
            && let Some(i) = app.widgets.iter().position(|w| w.id == f.id)
        {
            app.focus = i;
            app.page = app
                .page_of
                .get(i)
                .copied()
                .filter(|&p| p < app.pages.len())
                .unwrap_or(0);
            app.zoom = old.zoom;
        }
        app.help = old.help;
        app.creds = old.creds;
        app.cred_views = old.cred_views;
        app.cred_meta = old.cred_meta;
        app.cred_meta_file = old.cred_meta_file;
        app.notify(summary.to_string());
        // After the summary, which would hide it.
        app.store_changed(store);
        (app, summary)
    }

    /// What the Credentials screen and the cards know of the credentials.
    /// The state file's facts with the requests counted since it was
    /// written: what the screen shows, live.
    fn live_meta(&mut self) {
        let mut meta = self.cred_meta_file.clone();
        for v in self.cred_views.iter().filter(|v| v.unsaved.requests > 0) {
            meta.credentials
                .entry(v.name.clone())
                .or_default()
                .usage
                .add(&v.unsaved);
        }
        self.cred_meta = meta;
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts {
            credentials: &self.credentials,
            widgets: &self.widgets,
            cred_views: &self.cred_views,
            cred_meta: &self.cred_meta,
            demo: self.demo,
            now: self.now,
            local: self.local,
            keys: &self.keys,
        }
    }

    /// Where the cards go, for input (a click): the terminal as the last
    /// Resize event gave it. Drawing lays out from its frame instead
    /// (`body_in`), which the terminal may have resized since.
    pub fn body(&self) -> Rect {
        self.body_in(self.inset(self.size))
    }

    /// Where the cards go in a frame of `area`: under the title bar and
    /// the page bar.
    pub fn body_in(&self, area: Rect) -> Rect {
        let under = under_title(area);
        if self.pages.len() > 1 {
            Rect::new(under.x, under.y + 1, under.width, under.height.saturating_sub(1))
        } else {
            under
        }
    }

    pub fn too_small(&self) -> bool {
        self.too_small_in(self.inset(self.size))
    }

    /// The rows around the body: the title and status bars, and the page
    /// bar when there is more than one page.
    pub fn chrome_rows(&self) -> u16 {
        CHROME_ROWS + u16::from(self.pages.len() > 1)
    }

    /// Each widget's smallest readable card, by id.
    pub fn mins(&self) -> &[(u16, u16)] {
        &self.mins
    }

    /// The area the view in view needs: the zoomed card's minimum, or the
    /// page's.
    pub fn needs(&self) -> (u16, u16) {
        if self.zoom {
            return self.mins.get(self.focus).copied().unwrap_or(grid::MIN_CARD);
        }
        self.current()
            .map_or(grid::MIN_CARD, |p| grid::min_size(&p.node, &self.mins))
    }

    /// Whether the page in view does not fit a frame of `area`.
    pub fn too_small_in(&self, area: Rect) -> bool {
        let body = self.body_in(area);
        if !self.zoom && self.current().is_none() {
            return false;
        }
        let (w, h) = self.needs();
        body.width < w || body.height < h
    }

    /// Cards on screen now, with their areas.
    pub fn visible(&self) -> Vec<(WidgetId, Rect)> {
        self.visible_in(self.inset(self.size))
    }

    /// Cards in a frame of `area`, with their areas: inside it, whatever
    /// size the app last heard of.
    pub fn visible_in(&self, area: Rect) -> Vec<(WidgetId, Rect)> {
        if self.too_small_in(area) {
            return Vec::new();
        }
        let body = self.body_in(area);
        if self.zoom {
            return vec![(self.focus, body)];
        }
        self.current()
            .map(|p| grid::areas(&p.node, body, &self.mins))
            .unwrap_or_default()
    }

    /// Whether widget `id` has a card on screen, without laying it out.
    fn on_screen(&self, id: WidgetId) -> bool {
        if self.zoom {
            id == self.focus
        } else {
            self.page_of.get(id) == Some(&self.page)
        }
    }

    pub fn update(&mut self, msg: Msg) -> Flow {
        match msg {
            Msg::Input(ev) => self.input(ev),
            Msg::Fetching(id) => {
                let Some(s) = self.states.get_mut(id) else {
                    return Flow::none();
                };
                s.loading = true;
                if self.on_screen(id) {
                    Flow::redraw()
                } else {
                    Flow::none()
                }
            }
            Msg::Fetched { id, at, result, next } => {
                let Some(s) = self.states.get_mut(id) else {
                    return Flow::none();
                };
                let was_loading = std::mem::take(&mut s.loading);
                s.next = next;
                let was_failing = s.error.is_some();
                // The same answer again, while the card says "just now",
                // changes nothing on screen but the focused widget's "next"
                // time in the status bar.
                let same = matches!(&result, Ok(d) if !was_failing && !was_loading
                    && s.data.as_ref() == Some(d)
                    && s.updated.map(|u| format::age(self.now, u)) == Some(format::age(self.now, at)));
                match result {
                    Ok(mut d) => {
                        // Instant metrics keep a history here, from poll to
                        // poll, for the card's sparkline and the zoom's chart.
                        if let Data::Metrics(m) = &mut d {
                            // Replaced below: taken, not copied.
                            let before = match s.data.take() {
                                Some(Data::Metrics(b)) => b,
                                _ => Default::default(),
                            };
                            let step = self.widgets.get(id).map_or(std::time::Duration::ZERO, |w| w.refresh);
                            m.carry_history(&before, step);
                        }
                        s.data = Some(d);
                        s.updated = Some(at);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e),
                }
                // A hidden widget shows only in the title bar's count of
                // failing widgets and its page's mark.
                let failing_changed = was_failing != s.error.is_some();
                let card_changed = !same || id == self.focus;
                if (self.on_screen(id) && card_changed) || failing_changed {
                    Flow::redraw()
                } else {
                    Flow::none()
                }
            }
            Msg::Tick => {
                if self
                    .notice
                    .as_ref()
                    .and_then(|n| n.until)
                    .is_some_and(|u| self.now >= u)
                {
                    self.notice = None;
                }
                let mut flow = self.kiosk_tick();
                flow.redraw = true;
                flow
            }
            Msg::Notice(n) => {
                self.notify(n);
                Flow::redraw()
            }
            Msg::Config(result) => match *result {
                Ok(c) => {
                    self.config_error = None;
                    self.store_changed(c.keyring);
                    if c.title == self.title
                        && c.widgets == self.widgets
                        && c.layout == self.layout
                        && c.credentials == self.credentials
                    {
                        // Comments or spacing, or keys only: no widget
                        // restarts for those.
                        if c.keys != self.keys {
                            self.keys = c.keys;
                            self.notify("config reloaded: your keys".into());
                        }
                        return Flow::redraw();
                    }
                    self.reload = Some(c);
                    Flow {
                        redraw: false,
                        cmds: vec![Cmd::Reload],
                    }
                }
                Err(e) => {
                    self.config_error = Some(e);
                    Flow::redraw()
                }
            },
            Msg::Cred(ev) => {
                match ev {
                    CredEvent::Views(v) => {
                        // New counts alone show only on the Credentials
                        // screen: no frame for them elsewhere.
                        let counts_only = self.creds.is_none()
                            && v.len() == self.cred_views.len()
                            && v.iter().zip(&self.cred_views).all(|(a, b)| {
                                (&a.name, &a.status, &a.fingerprint, &a.oauth)
                                    == (&b.name, &b.status, &b.fingerprint, &b.oauth)
                            });
                        self.cred_views = v;
                        self.live_meta();
                        if counts_only {
                            return Flow::none();
                        }
                    }
                    CredEvent::Meta(m) => {
                        self.cred_meta_file = m;
                        self.live_meta();
                    }
                    CredEvent::Done { ok, text } => match &mut self.creds {
                        Some(screen) => screen.done(ok, text),
                        None => self.notify(text),
                    },
                    CredEvent::Notice(n) => self.notify(n),
                    CredEvent::Login(showing) => {
                        if let Some(screen) = &mut self.creds {
                            screen.login_progress(showing);
                        }
                    }
                }
                Flow::redraw()
            }
        }
    }

    fn cred_outcome(&mut self, out: Outcome) -> Flow {
        match out {
            Outcome::Nothing => Flow::none(),
            Outcome::Redraw => Flow::redraw(),
            Outcome::Close => {
                self.creds = None;
                Flow::redraw()
            }
            Outcome::Quit => Flow {
                redraw: false,
                cmds: vec![Cmd::Quit],
            },
            Outcome::Run(_) if self.demo => {
                if let Some(screen) = self.creds.as_mut() {
                    screen.done(false, crate::screens::credentials::state::DEMO_NOTE.into());
                }
                Flow::redraw()
            }
            Outcome::Run(op) => Flow {
                redraw: true,
                cmds: vec![Cmd::Cred(op)],
            },
        }
    }

    fn input(&mut self, ev: Event) -> Flow {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                // A viewer at the wall: the pages stand still for them.
                self.viewer();
                // A notice gives way at the next key, and the focused
                // widget's line comes back; `!` shows it in full first.
                let had = self.notice.take();
                let mut flow = self.key(k);
                if self.status_open && self.notice.is_none() {
                    self.notice = had;
                } else if had.is_some() {
                    flow.redraw = true;
                }
                flow
            }
            Event::Mouse(m) if m.kind == MouseEventKind::Down(MouseButton::Left) => {
                // A touch on a wall's screen is a viewer too.
                self.viewer();
                if self.help || self.creds.is_some() {
                    return Flow::none();
                }
                if let Some(bar) = self.page_bar()
                    && m.row == bar.y
                {
                    let (tabs, _, _) = pages::tabs(&self.pages, &self.page_marks(), self.page, bar.width);
                    let hit = tabs
                        .iter()
                        .find(|t| (t.x..t.x.saturating_add(t.width())).contains(&m.column.saturating_sub(bar.x)));
                    return hit.map_or_else(Flow::none, |t| self.show_page(t.page));
                }
                if self.zoom {
                    return Flow::none();
                }
                let at = Position::new(m.column, m.row);
                match self.visible().into_iter().find(|(_, r)| r.contains(at)) {
                    Some((id, _)) if id != self.focus => {
                        self.focus = id;
                        Flow::redraw()
                    }
                    _ => Flow::none(),
                }
            }
            Event::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                let before = self.shown();
                self.repage();
                let shown = self.shown();
                if shown == before {
                    Flow::redraw()
                } else {
                    Flow::cmd(Cmd::Shown(shown))
                }
            }
            Event::Paste(text) => {
                // A paste may be a token: its buffer is wiped, not just freed.
                let text = zeroize::Zeroizing::new(text);
                match self.creds.as_mut() {
                    Some(screen) => {
                        let out = screen.paste(&text);
                        self.cred_outcome(out)
                    }
                    None => Flow::none(),
                }
            }
            _ => Flow::none(),
        }
    }

    fn key(&mut self, k: KeyEvent) -> Flow {
        let key = crate::ui::keys::key_of(&k);
        if key.and_then(|k| self.keys.action(Scope::Anywhere, k)) == Some(Action::Quit) {
            return Flow {
                redraw: false,
                cmds: vec![Cmd::Quit],
            };
        }
        if self.creds.is_some() {
            let Some(key) = key else { return Flow::none() };
            let (names, providers) = (self.facts().cred_names(), self.facts().cred_providers());
            let pending: Vec<Vec<String>> = names.iter().map(|n| self.facts().cred_pending(n)).collect();
            let oauth: Vec<bool> = names.iter().map(|n| self.facts().cred_is_oauth(n)).collect();
            let keys = &self.keys;
            let out = self.creds.as_mut().map_or(Outcome::Nothing, |screen| {
                let (scope, typing) = screen.reading();
                screen.key(
                    keys.read(scope, key, typing),
                    keys,
                    &names,
                    &providers,
                    &pending,
                    &oauth,
                )
            });
            return self.cred_outcome(out);
        }
        if self.status_open {
            // Any key closes the message.
            self.status_open = false;
            return Flow::redraw();
        }
        let Some(key) = key else { return Flow::none() };
        if self.help {
            return match self.keys.action(Scope::Help, key) {
                Some(Action::Close) => {
                    self.help = false;
                    Flow::redraw()
                }
                Some(Action::Quit) => Flow {
                    redraw: false,
                    cmds: vec![Cmd::Quit],
                },
                _ => Flow::none(),
            };
        }
        let action = self.keys.action(Scope::Dashboard, key);
        // Only page keys in a row make a two-digit page: `1` `]` `2` is
        // page 2, not 12.
        if !matches!(action, Some(Action::Page(_))) {
            self.page_digit = None;
        }
        let action = match action {
            Some(Action::Setup | Action::Demo) if !self.first_run => return Flow::none(),
            // A wall display is read-only to whoever walks past it: its
            // tokens are managed with `homedash creds` on a shell.
            Some(Action::Credentials | Action::Setup | Action::Demo) if self.kiosk.is_some() => {
                self.notify("kiosk mode: credentials and setup are managed with `homedash creds` on a shell".into());
                return Flow::redraw();
            }
            Some(a) => a,
            None => return Flow::none(),
        };
        let leave = |cmd| Flow {
            redraw: false,
            cmds: vec![cmd],
        };
        match action {
            Action::Quit => leave(Cmd::Quit),
            Action::Setup => leave(Cmd::Setup),
            Action::Demo => leave(Cmd::Demo),
            Action::Help => {
                self.help = true;
                Flow::redraw()
            }
            Action::StatusInFull => {
                self.status_open = true;
                Flow::redraw()
            }
            Action::Credentials => {
                self.creds = Some(CredScreen::for_dashboard(self.demo));
                self.zoom = false;
                Flow::redraw()
            }
            Action::NextWidget => self.cycle(1),
            Action::PreviousWidget => self.cycle(-1),
            Action::Left => self.step(-1, 0),
            Action::Right => self.step(1, 0),
            Action::Up => self.step(0, -1),
            Action::Down => self.step(0, 1),
            Action::Zoom => {
                self.zoom = !self.zoom;
                Flow::redraw()
            }
            Action::LeaveZoom if self.zoom => {
                self.zoom = false;
                Flow::redraw()
            }
            Action::LeaveZoom => Flow::none(),
            Action::Refresh => self.refresh(&[self.focus]),
            Action::RefreshAll => {
                // Not the widgets of hidden pages that save their quota.
                let ids: Vec<WidgetId> = self
                    .shown()
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.may_poll())
                    .map(|(i, _)| i)
                    .collect();
                self.refresh(&ids)
            }
            Action::Page(n) => self.page_key(n, std::time::Instant::now()),
            Action::NextPage if !self.pages.is_empty() => self.show_page((self.page + 1) % self.pages.len()),
            Action::PreviousPage if !self.pages.is_empty() => {
                self.show_page((self.page + self.pages.len() - 1) % self.pages.len())
            }
            Action::NextPage | Action::PreviousPage => Flow::none(),
            // Actions of the other screens' scopes.
            _ => Flow::none(),
        }
    }

    fn refresh(&mut self, ids: &[WidgetId]) -> Flow {
        let mut cmds = Vec::new();
        let mut held = Vec::new();
        for &id in ids {
            let w = &self.widgets[id];
            if w.source.tick() != Tick::None {
                continue; // a clock has nothing to fetch
            }
            match self.states[id].rate_limited_until(self.now) {
                Some(until) => held.push(format!(
                    "{} is rate-limited until {}",
                    w.id,
                    until.with_timezone(&self.local).format("%H:%M")
                )),
                None => cmds.push(Cmd::Refresh(id)),
            }
        }
        if !held.is_empty() {
            self.notify(format!("not refreshed: {}", held.join(", ")));
        }
        Flow { redraw: true, cmds }
    }

    /// Tab order is layout order, so it follows what the user sees.
    fn cycle(&mut self, dir: isize) -> Flow {
        let order: Vec<WidgetId> = self.current().map(|p| p.widgets.clone()).unwrap_or_default();
        let Some(pos) = order.iter().position(|&i| i == self.focus) else {
            return Flow::none();
        };
        let next = (pos as isize + dir).rem_euclid(order.len() as isize) as usize;
        self.focus = order[next];
        Flow::redraw()
    }

    /// Move focus to the nearest card fully in a direction, preferring
    /// cards that overlap the current one on the other axis.
    fn step(&mut self, dx: i32, dy: i32) -> Flow {
        let Some(page) = self.current() else {
            return Flow::none();
        };
        let areas = grid::areas(&page.node, self.body(), &self.mins);
        let Some(&(_, from)) = areas.iter().find(|(i, _)| *i == self.focus) else {
            return Flow::none();
        };
        let span = |a: u16, len: u16| (i32::from(a), i32::from(a) + i32::from(len));
        let best = areas
            .iter()
            .filter(|(i, _)| *i != self.focus)
            .filter_map(|&(i, r)| {
                let (gap, (a0, a1), (b0, b1)) = match (dx, dy) {
                    (-1, _) => (
                        i32::from(from.x) - i32::from(r.right()),
                        span(r.y, r.height),
                        span(from.y, from.height),
                    ),
                    (1, _) => (
                        i32::from(r.x) - i32::from(from.right()),
                        span(r.y, r.height),
                        span(from.y, from.height),
                    ),
                    (_, -1) => (
                        i32::from(from.y) - i32::from(r.bottom()),
                        span(r.x, r.width),
                        span(from.x, from.width),
                    ),
                    _ => (
                        i32::from(r.y) - i32::from(from.bottom()),
                        span(r.x, r.width),
                        span(from.x, from.width),
                    ),
                };
                let overlap = a1.min(b1) - a0.max(b0);
                let off_axis = ((a0 + a1) - (b0 + b1)).abs();
                (gap >= 0).then_some((i, (overlap <= 0, gap, off_axis)))
            })
            .min_by_key(|&(_, key)| key);
        match best {
            Some((i, _)) => {
                self.focus = i;
                Flow::redraw()
            }
            None => Flow::none(),
        }
    }

    /// The next instant at which some visible text changes by itself; the
    /// runtime sleeps until then. `None` when nothing on screen is timed.
    pub fn next_wake(&self) -> Option<DateTime<Utc>> {
        let cards = match (self.next_card_wake(), self.kiosk.as_ref().map(Kiosk::next_wake)) {
            (Some(c), Some(k)) => Some(c.min(k)),
            (c, k) => c.or(k),
        };
        match self.notice.as_ref().and_then(|n| n.until) {
            Some(gone) => Some(cards.map_or(gone, |c| c.min(gone))),
            None => cards,
        }
    }

    fn next_card_wake(&self) -> Option<DateTime<Utc>> {
        let now = self.now;
        let next_second = now + chrono::Duration::milliseconds(1000 - i64::from(now.timestamp_subsec_millis()));
        let next_minute = now + chrono::Duration::seconds(60 - now.timestamp() % 60)
            - chrono::Duration::milliseconds(i64::from(now.timestamp_subsec_millis()));
        self.visible()
            .into_iter()
            .filter_map(|(id, _)| match self.widgets[id].source.tick() {
                Tick::Second => Some(next_second),
                Tick::Minute => Some(next_minute),
                Tick::None => self.states[id].updated.map(|u| format::age_changes_at(now, u)),
            })
            .min()
    }

    /// Say `text` in the status bar for a while.
    pub fn notify(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            until: Some(self.now + NOTICE_FOR),
        });
    }

    /// Say a problem in the status bar until the next key.
    pub fn warn(&mut self, text: String) {
        self.notice = Some(Notice { text, until: None });
    }

    /// The notice the status bar shows now, if one has not given way.
    pub fn notice(&self) -> Option<&str> {
        self.notice
            .as_ref()
            .filter(|n| n.until.is_none_or(|u| self.now < u))
            .map(|n| n.text.as_str())
    }

    /// The status bar's message in full: a config that did not load (every
    /// problem), a notice, or the focused widget's error.
    pub fn status_message(&self) -> Option<String> {
        if let Some(e) = &self.config_error {
            return Some(format!(
                "The config was not reloaded; homedash still runs the last good one.\n{e}"
            ));
        }
        if let Some(n) = self.notice() {
            return Some(n.to_string());
        }
        let (w, s) = (self.widgets.get(self.focus)?, self.states.get(self.focus)?);
        let e = s.error.as_ref()?;
        let mut text = format!("{}: {e}", w.id);
        if let Some(n) = s.next {
            text.push_str(&format!(
                "\nNext try at {}.",
                n.with_timezone(&self.local).format("%H:%M:%S")
            ));
        }
        Some(text)
    }

    pub fn failing(&self) -> usize {
        self.states.iter().filter(|s| s.error.is_some()).count()
    }
}

/// How long a notice stays before the status bar returns to the focused
/// widget's line (a key brings it back sooner).
pub const NOTICE_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(6);

/// A line for the status bar, until the next key and, for news, until
/// `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// `None` for a problem the user should see (hot reload off, say): it
    /// stays until a key, however long that takes.
    pub until: Option<DateTime<Utc>>,
}

/// The area between the title and status bars of a frame of `area`.
fn under_title(area: Rect) -> Rect {
    let h = area.height.saturating_sub(CHROME_ROWS);
    Rect::new(area.x, area.y.saturating_add(1).min(area.bottom()), area.width, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crossterm::event::KeyCode;
    use crossterm::event::{KeyEventState, KeyModifiers, MouseEvent};

    fn app() -> App {
        app_of(config::EMBEDDED_DEFAULT)
    }

    /// An app of config `text` at 120x40, on 27 November at noon UTC.
    fn app_of(text: &str) -> App {
        let cfg = config::parse("t", text).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-27T12:00:30Z").unwrap().to_utc();
        App::new(
            cfg,
            false,
            Rect::new(0, 0, 120, 40),
            now,
            FixedOffset::east_opt(0).unwrap(),
        )
    }

    /// 14 pages of one clock each.
    fn fourteen_pages() -> App {
        let mut text = String::new();
        for i in 1..=14 {
            text.push_str(&format!("[widget.c{i}]\nkind = \"clock\"\n\n"));
        }
        for i in 1..=14 {
            text.push_str(&format!("[[page]]\nname = \"P{i}\"\nwidgets = [\"c{i}\"]\n\n"));
        }
        app_of(&text)
    }

    #[test]
    fn pages_past_nine_by_zero_and_by_two_keys_in_a_row() {
        let mut a = fourteen_pages();
        let t0 = std::time::Instant::now();
        // (page key, when in ms, the page then shown), counted from 0.
        let steps: [(u8, u64, usize, &str); 11] = [
            (9, 0, 9, "`0` alone is page 10"),
            (0, 2_000, 0, "`1` shows page 1 at once"),
            (1, 2_300, 11, "`2` right after makes page 12"),
            (0, 5_000, 0, "`1`"),
            (2, 7_000, 2, "`3` two seconds on is too late for a pair: page 3"),
            (0, 9_000, 0, "`1`"),
            (8, 9_100, 8, "`1` `9` is past the last page: the second key alone"),
            (0, 11_000, 0, "`1`"),
            (3, 11_100, 13, "`1` `4` is page 14"),
            (1, 11_200, 1, "a pair's second key starts no pair: page 2, not 142"),
            (1, 11_300, 1, "`2` `2` is no page either: page 2"),
        ];
        for (key, ms, page, what) in steps {
            a.page_key(key, t0 + std::time::Duration::from_millis(ms));
            assert_eq!(a.page, page, "{what}");
        }
        // Another key between two page keys: `1` `]` `2` is page 2.
        a.update(key(KeyCode::Char('1')));
        a.update(key(KeyCode::Char(']')));
        a.update(key(KeyCode::Char('2')));
        assert_eq!(a.page, 1, "page 2, not page 12");
    }

    fn key(c: KeyCode) -> Msg {
        Msg::Input(Event::Key(KeyEvent {
            code: c,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }))
    }

    fn id(app: &App, name: &str) -> usize {
        app.widgets.iter().position(|w| w.id == name).unwrap()
    }

    #[test]
    fn a_reload_keeps_unchanged_widgets_and_says_what_changed() {
        let mut a = app();
        let (w, s) = (id(&a, "weather"), id(&a, "system"));
        for i in [w, s] {
            a.states[i].data = Some(Data::Metrics(Default::default()));
            a.states[i].next = Some(a.now + chrono::Duration::minutes(10));
        }
        a.focus = w;
        // The clock changes, the system card goes, a second clock comes.
        let text = config::EMBEDDED_DEFAULT
            .replace(
                "zones = [\"local\", \"UTC\", \"America/New_York\", \"Asia/Tokyo\"]",
                "zones = [\"UTC\"]",
            )
            .replace(
                "[widget.system]\nkind = \"system\"\nrefresh = \"2s\"",
                "[widget.clock2]\nkind = \"clock\"",
            )
            .replace("widget = \"system\"", "widget = \"clock2\"");
        let new = config::parse("t", &text).unwrap();
        let flow = a.update(Msg::Config(Box::new(Ok(new.clone()))));
        assert_eq!(flow.cmds, [Cmd::Reload]);
        let (b, summary) = App::reloaded(a.reload.take().unwrap(), a);
        assert_eq!(
            summary,
            ReloadSummary {
                added: 1,
                removed: 1,
                changed: 1,
                kept: 1
            }
        );
        let w2 = id(&b, "weather");
        assert!(b.states[w2].data.is_some(), "the unchanged weather kept its data");
        assert!(b.states[w2].next.is_some(), "and its schedule");
        assert!(b.states[id(&b, "clock2")].data.is_none());
        assert_eq!(b.focus, w2, "focus stays on the same widget");
        assert_eq!(
            b.notice(),
            Some("config reloaded: 1 added, 1 removed, 1 changed, 1 unchanged")
        );
    }

    #[test]
    fn a_notice_gives_way_at_the_next_key_or_after_a_while() {
        let mut a = app();
        let status = |a: &App| {
            let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
            t.draw(|f| crate::dashboard::view::draw(a, f)).unwrap();
            let b = t.backend().buffer().clone();
            (0..100).map(|x| b[(x, 29)].symbol().to_string()).collect::<String>()
        };
        a.notify("config reloaded: 0 added, 0 removed, 1 changed, 4 unchanged".into());
        assert!(status(&a).contains("config reloaded"));
        assert_eq!(
            a.next_wake().map(|w| w <= a.now + NOTICE_FOR),
            Some(true),
            "it wakes to go"
        );
        // `!` shows it in full first; the key that closes that lets it go.
        assert!(a.update(key(KeyCode::Char('!'))).redraw);
        assert!(a.status_message().is_some_and(|m| m.contains("config reloaded")));
        a.update(key(KeyCode::Esc));
        assert!(a.notice().is_none());
        assert!(
            status(&a).contains("time zones"),
            "the focused widget's line is back: {}",
            status(&a)
        );
        // Without a key, it goes by itself.
        a.notify("approved".into());
        a.now += NOTICE_FOR;
        assert!(a.update(Msg::Tick).redraw);
        assert!(a.notice.is_none() && !status(&a).contains("approved"));
        // A problem stays until a key, however long that takes.
        a.warn("hot reload off: no inotify".into());
        a.now += NOTICE_FOR * 10;
        a.update(Msg::Tick);
        assert!(status(&a).contains("hot reload off"));
        a.update(key(KeyCode::Tab));
        assert!(!status(&a).contains("hot reload off"));
    }

    #[test]
    fn an_invalid_save_is_shown_until_a_valid_one() {
        let mut a = app();
        let bad = crate::config::LoadError::Read {
            path: "c.toml".into(),
            how: "saved".into(),
            error: std::io::Error::other("bad"),
        };
        let f = a.update(Msg::Config(Box::new(Err(bad))));
        assert!(f.redraw && f.cmds.is_empty(), "the dashboard keeps running");
        assert!(a.config_error.is_some());
        let same = config::parse("t", config::EMBEDDED_DEFAULT).unwrap();
        let f = a.update(Msg::Config(Box::new(Ok(same))));
        assert!(f.cmds.is_empty(), "same config: nothing to restart");
        assert!(a.config_error.is_none());
        // Keys only: taken at once, and no widget restarts.
        let keyed = format!("{}\n[keys.dashboard]\nrefresh = \"f\"\n", config::EMBEDDED_DEFAULT);
        let f = a.update(Msg::Config(Box::new(Ok(config::parse("t", &keyed).unwrap()))));
        assert!(f.cmds.is_empty(), "keys only: nothing to restart");
        a.focus = id(&a, "weather");
        assert_eq!(a.update(key(KeyCode::Char('f'))).cmds.len(), 1, "f refreshes now");
        assert!(a.update(key(KeyCode::Char('r'))).cmds.is_empty(), "r no longer does");
    }

    #[test]
    fn tab_and_arrows_move_focus_in_layout_order() {
        let mut a = app();
        assert_eq!(a.focus, id(&a, "clock"));
        a.update(key(KeyCode::Tab));
        assert_eq!(a.focus, id(&a, "weather"));
        a.update(key(KeyCode::Tab));
        assert_eq!(a.focus, id(&a, "system"));
        a.update(key(KeyCode::BackTab));
        assert_eq!(a.focus, id(&a, "weather"));
        a.update(key(KeyCode::Left));
        assert_eq!(a.focus, id(&a, "clock"));
        a.update(key(KeyCode::Down));
        assert_eq!(a.focus, id(&a, "system"));
        assert_eq!(a.update(key(KeyCode::Down)), Flow::none(), "nothing below");
    }

    #[test]
    fn zoom_help_quit_and_refresh() {
        let mut a = app();
        a.update(key(KeyCode::Enter));
        assert!(a.zoom);
        assert_eq!(a.visible(), vec![(a.focus, a.body())]);
        a.update(key(KeyCode::Esc));
        assert!(!a.zoom);
        a.update(key(KeyCode::Char('?')));
        assert!(a.help);
        // q quits from every screen, Esc closes what is open.
        assert_eq!(
            a.update(key(KeyCode::Char('q'))).cmds,
            [Cmd::Quit],
            "q quits from the help too"
        );
        assert_eq!(a.update(key(KeyCode::Esc)), Flow::redraw());
        assert!(!a.help);
        assert_eq!(a.update(key(KeyCode::Char('q'))).cmds, [Cmd::Quit]);
        let w = id(&a, "weather");
        a.focus = w;
        assert_eq!(a.update(key(KeyCode::Char('r'))).cmds, [Cmd::Refresh(w)]);
        let all = a.update(key(KeyCode::Char('R'))).cmds;
        assert_eq!(all.len(), 2, "the clock has nothing to fetch: {all:?}");
    }

    #[test]
    fn a_rate_limited_widget_is_not_refreshed_by_hand() {
        let mut a = app();
        let w = id(&a, "weather");
        a.focus = w;
        let until = a.now + chrono::Duration::minutes(5);
        let err = FetchError::new(ErrorClass::RateLimited { until: Some(until) }, "");
        a.update(Msg::Fetched {
            id: w,
            at: a.now,
            result: Err(err),
            next: Some(until),
        });
        assert!(a.update(key(KeyCode::Char('r'))).cmds.is_empty());
        assert!(a.notice().unwrap_or("").contains("rate-limited until 12:05"));
    }

    #[test]
    fn the_same_answer_again_draws_no_frame() {
        let mut a = app();
        let w = id(&a, "weather");
        assert_ne!(a.focus, w, "the focused widget's status bar shows its next poll");
        let parse = |a: &App, file: &str| {
            let body = std::fs::read(format!("widgets/tests/fixtures/open-meteo/{file}")).unwrap();
            let reply = homedash_widgets::HttpReply {
                status: 200,
                headers: Vec::new(),
                body,
            };
            a.widgets[w].source.parse(&[reply], a.now).unwrap()
        };
        let berlin = parse(&a, "forecast_full_berlin_CONSTRUCTED.json");
        let chicago = parse(&a, "forecast_current_chicago.json");
        let fetched = |a: &App, data: &Data, secs: i64| Msg::Fetched {
            id: w,
            at: a.now + chrono::Duration::seconds(secs),
            result: Ok(data.clone()),
            next: Some(a.now + chrono::Duration::seconds(secs + 1)),
        };
        assert!(a.update(fetched(&a, &berlin, 0)).redraw, "the first answer");
        assert!(
            !a.update(fetched(&a, &berlin, 1)).redraw,
            "the same, still \"just now\""
        );
        assert!(a.update(fetched(&a, &chicago, 2)).redraw, "new data");
        a.update(Msg::Fetching(w));
        assert!(a.update(fetched(&a, &chicago, 3)).redraw, "the loading mark goes");
        a.now += chrono::Duration::seconds(90);
        assert!(
            a.update(fetched(&a, &chicago, 0)).redraw,
            "\"1m ago\" becomes \"just now\""
        );
        a.update(Msg::Fetched {
            id: w,
            at: a.now,
            result: Err(FetchError::new(ErrorClass::Offline, "refused")),
            next: Some(a.now),
        });
        assert!(a.update(fetched(&a, &chicago, 1)).redraw, "the warning goes");
        a.focus = w;
        assert!(
            a.update(fetched(&a, &chicago, 2)).redraw,
            "focused: its next poll's time changed"
        );
    }

    #[test]
    fn failures_keep_the_last_good_data() {
        let mut a = app();
        let w = id(&a, "system");
        let data = Data::System(Default::default());
        a.update(Msg::Fetched {
            id: w,
            at: a.now,
            result: Ok(data.clone()),
            next: Some(a.now),
        });
        a.update(Msg::Fetched {
            id: w,
            at: a.now,
            result: Err(FetchError::new(ErrorClass::Offline, "refused")),
            next: Some(a.now),
        });
        assert_eq!(a.states[w].data, Some(data));
        assert_eq!(a.states[w].error.as_ref().unwrap().class, ErrorClass::Offline);
        assert_eq!(a.failing(), 1);
    }

    #[test]
    fn click_focuses_and_resize_relayouts() {
        let mut a = app();
        let (sys, rect) = a.visible().into_iter().find(|(i, _)| *i == id(&a, "system")).unwrap();
        let click = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: rect.x + 2,
            row: rect.y + 2,
            modifiers: KeyModifiers::NONE,
        };
        a.update(Msg::Input(Event::Mouse(click)));
        assert_eq!(a.focus, sys);
        a.update(Msg::Input(Event::Resize(20, 6)));
        assert!(a.too_small());
        assert!(a.visible().is_empty());
    }

    #[test]
    fn wakes_only_for_visible_timed_text() {
        let mut a = app();
        // The clock shows minutes: wake at the next minute boundary.
        let minute = DateTime::parse_from_rfc3339("2026-11-27T12:01:00Z").unwrap().to_utc();
        assert_eq!(a.next_wake(), Some(minute));
        // Zoomed on the system widget, which shows no age: no timer at all.
        a.focus = id(&a, "system");
        a.zoom = true;
        assert_eq!(a.next_wake(), None);
        // Zoomed on weather with data from 10 s ago: wake when "just now" becomes "1m ago".
        let w = id(&a, "weather");
        a.focus = w;
        a.states[w].updated = Some(a.now - chrono::Duration::seconds(10));
        assert_eq!(a.next_wake(), Some(a.now + chrono::Duration::seconds(50)));
    }
}
