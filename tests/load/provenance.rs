//! Loading refuses disks, images and snapshots that disagree with what
//! they were made from, and objects older than what they need.
//!
//! Each test builds a valid state with commands (`load_fixtures::world`),
//! serializes it, tampers with the JSON so that it breaks one invariant,
//! and checks that `UncheckedState::check` reports exactly that
//! `StateError` with its rule, and that deserializing a `State` refuses
//! the JSON. `tests/invariants/guard.rs` lists every variant with the test
//! breaking it.

use crate::common;
use crate::invariants_support;
use crate::load_fixtures;
use crate::load_support;

use common::*;
use invariants_support::*;
use load_fixtures::*;
use load_support::*;
use serde_json::{Value, json};
use snapguard::{BackupDefect, ObjectKind, RuleId, StateError};

fn snapshot<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(json, "snapshots", id)
}

fn disk<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(json, "disks", id)
}

fn image<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(json, "images", id)
}

#[test]
fn the_world_of_the_load_tests_round_trips() {
    let w = world();
    round_trips(&w.state);
    // What the tests below rely on.
    let json = base();
    let mut json = json;
    assert_eq!(
        image(&mut json, "i-k")["encryption"]["type"],
        "customer_key"
    );
    assert_eq!(image(&mut json, "i-imp")["from_imported_image"], true);
    assert_eq!(disk(&mut json, "d-imp")["from_imported_image"], true);
    assert_eq!(disk(&mut json, "d-s1")["from_imported_image"], false);
    assert_eq!(
        snapshot(&mut json, "s-imp")["origin"]["type"],
        "imported_image_disk"
    );
}

// ---------------------------------------------------------------- SHARE-5

#[test]
fn share_5_imported_image_mark_unlike_its_source_is_reported() {
    let mark = |kind, id: &str| StateError::ImportedImageMark {
        kind,
        id: id.into(),
    };
    // A snapshot of a disk made from an imported image, relabelled as of
    // an ordinary disk: it would become shareable.
    let mut json = base();
    snapshot(&mut json, "s-imp")["origin"] = json!({"type": "disk", "disk": "d-imp"});
    reported(&json, mark(ObjectKind::Snapshot, "s-imp"), RuleId::Share5);
    // And the other way round.
    let mut json = base();
    snapshot(&mut json, "s-3")["origin"] = json!({"type": "imported_image_disk", "disk": "d-1"});
    reported(&json, mark(ObjectKind::Snapshot, "s-3"), RuleId::Share5);
    // A disk made from an imported image that forgot it, or from an
    // ordinary snapshot that claims it.
    let mut json = base();
    disk(&mut json, "d-imp2")["from_imported_image"] = json!(false);
    reported(&json, mark(ObjectKind::Disk, "d-imp2"), RuleId::Share5);
    let mut json = base();
    disk(&mut json, "d-s1")["from_imported_image"] = json!(true);
    reported(&json, mark(ObjectKind::Disk, "d-s1"), RuleId::Share5);
    // An image: imported, or of an ordinary snapshot.
    let mut json = base();
    image(&mut json, "i-imp2")["from_imported_image"] = json!(false);
    reported(&json, mark(ObjectKind::Image, "i-imp2"), RuleId::Share5);
    let mut json = base();
    image(&mut json, "i-2")["from_imported_image"] = json!(true);
    reported(&json, mark(ObjectKind::Image, "i-2"), RuleId::Share5);
}

#[test]
fn share_5_a_disk_of_a_deleted_source_keeps_its_mark_unchecked() {
    // The source gone, nothing says what the mark should be.
    let mut json = base();
    disk(&mut json, "d-imp2")["source"] = json!({"type": "image", "id": "i-gone"});
    push(&mut json["retired"]["images"], json!("i-gone"));
    assert_eq!(broken(&json), []);
}

// ---------------------------------------------------------------- SNAP-1

#[test]
fn snap_1_snapshot_with_another_encryption_than_its_disk_is_reported() {
    // d-k is encrypted with k-1; so are its snapshots.
    for encryption in [
        json!({"type": "unencrypted"}),
        json!({"type": "service_key"}),
    ] {
        let mut json = base();
        snapshot(&mut json, "s-k2")["encryption"] = encryption;
        let expected = StateError::SnapshotUnlikeDisk(sid("s-k2"));
        reported(&json, expected, RuleId::Snap1);
    }
    // Or of another size than its disk.
    let mut json = base();
    snapshot(&mut json, "s-k2")["source_disk_size_gib"] = json!(41);
    let expected = StateError::SnapshotUnlikeDisk(sid("s-k2"));
    reported(&json, expected, RuleId::Snap1);
}

// ---------------------------------------------------------------- IMAGE-1

