//! Where data goes: encryption follows the data through images (DISK-1,
//! IMAGE-1), "built from an imported custom image" follows the data
//! through disks, snapshots, images and copies (SHARE-5), and a Deny on a
//! snapshot holds against every action that shares it or reads its data
//! (PERM-5). Each reproduction of the issue sees its refusal with its rule
//! id and the state unchanged (`World::refused`).

mod common;
mod paths_support;
mod share_support;

use common::*;
use paths_support::*;
use share_support::*;
use snapguard::{
    AccountId, Action, Actor, CreateAutomaticSnapshot, DiskSource, Encryption, Event, ImageSource,
    RuleId, SetEncryptedShareRole, SnapshotAccess, SnapshotOrigin, Statement, Unshareable,
    Violation,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

impl World {
    /// The image as the state records it.
    #[track_caller]
    fn image_of(&self, id: &str) -> snapguard::Image {
        self.state.image(&id.into()).expect("image exists").clone()
    }

    /// The disk as the state records it.
    #[track_caller]
    fn disk_of(&self, id: &str) -> snapguard::Disk {
        self.state.disk(&id.into()).expect("disk exists").clone()
    }

    /// Creates a disk of [`OWNER`] as its root.
    #[track_caller]
    fn owner_disk(&mut self, id: &str, region: &str, encryption: Encryption, source: DiskSource) {
        self.ok(&root(OWNER), disk(id, region, encryption, source));
    }
}

/// [`OWNER`] with KMS and key `k-1` in [`REGION`], disk `d-enc` encrypted
/// with it and its available snapshot `s-enc`: issue reproduction 1.
fn encrypted_snapshot() -> World {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.owner_disk("d-enc", REGION, cmk("k-1"), DiskSource::Blank);
    w.snapshot(OWNER, "d-enc", "s-enc", None);
    w
}

fn image_region_mismatch(image: &str, disk_region: &str) -> Violation {
    Violation::ImageRegionMismatch {
        image: image.into(),
        image_region: REGION.into(),
        disk_region: disk_region.into(),
    }
}

fn unencrypted_from_image(image: &str, encryption: Encryption) -> Violation {
    Violation::UnencryptedFromEncryptedImage {
        image: image.into(),
        encryption,
    }
}

fn not_shareable(snapshot: &str) -> Violation {
    Violation::NotShareable {
        snapshot: sid(snapshot),
        reason: Unshareable::ImportedImageDisk,
    }
}

// ---------------------------------------------------------------------------
// IMAGE-1, DISK-1: encryption follows the data through images
// ---------------------------------------------------------------------------

#[test]
fn image_1_an_image_keeps_the_encryption_of_its_snapshot() {
    let mut w = encrypted_snapshot();
    w.ok(&root(OWNER), snapguard::ActivateKms {});
    w.owner_disk("d-svc", REGION, Encryption::ServiceKey, DiskSource::Blank);
    w.snapshot(OWNER, "d-svc", "s-svc", None);
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    let cases = [
        ("m-enc", "s-enc", cmk("k-1")),
        ("m-svc", "s-svc", Encryption::ServiceKey),
        ("m-1", "s-1", Encryption::Unencrypted),
    ];
    for (id, snapshot, encryption) in cases {
        let events = w.ok(&root(OWNER), image(id, snapshot));
        let made = w.image_of(id);
        assert_eq!(
            events,
            vec![Event::ImageCreated {
                at: w.now,
                image: made.clone()
            }]
        );
        assert_eq!(made.encryption, encryption, "{id}");
        assert_eq!(made.source, ImageSource::Snapshot(sid(snapshot)));
        assert!(!made.from_imported_image, "{id}");
        assert_eq!(made.region, REGION.into());
    }
}

#[test]
fn image_1_an_imported_image_is_unencrypted_and_from_an_imported_image() {
    let mut w = World::new();
    w.ok(&root(OWNER), import("img-i", OTHER_REGION));
    let made = w.image_of("img-i");
    assert_eq!(made.encryption, Encryption::Unencrypted);
    assert!(made.from_imported_image);
    assert_eq!(made.source, ImageSource::Imported);
    assert_eq!(made.region, OTHER_REGION.into());
}

/// Issue reproduction 1: an unencrypted disk made from an image of an
/// encrypted snapshot, in another region or in the image's own.
#[test]
fn disk_1_reproduction_unencrypted_disk_from_an_encrypted_image_refused() {
    let mut w = encrypted_snapshot();
    w.ok(&root(OWNER), image("m-enc", "s-enc"));
    assert_eq!(w.image_of("m-enc").encryption, cmk("k-1"));

    let elsewhere = disk(
        "d-2",
        OTHER_REGION,
        Encryption::Unencrypted,
        from_image("m-enc"),
    );
    let v = w.refused(&root(OWNER), elsewhere.clone(), RuleId::Disk1);
    assert_eq!(v, image_region_mismatch("m-enc", OTHER_REGION));
    // Both of its faults are DISK-1's.
    let all = w.state.explain(w.now, &root(OWNER), &elsewhere.into());
    assert_eq!(
        all,
        vec![
            image_region_mismatch("m-enc", OTHER_REGION),
            unencrypted_from_image("m-enc", cmk("k-1")),
        ]
    );

    let here = disk("d-2", REGION, Encryption::Unencrypted, from_image("m-enc"));
    let v = w.refused(&root(OWNER), here, RuleId::Disk1);
    assert_eq!(v, unencrypted_from_image("m-enc", cmk("k-1")));
    assert!(w.state.disk(&"d-2".into()).is_none());

    let events = w.ok(
        &root(OWNER),
        disk("d-2", REGION, cmk("k-1"), from_image("m-enc")),
    );
    let made = w.disk_of("d-2");
    assert_eq!(
        events,
        vec![Event::DiskCreated {
            at: w.now,
            disk: made.clone()
        }]
    );
    assert_eq!(made.encryption, cmk("k-1"));
    assert_eq!(made.source, from_image("m-enc"));
    assert_eq!(made.region, REGION.into());
}

#[test]
fn disk_1_any_encryption_satisfies_an_encrypted_image() {
    let mut w = encrypted_snapshot();
    w.ok(
        &root(OWNER),
        snapguard::CreateKey {
            key: "k-3".into(),
            region: REGION.into(),
        },
    );
    w.ok(&root(OWNER), image("m-enc", "s-enc"));
    let cases = [
        ("d-a", Encryption::ServiceKey),
        ("d-b", cmk("k-1")),
        ("d-c", cmk("k-3")),
    ];
    for (id, encryption) in cases {
        w.owner_disk(id, REGION, encryption.clone(), from_image("m-enc"));
        assert_eq!(w.disk_of(id).encryption, encryption);
    }
}

#[test]
fn disk_1_unencrypted_disk_from_a_service_key_image_refused() {
    let mut w = World::new();
    w.ok(&root(OWNER), snapguard::ActivateKms {});
    w.owner_disk("d-svc", REGION, Encryption::ServiceKey, DiskSource::Blank);
    w.snapshot(OWNER, "d-svc", "s-svc", None);
    w.ok(&root(OWNER), image("m-svc", "s-svc"));
    let v = w.refused(
        &root(OWNER),
        disk("d-2", REGION, Encryption::Unencrypted, from_image("m-svc")),
        RuleId::Disk1,
    );
    assert_eq!(v, unencrypted_from_image("m-svc", Encryption::ServiceKey));
    w.owner_disk("d-2", REGION, Encryption::ServiceKey, from_image("m-svc"));
}

#[test]
fn disk_1_disk_from_an_image_in_another_region_refused_whatever_its_encryption() {
    let mut w = encrypted_snapshot();
    w.key(OWNER, "k-2", OTHER_REGION);
    w.ok(&root(OWNER), image("m-enc", "s-enc"));
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.ok(&root(OWNER), image("m-1", "s-1"));
    w.ok(&root(OWNER), import("img-i", REGION));
    let cases = [
        ("m-enc", cmk("k-2")),
        ("m-enc", Encryption::ServiceKey),
        ("m-1", Encryption::Unencrypted),
        ("m-1", cmk("k-2")),
        ("img-i", Encryption::Unencrypted),
    ];
    for (source, encryption) in cases {
        let v = w.refused(
            &root(OWNER),
            disk("d-2", OTHER_REGION, encryption, from_image(source)),
            RuleId::Disk1,
        );
        assert_eq!(v, image_region_mismatch(source, OTHER_REGION));
    }
    assert!(w.state.disk(&"d-2".into()).is_none());
}

#[test]
fn disk_1_unencrypted_disk_from_an_unencrypted_or_imported_image_accepted() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), image("m-1", "s-1"));
    w.ok(&root(OWNER), import("img-i", REGION));
    w.owner_disk("d-2", REGION, Encryption::Unencrypted, from_image("m-1"));
    w.owner_disk("d-3", REGION, Encryption::Unencrypted, from_image("img-i"));
    assert_eq!(w.disk_of("d-2").encryption, Encryption::Unencrypted);
    assert!(!w.disk_of("d-2").from_imported_image);
    assert!(w.disk_of("d-3").from_imported_image);
}

