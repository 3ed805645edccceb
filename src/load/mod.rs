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
    SnapshotKind, SnapshotOrigin, SnapshotStatus, Span, State, StorageTier, User, time,
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
    /// A snapshot's lock lasts less than the shortest lock, or its
    /// cooling-off longer than the longest (LOCK-1).
    #[error(
        "the lock of snapshot `{0}` is shorter, or its cooling-off longer, than the limits allow"
    )]
    LockOutOfRange(SnapshotId),
    /// A snapshot disagrees with the disk it was taken of: another
    /// account's disk, a disk in another region, or one created after it
    /// (SNAP-1).
    #[error("snapshot `{0}` disagrees with the disk it was taken of")]
    SnapshotUnlikeDisk(SnapshotId),
    /// A snapshot was archived younger than the archive tier allows, or
    /// after the state's clock (ARCH-1).
    #[error("snapshot `{0}` was archived at an instant no history allows")]
    ImpossibleArchive(SnapshotId),
    /// An account fell overdue before it existed or after the state's
    /// clock (LOCK-12).
    #[error("account `{0}` fell overdue at an instant no history allows")]
    ImpossibleOverdue(AccountId),
    /// A snapshot's lock expires after its retention ends (LOCK-4).
    #[error("the lock of snapshot `{0}` expires after its retention ends")]
    LockOutlivesRetention(SnapshotId),
    /// A lock's instants are out of order: it must start no earlier than
    /// its snapshot was created and no later than its cooling-off ends, and
    /// its cooling-off must end no later than it expires (LOCK-2).
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
    /// A resource share names, or is accepted by, its owner or an account
    /// of another site (SHARE-3).
    #[error("resource share `{0}` names or is accepted by an account it cannot share with")]
    InconsistentShare(crate::ShareId),
    /// A resource share holds a snapshot it could never have been given:
    /// one of another account or one that cannot be shared (SHARE-5), or a
    /// view that expires before it begins, after the snapshot's retention,
    /// or was granted after that retention ended or after the clock
    /// (SHARE-9).
    #[error("resource share `{share}` holds snapshot `{snapshot}` as no sharing could")]
    ImpossibleSharing {
        /// The share.
        share: crate::ShareId,
        /// The snapshot it holds.
        snapshot: SnapshotId,
    },
    /// A disk is marked as made from a shared snapshot when its source is
    /// its own account's, or the other way round (DISK-4).
    #[error("disk `{0}` disagrees with the snapshot it was created from")]
    InconsistentDisk(DiskId),
    /// A disk is unencrypted although the snapshot it was created from is
    /// encrypted (DISK-1).
    #[error("disk `{0}` is unencrypted, but its source snapshot is encrypted")]
    PlaintextDisk(DiskId),
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

impl StateError {
    /// The rule the refused state breaks: the rule that no accepted
    /// history lets it break. Duplicate and dangling ids break GEN-4,
    /// objects newer than the clock GEN-2, incoherent limits GEN-5, a key
    /// of another account PERM-4.
    ///
    /// ```
    /// use snapguard::{RuleId, StateError};
    /// let error = StateError::LockOutlivesRetention("s-1".into());
    /// assert_eq!(error.rule(), RuleId::Lock4);
    /// ```
    #[must_use]
    pub fn rule(&self) -> RuleId {
        match self {
            Self::Duplicate { .. } | Self::Dangling { .. } => RuleId::Gen4,
            Self::AfterClock { .. } => RuleId::Gen2,
            Self::IncoherentLimits { .. } => RuleId::Gen5,
            Self::LockOutlivesRetention(_) => RuleId::Lock4,
            Self::LockOutOfRange(_) => RuleId::Lock1,
            Self::SnapshotUnlikeDisk(_) => RuleId::Snap1,
            Self::ImpossibleArchive(_) => RuleId::Arch1,
            Self::ImpossibleOverdue(_) => RuleId::Lock12,
            Self::MalformedLock(_) => RuleId::Lock2,
            Self::ImpossibleLock(_) => RuleId::Lock3,
            Self::RetentionPassed(_) => RuleId::Snap2,
            Self::AutomaticLimitExceeded(_) | Self::AutomaticWithoutDisk(_) => RuleId::Lock11,
            Self::InconsistentDirectory(_) | Self::InconsistentShare(_) => RuleId::Share3,
            Self::ImpossibleSharing { .. } => RuleId::Share5,
            Self::InconsistentDisk(_) => RuleId::Disk4,
            Self::PlaintextDisk(_) => RuleId::Disk1,
            Self::KeyWithoutKms(_) => RuleId::Copy3,
            Self::ForeignKey { .. } => RuleId::Perm4,
            Self::ImpossibleCopy { defect, .. } => defect.rule(),
            Self::InconsistentLineage(_) => RuleId::Copy7,
            Self::InconsistentBackup { defect, .. } => defect.rule(),
            Self::QuotaExceeded { rule, .. } => *rule,
        }
    }
}

