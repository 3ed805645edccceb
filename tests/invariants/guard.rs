//! The exhaustiveness guard of the invariant tests: every [`StateError`]
//! variant, every [`CopyDefect`] and every [`BackupDefect`], built once,
//! with the rule it reports and the test that breaks it through JSON
//! (`tests/invariants/state.rs`, `tests/invariants/backup.rs`, and
//! `tests/load/bounds.rs`, `tests/load/provenance.rs`,
//! `tests/load/ranges.rs` for the checks added with the bounds of GEN-7).
//!
//! The three enums are `#[non_exhaustive]`, so a `match` outside the crate
//! needs a wildcard and the compiler cannot flag a new variant here; the
//! exhaustive match in `src/load/error.rs`'s unit tests does, and names the
//! test breaking each variant. A variant added to the crate must be added
//! here too (and a test breaking it there).

use std::collections::BTreeSet;

use snapguard::{BackupDefect, Bound, CopyDefect, ObjectKind, RuleId, SnapshotId, StateError};

const OWNER: &str = "1001";

fn sid(id: &str) -> SnapshotId {
    SnapshotId::new(id)
}

fn impossible_copy(copy: &str, defect: CopyDefect) -> StateError {
    StateError::ImpossibleCopy {
        copy: sid(copy),
        defect,
    }
}

/// The name of a `StateError` variant. `StateError` is `#[non_exhaustive]`,
/// so the wildcard arm is required: a variant added to the crate falls into
/// it, and [`every_variant`] must gain a line (and
/// `tests/invariants/state.rs` a test breaking it through JSON).
fn variant(error: &StateError) -> &'static str {
    match error {
        StateError::Duplicate { .. } => "Duplicate",
        StateError::Dangling { .. } => "Dangling",
        StateError::LockOutlivesRetention(_) => "LockOutlivesRetention",
        StateError::MalformedLock(_) => "MalformedLock",
        StateError::RetentionPassed(_) => "RetentionPassed",
        StateError::AutomaticLimitExceeded(_) => "AutomaticLimitExceeded",
        StateError::AfterClock { .. } => "AfterClock",
        StateError::ImpossibleLock(_) => "ImpossibleLock",
        StateError::AutomaticWithoutDisk(_) => "AutomaticWithoutDisk",
        StateError::InconsistentDirectory(_) => "InconsistentDirectory",
        StateError::InconsistentShare(_) => "InconsistentShare",
        StateError::ImpossibleSharing { .. } => "ImpossibleSharing",
        StateError::InconsistentDisk(_) => "InconsistentDisk",
        StateError::PlaintextDisk(_) => "PlaintextDisk",
        StateError::KeyWithoutKms(_) => "KeyWithoutKms",
        StateError::ForeignKey { .. } => "ForeignKey",
        StateError::ImpossibleCopy { .. } => "ImpossibleCopy",
        StateError::InconsistentLineage(_) => "InconsistentLineage",
        StateError::InconsistentBackup { .. } => "InconsistentBackup",
        StateError::QuotaExceeded { .. } => "QuotaExceeded",
        StateError::IncoherentLimits { .. } => "IncoherentLimits",
        StateError::LockOutOfRange(_) => "LockOutOfRange",
        StateError::SnapshotUnlikeDisk(_) => "SnapshotUnlikeDisk",
        StateError::ImpossibleArchive(_) => "ImpossibleArchive",
        StateError::ImpossibleOverdue(_) => "ImpossibleOverdue",
        StateError::DiskUnlikeSource(_) => "DiskUnlikeSource",
        StateError::ImageUnlikeSource(_) => "ImageUnlikeSource",
        StateError::ImportedImageMark { .. } => "ImportedImageMark",
        StateError::RetentionOutOfRange(_) => "RetentionOutOfRange",
        StateError::ArchiveRetentionOutOfRange(_) => "ArchiveRetentionOutOfRange",
        StateError::ArchivedUnarchivable(_) => "ArchivedUnarchivable",
        StateError::CreatedBefore { .. } => "CreatedBefore",
        StateError::InvalidId { .. } => "InvalidId",
        StateError::BoundExceeded { .. } => "BoundExceeded",
        StateError::ClockInLeapSecond => "ClockInLeapSecond",
        StateError::InstantInLeapSecond { .. } => "InstantInLeapSecond",
        _ => "not covered: add it here, to COVERED and every_variant, and break it",
    }
}

