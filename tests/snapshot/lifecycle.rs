//! A snapshot from creation to deletion: SNAP-1 (what it records: origin,
//! status, encryption, retention, tier, kind, sizes) and SNAP-4 (deleting is
//! for the owner only, refused while locked, and cancels one in progress).

use crate::common;
use crate::snapshot_support;

use std::collections::BTreeMap;

use common::*;
use snapguard::{
    Actor, BillingBasis, CopyLineage, CreateAutomaticSnapshot, CreateBackupSnapshot, CreateDisk,
    CreateSnapshot, DeletionCause, DiskCategory, DiskSource, Encryption, Event, FinishSnapshot,
    ImportImage, KeyId, LineageRoot, LockState, Retention, RuleId, SnapshotKind, SnapshotOrigin,
    SnapshotOutcome, SnapshotStatus, StorageTier, Violation,
};
use snapshot_support::*;

fn finish_as(outcome: SnapshotOutcome, snapshot: &str) -> FinishSnapshot {
    FinishSnapshot::new(snapshot, outcome)
}

/// A disk `d-1` of [`OWNER`] with a manual snapshot `s-1` left in progress,
/// at t0.
fn in_progress() -> World {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
    w
}

/// An encrypted ESSD disk of 40 GiB in [`REGION`].
fn encrypted_disk(disk: &str, encryption: Encryption) -> CreateDisk {
    CreateDisk::new(disk, REGION, DiskCategory::Essd, 40).encryption(encryption)
}

// ---------------------------------------------------------------- SNAP-1

#[test]
fn snap_1_manual_snapshot_of_a_disk_records_its_attributes() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.wait(hours(1));
    let created = w.now;
    let tags = BTreeMap::from([
        ("env".to_owned(), "prod".to_owned()),
        ("team".to_owned(), "db".to_owned()),
    ]);
    let events = w.ok(
        &root(OWNER),
        CreateSnapshot::new("s-1", "d-1")
            .retention_days(7)
            .tags(tags.clone()),
    );
    let s = get(&w, "s-1");
    assert_eq!(
        events,
        vec![Event::SnapshotCreated {
            at: created,
            snapshot: s.clone()
        }]
    );
    assert_eq!(s.id, "s-1");
    assert_eq!(s.owner, OWNER);
    assert_eq!(s.region, REGION);
    assert_eq!(s.origin, SnapshotOrigin::Disk { disk: "d-1".into() });
    assert_eq!(s.status, SnapshotStatus::InProgress);
    assert_eq!(s.encryption, Encryption::Unencrypted);
    assert_eq!(s.retention, Retention::Until(created + days(7)));
    assert_eq!(s.tags, tags);
    assert_eq!(s.size_gib, 0, "no size until available");
    assert_eq!(s.source_disk_size_gib, 40);
    assert_eq!(s.tier, StorageTier::Standard);
    assert_eq!(s.kind, SnapshotKind::Manual);
    assert_eq!(s.created_at, created);
    assert_eq!(s.lock, None);
}

#[test]
fn snap_1_retention_is_permanent_when_none_is_given() {
    let w = in_progress();
    assert_eq!(get(&w, "s-1").retention, Retention::Permanent);
}

#[test]
fn snap_1_finish_available_records_status_and_size() {
    let mut w = in_progress();
    w.wait(secs(90));
    let outcome = SnapshotOutcome::Available { size_gib: 12 };
    let events = w.ok(&Actor::Platform, finish_as(outcome, "s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotFinished {
            at: w.now,
            snapshot: "s-1".into(),
            outcome
        }]
    );
    let s = get(&w, "s-1");
    assert_eq!(s.status, SnapshotStatus::Available);
    assert_eq!(s.size_gib, 12);
    assert_eq!(s.source_disk_size_gib, 40);
    assert_eq!(
        s.created_at,
        t0(),
        "finishing does not move the creation instant"
    );
}

#[test]
fn snap_1_finish_failed_records_failed_status() {
    let mut w = in_progress();
    let events = w.ok(&Actor::Platform, finish_as(SnapshotOutcome::Failed, "s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotFinished {
            at: w.now,
            snapshot: "s-1".into(),
            outcome: SnapshotOutcome::Failed
        }]
    );
    let s = get(&w, "s-1");
    assert_eq!(s.status, SnapshotStatus::Failed);
    assert_eq!(s.size_gib, 0);
}

