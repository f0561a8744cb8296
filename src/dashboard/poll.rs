//! One task per widget: fetch on schedule or on demand, never two at once,
//! and report every outcome as a `Msg`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use homedash_widgets::gateway::Refusal;
use homedash_widgets::{Data, ErrorClass, FetchError, HttpReply, Source};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::config::WidgetConfig;
use crate::credentials::Broker;
use crate::credentials::Lease;
use crate::dashboard::msg::{Msg, Seen, WidgetId};
use crate::dashboard::sampler::Sampler;
use crate::dashboard::schedule;
use crate::net::budget::Reservation;
use crate::net::http::Http;

/// A provider asking us to wait longer than this is not taken literally.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86400);

pub struct Pollers {
    cancel: CancellationToken,
    refresh: Vec<Option<mpsc::Sender<()>>>,
    /// Per widget: where it stands (on screen, hidden, paused).
    shown: Vec<watch::Sender<Seen>>,
}

impl Pollers {
    /// No background work: for tests that drive `App` alone.
    pub fn none() -> Self {
        Pollers {
            cancel: CancellationToken::new(),
            refresh: Vec::new(),
            shown: Vec::new(),
        }
    }

    pub fn spawn(widgets: &[WidgetConfig], http: &Http, broker: &Arc<Broker>, tx: &mpsc::Sender<Msg>) -> Self {
        Self::resume(widgets, http, broker, tx, &[], &[], None)
    }

    /// Like `spawn`, but widget `i` first polls at `first[i]` when given:
    /// after a reload, an unchanged widget keeps its schedule instead of
    /// spending a request at once. `shown[i]` paused: widget `i` waits
    /// until `show` says otherwise (missing: on screen).
    pub fn resume(
        widgets: &[WidgetConfig],
        http: &Http,
        broker: &Arc<Broker>,
        tx: &mpsc::Sender<Msg>,
        first: &[Option<DateTime<Utc>>],
        shown: &[Seen],
        cache: Option<&crate::cache::Cache>,
    ) -> Self {
        let cancel = CancellationToken::new();
        let mut refresh = Vec::with_capacity(widgets.len());
        let mut shown_tx = Vec::with_capacity(widgets.len());
        for (id, w) in widgets.iter().enumerate() {
            let (stx, srx) = watch::channel(shown.get(id).copied().unwrap_or(Seen::OnScreen));
            shown_tx.push(stx);
            // Capacity 1: a refresh asked for during a fetch coalesces into one.
            let (rtx, rrx) = mpsc::channel(1);
            let first = first.get(id).copied().flatten().map(|at| {
                let wait = (at - Utc::now()).to_std().unwrap_or_default();
                Instant::now() + wait.min(MAX_RETRY_AFTER)
            });
            // Each good answer of a networked widget is kept for the next start.
            let keep = cache.zip(crate::cache::key(w)).map(|(c, key)| Keep {
                cache: c.clone(),
                name: w.id.clone(),
                key,
            });
            let job = Job {
                id,
                keep,
                first,
                refresh: w.refresh,
                tx: tx.clone(),
                wake: rrx,
                shown: srx,
                cancel: cancel.clone(),
            };
            // Only networked sources have a base URL (config refuses one on a local source).
            let base = w.base();
            match (&w.source, base) {
                (Source::System(cfg), _) => {
                    tokio::spawn(system_loop(job, cfg.clone()));
                }
                (_, Some(base)) => {
                    let cred = w.credential.clone().map(|name| Cred {
                        name,
                        broker: broker.clone(),
                        changes: broker.subscribe(),
                    });
                    let fetch = Fetch {
                        source: w.source.clone(),
                        via_gateway: w.via_gateway,
                        base,
                        timeout: w.timeout,
                        http: http.clone(),
                    };
                    tokio::spawn(http_loop(job, fetch, cred));
                }
                _ => {
                    refresh.push(None);
                    continue;
                }
            }
            refresh.push(Some(rtx));
        }
        Pollers {
            cancel,
            refresh,
            shown: shown_tx,
        }
    }

    /// Where each widget stands; a widget let go polls at once if it is due.
    pub fn show(&self, shown: &[Seen]) {
        for (tx, &s) in self.shown.iter().zip(shown) {
            tx.send_if_modified(|v| std::mem::replace(v, s) != s);
        }
    }

