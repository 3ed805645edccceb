//! The sharing part of the index: which shares hold which snapshots and
//! name which principals, the sharing quotas' counts, directory
//! memberships, and the end of each sharee's view in the timer set.

use chrono::{DateTime, Utc};

use super::{Indexes, count_down, count_up, index_insert, index_remove};
use crate::deadline::{Deadline, DeadlineKind};
use crate::store::{Map, Set};
use crate::{AccountId, DirectoryId, Principal, ResourceShare, ShareId, SnapshotId};

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
    pub(crate) fn unshare_snapshot(
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
    pub(crate) fn add_principal(&mut self, share: &ResourceShare, principal: &Principal) {
        index_insert(&mut self.by_principal, principal, &share.id);
        for snapshot in share.snapshots.keys() {
            self.name(snapshot, principal, &share.id);
        }
    }

    /// Undoes [`Indexes::add_principal`].
    pub(crate) fn remove_principal(&mut self, share: &ResourceShare, principal: &Principal) {
        index_remove(&mut self.by_principal, principal, &share.id);
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
        kind: DeadlineKind::ShareExpiry {
            share: share.id.clone(),
            snapshot: snapshot.clone(),
        },
    }
}

/// What else happened to sharing: a member joined or left a directory, a
/// share or folder was added or removed.
impl Indexes {
    /// `account` joined `directory` (having left any other).
    pub(crate) fn member_joined(&mut self, account: &AccountId, directory: &DirectoryId) {
        self.membership.insert(account.clone(), directory.clone());
    }

    /// `account` left its directory; returns the directory it was in.
    pub(crate) fn member_left(&mut self, account: &AccountId) -> Option<DirectoryId> {
        self.membership.remove(account)
    }

    /// A folder was added to `directory`.
    pub(crate) fn folder_added(&mut self, directory: &DirectoryId) {
        count_up(&mut self.folders_of, directory);
    }

    /// `owner` created a resource share.
    pub(crate) fn share_added(&mut self, owner: &AccountId) {
        count_up(&mut self.shares_owned, owner);
    }

    /// A resource share of `owner` was deleted.
    pub(crate) fn share_removed(&mut self, owner: &AccountId) {
        count_down(&mut self.shares_owned, owner);
    }
}

/// What the sharing rules and queries read.
impl Indexes {
    /// The directory `account` is a member of.
    pub(crate) fn directory_of(&self, account: &AccountId) -> Option<&DirectoryId> {
        self.membership.get(account)
    }

    /// The shares holding `snapshot`.
    pub(crate) fn shares_holding(&self, snapshot: &SnapshotId) -> impl Iterator<Item = &ShareId> {
        self.shares_of.get(snapshot).into_iter().flatten()
    }

    /// How many of `account`'s snapshots are shared (SHARE-2).
    pub(crate) fn shared_count(&self, account: &AccountId) -> usize {
        self.shared_count.get(account).copied().unwrap_or(0)
    }

    /// The principals the shares holding `snapshot` name, with the shares
    /// naming each (SHARE-1); `None` when it is not shared.
    pub(crate) fn principals_of(
        &self,
        snapshot: &SnapshotId,
    ) -> Option<&Map<Principal, Set<ShareId>>> {
        self.principals_of.get(snapshot)
    }

    /// Each shared snapshot with how many principals its shares name.
    pub(crate) fn principal_counts(&self) -> impl Iterator<Item = (&SnapshotId, usize)> {
        self.principals_of
            .iter()
            .map(|(snapshot, principals)| (snapshot, principals.len()))
    }

    /// The shares naming `principal`.
    pub(crate) fn shares_naming(&self, principal: &Principal) -> impl Iterator<Item = &ShareId> {
        self.by_principal.get(principal).into_iter().flatten()
    }

    /// How many resource shares `account` holds (GEN-7).
    pub(crate) fn shares_owned(&self, account: &AccountId) -> usize {
        self.shares_owned.get(account).copied().unwrap_or(0)
    }

    /// How many folders `directory` holds (GEN-7).
    pub(crate) fn folders_of(&self, directory: &DirectoryId) -> usize {
        self.folders_of.get(directory).copied().unwrap_or(0)
    }
}
