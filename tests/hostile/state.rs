//! Hostile serialized states: a state whose JSON breaks an invariant
//! (duplicate or dangling ids, a lock expiring after its retention (LOCK-4), a
//! cooling-off ending after its expiry (LOCK-1), a retention ended before the
//! clock (SNAP-2), malformed values) is refused on load or released at once;
//! states at chrono's extreme instants round-trip (GEN-5).

use crate::common;
use crate::hostile_support;

use chrono::{DateTime, Utc};
use common::*;
use hostile_support::*;
use serde_json::Value;
use snapguard::{
    Actor, CreateImage, DeleteSnapshot, Event, Limits, Lock, Retention, State, Statement,
};

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
    w.ok(&root(OWNER), CreateImage::new("i-1", "s-1"));
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
    json["no_such_field"] = serde_json::json!([]);
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
            let delete = DeleteSnapshot::new("s-2").into();
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

// ---------------------------------------------------------------------------
// Missing, renamed and unknown fields
// ---------------------------------------------------------------------------

/// Loads `json`, which must be refused with an error whose message holds
/// `needle`.
#[track_caller]
fn refused_with(json: &Value, needle: &str) {
    match load(json) {
        Ok(_) => panic!("accepted, expected an error with {needle:?}: {json}"),
        Err(e) => assert!(e.to_string().contains(needle), "{e}, not {needle:?}"),
    }
}

#[test]
fn lock_10_state_json_with_a_lock_field_renamed_or_missing_is_refused() {
    // Were `lock` to default to none, a locked snapshot (s-2) would load
    // unlocked and could be deleted.
    let w = rich_world();
    let mut json = state_json(&w.state);
    let s2 = snapshot_json(&mut json, "s-2");
    let lock = s2["lock"].take();
    s2.as_object_mut().unwrap().remove("lock");
    s2["lok"] = lock;
    refused_with(&json, "unknown field `lok`");
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-2")
        .as_object_mut()
        .unwrap()
        .remove("lock");
    refused_with(&json, "missing field `lock`");
    // An unlocked snapshot says so with `null`, never by omission.
    let mut json = state_json(&w.state);
    assert_eq!(snapshot_json(&mut json, "s-1")["lock"], Value::Null);
    snapshot_json(&mut json, "s-1")
        .as_object_mut()
        .unwrap()
        .remove("lock");
    refused_with(&json, "missing field `lock`");
}

#[test]
fn hostile_state_json_with_an_optional_field_missing_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut json = base.clone();
    json["accounts"][0]
        .as_object_mut()
        .unwrap()
        .remove("overdue_since");
    refused_with(&json, "missing field `overdue_since`");
    let mut json = base.clone();
    json.as_object_mut().unwrap().remove("clock");
    refused_with(&json, "missing field `clock`");
}

#[test]
fn hostile_state_json_with_an_unknown_field_in_any_record_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut records: Vec<fn(&mut Value) -> &mut Value> = vec![
        |j| &mut j["accounts"][0],
        |j| &mut j["users"][0],
        |j| &mut j["regions"][0],
        |j| &mut j["disks"][0],
        |j| &mut j["images"][0],
        |j| &mut j["limits"],
        |j| &mut j["retired"],
    ];
    records.push(|j| snapshot_json(j, "s-1"));
    records.push(|j| &mut snapshot_json(j, "s-2")["lock"]);
    for record in records {
        let mut json = base.clone();
        record(&mut json)["extra"] = true.into();
        refused_with(&json, "unknown field `extra`");
    }
}

#[test]
fn hostile_state_json_missing_a_limit_loads_it_at_its_default() {
    // Older states, written before a limit existed, still load.
    let w = rich_world();
    let mut json = state_json(&w.state);
    json["limits"]
        .as_object_mut()
        .unwrap()
        .remove("archive_min_storage_days");
    let state = load(&json).unwrap();
    assert_eq!(state, w.state);
}

