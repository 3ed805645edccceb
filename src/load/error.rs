//! Why a serialized state is refused: one variant per invariant, each
//! with the rule it breaks.

use crate::{AccountId, Bound, DiskId, ImageId, ObjectKind, RuleId, SnapshotId};

use super::{BackupDefect, CopyDefect};

/// Why a serialized state was refused: it breaks an invariant that no
/// accepted history can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Two objects of one kind share an id, or a live object has the id of
    /// a deleted one.
    #[error("{kind} `{id}` appears twice")]
    Duplicate {
        /// The kind of object.
        kind: ObjectKind,
        /// The id.
        id: String,
    },
    /// An object refers to one that does not exist: its owner, its region
    /// or its user's account is missing, or what it was made from (origin
    /// disk, copied snapshot, source snapshot or image) never existed,
    /// live or deleted.
    #[error("{kind} `{id}` refers to {missing_kind} `{missing_id}`, which does not exist")]
    Dangling {
        /// The referring object's kind.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// The kind referred to.
        missing_kind: ObjectKind,
        /// The id referred to.
        missing_id: String,
    },
    /// A snapshot's lock lasts less than the shortest lock, its
    /// cooling-off longer than the longest, or it expires later than the
    /// longest lock set or extended by the state's clock could (LOCK-1;
    /// an extension keeps the start and counts the duration from its own
    /// instant, LOCK-8, so only the clock bounds the expiry).
    #[error(
        "the lock of snapshot `{0}` is shorter or longer, or its cooling-off longer, than the limits allow"
    )]
    LockOutOfRange(SnapshotId),
    /// A snapshot disagrees with the disk it was taken of: another
    /// account's disk, a disk in another region, of another encryption or
    /// size, or one created after it (SNAP-1).
    #[error("snapshot `{0}` disagrees with the disk it was taken of")]
    SnapshotUnlikeDisk(SnapshotId),
    /// A snapshot was archived younger than the archive tier allows, or
    /// after the state's clock (ARCH-1).
    #[error("snapshot `{0}` was archived at an instant no history allows")]
    ImpossibleArchive(SnapshotId),
    /// An account fell overdue before it existed or after the state's
    /// clock (LOCK-12).
    #[error("account `{0}` fell overdue at an instant no history allows")]
    ImpossibleOverdue(AccountId),
    /// A snapshot's lock expires after its retention ends (LOCK-4).
    #[error("the lock of snapshot `{0}` expires after its retention ends")]
    LockOutlivesRetention(SnapshotId),
    /// A lock's instants are out of order: it must start no earlier than
    /// its snapshot was created and no later than its cooling-off ends, and
    /// its cooling-off must end no later than it expires (LOCK-2).
    #[error("the lock of snapshot `{0}` has its instants out of order")]
    MalformedLock(SnapshotId),
    /// A snapshot is still held although its retention ended before the
    /// state's clock: it would have been released (SNAP-2).
    #[error("snapshot `{0}` outlived its retention end")]
    RetentionPassed(SnapshotId),
    /// A disk holds more automatic snapshots than the limit (LOCK-11).
    #[error("disk `{0}` holds more automatic snapshots than the limit")]
    AutomaticLimitExceeded(DiskId),
    /// An object was recorded after the state's clock.
    #[error("{kind} `{id}` was created after the state's clock")]
    AfterClock {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
    },
    /// A snapshot holds a lock it could never have been given: it is a
    /// Cloud Backup snapshot, or it is not available (LOCK-3).
    #[error("snapshot `{0}` holds a lock it cannot hold")]
    ImpossibleLock(SnapshotId),
    /// An automatic snapshot was not taken of a disk: only a disk's
    /// automatic snapshot policy makes automatic snapshots (LOCK-11).
    #[error("automatic snapshot `{0}` was not taken of a disk")]
    AutomaticWithoutDisk(SnapshotId),
    /// A resource directory's members contradict it: its management
    /// account is not a member, an account is in two directories, a member
    /// is on another site (SHARE-3) or in a folder of another directory.
    #[error("resource directory `{0}` has inconsistent members")]
    InconsistentDirectory(crate::DirectoryId),
    /// A resource share names, or is accepted by, its owner or an account
    /// of another site (SHARE-3).
    #[error("resource share `{0}` names or is accepted by an account it cannot share with")]
    InconsistentShare(crate::ShareId),
    /// A resource share holds a snapshot it could never have been given:
    /// one of another account or one that cannot be shared (SHARE-5), or a
    /// view that expires before it begins, after the snapshot's retention,
    /// or was granted after that retention ended or after the clock
    /// (SHARE-9).
    #[error("resource share `{share}` holds snapshot `{snapshot}` as no sharing could")]
    ImpossibleSharing {
        /// The share.
        share: crate::ShareId,
        /// The snapshot it holds.
        snapshot: SnapshotId,
    },
    /// A disk is marked as made from a shared snapshot when its source is
    /// its own account's, or the other way round (DISK-4).
    #[error("disk `{0}` disagrees with the snapshot it was created from")]
    InconsistentDisk(DiskId),
    /// A disk is unencrypted although the snapshot or image it was created
    /// from is encrypted (DISK-1).
    #[error("disk `{0}` is unencrypted, but its source snapshot or image is encrypted")]
    PlaintextDisk(DiskId),
    /// A disk is in another region than the snapshot or image it was
    /// created from, or was created from another account's image (DISK-1).
    #[error("disk `{0}` is in another region than its source, or made from another's image")]
    DiskUnlikeSource(DiskId),
    /// A custom image disagrees with the snapshot it was created from: it
    /// is another account's, in another region, or of another encryption;
    /// or an imported image is encrypted (IMAGE-1).
    #[error("image `{0}` disagrees with its source on its owner, region or encryption")]
    ImageUnlikeSource(ImageId),
    /// Whether a disk, image or snapshot holds data from an imported image
    /// disagrees with its source (SHARE-5): a disk or image keeps its
    /// source's mark, an imported image is marked, a blank disk is not, and
    /// a snapshot of a disk is of origin `imported_image_disk` exactly when
    /// the disk is marked.
    #[error(
        "{kind} `{id}` disagrees with its source on whether it holds data from an imported image"
    )]
    ImportedImageMark {
        /// The kind of object: disk, image or snapshot.
        kind: ObjectKind,
        /// Its id.
        id: String,
    },
    /// A standard-tier snapshot's retention ends earlier or later than any
    /// retention in days counted from its creation (SNAP-5); a permanent
    /// retention is always possible.
    #[error("the retention of snapshot `{0}` is out of the retention range")]
    RetentionOutOfRange(SnapshotId),
    /// An archived snapshot's retention ends earlier or later than any
    /// archive retention in days counted from its creation, or no later
    /// than the instant of archiving (ARCH-2); a permanent one is always
    /// possible.
    #[error("the archive retention of snapshot `{0}` is out of the archive range")]
    ArchiveRetentionOutOfRange(SnapshotId),
    /// A snapshot is archived although it could never be archived: it is
    /// encrypted, or made by Cloud Backup (ARCH-5).
    #[error("snapshot `{0}` is archived, but it is encrypted or made by Cloud Backup")]
    ArchivedUnarchivable(SnapshotId),
    /// An object was created before an object it needs at its creation:
    /// its account, region, key, resource directory, or the snapshot or
    /// image it was made from (GEN-2: no command acts at an earlier instant
    /// than one already recorded).
    #[error("{kind} `{id}` was created before {needed_kind} `{needed_id}`, which it needs")]
    CreatedBefore {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// The kind it needs.
        needed_kind: ObjectKind,
        /// The id it needs.
        needed_id: String,
    },
    /// The id of an object, live or retired, is not well formed: empty, or
    /// holding a character other than ASCII letters, digits, `-`, `_` and
    /// `.` (GEN-5), so that it cannot reach into another resource name.
    #[error("{kind} id `{id}` is not well formed")]
    InvalidId {
        /// The kind of object.
        kind: ObjectKind,
        /// The id.
        id: String,
    },
    /// An object, live or deleted, has a minted id ([`MINT`](crate::MINT))
    /// whose number the state has not reached: the state would mint that
    /// id again (GEN-4).
    #[error("{kind} id `{id}` is minted, but the state has minted only {minted} ids")]
    NotYetMinted {
        /// The kind of object.
        kind: ObjectKind,
        /// The id.
        id: String,
        /// How many ids the state has minted.
        minted: u64,
    },
    /// An object is past one of the input bounds of GEN-7: its id, a
    /// user's policy document, a snapshot's tags, an account's resource
    /// shares or a resource directory's folders.
    #[error("{kind} `{id}` has too many {bound}: {size}, where the limit is {max}")]
    BoundExceeded {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// What was measured.
        bound: Bound,
        /// Its size.
        size: usize,
        /// The limit in force.
        max: u32,
    },
    /// The state's clock is inside a leap second, which no command may
    /// record (GEN-5).
    #[error("the state's clock is inside a leap second")]
    ClockInLeapSecond,
    /// An object holds an instant inside a leap second, which no command
    /// may record (GEN-5).
    #[error("{kind} `{id}` holds an instant inside a leap second")]
    InstantInLeapSecond {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
    },
    /// A customer master key belongs to an account that has not activated
    /// KMS (COPY-3).
    #[error("key `{0}` belongs to an account without KMS")]
    KeyWithoutKms(crate::KeyId),
    /// A disk or snapshot is encrypted with a customer master key of
    /// another account or region.
    #[error(
        "{kind} `{id}` is encrypted with key `{key}`, which is not its account's in its region"
    )]
    ForeignKey {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// The key.
        key: crate::KeyId,
    },
    /// A copy is one no accepted history can make (COPY-2 to COPY-7).
    #[error("copy `{copy}` is impossible: {defect}")]
    ImpossibleCopy {
        /// The copy.
        copy: SnapshotId,
        /// What is wrong with it.
        defect: CopyDefect,
    },
    /// A copy lineage names an account, region, key or first copy that
    /// does not exist, or a first copy that is of another lineage or not
    /// complete (COPY-7).
    #[error("the copy lineage started by `{0}` is inconsistent")]
    InconsistentLineage(SnapshotId),
    /// A vault, backup policy or backup point contradicts the rules no
    /// history breaks (VAULT-1 to VAULT-7): immutability on a kind that
    /// does not support it, a replica less protected than its source or in
    /// its region, a point unlocked in an immutable vault or policy, or
    /// held past its retention end.
    #[error("{kind} `{id}` is inconsistent: {defect}")]
    InconsistentBackup {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// What is wrong.
        defect: BackupDefect,
    },
    /// A sharing quota is exceeded (SHARE-1 or SHARE-2). A share naming
    /// more principals than a snapshot may have, or an owner's shares
    /// holding more of its snapshots than it may share, is refused from
    /// the shares' data before any index is built; the principals of all
    /// the shares holding a snapshot are counted on the rebuilt index.
    #[error("the quota of {rule} is exceeded by `{id}`")]
    QuotaExceeded {
        /// The rule whose quota is exceeded.
        rule: RuleId,
        /// The snapshot (SHARE-1) or account (SHARE-2).
        id: String,
    },
    /// The state was saved in a format newer than this version of
    /// snapguard reads ([`State::FORMAT_VERSION`](crate::State::FORMAT_VERSION)):
    /// a later version wrote it. Nothing else of it is read, so this is the
    /// only error reported. Load it with a snapguard version that reads
    /// format `found` (GEN-5: input beyond what this version reads).
    #[error(
        "the state is in format version {found}, and this version of snapguard reads formats up to {supported}: upgrade snapguard to load it"
    )]
    UnsupportedFormat {
        /// The format version of the state.
        found: u32,
        /// The newest format version this version of snapguard reads.
        supported: u32,
    },
    /// A limit contradicts another (a minimum above its maximum) or is
    /// out of range (a lock shorter than one day).
    #[error("the limit `{field}` is incoherent")]
    IncoherentLimits {
        /// The limit's field name in [`Limits`](crate::Limits).
        field: String,
    },
}