    pub fn refresh(&self, id: WidgetId) {
        if let Some(Some(tx)) = self.refresh.get(id) {
            let _ = tx.try_send(());
        }
    }

    pub fn shutdown(&self) {
        self.cancel.cancel();
    }
}

impl Drop for Pollers {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Why a poller woke up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Woke {
    /// Its schedule.
    Timer,
    /// `r`: one extra try, which leaves the schedule as it was.
    Manual,
    /// Its credential changed (added, approved, rotated, revoked).
    Cred,
    Stop,
}

/// Where a widget's good answers are kept across restarts.
struct Keep {
    cache: crate::cache::Cache,
    name: String,
    key: String,
}

struct Job {
    id: WidgetId,
    keep: Option<Keep>,
    /// When to poll first; `None` is at once.
    first: Option<Instant>,
    refresh: Duration,
    tx: mpsc::Sender<Msg>,
    wake: mpsc::Receiver<()>,
    /// Where the widget stands: it polls unless paused, and says when a
    /// poll starts only while on screen.
    shown: watch::Receiver<Seen>,
    cancel: CancellationToken,
}

impl Job {
    /// Wait for `at` or a manual refresh. False when the app is going away.
    async fn wait(&mut self, at: Instant) -> bool {
        self.woke(at).await != Woke::Stop
    }

    /// Wait for `at` or a manual refresh, and say which came. A timer
    /// that fires while the widget's page is hidden and paused waits for
    /// the page to be shown.
    async fn woke(&mut self, at: Instant) -> Woke {
        let woke = tokio::select! {
            () = sleep_until(slot(at)) => Woke::Timer,
            r = self.wake.recv() => if r.is_some() { Woke::Manual } else { Woke::Stop },
            () = self.cancel.cancelled() => Woke::Stop,
        };
        if woke != Woke::Timer {
            return woke;
        }
        self.until_shown(Woke::Timer).await
    }

    /// `woke` once the widget's page is shown (at once when it is), or
    /// a manual refresh or the end, if either comes first.
    async fn until_shown(&mut self, woke: Woke) -> Woke {
        loop {
            if self.shown.borrow_and_update().may_poll() {
                return woke;
            }
            tokio::select! {
                r = self.shown.changed() => if r.is_err() { return Woke::Stop },
                r = self.wake.recv() => return if r.is_some() { Woke::Manual } else { Woke::Stop },
                () = self.cancel.cancelled() => return Woke::Stop,
            }
        }
    }

    /// Refreshes asked for while we were busy are already answered.
    fn drain(&mut self) {
        while self.wake.try_recv().is_ok() {}
    }

