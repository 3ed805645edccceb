//! The trust boundary for sharing: a serialized state whose directories,
//! folders or shares contradict what any accepted history could produce is
//! refused on load with the [`StateError`] naming what is wrong. Each test
//! edits the JSON of a valid state.

use crate::common;
use crate::load_support;
use crate::share_support;

use chrono::{DateTime, Utc};
use common::*;
use load_support::*;
use serde_json::{Value, json};
use share_support::*;
use snapguard::{
    AccountId, CreateFolder, CreateResourceDirectory, DeleteResourceShare, Event, ObjectKind,
    RuleId, SetEncryptedShareRole, Site, StateError,
};

const FOURTH: &str = "4004";
const FIFTH: &str = "5005";

fn instant(t: DateTime<Utc>) -> Value {
    serde_json::to_value(t).unwrap()
}

fn dangling(kind: ObjectKind, id: &str, missing_kind: ObjectKind, missing: &str) -> StateError {
    StateError::Dangling {
        kind,
        id: id.into(),
        missing_kind,
        missing_id: missing.into(),
    }
}

fn inconsistent_share(id: &str) -> StateError {
    StateError::InconsistentShare(id.into())
}

fn impossible_sharing(share: &str, snapshot: &str) -> StateError {
    StateError::ImpossibleSharing {
        share: share.into(),
        snapshot: snapshot.into(),
    }
}

fn inconsistent_directory(id: &str) -> StateError {
    StateError::InconsistentDirectory(id.into())
}

/// At t0: OWNER's s-1 and directory rd-1 (OTHER at its root, 4004 in
/// fd-1); 5005's directory rd-2 with folder fd-2; OTHER's s-o; OWNER's role
/// trusting OTHER. One hour later: rs-1 shares s-1 with OTHER, rd-1 and
/// fd-1, and OTHER accepts; rs-old is created and deleted.
fn world() -> World {
    let mut w = World::with_snapshot();
    w.accounts(&[FOURTH, FIFTH], Site::China);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.directory(&[OTHER]);
    w.join(FOURTH, Some("fd-1"));
    w.ok(&root(FIFTH), CreateResourceDirectory::new("rd-2"));
    w.ok(&root(FIFTH), CreateFolder::new("fd-2"));
    w.ok(
        &root(OWNER),
        SetEncryptedShareRole::new().trust(AccountId::new(OTHER)),
    );
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share(
            "rs-1",
            &[account(OTHER), directory("rd-1"), folder("fd-1")],
            &["s-1"],
        ),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-old", &[account(OTHER)], &["s-1"]),
    );
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-old"));
    w
}

fn base() -> Value {
    state_json(&world().state)
}

#[test]
fn share_8_valid_sharing_state_loads_unchanged() {
    let w = world();
    let json = state_json(&w.state);
    // Every mutation below starts from this JSON, which loads.
    assert_eq!(load(&json).unwrap(), w.state);
    assert_eq!(json["retired"]["shares"], json!(["rs-old"]));
}

// ---------------------------------------------------------------------------
// Shares
// ---------------------------------------------------------------------------

#[test]
fn perm_4_loaded_share_holding_another_accounts_snapshot_is_refused() {
    let mut json = base();
    let held = record(&mut json, "shares", "rs-1")["snapshots"]["s-1"].clone();
    record(&mut json, "shares", "rs-1")["snapshots"]["s-o"] = held;
    refused_as(&json, impossible_sharing("rs-1", "s-o"));
}

#[test]
fn gen_4_loaded_share_naming_an_unknown_principal_is_refused() {
    let cases = [
        (
            json!({"type": "account", "id": "9999"}),
            ObjectKind::Account,
            "9999",
        ),
        (
            json!({"type": "directory", "id": "rd-9"}),
            ObjectKind::Directory,
            "rd-9",
        ),
        (
            json!({"type": "folder", "id": "fd-9"}),
            ObjectKind::Folder,
            "fd-9",
        ),
    ];
    for (principal, kind, missing) in cases {
        let mut json = base();
        push(
            &mut record(&mut json, "shares", "rs-1")["principals"],
            principal,
        );
        refused_as(
            &json,
            dangling(ObjectKind::ResourceShare, "rs-1", kind, missing),
        );
    }
}