/// A serialized state before its invariants are checked: the input side of
/// the trust boundary.
///
/// Deserializing a [`State`] refuses data that breaks an invariant with
/// the first [`StateError`] found. Deserialize an `UncheckedState` to learn
/// every invariant the data breaks, for instance to check a state exported
/// by another implementation:
///
/// ```
/// use snapguard::{RuleId, State, StateError, UncheckedState};
///
/// let mut data = serde_json::to_value(State::default())?;
/// data["clock"] = serde_json::json!("2026-01-01T00:00:00Z");
/// data["regions"] = serde_json::json!([
///     {"id": "r-1", "created_at": "2027-01-01T00:00:00Z", "closing_down": false},
/// ]);
/// data["limits"]["min_lock_days"] = serde_json::json!(0);
///
/// let unchecked: UncheckedState = serde_json::from_value(data)?;
/// let errors = unchecked.check().unwrap_err();
/// let rules: Vec<RuleId> = errors.iter().map(StateError::rule).collect();
/// assert_eq!(rules, [RuleId::Gen5, RuleId::Gen2]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UncheckedState(StateData);

impl UncheckedState {
    /// Checks every invariant: the state, or every invariant broken, in
    /// the order the checks run. Each object is reported at most once per
    /// family of checks (its references, locks and retention; sharing;
    /// keys and copies; Cloud Backup), with the first invariant it breaks.
    pub fn check(self) -> Result<State, Vec<StateError>> {
        let (state, findings) = self.0.load();
        let errors = findings.into_errors();
        if errors.is_empty() {
            Ok(state)
        } else {
            Err(errors)
        }
    }
}

impl From<State> for UncheckedState {
    fn from(state: State) -> Self {
        Self(state.into())
    }
}

/// The serialized form of a state: its data as lists, without indexes.
///
/// Every field is required except `limits` (a missing one is the default);
/// `clock` is `null` for a state that recorded nothing (`deserialize_with`
/// stops serde from reading a missing `Option` key as `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Every broken invariant the checks of a loaded state find.
#[derive(Debug, Default)]
pub(crate) struct Findings(Vec<StateError>);

impl Findings {
    /// Records what `result` found, if anything.
    pub(super) fn record(&mut self, result: Result<(), StateError>) {
        if let Err(error) = result {
            self.0.push(error);
        }
    }

    /// Checks each of `items`, recording every refusal: one per item, the
    /// first it breaks.
    pub(super) fn each<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut check: impl FnMut(T) -> Result<(), StateError>,
    ) {
        for item in items {
            self.record(check(item));
        }
    }

    /// What was found, in the order the checks ran.
    pub(crate) fn into_errors(self) -> Vec<StateError> {
        self.0
    }
}

