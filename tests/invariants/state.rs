//! Every invariant the load checker enforces, broken once through JSON.
//!
//! Each test builds a valid state with commands, serializes it, tampers with
//! the JSON so that it breaks exactly one invariant, and checks that
//! [`UncheckedState::check`] reports exactly that [`StateError`] with its
//! rule, and that deserializing a [`State`] refuses the JSON. The rule id is
//! written literally in each test and in its name. Cloud Backup's defects
//! (`BackupDefect`) are broken in `tests/invariants/backup.rs`, and
//! `tests/invariants/guard.rs` lists every variant with its rule and the
//! test breaking it.

use crate::common;
use crate::copy_support;
use crate::invariants_support;
use crate::load_support;
use crate::share_support;

use chrono::{DateTime, Utc};
use common::*;
use copy_support::*;
use invariants_support::*;
use load_support::*;
use serde_json::{Value, json};
use share_support::*;
use snapguard::{
    CopyDefect, DiskCategory, Encryption, ObjectKind, RuleId, State, StateError, UncheckedState,
};

/// The clock of [`world`]: t0 + 2 hours.
fn clock() -> DateTime<Utc> {
    t0() + hours(2)
}

/// At t0, OWNER: user alice; disk d-1 with s-1 (permanent), s-2 (60 days,
/// locked 30 days with 24 hours of cooling-off), s-3 (30 days), s-sh
/// (permanent) and the automatic a-1; KMS with key k-1 (REGION), disk d-k
/// encrypted with it and its snapshot s-k, disk d-9 made from s-k with k-1;
/// directory rd-1 (folder fd-1) with OTHER. OTHER: KMS and key k-o.
/// ABROAD: disk d-a and its snapshot s-a. At t0+1h OWNER copies s-1 into
/// OTHER_REGION as c-1, completed at t0+2h (it starts that lineage). At
/// t0+2h: c-3 (service key copy of s-k in REGION), c-4 (standard copy of
/// s-1) and ABROAD's c-a (standard copy of s-a) are in progress; rs-1
/// shares s-sh with OTHER, who accepts.
fn world() -> World {
    let mut w = World::with_snapshot();
    w.user(OWNER, "alice", vec![allow_all()]);
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-2", 30, 24);
    w.snapshot(OWNER, "d-1", "s-3", Some(30));
    w.snapshot(OWNER, "d-1", "s-sh", None);
    w.auto_snapshot("d-1", "a-1");
    w.key(OWNER, "k-1", REGION);
    w.key(OTHER, "k-o", REGION);
    w.encrypted_snapshot("d-k", "s-k", cmk("k-1"));
    let d9 = disk_from("d-9", "s-k", DiskCategory::Essd, cmk("k-1"));
    w.ok(&root(OWNER), d9);
    w.disk(ABROAD, "d-a");
    w.snapshot(ABROAD, "d-a", "s-a", None);
    w.directory(&[OTHER]);
    w.wait(hours(1));
    w.ok(&root(OWNER), copy("s-1", "c-1", None));
    w.wait(hours(1));
    w.finish("c-1");
    let c3 = copy_to("s-k", "c-3", REGION, Encryption::ServiceKey);
    w.ok(&root(OWNER), c3);
    w.ok(&root(OWNER), copy("s-1", "c-4", None));
    w.ok(&root(ABROAD), copy("s-a", "c-a", None));
    let share = create_share("rs-1", &[account(OTHER)], &["s-sh"]);
    w.ok(&root(OWNER), share);
    w.ok(&root(OTHER), accept("rs-1"));
    assert_eq!(w.state.clock(), Some(clock()));
    w
}

/// The JSON of [`world`], which loads (see the round-trip test).
fn base() -> Value {
    state_json(&world().state)
}

fn snapshot<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    record(json, "snapshots", id)
}

fn impossible_copy(copy: &str, defect: CopyDefect) -> StateError {
    StateError::ImpossibleCopy {
        copy: sid(copy),
        defect,
    }
}

/// `json` breaks `expected`, of rule `rule`, and with it the invariants
/// `also`: the checker reports them all, in that order, and loading a
/// [`State`] is refused with `expected`.
#[track_caller]
fn reported_with(json: &Value, expected: StateError, rule: RuleId, also: &[StateError]) {
    assert_eq!(expected.rule(), rule, "{expected:?}");
    let mut all = vec![expected.clone()];
    all.extend_from_slice(also);
    assert_eq!(broken(json), all);
    let error = load(json).expect_err("a State loaded from the tampered JSON");
    assert_eq!(error.to_string(), expected.to_string());
}

