//! What can be copied and what a copy is: COPY-1 (available, standard-tier
//! sources only; ARCH-3), COPY-2 (standard copies), COPY-4 (regions closing
//! down), COPY-5 (what a copy holds, and no rollback with it: DISK-2),
//! COPY-6 (cancelling a copy in progress), and LOCK-13 (a copy of a locked
//! snapshot carries no lock).

use crate::common;
use crate::copy_support;

use std::collections::BTreeMap;

use common::*;
use copy_support::*;
use snapguard::{
    Actor, CreateRegion, DeletionCause, Encryption, Event, LineageRoot, LockState, ObjectKind,
    ResetDisk, Retention, RuleId, SnapshotKind, SnapshotOrigin, SnapshotStatus,
    StandardCopyProblem, StorageTier, Violation,
};

fn reset(disk: &str, snapshot: &str) -> ResetDisk {
    ResetDisk::new(disk, snapshot)
}

// ---------------------------------------------------------------- COPY-1

#[test]
fn copy_1_source_in_progress_refused_standard_or_encrypted() {
    let mut w = World::new();
    w.kms(OWNER);
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    let v = w.refused(&root(OWNER), copy("s-1", "c-1", None), RuleId::Copy1);
    assert_eq!(v, not_available("s-1", SnapshotStatus::InProgress));
    let encrypted = copy_to("s-1", "c-1", REGION, Encryption::ServiceKey);
    let v = w.refused(&root(OWNER), encrypted, RuleId::Copy1);
    assert_eq!(v, not_available("s-1", SnapshotStatus::InProgress));
    assert!(!w.exists("c-1"));
}

#[test]
fn copy_1_failed_source_refused() {
    let mut w = World::new();
    w.kms(OWNER);
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    w.fail("s-1");
    let v = w.refused(&root(OWNER), copy("s-1", "c-1", None), RuleId::Copy1);
    assert_eq!(v, not_available("s-1", SnapshotStatus::Failed));
    let encrypted = copy_to("s-1", "c-1", REGION, cmk("k-9"));
    // An unknown key is looked up first (GEN-4).
    w.refused(&root(OWNER), encrypted, RuleId::Gen4);
    let encrypted = copy_to("s-1", "c-1", OTHER_REGION, Encryption::ServiceKey);
    let v = w.refused(&root(OWNER), encrypted, RuleId::Copy1);
    assert_eq!(v, not_available("s-1", SnapshotStatus::Failed));
}

#[test]
fn copy_1_copy_still_in_progress_cannot_be_copied_until_it_completes() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.kms(OWNER);
    let onward = copy_to("c-1", "c-2", OTHER_REGION, Encryption::ServiceKey);
    let v = w.refused(&root(OWNER), onward.clone(), RuleId::Copy1);
    assert_eq!(v, not_available("c-1", SnapshotStatus::InProgress));
    w.finish("c-1");
    let c2 = w.copy_ok(&root(OWNER), onward).snapshot;
    assert_eq!(c2.region.as_str(), OTHER_REGION);
}

#[test]
fn copy_1_arch_3_archived_snapshot_not_copied_even_with_encryption() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.wait(days(14));
    w.ok(&root(OWNER), archive("s-1", 365));
    for encryption in [Encryption::ServiceKey, Encryption::Unencrypted] {
        let v = w.refused(
            &root(OWNER),
            copy_to("s-1", "c-1", OTHER_REGION, encryption),
            RuleId::Arch3,
        );
        assert_eq!(
            v,
            Violation::ArchivedSnapshotNotCopyable {
                snapshot: sid("s-1")
            }
        );
    }
}

#[test]
fn copy_1_gen_4_perm_4_source_must_exist_be_reachable_and_go_to_a_known_region() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), copy("s-9", "c-1", None), RuleId::Gen4);
    assert_eq!(
        v,
        Violation::NotFound {
            kind: ObjectKind::Snapshot,
            id: "s-9".into()
        }
    );
    let nowhere = copy_to("s-1", "c-1", "cn-nowhere", Encryption::Unencrypted);
    let v = w.refused(&root(OWNER), nowhere, RuleId::Gen4);
    assert_eq!(
        v,
        Violation::NotFound {
            kind: ObjectKind::Region,
            id: "cn-nowhere".into()
        }
    );
    // Another account's snapshot not shared with the copier.
    let v = w.refused(&root(OTHER), copy("s-1", "c-1", None), RuleId::Perm4);
    assert!(matches!(
        v,
        Violation::ForeignResource {
            kind: ObjectKind::Snapshot,
            ..
        }
    ));
    // Copies are a customer's: the platform does not issue them.
    w.refused(&Actor::Platform, copy("s-1", "c-1", None), RuleId::Perm1);
}

