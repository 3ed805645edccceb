//! Keys and where they may be used: COPY-3 (encrypted copies need KMS and
//! a usable key of the copier's own, PERM-4), the KMS, key and
//! closing-region commands (actors, permissions, no-op repeats), DISK-1's
//! key checks for disks, and `explain` listing every independent refusal
//! of a copy in order (COPY-3 before COPY-4).

use crate::common;
use crate::copy_support;

use common::*;
use copy_support::*;
use snapguard::{
    Action, ActivateKms, Actor, Encryption, Event, KeyProblem, MarkRegionClosingDown, ObjectKind,
    RuleId, SnapshotStatus, StandardCopyProblem, Statement, Violation,
};

// ---------------------------------------------------------------- COPY-3

#[test]
fn copy_3_encrypted_copy_without_kms_refused() {
    let mut w = World::with_snapshot();
    for region in [REGION, OTHER_REGION] {
        let command = copy_to("s-1", "c-1", region, Encryption::ServiceKey);
        let v = w.refused(&root(OWNER), command, RuleId::Copy3);
        assert_eq!(v, no_kms(OWNER));
    }
    assert!(!w.exists("c-1"));
    w.kms(OWNER);
    w.copy_ok(
        &root(OWNER),
        copy_to("s-1", "c-1", REGION, Encryption::ServiceKey),
    );
}

#[test]
fn copy_3_service_key_and_own_key_copies_accepted_in_either_region() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.key(OWNER, "k-2", OTHER_REGION);
    let cases = [
        ("c-1", REGION, Encryption::ServiceKey),
        ("c-2", OTHER_REGION, Encryption::ServiceKey),
        ("c-3", REGION, cmk("k-1")),
        ("c-4", OTHER_REGION, cmk("k-2")),
    ];
    for (id, region, encryption) in cases {
        let c = w.copy_ok(&root(OWNER), copy_to("s-1", id, region, encryption.clone()));
        assert_eq!(c.snapshot.owner.as_str(), OWNER);
        assert_eq!(c.snapshot.region.as_str(), region);
        assert_eq!(c.snapshot.encryption, encryption);
        assert_eq!(c.lineage.encryption, encryption);
    }
}

#[test]
fn copy_3_disabled_key_refused_and_accepted_once_enabled_again() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.disable_key(OWNER, "k-1");
    let command = copy_to("s-1", "c-1", REGION, cmk("k-1"));
    let v = w.refused(&root(OWNER), command.clone(), RuleId::Copy3);
    assert_eq!(v, unusable("k-1", KeyProblem::Disabled, RuleId::Copy3));
    w.enable_key(OWNER, "k-1");
    let c = w.copy_ok(&root(OWNER), command);
    assert_eq!(c.snapshot.encryption, cmk("k-1"));
}

#[test]
fn copy_3_key_in_another_region_than_the_copy_refused() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-1"));
    let v = w.refused(&root(OWNER), command, RuleId::Copy3);
    let problem = other_region(REGION, OTHER_REGION);
    assert_eq!(v, unusable("k-1", problem, RuleId::Copy3));
    // Disabled as well: the key being disabled is reported.
    w.disable_key(OWNER, "k-1");
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-1"));
    let v = w.refused(&root(OWNER), command, RuleId::Copy3);
    assert_eq!(v, unusable("k-1", KeyProblem::Disabled, RuleId::Copy3));
}

#[test]
fn copy_3_perm_4_another_accounts_key_refused() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.key(OTHER, "k-o", OTHER_REGION);
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-o"));
    let v = w.refused(&root(OWNER), command, RuleId::Perm4);
    assert_eq!(v, foreign_key("k-o", OTHER, OWNER));
}

#[test]
fn copy_3_gen_4_unknown_key_refused_before_anything_else() {
    let mut w = World::with_snapshot();
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-9"));
    let v = w.refused(&root(OWNER), command.clone(), RuleId::Gen4);
    assert_eq!(v, key_not_found("k-9"));
    // Even a user with no permission and no KMS hears of the key first.
    let alice = w.user(OWNER, "alice", vec![]);
    assert_eq!(w.refused(&alice, command, RuleId::Gen4), v);
}

#[test]
fn copy_3_perm_1_user_needs_copy_snapshot_on_the_source() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    let arn = snapshot_arn(OWNER, "s-1");
    let bob = w.user(OWNER, "bob", vec![Statement::allow(["kms:*"], ["*"])]);
    let command = copy_to("s-1", "c-1", REGION, Encryption::ServiceKey);
    let v = w.refused(&bob, command.clone(), RuleId::Perm1);
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: bob.clone(),
            action: Action::CopySnapshot,
            resource: arn.clone(),
            explicit_deny: false,
        }
    );
    let carol = w.user(
        OWNER,
        "carol",
        vec![
            allow_all(),
            Statement::deny(["ecs:CopySnapshot"], [arn.as_str()]),
        ],
    );
    let v = w.refused(&carol, command.clone(), RuleId::Perm1);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: true,
            ..
        }
    ));
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["ecs:CopySnapshot"], [arn.as_str()])],
    );
    let c = w.copy_ok(&alice, command);
    assert_eq!(c.snapshot.owner.as_str(), OWNER);
}

