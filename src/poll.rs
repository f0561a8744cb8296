//! One task per widget: fetch on schedule or on demand, never two at once,
//! and report every outcome as a `Msg`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use homedash_widgets::{Data, ErrorClass, FetchError, Source};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::config::WidgetConfig;
use crate::http::Http;
use crate::msg::{Msg, WidgetId};
use crate::sampler::Sampler;
use crate::schedule;

/// A provider asking us to wait longer than this is not taken literally.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86400);

pub struct Pollers {
    cancel: CancellationToken,
    refresh: Vec<Option<mpsc::Sender<()>>>,
}

impl Pollers {
    /// No background work: for tests that drive `App` alone.
    pub fn none() -> Self {
        Pollers {
            cancel: CancellationToken::new(),
            refresh: Vec::new(),
        }
    }

    pub fn spawn(widgets: &[WidgetConfig], http: &Http, tx: &mpsc::Sender<Msg>) -> Self {
        let cancel = CancellationToken::new();
        let mut refresh = Vec::with_capacity(widgets.len());
        for (id, w) in widgets.iter().enumerate() {
            // Capacity 1: a refresh asked for during a fetch coalesces into one.
            let (rtx, rrx) = mpsc::channel(1);
            let job = Job {
                id,
                refresh: w.refresh,
                tx: tx.clone(),
                wake: rrx,
                cancel: cancel.clone(),
            };
            let spec = w.base().and_then(|base| w.source.request(&base));
            match (&w.source, spec) {
                (Source::System(cfg), _) => {
                    tokio::spawn(system_loop(job, cfg.clone()));
                }
                (_, Some(spec)) => {
                    tokio::spawn(http_loop(job, w.source.clone(), spec, w.timeout, http.clone()));
                }
                _ => {
                    refresh.push(None);
                    continue;
                }
            }
            refresh.push(Some(rtx));
        }
        Pollers { cancel, refresh }
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

struct Job {
    id: WidgetId,
    refresh: Duration,
    tx: mpsc::Sender<Msg>,
    wake: mpsc::Receiver<()>,
    cancel: CancellationToken,
}

impl Job {
    /// Wait for `at` or a manual refresh. False when the app is going away.
    async fn wait(&mut self, at: Instant) -> bool {
        tokio::select! {
            () = sleep_until(at) => true,
            r = self.wake.recv() => r.is_some(),
            () = self.cancel.cancelled() => false,
        }
    }

    /// Refreshes asked for while we were busy are already answered.
    fn drain(&mut self) {
        while self.wake.try_recv().is_ok() {}
    }

    async fn report(&self, result: Result<Data, FetchError>, delay: Duration) -> bool {
        let at = Utc::now();
        // A Retry-After years away must not overflow the clock arithmetic.
        let next = chrono::Duration::from_std(delay)
            .ok()
            .and_then(|d| at.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
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

fn jitter() -> f64 {
    fastrand::f64() * 2.0 - 1.0
}

async fn http_loop(mut job: Job, source: Source, spec: homedash_widgets::RequestSpec, timeout: Duration, http: Http) {
    let mut failures = 0u32;
    let mut next = Instant::now();
    loop {
        if !job.wait(next).await {
            return;
        }
        if job.tx.send(Msg::Fetching(job.id)).await.is_err() {
            return;
        }
        let fetched = tokio::select! {
            r = http.fetch(&spec, timeout) => r,
            () = job.cancel.cancelled() => return,
        };
        let now = Utc::now();
        let (result, retry_after) = match fetched {
            Ok(reply) => {
                let retry = matches!(reply.status, 429 | 503)
                    .then(|| reply.retry_after(now))
                    .flatten()
                    .and_then(|t| (t - now).to_std().ok())
                    .map(|d| d.min(MAX_RETRY_AFTER));
                (source.parse(&reply, now), retry)
            }
            Err(e) => (Err(e), None),
        };
        job.drain();
        let delay = match &result {
            Ok(_) => {
                failures = 0;
                schedule::after_success(job.refresh, jitter())
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let limited = matches!(e.class, ErrorClass::RateLimited { .. });
                tracing::warn!(widget = job.id, error = %e, failures, "poll failed");
                schedule::after_failure(job.refresh, failures, retry_after, limited, jitter())
            }
        };
        if !job.report(result, delay).await {
            return;
        }
        next = Instant::now() + delay;
    }
}

async fn system_loop(mut job: Job, cfg: homedash_widgets::system::Config) {
    let mut sampler = match tokio::task::spawn_blocking(move || Sampler::new(cfg)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            let _ = job
                .report(Err(FetchError::new(ErrorClass::Provider, e)), job.refresh)
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
                    job.refresh,
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
                let _ = job.report(Err(err), job.refresh).await;
                return;
            }
        };
        sampler = back;
        job.drain();
        if !job.report(Ok(Data::System(snap)), job.refresh).await {
            return;
        }
        next = Instant::now() + job.refresh;
    }
}
