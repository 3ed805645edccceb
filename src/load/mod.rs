//! Loading a state: the trust boundary (DESIGN.md, "Serde").
//!
//! A state is serialized as its data, without indexes. Loading rebuilds the
//! indexes and refuses, with a [`StateError`], any state that no accepted
//! history could have produced: duplicate or dangling ids, impossible
//! locks, snapshots held past their retention, objects newer than the
//! clock, incoherent limits.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::state::{Indexes, Retired};
use crate::store::{Map, Set, Table};
use crate::{
    Account, AccountId, Disk, DiskId, DiskSource, Folder, Image, ImageSource, Key, Limits,
    ObjectKind, Region, RegionId, ResourceDirectory, ResourceShare, RuleId, Snapshot, SnapshotId,
    SnapshotKind, SnapshotOrigin, SnapshotStatus, State, User,
};

mod copies;
mod sharing;
mod vaults;

pub use copies::CopyDefect;
pub use vaults::BackupDefect;

/// Why a serialized state was refused: it breaks an invariant that no
/// accepted history can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Two objects of one kind share an id, or a live object has the id of
    /// a deleted one.
    #[error("{kind} `{id}` appears twice")]
    Duplicate {
        /// The kind of object.
        kind: ObjectKind,
        /// The id.
        id: String,
    },
    /// An object refers to one that does not exist: its owner, its region
    /// or its user's account is missing, or what it was made from (origin
    /// disk, copied snapshot, source snapshot or image) never existed,
    /// live or deleted.
    #[error("{kind} `{id}` refers to {missing_kind} `{missing_id}`, which does not exist")]
    Dangling {
        /// The referring object's kind.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// The kind referred to.
        missing_kind: ObjectKind,
        /// The id referred to.
        missing_id: String,
    },
    /// A snapshot's lock expires after its retention ends (LOCK-4).
    #[error("the lock of snapshot `{0}` expires after its retention ends")]
    LockOutlivesRetention(SnapshotId),
    /// A lock's instants are out of order: it must start no later than its
    /// cooling-off ends, and its cooling-off must end no later than it
    /// expires (LOCK-1, LOCK-2).
    #[error("the lock of snapshot `{0}` has its instants out of order")]
    MalformedLock(SnapshotId),
    /// A snapshot is still held although its retention ended before the
    /// state's clock: it would have been released (SNAP-2).
    #[error("snapshot `{0}` outlived its retention end")]
    RetentionPassed(SnapshotId),
    /// A disk holds more automatic snapshots than the limit (LOCK-11).
    #[error("disk `{0}` holds more automatic snapshots than the limit")]
    AutomaticLimitExceeded(DiskId),
    /// An object was recorded after the state's clock.
    #[error("{kind} `{id}` was created after the state's clock")]
    AfterClock {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
    },
    /// A snapshot holds a lock it could never have been given: it is a
    /// Cloud Backup snapshot, or it is not available (LOCK-3).
    #[error("snapshot `{0}` holds a lock it cannot hold")]
    ImpossibleLock(SnapshotId),
    /// An automatic snapshot was not taken of a disk: only a disk's
    /// automatic snapshot policy makes automatic snapshots (LOCK-11).
    #[error("automatic snapshot `{0}` was not taken of a disk")]
    AutomaticWithoutDisk(SnapshotId),
    /// A resource directory's members contradict it: its management
    /// account is not a member, an account is in two directories, a member
    /// is on another site (SHARE-3) or in a folder of another directory.
    #[error("resource directory `{0}` has inconsistent members")]
    InconsistentDirectory(crate::DirectoryId),
    /// A resource share contradicts the rules no history breaks: it holds a
    /// snapshot of another account or one that cannot be shared (SHARE-5),
    /// names or is accepted by its owner or an account of another site, or
    /// a view that expires before it begins, after the snapshot's
    /// retention, or was granted after that retention ended (SHARE-9).
    #[error("resource share `{0}` is inconsistent")]
    InconsistentShare(crate::ShareId),
    /// A disk disagrees with what it was created from: marked as made from
    /// a shared snapshot when its source is its own account's, or the other
    /// way round (DISK-4), or unencrypted from an encrypted snapshot
    /// (DISK-1).
    #[error("disk `{0}` disagrees with the snapshot it was created from")]
    InconsistentDisk(DiskId),
    /// A customer master key belongs to an account that has not activated
    /// KMS (COPY-3).
    #[error("key `{0}` belongs to an account without KMS")]
    KeyWithoutKms(crate::KeyId),
    /// A disk or snapshot is encrypted with a customer master key of
    /// another account or region.
    #[error(
        "{kind} `{id}` is encrypted with key `{key}`, which is not its account's in its region"
    )]
    ForeignKey {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// The key.
        key: crate::KeyId,
    },
    /// A copy is one no accepted history can make (COPY-2 to COPY-7).
    #[error("copy `{copy}` is impossible: {defect}")]
    ImpossibleCopy {
        /// The copy.
        copy: SnapshotId,
        /// What is wrong with it.
        defect: CopyDefect,
    },
    /// A copy lineage names an account, region, key or first copy that
    /// does not exist, or a first copy that is of another lineage or not
    /// complete (COPY-7).
    #[error("the copy lineage started by `{0}` is inconsistent")]
    InconsistentLineage(SnapshotId),
    /// A vault, backup policy or backup point contradicts the rules no
    /// history breaks (VAULT-1 to VAULT-7): immutability on a kind that
    /// does not support it, a replica less protected than its source or in
    /// its region, a point unlocked in an immutable vault or policy, or
    /// held past its retention end.
    #[error("{kind} `{id}` is inconsistent: {defect}")]
    InconsistentBackup {
        /// The kind of object.
        kind: ObjectKind,
        /// Its id.
        id: String,
        /// What is wrong.
        defect: BackupDefect,
    },
    /// A sharing quota is exceeded (SHARE-1 or SHARE-2).
    #[error("the quota of {rule} is exceeded by `{id}`")]
    QuotaExceeded {
        /// The rule whose quota is exceeded.
        rule: RuleId,
        /// The snapshot (SHARE-1) or account (SHARE-2).
        id: String,
    },
    /// A limit contradicts another (a minimum above its maximum) or is
    /// out of range (a lock shorter than one day).
    #[error("the limit `{field}` is incoherent")]
    IncoherentLimits {
        /// The limit's field name in [`Limits`].
        field: String,
    },
}

