//! The Credentials screen: its state and keys, and its drawing.

pub mod facts;
pub mod standing;
pub mod state;
pub mod view;
