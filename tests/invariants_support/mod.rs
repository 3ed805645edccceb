//! Helpers for the invariant tests (`tests/invariants*.rs`): check that a
//! tampered JSON state breaks exactly one invariant, with its rule.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde_json::Value;
use snapguard::{RuleId, State, StateError, UncheckedState};

/// An instant as JSON.
pub fn instant(t: DateTime<Utc>) -> Value {
    serde_json::to_value(t).unwrap()
}

/// `json` breaks exactly the invariant `expected`, of rule `rule`: the
/// checker reports it and nothing else, and loading a [`State`] from it is
/// refused with it.
#[track_caller]
pub fn reported(json: &Value, expected: StateError, rule: RuleId) {
    let unchecked: UncheckedState =
        serde_json::from_value(json.clone()).expect("the tampered JSON is well-formed");
    let errors = unchecked
        .check()
        .expect_err("the tampered state passed every check");
    assert_eq!(
        errors,
        std::slice::from_ref(&expected),
        "reported: {errors:?}"
    );
    assert_eq!(errors[0].rule(), rule, "{:?}", errors[0]);
    let refused = serde_json::from_value::<State>(json.clone());
    let error = refused.expect_err("a State loaded from the tampered JSON");
    // `from_value` reports the error of the state's `TryFrom` as is.
    assert_eq!(error.to_string(), expected.to_string());
}
