//! The table: every action of every screen, its name in `[keys.SCOPE]`,
//! its default keys, and the rows the help and the footers are drawn from.

use super::key::Key;

/// Where a key is read. Each screen reads in one scope at a time; keys of
/// `Anywhere` act in every scope of the dashboard's session first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Anywhere,
    Dashboard,
    Help,
    Credentials,
    /// A dialog with text fields (add, rotate, a login in progress):
    /// printable keys type there.
    Form,
    /// A yes/no question.
    Confirm,
    Wizard,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Anywhere,
        Scope::Dashboard,
        Scope::Help,
        Scope::Credentials,
        Scope::Form,
        Scope::Confirm,
        Scope::Wizard,
    ];

    /// The table's name in the config: `[keys.dashboard]`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Anywhere => "anywhere",
            Scope::Dashboard => "dashboard",
            Scope::Help => "help",
            Scope::Credentials => "credentials",
            Scope::Form => "form",
            Scope::Confirm => "confirm",
            Scope::Wizard => "wizard",
        }
    }

    pub fn named(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What the scope is, for the schema and messages.
    pub fn what(self) -> &'static str {
        match self {
            Scope::Anywhere => {
                "keys that act on every screen of the dashboard (never a printable key: dialogs type those)"
            }
            Scope::Dashboard => "the dashboard",
            Scope::Help => "the dashboard's help",
            Scope::Credentials => "the Credentials screen's list",
            Scope::Form => {
                "dialogs with text fields (add, rotate, a login): printable keys type, so these are never printable"
            }
            Scope::Confirm => "yes/no questions",
            Scope::Wizard => "the setup wizard (printable keys type where a step has a text field)",
        }
    }

    /// Whether `action` is read where printable keys type text (a dialog's
    /// field, a wizard step's), so no printable key may be bound to it: it
    /// would type instead of act.
    pub fn typed_over(self, action: Action) -> bool {
        match self {
            Scope::Anywhere | Scope::Form => true,
            Scope::Wizard => matches!(
                action,
                Action::Next
                    | Action::Back
                    | Action::Leave
                    | Action::Field
                    | Action::EraseChar
                    | Action::EraseField
                    | Action::EraseWord
            ),
            _ => false,
        }
    }

    /// Whether a key of `self` and one of `other` can both be read for
    /// the same key press.
    pub fn meets(self, other: Scope) -> bool {
        self == other
            || (self == Scope::Anywhere || other == Scope::Anywhere) && self != Scope::Wizard && other != Scope::Wizard
    }
}

/// What a key asks of a screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    NextWidget,
    PreviousWidget,
    Left,
    Right,
    Up,
    Down,
    Zoom,
    LeaveZoom,
    Refresh,
    RefreshAll,
    /// Page `n`, counted from 0.
    Page(u8),
    NextPage,
    PreviousPage,
    Credentials,
    StatusInFull,
    Help,
    Quit,
    Setup,
    Demo,
    Close,
    Add,
    Test,
    Rotate,
    Keep,
    Rollback,
    Revoke,
    Approve,
    Login,
    Submit,
    Cancel,
    NextField,
    PreviousField,
    PreviousChoice,
    NextChoice,
    EraseChar,
    EraseField,
    EraseWord,
    Yes,
    No,
    Next,
    Back,
    Leave,
    Toggle,
    Field,
    PageUp,
    PageDown,
}

/// An action as the config names it, and its default keys.
pub struct Spec {
    pub scope: Scope,
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [Key],
    /// What it does, for the schema.
    pub what: &'static str,
}

const fn spec(scope: Scope, action: Action, name: &'static str, keys: &'static [Key], what: &'static str) -> Spec {
    Spec {
        scope,
        action,
        name,
        keys,
        what,
    }
}

const fn ch(c: char) -> Key {
    Key::Char(c)
}

use Action as A;
use Scope as S;

