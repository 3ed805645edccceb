//! DISK-1 (own snapshots), DISK-2, DISK-3, IMAGE-1, IMAGE-2: what disks and
//! custom images do with snapshots.

use crate::common;

use common::*;
use snapguard::{
    Actor, CopySnapshot, CreateDisk, CreateImage, DeleteImage, DeletionCause, DiskSource, Event,
    FinishSnapshot, ImageSource, ImportImage, ReleaseDisk, ResetDisk, RuleId, SnapshotStatus,
    Violation,
};

fn disk_from(disk: &str, region: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, region).source(DiskSource::snapshot(snapshot))
}

fn reset(disk: &str, snapshot: &str) -> ResetDisk {
    ResetDisk::new(disk, snapshot)
}

fn release(disk: &str, release_automatic_snapshots: bool) -> ReleaseDisk {
    ReleaseDisk::new(disk).release_automatic_snapshots(release_automatic_snapshots)
}

fn image(image: &str, snapshot: &str) -> CreateImage {
    CreateImage::new(image, snapshot)
}

fn delete_image(image: &str, delete_snapshots: bool) -> DeleteImage {
    DeleteImage::new(image).delete_snapshots(delete_snapshots)
}

/// Starts a snapshot of a disk of `account`, left in progress.
#[track_caller]
fn start(w: &mut World, account: &str, disk: &str, snapshot: &str) {
    w.ok(&root(account), create_snapshot(snapshot, disk, None));
}

#[track_caller]
fn fail(w: &mut World, snapshot: &str) {
    w.ok(&Actor::Platform, FinishSnapshot::failed(snapshot));
}

fn deleted(w: &World, snapshot: &str, cause: DeletionCause) -> Event {
    Event::SnapshotDeleted {
        at: w.now,
        snapshot: snapshot.into(),
        cause,
        cancelled_in_progress: false,
        early_archive_deletion: false,
    }
}

// ---------------------------------------------------------------- DISK-1

#[test]
fn disk_1_disk_from_own_available_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), disk_from("d-2", REGION, "s-1"));
    let d = w.state.disk(&"d-2".into()).expect("disk created").clone();
    assert_eq!(
        events,
        vec![Event::DiskCreated {
            at: w.now,
            disk: d.clone()
        }]
    );
    assert_eq!(d.owner, OWNER);
    assert_eq!(d.region, REGION);
    assert_eq!(d.source, DiskSource::Snapshot("s-1".into()));
    assert!(!d.from_imported_image);
    assert_eq!(d.created_at, w.now);
}

#[test]
fn disk_1_disk_from_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.ok(&root(OWNER), disk_from("d-2", REGION, "s-1"));
    assert!(w.state.disk(&"d-2".into()).is_some());
}

#[test]
fn disk_1_disk_from_in_progress_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, OWNER, "d-1", "s-1");
    let v = w.refused(&root(OWNER), disk_from("d-2", REGION, "s-1"), RuleId::Disk1);
    assert_not_available(&v, SnapshotStatus::InProgress);
    assert!(w.state.disk(&"d-2".into()).is_none());
}

#[test]
fn disk_1_disk_from_failed_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, OWNER, "d-1", "s-1");
    fail(&mut w, "s-1");
    w.refused(&root(OWNER), disk_from("d-2", REGION, "s-1"), RuleId::Disk1);
}

#[test]
fn disk_1_disk_in_another_region_than_its_snapshot_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(
        &root(OWNER),
        disk_from("d-2", OTHER_REGION, "s-1"),
        RuleId::Disk1,
    );
    assert!(matches!(v, Violation::DiskRegionMismatch { .. }), "{v:?}");
    assert!(w.state.disk(&"d-2".into()).is_none());
}

#[test]
fn disk_1_disk_from_another_accounts_snapshot_refused_perm_4() {
    let mut w = World::with_snapshot();
    w.refused(&root(OTHER), disk_from("d-2", REGION, "s-1"), RuleId::Perm4);
    w.refused(
        &root(ABROAD),
        disk_from("d-2", REGION, "s-1"),
        RuleId::Perm4,
    );
}