// ---------------------------------------------------------------- COPY-2

#[test]
fn copy_2_standard_copy_into_the_same_region_refused() {
    let mut w = World::with_snapshot();
    let same = copy_to("s-1", "c-1", REGION, Encryption::Unencrypted);
    let v = w.refused(&root(OWNER), same, RuleId::Copy2);
    assert_eq!(
        v,
        standard_refused(
            "s-1",
            StandardCopyProblem::SameRegion {
                region: REGION.into()
            }
        )
    );
    assert!(!w.exists("c-1"));
}

#[test]
fn copy_2_standard_copy_to_another_region_accepted_unencrypted() {
    let mut w = World::with_snapshot();
    // No KMS: a standard copy needs none.
    assert!(!w.state.account(&OWNER.into()).unwrap().kms_activated);
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None)).snapshot;
    assert_eq!(c.encryption, Encryption::Unencrypted);
    assert_eq!(c.region.as_str(), OTHER_REGION);
}

#[test]
fn copy_2_standard_copy_of_encrypted_snapshot_refused_whatever_the_key() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.encrypted_snapshot("d-s", "s-s", Encryption::ServiceKey);
    w.encrypted_snapshot("d-k", "s-k", cmk("k-1"));
    for (source, encryption) in [("s-s", Encryption::ServiceKey), ("s-k", cmk("k-1"))] {
        let v = w.refused(&root(OWNER), copy(source, "c-1", None), RuleId::Copy2);
        let problem = StandardCopyProblem::EncryptedSource { encryption };
        assert_eq!(v, standard_refused(source, problem.clone()));
        // Into its own region as well, the encryption is what is reported.
        let same = copy_to(source, "c-1", REGION, Encryption::Unencrypted);
        let all = w.state.explain(w.now, &root(OWNER), same.clone());
        assert_eq!(all, vec![standard_refused(source, problem)]);
        w.refused(&root(OWNER), same, RuleId::Copy2);
    }
}

#[test]
fn copy_2_encrypted_source_copied_with_the_service_key_accepted() {
    let mut w = World::new();
    w.kms(OWNER);
    w.encrypted_snapshot("d-s", "s-s", Encryption::ServiceKey);
    for (id, region) in [("c-1", OTHER_REGION), ("c-2", REGION)] {
        let c = w
            .copy_ok(
                &root(OWNER),
                copy_to("s-s", id, region, Encryption::ServiceKey),
            )
            .snapshot;
        assert_eq!(c.encryption, Encryption::ServiceKey);
        assert_eq!(c.region.as_str(), region);
    }
}

// ---------------------------------------------------------------- COPY-4

#[test]
fn copy_4_encrypted_copy_into_a_closing_region_refused() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-2", OTHER_REGION);
    w.close_region(OTHER_REGION);
    for encryption in [Encryption::ServiceKey, cmk("k-2")] {
        let command = copy_to("s-1", "c-1", OTHER_REGION, encryption);
        let v = w.refused(&root(OWNER), command, RuleId::Copy4);
        assert_eq!(v, closing(OTHER_REGION));
    }
    assert!(!w.exists("c-1"));
}

#[test]
fn copy_4_standard_copy_into_a_closing_region_accepted() {
    let mut w = World::with_snapshot();
    w.close_region(OTHER_REGION);
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None)).snapshot;
    assert_eq!(
        (c.region.as_str(), c.encryption),
        (OTHER_REGION, Encryption::Unencrypted)
    );
}

#[test]
fn copy_4_encrypted_copy_to_an_open_region_still_accepted() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.ok(&Actor::Platform, CreateRegion::new("cn-beijing"));
    w.close_region(OTHER_REGION);
    for (id, region) in [("c-1", REGION), ("c-2", "cn-beijing")] {
        let c = w
            .copy_ok(
                &root(OWNER),
                copy_to("s-1", id, region, Encryption::ServiceKey),
            )
            .snapshot;
        assert_eq!(c.region.as_str(), region);
    }
    // A copy of a snapshot that lives in the closing region may leave it.
    w.ok(&root(OWNER), copy("s-1", "c-3", None));
    w.finish("c-3");
    let out = copy_to("c-3", "c-4", REGION, Encryption::ServiceKey);
    assert_eq!(
        w.copy_ok(&root(OWNER), out).snapshot.region.as_str(),
        REGION
    );
}

#[test]
fn copy_4_closing_region_still_takes_disks_and_snapshots() {
    let mut w = World::new();
    w.close_region(REGION);
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    assert_eq!(get(&w, "s-1").status, SnapshotStatus::Available);
}

