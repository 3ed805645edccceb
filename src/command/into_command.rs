//! What the entry points accept as a command: a payload or a [`Command`]
//! by value, or a `&Command` borrowed without a copy.

use std::borrow::Borrow;

use crate::Command;

/// A command as [`State::decide`](crate::State::decide),
/// [`State::apply`](crate::State::apply),
/// [`State::apply_mut`](crate::State::apply_mut) and
/// [`State::explain`](crate::State::explain) take it: any payload
/// ([`CreateSnapshot`](crate::CreateSnapshot), ...) or [`Command`] by
/// value, or a `&Command`, which is borrowed, never cloned.
///
/// Sealed: it is implemented for `&Command` and for every type that
/// converts into [`Command`], and for nothing else.
///
/// ```
/// use snapguard::{Actor, Command, CreateRegion, State};
/// use chrono::{TimeZone, Utc};
///
/// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let state = State::new();
///
/// // A payload by value.
/// assert!(state.decide(now, &Actor::Platform, CreateRegion::new("cn-hangzhou")).is_ok());
///
/// // A command kept for later, lent without a copy.
/// let command = Command::from(CreateRegion::new("cn-hangzhou"));
/// assert!(state.decide(now, &Actor::Platform, &command).is_ok());
/// assert!(state.explain(now, &Actor::Platform, &command).is_empty());
/// ```
pub trait IntoCommand: sealed::Sealed {
    /// The command held: a `&Command` when lent, a [`Command`] otherwise.
    type Output: Borrow<Command>;

    /// The command, borrowed when it was lent, owned otherwise.
    fn into_command(self) -> Self::Output;
}

impl<'a> IntoCommand for &'a Command {
    type Output = &'a Command;

    fn into_command(self) -> &'a Command {
        self
    }
}

impl<T: Into<Command>> IntoCommand for T {
    type Output = Command;

    fn into_command(self) -> Command {
        self.into()
    }
}

mod sealed {
    use crate::Command;

    /// Keeps [`IntoCommand`](super::IntoCommand) to the implementations
    /// above.
    pub trait Sealed {}

    impl Sealed for &Command {}

    impl<T: Into<Command>> Sealed for T {}
}
