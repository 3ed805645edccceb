//! What happened: past-tense facts, each with its instant.
//!
//! Events carry everything [`State::evolve`](crate::State::evolve) needs, so
//! replaying the events of an accepted history rebuilds its state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, Disk, DiskId, Image, ImageId, Lock, RegionId, Retention, Site, Snapshot, SnapshotId,
    SnapshotOutcome, Statement, UserId,
};

/// Why a snapshot was deleted.
///
/// Non-exhaustive: later versions may add causes, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeletionCause {
    /// Deleted by request.
    Requested,
    /// Released with its disk (DISK-3).
    DiskReleased,
    /// Deleted with the custom image built on it (IMAGE-2).
    ImageDeleted,
    /// Rotated out by a newer automatic snapshot (LOCK-11).
    Rotation,
}

/// Why a snapshot was released by the provider.
///
/// Non-exhaustive: later versions may add reasons, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReleaseReason {
    /// Its retention ended (SNAP-2).
    RetentionEnded,
    /// Its account was overdue for the configured period (LOCK-12).
    Overdue,
}

/// A fact the state machine recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// An account was registered.
    AccountCreated {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// Its site.
        site: Site,
    },
    /// A region was registered.
    RegionCreated {
        /// When.
        at: DateTime<Utc>,
        /// The region.
        region: RegionId,
    },
    /// A user was added to an account.
    UserCreated {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// The user.
        user: UserId,
        /// Its permission statements.
        statements: Vec<Statement>,
    },
    /// A user's permission statements were replaced.
    UserPolicySet {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// The user.
        user: UserId,
        /// Its new statements.
        statements: Vec<Statement>,
    },
    /// An account became overdue.
    AccountOverdue {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
    },
    /// An overdue account paid.
    AccountSettled {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
    },
    /// A disk was created.
    DiskCreated {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: Disk,
    },
    /// A disk was released.
    DiskReleased {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: DiskId,
    },
    /// A disk was rolled back to a snapshot.
    DiskRolledBack {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: DiskId,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A snapshot (or copy) was started.
    SnapshotCreated {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot as created.
        snapshot: Snapshot,
    },
    /// A snapshot in progress completed.
    SnapshotFinished {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// How it ended.
        outcome: SnapshotOutcome,
    },
    /// A snapshot's retention changed.
    RetentionChanged {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its new retention.
        retention: Retention,
    },
    /// A snapshot moved to the archive tier.
    SnapshotArchived {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// When its archive retention ends.
        retention_end: DateTime<Utc>,
    },
    /// A snapshot was deleted.
    SnapshotDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why.
        cause: DeletionCause,
        /// Whether it was still in progress: its creation or copy is cancelled.
        cancelled_in_progress: bool,
        /// Whether it was archived less than the minimum storage period ago:
        /// an early-deletion charge applies (ARCH-4).
        early_archive_deletion: bool,
    },
    /// A snapshot was released by the provider.
    SnapshotReleased {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why.
        reason: ReleaseReason,
    },
    /// A snapshot was locked afresh (LOCK-2, LOCK-9).
    LockSet {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The lock.
        lock: Lock,
    },
    /// A lock in cooling-off was replaced by a new one (LOCK-7).
    LockReconfigured {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The new lock.
        lock: Lock,
    },
    /// A lock in compliance was extended (LOCK-8).
    LockExtended {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The new expiry.
        expiry: DateTime<Utc>,
    },
    /// A lock was removed during its cooling-off (LOCK-6).
    SnapshotUnlocked {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A lock's cooling-off ended: it is in compliance (LOCK-5). Not
    /// recorded for a lock without cooling-off, nor for one whose
    /// cooling-off lasts its whole duration: that lock never enters
    /// compliance and only [`Event::LockExpired`] is recorded.
    CoolOffEnded {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A lock expired (LOCK-9).
    LockExpired {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A custom image was created or imported.
    ImageCreated {
        /// When.
        at: DateTime<Utc>,
        /// The image.
        image: Image,
    },
    /// A custom image was deleted.
    ImageDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The image.
        image: ImageId,
    },
}

impl Event {
    /// When the event happened.
    ///
    /// ```
    /// use snapguard::Event;
    /// use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// assert_eq!(Event::LockExpired { at, snapshot: "s-1".into() }.at(), at);
    /// ```
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::AccountCreated { at, .. }
            | Self::RegionCreated { at, .. }
            | Self::UserCreated { at, .. }
            | Self::UserPolicySet { at, .. }
            | Self::AccountOverdue { at, .. }
            | Self::AccountSettled { at, .. }
            | Self::DiskCreated { at, .. }
            | Self::DiskReleased { at, .. }
            | Self::DiskRolledBack { at, .. }
            | Self::SnapshotCreated { at, .. }
            | Self::SnapshotFinished { at, .. }
            | Self::RetentionChanged { at, .. }
            | Self::SnapshotArchived { at, .. }
            | Self::SnapshotDeleted { at, .. }
            | Self::SnapshotReleased { at, .. }
            | Self::LockSet { at, .. }
            | Self::LockReconfigured { at, .. }
            | Self::LockExtended { at, .. }
            | Self::SnapshotUnlocked { at, .. }
            | Self::CoolOffEnded { at, .. }
            | Self::LockExpired { at, .. }
            | Self::ImageCreated { at, .. }
            | Self::ImageDeleted { at, .. } => *at,
        }
    }
}