// ---------------------------------------------------------------- KMS

#[test]
fn copy_3_activate_kms_by_root_once() {
    let mut w = World::new();
    assert!(!w.state.account(&OWNER.into()).unwrap().kms_activated);
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), ActivateKms::new());
    assert_eq!(
        events,
        vec![Event::KmsActivated {
            at: w.now,
            account: OWNER.into()
        }]
    );
    assert!(w.state.account(&OWNER.into()).unwrap().kms_activated);
    assert!(!w.state.account(&OTHER.into()).unwrap().kms_activated);
    let before = w.state.clone();
    w.wait(hours(1));
    assert_eq!(w.ok(&root(OWNER), ActivateKms::new()), vec![]);
    assert_eq!(w.state, before, "activating again records nothing");
}

#[test]
fn perm_1_activate_kms_by_a_user_or_the_platform_refused() {
    let mut w = World::new();
    let alice = w.user(OWNER, "alice", vec![allow_all()]);
    for actor in [alice, Actor::Platform, Actor::Billing] {
        let v = w.refused(&actor, ActivateKms::new(), RuleId::Perm1);
        assert_eq!(
            v,
            Violation::WrongActor {
                actor,
                command: "activate_kms".into()
            }
        );
    }
    assert!(!w.state.account(&OWNER.into()).unwrap().kms_activated);
}

// ---------------------------------------------------------------- keys

#[test]
fn copy_3_create_key_needs_kms() {
    let mut w = World::new();
    let v = w.refused(&root(OWNER), create_key("k-1", REGION), RuleId::Copy3);
    assert_eq!(v, no_kms(OWNER));
    w.kms(OWNER);
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), create_key("k-1", OTHER_REGION));
    let key = w.state.key(&"k-1".into()).unwrap().clone();
    assert_eq!(
        events,
        vec![Event::KeyCreated {
            at: w.now,
            key: key.clone()
        }]
    );
    assert_eq!(key.id, "k-1");
    assert_eq!(key.owner.as_str(), OWNER);
    assert_eq!(key.region.as_str(), OTHER_REGION);
    assert!(key.enabled);
    assert_eq!(key.created_at, w.now);
    assert_eq!(key.resource_name(), "acs:kms:cn-shanghai:1001:key/k-1");
    assert_eq!(w.state.keys().count(), 1);
}

#[test]
fn perm_1_copy_3_create_key_checks_permission_before_kms() {
    let mut w = World::new();
    let alice = w.user(OWNER, "alice", vec![]);
    let all = w.state.explain(w.now, &alice, create_key("k-1", REGION));
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0].rule(), RuleId::Perm1);
    assert_eq!(all[1], no_kms(OWNER));
}

#[test]
fn gen_4_gen_5_create_key_unknown_region_taken_or_malformed_id_refused() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.kms(OTHER);
    let v = w.refused(&root(OWNER), create_key("k-2", "cn-nowhere"), RuleId::Gen4);
    assert_eq!(
        v,
        Violation::NotFound {
            kind: ObjectKind::Region,
            id: "cn-nowhere".into()
        }
    );
    // Key ids are unique across accounts.
    for account in [OWNER, OTHER] {
        let v = w.refused(&root(account), create_key("k-1", REGION), RuleId::Gen4);
        assert_eq!(
            v,
            Violation::AlreadyExists {
                kind: ObjectKind::Key,
                id: "k-1".into()
            }
        );
    }
    w.refused(&root(OWNER), create_key("k 2", REGION), RuleId::Gen5);
    w.refused(&Actor::Platform, create_key("k-2", REGION), RuleId::Perm1);
}

#[test]
fn perm_1_create_key_checks_kms_create_key_on_the_key_name() {
    let mut w = World::new();
    w.kms(OWNER);
    let alice = w.user(
        OWNER,
        "alice",
        vec![
            Statement::allow(["kms:CreateKey"], ["acs:kms:*:1001:key/*"]),
            Statement::deny(["kms:CreateKey"], ["acs:kms:cn-shanghai:*"]),
        ],
    );
    let v = w.refused(&alice, create_key("k-2", OTHER_REGION), RuleId::Perm1);
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: alice.clone(),
            action: Action::CreateKey,
            resource: "acs:kms:cn-shanghai:1001:key/k-2".into(),
            explicit_deny: true,
        }
    );
    w.ok(&alice, create_key("k-1", REGION));
    assert_eq!(w.state.key(&"k-1".into()).unwrap().owner.as_str(), OWNER);
    let bob = w.user(OWNER, "bob", vec![Statement::allow(["ecs:*"], ["*"])]);
    let v = w.refused(&bob, create_key("k-3", REGION), RuleId::Perm1);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: false,
            ..
        }
    ));
}

