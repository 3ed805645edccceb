//! Locks alongside the rest of a snapshot's life: LOCK-4 lock vs retention,
//! LOCK-13 copies, LOCK-14 archiving, LOCK-16 other uses of a locked
//! snapshot.
//!
//! Each refusal is checked for its rule and an unchanged state
//! (`World::refused`); time rules at boundary - 1s, boundary, boundary + 1s.

use crate::common;
use crate::lock_support;

use common::*;
use lock_support::*;
use snapguard::{
    CopySnapshot, CreateDisk, CreateImage, DiskCategory, DiskSource, Event, LockState,
    ReleaseReason, ResetDisk, Retention, RuleId, SetSnapshotRetention, Violation,
};

// ---------------------------------------------------------------- LOCK-4

#[test]
fn lock_4_lock_outliving_retention_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 31, 0), RuleId::Lock4);
    match v {
        Violation::LockOutlivesRetention {
            lock_expiry,
            retention_end,
            ..
        } => {
            assert_eq!(lock_expiry, t0() + days(31));
            assert_eq!(retention_end, t0() + days(30));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Waiting never helps: the remedy is to extend the retention.
    assert_eq!(v.retry_at(), None);
    // A day later, 30 days from now also outlive it.
    w.wait(days(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 30, 0), RuleId::Lock4);
}

#[test]
fn lock_4_lock_expiring_exactly_at_retention_end_accepted() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.wait(days(1));
    w.lock("s-1", 29, 0);
    let end = t0() + days(30);
    assert_eq!(lock_of(&w, "s-1").expiry, end);
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().retention,
        Retention::Until(end)
    );
    // At that instant the lock expires first, then the retention releases it.
    let events = w.state.advance(end).unwrap().events;
    assert_eq!(
        events,
        vec![
            Event::LockExpired {
                at: end,
                snapshot: sid("s-1")
            },
            Event::SnapshotReleased {
                at: end,
                snapshot: sid("s-1"),
                reason: ReleaseReason::RetentionEnded
            },
        ]
    );
}

#[test]
fn lock_4_extend_retention_first_then_lock_succeeds() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.refused(&root(OWNER), lock_cmd("s-1", 31, 0), RuleId::Lock4);
    let events = w.ok(&root(OWNER), SetSnapshotRetention::days("s-1", 60));
    assert_eq!(
        events,
        vec![Event::RetentionChanged {
            at: w.now,
            snapshot: sid("s-1"),
            retention: Retention::Until(t0() + days(60))
        }]
    );
    w.lock("s-1", 31, 0);
    assert_eq!(lock_of(&w, "s-1").expiry, t0() + days(31));
}

#[test]
fn lock_4_permanent_retention_never_conflicts() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.snapshot(OWNER, "d-1", "s-2", Some(5));
    w.lock("s-1", 36_500, 0);
    assert_eq!(lock_of(&w, "s-1").expiry, t0() + days(36_500));
    // A snapshot made permanent takes the longest lock too.
    w.refused(&root(OWNER), lock_cmd("s-2", 36_500, 0), RuleId::Lock4);
    w.ok(&root(OWNER), SetSnapshotRetention::permanent("s-2"));
    w.lock("s-2", 36_500, 0);
}

#[test]
fn lock_4_reconfigure_in_cool_off_beyond_retention_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.lock("s-1", 10, 48);
    w.wait(hours(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 31, 48), RuleId::Lock4);
    assert_eq!(lock_of(&w, "s-1").expiry, t0() + days(10));
}

// ---------------------------------------------------------------- LOCK-13

#[test]
fn lock_13_copy_of_locked_snapshot_carries_no_lock() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let source_lock = lock_of(&w, "s-1");
    let events = w.ok(&root(OWNER), CopySnapshot::new("s-1", "c-1", OTHER_REGION));
    match events.as_slice() {
        [Event::SnapshotCopied { snapshot, .. }] => {
            assert_eq!(snapshot.id, sid("c-1"));
            assert_eq!(snapshot.lock, None);
        }
        other => panic!("unexpected {other:?}"),
    }
    w.finish("c-1");
    let copy = w.state.snapshot(&sid("c-1")).unwrap();
    assert_eq!(copy.lock, None);
    assert_eq!(copy.lock_state(w.now), None);
    assert_eq!(
        w.state.lock_view(w.now, &root(OWNER), &sid("c-1")).unwrap(),
        None
    );
    // The source keeps its lock; the copy can be deleted at once.
    assert_eq!(lock_of(&w, "s-1"), source_lock);
    w.ok(&root(OWNER), delete("c-1"));
    assert!(!w.exists("c-1"));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
}

// ---------------------------------------------------------------- LOCK-14

/// `s-1` created at t0, locked at t0 for 100 days, now 14 days old.
fn archivable_locked_world() -> World {
    let mut w = World::with_snapshot();
    w.lock("s-1", 100, 0);
    w.at(t0() + days(14));
    w
}

