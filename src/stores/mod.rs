//! The stores homedash can keep tokens in, and which one this process
//! uses: the Secret Service, the kernel keyring (keyutils), the macOS
//! Keychain or the Windows Credential Manager; `[keyring] store` chooses,
//! and `auto` takes the Secret Service where it answers and the kernel
//! keyring where it does not (over SSH, on the console, in a service).
//! Opening a store and listing homedash's entries in it: no token passes
//! through here (`credentials::keyring` reads and writes them).

pub mod error;
#[cfg(unix)]
pub mod private_file;
pub mod source_error;

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

/// The keyring service every homedash entry is kept under.
pub const SERVICE: &str = "homedash";

/// The config's `[keyring] store`: where tokens are kept.
pub use crate::config::model::KeyringStore as StoreChoice;

/// A store homedash keeps tokens in; the state file records each
/// credential's by its kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    SecretService,
    Keyutils,
    Keychain,
    CredentialManager,
}

impl Backend {
    /// Its value in `[keyring] store` and `creds move --to`.
    pub fn key(self) -> &'static str {
        match self {
            Backend::SecretService => "secret-service",
            Backend::Keyutils => "keyutils",
            Backend::Keychain => "keychain",
            Backend::CredentialManager => "credential-manager",
        }
    }

    /// The `[keyring] store` that opens it.
    pub fn choice(self) -> StoreChoice {
        match self {
            Backend::SecretService => StoreChoice::SecretService,
            Backend::Keyutils => StoreChoice::Keyutils,
            // The platform's one store.
            Backend::Keychain | Backend::CredentialManager => StoreChoice::Auto,
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SecretService => "Secret Service (GNOME Keyring, KWallet or KeePassXC over D-Bus)",
            Backend::Keyutils => "kernel keyring (keyutils)",
            Backend::Keychain => "macOS Keychain",
            Backend::CredentialManager => "Windows Credential Manager",
        }
    }
}

/// The store this process was told to use, once, from its config.
static CHOICE: std::sync::OnceLock<StoreChoice> = std::sync::OnceLock::new();
/// The store its first connection took.
static IN_USE: std::sync::OnceLock<Backend> = std::sync::OnceLock::new();

/// Use `choice` for every connection of this process. The first call
/// wins: a process keeps one store, so a token is never written to one and
/// looked for in another.
pub fn choose_store(choice: StoreChoice) {
    let _ = CHOICE.set(choice);
}

/// The store the config chose when this process started.
pub fn configured() -> StoreChoice {
    CHOICE.get().copied().unwrap_or_default()
}

/// The store tokens are kept in here: the one connected to, else the one
/// the choice names (before any connection, or when none answered).
pub fn backend() -> Backend {
    if let Some(b) = IN_USE.get() {
        return *b;
    }
    match CHOICE.get().copied().unwrap_or_default() {
        _ if cfg!(target_os = "macos") => Backend::Keychain,
        _ if cfg!(target_os = "windows") => Backend::CredentialManager,
        StoreChoice::Keyutils => Backend::Keyutils,
        _ => Backend::SecretService,
    }
}

/// `backend()`'s name, for messages.
pub fn backend_name() -> &'static str {
    // Before `auto` has looked, neither is known to be the one.
    if cfg!(target_os = "linux")
        && IN_USE.get().is_none()
        && CHOICE.get().copied().unwrap_or_default() == StoreChoice::Auto
    {
        return "OS keyring (the Secret Service, or the kernel keyring where none answers)";
    }
    backend().name()
}

/// How long the kernel keeps a user's persistent keyring without use, in
/// whole days (three unless the administrator changed it).
pub fn persistent_expiry_days() -> u64 {
    std::fs::read_to_string("/proc/sys/kernel/keys/persistent_keyring_expiry")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(259_200)
        / 86_400
}

/// What `backend` keeps, and for how long, where that is not for good:
/// the kernel keyring holds its entries in memory only.
pub fn lifetime(backend: Backend) -> Option<String> {
    (backend == Backend::Keyutils).then(|| {
        format!(
            "kept in kernel memory: forgotten at reboot, and after {} days without use",
            persistent_expiry_days()
        )
    })
}

