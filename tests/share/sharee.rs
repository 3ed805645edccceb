//! SHARE-10, SHARE-11, SHARE-15, DISK-1 (shared sources), and the sharee's
//! side of LOCK-3, IMAGE-1, DISK-2 and PERM-4: what an account a snapshot
//! is shared with may and may not do with it.

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    CreateDisk, CreateImage, DiskCategory, DiskSource, Encryption, Event, LineageRoot, ObjectKind,
    ResetDisk, RetentionRequest, RuleId, ShareeOperation, Site, SnapshotAccess, SnapshotOrigin,
    Violation,
};

/// An unencrypted ESSD disk of 40 GiB built from `snapshot`.
fn disk_from(disk: &str, region: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, region).source(DiskSource::snapshot(snapshot))
}

/// A disk in [`REGION`] built from `snapshot`, of this category and encryption.
fn disk_with(
    disk: &str,
    snapshot: &str,
    category: DiskCategory,
    encryption: Encryption,
) -> CreateDisk {
    CreateDisk::new(disk, REGION, category, 40)
        .encryption(encryption)
        .source(DiskSource::snapshot(snapshot))
}

fn key(id: &str) -> Encryption {
    Encryption::CustomerKey(id.into())
}

fn image(image: &str, snapshot: &str) -> CreateImage {
    CreateImage::new(image, snapshot)
}

fn reset(disk: &str, snapshot: &str) -> ResetDisk {
    ResetDisk::new(disk, snapshot)
}

/// [`World::with_snapshot`], with `s-1` shared with and accepted by [`OTHER`].
fn shared() -> World {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w
}

/// [`World::with_snapshot`], with `s-1` shared with [`OTHER`], not accepted.
fn pending() -> World {
    let mut w = World::with_snapshot();
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    w
}

/// The disk an accepted `DiskCreated` event carries.
#[track_caller]
fn created_disk(events: &[Event]) -> snapguard::Disk {
    match events {
        [Event::DiskCreated { disk, .. }] => disk.clone(),
        other => panic!("expected one DiskCreated event, got {other:?}"),
    }
}

fn sharee_may_not(operation: ShareeOperation) -> Violation {
    Violation::ShareeMayNot {
        snapshot: sid("s-1"),
        owner: OWNER.into(),
        operation,
    }
}

fn foreign(account: &str) -> Violation {
    Violation::ForeignResource {
        kind: ObjectKind::Snapshot,
        id: "s-1".into(),
        owner: OWNER.into(),
        account: account.into(),
    }
}

fn key_not_changed(requested: Encryption) -> Violation {
    Violation::SharedKeyNotChanged {
        snapshot: sid("s-e"),
        key: "k-1".into(),
        requested,
    }
}

fn not_lockable() -> Violation {
    Violation::SharedSnapshotNotLockable {
        snapshot: sid("s-1"),
        owner: OWNER.into(),
    }
}

// ---------------------------------------------------------------- SHARE-10: may

#[test]
fn share_10_accepted_sharee_may_create_disk_from_shared_snapshot() {
    let mut w = shared();
    let disk = created_disk(&w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1")));
    assert_eq!(disk.source, DiskSource::Snapshot(sid("s-1")));
    assert!(disk.from_shared_snapshot);
    assert_eq!(w.state.disk(&"d-2".into()), Some(&disk));
}

#[test]
fn share_10_accepted_sharee_may_copy_shared_snapshot() {
    let mut w = shared();
    w.ok(&root(OTHER), copy("s-1", "c-1", None));
    w.finish("c-1");
    let copied = get(&w, "c-1");
    assert_eq!(
        copied.origin,
        SnapshotOrigin::Copy {
            source: sid("s-1"),
            root: LineageRoot::Disk("d-1".into()),
            imported_image: false,
        }
    );
    assert_eq!(copied.region.as_str(), OTHER_REGION);
}

#[test]
fn share_11_sharee_disk_from_unencrypted_shared_snapshot_needs_no_key_nor_essd() {
    // SHARE-11 binds only encrypted snapshots.
    let mut w = shared();
    let disk = created_disk(&w.ok(
        &root(OTHER),
        disk_with("d-2", "s-1", DiskCategory::Ssd, Encryption::Unencrypted),
    ));
    assert_eq!(disk.category, DiskCategory::Ssd);
    assert_eq!(disk.encryption, Encryption::Unencrypted);
}

// ---------------------------------------------------------------- SHARE-10: may not

#[test]
fn share_10_sharee_may_not_delete_shared_snapshot() {
    let mut w = shared();
    let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Share10);
    assert_eq!(v, sharee_may_not(ShareeOperation::Delete));
    assert!(w.exists("s-1"));
}

