//! Pure provider code for homedash.
//!
//! Each provider describes its request, parses the reply and renders its data
//! into a ratatui `Buffer`. Nothing here touches a terminal, a keyring, the
//! network or an async runtime, so every function is testable on its own
//! against recorded fixtures.

/// The `Registered` methods a provider forwards to its own module's
/// functions, the same way in every provider: `problems` to
/// `Config::problems`, `requests` to `requests(self, base)` (`with now`:
/// `requests(self, base, now)`, for range queries), and `parse` to
/// `parse(self, replies, now)` as its kind's `Data` variant. Its title and
/// drawing stay its own.
macro_rules! forward_registered {
    ($variant:ident) => {
        forward_registered!(@common $variant);
        fn requests(&self, base: &url::Url, _now: chrono::DateTime<chrono::Utc>) -> Vec<crate::RequestSpec> {
            requests(self, base)
        }
    };
    ($variant:ident, with now) => {
        forward_registered!(@common $variant);
        fn requests(&self, base: &url::Url, now: chrono::DateTime<chrono::Utc>) -> Vec<crate::RequestSpec> {
            requests(self, base, now)
        }
    };
    (@common $variant:ident) => {
        fn problems(&self) -> Vec<(&'static str, String)> {
            Config::problems(self)
        }

        fn parse(
            &self,
            replies: &[crate::HttpReply],
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<crate::Data, crate::FetchError> {
            parse(self, replies, now).map(crate::Data::$variant)
        }
    };
}

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
