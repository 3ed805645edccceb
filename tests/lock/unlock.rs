//! Ending a lock and reading it back: LOCK-6 unlocking in cooling-off,
//! LOCK-9 expiry, LOCK-15 describing, and PERM-2 for
//! `ecs:UnlockSnapshot` and `ecs:DescribeLockedSnapshots`.
//!
//! Each refusal is checked for its rule and an unchanged state
//! (`World::refused`); time rules at boundary - 1s, boundary, boundary + 1s.

use crate::common;
use crate::lock_support;

use common::*;
use lock_support::*;
use snapguard::{
    DeletionCause, Event, Lock, LockQuery, LockState, LockView, RuleId, Statement, Violation,
};

// ---------------------------------------------------------------- helpers

fn ids(views: &[LockView]) -> Vec<String> {
    views.iter().map(|v| v.snapshot.to_string()).collect()
}

// ---------------------------------------------------------------- LOCK-6

#[test]
fn lock_6_unlock_in_cool_off_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), unlock("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotUnlocked {
            at: w.now,
            snapshot: sid("s-1")
        }]
    );
    let snapshot = w.state.snapshot(&sid("s-1")).unwrap();
    assert_eq!(snapshot.lock, None);
    assert_eq!(snapshot.lock_state(w.now), None);
    // Nothing protects it any more.
    w.ok(&root(OWNER), delete("s-1"));
    assert!(!w.exists("s-1"));
}

#[test]
fn lock_6_unlock_one_second_before_cool_off_end_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.at(t0() + hours(24) - secs(1));
    let events = w.ok(&root(OWNER), unlock("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotUnlocked {
            at: w.now,
            snapshot: sid("s-1")
        }]
    );
    assert_eq!(w.state.snapshot(&sid("s-1")).unwrap().lock, None);
}

#[test]
fn lock_6_unlock_refused_in_compliance_and_waiting_does_not_lift_it_rule_changed() {
    // Rule changed (LOCK-6 follows the ECS API): at the expiry the lock is
    // gone and unlocking is refused as not locked, so waiting lifts
    // nothing and no retry instant is given.
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let expiry = t0() + days(30);
    for t in [
        t0() + hours(24),
        t0() + hours(24) + secs(1),
        expiry - secs(1),
    ] {
        w.at(t);
        let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
        assert!(matches!(v, Violation::UnlockInCompliance { .. }), "{v:?}");
        assert_eq!(v.retry_at(), None, "at {t}");
    }
    w.at(expiry);
    let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    assert!(matches!(v, Violation::NotLocked { .. }), "{v:?}");
}

#[test]
fn lock_6_unlock_never_locked_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    assert!(matches!(v, Violation::NotLocked { .. }), "{v:?}");
    assert_eq!(v.retry_at(), None);
}

#[test]
fn lock_6_unlock_again_after_unlock_in_cool_off_refused_not_locked() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.ok(&root(OWNER), unlock("s-1"));
    assert_eq!(get(&w, "s-1").lock, None);
    let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    assert!(matches!(v, Violation::NotLocked { .. }), "{v:?}");
    assert_eq!(v.to_string(), "LOCK-6: snapshot `s-1` is not locked");
    assert_eq!(v.retry_at(), None);
}

#[test]
fn lock_6_perm_2_unlock_needs_unlock_permission() {
    let mut w = World::with_snapshot();
    let arn = snapshot_arn(OWNER, "s-1");
    let locker = w.user(
        OWNER,
        "locker",
        vec![Statement::allow(
            ["ecs:LockSnapshot", "ecs:DeleteSnapshot"],
            [arn.as_str()],
        )],
    );
    let unlocker = w.user(
        OWNER,
        "unlocker",
        vec![Statement::allow(["ecs:UnlockSnapshot"], [arn.as_str()])],
    );
    w.ok(&locker, lock_cmd("s-1", 30, 24));
    w.wait(hours(1));
    let v = w.refused(&locker, unlock("s-1"), RuleId::Perm2);
    assert!(
        matches!(
            v,
            Violation::PermissionDenied {
                action: snapguard::Action::UnlockSnapshot,
                explicit_deny: false,
                ..
            }
        ),
        "{v:?}"
    );
    let events = w.ok(&unlocker, unlock("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotUnlocked {
            at: w.now,
            snapshot: sid("s-1")
        }]
    );
}

