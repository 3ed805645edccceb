//! ARCH-1 to ARCH-5: archiving a snapshot, the archive retention, what an
//! archived snapshot cannot do, deleting it early, and what is never
//! archived.

use crate::common;

use chrono::{DateTime, Utc};
use common::*;
use snapguard::{
    Actor, CopySnapshot, CreateBackupSnapshot, CreateSnapshot, DeletionCause, Encryption, Event,
    FinishSnapshot, ReleaseReason, Retention, RetentionRequest, RuleId, SnapshotStatus,
    StorageTier, Unarchivable, Violation,
};

/// The instant `s-1` of [`World::with_snapshot`] may first be archived.
fn archivable_at() -> DateTime<Utc> {
    t0() + days(14)
}

/// `s-1` (created at t0, permanent) at the first instant it may be archived.
fn archivable() -> World {
    let mut w = World::with_snapshot();
    w.at(archivable_at());
    w
}

/// `s-1` archived at t0 + 14 days for 100 days from its creation; returns
/// the archiving instant.
fn archived() -> (World, DateTime<Utc>) {
    let mut w = archivable();
    w.ok(&root(OWNER), archive("s-1", 100));
    (w, archivable_at())
}

// ---------------------------------------------------------------- ARCH-1

#[test]
fn arch_1_archive_one_second_before_fourteen_days_refused_with_retry_at() {
    let mut w = World::with_snapshot();
    w.at(archivable_at() - secs(1));
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch1);
    assert!(
        matches!(v, Violation::SnapshotTooYoungToArchive { created_at, archivable_at: at, .. }
        if created_at == t0() && at == archivable_at()),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), Some(archivable_at()));
    assert_eq!(get(&w, "s-1").tier, StorageTier::Standard);
}

#[test]
fn arch_1_archive_at_exactly_fourteen_days_accepted_retention_from_creation_rule_changed() {
    let mut w = archivable();
    let events = w.ok(&root(OWNER), archive("s-1", 100));
    // ARCH-2 counts the archive retention from the snapshot's creation.
    let end = t0() + days(100);
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: archivable_at(),
            snapshot: "s-1".into(),
            retention: Retention::Until(end),
        }]
    );
    let s = get(&w, "s-1");
    assert_eq!(
        s.tier,
        StorageTier::Archive {
            archived_at: archivable_at()
        }
    );
    assert!(s.is_archived());
    assert_eq!(s.status, SnapshotStatus::Available);
}

#[test]
fn arch_1_archive_one_second_after_fourteen_days_accepted() {
    let mut w = World::with_snapshot();
    w.at(archivable_at() + secs(1));
    w.ok(&root(OWNER), archive("s-1", 100));
    assert_eq!(
        get(&w, "s-1").tier,
        StorageTier::Archive {
            archived_at: archivable_at() + secs(1)
        }
    );
}

#[test]
fn arch_1_age_counts_from_the_snapshots_creation() {
    let mut w = World::with_snapshot();
    w.wait(days(3));
    w.snapshot(OWNER, "d-1", "s-2", None);
    let young_until = t0() + days(3) + days(14);
    w.at(young_until - secs(1));
    w.ok(&root(OWNER), archive("s-1", 100));
    let v = w.refused(&root(OWNER), archive("s-2", 100), RuleId::Arch1);
    assert_eq!(v.retry_at(), Some(young_until));
    w.at(young_until);
    w.ok(&root(OWNER), archive("s-2", 100));
}

#[test]
fn arch_1_only_the_owner_archives_other_account_refused_perm_4() {
    let mut w = archivable();
    w.refused(&root(OTHER), archive("s-1", 100), RuleId::Perm4);
    w.refused(&root(ABROAD), archive("s-1", 100), RuleId::Perm4);
    assert_eq!(get(&w, "s-1").tier, StorageTier::Standard);
}

#[test]
fn arch_1_in_progress_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), CreateSnapshot::new("s-1", "d-1"));
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch1);
    assert_not_available(&v, SnapshotStatus::InProgress);
}

#[test]
fn arch_1_failed_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), CreateSnapshot::new("s-1", "d-1"));
    w.ok(&snapguard::Actor::Platform, FinishSnapshot::failed("s-1"));
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch1);
    assert_not_available(&v, SnapshotStatus::Failed);
}