#[test]
fn snap_1_finishing_an_available_snapshot_again_refused() {
    let mut w = World::with_snapshot();
    w.wait(secs(1));
    for outcome in [
        SnapshotOutcome::Available { size_gib: 99 },
        SnapshotOutcome::Failed,
    ] {
        let v = w.refused(&Actor::Platform, finish_as(outcome, "s-1"), RuleId::Snap1);
        assert!(
            matches!(&v, Violation::SnapshotNotInProgress { status: SnapshotStatus::Available, snapshot } if *snapshot == "s-1"),
            "{v:?}"
        );
    }
    assert_eq!(get(&w, "s-1").size_gib, 10);
}

#[test]
fn snap_1_finishing_a_failed_snapshot_again_refused() {
    let mut w = in_progress();
    w.ok(&Actor::Platform, finish_as(SnapshotOutcome::Failed, "s-1"));
    let v = w.refused(
        &Actor::Platform,
        finish_as(SnapshotOutcome::Available { size_gib: 5 }, "s-1"),
        RuleId::Snap1,
    );
    assert!(
        matches!(
            v,
            Violation::SnapshotNotInProgress {
                status: SnapshotStatus::Failed,
                ..
            }
        ),
        "{v:?}"
    );
    assert_eq!(get(&w, "s-1").status, SnapshotStatus::Failed);
}

#[test]
fn snap_1_encryption_comes_from_the_disk() {
    let mut w = World::new();
    w.key(OWNER, "key-1", REGION);
    let cmk = Encryption::CustomerKey(KeyId::new("key-1"));
    w.ok(&root(OWNER), encrypted_disk("d-cmk", cmk.clone()));
    w.ok(
        &root(OWNER),
        encrypted_disk("d-svc", Encryption::ServiceKey),
    );
    w.disk(OWNER, "d-plain");
    start(&mut w, "d-cmk", "s-cmk", None);
    start(&mut w, "d-svc", "s-svc", None);
    start(&mut w, "d-plain", "s-plain", None);
    assert_eq!(get(&w, "s-cmk").encryption, cmk);
    assert_eq!(get(&w, "s-svc").encryption, Encryption::ServiceKey);
    assert_eq!(get(&w, "s-plain").encryption, Encryption::Unencrypted);
}

#[test]
fn snap_1_snapshot_of_a_disk_built_from_an_imported_image_has_imported_image_origin() {
    let mut w = World::new();
    w.ok(&root(OWNER), ImportImage::new("img-1", REGION));
    w.ok(
        &root(OWNER),
        CreateDisk::new("d-img", REGION, DiskCategory::Essd, 60).source(DiskSource::image("img-1")),
    );
    start(&mut w, "d-img", "s-img", None);
    let s = get(&w, "s-img");
    assert_eq!(
        s.origin,
        SnapshotOrigin::ImportedImageDisk {
            disk: "d-img".into()
        }
    );
    assert_eq!(s.origin.disk(), Some(&"d-img".into()));
    assert_eq!(s.source_disk_size_gib, 60);
    assert_eq!(s.kind, SnapshotKind::Manual);
}

#[test]
fn snap_1_copy_records_its_source() {
    let mut w = World::with_snapshot();
    w.wait(hours(2));
    let events = w.ok(&root(OWNER), copy("s-1", "c-1", Some(30)));
    let c = get(&w, "c-1");
    let lineage = CopyLineage {
        account: OWNER.into(),
        root: LineageRoot::Disk("d-1".into()),
        region: OTHER_REGION.into(),
        encryption: Encryption::Unencrypted,
    };
    assert_eq!(
        events,
        vec![Event::SnapshotCopied {
            at: w.now,
            snapshot: c.clone(),
            lineage,
            billing: BillingBasis::FullSnapshotSize { size_gib: 10 },
        }]
    );
    assert_eq!(
        c.origin,
        SnapshotOrigin::Copy {
            source: "s-1".into(),
            root: LineageRoot::Disk("d-1".into()),
            imported_image: false,
        }
    );
    assert_eq!(c.origin.disk(), None);
    assert_eq!(c.owner, OWNER);
    assert_eq!(c.region, OTHER_REGION);
    assert_eq!(c.status, SnapshotStatus::InProgress);
    assert_eq!(c.retention, Retention::Until(w.now + days(30)));
    assert_eq!(c.tier, StorageTier::Standard);
    assert_eq!(c.kind, SnapshotKind::Manual);
    assert_eq!(c.created_at, w.now);
    assert_eq!(c.source_disk_size_gib, 40);
    assert_eq!(c.lock, None);
}

