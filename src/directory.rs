//! Resource directories: the accounts of an enterprise, in folders, that a
//! share can reach as a whole (SHARE-4, SHARE-8). Their rules are in
//! `rules/directory.rs`.
//!
//! A directory is created by an account, its management account, which is
//! then its first member. Only the management account's root adds and
//! removes members, and places them in folders. An account belongs to one
//! directory at most, and every member is on the management account's site
//! (SHARE-3), so a directory never spans sites.
//!
//! **Decision**: folders are flat (a folder holds accounts, not folders),
//! and directories and folders are never deleted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, DirectoryId, FolderId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A resource directory: a management account and its member accounts,
/// each in a folder or at the directory's root.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ResourceDirectory {
    /// Its id.
    pub id: DirectoryId,
    /// The account that created and manages it; always a member.
    pub management: AccountId,
    /// Its member accounts, with the folder each is in (`None`: the
    /// directory's root).
    pub members: BTreeMap<AccountId, Option<FolderId>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl ResourceDirectory {
    /// Whether an account is a member.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceDirectory::new("rd-1"))?;
    /// let directory = state.directory(&"rd-1".into()).ok_or("no directory")?;
    /// assert!(directory.is_member(&"1001".into()));
    /// assert!(!directory.is_member(&"2002".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_member(&self, account: &AccountId) -> bool {
        self.members.contains_key(account)
    }

    /// The folder a member is in; `None` for a member at the directory's
    /// root, or an account that is not a member.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceDirectory::new("rd-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateFolder::new("fd-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), AddDirectoryMember::new("2002").folder("fd-1"))?;
    /// let directory = state.directory(&"rd-1".into()).ok_or("no directory")?;
    /// assert_eq!(directory.folder_of(&"2002".into()), Some(&FolderId::new("fd-1")));
    /// assert_eq!(directory.folder_of(&"1001".into()), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn folder_of(&self, account: &AccountId) -> Option<&FolderId> {
        self.members.get(account).and_then(Option::as_ref)
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A folder of a resource directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Folder {
    /// Its id.
    pub id: FolderId,
    /// The directory it belongs to.
    pub directory: DirectoryId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}
