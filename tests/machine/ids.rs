//! Object ids: GEN-4 (unknown ids are refused as not found, reused ids as
//! already existing) and GEN-5 (malformed ids of new objects are invalid).

use crate::common;
use crate::gen_support;

use common::*;
use gen_support::*;
use snapguard::{
    Actor, ArchiveSnapshot, Bound, Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot,
    CreateBackupSnapshot, CreateImage, CreateRegion, CreateUser, DeleteImage, DiskSource,
    ImportImage, MarkAccountOverdue, ObjectKind, ReleaseDisk, ReleaseOverdueSnapshot, ResetDisk,
    RuleId, SetSnapshotRetention, SetUserPolicy, Site, Violation,
};

// ---------------------------------------------------------------------------
// GEN-4: unknown ids, reused ids
// ---------------------------------------------------------------------------

fn already_exists(kind: ObjectKind, id: &str) -> Violation {
    Violation::AlreadyExists {
        kind,
        id: id.into(),
    }
}

#[test]
fn gen_4_unknown_snapshot_is_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let v = w.refused(&owner, delete("s-404"), RuleId::Gen4);
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    for command in [
        Command::from(lock_cmd("s-404", 30, 0)),
        unlock("s-404").into(),
        ArchiveSnapshot::new("s-404").retention_days(100).into(),
        copy("s-404", "c-1", None).into(),
        SetSnapshotRetention::permanent("s-404").into(),
        CreateImage::new("i-1", "s-404").into(),
        ResetDisk::new("d-1", "s-404").into(),
        blank_disk("d-2", REGION)
            .source(DiskSource::snapshot("s-404"))
            .into(),
    ] {
        assert_eq!(
            w.refused(&owner, command, RuleId::Gen4),
            not_found(ObjectKind::Snapshot, "s-404")
        );
    }
    let v = w.refused(&Actor::Platform, finish("s-404"), RuleId::Gen4);
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    let v = w.refused(
        &Actor::Billing,
        ReleaseOverdueSnapshot::new("s-404"),
        RuleId::Gen4,
    );
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    assert_eq!(
        w.state.lock_view(w.now, &owner, &sid("s-404")).unwrap_err(),
        not_found(ObjectKind::Snapshot, "s-404")
    );
}

#[test]
fn gen_4_unknown_disk_image_region_account_user_are_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    assert_eq!(
        w.refused(&owner, create_snapshot("s-2", "d-404", None), RuleId::Gen4),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            ReleaseDisk::new("d-404").release_automatic_snapshots(true),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAutomaticSnapshot::new("a-1", "d-404"),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(&owner, DeleteImage::new("i-404"), RuleId::Gen4),
        not_found(ObjectKind::Image, "i-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            blank_disk("d-2", REGION).source(DiskSource::image("i-404")),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Image, "i-404")
    );
    assert_eq!(
        w.refused(&owner, blank_disk("d-2", "xx-404"), RuleId::Gen4),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            CopySnapshot::new("s-1", "c-1", "xx-404"),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(&owner, ImportImage::new("i-1", "xx-404"), RuleId::Gen4),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(&root("9999"), blank_disk("d-2", REGION), RuleId::Gen4),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(&root("9999"), CreateUser::new("u"), RuleId::Gen4),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Billing,
            MarkAccountOverdue::new("9999"),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateBackupSnapshot::new("b-1", "9999", REGION),
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(&Actor::user(OWNER, "ghost"), delete("s-1"), RuleId::Gen4),
        not_found(ObjectKind::User, "ghost")
    );
    assert_eq!(
        w.refused(
            &owner,
            SetUserPolicy::new("ghost").statement(allow_all()),
            RuleId::Gen4
        ),
        not_found(ObjectKind::User, "ghost")
    );
    // A user of one account is not a user of another.
    w.user(OWNER, "alice", vec![allow_all()]);
    assert_eq!(
        w.refused(
            &Actor::user(OTHER, "alice"),
            blank_disk("d-9", REGION),
            RuleId::Gen4
        ),
        not_found(ObjectKind::User, "alice")
    );
}