// ---------------------------------------------------------------- the base

#[test]
fn valid_state_checks_ok_and_equal_to_the_original() {
    let w = world();
    let json = state_json(&w.state);
    let unchecked: UncheckedState = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(unchecked.check(), Ok(w.state.clone()));
    assert_eq!(serde_json::from_value::<State>(json).unwrap(), w.state);
}

#[test]
fn gen_5_lock_4_share_3_three_unrelated_broken_invariants_are_all_reported() {
    let mut json = base();
    json["limits"]["min_lock_days"] = json!(0);
    snapshot(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(61));
    record(&mut json, "directories", "rd-1")["members"][ABROAD] = Value::Null;
    let unchecked: UncheckedState = serde_json::from_value(json.clone()).unwrap();
    let errors = unchecked.check().unwrap_err();
    let expected = [
        StateError::IncoherentLimits {
            field: "min_lock_days".into(),
        },
        StateError::LockOutlivesRetention(sid("s-2")),
        StateError::InconsistentDirectory("rd-1".into()),
    ];
    assert_eq!(errors, expected, "in the order the checks run");
    let rules: Vec<RuleId> = errors.iter().map(StateError::rule).collect();
    assert_eq!(rules, [RuleId::Gen5, RuleId::Lock4, RuleId::Share3]);
    // Deserializing a State stops at the first.
    let error = serde_json::from_value::<State>(json).unwrap_err();
    assert_eq!(error.to_string(), expected[0].to_string());
}

// ---------------------------------------------------------------- GEN

#[test]
fn gen_4_duplicate_id_is_reported() {
    let mut json = base();
    let mut twin = record(&mut json, "disks", "d-1").clone();
    twin["size_gib"] = json!(80);
    push(&mut json["disks"], twin);
    let expected = StateError::Duplicate {
        kind: ObjectKind::Disk,
        id: "d-1".into(),
    };
    reported(&json, expected.clone(), RuleId::Gen4);
    // A live id also retired is a duplicate as well.
    let mut json = base();
    push(&mut json["retired"]["disks"], json!("d-1"));
    reported(&json, expected, RuleId::Gen4);
}

#[test]
fn gen_4_dangling_reference_is_reported() {
    let mut json = base();
    record(&mut json, "users", "alice")["account"] = json!("9999");
    let expected = StateError::Dangling {
        kind: ObjectKind::User,
        id: "alice".into(),
        missing_kind: ObjectKind::Account,
        missing_id: "9999".into(),
    };
    reported(&json, expected, RuleId::Gen4);
}

#[test]
fn gen_2_object_created_after_the_clock_is_reported() {
    let mut json = base();
    snapshot(&mut json, "s-3")["created_at"] = instant(clock() + secs(1));
    let expected = StateError::AfterClock {
        kind: ObjectKind::Snapshot,
        id: "s-3".into(),
    };
    reported(&json, expected, RuleId::Gen2);
}

#[test]
fn gen_5_incoherent_limits_are_reported() {
    let mut json = base();
    json["limits"]["min_lock_days"] = json!(0);
    let expected = StateError::IncoherentLimits {
        field: "min_lock_days".into(),
    };
    reported(&json, expected, RuleId::Gen5);
    let mut json = base();
    json["limits"]["min_archive_retention_days"] = json!(70_000);
    let expected = StateError::IncoherentLimits {
        field: "min_archive_retention_days".into(),
    };
    reported(&json, expected, RuleId::Gen5);
}

// ---------------------------------------------------------------- LOCK and SNAP

#[test]
fn lock_4_lock_expiring_after_retention_is_reported() {
    // s-2 is retained until t0 + 60 days.
    let mut json = base();
    snapshot(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(61));
    reported(
        &json,
        StateError::LockOutlivesRetention(sid("s-2")),
        RuleId::Lock4,
    );
}

#[test]
fn lock_2_lock_with_instants_out_of_order_is_reported() {
    let expected = StateError::MalformedLock(sid("s-2"));
    // Cooling-off ending after the expiry (t0 + 30 days).
    let mut json = base();
    snapshot(&mut json, "s-2")["lock"]["cool_off_end"] = instant(t0() + days(31));
    reported(&json, expected.clone(), RuleId::Lock2);
    // Starting after its cooling-off ends.
    let mut json = base();
    snapshot(&mut json, "s-2")["lock"]["start"] = instant(t0() + hours(25));
    reported(&json, expected.clone(), RuleId::Lock2);
    // Starting after the clock.
    let mut json = base();
    snapshot(&mut json, "s-2")["lock"]["start"] = instant(clock() + secs(1));
    reported(&json, expected, RuleId::Lock2);
}

