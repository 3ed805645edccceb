//! Snapshot retention: SNAP-2 (release at the retention end), SNAP-3 (the
//! owner extends retention or makes it permanent, never shortens it) and SNAP-5
//! (retention in days is 1 to 65,536).

use crate::common;
use crate::snapshot_support;

use chrono::{DateTime, Utc};
use common::*;
use snapguard::{
    Actor, CreateAutomaticSnapshot, CreateSnapshot, Event, Limits, ReleaseReason, Retention,
    RetentionRequest, RuleId, Violation,
};
use snapshot_support::*;

// ---------------------------------------------------------------- SNAP-2

/// A disk `d-1` and an available snapshot `s-r` created at t0 + 1h with a
/// retention of 3 days; returns the retention end.
fn retained() -> (World, DateTime<Utc>) {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.wait(hours(1));
    w.snapshot(OWNER, "d-1", "s-r", Some(3));
    let end = t0() + hours(1) + days(3);
    (w, end)
}

fn released(at: DateTime<Utc>) -> Event {
    Event::SnapshotReleased {
        at,
        snapshot: "s-r".into(),
        reason: ReleaseReason::RetentionEnded,
    }
}

#[test]
fn snap_2_snapshot_still_there_one_second_before_retention_end() {
    let (mut w, end) = retained();
    let t = w.state.advance(end - secs(1)).unwrap();
    assert!(t.events.is_empty(), "{:?}", t.events);
    assert!(t.state.snapshot(&"s-r".into()).is_some());
    // A command at that instant does not release it either.
    w.at(end - secs(1));
    let events = start(&mut w, "d-1", "s-2", None);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SnapshotReleased { .. })),
        "{events:?}"
    );
    assert!(w.exists("s-r"));
}

#[test]
fn snap_2_snapshot_released_at_retention_end_via_advance() {
    let (w, end) = retained();
    let before = w.state.clone();
    let t = w.state.advance(end).unwrap();
    assert_eq!(t.events, vec![released(end)]);
    assert!(t.state.snapshot(&"s-r".into()).is_none());
    assert_eq!(t.state.clock(), Some(end));
    assert_eq!(w.state, before, "advance borrows the state");
}

#[test]
fn snap_2_snapshot_released_one_second_after_retention_end_at_the_end_instant() {
    let (w, end) = retained();
    let t = w.state.advance(end + secs(1)).unwrap();
    assert_eq!(
        t.events,
        vec![released(end)],
        "the event carries the retention end, not the advance instant"
    );
    assert!(t.state.snapshot(&"s-r".into()).is_none());
}

#[test]
fn snap_2_next_deadline_is_the_retention_end() {
    let (w, end) = retained();
    assert_eq!(w.state.next_deadline(), Some(end));
    let due = w.state.next_deadline().unwrap();
    let t = w.state.advance(due).unwrap();
    assert_eq!(t.events, vec![released(end)]);
    assert!(t.state.snapshot(&"s-r".into()).is_none());
    assert_eq!(t.state.next_deadline(), None);
    // Nothing more happens later.
    assert!(t.state.advance(end + days(1000)).unwrap().events.is_empty());
}

#[test]
fn snap_2_release_comes_first_in_a_command_at_the_retention_end() {
    let (mut w, end) = retained();
    w.at(end);
    let events = start(&mut w, "d-1", "s-2", None);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0], released(end));
    assert!(matches!(&events[1], Event::SnapshotCreated { snapshot, .. } if snapshot.id == "s-2"));
    assert!(!w.exists("s-r"));
    assert!(w.exists("s-2"));
}

#[test]
fn snap_2_released_snapshot_can_no_longer_be_deleted_one_second_after() {
    let (mut w, end) = retained();
    w.at(end + secs(1));
    w.refused(&root(OWNER), delete("s-r"), RuleId::Gen4);
}

