//! Cloud Backup vaults, policies and immutability: VAULT-1 (every vault
//! kind; an archive vault's retention range), VAULT-2 (which vaults and
//! policies can be made immutable), VAULT-3 (no way back), VAULT-4 (what
//! enabling locks) and VAULT-8 (backups are still made into immutable
//! vaults; restores and snapshots are in `vault_time.rs`).

use crate::common;
use crate::vault_support;

use common::*;
use snapguard::{
    Action, Actor, Event, ObjectKind, PolicyKind, Retention, RuleId, VaultKind, Violation,
};
use vault_support::*;

const VAULT_ARN: &str = "acs:hbr:cn-hangzhou:1001:vault/v-1";
const PLAN_ARN: &str = "acs:hbr:cn-hangzhou:1001:backupplan/po-1";

// ---------------------------------------------------------------- VAULT-1

#[test]
fn vault_1_every_kind_is_creatable_as_recorded() {
    let mut w = World::new();
    for (i, kind) in every_kind().into_iter().enumerate() {
        let id = format!("v-{i}");
        let events = w.ok(&root(OWNER), create_vault(&id, kind));
        let [Event::VaultCreated { at, vault }] = events.as_slice() else {
            panic!("expected one VaultCreated: {events:?}");
        };
        assert_eq!(*at, w.now);
        assert_eq!(vault.id.as_str(), id);
        assert_eq!(vault.owner.as_str(), OWNER);
        assert_eq!(vault.region.as_str(), REGION);
        assert_eq!(vault.kind, kind);
        assert_eq!(vault.immutable_since, None);
        assert_eq!(vault.replica_of, None);
        assert_eq!(vault.created_at, w.now);
        assert_eq!(w.state.vault(&id.as_str().into()), Some(vault));
    }
    assert_eq!(w.state.vaults().count(), 8);
}

#[test]
fn vault_1_snap_5_archive_retention_is_1_to_65536_days() {
    let mut w = World::new();
    for days in [0, 65_537, u32::MAX] {
        let v = w.refused(
            &root(OWNER),
            create_vault("v-1", archive_days(days)),
            RuleId::Snap5,
        );
        assert_eq!(
            v,
            Violation::RetentionOutOfRange {
                days,
                min: 1,
                max: 65_536
            }
        );
    }
    w.vault("v-1", archive_days(1));
    w.vault("v-2", archive_days(65_536));
    w.vault("v-3", archive_permanent());
}

#[test]
fn vault_1_default_retention_of_points_follows_the_vault_kind() {
    let mut w = World::new();
    w.vault("v-a", archive_days(30));
    w.vault("v-p", archive_permanent());
    w.vault("v-g", VaultKind::GeneralPurpose);
    let until = |d| Retention::Until(t0() + days(d));
    assert_eq!(w.backup("bp-a", "v-a", None, None).retention, until(30));
    assert_eq!(
        w.backup("bp-p", "v-p", None, None).retention,
        Retention::Permanent
    );
    assert_eq!(
        w.backup("bp-g", "v-g", None, None).retention,
        Retention::Permanent
    );
    // A retention given is the point's, whatever the vault.
    assert_eq!(w.backup("bp-5", "v-a", None, Some(5)).retention, until(5));
    let p = w.backup("bp-7", "v-g", None, Some(7));
    assert_eq!(p.retention, until(7));
    assert_eq!(p.owner.as_str(), OWNER);
    assert_eq!(p.vault.as_str(), "v-g");
    assert_eq!((p.policy, p.snapshot, p.replica_of), (None, None, None));
    assert_eq!((p.locked_since, p.created_at), (None, t0()));
}

#[test]
fn vault_1_gen_4_gen_5_perm_1_create_vault_checks() {
    let mut w = World::new();
    let nowhere = snapguard::CreateVault::new("v-1", "cn-nowhere", VaultKind::GeneralPurpose);
    let v = w.refused(&root(OWNER), nowhere, RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Region, "cn-nowhere"));
    let bad = create_vault("v 1", VaultKind::GeneralPurpose);
    w.refused(&root(OWNER), bad, RuleId::Gen5);
    let cmd = create_vault("v-1", VaultKind::GeneralPurpose);
    w.refused(&Actor::Platform, cmd.clone(), RuleId::Perm1);
    let nobody = w.user(OWNER, "u-0", vec![]);
    let v = w.refused(&nobody, cmd.clone(), RuleId::Perm1);
    assert_eq!(v, denied(&nobody, Action::CreateVault, VAULT_ARN));
    let creator = w.user(
        OWNER,
        "u-1",
        vec![snapguard::Statement::allow(
            ["hbr:CreateVault"],
            ["acs:hbr:*:1001:vault/*"],
        )],
    );
    w.ok(&creator, cmd.clone());
    let v = w.refused(&root(OWNER), cmd.clone(), RuleId::Gen4);
    assert_eq!(
        v,
        Violation::AlreadyExists {
            kind: ObjectKind::Vault,
            id: "v-1".into()
        }
    );
    // A deleted vault's id stays taken.
    w.ok(&root(OWNER), delete_vault("v-1"));
    w.refused(&root(OWNER), cmd, RuleId::Gen4);
}

