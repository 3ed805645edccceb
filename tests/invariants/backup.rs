//! Every Cloud Backup invariant the load checker enforces, broken once
//! through JSON: one test per [`BackupDefect`], each reported as
//! [`StateError::InconsistentBackup`] with the defect's rule (see
//! `tests/invariants/state.rs` for the other variants and
//! `tests/invariants/guard.rs` for the list of all).
//!
//! Each test builds a valid state with commands, serializes it, tampers with
//! the JSON so that it breaks exactly one invariant, and checks that
//! `UncheckedState::check` reports exactly that error with its rule, and
//! that deserializing a `State` refuses the JSON.

use crate::common;
use crate::invariants_support;
use crate::load_support;
use crate::vault_support;

use chrono::{DateTime, Utc};
use common::*;
use invariants_support::*;
use load_support::*;
use serde_json::{Value, json};
use snapguard::{Actor, BackupDefect, ObjectKind, PolicyKind, RuleId, VaultKind};
use vault_support::*;

/// The clock of [`world`]: t0 + 2 hours.
fn clock() -> DateTime<Utc> {
    t0() + hours(2)
}

/// At t0: OTHER's snapshot s-o; OWNER's s-1 and vaults v-1
/// (general-purpose, replicated into v-r in OTHER_REGION), v-2
/// (general-purpose, replicated into v-2r), v-n (NAS free-30-days) and v-a
/// (archive of 30 days); policies po-g (general, immutable from creation,
/// into v-2) and po-n (into v-n); points in v-2: bp-g1 and bp-g2 by po-g
/// (locked, 20 days; bp-g1 replicated into v-2r as bp-g1r) and bp-d on
/// demand (unlocked, 30 days). At t0+1h v-1 (with v-r) and v-a become immutable; at t0+2h the
/// point bp-a is made in v-a (locked).
fn world() -> World {
    let mut w = World::with_snapshot();
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    for (vault, kind) in [
        ("v-1", VaultKind::GeneralPurpose),
        ("v-2", VaultKind::GeneralPurpose),
        ("v-n", VaultKind::NasFree30Days),
        ("v-a", archive_days(30)),
    ] {
        w.vault(vault, kind);
    }
    for (vault, replica) in [("v-1", "v-r"), ("v-2", "v-2r")] {
        w.ok(&root(OWNER), replicate_vault(vault, replica, OTHER_REGION));
    }
    w.policy("po-g", "v-2", PolicyKind::General, true);
    w.policy("po-n", "v-n", PolicyKind::General, false);
    w.backup("bp-g1", "v-2", Some("po-g"), Some(20));
    w.backup("bp-g2", "v-2", Some("po-g"), Some(20));
    w.backup("bp-d", "v-2", None, Some(30));
    w.ok(&Actor::Platform, replicate_point("bp-g1", "bp-g1r", "v-2r"));
    w.wait(hours(1));
    w.make_immutable(on_vault("v-1"));
    w.make_immutable(on_vault("v-a"));
    w.wait(hours(1));
    w.backup("bp-a", "v-a", None, None);
    assert_eq!(w.state.clock(), Some(clock()));
    assert!(w.immutable("v-r"), "a replica follows its source");
    assert!(w.bp("bp-g1r").locked_since.is_some());
    assert!(w.bp("bp-a").locked_since.is_some());
    w
}

/// The JSON of [`world`] edited by `edit`.
fn tampered(edit: impl FnOnce(&mut Value)) -> Value {
    let mut json = state_json(&world().state);
    edit(&mut json);
    json
}

#[test]
fn valid_backup_state_checks_ok_and_equal_to_the_original() {
    let w = world();
    let json = state_json(&w.state);
    let unchecked: snapguard::UncheckedState = serde_json::from_value(json).unwrap();
    assert_eq!(unchecked.check(), Ok(w.state));
}

#[test]
fn vault_2_immutable_vault_of_a_kind_without_immutability_is_reported() {
    let json = tampered(|j| vault_record(j, "v-n")["immutable_since"] = instant(clock()));
    let defect = BackupDefect::KindCannotBeImmutable;
    let expected = inconsistent_backup(ObjectKind::Vault, "v-n", defect);
    reported(&json, expected, RuleId::Vault2);
}

#[test]
fn vault_2_immutable_policy_of_a_vault_without_immutability_is_reported() {
    let json = tampered(|j| policy_record(j, "po-n")["immutable_since"] = instant(t0()));
    let defect = BackupDefect::VaultCannotBeImmutable;
    let expected = inconsistent_backup(ObjectKind::BackupPolicy, "po-n", defect);
    reported(&json, expected, RuleId::Vault2);
}

#[test]
fn vault_1_archive_vault_retention_out_of_range_is_reported() {
    let kind = json!({"type": "archive", "retention": {"type": "days", "days": 0}});
    let json = tampered(|j| vault_record(j, "v-a")["kind"] = kind);
    let defect = BackupDefect::RetentionOutOfRange;
    assert_eq!(defect.to_string(), "its retention is out of range");
    let expected = inconsistent_backup(ObjectKind::Vault, "v-a", defect);
    reported(&json, expected, RuleId::Vault1);
}

#[test]
fn vault_7_replica_vault_unlike_its_source_is_reported() {
    let defect = BackupDefect::ReplicaUnlikeSource;
    // In its source's region.
    let json = tampered(|j| vault_record(j, "v-r")["region"] = json!(REGION));
    let expected = inconsistent_backup(ObjectKind::Vault, "v-r", defect);
    reported(&json, expected, RuleId::Vault7);
    // Of another kind.
    let json = tampered(|j| vault_record(j, "v-2r")["kind"] = json!({"type": "database"}));
    let expected = inconsistent_backup(ObjectKind::Vault, "v-2r", defect);
    reported(&json, expected, RuleId::Vault7);
}

