//! A login's prompts in words: the same on the terminal (`homedash creds
//! login`), in the Credentials screen's dialog and on setup's key page.

use std::time::Duration;

use crate::credentials::Prompt;
use crate::workers::credentials::Showing;

/// The lines of one prompt.
pub fn prompt_lines(p: &Prompt) -> Vec<String> {
    match p {
        Prompt::Device {
            user_code,
            uri,
            complete,
            expires_in,
        } => {
            let mut lines = vec![
                format!("First copy your one-time code: {user_code}"),
                format!("Then open {uri} on any device and enter it."),
            ];
            if let Some(u) = complete
                && let Some(qr) = super::qr::lines(u)
            {
                lines.push(format!("Or scan this code with a phone (it opens {u}):"));
                lines.extend(qr);
            }
            lines.push(format!(
                "The code expires in {}.",
                humantime::format_duration(*expires_in)
            ));
            lines
        }
        Prompt::Waiting { every, slowed } => vec![waiting(*every, *slowed)],
        Prompt::Browser { url, opened } => {
            let mut lines = if *opened {
                vec![
                    "Your browser is open at the login page; finish there.".to_string(),
                    "If it did not open, open this URL on this machine:".to_string(),
                ]
            } else {
                vec!["Open this URL in a browser on this machine to log in:".to_string()]
            };
            lines.push(url.to_string());
            lines.push("homedash is waiting for the browser's redirect on 127.0.0.1…".into());
            lines
        }
    }
}

fn waiting(every: Duration, slowed: bool) -> String {
    if slowed {
        format!(
            "The server asked homedash to slow down (slow_down): checking every {} s now.",
            every.as_secs()
        )
    } else {
        format!(
            "Waiting for you to approve (authorization_pending); checking every {} s…",
            every.as_secs()
        )
    }
}

/// All a login shows now: its prompt, then what it waits on.
pub fn lines(s: &Showing) -> Vec<String> {
    s.prompt.iter().chain(&s.waiting).flat_map(prompt_lines).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Prompt {
        Prompt::Device {
            user_code: "WDJB-MJHT".into(),
            uri: "https://id.example/device".into(),
            complete: Some("https://id.example/device?user_code=WDJB-MJHT".into()),
            expires_in: Duration::from_secs(900),
        }
    }

    #[test]
    fn a_device_prompt_names_the_code_the_place_and_the_expiry_with_a_qr_code() {
        let l = prompt_lines(&device());
        assert_eq!(l[0], "First copy your one-time code: WDJB-MJHT");
        assert_eq!(l[1], "Then open https://id.example/device on any device and enter it.");
        assert!(l[2].starts_with("Or scan this code with a phone"));
        assert!(l.len() > 10, "the QR code's rows follow");
        assert_eq!(l.last().map(String::as_str), Some("The code expires in 15m."));
    }

    #[test]
    fn waiting_notes_follow_the_prompt_and_a_new_prompt_replaces_them() {
        let mut s = Showing::default();
        assert!(lines(&s).is_empty());
        s.update(device());
        let first = lines(&s);
        s.update(Prompt::Waiting {
            every: Duration::from_secs(5),
            slowed: false,
        });
        let more = lines(&s);
        assert_eq!(more.len(), first.len() + 1);
        assert!(more[first.len()].contains("checking every 5 s"));
        s.update(Prompt::Waiting {
            every: Duration::from_secs(10),
            slowed: true,
        });
        let slowed = lines(&s);
        assert!(slowed.last().is_some_and(|l| l.contains("slow down")));
        assert_eq!(slowed.len(), first.len() + 1, "one waiting note at a time");
        let url = url::Url::parse("http://127.0.0.1:9/authorize").unwrap();
        s.update(Prompt::Browser { url, opened: false });
        let b = lines(&s);
        assert_eq!(b[0], "Open this URL in a browser on this machine to log in:");
        assert_eq!(b.len(), 3);
    }
}
