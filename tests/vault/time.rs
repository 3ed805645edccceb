//! Locked backup points and time: VAULT-5 (no deletion by anyone before
//! the retention end, deletion by time at it), VAULT-6 (an immutable vault
//! is not deleted while it holds points), VAULT-8 (restores and the ECS
//! snapshots of locked points are not hindered), and the vault report
//! answering which points are locked until when and when the vault can be
//! deleted. Retention ends are probed one second before, exactly at, and one
//! second after.

use crate::common;
use crate::share_support;
use crate::vault_support;

use chrono::{DateTime, Utc};
use common::*;
use share_support::{account, create_share};
use snapguard::{
    Action, Actor, CreateDisk, Deletability, DiskCategory, DiskSource, Event, ObjectKind,
    PolicyKind, ResetDisk, RuleId, VaultKind, VaultReport, Violation,
};
use vault_support::*;

/// The report's points as (id, locked, until).
fn views(report: &VaultReport) -> Vec<(String, bool, Option<DateTime<Utc>>)> {
    report
        .points
        .iter()
        .map(|p| (p.point.to_string(), p.locked, p.until))
        .collect()
}

fn vault_deleted(at: DateTime<Utc>, vault: &str) -> Event {
    Event::VaultDeleted {
        at,
        vault: vault.into(),
    }
}

/// An immutable general-purpose vault `v-1` of OWNER with `bp-1` (10 days)
/// and `bp-2` (20 days), both locked, made at t0.
fn immutable_world() -> World {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.make_immutable(on_vault("v-1"));
    w.backup("bp-1", "v-1", None, Some(10));
    w.backup("bp-2", "v-1", None, Some(20));
    w
}

// ---------------------------------------------------------------- VAULT-5

#[test]
fn vault_5_locked_point_deletion_refused_by_root_and_by_an_allowed_user() {
    let mut w = immutable_world();
    let admin = w.user(OWNER, "u-1", vec![allow_all()]);
    let end = t0() + days(10);
    for at in [t0(), t0() + days(5), end - secs(1)] {
        w.at(at);
        for actor in [root(OWNER), admin.clone()] {
            let v = w.refused(&actor, delete_point("bp-1"), RuleId::Vault5);
            assert_eq!(v, point_locked("bp-1", Some(end)));
            // At its end time deletes the point: deleting it is never allowed.
            assert_eq!(v.retry_at(), None);
        }
    }
    assert!(w.bp("bp-1").is_locked_at(end - secs(1)));
    assert!(!w.bp("bp-1").is_locked_at(end));
}

#[test]
fn vault_5_permanent_locked_point_is_locked_for_good() {
    let mut w = immutable_world();
    w.backup("bp-p", "v-1", None, None);
    w.wait(days(36_500));
    let v = w.refused(&root(OWNER), delete_point("bp-p"), RuleId::Vault5);
    assert_eq!(v, point_locked("bp-p", None));
    assert_eq!(v.retry_at(), None);
}

#[test]
fn vault_5_at_its_retention_end_the_point_is_gone_for_every_command() {
    let mut w = immutable_world();
    let end = t0() + days(10);
    w.at(end - secs(1));
    w.refused(&root(OWNER), delete_point("bp-1"), RuleId::Vault5);
    w.at(end);
    // Time deleted it at `end`: to every command it is not there.
    let v = w.refused(&root(OWNER), delete_point("bp-1"), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::BackupPoint, "bp-1"));
    w.refused(&root(OWNER), restore("bp-1"), RuleId::Gen4);
    // The first command accepted at `end` records the deletion first.
    let events = w.ok(&root(OWNER), restore("bp-2"));
    let restored = Event::BackupPointRestored {
        at: end,
        point: "bp-2".into(),
    };
    assert_eq!(events, vec![expired(end, "bp-1"), restored]);
    assert!(!w.has_point("bp-1"));
    w.at(end + secs(1));
    w.refused(&root(OWNER), delete_point("bp-1"), RuleId::Gen4);
    // Its id stays taken.
    let again = create_point("bp-1", "v-1", None, Some(10));
    let v = w.refused(&Actor::Platform, again, RuleId::Gen4);
    assert_eq!(
        v,
        Violation::AlreadyExists {
            kind: ObjectKind::BackupPoint,
            id: "bp-1".into()
        }
    );
}