// Rule changed (ARCH-2 follows the ECS API): the archive retention counts
// from the snapshot's creation, not from archiving, so the days at the
// boundary are the lock's 100 rather than 100 - 14.

#[test]
fn lock_14_archive_ending_before_lock_expiry_refused_rule_changed() {
    let mut w = archivable_locked_world();
    let expiry = t0() + days(100);
    let v = w.refused(&root(OWNER), archive("s-1", 99), RuleId::Lock14);
    assert_eq!(
        v,
        Violation::ArchiveEndsBeforeLock {
            snapshot: sid("s-1"),
            archive_end: expiry - days(1),
            lock_expiry: expiry,
        }
    );
    // Counted from creation, waiting does not lift it.
    assert_eq!(v.retry_at(), None);
    // Also in cooling-off: any active lock counts.
    let mut w = World::with_snapshot();
    w.at(t0() + days(14));
    w.lock("s-1", 100, 72);
    w.refused(&root(OWNER), archive("s-1", 113), RuleId::Lock14);
}

#[test]
fn lock_14_archive_ending_exactly_at_lock_expiry_accepted_rule_changed() {
    let mut w = archivable_locked_world();
    let expiry = t0() + days(100);
    let events = w.ok(&root(OWNER), archive("s-1", 100));
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: w.now,
            snapshot: sid("s-1"),
            retention: Retention::Until(expiry),
        }]
    );
    let snapshot = w.state.snapshot(&sid("s-1")).unwrap();
    assert!(snapshot.is_archived());
    assert_eq!(snapshot.retention, Retention::Until(expiry));
    assert_eq!(lock_of(&w, "s-1").expiry, expiry);
}

#[test]
fn lock_14_archive_ending_after_lock_expiry_accepted_rule_changed() {
    let mut w = archivable_locked_world();
    let events = w.ok(&root(OWNER), archive("s-1", 101));
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: w.now,
            snapshot: sid("s-1"),
            retention: Retention::Until(t0() + days(101)),
        }]
    );
}

#[test]
fn lock_14_a_permanent_archive_outlasts_any_lock() {
    let mut w = archivable_locked_world();
    let events = w.ok(&root(OWNER), archive_permanently("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: w.now,
            snapshot: sid("s-1"),
            retention: Retention::Permanent,
        }]
    );
    // The lock may then grow as long as LOCK-1 allows.
    w.ok(&root(OWNER), lock_cmd("s-1", 36_500, 0));
}

#[test]
fn lock_14_lock_4_archived_snapshot_lock_cannot_outgrow_archive_retention() {
    let mut w = archivable_locked_world();
    w.ok(&root(OWNER), archive("s-1", 114));
    let end = t0() + days(114);
    // Extending up to the archive retention end is fine, beyond it is not.
    w.refused(&root(OWNER), lock_cmd("s-1", 101, 0), RuleId::Lock4);
    w.ok(&root(OWNER), lock_cmd("s-1", 100, 0));
    assert_eq!(lock_of(&w, "s-1").expiry, end);
}

// ---------------------------------------------------------------- LOCK-16

#[test]
fn lock_16_create_disk_from_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let events = w.ok(
        &root(OWNER),
        CreateDisk::new("d-2", REGION, DiskCategory::Essd, 40).source(DiskSource::snapshot("s-1")),
    );
    assert!(matches!(events.as_slice(), [Event::DiskCreated { disk, .. }] if disk.id == "d-2"));
    assert_eq!(
        w.state.disk(&"d-2".into()).unwrap().source,
        DiskSource::Snapshot("s-1".into())
    );
    assert_eq!(lock_of(&w, "s-1").state_at(w.now), LockState::Compliance);
}

#[test]
fn lock_16_copy_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    // The first copy is made in cooling-off, the second in compliance.
    for (copy, state) in [("c-1", LockState::CoolOff), ("c-2", LockState::Compliance)] {
        assert_eq!(lock_of(&w, "s-1").state_at(w.now), state);
        let events = w.ok(
            &root(OWNER),
            CopySnapshot::new("s-1", copy, OTHER_REGION).retention_days(10),
        );
        assert!(
            matches!(events.last(), Some(Event::SnapshotCopied { snapshot, .. }) if snapshot.id == sid(copy)),
            "{events:?}"
        );
        assert!(w.exists(copy));
        w.wait(days(1));
    }
}

#[test]
fn lock_16_create_image_from_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let events = w.ok(&root(OWNER), CreateImage::new("m-1", "s-1"));
    assert!(matches!(events.as_slice(), [Event::ImageCreated { image, .. }] if image.id == "m-1"));
    assert!(w.state.image(&"m-1".into()).is_some());
}

#[test]
fn lock_16_roll_back_disk_to_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let events = w.ok(&root(OWNER), ResetDisk::new("d-1", "s-1"));
    assert_eq!(
        events,
        vec![Event::DiskRolledBack {
            at: w.now,
            disk: "d-1".into(),
            snapshot: sid("s-1")
        }]
    );
}