#[test]
fn arch_1_archiving_twice_refused_one_way_retention_from_creation_rule_changed() {
    // Archived for 100 days from creation: still there 80 days after
    // archiving (day 94), released at day 100.
    let (mut w, archived_at) = archived();
    for later in [secs(0), days(1), days(80)] {
        w.at(archived_at + later);
        let v = w.refused(&root(OWNER), archive("s-1", 200), RuleId::Arch1);
        assert!(
            matches!(&v, Violation::AlreadyArchived { snapshot } if *snapshot == "s-1"),
            "{v:?}"
        );
        assert_eq!(v.retry_at(), None, "waiting never lifts it");
        let s = get(&w, "s-1");
        assert_eq!(s.tier, StorageTier::Archive { archived_at });
        assert_eq!(s.retention, Retention::Until(t0() + days(100)));
    }
}

// ---------------------------------------------------------------- ARCH-2
//
// Rule changed (ARCH-2 follows the ECS API): the archive retention counts
// from the snapshot's creation, may be omitted (kept permanently), and may
// not end at or before the instant of archiving.

#[test]
fn arch_2_archive_retention_out_of_range_refused() {
    let mut w = archivable();
    for bad in [0, 73, 65_537, u32::MAX] {
        let v = w.refused(&root(OWNER), archive("s-1", bad), RuleId::Arch2);
        assert!(
            matches!(v, Violation::ArchiveRetentionOutOfRange { days, min: 74, max: 65_536 } if days == bad),
            "{v:?}"
        );
        assert_eq!(v.retry_at(), None);
    }
}

#[test]
fn arch_2_archive_retention_74_days_from_creation_accepted_rule_changed() {
    let mut w = archivable();
    w.ok(&root(OWNER), archive("s-1", 74));
    assert_eq!(get(&w, "s-1").retention, Retention::Until(t0() + days(74)));
}

#[test]
fn arch_2_archive_retention_65536_days_from_creation_accepted_rule_changed() {
    let mut w = archivable();
    w.ok(&root(OWNER), archive("s-1", 65_536));
    assert_eq!(
        get(&w, "s-1").retention,
        Retention::Until(t0() + days(65_536))
    );
}

#[test]
fn arch_2_archive_retention_ending_at_or_before_archiving_refused() {
    // 74 days on a snapshot 80 days old ended 6 days ago.
    let mut w = World::with_snapshot();
    w.at(t0() + days(80));
    let v = w.refused(&root(OWNER), archive("s-1", 74), RuleId::Arch2);
    assert_eq!(
        v,
        Violation::ArchiveRetentionEnded {
            snapshot: "s-1".into(),
            days: 74,
            end: t0() + days(74),
        }
    );
    assert_eq!(v.retry_at(), None);
    // Ending exactly now is refused too; one second later is accepted.
    w.at(t0() + days(74));
    w.refused(&root(OWNER), archive("s-1", 74), RuleId::Arch2);
    let mut w2 = World::with_snapshot();
    w2.at(t0() + days(74) - secs(1));
    w2.ok(&root(OWNER), archive("s-1", 74));
    assert_eq!(get(&w2, "s-1").retention, Retention::Until(t0() + days(74)));
    // Still 80 days old: a longer retention from creation is accepted.
    w.at(t0() + days(80));
    w.ok(&root(OWNER), archive("s-1", 81));
}

#[test]
fn arch_2_archive_without_retention_keeps_the_snapshot_permanently() {
    // A snapshot created with 30 days of retention, archived at day 20
    // with no retention given: kept until deleted.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.at(t0() + days(20));
    let events = w.ok(&root(OWNER), archive_permanently("s-1"));
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: t0() + days(20),
            snapshot: "s-1".into(),
            retention: Retention::Permanent,
        }]
    );
    assert_eq!(get(&w, "s-1").retention, Retention::Permanent);
    assert_eq!(w.state.next_deadline(), None);
    assert!(
        w.state
            .advance(t0() + days(100_000))
            .unwrap()
            .events
            .is_empty()
    );
}

