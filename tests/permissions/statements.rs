//! Permission statements: PERM-1 (Allow and Deny, wildcards, an explicit Deny
//! wins), PERM-2 (the lock actions) and PERM-3 (no identity and no permission
//! overrides an active compliance lock).

use crate::common;

use common::*;
use snapguard::{
    Action, Actor, CreateImage, DeleteImage, Event, LockQuery, LockState, ReleaseDisk, RuleId,
    SetSnapshotRetention, SetUserPolicy, Statement, Violation,
};

// ---------------------------------------------------------------------------
// PERM-1: permission statements
// ---------------------------------------------------------------------------

fn denied(actor: &Actor, action: Action, resource: String, explicit_deny: bool) -> Violation {
    Violation::PermissionDenied {
        actor: actor.clone(),
        action,
        resource,
        explicit_deny,
    }
}

#[test]
fn perm_1_user_without_statements_is_denied() {
    let mut w = World::with_snapshot();
    let bob = w.user(OWNER, "bob", vec![]);
    let v = w.refused(&bob, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &bob,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            false
        )
    );
    w.refused(&bob, create_snapshot("s-2", "d-1", None), RuleId::Perm1);
    w.refused(&bob, blank_disk("d-2", REGION), RuleId::Perm1);
    w.refused(&bob, copy("s-1", "c-1", None), RuleId::Perm1);
    w.refused(&bob, SetSnapshotRetention::permanent("s-1"), RuleId::Perm1);
    assert!(w.exists("s-1"));
}

#[test]
fn perm_1_wildcard_allow_on_action_and_resource_allows() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["ecs:*"], ["acs:ecs:*:1001:snapshot/*"])],
    );
    w.ok(&alice, lock_cmd("s-1", 10, 24));
    w.ok(&alice, unlock("s-1"));
    let events = w.ok(&alice, delete("s-1"));
    assert!(matches!(events.as_slice(), [Event::SnapshotDeleted { .. }]));
    assert!(!w.exists("s-1"));
}

#[test]
fn perm_1_snapshot_statement_does_not_cover_disks() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["ecs:*"], ["acs:ecs:*:1001:snapshot/*"])],
    );
    let v = w.refused(&alice, blank_disk("d-2", REGION), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::CreateDisk,
            format!("acs:ecs:{REGION}:{OWNER}:disk/d-2"),
            false
        )
    );
    w.refused(&alice, ReleaseDisk::new("d-1"), RuleId::Perm1);
}

#[test]
fn perm_1_explicit_deny_wins_over_allow() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    let alice = w.user(
        OWNER,
        "alice",
        vec![
            allow_all(),
            Statement::deny(["ecs:DeleteSnapshot"], [snapshot_arn(OWNER, "s-1")]),
        ],
    );
    let v = w.refused(&alice, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            true
        )
    );
    // The Deny is narrow: the Allow still works elsewhere.
    w.ok(&alice, delete("s-2"));
    w.ok(&alice, lock_cmd("s-1", 10, 0));
    // Order of statements does not matter.
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::deny(["ecs:*"], ["*"]), allow_all()],
    );
    let v = w.refused(&bob, blank_disk("d-9", REGION), RuleId::Perm1);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: true,
            ..
        }
    ));
}

#[test]
fn perm_1_resource_pattern_for_another_snapshot_does_not_match() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.snapshot(OWNER, "d-1", "s-10", None);
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            [snapshot_arn(OWNER, "s-2")],
        )],
    );
    let v = w.refused(&alice, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            false
        )
    );
    // A pattern without a wildcard is not a prefix.
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            [snapshot_arn(OWNER, "s-1")],
        )],
    );
    w.refused(&bob, delete("s-10"), RuleId::Perm1);
    // A pattern for another account's snapshots does not match either.
    let carol = w.user(
        OWNER,
        "carol",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            ["acs:ecs:*:2002:snapshot/*"],
        )],
    );
    w.refused(&carol, delete("s-1"), RuleId::Perm1);
    w.ok(&alice, delete("s-2"));
    assert!(w.exists("s-1"));
}

#[test]
fn perm_1_action_matching_ignores_case() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(
            ["ECS:deletesnapshot"],
            ["acs:ecs:*:1001:snapshot/*"],
        )],
    );
    w.ok(&alice, delete("s-1"));
    assert!(!w.exists("s-1"));
    // It still names one action only.
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.refused(&alice, lock_cmd("s-2", 10, 0), RuleId::Perm2);
}

#[test]
fn perm_1_policy_given_in_ram_json_applies() {
    let mut w = World::with_snapshot();
    let statement: Statement = serde_json::from_str(
        r#"{"Effect": "Allow", "Action": "ecs:DeleteSnapshot", "Resource": ["acs:ecs:*:1001:snapshot/*"]}"#,
    )
    .unwrap();
    let alice = w.user(OWNER, "alice", vec![]);
    w.refused(&alice, delete("s-1"), RuleId::Perm1);
    w.ok(
        &root(OWNER),
        SetUserPolicy::new("alice").statement(statement),
    );
    w.ok(&alice, delete("s-1"));
    assert!(!w.exists("s-1"));
}

// ---------------------------------------------------------------------------
// PERM-2: lock actions
// ---------------------------------------------------------------------------

