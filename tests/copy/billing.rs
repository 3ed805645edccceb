//! COPY-7: the billing basis of a copy, per lineage (copier account,
//! lineage root, destination region, key). The first copy of a lineage is
//! charged in full (the snapshot's size, or the source disk's size for the
//! first encrypted copy of an unencrypted snapshot); once a copy of it has
//! completed, the lineage is started and later copies are incremental.
//!
//! And the sharee's side of copies and keys: a sharee's copies are in its
//! own lineages (above), and from a snapshot shared encrypted with a
//! customer master key, its copies and disks use another key (SHARE-11,
//! with real keys; DISK-1 and PERM-4 for the key it names).

use crate::common;
use crate::copy_support;
use crate::share_support;

use common::*;
use copy_support::*;
use share_support::encrypted_shared;
use snapguard::{
    Actor, BillingBasis, CreateBackupSnapshot, CreateDisk, CreateRegion, DiskCategory, Encryption,
    KeyProblem, LineageRoot, RuleId, SnapshotOrigin, StandardCopyProblem, Violation,
};

const THIRD_REGION: &str = "cn-beijing";

fn full_snapshot(size_gib: u64) -> BillingBasis {
    BillingBasis::FullSnapshotSize { size_gib }
}

fn full_disk(size_gib: u64) -> BillingBasis {
    BillingBasis::FullDiskSize { size_gib }
}

/// OWNER's unencrypted disk `d-1` of 40 GiB and its permanent snapshot
/// `s-1` of 7 GiB, with KMS activated, its key `k-1` in [`REGION`] and
/// `k-2` in [`OTHER_REGION`].
fn world() -> World {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    w.finish_sized("s-1", 7);
    w.key(OWNER, "k-1", REGION);
    w.key(OWNER, "k-2", OTHER_REGION);
    w
}

/// The lineage of OWNER's copies of `d-1`'s data.
fn d1(region: &str, encryption: Encryption) -> snapguard::CopyLineage {
    disk_lineage(OWNER, "d-1", region, encryption)
}

// ---------------------------------------------------------------- first copies

#[test]
fn copy_7_first_standard_copy_of_unencrypted_snapshot_is_full_snapshot_size() {
    let mut w = world();
    let c = w.copy_ok(&root(OWNER), copy("s-1", "c-1", None));
    assert_eq!(c.billing, full_snapshot(7));
    assert_eq!(c.lineage, d1(OTHER_REGION, Encryption::Unencrypted));
}

#[test]
fn copy_7_first_encrypted_copy_of_unencrypted_snapshot_is_full_disk_size() {
    let mut w = world();
    let cases = [
        ("c-1", REGION, Encryption::ServiceKey),
        ("c-2", OTHER_REGION, Encryption::ServiceKey),
        ("c-3", REGION, cmk("k-1")),
        ("c-4", OTHER_REGION, cmk("k-2")),
    ];
    for (id, region, encryption) in cases {
        let c = w.copy_ok(&root(OWNER), copy_to("s-1", id, region, encryption.clone()));
        assert_eq!(c.billing, full_disk(40), "{id}");
        assert_eq!(c.lineage, d1(region, encryption));
    }
}

#[test]
fn copy_7_first_encrypted_copy_of_encrypted_snapshot_is_full_snapshot_size() {
    let mut w = world();
    w.ok(
        &root(OWNER),
        CreateDisk::new("d-k", REGION, DiskCategory::Essd, 100).encryption(cmk("k-1")),
    );
    w.ok(&root(OWNER), create_snapshot("s-k", "d-k", None));
    w.finish_sized("s-k", 12);
    let cases = [
        ("c-1", REGION, Encryption::ServiceKey),
        ("c-2", REGION, cmk("k-1")),
        ("c-3", OTHER_REGION, cmk("k-2")),
    ];
    for (id, region, encryption) in cases {
        let billing = w.billed(copy_to("s-k", id, region, encryption));
        assert_eq!(billing, full_snapshot(12), "{id}");
    }
}

// ---------------------------------------------------------------- started lineages

