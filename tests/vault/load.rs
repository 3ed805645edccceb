//! The trust boundary for Cloud Backup: a serialized state whose vaults,
//! backup policies or backup points contradict what any accepted history
//! could produce is refused on load with the [`StateError`] naming what is
//! wrong (VAULT-1 to VAULT-7, GEN-4); a valid one round-trips and decides
//! the same. Each test edits the JSON of a valid state built by commands.

use crate::common;
use crate::load_support;
use crate::vault_support;

use chrono::{DateTime, Utc};
use common::*;
use load_support::*;
use serde_json::{Value, json};
use snapguard::{
    Actor, BackupDefect, Command, CreateRegion, ObjectKind, PolicyKind, State, StateError,
    VaultKind,
};
use vault_support::*;

/// The clock of [`world`]: t0 + 2 days.
fn clock() -> DateTime<Utc> {
    t0() + days(2)
}

/// OWNER, with snapshots s-1 (and s-2, deleted) of d-1:
/// - v-1 (general-purpose, immutable at t0+1h) holds bp-1 (of s-1, 10
///   days) and bp-2 (of s-2, permanent), replicated into v-r
///   (cn-shanghai, immutable with it) as bp-1r;
/// - v-2 (general-purpose, not immutable) with po-g (general, immutable
///   from creation) and po-e (ECS instance, immutable at t0+1h): bp-g1 by
///   po-g (locked, replicated into v-2r as bp-g1r), bp-e-old by po-e
///   (unlocked), bp-e-new by po-e at t0+2h (locked), bp-d on demand
///   (unlocked, 30 days); bp-gone deleted, bp-exp expired at t0+1d;
/// - v-n (NAS free-30-days) with po-n and bp-n (unlocked);
/// - v-a (archive of 30 days, immutable) with bp-a (locked, default);
/// - v-x deleted with po-x and bp-x; v-z deleted with bp-z, whose replica
///   v-zr still holds bp-zr.
fn world() -> World {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    for (vault, kind) in [
        ("v-1", VaultKind::GeneralPurpose),
        ("v-2", VaultKind::GeneralPurpose),
        ("v-n", VaultKind::NasFree30Days),
        ("v-a", archive_days(30)),
        ("v-x", VaultKind::GeneralPurpose),
        ("v-z", VaultKind::GeneralPurpose),
    ] {
        w.vault(vault, kind);
    }
    for (vault, replica) in [("v-1", "v-r"), ("v-2", "v-2r"), ("v-z", "v-zr")] {
        w.ok(&root(OWNER), replicate_vault(vault, replica, OTHER_REGION));
    }
    w.policy("po-g", "v-2", PolicyKind::General, true);
    w.policy("po-e", "v-2", PolicyKind::EcsInstance, false);
    w.policy("po-n", "v-n", PolicyKind::General, false);
    w.policy("po-x", "v-x", PolicyKind::General, false);
    for (point, snapshot, days) in [("bp-1", "s-1", Some(10)), ("bp-2", "s-2", None)] {
        let mut cmd = create_point(point, "v-1", None, days);
        cmd.snapshot = Some(sid(snapshot));
        w.ok(&Actor::Platform, cmd);
    }
    w.backup("bp-g1", "v-2", Some("po-g"), Some(20));
    w.backup("bp-e-old", "v-2", Some("po-e"), Some(20));
    w.backup("bp-d", "v-2", None, Some(30));
    w.backup("bp-exp", "v-2", None, Some(1));
    w.backup("bp-gone", "v-2", None, Some(5));
    w.backup("bp-n", "v-n", Some("po-n"), Some(10));
    w.backup("bp-x", "v-x", Some("po-x"), Some(10));
    w.backup("bp-z", "v-z", None, Some(10));
    for (point, replica, vault) in [
        ("bp-1", "bp-1r", "v-r"),
        ("bp-g1", "bp-g1r", "v-2r"),
        ("bp-z", "bp-zr", "v-zr"),
    ] {
        w.ok(&Actor::Platform, replicate_point(point, replica, vault));
    }
    w.wait(hours(1));
    for target in [on_vault("v-1"), on_vault("v-a"), on_policy("po-e")] {
        w.make_immutable(target);
    }
    w.wait(hours(1));
    w.backup("bp-e-new", "v-2", Some("po-e"), Some(20));
    w.backup("bp-a", "v-a", None, None);
    w.wait(hours(1));
    w.ok(&root(OWNER), delete_point("bp-gone"));
    w.ok(&root(OWNER), delete_vault("v-x"));
    w.ok(&root(OWNER), delete_vault("v-z"));
    w.ok(&root(OWNER), delete("s-2"));
    w.at(clock());
    let region = CreateRegion::new("cn-beijing");
    w.ok(&Actor::Platform, region);
    w
}