#[test]
fn lock_6_perm_2_explicit_deny_wins_over_allow_star() {
    let mut w = World::with_snapshot();
    let arn = snapshot_arn(OWNER, "s-1");
    let user = w.user(
        OWNER,
        "alice",
        vec![
            allow_all(),
            Statement::deny(["ecs:UnlockSnapshot"], [arn.as_str()]),
        ],
    );
    // Allow * lets her lock...
    w.ok(&user, lock_cmd("s-1", 30, 24));
    w.wait(hours(1));
    // ...but the Deny wins on unlocking, even in cooling-off.
    let v = w.refused(&user, unlock("s-1"), RuleId::Perm2);
    assert!(
        matches!(
            v,
            Violation::PermissionDenied {
                explicit_deny: true,
                ..
            }
        ),
        "{v:?}"
    );
    assert_eq!(lock_of(&w, "s-1").state_at(w.now), LockState::CoolOff);
}

// ---------------------------------------------------------------- LOCK-9

#[test]
fn lock_9_delete_allowed_after_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 2, 0);
    let expiry = t0() + days(2);

    w.at(expiry - secs(1));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);

    let mut later = fork(&w);
    later.at(expiry + secs(1));
    later.ok(&root(OWNER), delete("s-1"));
    assert!(!later.exists("s-1"));

    w.at(expiry);
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_eq!(
        events.first(),
        Some(&Event::LockExpired {
            at: expiry,
            snapshot: sid("s-1")
        })
    );
    assert_eq!(
        deleted(&events),
        vec![("s-1".to_owned(), DeletionCause::Requested)]
    );
    assert!(!w.exists("s-1"));
}

#[test]
fn lock_9_fresh_lock_allowed_after_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 2, 0);
    let expiry = t0() + days(2);
    w.at(expiry);
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 5, 12));
    let fresh = Lock::new(expiry, 5, 12).unwrap();
    assert_eq!(
        events,
        vec![
            Event::LockExpired {
                at: expiry,
                snapshot: sid("s-1")
            },
            Event::LockSet {
                at: expiry,
                snapshot: sid("s-1"),
                lock: fresh
            },
        ]
    );
    assert_eq!(lock_of(&w, "s-1"), fresh);
    // A fresh lock has its own cooling-off: it can be removed again.
    assert_eq!(view_at(&w, w.now, "s-1").state, LockState::CoolOff);
    w.wait(hours(1));
    w.ok(&root(OWNER), unlock("s-1"));
}

#[test]
fn lock_6_unlock_after_expiry_is_refused_rule_changed() {
    // Rule changed (LOCK-6 follows the ECS API, `InvalidSnapshotLock.NotFound`):
    // an expired lock is no lock to remove. One second before the expiry
    // the lock is in compliance; at it and after it, not locked.
    let mut w = World::with_snapshot();
    w.lock("s-1", 2, 0);
    let expiry = t0() + days(2);
    w.at(expiry - secs(1));
    let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    assert!(matches!(v, Violation::UnlockInCompliance { .. }), "{v:?}");
    for t in [expiry, expiry + secs(1), t0() + days(3)] {
        w.at(t);
        let v = w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
        assert_eq!(
            v,
            Violation::NotLocked {
                snapshot: "s-1".into()
            },
            "at {t}"
        );
    }
    w.state = w.state.advance(w.now).unwrap().state;
    w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
}

// ---------------------------------------------------------------- LOCK-15

/// s-1 in cooling-off, s-2 in compliance, s-3 expired, s-4 never locked.
fn described_world() -> World {
    let mut w = World::with_snapshot();
    for id in ["s-2", "s-3", "s-4"] {
        w.snapshot(OWNER, "d-1", id, None);
    }
    w.lock("s-3", 1, 0);
    w.at(t0() + days(2));
    w.lock("s-1", 30, 24);
    w.lock("s-2", 30, 0);
    w.wait(hours(1));
    w
}

