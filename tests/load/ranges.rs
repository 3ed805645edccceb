//! Loading refuses durations no command gives: a lock longer than any
//! lock set or extended by the clock (LOCK-1), retentions out of their
//! ranges (SNAP-5, ARCH-2) or beyond what a backup point's vault gives
//! (VAULT-1); an archived snapshot that cannot be archived (ARCH-5); and a
//! copy whose source is itself (COPY-5).
//!
//! Each test builds a valid state with commands (`load_fixtures::world`),
//! serializes it, tampers with the JSON, and checks that
//! `UncheckedState::check` reports the `StateError` with its rule, and
//! that deserializing a `State` refuses the JSON.

use crate::common;
use crate::invariants_support;
use crate::load_fixtures;
use crate::load_support;

use common::*;
use invariants_support::*;
use load_fixtures::*;
use load_support::*;
use serde_json::{Value, json};
use snapguard::{BackupDefect, CopyDefect, Limits, ObjectKind, RuleId, StateError};

fn snapshot<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(json, "snapshots", id)
}

fn until(end: chrono::DateTime<chrono::Utc>) -> Value {
    json!({"type": "until", "end": instant(end)})
}

// ---------------------------------------------------------------- LOCK-1

#[test]
fn lock_1_lock_expiring_beyond_any_duration_is_reported() {
    // s-2's lock started at t0. An extension counts its duration from its
    // own instant (LOCK-8), the clock at the latest: no lock set or
    // extended by then expires after the clock plus 36,500 days.
    let mut json = base();
    let beyond = clock() + days(36_500) + secs(1);
    snapshot(&mut json, "s-2")["lock"]["expiry"] = instant(beyond);
    let expected = StateError::LockOutOfRange(sid("s-2"));
    reported(&json, expected, RuleId::Lock1);
}

#[test]
fn lock_1_lock_extended_past_its_start_plus_the_longest_duration_round_trips() {
    // Locked 36,500 days at t0, extended by 36,500 days a day before it
    // expires: its expiry is 72,999 days after its start.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.lock("s-1", 36_500, 0);
    w.wait(days(36_499));
    w.lock("s-1", 36_500, 0);
    let lock = get(&w, "s-1").lock.unwrap();
    assert_eq!(lock.expiry - lock.start, days(72_999));
    round_trips(&w.state);
}

// ---------------------------------------------------------------- SNAP-5, ARCH-2

#[test]
fn snap_5_retention_out_of_range_is_reported() {
    let expected = |id: &str| StateError::RetentionOutOfRange(sid(id));
    // s-3 was taken at t0: its retention ends 1 to 65,536 days later.
    let mut json = base();
    snapshot(&mut json, "s-3")["retention"] = until(t0() + days(65_537));
    reported(&json, expected("s-3"), RuleId::Snap5);
    // s-late was taken at the clock: 23 hours is under a day.
    let mut json = base();
    snapshot(&mut json, "s-late")["retention"] = until(clock() + hours(23));
    reported(&json, expected("s-late"), RuleId::Snap5);
    // At the bounds, or permanent, it loads.
    let mut json = base();
    snapshot(&mut json, "s-3")["retention"] = until(t0() + days(65_536));
    snapshot(&mut json, "s-late")["retention"] = until(clock() + days(1));
    assert_eq!(broken(&json), []);
    snapshot(&mut json, "s-3")["retention"] = json!({"type": "permanent"});
    assert_eq!(broken(&json), []);
}

#[test]
fn arch_2_archived_snapshot_retention_out_of_range_is_reported() {
    // s-ar was taken at t0 and archived at t0 + 14 days; its archive
    // retention counts from its creation, 74 to 65,536 days, and ends
    // after the instant of archiving; or it is permanent.
    let archived_at = t0() + days(14);
    let expected = StateError::ArchiveRetentionOutOfRange(sid("s-ar"));
    for end in [archived_at + days(11), t0() + days(65_537)] {
        let mut json = base();
        snapshot(&mut json, "s-ar")["retention"] = until(end);
        reported(&json, expected.clone(), RuleId::Arch2);
    }
    // One ending by the instant of archiving has ended by the clock too:
    // it is held past its retention (SNAP-2).
    for end in [t0() + days(74), t0() + days(65_536)] {
        let mut json = base();
        snapshot(&mut json, "s-ar")["retention"] = until(end);
        assert_eq!(broken(&json), []);
    }
    let mut json = base();
    snapshot(&mut json, "s-ar")["retention"] = json!({"type": "permanent"});
    assert_eq!(broken(&json), []);
}

#[test]
fn arch_5_archived_snapshot_that_cannot_be_archived_is_reported() {
    // Made by Cloud Backup.
    let mut json = base();
    snapshot(&mut json, "s-ar")["origin"] = json!({"type": "cloud_backup"});
    let expected = StateError::ArchivedUnarchivable(sid("s-ar"));
    reported(&json, expected, RuleId::Arch5);
    // Encrypted: s-k2, of the key-encrypted d-k, archived when 14 days old.
    let mut json = base();
    let archived = json!({"type": "archive", "archived_at": instant(t0() + days(14))});
    snapshot(&mut json, "s-k2")["tier"] = archived;
    let expected = StateError::ArchivedUnarchivable(sid("s-k2"));
    reported(&json, expected, RuleId::Arch5);
}

// ---------------------------------------------------------------- VAULT-1

#[test]
fn vault_1_backup_point_retention_beyond_its_vault_is_reported() {
    let expected = |id: &str| StateError::InconsistentBackup {
        kind: ObjectKind::BackupPoint,
        id: id.into(),
        defect: BackupDefect::RetentionOutOfRange,
    };
    // v-a keeps its points 30 days: none is permanent.
    let mut json = base();
    point_record(&mut json, "bp-1")["retention"] = json!({"type": "permanent"});
    reported(&json, expected("bp-1"), RuleId::Vault1);
    // Days given count from the point's creation, up to 65,536.
    let mut json = base();
    point_record(&mut json, "bp-2")["retention"] = until(t0() + days(65_537));
    reported(&json, expected("bp-2"), RuleId::Vault1);
    let mut json = base();
    point_record(&mut json, "bp-2")["retention"] = until(t0() + days(65_536));
    assert_eq!(broken(&json), []);
}

// ---------------------------------------------------------------- COPY-5

#[test]
fn copy_5_copy_of_itself_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-1")["origin"]["source"] = json!("c-1");
    let expected = StateError::ImpossibleCopy {
        copy: sid("c-1"),
        defect: CopyDefect::OwnSource,
    };
    assert!(
        expected
            .to_string()
            .ends_with("its source is itself or a copy of it"),
        "{expected}"
    );
    reported(&json, expected, RuleId::Copy5);
    // Two copies of each other.
    let mut json = base();
    snapshot(&mut json, "c-1")["origin"]["source"] = json!("c-2");
    snapshot(&mut json, "c-2")["origin"]["source"] = json!("c-1");
    let expected: Vec<StateError> = ["c-1", "c-2"]
        .into_iter()
        .map(|copy| StateError::ImpossibleCopy {
            copy: sid(copy),
            defect: CopyDefect::OwnSource,
        })
        .collect();
    assert_eq!(broken(&json), expected);
    assert!(load(&json).is_err());
}

#[test]
fn limits_of_the_world_are_the_defaults() {
    // The figures the tests above count with.
    assert_eq!(world().state.limits(), &Limits::default());
}