fn base() -> Value {
    state_json(&world().state)
}

fn dangling(kind: ObjectKind, id: &str, missing_kind: ObjectKind, missing: &str) -> StateError {
    StateError::Dangling {
        kind,
        id: id.into(),
        missing_kind,
        missing_id: missing.into(),
    }
}

fn until(at: DateTime<Utc>) -> Value {
    json!({"type": "until", "end": at})
}

/// `json` edited by `edit` is refused with `expected`.
#[track_caller]
fn tampered(edit: impl FnOnce(&mut Value), expected: StateError) {
    let mut json = base();
    edit(&mut json);
    refused_as(&json, expected);
}

// ---------------------------------------------------------------- round trip

#[test]
fn vault_7_valid_state_with_vaults_policies_points_and_replicas_round_trips() {
    let w = world();
    assert_eq!(w.state.clock(), Some(clock()));
    let json = state_json(&w.state);
    let backup = &json["backup"];
    assert_eq!(backup["vaults"].as_array().unwrap().len(), 7);
    assert_eq!(backup["policies"].as_array().unwrap().len(), 3);
    assert_eq!(backup["points"].as_array().unwrap().len(), 11);
    assert_eq!(
        backup["retired"],
        json!({
            "vaults": ["v-x", "v-z"],
            "policies": ["po-x"],
            "points": ["bp-exp", "bp-gone", "bp-x", "bp-z"],
        })
    );
    let loaded = load(&json).unwrap();
    assert_eq!(loaded, w.state);
    assert_eq!(state_json(&loaded), json, "serializing again is stable");
    let replica = loaded.vault(&"v-zr".into()).unwrap();
    assert_eq!(replica.replica_of, Some("v-z".into()));
    assert!(loaded.vault(&"v-r".into()).unwrap().is_immutable());
    assert_eq!(
        loaded.backup_point(&"bp-2".into()).unwrap().snapshot,
        Some(sid("s-2"))
    );
}

