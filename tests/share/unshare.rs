//! SHARE-12, SHARE-13, DISK-4, and the sharing side of LOCK-11, LOCK-12 and
//! PERM-4: what keeps a shared snapshot alive, and what unsharing does.

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    Actor, CreateAutomaticSnapshot, CreateDisk, CreateImage, DeleteImage, DeleteResourceShare,
    DeletionCause, DiskSource, Event, Limits, MarkAccountOverdue, ObjectKind, ReinitializeDisk,
    ReleaseDisk, ReleaseOverdueSnapshot, ReleaseReason, RemoveDirectoryMember, RuleId,
    SnapshotAccess, Violation,
};

fn disk_from(disk: &str, region: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, region).source(DiskSource::snapshot(snapshot))
}

fn reinit(disk: &str) -> ReinitializeDisk {
    ReinitializeDisk::new(disk)
}

fn delete_share(share: &str) -> DeleteResourceShare {
    DeleteResourceShare::new(share)
}

fn automatic(snapshot: &str) -> CreateAutomaticSnapshot {
    CreateAutomaticSnapshot::new(snapshot, "d-1")
}

/// The two ways to unshare `s-1` from `rs-1`.
#[derive(Debug, Clone, Copy)]
enum Unshare {
    Disassociate,
    DeleteShare,
}

const UNSHARES: [Unshare; 2] = [Unshare::Disassociate, Unshare::DeleteShare];

impl World {
    #[track_caller]
    fn unshare(&mut self, how: Unshare) -> Vec<Event> {
        match how {
            Unshare::Disassociate => self.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"])),
            Unshare::DeleteShare => self.ok(&root(OWNER), delete_share("rs-1")),
        }
    }
}

/// `s-1` of [`OWNER`] shared with and accepted by [`OTHER`], which made disk
/// `d-2` from it.
fn shared_with_disk() -> World {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1"));
    w
}

fn shared_error(shares: usize) -> Violation {
    Violation::SnapshotShared {
        snapshot: sid("s-1"),
        shares,
    }
}

fn not_in_place() -> Violation {
    Violation::ShareNotInPlace {
        disk: "d-2".into(),
        snapshot: sid("s-1"),
    }
}

fn reinitialized(disk: &str) -> Vec<Event> {
    vec![Event::DiskReinitialized {
        at: t0(),
        disk: disk.into(),
    }]
}

#[track_caller]
fn assert_reinitialized(events: &[Event], disk: &str) {
    assert!(
        matches!(events, [Event::DiskReinitialized { disk: d, .. }] if d.as_str() == disk),
        "{events:?}"
    );
}

#[track_caller]
fn assert_deleted(events: &[Event], snapshot: &str, cause: DeletionCause) {
    assert!(
        events.iter().any(|e| matches!(e,
            Event::SnapshotDeleted { snapshot: s, cause: c, .. } if s.as_str() == snapshot && *c == cause)),
        "expected {snapshot} deleted by {cause:?}: {events:?}"
    );
}

#[track_caller]
fn assert_not_deleted(events: &[Event], snapshot: &str) {
    assert!(
        !events.iter().any(|e| matches!(e,
            Event::SnapshotDeleted { snapshot: s, .. } if s.as_str() == snapshot)),
        "expected {snapshot} kept: {events:?}"
    );
}

// ---------------------------------------------------------------- SHARE-12

#[test]
fn share_12_owner_cannot_delete_shared_snapshot() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Share12);
    assert_eq!(v, shared_error(1));
    assert!(w.exists("s-1"));
}

#[test]
fn share_12_refusal_counts_every_share_holding_the_snapshot() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.ok(&root(OWNER), create_share("rs-2", &[], &["s-1"]));
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Share12);
    assert_eq!(v, shared_error(2));
    // Leaving one share is not enough.
    w.ok(&root(OWNER), disassociate("rs-2", &[], &["s-1"]));
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Share12);
    assert_eq!(v, shared_error(1));
}

#[test]
fn share_12_owner_can_delete_after_disassociating() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    let events = w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    assert!(
        matches!(&events[..], [Event::SnapshotUnshared { share, snapshot, .. }]
            if share.as_str() == "rs-1" && snapshot.as_str() == "s-1"),
        "{events:?}"
    );
    assert!(!w.state.is_shared(&sid("s-1")));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, "s-1", DeletionCause::Requested);
    assert!(!w.exists("s-1"));
}