#[test]
fn vault_5_gen_6_time_deletes_a_locked_point_exactly_at_its_retention_end() {
    let w = immutable_world();
    let end = t0() + days(10);
    assert_eq!(w.state.next_deadline(), Some(end));
    let before = w.state.advance(end - secs(1)).unwrap();
    assert_eq!(before.events, vec![]);
    assert!(before.state.backup_point(&"bp-1".into()).is_some());
    let at = before.state.advance(end).unwrap();
    assert_eq!(at.events, vec![expired(end, "bp-1")]);
    assert!(at.state.backup_point(&"bp-1".into()).is_none());
    assert_eq!(at.state.next_deadline(), Some(t0() + days(20)));
    let after = at.state.advance(end + secs(1)).unwrap();
    assert_eq!(after.events, vec![]);
    // Straight past the end, the deletion is dated at the end.
    let mut state = w.state.clone();
    let events = state.advance_mut(end + secs(1)).unwrap();
    assert_eq!(events, vec![expired(end, "bp-1")]);
    assert_eq!(state, after.state);
}

#[test]
fn vault_5_gen_6_every_point_expires_at_its_own_end_locked_or_not() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, true);
    w.backup("bp-b", "v-1", Some("po-g"), Some(20));
    w.backup("bp-a", "v-1", None, Some(10));
    w.backup("bp-p", "v-1", Some("po-g"), None);
    assert!(w.bp("bp-b").locked_since.is_some());
    assert!(w.bp("bp-a").locked_since.is_none());
    let mut state = w.state.clone();
    let events = state.advance_mut(t0() + days(30)).unwrap();
    assert_eq!(
        events,
        vec![
            expired(t0() + days(10), "bp-a"),
            expired(t0() + days(20), "bp-b"),
        ]
    );
    assert_eq!(state.backup_points_of(&"v-1".into()).count(), 1);
    assert_eq!(state.next_deadline(), None);
}

#[test]
fn vault_5_unlocked_point_deleted_on_request_and_its_id_stays_taken() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.backup("bp-1", "v-1", None, Some(10));
    let nobody = w.user(OWNER, "u-0", vec![]);
    let v = w.refused(&nobody, delete_point("bp-1"), RuleId::Perm1);
    assert_eq!(
        v,
        Violation::PermissionDenied {
            actor: nobody.clone(),
            action: Action::DeleteBackupPoint,
            resource: "acs:hbr:cn-hangzhou:1001:vault/v-1/backuppoint/bp-1".into(),
            explicit_deny: false,
        }
    );
    w.refused(&root(OTHER), delete_point("bp-1"), RuleId::Perm4);
    w.refused(&Actor::Platform, delete_point("bp-1"), RuleId::Perm1);
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), delete_point("bp-1"));
    assert_eq!(events, vec![deleted(w.now, "bp-1")]);
    assert!(!w.has_point("bp-1"));
    assert_eq!(w.state.next_deadline(), None);
    w.refused(&root(OWNER), delete_point("bp-1"), RuleId::Gen4);
    let again = create_point("bp-1", "v-1", None, None);
    w.refused(&Actor::Platform, again, RuleId::Gen4);
}

#[test]
fn vault_5_explain_lists_the_permission_and_the_lock() {
    let mut w = immutable_world();
    let nobody = w.user(OWNER, "u-0", vec![]);
    let all = w.state.explain(w.now, &nobody, delete_point("bp-1"));
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0].rule(), RuleId::Perm1);
    assert_eq!(all[1], point_locked("bp-1", Some(t0() + days(10))));
    // Another account's point: PERM-4 only, its lock is not examined.
    let all = w.state.explain(w.now, &root(OTHER), delete_point("bp-1"));
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].rule(), RuleId::Perm4);
}