#[test]
fn vault_5_reloaded_state_decides_the_same() {
    let w = world();
    let loaded = load(&state_json(&w.state)).unwrap();
    let now = clock() + hours(1);
    let by_owner: Vec<Command> = vec![
        delete_point("bp-1").into(),
        delete_point("bp-1r").into(),
        delete_point("bp-e-old").into(),
        delete_point("bp-e-new").into(),
        delete_point("bp-zr").into(),
        restore("bp-2").into(),
        delete_vault("v-1").into(),
        delete_vault("v-2").into(),
        delete_vault("v-2r").into(),
        delete_vault("v-n").into(),
        enable(on_vault("v-2")).into(),
        enable(on_policy("po-g")).into(),
        enable(on_vault("v-n")).into(),
        disable(on_vault("v-1")).into(),
        replicate_vault("v-r", "v-rr", "cn-beijing").into(),
        replicate_vault("v-zr", "v-rr", "cn-beijing").into(),
        replicate_vault("v-a", "v-ar", "cn-beijing").into(),
        create_vault("v-x", VaultKind::Database).into(),
        create_policy("po-x", "v-2", PolicyKind::General, false).into(),
    ];
    let by_platform: Vec<Command> = vec![
        replicate_point("bp-e-new", "bp-new-r", "v-2r").into(),
        replicate_point("bp-1", "bp-1s", "v-2r").into(),
        create_point("bp-exp", "v-2", None, None).into(),
        create_point("bp-3", "v-a", None, None).into(),
        create_point("bp-4", "v-2", Some("po-e"), Some(3)).into(),
    ];
    let mut refused = 0;
    for (actor, commands) in [(root(OWNER), by_owner), (Actor::Platform, by_platform)] {
        for command in &commands {
            let decided = w.state.decide(now, &actor, command);
            assert_eq!(loaded.decide(now, &actor, command), decided, "{command:?}");
            refused += usize::from(decided.is_err());
        }
    }
    assert_eq!(refused, 14, "the cases mix refusals and acceptances");
    assert_eq!(loaded.next_deadline(), w.state.next_deadline());
    for at in [clock(), t0() + days(10), t0() + days(31)] {
        for id in ["v-1", "v-2", "v-2r", "v-a", "v-n", "v-r", "v-zr"] {
            let id = id.into();
            assert_eq!(loaded.vault_report(&id, at), w.state.vault_report(&id, at));
        }
    }
    let far = t0() + days(365);
    assert_eq!(loaded.advance(far), w.state.advance(far));
}

// ---------------------------------------------------------------- vaults

#[test]
fn vault_2_loaded_immutable_vault_of_an_unsupported_kind_refused() {
    let problem = BackupDefect::KindCannotBeImmutable;
    tampered(
        |j| vault_record(j, "v-n")["immutable_since"] = json!(clock()),
        inconsistent_backup(ObjectKind::Vault, "v-n", problem),
    );
    tampered(
        |j| {
            vault_record(j, "v-a")["kind"] =
                json!({"type": "archive", "retention": {"type": "permanent"}})
        },
        inconsistent_backup(ObjectKind::Vault, "v-a", problem),
    );
    tampered(
        |j| vault_record(j, "v-1")["kind"] = json!({"type": "database_realtime"}),
        inconsistent_backup(ObjectKind::Vault, "v-1", problem),
    );
}

#[test]
fn vault_1_loaded_vault_of_an_unknown_account_or_region_or_after_the_clock_refused() {
    tampered(
        |j| vault_record(j, "v-2")["owner"] = json!("9999"),
        dangling(ObjectKind::Vault, "v-2", ObjectKind::Account, "9999"),
    );
    tampered(
        |j| vault_record(j, "v-2")["region"] = json!("cn-nowhere"),
        dangling(ObjectKind::Vault, "v-2", ObjectKind::Region, "cn-nowhere"),
    );
    tampered(
        |j| vault_record(j, "v-2")["created_at"] = json!(clock() + secs(1)),
        StateError::AfterClock {
            kind: ObjectKind::Vault,
            id: "v-2".into(),
        },
    );
}

#[test]
fn vault_7_loaded_replica_vault_its_source_does_not_allow_refused() {
    let problem = BackupDefect::ReplicaUnlikeSource;
    let refused = |id| inconsistent_backup(ObjectKind::Vault, id, problem);
    // In its source's region.
    tampered(
        |j| vault_record(j, "v-r")["region"] = json!(REGION),
        refused("v-r"),
    );
    // Of another kind.
    tampered(
        |j| vault_record(j, "v-2r")["kind"] = json!({"type": "database"}),
        refused("v-2r"),
    );
    // Of another account.
    tampered(
        |j| vault_record(j, "v-2r")["owner"] = json!(OTHER),
        refused("v-2r"),
    );
    // Less protected than its immutable source.
    tampered(
        |j| vault_record(j, "v-r")["immutable_since"] = Value::Null,
        refused("v-r"),
    );
    // A replica of a replica, in another region than that replica.
    tampered(
        |j| {
            let v = vault_record(j, "v-2r");
            v["replica_of"] = json!("v-r");
            v["region"] = json!(REGION);
        },
        refused("v-2r"),
    );
    // A source that never existed.
    tampered(
        |j| vault_record(j, "v-zr")["replica_of"] = json!("v-q"),
        dangling(ObjectKind::Vault, "v-zr", ObjectKind::Vault, "v-q"),
    );
}

