//! Credentials: where API tokens live and how they are read. Only this
//! module and the broker ever hold a secret value.

pub mod keyring;
pub mod secret;
pub mod source;
