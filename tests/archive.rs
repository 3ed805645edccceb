//! ARCH-1 to ARCH-4: archiving a snapshot, the archive retention, what an
//! archived snapshot cannot do, and deleting it early.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use common::*;
use snapguard::{
    CopySnapshot, CreateSnapshot, DeletionCause, Event, FinishSnapshot, ReleaseReason, Retention,
    RetentionRequest, RuleId, SnapshotOutcome, SnapshotStatus, StorageTier, Violation,
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

/// `s-1` archived at t0 + 14 days for 100 days; returns the archiving instant.
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
fn arch_1_archive_at_exactly_fourteen_days_accepted() {
    let mut w = archivable();
    let events = w.ok(&root(OWNER), archive("s-1", 100));
    let end = archivable_at() + days(100);
    assert_eq!(
        events,
        vec![Event::SnapshotArchived {
            at: archivable_at(),
            snapshot: "s-1".into(),
            retention_end: end
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
    w.ok(
        &root(OWNER),
        CreateSnapshot {
            snapshot: "s-1".into(),
            disk: "d-1".into(),
            retention_days: None,
            tags: BTreeMap::new(),
            instant_access: false,
        },
    );
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch1);
    assert_not_available(&v, SnapshotStatus::InProgress);
}

#[test]
fn arch_1_failed_snapshot_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(
        &root(OWNER),
        CreateSnapshot {
            snapshot: "s-1".into(),
            disk: "d-1".into(),
            retention_days: None,
            tags: BTreeMap::new(),
            instant_access: false,
        },
    );
    w.ok(
        &snapguard::Actor::Platform,
        FinishSnapshot {
            snapshot: "s-1".into(),
            outcome: SnapshotOutcome::Failed,
        },
    );
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Arch1);
    assert_not_available(&v, SnapshotStatus::Failed);
}

#[test]
fn arch_1_archiving_twice_refused_one_way() {
    let (mut w, archived_at) = archived();
    for later in [secs(0), days(1), days(90)] {
        w.at(archived_at + later);
        let v = w.refused(&root(OWNER), archive("s-1", 200), RuleId::Arch1);
        assert!(
            matches!(&v, Violation::AlreadyArchived { snapshot } if *snapshot == "s-1".into()),
            "{v:?}"
        );
        assert_eq!(v.retry_at(), None, "waiting never lifts it");
        let s = get(&w, "s-1");
        assert_eq!(s.tier, StorageTier::Archive { archived_at });
        assert_eq!(s.retention, Retention::Until(archived_at + days(100)));
    }
}

// ---------------------------------------------------------------- ARCH-2

#[test]
fn arch_2_archive_retention_out_of_range_refused() {
    let mut w = archivable();
    for bad in [0, 73, 65_537, u32::MAX] {
        let v = w.refused(&root(OWNER), archive("s-1", bad), RuleId::Arch2);
        assert!(
            matches!(v, Violation::ArchiveRetentionOutOfRange { days, min: 74, max: 65_536 } if days == bad),
            "{v:?}"
        );
    }
}

#[test]
fn arch_2_archive_retention_74_accepted() {
    let mut w = archivable();
    w.ok(&root(OWNER), archive("s-1", 74));
    assert_eq!(
        get(&w, "s-1").retention,
        Retention::Until(archivable_at() + days(74))
    );
}

#[test]
fn arch_2_archive_retention_65536_accepted() {
    let mut w = archivable();
    w.ok(&root(OWNER), archive("s-1", 65_536));
    assert_eq!(
        get(&w, "s-1").retention,
        Retention::Until(archivable_at() + days(65_536))
    );
}

#[test]
fn arch_2_retention_becomes_archived_at_plus_days() {
    // A snapshot created with 30 days of retention, archived at day 20.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    let archived_at = t0() + days(20);
    w.at(archived_at);
    w.ok(&root(OWNER), archive("s-1", 80));
    let end = archived_at + days(80);
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
fn arch_2_lock_14_archive_ending_before_lock_expiry_refused() {
    // Locked at t0 for 200 days: expires at t0 + 200 days. Archived at t0 +
    // 14 days, so 186 days of archive retention reach the expiry exactly.
    let expiry = t0() + days(200);
    let mut w = World::with_snapshot();
    w.lock("s-1", 200, 0);
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 185), RuleId::Lock14);
    assert!(
        matches!(v, Violation::ArchiveEndsBeforeLock { archive_end, lock_expiry, .. }
        if archive_end == expiry - days(1) && lock_expiry == expiry),
        "{v:?}"
    );
    w.ok(&root(OWNER), archive("s-1", 186));
    assert_eq!(get(&w, "s-1").retention, Retention::Until(expiry));
}

