//! The last good answer of each networked widget, kept across restarts in
//! `$XDG_STATE_HOME/homedash/cache/` (0700; each file 0600, written
//! atomically). What is kept is what the provider's answer was parsed
//! into, after the cleaning boundary: no raw body and no secret. Each
//! entry carries the key of what the answer depends on (the source's
//! settings and its endpoint), so a widget whose inputs changed finds
//! nothing, and the others keep theirs.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use homedash_widgets::Data;

use crate::config::WidgetConfig;

/// The directory under the state dir.
pub const DIR: &str = "cache";
/// An answer larger than this, encoded, is not kept.
pub const MAX_ENTRY: usize = 1 << 20;

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    key: String,
    at: DateTime<Utc>,
    data: Data,
}

/// Why an answer was not kept.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot encode the answer: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("the answer is {0} bytes encoded, over the cache's 1 MiB an entry")]
    TooLarge(usize),
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Dir(#[from] crate::logging::StateDirError),
}

/// The cache directory of a state dir.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// The hex of the first 128 bits of SHA-256 of `text`.
fn digest(text: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a widget's answer depends on. `None` for a local source (the
/// system's own figures, a clock), which costs nothing to ask again.
pub fn key(w: &WidgetConfig) -> Option<String> {
    let base = w.base()?;
    Some(digest(&format!("{:?}\n{base}\n{}", w.source, w.via_gateway)))
}

impl Cache {
    /// The cache under `state`, made private if it is not.
    pub fn open(state: &Path) -> Result<Cache, CacheError> {
        let dir = state.join(DIR);
        crate::logging::create_private_dir(&dir)?;
        Ok(Cache { dir })
    }

    /// Where widget `id`'s entry lives: its name hashed, so no config key
    /// can reach outside the directory.
    fn file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{}.json", digest(id)))
    }

    /// Widget `w`'s last good answer and when it came, if one was kept for
    /// its present inputs.
    pub fn load(&self, w: &WidgetConfig) -> Option<(DateTime<Utc>, Data)> {
        let key = key(w)?;
        let bytes = std::fs::read(self.file(&w.id)).ok()?;
        if bytes.len() > MAX_ENTRY {
            return None;
        }
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        // An answer from the future is a clock that moved: not trusted.
        (entry.key == key && entry.at <= Utc::now()).then_some((entry.at, entry.data))
    }

    /// Keep `data`, which came at `at`, as widget `id`'s answer for `key`.
    pub fn save(&self, id: &str, key: &str, at: DateTime<Utc>, data: &Data) -> Result<(), CacheError> {
        let entry = serde_json::to_vec(&EntryRef { key, at, data })?;
        if entry.len() > MAX_ENTRY {
            return Err(CacheError::TooLarge(entry.len()));
        }
        let path = self.file(id);
        crate::atomic::write(&path, &entry).map_err(|source| CacheError::Write { path, source })
    }

    /// Drop the entries of widgets no longer in the config.
    pub fn prune(&self, widgets: &[WidgetConfig]) {
        let keep: Vec<PathBuf> = widgets.iter().map(|w| self.file(&w.id)).collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "json") && !keep.contains(&path) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// `Entry` borrowed, for writing without a copy of the data.
#[derive(serde::Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    at: DateTime<Utc>,
    data: &'a Data,
}

#[cfg(test)]
mod tests {
    use super::*;
    use homedash_widgets::data::{Quote, Quotes};

    fn widget(text: &str) -> WidgetConfig {
        crate::config::parse("t", text).unwrap().widgets.remove(0)
    }

    const STOCKS: &str = "[widget.s]\nkind = \"stocks\"\nprovider = \"yahoo\"\nsymbols = [\"AAPL\"]\n";

    fn quote(symbol: String) -> Quote {
        Quote {
            symbol,
            price: 278.85,
            change: Some(1.3),
            change_pct: Some(0.47),
            low: None,
            high: None,
            currency: Some("USD".into()),
            market_open: Some(false),
            at: None,
            series: vec![277.5, 278.85],
        }
    }

    fn quotes() -> Data {
        Data::Quotes(Quotes {
            quotes: vec![quote("AAPL".into())],
        })
    }

    #[test]
    fn an_answer_comes_back_for_the_same_inputs_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let w = widget(STOCKS);
        let at = Utc::now() - chrono::Duration::seconds(5);
        cache.save(&w.id, &key(&w).unwrap(), at, &quotes()).unwrap();
        let (when, data) = cache.load(&w).unwrap();
        assert_eq!((when, data), (at, quotes()));
        // Another symbol is another question: nothing for it.
        let other = widget(&STOCKS.replace("AAPL", "MSFT"));
        assert!(cache.load(&other).is_none());
        // A local source keeps nothing.
        assert!(key(&widget("[widget.c]\nkind = \"clock\"\n")).is_none());
        // An answer from the future (a clock that moved) is not trusted.
        cache
            .save(
                &w.id,
                &key(&w).unwrap(),
                Utc::now() + chrono::Duration::hours(1),
                &quotes(),
            )
            .unwrap();
        assert!(cache.load(&w).is_none());
    }

    #[test]
    fn entries_are_private_capped_and_pruned_with_their_widgets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join(DIR)), 0o700);
        let w = widget(STOCKS);
        cache.save(&w.id, "k", Utc::now(), &quotes()).unwrap();
        assert_eq!(mode(&cache.file(&w.id)), 0o600);
        let huge = Data::Quotes(Quotes {
            quotes: vec![quote("X".repeat(MAX_ENTRY))],
        });
        assert!(matches!(
            cache.save("big", "k", Utc::now(), &huge),
            Err(CacheError::TooLarge(_))
        ));
        cache.save("gone", "k", Utc::now(), &quotes()).unwrap();
        cache.prune(std::slice::from_ref(&w));
        assert!(cache.file(&w.id).exists() && !cache.file("gone").exists());
    }
}
