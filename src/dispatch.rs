//! Dispatch from a command to the rule family that decides it.

use crate::command::command_table;
use crate::ctx::{Ctx, Step, Verdict};
use crate::rules::{
    account, archive, copy, directory, disk, image, key, lock, region, rotation, share, snapshot,
    vault,
};
use crate::{Command, Event};

/// Generates [`dispatch`] from the command table (`command/table.rs`): one
/// arm a command, calling the rule function of its family.
macro_rules! define_dispatch {
    (
        |$ctx:ident, $c:ident, $v:ident|
        $($variant:ident $name:ident [$($rule:ident),* $(,)?] => $handler:expr,)*
    ) => {
        /// Runs the rules of `command` against a state with nothing due.
        pub(crate) fn dispatch(
            $ctx: &Ctx<'_>,
            command: &Command,
            $v: &mut Verdict,
        ) -> Step<Vec<Event>> {
            match command {
                $(Command::$variant($c) => $handler,)*
            }
        }
    };
}

command_table!(define_dispatch);