#[test]
fn lock_3_lock_on_a_snapshot_that_cannot_be_locked_is_reported() {
    let expected = StateError::ImpossibleLock(sid("s-2"));
    let mut json = base();
    snapshot(&mut json, "s-2")["status"] = json!("in_progress");
    reported(&json, expected.clone(), RuleId::Lock3);
    let mut json = base();
    snapshot(&mut json, "s-2")["origin"] = json!({"type": "cloud_backup"});
    reported(&json, expected, RuleId::Lock3);
}

#[test]
fn lock_11_automatic_snapshots_over_the_limit_are_reported() {
    let mut json = base();
    json["limits"]["auto_snapshots_per_disk"] = json!(0);
    reported(
        &json,
        StateError::AutomaticLimitExceeded("d-1".into()),
        RuleId::Lock11,
    );
}

#[test]
fn lock_11_automatic_snapshot_not_taken_of_a_disk_is_reported() {
    let mut json = base();
    snapshot(&mut json, "a-1")["origin"] = json!({"type": "cloud_backup"});
    reported(
        &json,
        StateError::AutomaticWithoutDisk(sid("a-1")),
        RuleId::Lock11,
    );
}

#[test]
fn snap_2_snapshot_held_past_its_retention_end_is_reported() {
    let mut json = base();
    snapshot(&mut json, "s-3")["retention"] = json!({"type": "until", "end": t0() + hours(1)});
    reported(
        &json,
        StateError::RetentionPassed(sid("s-3")),
        RuleId::Snap2,
    );
}

// ---------------------------------------------------------------- SHARE and DISK

#[test]
fn share_3_directory_with_a_member_of_another_site_is_reported() {
    let mut json = base();
    record(&mut json, "directories", "rd-1")["members"][ABROAD] = Value::Null;
    reported(
        &json,
        StateError::InconsistentDirectory("rd-1".into()),
        RuleId::Share3,
    );
}

#[test]
fn share_3_share_naming_an_account_of_another_site_is_reported() {
    let mut json = base();
    let principal = json!({"type": "account", "id": ABROAD});
    push(
        &mut record(&mut json, "shares", "rs-1")["principals"],
        principal,
    );
    reported(
        &json,
        StateError::InconsistentShare("rs-1".into()),
        RuleId::Share3,
    );
}

#[test]
fn share_5_share_holding_an_unshareable_snapshot_is_reported() {
    // A snapshot encrypted with the service key cannot be shared; taken
    // of the unencrypted d-1, it is also unlike its disk (SNAP-1).
    let mut json = base();
    snapshot(&mut json, "s-sh")["encryption"] = json!({"type": "service_key"});
    let expected = StateError::ImpossibleSharing {
        share: "rs-1".into(),
        snapshot: sid("s-sh"),
    };
    let unlike_disk = StateError::SnapshotUnlikeDisk(sid("s-sh"));
    reported_with(&json, expected, RuleId::Share5, &[unlike_disk]);
}

#[test]
fn share_1_snapshot_over_the_principal_quota_is_reported() {
    let mut json = base();
    json["limits"]["max_principals_per_snapshot"] = json!(0);
    let expected = StateError::QuotaExceeded {
        rule: RuleId::Share1,
        id: "s-sh".into(),
    };
    reported(&json, expected, RuleId::Share1);
}

#[test]
fn share_2_account_over_the_shared_snapshot_quota_is_reported() {
    let mut json = base();
    json["limits"]["max_shared_snapshots_per_account"] = json!(0);
    let expected = StateError::QuotaExceeded {
        rule: RuleId::Share2,
        id: OWNER.into(),
    };
    reported(&json, expected, RuleId::Share2);
}

#[test]
fn disk_4_disk_disagreeing_with_its_source_snapshot_is_reported() {
    // d-1 is blank: it cannot have been made from a shared snapshot.
    let mut json = base();
    record(&mut json, "disks", "d-1")["from_shared_snapshot"] = json!(true);
    reported(
        &json,
        StateError::InconsistentDisk("d-1".into()),
        RuleId::Disk4,
    );
}

