//! Setting and configuring locks: LOCK-1 ranges, LOCK-2 start, LOCK-3
//! lockable snapshots, LOCK-5 states, LOCK-7 reconfiguring, LOCK-8
//! extending, PERM-2 for `ecs:LockSnapshot` (LOCK-4 is in `lock_usage.rs`).
//!
//! Each refusal is checked for its rule and an unchanged state
//! (`World::refused`); time rules at boundary - 1s, boundary, boundary + 1s.

use crate::common;
use crate::lock_support;

use chrono::{DateTime, Utc};
use common::*;
use lock_support::*;
use snapguard::{
    Actor, CreateBackupSnapshot, CreateSnapshot, Event, FinishSnapshot, Lock, LockState, RuleId,
    SnapshotStatus, Statement, Violation,
};

// ---------------------------------------------------------------- LOCK-1

#[test]
fn lock_1_duration_zero_days_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 0, 0), RuleId::Lock1);
    assert!(
        matches!(
            v,
            Violation::LockDurationOutOfRange {
                days: 0,
                min: 1,
                max: 36_500
            }
        ),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), None);
}

#[test]
fn lock_1_duration_one_day_accepted() {
    let mut w = World::with_snapshot();
    let events = w.lock("s-1", 1, 0);
    let lock = lock_of(&w, "s-1");
    assert_eq!(
        events,
        vec![Event::LockSet {
            at: w.now,
            snapshot: sid("s-1"),
            lock
        }]
    );
    assert_eq!(lock.expiry, w.now + days(1));
}

#[test]
fn lock_1_duration_36500_days_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 36_500, 0);
    assert_eq!(lock_of(&w, "s-1").expiry, w.now + days(36_500));
}

#[test]
fn lock_1_duration_36501_days_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 36_501, 0), RuleId::Lock1);
    assert!(
        matches!(v, Violation::LockDurationOutOfRange { days: 36_501, .. }),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), None);
}

#[test]
fn lock_1_cool_off_72_hours_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 72);
    let lock = lock_of(&w, "s-1");
    assert_eq!(lock.cool_off_end, w.now + hours(72));
    assert_eq!(
        lock.state_at(w.now + hours(72) - secs(1)),
        LockState::CoolOff
    );
}

#[test]
fn lock_1_cool_off_73_hours_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 30, 73), RuleId::Lock1);
    assert!(
        matches!(v, Violation::CoolOffOutOfRange { hours: 73, max: 72 }),
        "{v:?}"
    );
}

#[test]
fn lock_1_cool_off_longer_than_duration_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 1, 25), RuleId::Lock1);
    assert!(
        matches!(
            v,
            Violation::CoolOffExceedsDuration {
                cool_off_hours: 25,
                duration_days: 1
            }
        ),
        "{v:?}"
    );
    // Two days hold at most 48 hours of cooling-off.
    w.refused(&root(OWNER), lock_cmd("s-1", 2, 49), RuleId::Lock1);
}

#[test]
fn lock_1_cool_off_equal_to_duration_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 1, 24);
    let lock = lock_of(&w, "s-1");
    assert_eq!(lock.cool_off_end, lock.expiry);
    assert_eq!(lock.expiry, w.now + days(1));
    // Cooling-off for its whole life, then expired: never in compliance.
    assert_eq!(lock.state_at(lock.expiry - secs(1)), LockState::CoolOff);
    assert_eq!(lock.state_at(lock.expiry), LockState::Expired);
}

#[test]
fn lock_1_ranges_apply_to_an_extension_in_compliance() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 36_501, 0), RuleId::Lock1);
    w.refused(&root(OWNER), lock_cmd("s-1", 0, 0), RuleId::Lock1);
}

// ---------------------------------------------------------- LOCK-2, LOCK-5

#[test]
fn lock_2_lock_starts_at_now_with_cool_off_end_and_expiry_from_start() {
    let mut w = World::with_snapshot();
    w.wait(hours(5) + secs(7));
    let start = w.now;
    w.lock("s-1", 30, 24);
    let lock = lock_of(&w, "s-1");
    assert_eq!(lock.start, start);
    assert_eq!(lock.cool_off_end, start + hours(24));
    assert_eq!(lock.expiry, start + days(30));
    let view = view_at(&w, start, "s-1");
    assert_eq!(
        (view.start, view.cool_off_end, view.expiry),
        (lock.start, lock.cool_off_end, lock.expiry)
    );
}

