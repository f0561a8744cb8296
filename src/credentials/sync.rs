//! The broker and the state file kept in step: the broker's usage
//! counters saved to it, and what another process wrote there (approvals,
//! a rotation) taken in.

use std::path::Path;

use super::broker::Broker;
use crate::ledger::MetaFile;

impl Broker {
    /// Save the usage counted since the last save; true when something
    /// was written.
    pub async fn save_usage(&self, path: &Path) -> bool {
        let usage = self.take_usage();
        if usage.is_empty() {
            return false;
        }
        let path = path.to_path_buf();
        let r = tokio::task::spawn_blocking(move || {
            MetaFile::update(&path, |f| {
                for (name, u) in &usage {
                    f.credentials.entry(name.clone()).or_default().usage.add(u);
                }
            })
        })
        .await;
        match r {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot save usage counters");
                false
            }
            Err(_) => false,
        }
    }

    /// The state file as it now is: approvals reach the slots (waking the
    /// widgets they concern), and a credential whose stored facts changed
    /// elsewhere is read again.
    pub async fn take_in(&self, meta: &MetaFile) {
        self.set_approvals(&meta.approvals());
        for name in self.changed_elsewhere(meta) {
            tracing::info!(credential = %name, "its stored facts changed; reading it again");
            self.reload_changed(&name).await;
        }
    }
}
