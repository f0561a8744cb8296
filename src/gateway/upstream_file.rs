//! Team mode: the gateway host's upstream keys, written for nginx. This is
//! the one place a token leaves homedash for a file: the include that the
//! rendered gateway config reads, mode 0600, holding nothing else. The
//! credentials room reads them (`read_upstream`); this file says how nginx
//! is given each one.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::credentials::{KeyUse, MetaFile, UpstreamError, read_upstream};

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error(transparent)]
    Read(#[from] UpstreamError),
    #[error(
        "the upstream key \"{name}\" is empty (a two-part key is FIRST:SECOND) or holds characters an nginx config cannot carry safely (quotes, backslashes, `$`, braces, `;` or white space); nothing was written"
    )]
    Unsafe { name: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The nginx variable holding route `route`'s key (`part` 1 or 2 for a
/// provider that takes two headers).
pub fn variable(route: &str, part: Option<u8>) -> String {
    let base = format!("$hd_key_{}", route.replace('-', "_"));
    match part {
        Some(n) => format!("{base}_{n}"),
        None => base,
    }
}

/// Tokens are written inside double quotes, where nginx would read `$`
/// as a variable and `"` or `\` as syntax: refuse them rather than escape.
fn safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '\\' | '$' | '{' | '}' | ';'))
}

/// Read every route's key (all of them before anything is written), each
/// only for an origin its owner approved, and write them to `path` as
/// nginx `map`s, each defined only on its own route.
pub async fn write(config: &Config, uses: &[KeyUse<'_>], meta: &MetaFile, path: &Path) -> Result<(), KeysError> {
    let keys = read_upstream(config, uses, meta).await?;
    let text = keys.render(
        "# Written by `homedash gateway render`: the upstream keys, one per route.\n# Mode 0600. Do not edit, copy or commit this file.\n",
        |route, name, part, value| {
            if !safe(value) {
                return Err(KeysError::Unsafe { name: name.to_string() });
            }
            Ok(format!(
                "map $hd_route {} {{\n    default \"\";\n    \"{route}\" \"{value}\";\n}}\n",
                variable(route, part),
            ))
        },
    )?;
    crate::atomic::write(path, text.as_bytes()).map_err(|source| KeysError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_nginx_reads_as_plain_text_are_written() {
        assert!(safe("c4f8a9d2e1b7c3a6f5e4"));
        assert!(safe("eyJhbGciOi.J9-_~+/="));
        for bad in ["", "a b", "a\"b", "a$b", "a;b", "a{b", "a\\b", "a\nb"] {
            assert!(!safe(bad), "{bad:?}");
        }
        assert_eq!(variable("open-meteo", None), "$hd_key_open_meteo");
        assert_eq!(variable("datadog", Some(2)), "$hd_key_datadog_2");
    }
}