#[test]
fn arch_2_retention_becomes_created_at_plus_days_rule_changed() {
    // A snapshot created with 30 days of retention, archived at day 20 for
    // 80 days from its creation.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.at(t0() + days(20));
    w.ok(&root(OWNER), archive("s-1", 80));
    let end = t0() + days(80);
    assert_eq!(get(&w, "s-1").retention, Retention::Until(end));
    assert_eq!(w.state.next_deadline(), Some(end));
    // Kept past its old retention end, released at the archive retention end.
    let t = w.state.advance(t0() + days(30)).unwrap();
    assert!(t.events.is_empty(), "{:?}", t.events);
    assert!(w.state.advance(end - secs(1)).unwrap().events.is_empty());
    let t = w.state.advance(end).unwrap();
    assert_eq!(
        t.events,
        vec![Event::SnapshotReleased {
            at: end,
            snapshot: "s-1".into(),
            reason: ReleaseReason::RetentionEnded
        }]
    );
}

#[test]
fn arch_2_lock_14_archive_ending_before_lock_expiry_refused_rule_changed() {
    // Locked at t0 for 200 days: 200 days from creation reach the expiry.
    let expiry = t0() + days(200);
    let mut w = World::with_snapshot();
    w.lock("s-1", 200, 0);
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 199), RuleId::Lock14);
    assert!(
        matches!(v, Violation::ArchiveEndsBeforeLock { archive_end, lock_expiry, .. }
        if archive_end == expiry - days(1) && lock_expiry == expiry),
        "{v:?}"
    );
    // Waiting does not lift it: the retention counts from creation.
    assert_eq!(v.retry_at(), None);
    w.ok(&root(OWNER), archive("s-1", 200));
    assert_eq!(get(&w, "s-1").retention, Retention::Until(expiry));
}

#[test]
fn arch_2_lock_14_archive_ending_after_lock_expiry_accepted_rule_changed() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 200, 24);
    w.at(archivable_at());
    w.ok(&root(OWNER), archive("s-1", 201));
    let s = get(&w, "s-1");
    assert_eq!(s.retention, Retention::Until(t0() + days(201)));
    assert_eq!(
        s.lock.unwrap().expiry,
        t0() + days(200),
        "archiving leaves the lock as it was"
    );
}

#[test]
fn arch_2_lock_14_an_expired_lock_does_not_bind_the_archive() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.at(t0() + days(30));
    w.ok(&root(OWNER), archive("s-1", 74));
}

// ---------------------------------------------------------------- ARCH-5

/// `s-1` of [`World::new`] with disk `d-1` encrypted as given, 14 days old.
fn encrypted_archivable(encryption: Encryption) -> World {
    let mut w = World::new();
    w.ok(
        &root(OWNER),
        blank_disk("d-1", REGION).encryption(encryption),
    );
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.at(archivable_at());
    w
}

#[test]
fn arch_5_encrypted_snapshots_are_never_archived() {
    let mut w = encrypted_archivable(Encryption::ServiceKey);
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch5);
    assert_eq!(
        v,
        Violation::NotArchivable {
            snapshot: "s-1".into(),
            reason: Unarchivable::Encrypted {
                encryption: Encryption::ServiceKey
            },
        }
    );
    assert_eq!(
        v.to_string(),
        "ARCH-5: snapshot `s-1` cannot be archived: it is encrypted with the service key"
    );
    w.refused(&root(OWNER), archive_permanently("s-1"), RuleId::Arch5);
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.ok(
        &root(OWNER),
        blank_disk("d-1", REGION).encryption(Encryption::CustomerKey("k-1".into())),
    );
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch5);
    assert!(
        matches!(
            &v,
            Violation::NotArchivable {
                reason: Unarchivable::Encrypted { .. },
                ..
            }
        ),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), None);
}

#[test]
fn arch_5_cloud_backup_snapshots_are_never_archived() {
    let mut w = World::new();
    w.ok(
        &Actor::Platform,
        CreateBackupSnapshot::new("s-b", OWNER, REGION),
    );
    w.finish("s-b");
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-b", 100), RuleId::Arch5);
    assert_eq!(
        v,
        Violation::NotArchivable {
            snapshot: "s-b".into(),
            reason: Unarchivable::CloudBackup,
        }
    );
    assert_eq!(
        v.to_string(),
        "ARCH-5: snapshot `s-b` cannot be archived: it is managed by Cloud Backup"
    );
}

