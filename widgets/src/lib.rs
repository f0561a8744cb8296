//! Pure provider code for homedash.
//!
//! Each provider describes its request, parses the reply and renders its data
//! into a ratatui `Buffer`. Nothing here touches a terminal, a keyring, the
//! network or an async runtime, so every function is testable on its own
//! against recorded fixtures.

pub mod clock;
pub mod data;
pub mod error;
pub mod format;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod gateway;
pub mod json;
pub mod kind;
pub mod metrics;
pub mod plot;
pub mod provider;
pub mod registry;
pub mod request;
pub mod source;
pub mod stocks;
pub mod style;
pub mod system;
#[cfg(test)]
mod testing;
pub mod text;
pub mod weather;
pub mod zone;

pub use error::{ErrorClass, FetchError};
pub use request::{AuthPlacement, HttpReply, RequestSpec};
pub use source::{Data, RenderCtx, Source};