impl From<crate::LimitsError> for StateError {
    /// Loading refuses incoherent limits as [`StateError::IncoherentLimits`].
    fn from(error: crate::LimitsError) -> Self {
        Self::IncoherentLimits { field: error.field }
    }
}

impl StateError {
    /// The rule the refused state breaks: the rule that no accepted
    /// history lets it break. Duplicate and dangling ids break GEN-4,
    /// objects newer than the clock or older than what they need GEN-2,
    /// incoherent limits, ill-formed ids, leap seconds and a format newer
    /// than this version reads GEN-5, input
    /// bounds GEN-7, a key of another account PERM-4.
    ///
    /// ```
    /// use snapguard::{RuleId, StateError};
    /// let error = StateError::LockOutlivesRetention("s-1".into());
    /// assert_eq!(error.rule(), RuleId::Lock4);
    /// ```
    #[must_use]
    pub fn rule(&self) -> RuleId {
        match self {
            Self::Duplicate { .. } | Self::Dangling { .. } | Self::NotYetMinted { .. } => {
                RuleId::Gen4
            }
            Self::AfterClock { .. } => RuleId::Gen2,
            Self::IncoherentLimits { .. } | Self::UnsupportedFormat { .. } => RuleId::Gen5,
            Self::LockOutlivesRetention(_) => RuleId::Lock4,
            Self::LockOutOfRange(_) => RuleId::Lock1,
            Self::SnapshotUnlikeDisk(_) => RuleId::Snap1,
            Self::ImpossibleArchive(_) => RuleId::Arch1,
            Self::ImpossibleOverdue(_) => RuleId::Lock12,
            Self::MalformedLock(_) => RuleId::Lock2,
            Self::ImpossibleLock(_) => RuleId::Lock3,
            Self::RetentionPassed(_) => RuleId::Snap2,
            Self::AutomaticLimitExceeded(_) | Self::AutomaticWithoutDisk(_) => RuleId::Lock11,
            Self::InconsistentDirectory(_) | Self::InconsistentShare(_) => RuleId::Share3,
            Self::ImpossibleSharing { .. } => RuleId::Share5,
            Self::InconsistentDisk(_) => RuleId::Disk4,
            Self::PlaintextDisk(_) => RuleId::Disk1,
            Self::KeyWithoutKms(_) => RuleId::Copy3,
            Self::ForeignKey { .. } => RuleId::Perm4,
            Self::ImpossibleCopy { defect, .. } => defect.rule(),
            Self::InconsistentLineage(_) => RuleId::Copy7,
            Self::InconsistentBackup { defect, .. } => defect.rule(),
            Self::QuotaExceeded { rule, .. } => *rule,
            Self::DiskUnlikeSource(_) => RuleId::Disk1,
            Self::ImageUnlikeSource(_) => RuleId::Image1,
            Self::ImportedImageMark { .. } => RuleId::Share5,
            Self::RetentionOutOfRange(_) => RuleId::Snap5,
            Self::ArchiveRetentionOutOfRange(_) => RuleId::Arch2,
            Self::ArchivedUnarchivable(_) => RuleId::Arch5,
            Self::CreatedBefore { .. } => RuleId::Gen2,
            Self::InvalidId { .. } | Self::ClockInLeapSecond | Self::InstantInLeapSecond { .. } => {
                RuleId::Gen5
            }
            Self::BoundExceeded { .. } => RuleId::Gen7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BackupDefect, CopyDefect, ObjectKind, RuleId, StateError};

    /// The test of `tests/invariants/state.rs` or `tests/load/` that breaks
    /// `error`'s invariant through JSON and sees it reported; copies and
    /// Cloud Backup have one per defect, listed in
    /// `tests/invariants/guard.rs`. No wildcard: a new variant does not
    /// compile until it is given its test.
    fn breaking_test(error: &StateError) -> &'static str {
        match error {
            StateError::Duplicate { .. } => "gen_4_duplicate_id_is_reported",
            StateError::Dangling { .. } => "gen_4_dangling_reference_is_reported",
            StateError::LockOutOfRange(_) => {
                "lock_1_lock_shorter_than_the_shortest_lock_is_reported"
            }
            StateError::SnapshotUnlikeDisk(_) => {
                "snap_1_snapshot_in_another_region_than_its_disk_is_reported"
            }
            StateError::ImpossibleArchive(_) => {
                "arch_1_snapshot_archived_younger_than_the_tier_allows_is_reported"
            }
            StateError::ImpossibleOverdue(_) => {
                "lock_12_account_overdue_before_it_existed_is_reported"
            }
            StateError::LockOutlivesRetention(_) => {
                "lock_4_lock_expiring_after_retention_is_reported"
            }
            StateError::MalformedLock(_) => "lock_2_lock_with_instants_out_of_order_is_reported",
            StateError::RetentionPassed(_) => {
                "snap_2_snapshot_held_past_its_retention_end_is_reported"
            }
            StateError::AutomaticLimitExceeded(_) => {
                "lock_11_automatic_snapshots_over_the_limit_are_reported"
            }
            StateError::AfterClock { .. } => "gen_2_object_created_after_the_clock_is_reported",
            StateError::ImpossibleLock(_) => {
                "lock_3_lock_on_a_snapshot_that_cannot_be_locked_is_reported"
            }
            StateError::AutomaticWithoutDisk(_) => {
                "lock_11_automatic_snapshot_not_taken_of_a_disk_is_reported"
            }
            StateError::InconsistentDirectory(_) => {
                "share_3_directory_with_a_member_of_another_site_is_reported"
            }
            StateError::InconsistentShare(_) => {
                "share_3_share_naming_an_account_of_another_site_is_reported"
            }
            StateError::ImpossibleSharing { .. } => {
                "share_5_share_holding_an_unshareable_snapshot_is_reported"
            }
            StateError::InconsistentDisk(_) => {
                "disk_4_disk_disagreeing_with_its_source_snapshot_is_reported"
            }
            StateError::PlaintextDisk(_) => {
                "disk_1_unencrypted_disk_of_an_encrypted_snapshot_is_reported"
            }
            StateError::KeyWithoutKms(_) => "copy_3_key_of_an_account_without_kms_is_reported",
            StateError::ForeignKey { .. } => {
                "perm_4_disk_encrypted_with_another_accounts_key_is_reported"
            }
            StateError::ImpossibleCopy { .. } => "copy_5_copy_with_tags_is_reported",
            StateError::InconsistentLineage(_) => "copy_7_inconsistent_copy_lineage_is_reported",
            StateError::InconsistentBackup { .. } => {
                "vault_4_unlocked_point_that_immutability_locks_is_reported"
            }
            StateError::QuotaExceeded { .. } => {
                "share_1_snapshot_over_the_principal_quota_is_reported"
            }
            StateError::IncoherentLimits { .. } => "gen_5_incoherent_limits_are_reported",
            StateError::UnsupportedFormat { .. } => {
                "gen_5_state_of_a_newer_format_is_refused_naming_both_versions"
            }
            StateError::DiskUnlikeSource(_) => {
                "disk_1_disk_in_another_region_than_its_source_is_reported"
            }
            StateError::ImageUnlikeSource(_) => {
                "image_1_image_unlike_its_source_snapshot_is_reported"
            }
            StateError::ImportedImageMark { .. } => {
                "share_5_imported_image_mark_unlike_its_source_is_reported"
            }
            StateError::RetentionOutOfRange(_) => "snap_5_retention_out_of_range_is_reported",
            StateError::ArchiveRetentionOutOfRange(_) => {
                "arch_2_archived_snapshot_retention_out_of_range_is_reported"
            }
            StateError::ArchivedUnarchivable(_) => {
                "arch_5_archived_snapshot_that_cannot_be_archived_is_reported"
            }
            StateError::CreatedBefore { .. } => {
                "gen_2_object_created_before_what_it_needs_is_reported"
            }
            StateError::InvalidId { .. } => "gen_5_ill_formed_id_is_reported",
            StateError::NotYetMinted { .. } => "gen_4_id_minted_ahead_of_the_count_is_reported",
            StateError::BoundExceeded { .. } => "gen_7_id_over_the_length_bound_is_reported",
            StateError::ClockInLeapSecond | StateError::InstantInLeapSecond { .. } => {
                "gen_5_instant_in_a_leap_second_is_reported"
            }
        }
    }

