//! Where data goes, PERM-5: a Deny on a snapshot holds against every
//! action that shares it or reads its data (a disk, an image, a copy, a
//! roll-back), and sharing is evaluated on the snapshot as well as the
//! share. Each reproduction of the issue sees its refusal with its rule id
//! and the state unchanged (`World::refused`).

use crate::common;
use crate::copy_support;
use crate::paths_support;
use crate::share_support;

use common::*;
use copy_support::*;
use paths_support::*;
use share_support::*;
use snapguard::{Action, Actor, Encryption, RuleId, SnapshotAccess, Statement, Violation};

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
        RuleId::Perm5,
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
        RuleId::Perm5,
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
        RuleId::Perm5,
    );
    assert_eq!(v, explicitly_denied(&alice, Action::CreateDisk, secret()));
    let v = w.refused(&alice, image("m-1", "s-secret"), RuleId::Perm5);
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
        let v = w.refused(&alice, command, RuleId::Perm5);
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
        let v = w.refused(&alice, associate("rs-2", &[principal], &[]), RuleId::Perm5);
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
        // A copy acts on the snapshot itself (PERM-1); the others act on
        // what they make and read the snapshot's data (PERM-5).
        let rule = if action == Action::CopySnapshot {
            RuleId::Perm1
        } else {
            RuleId::Perm5
        };
        let v = w.refused(&alice, command, rule);
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
        RuleId::Perm5,
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
        RuleId::Perm5,
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
        RuleId::Perm5,
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
        RuleId::Perm5,
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
        snapguard::SetUserPolicy::new("erin").statements([
            on_share,
            Statement::allow(["resourcesharing:*"], [snapshot_arn(OWNER, "s-1")]),
        ]),
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

/// Re-initializing a disk reads its source again: a Deny on the source
/// snapshot or image refuses it, as it refuses making the disk.
#[test]
fn perm_5_a_deny_on_the_source_refuses_reinitializing_a_disk_made_from_it() {
    let (mut w, alice) = denied_user();
    let owner = root(OWNER);
    w.ok(
        &owner,
        disk(
            "d-s",
            REGION,
            Encryption::Unencrypted,
            from_snapshot("s-secret"),
        ),
    );
    w.ok(
        &owner,
        disk(
            "d-o",
            REGION,
            Encryption::Unencrypted,
            from_snapshot("s-open"),
        ),
    );
    w.ok(&owner, image("m-secret", "s-open"));
    w.ok(
        &owner,
        disk(
            "d-m",
            REGION,
            Encryption::Unencrypted,
            from_image("m-secret"),
        ),
    );
    let reinit = |disk: &str| snapguard::ReinitializeDisk::new(disk);
    let v = w.refused(&alice, reinit("d-s"), RuleId::Perm5);
    assert_eq!(v, explicitly_denied(&alice, Action::ReInitDisk, secret()));
    w.ok(&alice, reinit("d-o"));
    // A Deny on an image holds the same way.
    let bob = w.user(
        OWNER,
        "bob",
        vec![
            Statement::allow(["*"], ["*"]),
            Statement::deny(["*"], [image_resource(REGION, OWNER, "m-secret")]),
        ],
    );
    let v = w.refused(&bob, reinit("d-m"), RuleId::Perm5);
    assert_eq!(
        v,
        explicitly_denied(
            &bob,
            Action::ReInitDisk,
            image_resource(REGION, OWNER, "m-secret")
        )
    );
    w.ok(&bob, reinit("d-o"));
}