pub const SPECS: &[Spec] = &[
    spec(S::Anywhere, A::Quit, "quit", &[Key::Ctrl('c')], "quit, from any screen"),
    spec(
        S::Dashboard,
        A::NextWidget,
        "next_widget",
        &[Key::Tab],
        "focus the next widget",
    ),
    spec(
        S::Dashboard,
        A::PreviousWidget,
        "previous_widget",
        &[Key::BackTab],
        "focus the previous widget",
    ),
    spec(S::Dashboard, A::Left, "left", &[Key::Left, ch('h')], "move focus left"),
    spec(S::Dashboard, A::Down, "down", &[Key::Down, ch('j')], "move focus down"),
    spec(S::Dashboard, A::Up, "up", &[Key::Up, ch('k')], "move focus up"),
    spec(
        S::Dashboard,
        A::Right,
        "right",
        &[Key::Right, ch('l')],
        "move focus right",
    ),
    spec(
        S::Dashboard,
        A::Zoom,
        "zoom",
        &[Key::Enter, ch('z')],
        "zoom the focused widget, and back",
    ),
    spec(S::Dashboard, A::LeaveZoom, "leave_zoom", &[Key::Esc], "leave zoom"),
    spec(S::Dashboard, A::Page(0), "page_1", &[ch('1')], "show page 1"),
    spec(S::Dashboard, A::Page(1), "page_2", &[ch('2')], "show page 2"),
    spec(S::Dashboard, A::Page(2), "page_3", &[ch('3')], "show page 3"),
    spec(S::Dashboard, A::Page(3), "page_4", &[ch('4')], "show page 4"),
    spec(S::Dashboard, A::Page(4), "page_5", &[ch('5')], "show page 5"),
    spec(S::Dashboard, A::Page(5), "page_6", &[ch('6')], "show page 6"),
    spec(S::Dashboard, A::Page(6), "page_7", &[ch('7')], "show page 7"),
    spec(S::Dashboard, A::Page(7), "page_8", &[ch('8')], "show page 8"),
    spec(S::Dashboard, A::Page(8), "page_9", &[ch('9')], "show page 9"),
    spec(S::Dashboard, A::Page(9), "page_10", &[ch('0')], "show page 10"),
    spec(
        S::Dashboard,
        A::PreviousPage,
        "previous_page",
        &[ch('[')],
        "the previous page",
    ),
    spec(S::Dashboard, A::NextPage, "next_page", &[ch(']')], "the next page"),
    spec(
        S::Dashboard,
        A::Refresh,
        "refresh",
        &[ch('r')],
        "refresh the focused widget",
    ),
    spec(
        S::Dashboard,
        A::RefreshAll,
        "refresh_all",
        &[ch('R')],
        "refresh all widgets",
    ),
    spec(
        S::Dashboard,
        A::Credentials,
        "credentials",
        &[ch('c')],
        "the Credentials screen",
    ),
    spec(
        S::Dashboard,
        A::StatusInFull,
        "status",
        &[ch('!')],
        "the status bar's message in full",
    ),
    spec(S::Dashboard, A::Help, "help", &[ch('?'), Key::F(1)], "the key help"),
    spec(S::Dashboard, A::Quit, "quit", &[ch('q')], "quit"),
    spec(
        S::Dashboard,
        A::Setup,
        "setup",
        &[ch('s')],
        "first run only: set up your own dashboard",
    ),
    spec(
        S::Dashboard,
        A::Demo,
        "demo",
        &[ch('d')],
        "first run only: try the demo",
    ),
    spec(
        S::Help,
        A::Close,
        "close",
        &[Key::Esc, ch('?'), Key::Enter],
        "close the help",
    ),
    // q quits from every screen and Esc closes what is open, as in btop
    // and lazygit.
    spec(S::Help, A::Quit, "quit", &[ch('q')], "quit"),
    spec(
        S::Credentials,
        A::Down,
        "down",
        &[Key::Down, ch('j')],
        "select the next credential",
    ),
    spec(
        S::Credentials,
        A::Up,
        "up",
        &[Key::Up, ch('k')],
        "select the previous credential",
    ),
    spec(S::Credentials, A::Add, "add", &[ch('a')], "add a token"),
    spec(S::Credentials, A::Test, "test", &[ch('t')], "test the selected token"),
    spec(
        S::Credentials,
        A::Rotate,
        "rotate",
        &[ch('r')],
        "rotate it: a new token, tested before it replaces the old",
    ),
    spec(
        S::Credentials,
        A::Keep,
        "keep",
        &[ch('y')],
        "keep the new token after a rotation, deleting the previous one",
    ),
    spec(
        S::Credentials,
        A::Rollback,
        "rollback",
        &[ch('b')],
        "roll a rotation back",
    ),
    spec(
        S::Credentials,
        A::Revoke,
        "revoke",
        &[ch('d'), Key::Delete],
        "revoke: delete it from the keyring (and at an OAuth server)",
    ),
    spec(
        S::Credentials,
        A::Approve,
        "approve",
        &[ch('o')],
        "approve the origins the config sends it to",
    ),
    spec(S::Credentials, A::Login, "login", &[ch('l')], "log in (OAuth)"),
    spec(
        S::Credentials,
        A::Close,
        "close",
        &[Key::Esc, ch('c')],
        "back to the dashboard",
    ),
    spec(S::Credentials, A::Quit, "quit", &[ch('q')], "quit"),
    spec(S::Form, A::Submit, "submit", &[Key::Enter], "do what the dialog is for"),
    spec(
        S::Form,
        A::Cancel,
        "cancel",
        &[Key::Esc],
        "close the dialog, or stop a login",
    ),
    spec(
        S::Form,
        A::NextField,
        "next_field",
        &[Key::Tab, Key::Down],
        "the next field",
    ),
    spec(
        S::Form,
        A::PreviousField,
        "previous_field",
        &[Key::BackTab, Key::Up],
        "the previous field",
    ),
    spec(
        S::Form,
        A::PreviousChoice,
        "previous_choice",
        &[Key::Left],
        "the previous choice (the provider)",
    ),
    spec(
        S::Form,
        A::NextChoice,
        "next_choice",
        &[Key::Right],
        "the next choice (the provider)",
    ),
    spec(
        S::Form,
        A::EraseChar,
        "erase_char",
        &[Key::Backspace],
        "erase a character",
    ),
    spec(
        S::Form,
        A::EraseField,
        "erase_field",
        &[Key::Ctrl('u')],
        "clear the field",
    ),
    spec(
        S::Form,
        A::EraseWord,
        "erase_word",
        &[Key::Ctrl('w')],
        "erase the last word",
    ),
    spec(S::Confirm, A::Yes, "yes", &[ch('y'), ch('Y')], "yes"),
    spec(
        S::Confirm,
        A::No,
        "no",
        &[ch('n'), ch('N'), Key::Esc],
        "no (on the Credentials screen any key but yes says no)",
    ),
    spec(
        S::Wizard,
        A::Next,
        "next",
        &[Key::Enter],
        "go on: the next step, a search, a test",
    ),
    spec(S::Wizard, A::Back, "back", &[Key::Ctrl('b')], "the step before"),
    spec(
        S::Wizard,
        A::Leave,
        "leave",
        &[Key::Esc, Key::Ctrl('c')],
        "leave the wizard (it asks first)",
    ),
    spec(
        S::Wizard,
        A::Up,
        "up",
        &[Key::Up, ch('k')],
        "up a list, or the field above",
    ),
    spec(
        S::Wizard,
        A::Down,
        "down",
        &[Key::Down, ch('j')],
        "down a list, or the field below",
    ),
    spec(S::Wizard, A::Left, "left", &[Key::Left, ch('h')], "the previous choice"),
    spec(S::Wizard, A::Right, "right", &[Key::Right, ch('l')], "the next choice"),
    spec(
        S::Wizard,
        A::Toggle,
        "toggle",
        &[ch(' '), ch('x')],
        "pick or unpick (widgets), the next provider",
    ),
    spec(S::Wizard, A::Field, "field", &[Key::Tab], "the next field"),
    spec(
        S::Wizard,
        A::PreviousField,
        "previous_field",
        &[Key::BackTab],
        "the previous field",
    ),
    spec(S::Wizard, A::PageUp, "page_up", &[Key::PageUp], "scroll the review up"),
    spec(
        S::Wizard,
        A::PageDown,
        "page_down",
        &[Key::PageDown],
        "scroll the review down",
    ),
    spec(
        S::Wizard,
        A::EraseChar,
        "erase_char",
        &[Key::Backspace],
        "erase a character",
    ),
    spec(
        S::Wizard,
        A::EraseField,
        "erase_field",
        &[Key::Ctrl('u')],
        "clear the field",
    ),
    spec(
        S::Wizard,
        A::EraseWord,
        "erase_word",
        &[Key::Ctrl('w')],
        "erase the last word",
    ),
];

