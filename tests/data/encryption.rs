//! Where data goes, DISK-1 and IMAGE-1: encryption follows the data
//! through images. An image keeps the encryption of its snapshot, and a
//! disk made from an image is in the image's region and encrypted if the
//! image is. Each reproduction of the issue sees its refusal with its rule
//! id and the state unchanged (`World::refused`).

use crate::common;
use crate::copy_support;
use crate::paths_support;

use common::*;
use copy_support::*;
use paths_support::*;
use snapguard::{DiskSource, Encryption, Event, ImageSource, RuleId, Violation};

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

#[test]
fn image_1_an_image_keeps_the_encryption_of_its_snapshot() {
    let mut w = encrypted_snapshot();
    w.ok(&root(OWNER), snapguard::ActivateKms::new());
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
        assert_eq!(made.region, REGION);
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
    assert_eq!(made.region, OTHER_REGION);
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
    let all = w.state.explain(w.now, &root(OWNER), elsewhere);
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
    assert_eq!(made.region, REGION);
}

#[test]
fn disk_1_any_encryption_satisfies_an_encrypted_image() {
    let mut w = encrypted_snapshot();
    w.ok(&root(OWNER), snapguard::CreateKey::new("k-3", REGION));
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
    w.ok(&root(OWNER), snapguard::ActivateKms::new());
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
    assert_eq!(w.image_of("m-c").region, OTHER_REGION);
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