#[test]
fn gen_4_reused_ids_are_refused() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.ok(&owner, CreateImage::new("i-1", "s-1"));
    w.user(OWNER, "alice", vec![]);
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAccount::new(OWNER, Site::International),
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Account, OWNER)
    );
    assert_eq!(
        w.refused(&Actor::Platform, CreateRegion::new(REGION), RuleId::Gen4),
        already_exists(ObjectKind::Region, REGION)
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateUser::new("alice").statement(allow_all()),
            RuleId::Gen4
        ),
        already_exists(ObjectKind::User, "alice")
    );
    assert_eq!(
        w.refused(&owner, blank_disk("d-1", OTHER_REGION), RuleId::Gen4),
        already_exists(ObjectKind::Disk, "d-1")
    );
    assert_eq!(
        w.refused(&owner, create_snapshot("s-1", "d-1", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(&owner, copy("s-1", "s-1", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAutomaticSnapshot::new("s-1", "d-1"),
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(&owner, CreateImage::new("i-1", "s-1"), RuleId::Gen4),
        already_exists(ObjectKind::Image, "i-1")
    );
    assert_eq!(
        w.refused(&owner, ImportImage::new("i-1", REGION), RuleId::Gen4),
        already_exists(ObjectKind::Image, "i-1")
    );
}

#[test]
fn gen_4_ids_are_global_across_accounts_but_user_ids_are_per_account() {
    let mut w = World::with_snapshot();
    let other = root(OTHER);
    // Another account cannot take an id in use by OWNER's disk or snapshot.
    assert_eq!(
        w.refused(&other, blank_disk("d-1", REGION), RuleId::Gen4),
        already_exists(ObjectKind::Disk, "d-1")
    );
    w.disk(OTHER, "d-o");
    assert_eq!(
        w.refused(&other, create_snapshot("s-1", "d-o", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    // User ids are unique within an account only.
    w.user(OWNER, "alice", vec![]);
    let events = w.ok(&other, CreateUser::new("alice"));
    assert_eq!(events.len(), 1);
    assert!(w.state.user(&OTHER.into(), &"alice".into()).is_some());
}

// ---------------------------------------------------------------------------
// GEN-5: malformed ids
// ---------------------------------------------------------------------------

fn malformed_ids() -> Vec<String> {
    vec![String::new(), "s/1".into(), "s:1".into(), "s*".into()]
}

#[test]
fn gen_7_ids_one_past_the_length_bound_are_refused_rule_changed() {
    // An id of 129 characters was a GEN-5 refusal; GEN-7 now bounds the
    // length of ids (128 by default) before their characters are read.
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let long = "a".repeat(129);
    let past = Violation::BoundExceeded {
        bound: Bound::IdChars,
        size: 129,
        max: 128,
    };
    let v = w.refused(&owner, create_snapshot(&long, "d-1", None), RuleId::Gen7);
    assert_eq!(v, past);
    assert_eq!(
        v.to_string(),
        "GEN-7: too many characters in an id: 129, where the limit is 128"
    );
    let v = w.refused(&owner, copy("s-1", &long, None), RuleId::Gen7);
    assert_eq!(v, past);
    let v = w.refused(&owner, blank_disk(&long, REGION), RuleId::Gen7);
    assert_eq!(v, past);
    let at_bound = "a".repeat(128);
    w.ok(&owner, create_snapshot(&at_bound, "d-1", None));
}

fn invalid(kind: ObjectKind, id: &str) -> Violation {
    Violation::InvalidId {
        kind,
        id: id.into(),
    }
}

#[test]
fn gen_5_malformed_ids_of_new_objects_are_refused() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    for id in malformed_ids() {
        let id = id.as_str();
        assert_eq!(
            w.refused(&owner, create_snapshot(id, "d-1", None), RuleId::Gen5),
            invalid(ObjectKind::Snapshot, id)
        );
        assert_eq!(
            w.refused(&owner, copy("s-1", id, None), RuleId::Gen5),
            invalid(ObjectKind::Snapshot, id)
        );
        assert_eq!(
            w.refused(&owner, blank_disk(id, REGION), RuleId::Gen5),
            invalid(ObjectKind::Disk, id)
        );
        assert_eq!(
            w.refused(&owner, ImportImage::new(id, REGION), RuleId::Gen5),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(&owner, CreateImage::new(id, "s-1"), RuleId::Gen5),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(&owner, CreateUser::new(id), RuleId::Gen5),
            invalid(ObjectKind::User, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAccount::new(id, Site::China),
                RuleId::Gen5
            ),
            invalid(ObjectKind::Account, id)
        );
        assert_eq!(
            w.refused(&Actor::Platform, CreateRegion::new(id), RuleId::Gen5),
            invalid(ObjectKind::Region, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAutomaticSnapshot::new(id, "d-1"),
                RuleId::Gen5
            ),
            invalid(ObjectKind::Snapshot, id)
        );
    }
}

#[test]
fn gen_5_ids_of_128_characters_are_accepted() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let long = |c: char| c.to_string().repeat(128);
    w.ok(&Actor::Platform, CreateRegion::new(long('r').as_str()));
    w.ok(
        &Actor::Platform,
        CreateAccount::new(long('9').as_str(), Site::China),
    );
    w.ok(&owner, CreateUser::new(long('u').as_str()));
    w.ok(&owner, blank_disk(&long('d'), REGION));
    w.ok(&owner, create_snapshot(&long('s'), &long('d'), None));
    w.ok(&owner, copy("s-1", &long('c'), None));
    w.ok(&owner, ImportImage::new(long('i').as_str(), REGION));
    assert!(w.exists(&long('s')));
    assert!(w.exists(&long('c')));
    assert!(w.state.disk(&long('d').as_str().into()).is_some());
    assert!(w.state.image(&long('i').as_str().into()).is_some());
    assert!(w.state.account(&long('9').as_str().into()).is_some());
}