// ---------------------------------------------------------------- policies

#[test]
fn vault_2_loaded_immutable_policy_into_an_unsupported_vault_refused() {
    tampered(
        |j| policy_record(j, "po-n")["immutable_since"] = json!(t0()),
        inconsistent_backup(
            ObjectKind::BackupPolicy,
            "po-n",
            BackupDefect::VaultCannotBeImmutable,
        ),
    );
}

#[test]
fn vault_4_loaded_policy_of_another_account_elsewhere_or_later_refused() {
    tampered(
        |j| policy_record(j, "po-g")["owner"] = json!(OTHER),
        inconsistent_backup(
            ObjectKind::BackupPolicy,
            "po-g",
            BackupDefect::NotItsVaultOwners,
        ),
    );
    for missing in ["v-9", "v-x"] {
        tampered(
            |j| policy_record(j, "po-g")["vault"] = json!(missing),
            dangling(ObjectKind::BackupPolicy, "po-g", ObjectKind::Vault, missing),
        );
    }
    tampered(
        |j| policy_record(j, "po-g")["created_at"] = json!(clock() + secs(1)),
        StateError::AfterClock {
            kind: ObjectKind::BackupPolicy,
            id: "po-g".into(),
        },
    );
}

// ---------------------------------------------------------------- points

#[test]
fn vault_5_loaded_point_held_at_or_past_its_retention_end_refused() {
    let problem = BackupDefect::RetentionEnded;
    for end in [clock() - secs(1), clock()] {
        tampered(
            |j| point_record(j, "bp-d")["retention"] = until(end),
            inconsistent_backup(ObjectKind::BackupPoint, "bp-d", problem),
        );
    }
    // One second later it is still held, and time deletes it then.
    let mut json = base();
    point_record(&mut json, "bp-d")["retention"] = until(clock() + secs(1));
    let loaded = load(&json).unwrap();
    assert_eq!(loaded.next_deadline(), Some(clock() + secs(1)));
    let events = loaded.advance(clock() + secs(1)).unwrap().events;
    assert_eq!(events, vec![expired(clock() + secs(1), "bp-d")]);
}

#[test]
fn vault_4_loaded_unlocked_point_that_immutability_locks_refused() {
    let problem = BackupDefect::ShouldBeLocked;
    // In an immutable vault, of an immutable general policy, and made by an
    // ECS instance policy after it became immutable.
    for id in ["bp-2", "bp-a", "bp-g1", "bp-e-new", "bp-1r"] {
        tampered(
            |j| point_record(j, id)["locked_since"] = Value::Null,
            inconsistent_backup(ObjectKind::BackupPoint, id, problem),
        );
    }
    // An ECS instance policy's earlier point may stay unlocked; the state
    // loads as it is (see the round trip).
    let mut json = base();
    assert_eq!(
        point_record(&mut json, "bp-e-old")["locked_since"],
        Value::Null
    );
}

#[test]
fn vault_7_loaded_replica_point_less_protected_than_its_source_refused() {
    let problem = BackupDefect::LessProtectedThanSource;
    let refused = inconsistent_backup(ObjectKind::BackupPoint, "bp-g1r", problem);
    tampered(
        |j| point_record(j, "bp-g1r")["locked_since"] = Value::Null,
        refused.clone(),
    );
    tampered(
        |j| point_record(j, "bp-g1r")["retention"] = until(t0() + days(21)),
        refused.clone(),
    );
    tampered(
        |j| point_record(j, "bp-g1r")["retention"] = json!({"type": "permanent"}),
        refused.clone(),
    );
    // In a vault that is no replica of its source's.
    tampered(
        |j| point_record(j, "bp-g1r")["vault"] = json!("v-r"),
        refused,
    );
    tampered(
        |j| point_record(j, "bp-g1r")["replica_of"] = json!("bp-9"),
        dangling(
            ObjectKind::BackupPoint,
            "bp-g1r",
            ObjectKind::BackupPoint,
            "bp-9",
        ),
    );
}

