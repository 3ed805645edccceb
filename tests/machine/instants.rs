//! The instant a command carries: GEN-2 (time never runs backwards) and GEN-5
//! (a lock, retention or archive ending past chrono's last instant is a typed
//! violation, never a panic or saturation).

use crate::common;

use chrono::{DateTime, Utc};
use common::*;
use snapguard::{
    Actor, ArchiveSnapshot, CreateRegion, Event, LockQuery, LockState, RuleId,
    SetSnapshotRetention, Span, Violation,
};

// ---------------------------------------------------------------------------
// GEN-2: time never runs backwards
// ---------------------------------------------------------------------------

/// A world whose latest recorded instant is t0 + 1 day.
fn world_with_clock_one_day_on() -> World {
    let mut w = World::with_snapshot();
    w.wait(days(1));
    w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert_eq!(w.state.clock(), Some(t0() + days(1)));
    w
}

#[test]
fn gen_2_command_earlier_than_clock_is_refused() {
    let mut w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    w.at(latest - secs(1));
    let refusal = w.refused(&root(OWNER), blank_disk("d-3", REGION), RuleId::Gen2);
    assert_eq!(
        refusal,
        Violation::ClockWentBackwards {
            now: latest - secs(1),
            latest
        }
    );
    assert_eq!(refusal.retry_at(), None);
    // Far in the past, and for a system actor, too.
    w.at(t0());
    w.refused(&Actor::Platform, CreateRegion::new("eu-x"), RuleId::Gen2);
}

#[test]
fn gen_2_command_at_the_latest_instant_and_after_is_accepted() {
    let mut w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    w.at(latest);
    let events = w.ok(&root(OWNER), blank_disk("d-3", REGION));
    assert!(matches!(events.as_slice(), [Event::DiskCreated { at, .. }] if *at == latest));
    w.at(latest + secs(1));
    w.ok(&root(OWNER), blank_disk("d-4", REGION));
    assert_eq!(w.state.clock(), Some(latest + secs(1)));
}

#[test]
fn gen_2_advance_to_an_earlier_instant_is_refused() {
    let w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    let refusal = w.state.advance(latest - secs(1)).unwrap_err();
    assert_eq!(refusal.rule(), RuleId::Gen2);
    assert_eq!(
        refusal,
        Violation::ClockWentBackwards {
            now: latest - secs(1),
            latest
        }
    );
    let same = w.state.advance(latest).unwrap();
    assert!(same.events.is_empty());
    assert_eq!(same.state, w.state);
}

#[test]
fn gen_2_queries_at_an_earlier_instant_are_refused() {
    let mut w = world_with_clock_one_day_on();
    w.lock("s-1", 30, 0);
    let earlier = t0() + days(1) - secs(1);
    let owner = root(OWNER);
    assert_eq!(
        w.state
            .lock_view(earlier, &owner, &sid("s-1"))
            .unwrap_err()
            .rule(),
        RuleId::Gen2
    );
    assert_eq!(
        w.state
            .describe_locked_snapshots(earlier, &owner, &LockQuery::all())
            .unwrap_err()
            .rule(),
        RuleId::Gen2
    );
    let report = w.state.deletion_report(earlier, &owner, &sid("s-1"));
    assert_eq!(
        report
            .blockers
            .iter()
            .map(Violation::rule)
            .collect::<Vec<_>>(),
        [RuleId::Gen2]
    );
    assert_eq!(report.earliest, None);
    let explained = w.state.explain(earlier, &owner, delete("s-1"));
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Gen2]
    );
    let decided = w.state.decide(earlier, &owner, delete("s-1")).unwrap_err();
    assert_eq!(decided.rule(), RuleId::Gen2);
    // At the latest instant the query answers.
    let view = w
        .state
        .lock_view(t0() + days(1), &owner, &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view.state, LockState::Compliance);
}

// ---------------------------------------------------------------------------
// GEN-5: instants near chrono's limits
// ---------------------------------------------------------------------------

/// A world with snapshot s-1 (permanent, created at t0), moved to `now`.
fn world_at(now: DateTime<Utc>) -> World {
    let mut w = World::with_snapshot();
    w.at(now);
    w
}

fn near_max() -> DateTime<Utc> {
    DateTime::<Utc>::MAX_UTC - days(3)
}

#[test]
fn gen_5_lock_past_the_last_instant_is_time_out_of_range() {
    let mut w = world_at(near_max());
    let refusal = w.refused(&root(OWNER), lock_cmd("s-1", 30, 0), RuleId::Gen5);
    assert_eq!(
        refusal,
        Violation::TimeOutOfRange {
            start: near_max(),
            span: Span::Days(30)
        }
    );
    assert!(w.state.snapshot(&sid("s-1")).unwrap().lock.is_none());
}

#[test]
fn gen_5_lock_ending_exactly_at_the_last_instant_is_accepted() {
    // A 3-day lock fits at MAX - 3 days (ends at MAX) and one second before;
    // one second later it does not.
    for (offset, fits) in [(-1, true), (0, true), (1, false)] {
        let mut w = world_at(near_max() + secs(offset));
        if fits {
            w.ok(&root(OWNER), lock_cmd("s-1", 3, 0));
            let lock = w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap();
            assert_eq!(lock.expiry, near_max() + secs(offset) + days(3));
        } else {
            w.refused(&root(OWNER), lock_cmd("s-1", 3, 0), RuleId::Gen5);
        }
    }
}

#[test]
fn gen_5_retention_past_the_last_instant_is_time_out_of_range() {
    let mut w = world_at(near_max());
    let owner = root(OWNER);
    let out = Violation::TimeOutOfRange {
        start: near_max(),
        span: Span::Days(365),
    };
    assert_eq!(
        w.refused(
            &owner,
            create_snapshot("s-2", "d-1", Some(365)),
            RuleId::Gen5
        ),
        out
    );
    assert_eq!(
        w.refused(&owner, copy("s-1", "c-1", Some(365)), RuleId::Gen5),
        out
    );
    // A permanent snapshot at the same instant is fine, and its retention
    // (counted from its creation) cannot be set to 365 days either.
    w.ok(&owner, create_snapshot("s-2", "d-1", None));
    w.finish("s-2");
    let v = w.refused(&owner, SetSnapshotRetention::days("s-2", 365), RuleId::Gen5);
    assert_eq!(v, out);
}

#[test]
fn gen_5_archive_past_the_last_instant_is_time_out_of_range_rule_changed() {
    // Rule changed (ARCH-2 follows the ECS API): the archive retention
    // counts from the snapshot's creation, so it leaves the representable
    // instants only for a snapshot created near the end of time.
    let created = near_max() - days(20);
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.at(created);
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.at(near_max());
    let v = w.refused(
        &root(OWNER),
        ArchiveSnapshot::new("s-1").retention_days(74),
        RuleId::Gen5,
    );
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: created,
            span: Span::Days(74)
        }
    );
    assert!(!w.state.snapshot(&sid("s-1")).unwrap().is_archived());
    // Kept permanently, it can be archived at the last instants too.
    w.ok(&root(OWNER), ArchiveSnapshot::new("s-1"));
}