/// Every `StateError` variant covered, as [`variant`] names it.
const COVERED: [&str; 36] = [
    "Duplicate",
    "Dangling",
    "LockOutlivesRetention",
    "MalformedLock",
    "RetentionPassed",
    "AutomaticLimitExceeded",
    "AfterClock",
    "ImpossibleLock",
    "AutomaticWithoutDisk",
    "InconsistentDirectory",
    "InconsistentShare",
    "ImpossibleSharing",
    "InconsistentDisk",
    "PlaintextDisk",
    "KeyWithoutKms",
    "ForeignKey",
    "ImpossibleCopy",
    "InconsistentLineage",
    "InconsistentBackup",
    "QuotaExceeded",
    "IncoherentLimits",
    "LockOutOfRange",
    "SnapshotUnlikeDisk",
    "ImpossibleArchive",
    "ImpossibleOverdue",
    "DiskUnlikeSource",
    "ImageUnlikeSource",
    "ImportedImageMark",
    "RetentionOutOfRange",
    "ArchiveRetentionOutOfRange",
    "ArchivedUnarchivable",
    "CreatedBefore",
    "InvalidId",
    "BoundExceeded",
    "ClockInLeapSecond",
    "InstantInLeapSecond",
];

/// Every `CopyDefect` with its rule and the test of
/// `tests/invariants/state.rs` breaking it.
const COPY_DEFECTS: [(CopyDefect, RuleId, &str); 9] = [
    (
        CopyDefect::InstantAccess,
        RuleId::Copy5,
        "copy_5_copy_with_instant_access_is_reported",
    ),
    (
        CopyDefect::Tags,
        RuleId::Copy5,
        "copy_5_copy_with_tags_is_reported",
    ),
    (
        CopyDefect::ImpossibleRoot,
        RuleId::Copy7,
        "copy_7_copy_with_an_impossible_lineage_root_is_reported",
    ),
    (
        CopyDefect::WithoutKms,
        RuleId::Copy3,
        "copy_3_encrypted_copy_of_an_account_without_kms_is_reported",
    ),
    (
        CopyDefect::LineageNotStarted,
        RuleId::Copy7,
        "copy_7_available_copy_whose_lineage_never_started_is_reported",
    ),
    (
        CopyDefect::PlaintextOfEncrypted,
        RuleId::Copy2,
        "copy_2_unencrypted_copy_of_an_encrypted_source_is_reported",
    ),
    (
        CopyDefect::StandardCopyInSourceRegion,
        RuleId::Copy2,
        "copy_2_standard_copy_in_its_sources_region_is_reported",
    ),
    (
        CopyDefect::UnlikeSource,
        RuleId::Copy5,
        "copy_5_copy_unlike_its_source_is_reported",
    ),
    (
        CopyDefect::OwnSource,
        RuleId::Copy5,
        "copy_5_copy_of_itself_is_reported",
    ),
];

