use super::*;

const PAGES: Pages = Pages {
    ok: "welcome",
    refused: "refused",
};

/// A browser's GET, by hand: status and body.
async fn get(url: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let u = Url::parse(url).unwrap();
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", u.port().unwrap()))
        .await
        .unwrap();
    let target = &url[u.origin().ascii_serialization().len()..];
    s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).await.unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn only_the_callback_is_judged_and_the_verdict_picks_the_page() {
    let r = Redirect::bind().await.unwrap();
    let base = r.url().clone();
    assert_eq!(base.host_str(), Some("127.0.0.1"), "loopback only");
    let origin = format!("http://127.0.0.1:{}", base.port().unwrap());
    let wait = tokio::spawn(r.first(PAGES, |q| {
        let state = q.iter().rfind(|(k, _)| k == "state").map(|(_, v)| v.clone());
        if state.as_deref() == Some("s1") {
            Ok("code")
        } else {
            Err("mismatch")
        }
    }));
    // Another path is refused, and judged by nothing.
    assert_eq!(get(&format!("{origin}/favicon.ico")).await, (404, "refused".into()));
    // The first callback is judged: a wrong state is refused.
    assert_eq!(
        get(&format!("{origin}/callback?state=s2&code=x")).await,
        (400, "refused".into())
    );
    assert_eq!(wait.await.unwrap(), Some(Err("mismatch")));
}

#[tokio::test]
async fn a_callback_with_the_right_state_gets_the_welcome_page() {
    let r = Redirect::bind().await.unwrap();
    let url = format!("{}?code=abc&state=s1", r.url());
    let wait = tokio::spawn(r.first(PAGES, |q| Ok::<_, ()>(q.clone())));
    assert_eq!(get(&url).await, (200, "welcome".into()));
    let q = wait.await.unwrap().unwrap().unwrap();
    assert!(q.contains(&("code".into(), "abc".into())) && q.contains(&("state".into(), "s1".into())));
}