#[test]
fn arch_2_lock_14_archive_ending_after_lock_expiry_accepted() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 200, 24);
    w.at(archivable_at());
    w.ok(&root(OWNER), archive("s-1", 187));
    let s = get(&w, "s-1");
    assert_eq!(s.retention, Retention::Until(archivable_at() + days(187)));
    assert_eq!(
        s.lock.unwrap().expiry,
        t0() + days(200),
        "archiving leaves the lock as it was"
    );
}

#[test]
fn lock_14_archive_ending_before_lock_refused_until_allowed_from() {
    // Locked at t0 for 200 days; 100 days of archive retention reach the
    // expiry from t0 + 100 days on, since they count from the archiving.
    let expiry = t0() + days(200);
    let allowed_from = expiry - days(100);
    let mut w = World::with_snapshot();
    w.lock("s-1", 200, 0);
    w.at(archivable_at());
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Lock14);
    assert!(
        matches!(v, Violation::ArchiveEndsBeforeLock { allowed_from: Some(at), .. } if at == allowed_from),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), Some(allowed_from));
    w.at(allowed_from - secs(1));
    let v = w.refused(&root(OWNER), archive("s-1", 100), RuleId::Lock14);
    assert_eq!(v.retry_at(), Some(allowed_from));
    w.at(allowed_from);
    w.ok(&root(OWNER), archive("s-1", 100));
    assert_eq!(get(&w, "s-1").retention, Retention::Until(expiry));
}

// ------------------------------------- ARCH-2: retention of an archived snapshot

#[test]
fn arch_2_retention_days_of_archived_snapshot_count_from_archiving() {
    // Archived at t0 + 14 days for 100 days. 110 days counted from creation
    // (t0 + 110) would shorten it; counted from the archiving they extend it.
    let (mut w, archived_at) = archived();
    w.wait(days(1));
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(110)),
    );
    let end = archived_at + days(110);
    assert_eq!(
        events,
        vec![Event::RetentionChanged {
            at: w.now,
            snapshot: "s-1".into(),
            retention: Retention::Until(end),
        }]
    );
    assert_eq!(get(&w, "s-1").retention, Retention::Until(end));
    assert_eq!(w.state.next_deadline(), Some(end));
    // The same retention again records nothing.
    let events = w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(110)),
    );
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn arch_2_retention_days_of_archived_snapshot_outside_archive_range_refused() {
    // 30 days is a valid retention (SNAP-5) but not an archive retention.
    let (mut w, _) = archived();
    for bad in [30, 73, 65_537] {
        let v = w.refused(
            &root(OWNER),
            set_retention("s-1", RetentionRequest::Days(bad)),
            RuleId::Arch2,
        );
        assert!(
            matches!(v, Violation::ArchiveRetentionOutOfRange { days, min: 74, max: 65_536 } if days == bad),
            "{v:?}"
        );
        assert_eq!(v.retry_at(), None);
    }
    // The longest archive retention is accepted.
    w.ok(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(65_536)),
    );
}

#[test]
fn arch_2_archived_snapshot_made_permanent_refused() {
    let (mut w, archived_at) = archived();
    let v = w.refused(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Permanent),
        RuleId::Arch2,
    );
    assert!(
        matches!(&v, Violation::ArchiveRetentionPermanent { snapshot } if *snapshot == "s-1".into()),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), None);
    assert_eq!(
        get(&w, "s-1").retention,
        Retention::Until(archived_at + days(100))
    );
}

#[test]
fn arch_2_snap_3_archived_retention_shortened_refused() {
    // Within the archive range, but shorter than the 100 days given.
    let (mut w, archived_at) = archived();
    let v = w.refused(
        &root(OWNER),
        set_retention("s-1", RetentionRequest::Days(99)),
        RuleId::Snap3,
    );
    assert!(
        matches!(v, Violation::RetentionShortened { current, requested, .. }
        if current == Retention::Until(archived_at + days(100))
            && requested == Retention::Until(archived_at + days(99))),
        "{v:?}"
    );
}

// ---------------------------------------------------------------- ARCH-3

#[test]
fn arch_3_copy_of_archived_snapshot_refused() {
    let copy = |id: &str| CopySnapshot {
        source: "s-1".into(),
        snapshot: id.into(),
        region: OTHER_REGION.into(),
        encryption: snapguard::Encryption::Unencrypted,
        retention_days: None,
    };
    let mut w = archivable();
    // Before archiving the same copy is accepted.
    w.ok(&root(OWNER), copy("c-1"));
    w.ok(&root(OWNER), archive("s-1", 100));
    w.wait(days(1));
    let v = w.refused(&root(OWNER), copy("c-2"), RuleId::Arch3);
    assert!(
        matches!(&v, Violation::ArchivedSnapshotNotCopyable { snapshot } if *snapshot == "s-1".into()),
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