// ---------------------------------------------------------------- DISK-2

#[test]
fn disk_2_reset_to_a_snapshot_of_the_same_disk_accepted() {
    let mut w = World::with_snapshot();
    w.wait(days(2));
    let events = w.ok(&root(OWNER), reset("d-1", "s-1"));
    assert_eq!(
        events,
        vec![Event::DiskRolledBack {
            at: w.now,
            disk: "d-1".into(),
            snapshot: "s-1".into()
        }]
    );
    assert!(w.state.disk(&"d-1".into()).is_some());
    assert!(w.exists("s-1"));
}

#[test]
fn disk_2_reset_to_a_locked_automatic_snapshot_of_the_same_disk_accepted() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.lock("a-1", 30, 0);
    let events = w.ok(&root(OWNER), reset("d-1", "a-1"));
    assert_eq!(
        events,
        vec![Event::DiskRolledBack {
            at: w.now,
            disk: "d-1".into(),
            snapshot: "a-1".into()
        }]
    );
}

#[test]
fn disk_2_reset_to_a_snapshot_of_another_disk_refused() {
    let mut w = World::with_snapshot();
    w.disk(OWNER, "d-2");
    w.snapshot(OWNER, "d-2", "s-2", None);
    let v = w.refused(&root(OWNER), reset("d-1", "s-2"), RuleId::Disk2);
    assert!(
        matches!(v, Violation::RollbackToOtherSnapshot { .. }),
        "{v:?}"
    );
    w.refused(&root(OWNER), reset("d-2", "s-1"), RuleId::Disk2);
}

#[test]
fn disk_2_reset_to_a_snapshot_of_a_disk_created_from_it_refused() {
    // d-2 was built from s-1 (of d-1); s-1 was still not taken of d-2.
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), disk_from("d-2", REGION, "s-1"));
    w.refused(&root(OWNER), reset("d-2", "s-1"), RuleId::Disk2);
}

#[test]
fn disk_2_reset_to_a_copy_refused() {
    let mut w = World::with_snapshot();
    w.ok(
        &root(OWNER),
        CopySnapshot::new("s-1", "c-1", OTHER_REGION)
            .encryption(snapguard::Encryption::Unencrypted),
    );
    w.finish("c-1");
    let v = w.refused(&root(OWNER), reset("d-1", "c-1"), RuleId::Disk2);
    assert!(
        matches!(v, Violation::RollbackToOtherSnapshot { .. }),
        "{v:?}"
    );
}

#[test]
fn disk_2_reset_to_an_in_progress_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, OWNER, "d-1", "s-1");
    let v = w.refused(&root(OWNER), reset("d-1", "s-1"), RuleId::Disk2);
    assert_not_available(&v, SnapshotStatus::InProgress);
}

#[test]
fn disk_2_reset_to_another_accounts_snapshot_refused_perm_4() {
    let mut w = World::with_snapshot();
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    // Its own disk to another account's snapshot, either way round.
    w.refused(&root(OWNER), reset("d-1", "s-o"), RuleId::Perm4);
    w.refused(&root(OTHER), reset("d-o", "s-1"), RuleId::Perm4);
    // Another account's disk to that account's own snapshot.
    w.refused(&root(OTHER), reset("d-1", "s-1"), RuleId::Perm4);
}

// ---------------------------------------------------------------- DISK-3

/// Disk `d-1` with manual `s-1`, unlocked automatic `a-1` and `a-3`, `a-2`
/// locked in compliance and `a-4` locked in cooling-off.
fn disk_with_automatic_snapshots() -> World {
    let mut w = World::with_snapshot();
    for id in ["a-1", "a-2", "a-3", "a-4"] {
        w.wait(hours(1));
        w.auto_snapshot("d-1", id);
    }
    w.lock("a-2", 30, 0);
    w.lock("a-4", 30, 72);
    w.wait(hours(1));
    w
}