#[test]
fn disk_1_unencrypted_disk_of_an_encrypted_snapshot_is_reported() {
    let mut json = base();
    record(&mut json, "disks", "d-9")["encryption"] = json!({"type": "unencrypted"});
    reported(
        &json,
        StateError::PlaintextDisk("d-9".into()),
        RuleId::Disk1,
    );
}

// ---------------------------------------------------------------- keys

#[test]
fn copy_3_key_of_an_account_without_kms_is_reported() {
    let mut json = base();
    record(&mut json, "accounts", OTHER)["kms_activated"] = json!(false);
    reported(
        &json,
        StateError::KeyWithoutKms("k-o".into()),
        RuleId::Copy3,
    );
}

#[test]
fn perm_4_disk_encrypted_with_another_accounts_key_is_reported() {
    // d-9 has no snapshots, which would be unlike it (SNAP-1).
    let mut json = base();
    record(&mut json, "disks", "d-9")["encryption"] = json!({"type": "customer_key", "key": "k-o"});
    let expected = StateError::ForeignKey {
        kind: ObjectKind::Disk,
        id: "d-9".into(),
        key: "k-o".into(),
    };
    reported(&json, expected, RuleId::Perm4);
}

// ---------------------------------------------------------------- copies

#[test]
fn copy_7_inconsistent_copy_lineage_is_reported() {
    let mut json = base();
    json["lineages"][0]["first_copy"] = json!("c-404");
    reported(
        &json,
        StateError::InconsistentLineage(sid("c-404")),
        RuleId::Copy7,
    );
}

#[test]
fn copy_5_copy_with_instant_access_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-1")["instant_access"] = json!(true);
    let expected = impossible_copy("c-1", CopyDefect::InstantAccess);
    reported(&json, expected, RuleId::Copy5);
}

#[test]
fn copy_5_copy_with_tags_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-4")["tags"] = json!({"env": "prod"});
    let expected = impossible_copy("c-4", CopyDefect::Tags);
    reported(&json, expected, RuleId::Copy5);
}

#[test]
fn copy_7_copy_with_an_impossible_lineage_root_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-4")["origin"]["root"] = json!({"type": "disk", "id": "d-404"});
    let expected = impossible_copy("c-4", CopyDefect::ImpossibleRoot);
    reported(&json, expected, RuleId::Copy7);
}

#[test]
fn copy_3_encrypted_copy_of_an_account_without_kms_is_reported() {
    // ABROAD never activated KMS.
    let mut json = base();
    snapshot(&mut json, "c-a")["encryption"] = json!({"type": "service_key"});
    let expected = impossible_copy("c-a", CopyDefect::WithoutKms);
    reported(&json, expected, RuleId::Copy3);
}

#[test]
fn copy_7_available_copy_whose_lineage_never_started_is_reported() {
    let mut json = base();
    json["lineages"] = json!([]);
    let expected = impossible_copy("c-1", CopyDefect::LineageNotStarted);
    reported(&json, expected, RuleId::Copy7);
}

#[test]
fn copy_2_unencrypted_copy_of_an_encrypted_source_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-3")["encryption"] = json!({"type": "unencrypted"});
    let expected = impossible_copy("c-3", CopyDefect::PlaintextOfEncrypted);
    reported(&json, expected, RuleId::Copy2);
}

#[test]
fn copy_2_standard_copy_in_its_sources_region_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-4")["region"] = json!(REGION);
    let expected = impossible_copy("c-4", CopyDefect::StandardCopyInSourceRegion);
    reported(&json, expected, RuleId::Copy2);
}

#[test]
fn copy_5_copy_unlike_its_source_is_reported() {
    let mut json = base();
    snapshot(&mut json, "c-4")["source_disk_size_gib"] = json!(99);
    let expected = impossible_copy("c-4", CopyDefect::UnlikeSource);
    reported(&json, expected.clone(), RuleId::Copy5);
    // Older than its source, it is also older than its account (GEN-2).
    let mut json = base();
    snapshot(&mut json, "c-4")["created_at"] = instant(t0() - secs(1));
    let before_account = StateError::CreatedBefore {
        kind: ObjectKind::Snapshot,
        id: "c-4".into(),
        needed_kind: ObjectKind::Account,
        needed_id: OWNER.into(),
    };
    reported_with(&json, expected, RuleId::Copy5, &[before_account]);
}

// ------------------------------------------- checks added with the checker

/// An instant read back from the JSON.
fn read_instant(value: &Value) -> DateTime<Utc> {
    serde_json::from_value(value.clone()).unwrap()
}