#[test]
fn gen_4_state_json_without_its_retired_ids_is_refused() {
    // Forgetting the deleted ids would let a new object take one (GEN-4).
    let mut w = rich_world();
    w.ok(&root(OWNER), delete("a-1"));
    let base = state_json(&w.state);
    assert_eq!(base["retired"]["snapshots"], serde_json::json!(["a-1"]));
    assert_eq!(load(&base).unwrap(), w.state);
    let mut json = base.clone();
    json.as_object_mut().unwrap().remove("retired");
    refused_with(&json, "missing field `retired`");
    for list in ["snapshots", "disks", "images"] {
        let mut json = base.clone();
        json["retired"].as_object_mut().unwrap().remove(list);
        refused_with(&json, &format!("missing field `{list}`"));
    }
}

// ---------------------------------------------------------------------------
// References, LOCK-3, automatic snapshots, the clock and the limits
// ---------------------------------------------------------------------------

#[test]
fn hostile_state_json_referring_to_an_object_that_never_existed_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str); 6] = [
        (
            |j| snapshot_json(j, "s-1")["origin"]["disk"] = "d-404".into(),
            "refers to disk `d-404`",
        ),
        (
            |j| {
                snapshot_json(j, "s-1")["origin"] = serde_json::json!({"type": "copy", "source": "s-404", "root": {"type": "disk", "id": "d-1"}, "imported_image": false});
            },
            "refers to snapshot `s-404`",
        ),
        (
            |j| j["images"][0]["region"] = "xx-404".into(),
            "refers to region `xx-404`",
        ),
        (
            |j| j["images"][0]["source"]["id"] = "s-404".into(),
            "refers to snapshot `s-404`",
        ),
        (
            |j| j["disks"][0]["source"] = serde_json::json!({"type": "snapshot", "id": "s-404"}),
            "refers to snapshot `s-404`",
        ),
        (
            |j| j["disks"][0]["source"] = serde_json::json!({"type": "image", "id": "i-404"}),
            "refers to image `i-404`",
        ),
    ];
    for (mutate, needle) in cases {
        let mut json = base.clone();
        mutate(&mut json);
        refused_with(&json, needle);
    }
}

#[test]
fn gen_4_state_json_referring_to_deleted_objects_loads() {
    // What an object was made from may be gone: s-1 of a released disk, an
    // image of a deleted snapshot, a disk of a deleted image.
    let mut w = rich_world();
    w.ok(
        &root(OWNER),
        blank_disk_in_main_region("d-2").source(snapguard::DiskSource::Image("i-1".into())),
    );
    w.ok(&root(OWNER), snapguard::DeleteImage::new("i-1"));
    w.ok(&root(OWNER), delete("s-1"));
    w.ok(&root(OWNER), CreateImage::new("i-2", "s-2"));
    w.ok(&root(OWNER), delete("a-1"));
    w.ok(&root(OWNER), snapguard::ReleaseDisk::new("d-1"));
    assert!(w.exists("s-2") && w.state.disk(&"d-1".into()).is_none());
    assert_eq!(load(&state_json(&w.state)).unwrap(), w.state);
}

#[test]
fn lock_3_state_json_with_a_lock_on_a_backup_or_unavailable_snapshot_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut json = base.clone();
    snapshot_json(&mut json, "s-2")["origin"] = serde_json::json!({"type": "cloud_backup"});
    refused_with(&json, "snapshot `s-2` holds a lock it cannot hold");
    for status in ["in_progress", "failed"] {
        let mut json = base.clone();
        snapshot_json(&mut json, "s-2")["status"] = status.into();
        refused_with(&json, "snapshot `s-2` holds a lock it cannot hold");
    }
}