    #[test]
    fn every_invariant_names_a_test_that_exists() {
        let sources = [
            include_str!("../../tests/invariants/state.rs"),
            include_str!("../../tests/invariants/backup.rs"),
            include_str!("../../tests/load/bounds.rs"),
            include_str!("../../tests/load/provenance.rs"),
            include_str!("../../tests/load/ranges.rs"),
        ];
        let (kind, id) = (ObjectKind::Snapshot, String::from("s-1"));
        let samples = [
            StateError::Duplicate {
                kind,
                id: id.clone(),
            },
            StateError::Dangling {
                kind,
                id: id.clone(),
                missing_kind: kind,
                missing_id: id.clone(),
            },
            StateError::LockOutOfRange("s-1".into()),
            StateError::SnapshotUnlikeDisk("s-1".into()),
            StateError::ImpossibleArchive("s-1".into()),
            StateError::ImpossibleOverdue("1001".into()),
            StateError::LockOutlivesRetention("s-1".into()),
            StateError::MalformedLock("s-1".into()),
            StateError::RetentionPassed("s-1".into()),
            StateError::AutomaticLimitExceeded("d-1".into()),
            StateError::AfterClock {
                kind,
                id: id.clone(),
            },
            StateError::ImpossibleLock("s-1".into()),
            StateError::AutomaticWithoutDisk("s-1".into()),
            StateError::InconsistentDirectory("rd-1".into()),
            StateError::InconsistentShare("rs-1".into()),
            StateError::ImpossibleSharing {
                share: "rs-1".into(),
                snapshot: "s-1".into(),
            },
            StateError::InconsistentDisk("d-1".into()),
            StateError::PlaintextDisk("d-1".into()),
            StateError::KeyWithoutKms("k-1".into()),
            StateError::ForeignKey {
                kind,
                id: id.clone(),
                key: "k-1".into(),
            },
            StateError::ImpossibleCopy {
                copy: "c-1".into(),
                defect: CopyDefect::Tags,
            },
            StateError::InconsistentLineage("c-1".into()),
            StateError::InconsistentBackup {
                kind: ObjectKind::BackupPoint,
                id,
                defect: BackupDefect::ShouldBeLocked,
            },
            StateError::QuotaExceeded {
                rule: RuleId::Share1,
                id: "s-1".into(),
            },
            StateError::IncoherentLimits {
                field: "min_lock_days".into(),
            },
            StateError::UnsupportedFormat {
                found: 2,
                supported: 1,
            },
            StateError::DiskUnlikeSource("d-1".into()),
            StateError::ImageUnlikeSource("i-1".into()),
            StateError::ImportedImageMark {
                kind,
                id: "s-1".into(),
            },
            StateError::RetentionOutOfRange("s-1".into()),
            StateError::ArchiveRetentionOutOfRange("s-1".into()),
            StateError::ArchivedUnarchivable("s-1".into()),
            StateError::CreatedBefore {
                kind,
                id: "s-1".into(),
                needed_kind: ObjectKind::Account,
                needed_id: "1001".into(),
            },
            StateError::InvalidId {
                kind,
                id: "s/1".into(),
            },
            StateError::NotYetMinted {
                kind,
                id: "s-~0000000000000000001".into(),
                minted: 1,
            },
            StateError::BoundExceeded {
                kind,
                id: "s-1".into(),
                bound: crate::Bound::Tags,
                size: 21,
                max: 20,
            },
            StateError::ClockInLeapSecond,
            StateError::InstantInLeapSecond {
                kind,
                id: "s-1".into(),
            },
        ];
        for error in &samples {
            let test = breaking_test(error);
            let declared = format!("fn {test}()");
            assert!(
                sources.iter().any(|source| source.contains(&declared)),
                "{error:?}: no test `{test}`"
            );
        }
    }
}