/// Every `BackupDefect` with its rule and the test of
/// `tests/invariants/backup.rs` breaking it.
const BACKUP_DEFECTS: [(BackupDefect, RuleId, &str); 13] = [
    (
        BackupDefect::KindCannotBeImmutable,
        RuleId::Vault2,
        "vault_2_immutable_vault_of_a_kind_without_immutability_is_reported",
    ),
    (
        BackupDefect::VaultCannotBeImmutable,
        RuleId::Vault2,
        "vault_2_immutable_policy_of_a_vault_without_immutability_is_reported",
    ),
    (
        BackupDefect::RetentionOutOfRange,
        RuleId::Vault1,
        "vault_1_archive_vault_retention_out_of_range_is_reported",
    ),
    (
        BackupDefect::ReplicaUnlikeSource,
        RuleId::Vault7,
        "vault_7_replica_vault_unlike_its_source_is_reported",
    ),
    (
        BackupDefect::NotItsVaultOwners,
        RuleId::Perm4,
        "perm_4_policy_or_point_of_another_account_than_its_vault_is_reported",
    ),
    (
        BackupDefect::BeforeItsVault,
        RuleId::Gen2,
        "gen_2_policy_or_point_created_before_its_vault_is_reported",
    ),
    (
        BackupDefect::Undated,
        RuleId::Gen2,
        "gen_2_immutability_or_lock_dated_outside_its_life_is_reported",
    ),
    (
        BackupDefect::OthersSnapshot,
        RuleId::Perm4,
        "perm_4_point_holding_another_accounts_snapshot_is_reported",
    ),
    (
        BackupDefect::PolicyElsewhere,
        RuleId::Gen4,
        "gen_4_point_of_a_policy_of_another_vault_or_gone_is_reported",
    ),
    (
        BackupDefect::RetentionEnded,
        RuleId::Vault5,
        "vault_5_point_held_at_its_retention_end_is_reported",
    ),
    (
        BackupDefect::ShouldBeLocked,
        RuleId::Vault4,
        "vault_4_unlocked_point_that_immutability_locks_is_reported",
    ),
    (
        BackupDefect::NothingCouldLock,
        RuleId::Vault4,
        "vault_4_locked_point_nothing_could_lock_is_reported",
    ),
    (
        BackupDefect::LessProtectedThanSource,
        RuleId::Vault7,
        "vault_7_replica_point_less_protected_than_its_source_is_reported",
    ),
];