#[test]
fn arch_5_snap_3_an_archived_snapshots_retention_can_no_longer_change_rule_changed() {
    // Archived for 100 days from creation; extending, making permanent,
    // shortening and repeating the same retention are all refused.
    let (mut w, _) = archived();
    w.wait(days(1));
    for retention in [
        RetentionRequest::Days(110),
        RetentionRequest::Days(65_536),
        RetentionRequest::Permanent,
        RetentionRequest::Days(99),
        RetentionRequest::Days(100),
    ] {
        let v = w.refused(&root(OWNER), set_retention("s-1", retention), RuleId::Arch5);
        assert_eq!(
            v,
            Violation::ArchivedRetentionFixed {
                snapshot: "s-1".into()
            },
            "{retention:?}"
        );
        assert_eq!(v.retry_at(), None);
    }
    assert_eq!(get(&w, "s-1").retention, Retention::Until(t0() + days(100)));
    // A permanent archive stays permanent: nothing to change either.
    let mut w = archivable();
    w.ok(&root(OWNER), archive_permanently("s-1"));
    w.refused(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(65_536)),
        RuleId::Arch5,
    );
}

// ---------------------------------------------------------------- ARCH-3

#[test]
fn arch_3_copy_of_archived_snapshot_refused() {
    let copy = |id: &str| {
        CopySnapshot::new("s-1", id, OTHER_REGION).encryption(snapguard::Encryption::Unencrypted)
    };
    let mut w = archivable();
    // Before archiving the same copy is accepted.
    w.ok(&root(OWNER), copy("c-1"));
    w.ok(&root(OWNER), archive("s-1", 100));
    w.wait(days(1));
    let v = w.refused(&root(OWNER), copy("c-2"), RuleId::Arch3);
    assert!(
        matches!(&v, Violation::ArchivedSnapshotNotCopyable { snapshot } if *snapshot == "s-1"),
        "{v:?}"
    );
}

// ---------------------------------------------------------------- ARCH-4

#[track_caller]
fn assert_deleted(events: &[Event], at: DateTime<Utc>, early: bool) {
    assert_eq!(
        events,
        [Event::SnapshotDeleted {
            at,
            snapshot: "s-1".into(),
            cause: DeletionCause::Requested,
            cancelled_in_progress: false,
            early_archive_deletion: early,
        }]
    );
}

#[test]
fn arch_4_deleting_one_second_before_sixty_days_is_early() {
    let (mut w, archived_at) = archived();
    w.at(archived_at + days(60) - secs(1));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, w.now, true);
    assert!(!w.exists("s-1"));
}

#[test]
fn arch_4_deleting_right_after_archiving_is_early() {
    let (mut w, archived_at) = archived();
    w.at(archived_at);
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, archived_at, true);
}

#[test]
fn arch_4_deleting_at_exactly_sixty_days_is_not_early() {
    let (mut w, archived_at) = archived();
    w.at(archived_at + days(60));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, w.now, false);
    assert!(!w.exists("s-1"));
}

#[test]
fn arch_4_deleting_one_second_after_sixty_days_is_not_early() {
    let (mut w, archived_at) = archived();
    w.at(archived_at + days(60) + secs(1));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, w.now, false);
}

#[test]
fn arch_4_deleting_a_locked_archived_snapshot_refused_lock_10() {
    // Locked at t0 for 30 days (in compliance at once), archived at day 14.
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    w.at(archivable_at());
    w.ok(&root(OWNER), archive("s-1", 100));
    w.at(t0() + days(30) - secs(1));
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(v.retry_at(), Some(t0() + days(30)));
    // Once the lock expires it may go, still within 60 days of archiving.
    w.at(t0() + days(30));
    let events = w.ok(&root(OWNER), delete("s-1"));
    let deleted = events
        .iter()
        .find(|e| matches!(e, Event::SnapshotDeleted { .. }))
        .expect("deleted");
    assert!(
        matches!(
            deleted,
            Event::SnapshotDeleted {
                early_archive_deletion: true,
                ..
            }
        ),
        "{deleted:?}"
    );
}
