//! Reading a secret from the person at the terminal, or from a pipe. What
//! is read leaves sealed: this room never holds it open.

use std::io::{IsTerminal, Read};

use crate::credentials::{CredError, Sealed};

/// The token, from stdin when it is piped, else a prompt that does not echo.
pub fn read_secret(prompt: &str) -> Result<Sealed, CredError> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|source| CredError::TokenInput { from: "", source })?
    } else {
        // Room enough that a token never makes the buffer grow, which would
        // leave an unwiped copy behind in the old one.
        let mut s = String::with_capacity(16 * 1024);
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|source| CredError::TokenInput {
                from: " from stdin",
                source,
            })?;
        s
    };
    let secret = Sealed::take(text);
    if secret.is_empty() {
        return Err(CredError::NoToken);
    }
    Ok(secret)
}

/// A yes or no from the person at the terminal, no when unsure: an answer
/// that cannot be read keeps what was asked about.
pub fn confirm(question: &str) -> bool {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    match std::io::stdin().read_line(&mut answer) {
        Ok(_) => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(_) => false,
    }
}