/// Encrypted data stays encrypted along disk → snapshot → image → disk →
/// snapshot → image, and along an encrypted copy into another region and
/// an image of the copy.
#[test]
fn disk_1_encryption_follows_the_data_along_chains_of_images_and_copies() {
    let mut w = encrypted_snapshot();
    w.key(OWNER, "k-2", OTHER_REGION);
    w.ok(&root(OWNER), image("m-1", "s-enc"));
    w.owner_disk("d-2", REGION, Encryption::ServiceKey, from_image("m-1"));
    w.snapshot(OWNER, "d-2", "s-2", None);
    w.ok(&root(OWNER), image("m-2", "s-2"));
    assert_eq!(w.image_of("m-2").encryption, Encryption::ServiceKey);
    let v = w.refused(
        &root(OWNER),
        disk("d-3", REGION, Encryption::Unencrypted, from_image("m-2")),
        RuleId::Disk1,
    );
    assert_eq!(v, unencrypted_from_image("m-2", Encryption::ServiceKey));

    w.ok(
        &root(OWNER),
        copy_to("s-enc", "c-1", OTHER_REGION, cmk("k-2")),
    );
    w.finish("c-1");
    w.ok(&root(OWNER), image("m-c", "c-1"));
    assert_eq!(w.image_of("m-c").encryption, cmk("k-2"));
    assert_eq!(w.image_of("m-c").region, OTHER_REGION.into());
    let v = w.refused(
        &root(OWNER),
        disk(
            "d-3",
            OTHER_REGION,
            Encryption::Unencrypted,
            from_image("m-c"),
        ),
        RuleId::Disk1,
    );
    assert_eq!(
        v,
        Violation::UnencryptedFromEncryptedImage {
            image: "m-c".into(),
            encryption: cmk("k-2"),
        }
    );
    w.owner_disk("d-3", OTHER_REGION, cmk("k-2"), from_image("m-c"));
}