#[track_caller]
fn check_state_everywhere(w: &World, t: DateTime<Utc>, expected: LockState) {
    let lock = lock_of(w, "s-1");
    assert_eq!(lock.state_at(t), expected, "Lock::state_at({t})");
    let snapshot = w.state.snapshot(&sid("s-1")).unwrap();
    assert_eq!(
        snapshot.lock_state(t),
        Some(expected),
        "Snapshot::lock_state({t})"
    );
    assert_eq!(
        view_at(w, t, "s-1").state,
        expected,
        "State::lock_view({t})"
    );
}

#[test]
fn lock_5_state_around_cool_off_end() {
    let mut w = World::with_snapshot();
    w.wait(hours(1));
    let start = w.now;
    w.lock("s-1", 30, 24);
    let end = start + hours(24);
    check_state_everywhere(&w, start, LockState::CoolOff);
    check_state_everywhere(&w, end - secs(1), LockState::CoolOff);
    check_state_everywhere(&w, end, LockState::Compliance);
    check_state_everywhere(&w, end + secs(1), LockState::Compliance);
}

#[test]
fn lock_5_state_around_expiry() {
    let mut w = World::with_snapshot();
    w.wait(hours(1));
    let start = w.now;
    w.lock("s-1", 30, 24);
    let expiry = start + days(30);
    check_state_everywhere(&w, expiry - secs(1), LockState::Compliance);
    check_state_everywhere(&w, expiry, LockState::Expired);
    check_state_everywhere(&w, expiry + secs(1), LockState::Expired);
}

#[test]
fn lock_5_zero_cool_off_is_compliance_at_once_no_retry_rule_changed() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    let lock = lock_of(&w, "s-1");
    assert_eq!(lock.cool_off_end, lock.start);
    check_state_everywhere(&w, w.now, LockState::Compliance);
    let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    // Waiting never lifts it: at the expiry there is no lock to remove
    // (rule changed: LOCK-6 follows the ECS API).
    assert_eq!(v.retry_at(), None);
    // No cooling-off to end: the next deadline is the expiry.
    assert_eq!(w.state.next_deadline(), Some(lock.expiry));
}

#[test]
fn lock_5_advance_records_cool_off_end_then_expiry_at_their_instants() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let lock = lock_of(&w, "s-1");
    assert_eq!(w.state.next_deadline(), Some(lock.cool_off_end));
    assert!(
        w.state
            .advance(lock.cool_off_end - secs(1))
            .unwrap()
            .events
            .is_empty()
    );
    let at_end = w.state.advance(lock.cool_off_end).unwrap();
    assert_eq!(
        at_end.events,
        vec![Event::CoolOffEnded {
            at: lock.cool_off_end,
            snapshot: sid("s-1")
        }]
    );
    let state = at_end.state;
    assert_eq!(state.next_deadline(), Some(lock.expiry));
    assert!(
        state
            .advance(lock.expiry - secs(1))
            .unwrap()
            .events
            .is_empty()
    );
    assert_eq!(
        state.advance(lock.expiry).unwrap().events,
        vec![Event::LockExpired {
            at: lock.expiry,
            snapshot: sid("s-1")
        }]
    );
}

// ---------------------------------------------------------------- LOCK-3

#[test]
fn lock_3_in_progress_snapshot_refused() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), CreateSnapshot::new("s-2", "d-1"));
    let v = w.refused(&root(OWNER), lock_cmd("s-2", 10, 0), RuleId::Lock3);
    assert_not_available(&v, SnapshotStatus::InProgress);
}

#[test]
fn lock_3_failed_snapshot_refused() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), CreateSnapshot::new("s-2", "d-1"));
    w.ok(&Actor::Platform, FinishSnapshot::failed("s-2"));
    let v = w.refused(&root(OWNER), lock_cmd("s-2", 10, 0), RuleId::Lock3);
    assert_not_available(&v, SnapshotStatus::Failed);
}