#[test]
fn copy_3_disable_and_enable_key_with_no_op_repeats() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.wait(hours(1));
    // Enabling an enabled key records nothing.
    assert_eq!(w.ok(&root(OWNER), enable("k-1")), vec![]);
    let events = w.ok(&root(OWNER), disable("k-1"));
    assert_eq!(
        events,
        vec![Event::KeyDisabled {
            at: w.now,
            key: "k-1".into()
        }]
    );
    assert!(!w.state.key(&"k-1".into()).unwrap().enabled);
    let before = w.state.clone();
    w.wait(hours(1));
    assert_eq!(w.ok(&root(OWNER), disable("k-1")), vec![]);
    assert_eq!(w.state, before);
    let events = w.ok(&root(OWNER), enable("k-1"));
    assert_eq!(
        events,
        vec![Event::KeyEnabled {
            at: w.now,
            key: "k-1".into()
        }]
    );
    assert!(w.state.key(&"k-1".into()).unwrap().enabled);
}

#[test]
fn perm_4_gen_4_enable_or_disable_another_accounts_or_unknown_key_refused() {
    let mut w = World::new();
    w.key(OTHER, "k-o", REGION);
    w.kms(OWNER);
    let v = w.refused(&root(OWNER), disable("k-o"), RuleId::Perm4);
    assert_eq!(v, foreign_key("k-o", OTHER, OWNER));
    let v = w.refused(&root(OWNER), enable("k-o"), RuleId::Perm4);
    assert_eq!(v, foreign_key("k-o", OTHER, OWNER));
    let v = w.refused(&root(OWNER), disable("k-9"), RuleId::Gen4);
    assert_eq!(v, key_not_found("k-9"));
    w.refused(&Actor::Platform, disable("k-o"), RuleId::Perm1);
}

#[test]
fn perm_1_enable_and_disable_key_need_their_own_actions() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    let arn = "acs:kms:cn-hangzhou:1001:key/k-1";
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["kms:DisableKey"], [arn])],
    );
    // Permission comes before the no-op: enabling an enabled key is refused.
    let v = w.refused(&alice, enable("k-1"), RuleId::Perm1);
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: alice.clone(),
            action: Action::EnableKey,
            resource: arn.into(),
            explicit_deny: false,
        }
    );
    w.ok(&alice, disable("k-1"));
    w.refused(&alice, enable("k-1"), RuleId::Perm1);
    assert!(!w.state.key(&"k-1".into()).unwrap().enabled);
}

// ---------------------------------------------------------------- closing down

#[test]
fn copy_4_mark_region_closing_down_by_the_platform_once() {
    let mut w = World::new();
    w.wait(hours(1));
    let command = MarkRegionClosingDown::new(OTHER_REGION);
    for actor in [root(OWNER), Actor::Billing] {
        let v = w.refused(&actor, command.clone(), RuleId::Perm1);
        assert!(matches!(v, Violation::WrongActor { .. }), "{v:?}");
    }
    let events = w.ok(&Actor::Platform, command.clone());
    assert_eq!(
        events,
        vec![Event::RegionClosingDown {
            at: w.now,
            region: OTHER_REGION.into()
        }]
    );
    assert!(w.state.region(&OTHER_REGION.into()).unwrap().closing_down);
    assert!(!w.state.region(&REGION.into()).unwrap().closing_down);
    let before = w.state.clone();
    w.wait(hours(1));
    assert_eq!(w.ok(&Actor::Platform, command), vec![]);
    assert_eq!(w.state, before);
    let unknown = MarkRegionClosingDown::new("cn-nowhere");
    w.refused(&Actor::Platform, unknown, RuleId::Gen4);
}

// ---------------------------------------------------------------- DISK-1 keys

#[test]
fn disk_1_disk_with_own_usable_key_accepted_and_its_snapshots_keep_it() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    let events = w.ok(&root(OWNER), encrypted_disk("d-1", REGION, cmk("k-1")));
    assert!(
        matches!(&events[..], [Event::DiskCreated { disk, .. }] if disk.encryption == cmk("k-1"))
    );
    w.snapshot(OWNER, "d-1", "s-1", None);
    assert_eq!(get(&w, "s-1").encryption, cmk("k-1"));
    // Disabling the key later leaves what it encrypts as it is.
    w.disable_key(OWNER, "k-1");
    assert_eq!(w.state.disk(&"d-1".into()).unwrap().encryption, cmk("k-1"));
    assert_eq!(get(&w, "s-1").encryption, cmk("k-1"));
}