#[test]
fn vault_1_loaded_point_of_another_account_or_policy_refused() {
    let kind = ObjectKind::BackupPoint;
    tampered(
        |j| point_record(j, "bp-d")["owner"] = json!(OTHER),
        inconsistent_backup(kind, "bp-d", BackupDefect::NotItsVaultOwners),
    );
    tampered(
        |j| point_record(j, "bp-d")["policy"] = json!("po-n"),
        inconsistent_backup(kind, "bp-d", BackupDefect::PolicyElsewhere),
    );
    tampered(
        |j| point_record(j, "bp-d")["policy"] = json!("po-9"),
        dangling(kind, "bp-d", ObjectKind::BackupPolicy, "po-9"),
    );
    tampered(
        |j| point_record(j, "bp-d")["vault"] = json!("v-9"),
        dangling(kind, "bp-d", ObjectKind::Vault, "v-9"),
    );
    tampered(
        |j| point_record(j, "bp-d")["vault"] = json!("v-x"),
        dangling(kind, "bp-d", ObjectKind::Vault, "v-x"),
    );
    tampered(
        |j| point_record(j, "bp-d")["snapshot"] = json!("s-9"),
        dangling(kind, "bp-d", ObjectKind::Snapshot, "s-9"),
    );
    tampered(
        |j| point_record(j, "bp-d")["created_at"] = json!(clock() + secs(1)),
        StateError::AfterClock {
            kind,
            id: "bp-d".into(),
        },
    );
}

// ---------------------------------------------------------------- GEN-4

#[test]
fn gen_4_loaded_backup_objects_recorded_twice_refused() {
    for (list, id, kind) in [
        ("vaults", "v-2", ObjectKind::Vault),
        ("policies", "po-g", ObjectKind::BackupPolicy),
        ("points", "bp-d", ObjectKind::BackupPoint),
    ] {
        tampered(
            |j| {
                let again = record(&mut j["backup"], list, id).clone();
                push(&mut j["backup"][list], again);
            },
            StateError::Duplicate {
                kind,
                id: id.into(),
            },
        );
    }
}

#[test]
fn gen_4_loaded_backup_object_both_live_and_deleted_refused_as_a_duplicate() {
    for (list, id, kind) in [
        ("vaults", "v-2", ObjectKind::Vault),
        ("policies", "po-g", ObjectKind::BackupPolicy),
        ("points", "bp-d", ObjectKind::BackupPoint),
    ] {
        tampered(
            |j| push(&mut j["backup"]["retired"][list], json!(id)),
            StateError::Duplicate {
                kind,
                id: id.into(),
            },
        );
    }
}

#[test]
fn gen_3_loaded_backup_records_need_every_field_and_no_other() {
    let mut json = base();
    vault_record(&mut json, "v-1")
        .as_object_mut()
        .unwrap()
        .remove("immutable_since");
    assert!(load(&json).is_err(), "a missing immutable_since loaded");
    let mut json = base();
    point_record(&mut json, "bp-d")["unlocks_at"] = json!(clock());
    assert!(load(&json).is_err(), "an unknown field loaded");
    let mut json = base();
    json["backup"].as_object_mut().unwrap().remove("retired");
    assert!(load(&json).is_err(), "a backup without retired ids loaded");
    // A state of no backup at all loads as empty.
    let empty = state_json(&State::new());
    assert_eq!(empty["backup"]["vaults"], json!([]));
    assert_eq!(load(&empty).unwrap(), State::new());
}

// ------------------------------------------------- impossible histories

