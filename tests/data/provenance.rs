//! Where data goes, SHARE-5: "built from an imported custom image"
//! follows the data through disks, snapshots, images and copies, and no
//! snapshot holding such data is shareable, whatever the path. Each
//! reproduction of the issue sees its refusal with its rule id and the
//! state unchanged (`World::refused`).

use crate::common;
use crate::copy_support;
use crate::paths_support;
use crate::share_support;

use common::*;
use copy_support::*;
use paths_support::*;
use share_support::*;
use snapguard::{
    AccountId, Actor, CreateAutomaticSnapshot, Encryption, ImageSource, RuleId,
    SetEncryptedShareRole, SnapshotOrigin, Unshareable, Violation,
};

fn not_shareable(snapshot: &str) -> Violation {
    Violation::NotShareable {
        snapshot: sid(snapshot),
        reason: Unshareable::ImportedImageDisk,
    }
}

/// [`OWNER`] imports `img-i`, builds disk `d-i` from it and takes its
/// available snapshot `s-i`; it also has an ordinary disk `d-1` with
/// snapshot `s-1`, which stays shareable.
fn imported() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), import("img-i", REGION));
    w.owner_disk("d-i", REGION, Encryption::Unencrypted, from_image("img-i"));
    w.snapshot(OWNER, "d-i", "s-i", None);
    assert!(w.disk_of("d-i").from_imported_image);
    assert_eq!(
        get(&w, "s-i").origin,
        SnapshotOrigin::ImportedImageDisk { disk: "d-i".into() }
    );
    w
}

/// Sharing `snapshot` is refused by SHARE-5 (its data comes from an
/// imported image), by a new share and by adding it to an existing one,
/// and the snapshot is in no share and seen by no other account.
#[track_caller]
fn assert_never_shared(w: &mut World, snapshot: &str) {
    let v = w.refused(
        &root(OWNER),
        create_share("rs-new", &[account(OTHER)], &[snapshot]),
        RuleId::Share5,
    );
    assert_eq!(v, not_shareable(snapshot));
    let v = w.refused(
        &root(OWNER),
        associate("rs-0", &[], &[snapshot]),
        RuleId::Share5,
    );
    assert_eq!(v, not_shareable(snapshot));
    assert!(!w.state.is_shared(&sid(snapshot)));
    let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
    assert!(
        !seen.iter().any(|v| v.snapshot == sid(snapshot)),
        "{seen:?}"
    );
}