#[test]
fn lock_15_describe_filters_by_state_and_reports_instants() {
    let w = described_world();
    let all = w
        .state
        .describe_locked_snapshots(w.now, &root(OWNER), &LockQuery::all())
        .unwrap();
    assert_eq!(ids(&all), ["s-1", "s-2", "s-3"]);

    for (state, id) in [
        (LockState::CoolOff, "s-1"),
        (LockState::Compliance, "s-2"),
        (LockState::Expired, "s-3"),
    ] {
        let views = w
            .state
            .describe_locked_snapshots(w.now, &root(OWNER), &LockQuery::in_state(state))
            .unwrap();
        assert_eq!(ids(&views), [id], "{state}");
        let view = &views[0];
        let lock = lock_of(&w, id);
        assert_eq!(view.state, state);
        assert_eq!(view.start, lock.start);
        assert_eq!(view.cool_off_end, lock.cool_off_end);
        assert_eq!(view.expiry, lock.expiry);
        assert_eq!(view.account, OWNER);
        assert_eq!(view.region, REGION);
    }
    let s2 = &w
        .state
        .describe_locked_snapshots(
            w.now,
            &root(OWNER),
            &LockQuery::in_state(LockState::Compliance),
        )
        .unwrap()[0];
    assert_eq!(
        (s2.start, s2.cool_off_end, s2.expiry),
        (t0() + days(2), t0() + days(2), t0() + days(32))
    );

    // The state is computed at the instant asked about.
    let later = t0() + days(2) + hours(24);
    let views = w
        .state
        .describe_locked_snapshots(
            later,
            &root(OWNER),
            &LockQuery::in_state(LockState::Compliance),
        )
        .unwrap();
    assert_eq!(ids(&views), ["s-1", "s-2"]);

    let elsewhere = w
        .state
        .describe_locked_snapshots(
            w.now,
            &root(OWNER),
            &LockQuery::all().in_region(OTHER_REGION),
        )
        .unwrap();
    assert!(elsewhere.is_empty());
    // Another account sees none of them.
    assert!(
        w.state
            .describe_locked_snapshots(w.now, &root(OTHER), &LockQuery::all())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn lock_15_lock_view_of_never_locked_snapshot_is_none() {
    let w = described_world();
    assert_eq!(
        w.state.lock_view(w.now, &root(OWNER), &sid("s-4")).unwrap(),
        None
    );
    let v = w
        .state
        .lock_view(w.now, &root(OTHER), &sid("s-1"))
        .unwrap_err();
    assert_eq!(v.rule(), RuleId::Perm4);
}

#[test]
fn lock_15_perm_2_describe_needs_describe_permission() {
    let mut w = described_world();
    let arn = snapshot_arn(OWNER, "*");
    let locker = w.user(
        OWNER,
        "locker",
        vec![Statement::allow(
            ["ecs:LockSnapshot", "ecs:UnlockSnapshot"],
            [arn.as_str()],
        )],
    );
    let denied = w.user(
        OWNER,
        "denied",
        vec![
            allow_all(),
            Statement::deny(["ecs:DescribeLockedSnapshots"], [arn.as_str()]),
        ],
    );
    let auditor = w.user(
        OWNER,
        "auditor",
        vec![Statement::allow(
            ["ecs:DescribeLockedSnapshots"],
            [arn.as_str()],
        )],
    );

    for user in [&locker, &denied] {
        let v = w
            .state
            .describe_locked_snapshots(w.now, user, &LockQuery::all())
            .unwrap_err();
        assert_eq!(v.rule(), RuleId::Perm2, "{user}");
        assert!(matches!(
            v,
            Violation::PermissionDenied {
                action: snapguard::Action::DescribeLockedSnapshots,
                ..
            }
        ));
        let v = w.state.lock_view(w.now, user, &sid("s-1")).unwrap_err();
        assert_eq!(v.rule(), RuleId::Perm2, "{user}");
    }
    let v = w.state.lock_view(w.now, &denied, &sid("s-1")).unwrap_err();
    assert!(
        matches!(
            v,
            Violation::PermissionDenied {
                explicit_deny: true,
                ..
            }
        ),
        "{v:?}"
    );

    let views = w
        .state
        .describe_locked_snapshots(w.now, &auditor, &LockQuery::all())
        .unwrap();
    assert_eq!(ids(&views), ["s-1", "s-2", "s-3"]);
    assert_eq!(
        w.state
            .lock_view(w.now, &auditor, &sid("s-2"))
            .unwrap()
            .unwrap()
            .state,
        LockState::Compliance
    );
}