// ---------------------------------------------------------------------------
// SHARE-5: "built from an imported custom image" follows the data
// ---------------------------------------------------------------------------

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
    w.ok(
        &Actor::Platform,
        CreateAutomaticSnapshot {
            snapshot: "a-1".into(),
            disk: "d-a".into(),
            retention_days: None,
        },
    );
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
        SetEncryptedShareRole {
            trusted: [AccountId::new(OTHER)].into(),
        },
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

// ---------------------------------------------------------------------------
// PERM-5: a Deny on a snapshot holds against sharing it and reading its data
// ---------------------------------------------------------------------------

/// [`OWNER`]'s disk `d-1` with the available snapshots `s-secret` and
/// `s-open`, and its user `alice` allowed everything but denied everything
/// on `s-secret`.
fn denied_user() -> (World, Actor) {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-secret", None);
    w.snapshot(OWNER, "d-1", "s-open", None);
    let alice = w.user(
        OWNER,
        "alice",
        vec![
            Statement::allow(["*"], ["*"]),
            Statement::deny(["*"], [format!("acs:ecs:*:{OWNER}:snapshot/s-secret")]),
        ],
    );
    (w, alice)
}

fn secret() -> String {
    snapshot_resource(REGION, OWNER, "s-secret")
}

fn explicitly_denied(actor: &Actor, action: Action, resource: String) -> Violation {
    Violation::PermissionDenied {
        actor: actor.clone(),
        action,
        resource,
        explicit_deny: true,
    }
}

/// Issue reproduction 3, all of it.
#[test]
fn perm_5_reproduction_a_deny_on_the_snapshot_holds_on_every_path() {
    let (mut w, alice) = denied_user();
    // Sharing it with another account.
    let v = w.refused(
        &alice,
        create_share("rs-1", &[account(OTHER)], &["s-secret"]),
        RuleId::Perm1,
    );
    assert_eq!(
        v,
        explicitly_denied(&alice, Action::CreateResourceShare, secret())
    );
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
    // A root puts it in a share naming nobody; alice names a principal.
    w.ok(&root(OWNER), create_share("rs-2", &[], &["s-secret"]));
    let v = w.refused(
        &alice,
        associate("rs-2", &[account(OTHER)], &[]),
        RuleId::Perm1,
    );
    assert_eq!(
        v,
        explicitly_denied(&alice, Action::AssociateResourceShare, secret())
    );
    assert!(
        w.state
            .resource_share(&"rs-2".into())
            .unwrap()
            .principals
            .is_empty()
    );
    assert!(
        w.state
            .shared_with(&sid("s-secret"), w.now)
            .accounts
            .is_empty()
    );
    // A disk and an image from it.
    let v = w.refused(
        &alice,
        disk(
            "d-2",
            REGION,
            Encryption::Unencrypted,
            from_snapshot("s-secret"),
        ),
        RuleId::Perm1,
    );
    assert_eq!(v, explicitly_denied(&alice, Action::CreateDisk, secret()));
    let v = w.refused(&alice, image("m-1", "s-secret"), RuleId::Perm1);
    assert_eq!(v, explicitly_denied(&alice, Action::CreateImage, secret()));
    assert!(w.state.disk(&"d-2".into()).is_none());
    assert!(w.state.image(&"m-1".into()).is_none());
}

