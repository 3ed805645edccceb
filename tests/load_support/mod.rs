//! Helpers for the tests of loading a state: serialize it to JSON, tamper
//! with the JSON, and check the load is refused with the expected error.
#![allow(dead_code)]

use serde_json::Value;
use snapguard::{BackupDefect, ObjectKind, State, StateError, UncheckedState};

/// The state as JSON.
pub fn state_json(state: &State) -> Value {
    serde_json::to_value(state).unwrap()
}

/// Loads a state from JSON.
pub fn load(json: &Value) -> Result<State, serde_json::Error> {
    serde_json::from_value(json.clone())
}

/// Every invariant `json` breaks, as [`UncheckedState::check`] reports them.
#[track_caller]
pub fn broken(json: &Value) -> Vec<StateError> {
    let unchecked: UncheckedState = serde_json::from_value(json.clone()).unwrap();
    unchecked.check().err().unwrap_or_default()
}

/// Loading `json` is refused with exactly `expected`, and the invariant
/// checker reports it first (one defect may break more than one invariant:
/// a key without KMS also makes its copies impossible).
#[track_caller]
pub fn refused_as(json: &Value, expected: StateError) {
    match load(json) {
        Ok(_) => panic!("loaded, expected {expected:?}"),
        // `from_value` reports the error of the state's `TryFrom` as is.
        Err(e) => assert_eq!(e.to_string(), expected.to_string()),
    }
    let broken = broken(json);
    assert_eq!(broken.first(), Some(&expected), "all reported: {broken:?}");
}

/// The record with `id` in the top-level list `list`.
#[track_caller]
pub fn record<'a>(json: &'a mut Value, list: &str, id: &str) -> &'a mut Value {
    json[list]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {list} {id}"))
}

/// Appends `item` to the JSON list `value`.
pub fn push(value: &mut Value, item: Value) {
    value.as_array_mut().unwrap().push(item);
}

/// The vault `id` in the JSON of a state.
#[track_caller]
pub fn vault_record<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(&mut json["backup"], "vaults", id)
}

/// The backup policy `id` in the JSON of a state.
#[track_caller]
pub fn policy_record<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(&mut json["backup"], "policies", id)
}

/// The backup point `id` in the JSON of a state.
#[track_caller]
pub fn point_record<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(&mut json["backup"], "points", id)
}

/// The error refusing the Cloud Backup object `id` of `kind` for `defect`.
pub fn inconsistent_backup(kind: ObjectKind, id: &str, defect: BackupDefect) -> StateError {
    StateError::InconsistentBackup {
        kind,
        id: id.into(),
        defect,
    }
}