#[test]
fn lock_1_lock_shorter_than_the_shortest_lock_is_reported() {
    let mut json = base();
    let lock = &mut snapshot(&mut json, "s-2")["lock"];
    let start = read_instant(&lock["start"]);
    lock["cool_off_end"] = instant(start);
    lock["expiry"] = instant(start + hours(12));
    reported(&json, StateError::LockOutOfRange(sid("s-2")), RuleId::Lock1);
}

#[test]
fn lock_1_cooling_off_longer_than_the_longest_is_reported() {
    let mut json = base();
    let lock = &mut snapshot(&mut json, "s-2")["lock"];
    let start = read_instant(&lock["start"]);
    lock["cool_off_end"] = instant(start + hours(73));
    reported(&json, StateError::LockOutOfRange(sid("s-2")), RuleId::Lock1);
}

#[test]
fn lock_2_lock_starting_before_its_snapshot_existed_is_reported() {
    let mut json = base();
    let created = read_instant(&snapshot(&mut json, "s-2")["created_at"]);
    snapshot(&mut json, "s-2")["lock"]["start"] = instant(created - hours(1));
    reported(&json, StateError::MalformedLock(sid("s-2")), RuleId::Lock2);
}

#[test]
fn snap_1_snapshot_in_another_region_than_its_disk_is_reported() {
    let mut json = base();
    snapshot(&mut json, "s-3")["region"] = json!(OTHER_REGION);
    reported(
        &json,
        StateError::SnapshotUnlikeDisk(sid("s-3")),
        RuleId::Snap1,
    );
}

#[test]
fn arch_1_snapshot_archived_younger_than_the_tier_allows_is_reported() {
    // s-3 is two hours old at the clock; archiving needs 14 days.
    let mut json = base();
    snapshot(&mut json, "s-3")["tier"] =
        json!({"type": "archive", "archived_at": instant(clock())});
    reported(
        &json,
        StateError::ImpossibleArchive(sid("s-3")),
        RuleId::Arch1,
    );
}

#[test]
fn lock_12_account_overdue_before_it_existed_is_reported() {
    let mut json = base();
    let account = record(&mut json, "accounts", OWNER);
    let created = read_instant(&account["created_at"]);
    account["overdue_since"] = instant(created - days(100));
    reported(
        &json,
        StateError::ImpossibleOverdue(OWNER.into()),
        RuleId::Lock12,
    );
}

#[test]
fn lock_12_account_overdue_after_the_clock_is_reported() {
    let mut json = base();
    record(&mut json, "accounts", OWNER)["overdue_since"] = instant(clock() + hours(1));
    reported(
        &json,
        StateError::ImpossibleOverdue(OWNER.into()),
        RuleId::Lock12,
    );
}

#[test]
fn snap_1_snapshot_of_another_accounts_disk_is_reported() {
    let mut json = base();
    snapshot(&mut json, "s-3")["owner"] = json!(OTHER);
    reported(
        &json,
        StateError::SnapshotUnlikeDisk(sid("s-3")),
        RuleId::Snap1,
    );
}

#[test]
fn snap_1_snapshot_older_than_its_disk_is_reported() {
    let mut json = base();
    let created = read_instant(&record(&mut json, "disks", "d-1")["created_at"]);
    snapshot(&mut json, "s-3")["created_at"] = instant(created - hours(1));
    reported(
        &json,
        StateError::SnapshotUnlikeDisk(sid("s-3")),
        RuleId::Snap1,
    );
}

#[test]
fn arch_1_snapshot_archived_after_the_clock_is_reported() {
    // With no minimum age, only the instant is wrong.
    let mut json = base();
    json["limits"]["archive_min_age_days"] = json!(0);
    let archived = json!({"type": "archive", "archived_at": instant(clock() + hours(1))});
    snapshot(&mut json, "s-3")["tier"] = archived;
    reported(
        &json,
        StateError::ImpossibleArchive(sid("s-3")),
        RuleId::Arch1,
    );
}

#[test]
fn lock_1_lock_set_near_the_end_of_time_round_trips() {
    // The longest cooling-off from the lock's start is past the calendar's
    // end, which bounds nothing.
    let now = DateTime::<Utc>::MAX_UTC - days(2);
    let mut w = World::starting_at(now, snapguard::Limits::default());
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.lock("s-1", 1, 0);
    let json = state_json(&w.state);
    assert_eq!(broken(&json), []);
    assert_eq!(load(&json).unwrap(), w.state);
}