#[test]
fn snap_1_cloud_backup_snapshot_has_cloud_backup_origin() {
    let mut w = World::new();
    w.wait(hours(3));
    let events = w.ok(
        &Actor::Platform,
        CreateBackupSnapshot::new("b-1", OWNER, OTHER_REGION).retention_days(5),
    );
    let b = get(&w, "b-1");
    assert_eq!(
        events,
        vec![Event::SnapshotCreated {
            at: w.now,
            snapshot: b.clone()
        }]
    );
    assert_eq!(b.origin, SnapshotOrigin::CloudBackup);
    assert_eq!(b.owner, OWNER);
    assert_eq!(b.region, OTHER_REGION);
    assert_eq!(b.status, SnapshotStatus::InProgress);
    assert_eq!(b.retention, Retention::Until(w.now + days(5)));
    assert_eq!(b.tier, StorageTier::Standard);
    assert_eq!(b.created_at, w.now);
}

#[test]
fn snap_1_automatic_snapshot_is_of_kind_automatic() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.wait(days(1));
    w.ok(
        &Actor::Platform,
        CreateAutomaticSnapshot::new("a-1", "d-1").retention_days(3),
    );
    let a = get(&w, "a-1");
    assert_eq!(a.kind, SnapshotKind::Automatic);
    assert_eq!(a.origin, SnapshotOrigin::Disk { disk: "d-1".into() });
    assert_eq!(a.owner, OWNER);
    assert_eq!(a.status, SnapshotStatus::InProgress);
    assert_eq!(a.retention, Retention::Until(w.now + days(3)));
    assert_eq!(a.created_at, w.now);
    assert_eq!(
        w.state
            .automatic_snapshots(&"d-1".into())
            .cloned()
            .collect::<Vec<_>>(),
        ["a-1"]
    );
    // A manual snapshot of the same disk is not automatic.
    start(&mut w, "d-1", "s-1", None);
    assert_eq!(get(&w, "s-1").kind, SnapshotKind::Manual);
    assert_eq!(w.state.automatic_snapshots(&"d-1".into()).count(), 1);
}

// ---------------------------------------------------------------- SNAP-4

#[test]
fn snap_4_owner_deletes_available_snapshot() {
    let mut w = World::with_snapshot();
    w.wait(hours(5));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotDeleted {
            at: w.now,
            snapshot: "s-1".into(),
            cause: DeletionCause::Requested,
            cancelled_in_progress: false,
            early_archive_deletion: false,
        }]
    );
    assert!(!w.exists("s-1"));
}

#[test]
fn snap_4_delete_refused_while_lock_in_cooling_off_lock_10() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.wait(hours(23) + secs(3599));
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
    assert!(w.exists("s-1"));
}

#[test]
fn snap_4_delete_refused_while_lock_in_compliance_lock_10() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.at(t0() + days(30) - secs(1));
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
    // At the expiry the lock no longer protects it.
    w.at(t0() + days(30));
    w.ok(&root(OWNER), delete("s-1"));
    assert!(!w.exists("s-1"));
}

#[test]
fn snap_4_delete_by_another_account_refused_perm_4() {
    let mut w = World::with_snapshot();
    w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
    w.refused(&root(ABROAD), delete("s-1"), RuleId::Perm4);
    assert!(w.exists("s-1"));
}

#[test]
fn snap_4_deleting_an_in_progress_snapshot_cancels_it() {
    let mut w = in_progress();
    w.wait(secs(30));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotDeleted {
            at: w.now,
            snapshot: "s-1".into(),
            cause: DeletionCause::Requested,
            cancelled_in_progress: true,
            early_archive_deletion: false,
        }]
    );
    assert!(!w.exists("s-1"));
    // Nothing is left to finish.
    w.refused(
        &Actor::Platform,
        finish_as(SnapshotOutcome::Available { size_gib: 1 }, "s-1"),
        RuleId::Gen4,
    );
}

#[test]
fn snap_4_deleting_an_in_progress_copy_cancels_it() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.wait(secs(30));
    let events = w.ok(&root(OWNER), delete("c-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotDeleted {
            at: w.now,
            snapshot: "c-1".into(),
            cause: DeletionCause::Requested,
            cancelled_in_progress: true,
            early_archive_deletion: false,
        }]
    );
    assert!(!w.exists("c-1"));
    assert!(w.exists("s-1"), "the source stays");
}

#[test]
fn snap_4_deleting_a_finished_copy_does_not_cancel() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.finish("c-1");
    let events = w.ok(&root(OWNER), delete("c-1"));
    assert!(
        matches!(
            events.as_slice(),
            [Event::SnapshotDeleted {
                cancelled_in_progress: false,
                ..
            }]
        ),
        "{events:?}"
    );
}

#[test]
fn copy_1_only_an_available_snapshot_can_be_copied() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
    let v = w.refused(&root(OWNER), copy("s-1", "c-1", None), RuleId::Copy1);
    assert_not_available(&v, SnapshotStatus::InProgress);
    w.finish("s-1");
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    assert!(w.exists("c-1"));
}
