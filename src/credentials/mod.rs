//! Credentials: where API tokens live and how they are read. Only this
//! module and the broker ever hold a secret value.

pub mod audit;
pub mod broker;
pub mod budget;
pub mod cli;
pub mod client_token;
pub mod error;
pub mod keyring;
pub mod lease;
pub mod manager;
pub mod meta;
pub mod nginx_keys;
pub mod oauth;
pub mod ops;
pub mod origins;
pub mod prompt;
pub mod secret;
pub mod source;
pub mod status;
pub mod token_input;
pub mod trial;
pub mod worker;
