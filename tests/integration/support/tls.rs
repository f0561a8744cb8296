//! An https server on loopback with a throw-away certificate for
//! `secure.test` (the client pins that name to 127.0.0.1: no DNS). Every
//! request is answered with one fixed response; request heads are kept.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const HOST: &str = "secure.test";

pub struct TlsServer {
    pub addr: SocketAddr,
    /// PEM of the certificate, for the client to trust.
    pub cert_pem: Vec<u8>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl TlsServer {
    /// `response` is a whole HTTP/1.1 response head and body.
    pub async fn start(response: String) -> TlsServer {
        let ck = rcgen::generate_simple_self_signed(vec![HOST.to_string()]).unwrap();
        let cert_pem = ck.cert.pem().into_bytes();
        let der: CertificateDer<'static> = ck.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![der], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let h = Arc::clone(&heads);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (acceptor, h, response) = (acceptor.clone(), Arc::clone(&h), response.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(sock).await else {
                        return;
                    };
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    h.lock().unwrap().push(String::from_utf8_lossy(&buf).into_owned());
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        TlsServer { addr, cert_pem, heads }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://{HOST}:{}{path}", self.addr.port())
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