#[test]
fn gen_4_loaded_share_with_an_unknown_owner_is_refused() {
    let mut json = base();
    record(&mut json, "shares", "rs-1")["owner"] = "9999".into();
    refused_as(
        &json,
        dangling(
            ObjectKind::ResourceShare,
            "rs-1",
            ObjectKind::Account,
            "9999",
        ),
    );
}

#[test]
fn share_7_loaded_acceptance_by_an_unknown_account_is_refused() {
    let mut json = base();
    push(
        &mut record(&mut json, "shares", "rs-1")["accepted"],
        "9999".into(),
    );
    refused_as(
        &json,
        dangling(
            ObjectKind::ResourceShare,
            "rs-1",
            ObjectKind::Account,
            "9999",
        ),
    );
}

#[test]
fn share_6_loaded_role_trusting_an_unknown_account_is_refused() {
    let mut json = base();
    push(
        &mut record(&mut json, "accounts", OWNER)["encrypted_share_trustees"],
        "9999".into(),
    );
    refused_as(
        &json,
        dangling(ObjectKind::Account, OWNER, ObjectKind::Account, "9999"),
    );
}

#[test]
fn share_3_loaded_share_naming_an_account_of_another_site_is_refused() {
    let mut json = base();
    push(
        &mut record(&mut json, "shares", "rs-1")["principals"],
        json!({"type": "account", "id": ABROAD}),
    );
    refused_as(&json, inconsistent_share("rs-1"));
}

#[test]
fn share_4_loaded_share_naming_its_owner_is_refused() {
    let mut json = base();
    push(
        &mut record(&mut json, "shares", "rs-1")["principals"],
        json!({"type": "account", "id": OWNER}),
    );
    refused_as(&json, inconsistent_share("rs-1"));
}

#[test]
fn gen_4_loaded_live_share_id_also_retired_or_twice_is_refused() {
    let mut json = base();
    push(&mut json["retired"]["shares"], "rs-1".into());
    refused_as(
        &json,
        StateError::Duplicate {
            kind: ObjectKind::ResourceShare,
            id: "rs-1".into(),
        },
    );
    let mut json = base();
    let twin = record(&mut json, "shares", "rs-1").clone();
    push(&mut json["shares"], twin);
    refused_as(
        &json,
        StateError::Duplicate {
            kind: ObjectKind::ResourceShare,
            id: "rs-1".into(),
        },
    );
}

#[test]
fn share_9_loaded_view_must_expire_after_it_was_shared() {
    let shared_at = t0() + hours(1);
    for expires_at in [shared_at - secs(1), shared_at] {
        let mut json = base();
        record(&mut json, "shares", "rs-1")["snapshots"]["s-1"]["expires_at"] = instant(expires_at);
        refused_as(&json, impossible_sharing("rs-1", "s-1"));
    }
    // One second after is a possible (if short) view, even one ended since.
    let mut json = base();
    record(&mut json, "shares", "rs-1")["snapshots"]["s-1"]["expires_at"] =
        instant(shared_at + secs(1));
    let state = load(&json).unwrap();
    let share = state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-1")].expires_at, shared_at + secs(1));
}

#[test]
fn share_9_loaded_share_dated_after_the_clock_is_refused() {
    let clock = t0() + hours(1);
    let mut json = base();
    assert_eq!(json["clock"], instant(clock));
    record(&mut json, "shares", "rs-1")["snapshots"]["s-1"]["shared_at"] = instant(clock + secs(1));
    refused_as(&json, impossible_sharing("rs-1", "s-1"));
    let mut json = base();
    record(&mut json, "shares", "rs-1")["created_at"] = instant(clock + secs(1));
    refused_as(
        &json,
        StateError::AfterClock {
            kind: ObjectKind::ResourceShare,
            id: "rs-1".into(),
        },
    );
}

// ---------------------------------------------------------------------------
// Directories
// ---------------------------------------------------------------------------