#[test]
fn perm_2_lock_unlock_describe_need_their_actions() {
    let mut w = World::with_snapshot();
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot", "ecs:CreateSnapshot"],
            ["*"],
        )],
    );
    let arn = snapshot_arn(OWNER, "s-1");
    let v = w.refused(&bob, lock_cmd("s-1", 10, 24), RuleId::Perm2);
    assert_eq!(v, denied(&bob, Action::LockSnapshot, arn.clone(), false));
    w.lock("s-1", 10, 24);
    let v = w.refused(&bob, unlock("s-1"), RuleId::Perm2);
    assert_eq!(v, denied(&bob, Action::UnlockSnapshot, arn.clone(), false));
    let v = w.state.lock_view(w.now, &bob, &sid("s-1")).unwrap_err();
    assert_eq!(
        v,
        denied(&bob, Action::DescribeLockedSnapshots, arn.clone(), false)
    );
    assert_eq!(v.rule(), RuleId::Perm2);
    let v = w
        .state
        .describe_locked_snapshots(w.now, &bob, &LockQuery::all())
        .unwrap_err();
    assert_eq!(v.rule(), RuleId::Perm2);
    // Reconfiguring in cooling-off also needs ecs:LockSnapshot.
    w.refused(&bob, lock_cmd("s-1", 20, 0), RuleId::Perm2);
}

#[test]
fn perm_2_lock_snapshot_alone_does_not_allow_unlocking() {
    let mut w = World::with_snapshot();
    let locker = w.user(
        OWNER,
        "locker",
        vec![Statement::allow(["ecs:LockSnapshot"], ["*"])],
    );
    w.ok(&locker, lock_cmd("s-1", 10, 24));
    // Reconfiguring in cooling-off and extending in compliance are "modifying".
    w.ok(&locker, lock_cmd("s-1", 12, 24));
    let v = w.refused(&locker, unlock("s-1"), RuleId::Perm2);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            action: Action::UnlockSnapshot,
            ..
        }
    ));
    w.refused(&locker, delete("s-1"), RuleId::Perm1);
    w.wait(hours(24));
    w.ok(&locker, lock_cmd("s-1", 30, 0));
    // An unlocker may unlock a lock in cooling-off, but not lock.
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-2", 10, 24);
    let unlocker = w.user(
        OWNER,
        "unlocker",
        vec![Statement::allow(["ecs:UnlockSnapshot"], ["*"])],
    );
    w.refused(&unlocker, lock_cmd("s-2", 10, 24), RuleId::Perm2);
    let events = w.ok(&unlocker, unlock("s-2"));
    assert!(matches!(
        events.as_slice(),
        [Event::SnapshotUnlocked { .. }]
    ));
    assert!(w.state.snapshot(&sid("s-2")).unwrap().lock.is_none());
}

#[test]
fn perm_2_describe_needs_describe_locked_snapshots_per_snapshot() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-1", 10, 0);
    w.lock("s-2", 10, 0);
    let reader = w.user(
        OWNER,
        "reader",
        vec![Statement::allow(
            ["ecs:DescribeLockedSnapshots"],
            [snapshot_arn(OWNER, "s-1")],
        )],
    );
    let view = w
        .state
        .lock_view(w.now, &reader, &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (view.state, view.expiry),
        (LockState::Compliance, t0() + days(10))
    );
    let v = w.state.lock_view(w.now, &reader, &sid("s-2")).unwrap_err();
    assert_eq!(v.rule(), RuleId::Perm2);
    let v = w
        .state
        .describe_locked_snapshots(w.now, &reader, &LockQuery::all())
        .unwrap_err();
    assert_eq!(
        v,
        denied(
            &reader,
            Action::DescribeLockedSnapshots,
            snapshot_arn(OWNER, "s-2"),
            false
        )
    );
    // Explicitly denied describing, with Allow *.
    let denied_reader = w.user(
        OWNER,
        "denied",
        vec![
            allow_all(),
            Statement::deny(["ecs:DescribeLockedSnapshots"], ["*"]),
        ],
    );
    let v = w
        .state
        .lock_view(w.now, &denied_reader, &sid("s-1"))
        .unwrap_err();
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: true,
            ..
        }
    ));
    assert_eq!(v.rule(), RuleId::Perm2);
}

// ---------------------------------------------------------------------------
// PERM-3: nobody overrides an active compliance lock
// ---------------------------------------------------------------------------

#[test]
fn perm_3_root_cannot_delete_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let expiry = t0() + days(30);
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert!(matches!(
        v,
        Violation::SnapshotLocked {
            state: LockState::Compliance,
            ..
        }
    ));
    w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    w.at(expiry - secs(1));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    w.at(expiry);
    w.ok(&root(OWNER), delete("s-1"));
}

#[test]
fn perm_3_allow_star_user_cannot_delete_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    let admin = w.user(OWNER, "admin", vec![allow_all()]);
    w.ok(&admin, lock_cmd("s-1", 30, 0));
    w.refused(&admin, delete("s-1"), RuleId::Lock10);
    w.refused(&admin, unlock("s-1"), RuleId::Lock6);
    w.wait(days(1));
    w.refused(&admin, lock_cmd("s-1", 1, 0), RuleId::Lock8);
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap().expiry,
        t0() + days(30)
    );
}

#[test]
fn perm_3_no_deletion_path_of_root_removes_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.auto_snapshot("d-1", "a-1");
    w.ok(&owner, lock_cmd("a-1", 30, 0));
    w.ok(&owner, CreateImage::new("i-1", "a-1"));
    let events = w.ok(&owner, DeleteImage::new("i-1").delete_snapshots(true));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SnapshotDeleted { .. }))
    );
    assert!(w.exists("a-1"));
    let events = w.ok(
        &owner,
        ReleaseDisk::new("d-1").release_automatic_snapshots(true),
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SnapshotDeleted { .. }))
    );
    assert!(w.exists("a-1"));
}