/// Every `StateError` variant, built once, with the rule it reports and
/// the test of `tests/invariants/state.rs` breaking it through JSON (`None`
/// for `ImpossibleCopy` and `InconsistentBackup`, broken once per defect:
/// see [`COPY_DEFECTS`] and [`BACKUP_DEFECTS`]).
fn every_variant() -> Vec<(StateError, RuleId, Option<&'static str>)> {
    let s = || sid("s-1");
    vec![
        (
            StateError::LockOutOfRange(s()),
            RuleId::Lock1,
            Some("lock_1_lock_shorter_than_the_shortest_lock_is_reported"),
        ),
        (
            StateError::SnapshotUnlikeDisk(s()),
            RuleId::Snap1,
            Some("snap_1_snapshot_in_another_region_than_its_disk_is_reported"),
        ),
        (
            StateError::ImpossibleArchive(s()),
            RuleId::Arch1,
            Some("arch_1_snapshot_archived_younger_than_the_tier_allows_is_reported"),
        ),
        (
            StateError::ImpossibleOverdue("1001".into()),
            RuleId::Lock12,
            Some("lock_12_account_overdue_before_it_existed_is_reported"),
        ),
        (
            StateError::Duplicate {
                kind: ObjectKind::Disk,
                id: "d-1".into(),
            },
            RuleId::Gen4,
            Some("gen_4_duplicate_id_is_reported"),
        ),
        (
            StateError::Dangling {
                kind: ObjectKind::User,
                id: "alice".into(),
                missing_kind: ObjectKind::Account,
                missing_id: "9999".into(),
            },
            RuleId::Gen4,
            Some("gen_4_dangling_reference_is_reported"),
        ),
        (
            StateError::LockOutlivesRetention(s()),
            RuleId::Lock4,
            Some("lock_4_lock_expiring_after_retention_is_reported"),
        ),
        (
            StateError::MalformedLock(s()),
            RuleId::Lock2,
            Some("lock_2_lock_with_instants_out_of_order_is_reported"),
        ),
        (
            StateError::RetentionPassed(s()),
            RuleId::Snap2,
            Some("snap_2_snapshot_held_past_its_retention_end_is_reported"),
        ),
        (
            StateError::AutomaticLimitExceeded("d-1".into()),
            RuleId::Lock11,
            Some("lock_11_automatic_snapshots_over_the_limit_are_reported"),
        ),
        (
            StateError::AfterClock {
                kind: ObjectKind::Snapshot,
                id: "s-1".into(),
            },
            RuleId::Gen2,
            Some("gen_2_object_created_after_the_clock_is_reported"),
        ),
        (
            StateError::ImpossibleLock(s()),
            RuleId::Lock3,
            Some("lock_3_lock_on_a_snapshot_that_cannot_be_locked_is_reported"),
        ),
        (
            StateError::AutomaticWithoutDisk(s()),
            RuleId::Lock11,
            Some("lock_11_automatic_snapshot_not_taken_of_a_disk_is_reported"),
        ),
        (
            StateError::InconsistentDirectory("rd-1".into()),
            RuleId::Share3,
            Some("share_3_directory_with_a_member_of_another_site_is_reported"),
        ),
        (
            StateError::InconsistentShare("rs-1".into()),
            RuleId::Share3,
            Some("share_3_share_naming_an_account_of_another_site_is_reported"),
        ),
        (
            StateError::ImpossibleSharing {
                share: "rs-1".into(),
                snapshot: s(),
            },
            RuleId::Share5,
            Some("share_5_share_holding_an_unshareable_snapshot_is_reported"),
        ),
        (
            StateError::InconsistentDisk("d-1".into()),
            RuleId::Disk4,
            Some("disk_4_disk_disagreeing_with_its_source_snapshot_is_reported"),
        ),
        (
            StateError::PlaintextDisk("d-1".into()),
            RuleId::Disk1,
            Some("disk_1_unencrypted_disk_of_an_encrypted_snapshot_is_reported"),
        ),
        (
            StateError::KeyWithoutKms("k-1".into()),
            RuleId::Copy3,
            Some("copy_3_key_of_an_account_without_kms_is_reported"),
        ),
        (
            StateError::ForeignKey {
                kind: ObjectKind::Disk,
                id: "d-1".into(),
                key: "k-1".into(),
            },
            RuleId::Perm4,
            Some("perm_4_disk_encrypted_with_another_accounts_key_is_reported"),
        ),
        (
            impossible_copy("c-1", CopyDefect::Tags),
            RuleId::Copy5,
            None,
        ),
        (
            StateError::InconsistentLineage(s()),
            RuleId::Copy7,
            Some("copy_7_inconsistent_copy_lineage_is_reported"),
        ),
        (
            StateError::InconsistentBackup {
                kind: ObjectKind::BackupPoint,
                id: "bp-1".into(),
                defect: BackupDefect::ShouldBeLocked,
            },
            RuleId::Vault4,
            None,
        ),
        (
            StateError::QuotaExceeded {
                rule: RuleId::Share1,
                id: "s-1".into(),
            },
            RuleId::Share1,
            Some("share_1_snapshot_over_the_principal_quota_is_reported"),
        ),
        (
            StateError::QuotaExceeded {
                rule: RuleId::Share2,
                id: OWNER.into(),
            },
            RuleId::Share2,
            Some("share_2_account_over_the_shared_snapshot_quota_is_reported"),
        ),
        (
            StateError::IncoherentLimits {
                field: "min_lock_days".into(),
            },
            RuleId::Gen5,
            Some("gen_5_incoherent_limits_are_reported"),
        ),
        (
            StateError::DiskUnlikeSource("d-1".into()),
            RuleId::Disk1,
            Some("disk_1_disk_in_another_region_than_its_source_is_reported"),
        ),
        (
            StateError::ImageUnlikeSource("i-1".into()),
            RuleId::Image1,
            Some("image_1_image_unlike_its_source_snapshot_is_reported"),
        ),
        (
            StateError::ImportedImageMark {
                kind: ObjectKind::Disk,
                id: "d-1".into(),
            },
            RuleId::Share5,
            Some("share_5_imported_image_mark_unlike_its_source_is_reported"),
        ),
        (
            StateError::RetentionOutOfRange(s()),
            RuleId::Snap5,
            Some("snap_5_retention_out_of_range_is_reported"),
        ),
        (
            StateError::ArchiveRetentionOutOfRange(s()),
            RuleId::Arch2,
            Some("arch_2_archived_snapshot_retention_out_of_range_is_reported"),
        ),
        (
            StateError::ArchivedUnarchivable(s()),
            RuleId::Arch5,
            Some("arch_5_archived_snapshot_that_cannot_be_archived_is_reported"),
        ),
        (
            StateError::CreatedBefore {
                kind: ObjectKind::Disk,
                id: "d-1".into(),
                needed_kind: ObjectKind::Account,
                needed_id: OWNER.into(),
            },
            RuleId::Gen2,
            Some("gen_2_object_created_before_what_it_needs_is_reported"),
        ),
        (
            StateError::InvalidId {
                kind: ObjectKind::Region,
                id: "r:1".into(),
            },
            RuleId::Gen5,
            Some("gen_5_ill_formed_id_is_reported"),
        ),
        (
            StateError::BoundExceeded {
                kind: ObjectKind::Snapshot,
                id: "s-1".into(),
                bound: Bound::Tags,
                size: 21,
                max: 20,
            },
            RuleId::Gen7,
            Some("gen_7_id_over_the_length_bound_is_reported"),
        ),
        (
            StateError::ClockInLeapSecond,
            RuleId::Gen5,
            Some("gen_5_instant_in_a_leap_second_is_reported"),
        ),
        (
            StateError::InstantInLeapSecond {
                kind: ObjectKind::Snapshot,
                id: "s-1".into(),
            },
            RuleId::Gen5,
            Some("gen_5_instant_in_a_leap_second_is_reported"),
        ),
    ]
}

