//! Who may manage a share, and what it names: PERM-4 and PERM-1 on shares,
//! GEN-4 on shares, principals and their removal.

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    Action, Actor, Command, CreateDisk, DeleteResourceShare, DiskSource, Event, ObjectKind, RuleId,
    SnapshotAccess, Statement, Violation,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// An unencrypted ESSD disk in [`REGION`] from a snapshot.
fn disk_from(disk: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, REGION).source(DiskSource::snapshot(snapshot))
}

fn share_arn(owner: &str, share: &str) -> String {
    format!("acs:resourcesharing::{owner}:resourceshare/{share}")
}

fn foreign(kind: ObjectKind, id: &str, owner: &str, account: &str) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.into(),
        owner: owner.into(),
        account: account.into(),
    }
}

fn not_found(kind: ObjectKind, id: &str) -> Violation {
    Violation::NotFound {
        kind,
        id: id.into(),
    }
}

fn denied(actor: &Actor, action: Action, share: &str) -> Violation {
    Violation::PermissionDenied {
        actor: actor.clone(),
        action,
        resource: share_arn(OWNER, share),
        explicit_deny: false,
    }
}

/// Whether `account` sees `snapshot` as shared with it now.
fn sees(w: &World, account: &str, snapshot: &str) -> bool {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .iter()
        .any(|v| v.snapshot == sid(snapshot) && matches!(v.access, SnapshotAccess::Shared { .. }))
}

fn delete_share(share: &str) -> DeleteResourceShare {
    DeleteResourceShare::new(share)
}

// ---------------------------------------------------------------------------
// PERM-4 and PERM-1 on shares
// ---------------------------------------------------------------------------

#[test]
fn perm_4_another_account_cannot_associate_disassociate_or_delete_a_share() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.disk(OTHER, "d-9");
    w.snapshot(OTHER, "d-9", "o-1", None);
    let carol = w.user(OTHER, "carol", vec![allow_all()]);
    let commands: [Command; 3] = [
        associate("rs-1", &[], &["o-1"]).into(),
        disassociate("rs-1", &[account(OTHER)], &[]).into(),
        delete_share("rs-1").into(),
    ];
    // Neither its root nor a user with every permission of OTHER.
    for actor in [root(OTHER), carol] {
        for command in commands.clone() {
            let v = w.refused(&actor, command, RuleId::Perm4);
            assert_eq!(v, foreign(ObjectKind::ResourceShare, "rs-1", OWNER, OTHER));
        }
    }
    assert!(w.state.resource_share(&"rs-1".into()).is_some());
}

#[test]
fn perm_4_an_account_not_reached_cannot_share_another_accounts_snapshot() {
    let mut w = World::with_snapshot();
    let v = w.refused(
        &root(OTHER),
        create_share("rs-9", &[], &["s-1"]),
        RuleId::Perm4,
    );
    assert_eq!(v, foreign(ObjectKind::Snapshot, "s-1", OWNER, OTHER));
}

#[test]
fn perm_1_a_user_without_resourcesharing_actions_refused() {
    let mut w = World::with_snapshot();
    let bob = w.user(OWNER, "bob", vec![]);
    let create = create_share("rs-1", &[account(OTHER)], &["s-1"]);
    let v = w.refused(&bob, create.clone(), RuleId::Perm1);
    assert_eq!(v, denied(&bob, Action::CreateResourceShare, "rs-1"));
    w.by_owner(create);
    let commands: [(Command, Action); 3] = [
        (
            associate("rs-1", &[], &["s-1"]).into(),
            Action::AssociateResourceShare,
        ),
        (
            disassociate("rs-1", &[], &["s-1"]).into(),
            Action::DisassociateResourceShare,
        ),
        (delete_share("rs-1").into(), Action::DeleteResourceShare),
    ];
    for (command, action) in commands {
        let v = w.refused(&bob, command, RuleId::Perm1);
        assert_eq!(v, denied(&bob, action, "rs-1"));
    }
    // A sharee's user needs the permission to accept, on the owner's share.
    let carol = w.user(OTHER, "carol", vec![]);
    let v = w.refused(&carol, accept("rs-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(&carol, Action::AcceptResourceShareInvitation, "rs-1")
    );
}

#[test]
fn perm_1_an_allow_on_resourcesharing_wildcard_is_accepted() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    let sharing = || vec![Statement::allow(["resourcesharing:*"], ["*"])];
    let alice = w.user(OWNER, "alice", sharing());
    let dave = w.user(OTHER, "dave", sharing());
    w.ok(&alice, create_share("rs-1", &[account(OTHER)], &["s-1"]));
    w.ok(&alice, associate("rs-1", &[], &["s-2"]));
    let events = w.ok(&dave, accept("rs-1"));
    assert_eq!(
        events,
        vec![Event::ResourceShareAccepted {
            at: w.now,
            share: "rs-1".into(),
            account: OTHER.into(),
        }]
    );
    w.ok(&alice, disassociate("rs-1", &[], &["s-2"]));
    assert!(!w.state.is_shared(&sid("s-2")));
    w.ok(&alice, delete_share("rs-1"));
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
}

