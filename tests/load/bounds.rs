//! Loading refuses ids, documents, tags and counts past the bounds of
//! GEN-7 (and ill-formed ids, GEN-5), a share naming more principals than
//! a snapshot may have before any index is built (SHARE-1), and instants
//! inside a leap second (GEN-5); a saved state carries its format
//! version, and one of a newer format is refused naming both versions
//! (GEN-5).
//!
//! Each test builds a valid state with commands, serializes it, tampers
//! with the JSON, and checks that `UncheckedState::check` reports the
//! `StateError` with its rule, and that deserializing a `State` refuses
//! the JSON. The cost of refusing a hostile share is measured by
//! `cargo bench --bench load` (BENCHMARKS.md, "Loading"), not here.

use crate::common;
use crate::invariants_support;
use crate::load_fixtures;
use crate::load_support;
use crate::share_support;

use common::*;
use invariants_support::*;
use load_fixtures::*;
use load_support::*;
use serde_json::{Value, json};
use share_support::*;
use snapguard::{Bound, ObjectKind, RuleId, Site, State, StateError, UncheckedState};

fn bound_exceeded(kind: ObjectKind, id: &str, bound: Bound, size: usize, max: u32) -> StateError {
    StateError::BoundExceeded {
        kind,
        id: id.into(),
        bound,
        size,
        max,
    }
}

// ---------------------------------------------------------------- ids

#[test]
fn gen_5_ill_formed_id_is_reported() {
    // A region whose id reaches into the resource names of snapshots:
    // `acs:ecs:cn-hangzhou:1001:snapshot/tmp-:1001:snapshot/s-1` would
    // match a statement allowing only `...snapshot/tmp-*`.
    let hostile = "cn-hangzhou:1001:snapshot/tmp-";
    let json = renamed(&base(), REGION, hostile);
    let expected = StateError::InvalidId {
        kind: ObjectKind::Region,
        id: hostile.into(),
    };
    reported(&json, expected, RuleId::Gen5);
    // A snapshot, renamed with every reference to it.
    let json = renamed(&base(), "s-1", "s/1");
    let expected = StateError::InvalidId {
        kind: ObjectKind::Snapshot,
        id: "s/1".into(),
    };
    reported(&json, expected, RuleId::Gen5);
    // A retired id, empty.
    let mut json = base();
    push(&mut json["retired"]["disks"], json!(""));
    let expected = StateError::InvalidId {
        kind: ObjectKind::Disk,
        id: String::new(),
    };
    reported(&json, expected, RuleId::Gen5);
}

#[test]
fn gen_7_id_over_the_length_bound_is_reported() {
    let long = format!("d-{}", "a".repeat(127));
    let json = renamed(&base(), "d-a", &long);
    let expected = StateError::BoundExceeded {
        kind: ObjectKind::Disk,
        id: long.clone(),
        bound: Bound::IdChars,
        size: 129,
        max: 128,
    };
    reported(&json, expected, RuleId::Gen7);
    // A retired backup point's id.
    let mut json = base();
    push(&mut json["backup"]["retired"]["points"], json!(long));
    let expected = bound_exceeded(ObjectKind::BackupPoint, &long, Bound::IdChars, 129, 128);
    reported(&json, expected, RuleId::Gen7);
    // At the bound, it loads.
    let json = renamed(&base(), "d-a", &long[..128]);
    assert_eq!(broken(&json), []);
    // Counted in characters: 100 `é` (200 bytes) are within the bound,
    // and ill-formed.
    let accented = "é".repeat(100);
    let json = renamed(&base(), "d-a", &accented);
    let expected = StateError::InvalidId {
        kind: ObjectKind::Disk,
        id: accented,
    };
    reported(&json, expected, RuleId::Gen5);
}

// ---------------------------------------------------------------- GEN-7

#[test]
fn gen_7_policy_over_its_bound_is_reported() {
    // alice's policy document, as RAM counts it.
    let document =
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}"#;
    let size = document.len();
    let max = u32::try_from(size).unwrap();
    let mut json = base();
    json["limits"]["max_policy_chars"] = json!(max - 1);
    let expected = bound_exceeded(ObjectKind::User, "alice", Bound::PolicyChars, size, max - 1);
    reported(&json, expected, RuleId::Gen7);
    let mut json = base();
    json["limits"]["max_policy_chars"] = json!(max);
    assert_eq!(broken(&json), []);
}

