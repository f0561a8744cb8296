//! The background workers the faces talk to, as gitui's asyncgit serves
//! its UI: a face sends a request and hears the news, and no worker draws,
//! reads a key or holds a screen's state. `credentials/` runs the
//! Credentials screen's operations (`CredOp` in, `CredEvent` out) and
//! watches the broker and the state file for the dashboard.

pub mod credentials;