#[test]
fn perm_1_an_allow_on_one_share_and_a_deny_on_deletion() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![
            Statement::allow(["resourcesharing:*"], [share_arn(OWNER, "rs-1")]),
            // PERM-5: putting s-1 into a share is an action on s-1 too.
            Statement::allow(
                ["resourcesharing:*"],
                [format!("acs:ecs:{REGION}:{OWNER}:snapshot/s-1")],
            ),
            Statement::deny(["resourcesharing:DeleteResourceShare"], ["*"]),
        ],
    );
    w.ok(&alice, create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.refused(&alice, create_share("rs-2", &[], &["s-1"]), RuleId::Perm1);
    assert_eq!(v, denied(&alice, Action::CreateResourceShare, "rs-2"));
    let v = w.refused(&alice, delete_share("rs-1"), RuleId::Perm1);
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: alice.clone(),
            action: Action::DeleteResourceShare,
            resource: share_arn(OWNER, "rs-1"),
            explicit_deny: true,
        }
    );
}

// ---------------------------------------------------------------------------
// GEN-4: unknown ids, absent members, reused ids
// ---------------------------------------------------------------------------

#[test]
fn gen_4_an_unknown_share_refused_as_not_found() {
    let mut w = World::with_snapshot();
    let commands: [(&str, Command); 4] = [
        (OWNER, associate("rs-9", &[], &["s-1"]).into()),
        (OWNER, disassociate("rs-9", &[], &[]).into()),
        (OWNER, delete_share("rs-9").into()),
        (OTHER, accept("rs-9").into()),
    ];
    for (actor, command) in commands {
        let v = w.refused(&root(actor), command, RuleId::Gen4);
        assert_eq!(v, not_found(ObjectKind::ResourceShare, "rs-9"));
    }
}

#[test]
fn gen_4_an_unknown_principal_or_snapshot_refused_as_not_found() {
    let mut w = World::with_snapshot();
    w.directory(&[]);
    w.by_owner(create_share("rs-1", &[], &["s-1"]));
    let cases = [
        (account("9999"), ObjectKind::Account, "9999"),
        (directory("rd-9"), ObjectKind::Directory, "rd-9"),
        (folder("fd-9"), ObjectKind::Folder, "fd-9"),
    ];
    for (principal, kind, id) in cases {
        let v = w.owner_refused(
            create_share("rs-2", std::slice::from_ref(&principal), &["s-1"]),
            RuleId::Gen4,
        );
        assert_eq!(v, not_found(kind, id));
        let v = w.owner_refused(associate("rs-1", &[principal], &[]), RuleId::Gen4);
        assert_eq!(v, not_found(kind, id));
    }
    let v = w.owner_refused(
        create_share("rs-2", &[account(OTHER)], &["s-9"]),
        RuleId::Gen4,
    );
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-9"));
}

#[test]
fn gen_4_removing_a_principal_not_in_the_share_refused() {
    let mut w = World::with_snapshot();
    w.directory(&[]);
    w.share_with(OTHER);
    for principal in [account(ABROAD), directory("rd-1"), folder("fd-1")] {
        let v = w.owner_refused(
            disassociate("rs-1", &[account(OTHER), principal.clone()], &[]),
            RuleId::Gen4,
        );
        assert_eq!(
            v,
            Violation::PrincipalNotInShare {
                share: "rs-1".into(),
                principal,
            }
        );
    }
    // Nothing was removed: OTHER still uses the snapshot.
    assert!(sees(&w, OTHER, "s-1"));
    w.ok(&root(OTHER), disk_from("d-9", "s-1"));
}

#[test]
fn gen_4_removing_a_snapshot_not_in_the_share_refused() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.share_with(OTHER);
    w.by_owner(create_share("rs-2", &[], &["s-2"]));
    // s-2 is in another share, s-9 exists nowhere.
    for snapshot in ["s-2", "s-9"] {
        let v = w.owner_refused(disassociate("rs-1", &[], &["s-1", snapshot]), RuleId::Gen4);
        assert_eq!(
            v,
            Violation::SnapshotNotInShare {
                share: "rs-1".into(),
                snapshot: sid(snapshot),
            }
        );
    }
    assert!(w.state.is_shared(&sid("s-1")));
    assert_eq!(w.state.shares_holding(&sid("s-1")).count(), 1);
}

#[test]
fn gen_4_reusing_a_share_id_refused_even_after_deletion() {
    let mut w = World::with_snapshot();
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let exists = Violation::AlreadyExists {
        kind: ObjectKind::ResourceShare,
        id: "rs-1".into(),
    };
    let v = w.owner_refused(create_share("rs-1", &[], &[]), RuleId::Gen4);
    assert_eq!(v, exists);
    // Share ids are global: another account cannot take it either.
    let v = w.refused(&root(OTHER), create_share("rs-1", &[], &[]), RuleId::Gen4);
    assert_eq!(v, exists);
    let events = w.by_owner(delete_share("rs-1"));
    assert_eq!(
        events,
        vec![
            Event::SnapshotUnshared {
                at: w.now,
                share: "rs-1".into(),
                snapshot: sid("s-1"),
            },
            Event::ResourceShareDeleted {
                at: w.now,
                share: "rs-1".into(),
            },
        ]
    );
    let v = w.owner_refused(
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
        RuleId::Gen4,
    );
    assert_eq!(v, exists);
    w.by_owner(create_share("rs-2", &[account(OTHER)], &["s-1"]));
}
