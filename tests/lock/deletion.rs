//! Locked snapshots and deletion: LOCK-10 (with PERM-3) on every deletion
//! path, LOCK-11 automatic-snapshot rotation, LOCK-12 overdue release.
//!
//! Each refusal is checked for its rule and an unchanged state
//! (`World::refused`); time rules at boundary - 1s, boundary, boundary + 1s.

use crate::common;
use crate::lock_support;

use common::*;
use lock_support::*;
use snapguard::{
    Actor, CreateAutomaticSnapshot, CreateImage, DeleteImage, DeletionCause, Event, Limits,
    LockState, MarkAccountOverdue, ReleaseDisk, ReleaseOverdueSnapshot, ReleaseReason, RuleId,
    SettleAccount, Violation,
};

// ---------------------------------------------------------------- helpers

fn auto_cmd(disk: &str, snapshot: &str) -> CreateAutomaticSnapshot {
    CreateAutomaticSnapshot::new(snapshot, disk)
}

fn automatic_ids(w: &World, disk: &str) -> Vec<String> {
    w.state
        .automatic_snapshots(&disk.into())
        .map(|s| s.to_string())
        .collect()
}

// ---------------------------------------------------------------- LOCK-10

#[test]
fn lock_10_delete_refused_in_cool_off() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.wait(hours(1));
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert!(
        matches!(
            v,
            Violation::SnapshotLocked {
                state: LockState::CoolOff,
                ..
            }
        ),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), Some(t0() + days(30)));
}

#[test]
fn lock_10_delete_refused_in_compliance() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    for t in [t0() + hours(24), t0() + days(30) - secs(1)] {
        w.at(t);
        let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
        assert!(
            matches!(
                v,
                Violation::SnapshotLocked {
                    state: LockState::Compliance,
                    ..
                }
            ),
            "{v:?}"
        );
        assert_eq!(v.retry_at(), Some(t0() + days(30)));
    }
}

#[test]
fn lock_10_perm_3_allow_star_user_cannot_delete_locked_snapshot() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    let admin = w.user(OWNER, "admin", vec![allow_all()]);
    w.ok(&admin, lock_cmd("s-1", 30, 24));
    w.wait(hours(1));
    w.refused(&admin, delete("s-1"), RuleId::Lock10);
    w.wait(days(1));
    w.refused(&admin, delete("s-1"), RuleId::Lock10);
    // The same user deletes an unlocked snapshot: the permission is real.
    w.ok(&admin, delete("s-2"));
    assert!(!w.exists("s-2"));
    assert!(w.exists("s-1"));
}

#[test]
fn lock_10_perm_3_root_cannot_delete_locked_snapshot() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    // Nor unlock it in compliance.
    w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
}

#[test]
fn lock_10_release_disk_keeps_locked_automatic_snapshots() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "m-1", None);
    for (i, id) in ["a-1", "a-2", "a-3", "a-4"].into_iter().enumerate() {
        w.at(t0() + hours(i as i64));
        w.auto_snapshot("d-1", id);
    }
    w.lock("a-1", 30, 48); // will be in cooling-off
    w.lock("a-2", 30, 0); // compliance
    w.lock("a-4", 1, 0); // will be expired
    w.wait(days(1));
    let events = w.ok(
        &root(OWNER),
        ReleaseDisk::new("d-1").release_automatic_snapshots(true),
    );
    let mut gone = deleted(&events);
    gone.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        gone,
        vec![
            ("a-3".to_owned(), DeletionCause::DiskReleased),
            ("a-4".to_owned(), DeletionCause::DiskReleased)
        ]
    );
    assert!(w.state.disk(&"d-1".into()).is_none());
    assert!(w.exists("a-1") && w.exists("a-2"));
    assert!(!w.exists("a-3") && !w.exists("a-4"));
    // Manual snapshots are not released with the disk.
    assert!(w.exists("m-1"));
}

#[test]
fn lock_10_delete_image_with_snapshots_keeps_locked_snapshot() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.ok(&root(OWNER), CreateImage::new("m-1", "s-1"));
    w.ok(&root(OWNER), CreateImage::new("m-2", "s-2"));
    w.lock("s-1", 30, 0);

    let events = w.ok(&root(OWNER), DeleteImage::new("m-1").delete_snapshots(true));
    assert!(deleted(&events).is_empty(), "{events:?}");
    assert!(w.state.image(&"m-1".into()).is_none());
    assert!(w.exists("s-1"));

    // Unlocked, the snapshot goes with its image.
    let events = w.ok(&root(OWNER), DeleteImage::new("m-2").delete_snapshots(true));
    assert_eq!(
        deleted(&events),
        vec![("s-2".to_owned(), DeletionCause::ImageDeleted)]
    );
    assert!(!w.exists("s-2"));
}

