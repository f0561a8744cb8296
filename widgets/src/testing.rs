//! Helpers for render tests.

use ratatui::buffer::Buffer;

/// A recorded answer: `name` is its path under `widgets/tests/fixtures/`.
pub fn reply(status: u16, name: &str) -> crate::HttpReply {
    crate::HttpReply {
        status,
        headers: vec![],
        body: fixture(name),
    }
}

/// The bytes of the fixture at `name` under `widgets/tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What `draw` puts in a `w`x`h` buffer, as text for a snapshot.
pub fn drawn(w: u16, h: u16, draw: impl FnOnce(ratatui::layout::Rect, &mut Buffer)) -> String {
    let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, w, h));
    draw(buf.area, &mut buf);
    text(&buf)
}

/// The buffer's text, one line per row, for snapshots.
pub fn text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Neither a 404 on the probe's path (a `base_url` one segment off) nor an
/// answer of another shape proves a key: each is "could not confirm".
pub fn assert_probe_cannot_confirm(
    probe_result: fn(&crate::HttpReply, chrono::DateTime<chrono::Utc>) -> Result<(), crate::FetchError>,
) {
    assert_probe_cannot_confirm_with(
        probe_result,
        &[
            r#"{"unexpected": true}"#,
            "<html><body>Welcome to nginx!</body></html>",
            "[]",
        ],
    );
}

/// `assert_probe_cannot_confirm`, with the 200 answers that are not of the
/// provider's kind given.
pub fn assert_probe_cannot_confirm_with(
    probe_result: fn(&crate::HttpReply, chrono::DateTime<chrono::Utc>) -> Result<(), crate::FetchError>,
    unexpected: &[&str],
) {
    use crate::provider::{Unconfirmed, Verdict};
    let now = chrono::Utc::now();
    let reply = |status: u16, body: &str| crate::HttpReply {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    };
    for body in ["404 page not found", r#"{"error":"Not Found"}"#, ""] {
        let v = Verdict::of(&probe_result(&reply(404, body), now));
        assert!(
            matches!(
                v,
                Verdict::Unconfirmed {
                    why: Unconfirmed::NotFound,
                    ..
                }
            ),
            "404 {body:?}: {v:?}"
        );
        assert!(!v.passed());
        assert!(v.describe().starts_with("could not confirm"), "{}", v.describe());
    }
    for body in unexpected {
        let v = Verdict::of(&probe_result(&reply(200, body), now));
        assert!(
            matches!(
                v,
                Verdict::Unconfirmed {
                    why: Unconfirmed::Unexpected,
                    ..
                }
            ),
            "200 {body:?}: {v:?}"
        );
    }
}

/// How the dashboard asks a view to draw: as a card, or zoomed.
pub fn ctx(zoomed: bool) -> crate::data::RenderCtx {
    crate::data::RenderCtx {
        now: chrono::DateTime::UNIX_EPOCH,
        local: chrono::FixedOffset::east_opt(0).unwrap(),
        zoomed,
    }
}
