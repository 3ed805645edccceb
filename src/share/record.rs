//! Recording sharing and directory events, and keeping the sharing indexes
//! in step: infallible and free of rules, like the rest of evolve.
//!
//! An event naming something absent, or adding what is there already,
//! changes nothing, so every index always agrees with the data.

use chrono::{DateTime, Utc};

use crate::deadline::{Deadline, DeadlineKind};
use crate::mint::retire;
use crate::{
    AccountId, DirectoryId, Event, Folder, FolderId, ObjectKind, ResourceDirectory, ResourceShare,
    SharedSnapshot, SnapshotId, State,
};

impl State {
    /// Records a sharing or directory event; other events are ignored.
    pub(crate) fn record_sharing(&mut self, event: &Event) {
        match event {
            Event::DirectoryCreated {
                at,
                directory,
                management,
            } if !self.directories.contains_key(directory) => {
                self.directories.insert(
                    directory.clone(),
                    ResourceDirectory {
                        id: directory.clone(),
                        management: management.clone(),
                        members: std::collections::BTreeMap::new(),
                        created_at: *at,
                    },
                );
                self.join(directory, management, None);
            }
            Event::FolderCreated {
                at,
                folder,
                directory,
            } if !self.folders.contains_key(folder) => {
                self.index.folder_added(directory);
                self.folders.insert(
                    folder.clone(),
                    Folder {
                        id: folder.clone(),
                        directory: directory.clone(),
                        created_at: *at,
                    },
                );
            }
            Event::DirectoryMemberAdded {
                directory,
                account,
                folder,
                ..
            } => self.join(directory, account, folder.clone()),
            Event::DirectoryMemberRemoved { account, .. } => self.leave(account),
            Event::EncryptedShareRoleSet {
                account, trusted, ..
            } => {
                if let Some(account) = self.accounts.get_mut(account) {
                    account.encrypted_share_trustees = trusted.clone();
                }
            }
            Event::ResourceShareCreated {
                at,
                share,
                owner,
                scope,
            } if !self.shares.contains_key(share) => {
                self.retired.shares.remove(share);
                self.index.share_added(owner);
                let created = ResourceShare::new(share.clone(), owner.clone(), *scope, *at);
                self.shares.insert(share.clone(), created);
            }
            Event::SharePrincipalAdded {
                share, principal, ..
            } => {
                if let Some(share) = self.shares.get_mut(share) {
                    if share.principals.insert(principal.clone()) {
                        self.index.add_principal(share, principal);
                    }
                }
            }
            Event::SharePrincipalRemoved {
                share, principal, ..
            } => {
                if let Some(share) = self.shares.get_mut(share) {
                    if share.principals.remove(principal) {
                        self.index.remove_principal(share, principal);
                    }
                }
            }
            Event::SnapshotShared {
                at,
                share,
                snapshot,
                expires_at,
            } => self.share(share, snapshot, *at, *expires_at),
            Event::SnapshotUnshared {
                share, snapshot, ..
            } => self.unshare(share, snapshot),
            Event::ResourceShareDeleted { share, .. } => {
                let held: Vec<SnapshotId> = self
                    .shares
                    .get(share)
                    .map(|s| s.snapshots.keys().cloned().collect())
                    .unwrap_or_default();
                for snapshot in &held {
                    self.unshare(share, snapshot);
                }
                if let Some(removed) = self.shares.remove(share) {
                    self.index.share_removed(&removed.owner);
                    for principal in &removed.principals {
                        self.index.remove_principal(&removed, principal);
                    }
                    retire(
                        &mut self.retired.shares,
                        ObjectKind::ResourceShare,
                        share.clone(),
                    );
                }
            }
            Event::ResourceShareAccepted { share, account, .. } => {
                if let Some(share) = self.shares.get_mut(share) {
                    share.accepted.insert(account.clone());
                }
            }
            Event::ShareExpired {
                at,
                share,
                snapshot,
            } => {
                self.index.deadline_passed(&Deadline {
                    at: *at,
                    kind: DeadlineKind::ShareExpiry {
                        share: share.clone(),
                        snapshot: snapshot.clone(),
                    },
                });
            }
            _ => {}
        }
    }

    /// Places `account` in `directory` (leaving any other first).
    fn join(&mut self, directory: &DirectoryId, account: &AccountId, folder: Option<FolderId>) {
        if !self.directories.contains_key(directory) {
            return;
        }
        self.leave(account);
        if let Some(d) = self.directories.get_mut(directory) {
            d.members.insert(account.clone(), folder);
            self.index.member_joined(account, directory);
        }
    }

    /// Takes `account` out of its directory, if it is in one.
    fn leave(&mut self, account: &AccountId) {
        if let Some(directory) = self.index.member_left(account) {
            if let Some(d) = self.directories.get_mut(&directory) {
                d.members.remove(account);
            }
        }
    }

    /// Adds a live snapshot of the share's owner to the share; the first
    /// share of a snapshot holds its release (SHARE-14).
    fn share(
        &mut self,
        share: &crate::ShareId,
        snapshot: &SnapshotId,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) {
        let (Some(held), Some(record)) = (self.snapshots.get(snapshot), self.shares.get_mut(share))
        else {
            return;
        };
        if held.owner != record.owner || record.snapshots.contains_key(snapshot) {
            return;
        }
        let shared = SharedSnapshot {
            shared_at: at,
            expires_at,
        };
        record.snapshots.insert(snapshot.clone(), shared);
        self.index
            .share_snapshot(record, snapshot, expires_at, self.clock);
        self.index.follow_sharing(held, self.clock);
    }

    /// Removes a snapshot from a share; leaving its last share, it gets its
    /// retention deadline back.
    pub(crate) fn unshare(&mut self, share: &crate::ShareId, snapshot: &SnapshotId) {
        let Some(record) = self.shares.get_mut(share) else {
            return;
        };
        let Some(shared) = record.snapshots.remove(snapshot) else {
            return;
        };
        let last = self
            .index
            .unshare_snapshot(record, snapshot, shared.expires_at);
        if let (true, Some(held)) = (last, self.snapshots.get(snapshot)) {
            self.index.follow_sharing(held, self.clock);
        }
    }

    /// Removes a snapshot about to be deleted from every share holding it.
    pub(crate) fn unshare_everywhere(&mut self, snapshot: &SnapshotId) {
        let shares: Vec<crate::ShareId> = self.index.shares_holding(snapshot).cloned().collect();
        for share in &shares {
            self.unshare(share, snapshot);
        }
    }
}