#[test]
fn share_12_removing_every_principal_does_not_unshare() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.ok(&root(OWNER), disassociate("rs-1", &[account(OTHER)], &[]));
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert!(share.principals.is_empty());
    assert!(share.snapshots.contains_key(&sid("s-1")));
    assert!(w.state.is_shared(&sid("s-1")));
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Share12);
    assert_eq!(v, shared_error(1));
}

#[test]
fn share_12_deleting_the_share_unshares() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    let events = w.ok(&root(OWNER), delete_share("rs-1"));
    assert!(
        matches!(
            &events[..],
            [
                Event::SnapshotUnshared { .. },
                Event::ResourceShareDeleted { .. }
            ]
        ),
        "{events:?}"
    );
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
    assert!(!w.state.is_shared(&sid("s-1")));
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert_deleted(&events, "s-1", DeletionCause::Requested);
}

#[test]
fn share_12_release_disk_keeps_shared_automatic_snapshots() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.auto_snapshot("d-1", "a-2");
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["a-1"]),
    );
    let events = w.ok(
        &root(OWNER),
        ReleaseDisk::new("d-1").release_automatic_snapshots(true),
    );
    assert_not_deleted(&events, "a-1");
    assert_deleted(&events, "a-2", DeletionCause::DiskReleased);
    assert!(w.exists("a-1") && !w.exists("a-2"));
    assert!(w.state.is_shared(&sid("a-1")));
}

#[test]
fn share_12_delete_image_with_snapshots_keeps_shared_snapshot() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    for (image, snapshot) in [("img-1", "s-1"), ("img-2", "s-2")] {
        w.ok(&root(OWNER), CreateImage::new(image, snapshot));
    }
    w.share_with(OTHER);
    let delete_image = |image: &str| DeleteImage::new(image).delete_snapshots(true);
    let events = w.ok(&root(OWNER), delete_image("img-1"));
    assert!(
        matches!(&events[..], [Event::ImageDeleted { .. }]),
        "{events:?}"
    );
    assert!(w.exists("s-1"));
    // The same deletion takes an unshared snapshot with it.
    let events = w.ok(&root(OWNER), delete_image("img-2"));
    assert_deleted(&events, "s-2", DeletionCause::ImageDeleted);
}

#[test]
fn lock_11_share_12_rotation_skips_shared_automatic_snapshots() {
    let mut limits = Limits::default();
    limits.auto_snapshots_per_disk = 2;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.auto_snapshot("d-1", "a-2");
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["a-1"]),
    );
    let events = w.auto_snapshot("d-1", "a-3");
    assert_not_deleted(&events, "a-1");
    assert_deleted(&events, "a-2", DeletionCause::Rotation);
    assert!(w.exists("a-1") && !w.exists("a-2") && w.exists("a-3"));
}

#[test]
fn lock_11_rotation_refused_when_every_automatic_snapshot_is_shared() {
    let mut limits = Limits::default();
    limits.auto_snapshots_per_disk = 2;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.auto_snapshot("d-1", "a-2");
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["a-1", "a-2"]),
    );
    let v = w.refused(&Actor::Platform, automatic("a-3"), RuleId::Lock11);
    let expected = Violation::AutomaticSnapshotLimitReached {
        disk: "d-1".into(),
        limit: 2,
        earliest_unlock: None,
    };
    assert_eq!(v, expected);
    // Unsharing the oldest lets rotation take it.
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["a-1"]));
    let events = w.auto_snapshot("d-1", "a-3");
    assert_deleted(&events, "a-1", DeletionCause::Rotation);
    assert!(w.exists("a-2"));
}

#[test]
fn lock_11_rotation_refusal_with_shared_and_locked_snapshots_waits_for_the_lock() {
    let mut limits = Limits::default();
    limits.auto_snapshots_per_disk = 2;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.auto_snapshot("d-1", "a-1");
    w.auto_snapshot("d-1", "a-2");
    w.ok(&root(OWNER), create_share("rs-1", &[], &["a-1"]));
    w.lock("a-2", 10, 0);
    let expiry = t0() + days(10);
    let v = w.refused(&Actor::Platform, automatic("a-3"), RuleId::Lock11);
    assert_eq!(v.retry_at(), Some(expiry));
    // Once the lock expires, rotation takes the locked one, never the shared.
    w.at(expiry);
    let events = w.auto_snapshot("d-1", "a-3");
    assert_deleted(&events, "a-2", DeletionCause::Rotation);
    assert!(w.exists("a-1"));
}

// ---------------------------------------------------------------- SHARE-13

