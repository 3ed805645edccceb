//! Whether refusals follow a command's documented check order.

use crate::{Command, RuleId, Violation};

/// The first of `refusals` (as [`State::explain`](crate::State::explain)
/// lists them) that does not follow `command`'s documented check order
/// ([`Command::checked_rules`]), or `None` when they all do.
///
/// Each refusal must name the rule of the check the previous one named
/// (a check that examines several objects, such as each snapshot a share
/// names, refuses once for each) or of a check listed after it. An
/// implementation that reports every refusal, like `explain`, can be held
/// to the same order.
///
/// ```
/// use snapguard::testing::out_of_order;
/// use snapguard::{Command, LockSnapshot, RuleId, Violation};
///
/// let command = Command::from(LockSnapshot::new("s-1", 0, 0));
/// let unknown = Violation::NotFound {
///     kind: snapguard::ObjectKind::Snapshot,
///     id: "s-1".into(),
/// };
/// let too_short = Violation::LockDurationOutOfRange { days: 0, min: 1, max: 36_500 };
/// assert_eq!(out_of_order(&command, &[unknown.clone(), too_short.clone()]), None);
/// // A range checked before the snapshot is looked up is out of order.
/// assert_eq!(out_of_order(&command, &[too_short, unknown]), Some(RuleId::Gen4));
/// ```
#[must_use]
pub fn out_of_order(command: &Command, refusals: &[Violation]) -> Option<RuleId> {
    let order = command.checked_rules();
    let mut rest = order.iter();
    let mut last = None;
    refusals.iter().map(Violation::rule).find(|rule| {
        if last == Some(*rule) {
            return false;
        }
        let found = rest.any(|listed| listed == rule);
        last = found.then_some(*rule);
        !found
    })
}