#[test]
fn disk_3_release_with_flag_deletes_unlocked_automatic_snapshots() {
    let mut w = disk_with_automatic_snapshots();
    let events = w.ok(&root(OWNER), release("d-1", true));
    assert_eq!(
        events,
        vec![
            deleted(&w, "a-1", DeletionCause::DiskReleased),
            deleted(&w, "a-3", DeletionCause::DiskReleased),
            Event::DiskReleased {
                at: w.now,
                disk: "d-1".into()
            },
        ]
    );
    assert!(w.state.disk(&"d-1".into()).is_none());
    assert!(!w.exists("a-1"));
    assert!(!w.exists("a-3"));
}

#[test]
fn disk_3_release_with_flag_keeps_manual_snapshots() {
    let mut w = disk_with_automatic_snapshots();
    w.ok(&root(OWNER), release("d-1", true));
    assert!(w.exists("s-1"));
}

#[test]
fn disk_3_release_with_flag_keeps_locked_automatic_snapshots() {
    let mut w = disk_with_automatic_snapshots();
    w.ok(&root(OWNER), release("d-1", true));
    assert!(w.exists("a-2"), "locked in compliance");
    assert!(w.exists("a-4"), "locked in cooling-off");
}

#[test]
fn disk_3_release_with_flag_deletes_automatic_snapshot_whose_lock_expired() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.lock("a-1", 1, 0);
    w.at(t0() + days(1) - secs(1));
    let before = w.state.clone();
    let events = w.ok(&root(OWNER), release("d-1", true));
    assert_eq!(
        events,
        vec![Event::DiskReleased {
            at: w.now,
            disk: "d-1".into()
        }]
    );
    assert!(w.exists("a-1"));

    let mut w = World {
        state: before,
        now: t0() + days(1),
    };
    let events = w.ok(&root(OWNER), release("d-1", true));
    assert!(
        events.contains(&deleted(&w, "a-1", DeletionCause::DiskReleased)),
        "{events:?}"
    );
    assert!(!w.exists("a-1"));
}

#[test]
fn disk_3_release_with_flag_cancels_an_in_progress_automatic_snapshot() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(
        &Actor::Platform,
        snapguard::CreateAutomaticSnapshot::new("a-1", "d-1"),
    );
    let events = w.ok(&root(OWNER), release("d-1", true));
    assert_eq!(
        events[0],
        Event::SnapshotDeleted {
            at: w.now,
            snapshot: "a-1".into(),
            cause: DeletionCause::DiskReleased,
            cancelled_in_progress: true,
            early_archive_deletion: false,
        }
    );
    assert!(!w.exists("a-1"));
}

#[test]
fn disk_3_release_without_flag_keeps_all_snapshots() {
    let mut w = disk_with_automatic_snapshots();
    let events = w.ok(&root(OWNER), release("d-1", false));
    assert_eq!(
        events,
        vec![Event::DiskReleased {
            at: w.now,
            disk: "d-1".into()
        }]
    );
    assert!(w.state.disk(&"d-1".into()).is_none());
    for id in ["s-1", "a-1", "a-2", "a-3", "a-4"] {
        assert!(w.exists(id), "{id} kept");
    }
}

#[test]
fn disk_3_release_by_another_account_refused_perm_4() {
    let mut w = disk_with_automatic_snapshots();
    w.refused(&root(OTHER), release("d-1", true), RuleId::Perm4);
}

// ---------------------------------------------------------------- IMAGE-1

#[test]
fn image_1_image_from_own_available_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.wait(hours(4));
    let events = w.ok(&root(OWNER), image("img-1", "s-1"));
    let img = w
        .state
        .image(&"img-1".into())
        .expect("image created")
        .clone();
    assert_eq!(
        events,
        vec![Event::ImageCreated {
            at: w.now,
            image: img.clone()
        }]
    );
    assert_eq!(img.owner, OWNER);
    assert_eq!(img.region, REGION);
    assert_eq!(img.source, ImageSource::Snapshot("s-1".into()));
    assert_eq!(img.created_at, w.now);
}

