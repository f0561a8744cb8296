//! The screens that are faces of a core room: they show it and act on it
//! through its operations, and hold none of its state of their own. The
//! Credentials screen (`credentials/`: its keys and state, what it shows,
//! how a credential stands, its drawing) shows the credentials room and
//! sends the credential worker `CredOp`s.

pub mod credentials;
