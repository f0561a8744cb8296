//! The setup wizard: from no config to a working dashboard, every token
//! tested and kept in the keyring (or an env or command source), and the
//! config written through `config::write`, which keeps what it does not
//! know.

pub mod endpoints;
pub mod error;
mod look;
pub mod plan;
pub mod replies;
pub mod session;
pub mod state;
pub mod steps;
pub mod view;
pub mod worker;

pub use endpoints::Endpoints;
pub use state::{Exit, Step, Wizard};
