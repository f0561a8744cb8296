//! Requests on the wire: the HTTP client and its proxies, the origins a
//! credential may go to and those its config sends it to, and how a token travels (headers, never a
//! redirect to another origin, redaction), the request budgets that pace
//! them, and the one browser redirect an OAuth login waits for.

pub mod budget;
pub mod destinations;
pub mod http;
pub mod origins;
pub mod redirect;
pub mod transport;