#[test]
fn share_13_sharee_no_longer_sees_snapshot_after_unsharing() {
    for how in UNSHARES {
        let mut w = World::with_snapshot();
        w.share_with(OTHER);
        let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
        assert!(
            matches!(&seen[..], [s] if s.snapshot.as_str() == "s-1"
                && matches!(s.access, SnapshotAccess::Shared { .. })),
            "{how:?}: {seen:?}"
        );
        w.unshare(how);
        assert!(
            w.state.visible_snapshots(&OTHER.into(), w.now).is_empty(),
            "{how:?}"
        );
        assert!(w.state.shared_with(&sid("s-1"), w.now).accounts.is_empty());
    }
}

#[test]
fn share_13_perm_4_sharee_cannot_use_snapshot_after_unsharing() {
    for how in UNSHARES {
        let mut w = World::with_snapshot();
        w.share_with(OTHER);
        w.unshare(how);
        let foreign = Violation::ForeignResource {
            kind: ObjectKind::Snapshot,
            id: "s-1".into(),
            owner: OWNER.into(),
            account: OTHER.into(),
        };
        let v = w.refused(&root(OTHER), disk_from("d-2", REGION, "s-1"), RuleId::Perm4);
        assert_eq!(v, foreign, "{how:?}");
        let v = w.refused(&root(OTHER), copy("s-1", "c-1", None), RuleId::Perm4);
        assert_eq!(v, foreign, "{how:?}");
    }
}

#[test]
fn disk_4_sharee_disk_reinitializes_while_shared() {
    let mut w = shared_with_disk();
    let events = w.ok(&root(OTHER), reinit("d-2"));
    assert_eq!(events, reinitialized("d-2"));
}

#[test]
fn disk_4_share_13_sharee_disk_not_reinitialized_after_unsharing() {
    for how in UNSHARES {
        let mut w = shared_with_disk();
        assert_reinitialized(&w.ok(&root(OTHER), reinit("d-2")), "d-2");
        w.unshare(how);
        let v = w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
        assert_eq!(v, not_in_place(), "{how:?}");
        // The disk itself stays the sharee's.
        assert_eq!(w.state.disk(&"d-2".into()).unwrap().owner.as_str(), OTHER);
    }
}

#[test]
fn disk_4_removing_the_sharee_principal_stops_reinitialization() {
    let mut w = shared_with_disk();
    w.ok(&root(OWNER), disassociate("rs-1", &[account(OTHER)], &[]));
    assert!(w.state.is_shared(&sid("s-1")));
    let v = w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
    assert_eq!(v, not_in_place());
}

#[test]
fn disk_4_share_7_resharing_into_accepted_share_restores_reinitialization() {
    let mut w = shared_with_disk();
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
    w.ok(&root(OWNER), associate("rs-1", &[], &["s-1"]));
    assert_reinitialized(&w.ok(&root(OTHER), reinit("d-2")), "d-2");
}

#[test]
fn disk_4_share_9_reinitialization_stops_when_the_view_expires() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("d-2", REGION, "s-2"));
    let expiry = t0() + days(30);
    w.at(expiry - secs(1));
    assert_reinitialized(&w.ok(&root(OTHER), reinit("d-2")), "d-2");
    for at in [expiry, expiry + secs(1)] {
        w.at(at);
        let v = w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
        let expected = Violation::ShareNotInPlace {
            disk: "d-2".into(),
            snapshot: sid("s-2"),
        };
        assert_eq!(v, expected);
    }
}

#[test]
fn share_13_snapshot_still_in_another_share_stays_visible_and_usable() {
    let mut w = shared_with_disk();
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-2"));
    w.ok(&root(OWNER), delete_share("rs-1"));
    let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
    assert!(
        matches!(&seen[..], [s] if matches!(&s.access,
            SnapshotAccess::Shared { share, .. } if share.as_str() == "rs-2")),
        "{seen:?}"
    );
    assert_reinitialized(&w.ok(&root(OTHER), reinit("d-2")), "d-2");
    w.ok(&root(OTHER), disk_from("d-3", REGION, "s-1"));
}

#[test]
fn disk_4_share_8_member_leaving_the_directory_stops_reinitialization() {
    let mut w = World::with_snapshot();
    w.directory(&[OTHER]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1")], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1"));
    assert_reinitialized(&w.ok(&root(OTHER), reinit("d-2")), "d-2");
    w.ok(&root(OWNER), RemoveDirectoryMember::new(OTHER));
    let v = w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
    assert_eq!(v, not_in_place());
}

#[test]
fn disk_4_source_deleted_by_its_owner_after_unsharing_is_still_disk_4() {
    let mut w = shared_with_disk();
    w.ok(&root(OWNER), delete_share("rs-1"));
    w.ok(&root(OWNER), delete("s-1"));
    let v = w.refused(&root(OTHER), reinit("d-2"), RuleId::Disk4);
    assert_eq!(v, not_in_place());
}

