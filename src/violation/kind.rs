//! The name of each violation's variant, as its serialized `type` tag.

use crate::Violation;

impl Violation {
    /// Every [`Violation::kind`], in the order the variants are declared.
    ///
    /// A service that maps refusals to its own error codes can check that
    /// its table names each of them:
    ///
    /// ```
    /// use snapguard::Violation;
    ///
    /// assert_eq!(Violation::KINDS.first(), Some(&"clock_went_backwards"));
    /// assert!(Violation::KINDS.contains(&"snapshot_locked"));
    /// ```
    pub const KINDS: &'static [&'static str] = &[
        "clock_went_backwards",
        "not_found",
        "already_exists",
        "invalid_id",
        "time_out_of_range",
        "leap_second",
        "bound_exceeded",
        "permission_denied",
        "wrong_actor",
        "foreign_resource",
        "snapshot_not_available",
        "snapshot_not_in_progress",
        "retention_shortened",
        "retention_out_of_range",
        "lock_duration_out_of_range",
        "cool_off_out_of_range",
        "cool_off_exceeds_duration",
        "cloud_backup_snapshot",
        "lock_outlives_retention",
        "unlock_in_compliance",
        "not_locked",
        "lock_shortened",
        "cool_off_in_compliance",
        "snapshot_locked",
        "automatic_snapshot_limit_reached",
        "not_overdue_long_enough",
        "archive_ends_before_lock",
        "snapshot_too_young_to_archive",
        "already_archived",
        "archive_retention_out_of_range",
        "archive_retention_ended",
        "not_archivable",
        "archived_retention_fixed",
        "archived_snapshot_not_copyable",
        "disk_region_mismatch",
        "image_region_mismatch",
        "unencrypted_from_encrypted_image",
        "rollback_to_other_snapshot",
        "image_from_foreign_snapshot",
        "snapshot_not_in_share",
        "principal_not_in_share",
        "shared_snapshot_not_lockable",
        "too_many_principals",
        "too_many_shared_snapshots",
        "cross_site",
        "principal_not_allowed",
        "not_shareable",
        "shared_snapshot_not_archivable",
        "encrypted_share_not_trusted",
        "share_not_accepted",
        "no_invitation",
        "already_accepted",
        "already_in_directory",
        "not_in_directory",
        "management_account_leaving",
        "shared_view_expired",
        "sharee_may_not",
        "shared_key_not_changed",
        "shared_disk_category",
        "snapshot_shared",
        "retention_ended",
        "share_not_in_place",
        "standard_copy_refused",
        "kms_not_activated",
        "key_not_usable",
        "unencrypted_from_encrypted",
        "immutability_unsupported",
        "immutability_irreversible",
        "backup_point_locked",
        "vault_not_deletable",
        "replication_refused",
        "region_closing_down",
    ];

    /// The variant's name in snake case, exactly as the `type` tag of its
    /// serialized form: `"snapshot_locked"` for
    /// [`Violation::SnapshotLocked`].
    ///
    /// ```
    /// use snapguard::{LockState, SnapshotId, Violation};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let refusal = Violation::SnapshotLocked {
    ///     snapshot: SnapshotId::new("s-1"),
    ///     state: LockState::Compliance,
    ///     expiry: Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap(),
    /// };
    /// assert_eq!(refusal.kind(), "snapshot_locked");
    /// assert_eq!(serde_json::to_value(&refusal)?["type"], "snapshot_locked");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        // Exhaustive, with no wildcard: a new variant does not compile
        // until it is named here (and in `KINDS`, which the tests check).
        match self {
            Self::ClockWentBackwards { .. } => "clock_went_backwards",
            Self::NotFound { .. } => "not_found",
            Self::AlreadyExists { .. } => "already_exists",
            Self::InvalidId { .. } => "invalid_id",
            Self::TimeOutOfRange { .. } => "time_out_of_range",
            Self::LeapSecond { .. } => "leap_second",
            Self::BoundExceeded { .. } => "bound_exceeded",
            Self::PermissionDenied { .. } => "permission_denied",
            Self::WrongActor { .. } => "wrong_actor",
            Self::ForeignResource { .. } => "foreign_resource",
            Self::SnapshotNotAvailable { .. } => "snapshot_not_available",
            Self::SnapshotNotInProgress { .. } => "snapshot_not_in_progress",
            Self::RetentionShortened { .. } => "retention_shortened",
            Self::RetentionOutOfRange { .. } => "retention_out_of_range",
            Self::LockDurationOutOfRange { .. } => "lock_duration_out_of_range",
            Self::CoolOffOutOfRange { .. } => "cool_off_out_of_range",
            Self::CoolOffExceedsDuration { .. } => "cool_off_exceeds_duration",
            Self::CloudBackupSnapshot { .. } => "cloud_backup_snapshot",
            Self::LockOutlivesRetention { .. } => "lock_outlives_retention",
            Self::UnlockInCompliance { .. } => "unlock_in_compliance",
            Self::NotLocked { .. } => "not_locked",
            Self::LockShortened { .. } => "lock_shortened",
            Self::CoolOffInCompliance { .. } => "cool_off_in_compliance",
            Self::SnapshotLocked { .. } => "snapshot_locked",
            Self::AutomaticSnapshotLimitReached { .. } => "automatic_snapshot_limit_reached",
            Self::NotOverdueLongEnough { .. } => "not_overdue_long_enough",
            Self::ArchiveEndsBeforeLock { .. } => "archive_ends_before_lock",
            Self::SnapshotTooYoungToArchive { .. } => "snapshot_too_young_to_archive",
            Self::AlreadyArchived { .. } => "already_archived",
            Self::ArchiveRetentionOutOfRange { .. } => "archive_retention_out_of_range",
            Self::ArchiveRetentionEnded { .. } => "archive_retention_ended",
            Self::NotArchivable { .. } => "not_archivable",
            Self::ArchivedRetentionFixed { .. } => "archived_retention_fixed",
            Self::ArchivedSnapshotNotCopyable { .. } => "archived_snapshot_not_copyable",
            Self::DiskRegionMismatch { .. } => "disk_region_mismatch",
            Self::ImageRegionMismatch { .. } => "image_region_mismatch",
            Self::UnencryptedFromEncryptedImage { .. } => "unencrypted_from_encrypted_image",
            Self::RollbackToOtherSnapshot { .. } => "rollback_to_other_snapshot",
            Self::ImageFromForeignSnapshot { .. } => "image_from_foreign_snapshot",
            Self::SnapshotNotInShare { .. } => "snapshot_not_in_share",
            Self::PrincipalNotInShare { .. } => "principal_not_in_share",
            Self::SharedSnapshotNotLockable { .. } => "shared_snapshot_not_lockable",
            Self::TooManyPrincipals { .. } => "too_many_principals",
            Self::TooManySharedSnapshots { .. } => "too_many_shared_snapshots",
            Self::CrossSite { .. } => "cross_site",
            Self::PrincipalNotAllowed { .. } => "principal_not_allowed",
            Self::NotShareable { .. } => "not_shareable",
            Self::SharedSnapshotNotArchivable { .. } => "shared_snapshot_not_archivable",
            Self::EncryptedShareNotTrusted { .. } => "encrypted_share_not_trusted",
            Self::ShareNotAccepted { .. } => "share_not_accepted",
            Self::NoInvitation { .. } => "no_invitation",
            Self::AlreadyAccepted { .. } => "already_accepted",
            Self::AlreadyInDirectory { .. } => "already_in_directory",
            Self::NotInDirectory { .. } => "not_in_directory",
            Self::ManagementAccountLeaving { .. } => "management_account_leaving",
            Self::SharedViewExpired { .. } => "shared_view_expired",
            Self::ShareeMayNot { .. } => "sharee_may_not",
            Self::SharedKeyNotChanged { .. } => "shared_key_not_changed",
            Self::SharedDiskCategory { .. } => "shared_disk_category",
            Self::SnapshotShared { .. } => "snapshot_shared",
            Self::RetentionEnded { .. } => "retention_ended",
            Self::ShareNotInPlace { .. } => "share_not_in_place",
            Self::StandardCopyRefused { .. } => "standard_copy_refused",
            Self::KmsNotActivated { .. } => "kms_not_activated",
            Self::KeyNotUsable { .. } => "key_not_usable",
            Self::UnencryptedFromEncrypted { .. } => "unencrypted_from_encrypted",
            Self::ImmutabilityUnsupported { .. } => "immutability_unsupported",
            Self::ImmutabilityIrreversible { .. } => "immutability_irreversible",
            Self::BackupPointLocked { .. } => "backup_point_locked",
            Self::VaultNotDeletable { .. } => "vault_not_deletable",
            Self::ReplicationRefused { .. } => "replication_refused",
            Self::RegionClosingDown { .. } => "region_closing_down",
        }
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use std::collections::BTreeSet;

    use crate::Violation;
    use crate::testing::violation_samples;

    #[test]
    fn kinds_have_no_duplicates() {
        let distinct: BTreeSet<&str> = Violation::KINDS.iter().copied().collect();
        assert_eq!(distinct.len(), Violation::KINDS.len());
    }

    /// `kind` is an exhaustive match, so every variant has an arm; the
    /// samples hold one of each kind, and distinct kinds, so `KINDS` has
    /// exactly as many entries as there are variants (and arms).
    #[test]
    fn the_samples_are_exactly_the_kinds() {
        let samples = violation_samples();
        let kinds: Vec<&str> = samples.iter().map(Violation::kind).collect();
        assert_eq!(kinds, Violation::KINDS);
        let distinct: BTreeSet<&str> = kinds.iter().copied().collect();
        assert_eq!(distinct.len(), samples.len());
    }

    #[test]
    fn kind_is_the_serde_type_tag() {
        for sample in violation_samples() {
            let value = serde_json::to_value(&sample).unwrap();
            assert_eq!(value["type"], sample.kind(), "{sample:?}");
            // And the tag reads back as the same variant.
            let back: Violation = serde_json::from_value(value).unwrap();
            assert_eq!(back.kind(), sample.kind());
        }
    }

    #[test]
    fn kinds_are_snake_case() {
        for kind in Violation::KINDS {
            assert!(
                kind.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{kind}"
            );
        }
    }
}