#[test]
fn share_8_loaded_directory_without_its_management_account_is_refused() {
    let mut json = base();
    record(&mut json, "directories", "rd-1")["members"]
        .as_object_mut()
        .unwrap()
        .remove(OWNER);
    refused_as(&json, inconsistent_directory("rd-1"));
}

#[test]
fn share_8_loaded_account_in_two_directories_is_refused() {
    let mut json = base();
    record(&mut json, "directories", "rd-2")["members"][OTHER] = Value::Null;
    refused_as(&json, inconsistent_directory("rd-2"));
}

#[test]
fn share_3_loaded_china_directory_with_an_international_member_is_refused() {
    let mut json = base();
    record(&mut json, "directories", "rd-1")["members"][ABROAD] = Value::Null;
    refused_as(&json, inconsistent_directory("rd-1"));
}

#[test]
fn share_8_loaded_member_in_a_folder_of_another_directory_is_refused() {
    for folder in ["fd-2", "fd-9"] {
        let mut json = base();
        record(&mut json, "directories", "rd-1")["members"][FOURTH] = folder.into();
        refused_as(&json, inconsistent_directory("rd-1"));
    }
}

#[test]
fn gen_4_loaded_directory_member_unknown_is_refused() {
    let mut json = base();
    record(&mut json, "directories", "rd-1")["members"]["9999"] = Value::Null;
    refused_as(
        &json,
        dangling(ObjectKind::Directory, "rd-1", ObjectKind::Account, "9999"),
    );
}

// ---------------------------------------------------------------------------
// Quotas
// ---------------------------------------------------------------------------

#[test]
fn share_1_loaded_snapshot_with_65_principals_is_refused() {
    let mut w = world();
    let extra: Vec<String> = (0..62).map(|n| format!("{}", 6000 + n)).collect();
    let ids: Vec<&str> = extra.iter().map(String::as_str).collect();
    w.accounts(&ids, Site::China);
    let base = state_json(&w.state);
    assert_eq!(w.state.limits().max_principals_per_snapshot, 64);
    // rs-1 names 3 principals: with 61 more accounts s-1 has 64.
    let with = |count: usize| {
        let mut json = base.clone();
        for id in &extra[..count] {
            push(
                &mut record(&mut json, "shares", "rs-1")["principals"],
                json!({"type": "account", "id": id}),
            );
        }
        json
    };
    let mut json = with(61);
    let state = load(&json).unwrap();
    assert_eq!(state.shared_with(&sid("s-1"), w.now).principals.len(), 64);
    // A second share naming the same principals adds none (SHARE-1 counts
    // distinct principals).
    let mut twin = record(&mut json, "shares", "rs-1").clone();
    twin["id"] = "rs-2".into();
    twin["accepted"] = json!([]);
    push(&mut json["shares"], twin);
    load(&json).unwrap();
    refused_as(
        &with(62),
        StateError::QuotaExceeded {
            rule: RuleId::Share1,
            id: "s-1".into(),
        },
    );
    // Counted across shares: each within the limit on its own, but a
    // second share naming one more account gives s-1 65 principals.
    let mut json = with(61);
    let mut other = record(&mut json, "shares", "rs-1").clone();
    other["id"] = "rs-2".into();
    other["accepted"] = json!([]);
    other["principals"] = json!([{"type": "account", "id": extra[61]}]);
    push(&mut json["shares"], other);
    refused_as(
        &json,
        StateError::QuotaExceeded {
            rule: RuleId::Share1,
            id: "s-1".into(),
        },
    );
}

#[test]
fn share_2_loaded_account_over_the_shared_snapshot_limit_is_refused() {
    let mut json = base();
    json["limits"]["max_shared_snapshots_per_account"] = 1.into();
    load(&json).unwrap();
    json["limits"]["max_shared_snapshots_per_account"] = 0.into();
    refused_as(
        &json,
        StateError::QuotaExceeded {
            rule: RuleId::Share2,
            id: OWNER.into(),
        },
    );
}

// ---------------------------------------------------------------------------
// Retention of shared snapshots
// ---------------------------------------------------------------------------