#[test]
fn gen_7_tags_over_their_bounds_are_reported() {
    let tags = |tags: Vec<(String, String)>| -> Value {
        Value::Object(tags.into_iter().map(|(k, v)| (k, json!(v))).collect())
    };
    let mut json = base();
    let many = (0..21).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    record(&mut json, "snapshots", "s-1")["tags"] = tags(many);
    let expected = bound_exceeded(ObjectKind::Snapshot, "s-1", Bound::Tags, 21, 20);
    reported(&json, expected, RuleId::Gen7);
    let mut json = base();
    let long_key = vec![("k".repeat(129), "v".to_owned())];
    record(&mut json, "snapshots", "s-1")["tags"] = tags(long_key);
    let expected = bound_exceeded(ObjectKind::Snapshot, "s-1", Bound::TagChars, 129, 128);
    reported(&json, expected, RuleId::Gen7);
    // Counted in characters, not bytes: 128 `é` fit, 129 do not.
    let mut json = base();
    let value = vec![("env".to_owned(), "é".repeat(128))];
    record(&mut json, "snapshots", "s-1")["tags"] = tags(value);
    assert_eq!(broken(&json), []);
    let value = vec![("env".to_owned(), "é".repeat(129))];
    record(&mut json, "snapshots", "s-1")["tags"] = tags(value);
    let expected = bound_exceeded(ObjectKind::Snapshot, "s-1", Bound::TagChars, 129, 128);
    reported(&json, expected, RuleId::Gen7);
}

#[test]
fn gen_7_shares_and_folders_over_their_bounds_are_reported() {
    let mut json = base();
    json["limits"]["max_shares_per_account"] = json!(0);
    let expected = bound_exceeded(ObjectKind::Account, OWNER, Bound::SharesPerAccount, 1, 0);
    reported(&json, expected, RuleId::Gen7);
    let mut json = base();
    json["limits"]["max_folders_per_directory"] = json!(0);
    let bound = Bound::FoldersPerDirectory;
    let expected = bound_exceeded(ObjectKind::Directory, "rd-1", bound, 1, 0);
    reported(&json, expected, RuleId::Gen7);
}

// ---------------------------------------------------------------- SHARE-1, SHARE-2

