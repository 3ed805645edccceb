//! The trust boundary for copies and keys: a serialized state whose keys,
//! encrypted objects, copies or copy lineages contradict what any accepted
//! history could produce is refused on load with the [`StateError`] naming
//! what is wrong (COPY-2, COPY-3, COPY-5, COPY-7); a valid one round-trips
//! and decides the next copy's billing the same. Each test edits the JSON
//! of a valid state.

use crate::common;
use crate::copy_support;
use crate::load_support;

use common::*;
use copy_support::*;
use load_support::*;
use serde_json::{Value, json};
use snapguard::{
    ActivateKms, Actor, BillingBasis, CopyDefect, CreateRegion, Encryption, LineageRoot,
    MarkRegionClosingDown, ObjectKind, StateError,
};

/// The lineage record started by `first_copy`.
fn lineage<'a>(json: &'a mut Value, first_copy: &str) -> &'a mut Value {
    json["lineages"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["first_copy"] == first_copy)
        .unwrap_or_else(|| panic!("no lineage started by {first_copy}"))
}

fn impossible(copy: &str, defect: CopyDefect) -> StateError {
    StateError::ImpossibleCopy {
        copy: sid(copy),
        defect,
    }
}

fn inconsistent(first_copy: &str) -> StateError {
    StateError::InconsistentLineage(sid(first_copy))
}

/// OWNER: s-1 of d-1 (unencrypted), KMS, keys k-1 (REGION) and k-2
/// (OTHER_REGION, disabled), disk d-k encrypted with k-1 and its snapshot
/// s-k; OTHER: KMS and key k-o. Copies of OWNER: c-1 (standard, of s-1,
/// into OTHER_REGION, completed: it started that lineage), c-2 (service
/// key, of s-1, into REGION, completed then deleted: its lineage stays),
/// c-3 (service key, of s-k, into REGION, in progress), c-4 (standard, of
/// s-1, in progress). Region cn-beijing is closing down.
fn world() -> World {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.key(OWNER, "k-2", OTHER_REGION);
    w.disable_key(OWNER, "k-2");
    w.key(OTHER, "k-o", REGION);
    w.encrypted_snapshot("d-k", "s-k", cmk("k-1"));
    w.wait(hours(1));
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.ok(
        &root(OWNER),
        copy_to("s-1", "c-2", REGION, Encryption::ServiceKey),
    );
    w.wait(hours(1));
    w.finish("c-1");
    w.finish("c-2");
    w.ok(&root(OWNER), delete("c-2"));
    w.ok(
        &root(OWNER),
        copy_to("s-k", "c-3", REGION, Encryption::ServiceKey),
    );
    w.ok(&root(OWNER), copy("s-1", "c-4", None));
    w.ok(&Actor::Platform, CreateRegion::new("cn-beijing"));
    w.close_region("cn-beijing");
    w
}

fn base() -> Value {
    state_json(&world().state)
}

// ---------------------------------------------------------------- round trip

