//! The indexes a state keeps beside its data, so that no rule scans the
//! fleet, and the one timer set of every time-caused event. They are
//! derived, never serialized, and rebuilt on loading.
//!
//! This file holds the snapshots' part and the timer set; `sharing.rs`
//! the sharing part, `backup.rs` Cloud Backup's.

use chrono::{DateTime, Utc};

use crate::deadline::Deadline;
use crate::store::{Map, Set};
use crate::{
    AccountId, DirectoryId, DiskId, Principal, ShareId, Snapshot, SnapshotId, SnapshotKind,
};

mod backup;
mod sharing;

/// Indexes kept by evolve so that no rule scans the fleet.
///
/// The fields are private: the index changes only through the methods
/// below, each named after what happened (a snapshot added, changed or
/// removed, shared or unshared, a principal added or removed, a member
/// joined or left, a share or folder added, a vault, policy or backup
/// point added or removed, a deadline passed), which both `evolve` and the
/// rebuild on loading call, so they cannot disagree; and it is read only
/// through the accessors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Indexes {
    /// Automatic snapshots of each disk, oldest first (LOCK-11 rotation).
    automatic: Map<DiskId, Set<(DateTime<Utc>, SnapshotId)>>,
    /// Snapshots with a lock record, by owner (lock queries).
    locked: Map<AccountId, Set<SnapshotId>>,
    /// The timer set: every time-caused event not yet recorded, of
    /// snapshots and backup points alike, earliest first (GEN-6).
    deadlines: Set<Deadline>,
    /// Snapshots by owner (what an account sees).
    owned: Map<AccountId, Set<SnapshotId>>,
    /// The directory each member account belongs to (SHARE-8).
    membership: Map<AccountId, DirectoryId>,
    /// The shares holding each shared snapshot (SHARE-12, SHARE-14).
    shares_of: Map<SnapshotId, Set<ShareId>>,
    /// How many of each account's snapshots are shared (SHARE-2).
    shared_count: Map<AccountId, usize>,
    /// The principals of each shared snapshot, with the shares holding it
    /// that name each (SHARE-1, and who a share of it reaches). Never holds
    /// an empty map.
    principals_of: Map<SnapshotId, Map<Principal, Set<ShareId>>>,
    /// The shares naming each principal (what an account sees).
    by_principal: Map<Principal, Set<ShareId>>,
    /// How many resource shares each account holds (GEN-7).
    shares_owned: Map<AccountId, usize>,
    /// How many folders each resource directory holds (GEN-7).
    folders_of: Map<DirectoryId, usize>,
    /// Cloud Backup's indexes.
    backup: backup::BackupIndex,
}

/// Adds one to the count of `key`.
fn count_up<K: Ord + Clone>(counts: &mut Map<K, usize>, key: &K) {
    let count = counts.entry(key.clone()).or_default();
    *count = count.saturating_add(1);
}

/// Takes one from the count of `key`, forgetting a count that reaches 0.
fn count_down<K: Ord + Clone>(counts: &mut Map<K, usize>, key: &K) {
    if let Some(count) = counts.get_mut(key) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            counts.remove(key);
        }
    }
}

impl Indexes {
    /// Indexes a snapshot, with those of its deadlines still pending given
    /// the latest instant `recorded` (see [`Deadline::is_pending`]).
    pub(crate) fn add_snapshot(&mut self, snapshot: &Snapshot, recorded: Option<DateTime<Utc>>) {
        if let (SnapshotKind::Automatic, Some(disk)) = (snapshot.kind, snapshot.origin.disk()) {
            self.automatic
                .entry(disk.clone())
                .or_default()
                .insert((snapshot.created_at, snapshot.id.clone()));
        }
        if snapshot.lock.is_some() {
            index_insert(&mut self.locked, &snapshot.owner, &snapshot.id);
        }
        index_insert(&mut self.owned, &snapshot.owner, &snapshot.id);
        let shared = self.share_count(&snapshot.id) > 0;
        for deadline in Deadline::of_snapshot(snapshot) {
            if deadline.indexed(shared, recorded) {
                self.deadlines.insert(deadline);
            }
        }
    }

    /// Brings a changed snapshot's lock and deadline entries up to date,
    /// given what they followed before the change: only the entries that
    /// differ are touched, a deadline no longer pending is dropped, and its
    /// retention end is indexed only while it is not shared (SHARE-14).
    pub(crate) fn reindex_snapshot(
        &mut self,
        before: &Indexed,
        snapshot: &Snapshot,
        recorded: Option<DateTime<Utc>>,
    ) {
        let after = Indexed::of(snapshot);
        let (old, new) = (before.deadlines(), after.deadlines());
        for deadline in old.clone().filter(|d| !new.clone().any(|n| n == *d)) {
            self.deadlines.remove(deadline);
        }
        let shared = self.share_count(&snapshot.id) > 0;
        for deadline in new {
            let indexed = deadline.indexed(shared, recorded);
            if !old.clone().any(|o| o == deadline) {
                // A deadline the snapshot did not have is not in the set
                // (its entries are among its deadlines before the change):
                // no lookup before inserting it.
                if indexed {
                    self.deadlines.insert(deadline.clone());
                }
                continue;
            }
            let present = self.deadlines.contains(deadline);
            if indexed && !present {
                self.deadlines.insert(deadline.clone());
            } else if !indexed && present {
                self.deadlines.remove(deadline);
            }
        }
        match (before.locked, after.locked) {
            (false, true) => index_insert(&mut self.locked, &snapshot.owner, &snapshot.id),
            (true, false) => index_remove(&mut self.locked, &snapshot.owner, &snapshot.id),
            _ => {}
        }
    }