#[test]
fn perm_5_a_deny_on_the_snapshot_refuses_putting_it_into_any_share() {
    let (mut w, alice) = denied_user();
    w.ok(&alice, create_share("rs-1", &[account(OTHER)], &["s-open"]));
    w.ok(&alice, create_share("rs-2", &[], &[]));
    let attempts: [snapguard::Command; 4] = [
        // Into a new share without a principal: still into a share.
        create_share("rs-3", &[], &["s-secret"]).into(),
        create_share("rs-3", &[account(OTHER)], &["s-open", "s-secret"]).into(),
        associate("rs-1", &[], &["s-secret"]).into(),
        associate("rs-2", &[], &["s-secret"]).into(),
    ];
    for command in attempts {
        let v = w.refused(&alice, command, RuleId::Perm1);
        assert!(
            matches!(&v, Violation::PermissionDenied { resource, explicit_deny: true, .. } if *resource == secret()),
            "{v:?}"
        );
    }
    assert!(!w.state.is_shared(&sid("s-secret")));
    assert!(w.state.is_shared(&sid("s-open")));
}

#[test]
fn perm_5_naming_a_principal_for_a_share_holding_the_denied_snapshot_refused() {
    let (mut w, alice) = denied_user();
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[], &["s-open", "s-secret"]),
    );
    w.directory(&[OTHER]);
    for principal in [account(OTHER), directory("rd-1"), folder("fd-1")] {
        let v = w.refused(&alice, associate("rs-2", &[principal], &[]), RuleId::Perm1);
        assert_eq!(
            v,
            explicitly_denied(&alice, Action::AssociateResourceShare, secret())
        );
    }
    // Without the denied snapshot, the same principal is named.
    w.ok(&root(OWNER), create_share("rs-3", &[], &["s-open"]));
    w.ok(&alice, associate("rs-3", &[account(OTHER)], &[]));
    // Taking the denied snapshot out of the share: alice may name one.
    w.ok(&root(OWNER), disassociate("rs-2", &[], &["s-secret"]));
    w.ok(&alice, associate("rs-2", &[account(OTHER)], &[]));
    assert!(!w.state.is_shared(&sid("s-secret")));
}

#[test]
fn perm_5_a_deny_on_the_source_refuses_disk_image_reset_and_copy() {
    let (mut w, alice) = denied_user();
    let attempts: [(snapguard::Command, Action); 4] = [
        (
            disk(
                "d-2",
                REGION,
                Encryption::Unencrypted,
                from_snapshot("s-secret"),
            )
            .into(),
            Action::CreateDisk,
        ),
        (image("m-1", "s-secret").into(), Action::CreateImage),
        (reset("d-1", "s-secret").into(), Action::ResetDisk),
        (
            copy_to("s-secret", "c-1", OTHER_REGION, Encryption::Unencrypted).into(),
            Action::CopySnapshot,
        ),
    ];
    for (command, action) in attempts {
        let v = w.refused(&alice, command, RuleId::Perm1);
        assert_eq!(v, explicitly_denied(&alice, action, secret()));
    }
    // The same from the snapshot it is not denied on: accepted.
    w.ok(
        &alice,
        disk(
            "d-2",
            REGION,
            Encryption::Unencrypted,
            from_snapshot("s-open"),
        ),
    );
    w.ok(&alice, image("m-1", "s-open"));
    w.ok(&alice, reset("d-1", "s-open"));
    w.ok(
        &alice,
        copy_to("s-open", "c-1", OTHER_REGION, Encryption::Unencrypted),
    );
    // The root is not bound by alice's statements.
    w.ok(
        &root(OWNER),
        disk(
            "d-3",
            REGION,
            Encryption::Unencrypted,
            from_snapshot("s-secret"),
        ),
    );
    w.ok(&root(OWNER), image("m-2", "s-secret"));
}