// ---------------------------------------------------------------- VAULT-6

#[test]
fn vault_6_immutable_vault_refused_until_its_last_point_expired() {
    let mut w = immutable_world();
    w.policy("po-1", "v-1", PolicyKind::General, false);
    let admin = w.user(OWNER, "u-1", vec![allow_all()]);
    let last = t0() + days(20);
    for at in [t0(), t0() + days(10), last - secs(1)] {
        w.at(at);
        for actor in [root(OWNER), admin.clone()] {
            let v = w.refused(&actor, delete_vault("v-1"), RuleId::Vault6);
            assert_eq!(v, not_deletable("v-1", Some(last)));
            assert_eq!(v.retry_at(), Some(last));
        }
    }
    w.at(last);
    let events = w.ok(&root(OWNER), delete_vault("v-1"));
    assert_eq!(
        events,
        vec![
            expired(t0() + days(10), "bp-1"),
            expired(last, "bp-2"),
            vault_deleted(last, "v-1"),
        ]
    );
    assert!(w.state.vault(&"v-1".into()).is_none());
    assert!(w.state.backup_policy(&"po-1".into()).is_none());
    assert_eq!(w.state.vault_report(&"v-1".into(), w.now), None);
    w.wait(secs(1));
    w.refused(&root(OWNER), delete_vault("v-1"), RuleId::Gen4);
}

#[test]
fn vault_6_immutable_vault_with_a_permanent_point_is_never_deletable() {
    let mut w = immutable_world();
    w.backup("bp-p", "v-1", None, None);
    w.wait(days(30));
    let v = w.refused(&root(OWNER), delete_vault("v-1"), RuleId::Vault6);
    assert_eq!(v, not_deletable("v-1", None));
    assert_eq!(v.retry_at(), None);
    assert_eq!(w.report("v-1").deletable, Deletability::Never);
}

#[test]
fn vault_6_empty_immutable_vault_deleted_with_its_policies() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::Database);
    w.policy("po-1", "v-1", PolicyKind::General, true);
    w.make_immutable(on_vault("v-1"));
    assert_eq!(w.report("v-1").deletable, Deletability::Now);
    let events = w.ok(&root(OWNER), delete_vault("v-1"));
    assert_eq!(events, vec![vault_deleted(w.now, "v-1")]);
    assert!(w.state.backup_policy(&"po-1".into()).is_none());
    // Their ids stay taken.
    w.refused(
        &root(OWNER),
        create_vault("v-1", VaultKind::Database),
        RuleId::Gen4,
    );
    w.vault("v-2", VaultKind::Database);
    let again = create_policy("po-1", "v-2", PolicyKind::General, false);
    w.refused(&root(OWNER), again, RuleId::Gen4);
}

#[test]
fn vault_6_vault_that_is_not_immutable_goes_with_its_unlocked_points() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, false);
    w.backup("bp-1", "v-1", Some("po-e"), Some(10));
    w.backup("bp-2", "v-1", None, None);
    // An ECS instance policy made immutable leaves its existing point alone.
    w.make_immutable(on_policy("po-e"));
    assert_eq!(w.report("v-1").deletable, Deletability::Now);
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), delete_vault("v-1"));
    let at = w.now;
    assert_eq!(
        events,
        vec![
            deleted(at, "bp-1"),
            deleted(at, "bp-2"),
            vault_deleted(at, "v-1")
        ]
    );
    assert!(!w.has_point("bp-1") && !w.has_point("bp-2"));
    assert!(w.state.backup_policy(&"po-e".into()).is_none());
    assert_eq!(w.state.next_deadline(), None);
}

