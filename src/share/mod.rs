//! Sharing snapshots with other accounts through resource shares (SHARE).
//!
//! A [`ResourceShare`] belongs to one account and holds principals (whom it
//! reaches) and snapshots (what it shares). A snapshot may be in several
//! shares; it is *shared* while it belongs to at least one, whoever their
//! principals are. Unsharing removes it from a share, or deletes the share.
//!
//! The modules split the concept: [`reach`] says which accounts a share
//! reaches and what a sharee may do now; `quota` checks SHARE-1 and SHARE-2
//! from counts kept by evolve; `record` keeps shares in step with events
//! (the indexes themselves are `index/sharing.rs`); `query` answers who sees what.
//! The rules of the sharing commands are in `rules/share.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, DirectoryId, FolderId, ShareId, SnapshotId};

mod query;
pub(crate) mod quota;
pub(crate) mod reach;
pub(crate) mod record;

pub use query::{ShareStatus, SharedWith, SnapshotAccess, VisibleSnapshot};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Whom a share may name (SHARE-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PrincipalScope {
    /// Any account (of the owner's site, SHARE-3).
    AllAccounts,
    /// Only the owner's resource directory, its folders and its members;
    /// the share reaches an account only while both it and the owner are
    /// members of that directory.
    ResourceDirectory,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Whom a snapshot is shared with (SHARE-1): an account, a resource
/// directory or a folder of one. A directory or folder counts as one
/// principal, and reaches its member accounts at each instant (SHARE-8).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Principal {
    /// One account.
    Account(AccountId),
    /// Every member account of a resource directory.
    Directory(DirectoryId),
    /// Every member account in a folder.
    Folder(FolderId),
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(id) => write!(f, "account `{id}`"),
            Self::Directory(id) => write!(f, "resource directory `{id}`"),
            Self::Folder(id) => write!(f, "folder `{id}`"),
        }
    }
}

impl From<AccountId> for Principal {
    fn from(id: AccountId) -> Self {
        Self::Account(id)
    }
}

impl From<DirectoryId> for Principal {
    fn from(id: DirectoryId) -> Self {
        Self::Directory(id)
    }
}

impl From<FolderId> for Principal {
    fn from(id: FolderId) -> Self {
        Self::Folder(id)
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A snapshot in a share: when it was shared and when what the sharees
/// see of it expires (SHARE-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SharedSnapshot {
    /// When the snapshot joined the share.
    pub shared_at: DateTime<Utc>,
    /// When the sharees' view of it expires: the source's retention end,
    /// or a fixed number of days after sharing for a permanent source
    /// (SHARE-9). Fixed when shared.
    pub expires_at: DateTime<Utc>,
}

impl SharedSnapshot {
    /// Whether the sharees still see the snapshot at `now` (SHARE-9).
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # use snapguard::*;
    /// # let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(t0, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(t0, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(t0, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(t0, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(t0, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// state.apply_mut(t0, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// let share = state.resource_share(&"rs-1".into()).ok_or("no share")?;
    /// let shared = share.snapshots[&SnapshotId::new("s-1")];
    /// // A 30-day retention: the sharee sees the snapshot until it ends.
    /// assert_eq!(shared.expires_at, t0 + TimeDelta::days(30));
    /// assert!(shared.is_live_at(t0 + TimeDelta::days(30) - TimeDelta::seconds(1)));
    /// assert!(!shared.is_live_at(t0 + TimeDelta::days(30)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_live_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A resource share: an owner's snapshots and the principals they are
/// shared with, and the accounts that accepted it (SHARE-7).
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ResourceShare {
    /// Its id.
    pub id: ShareId,
    /// The account that owns it and its snapshots.
    pub owner: AccountId,
    /// Whom it may name.
    pub scope: PrincipalScope,
    /// Whom it reaches.
    pub principals: BTreeSet<Principal>,
    /// What it shares.
    pub snapshots: BTreeMap<SnapshotId, SharedSnapshot>,
    /// The accounts that accepted it; anything added later needs no new
    /// acceptance (SHARE-7).
    pub accepted: BTreeSet<AccountId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl ResourceShare {
    /// Its resource name, as permission statements name it:
    /// `acs:resourcesharing::<owner>:resourceshare/<id>` (a share has no
    /// region).
    #[must_use]
    pub fn resource_name(&self) -> String {
        crate::policy::share_resource_name(&self.owner, self.id.as_str())
    }

    pub(crate) fn new(
        id: ShareId,
        owner: AccountId,
        scope: PrincipalScope,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            owner,
            scope,
            principals: BTreeSet::new(),
            snapshots: BTreeMap::new(),
            accepted: BTreeSet::new(),
            created_at,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What a sharee asked to do with a snapshot shared with it, which only its
/// owner may do (SHARE-10).
///
/// Non-exhaustive: later versions may add operations, so a `match` outside
/// the crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ShareeOperation {
    /// Delete it.
    Delete,
    /// Archive it.
    Archive,
    /// Share it again (also "snapshots shared with you" in SHARE-5).
    Reshare,
    /// Change (extend) its retention.
    ChangeRetention,
}

impl fmt::Display for ShareeOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Delete => "delete",
            Self::Archive => "archive",
            Self::Reshare => "re-share",
            Self::ChangeRetention => "change the retention of",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a principal does not fit a share (SHARE-4).
///
/// Non-exhaustive: later versions may add reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum PrincipalProblem {
    /// It is the share's owner, which holds the snapshots already.
    Owner,
    /// It is outside the owner's resource directory: an account when the
    /// share is scoped to the directory, or another directory or a folder
    /// of one, whatever the scope.
    OutsideDirectory,
}

impl fmt::Display for PrincipalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Owner => "it is the share's owner",
            Self::OutsideDirectory => "it is outside the owner's resource directory",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a snapshot cannot be shared (SHARE-5). A snapshot not available is
/// refused with [`Violation::SnapshotNotAvailable`](crate::Violation::SnapshotNotAvailable)
/// under SHARE-5, and one shared with the account as a re-share (SHARE-10).
///
/// Non-exhaustive: later versions may add reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Unshareable {
    /// Taken of a disk built from an imported custom image.
    ImportedImageDisk,
    /// Encrypted with the service key: copy it with a customer master key
    /// and share the copy.
    ServiceKey,
    /// In the archive tier (ARCH-3).
    Archived,
    /// Its retention has ended (**Decision**): it is kept only while
    /// already shared (SHARE-14), and a sharee's view would have expired.
    RetentionEnded,
}

impl fmt::Display for Unshareable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ImportedImageDisk => "its data comes from a disk built from an imported image",
            Self::ServiceKey => {
                "it is encrypted with the service key; copy it with a customer master key and share the copy"
            }
            Self::Archived => "it is archived",
            Self::RetentionEnded => "its retention has ended",
        })
    }
}