#[test]
fn disk_1_service_key_disk_needs_neither_kms_nor_key() {
    let mut w = World::new();
    w.ok(
        &root(OWNER),
        encrypted_disk("d-1", REGION, Encryption::ServiceKey),
    );
    assert_eq!(
        w.state.disk(&"d-1".into()).unwrap().encryption,
        Encryption::ServiceKey
    );
    assert!(!w.state.account(&OWNER.into()).unwrap().kms_activated);
}

#[test]
fn disk_1_gen_4_perm_4_disk_with_unknown_or_foreign_key_refused() {
    let mut w = World::new();
    w.key(OTHER, "k-o", REGION);
    let v = w.refused(
        &root(OWNER),
        encrypted_disk("d-1", REGION, cmk("k-9")),
        RuleId::Gen4,
    );
    assert_eq!(v, key_not_found("k-9"));
    let v = w.refused(
        &root(OWNER),
        encrypted_disk("d-1", REGION, cmk("k-o")),
        RuleId::Perm4,
    );
    assert_eq!(v, foreign_key("k-o", OTHER, OWNER));
    assert!(w.state.disk(&"d-1".into()).is_none());
}

#[test]
fn disk_1_disk_with_disabled_key_or_key_of_another_region_refused() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.key(OWNER, "k-2", OTHER_REGION);
    let v = w.refused(
        &root(OWNER),
        encrypted_disk("d-1", REGION, cmk("k-2")),
        RuleId::Disk1,
    );
    let problem = other_region(OTHER_REGION, REGION);
    assert_eq!(v, unusable("k-2", problem, RuleId::Disk1));
    w.disable_key(OWNER, "k-1");
    let v = w.refused(
        &root(OWNER),
        encrypted_disk("d-1", REGION, cmk("k-1")),
        RuleId::Disk1,
    );
    assert_eq!(v, unusable("k-1", KeyProblem::Disabled, RuleId::Disk1));
    w.enable_key(OWNER, "k-1");
    w.ok(&root(OWNER), encrypted_disk("d-1", REGION, cmk("k-1")));
}

// ---------------------------------------------------------------- explain

#[test]
fn copy_3_copy_4_explain_lists_kms_then_closing_region() {
    let mut w = World::with_snapshot();
    w.close_region(OTHER_REGION);
    let command = copy_to("s-1", "c-1", OTHER_REGION, Encryption::ServiceKey);
    let all = w.state.explain(w.now, &root(OWNER), command.clone());
    assert_eq!(all, vec![no_kms(OWNER), closing(OTHER_REGION)]);
    // The first of them is what the command is refused with.
    assert_eq!(w.refused(&root(OWNER), command, RuleId::Copy3), all[0]);
}

#[test]
fn perm_1_copy_1_copy_2_explain_lists_every_independent_refusal_in_order() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    let alice = w.user(OWNER, "alice", vec![]);
    let command = copy_to("s-1", "c-1", REGION, Encryption::Unencrypted).retention_days(0);
    let all = w.state.explain(w.now, &alice, command.clone());
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(matches!(all[0], Violation::PermissionDenied { .. }));
    assert_eq!(all[1], not_available("s-1", SnapshotStatus::InProgress));
    assert_eq!(
        all[2],
        standard_refused(
            "s-1",
            StandardCopyProblem::SameRegion {
                region: REGION.into()
            }
        )
    );
    assert_eq!(all[3].rule(), RuleId::Snap5);
    assert_eq!(w.refused(&alice, command, RuleId::Perm1), all[0]);
}

#[test]
fn copy_3_copy_4_explain_lists_key_problem_then_closing_region() {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.disable_key(OWNER, "k-1");
    w.close_region(OTHER_REGION);
    let command = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-1"));
    let all = w.state.explain(w.now, &root(OWNER), command);
    assert_eq!(
        all,
        vec![
            unusable("k-1", KeyProblem::Disabled, RuleId::Copy3),
            closing(OTHER_REGION),
        ]
    );
    // An unknown key stops evaluation: nothing after it is looked at.
    let unknown = copy_to("s-1", "c-1", OTHER_REGION, cmk("k-9"));
    let all = w.state.explain(w.now, &root(OWNER), unknown);
    assert_eq!(
        all,
        vec![Violation::NotFound {
            kind: ObjectKind::Key,
            id: "k-9".into()
        }]
    );
}