#[test]
fn vault_3_loaded_immutability_or_lock_dated_after_the_clock_refused() {
    for (list, id, field) in [
        ("vaults", "v-1", "immutable_since"),
        ("policies", "po-g", "immutable_since"),
        ("points", "bp-1", "locked_since"),
    ] {
        let mut json = base();
        record(&mut json["backup"], list, id)[field] = json!(clock() + days(1));
        let loaded = load(&json);
        assert!(loaded.is_err(), "{id} with {field} after the clock loaded");
    }
}

#[test]
fn vault_4_loaded_point_locked_by_no_immutability_refused() {
    // bp-d: on demand, in a vault that is not immutable, no replica.
    // bp-e-old: made by an ECS instance policy before it became immutable.
    for id in ["bp-d", "bp-e-old"] {
        let mut json = base();
        point_record(&mut json, id)["locked_since"] = json!(t0() + hours(1));
        assert!(load(&json).is_err(), "{id} locked by nothing loaded");
    }
}

#[test]
fn vault_1_perm_4_loaded_point_holding_another_accounts_snapshot_refused() {
    let mut w = world();
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    let mut json = state_json(&w.state);
    point_record(&mut json, "bp-d")["snapshot"] = json!("s-o");
    assert!(
        load(&json).is_err(),
        "a backup point of OWNER holding OTHER's snapshot loaded"
    );
}

#[test]
fn vault_1_loaded_archive_vault_with_a_retention_out_of_range_refused() {
    let days = json!({"type": "archive", "retention": {"type": "days", "days": 0}});
    tampered(
        |j| vault_record(j, "v-a")["kind"] = days,
        inconsistent_backup(ObjectKind::Vault, "v-a", BackupDefect::RetentionOutOfRange),
    );
}

#[test]
fn vault_7_loaded_points_out_of_order_or_place_refused() {
    let point_kind = ObjectKind::BackupPoint;
    tampered(
        |j| point_record(j, "bp-d")["created_at"] = json!(t0() - days(1)),
        inconsistent_backup(point_kind, "bp-d", BackupDefect::BeforeItsVault),
    );
    // Its policy went with its vault; the point would have gone too.
    tampered(
        |j| point_record(j, "bp-d")["policy"] = json!("po-x"),
        inconsistent_backup(point_kind, "bp-d", BackupDefect::PolicyElsewhere),
    );
    // A replica point holds no snapshot of its own, even once its source
    // is gone.
    tampered(
        |j| point_record(j, "bp-zr")["snapshot"] = json!("s-1"),
        inconsistent_backup(point_kind, "bp-zr", BackupDefect::LessProtectedThanSource),
    );
}

#[test]
fn vault_7_deleting_a_replica_vault_and_a_vault_with_policies_leaves_the_state_a_load_rebuilds() {
    let mut w = World::with_snapshot();
    for vault in ["v-1", "v-2"] {
        w.vault(vault, VaultKind::GeneralPurpose);
    }
    w.ok(&root(OWNER), replicate_vault("v-1", "v-1r", OTHER_REGION));
    w.policy("po-1", "v-2", PolicyKind::General, false);
    w.policy("po-2", "v-2", PolicyKind::EcsInstance, false);
    w.backup("bp-1", "v-2", Some("po-1"), Some(1));
    w.backup("bp-2", "v-1", None, Some(1));
    w.ok(&Actor::Platform, replicate_point("bp-2", "bp-2r", "v-1r"));
    w.wait(days(2));
    w.ok(&root(OWNER), delete_vault("v-1r"));
    w.ok(&root(OWNER), delete_vault("v-2"));
    // The state evolved by the deletions is the state a load of its data
    // rebuilds, indexes included (`State`'s equality compares them).
    let loaded = load(&state_json(&w.state)).unwrap();
    assert_eq!(loaded, w.state);
    // What the deleted vaults held is gone from what the live vault reads.
    assert!(w.state.vault_report(&"v-1".into(), w.now).is_some());
    assert_eq!(w.state.backup_points_of(&"v-2".into()).count(), 0);
}
