//! Each command's documented check order ([`Command::checked_rules`],
//! generated from the command table into the docs of [`Command`]) is the
//! order the code runs its checks: every refusal [`State::explain`] finds,
//! which come in the order the code reaches them, follows the list.
//!
//! The property tests (`tests/properties`) assert the same after every
//! refused step of their histories, and that every command is refused in
//! them; here the `testing` kit's histories, with many hostile steps, and
//! hand-made states where several checks of one command fail at once.

use proptest::prelude::*;
use snapguard::testing::{self, HistoryConfig, Step, out_of_order};
use snapguard::{Command, ObjectKind, RuleId, State, UnlockSnapshot, Violation};

use crate::common::*;

#[test]
fn out_of_order_accepts_repeats_in_place_and_names_the_first_refusal_out_of_place() {
    // Unlocking checks, after the actor and the permission, LOCK-6.
    let command = Command::from(UnlockSnapshot::new("s-1"));
    let unknown = Violation::NotFound {
        kind: ObjectKind::Snapshot,
        id: "s-1".into(),
    };
    let denied = Violation::PermissionDenied {
        actor: snapguard::Actor::Platform,
        action: snapguard::Action::UnlockSnapshot,
        resource: "acs:ecs:*:1001:snapshot/s-1".into(),
        explicit_deny: false,
    };
    assert_eq!(unknown.rule(), RuleId::Gen4);
    assert_eq!(denied.rule(), RuleId::Perm2);
    assert_eq!(out_of_order(&command, &[]), None);
    assert_eq!(
        out_of_order(&command, &[unknown.clone(), denied.clone()]),
        None
    );
    // A check refusing once for each object it examines repeats in place.
    let twice = [unknown.clone(), denied.clone(), denied.clone()];
    assert_eq!(out_of_order(&command, &twice), None);
    assert_eq!(
        out_of_order(&command, &[denied.clone(), unknown.clone()]),
        Some(RuleId::Gen4)
    );
    // Going back to a rule already passed is out of order.
    let back = [unknown.clone(), denied, unknown];
    assert_eq!(out_of_order(&command, &back), Some(RuleId::Gen4));
}

/// Replays `steps`, checking before each command that what `explain`
/// finds follows the command's documented order.
fn check_steps(limits: snapguard::Limits, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut state = State::with_limits(limits).map_err(|e| TestCaseError::reject(e.to_string()))?;
    for step in steps {
        match step {
            Step::Apply { at, actor, command } => {
                let refusals = state.explain(*at, actor, command);
                let order = command.checked_rules();
                prop_assert_eq!(
                    out_of_order(command, &refusals),
                    None,
                    "{} by {} refused {:?}, not in the documented order {:?}",
                    command.name(),
                    actor,
                    refusals.iter().map(Violation::rule).collect::<Vec<_>>(),
                    order
                );
                let _ = state.apply_mut(*at, actor, command);
            }
            Step::Advance { at } => {
                let _ = state.advance_mut(*at);
            }
            _ => {
                return Err(TestCaseError::fail(
                    "a step of a kind this test does not know",
                ));
            }
        }
    }
    Ok(())
}

/// Histories of up to 120 steps, 40% of them hostile, so that many
/// commands fail several checks at once.
fn hostile_histories() -> HistoryConfig {
    let mut config = HistoryConfig::default();
    config.max_steps = 120;
    config.hostile_percent = 40;
    config
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_refusal_of_a_generated_history_follows_its_command_s_documented_order(
        history in testing::histories(hostile_histories()),
    ) {
        check_steps(history.limits.clone(), &history.steps)?;
    }
}

#[test]
fn a_lock_refused_by_several_rules_lists_them_in_the_documented_order() {
    let mut w = World::with_snapshot();
    // Out of range three ways (LOCK-1), on a snapshot that is not its
    // actor's (PERM-4 stops there).
    let command = Command::from(lock_cmd("s-1", 0, 100_000));
    let refusals = w.state.explain(w.now, &root(OWNER), &command);
    let rules: Vec<RuleId> = refusals.iter().map(Violation::rule).collect();
    assert_eq!(rules, [RuleId::Lock1, RuleId::Lock1, RuleId::Lock1]);
    assert_eq!(out_of_order(&command, &refusals), None);
    let foreign = w.state.explain(w.now, &root(OTHER), &command);
    assert_eq!(
        foreign.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Perm4]
    );
    w.ok(&root(OWNER), lock_cmd("s-1", 30, 0));
    w.at(w.now + hours(1));
    // In compliance, a cooling-off is refused and so is a shorter lock
    // (LOCK-8, twice), after the range check (LOCK-1).
    let shorter = Command::from(lock_cmd("s-1", 1, 100_000));
    let refusals = w.state.explain(w.now, &root(OWNER), &shorter);
    let rules: Vec<RuleId> = refusals.iter().map(Violation::rule).collect();
    assert_eq!(rules.first(), Some(&RuleId::Lock1));
    assert_eq!(out_of_order(&shorter, &refusals), None);
}