#[test]
fn lock_11_state_json_with_an_automatic_snapshot_not_of_a_disk_is_refused() {
    let w = rich_world();
    for origin in [
        serde_json::json!({"type": "cloud_backup"}),
        serde_json::json!({"type": "copy", "source": "s-1", "root": {"type": "disk", "id": "d-1"}, "imported_image": false}),
    ] {
        let mut json = state_json(&w.state);
        snapshot_json(&mut json, "a-1")["origin"] = origin;
        refused_with(&json, "automatic snapshot `a-1` was not taken of a disk");
    }
}

#[test]
fn gen_2_state_json_with_an_account_region_or_image_after_its_clock_is_refused() {
    let w = rich_world();
    let later = instant(w.now + secs(1));
    for (list, needle) in [
        ("accounts", "account `1001` was created after"),
        ("regions", "region `cn-hangzhou` was created after"),
        ("images", "image `i-1` was created after"),
    ] {
        let mut json = state_json(&w.state);
        json[list][0]["created_at"] = later.clone();
        refused_with(&json, needle);
    }
}

#[test]
fn lock_1_state_json_with_incoherent_limits_is_refused() {
    let w = rich_world();
    let cases = [
        ("min_lock_days", 0, "min_lock_days"),
        ("min_lock_days", 36_501, "min_lock_days"),
        ("max_lock_days", 0, "min_lock_days"),
        ("min_retention_days", 65_537, "min_retention_days"),
        (
            "max_archive_retention_days",
            73,
            "min_archive_retention_days",
        ),
    ];
    for (field, value, blamed) in cases {
        let mut json = state_json(&w.state);
        json["limits"][field] = value.into();
        refused_with(&json, &format!("the limit `{blamed}` is incoherent"));
    }
}

// ---------------------------------------------------------------------------
// Evolve: the indexes follow the data
// ---------------------------------------------------------------------------

#[test]
fn snap_2_evolve_of_a_recreated_snapshot_leaves_no_stale_deadline() {
    // Two creations of s-1: retained 10 days, then 60 days; then locked 30
    // days. The first retention's deadline must not release it at day 10.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let base = w.state.clone();
    let mut events = w.ok(&root(OWNER), create_snapshot_of_d1("s-1", Some(10)));
    let Event::SnapshotCreated { at, snapshot } = events[0].clone() else {
        panic!("not a creation: {events:?}");
    };
    let mut longer = snapshot.clone();
    longer.retention = Retention::Until(at + days(60));
    events.push(Event::SnapshotCreated {
        at,
        snapshot: longer,
    });
    events.extend(w.ok(&Actor::Platform, finish("s-1")));
    events.push(Event::LockSet {
        at,
        snapshot: sid("s-1"),
        lock: Lock::new(at, 30, 0).unwrap(),
    });
    let state = events.iter().fold(base, |state, event| state.evolve(event));
    assert_eq!(state.next_deadline(), Some(at + days(30)));
    assert_eq!(load(&state_json(&state)).unwrap(), state);
    let day_10 = state.advance(at + days(10)).unwrap();
    assert!(day_10.events.is_empty(), "{:?}", day_10.events);
    assert!(
        day_10
            .state
            .snapshot(&sid("s-1"))
            .unwrap()
            .is_locked_at(at + days(10))
    );
    // The second retention ends the snapshot, after its lock.
    let day_60 = day_10.state.advance(at + days(60)).unwrap();
    assert!(day_60.state.snapshot(&sid("s-1")).is_none());
}

#[test]
fn gen_4_evolve_of_a_recreated_deleted_snapshot_keeps_live_and_retired_apart() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let base = w.state.clone();
    let mut events = w.ok(&root(OWNER), create_snapshot_of_d1("s-1", None));
    events.extend(w.ok(&root(OWNER), delete("s-1")));
    events.push(events[0].clone());
    let state = events.iter().fold(base, |state, event| state.evolve(event));
    assert!(state.snapshot(&sid("s-1")).is_some());
    let json = state_json(&state);
    assert_eq!(json["retired"]["snapshots"], serde_json::json!([]));
    assert_eq!(load(&json).unwrap(), state);
}