#[test]
fn share_10_sharee_may_not_archive_shared_snapshot_old_enough_to_archive() {
    let mut w = shared();
    w.wait(days(15));
    let v = w.refused(&root(OTHER), archive("s-1", 365), RuleId::Share10);
    assert_eq!(v, sharee_may_not(ShareeOperation::Archive));
    // Only the sharee rule refuses: age and archive retention are fine.
    let all = w.state.explain(w.now, &root(OTHER), archive("s-1", 365));
    assert_eq!(all, vec![v]);
}

#[test]
fn share_10_sharee_may_not_reshare_in_a_new_share() {
    let mut w = shared();
    w.accounts(&["4004"], Site::China);
    let v = w.refused(
        &root(OTHER),
        create_share("rs-2", &[account("4004")], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, sharee_may_not(ShareeOperation::Reshare));
    assert!(w.state.resource_share(&"rs-2".into()).is_none());
}

#[test]
fn share_10_sharee_may_not_reshare_into_its_existing_share() {
    let mut w = shared();
    w.accounts(&["4004"], Site::China);
    w.ok(&root(OTHER), create_share("rs-2", &[account("4004")], &[]));
    let v = w.refused(
        &root(OTHER),
        associate("rs-2", &[], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, sharee_may_not(ShareeOperation::Reshare));
    let own = w.state.resource_share(&"rs-2".into()).unwrap();
    assert!(own.snapshots.is_empty());
}

#[test]
fn share_10_share_9_sharee_may_not_extend_retention_nor_its_view() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1", "s-2"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    let view_end = t0() + days(30);
    for (snapshot, request) in [
        ("s-1", RetentionRequest::Days(100)),
        ("s-2", RetentionRequest::Days(100)),
        ("s-2", RetentionRequest::Permanent),
    ] {
        let v = w.refused(
            &root(OTHER),
            set_retention(snapshot, request),
            RuleId::Share10,
        );
        let expected = Violation::ShareeMayNot {
            snapshot: sid(snapshot),
            owner: OWNER.into(),
            operation: ShareeOperation::ChangeRetention,
        };
        assert_eq!(v, expected);
    }
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-2")].expires_at, view_end);
}

#[test]
fn lock_3_share_10_sharee_may_not_lock_shared_snapshot() {
    let mut w = shared();
    let v = w.refused(&root(OTHER), lock_cmd("s-1", 30, 0), RuleId::Lock3);
    assert_eq!(v, not_lockable());
    assert_eq!(get(&w, "s-1").lock, None);
}

#[test]
fn lock_3_sharee_may_not_unlock_owner_lock_in_cooling_off() {
    let mut w = shared();
    w.lock("s-1", 30, 24);
    let v = w.refused(&root(OTHER), unlock("s-1"), RuleId::Lock3);
    assert_eq!(v, not_lockable());
    // The owner may, which shows the refusal is about the sharee.
    let events = w.ok(&root(OWNER), unlock("s-1"));
    assert!(matches!(events[..], [Event::SnapshotUnlocked { .. }]));
}

#[test]
fn image_1_sharee_may_not_create_image_from_shared_snapshot() {
    let mut w = shared();
    let v = w.refused(&root(OTHER), image("img-1", "s-1"), RuleId::Image1);
    let expected = Violation::ImageFromForeignSnapshot {
        image: "img-1".into(),
        snapshot: sid("s-1"),
        owner: OWNER.into(),
    };
    assert_eq!(v, expected);
    assert!(w.state.image(&"img-1".into()).is_none());
}

#[test]
fn disk_2_sharee_may_not_roll_back_its_disk_to_shared_snapshot() {
    let mut w = shared();
    w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1"));
    let v = w.refused(&root(OTHER), reset("d-2", "s-1"), RuleId::Disk2);
    let expected = Violation::RollbackToOtherSnapshot {
        disk: "d-2".into(),
        snapshot: sid("s-1"),
    };
    assert_eq!(v, expected);
}

// ---------------------------------------------------------------- pending sharee

#[test]
fn share_10_pending_sharee_sees_snapshot_and_is_refused_by_sharee_rules() {
    let mut w = pending();
    w.disk(OTHER, "d-2");
    w.wait(days(15));
    let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Share10);
    assert_eq!(v, sharee_may_not(ShareeOperation::Delete));
    let v = w.refused(&root(OTHER), archive("s-1", 365), RuleId::Share10);
    assert_eq!(v, sharee_may_not(ShareeOperation::Archive));
    let v = w.refused(
        &root(OTHER),
        set_retention("s-1", RetentionRequest::Days(100)),
        RuleId::Share10,
    );
    assert_eq!(v, sharee_may_not(ShareeOperation::ChangeRetention));
    let v = w.refused(
        &root(OTHER),
        create_share("rs-2", &[account(OWNER)], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, sharee_may_not(ShareeOperation::Reshare));
    let v = w.refused(&root(OTHER), lock_cmd("s-1", 30, 0), RuleId::Lock3);
    assert_eq!(v, not_lockable());
    w.refused(&root(OTHER), unlock("s-1"), RuleId::Lock3);
    w.refused(&root(OTHER), image("img-1", "s-1"), RuleId::Image1);
    w.refused(&root(OTHER), reset("d-2", "s-1"), RuleId::Disk2);
}

#[test]
fn disk_1_share_7_pending_sharee_cannot_create_disk_until_it_accepts() {
    let mut w = pending();
    let v = w.refused(
        &root(OTHER),
        disk_from("d-2", REGION, "s-1"),
        RuleId::Share7,
    );
    let expected = Violation::ShareNotAccepted {
        share: "rs-1".into(),
        account: OTHER.into(),
    };
    assert_eq!(v, expected);
    w.refused(&root(OTHER), copy("s-1", "c-1", None), RuleId::Share7);
    w.ok(&root(OTHER), accept("rs-1"));
    let disk = created_disk(&w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1")));
    assert_eq!(disk.owner.as_str(), OTHER);
}

// ---------------------------------------------------------------- PERM-4: not reached

#[test]
fn perm_4_account_not_reached_is_refused_foreign_for_every_command() {
    let mut w = shared();
    w.accounts(&["4004"], Site::China);
    w.disk("4004", "d-4");
    w.lock("s-1", 30, 24);
    w.wait(days(15));
    let stranger = root("4004");
    let commands: Vec<snapguard::Command> = vec![
        delete("s-1").into(),
        archive("s-1", 365).into(),
        set_retention("s-1", RetentionRequest::Permanent).into(),
        lock_cmd("s-1", 60, 0).into(),
        unlock("s-1").into(),
        disk_from("d-5", REGION, "s-1").into(),
        copy("s-1", "c-1", None).into(),
        create_share("rs-4", &[account(OTHER)], &["s-1"]).into(),
        reset("d-4", "s-1").into(),
    ];
    for command in commands {
        let v = w.refused(&stranger, command, RuleId::Perm4);
        assert_eq!(v, foreign("4004"));
    }
}

#[test]
fn perm_4_removed_principal_is_refused_foreign_not_as_sharee() {
    let mut w = shared();
    w.ok(&root(OWNER), disassociate("rs-1", &[account(OTHER)], &[]));
    let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
    assert_eq!(v, foreign(OTHER));
    let v = w.refused(&root(OTHER), lock_cmd("s-1", 30, 0), RuleId::Perm4);
    assert_eq!(v, foreign(OTHER));
    let v = w.refused(&root(OTHER), disk_from("d-2", REGION, "s-1"), RuleId::Perm4);
    assert_eq!(v, foreign(OTHER));
}

#[test]
fn perm_4_share_9_sharee_becomes_foreign_when_its_view_expires() {
    // A permanent snapshot is seen for 1,096 days after sharing.
    let mut w = shared();
    let expiry = t0() + days(1096);
    w.at(expiry - secs(1));
    let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Share10);
    assert_eq!(v, sharee_may_not(ShareeOperation::Delete));
    w.refused(&root(OTHER), lock_cmd("s-1", 30, 0), RuleId::Lock3);
    for at in [expiry, expiry + secs(1)] {
        w.at(at);
        let v = w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
        assert_eq!(v, foreign(OTHER));
        let v = w.refused(&root(OTHER), lock_cmd("s-1", 30, 0), RuleId::Perm4);
        assert_eq!(v, foreign(OTHER));
    }
}

// ---------------------------------------------------------------- SHARE-11

#[test]
fn share_11_sharee_disk_with_the_snapshot_key_refused() {
    let mut w = encrypted_shared();
    let v = w.refused(
        &root(OTHER),
        disk_with("d-2", "s-e", DiskCategory::Essd, key("k-1")),
        RuleId::Share11,
    );
    assert_eq!(v, key_not_changed(key("k-1")));
}

#[test]
fn share_11_sharee_unencrypted_disk_refused() {
    let mut w = encrypted_shared();
    let v = w.refused(
        &root(OTHER),
        disk_with("d-2", "s-e", DiskCategory::Essd, Encryption::Unencrypted),
        RuleId::Share11,
    );
    assert_eq!(v, key_not_changed(Encryption::Unencrypted));
}

#[test]
fn share_11_sharee_disk_with_another_key_and_essd_family_accepted() {
    let mut w = encrypted_shared();
    let categories = [
        DiskCategory::Essd,
        DiskCategory::EssdAutoPl,
        DiskCategory::EssdEntry,
    ];
    let mut n = 0;
    for category in categories {
        for encryption in [key("k-2"), Encryption::ServiceKey] {
            n += 1;
            let id = format!("d-{n}");
            let disk = created_disk(&w.ok(
                &root(OTHER),
                disk_with(&id, "s-e", category, encryption.clone()),
            ));
            assert_eq!(
                (disk.category, disk.encryption, disk.owner.as_str()),
                (category, encryption, OTHER)
            );
            assert!(w.state.disk(&id.as_str().into()).is_some());
        }
    }
}

#[test]
fn share_11_sharee_disk_of_non_essd_category_refused() {
    let mut w = encrypted_shared();
    for category in [
        DiskCategory::Ssd,
        DiskCategory::Efficiency,
        DiskCategory::Basic,
    ] {
        for encryption in [key("k-2"), Encryption::ServiceKey] {
            let v = w.refused(
                &root(OTHER),
                disk_with("d-2", "s-e", category, encryption),
                RuleId::Share11,
            );
            let expected = Violation::SharedDiskCategory {
                snapshot: sid("s-e"),
                category,
            };
            assert_eq!(v, expected);
        }
    }
}

#[test]
fn share_11_owner_disk_from_own_encrypted_snapshot_not_subject() {
    let mut w = encrypted_shared();
    // Same key and a standard SSD: both would be refused for a sharee.
    let disk = created_disk(&w.ok(
        &root(OWNER),
        disk_with("d-2", "s-e", DiskCategory::Ssd, key("k-1")),
    ));
    assert_eq!(disk.owner.as_str(), OWNER);
    assert!(!disk.from_shared_snapshot);
}

#[test]
fn share_11_sharee_copy_of_shared_encrypted_snapshot_refused() {
    let mut w = encrypted_shared();
    let same_key = copy("s-e", "c-1", None).encryption(key("k-1"));
    let v = w.refused(&root(OTHER), same_key, RuleId::Share11);
    assert_eq!(v, key_not_changed(key("k-1")));
    assert!(!w.exists("c-1"));
}

// ---------------------------------------------------------------- DISK-1

#[test]
fn disk_1_sharee_disk_lands_in_the_snapshot_region() {
    let mut w = shared();
    let disk = created_disk(&w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1")));
    assert_eq!(disk.region, get(&w, "s-1").region);
    assert_eq!(disk.region.as_str(), REGION);
}

#[test]
fn disk_1_sharee_disk_in_another_region_refused() {
    let mut w = shared();
    let v = w.refused(
        &root(OTHER),
        disk_from("d-2", OTHER_REGION, "s-1"),
        RuleId::Disk1,
    );
    let expected = Violation::DiskRegionMismatch {
        snapshot: sid("s-1"),
        snapshot_region: REGION.into(),
        disk_region: OTHER_REGION.into(),
    };
    assert_eq!(v, expected);
    assert!(w.state.disk(&"d-2".into()).is_none());
}

// ---------------------------------------------------------------- SHARE-15

#[test]
fn share_15_sharee_disk_belongs_to_sharee_and_leaves_owner_snapshot_unchanged() {
    let mut w = shared();
    let before = get(&w, "s-1");
    w.ok(&root(OTHER), disk_from("d-2", REGION, "s-1"));
    let disk = w.state.disk(&"d-2".into()).unwrap();
    assert_eq!(disk.owner.as_str(), OTHER);
    assert_eq!(get(&w, "s-1"), before);
}

#[test]
fn share_15_sharee_copy_belongs_to_sharee_and_leaves_owner_snapshot_unchanged() {
    let mut w = shared();
    let before = get(&w, "s-1");
    w.ok(&root(OTHER), copy("s-1", "c-1", None));
    w.finish("c-1");
    assert_eq!(get(&w, "c-1").owner.as_str(), OTHER);
    assert_eq!(get(&w, "s-1"), before);
    let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
    assert!(
        seen.iter().any(|s| s.snapshot.as_str() == "c-1"
            && s.owner.as_str() == OTHER
            && s.access == SnapshotAccess::Own),
        "{seen:?}"
    );
    // The owner does not see the sharee's copy as its own.
    let owner_seen = w.state.visible_snapshots(&OWNER.into(), w.now);
    assert!(owner_seen.iter().all(|s| s.snapshot.as_str() != "c-1"));
}

#[test]
fn share_15_sharing_records_no_charge() {
    let mut w = World::with_snapshot();
    let before = get(&w, "s-1");
    let events = w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    assert!(
        matches!(
            events[..],
            [
                Event::ResourceShareCreated { .. },
                Event::SharePrincipalAdded { .. },
                Event::SnapshotShared { .. },
            ]
        ),
        "{events:?}"
    );
    let events = w.ok(&root(OTHER), accept("rs-1"));
    assert!(
        matches!(events[..], [Event::ResourceShareAccepted { .. }]),
        "{events:?}"
    );
    assert_eq!(get(&w, "s-1"), before);
}