#[test]
fn vault_6_vault_5_vault_holding_a_point_locked_by_its_policy_refused_by_vault_5() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, true);
    w.backup("bp-1", "v-1", Some("po-g"), Some(10));
    w.backup("bp-2", "v-1", Some("po-g"), Some(5));
    w.backup("bp-3", "v-1", None, Some(30));
    let end = t0() + days(10);
    for at in [t0(), end - secs(1)] {
        w.at(at);
        let v = w.refused(&root(OWNER), delete_vault("v-1"), RuleId::Vault5);
        // The locked point ending last; the later unlocked one does not count.
        assert_eq!(v, held_by_locks("v-1", Some(end)));
        assert_eq!(v.retry_at(), Some(end));
        assert_eq!(w.report("v-1").deletable, Deletability::From(end));
    }
    w.at(end);
    let events = w.ok(&root(OWNER), delete_vault("v-1"));
    assert_eq!(
        events,
        vec![
            expired(t0() + days(5), "bp-2"),
            expired(end, "bp-1"),
            deleted(end, "bp-3"),
            vault_deleted(end, "v-1"),
        ]
    );
}

#[test]
fn vault_6_vault_5_locked_permanent_point_keeps_its_vault_for_good() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, true);
    w.backup("bp-1", "v-1", Some("po-g"), None);
    w.backup("bp-2", "v-1", Some("po-g"), Some(10));
    let v = w.refused(&root(OWNER), delete_vault("v-1"), RuleId::Vault5);
    assert_eq!(v, held_by_locks("v-1", None));
    assert_eq!(v.retry_at(), None);
    assert_eq!(w.report("v-1").deletable, Deletability::Never);
}

#[test]
fn vault_6_delete_vault_checks_and_explain() {
    let mut w = immutable_world();
    w.refused(&root(OWNER), delete_vault("v-9"), RuleId::Gen4);
    w.refused(&root(OTHER), delete_vault("v-1"), RuleId::Perm4);
    w.refused(&Actor::Billing, delete_vault("v-1"), RuleId::Perm1);
    let nobody = w.user(OWNER, "u-0", vec![]);
    let denied = Violation::PermissionDenied {
        actor: nobody.clone(),
        action: Action::DeleteVault,
        resource: "acs:hbr:cn-hangzhou:1001:vault/v-1".into(),
        explicit_deny: false,
    };
    let v = w.refused(&nobody, delete_vault("v-1"), RuleId::Perm1);
    assert_eq!(v, denied);
    let all = w.state.explain(w.now, &nobody, delete_vault("v-1"));
    let last = Some(t0() + days(20));
    assert_eq!(all, vec![denied, not_deletable("v-1", last)]);
}

// ---------------------------------------------------------------- VAULT-8

#[test]
fn vault_8_restores_accepted_from_locked_points() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, true);
    w.backup("bp-1", "v-1", Some("po-e"), Some(10));
    w.backup("bp-2", "v-1", Some("po-e"), None);
    w.make_immutable(on_vault("v-1"));
    let admin = w.user(OWNER, "u-1", vec![allow_all()]);
    w.wait(days(3));
    for actor in [root(OWNER), admin] {
        for id in ["bp-1", "bp-2"] {
            let before = w.bp(id);
            let events = w.ok(&actor, restore(id));
            let restored = Event::BackupPointRestored {
                at: w.now,
                point: id.into(),
            };
            assert_eq!(events, vec![restored]);
            assert_eq!(w.bp(id), before, "a restore changes nothing");
        }
    }
    // A restore still needs its permission, and the owner's account.
    let nobody = w.user(OWNER, "u-0", vec![]);
    let v = w.refused(&nobody, restore("bp-1"), RuleId::Perm1);
    let arn = "acs:hbr:cn-hangzhou:1001:vault/v-1/backuppoint/bp-1";
    assert_eq!(v, denied(&nobody, Action::CreateRestoreJob, arn));
    w.refused(&root(OTHER), restore("bp-1"), RuleId::Perm4);
    w.refused(&root(OWNER), restore("bp-9"), RuleId::Gen4);
}