/// `tests/invariants/state.rs` with `tests/load/`, and
/// `tests/invariants/backup.rs`, to check that the tests named above exist
/// and name what they break.
const MAIN: [&str; 4] = [
    include_str!("state.rs"),
    include_str!("../load/bounds.rs"),
    include_str!("../load/provenance.rs"),
    include_str!("../load/ranges.rs"),
];
const BACKUP: [&str; 1] = [include_str!("backup.rs")];

/// The test `name` of one of `sources` breaks `what` and names `rule`
/// literally: its text, from its `fn` to the next test, mentions both.
#[track_caller]
fn breaks(sources: &[&str], name: &str, what: &str, rule: RuleId) {
    let declared = format!("fn {name}()");
    let (source, start) = sources
        .iter()
        .find_map(|source| source.find(&declared).map(|start| (source, start)))
        .unwrap_or_else(|| panic!("no test {name}"));
    let rest = &source[start..];
    let text = &rest[..rest.find("#[test]").unwrap_or(rest.len())];
    assert!(text.contains(what), "{name} does not mention {what}");
    let rule = format!("RuleId::{rule:?}");
    assert!(text.contains(&rule), "{name} does not mention {rule}");
}

#[test]
fn every_variant_is_covered_with_its_rule() {
    let mut seen = BTreeSet::new();
    for (error, rule, test) in every_variant() {
        assert_eq!(error.rule(), rule, "{error:?} (broken by {test:?})");
        let name = variant(&error);
        assert!(COVERED.contains(&name), "{error:?}: {name}");
        seen.insert(name);
        match test {
            Some(test) => breaks(&MAIN, test, &format!("StateError::{name}"), rule),
            None => assert!(
                matches!(name, "ImpossibleCopy" | "InconsistentBackup"),
                "{name} has no test"
            ),
        }
    }
    assert_eq!(seen.len(), COVERED.len(), "every covered variant is built");
    for (defect, rule, test) in COPY_DEFECTS {
        assert_eq!(defect.rule(), rule, "{defect:?} (broken by {test})");
        assert_eq!(impossible_copy("c-1", defect).rule(), rule);
        breaks(&MAIN, test, &format!("CopyDefect::{defect:?}"), rule);
    }
    for (defect, rule, test) in BACKUP_DEFECTS {
        assert_eq!(defect.rule(), rule, "{defect:?} (broken by {test})");
        let error = StateError::InconsistentBackup {
            kind: ObjectKind::Vault,
            id: "v-1".into(),
            defect,
        };
        assert_eq!(error.rule(), rule);
        breaks(&BACKUP, test, &format!("BackupDefect::{defect:?}"), rule);
    }
    let distinct = |names: Vec<String>| names.iter().collect::<BTreeSet<_>>().len();
    let copies: Vec<String> = COPY_DEFECTS.iter().map(|d| format!("{:?}", d.0)).collect();
    assert_eq!(distinct(copies), 9, "each CopyDefect listed once");
    let backups: Vec<String> = BACKUP_DEFECTS
        .iter()
        .map(|d| format!("{:?}", d.0))
        .collect();
    assert_eq!(distinct(backups), 13, "each BackupDefect listed once");
}