#[test]
fn vault_1_create_backup_point_checks() {
    let mut w = World::with_snapshot();
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.vault("v-2", VaultKind::GeneralPurpose);
    w.policy("po-2", "v-2", PolicyKind::General, false);
    let cmd = create_point("bp-1", "v-1", None, Some(10));
    let v = w.refused(&root(OWNER), cmd.clone(), RuleId::Perm1);
    assert!(matches!(v, Violation::WrongActor { .. }), "{v:?}");
    let p = &Actor::Platform;
    let v = w.refused(p, create_point("bp-1", "v-9", None, None), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Vault, "v-9"));
    let v = w.refused(
        p,
        create_point("bp-1", "v-1", Some("po-9"), None),
        RuleId::Gen4,
    );
    assert_eq!(v, missing(ObjectKind::BackupPolicy, "po-9"));
    // A policy backing up into another vault is not found in this one.
    let v = w.refused(
        p,
        create_point("bp-1", "v-1", Some("po-2"), None),
        RuleId::Gen4,
    );
    assert_eq!(v, missing(ObjectKind::BackupPolicy, "po-2"));
    let mut with = cmd.clone();
    with.snapshot = Some(sid("s-9"));
    let v = w.refused(p, with.clone(), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Snapshot, "s-9"));
    with.snapshot = Some(sid("s-o"));
    let v = w.refused(p, with, RuleId::Perm4);
    assert_eq!(v, foreign(ObjectKind::Snapshot, "s-o", OTHER, OWNER));
    for days in [0, 65_537] {
        let v = w.refused(
            p,
            create_point("bp-1", "v-1", None, Some(days)),
            RuleId::Snap5,
        );
        assert_eq!(
            v,
            Violation::RetentionOutOfRange {
                days,
                min: 1,
                max: 65_536
            }
        );
    }
    w.ok(p, cmd.clone());
    w.refused(p, cmd, RuleId::Gen4);
}

// ---------------------------------------------------------------- VAULT-2

#[test]
fn vault_2_enabled_on_general_database_and_archive_with_days_vaults() {
    let mut w = World::new();
    w.wait(hours(1));
    for (i, kind) in immutable_kinds().into_iter().enumerate() {
        let id = format!("v-{i}");
        w.vault(&id, kind);
        let events = w.make_immutable(on_vault(&id));
        assert_eq!(events, vec![enabled(w.now, on_vault(&id))]);
        let vault = w.state.vault(&id.as_str().into()).unwrap();
        assert_eq!(vault.immutable_since, Some(w.now));
        assert!(vault.is_immutable() && vault.kind.supports_immutability());
    }
}

#[test]
fn vault_2_immutable_policies_into_supported_vaults_accepted() {
    let mut w = World::new();
    for (i, kind) in immutable_kinds().into_iter().enumerate() {
        let vault = format!("v-{i}");
        w.vault(&vault, kind);
        for policy_kind in [PolicyKind::General, PolicyKind::EcsInstance] {
            let from_start = format!("po-{i}-{policy_kind:?}");
            w.policy(&from_start, &vault, policy_kind, true);
            let p = w.state.backup_policy(&from_start.as_str().into()).unwrap();
            assert_eq!(p.immutable_since, Some(w.now));
            assert_eq!((p.kind, p.vault.as_str()), (policy_kind, vault.as_str()));
            let later = format!("{from_start}-later");
            w.policy(&later, &vault, policy_kind, false);
            let p = w.state.backup_policy(&later.as_str().into()).unwrap();
            assert_eq!(p.immutable_since, None);
            let events = w.make_immutable(on_policy(&later));
            assert_eq!(events, vec![enabled(w.now, on_policy(&later))]);
        }
    }
}