#[test]
fn copy_7_second_copy_after_the_first_completed_is_incremental() {
    let mut w = world();
    assert_eq!(w.billed(copy("s-1", "c-1", None)), full_snapshot(7));
    assert_eq!(
        w.state
            .copy_lineage(&d1(OTHER_REGION, Encryption::Unencrypted)),
        None
    );
    w.finish("c-1");
    assert_eq!(
        w.state
            .copy_lineage(&d1(OTHER_REGION, Encryption::Unencrypted)),
        Some(&sid("c-1"))
    );
    assert_eq!(
        w.billed(copy("s-1", "c-2", None)),
        BillingBasis::Incremental
    );
    // A later snapshot of the same disk is in the same lineage.
    w.snapshot(OWNER, "d-1", "s-2", None);
    assert_eq!(
        w.billed(copy("s-2", "c-3", None)),
        BillingBasis::Incremental
    );
    let encrypted = copy_to("s-1", "c-4", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(encrypted), full_disk(40));
    w.finish("c-4");
    let encrypted = copy_to("s-2", "c-5", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(encrypted), BillingBasis::Incremental);
}

#[test]
fn copy_7_full_again_while_the_first_copy_is_in_progress() {
    let mut w = world();
    assert_eq!(w.billed(copy("s-1", "c-1", None)), full_snapshot(7));
    w.wait(hours(1));
    assert_eq!(w.billed(copy("s-1", "c-2", None)), full_snapshot(7));
    // The first to complete starts the lineage, whichever began first.
    w.finish("c-2");
    w.finish("c-1");
    let lineage = d1(OTHER_REGION, Encryption::Unencrypted);
    assert_eq!(w.state.copy_lineage(&lineage), Some(&sid("c-2")));
    assert_eq!(w.state.copy_lineages().count(), 1);
    assert_eq!(
        w.billed(copy("s-1", "c-3", None)),
        BillingBasis::Incremental
    );
}

#[test]
fn copy_7_full_again_after_the_first_copy_failed() {
    let mut w = world();
    let first = copy_to("s-1", "c-1", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(first), full_disk(40));
    w.fail("c-1");
    assert_eq!(w.state.copy_lineages().count(), 0);
    let again = copy_to("s-1", "c-2", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(again), full_disk(40));
    w.finish("c-2");
    let third = copy_to("s-1", "c-3", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(third), BillingBasis::Incremental);
}

#[test]
fn copy_7_copy_6_full_again_after_the_first_copy_was_cancelled() {
    let mut w = world();
    assert_eq!(w.billed(copy("s-1", "c-1", None)), full_snapshot(7));
    w.ok(&root(OWNER), delete("c-1"));
    assert_eq!(w.billed(copy("s-1", "c-2", None)), full_snapshot(7));
}

#[test]
fn copy_7_lineage_kept_after_every_copy_is_deleted() {
    let mut w = world();
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    w.billed(copy("s-1", "c-2", None));
    w.finish("c-2");
    w.ok(&root(OWNER), delete("c-1"));
    w.ok(&root(OWNER), delete("c-2"));
    assert!(!w.exists("c-1") && !w.exists("c-2"));
    let lineage = d1(OTHER_REGION, Encryption::Unencrypted);
    assert_eq!(w.state.copy_lineage(&lineage), Some(&sid("c-1")));
    assert_eq!(
        w.billed(copy("s-1", "c-3", None)),
        BillingBasis::Incremental
    );
}

// ---------------------------------------------------------------- what a lineage is

#[test]
fn copy_7_key_change_is_a_new_lineage_and_an_old_key_stays_incremental() {
    let mut w = world();
    w.ok(&root(OWNER), create_key("k-3", REGION));
    let mut n = 0;
    let mut bill = |w: &mut World, encryption: Encryption| {
        n += 1;
        let id = format!("c-{n}");
        let billing = w.billed(copy_to("s-1", &id, REGION, encryption));
        w.finish(&id);
        billing
    };
    let steps = [
        (Encryption::ServiceKey, full_disk(40)),
        (Encryption::ServiceKey, BillingBasis::Incremental),
        (cmk("k-1"), full_disk(40)),
        (cmk("k-1"), BillingBasis::Incremental),
        (cmk("k-3"), full_disk(40)),
        (cmk("k-3"), BillingBasis::Incremental),
        (cmk("k-1"), BillingBasis::Incremental),
        (Encryption::ServiceKey, BillingBasis::Incremental),
    ];
    for (step, (encryption, expected)) in steps.into_iter().enumerate() {
        assert_eq!(
            bill(&mut w, encryption.clone()),
            expected,
            "step {step}: {encryption}"
        );
    }
    let started: Vec<_> = w
        .state
        .copy_lineages()
        .map(|(l, c)| (l.clone(), c.clone()))
        .collect();
    assert_eq!(
        started,
        vec![
            (d1(REGION, Encryption::ServiceKey), sid("c-1")),
            (d1(REGION, cmk("k-1")), sid("c-3")),
            (d1(REGION, cmk("k-3")), sid("c-5")),
        ]
    );
}