/// Collects objects by key, recording a duplicate and keeping the first.
pub(super) fn unique<K: Ord + Clone, V: Clone>(
    findings: &mut Findings,
    items: Vec<V>,
    kind: ObjectKind,
    key: impl Fn(&V) -> K,
    name: impl Fn(&V) -> String,
) -> Table<K, V> {
    let mut map = Table::default();
    for item in items {
        let key = key(&item);
        if map.contains_key(&key) {
            findings.record(Err(StateError::Duplicate {
                kind,
                id: name(&item),
            }));
        } else {
            map.insert(key, item);
        }
    }
    map
}

/// Collects copy lineages, recording one recorded twice.
fn unique_lineages(
    findings: &mut Findings,
    records: Vec<copies::LineageRecord>,
) -> Map<crate::CopyLineage, SnapshotId> {
    let mut map = Map::new();
    for record in records {
        if map.contains_key(&record.lineage) {
            findings.record(Err(StateError::InconsistentLineage(record.first_copy)));
        } else {
            map.insert(record.lineage, record.first_copy);
        }
    }
    map
}

/// Records each live object whose id is also retired.
pub(super) fn live_and_retired<K: Ord + Clone + std::fmt::Display, V: Clone>(
    findings: &mut Findings,
    kind: ObjectKind,
    retired: &Set<K>,
    live: &Table<K, V>,
) {
    findings.each(retired.iter().filter(|id| live.contains_key(*id)), |id| {
        Err(StateError::Duplicate {
            kind,
            id: id.to_string(),
        })
    });
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

    /// Loads `data`, refusing it with the first invariant it breaks.
    fn try_from(data: StateData) -> Result<Self, StateError> {
        let (state, findings) = data.load();
        match findings.into_errors().into_iter().next() {
            Some(error) => Err(error),
            None => Ok(state),
        }
    }
}