#[test]
fn vault_2_refused_on_realtime_free_30_days_and_permanent_archive_vaults() {
    let mut w = World::new();
    for (i, kind) in mutable_kinds().into_iter().enumerate() {
        let id = format!("v-{i}");
        w.vault(&id, kind);
        let v = w.refused(&root(OWNER), enable(on_vault(&id)), RuleId::Vault2);
        assert_eq!(v, unsupported(on_vault(&id), kind));
        // Not even a fully allowed user, and no backup point gets locked.
        w.backup(&format!("bp-{i}"), &id, None, Some(10));
        let admin_id = format!("u-{i}");
        let admin = w.user(OWNER, &admin_id, vec![allow_all()]);
        w.refused(&admin, enable(on_vault(&id)), RuleId::Vault2);
        assert!(!w.immutable(&id));
    }
}

#[test]
fn vault_2_immutable_policies_into_unsupported_vaults_refused() {
    let mut w = World::new();
    for (i, kind) in mutable_kinds().into_iter().enumerate() {
        let vault = format!("v-{i}");
        w.vault(&vault, kind);
        for policy_kind in [PolicyKind::General, PolicyKind::EcsInstance] {
            let id = format!("po-{i}-{policy_kind:?}");
            let cmd = create_policy(&id, &vault, policy_kind, true);
            let v = w.refused(&root(OWNER), cmd, RuleId::Vault2);
            assert_eq!(v, unsupported(on_policy(&id), kind));
            assert!(w.state.backup_policy(&id.as_str().into()).is_none());
            // A mutable one is fine, but it cannot be made immutable later.
            w.policy(&id, &vault, policy_kind, false);
            let v = w.refused(&root(OWNER), enable(on_policy(&id)), RuleId::Vault2);
            assert_eq!(v, unsupported(on_policy(&id), kind));
            let p = w.state.backup_policy(&id.as_str().into()).unwrap();
            assert_eq!(p.immutable_since, None);
        }
    }
}

#[test]
fn vault_2_enabling_again_records_nothing() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::Database);
    w.policy("po-1", "v-1", PolicyKind::General, true);
    w.make_immutable(on_vault("v-1"));
    let since = w.now;
    w.wait(days(1));
    assert_eq!(w.make_immutable(on_vault("v-1")), vec![]);
    assert_eq!(w.make_immutable(on_policy("po-1")), vec![]);
    let vault = w.state.vault(&"v-1".into()).unwrap();
    assert_eq!(vault.immutable_since, Some(since));
    let policy = w.state.backup_policy(&"po-1".into()).unwrap();
    assert_eq!(policy.immutable_since, Some(since));
}

#[test]
fn vault_2_gen_4_perm_1_perm_4_enable_checks_before_the_kind() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-1", "v-1", PolicyKind::General, false);
    let v = w.refused(&root(OWNER), enable(on_vault("v-9")), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Vault, "v-9"));
    let v = w.refused(&root(OWNER), enable(on_policy("po-9")), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::BackupPolicy, "po-9"));
    let v = w.refused(&root(OTHER), enable(on_vault("v-1")), RuleId::Perm4);
    assert_eq!(v, foreign(ObjectKind::Vault, "v-1", OWNER, OTHER));
    let v = w.refused(&root(OTHER), enable(on_policy("po-1")), RuleId::Perm4);
    assert_eq!(v, foreign(ObjectKind::BackupPolicy, "po-1", OWNER, OTHER));
    w.refused(&Actor::Platform, enable(on_vault("v-1")), RuleId::Perm1);
    let vaults_only = w.user(
        OWNER,
        "u-1",
        vec![snapguard::Statement::allow(["hbr:UpdateVault"], ["*"])],
    );
    let v = w.refused(&vaults_only, enable(on_policy("po-1")), RuleId::Perm1);
    assert_eq!(v, denied(&vaults_only, Action::UpdateBackupPlan, PLAN_ARN));
    w.ok(&vaults_only, enable(on_vault("v-1")));
}