#[test]
fn copy_7_standard_and_encrypted_copies_into_one_region_are_two_lineages() {
    let mut w = world();
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    let encrypted = copy_to("s-1", "c-2", OTHER_REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(encrypted), full_disk(40));
}

#[test]
fn copy_7_each_destination_region_is_its_own_lineage() {
    let mut w = world();
    w.ok(&Actor::Platform, CreateRegion::new(THIRD_REGION));
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    let elsewhere = copy_to("s-1", "c-2", THIRD_REGION, Encryption::Unencrypted);
    assert_eq!(w.billed(elsewhere), full_snapshot(7));
}

#[test]
fn copy_7_each_disk_is_its_own_lineage() {
    let mut w = world();
    w.disk(OWNER, "d-2");
    w.ok(&root(OWNER), create_snapshot("s-2", "d-2", None));
    w.finish_sized("s-2", 3);
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    assert_eq!(w.billed(copy("s-2", "c-2", None)), full_snapshot(3));
}

#[test]
fn copy_7_sharee_has_its_own_lineage() {
    let mut w = world();
    w.share_with(OTHER);
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    // OWNER's lineage is started; OTHER's copy is charged in full to OTHER.
    let c = w.copy_ok(&root(OTHER), copy("s-1", "c-2", None));
    assert_eq!(c.billing, full_snapshot(7));
    assert_eq!(
        c.lineage,
        disk_lineage(OTHER, "d-1", OTHER_REGION, Encryption::Unencrypted)
    );
    w.finish("c-2");
    let c = w.copy_ok(&root(OTHER), copy("s-1", "c-3", None));
    assert_eq!(c.billing, BillingBasis::Incremental);
    assert_eq!(w.state.copy_lineages().count(), 2);
    assert_eq!(
        w.state
            .copy_lineage(&d1(OTHER_REGION, Encryption::Unencrypted)),
        Some(&sid("c-1"))
    );
}

#[test]
fn copy_7_copy_of_a_copy_shares_the_source_disks_lineage() {
    let mut w = world();
    w.billed(copy("s-1", "c-1", None));
    w.finish("c-1");
    // c-1 (in OTHER_REGION) copied back into REGION with the service key.
    let back = w.copy_ok(
        &root(OWNER),
        copy_to("c-1", "c-2", REGION, Encryption::ServiceKey),
    );
    assert_eq!(
        back.snapshot.origin,
        SnapshotOrigin::Copy {
            source: sid("c-1"),
            root: LineageRoot::Disk("d-1".into()),
            imported_image: false,
        }
    );
    assert_eq!(
        back.snapshot.lineage_root(),
        LineageRoot::Disk("d-1".into())
    );
    assert_eq!(back.lineage, d1(REGION, Encryption::ServiceKey));
    assert_eq!(back.billing, full_disk(40));
    w.finish("c-2");
    // The same lineage, reached from the original snapshot.
    let direct = copy_to("s-1", "c-3", REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(direct), BillingBasis::Incremental);
    // An encrypted copy copied on into a new lineage: its snapshot size.
    w.finish("c-3");
    let around = copy_to("c-3", "c-4", OTHER_REGION, Encryption::ServiceKey);
    assert_eq!(w.billed(around), full_snapshot(10), "an encrypted source");
}

