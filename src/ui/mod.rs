//! What every screen shares: the terminal, the dialog box, the too-small
//! message.

pub mod console;
pub mod dialog;
pub mod edit;
pub mod event_loop;
pub mod grid;
pub mod input;
pub mod keys;
pub mod login;
pub mod qr;
pub mod terminal;
pub mod theme;
pub mod too_small;
