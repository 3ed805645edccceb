//! `State::authorize`: a caller's own permission check, made as commands
//! make theirs (PERM-1 a user's Allow and Deny, PERM-4 the account's own
//! objects, GEN-4 objects that exist), for actions no command takes.

use crate::common;

use common::*;
use snapguard::{Action, Actor, CreateImage, ObjectKind, RuleId, Statement, Violation};

/// `d-1`, `s-1` and an image `m-1` of [`OWNER`], and a user `ops` allowed
/// every ECS action but the two `denied` names.
fn world(denied: &[&str]) -> (World, Actor) {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), CreateImage::new("m-1", "s-1"));
    let ops = w.user(
        OWNER,
        "ops",
        vec![
            Statement::allow(["ecs:*"], ["*"]),
            Statement::deny(denied.to_vec(), ["*"]),
        ],
    );
    (w, ops)
}

fn check(
    w: &World,
    actor: &Actor,
    action: Action,
    kind: ObjectKind,
    id: &str,
) -> Result<(), Violation> {
    w.state.authorize(w.now, actor, action, kind, id)
}

#[test]
fn perm_1_a_user_is_allowed_what_it_is_allowed_on_each_kind() {
    let (w, ops) = world(&["ecs:ModifyDiskAttribute"]);
    for (kind, id) in [
        (ObjectKind::Snapshot, "s-1"),
        (ObjectKind::Disk, "d-1"),
        (ObjectKind::Image, "m-1"),
    ] {
        assert_eq!(
            check(&w, &ops, Action::DescribeSnapshots, kind, id),
            Ok(()),
            "{kind}"
        );
    }
}

#[test]
fn perm_1_a_deny_refuses_with_the_objects_resource_name() {
    let (w, ops) = world(&["ecs:DescribeSnapshots", "ecs:ModifyDiskAttribute"]);
    for (action, kind, id, resource) in [
        (
            Action::DescribeSnapshots,
            ObjectKind::Snapshot,
            "s-1",
            "acs:ecs:cn-hangzhou:1001:snapshot/s-1",
        ),
        (
            Action::ModifyDiskAttribute,
            ObjectKind::Disk,
            "d-1",
            "acs:ecs:cn-hangzhou:1001:disk/d-1",
        ),
        (
            Action::DescribeSnapshots,
            ObjectKind::Image,
            "m-1",
            "acs:ecs:cn-hangzhou:1001:image/m-1",
        ),
    ] {
        let refusal = check(&w, &ops, action, kind, id).unwrap_err();
        assert_eq!(
            refusal,
            Violation::PermissionDenied {
                actor: ops.clone(),
                action,
                resource: resource.to_owned(),
                explicit_deny: true,
            }
        );
        assert_eq!(refusal.rule(), RuleId::Perm1);
    }
}

#[test]
fn perm_1_the_root_may_do_anything_on_its_own_objects() {
    let (w, _) = world(&["ecs:*"]);
    assert_eq!(
        check(
            &w,
            &root(OWNER),
            Action::ModifyDiskAttribute,
            ObjectKind::Disk,
            "d-1"
        ),
        Ok(())
    );
}

#[test]
fn perm_4_another_accounts_object_is_refused() {
    let (w, _) = world(&[]);
    let refusal = check(
        &w,
        &root(OTHER),
        Action::DescribeSnapshots,
        ObjectKind::Snapshot,
        "s-1",
    )
    .unwrap_err();
    assert_eq!(refusal.rule(), RuleId::Perm4);
    assert!(matches!(
        refusal,
        Violation::ForeignResource {
            kind: ObjectKind::Snapshot,
            ..
        }
    ));
    let refusal = check(
        &w,
        &root(OTHER),
        Action::DeleteImage,
        ObjectKind::Image,
        "m-1",
    )
    .unwrap_err();
    assert!(matches!(
        refusal,
        Violation::ForeignResource {
            kind: ObjectKind::Image,
            ..
        }
    ));
}

#[test]
fn gen_4_an_unknown_object_or_kind_is_not_found() {
    let (w, ops) = world(&[]);
    for (kind, id) in [
        (ObjectKind::Snapshot, "s-9"),
        (ObjectKind::Disk, "d-9"),
        (ObjectKind::Image, "m-9"),
        (ObjectKind::Region, "cn-hangzhou"),
    ] {
        let refusal = check(&w, &ops, Action::DescribeSnapshots, kind, id).unwrap_err();
        assert_eq!(
            refusal,
            Violation::NotFound {
                kind,
                id: id.to_owned()
            }
        );
    }
}

#[test]
fn perm_1_the_platform_is_not_a_customer() {
    let (w, _) = world(&[]);
    let refusal = check(
        &w,
        &Actor::Platform,
        Action::DescribeSnapshots,
        ObjectKind::Snapshot,
        "s-1",
    )
    .unwrap_err();
    assert_eq!(refusal.rule(), RuleId::Perm1);
}

/// A share `rs-1`, a vault `v-1` and a policy `po-1` of [`OWNER`], and a
/// user `ops` allowed every action but the `denied` ones.
fn sharing_and_backup(denied: &[&str]) -> (World, Actor) {
    use snapguard::{
        CreateBackupPolicy, CreateResourceShare, CreateVault, PolicyKind, PrincipalScope, VaultKind,
    };
    let mut w = World::new();
    w.ok(
        &root(OWNER),
        CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts),
    );
    w.ok(
        &root(OWNER),
        CreateVault::new("v-1", "cn-hangzhou", VaultKind::GeneralPurpose),
    );
    w.ok(
        &root(OWNER),
        CreateBackupPolicy::new("po-1", "v-1", PolicyKind::General),
    );
    let ops = w.user(
        OWNER,
        "ops",
        vec![
            Statement::allow(["*"], ["*"]),
            Statement::deny(denied.to_vec(), ["*"]),
        ],
    );
    (w, ops)
}

#[test]
fn perm_1_shares_vaults_and_policies_are_authorized_with_their_resource_names() {
    let cases = [
        (
            "resourcesharing:ListResourceShares",
            Action::ListResourceShares,
            ObjectKind::ResourceShare,
            "rs-1",
            "acs:resourcesharing::1001:resourceshare/rs-1",
        ),
        (
            "hbr:UpdateVault",
            Action::UpdateVault,
            ObjectKind::Vault,
            "v-1",
            "acs:hbr:cn-hangzhou:1001:vault/v-1",
        ),
        (
            "hbr:UpdateBackupPlan",
            Action::UpdateBackupPlan,
            ObjectKind::BackupPolicy,
            "po-1",
            "acs:hbr:cn-hangzhou:1001:backupplan/po-1",
        ),
    ];
    for (name, action, kind, id, resource) in cases {
        let (w, ops) = sharing_and_backup(&[]);
        assert_eq!(check(&w, &ops, action, kind, id), Ok(()), "{kind}");
        assert_eq!(check(&w, &root(OWNER), action, kind, id), Ok(()), "{kind}");
        let (w, ops) = sharing_and_backup(&[name]);
        assert_eq!(
            check(&w, &ops, action, kind, id),
            Err(Violation::PermissionDenied {
                actor: ops.clone(),
                action,
                resource: resource.to_owned(),
                explicit_deny: true,
            })
        );
        let foreign = check(&w, &root(OTHER), action, kind, id).unwrap_err();
        assert_eq!(foreign.rule(), RuleId::Perm4, "{kind}");
        let missing = check(&w, &ops, action, kind, "x-9").unwrap_err();
        assert_eq!(
            missing,
            Violation::NotFound {
                kind,
                id: "x-9".to_owned()
            }
        );
    }
}