#[test]
fn perm_5_a_deny_on_an_image_refuses_a_disk_from_it() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), image("m-secret", "s-1"));
    w.ok(&root(OWNER), image("m-open", "s-1"));
    let bob = w.user(
        OWNER,
        "bob",
        vec![
            Statement::allow(["*"], ["*"]),
            Statement::deny(["ecs:CreateDisk"], ["acs:ecs:*:*:image/m-secret"]),
        ],
    );
    let v = w.refused(
        &bob,
        disk(
            "d-2",
            REGION,
            Encryption::Unencrypted,
            from_image("m-secret"),
        ),
        RuleId::Perm1,
    );
    assert_eq!(
        v,
        explicitly_denied(
            &bob,
            Action::CreateDisk,
            image_resource(REGION, OWNER, "m-secret")
        )
    );
    w.ok(
        &bob,
        disk("d-2", REGION, Encryption::Unencrypted, from_image("m-open")),
    );
}

/// Reading data needs no Allow on the source, only no Deny: an Allow on
/// disks alone creates a disk from a snapshot.
#[test]
fn perm_5_reading_a_source_needs_no_allow_on_it() {
    let mut w = World::with_snapshot();
    let carol = w.user(
        OWNER,
        "carol",
        vec![Statement::allow(
            ["ecs:CreateDisk"],
            [format!("acs:ecs:*:{OWNER}:disk/*")],
        )],
    );
    w.ok(
        &carol,
        disk("d-2", REGION, Encryption::Unencrypted, from_snapshot("s-1")),
    );
}

/// A Deny of one action on the snapshot refuses that action only.
#[test]
fn perm_5_a_deny_of_one_action_on_the_snapshot_refuses_that_action_only() {
    let mut w = World::with_snapshot();
    let dave = w.user(
        OWNER,
        "dave",
        vec![
            Statement::allow(["*"], ["*"]),
            Statement::deny(["ecs:CreateDisk"], [snapshot_arn(OWNER, "s-1")]),
        ],
    );
    w.refused(
        &dave,
        disk("d-2", REGION, Encryption::Unencrypted, from_snapshot("s-1")),
        RuleId::Perm1,
    );
    w.ok(&dave, image("m-1", "s-1"));
    w.ok(&dave, create_share("rs-1", &[account(OTHER)], &["s-1"]));
}

/// Sharing is fully evaluated on the snapshot: an Allow on the share alone
/// is not enough to put a snapshot in it, or to name a principal for the
/// snapshots it holds.
#[test]
fn perm_5_sharing_needs_an_allow_on_the_snapshot_as_well_as_the_share() {
    let mut w = World::with_snapshot();
    let on_share = Statement::allow(
        ["resourcesharing:*"],
        [share_resource(OWNER, "rs-1"), share_resource(OWNER, "rs-2")],
    );
    let erin = w.user(OWNER, "erin", vec![on_share.clone()]);
    let v = w.refused(
        &erin,
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
        RuleId::Perm1,
    );
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: erin.clone(),
            action: Action::CreateResourceShare,
            resource: snapshot_arn(OWNER, "s-1"),
            explicit_deny: false,
        }
    );
    // An empty share needs the share's Allow only.
    w.ok(&erin, create_share("rs-1", &[], &[]));
    w.ok(&root(OWNER), create_share("rs-2", &[], &["s-1"]));
    let v = w.refused(
        &erin,
        associate("rs-2", &[account(OTHER)], &[]),
        RuleId::Perm1,
    );
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: erin.clone(),
            action: Action::AssociateResourceShare,
            resource: snapshot_arn(OWNER, "s-1"),
            explicit_deny: false,
        }
    );
    // With an Allow on the snapshot too, both are accepted.
    w.ok(
        &root(OWNER),
        snapguard::SetUserPolicy {
            user: "erin".into(),
            statements: vec![
                on_share,
                Statement::allow(["resourcesharing:*"], [snapshot_arn(OWNER, "s-1")]),
            ],
        },
    );
    w.ok(&erin, associate("rs-1", &[account(OTHER)], &["s-1"]));
    w.ok(&erin, associate("rs-2", &[account(OTHER)], &[]));
    assert!(
        w.state
            .visible_snapshots(&OTHER.into(), w.now)
            .iter()
            .any(|v| v.snapshot == sid("s-1") && matches!(v.access, SnapshotAccess::Shared { .. }))
    );
}