#[test]
fn lock_10_deletion_report_lists_lock_10_until_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let expiry = t0() + days(30);
    for t in [t0() + hours(1), t0() + days(2), expiry - secs(1)] {
        let report = w.state.deletion_report(t, &root(OWNER), &sid("s-1"));
        assert!(!report.allowed());
        let rules: Vec<RuleId> = report.blockers.iter().map(Violation::rule).collect();
        assert_eq!(rules, vec![RuleId::Lock10], "at {t}");
        assert_eq!(report.earliest, Some(expiry), "at {t}");
    }
    let report = w.state.deletion_report(expiry, &root(OWNER), &sid("s-1"));
    assert!(report.allowed(), "{report:?}");
    assert_eq!(report.earliest, Some(expiry));
}

// ---------------------------------------------------------------- LOCK-11

fn rotation_world() -> World {
    let mut l = Limits::default();
    l.auto_snapshots_per_disk = 3;
    let mut w = World::with_limits(l);
    w.disk(OWNER, "d-1");
    for id in ["a-1", "a-2", "a-3"] {
        w.wait(hours(1));
        assert!(deleted(&w.auto_snapshot("d-1", id)).is_empty());
    }
    w.wait(hours(1));
    w
}

#[test]
fn lock_11_fourth_automatic_snapshot_rotates_oldest_unlocked() {
    let mut w = rotation_world();
    let events = w.auto_snapshot("d-1", "a-4");
    assert_eq!(
        deleted(&events),
        vec![("a-1".to_owned(), DeletionCause::Rotation)]
    );
    assert!(
        matches!(events.last(), Some(Event::SnapshotCreated { snapshot, .. }) if snapshot.id == sid("a-4"))
    );
    assert_eq!(automatic_ids(&w, "d-1"), ["a-2", "a-3", "a-4"]);
}

#[test]
fn lock_11_locked_oldest_are_skipped() {
    let mut w = rotation_world();
    w.lock("a-1", 30, 0); // compliance
    w.lock("a-2", 30, 24); // cooling-off
    let events = w.auto_snapshot("d-1", "a-4");
    assert_eq!(
        deleted(&events),
        vec![("a-3".to_owned(), DeletionCause::Rotation)]
    );
    assert_eq!(automatic_ids(&w, "d-1"), ["a-1", "a-2", "a-4"]);
}

#[test]
fn lock_11_all_locked_refused_until_earliest_lock_expiry() {
    let mut w = rotation_world();
    w.lock("a-1", 10, 0);
    w.lock("a-2", 5, 0);
    w.lock("a-3", 20, 24);
    let earliest = lock_of(&w, "a-2").expiry;
    let v = w.refused(&Actor::Platform, auto_cmd("d-1", "a-4"), RuleId::Lock11);
    assert!(
        matches!(v, Violation::AutomaticSnapshotLimitReached { limit: 3, .. }),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), Some(earliest));

    w.at(earliest - secs(1));
    let v = w.refused(&Actor::Platform, auto_cmd("d-1", "a-4"), RuleId::Lock11);
    assert_eq!(v.retry_at(), Some(earliest));

    let mut later = fork(&w);
    later.at(earliest + secs(1));
    assert_eq!(
        deleted(&later.auto_snapshot("d-1", "a-4")),
        vec![("a-2".to_owned(), DeletionCause::Rotation)]
    );

    w.at(earliest);
    let events = w.auto_snapshot("d-1", "a-4");
    assert_eq!(
        deleted(&events),
        vec![("a-2".to_owned(), DeletionCause::Rotation)]
    );
    assert_eq!(automatic_ids(&w, "d-1"), ["a-1", "a-3", "a-4"]);
}

#[test]
fn lock_11_manual_snapshots_do_not_count() {
    let mut l = Limits::default();
    l.auto_snapshots_per_disk = 3;
    let mut w = World::with_limits(l);
    w.disk(OWNER, "d-1");
    for id in ["m-1", "m-2", "m-3", "m-4"] {
        w.wait(hours(1));
        w.snapshot(OWNER, "d-1", id, None);
    }
    for id in ["a-1", "a-2", "a-3"] {
        w.wait(hours(1));
        assert!(
            deleted(&w.auto_snapshot("d-1", id)).is_empty(),
            "{id} rotated something"
        );
    }
    w.wait(hours(1));
    assert_eq!(
        deleted(&w.auto_snapshot("d-1", "a-4")),
        vec![("a-1".to_owned(), DeletionCause::Rotation)]
    );
    for id in ["m-1", "m-2", "m-3", "m-4"] {
        assert!(w.exists(id), "{id} was removed");
    }
}

