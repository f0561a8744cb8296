//! Requests on the wire: the HTTP client and its proxies, the origins a
//! credential may go to, and how a token travels (headers, never a
//! redirect to another origin, redaction).

pub mod destinations;
pub mod http;
pub mod transport;
