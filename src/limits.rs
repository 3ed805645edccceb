//! The numeric limits of the rules, in one configuration value, and the
//! input bounds of GEN-7.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::RuleId;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Every numeric limit the rules use. [`Limits::default`] gives the figures
/// of the [rule catalog](crate::RuleId#catalog); change a field to model
/// another provider or a test.
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
/// let state = State::with_limits(limits)?;
/// assert_eq!(state.limits().auto_snapshots_per_disk, 3);
/// # Ok::<(), snapguard::LimitsError>(())
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
    /// Characters of a user's custom permission policy document, as RAM
    /// counts them in its JSON form (GEN-7; see [`Statement`](crate::Statement)).
    pub max_policy_chars: u32,
    /// Tags on one resource (GEN-7).
    pub max_tags_per_resource: u32,
    /// Characters of a tag key, and of a tag value (GEN-7).
    pub max_tag_chars: u32,
    /// Resource shares an account holds at a time (GEN-7).
    pub max_shares_per_account: u32,
    /// Folders of one resource directory (GEN-7).
    pub max_folders_per_directory: u32,
    /// Characters of the id of a new object (GEN-7).
    pub max_id_chars: u32,
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
            max_policy_chars: 6_144,
            max_tags_per_resource: 20,
            max_tag_chars: 128,
            max_shares_per_account: 1_000,
            max_folders_per_directory: 100,
            max_id_chars: 128,
        }
    }
}

/// Limits that no configuration means, found by [`Limits::validate`]:
/// the limit's field and why it is refused. Its rule is GEN-5.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(deny_unknown_fields)]
#[error("the limit `{field}` is incoherent: {reason}")]
#[non_exhaustive]
pub struct LimitsError {
    /// The incoherent limit's field name in [`Limits`].
    pub field: String,
    /// Why it is refused, in plain words.
    pub reason: String,
}

impl LimitsError {
    /// The rule incoherent limits break: GEN-5, input no configuration
    /// means.
    #[must_use]
    pub fn rule(&self) -> RuleId {
        RuleId::Gen5
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// An input bound of GEN-7: what a [`Violation::BoundExceeded`](crate::Violation::BoundExceeded) measured.
///
/// Non-exhaustive: later versions may bound more inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Bound {
    /// Characters of a custom policy document ([`Limits::max_policy_chars`]).
    PolicyChars,
    /// Tags on a resource ([`Limits::max_tags_per_resource`]).
    Tags,
    /// Characters of a tag key or value ([`Limits::max_tag_chars`]).
    TagChars,
    /// Resource shares of an account ([`Limits::max_shares_per_account`]).
    SharesPerAccount,
    /// Folders of a resource directory
    /// ([`Limits::max_folders_per_directory`]).
    FoldersPerDirectory,
    /// Characters of a new object's id ([`Limits::max_id_chars`]).
    IdChars,
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PolicyChars => "characters in a custom policy document",
            Self::Tags => "tags on a resource",
            Self::TagChars => "characters in a tag key or value",
            Self::SharesPerAccount => "resource shares of an account",
            Self::FoldersPerDirectory => "folders of a resource directory",
            Self::IdChars => "characters in an id",
        })
    }
}

impl Limits {
    /// Refuses limits no configuration means (GEN-5): a minimum above its
    /// maximum, a lock shorter than a day (LOCK-1), views of permanent
    /// snapshots that end as they begin (SHARE-9), or ids of no characters
    /// (GEN-7). [`State::with_limits`](crate::State::with_limits) and
    /// loading a state check limits this way, so no state holds
    /// incoherent limits.
    ///
    /// ```
    /// use snapguard::{Limits, RuleId};
    ///
    /// assert_eq!(Limits::default().validate(), Ok(()));
    /// let mut limits = Limits::default();
    /// limits.min_lock_days = 0;
    /// let error = limits.validate().unwrap_err();
    /// assert_eq!(error.field, "min_lock_days");
    /// assert_eq!(error.rule(), RuleId::Gen5);
    /// assert_eq!(
    ///     error.to_string(),
    ///     "the limit `min_lock_days` is incoherent: a lock lasts at least one day",
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`LimitsError`] naming the first incoherent field, in the order of
    /// the checks above.
    pub fn validate(&self) -> Result<(), LimitsError> {
        let incoherent = [
            (
                "min_lock_days",
                self.min_lock_days == 0,
                "a lock lasts at least one day",
            ),
            (
                "min_lock_days",
                self.min_lock_days > self.max_lock_days,
                "it is above `max_lock_days`",
            ),
            (
                "permanent_share_days",
                self.permanent_share_days == 0,
                "a view of a permanent snapshot lasts at least one day",
            ),
            (
                "max_id_chars",
                self.max_id_chars == 0,
                "no object could ever be created",
            ),
            (
                "min_retention_days",
                self.min_retention_days > self.max_retention_days,
                "it is above `max_retention_days`",
            ),
            (
                "min_archive_retention_days",
                self.min_archive_retention_days > self.max_archive_retention_days,
                "it is above `max_archive_retention_days`",
            ),
        ];
        match incoherent.iter().find(|(_, broken, _)| *broken) {
            Some((field, _, reason)) => Err(LimitsError {
                field: (*field).to_owned(),
                reason: (*reason).to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// The limit of `bound`.
    pub(crate) fn bound(&self, bound: Bound) -> u32 {
        match bound {
            Bound::PolicyChars => self.max_policy_chars,
            Bound::Tags => self.max_tags_per_resource,
            Bound::TagChars => self.max_tag_chars,
            Bound::SharesPerAccount => self.max_shares_per_account,
            Bound::FoldersPerDirectory => self.max_folders_per_directory,
            Bound::IdChars => self.max_id_chars,
        }
    }

    /// GEN-7: refuses `size` past the limit of `bound`.
    pub(crate) fn within(&self, bound: Bound, size: usize) -> Result<(), Exceeded> {
        let max = self.bound(bound);
        if size > usize::try_from(max).unwrap_or(usize::MAX) {
            Err(Exceeded { bound, size, max })
        } else {
            Ok(())
        }
    }
}

/// A size past the limit of its bound (GEN-7); a rule reports it as
/// [`Violation::BoundExceeded`](crate::Violation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded {
    pub(crate) bound: Bound,
    pub(crate) size: usize,
    pub(crate) max: u32,
}