#[test]
fn snap_2_permanent_snapshot_is_never_released() {
    let w = World::with_snapshot();
    assert_eq!(w.state.next_deadline(), None);
    let t = w.state.advance(t0() + days(70_000)).unwrap();
    assert!(t.events.is_empty());
    assert!(t.state.snapshot(&"s-1".into()).is_some());
}

#[test]
fn snap_2_zero_day_retention_allowed_by_limits_is_released_at_once() {
    // With a minimum retention of 0 days, a snapshot may be created whose
    // retention ends at the instant it is created: the release is due at
    // once and recorded by the next catch-up, never lost.
    let mut limits = Limits::default();
    limits.min_retention_days = 0;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.ok(
        &root(OWNER),
        CreateSnapshot::new("s-0", "d-1").retention_days(0),
    );
    assert_eq!(w.state.next_deadline(), Some(w.now));
    let advanced = w.state.advance(w.now).unwrap();
    assert!(matches!(
        advanced.events.as_slice(),
        [Event::SnapshotReleased { snapshot, reason: ReleaseReason::RetentionEnded, .. }] if snapshot.as_str() == "s-0"
    ));
    assert!(advanced.state.snapshot(&"s-0".into()).is_none());
    assert_eq!(advanced.state.next_deadline(), None);
}

// ---------------------------------------------------------------- SNAP-3

/// Snapshot `s-1` created at t0 with a retention of 10 days.
fn ten_days() -> World {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(10));
    w
}

#[test]
fn snap_3_extend_retention_counts_days_from_creation() {
    let mut w = ten_days();
    w.wait(days(5));
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(20)),
    );
    let expected = Retention::Until(t0() + days(20));
    assert_eq!(
        events,
        vec![Event::RetentionChanged {
            at: w.now,
            snapshot: "s-1".into(),
            retention: expected
        }]
    );
    assert_eq!(get(&w, "s-1").retention, expected);
    assert_eq!(w.state.next_deadline(), Some(t0() + days(20)));
}

#[test]
fn snap_3_extended_snapshot_outlives_its_old_retention_end() {
    let mut w = ten_days();
    w.wait(days(5));
    w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(20)),
    );
    let t = w.state.advance(t0() + days(10)).unwrap();
    assert!(t.events.is_empty(), "{:?}", t.events);
    assert!(t.state.snapshot(&"s-1".into()).is_some());
    let t = w.state.advance(t0() + days(20)).unwrap();
    assert_eq!(
        t.events,
        vec![Event::SnapshotReleased {
            at: t0() + days(20),
            snapshot: "s-1".into(),
            reason: ReleaseReason::RetentionEnded
        }]
    );
}

#[test]
fn snap_3_make_permanent_accepted() {
    let mut w = ten_days();
    w.wait(days(9));
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Permanent),
    );
    assert_eq!(
        events,
        vec![Event::RetentionChanged {
            at: w.now,
            snapshot: "s-1".into(),
            retention: Retention::Permanent
        }]
    );
    assert_eq!(get(&w, "s-1").retention, Retention::Permanent);
    assert_eq!(w.state.next_deadline(), None);
    assert!(w.state.advance(t0() + days(100)).unwrap().events.is_empty());
}

#[test]
fn snap_3_shorten_retention_refused() {
    let mut w = ten_days();
    w.wait(days(2));
    for shorter in [9, 5, 3] {
        let v = w.refused(
            &root(OWNER),
            set_retention("s-1", RetentionRequest::Days(shorter)),
            RuleId::Snap3,
        );
        assert!(
            matches!(v, Violation::RetentionShortened { current, requested, .. }
                if current == Retention::Until(t0() + days(10)) && requested == Retention::Until(t0() + days(i64::from(shorter)))),
            "{v:?}"
        );
    }
}

#[test]
fn snap_3_permanent_to_days_refused() {
    let mut w = World::with_snapshot();
    w.wait(days(1));
    for days in [1, 1000, 65_536] {
        w.refused(
            &root(OWNER),
            set_retention("s-1", RetentionRequest::Days(days)),
            RuleId::Snap3,
        );
    }
    assert_eq!(get(&w, "s-1").retention, Retention::Permanent);
}