#[test]
fn share_14_loaded_shared_snapshot_past_its_retention_end_loads() {
    let mut w = world();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &["s-2"]),
    );
    let end = t0() + hours(1) + days(30);
    w.at(end + days(1));
    // A command moves the clock past the retention end (advance records
    // only the events, here the end of the view).
    w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert_eq!(w.state.clock(), Some(w.now));
    assert!(w.exists("s-2"));
    let json = state_json(&w.state);
    let mut loaded = World {
        state: load(&json).unwrap(),
        now: w.now,
    };
    assert_eq!(loaded.state, w.state);
    // Nothing due again: neither the ended view of s-2 nor its release.
    assert_eq!(loaded.state.next_deadline(), w.state.next_deadline());
    let far = t0() + days(2000);
    assert_eq!(
        loaded.state.advance(far).unwrap(),
        w.state.advance(far).unwrap()
    );
    assert!(
        !w.state
            .advance(far)
            .unwrap()
            .events
            .iter()
            .any(|e| matches!(e, Event::SnapshotReleased { .. }))
    );
    // The loaded state lets it go when unshared.
    let events = loaded.ok(&root(OWNER), disassociate("rs-2", &[], &["s-2"]));
    assert!(matches!(
        &events[..],
        [
            Event::SnapshotUnshared { .. },
            Event::SnapshotReleased { .. }
        ]
    ));
    assert!(!loaded.exists("s-2"));

    // The same snapshot outside any share would have been released (SNAP-2).
    let mut json = json.clone();
    record(&mut json, "shares", "rs-2")["snapshots"] = json!({});
    refused_as(&json, StateError::RetentionPassed(sid("s-2")));
}

#[test]
fn share_9_loaded_view_outliving_the_snapshots_retention_is_refused() {
    let end = t0() + days(2000);
    let mut json = base();
    record(&mut json, "snapshots", "s-1")["retention"] = json!({"type": "until", "end": end});
    record(&mut json, "shares", "rs-1")["snapshots"]["s-1"]["expires_at"] = instant(end);
    assert!(
        load(&json).is_ok(),
        "a view ending with the retention loads"
    );
    record(&mut json, "shares", "rs-1")["snapshots"]["s-1"]["expires_at"] = instant(end + secs(1));
    refused_as(&json, impossible_sharing("rs-1", "s-1"));
}

#[test]
fn share_5_loaded_share_holding_an_unshareable_snapshot_is_refused() {
    let edits: [(&str, Value); 2] = [
        ("status", json!("in_progress")),
        ("encryption", json!({"type": "service_key"})),
    ];
    for (field, value) in edits {
        let mut json = base();
        record(&mut json, "snapshots", "s-1")[field] = value;
        refused_as(&json, impossible_sharing("rs-1", "s-1"));
    }
}

#[test]
fn share_7_loaded_acceptance_by_the_owner_or_another_site_is_refused() {
    for accepter in [OWNER, ABROAD] {
        let mut json = base();
        push(
            &mut record(&mut json, "shares", "rs-1")["accepted"],
            json!(accepter),
        );
        refused_as(&json, inconsistent_share("rs-1"));
    }
}

#[test]
fn disk_4_loaded_disk_claiming_a_shared_source_it_lacks_is_refused() {
    let mut json = base();
    record(&mut json, "disks", "d-1")["from_shared_snapshot"] = json!(true);
    refused_as(&json, StateError::InconsistentDisk("d-1".into()));
}

#[test]
fn disk_4_loaded_sharee_disk_hiding_its_shared_source_is_refused() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    let mut disk = blank_disk("d-o", REGION);
    disk.source = snapguard::DiskSource::Snapshot(sid("s-1"));
    w.ok(&root(OTHER), disk);
    let mut json = state_json(&w.state);
    assert_eq!(
        record(&mut json, "disks", "d-o")["from_shared_snapshot"],
        json!(true)
    );
    // Unmarked, it would re-initialize after unsharing (DISK-4).
    record(&mut json, "disks", "d-o")["from_shared_snapshot"] = json!(false);
    refused_as(&json, StateError::InconsistentDisk("d-o".into()));
}
