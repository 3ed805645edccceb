//! The numeric limits of the rules, in one configuration value.

use serde::{Deserialize, Serialize};

/// Every numeric limit the rules use. [`Limits::default`] gives the figures
/// of `RULES.md`; change a field to model another provider or a test.
///
/// Deserializing fills a missing limit with its default (older states load)
/// but refuses an unknown one, so a misspelt limit is never ignored.
///
/// ```
/// use snapguard::{Limits, State};
///
/// let mut limits = Limits::default();
/// assert_eq!(limits.max_lock_days, 36_500);
/// limits.auto_snapshots_per_disk = 3;
/// let state = State::with_limits(limits);
/// assert_eq!(state.limits().auto_snapshots_per_disk, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Limits {
    /// Shortest lock, in days (LOCK-1).
    pub min_lock_days: u32,
    /// Longest lock, in days (LOCK-1).
    pub max_lock_days: u32,
    /// Longest cooling-off, in hours (LOCK-1).
    pub max_cool_off_hours: u32,
    /// Shortest retention given in days (SNAP-5).
    pub min_retention_days: u32,
    /// Longest retention given in days (SNAP-5).
    pub max_retention_days: u32,
    /// Automatic snapshots a disk keeps before rotation (LOCK-11).
    pub auto_snapshots_per_disk: u32,
    /// Days an account is overdue before billing may release its locked
    /// snapshots (LOCK-12).
    pub overdue_release_days: u32,
    /// Age in days a snapshot must reach before it can be archived (ARCH-1).
    pub archive_min_age_days: u32,
    /// Shortest archive retention, in days (ARCH-2).
    pub min_archive_retention_days: u32,
    /// Longest archive retention, in days (ARCH-2).
    pub max_archive_retention_days: u32,
    /// Days after archiving during which deletion carries an early-deletion
    /// charge (ARCH-4).
    pub archive_min_storage_days: u32,
    /// Principals a snapshot may be shared with, a directory or folder
    /// counting as one (SHARE-1).
    pub max_principals_per_snapshot: u32,
    /// Snapshots an account may have shared at a time (SHARE-2).
    pub max_shared_snapshots_per_account: u32,
    /// Days a sharee sees a snapshot of permanent retention (SHARE-9).
    pub permanent_share_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            min_lock_days: 1,
            max_lock_days: 36_500,
            max_cool_off_hours: 72,
            min_retention_days: 1,
            max_retention_days: 65_536,
            auto_snapshots_per_disk: 1_000,
            overdue_release_days: 30,
            archive_min_age_days: 14,
            min_archive_retention_days: 74,
            max_archive_retention_days: 65_536,
            archive_min_storage_days: 60,
            max_principals_per_snapshot: 64,
            max_shared_snapshots_per_account: 1_024,
            permanent_share_days: 1_096,
        }
    }
}