/// One row of a help or footer: the actions it tells of (their keys are
/// drawn in this order), what they do, and the footer's words for them.
#[derive(Clone, Copy)]
pub struct Row {
    pub scope: Scope,
    pub actions: &'static [Action],
    /// Keys the table does not bind (the mouse), named as they are.
    pub fixed: Option<&'static str>,
    pub what: &'static str,
    /// The title bar's or footer's word, after the first key.
    pub hint: Option<&'static str>,
    /// A shorter word, for narrow terminals.
    pub short: Option<&'static str>,
}

const fn row(scope: Scope, actions: &'static [Action], what: &'static str) -> Row {
    Row {
        scope,
        actions,
        fixed: None,
        what,
        hint: None,
        short: None,
    }
}

const fn hinted(row: Row, hint: &'static str, short: &'static str) -> Row {
    Row {
        hint: Some(hint),
        short: Some(short),
        ..row
    }
}

/// The dashboard's help, in order; the first-run rows come first when
/// they apply.
pub const DASHBOARD: &[Row] = &[
    hinted(
        row(
            S::Dashboard,
            &[A::NextWidget, A::PreviousWidget],
            "focus next / previous widget",
        ),
        "focus",
        "focus",
    ),
    row(S::Dashboard, &[A::Left, A::Down, A::Up, A::Right], "move focus"),
    Row {
        fixed: Some("click"),
        ..row(S::Dashboard, &[], "focus a widget, or a page's name")
    },
    hinted(
        row(S::Dashboard, &[A::Zoom], "zoom the focused widget / back"),
        "zoom",
        "zoom",
    ),
    row(S::Dashboard, &[A::LeaveZoom], "leave zoom"),
    row(
        S::Dashboard,
        &[
            A::Page(0),
            A::Page(1),
            A::Page(2),
            A::Page(3),
            A::Page(4),
            A::Page(5),
            A::Page(6),
            A::Page(7),
            A::Page(8),
            A::Page(9),
        ],
        "page 1–10, two in a row for 11+",
    ),
    row(S::Dashboard, &[A::PreviousPage, A::NextPage], "previous / next page"),
    hinted(
        row(S::Dashboard, &[A::Refresh], "refresh the focused widget"),
        "refresh",
        "refresh",
    ),
    row(S::Dashboard, &[A::RefreshAll], "refresh all widgets"),
    hinted(
        row(S::Dashboard, &[A::Credentials], "the Credentials screen: tokens"),
        "credentials",
        "credentials",
    ),
    row(S::Dashboard, &[A::StatusInFull], "the status bar's message in full"),
    hinted(row(S::Dashboard, &[A::Help], "this help"), "help", "help"),
    hinted(row(S::Dashboard, &[A::Quit], "quit"), "quit", "quit"),
    row(S::Anywhere, &[A::Quit], "quit, from any screen"),
];