    /// Re-indexes a snapshot that has just been shared or has left its last
    /// share: its data is unchanged, but whether its retention end is
    /// indexed follows whether it is shared (SHARE-14).
    pub(crate) fn follow_sharing(&mut self, snapshot: &Snapshot, recorded: Option<DateTime<Utc>>) {
        self.reindex_snapshot(&Indexed::of(snapshot), snapshot, recorded);
    }

    /// How many resource shares hold the snapshot: the one reading that
    /// SHARE-12 (a shared snapshot is not deleted) and SHARE-14 (nor
    /// released) ask, through [`crate::State::share_count`].
    pub(crate) fn share_count(&self, snapshot: &SnapshotId) -> usize {
        self.shares_of
            .get(snapshot)
            .map_or(0, |shares| shares.len())
    }

    /// A time-caused event was recorded: its deadline is no longer pending.
    pub(crate) fn deadline_passed(&mut self, deadline: &Deadline) {
        self.deadlines.remove(deadline);
    }

    /// Removes a snapshot from every index.
    pub(crate) fn remove_snapshot(&mut self, snapshot: &Snapshot) {
        if let Some(disk) = snapshot.origin.disk() {
            let key = (snapshot.created_at, snapshot.id.clone());
            index_remove(&mut self.automatic, disk, &key);
        }
        // Only a snapshot with a lock record is in `locked` (`add_snapshot`,
        // `reindex_snapshot`).
        if snapshot.lock.is_some() {
            index_remove(&mut self.locked, &snapshot.owner, &snapshot.id);
        }
        index_remove(&mut self.owned, &snapshot.owner, &snapshot.id);
        for deadline in Deadline::of_snapshot(snapshot) {
            self.deadlines.remove(&deadline);
        }
    }
}

/// What of a snapshot its lock and deadline index entries follow, taken
/// before a change to compare with after it.
pub(crate) struct Indexed {
    locked: bool,
    /// Its deadlines: a lock's cooling-off end and expiry, and its
    /// retention end, at most three.
    deadlines: [Option<Deadline>; 3],
}

impl Indexed {
    pub(crate) fn of(snapshot: &Snapshot) -> Self {
        let mut deadlines = Deadline::of_snapshot(snapshot);
        Self {
            locked: snapshot.lock.is_some(),
            deadlines: [deadlines.next(), deadlines.next(), deadlines.next()],
        }
    }

    fn deadlines(&self) -> impl Iterator<Item = &Deadline> + Clone {
        self.deadlines.iter().flatten()
    }
}

/// Adds `value` to the set under `key`.
fn index_insert<K: Ord + Clone, V: Ord + Clone>(map: &mut Map<K, Set<V>>, key: &K, value: &V) {
    map.entry(key.clone()).or_default().insert(value.clone());
}

/// Removes `value` from the set under `key`, dropping an emptied set.
fn index_remove<K: Ord + Clone, V: Ord + Clone>(map: &mut Map<K, Set<V>>, key: &K, value: &V) {
    if let Some(set) = map.get_mut(key) {
        set.remove(value);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

/// The accessors: what the rules, queries and loading checks read.
impl Indexes {
    /// The automatic snapshots of a disk, oldest first (LOCK-11).
    pub(crate) fn automatic_of(&self, disk: &DiskId) -> impl Iterator<Item = &SnapshotId> {
        self.automatic
            .get(disk)
            .into_iter()
            .flatten()
            .map(|(_, id)| id)
    }

    /// How many automatic snapshots a disk holds.
    pub(crate) fn automatic_count(&self, disk: &DiskId) -> usize {
        self.automatic.get(disk).map_or(0, |set| set.len())
    }

    /// Each disk with automatic snapshots, and how many it holds.
    pub(crate) fn automatic_counts(&self) -> impl Iterator<Item = (&DiskId, usize)> {
        self.automatic.iter().map(|(disk, set)| (disk, set.len()))
    }

    /// The snapshots of `account` with a lock record.
    pub(crate) fn locked_of(&self, account: &AccountId) -> impl Iterator<Item = &SnapshotId> {
        self.locked.get(account).into_iter().flatten()
    }

    /// The pending time-caused deadlines due by `now`, earliest first.
    pub(crate) fn deadlines_due(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Deadline> {
        self.deadlines
            .iter()
            .take_while(move |deadline| deadline.at <= now)
    }

    /// When the earliest pending deadline is due.
    pub(crate) fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.deadlines.get_min().map(|deadline| deadline.at)
    }

    /// The snapshots `account` owns.
    pub(crate) fn owned_by(&self, account: &AccountId) -> impl Iterator<Item = &SnapshotId> {
        self.owned.get(account).into_iter().flatten()
    }
}
