//! GEN-3: a refused command leaves the state exactly as it was and returns a
//! typed violation naming its rule and objects and, where waiting lifts it,
//! the earliest instant at which the same command is allowed.

use crate::common;
use crate::gen_support;

use common::*;
use gen_support::*;
use snapguard::{
    Actor, ArchiveSnapshot, Command, Event, LockState, MarkAccountOverdue, ReleaseOverdueSnapshot,
    RuleId, Violation,
};

// ---------------------------------------------------------------------------
// GEN-3: refusals change nothing and say when waiting lifts them
// ---------------------------------------------------------------------------

#[test]
fn gen_3_lock_10_refusal_names_the_snapshot_and_retries_at_lock_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let expiry = t0() + days(30);
    w.at(expiry - secs(1));
    let refusal = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(
        refusal,
        Violation::SnapshotLocked {
            snapshot: sid("s-1"),
            state: LockState::Compliance,
            expiry
        }
    );
    assert_eq!(refusal.retry_at(), Some(expiry));
    // The instant it names is when the same command goes through.
    w.at(expiry);
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert!(
        matches!(events.last(), Some(Event::SnapshotDeleted { snapshot, .. }) if *snapshot == sid("s-1"))
    );
    assert!(!w.exists("s-1"));
}

#[test]
fn gen_3_lock_10_refusal_during_cooling_off_also_retries_at_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let refusal = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(
        refusal,
        Violation::SnapshotLocked {
            snapshot: sid("s-1"),
            state: LockState::CoolOff,
            expiry: t0() + days(30)
        }
    );
    let report = w.state.deletion_report(w.now, &root(OWNER), &sid("s-1"));
    assert_eq!(report.blockers, vec![refusal]);
    assert_eq!(report.earliest, Some(t0() + days(30)));
}

#[test]
fn gen_3_snap_5_refusal_has_no_retry_instant() {
    let mut w = World::with_snapshot();
    let refusal = w.refused(
        &root(OWNER),
        create_snapshot("s-2", "d-1", Some(0)),
        RuleId::Snap5,
    );
    assert!(matches!(
        refusal,
        Violation::RetentionOutOfRange { days: 0, .. }
    ));
    assert_eq!(refusal.retry_at(), None);
    assert!(!w.exists("s-2"));
}

#[test]
fn gen_3_lock_8_shortening_retries_when_the_same_duration_reaches_the_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let expiry = t0() + days(30);
    w.wait(days(1));
    let refusal = w.refused(&root(OWNER), lock_cmd("s-1", 1, 0), RuleId::Lock8);
    let retry = refusal.retry_at().expect("waiting lifts it");
    assert_eq!(retry, expiry - days(1));
    w.at(retry - secs(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 1, 0), RuleId::Lock8);
    w.at(retry);
    // Extending to exactly the current expiry is an accepted no-op (LOCK-8).
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 1, 0));
    assert!(events.is_empty());
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap().expiry,
        expiry
    );
}

#[test]
fn gen_3_arch_1_too_young_retries_at_minimum_age() {
    let mut w = World::with_snapshot();
    let archivable = t0() + days(14);
    w.at(archivable - secs(1));
    let archive = ArchiveSnapshot::new("s-1").retention_days(100);
    let refusal = w.refused(&root(OWNER), archive.clone(), RuleId::Arch1);
    assert_eq!(refusal.retry_at(), Some(archivable));
    w.at(archivable);
    w.ok(&root(OWNER), archive);
}

#[test]
fn gen_3_lock_12_release_retries_at_overdue_threshold() {
    let mut w = World::with_snapshot();
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OWNER));
    let threshold = t0() + days(30);
    w.at(threshold - secs(1));
    let release = ReleaseOverdueSnapshot::new("s-1");
    let refusal = w.refused(&Actor::Billing, release.clone(), RuleId::Lock12);
    assert_eq!(refusal.retry_at(), Some(threshold));
    w.at(threshold);
    w.ok(&Actor::Billing, release);
    assert!(!w.exists("s-1"));
}

#[test]
fn gen_3_refusal_does_not_record_due_time_events() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-1", 90, 0);
    // s-2's retention has ended, but nothing recorded it yet.
    w.at(t0() + days(61));
    let before = w.state.clone();
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(w.state, before);
    assert!(
        w.exists("s-2"),
        "a refused command must not record the release"
    );
    // The release is still due, and advance records it.
    let advanced = w.state.advance(w.now).unwrap();
    assert_eq!(advanced.events, vec![released(t0() + days(60), "s-2")]);
}

#[test]
fn gen_3_decide_and_explain_agree_on_the_first_refusal() {
    let mut w = World::with_snapshot();
    let nobody = w.user(OWNER, "nobody", vec![]);
    w.lock("s-1", 30, 0);
    let command = Command::from(delete("s-1"));
    let decided = w.state.decide(w.now, &nobody, &command).unwrap_err();
    let explained = w.state.explain(w.now, &nobody, &command);
    assert_eq!(explained.first(), Some(&decided));
    // Both the permission and the lock refuse it.
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Perm1, RuleId::Lock10]
    );
    assert!(
        w.state
            .explain(w.now + days(30), &root(OWNER), &command)
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// GEN-3: every refusal's message names its rule first
// ---------------------------------------------------------------------------

#[test]
fn gen_3_every_refusal_message_starts_with_its_rule_id() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    use snapguard::testing::{self, HistoryConfig};

    let mut runner = TestRunner::deterministic();
    let strategy = testing::histories(HistoryConfig::default().with_hostile_percent(30));
    let mut rules = std::collections::BTreeSet::new();
    for _ in 0..64 {
        let history = strategy.new_tree(&mut runner).unwrap().current();
        let mut state = snapguard::State::with_limits(history.limits.clone()).unwrap();
        for step in &history.steps {
            if let Err(violation) = step.run(&mut state) {
                let message = violation.to_string();
                let prefix = format!("{}: ", violation.rule().code());
                assert!(message.starts_with(&prefix), "{message:?} ({violation:?})");
                rules.insert(violation.rule());
            }
        }
    }
    // The histories reach many rules, so the prefix is checked on many
    // kinds of refusal, not only the common ones.
    assert!(
        rules.len() >= 20,
        "only {} rules reached: {rules:?}",
        rules.len()
    );
}