/// Only on the first run, with no config yet.
pub const FIRST_RUN: &[Row] = &[
    row(S::Dashboard, &[A::Setup], "set up your own dashboard"),
    row(S::Dashboard, &[A::Demo], "try the demo"),
];

/// The Credentials screen's footer.
pub const CREDENTIALS: &[Row] = &[
    row(S::Credentials, &[A::Down, A::Up], "select"),
    hinted(row(S::Credentials, &[A::Add], "add a token"), "add", "add"),
    hinted(row(S::Credentials, &[A::Test], "test it"), "test", "test"),
    hinted(row(S::Credentials, &[A::Rotate], "rotate it"), "rotate", "rotate"),
    hinted(
        row(S::Credentials, &[A::Keep], "keep the new token"),
        "keep new",
        "keep",
    ),
    hinted(
        row(S::Credentials, &[A::Rollback], "roll back"),
        "roll back",
        "rollback",
    ),
    hinted(row(S::Credentials, &[A::Revoke], "revoke"), "revoke", "revoke"),
    hinted(
        row(S::Credentials, &[A::Approve], "approve origins"),
        "approve origins",
        "approve",
    ),
    hinted(row(S::Credentials, &[A::Login], "log in"), "log in", "login"),
    hinted(
        row(S::Credentials, &[A::Close], "back to the dashboard"),
        "back",
        "back",
    ),
    hinted(row(S::Credentials, &[A::Quit], "quit"), "quit", "quit"),
];

/// Actions without which a screen cannot be left or a dialog answered:
/// each keeps a key. Of the dashboard's two quits, one is enough.
pub const ESSENTIAL: &[(Scope, Action)] = &[
    (S::Help, A::Close),
    (S::Credentials, A::Close),
    (S::Form, A::Submit),
    (S::Form, A::Cancel),
    (S::Confirm, A::Yes),
    (S::Confirm, A::No),
    (S::Wizard, A::Next),
    (S::Wizard, A::Leave),
];

/// Only on the first run, when no config of the user's exists, so no key
/// of theirs meets them.
pub fn first_run_only(action: Action) -> bool {
    matches!(action, Action::Setup | Action::Demo)
}

/// How many rows the dashboard's help has at most (first run included).
pub const HELP_ROWS: usize = DASHBOARD.len() + FIRST_RUN.len();