// ---------------------------------------------------------------- COPY-5

#[test]
fn copy_5_copy_holds_new_id_copier_destination_no_tags_no_instant_access() {
    let mut w = World::new();
    w.kms(OTHER);
    w.disk(OWNER, "d-1");
    let tags = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    w.ok(
        &root(OWNER),
        create_snapshot("s-1", "d-1", Some(30))
            .tags(tags.clone())
            .instant_access(true),
    );
    w.finish("s-1");
    let source = get(&w, "s-1");
    assert_eq!((source.tags.clone(), source.instant_access), (tags, true));
    w.share_with(OTHER);
    w.wait(days(10));
    let command = copy_to("s-1", "c-1", REGION, Encryption::ServiceKey).retention_days(5);
    let c = w.copy_ok(&root(OTHER), command).snapshot;
    assert_eq!(c.id, sid("c-1"));
    assert_eq!(c.owner.as_str(), OTHER);
    assert_eq!(c.region.as_str(), REGION);
    assert_eq!(c.status, SnapshotStatus::InProgress);
    assert_eq!(c.encryption, Encryption::ServiceKey);
    // Its own retention, from the copy's creation, not the source's.
    assert_eq!(c.retention, Retention::Until(w.now + days(5)));
    assert!(c.tags.is_empty());
    assert!(!c.instant_access);
    assert_eq!(c.lock, None);
    assert_eq!(c.kind, SnapshotKind::Manual);
    assert_eq!(c.tier, StorageTier::Standard);
    assert_eq!(c.created_at, w.now);
    assert_eq!(c.size_gib, 0);
    assert_eq!(c.source_disk_size_gib, 40);
    assert_eq!(
        c.origin,
        SnapshotOrigin::Copy {
            source: sid("s-1"),
            root: LineageRoot::Disk("d-1".into()),
            imported_image: false,
        }
    );
    assert_eq!(get(&w, "s-1"), source, "the source is untouched");
}

#[test]
fn copy_5_copy_is_permanent_by_default_even_from_a_retained_source() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.wait(days(3));
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None)).snapshot;
    assert_eq!(c.retention, Retention::Permanent);
    let c = w
        .copy_ok(&root(OWNER), copy("s-1", "c-2", Some(1)))
        .snapshot;
    assert_eq!(c.retention, Retention::Until(t0() + days(4)));
    // The copy outlives its source's retention.
    w.at(t0() + days(31));
    w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert!(!w.exists("s-1"));
    assert!(w.exists("c-1"));
}

#[test]
fn copy_5_copy_of_an_automatic_snapshot_is_manual() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    let c = w.copy_ok(&root(OWNER), copy("a-1", "c-1", None)).snapshot;
    assert_eq!(c.kind, SnapshotKind::Manual);
    assert!(
        w.state
            .automatic_snapshots(&"d-1".into())
            .all(|s| *s != sid("c-1"))
    );
}

#[test]
fn copy_5_snap_5_copy_retention_out_of_range_refused() {
    let mut w = World::with_snapshot();
    for days in [0, 65_537] {
        let v = w.refused(&root(OWNER), copy("s-1", "c-1", Some(days)), RuleId::Snap5);
        assert_eq!(
            v,
            Violation::RetentionOutOfRange {
                days,
                min: 1,
                max: 65_536
            }
        );
    }
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", Some(65_536)));
    assert_eq!(c.snapshot.retention, Retention::Until(t0() + days(65_536)));
}

#[test]
fn copy_5_gen_4_copy_id_taken_or_used_before_refused() {
    let mut w = World::with_snapshot();
    let taken = |id: &str| Violation::AlreadyExists {
        kind: ObjectKind::Snapshot,
        id: id.into(),
    };
    let v = w.refused(&root(OWNER), copy("s-1", "s-1", None), RuleId::Gen4);
    assert_eq!(v, taken("s-1"));
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    let v = w.refused(&root(OWNER), copy("s-1", "c-1", None), RuleId::Gen4);
    assert_eq!(v, taken("c-1"));
    // Not even once the copy is cancelled.
    w.ok(&root(OWNER), delete("c-1"));
    let v = w.refused(&root(OWNER), copy("s-1", "c-1", None), RuleId::Gen4);
    assert_eq!(v, taken("c-1"));
}