#[test]
fn copy_7_cloud_backup_snapshot_roots_its_own_lineage() {
    let mut w = world();
    for backup in ["b-1", "b-2"] {
        w.ok(
            &Actor::Platform,
            CreateBackupSnapshot::new(backup, OWNER, REGION),
        );
        w.finish_sized(backup, 6);
    }
    let root_b1 = LineageRoot::Snapshot(sid("b-1"));
    assert_eq!(get(&w, "b-1").lineage_root(), root_b1);
    let c = w.copy_ok(&root(OWNER), copy("b-1", "c-1", None));
    assert_eq!(c.lineage.root, root_b1);
    assert_eq!(c.billing, full_snapshot(6));
    w.finish("c-1");
    assert_eq!(get(&w, "c-1").lineage_root(), root_b1);
    assert_eq!(
        w.billed(copy("b-1", "c-2", None)),
        BillingBasis::Incremental
    );
    // Another backup snapshot is another root.
    let c = w.copy_ok(&root(OWNER), copy("b-2", "c-3", None));
    assert_eq!(c.lineage.root, LineageRoot::Snapshot(sid("b-2")));
    assert_eq!(c.billing, full_snapshot(6));
    // A copy of the copy keeps the backup snapshot as its root.
    let back = w.copy_ok(
        &root(OWNER),
        copy_to("c-1", "c-4", REGION, Encryption::ServiceKey),
    );
    assert_eq!(back.lineage.root, root_b1);
}

#[test]
fn copy_7_first_encrypted_copy_of_a_cloud_backup_snapshot_is_its_snapshot_size() {
    // Decision: a snapshot of no disk has no source disk size to charge.
    let mut w = world();
    w.ok(
        &Actor::Platform,
        CreateBackupSnapshot::new("b-1", OWNER, REGION),
    );
    w.finish_sized("b-1", 6);
    let encrypted = copy_to("b-1", "c-1", REGION, Encryption::ServiceKey);
    let c = w.copy_ok(&root(OWNER), encrypted);
    assert_eq!(c.billing, full_snapshot(6));
}

#[test]
fn copy_7_decide_states_the_same_billing_basis_as_apply() {
    let mut w = world();
    let command = copy_to("s-1", "c-1", REGION, cmk("k-1"));
    let decided = w
        .state
        .decide(w.now, &root(OWNER), command.clone())
        .unwrap();
    let events = w.ok(&root(OWNER), command);
    assert_eq!(decided, events);
    assert_eq!(copied(&events, w.now).billing, full_disk(40));
}

// ---------------------------------------------------------------- SHARE-11 copies

#[test]
fn share_11_sharee_copy_with_the_snapshot_key_refused_in_either_region() {
    let mut w = encrypted_shared();
    for region in [REGION, OTHER_REGION] {
        let command = copy_to("s-e", "c-1", region, cmk("k-1"));
        let v = w.refused(&root(OTHER), command, RuleId::Share11);
        assert_eq!(v, key_not_changed(cmk("k-1")));
    }
    // SHARE-11 is reported before whose key it is (PERM-4).
    let command = copy_to("s-e", "c-1", REGION, cmk("k-1"));
    let all = w.state.explain(w.now, &root(OTHER), command);
    assert_eq!(
        all,
        vec![
            key_not_changed(cmk("k-1")),
            foreign_key("k-1", OWNER, OTHER)
        ]
    );
}

#[test]
fn share_11_copy_2_sharee_standard_copy_of_encrypted_snapshot_refused() {
    let mut w = encrypted_shared();
    let v = w.refused(&root(OTHER), copy("s-e", "c-1", None), RuleId::Copy2);
    let problem = StandardCopyProblem::EncryptedSource {
        encryption: cmk("k-1"),
    };
    assert_eq!(
        v,
        Violation::StandardCopyRefused {
            snapshot: sid("s-e"),
            problem
        }
    );
}

#[test]
fn share_11_sharee_copy_with_its_own_key_or_the_service_key_accepted() {
    let mut w = encrypted_shared();
    w.key(OTHER, "k-3", OTHER_REGION);
    let cases = [
        ("c-1", REGION, cmk("k-2")),
        ("c-2", OTHER_REGION, cmk("k-3")),
        ("c-3", REGION, Encryption::ServiceKey),
        ("c-4", OTHER_REGION, Encryption::ServiceKey),
    ];
    for (id, region, encryption) in cases {
        let command = copy_to("s-e", id, region, encryption.clone());
        let c = w.copy_ok(&root(OTHER), command).snapshot;
        assert_eq!(c.encryption, encryption);
        assert_eq!(c.owner.as_str(), OTHER);
        assert_eq!(c.region.as_str(), region);
    }
    assert_eq!(
        get(&w, "s-e").encryption,
        cmk("k-1"),
        "the source keeps its key"
    );
}