    /// `delay` is `None` when the next poll waits for something else than
    /// time, e.g. a paused credential.
    async fn report(&self, result: Result<Data, FetchError>, delay: Option<Duration>) -> bool {
        let at = Utc::now();
        // A Retry-After years away must not overflow the clock arithmetic.
        let next = delay.map(|delay| {
            chrono::Duration::from_std(delay)
                .ok()
                .and_then(|d| at.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        });
        if let (Ok(data), Some(keep)) = (&result, &self.keep) {
            // Written off the runtime's threads; a failure costs only the
            // next start's head start.
            let (cache, name, key, data) = (keep.cache.clone(), keep.name.clone(), keep.key.clone(), data.clone());
            tokio::task::spawn_blocking(move || {
                if let Err(e) = cache.save(&name, &key, at, &data) {
                    tracing::debug!(widget = %name, error = %e, "answer not kept");
                }
            });
        }
        self.tx
            .send(Msg::Fetched {
                id: self.id,
                at,
                result,
                next,
            })
            .await
            .is_ok()
    }
}

/// A poll still waiting for its answer this long shows the loading mark.
const LOADING_MARK_AFTER: Duration = Duration::from_millis(200);

/// Timers fire on a 20 ms grid: polls due close together share one
/// wake-up of the thread instead of one each (a thousand widgets at 1 s
/// would otherwise wake it a thousand times a second).
const SLOT: Duration = Duration::from_millis(20);

fn slot(at: Instant) -> Instant {
    static BASE: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let base = *BASE.get_or_init(Instant::now);
    let since = at.saturating_duration_since(base).as_nanos();
    let step = SLOT.as_nanos();
    let up = since.div_ceil(step) * step;
    base + Duration::from_nanos(u64::try_from(up).unwrap_or(u64::MAX))
}

fn jitter() -> f64 {
    fastrand::f64() * 2.0 - 1.0
}

struct Fetch {
    source: Source,
    /// Asks team mode's gateway, with the client's credential as a bearer
    /// token in place of the provider's key.
    via_gateway: bool,
    base: url::Url,
    timeout: Duration,
    http: Http,
}

/// A widget's credential: its name, the broker that holds its value, and
/// a receiver that wakes a paused poller when the credential changes.
struct Cred {
    name: String,
    broker: Arc<Broker>,
    changes: watch::Receiver<u64>,
}

impl Fetch {
    /// Every request of one poll, with the credential when there is one.
    async fn run(
        &self,
        specs: &[homedash_widgets::RequestSpec],
        cred: Option<&Cred>,
        lease: Option<&Lease>,
    ) -> Result<Vec<HttpReply>, FetchError> {
        let mut replies = Vec::with_capacity(specs.len());
        for spec in specs {
            let r = self.http.fetch(spec, self.timeout, lease.map(Lease::grant)).await;
            if let Some(c) = cred {
                c.broker.record(&c.name, r.as_ref().ok().map(|r| r.status), Utc::now());
                if let Ok(reply) = &r {
                    c.broker.observe(&c.name, reply);
                }
            }
            replies.push(r?);
        }
        Ok(replies)
    }
}

/// Wait until the credential's budget has room for `n` requests. A long
/// wait is shown on the widget. `None` when the app is going away.
async fn within_budget(job: &Job, c: &Cred, n: u32) -> Option<Option<Reservation>> {
    loop {
        let wait = match c.broker.take(&c.name, n) {
            Ok(r) => return Some(r),
            Err(wait) => wait,
        };
        if wait > Duration::from_secs(5) {
            let budget = c.broker.budget(&c.name);
            let until = chrono::Duration::from_std(wait)
                .ok()
                .and_then(|d| Utc::now().checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let what = budget.map_or_else(String::new, |b| {
                format!(
                    "{} a minute{}",
                    b.per_minute,
                    b.per_day.map(|d| format!(", {d} a day")).unwrap_or_default()
                )
            });
            let err = FetchError::new(
                ErrorClass::RateLimited { until: Some(until) },
                format!(
                    "holding polls to stay inside credential \"{}\"'s budget ({what})",
                    c.name
                ),
            );
            if !job.report(Err(err), Some(wait)).await {
                return None;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = job.cancel.cancelled() => return None,
        }
    }
}

/// Wait for `at`, a manual refresh, or a change of this widget's own
/// credential (revoked, rejected, rotated), which is acted on at once.
async fn wait_or_cred(job: &mut Job, at: Instant, cred: Option<&mut Cred>) -> Woke {
    let Some(c) = cred else { return job.woke(at).await };
    let before = c.broker.generation(&c.name);
    loop {
        tokio::select! {
            w = job.woke(at) => return w,
            r = c.changes.changed() => {
                if r.is_err() {
                    return job.woke(at).await;
                }
                if c.broker.generation(&c.name) != before {
                    return job.until_shown(Woke::Cred).await;
                }
            }
        }
    }
}

/// What asking for a poll's lease came to.
enum Leased {
    /// Poll, with this lease (none for a keyless widget).
    Go(Option<Lease>),
    /// Not now: try again at this instant.
    Retry(Instant),
    Stop,
}

async fn http_loop(mut job: Job, fetch: Fetch, mut cred: Option<Cred>) {
    let mut failures = 0u32;
    let mut next = job.first.unwrap_or_else(Instant::now);
    loop {
        let woke = wait_or_cred(&mut job, next, cred.as_mut()).await;
        if woke == Woke::Stop {
            return;
        }
        // What the schedule said before this try: a manual one keeps it.
        let scheduled = next;
        let lease = match Box::pin(lease(&mut job, &fetch, cred.as_mut(), &mut failures)).await {
            Leased::Go(lease) => lease,
            Leased::Retry(at) => {
                next = at;
                continue;
            }
            Leased::Stop => return,
        };
        let mut specs = fetch.source.requests(&fetch.base, Utc::now());
        if fetch.via_gateway {
            for s in &mut specs {
                s.auth = homedash_widgets::AuthPlacement::Bearer;
            }
        }
        let mut reservation = None;
        if let Some(c) = &cred {
            match Box::pin(within_budget(&job, c, specs.len() as u32)).await {
                Some(r) => reservation = r,
                None => return,
            }
            // Written before anything is sent, so a restart counts it.
            tokio::select! {
                () = Box::pin(c.broker.persist_window(&c.name)) => {}
                () = job.cancel.cancelled() => return,
            }
        }
        // Boxed: a request in flight is a large future, and a task that
        // held one inline would keep its size while it sleeps.
        let run = Box::pin(fetch.run(&specs, cred.as_ref(), lease.as_ref()));
        let Some(fetched) = answered(&mut job, run).await else {
            return;
        };
        if let (Some(c), Some(r)) = (&cred, reservation) {
            c.broker.settle(&c.name, r);
        }
        let (result, retry_after) = outcome(&fetch, fetched, Utc::now());
        if let (Err(e), Some(c)) = (&result, &cred)
            && rejects_credential(&e.class)
        {
            // Every widget of this credential pauses at its next poll.
            c.broker.reject(&c.name, e);
            crate::audit::record_rejected(&c.name, &e.detail);
        }
        job.drain();
        let delay = match &result {
            Ok(_) => {
                failures = 0;
                schedule::after_success(job.refresh, jitter())
            }
            // `r` is one extra try: a failure of it neither counts toward
            // the backoff nor moves the retry the schedule had set (unless
            // the provider now asks to wait longer).
            Err(e) if woke == Woke::Manual && scheduled > Instant::now() => {
                tracing::warn!(widget = job.id, error = %e, failures, "manual refresh failed");
                let kept = scheduled.saturating_duration_since(Instant::now());
                retry_after.map_or(kept, |ra| kept.max(ra))
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(widget = job.id, error = %e, failures, "poll failed");
                schedule::after_failure(
                    job.refresh,
                    failures,
                    retry_after,
                    waits_for_a_limit(&e.class),
                    jitter(),
                )
            }
        };
        if !job.report(result, Some(delay)).await {
            return;
        }
        next = Instant::now() + delay;
    }
}

/// The lease for this poll. An OAuth access token is renewed before it
/// runs out; a renewal that fails is this poll's failure, backed off like
/// any other. A credential that cannot be lent pauses the widget, which
/// says why and waits for the credential to change or a manual refresh.
async fn lease(job: &mut Job, fetch: &Fetch, cred: Option<&mut Cred>, failures: &mut u32) -> Leased {
    let Some(c) = cred else {
        return Leased::Go(None);
    };
    let renewed = tokio::select! {
        r = Box::pin(c.broker.fresh(&c.name, &fetch.http)) => r,
        () = job.cancel.cancelled() => return Leased::Stop,
    };
    if let Err(e) = renewed {
        *failures = failures.saturating_add(1);
        tracing::warn!(widget = job.id, error = %e, failures = *failures, "credential renewal failed");
        let delay = schedule::after_failure(job.refresh, *failures, None, false, jitter());
        if !job.report(Err(e), Some(delay)).await {
            return Leased::Stop;
        }
        return Leased::Retry(Instant::now() + delay);
    }
    c.changes.borrow_and_update();
    match c.broker.lease(&c.name, &fetch.base) {
        Ok(g) => Leased::Go(Some(g)),
        Err(err) => {
            // Paused: unreadable, revoked, rejected, or an origin not
            // approved.
            if !job.report(Err(err), None).await {
                return Leased::Stop;
            }
            tokio::select! {
                r = c.changes.changed() => if r.is_err() { return Leased::Stop },
                r = job.wake.recv() => if r.is_none() { return Leased::Stop },
                () = job.cancel.cancelled() => return Leased::Stop,
            }
            Leased::Retry(Instant::now())
        }
    }
}

/// The request's answer; `None` when the widget stops meanwhile. A quick
/// answer gets no loading mark: drawn and gone within a frame or two, it
/// would only cost frames (two per poll on screen). A slow one is marked
/// on the card when the widget is on screen, or when its page comes on
/// screen while it is in flight.
async fn answered<F: std::future::Future + Unpin>(job: &mut Job, mut run: F) -> Option<F::Output> {
    tokio::select! {
        r = &mut run => return Some(r),
        () = tokio::time::sleep(LOADING_MARK_AFTER) => {}
        () = job.cancel.cancelled() => return None,
    }
    let mut announced = false;
    loop {
        if !announced && *job.shown.borrow_and_update() == Seen::OnScreen {
            announced = true;
            if job.tx.send(Msg::Fetching(job.id)).await.is_err() {
                return None;
            }
        }
        tokio::select! {
            r = &mut run => return Some(r),
            r = job.shown.changed(), if !announced => if r.is_err() { return None },
            () = job.cancel.cancelled() => return None,
        }
    }
}

/// What the replies come to, and how long the provider (or the gateway)
/// asked to wait, if it did.
fn outcome(
    fetch: &Fetch,
    fetched: Result<Vec<HttpReply>, FetchError>,
    now: DateTime<Utc>,
) -> (Result<Data, FetchError>, Option<Duration>) {
    match fetched {
        Ok(replies) => {
            let retry = replies
                .iter()
                .filter(|r| matches!(r.status, 429 | 503))
                .find_map(|r| r.retry_after(now))
                .and_then(|t| (t - now).to_std().ok())
                .map(|d| d.min(MAX_RETRY_AFTER));
            let refused = fetch
                .via_gateway
                .then(|| replies.iter().find_map(|r| homedash_widgets::gateway::refusal(r, now)))
                .flatten();
            match refused {
                Some(e) => (Err(e), retry),
                None => (fetch.source.parse(&replies, now), retry),
            }
        }
        Err(e) => (Err(e), None),
    }
}

/// A failure that is a limit being reached: backed off to its window.
fn waits_for_a_limit(class: &ErrorClass) -> bool {
    matches!(
        class,
        ErrorClass::RateLimited { .. }
            | ErrorClass::Gateway {
                refusal: Refusal::RateLimited | Refusal::UpstreamRateLimited,
                ..
            }
    )
}

/// A refusal of the widget's own credential: every widget of it pauses
/// until the credential changes (the provider's 401, or the gateway's
/// refusal of this client).
fn rejects_credential(class: &ErrorClass) -> bool {
    match class {
        ErrorClass::Rejected => true,
        ErrorClass::Gateway { refusal, .. } => refusal.pauses_client(),
        _ => false,
    }
}

async fn system_loop(mut job: Job, cfg: homedash_widgets::system::Config) {
    let mut sampler = match tokio::task::spawn_blocking(move || Sampler::new(cfg)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            let _ = job
                .report(
                    Err(FetchError::new(ErrorClass::Provider, e.to_string())),
                    Some(job.refresh),
                )
                .await;
            return;
        }
        Err(e) => {
            let _ = job
                .report(
                    Err(FetchError::new(
                        ErrorClass::Provider,
                        format!("system sampler failed: {e}"),
                    )),
                    Some(job.refresh),
                )
                .await;
            return;
        }
    };
    // CPU usage needs two readings some time apart.
    let mut next = Instant::now() + Duration::from_millis(250);
    loop {
        if !job.wait(next).await {
            return;
        }
        // The sampler has one owner: it goes to the blocking thread and back.
        let (back, snap) = match tokio::task::spawn_blocking(move || {
            let snap = sampler.sample();
            (sampler, snap)
        })
        .await
        {
            Ok(pair) => pair,
            Err(e) => {
                let err = FetchError::new(ErrorClass::Provider, format!("system sampler failed: {e}"));
                let _ = job.report(Err(err), Some(job.refresh)).await;
                return;
            }
        };
        sampler = back;
        job.drain();
        if !job.report(Ok(Data::System(snap)), Some(job.refresh)).await {
            return;
        }
        next = Instant::now() + job.refresh;
    }
}