#[test]
fn copy_5_disk_2_copy_cannot_roll_back_the_source_disk() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.ok(&root(OWNER), copy("s-1", "c-x", None));
    let same_region = copy_to("s-1", "c-1", REGION, Encryption::ServiceKey);
    w.ok(&root(OWNER), same_region);
    for id in ["c-x", "c-1"] {
        w.finish(id);
        let v = w.refused(&root(OWNER), reset("d-1", id), RuleId::Disk2);
        assert_eq!(
            v,
            Violation::RollbackToOtherSnapshot {
                disk: "d-1".into(),
                snapshot: sid(id),
            }
        );
    }
    // The source itself rolls the disk back.
    let events = w.ok(&root(OWNER), reset("d-1", "s-1"));
    assert!(matches!(&events[..], [Event::DiskRolledBack { .. }]));
}

// ---------------------------------------------------------------- COPY-6

#[test]
fn copy_6_deleting_a_copy_in_progress_cancels_it() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.ok(
        &root(OWNER),
        copy_to("s-1", "c-1", REGION, Encryption::ServiceKey),
    );
    w.wait(secs(90));
    let events = w.ok(&root(OWNER), delete("c-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotDeleted {
            at: w.now,
            snapshot: sid("c-1"),
            cause: DeletionCause::Requested,
            cancelled_in_progress: true,
            early_archive_deletion: false,
        }]
    );
    assert!(!w.exists("c-1"));
    assert!(w.exists("s-1"), "the source stays");
    // Nothing is left to complete, and nothing started its lineage.
    w.refused(&Actor::Platform, finish("c-1"), RuleId::Gen4);
    assert_eq!(w.state.copy_lineages().count(), 0);
}

#[test]
fn copy_6_deleting_a_completed_copy_is_no_cancellation() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.finish("c-1");
    let events = w.ok(&root(OWNER), delete("c-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotDeleted {
            at: w.now,
            snapshot: sid("c-1"),
            cause: DeletionCause::Requested,
            cancelled_in_progress: false,
            early_archive_deletion: false,
        }]
    );
    assert!(!w.exists("c-1"));
}

#[test]
fn copy_6_only_the_copier_cancels_a_copy() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.ok(&root(OTHER), copy("s-1", "c-1", None));
    let v = w.refused(&root(OWNER), delete("c-1"), RuleId::Perm4);
    assert!(matches!(v, Violation::ForeignResource { .. }), "{v:?}");
    let events = w.ok(&root(OTHER), delete("c-1"));
    assert!(matches!(
        &events[..],
        [Event::SnapshotDeleted {
            cancelled_in_progress: true,
            ..
        }]
    ));
}

// ---------------------------------------------------------------- LOCK-13

#[test]
fn lock_13_copy_of_a_snapshot_in_compliance_has_no_lock() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.lock("s-1", 30, 0);
    w.wait(hours(1));
    assert_eq!(
        get(&w, "s-1").lock_state(w.now),
        Some(LockState::Compliance)
    );
    let standard = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None)).snapshot;
    let encrypted = copy_to("s-1", "c-2", REGION, Encryption::ServiceKey);
    let encrypted = w.copy_ok(&root(OWNER), encrypted).snapshot;
    for id in ["c-1", "c-2"] {
        w.finish(id);
        assert_eq!(get(&w, id).lock, None);
        assert!(!get(&w, id).is_locked_at(w.now));
    }
    assert_eq!((standard.lock, encrypted.lock), (None, None));
    // The copy is deleted at once; its locked source is not.
    w.ok(&root(OWNER), delete("c-1"));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert!(get(&w, "s-1").lock.is_some());
}

#[test]
fn lock_13_copy_of_a_snapshot_in_cooling_off_has_no_lock() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    w.wait(hours(2));
    assert_eq!(get(&w, "s-1").lock_state(w.now), Some(LockState::CoolOff));
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None)).snapshot;
    assert_eq!(c.lock, None);
    // Deleting the copy in progress cancels it even though the source is
    // locked (LOCK-10 binds the source only).
    let events = w.ok(&root(OWNER), delete("c-1"));
    assert!(matches!(
        &events[..],
        [Event::SnapshotDeleted {
            cancelled_in_progress: true,
            ..
        }]
    ));
}

#[test]
fn lock_13_a_lock_never_stops_a_copy() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.lock("s-1", 36_500, 72);
    let commands = [
        copy("s-1", "c-1", None),
        copy_to("s-1", "c-1", REGION, Encryption::ServiceKey),
        copy_to("s-1", "c-1", OTHER_REGION, Encryption::ServiceKey),
    ];
    for at in [w.now, w.now + hours(73)] {
        for command in &commands {
            let all = w.state.explain(at, &root(OWNER), command.clone());
            assert_eq!(all, vec![], "{command:?} at {at}");
        }
    }
}
