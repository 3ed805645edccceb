//! What copies and disks carry from encrypted or restricted data: a disk
//! made from an encrypted snapshot stays encrypted (DISK-1, **Decision**),
//! a copy of imported-image data stays unshareable (SHARE-5), and a copy's
//! checks are all reported by `explain`, even past a foreign key (PERM-4).

use crate::common;
use crate::copy_support;
use crate::share_support;

use common::*;
use copy_support::*;
use share_support::*;
use snapguard::{
    DiskCategory, DiskSource, Encryption, ImportImage, RuleId, SnapshotOrigin, Unshareable,
    Violation,
};

/// OWNER's disk `d-2` built from imported image `m-1`, with its available
/// snapshot `s-2`, beside `s-1` of [`World::with_snapshot`].
fn with_imported_image_snapshot() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), ImportImage::new("m-1", REGION));
    w.ok(
        &root(OWNER),
        blank_disk("d-2", REGION).source(DiskSource::image("m-1")),
    );
    w.snapshot(OWNER, "d-2", "s-2", None);
    w
}

fn unencrypted_from(snapshot: &str, encryption: Encryption) -> Violation {
    Violation::UnencryptedFromEncrypted {
        snapshot: sid(snapshot),
        encryption,
    }
}

// ---------------------------------------------------------------- DISK-1

#[test]
fn disk_1_unencrypted_disk_from_an_own_encrypted_snapshot_refused() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.encrypted_snapshot("d-k", "s-k", cmk("k-1"));
    w.encrypted_snapshot("d-s", "s-s", Encryption::ServiceKey);
    for (snapshot, encryption) in [("s-k", cmk("k-1")), ("s-s", Encryption::ServiceKey)] {
        let plain = disk_from("d-9", snapshot, DiskCategory::Essd, Encryption::Unencrypted);
        let v = w.refused(&root(OWNER), plain, RuleId::Disk1);
        assert_eq!(v, unencrypted_from(snapshot, encryption));
    }
    assert!(w.state.disk(&"d-9".into()).is_none());
}

#[test]
fn disk_1_encrypted_disk_from_an_own_encrypted_snapshot_accepted_with_any_key() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.key(OWNER, "k-2", REGION);
    w.encrypted_snapshot("d-k", "s-k", cmk("k-1"));
    let keys = [cmk("k-1"), cmk("k-2"), Encryption::ServiceKey];
    for (n, encryption) in keys.into_iter().enumerate() {
        let id = format!("d-{n}");
        w.ok(
            &root(OWNER),
            disk_from(&id, "s-k", DiskCategory::Essd, encryption.clone()),
        );
        let disk = w.state.disk(&id.as_str().into()).unwrap();
        assert_eq!(disk.encryption, encryption);
    }
}

#[test]
fn disk_1_unencrypted_data_may_become_an_encrypted_disk() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.ok(
        &root(OWNER),
        disk_from("d-9", "s-1", DiskCategory::Essd, cmk("k-1")),
    );
    w.ok(
        &root(OWNER),
        disk_from("d-8", "s-1", DiskCategory::Essd, Encryption::Unencrypted),
    );
    assert_eq!(w.state.disk(&"d-9".into()).unwrap().encryption, cmk("k-1"));
}

#[test]
fn share_11_sharee_unencrypted_disk_stays_a_share_11_refusal() {
    let mut w = encrypted_shared();
    let plain = disk_from("d-9", "s-e", DiskCategory::Essd, Encryption::Unencrypted);
    let v = w.refused(&root(OTHER), plain.clone(), RuleId::Share11);
    assert_eq!(v, key_not_changed(Encryption::Unencrypted));
    // One refusal for one fault: DISK-1 does not repeat it.
    let found = w.state.explain(w.now, &root(OTHER), plain);
    assert_eq!(found, [key_not_changed(Encryption::Unencrypted)]);
}

// ---------------------------------------------------------------- SHARE-5

#[test]
fn share_5_a_copy_of_imported_image_data_is_not_shareable() {
    let mut w = with_imported_image_snapshot();
    let first = w.copy_ok(&root(OWNER), copy("s-2", "c-1", None)).snapshot;
    assert!(first.origin.from_imported_image());
    w.finish("c-1");
    // A copy of that copy keeps the mark.
    let back = copy_to("c-1", "c-2", REGION, cmk("k-1"));
    w.key(OWNER, "k-1", REGION);
    w.ok(&root(OWNER), back);
    w.finish("c-2");
    for copy in ["c-1", "c-2"] {
        let v = w.refused(
            &root(OWNER),
            create_share("rs-1", &[account(OTHER)], &[copy]),
            RuleId::Share5,
        );
        assert_eq!(
            v,
            Violation::NotShareable {
                snapshot: sid(copy),
                reason: Unshareable::ImportedImageDisk,
            }
        );
    }
    assert!(!w.state.is_shared(&sid("c-2")));
}

#[test]
fn share_5_a_copy_of_ordinary_data_is_shareable() {
    let mut w = with_imported_image_snapshot();
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.finish("c-1");
    let copied = get(&w, "c-1");
    assert!(matches!(
        copied.origin,
        SnapshotOrigin::Copy {
            imported_image: false,
            ..
        }
    ));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["c-1"]),
    );
    assert!(w.state.is_shared(&sid("c-1")));
}

// ---------------------------------------------------------------- explain

#[test]
fn perm_4_explain_goes_past_a_foreign_key_to_the_region_and_retention() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.key(OTHER, "k-o", OTHER_REGION);
    w.close_region(OTHER_REGION);
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-o")).retention_days(0);
    let rules: Vec<RuleId> = w
        .state
        .explain(w.now, &root(OWNER), command.clone())
        .iter()
        .map(Violation::rule)
        .collect();
    assert_eq!(rules, [RuleId::Perm4, RuleId::Copy4, RuleId::Snap5]);
    let v = w.refused(&root(OWNER), command, RuleId::Perm4);
    assert_eq!(v, foreign_key("k-o", OTHER, OWNER));
}
