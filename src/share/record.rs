//! Recording sharing and directory events, and keeping the sharing indexes
//! in step: infallible and free of rules, like the rest of evolve.
//!
//! An event naming something absent, or adding what is there already,
//! changes nothing, so every index always agrees with the data.

use chrono::{DateTime, Utc};

use crate::deadline::{Deadline, DeadlineKind};
use crate::index::{Indexes, count_down, count_up};
use crate::{
    AccountId, DirectoryId, Event, Folder, FolderId, Principal, ResourceDirectory, ResourceShare,
    ShareId, SharedSnapshot, SnapshotId, State,
};

impl Indexes {
    /// Indexes `snapshot` as held by `share`, with the share's principals,
    /// and schedules the end of the sharees' view if still pending.
    pub(crate) fn share_snapshot(
        &mut self,
        share: &ResourceShare,
        snapshot: &SnapshotId,
        expires_at: DateTime<Utc>,
        recorded: Option<DateTime<Utc>>,
    ) {
        let shares = self.shares_of.entry(snapshot.clone()).or_default();
        if shares.is_empty() {
            count_up(&mut self.shared_count, &share.owner);
        }
        shares.insert(share.id.clone());
        for principal in &share.principals {
            self.name(snapshot, principal, &share.id);
        }
        let deadline = view_end(share, snapshot, expires_at);
        if deadline.is_pending(recorded) {
            self.deadlines.insert(deadline);
        }
    }

    /// Undoes [`Indexes::share_snapshot`]; returns whether the snapshot is
    /// no longer shared at all.
    fn unshare_snapshot(
        &mut self,
        share: &ResourceShare,
        snapshot: &SnapshotId,
        expires_at: DateTime<Utc>,
    ) -> bool {
        self.deadlines
            .remove(&view_end(share, snapshot, expires_at));
        for principal in &share.principals {
            self.unname(snapshot, principal, &share.id);
        }
        let Some(shares) = self.shares_of.get_mut(snapshot) else {
            return false;
        };
        if shares.remove(&share.id).is_none() || !shares.is_empty() {
            return false;
        }
        self.shares_of.remove(snapshot);
        count_down(&mut self.shared_count, &share.owner);
        true
    }

    /// Indexes a principal newly named by `share`.
    fn add_principal(&mut self, share: &ResourceShare, principal: &Principal) {
        self.by_principal
            .entry(principal.clone())
            .or_default()
            .insert(share.id.clone());
        for snapshot in share.snapshots.keys() {
            self.name(snapshot, principal, &share.id);
        }
    }

    /// Undoes [`Indexes::add_principal`].
    fn remove_principal(&mut self, share: &ResourceShare, principal: &Principal) {
        if let Some(shares) = self.by_principal.get_mut(principal) {
            shares.remove(&share.id);
            if shares.is_empty() {
                self.by_principal.remove(principal);
            }
        }
        for snapshot in share.snapshots.keys() {
            self.unname(snapshot, principal, &share.id);
        }
    }

    /// Records that `share`, holding `snapshot`, names `principal`.
    fn name(&mut self, snapshot: &SnapshotId, principal: &Principal, share: &ShareId) {
        self.principals_of
            .entry(snapshot.clone())
            .or_default()
            .entry(principal.clone())
            .or_default()
            .insert(share.clone());
    }

    /// Undoes [`Indexes::name`], pruning what becomes empty.
    fn unname(&mut self, snapshot: &SnapshotId, principal: &Principal, share: &ShareId) {
        let Some(principals) = self.principals_of.get_mut(snapshot) else {
            return;
        };
        if let Some(shares) = principals.get_mut(principal) {
            shares.remove(share);
            if shares.is_empty() {
                principals.remove(principal);
            }
        }
        if principals.is_empty() {
            self.principals_of.remove(snapshot);
        }
    }
}

/// The deadline at which the sharees of `share` stop seeing `snapshot`.
fn view_end(share: &ResourceShare, snapshot: &SnapshotId, at: DateTime<Utc>) -> Deadline {
    Deadline {
        at,
        kind: DeadlineKind::ShareExpiry(share.id.clone()),
        snapshot: snapshot.clone(),
    }
}

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
                count_up(&mut self.index.folders_of, directory);
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
                count_up(&mut self.index.shares_owned, owner);
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
                    count_down(&mut self.index.shares_owned, &removed.owner);
                    for principal in &removed.principals {
                        self.index.remove_principal(&removed, principal);
                    }
                    self.retired.shares.insert(share.clone());
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
                self.index.deadlines.remove(&Deadline {
                    at: *at,
                    kind: DeadlineKind::ShareExpiry(share.clone()),
                    snapshot: snapshot.clone(),
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
            self.index
                .membership
                .insert(account.clone(), directory.clone());
        }
    }

    /// Takes `account` out of its directory, if it is in one.
    fn leave(&mut self, account: &AccountId) {
        if let Some(directory) = self.index.membership.remove(account) {
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
        let shares: Vec<crate::ShareId> = self
            .index
            .shares_of
            .get(snapshot)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        for share in &shares {
            self.unshare(share, snapshot);
        }
    }
}
