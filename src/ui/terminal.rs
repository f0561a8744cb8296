//! Entering and leaving the TUI, and making sure we always leave: on quit,
//! on error, on a panic in any thread and on SIGTERM or SIGHUP.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Frames are written through one buffer and flushed once, so the
/// terminal gets a frame in one write instead of many 1 KiB pieces.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// The terminal while the TUI runs. Dropped, it shows the cursor again
/// where it can; where the terminal is gone (a closed window's SIGHUP) it
/// says nothing. ratatui's own drop is never run: it would only show the
/// cursor again, and `eprintln!` a failure, which panics on a closed
/// stderr (exit 101 where 129 is due). Frames are flushed as they are
/// drawn, and the rest goes with the process, which ends after this.
pub struct Tui(std::mem::ManuallyDrop<Term>);

impl std::ops::Deref for Tui {
    type Target = Term;
    fn deref(&self) -> &Term {
        &self.0
    }
}

impl std::ops::DerefMut for Tui {
    fn deref_mut(&mut self) -> &mut Term {
        &mut self.0
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.0.show_cursor();
    }
}

static ACTIVE: AtomicBool = AtomicBool::new(false);

pub fn enter() -> io::Result<Tui> {
    // Until raw mode is on there is nothing to restore, and nothing must be
    // written: stdout may be a file.
    enable_raw_mode().map_err(|e| io::Error::new(e.kind(), format!("cannot put the terminal in raw mode: {e}")))?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(64 * 1024, out)))
        .map(|t| Tui(std::mem::ManuallyDrop::new(t)))
}

/// Idempotent, so every exit path can call it.
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let mut out = io::stdout();
    let r = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let raw = disable_raw_mode();
    out.flush()?;
    r.and(raw)
}

/// color-eyre's reports, printed only after the terminal is back. A panic in
/// any task ends the process: a half-alive UI is worse than none.
pub fn install_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    eyre_hook.install()?;
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        tracing::error!(panic = %info, "panic");
        // Not `eprintln!`: with the terminal gone it would panic again,
        // inside this hook, and abort instead of exiting.
        let _ = writeln!(std::io::stderr(), "{}", panic_hook.panic_report(info));
        std::process::exit(101);
    }));
    Ok(())
}