#[test]
fn lock_3_cloud_backup_snapshot_refused() {
    let mut w = World::new();
    w.ok(
        &Actor::Platform,
        CreateBackupSnapshot::new("b-1", OWNER, REGION),
    );
    w.finish("b-1");
    assert_eq!(
        w.state.snapshot(&sid("b-1")).unwrap().status,
        SnapshotStatus::Available
    );
    let v = w.refused(&root(OWNER), lock_cmd("b-1", 10, 0), RuleId::Lock3);
    assert!(matches!(v, Violation::CloudBackupSnapshot { .. }), "{v:?}");
    assert_eq!(v.retry_at(), None);
}

// ---------------------------------------------------------------- LOCK-7

#[test]
fn lock_7_reconfigure_in_cool_off_upwards() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 24);
    w.wait(hours(5));
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 20, 72));
    let expected = Lock::new(w.now, 20, 72).unwrap();
    assert_eq!(
        events,
        vec![Event::LockReconfigured {
            at: w.now,
            snapshot: sid("s-1"),
            lock: expected
        }]
    );
    let lock = lock_of(&w, "s-1");
    assert_eq!(lock, expected);
    assert_eq!(lock.start, w.now);
    assert_eq!(lock.cool_off_end, w.now + hours(72));
    assert_eq!(lock.expiry, w.now + days(20));
}

#[test]
fn lock_7_reconfigure_in_cool_off_downwards() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 72);
    w.wait(hours(10));
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 2, 1));
    let lock = lock_of(&w, "s-1");
    assert_eq!(
        events,
        vec![Event::LockReconfigured {
            at: w.now,
            snapshot: sid("s-1"),
            lock
        }]
    );
    assert_eq!(lock.start, w.now);
    assert_eq!(lock.cool_off_end, w.now + hours(1));
    assert_eq!(lock.expiry, w.now + days(2));
    assert!(lock.expiry < t0() + days(30));
    // The new, shorter cooling-off governs from now.
    assert_eq!(
        lock.state_at(w.now + hours(1) - secs(1)),
        LockState::CoolOff
    );
    assert_eq!(lock.state_at(w.now + hours(1)), LockState::Compliance);
}

#[test]
fn lock_7_reconfigure_to_zero_cool_off_enters_compliance_at_once() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 48);
    w.wait(hours(2));
    w.ok(&root(OWNER), lock_cmd("s-1", 10, 0));
    assert_eq!(view_at(&w, w.now, "s-1").state, LockState::Compliance);
    w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
}

#[test]
fn lock_7_reconfigure_possible_until_cool_off_end_only() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let end = t0() + hours(24);

    let mut before = fork(&w);
    before.at(end - secs(1));
    let events = before.ok(&root(OWNER), lock_cmd("s-1", 5, 10));
    assert_eq!(
        events,
        vec![Event::LockReconfigured {
            at: end - secs(1),
            snapshot: sid("s-1"),
            lock: Lock::new(end - secs(1), 5, 10).unwrap()
        }]
    );

    // From the end of cooling-off the same request is a compliance change.
    for t in [end, end + secs(1)] {
        w.at(t);
        w.refused(&root(OWNER), lock_cmd("s-1", 5, 10), RuleId::Lock8);
    }
}

// ---------------------------------------------------------------- LOCK-8

#[test]
fn lock_8_extension_in_compliance_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    let before = lock_of(&w, "s-1");
    w.wait(days(1));
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 20, 0));
    assert_eq!(
        events,
        vec![Event::LockExtended {
            at: w.now,
            snapshot: sid("s-1"),
            expiry: w.now + days(20)
        }]
    );
    let after = lock_of(&w, "s-1");
    assert_eq!(after.start, before.start);
    assert_eq!(after.cool_off_end, before.cool_off_end);
    assert_eq!(after.expiry, t0() + days(21));
    assert_eq!(after.state_at(w.now), LockState::Compliance);
}