#[test]
fn copy_7_valid_state_with_keys_closing_region_and_lineages_round_trips() {
    let w = world();
    let json = state_json(&w.state);
    assert_eq!(json["keys"].as_array().unwrap().len(), 3);
    assert_eq!(json["lineages"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["lineages"][0],
        json!({
            "lineage": {
                "account": OWNER,
                "root": {"type": "disk", "id": "d-1"},
                "region": REGION,
                "encryption": {"type": "service_key"},
            },
            "first_copy": "c-2",
        })
    );
    let loaded = load(&json).unwrap();
    assert_eq!(loaded, w.state);
    assert!(loaded.region(&"cn-beijing".into()).unwrap().closing_down);
    assert!(!loaded.key(&"k-2".into()).unwrap().enabled);
    assert!(loaded.account(&OWNER.into()).unwrap().kms_activated);
    assert_eq!(state_json(&loaded), json, "serializing again is stable");
}

#[test]
fn copy_7_reloaded_state_decides_the_next_copies_the_same() {
    let w = world();
    let loaded = load(&state_json(&w.state)).unwrap();
    let now = w.now + hours(1);
    let cases = [
        (copy("s-1", "c-5", None), Some(BillingBasis::Incremental)),
        (
            copy_to("s-1", "c-5", REGION, Encryption::ServiceKey),
            Some(BillingBasis::Incremental),
        ),
        (
            copy_to("s-1", "c-5", REGION, cmk("k-1")),
            Some(BillingBasis::FullDiskSize { size_gib: 40 }),
        ),
        (
            copy_to("s-k", "c-5", REGION, cmk("k-1")),
            Some(BillingBasis::FullSnapshotSize { size_gib: 10 }),
        ),
        (copy_to("s-1", "c-5", OTHER_REGION, cmk("k-2")), None),
        (
            copy_to("s-1", "c-5", "cn-beijing", Encryption::ServiceKey),
            None,
        ),
    ];
    for (command, billing) in cases {
        let command = command.into();
        let before = w.state.decide(now, &root(OWNER), &command);
        let after = loaded.decide(now, &root(OWNER), &command);
        assert_eq!(before, after, "{command:?}");
        match billing {
            Some(billing) => assert_eq!(copied(&after.unwrap(), now).billing, billing),
            None => assert!(after.is_err()),
        }
    }
    // Completing c-4 leaves its lineage started by c-1, in both.
    let mut reloaded = World { state: loaded, now };
    reloaded.finish("c-4");
    let standard = disk_lineage(OWNER, "d-1", OTHER_REGION, Encryption::Unencrypted);
    assert_eq!(reloaded.state.copy_lineage(&standard), Some(&sid("c-1")));
}

#[test]
fn copy_7_lineage_of_deleted_copies_and_copies_in_progress_load() {
    // c-2 is gone but its lineage loads; c-3 and c-4 are in progress
    // without a lineage of their own and load too.
    let w = world();
    assert!(!w.exists("c-2"));
    let loaded = load(&state_json(&w.state)).unwrap();
    let service = disk_lineage(OWNER, "d-1", REGION, Encryption::ServiceKey);
    assert_eq!(loaded.copy_lineage(&service), Some(&sid("c-2")));
    let c3 = disk_lineage(OWNER, "d-k", REGION, Encryption::ServiceKey);
    assert_eq!(loaded.copy_lineage(&c3), None);
}

// ---------------------------------------------------------------- keys

#[test]
fn copy_3_loaded_key_of_an_account_without_kms_is_refused() {
    let mut json = base();
    record(&mut json, "accounts", OWNER)["kms_activated"] = json!(false);
    refused_as(&json, StateError::KeyWithoutKms("k-1".into()));
    let mut json = base();
    record(&mut json, "accounts", OTHER)["kms_activated"] = json!(false);
    refused_as(&json, StateError::KeyWithoutKms("k-o".into()));
}

#[test]
fn gen_4_loaded_key_of_an_unknown_account_or_region_is_refused() {
    let mut json = base();
    record(&mut json, "keys", "k-o")["owner"] = json!("9999");
    refused_as(
        &json,
        StateError::Dangling {
            kind: ObjectKind::Key,
            id: "k-o".into(),
            missing_kind: ObjectKind::Account,
            missing_id: "9999".into(),
        },
    );
    let mut json = base();
    record(&mut json, "keys", "k-o")["region"] = json!("cn-nowhere");
    refused_as(
        &json,
        StateError::Dangling {
            kind: ObjectKind::Key,
            id: "k-o".into(),
            missing_kind: ObjectKind::Region,
            missing_id: "cn-nowhere".into(),
        },
    );
}

#[test]
fn gen_4_loaded_key_twice_or_after_the_clock_is_refused() {
    let mut json = base();
    let twin = record(&mut json, "keys", "k-o").clone();
    push(&mut json["keys"], twin);
    refused_as(
        &json,
        StateError::Duplicate {
            kind: ObjectKind::Key,
            id: "k-o".into(),
        },
    );
    let w = world();
    let mut json = state_json(&w.state);
    record(&mut json, "keys", "k-o")["created_at"] = json!(w.now + secs(1));
    refused_as(
        &json,
        StateError::AfterClock {
            kind: ObjectKind::Key,
            id: "k-o".into(),
        },
    );
}

#[test]
fn copy_3_loaded_disk_or_snapshot_encrypted_with_a_foreign_key_is_refused() {
    // Another account's key.
    let mut json = base();
    record(&mut json, "disks", "d-1")["encryption"] = json!({"type": "customer_key", "key": "k-o"});
    refused_as(
        &json,
        StateError::ForeignKey {
            kind: ObjectKind::Disk,
            id: "d-1".into(),
            key: "k-o".into(),
        },
    );
    // The account's own key, of another region.
    let mut json = base();
    record(&mut json, "snapshots", "s-k")["encryption"] =
        json!({"type": "customer_key", "key": "k-2"});
    refused_as(
        &json,
        StateError::ForeignKey {
            kind: ObjectKind::Snapshot,
            id: "s-k".into(),
            key: "k-2".into(),
        },
    );
}

#[test]
fn gen_4_loaded_disk_or_snapshot_encrypted_with_an_unknown_key_is_refused() {
    for (list, id, kind) in [
        ("disks", "d-k", ObjectKind::Disk),
        ("snapshots", "s-k", ObjectKind::Snapshot),
    ] {
        let mut json = base();
        record(&mut json, list, id)["encryption"] = json!({"type": "customer_key", "key": "k-x"});
        let expected = StateError::Dangling {
            kind,
            id: id.into(),
            missing_kind: ObjectKind::Key,
            missing_id: "k-x".into(),
        };
        assert!(
            expected
                .to_string()
                .ends_with("refers to key `k-x`, which does not exist")
        );
        refused_as(&json, expected);
    }
}

#[test]
fn copy_3_copy_4_loaded_key_account_and_region_fields_are_required() {
    let removals = [
        ("accounts", OWNER, "kms_activated"),
        ("regions", "cn-beijing", "closing_down"),
        ("keys", "k-1", "enabled"),
    ];
    for (list, id, field) in removals {
        let mut json = base();
        record(&mut json, list, id)
            .as_object_mut()
            .unwrap()
            .remove(field);
        assert!(load(&json).is_err(), "{list} {id} without {field} loaded");
    }
    let mut json = base();
    record(&mut json, "keys", "k-1")["alias"] = json!("alias/acs/ecs");
    assert!(load(&json).is_err(), "a key with an unknown field loaded");
}

// ---------------------------------------------------------------- copies

#[test]
fn copy_5_loaded_copy_with_instant_access_is_refused() {
    for copy in ["c-1", "c-4"] {
        let mut json = base();
        record(&mut json, "snapshots", copy)["instant_access"] = json!(true);
        refused_as(&json, impossible(copy, CopyDefect::InstantAccess));
    }
    // The same flag on a snapshot of a disk is fine.
    let mut json = base();
    record(&mut json, "snapshots", "s-1")["instant_access"] = json!(true);
    load(&json).unwrap();
}

#[test]
fn copy_2_loaded_unencrypted_copy_of_a_live_encrypted_source_is_refused() {
    let mut json = base();
    record(&mut json, "snapshots", "c-3")["encryption"] = json!({"type": "unencrypted"});
    refused_as(&json, impossible("c-3", CopyDefect::PlaintextOfEncrypted));
}

#[test]
fn copy_7_loaded_available_copy_without_its_lineage_is_refused() {
    let mut json = base();
    json["lineages"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["first_copy"] != "c-1");
    refused_as(&json, impossible("c-1", CopyDefect::LineageNotStarted));
    // An available copy moved to another key has no lineage either.
    let mut json = base();
    record(&mut json, "snapshots", "c-1")["encryption"] = json!({"type": "service_key"});
    refused_as(&json, impossible("c-1", CopyDefect::LineageNotStarted));
}

#[test]
fn copy_7_loaded_copy_with_an_unknown_lineage_root_is_refused() {
    for root in [
        json!({"type": "disk", "id": "d-9"}),
        json!({"type": "snapshot", "id": "b-9"}),
    ] {
        let mut json = base();
        record(&mut json, "snapshots", "c-4")["origin"]["root"] = root;
        refused_as(&json, impossible("c-4", CopyDefect::ImpossibleRoot));
    }
}

#[test]
fn copy_7_loaded_lineage_of_a_root_never_given_is_refused() {
    // c-2 started the lineage of d-1 into REGION, and is deleted. A root
    // no history gave (a caller id never used, or a minted one past the
    // count) would be inherited by the disk given that id next: its first
    // copy there would be charged incrementally.
    let never_minted = ObjectKind::Disk.minted_id(0).unwrap();
    for root in [
        json!({"type": "disk", "id": "d-9"}),
        json!({"type": "disk", "id": never_minted}),
        json!({"type": "snapshot", "id": "b-9"}),
    ] {
        let mut json = base();
        lineage(&mut json, "c-2")["lineage"]["root"] = root.clone();
        refused_as(&json, inconsistent("c-2"));
    }
}

#[test]
fn copy_7_loaded_copy_whose_root_is_not_its_live_sources_is_refused() {
    // c-4 copies s-1, taken of d-1: no history gives it another root, and
    // a forged one would bill the copies of c-4 in d-k's lineages.
    for (forged, defect) in [
        (LineageRoot::Disk("d-k".into()), CopyDefect::UnlikeSource),
        (
            LineageRoot::Snapshot(sid("s-1")),
            CopyDefect::ImpossibleRoot,
        ),
    ] {
        let mut json = base();
        let root = serde_json::to_value(&forged).unwrap();
        record(&mut json, "snapshots", "c-4")["origin"]["root"] = root;
        refused_as(&json, impossible("c-4", defect));
    }
}

// ---------------------------------------------------------------- lineages

#[test]
fn copy_7_loaded_lineage_of_an_unknown_account_or_region_is_refused() {
    let edits = [
        ("account", json!("9999")),
        ("region", json!("cn-nowhere")),
        ("encryption", json!({"type": "customer_key", "key": "k-x"})),
        ("encryption", json!({"type": "customer_key", "key": "k-o"})),
    ];
    for (field, value) in edits {
        let mut json = base();
        lineage(&mut json, "c-2")["lineage"][field] = value;
        refused_as(&json, inconsistent("c-2"));
    }
}

#[test]
fn copy_7_loaded_lineage_with_an_unknown_first_copy_is_refused() {
    let mut json = base();
    lineage(&mut json, "c-2")["first_copy"] = json!("c-9");
    refused_as(&json, inconsistent("c-9"));
}

#[test]
fn copy_7_loaded_lineage_started_by_a_live_copy_of_another_lineage_is_refused() {
    let mut json = base();
    lineage(&mut json, "c-2")["first_copy"] = json!("c-1");
    refused_as(&json, inconsistent("c-1"));
    // Nor by a snapshot that is no copy at all.
    let mut json = base();
    lineage(&mut json, "c-2")["first_copy"] = json!("s-1");
    refused_as(&json, inconsistent("s-1"));
}

#[test]
fn copy_7_loaded_lineage_started_by_a_live_copy_that_never_completed_is_refused() {
    // A lineage starts when its first copy completes: c-4, in the same
    // lineage as c-1 but still in progress, cannot have started it.
    let mut json = base();
    lineage(&mut json, "c-1")["first_copy"] = json!("c-4");
    refused_as(&json, inconsistent("c-4"));
}

#[test]
fn copy_7_loaded_lineage_recorded_twice_is_refused() {
    let mut json = base();
    let twin = lineage(&mut json, "c-1").clone();
    push(&mut json["lineages"], twin);
    refused_as(&json, inconsistent("c-1"));
    // Twice with different first copies as well.
    let mut json = base();
    let mut twin = lineage(&mut json, "c-1").clone();
    twin["first_copy"] = json!("c-2");
    push(&mut json["lineages"], twin);
    assert!(load(&json).is_err());
}

#[test]
fn copy_7_replaying_the_events_rebuilds_keys_regions_and_lineages() {
    let mut w = World::with_snapshot();
    let start = w.state.clone();
    let mut log = Vec::new();
    log.extend(w.ok(&root(OWNER), ActivateKms::new()));
    log.extend(w.ok(&root(OWNER), create_key("k-1", REGION)));
    log.extend(w.ok(&root(OWNER), disable("k-1")));
    log.extend(w.ok(&root(OWNER), copy("s-1", "c-1", None)));
    log.extend(w.ok(&Actor::Platform, finish("c-1")));
    log.extend(w.ok(&root(OWNER), delete("c-1")));
    log.extend(w.ok(&Actor::Platform, MarkRegionClosingDown::new(OTHER_REGION)));
    let replayed = log.iter().fold(start, |state, event| state.evolve(event));
    assert_eq!(replayed, w.state);
    let standard = disk_lineage(OWNER, "d-1", OTHER_REGION, Encryption::Unencrypted);
    assert_eq!(replayed.copy_lineage(&standard), Some(&sid("c-1")));
}

#[test]
fn copy_3_loaded_encrypted_copy_or_lineage_of_an_account_without_kms_is_refused() {
    let mut w = World::with_snapshot();
    w.kms(OWNER);
    w.ok(
        &root(OWNER),
        copy_to("s-1", "c-1", REGION, Encryption::ServiceKey),
    );
    let mut json = state_json(&w.state);
    record(&mut json, "accounts", OWNER)["kms_activated"] = json!(false);
    refused_as(&json, impossible("c-1", CopyDefect::WithoutKms));
    // Completed then deleted, the copy leaves its lineage, which needs KMS too.
    w.finish("c-1");
    w.ok(&root(OWNER), delete("c-1"));
    let mut json = state_json(&w.state);
    record(&mut json, "accounts", OWNER)["kms_activated"] = json!(false);
    refused_as(&json, inconsistent("c-1"));
}

#[test]
fn copy_2_copy_5_loaded_copy_unlike_what_a_copy_of_its_source_is_refused() {
    // c-4: a standard copy of s-1 (REGION) into OTHER_REGION, in progress.
    let edits = [
        (
            "region",
            json!(REGION),
            CopyDefect::StandardCopyInSourceRegion,
        ),
        ("tags", json!({"env": "prod"}), CopyDefect::Tags),
        ("source_disk_size_gib", json!(99), CopyDefect::UnlikeSource),
        (
            "created_at",
            json!("2025-12-31T00:00:00Z"),
            CopyDefect::UnlikeSource,
        ),
    ];
    for (field, value, defect) in edits {
        let mut json = base();
        record(&mut json, "snapshots", "c-4")[field] = value;
        refused_as(&json, impossible("c-4", defect));
    }
    let mut json = base();
    record(&mut json, "snapshots", "c-4")["origin"]["imported_image"] = json!(true);
    refused_as(&json, impossible("c-4", CopyDefect::UnlikeSource));
}

#[test]
fn disk_1_loaded_unencrypted_disk_of_a_live_encrypted_snapshot_is_refused() {
    let mut w = world();
    let disk = disk_from("d-9", "s-k", snapguard::DiskCategory::Essd, cmk("k-1"));
    w.ok(&root(OWNER), disk);
    let mut json = state_json(&w.state);
    load(&json).unwrap();
    record(&mut json, "disks", "d-9")["encryption"] = json!({"type": "unencrypted"});
    refused_as(&json, StateError::PlaintextDisk("d-9".into()));
}