// ---------------------------------------------------------------- LOCK-12

fn release(snapshot: &str) -> ReleaseOverdueSnapshot {
    ReleaseOverdueSnapshot::new(snapshot)
}

fn overdue(account: &str) -> MarkAccountOverdue {
    MarkAccountOverdue::new(account)
}

#[test]
fn lock_12_billing_releases_locked_snapshot_from_threshold() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-1", 365, 0);
    w.lock("s-2", 365, 0);
    w.wait(hours(3));
    let since = w.now;
    w.ok(&Actor::Billing, overdue(OWNER));
    assert_eq!(
        w.state.account(&OWNER.into()).unwrap().overdue_since,
        Some(since)
    );
    let threshold = since + days(30);

    w.at(threshold - secs(1));
    let v = w.refused(&Actor::Billing, release("s-1"), RuleId::Lock12);
    assert!(matches!(v, Violation::NotOverdueLongEnough { .. }), "{v:?}");
    assert_eq!(v.retry_at(), Some(threshold));

    w.at(threshold);
    assert_eq!(lock_of(&w, "s-1").state_at(w.now), LockState::Compliance);
    let events = w.ok(&Actor::Billing, release("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotReleased {
            at: threshold,
            snapshot: sid("s-1"),
            reason: ReleaseReason::Overdue
        }]
    );
    assert!(!w.exists("s-1"));

    w.at(threshold + secs(1));
    assert_eq!(lock_of(&w, "s-2").state_at(w.now), LockState::Compliance);
    let events = w.ok(&Actor::Billing, release("s-2"));
    assert_eq!(
        events,
        vec![Event::SnapshotReleased {
            at: w.now,
            snapshot: sid("s-2"),
            reason: ReleaseReason::Overdue
        }]
    );
    assert!(!w.exists("s-2"));
}

#[test]
fn lock_12_release_refused_for_account_in_good_standing() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 365, 0);
    w.wait(days(100));
    let v = w.refused(&Actor::Billing, release("s-1"), RuleId::Lock12);
    assert_eq!(v.retry_at(), None);
    // Another account being overdue does not expose this one's snapshots.
    w.ok(&Actor::Billing, overdue(OTHER));
    w.wait(days(31));
    w.refused(&Actor::Billing, release("s-1"), RuleId::Lock12);
}

#[test]
fn lock_12_perm_1_only_billing_may_release() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 365, 0);
    w.ok(&Actor::Billing, overdue(OWNER));
    w.wait(days(31));
    let admin = w.user(OWNER, "admin", vec![allow_all()]);
    for actor in [root(OWNER), admin, Actor::Platform, root(OTHER)] {
        let v = w.refused(&actor, release("s-1"), RuleId::Perm1);
        assert!(matches!(v, Violation::WrongActor { .. }), "{actor}: {v:?}");
    }
    // Billing itself may.
    w.ok(&Actor::Billing, release("s-1"));
    assert!(!w.exists("s-1"));
}

#[test]
fn lock_12_settle_account_clears_overdue_standing() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 365, 0);
    w.ok(&Actor::Billing, overdue(OWNER));
    w.wait(days(10));
    let events = w.ok(&Actor::Billing, SettleAccount::new(OWNER));
    assert_eq!(
        events,
        vec![Event::AccountSettled {
            at: w.now,
            account: OWNER.into()
        }]
    );
    assert_eq!(w.state.account(&OWNER.into()).unwrap().overdue_since, None);

    w.at(t0() + days(31));
    let v = w.refused(&Actor::Billing, release("s-1"), RuleId::Lock12);
    assert_eq!(v.retry_at(), None);

    // Overdue again: the period counts from the new instant.
    let since = w.now;
    w.ok(&Actor::Billing, overdue(OWNER));
    w.at(since + days(30) - secs(1));
    let v = w.refused(&Actor::Billing, release("s-1"), RuleId::Lock12);
    assert_eq!(v.retry_at(), Some(since + days(30)));
    w.at(since + days(30));
    w.ok(&Actor::Billing, release("s-1"));
    assert!(!w.exists("s-1"));
}