#[test]
fn image_1_image_from_locked_snapshot_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.ok(&root(OWNER), image("img-1", "s-1"));
    assert!(w.state.image(&"img-1".into()).is_some());
}

#[test]
fn image_1_image_from_another_accounts_snapshot_refused() {
    let mut w = World::with_snapshot();
    for other in [OTHER, ABROAD] {
        let v = w.refused(&root(other), image("img-1", "s-1"), RuleId::Image1);
        assert!(
            matches!(&v, Violation::ImageFromForeignSnapshot { owner, .. } if *owner == OWNER),
            "{v:?}"
        );
    }
    assert!(w.state.image(&"img-1".into()).is_none());
}

#[test]
fn image_1_image_from_in_progress_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, OWNER, "d-1", "s-1");
    let v = w.refused(&root(OWNER), image("img-1", "s-1"), RuleId::Image1);
    assert_not_available(&v, SnapshotStatus::InProgress);
}

#[test]
fn image_1_image_from_failed_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, OWNER, "d-1", "s-1");
    fail(&mut w, "s-1");
    w.refused(&root(OWNER), image("img-1", "s-1"), RuleId::Image1);
}

// ---------------------------------------------------------------- IMAGE-2

/// `s-1` with a custom image `img-1` built on it.
fn imaged() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), image("img-1", "s-1"));
    w.wait(hours(1));
    w
}

#[test]
fn image_2_delete_with_snapshots_deletes_unlocked_snapshot() {
    let mut w = imaged();
    let events = w.ok(&root(OWNER), delete_image("img-1", true));
    assert_eq!(
        events,
        vec![
            deleted(&w, "s-1", DeletionCause::ImageDeleted),
            Event::ImageDeleted {
                at: w.now,
                image: "img-1".into()
            }
        ]
    );
    assert!(!w.exists("s-1"));
    assert!(w.state.image(&"img-1".into()).is_none());
}

#[test]
fn image_2_delete_with_snapshots_keeps_locked_snapshot() {
    for cool_off_hours in [0, 72] {
        let mut w = World::with_snapshot();
        w.ok(&root(OWNER), image("img-1", "s-1"));
        w.lock("s-1", 30, cool_off_hours);
        w.wait(hours(1));
        let events = w.ok(&root(OWNER), delete_image("img-1", true));
        assert_eq!(
            events,
            vec![Event::ImageDeleted {
                at: w.now,
                image: "img-1".into()
            }]
        );
        assert!(w.exists("s-1"), "locked with {cool_off_hours}h cooling-off");
        assert!(w.state.image(&"img-1".into()).is_none());
    }
}

#[test]
fn image_2_delete_without_flag_keeps_snapshot() {
    let mut w = imaged();
    let events = w.ok(&root(OWNER), delete_image("img-1", false));
    assert_eq!(
        events,
        vec![Event::ImageDeleted {
            at: w.now,
            image: "img-1".into()
        }]
    );
    assert!(w.exists("s-1"));
    assert!(w.state.image(&"img-1".into()).is_none());
}

#[test]
fn image_2_delete_imported_image_with_snapshots_deletes_no_snapshot() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), ImportImage::new("img-i", REGION));
    let events = w.ok(&root(OWNER), delete_image("img-i", true));
    assert_eq!(
        events,
        vec![Event::ImageDeleted {
            at: w.now,
            image: "img-i".into()
        }]
    );
    assert!(w.exists("s-1"));
}

#[test]
fn image_2_delete_image_by_another_account_refused_perm_4() {
    let mut w = imaged();
    w.refused(&root(OTHER), delete_image("img-1", true), RuleId::Perm4);
    assert!(w.exists("s-1"));
}
