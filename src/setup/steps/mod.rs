//! One file per step of the wizard: its keys and its drawing. The steps'
//! state lives with the wizard (`state.rs`), which every step reads.

pub mod api_keys;
pub mod layout;
pub mod location;
pub mod metrics;
pub mod providers;
pub mod review;
pub mod symbols;
pub mod welcome;
pub mod widgets;

use crate::keymap::{Action, Input};

use crate::setup::state::Wizard;

impl Wizard {
    /// Typing into the plain text field in focus.
    pub(in crate::setup) fn type_key(&mut self, input: Input) {
        let Some(f) = self.text_field() else { return };
        match input {
            Input::Act(Action::EraseChar) => {
                f.pop();
            }
            Input::Text(c) => f.push(c),
            _ => {}
        }
    }
}
