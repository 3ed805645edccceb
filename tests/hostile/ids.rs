//! Hostile ids: odd ids of existing objects are not found and ids are never
//! reused, even after deletion (GEN-4); odd ids of new objects are invalid
//! (GEN-5). Nothing panics and a wildcard id matches nothing.

use crate::common;
use crate::hostile_support;

use common::*;
use hostile_support::*;
use snapguard::{
    Actor, Bound, CreateAccount, CreateDisk, CreateImage, CreateRegion, CreateUser, DeleteImage,
    DeleteSnapshot, DiskCategory, ImportImage, MAX_ID_LEN, ObjectKind, ReleaseDisk, RuleId, Site,
    Violation,
};

// ---------------------------------------------------------------------------
// GEN-4, GEN-5: odd, unknown and duplicate ids
// ---------------------------------------------------------------------------

fn odd_ids() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "s 1".into(),
        "s/../s-1".into(),
        "*".into(),
        "acs:ecs:*:1001:snapshot/*".into(),
        "s-\u{e9}".into(),
        "s-\u{0}".into(),
        "s-1\n".into(),
        "x".repeat(10_000),
    ]
}

#[test]
fn hostile_gen_4_odd_ids_of_existing_objects_are_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    for id in odd_ids() {
        let v = w.refused(&owner, DeleteSnapshot::new(id.as_str()), RuleId::Gen4);
        assert_eq!(
            v,
            Violation::NotFound {
                kind: ObjectKind::Snapshot,
                id: id.clone()
            }
        );
        w.refused(&owner, lock_cmd(&id, 30, 0), RuleId::Gen4);
        w.refused(
            &owner,
            ReleaseDisk::new(id.as_str()).release_automatic_snapshots(true),
            RuleId::Gen4,
        );
        w.refused(
            &owner,
            DeleteImage::new(id.as_str()).delete_snapshots(true),
            RuleId::Gen4,
        );
        w.refused(&root(&id), blank_disk_in_main_region("d-2"), RuleId::Gen4);
        w.refused(
            &Actor::user(OWNER, id.as_str()),
            blank_disk_in_main_region("d-2"),
            RuleId::Gen4,
        );
        w.refused(
            &owner,
            CreateDisk::new("d-2", id.as_str(), DiskCategory::Essd, 40),
            RuleId::Gen4,
        );
    }
    // A wildcard id matches nothing: s-1 is still there.
    assert!(w.exists("s-1"));
}

#[test]
fn hostile_gen_5_odd_ids_of_new_objects_are_invalid() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    // Ids past the length bound are refused by GEN-7 before their
    // characters are looked at (rule changed: see the next test).
    for id in odd_ids().into_iter().filter(|id| id.len() <= MAX_ID_LEN) {
        let v = w.refused(&owner, create_snapshot_of_d1(&id, None), RuleId::Gen5);
        assert_eq!(
            v,
            Violation::InvalidId {
                kind: ObjectKind::Snapshot,
                id: id.clone()
            }
        );
        w.refused(&owner, blank_disk_in_main_region(&id), RuleId::Gen5);
        w.refused(&owner, ImportImage::new(id.as_str(), REGION), RuleId::Gen5);
        w.refused(&owner, CreateUser::new(id.as_str()), RuleId::Gen5);
        w.refused(
            &Actor::Platform,
            CreateRegion::new(id.as_str()),
            RuleId::Gen5,
        );
        w.refused(
            &Actor::Platform,
            CreateAccount::new(id.as_str(), Site::China),
            RuleId::Gen5,
        );
    }
}

#[test]
fn hostile_gen_7_a_ten_thousand_character_id_is_past_the_bound_rule_changed() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let id = "x".repeat(10_000);
    let past = Violation::BoundExceeded {
        bound: Bound::IdChars,
        size: 10_000,
        max: 128,
    };
    let v = w.refused(&owner, create_snapshot_of_d1(&id, None), RuleId::Gen7);
    assert_eq!(v, past);
    let v = w.refused(&owner, blank_disk_in_main_region(&id), RuleId::Gen7);
    assert_eq!(v, past);
    let v = w.refused(
        &Actor::Platform,
        CreateRegion::new(id.as_str()),
        RuleId::Gen7,
    );
    assert_eq!(v, past);
}

#[test]
fn hostile_gen_4_duplicate_ids_are_refused_even_after_deletion() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.snapshot(OWNER, "d-1", "s-2", Some(1));
    w.ok(&owner, CreateImage::new("i-1", "s-1"));
    w.disk(OWNER, "d-2");
    // While they exist.
    w.refused(&owner, create_snapshot_of_d1("s-2", None), RuleId::Gen4);
    w.refused(&owner, blank_disk_in_main_region("d-2"), RuleId::Gen4);
    w.refused(&owner, ImportImage::new("i-1", REGION), RuleId::Gen4);
    // After deletion, release and retention end: an id names one object for
    // the whole history.
    w.wait(days(1));
    w.ok(&owner, DeleteImage::new("i-1").delete_snapshots(true));
    w.ok(
        &owner,
        ReleaseDisk::new("d-2").release_automatic_snapshots(true),
    );
    assert!(!w.exists("s-1") && !w.exists("s-2"));
    for snapshot in ["s-1", "s-2"] {
        let v = w.refused(&owner, create_snapshot_of_d1(snapshot, None), RuleId::Gen4);
        assert_eq!(
            v,
            Violation::AlreadyExists {
                kind: ObjectKind::Snapshot,
                id: snapshot.into()
            }
        );
        w.refused(&owner, copy_of_s1(snapshot, None), RuleId::Gen4);
    }
    w.refused(&owner, blank_disk_in_main_region("d-2"), RuleId::Gen4);
    w.refused(&owner, ImportImage::new("i-1", REGION), RuleId::Gen4);
    w.refused(
        &Actor::Platform,
        CreateAccount::new(OWNER, Site::China),
        RuleId::Gen4,
    );
}