#[test]
fn disk_4_owner_disk_from_its_own_snapshot_reinitializes() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), disk_from("d-2", REGION, "s-1"));
    assert!(!w.state.disk(&"d-2".into()).unwrap().from_shared_snapshot);
    assert_eq!(w.ok(&root(OWNER), reinit("d-2")), reinitialized("d-2"));
    // Sharing and unsharing its source does not concern the owner's disk.
    w.share_with(OTHER);
    w.ok(&root(OWNER), delete_share("rs-1"));
    assert_reinitialized(&w.ok(&root(OWNER), reinit("d-2")), "d-2");
}

#[test]
fn disk_4_gen_4_owner_disk_whose_source_snapshot_was_deleted_refused() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), disk_from("d-2", REGION, "s-1"));
    w.ok(&root(OWNER), delete("s-1"));
    let v = w.refused(&root(OWNER), reinit("d-2"), RuleId::Gen4);
    let expected = Violation::NotFound {
        kind: ObjectKind::Snapshot,
        id: "s-1".into(),
    };
    assert_eq!(v, expected);
}

#[test]
fn share_13_sharee_copies_are_unaffected_by_unsharing() {
    for how in UNSHARES {
        let mut w = World::with_snapshot();
        w.share_with(OTHER);
        w.ok(&root(OTHER), copy("s-1", "c-1", None));
        w.finish("c-1");
        let before = get(&w, "c-1");
        w.unshare(how);
        assert_eq!(get(&w, "c-1"), before, "{how:?}");
        assert_eq!(before.owner.as_str(), OTHER);
        let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
        assert!(
            matches!(&seen[..], [s] if s.snapshot.as_str() == "c-1" && s.access == SnapshotAccess::Own),
            "{how:?}: {seen:?}"
        );
        // The sharee still uses and deletes its copy.
        w.ok(&root(OTHER), disk_from("d-3", OTHER_REGION, "c-1"));
        assert_reinitialized(&w.ok(&root(OTHER), reinit("d-3")), "d-3");
        let events = w.ok(&root(OTHER), delete("c-1"));
        assert_deleted(&events, "c-1", DeletionCause::Requested);
        assert!(!w.exists("c-1"));
    }
}

// ---------------------------------------------------------------- PERM-4

#[test]
fn perm_4_non_owner_cannot_delete_an_unshared_snapshot() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
    let expected = Violation::ForeignResource {
        kind: ObjectKind::Snapshot,
        id: "s-1".into(),
        owner: OWNER.into(),
        account: OTHER.into(),
    };
    assert_eq!(v, expected);
    // Nor once a former share is gone.
    w.share_with(OTHER);
    w.ok(&root(OWNER), delete_share("rs-1"));
    let again = w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
    assert_eq!(again, expected);
}

// ---------------------------------------------------------------- LOCK-12

#[test]
fn lock_12_billing_release_takes_a_shared_snapshot_out_of_every_share() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.ok(&root(OWNER), create_share("rs-2", &[], &["s-1"]));
    w.lock("s-1", 365, 0);
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OWNER));
    let release = ReleaseOverdueSnapshot::new(sid("s-1"));
    w.wait(days(30) - secs(1));
    w.refused(&Actor::Billing, release.clone(), RuleId::Lock12);
    assert!(w.state.is_shared(&sid("s-1")));
    w.wait(secs(1));
    let events = w.ok(&Actor::Billing, release);
    // Unshared from each share, in share order, then released.
    let unshared: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::SnapshotUnshared {
                share, snapshot, ..
            } if snapshot.as_str() == "s-1" => Some(share.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(unshared, ["rs-1", "rs-2"], "{events:?}");
    assert!(
        matches!(events.last(), Some(Event::SnapshotReleased { snapshot, reason: ReleaseReason::Overdue, .. })
            if snapshot.as_str() == "s-1"),
        "{events:?}"
    );
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(!w.exists("s-1"));
    assert!(!w.state.is_shared(&sid("s-1")));
    for share in ["rs-1", "rs-2"] {
        let share = w.state.resource_share(&share.into()).unwrap();
        assert!(!share.snapshots.contains_key(&sid("s-1")));
    }
    assert_eq!(w.state.shares_holding(&sid("s-1")).count(), 0);
    assert_eq!(w.state.shared_snapshot_count(&OWNER.into()), 0);
    assert!(w.state.visible_snapshots(&OTHER.into(), w.now).is_empty());
}
