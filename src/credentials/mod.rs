//! Credentials: where API tokens live and how they are read. Only this
//! module and the broker ever hold a secret value.

pub mod audit;
pub mod broker;
pub mod budget;
pub mod destinations;
pub mod keyring;
pub mod manager;
pub mod meta;
pub mod names;
pub mod secret;
pub mod source;
pub mod status;
pub mod transport;
pub mod worker;