#[test]
fn lock_8_extension_after_cool_off_records_cool_off_end_first() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 24);
    w.wait(days(2));
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 20, 0));
    assert_eq!(
        events,
        vec![
            Event::CoolOffEnded {
                at: t0() + hours(24),
                snapshot: sid("s-1")
            },
            Event::LockExtended {
                at: w.now,
                snapshot: sid("s-1"),
                expiry: w.now + days(20)
            },
        ]
    );
}

#[test]
fn lock_8_shorter_expiry_refused_until_allowed_from() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    let expiry = t0() + days(10);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 5, 0), RuleId::Lock8);
    let allowed_from = expiry - days(5);
    match &v {
        Violation::LockShortened {
            current_expiry,
            requested_expiry,
            allowed_from: from,
            ..
        } => {
            assert_eq!(*current_expiry, expiry);
            assert_eq!(*requested_expiry, w.now + days(5));
            assert_eq!(*from, Some(allowed_from));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(v.retry_at(), Some(allowed_from));
    // The retry instant is exact: one second before still shortens.
    w.at(allowed_from - secs(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 5, 0), RuleId::Lock8);
    // At it, the same request reaches the current expiry: an accepted no-op.
    w.at(allowed_from);
    let before = w.state.clone();
    assert!(w.ok(&root(OWNER), lock_cmd("s-1", 5, 0)).is_empty());
    assert_eq!(w.state, before);
    // A second later it is an extension.
    w.at(allowed_from + secs(1));
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 5, 0));
    assert_eq!(
        events,
        vec![Event::LockExtended {
            at: w.now,
            snapshot: sid("s-1"),
            expiry: expiry + secs(1)
        }]
    );
}

#[test]
fn lock_8_equal_expiry_is_accepted_noop() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let before = w.state.clone();
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 9, 0));
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(w.state, before);
    assert_eq!(lock_of(&w, "s-1").expiry, t0() + days(10));
}

#[test]
fn lock_8_cool_off_given_in_compliance_refused() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 20, 1), RuleId::Lock8);
    assert!(
        matches!(
            v,
            Violation::CoolOffInCompliance {
                cool_off_hours: 1,
                ..
            }
        ),
        "{v:?}"
    );
    // Only a fresh lock after expiry may have a cooling-off again.
    assert_eq!(v.retry_at(), Some(t0() + days(10)));
}

#[test]
fn lock_8_extension_beyond_retention_refused_with_lock_4() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 40, 0), RuleId::Lock4);
    assert!(
        matches!(v, Violation::LockOutlivesRetention { .. }),
        "{v:?}"
    );
    // Up to the retention end is fine.
    w.ok(&root(OWNER), lock_cmd("s-1", 29, 0));
    assert_eq!(lock_of(&w, "s-1").expiry, t0() + days(30));
}

// ---------------------------------------------------------------- PERM-2

#[test]
fn perm_2_lock_and_modify_need_lock_permission() {
    let mut w = World::with_snapshot();
    let arn = snapshot_arn(OWNER, "s-1");
    let user = w.user(
        OWNER,
        "bob",
        vec![Statement::allow(
            ["ecs:UnlockSnapshot", "ecs:DescribeLockedSnapshots"],
            [arn.as_str()],
        )],
    );
    let v = w.refused(&user, lock_cmd("s-1", 30, 24), RuleId::Perm2);
    assert!(
        matches!(
            v,
            Violation::PermissionDenied {
                action: snapguard::Action::LockSnapshot,
                explicit_deny: false,
                ..
            }
        ),
        "{v:?}"
    );
    // Reconfiguring in cooling-off and extending in compliance need it too.
    w.lock("s-1", 30, 24);
    w.wait(hours(1));
    w.refused(&user, lock_cmd("s-1", 40, 24), RuleId::Perm2);
    w.wait(days(1));
    w.refused(&user, lock_cmd("s-1", 40, 0), RuleId::Perm2);
    // A user allowed it may.
    let locker = w.user(
        OWNER,
        "carol",
        vec![Statement::allow(["ecs:LockSnapshot"], [arn.as_str()])],
    );
    let events = w.ok(&locker, lock_cmd("s-1", 40, 0));
    assert_eq!(
        events,
        vec![Event::LockExtended {
            at: w.now,
            snapshot: sid("s-1"),
            expiry: w.now + days(40)
        }]
    );
}
