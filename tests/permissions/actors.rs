//! PERM-1, the actors: the account root may do everything its account may do;
//! users, the platform and billing each issue only their own commands.

use crate::common;

use common::*;
use snapguard::{
    Actor, ArchiveSnapshot, Command, CreateAccount, CreateAutomaticSnapshot, CreateBackupSnapshot,
    CreateImage, CreateRegion, CreateUser, DeleteImage, DiskSource, ImportImage, LockQuery,
    MarkAccountOverdue, ReleaseDisk, ReleaseOverdueSnapshot, ResetDisk, RuleId,
    SetSnapshotRetention, SetUserPolicy, SettleAccount, Site, Statement, Violation,
};

// ---------------------------------------------------------------------------
// PERM-1: the root, users and system actors
// ---------------------------------------------------------------------------

#[test]
fn perm_1_root_may_do_everything_its_account_may_do() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.snapshot(OWNER, "d-1", "s-r", Some(10));
    w.ok(&owner, SetSnapshotRetention::days("s-r", 400));
    w.ok(&owner, lock_cmd("s-1", 10, 24));
    assert!(
        w.state
            .lock_view(w.now, &owner, &sid("s-1"))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        w.state
            .describe_locked_snapshots(w.now, &owner, &LockQuery::all())
            .unwrap()
            .len(),
        1
    );
    w.ok(&owner, lock_cmd("s-1", 20, 24));
    w.ok(&owner, unlock("s-1"));
    w.ok(&owner, lock_cmd("s-1", 20, 0));
    w.ok(&owner, copy("s-1", "c-1", None));
    w.finish("c-1");
    w.ok(
        &owner,
        blank_disk("d-2", REGION).source(DiskSource::snapshot("s-1")),
    );
    w.ok(&owner, ResetDisk::new("d-1", "s-1"));
    w.ok(&owner, CreateImage::new("i-1", "s-1"));
    w.ok(&owner, ImportImage::new("i-2", REGION));
    w.ok(
        &owner,
        blank_disk("d-3", REGION).source(DiskSource::image("i-1")),
    );
    w.ok(&owner, DeleteImage::new("i-1"));
    w.ok(&owner, create_snapshot("s-2", "d-2", None));
    w.finish("s-2");
    w.ok(&owner, delete("c-1"));
    w.ok(
        &owner,
        ReleaseDisk::new("d-3").release_automatic_snapshots(true),
    );
    w.wait(days(14));
    w.ok(&owner, ArchiveSnapshot::new("s-2").retention_days(100));
    assert!(w.state.snapshot(&sid("s-2")).unwrap().is_archived());
}

/// Every customer command, on OWNER's objects (d-1, s-1, i-1).
fn customer_commands() -> Vec<Command> {
    vec![
        CreateUser::new("u").into(),
        SetUserPolicy::new("alice").into(),
        blank_disk("d-2", REGION).into(),
        ReleaseDisk::new("d-1").into(),
        ResetDisk::new("d-1", "s-1").into(),
        create_snapshot("s-2", "d-1", None).into(),
        delete("s-1").into(),
        SetSnapshotRetention::permanent("s-1").into(),
        ArchiveSnapshot::new("s-1").retention_days(100).into(),
        copy("s-1", "c-1", None).into(),
        lock_cmd("s-1", 10, 0).into(),
        unlock("s-1").into(),
        ImportImage::new("i-2", REGION).into(),
        CreateImage::new("i-3", "s-1").into(),
        DeleteImage::new("i-1").into(),
    ]
}

fn platform_commands() -> Vec<Command> {
    vec![
        CreateAccount::new("4004", Site::China).into(),
        CreateRegion::new("eu-x").into(),
        CreateAutomaticSnapshot::new("a-1", "d-1").into(),
        CreateBackupSnapshot::new("b-1", OWNER, REGION).into(),
        finish("s-2").into(),
    ]
}

fn billing_commands() -> Vec<Command> {
    vec![
        MarkAccountOverdue::new(OWNER).into(),
        SettleAccount::new(OWNER).into(),
        ReleaseOverdueSnapshot::new("s-1").into(),
    ]
}

/// OWNER's d-1, s-1 (available), s-2 (in progress), i-1 and user alice
/// (Allow * on *).
fn actors_world() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), create_snapshot("s-2", "d-1", None));
    w.ok(&root(OWNER), CreateImage::new("i-1", "s-1"));
    w.user(OWNER, "alice", vec![allow_all()]);
    w
}

#[track_caller]
fn wrong_actor(w: &mut World, actor: &Actor, command: Command) {
    let name = command.name();
    let v = w.refused(actor, command, RuleId::Perm1);
    assert_eq!(
        v,
        Violation::WrongActor {
            actor: actor.clone(),
            command: name.to_owned()
        }
    );
}

