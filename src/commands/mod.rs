//! The commands other than the dashboard and the wizard, one file each, as
//! atuin keeps them: each reads the command line's arguments, asks the
//! rooms below for the work and prints the outcome.

pub mod check;
pub mod completions;
pub mod creds;
pub mod doctor;
pub mod gateway;
pub mod out;
pub mod schema;
