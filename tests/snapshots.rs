//! SNAP-1 to SNAP-5: what a snapshot records, its retention and release,
//! changing retention, deletion, and the retention range.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use common::*;
use snapguard::{
    Actor, CopySnapshot, CreateAutomaticSnapshot, CreateBackupSnapshot, CreateDisk, CreateSnapshot,
    DeleteSnapshot, DeletionCause, DiskCategory, DiskSource, Encryption, Event, FinishSnapshot,
    ImportImage, KeyId, Limits, LockState, ReleaseReason, Retention, RetentionRequest, RuleId,
    SetSnapshotRetention, Snapshot, SnapshotKind, SnapshotOrigin, SnapshotOutcome, SnapshotStatus,
    StorageTier, Violation,
};

/// The snapshot as the state records it.
#[track_caller]
fn get(w: &World, id: &str) -> Snapshot {
    w.state
        .snapshot(&id.into())
        .expect("snapshot exists")
        .clone()
}

/// Starts a manual snapshot of `disk` (left in progress).
#[track_caller]
fn start(w: &mut World, disk: &str, snapshot: &str, retention_days: Option<u32>) -> Vec<Event> {
    w.ok(
        &root(OWNER),
        CreateSnapshot {
            snapshot: snapshot.into(),
            disk: disk.into(),
            retention_days,
            tags: BTreeMap::new(),
        },
    )
}

fn copy(source: &str, snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot {
        source: source.into(),
        snapshot: snapshot.into(),
        region: OTHER_REGION.into(),
        retention_days,
    }
}

fn set_retention(snapshot: &str, retention: RetentionRequest) -> SetSnapshotRetention {
    SetSnapshotRetention {
        snapshot: snapshot.into(),
        retention,
    }
}

fn delete(snapshot: &str) -> DeleteSnapshot {
    DeleteSnapshot {
        snapshot: snapshot.into(),
    }
}

fn finish_as(outcome: SnapshotOutcome, snapshot: &str) -> FinishSnapshot {
    FinishSnapshot {
        snapshot: snapshot.into(),
        outcome,
    }
}

/// An encrypted ESSD disk of 40 GiB in [`REGION`].
fn encrypted_disk(disk: &str, encryption: Encryption) -> CreateDisk {
    CreateDisk {
        disk: disk.into(),
        region: REGION.into(),
        category: DiskCategory::Essd,
        size_gib: 40,
        encryption,
        source: DiskSource::Blank,
    }
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
        CreateSnapshot {
            snapshot: "s-1".into(),
            disk: "d-1".into(),
            retention_days: Some(7),
            tags: tags.clone(),
        },
    );
    let s = get(&w, "s-1");
    assert_eq!(
        events,
        vec![Event::SnapshotCreated {
            at: created,
            snapshot: s.clone()
        }]
    );
    assert_eq!(s.id, "s-1".into());
    assert_eq!(s.owner, OWNER.into());
    assert_eq!(s.region, REGION.into());
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
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
    assert_eq!(get(&w, "s-1").retention, Retention::Permanent);
}

#[test]
fn snap_1_finish_available_records_status_and_size() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
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
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
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
            matches!(&v, Violation::SnapshotNotInProgress { status: SnapshotStatus::Available, snapshot } if *snapshot == "s-1".into()),
            "{v:?}"
        );
    }
    assert_eq!(get(&w, "s-1").size_gib, 10);
}

#[test]
fn snap_1_finishing_a_failed_snapshot_again_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
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
    w.ok(
        &root(OWNER),
        ImportImage {
            image: "img-1".into(),
            region: REGION.into(),
        },
    );
    w.ok(
        &root(OWNER),
        CreateDisk {
            disk: "d-img".into(),
            region: REGION.into(),
            category: DiskCategory::Essd,
            size_gib: 60,
            encryption: Encryption::Unencrypted,
            source: DiskSource::Image("img-1".into()),
        },
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
    assert_eq!(
        events,
        vec![Event::SnapshotCreated {
            at: w.now,
            snapshot: c.clone()
        }]
    );
    assert_eq!(
        c.origin,
        SnapshotOrigin::Copy {
            source: "s-1".into()
        }
    );
    assert_eq!(c.origin.disk(), None);
    assert_eq!(c.owner, OWNER.into());
    assert_eq!(c.region, OTHER_REGION.into());
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
        CreateBackupSnapshot {
            snapshot: "b-1".into(),
            account: OWNER.into(),
            region: OTHER_REGION.into(),
            retention_days: Some(5),
        },
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
    assert_eq!(b.owner, OWNER.into());
    assert_eq!(b.region, OTHER_REGION.into());
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
        CreateAutomaticSnapshot {
            snapshot: "a-1".into(),
            disk: "d-1".into(),
            retention_days: Some(3),
        },
    );
    let a = get(&w, "a-1");
    assert_eq!(a.kind, SnapshotKind::Automatic);
    assert_eq!(a.origin, SnapshotOrigin::Disk { disk: "d-1".into() });
    assert_eq!(a.owner, OWNER.into());
    assert_eq!(a.status, SnapshotStatus::InProgress);
    assert_eq!(a.retention, Retention::Until(w.now + days(3)));
    assert_eq!(a.created_at, w.now);
    assert_eq!(
        w.state
            .automatic_snapshots(&"d-1".into())
            .cloned()
            .collect::<Vec<_>>(),
        vec!["a-1".into()]
    );
    // A manual snapshot of the same disk is not automatic.
    start(&mut w, "d-1", "s-1", None);
    assert_eq!(get(&w, "s-1").kind, SnapshotKind::Manual);
    assert_eq!(w.state.automatic_snapshots(&"d-1".into()).count(), 1);
}

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
    assert!(
        matches!(&events[1], Event::SnapshotCreated { snapshot, .. } if snapshot.id == "s-2".into())
    );
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
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    start(&mut w, "d-1", "s-1", None);
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

// ---------------------------------------------------------------- SNAP-5

#[test]
fn snap_5_create_snapshot_retention_range() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    for bad in [0, 65_537, u32::MAX] {
        let v = w.refused(
            &root(OWNER),
            CreateSnapshot {
                snapshot: "s-x".into(),
                disk: "d-1".into(),
                retention_days: Some(bad),
                tags: BTreeMap::new(),
            },
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
    let auto = |id: &str, days: u32| CreateAutomaticSnapshot {
        snapshot: id.into(),
        disk: "d-1".into(),
        retention_days: Some(days),
    };
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
        CreateSnapshot {
            snapshot: "s-0".into(),
            disk: "d-1".into(),
            retention_days: Some(0),
            tags: BTreeMap::new(),
        },
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