#[test]
fn perm_1_system_actors_cannot_issue_customer_commands() {
    let mut w = actors_world();
    for actor in [Actor::Platform, Actor::Billing] {
        for command in customer_commands() {
            wrong_actor(&mut w, &actor, command);
        }
        let v = w.state.lock_view(w.now, &actor, &sid("s-1")).unwrap_err();
        assert!(matches!(v, Violation::WrongActor { .. }));
        assert_eq!(v.rule(), RuleId::Perm1);
    }
}

#[test]
fn perm_1_customers_cannot_issue_platform_or_billing_commands() {
    let mut w = actors_world();
    let alice = Actor::user(OWNER, "alice");
    for actor in [root(OWNER), alice] {
        for command in platform_commands().into_iter().chain(billing_commands()) {
            wrong_actor(&mut w, &actor, command);
        }
    }
}

#[test]
fn perm_1_platform_and_billing_cannot_issue_each_others_commands() {
    let mut w = actors_world();
    for command in billing_commands() {
        wrong_actor(&mut w, &Actor::Platform, command);
    }
    for command in platform_commands() {
        wrong_actor(&mut w, &Actor::Billing, command);
    }
    // Each issues its own.
    w.ok(&Actor::Platform, CreateRegion::new("eu-x"));
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OWNER));
}

#[test]
fn perm_1_only_root_creates_users_and_sets_their_policies() {
    let mut w = actors_world();
    let alice = Actor::user(OWNER, "alice");
    wrong_actor(
        &mut w,
        &alice,
        CreateUser::new("bob").statement(allow_all()).into(),
    );
    wrong_actor(
        &mut w,
        &alice,
        SetUserPolicy::new("alice").statement(allow_all()).into(),
    );
    // Another account's root cannot create users in OWNER: it creates its own.
    w.ok(&root(OTHER), CreateUser::new("bob"));
    assert!(w.state.user(&OWNER.into(), &"bob".into()).is_none());
    assert!(w.state.user(&OTHER.into(), &"bob".into()).is_some());
    w.ok(&root(OWNER), CreateUser::new("bob"));
    assert!(w.state.user(&OWNER.into(), &"bob".into()).is_some());
}

// ---------------------------------------------------------------------------
// PERM-5: statement elements the model does not evaluate are refused
// ---------------------------------------------------------------------------

#[test]
fn perm_5_statements_with_unevaluated_elements_are_refused_and_change_nothing() {
    use snapguard::oracle::{Oracle, Request};

    let mut oracle = Oracle::new();
    let setup = [
        r#"{"op":"apply","at":"2026-01-01T00:00:00Z","actor":{"type":"platform"},"command":{"type":"create_account","account":"1001","site":"china"}}"#,
    ];
    for line in setup {
        let response = oracle.handle(serde_json::from_str::<Request>(line).unwrap());
        assert_eq!(response.error, None);
    }
    let before = oracle.state().clone();
    for (element, value) in [
        (
            "Condition",
            r#"{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}"#,
        ),
        ("NotAction", r#""ecs:DeleteSnapshot""#),
        ("NotResource", r#""*""#),
        ("Principal", r#"{"RAM":["acs:ram::1001:root"]}"#),
        ("NotPrincipal", r#""*""#),
    ] {
        let statement =
            format!(r#"{{"Effect":"Allow","Action":"ecs:*","Resource":"*","{element}":{value}}}"#);
        let error = serde_json::from_str::<Statement>(&statement).unwrap_err();
        assert!(
            error
                .to_string()
                .contains(&format!("PERM-5: statement element `{element}`")),
            "{error}"
        );
        let line = format!(
            r#"{{"op":"apply","at":"2026-01-01T00:00:00Z","actor":{{"type":"root","account":"1001"}},"command":{{"type":"create_user","user":"alice","statements":[{statement}]}}}}"#
        );
        let read = serde_json::from_str::<Request>(&line);
        assert!(read.is_err(), "{element}: read as {read:?}");
        let response = oracle.unreadable(read.unwrap_err());
        assert!(response.error.is_some());
        assert_eq!(oracle.state(), &before, "{element} changed the state");
    }
    // An element RAM does not have is refused as unknown, naming it.
    let error = serde_json::from_str::<Statement>(
        r#"{"Effect":"Allow","Action":"ecs:*","Resource":"*","Sid":"x"}"#,
    )
    .unwrap_err();
    assert!(error.to_string().contains("unknown field `Sid`"), "{error}");
    // Without them the statement reads as before.
    let plain: Statement =
        serde_json::from_str(r#"{"Effect":"Deny","Action":"ecs:*","Resource":["*"]}"#).unwrap();
    assert_eq!(plain, Statement::deny(["ecs:*"], ["*"]));
}