#[test]
fn vault_2_explain_lists_the_permission_and_the_unsupported_kind() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::NasFree30Days);
    w.policy("po-1", "v-1", PolicyKind::General, false);
    let nobody = w.user(OWNER, "u-0", vec![]);
    let all = w.state.explain(w.now, &nobody, enable(on_vault("v-1")));
    assert_eq!(
        all,
        vec![
            denied(&nobody, Action::UpdateVault, VAULT_ARN),
            unsupported(on_vault("v-1"), VaultKind::NasFree30Days),
        ]
    );
    let cmd = create_policy("po-2", "v-1", PolicyKind::EcsInstance, true);
    let all = w.state.explain(w.now, &nobody, cmd);
    assert_eq!(
        all,
        vec![
            denied(
                &nobody,
                Action::CreateBackupPlan,
                "acs:hbr:cn-hangzhou:1001:backupplan/po-2"
            ),
            unsupported(on_policy("po-2"), VaultKind::NasFree30Days),
        ]
    );
    let cmd = create_vault("v-2", archive_days(0));
    let all = w.state.explain(w.now, &nobody, cmd);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0].rule(), RuleId::Perm1);
    assert_eq!(all[1].rule(), RuleId::Snap5);
}

// ---------------------------------------------------------------- VAULT-3

#[test]
fn vault_3_disabling_refused_on_immutable_vault_and_policy_which_stay_immutable() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-1", "v-1", PolicyKind::EcsInstance, true);
    w.make_immutable(on_vault("v-1"));
    let admin = w.user(OWNER, "u-1", vec![allow_all()]);
    for wait in [secs(0), days(1), days(36_500)] {
        w.wait(wait);
        for actor in [root(OWNER), admin.clone()] {
            for target in [on_vault("v-1"), on_policy("po-1")] {
                let v = w.refused(&actor, disable(target.clone()), RuleId::Vault3);
                assert_eq!(v, irreversible(target));
                assert_eq!(v.retry_at(), None);
            }
        }
        assert!(w.immutable("v-1"));
        let policy = w.state.backup_policy(&"po-1".into()).unwrap();
        assert_eq!(policy.immutable_since, Some(t0()));
    }
}

#[test]
fn vault_3_disabling_refused_even_where_immutability_is_not_enabled() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.vault("v-n", VaultKind::NasFree30Days);
    w.policy("po-1", "v-1", PolicyKind::General, false);
    w.policy("po-n", "v-n", PolicyKind::General, false);
    for target in [
        on_vault("v-1"),
        on_vault("v-n"),
        on_policy("po-1"),
        on_policy("po-n"),
    ] {
        let v = w.refused(&root(OWNER), disable(target.clone()), RuleId::Vault3);
        assert_eq!(v, irreversible(target));
    }
    assert!(!w.immutable("v-1"));
}

#[test]
fn vault_3_disable_checks_existence_ownership_and_permission_first() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-1", "v-1", PolicyKind::General, true);
    w.refused(&root(OWNER), disable(on_vault("v-9")), RuleId::Gen4);
    w.refused(&root(OWNER), disable(on_policy("po-9")), RuleId::Gen4);
    w.refused(&root(OTHER), disable(on_vault("v-1")), RuleId::Perm4);
    w.refused(&root(OTHER), disable(on_policy("po-1")), RuleId::Perm4);
    let nobody = w.user(OWNER, "u-0", vec![]);
    let v = w.refused(&nobody, disable(on_vault("v-1")), RuleId::Perm1);
    assert_eq!(v, denied(&nobody, Action::UpdateVault, VAULT_ARN));
    let v = w.refused(&nobody, disable(on_policy("po-1")), RuleId::Perm1);
    assert_eq!(v, denied(&nobody, Action::UpdateBackupPlan, PLAN_ARN));
}

// ---------------------------------------------------------------- VAULT-4

#[test]
fn vault_4_vault_locks_every_point_it_holds_and_every_later_one() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, false);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, false);
    w.backup("bp-1", "v-1", None, Some(10));
    w.backup("bp-2", "v-1", Some("po-g"), None);
    w.backup("bp-3", "v-1", Some("po-e"), Some(10));
    w.wait(hours(1));
    let events = w.make_immutable(on_vault("v-1"));
    let at = w.now;
    let expected = vec![
        enabled(at, on_vault("v-1")),
        locked(at, "bp-1"),
        locked(at, "bp-2"),
        locked(at, "bp-3"),
    ];
    assert_eq!(events, expected);
    for id in ["bp-1", "bp-2", "bp-3"] {
        assert_eq!(w.bp(id).locked_since, Some(at));
        assert!(w.bp(id).is_locked_at(at));
    }
    w.wait(hours(1));
    for (id, policy) in [
        ("bp-4", None),
        ("bp-5", Some("po-g")),
        ("bp-6", Some("po-e")),
    ] {
        let p = w.backup(id, "v-1", policy, Some(10));
        assert_eq!(p.locked_since, Some(w.now));
        w.refused(&root(OWNER), delete_point(id), RuleId::Vault5);
    }
}