#[test]
fn vault_8_ecs_snapshots_of_locked_points_are_used_normally() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, true);
    for (point, snapshot) in [("bp-1", "s-1"), ("bp-2", "s-2")] {
        let mut cmd = create_point(point, "v-1", Some("po-e"), Some(30));
        cmd.snapshot = Some(sid(snapshot));
        w.ok(&Actor::Platform, cmd);
        assert_eq!(w.bp(point).snapshot, Some(sid(snapshot)));
    }
    w.make_immutable(on_vault("v-1"));
    w.wait(hours(1));
    assert!(w.bp("bp-1").is_locked_at(w.now));
    // A disk from it, a copy of it, a share of it.
    let disk = CreateDisk::new("d-2", REGION, DiskCategory::Essd, 40)
        .source(DiskSource::snapshot(sid("s-1")));
    w.ok(&root(OWNER), disk);
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    // The disk it covers is backed up, rolled back and locked as ever.
    w.snapshot(OWNER, "d-1", "s-3", None);
    let reset = ResetDisk::new("d-1", sid("s-1"));
    w.ok(&root(OWNER), reset);
    w.lock("s-1", 30, 0);
    // Even deleting the snapshot of a locked point is accepted; the point
    // stays, locked, and can be restored.
    w.ok(&root(OWNER), delete("s-2"));
    assert!(!w.exists("s-2"));
    assert!(w.bp("bp-2").is_locked_at(w.now));
    w.ok(&root(OWNER), restore("bp-2"));
    w.refused(&root(OWNER), delete_point("bp-2"), RuleId::Vault5);
}

// ---------------------------------------------------------------- reports

#[test]
fn vault_6_report_on_an_immutable_vault_follows_time() {
    let mut w = immutable_world();
    let (ten, twenty) = (t0() + days(10), t0() + days(20));
    assert_eq!(w.state.vault_report(&"v-9".into(), w.now), None);
    let r = w.report("v-1");
    assert_eq!(r.vault.as_str(), "v-1");
    assert!(r.immutable);
    let both = vec![
        ("bp-1".to_owned(), true, Some(ten)),
        ("bp-2".to_owned(), true, Some(twenty)),
    ];
    assert_eq!(views(&r), both);
    assert_eq!(r.deletable, Deletability::From(twenty));
    w.at(ten - secs(1));
    assert_eq!(views(&w.report("v-1")), both);
    // At its end a point is left out, recorded or not.
    w.at(ten);
    let r = w.report("v-1");
    assert_eq!(views(&r), vec![("bp-2".to_owned(), true, Some(twenty))]);
    assert_eq!(r.deletable, Deletability::From(twenty));
    w.at(twenty - secs(1));
    assert_eq!(w.report("v-1").deletable, Deletability::From(twenty));
    for at in [twenty, twenty + secs(1)] {
        w.at(at);
        let r = w.report("v-1");
        assert_eq!((r.points.len(), r.deletable), (0, Deletability::Now));
        assert!(r.immutable);
    }
    // Asking changes nothing.
    assert_eq!(w.state.clock(), Some(t0()));
}

#[test]
fn vault_5_report_on_a_vault_that_is_not_immutable() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, false);
    w.backup("bp-old", "v-1", Some("po-e"), Some(40));
    let r = w.report("v-1");
    assert!(!r.immutable);
    assert_eq!(r.deletable, Deletability::Now);
    w.make_immutable(on_policy("po-e"));
    w.backup("bp-new", "v-1", Some("po-e"), Some(10));
    let end = t0() + days(10);
    let r = w.report("v-1");
    assert_eq!(
        views(&r),
        vec![
            ("bp-new".to_owned(), true, Some(end)),
            ("bp-old".to_owned(), false, Some(t0() + days(40))),
        ]
    );
    // Only the locked point holds it, not the unlocked one kept longer.
    assert_eq!(r.deletable, Deletability::From(end));
    w.at(end - secs(1));
    assert_eq!(w.report("v-1").deletable, Deletability::From(end));
    w.at(end);
    let r = w.report("v-1");
    assert_eq!(r.deletable, Deletability::Now);
    assert_eq!(r.points.len(), 1);
    w.ok(&root(OWNER), delete_vault("v-1"));
}