/// `accounts` accounts `a-0`... on [`OWNER`]'s site and `snapshots`
/// permanent snapshots `s-0`... of [`OWNER`]'s disk d-1, with rs-1
/// sharing s-0 with [`OTHER`]; then, in the JSON, rs-1 names every
/// account and holds every snapshot, as sharing them all at once would.
fn crowded_share(accounts: usize, snapshots: usize) -> Value {
    let mut w = World::new();
    let ids: Vec<String> = (0..accounts).map(|i| format!("a-{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    w.accounts(&refs, Site::China);
    w.disk(OWNER, "d-1");
    for i in 0..snapshots {
        w.snapshot(OWNER, "d-1", &format!("s-{i}"), None);
    }
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-0"]),
    );
    let mut json = state_json(&w.state);
    let share = record(&mut json, "shares", "rs-1");
    let view = share["snapshots"]["s-0"].clone();
    for i in 0..snapshots {
        share["snapshots"][format!("s-{i}")] = view.clone();
    }
    for id in &ids {
        push(
            &mut share["principals"],
            json!({"type": "account", "id": id}),
        );
    }
    json
}

#[test]
fn share_1_share_naming_more_principals_than_a_snapshot_may_have_is_refused_before_indexing() {
    // 100 accounts and OTHER name 100 snapshots: each of them has 101
    // principals, 64 at most. The share's own data says so; its 10,100
    // index entries are never built (`cargo bench --bench load` measures
    // 4,000 by 4,000).
    let json = crowded_share(100, 100);
    let mut snapshots: Vec<String> = (0..100).map(|i| format!("s-{i}")).collect();
    snapshots.sort();
    let expected: Vec<StateError> = snapshots
        .iter()
        .map(|id| StateError::QuotaExceeded {
            rule: RuleId::Share1,
            id: id.clone(),
        })
        .collect();
    assert_eq!(expected[0].rule(), RuleId::Share1);
    assert_eq!(broken(&json), expected);
    let error = load(&json).unwrap_err();
    assert_eq!(error.to_string(), expected[0].to_string());
    // 63 accounts and OTHER: at the quota, it loads.
    let json = crowded_share(63, 100);
    assert_eq!(broken(&json), []);
}

#[test]
fn share_2_shares_holding_more_snapshots_than_the_quota_are_refused_before_indexing() {
    let mut json = crowded_share(0, 100);
    json["limits"]["max_shared_snapshots_per_account"] = json!(99);
    let expected = StateError::QuotaExceeded {
        rule: RuleId::Share2,
        id: OWNER.into(),
    };
    reported(&json, expected, RuleId::Share2);
}

// ---------------------------------------------------------------- GEN-5

#[test]
fn gen_5_instant_in_a_leap_second_is_reported() {
    // chrono reads `:60` as a leap second at any minute.
    let mut json = base();
    json["clock"] = json!("2026-01-15T01:00:60Z");
    reported(&json, StateError::ClockInLeapSecond, RuleId::Gen5);
    let in_leap = |kind, id: &str| StateError::InstantInLeapSecond {
        kind,
        id: id.into(),
    };
    // s-2's retention ends a leap second before t0 + 60 days.
    let mut json = base();
    record(&mut json, "snapshots", "s-2")["retention"]["end"] = json!("2026-03-01T23:59:60Z");
    reported(&json, in_leap(ObjectKind::Snapshot, "s-2"), RuleId::Gen5);
    // rs-1's view of s-sh expires in one.
    let mut json = base();
    let view = &mut record(&mut json, "shares", "rs-1")["snapshots"]["s-sh"];
    view["expires_at"] = json!("2029-01-14T23:59:60Z");
    reported(
        &json,
        in_leap(ObjectKind::ResourceShare, "rs-1"),
        RuleId::Gen5,
    );
    // bp-1 is kept until one.
    let mut json = base();
    point_record(&mut json, "bp-1")["retention"]["end"] = json!("2026-01-30T23:59:60Z");
    reported(
        &json,
        in_leap(ObjectKind::BackupPoint, "bp-1"),
        RuleId::Gen5,
    );
}

// ---------------------------------------------------------------- format

#[test]
fn a_saved_state_carries_its_format_version_first_and_loads_back() {
    let state = world().state;
    let text = serde_json::to_string(&state).unwrap();
    assert!(text.starts_with(r#"{"format":1,"#), "{}", &text[..40]);
    assert_eq!(State::FORMAT_VERSION, 1);
    assert_eq!(state_json(&state)["format"], json!(State::FORMAT_VERSION));
    let loaded: State = serde_json::from_str(&text).unwrap();
    assert_eq!(loaded, state);
    let unchecked: UncheckedState = serde_json::from_str(&text).unwrap();
    assert_eq!(unchecked.check(), Ok(state));
}

#[test]
fn a_state_saved_without_a_format_loads_as_version_1() {
    // States saved before the version was written have no `format`.
    let state = world().state;
    let mut json = base();
    assert!(json.as_object_mut().unwrap().remove("format").is_some());
    assert_eq!(broken(&json), []);
    assert_eq!(load(&json).unwrap(), state);
    let loaded: State = serde_json::from_str(&json.to_string()).unwrap();
    assert_eq!(loaded, state);
    // Saved again, it carries the version.
    assert_eq!(state_json(&loaded)["format"], json!(1));
}

#[test]
fn gen_5_state_of_a_newer_format_is_refused_naming_both_versions() {
    let expected = StateError::UnsupportedFormat {
        found: 2,
        supported: 1,
    };
    let message = expected.to_string();
    assert!(
        message.contains("format version 2") && message.contains("up to 1"),
        "{message}"
    );
    assert!(message.contains("upgrade snapguard"), "{message}");
    // The current layout with a newer version.
    let mut json = base();
    json["format"] = json!(2);
    reported(&json, expected.clone(), RuleId::Gen5);
    // A layout this version does not know, version first as snapguard
    // writes it: the version is read before anything else.
    let newer = r#"{"format":2,"accounts":{"1001":{}},"zones":[1,2,3]}"#;
    let error = serde_json::from_str::<State>(newer).unwrap_err();
    assert!(error.to_string().starts_with(&message), "{error}");
    let unchecked: UncheckedState = serde_json::from_str(newer).unwrap();
    // Only the version was read, and only the version is written back.
    assert_eq!(
        serde_json::to_value(&unchecked).unwrap(),
        json!({"format": 2})
    );
    assert_eq!(unchecked.check(), Err(vec![expected.clone()]));
    let far = StateError::UnsupportedFormat {
        found: u32::MAX,
        supported: 1,
    };
    let newest = format!(r#"{{"format":{},"snapshots":"elsewhere"}}"#, u32::MAX);
    let unchecked: UncheckedState = serde_json::from_str(&newest).unwrap();
    assert_eq!(unchecked.check(), Err(vec![far]));
}

#[test]
fn gen_5_a_format_that_is_not_a_positive_integer_is_refused() {
    let mut unversioned = base();
    unversioned.as_object_mut().unwrap().remove("format");
    let unversioned = unversioned.to_string();
    for format in [
        json!("1"),
        json!(1.5),
        json!(-1),
        json!(0),
        json!(null),
        json!([1]),
    ] {
        let mut json = base();
        json["format"] = format.clone();
        assert!(load(&json).is_err(), "{format} loaded");
        let unchecked = serde_json::from_value::<UncheckedState>(json.clone());
        assert!(unchecked.is_err(), "{format} read");
        // Written first, as snapguard writes it.
        let text = format!(r#"{{"format":{format},{}"#, &unversioned[1..]);
        assert!(
            serde_json::from_str::<State>(&text).is_err(),
            "{format} loaded"
        );
    }
    // Beyond u32.
    let mut json = base();
    json["format"] = json!(u64::from(u32::MAX) + 1);
    assert!(load(&json).is_err());
}

// ---------------------------------------------------------------- minted ids

#[test]
fn gen_4_id_minted_ahead_of_the_count_is_reported() {
    // A snapshot minted as the state's first id, in a state that says it
    // minted none: it would mint that id again.
    let mut w = world();
    w.ok(
        &root(OWNER),
        snapguard::CreateSnapshot::new(snapguard::MINT, "d-1"),
    );
    let mut json = state_json(&w.state);
    assert_eq!(json["minted"], 1);
    json["minted"] = json!(0);
    let expected = StateError::NotYetMinted {
        kind: ObjectKind::Snapshot,
        id: ObjectKind::Snapshot.minted_id(0).unwrap(),
        minted: 0,
    };
    reported(&json, expected, RuleId::Gen4);
    // A state saved before minting existed has no count: zero.
    let mut json = state_json(&w.state);
    json.as_object_mut().unwrap().remove("minted");
    let errors = serde_json::from_value::<UncheckedState>(json)
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(errors[0].rule(), RuleId::Gen4);
    // An id shaped like a minted one but not canonical is no minted id,
    // and ill formed.
    let first = ObjectKind::Snapshot.minted_id(0).unwrap();
    let short = "s-~000000000000000000";
    let json = renamed(&state_json(&w.state), &first, short);
    let errors = serde_json::from_value::<UncheckedState>(json)
        .unwrap()
        .check()
        .unwrap_err();
    assert!(errors.contains(&StateError::InvalidId {
        kind: ObjectKind::Snapshot,
        id: short.into(),
    }));
}

#[test]
fn gen_4_one_minted_number_for_two_objects_is_reported() {
    // A disk and a snapshot minted as the first and second ids; the
    // snapshot renamed to the disk's number: one number, two objects.
    let mut w = world();
    let disk =
        snapguard::CreateDisk::new(snapguard::MINT, REGION, snapguard::DiskCategory::Essd, 40);
    w.ok(&root(OWNER), disk);
    let disk = ObjectKind::Disk.minted_id(0).unwrap();
    w.ok(
        &root(OWNER),
        snapguard::CreateSnapshot::new(snapguard::MINT, &*disk),
    );
    let second = ObjectKind::Snapshot.minted_id(1).unwrap();
    let first = ObjectKind::Snapshot.minted_id(0).unwrap();
    let json = renamed(&state_json(&w.state), &second, &first);
    let expected = StateError::Duplicate {
        kind: ObjectKind::Snapshot,
        id: first,
    };
    reported(&json, expected, RuleId::Gen4);
}
