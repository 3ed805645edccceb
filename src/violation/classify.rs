//! The rule each violation reports, and the instant waiting lifts it.

use chrono::{DateTime, Utc};

use crate::{Action, RuleId, Violation};

/// The rule of a permission refused on `resource`: PERM-2 for the lock
/// actions; PERM-5 when the resource is the snapshot or image whose data
/// the action reads or shares (its kind is not what the action acts on);
/// PERM-1 otherwise.
pub(crate) fn permission_rule(action: Action, resource: &str) -> RuleId {
    // Ids hold no `:` or `/`, so the kind is the segment before the last `/`.
    let kind = resource
        .rsplit_once('/')
        .and_then(|(head, _)| head.rsplit(':').next());
    let on_the_data = match action {
        Action::CreateDisk | Action::ResetDisk | Action::ReInitDisk => kind != Some("disk"),
        Action::CreateImage => kind != Some("image"),
        Action::CreateResourceShare | Action::AssociateResourceShare => kind == Some("snapshot"),
        _ => false,
    };
    if action.is_lock_action() {
        RuleId::Perm2
    } else if on_the_data {
        RuleId::Perm5
    } else {
        RuleId::Perm1
    }
}

impl Violation {
    /// The rule that refused the command.
    ///
    /// ```
    /// use snapguard::{RuleId, Violation};
    /// let refusal = Violation::CoolOffOutOfRange { hours: 73, max: 72 };
    /// assert_eq!(refusal.rule(), RuleId::Lock1);
    /// assert_eq!(refusal.rule().code(), "LOCK-1");
    /// ```
    #[must_use]
    pub fn rule(&self) -> RuleId {
        match self {
            Self::ClockWentBackwards { .. } => RuleId::Gen2,
            Self::NotFound { .. }
            | Self::AlreadyExists { .. }
            | Self::SnapshotNotInShare { .. }
            | Self::PrincipalNotInShare { .. } => RuleId::Gen4,
            Self::InvalidId { .. } | Self::TimeOutOfRange { .. } | Self::LeapSecond { .. } => {
                RuleId::Gen5
            }
            Self::BoundExceeded { .. } => RuleId::Gen7,
            Self::PermissionDenied {
                action, resource, ..
            } => permission_rule(*action, resource),
            Self::WrongActor { .. } => RuleId::Perm1,
            Self::ForeignResource { .. } => RuleId::Perm4,
            Self::SnapshotNotAvailable { rule, .. }
            | Self::KeyNotUsable { rule, .. }
            | Self::VaultNotDeletable { rule, .. } => *rule,
            Self::SnapshotNotInProgress { .. } => RuleId::Snap1,
            Self::RetentionShortened { .. } => RuleId::Snap3,
            Self::RetentionOutOfRange { .. } => RuleId::Snap5,
            Self::LockDurationOutOfRange { .. }
            | Self::CoolOffOutOfRange { .. }
            | Self::CoolOffExceedsDuration { .. } => RuleId::Lock1,
            Self::CloudBackupSnapshot { .. } | Self::SharedSnapshotNotLockable { .. } => {
                RuleId::Lock3
            }
            Self::LockOutlivesRetention { .. } => RuleId::Lock4,
            Self::UnlockInCompliance { .. } | Self::NotLocked { .. } => RuleId::Lock6,
            Self::LockShortened { .. } | Self::CoolOffInCompliance { .. } => RuleId::Lock8,
            Self::SnapshotLocked { .. } => RuleId::Lock10,
            Self::AutomaticSnapshotLimitReached { .. } => RuleId::Lock11,
            Self::NotOverdueLongEnough { .. } => RuleId::Lock12,
            Self::ArchiveEndsBeforeLock { .. } => RuleId::Lock14,
            Self::SnapshotTooYoungToArchive { .. } | Self::AlreadyArchived { .. } => RuleId::Arch1,
            Self::ArchiveRetentionOutOfRange { .. } | Self::ArchiveRetentionEnded { .. } => {
                RuleId::Arch2
            }
            Self::NotArchivable { .. } | Self::ArchivedRetentionFixed { .. } => RuleId::Arch5,
            Self::ArchivedSnapshotNotCopyable { .. } => RuleId::Arch3,
            Self::DiskRegionMismatch { .. }
            | Self::UnencryptedFromEncrypted { .. }
            | Self::ImageRegionMismatch { .. }
            | Self::UnencryptedFromEncryptedImage { .. } => RuleId::Disk1,
            Self::RollbackToOtherSnapshot { .. } => RuleId::Disk2,
            Self::ImageFromForeignSnapshot { .. } => RuleId::Image1,
            Self::TooManyPrincipals { .. } => RuleId::Share1,
            Self::TooManySharedSnapshots { .. } => RuleId::Share2,
            Self::CrossSite { .. } => RuleId::Share3,
            Self::PrincipalNotAllowed { .. } => RuleId::Share4,
            Self::NotShareable { .. } | Self::SharedSnapshotNotArchivable { .. } => RuleId::Share5,
            Self::EncryptedShareNotTrusted { .. } => RuleId::Share6,
            Self::ShareNotAccepted { .. }
            | Self::NoInvitation { .. }
            | Self::AlreadyAccepted { .. } => RuleId::Share7,
            Self::AlreadyInDirectory { .. }
            | Self::NotInDirectory { .. }
            | Self::ManagementAccountLeaving { .. } => RuleId::Share8,
            Self::SharedViewExpired { .. } => RuleId::Share9,
            Self::ShareeMayNot { .. } => RuleId::Share10,
            Self::SharedKeyNotChanged { .. } | Self::SharedDiskCategory { .. } => RuleId::Share11,
            Self::SnapshotShared { .. } => RuleId::Share12,
            Self::RetentionEnded { .. } => RuleId::Share14,
            Self::ShareNotInPlace { .. } => RuleId::Disk4,
            Self::StandardCopyRefused { .. } => RuleId::Copy2,
            Self::KmsNotActivated { .. } => RuleId::Copy3,
            Self::RegionClosingDown { .. } => RuleId::Copy4,
            Self::ImmutabilityUnsupported { .. } => RuleId::Vault2,
            Self::ImmutabilityIrreversible { .. } => RuleId::Vault3,
            Self::BackupPointLocked { .. } => RuleId::Vault5,
            Self::ReplicationRefused { .. } => RuleId::Vault7,
        }
    }

    /// The earliest instant at which waiting alone would let the same command
    /// through, or `None` when waiting will not do it.
    ///
    /// ```
    /// use snapguard::Violation;
    /// let refusal = Violation::CoolOffOutOfRange { hours: 73, max: 72 };
    /// assert_eq!(refusal.retry_at(), None);
    /// ```
    #[must_use]
    pub fn retry_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::SnapshotLocked { expiry, .. } => Some(*expiry),
            Self::LockShortened { allowed_from, .. }
            | Self::CoolOffInCompliance { allowed_from, .. } => *allowed_from,
            Self::AutomaticSnapshotLimitReached {
                earliest_unlock, ..
            } => *earliest_unlock,
            Self::NotOverdueLongEnough { releasable_at, .. } => *releasable_at,
            Self::VaultNotDeletable { until, .. } => *until,
            Self::SnapshotTooYoungToArchive { archivable_at, .. } => Some(*archivable_at),
            _ => None,
        }
    }
}