#[test]
fn image_1_image_unlike_its_source_snapshot_is_reported() {
    let expected = |id: &str| StateError::ImageUnlikeSource(id.into());
    // Another encryption than its snapshot: plaintext of encrypted data,
    // or the other way round.
    let mut json = base();
    image(&mut json, "i-k")["encryption"] = json!({"type": "unencrypted"});
    reported(&json, expected("i-k"), RuleId::Image1);
    let mut json = base();
    image(&mut json, "i-2")["encryption"] = json!({"type": "service_key"});
    reported(&json, expected("i-2"), RuleId::Image1);
    // Owned by one account, built on another's snapshot.
    let mut json = base();
    image(&mut json, "i-2")["owner"] = json!(OTHER);
    reported(&json, expected("i-2"), RuleId::Image1);
    // In another region than its snapshot.
    let mut json = base();
    image(&mut json, "i-2")["region"] = json!(OTHER_REGION);
    reported(&json, expected("i-2"), RuleId::Image1);
    // An imported image is unencrypted.
    let mut json = base();
    image(&mut json, "i-imp2")["encryption"] = json!({"type": "service_key"});
    reported(&json, expected("i-imp2"), RuleId::Image1);
}

// ---------------------------------------------------------------- DISK-1

#[test]
fn disk_1_unencrypted_disk_of_an_encrypted_image_is_reported() {
    let mut json = base();
    disk(&mut json, "d-ik")["encryption"] = json!({"type": "unencrypted"});
    let expected = StateError::PlaintextDisk("d-ik".into());
    reported(&json, expected, RuleId::Disk1);
}

#[test]
fn disk_1_disk_in_another_region_than_its_source_is_reported() {
    let expected = |id: &str| StateError::DiskUnlikeSource(id.into());
    let mut json = base();
    disk(&mut json, "d-s1")["region"] = json!(OTHER_REGION);
    reported(&json, expected("d-s1"), RuleId::Disk1);
    let mut json = base();
    disk(&mut json, "d-i1")["region"] = json!(OTHER_REGION);
    reported(&json, expected("d-i1"), RuleId::Disk1);
    // A disk made from another account's image.
    let mut json = base();
    disk(&mut json, "d-i1")["owner"] = json!(OTHER);
    reported(&json, expected("d-i1"), RuleId::Disk1);
    // A disk made from a snapshot that failed: no command makes one.
    let mut json = base();
    record(&mut json, "snapshots", "s-3")["status"] = json!("failed");
    disk(&mut json, "d-s1")["source"] = json!({"type": "snapshot", "id": "s-3"});
    reported(&json, expected("d-s1"), RuleId::Disk1);
}

// ---------------------------------------------------------------- GEN-2

#[test]
fn gen_2_object_created_before_what_it_needs_is_reported() {
    let before = |kind, id: &str, needed_kind, needed: &str| StateError::CreatedBefore {
        kind,
        id: id.into(),
        needed_kind,
        needed_id: needed.into(),
    };
    let clock = instant(clock());
    // Before its account.
    let mut json = base();
    record(&mut json, "accounts", ABROAD)["created_at"] = clock.clone();
    let expected = before(ObjectKind::Disk, "d-a", ObjectKind::Account, ABROAD);
    reported(&json, expected, RuleId::Gen2);
    // Before the snapshot it was made from: s-late was taken at the clock.
    let mut json = base();
    image(&mut json, "i-2")["source"] = json!({"type": "snapshot", "snapshot": "s-late"});
    let expected = before(ObjectKind::Image, "i-2", ObjectKind::Snapshot, "s-late");
    reported(&json, expected, RuleId::Gen2);
    let mut json = base();
    disk(&mut json, "d-s1")["source"] = json!({"type": "snapshot", "id": "s-late"});
    let expected = before(ObjectKind::Disk, "d-s1", ObjectKind::Snapshot, "s-late");
    reported(&json, expected, RuleId::Gen2);
    // Before its resource directory.
    let mut json = base();
    record(&mut json, "directories", "rd-1")["created_at"] = instant(t0() + secs(1));
    let expected = before(ObjectKind::Folder, "fd-1", ObjectKind::Directory, "rd-1");
    reported(&json, expected, RuleId::Gen2);
    // Before the key encrypting it: every disk and snapshot of k-1.
    let mut json = base();
    record(&mut json, "keys", "k-1")["created_at"] = instant(t0() + secs(1));
    let of_k1 = [
        (ObjectKind::Disk, "d-ik"),
        (ObjectKind::Disk, "d-k"),
        (ObjectKind::Snapshot, "s-k"),
        (ObjectKind::Snapshot, "s-k2"),
    ];
    let expected: Vec<StateError> = of_k1
        .iter()
        .map(|(kind, id)| before(*kind, id, ObjectKind::Key, "k-1"))
        .collect();
    assert_eq!(expected[0].rule(), RuleId::Gen2);
    assert_eq!(broken(&json), expected);
    assert!(load(&json).is_err());
}

#[test]
fn gen_2_backup_point_created_before_its_policy_or_snapshot_is_reported() {
    let expected = |id: &str| StateError::InconsistentBackup {
        kind: ObjectKind::BackupPoint,
        id: id.into(),
        defect: BackupDefect::BeforeItsVault,
    };
    let mut json = base();
    policy_record(&mut json, "po-a")["created_at"] = instant(t0() + secs(1));
    reported(&json, expected("bp-1"), RuleId::Gen2);
    let mut json = base();
    point_record(&mut json, "bp-2")["snapshot"] = json!("s-late");
    reported(&json, expected("bp-2"), RuleId::Gen2);
}