#[test]
fn share_11_copy_3_sharee_with_its_own_key_still_needs_it_usable() {
    let mut w = encrypted_shared();
    w.disable_key(OTHER, "k-2");
    let command = copy_to("s-e", "c-1", REGION, cmk("k-2"));
    let v = w.refused(&root(OTHER), command, RuleId::Copy3);
    assert_eq!(v, unusable("k-2", KeyProblem::Disabled, RuleId::Copy3));
}

#[test]
fn share_11_owner_copies_its_own_snapshot_with_the_same_key() {
    let mut w = encrypted_shared();
    let c = w.copy_ok(&root(OWNER), copy_to("s-e", "c-1", REGION, cmk("k-1")));
    assert_eq!(c.snapshot.encryption, cmk("k-1"));
    assert_eq!(c.snapshot.owner.as_str(), OWNER);
}

// ---------------------------------------------------------------- SHARE-11 disks

#[test]
fn share_11_sharee_disk_naming_the_owner_key_is_share_11_not_perm_4() {
    let mut w = encrypted_shared();
    let command = disk_from("d-2", "s-e", DiskCategory::Essd, cmk("k-1"));
    let v = w.refused(&root(OTHER), command, RuleId::Share11);
    assert_eq!(v, key_not_changed(cmk("k-1")));
    // Every refusal, in order: the key, the category, then whose key it is.
    let command = disk_from("d-2", "s-e", DiskCategory::Ssd, cmk("k-1"));
    let all = w.state.explain(w.now, &root(OTHER), command);
    assert_eq!(
        all,
        vec![
            key_not_changed(cmk("k-1")),
            Violation::SharedDiskCategory {
                snapshot: sid("s-e"),
                category: DiskCategory::Ssd
            },
            foreign_key("k-1", OWNER, OTHER),
        ]
    );
}

#[test]
fn share_11_perm_4_sharee_disk_with_another_key_of_the_owner_refused() {
    let mut w = encrypted_shared();
    w.ok(&root(OWNER), create_key("k-4", REGION));
    let command = disk_from("d-2", "s-e", DiskCategory::Essd, cmk("k-4"));
    let v = w.refused(&root(OTHER), command, RuleId::Perm4);
    assert_eq!(v, foreign_key("k-4", OWNER, OTHER));
}

#[test]
fn share_11_disk_1_sharee_disk_with_its_own_unusable_key_refused() {
    let mut w = encrypted_shared();
    w.ok(&root(OTHER), create_key("k-3", OTHER_REGION));
    let command = disk_from("d-2", "s-e", DiskCategory::EssdEntry, cmk("k-3"));
    let v = w.refused(&root(OTHER), command, RuleId::Disk1);
    assert_eq!(
        v,
        unusable("k-3", other_region(OTHER_REGION, REGION), RuleId::Disk1)
    );
    w.disable_key(OTHER, "k-2");
    let command = disk_from("d-2", "s-e", DiskCategory::Essd, cmk("k-2"));
    let v = w.refused(&root(OTHER), command.clone(), RuleId::Disk1);
    assert_eq!(v, unusable("k-2", KeyProblem::Disabled, RuleId::Disk1));
    w.enable_key(OTHER, "k-2");
    w.ok(&root(OTHER), command);
    let disk = w.state.disk(&"d-2".into()).unwrap();
    assert_eq!(
        (disk.owner.as_str(), &disk.encryption),
        (OTHER, &cmk("k-2"))
    );
    assert!(disk.from_shared_snapshot);
}

#[test]
fn share_11_sharee_disk_from_its_own_copy_is_free_of_share_11() {
    // The sharee's copy is its own snapshot: its key and any category do.
    let mut w = encrypted_shared();
    w.copy_ok(&root(OTHER), copy_to("s-e", "c-1", REGION, cmk("k-2")));
    w.finish("c-1");
    let command = disk_from("d-2", "c-1", DiskCategory::Ssd, cmk("k-2"));
    w.ok(&root(OTHER), command);
    assert!(!w.state.disk(&"d-2".into()).unwrap().from_shared_snapshot);
}
