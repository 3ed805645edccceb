//! Loading refuses ids, documents, tags and counts past the bounds of
//! GEN-7 (and ill-formed ids, GEN-5), a share naming more principals than
//! a snapshot may have before any index is built (SHARE-1), and instants
//! inside a leap second (GEN-5).
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
use snapguard::{Bound, ObjectKind, RuleId, Site, StateError};

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
