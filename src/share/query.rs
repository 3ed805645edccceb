//! Questions about sharing: the shares and directories a state holds, what
//! an account sees, and whom a snapshot is shared with. None of them checks
//! permissions: they are the host's view of the model, like
//! [`State::snapshot`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::share::reach::{principals_of_account, reaches};
use crate::{
    AccountId, DirectoryId, Folder, FolderId, Principal, ResourceDirectory, ResourceShare, ShareId,
    SnapshotId, State,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Whether a sharee accepted the share it sees a snapshot through (SHARE-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ShareStatus {
    /// Accepted: the sharee may use the snapshot.
    Accepted,
    /// Not accepted yet: the sharee sees the invitation, not the use.
    Pending,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// How an account sees a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SnapshotAccess {
    /// The account owns it.
    Own,
    /// It is shared with the account through a share.
    Shared {
        /// The share.
        share: ShareId,
        /// Whether the account accepted the share.
        status: ShareStatus,
        /// When the view expires (SHARE-9).
        expires_at: DateTime<Utc>,
    },
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A snapshot an account sees, as [`State::visible_snapshots`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VisibleSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// Its owner.
    pub owner: AccountId,
    /// How the account sees it.
    pub access: SnapshotAccess,
}

/// Whom a snapshot is shared with, as [`State::shared_with`] reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SharedWith {
    /// Every principal of the snapshot, with the shares naming it.
    pub principals: BTreeMap<Principal, BTreeSet<ShareId>>,
    /// The accounts that see the snapshot now, through a share whose view
    /// has not expired; `Accepted` if any such share was accepted.
    pub accounts: BTreeMap<AccountId, ShareStatus>,
}

impl State {
    /// A resource share, live (deleted shares are gone).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// let share = state.resource_share(&"rs-1".into()).ok_or("no share")?;
    /// assert_eq!(share.owner, AccountId::new("1001"));
    /// assert!(share.principals.contains(&Principal::account("2002")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn resource_share(&self, id: &ShareId) -> Option<&ResourceShare> {
        self.shares.get(id)
    }

    /// Every resource share, ordered by id.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// assert_eq!(state.resource_shares().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resource_shares(&self) -> impl Iterator<Item = &ResourceShare> {
        self.shares.values()
    }

    /// The shares holding a snapshot, ordered by id.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// let ids: Vec<_> = state.shares_holding(&"s-1".into()).map(|s| s.id.as_str()).collect();
    /// assert_eq!(ids, ["rs-1"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shares_holding(&self, snapshot: &SnapshotId) -> impl Iterator<Item = &ResourceShare> {
        self.index
            .shares_holding(snapshot)
            .filter_map(|id| self.shares.get(id))
    }

    /// Whether a snapshot is shared: in at least one share (SHARE-12).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// assert!(state.is_shared(&"s-1".into()));
    /// state.apply_mut(now, &Actor::root("1001"), DeleteResourceShare::new("rs-1"))?;
    /// assert!(!state.is_shared(&"s-1".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_shared(&self, snapshot: &SnapshotId) -> bool {
        self.share_count(snapshot) > 0
    }

    /// How many resource shares hold the snapshot (SHARE-12, SHARE-14).
    pub(crate) fn share_count(&self, snapshot: &SnapshotId) -> usize {
        self.index.share_count(snapshot)
    }

    /// How many of an account's snapshots are shared (SHARE-2).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// assert_eq!(state.shared_snapshot_count(&"1001".into()), 1);
    /// assert_eq!(state.shared_snapshot_count(&"2002".into()), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn shared_snapshot_count(&self, account: &AccountId) -> usize {
        self.index.shared_count(account)
    }

    /// A resource directory.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceDirectory::new("rd-1"))?;
    /// let directory = state.directory(&"rd-1".into()).ok_or("no directory")?;
    /// assert_eq!(directory.management, AccountId::new("1001"));
    /// assert_eq!(state.directories().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn directory(&self, id: &DirectoryId) -> Option<&ResourceDirectory> {
        self.directories.get(id)
    }

    /// Every resource directory, ordered by id.
    ///
    /// ```
    /// use snapguard::State;
    /// assert_eq!(State::new().directories().count(), 0);
    /// ```
    pub fn directories(&self) -> impl Iterator<Item = &ResourceDirectory> {
        self.directories.values()
    }

    /// A folder of a resource directory.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceDirectory::new("rd-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateFolder::new("fd-1"))?;
    /// let folder = state.folder(&"fd-1".into()).ok_or("no folder")?;
    /// assert_eq!(folder.directory, DirectoryId::new("rd-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn folder(&self, id: &FolderId) -> Option<&Folder> {
        self.folders.get(id)
    }

    /// The resource directory an account is a member of, if any.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceDirectory::new("rd-1"))?;
    /// state.apply_mut(now, &Actor::root("1001"), AddDirectoryMember::new("2002"))?;
    /// assert_eq!(state.directory_of(&"2002".into()).map(|d| d.id.as_str()), Some("rd-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn directory_of(&self, account: &AccountId) -> Option<&ResourceDirectory> {
        self.index
            .directory_of(account)
            .and_then(|id| self.directories.get(id))
    }

    /// What `account` sees at `now`: its own snapshots (but those whose
    /// retention ended by `now`, which time releases, unless still shared),
    /// then those shared with it through a share that reaches it and whose view has not
    /// expired, accepted or pending (SHARE-7 to SHARE-9). A snapshot shared
    /// through several shares appears once per share.
    ///
    /// The cost follows the account's snapshots and the shares naming it,
    /// its directory or its folder.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// let seen = state.visible_snapshots(&"2002".into(), now);
    /// assert_eq!(seen.len(), 1);
    /// assert!(matches!(
    ///     seen[0].access,
    ///     SnapshotAccess::Shared { status: ShareStatus::Pending, .. }
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn visible_snapshots(
        &self,
        account: &AccountId,
        now: DateTime<Utc>,
    ) -> Vec<VisibleSnapshot> {
        let mut seen: Vec<VisibleSnapshot> = self
            .index
            .owned_by(account)
            .filter(|id| self.held_at(id, now))
            .map(|id| VisibleSnapshot {
                snapshot: id.clone(),
                owner: account.clone(),
                access: SnapshotAccess::Own,
            })
            .collect();
        for share in self.shares_naming(account) {
            let status = if share.accepted.contains(account) {
                ShareStatus::Accepted
            } else {
                ShareStatus::Pending
            };
            for (snapshot, shared) in &share.snapshots {
                if shared.is_live_at(now) {
                    seen.push(VisibleSnapshot {
                        snapshot: snapshot.clone(),
                        owner: share.owner.clone(),
                        access: SnapshotAccess::Shared {
                            share: share.id.clone(),
                            status,
                            expires_at: shared.expires_at,
                        },
                    });
                }
            }
        }
        seen
    }

    /// Whether a snapshot is still held at `now`: not past its retention,
    /// unless shared (SHARE-14). One past it is released by the next
    /// command or [`State::advance`].
    fn held_at(&self, snapshot: &SnapshotId, now: DateTime<Utc>) -> bool {
        self.snapshots
            .get(snapshot)
            .is_some_and(|s| !s.released_at(now, self.is_shared(snapshot)))
    }

    /// The shares of other accounts that reach `account` now, through
    /// itself, its directory or its folder (SHARE-3, SHARE-4, SHARE-8),
    /// accepted or pending, ordered by id: the invitations it holds, for a
    /// host listing them. Empty shares count too.
    ///
    /// The cost follows the shares naming the account, its directory or
    /// its folder.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")))?;
    /// let ids: Vec<_> = state.shares_reaching(&"2002".into()).iter().map(|s| s.id.as_str()).collect();
    /// assert_eq!(ids, ["rs-1"]);
    /// assert!(state.shares_reaching(&"1001".into()).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn shares_reaching(&self, account: &AccountId) -> Vec<&ResourceShare> {
        self.shares_naming(account)
    }

    /// The shares that reach `account` now, ordered by id.
    fn shares_naming(&self, account: &AccountId) -> Vec<&ResourceShare> {
        let principals = principals_of_account(self, account);
        let ids: BTreeSet<&ShareId> = principals
            .iter()
            .flat_map(|p| self.index.shares_naming(p))
            .collect();
        ids.into_iter()
            .filter_map(|id| self.shares.get(id))
            .filter(|share| reaches(self, share, account))
            .collect()
    }

    /// Whom `snapshot` is shared with: its principals, and the accounts
    /// they reach at `now` through a share whose view has not expired
    /// (SHARE-8, SHARE-9). Empty for a snapshot not shared or unknown.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # for account in ["1001", "2002"] {
    /// #     state.apply_mut(now, &Actor::Platform, CreateAccount::new(account, Site::China))?;
    /// # }
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateSnapshot::new("s-1", "d-1"))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts).principal(Principal::account("2002")).snapshot("s-1"))?;
    /// state.apply_mut(now, &Actor::root("2002"), AcceptResourceShare::new("rs-1"))?;
    /// let audience = state.shared_with(&"s-1".into(), now);
    /// assert_eq!(audience.principals.len(), 1);
    /// assert_eq!(audience.accounts.get("2002"), Some(&ShareStatus::Accepted));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn shared_with(&self, snapshot: &SnapshotId, now: DateTime<Utc>) -> SharedWith {
        let mut report = SharedWith::default();
        for share in self.shares_holding(snapshot) {
            for principal in &share.principals {
                report
                    .principals
                    .entry(principal.clone())
                    .or_default()
                    .insert(share.id.clone());
            }
            if !share
                .snapshots
                .get(snapshot)
                .is_some_and(|shared| shared.is_live_at(now))
            {
                continue;
            }
            for account in self.candidates(share) {
                if !reaches(self, share, &account) {
                    continue;
                }
                let accepted = share.accepted.contains(&account);
                let status = report
                    .accounts
                    .entry(account)
                    .or_insert(ShareStatus::Pending);
                if accepted {
                    *status = ShareStatus::Accepted;
                }
            }
        }
        report
    }

    /// The accounts a share's principals name, before the reach rules.
    fn candidates(&self, share: &ResourceShare) -> BTreeSet<AccountId> {
        let mut accounts = BTreeSet::new();
        for principal in &share.principals {
            match principal {
                Principal::Account(id) => {
                    accounts.insert(id.clone());
                }
                Principal::Directory(id) => {
                    if let Some(directory) = self.directories.get(id) {
                        accounts.extend(directory.members.keys().cloned());
                    }
                }
                Principal::Folder(id) => {
                    let directory = self
                        .folders
                        .get(id)
                        .and_then(|f| self.directories.get(&f.directory));
                    if let Some(directory) = directory {
                        accounts.extend(
                            directory
                                .members
                                .iter()
                                .filter(|(_, folder)| folder.as_ref() == Some(id))
                                .map(|(account, _)| account.clone()),
                        );
                    }
                }
            }
        }
        accounts
    }
}