/// `imported()` with an accepted share `rs-0` of `s-1` with [`OTHER`]:
/// an ordinary snapshot is shared in the same world, so the refusals
/// below are about the imported data only.
fn imported_with_share() -> World {
    let mut w = imported();
    w.ok(
        &root(OWNER),
        create_share("rs-0", &[account(OTHER)], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-0"));
    w
}

#[test]
fn share_5_snapshot_of_a_disk_from_an_imported_image_refused() {
    let mut w = imported_with_share();
    assert_never_shared(&mut w, "s-i");
}

/// Issue reproduction 2 (a): a disk from that snapshot, and its snapshot.
#[test]
fn share_5_reproduction_disk_from_the_snapshot_and_its_snapshot_refused() {
    let mut w = imported_with_share();
    w.owner_disk("d-a", REGION, Encryption::Unencrypted, from_snapshot("s-i"));
    assert!(w.disk_of("d-a").from_imported_image);
    w.snapshot(OWNER, "d-a", "s-a", None);
    assert_eq!(
        get(&w, "s-a").origin,
        SnapshotOrigin::ImportedImageDisk { disk: "d-a".into() }
    );
    assert_never_shared(&mut w, "s-a");
}

/// Issue reproduction 2 (b): a custom image from that snapshot, a disk from
/// the image and its snapshot.
#[test]
fn share_5_reproduction_disk_from_an_image_of_the_snapshot_and_its_snapshot_refused() {
    let mut w = imported_with_share();
    w.ok(&root(OWNER), image("m-b", "s-i"));
    let made = w.image_of("m-b");
    assert!(made.from_imported_image);
    assert_eq!(made.source, ImageSource::Snapshot(sid("s-i")));
    w.owner_disk("d-b", REGION, Encryption::Unencrypted, from_image("m-b"));
    assert!(w.disk_of("d-b").from_imported_image);
    w.snapshot(OWNER, "d-b", "s-b", None);
    assert!(get(&w, "s-b").origin.from_imported_image());
    assert_never_shared(&mut w, "s-b");
}

/// Issue reproduction 2 (c): a copy of the snapshot, a disk from the copy
/// and its snapshot.
#[test]
fn share_5_reproduction_copy_disk_from_the_copy_and_its_snapshot_refused() {
    let mut w = imported_with_share();
    w.ok(
        &root(OWNER),
        copy_to("s-i", "c-c", OTHER_REGION, Encryption::Unencrypted),
    );
    w.finish("c-c");
    assert!(get(&w, "c-c").origin.from_imported_image());
    assert_never_shared(&mut w, "c-c");
    w.owner_disk(
        "d-c",
        OTHER_REGION,
        Encryption::Unencrypted,
        from_snapshot("c-c"),
    );
    assert!(w.disk_of("d-c").from_imported_image);
    w.snapshot(OWNER, "d-c", "s-c", None);
    assert_eq!(
        get(&w, "s-c").origin,
        SnapshotOrigin::ImportedImageDisk { disk: "d-c".into() }
    );
    assert_never_shared(&mut w, "s-c");
}

/// Issue reproduction 2, end to end: every object along the three paths
/// keeps the provenance, and none of their snapshots is shareable, while
/// the ordinary `s-1` is.
#[test]
fn share_5_reproduction_every_path_from_an_imported_image_refused() {
    let mut w = imported();
    w.owner_disk("d-a", REGION, Encryption::Unencrypted, from_snapshot("s-i"));
    w.snapshot(OWNER, "d-a", "s-a", None);
    w.ok(&root(OWNER), image("m-b", "s-i"));
    w.owner_disk("d-b", REGION, Encryption::Unencrypted, from_image("m-b"));
    w.snapshot(OWNER, "d-b", "s-b", None);
    w.ok(
        &root(OWNER),
        copy_to("s-i", "c-c", OTHER_REGION, Encryption::Unencrypted),
    );
    w.finish("c-c");
    w.owner_disk(
        "d-c",
        OTHER_REGION,
        Encryption::Unencrypted,
        from_snapshot("c-c"),
    );
    w.snapshot(OWNER, "d-c", "s-c", None);
    for snapshot in ["s-i", "s-a", "s-b", "c-c", "s-c"] {
        let v = w.refused(
            &root(OWNER),
            create_share("rs-1", &[account(OTHER)], &[snapshot]),
            RuleId::Share5,
        );
        assert_eq!(v, not_shareable(snapshot));
    }
    // All of them at once: the first is named.
    let v = w.refused(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1", "s-c", "s-b"]),
        RuleId::Share5,
    );
    assert_eq!(v, not_shareable("s-c"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    assert!(w.state.is_shared(&sid("s-1")));
}

#[test]
fn share_5_automatic_snapshot_of_a_disk_with_imported_data_refused() {
    let mut w = imported_with_share();
    w.owner_disk("d-a", REGION, Encryption::Unencrypted, from_snapshot("s-i"));
    w.ok(&Actor::Platform, CreateAutomaticSnapshot::new("a-1", "d-a"));
    w.finish("a-1");
    assert!(get(&w, "a-1").origin.from_imported_image());
    assert_never_shared(&mut w, "a-1");
}

/// Two images deep, copies of copies and encrypted copies: the provenance
/// still holds.
#[test]
fn share_5_provenance_survives_chains_of_images_and_copies() {
    let mut w = imported_with_share();
    w.key(OWNER, "k-1", REGION);
    w.ok(
        &root(OWNER),
        SetEncryptedShareRole::new().trust(AccountId::new(OTHER)),
    );
    // image → disk → snapshot → image → disk → snapshot.
    w.ok(&root(OWNER), image("m-1", "s-i"));
    w.owner_disk("d-1b", REGION, Encryption::Unencrypted, from_image("m-1"));
    w.snapshot(OWNER, "d-1b", "s-1b", None);
    w.ok(&root(OWNER), image("m-2", "s-1b"));
    assert!(w.image_of("m-2").from_imported_image);
    w.owner_disk("d-2b", REGION, Encryption::Unencrypted, from_image("m-2"));
    w.snapshot(OWNER, "d-2b", "s-2b", None);
    assert_never_shared(&mut w, "s-2b");
    // copy → copy back → encrypted copy with a customer key.
    w.ok(
        &root(OWNER),
        copy_to("s-2b", "c-1", OTHER_REGION, Encryption::Unencrypted),
    );
    w.finish("c-1");
    w.ok(
        &root(OWNER),
        copy_to("c-1", "c-2", REGION, Encryption::Unencrypted),
    );
    w.finish("c-2");
    w.ok(&root(OWNER), copy_to("c-2", "c-3", REGION, cmk("k-1")));
    w.finish("c-3");
    for copy in ["c-1", "c-2", "c-3"] {
        assert!(get(&w, copy).origin.from_imported_image(), "{copy}");
        assert_never_shared(&mut w, copy);
    }
    // An image of an encrypted copy: a disk, a snapshot, still refused.
    w.ok(&root(OWNER), image("m-3", "c-3"));
    assert!(w.image_of("m-3").from_imported_image);
    w.owner_disk("d-3", REGION, cmk("k-1"), from_image("m-3"));
    w.snapshot(OWNER, "d-3", "s-3", None);
    assert_never_shared(&mut w, "s-3");
}

#[test]
fn share_5_data_never_imported_stays_shareable_through_images_and_copies() {
    let mut w = imported_with_share();
    w.ok(&root(OWNER), image("m-1", "s-1"));
    assert!(!w.image_of("m-1").from_imported_image);
    w.owner_disk("d-2", REGION, Encryption::Unencrypted, from_image("m-1"));
    assert!(!w.disk_of("d-2").from_imported_image);
    w.snapshot(OWNER, "d-2", "s-2", None);
    w.ok(
        &root(OWNER),
        copy_to("s-2", "c-2", OTHER_REGION, Encryption::Unencrypted),
    );
    w.finish("c-2");
    assert!(!get(&w, "c-2").origin.from_imported_image());
    w.ok(&root(OWNER), associate("rs-0", &[], &["s-2", "c-2"]));
    assert!(w.state.is_shared(&sid("s-2")));
    assert!(w.state.is_shared(&sid("c-2")));
}