impl StateData {
    /// Builds the state `data` describes and checks every invariant,
    /// returning the state with what the checks found. The state is only
    /// meaningful when nothing was found.
    pub(crate) fn load(self) -> (State, Findings) {
        use ObjectKind as K;
        let data = self;
        let mut findings = Findings::default();
        let found = &mut findings;
        let mut state = State {
            limits: data.limits,
            clock: data.clock,
            accounts: unique(
                found,
                data.accounts,
                K::Account,
                |a| a.id.clone(),
                |a| a.id.to_string(),
            ),
            users: unique(
                found,
                data.users,
                K::User,
                |u| (u.account.clone(), u.id.clone()),
                |u| u.id.to_string(),
            ),
            regions: unique(
                found,
                data.regions,
                K::Region,
                |r| r.id.clone(),
                |r| r.id.to_string(),
            ),
            disks: unique(
                found,
                data.disks,
                K::Disk,
                |d| d.id.clone(),
                |d| d.id.to_string(),
            ),
            snapshots: unique(
                found,
                data.snapshots,
                K::Snapshot,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            ),
            images: unique(
                found,
                data.images,
                K::Image,
                |i| i.id.clone(),
                |i| i.id.to_string(),
            ),
            directories: unique(
                found,
                data.directories,
                K::Directory,
                |d| d.id.clone(),
                |d| d.id.to_string(),
            ),
            folders: unique(
                found,
                data.folders,
                K::Folder,
                |f| f.id.clone(),
                |f| f.id.to_string(),
            ),
            shares: unique(
                found,
                data.shares,
                K::ResourceShare,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            ),
            keys: unique(
                found,
                data.keys,
                K::Key,
                |k| k.id.clone(),
                |k| k.id.to_string(),
            ),
            lineages: unique_lineages(found, data.lineages),
            backup: data.backup.load(found),
            retired: data.retired,
            index: Indexes::default(),
        };
        state.check(found);
        state.check_sharing(found);
        state.check_copies(found);
        state.check_backup(found);
        state.backup.reindex();
        state.reindex();
        state.check_quotas(found);
        let limit = usize::try_from(state.limits.auto_snapshots_per_disk).unwrap_or(usize::MAX);
        found.each(
            state
                .index
                .automatic
                .iter()
                .filter(|(_, set)| set.len() > limit),
            |(disk, _)| Err(StateError::AutomaticLimitExceeded(disk.clone())),
        );
        (state, findings)
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
    fn check(&self, found: &mut Findings) {
        use ObjectKind as K;
        let after_clock = |at: DateTime<Utc>| self.clock.is_none_or(|clock| at > clock);
        found.record(self.limits.check());
        let shared: BTreeSet<&SnapshotId> = self
            .shares
            .values()
            .flat_map(|share| share.snapshots.keys())
            .collect();
        live_and_retired(found, K::Snapshot, &self.retired.snapshots, &self.snapshots);
        live_and_retired(found, K::ResourceShare, &self.retired.shares, &self.shares);
        live_and_retired(found, K::Disk, &self.retired.disks, &self.disks);
        live_and_retired(found, K::Image, &self.retired.images, &self.images);
        found.each(self.accounts.values(), |account| {
            created_by(
                self.clock,
                K::Account,
                account.id.as_str(),
                account.created_at,
            )?;
            match account.overdue_since {
                Some(since) if since < account.created_at || after_clock(since) => {
                    Err(StateError::ImpossibleOverdue(account.id.clone()))
                }
                _ => Ok(()),
            }
        });
        found.each(self.regions.values(), |region| {
            created_by(self.clock, K::Region, region.id.as_str(), region.created_at)
        });
        found.each(self.users.values(), |user| {
            if !self.accounts.contains_key(&user.account) {
                return Err(dangling(
                    K::User,
                    user.id.as_str(),
                    K::Account,
                    user.account.as_str(),
                ));
            }
            Ok(())
        });
        found.each(self.disks.values(), |disk| {
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
            Ok(())
        });
        found.each(self.images.values(), |image| {
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
            Ok(())
        });
        found.each(self.snapshots.values(), |snapshot| {
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
            let disk = snapshot.origin.disk().and_then(|disk| self.disks.get(disk));
            if disk.is_some_and(|disk| {
                disk.owner != snapshot.owner
                    || disk.region != snapshot.region
                    || disk.created_at > snapshot.created_at
            }) {
                return Err(StateError::SnapshotUnlikeDisk(snapshot.id.clone()));
            }
            if let StorageTier::Archive { archived_at } = snapshot.tier {
                let min_age = Span::Days(self.limits.archive_min_age_days);
                let old_enough = time::later(snapshot.created_at, min_age)
                    .is_ok_and(|earliest| earliest <= archived_at);
                if !old_enough || after_clock(archived_at) {
                    return Err(StateError::ImpossibleArchive(snapshot.id.clone()));
                }
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
                if lock.start < snapshot.created_at
                    || lock.start > lock.cool_off_end
                    || lock.cool_off_end > lock.expiry
                    || after_clock(lock.start)
                {
                    return Err(StateError::MalformedLock(snapshot.id.clone()));
                }
                let within = |span: Span, end: DateTime<Utc>| {
                    time::later(lock.start, span).is_ok_and(|limit| end <= limit)
                };
                let max_cool_off = Span::Hours(self.limits.max_cool_off_hours);
                let min_lock = Span::Days(self.limits.min_lock_days);
                // An extension keeps the start (LOCK-8), so only the
                // shortest lock bounds the expiry.
                let too_short =
                    time::later(lock.start, min_lock).is_ok_and(|end| lock.expiry < end);
                if !within(max_cool_off, lock.cool_off_end) || too_short {
                    return Err(StateError::LockOutOfRange(snapshot.id.clone()));
                }
                if end.is_some_and(|end| lock.expiry > end) {
                    return Err(StateError::LockOutlivesRetention(snapshot.id.clone()));
                }
            }
            Ok(())
        });
    }
}