#[test]
fn perm_4_policy_or_point_of_another_account_than_its_vault_is_reported() {
    let defect = BackupDefect::NotItsVaultOwners;
    let json = tampered(|j| policy_record(j, "po-g")["owner"] = json!(OTHER));
    let expected = inconsistent_backup(ObjectKind::BackupPolicy, "po-g", defect);
    reported(&json, expected, RuleId::Perm4);
    let json = tampered(|j| point_record(j, "bp-d")["owner"] = json!(OTHER));
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    reported(&json, expected, RuleId::Perm4);
}

#[test]
fn gen_2_policy_or_point_created_before_its_vault_is_reported() {
    let defect = BackupDefect::BeforeItsVault;
    let json = tampered(|j| policy_record(j, "po-g")["created_at"] = instant(t0() - secs(1)));
    let expected = inconsistent_backup(ObjectKind::BackupPolicy, "po-g", defect);
    reported(&json, expected, RuleId::Gen2);
    let json = tampered(|j| point_record(j, "bp-d")["created_at"] = instant(t0() - secs(1)));
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    reported(&json, expected, RuleId::Gen2);
    // A replica point made before its source (made, and locked, later).
    let json = tampered(|j| {
        point_record(j, "bp-g1")["created_at"] = instant(t0() + secs(1));
        point_record(j, "bp-g1")["locked_since"] = instant(t0() + secs(1));
    });
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-g1r", defect);
    reported(&json, expected, RuleId::Gen2);
}

#[test]
fn gen_2_immutability_or_lock_dated_outside_its_life_is_reported() {
    let defect = BackupDefect::Undated;
    // A vault immutable after the clock.
    let json = tampered(|j| vault_record(j, "v-1")["immutable_since"] = instant(clock() + secs(1)));
    let expected = inconsistent_backup(ObjectKind::Vault, "v-1", defect);
    reported(&json, expected, RuleId::Gen2);
    // A policy immutable before it existed.
    let json = tampered(|j| policy_record(j, "po-g")["immutable_since"] = instant(t0() - secs(1)));
    let expected = inconsistent_backup(ObjectKind::BackupPolicy, "po-g", defect);
    reported(&json, expected, RuleId::Gen2);
    // A point locked after the clock.
    let json = tampered(|j| point_record(j, "bp-a")["locked_since"] = instant(clock() + secs(1)));
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-a", defect);
    reported(&json, expected, RuleId::Gen2);
}

#[test]
fn perm_4_point_holding_another_accounts_snapshot_is_reported() {
    let json = tampered(|j| point_record(j, "bp-d")["snapshot"] = json!("s-o"));
    let defect = BackupDefect::OthersSnapshot;
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    reported(&json, expected, RuleId::Perm4);
}

#[test]
fn gen_4_point_of_a_policy_of_another_vault_or_gone_is_reported() {
    let defect = BackupDefect::PolicyElsewhere;
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    // po-n backs up into v-n, not v-2.
    let json = tampered(|j| point_record(j, "bp-d")["policy"] = json!("po-n"));
    reported(&json, expected.clone(), RuleId::Gen4);
    // A deleted policy: policies go only with their vault, and its points.
    let json = tampered(|j| {
        push(&mut j["backup"]["retired"]["policies"], json!("po-x"));
        point_record(j, "bp-d")["policy"] = json!("po-x");
    });
    reported(&json, expected, RuleId::Gen4);
}

#[test]
fn vault_5_point_held_at_its_retention_end_is_reported() {
    let end = json!({"type": "until", "end": clock()});
    let json = tampered(|j| point_record(j, "bp-d")["retention"] = end);
    let defect = BackupDefect::RetentionEnded;
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    reported(&json, expected, RuleId::Vault5);
}

#[test]
fn vault_4_unlocked_point_that_immutability_locks_is_reported() {
    let defect = BackupDefect::ShouldBeLocked;
    // In an immutable vault.
    let json = tampered(|j| point_record(j, "bp-a")["locked_since"] = Value::Null);
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-a", defect);
    reported(&json, expected, RuleId::Vault4);
    // Made by an immutable general policy.
    let json = tampered(|j| point_record(j, "bp-g2")["locked_since"] = Value::Null);
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-g2", defect);
    reported(&json, expected, RuleId::Vault4);
}

#[test]
fn vault_4_locked_point_nothing_could_lock_is_reported() {
    // bp-d: on demand, in a vault that is not immutable, no replica.
    let json = tampered(|j| point_record(j, "bp-d")["locked_since"] = instant(t0() + hours(1)));
    let defect = BackupDefect::NothingCouldLock;
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-d", defect);
    reported(&json, expected, RuleId::Vault4);
}

#[test]
fn vault_7_replica_point_less_protected_than_its_source_is_reported() {
    let defect = BackupDefect::LessProtectedThanSource;
    let expected = inconsistent_backup(ObjectKind::BackupPoint, "bp-g1r", defect);
    // Unlocked although its source is locked.
    let json = tampered(|j| point_record(j, "bp-g1r")["locked_since"] = Value::Null);
    reported(&json, expected.clone(), RuleId::Vault7);
    // Kept for less time than its source.
    let end = json!({"type": "until", "end": t0() + days(10)});
    let json = tampered(|j| point_record(j, "bp-g1r")["retention"] = end);
    reported(&json, expected, RuleId::Vault7);
}