/// Set when `auto` found no Secret Service and took the kernel keyring.
static FELL_BACK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `auto` took the kernel keyring because no Secret Service answered.
pub fn fall_back() {
    FELL_BACK.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// What the first run where no Secret Service answers says, once (the
/// ledger remembers it was said): where tokens go, why, and for how long.
pub fn fallback_note() -> Option<String> {
    FELL_BACK.load(std::sync::atomic::Ordering::Relaxed).then(|| {
        format!(
            "no Secret Service answers here (no desktop session: SSH, the console, a service), so tokens are kept in the kernel keyring (keyutils), in memory: forgotten at reboot and after {} days without use. `[keyring] store` in the config chooses; see the README's Headless section",
            persistent_expiry_days()
        )
    })
}

/// Held while a process decides its store, so that two first connections
/// at once cannot take two stores.
pub static DECIDING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The store a connection of this process takes: the one it connected to
/// before, else the one chosen.
pub fn chosen() -> StoreChoice {
    match IN_USE.get() {
        Some(Backend::SecretService) => StoreChoice::SecretService,
        Some(Backend::Keyutils) => StoreChoice::Keyutils,
        _ => CHOICE.get().copied().unwrap_or_default(),
    }
}

/// The store a connection took: every later one takes it too.
pub fn connected(backend: Backend) {
    let _ = IN_USE.set(backend);
}

/// The Secret Service, if it answers: a search for an attribute no entry
/// has, which a locked keyring answers too without asking to be unlocked
/// (a search that matched a locked entry would bring up the unlock
/// prompt), while no session bus or no service does not.
#[cfg(target_os = "linux")]
pub fn secret_service() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    let spec = std::collections::HashMap::from([("homedash-probe", "none")]);
    match Entry::search_in_store(&store, &spec) {
        Ok(_) | Err(Error::NoStorageAccess(_)) => Ok(store),
        Err(e) => Err(e),
    }
}

/// The kernel keyring's store, once the kernel lets this process use its
/// session keyring (a sandbox may forbid keyctl).
#[cfg(target_os = "linux")]
pub fn keyutils() -> keyring_core::Result<(Arc<CredentialStore>, Backend)> {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let unusable = |e| {
        Error::PlatformFailure(format!("the kernel keyring cannot be used here ({e:?}): is keyctl allowed?").into())
    };
    KeyRing::from_special_id(KeyRingIdentifier::Session, false).map_err(unusable)?;
    let store: Arc<CredentialStore> = linux_keyutils_keyring_store::Store::new()?;
    Ok((store, Backend::Keyutils))
}

/// Give this process a session keyring of its own where its login gave
/// it none (no PAM session: `su`, a container's shell, cron), as `keyctl
/// session` does. Without one, the kernel keyring's store would write
/// through one keyring and look in another, and a token stored would not
/// be found by the next run; with one, the user's persistent keyring,
/// linked into it, holds the tokens from run to run. Called first in
/// `main`, before any thread starts: a session keyring belongs to a
/// thread's credentials, which threads started later copy.
#[cfg(target_os = "linux")]
pub fn own_session_keyring() {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let shared = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
        .and_then(|s| s.metadata())
        .is_ok_and(|m| m.get_description().starts_with("_uid_ses."));
    if shared {
        let _ = KeyRing::from_special_id(KeyRingIdentifier::Session, true);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn own_session_keyring() {}

/// The store `choice` names (`auto` is the caller's, on Linux, which looks
/// for the Secret Service under a deadline first).
#[cfg(target_os = "linux")]
pub fn open(choice: StoreChoice) -> keyring_core::Result<(Arc<CredentialStore>, Backend)> {
    match choice {
        StoreChoice::Keyutils => keyutils(),
        _ => Ok((zbus_secret_service_keyring_store::Store::new()?, Backend::SecretService)),
    }
}

/// homedash's entries in the kernel keyring: the keys of the session and
/// persistent keyrings whose description is the store's
/// `keyring:NAME@homedash`.
#[cfg(target_os = "linux")]
pub fn keyutils_accounts() -> Result<Vec<String>, linux_keyutils::KeyError> {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let suffix = format!("@{SERVICE}");
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false)?;
    let mut rings = vec![session];
    if let Ok(p) = KeyRing::get_persistent(KeyRingIdentifier::Session) {
        rings.push(p);
    }
    let mut out = Vec::new();
    for ring in rings {
        for node in ring.get_links(1024)?.iter() {
            let Some(key) = node.as_key() else { continue };
            if let Ok(meta) = key.metadata()
                && let Some(name) = meta
                    .get_description()
                    .strip_prefix("keyring:")
                    .and_then(|d| d.strip_suffix(&suffix))
            {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(target_os = "macos")]
pub fn open(_choice: StoreChoice) -> keyring_core::Result<(Arc<CredentialStore>, Backend)> {
    Ok((apple_native_keyring_store::keychain::Store::new()?, Backend::Keychain))
}

#[cfg(target_os = "windows")]
pub fn open(_choice: StoreChoice) -> keyring_core::Result<(Arc<CredentialStore>, Backend)> {
    Ok((windows_native_keyring_store::Store::new()?, Backend::CredentialManager))
}
