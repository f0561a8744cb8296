//! One browser redirect on this machine (RFC 8252): a listener on
//! 127.0.0.1 at a port the system picks. The first request to
//! `/callback` hands its query to the caller, whose verdict chooses the
//! page the browser is shown. Any other path gets the refusal page.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use url::Url;

/// The two pages a browser can be shown, as whole HTML documents.
pub struct Pages {
    pub ok: &'static str,
    pub refused: &'static str,
}

/// A redirect's query, name and value pairs as the browser sent them.
pub type Query = Vec<(String, String)>;

pub struct Redirect {
    listener: TcpListener,
    url: Url,
}

type Arrival = (Query, oneshot::Sender<bool>);

impl Redirect {
    pub async fn bind() -> std::io::Result<Redirect> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let url = Url::parse(&format!("http://127.0.0.1:{port}/callback")).map_err(std::io::Error::other)?;
        Ok(Redirect { listener, url })
    }

    /// Where the browser is to be sent back.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Wait for the redirect; `judge` reads it, and `Ok` shows the browser
    /// `pages.ok`. It waits as long as its caller lets it (a timeout
    /// around it); `None` only if the channel closed.
    pub async fn first<T, E>(self, pages: Pages, judge: impl FnOnce(&Query) -> Result<T, E>) -> Option<Result<T, E>> {
        let (tx, mut rx) = mpsc::channel::<Arrival>(1);
        let listener = self.listener;
        let serve = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of descriptors, say: wait rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let tx = tx.clone();
                let pages = (pages.ok, pages.refused);
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let tx = tx.clone();
                        async move { Ok::<_, Infallible>(answer(req, &tx, pages).await) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        };
        let wait = async {
            let (query, reply) = rx.recv().await?;
            let verdict = judge(&query);
            let _ = reply.send(verdict.is_ok());
            // Let the browser's page be written before the process moves
            // on (or exits, on a refusal).
            tokio::time::sleep(Duration::from_millis(300)).await;
            Some(verdict)
        };
        tokio::select! {
            v = wait => v,
            () = serve => None,
        }
    }
}

async fn answer(
    req: Request<Incoming>,
    tx: &mpsc::Sender<Arrival>,
    (ok, refused): (&'static str, &'static str),
) -> Response<Full<Bytes>> {
    let page = |status: StatusCode, body: &'static str| {
        let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
        *r.status_mut() = status;
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    };
    if req.uri().path() != "/callback" {
        return page(StatusCode::NOT_FOUND, refused);
    }
    let query = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let (reply, verdict) = oneshot::channel();
    if tx.send((query, reply)).await.is_err() {
        return page(StatusCode::GONE, refused);
    }
    match verdict.await {
        Ok(true) => page(StatusCode::OK, ok),
        _ => page(StatusCode::BAD_REQUEST, refused),
    }
}

#[cfg(test)]
#[path = "tests/redirect.rs"]
mod tests;