/// The serialized form of a state: its data as lists, without indexes.
///
/// Every field is required except `limits` (a missing one is the default);
/// `clock` is `null` for a state that recorded nothing (`deserialize_with`
/// stops serde from reading a missing `Option` key as `None`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateData {
    #[serde(default)]
    limits: Limits,
    #[serde(deserialize_with = "Option::deserialize")]
    clock: Option<DateTime<Utc>>,
    accounts: Vec<Account>,
    users: Vec<User>,
    regions: Vec<Region>,
    disks: Vec<Disk>,
    snapshots: Vec<Snapshot>,
    images: Vec<Image>,
    directories: Vec<ResourceDirectory>,
    folders: Vec<Folder>,
    shares: Vec<ResourceShare>,
    keys: Vec<Key>,
    lineages: Vec<copies::LineageRecord>,
    backup: vaults::BackupData,
    retired: Retired,
}

impl From<State> for StateData {
    fn from(state: State) -> Self {
        Self {
            limits: state.limits,
            clock: state.clock,
            accounts: state.accounts.into_values().collect(),
            users: state.users.into_values().collect(),
            regions: state.regions.into_values().collect(),
            disks: state.disks.into_values().collect(),
            snapshots: state.snapshots.into_values().collect(),
            images: state.images.into_values().collect(),
            directories: state.directories.into_values().collect(),
            folders: state.folders.into_values().collect(),
            shares: state.shares.into_values().collect(),
            keys: state.keys.into_values().collect(),
            lineages: state
                .lineages
                .into_iter()
                .map(|(lineage, first_copy)| copies::LineageRecord {
                    lineage,
                    first_copy,
                })
                .collect(),
            backup: state.backup.into(),
            retired: state.retired,
        }
    }
}

/// Collects objects by key, refusing duplicates.
pub(super) fn unique<K: Ord + Clone, V: Clone>(
    items: Vec<V>,
    kind: ObjectKind,
    key: impl Fn(&V) -> K,
    name: impl Fn(&V) -> String,
) -> Result<Table<K, V>, StateError> {
    let mut map = Table::default();
    for item in items {
        let id = name(&item);
        if map.insert(key(&item), item) {
            return Err(StateError::Duplicate { kind, id });
        }
    }
    Ok(map)
}

/// Collects copy lineages, refusing one recorded twice.
fn unique_lineages(
    records: Vec<copies::LineageRecord>,
) -> Result<Map<crate::CopyLineage, SnapshotId>, StateError> {
    let mut map = Map::new();
    for record in records {
        if let Some(first) = map.insert(record.lineage, record.first_copy) {
            return Err(StateError::InconsistentLineage(first));
        }
    }
    Ok(map)
}