#[test]
fn vault_4_general_policy_locks_the_points_it_made_and_its_later_ones() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, false);
    w.policy("po-h", "v-1", PolicyKind::General, false);
    w.backup("bp-1", "v-1", Some("po-g"), Some(10));
    w.backup("bp-2", "v-1", None, Some(10));
    w.backup("bp-3", "v-1", Some("po-h"), Some(10));
    w.wait(hours(1));
    let events = w.make_immutable(on_policy("po-g"));
    assert_eq!(
        events,
        vec![enabled(w.now, on_policy("po-g")), locked(w.now, "bp-1")]
    );
    assert!(
        !w.immutable("v-1"),
        "the vault itself is not made immutable"
    );
    let end = t0() + days(10);
    let v = w.refused(&root(OWNER), delete_point("bp-1"), RuleId::Vault5);
    assert_eq!(v, point_locked("bp-1", Some(end)));
    // The points it did not make stay deletable.
    w.ok(&root(OWNER), delete_point("bp-2"));
    w.ok(&root(OWNER), delete_point("bp-3"));
    w.wait(hours(1));
    assert_eq!(
        w.backup("bp-4", "v-1", Some("po-g"), Some(10)).locked_since,
        Some(w.now)
    );
    assert_eq!(w.backup("bp-5", "v-1", None, Some(10)).locked_since, None);
    assert_eq!(
        w.backup("bp-6", "v-1", Some("po-h"), Some(10)).locked_since,
        None
    );
}

#[test]
fn vault_4_ecs_instance_policy_locks_only_points_made_afterwards() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, false);
    w.backup("bp-old", "v-1", Some("po-e"), Some(10));
    w.backup("bp-kept", "v-1", Some("po-e"), Some(10));
    w.wait(hours(1));
    let events = w.make_immutable(on_policy("po-e"));
    assert_eq!(events, vec![enabled(w.now, on_policy("po-e"))]);
    assert_eq!(w.bp("bp-kept").locked_since, None);
    let p = w.backup("bp-new", "v-1", Some("po-e"), Some(10));
    assert_eq!(p.locked_since, Some(w.now));
    w.wait(hours(1));
    // The existing point stays deletable; the new one does not.
    let events = w.ok(&root(OWNER), delete_point("bp-old"));
    assert_eq!(events, vec![deleted(w.now, "bp-old")]);
    assert!(!w.has_point("bp-old"));
    let v = w.refused(&root(OWNER), delete_point("bp-new"), RuleId::Vault5);
    assert_eq!(v, point_locked("bp-new", Some(p.created_at + days(10))));
    // Enabling again locks nothing more.
    assert_eq!(w.make_immutable(on_policy("po-e")), vec![]);
    assert_eq!(w.bp("bp-kept").locked_since, None);
}

#[test]
fn vault_4_policy_immutable_from_creation_locks_every_point_it_makes() {
    let mut w = World::new();
    w.vault("v-1", archive_days(90));
    w.policy("po-g", "v-1", PolicyKind::General, true);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, true);
    w.wait(hours(1));
    for (id, policy) in [("bp-g", "po-g"), ("bp-e", "po-e")] {
        let p = w.backup(id, "v-1", Some(policy), None);
        assert_eq!(p.locked_since, Some(w.now));
        assert_eq!(p.retention, Retention::Until(w.now + days(90)));
    }
    assert_eq!(w.backup("bp-n", "v-1", None, None).locked_since, None);
}

// ---------------------------------------------------------------- VAULT-8

#[test]
fn vault_8_backups_are_still_made_into_immutable_vaults() {
    let mut w = World::new();
    for (i, kind) in immutable_kinds().into_iter().enumerate() {
        let vault = format!("v-{i}");
        w.vault(&vault, kind);
        w.make_immutable(on_vault(&vault));
        w.wait(hours(1));
        let p = w.backup(&format!("bp-{i}"), &vault, None, None);
        assert_eq!(p.locked_since, Some(w.now));
        assert!(p.is_locked_at(w.now));
    }
}

#[test]
fn gen_4_backup_policies_lists_every_policy_once_ordered_by_id() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    for policy in ["po-b", "po-a", "po-c"] {
        w.policy(policy, "v-1", PolicyKind::General, false);
    }
    let ids: Vec<&str> = w.state.backup_policies().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["po-a", "po-b", "po-c"]);
    assert_eq!(
        w.state.backup_policies().next(),
        w.state.backup_policy(&"po-a".into())
    );
}