#[test]
fn snap_3_same_retention_again_is_an_accepted_no_op() {
    let mut w = ten_days();
    w.wait(days(3));
    let before = w.state.clone();
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(10)),
    );
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(w.state, before);

    let mut w = World::with_snapshot();
    w.wait(days(3));
    let before = w.state.clone();
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Permanent),
    );
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(w.state, before);
}

#[test]
fn snap_3_other_account_cannot_change_retention_perm_4() {
    let mut w = ten_days();
    w.refused(
        &root(OTHER),
        set_retention("s-1", RetentionRequest::Days(20)),
        RuleId::Perm4,
    );
    w.refused(
        &root(OTHER),
        set_retention("s-1", RetentionRequest::Permanent),
        RuleId::Perm4,
    );
}

// ---------------------------------------------------------------- SNAP-5

#[test]
fn snap_5_create_snapshot_retention_range() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    for bad in [0, 65_537, u32::MAX] {
        let v = w.refused(
            &root(OWNER),
            CreateSnapshot::new("s-x", "d-1").retention_days(bad),
            RuleId::Snap5,
        );
        assert!(
            matches!(v, Violation::RetentionOutOfRange { days, min: 1, max: 65_536 } if days == bad),
            "{v:?}"
        );
    }
    start(&mut w, "d-1", "s-min", Some(1));
    assert_eq!(
        get(&w, "s-min").retention,
        Retention::Until(w.now + days(1))
    );
    start(&mut w, "d-1", "s-max", Some(65_536));
    assert_eq!(
        get(&w, "s-max").retention,
        Retention::Until(w.now + days(65_536))
    );
}

#[test]
fn snap_5_copy_snapshot_retention_range() {
    let mut w = World::with_snapshot();
    w.wait(hours(1));
    for bad in [0, 65_537] {
        w.refused(&root(OWNER), copy("s-1", "c-x", Some(bad)), RuleId::Snap5);
    }
    w.ok(&root(OWNER), copy("s-1", "c-min", Some(1)));
    assert_eq!(
        get(&w, "c-min").retention,
        Retention::Until(w.now + days(1))
    );
    w.ok(&root(OWNER), copy("s-1", "c-max", Some(65_536)));
    assert_eq!(
        get(&w, "c-max").retention,
        Retention::Until(w.now + days(65_536))
    );
}

#[test]
fn snap_5_set_snapshot_retention_range() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(1));
    w.wait(hours(6));
    for bad in [0, 65_537] {
        let v = w.refused(
            &root(OWNER),
            set_retention("s-1", RetentionRequest::Days(bad)),
            RuleId::Snap5,
        );
        assert!(
            matches!(v, Violation::RetentionOutOfRange { days, .. } if days == bad),
            "{v:?}"
        );
    }
    // 1 day is its current retention: accepted, nothing changes.
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(1)),
    );
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(get(&w, "s-1").retention, Retention::Until(t0() + days(1)));
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(65_536)),
    );
    let expected = Retention::Until(t0() + days(65_536));
    assert_eq!(
        events,
        vec![Event::RetentionChanged {
            at: w.now,
            snapshot: "s-1".into(),
            retention: expected
        }]
    );
    assert_eq!(get(&w, "s-1").retention, expected);
}

#[test]
fn snap_5_create_automatic_snapshot_retention_range() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let auto = |id: &str, days: u32| CreateAutomaticSnapshot::new(id, "d-1").retention_days(days);
    w.refused(&Actor::Platform, auto("a-x", 0), RuleId::Snap5);
    w.refused(&Actor::Platform, auto("a-x", 65_537), RuleId::Snap5);
    w.ok(&Actor::Platform, auto("a-min", 1));
    assert_eq!(
        get(&w, "a-min").retention,
        Retention::Until(w.now + days(1))
    );
    w.ok(&Actor::Platform, auto("a-max", 65_536));
    assert_eq!(
        get(&w, "a-max").retention,
        Retention::Until(w.now + days(65_536))
    );
}