/// Refuses a live object whose id is also retired.
pub(super) fn live_and_retired<K: Ord + Clone + std::fmt::Display, V: Clone>(
    kind: ObjectKind,
    retired: &Set<K>,
    live: &Table<K, V>,
) -> Result<(), StateError> {
    match retired.iter().find(|id| live.contains_key(*id)) {
        Some(id) => Err(StateError::Duplicate {
            kind,
            id: id.to_string(),
        }),
        None => Ok(()),
    }
}

pub(crate) fn dangling(
    kind: ObjectKind,
    id: &str,
    missing_kind: ObjectKind,
    missing: &str,
) -> StateError {
    StateError::Dangling {
        kind,
        id: id.to_owned(),
        missing_kind,
        missing_id: missing.to_owned(),
    }
}

impl TryFrom<StateData> for State {
    type Error = StateError;

    fn try_from(data: StateData) -> Result<Self, StateError> {
        use ObjectKind as K;
        let mut state = State {
            limits: data.limits,
            clock: data.clock,
            accounts: unique(
                data.accounts,
                K::Account,
                |a| a.id.clone(),
                |a| a.id.to_string(),
            )?,
            users: unique(
                data.users,
                K::User,
                |u| (u.account.clone(), u.id.clone()),
                |u| u.id.to_string(),
            )?,
            regions: unique(
                data.regions,
                K::Region,
                |r| r.id.clone(),
                |r| r.id.to_string(),
            )?,
            disks: unique(data.disks, K::Disk, |d| d.id.clone(), |d| d.id.to_string())?,
            snapshots: unique(
                data.snapshots,
                K::Snapshot,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            )?,
            images: unique(
                data.images,
                K::Image,
                |i| i.id.clone(),
                |i| i.id.to_string(),
            )?,
            directories: unique(
                data.directories,
                K::Directory,
                |d| d.id.clone(),
                |d| d.id.to_string(),
            )?,
            folders: unique(
                data.folders,
                K::Folder,
                |f| f.id.clone(),
                |f| f.id.to_string(),
            )?,
            shares: unique(
                data.shares,
                K::ResourceShare,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            )?,
            keys: unique(data.keys, K::Key, |k| k.id.clone(), |k| k.id.to_string())?,
            lineages: unique_lineages(data.lineages)?,
            backup: data.backup.try_into()?,
            retired: data.retired,
            index: Indexes::default(),
        };
        state.check()?;
        state.check_sharing()?;
        state.check_copies()?;
        state.check_backup()?;
        state.backup.reindex();
        state.reindex();
        state.check_quotas()?;
        let limit = usize::try_from(state.limits.auto_snapshots_per_disk).unwrap_or(usize::MAX);
        if let Some((disk, _)) = state
            .index
            .automatic
            .iter()
            .find(|(_, set)| set.len() > limit)
        {
            return Err(StateError::AutomaticLimitExceeded(disk.clone()));
        }
        Ok(state)
    }
}

/// Refuses an object recorded after the state's clock (or with no clock).
pub(crate) fn created_by(
    clock: Option<DateTime<Utc>>,
    kind: ObjectKind,
    id: &str,
    at: DateTime<Utc>,
) -> Result<(), StateError> {
    if clock.is_none_or(|clock| at > clock) {
        return Err(StateError::AfterClock {
            kind,
            id: id.to_owned(),
        });
    }
    Ok(())
}

impl State {
    /// Checks an object of `kind` owned by `owner` in `region`, created at
    /// `at`: its account and region exist, and it is not newer than the clock.
    fn check_placed(
        &self,
        kind: ObjectKind,
        id: &str,
        owner: &AccountId,
        region: &RegionId,
        at: DateTime<Utc>,
    ) -> Result<(), StateError> {
        if !self.accounts.contains_key(owner) {
            return Err(dangling(kind, id, ObjectKind::Account, owner.as_str()));
        }
        if !self.regions.contains_key(region) {
            return Err(dangling(kind, id, ObjectKind::Region, region.as_str()));
        }
        created_by(self.clock, kind, id, at)
    }
}

impl Limits {
    /// Refuses limits no configuration means: a minimum above its maximum,
    /// or a lock shorter than a day (LOCK-1).
    fn check(&self) -> Result<(), StateError> {
        let incoherent = [
            ("min_lock_days", self.min_lock_days == 0),
            ("min_lock_days", self.min_lock_days > self.max_lock_days),
            ("permanent_share_days", self.permanent_share_days == 0),
            (
                "min_retention_days",
                self.min_retention_days > self.max_retention_days,
            ),
            (
                "min_archive_retention_days",
                self.min_archive_retention_days > self.max_archive_retention_days,
            ),
        ];
        match incoherent.iter().find(|(_, broken)| *broken) {
            Some((field, _)) => Err(StateError::IncoherentLimits {
                field: (*field).to_owned(),
            }),
            None => Ok(()),
        }
    }
}

