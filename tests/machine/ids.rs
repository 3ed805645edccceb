//! Object ids: GEN-4 (unknown ids are refused as not found, reused ids as
//! already existing) and GEN-5 (malformed ids of new objects are invalid).

use crate::common;
use crate::gen_support;

use common::*;
use gen_support::*;
use snapguard::{
    Actor, ArchiveSnapshot, Bound, Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot,
    CreateBackupSnapshot, CreateDisk, CreateImage, CreateRegion, CreateUser, DeleteImage,
    DiskSource, ImportImage, MarkAccountOverdue, ObjectKind, ReleaseDisk, ReleaseOverdueSnapshot,
    ResetDisk, RetentionRequest, RuleId, SetSnapshotRetention, SetUserPolicy, Site, Violation,
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
        ArchiveSnapshot {
            snapshot: "s-404".into(),
            retention_days: Some(100),
        }
        .into(),
        copy("s-404", "c-1", None).into(),
        SetSnapshotRetention {
            snapshot: "s-404".into(),
            retention: RetentionRequest::Permanent,
        }
        .into(),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-404".into(),
        }
        .into(),
        ResetDisk {
            disk: "d-1".into(),
            snapshot: "s-404".into(),
        }
        .into(),
        CreateDisk {
            source: DiskSource::Snapshot("s-404".into()),
            ..blank_disk("d-2", REGION)
        }
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
        ReleaseOverdueSnapshot {
            snapshot: "s-404".into(),
        },
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
            ReleaseDisk {
                disk: "d-404".into(),
                release_automatic_snapshots: true
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAutomaticSnapshot {
                snapshot: "a-1".into(),
                disk: "d-404".into(),
                retention_days: None
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            DeleteImage {
                image: "i-404".into(),
                delete_snapshots: false
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Image, "i-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateDisk {
                source: DiskSource::Image("i-404".into()),
                ..blank_disk("d-2", REGION)
            },
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
            CopySnapshot {
                region: "xx-404".into(),
                ..copy("s-1", "c-1", None)
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            ImportImage {
                image: "i-1".into(),
                region: "xx-404".into()
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(&root("9999"), blank_disk("d-2", REGION), RuleId::Gen4),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &root("9999"),
            CreateUser {
                user: "u".into(),
                statements: vec![]
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Billing,
            MarkAccountOverdue {
                account: "9999".into()
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateBackupSnapshot {
                snapshot: "b-1".into(),
                account: "9999".into(),
                region: REGION.into(),
                retention_days: None
            },
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
            SetUserPolicy {
                user: "ghost".into(),
                statements: vec![allow_all()]
            },
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
    w.ok(
        &owner,
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OWNER, "alice", vec![]);
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAccount {
                account: OWNER.into(),
                site: Site::International
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Account, OWNER)
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateRegion {
                region: REGION.into()
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Region, REGION)
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateUser {
                user: "alice".into(),
                statements: vec![allow_all()]
            },
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
            CreateAutomaticSnapshot {
                snapshot: "s-1".into(),
                disk: "d-1".into(),
                retention_days: None
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateImage {
                image: "i-1".into(),
                snapshot: "s-1".into()
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Image, "i-1")
    );
    assert_eq!(
        w.refused(
            &owner,
            ImportImage {
                image: "i-1".into(),
                region: REGION.into()
            },
            RuleId::Gen4
        ),
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
    let events = w.ok(
        &other,
        CreateUser {
            user: "alice".into(),
            statements: vec![],
        },
    );
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
            w.refused(
                &owner,
                ImportImage {
                    image: id.into(),
                    region: REGION.into()
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(
                &owner,
                CreateImage {
                    image: id.into(),
                    snapshot: "s-1".into()
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(
                &owner,
                CreateUser {
                    user: id.into(),
                    statements: vec![]
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::User, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAccount {
                    account: id.into(),
                    site: Site::China
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Account, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateRegion { region: id.into() },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Region, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAutomaticSnapshot {
                    snapshot: id.into(),
                    disk: "d-1".into(),
                    retention_days: None
                },
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
    w.ok(
        &Actor::Platform,
        CreateRegion {
            region: long('r').as_str().into(),
        },
    );
    w.ok(
        &Actor::Platform,
        CreateAccount {
            account: long('9').as_str().into(),
            site: Site::China,
        },
    );
    w.ok(
        &owner,
        CreateUser {
            user: long('u').as_str().into(),
            statements: vec![],
        },
    );
    w.ok(&owner, blank_disk(&long('d'), REGION));
    w.ok(&owner, create_snapshot(&long('s'), &long('d'), None));
    w.ok(&owner, copy("s-1", &long('c'), None));
    w.ok(
        &owner,
        ImportImage {
            image: long('i').as_str().into(),
            region: REGION.into(),
        },
    );
    assert!(w.exists(&long('s')));
    assert!(w.exists(&long('c')));
    assert!(w.state.disk(&long('d').as_str().into()).is_some());
    assert!(w.state.image(&long('i').as_str().into()).is_some());
    assert!(w.state.account(&long('9').as_str().into()).is_some());
}
