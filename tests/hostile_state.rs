//! Hostile serialized states: a state whose JSON breaks an invariant
//! (duplicate or dangling ids, a lock expiring after its retention (LOCK-4), a
//! cooling-off ending after its expiry (LOCK-1), a retention ended before the
//! clock (SNAP-2), malformed values) is refused on load or released at once;
//! states at chrono's extreme instants round-trip (GEN-5).

mod common;
mod hostile_support;

use chrono::{DateTime, Utc};
use common::*;
use hostile_support::*;
use serde_json::Value;
use snapguard::{CreateImage, DeleteSnapshot, Limits, State, Statement};

fn state_json(state: &State) -> Value {
    serde_json::to_value(state).unwrap()
}

fn load(json: &Value) -> Result<State, serde_json::Error> {
    serde_json::from_str(&json.to_string())
}

fn snapshot_json<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    json["snapshots"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn instant(t: DateTime<Utc>) -> Value {
    serde_json::to_value(t).unwrap()
}

/// A state with every kind of object: s-2 retained 60 days and locked 30
/// days with 24 hours of cooling-off, an automatic snapshot, a user, an image.
fn rich_world() -> World {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-2", 30, 24);
    w.auto_snapshot("d-1", "a-1");
    w.user(OWNER, "alice", vec![Statement::allow(["ecs:*"], ["*"])]);
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w
}

// ---------------------------------------------------------------------------
// Serialized states that break invariants
// ---------------------------------------------------------------------------

#[test]
fn hostile_state_json_with_duplicate_snapshot_ids_is_refused() {
    let w = rich_world();
    // The mutations start from this JSON, which loads.
    assert_eq!(load(&state_json(&w.state)).unwrap(), w.state);
    let mut json = state_json(&w.state);
    let first = json["snapshots"][0].clone();
    json["snapshots"].as_array_mut().unwrap().push(first);
    assert!(load(&json).is_err());
    // Even when the two records differ in everything but the id.
    let mut json = state_json(&w.state);
    let mut twin = json["snapshots"][0].clone();
    twin["size_gib"] = 99.into();
    json["snapshots"].as_array_mut().unwrap().push(twin);
    assert!(load(&json).is_err());
}

#[test]
fn hostile_state_json_with_snapshot_of_a_missing_account_is_refused() {
    let w = rich_world();
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-1")["owner"] = "9999".into();
    assert!(load(&json).is_err());
    // Removing the account instead is refused too.
    let mut json = state_json(&w.state);
    json["accounts"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["id"] != OWNER);
    assert!(load(&json).is_err());
}

#[test]
fn hostile_state_json_with_lock_expiring_after_retention_is_refused() {
    let w = rich_world();
    let mut json = state_json(&w.state);
    // s-2 is retained until t0 + 60 days; its lock now expires a day later.
    snapshot_json(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(61));
    assert!(load(&json).is_err());
    // A lock on the retention end exactly is fine.
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(60));
    let state = load(&json).unwrap();
    assert_eq!(
        state.snapshot(&sid("s-2")).unwrap().lock.unwrap().expiry,
        t0() + days(60)
    );
}

#[test]
fn hostile_state_json_with_other_broken_invariants_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut cases: Vec<(&str, Value)> = Vec::new();
    for list in ["accounts", "regions", "disks", "images", "users"] {
        let mut json = base.clone();
        let first = json[list][0].clone();
        json[list].as_array_mut().unwrap().push(first);
        cases.push(("duplicate", json));
    }
    let dangling: [(&str, &str, &str); 5] = [
        ("disks", "owner", "9999"),
        ("disks", "region", "xx-404"),
        ("snapshots", "region", "xx-404"),
        ("images", "owner", "9999"),
        ("users", "account", "9999"),
    ];
    for (list, field, value) in dangling {
        let mut json = base.clone();
        json[list][0][field] = value.into();
        cases.push(("dangling", json));
    }
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["created_at"] = instant(t0() + days(1));
    cases.push(("snapshot after the clock", json));
    let mut json = base.clone();
    json["clock"] = Value::Null;
    cases.push(("objects without a clock", json));
    let mut json = base.clone();
    json["limits"]["auto_snapshots_per_disk"] = 0.into();
    cases.push(("automatic snapshots over the limit", json));
    let mut json = base.clone();
    json["retired"]["snapshots"] = serde_json::json!(["s-1"]);
    cases.push(("live id also retired", json));
    let mut json = base.clone();
    json["shares"] = serde_json::json!([]);
    cases.push(("unknown field", json));
    for (what, json) in cases {
        assert!(load(&json).is_err(), "{what}: {json}");
    }
}

#[test]
fn hostile_state_json_with_malformed_values_is_an_error() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut cases: Vec<Value> = Vec::new();
    let mut json = base.clone();
    json["clock"] = "yesterday".into();
    cases.push(json);
    let mut json = base.clone();
    json["clock"] = "+999999-01-01T00:00:00Z".into();
    cases.push(json);
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["size_gib"] = (-1).into();
    cases.push(json);
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["status"] = "exploded".into();
    cases.push(json);
    let mut json = base.clone();
    json["limits"]["max_lock_days"] = serde_json::json!(4_294_967_296u64);
    cases.push(json);
    let mut json = base.clone();
    json["snapshots"] = serde_json::json!({"s-1": {}});
    cases.push(json);
    for json in cases {
        assert!(load(&json).is_err(), "{json}");
    }
    for text in ["", "{", "null", "[]", "{\"clock\": null}"] {
        assert!(serde_json::from_str::<State>(text).is_err(), "{text:?}");
    }
}

#[test]
fn hostile_state_json_with_retention_ended_before_its_clock_does_not_keep_the_snapshot() {
    // No accepted history holds a snapshot whose retention ended at or
    // before the latest recorded instant: the release is recorded at its end
    // (SNAP-2). Such a state must be refused, or the snapshot released at
    // the next catch-up; it must never live on unreleased.
    let w = rich_world();
    let mut json = state_json(&w.state);
    json["clock"] = instant(t0() + days(90));
    match load(&json) {
        Err(_) => {}
        Ok(state) => {
            let advanced = state.advance(t0() + days(90)).unwrap();
            assert!(
                advanced.state.snapshot(&sid("s-2")).is_none(),
                "s-2's retention ended at t0 + 60 days but it is kept at t0 + 90 days"
            );
            let delete = DeleteSnapshot {
                snapshot: "s-2".into(),
            }
            .into();
            let refusal = state
                .apply(t0() + days(90), &root(OWNER), &delete)
                .map(|t| t.events);
            assert!(
                refusal.is_err(),
                "a released snapshot was deleted: {refusal:?}"
            );
        }
    }
}

#[test]
fn hostile_state_json_with_cool_off_ending_after_expiry_is_refused() {
    // LOCK-1: the cooling-off counts inside the duration, so no accepted
    // history holds a lock whose cooling-off ends after it expires.
    let w = rich_world();
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-2")["lock"]["cool_off_end"] = instant(t0() + days(40));
    assert!(load(&json).is_err());
}

#[test]
fn hostile_states_at_the_extreme_instants_round_trip_through_json() {
    let mut at_max = World::new();
    populate(&mut at_max);
    at_max.at(MAX);
    at_max.ok(&root(OWNER), create_snapshot_of_d1("s-3", None));
    let mut at_min = World::starting_at(MIN, Limits::default());
    populate(&mut at_min);
    for w in [at_max, at_min] {
        let text = serde_json::to_string(&w.state).unwrap();
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back, w.state);
        assert_eq!(back.clock(), Some(w.now));
    }
}