impl State {
    /// Checks the limits, references (to live objects, or to deleted ones
    /// for what an object was made from), LOCK-3, LOCK-4 and the clock on
    /// freshly loaded data.
    fn check(&self) -> Result<(), StateError> {
        use ObjectKind as K;
        let after_clock = |at: DateTime<Utc>| self.clock.is_none_or(|clock| at > clock);
        self.limits.check()?;
        let shared: BTreeSet<&SnapshotId> = self
            .shares
            .values()
            .flat_map(|share| share.snapshots.keys())
            .collect();
        live_and_retired(K::Snapshot, &self.retired.snapshots, &self.snapshots)?;
        live_and_retired(K::ResourceShare, &self.retired.shares, &self.shares)?;
        live_and_retired(K::Disk, &self.retired.disks, &self.disks)?;
        live_and_retired(K::Image, &self.retired.images, &self.images)?;
        for account in self.accounts.values() {
            created_by(
                self.clock,
                K::Account,
                account.id.as_str(),
                account.created_at,
            )?;
        }
        for region in self.regions.values() {
            created_by(self.clock, K::Region, region.id.as_str(), region.created_at)?;
        }
        for user in self.users.values() {
            if !self.accounts.contains_key(&user.account) {
                return Err(dangling(
                    K::User,
                    user.id.as_str(),
                    K::Account,
                    user.account.as_str(),
                ));
            }
        }
        for disk in self.disks.values() {
            self.check_placed(
                K::Disk,
                disk.id.as_str(),
                &disk.owner,
                &disk.region,
                disk.created_at,
            )?;
            match &disk.source {
                DiskSource::Blank => {}
                DiskSource::Snapshot(source) if !self.snapshot_id_taken(source) => {
                    return Err(dangling(
                        K::Disk,
                        disk.id.as_str(),
                        K::Snapshot,
                        source.as_str(),
                    ));
                }
                DiskSource::Image(source) if !self.image_id_taken(source) => {
                    return Err(dangling(
                        K::Disk,
                        disk.id.as_str(),
                        K::Image,
                        source.as_str(),
                    ));
                }
                DiskSource::Snapshot(_) | DiskSource::Image(_) => {}
            }
        }
        for image in self.images.values() {
            self.check_placed(
                K::Image,
                image.id.as_str(),
                &image.owner,
                &image.region,
                image.created_at,
            )?;
            if let ImageSource::Snapshot(source) = &image.source {
                if !self.snapshot_id_taken(source) {
                    return Err(dangling(
                        K::Image,
                        image.id.as_str(),
                        K::Snapshot,
                        source.as_str(),
                    ));
                }
            }
        }
        for snapshot in self.snapshots.values() {
            let id = snapshot.id.as_str();
            self.check_placed(
                K::Snapshot,
                id,
                &snapshot.owner,
                &snapshot.region,
                snapshot.created_at,
            )?;
            match &snapshot.origin {
                SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk }
                    if !self.disk_id_taken(disk) =>
                {
                    return Err(dangling(K::Snapshot, id, K::Disk, disk.as_str()));
                }
                SnapshotOrigin::Copy { source, .. } if !self.snapshot_id_taken(source) => {
                    return Err(dangling(K::Snapshot, id, K::Snapshot, source.as_str()));
                }
                _ => {}
            }
            if snapshot.kind == SnapshotKind::Automatic && snapshot.origin.disk().is_none() {
                return Err(StateError::AutomaticWithoutDisk(snapshot.id.clone()));
            }
            let end = snapshot.retention.end();
            let passed = end.is_some_and(|end| self.clock.is_some_and(|clock| end < clock));
            // A shared snapshot outlives its retention until unshared (SHARE-14).
            if passed && !shared.contains(&snapshot.id) {
                return Err(StateError::RetentionPassed(snapshot.id.clone()));
            }
            if let Some(lock) = &snapshot.lock {
                if snapshot.origin == SnapshotOrigin::CloudBackup
                    || snapshot.status != SnapshotStatus::Available
                {
                    return Err(StateError::ImpossibleLock(snapshot.id.clone()));
                }
                if lock.start > lock.cool_off_end
                    || lock.cool_off_end > lock.expiry
                    || after_clock(lock.start)
                {
                    return Err(StateError::MalformedLock(snapshot.id.clone()));
                }
                if end.is_some_and(|end| lock.expiry > end) {
                    return Err(StateError::LockOutlivesRetention(snapshot.id.clone()));
                }
            }
        }
        Ok(())
    }
}
