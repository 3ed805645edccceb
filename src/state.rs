//! The state value and its read-only accessors.
//!
//! Collections are private: the representation (and its indexes) may change
//! without an API change. They are persistent maps and sets (`store.rs`).
//! Indexes are derived from the data, never serialized, and rebuilt and
//! checked when a state is deserialized.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::index::Indexes;
use crate::store::{Map, Set, Table};
use crate::{
    Account, AccountId, CopyLineage, DirectoryId, Disk, DiskId, Folder, FolderId, Image, ImageId,
    Key, KeyId, Limits, ObjectKind, Region, RegionId, ResourceDirectory, ResourceShare, ShareId,
    Snapshot, SnapshotId, User, UserId,
};

/// Everything the model knows: accounts, users, regions, keys, disks,
/// snapshots, images, resource directories, resource shares and copy
/// lineages, with the limits in force and the latest instant recorded.
///
/// A `State` changes only through [`State::apply`] (or its relatives), which
/// either returns a new state with the events that made it, or refuses.
///
/// A `State` is a persistent value: its maps share their unchanged parts
/// between a state and the states made from it, so cloning one, or keeping
/// the old state across [`State::apply`], costs a few reference counts and
/// the paths a command changed, never a copy of the fleet.
///
/// A `State` serializes with serde as its format version
/// ([`State::FORMAT_VERSION`]) and its data, without indexes; reading one
/// back checks every invariant ([`UncheckedState`](crate::UncheckedState)).
///
/// ```
/// use snapguard::State;
/// let state = State::new();
/// assert_eq!(state.clock(), None);
/// assert_eq!(state.snapshots().count(), 0);
/// ```
///
/// Its serde and JSON Schema implementations live with the loading code
/// (`load/format.rs`), which reads a state through its checked data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    pub(crate) limits: Limits,
    pub(crate) clock: Option<DateTime<Utc>>,
    pub(crate) accounts: Table<AccountId, Account>,
    pub(crate) users: Table<(AccountId, UserId), User>,
    pub(crate) regions: Table<RegionId, Region>,
    pub(crate) disks: Table<DiskId, Disk>,
    pub(crate) snapshots: Table<SnapshotId, Snapshot>,
    pub(crate) images: Table<ImageId, Image>,
    pub(crate) directories: Table<DirectoryId, ResourceDirectory>,
    pub(crate) folders: Table<FolderId, Folder>,
    pub(crate) shares: Table<ShareId, ResourceShare>,
    pub(crate) keys: Table<KeyId, Key>,
    /// Each copy lineage started, with the copy that started it (COPY-7).
    pub(crate) lineages: Map<CopyLineage, SnapshotId>,
    /// Cloud Backup's vaults, policies and backup points, with their
    /// deleted ids and indexes.
    pub(crate) backup: crate::vault::Backup,
    /// Ids of deleted objects, never given again (GEN-4); minted ids are
    /// not among them.
    pub(crate) retired: Retired,
    /// How many ids the state minted: the number of the next (`mint.rs`).
    pub(crate) minted: u64,
    pub(crate) index: Indexes,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The ids of deleted snapshots, disks and images: an id names one object
/// for the whole history (GEN-4), so a new disk never inherits the
/// automatic snapshots of a released one of the same name.
///
/// Required when deserializing, as are each of its lists: a state that
/// forgot its deleted ids could give one again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Retired {
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<SnapshotId>")
    )]
    pub(crate) snapshots: Set<SnapshotId>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<DiskId>")
    )]
    pub(crate) disks: Set<DiskId>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<ImageId>")
    )]
    pub(crate) images: Set<ImageId>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<ShareId>")
    )]
    pub(crate) shares: Set<ShareId>,
}

impl State {
    /// An empty state with the default [`Limits`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty state with the given limits, if they are coherent
    /// ([`Limits::validate`]).
    ///
    /// ```
    /// use snapguard::{Limits, State};
    ///
    /// let mut limits = Limits::default();
    /// limits.max_lock_days = 3_650;
    /// assert_eq!(State::with_limits(limits)?.limits().max_lock_days, 3_650);
    ///
    /// // A minimum above its maximum is refused, naming the field.
    /// let mut limits = Limits::default();
    /// limits.min_retention_days = limits.max_retention_days + 1;
    /// let error = State::with_limits(limits).unwrap_err();
    /// assert_eq!(error.field, "min_retention_days");
    /// # Ok::<(), snapguard::LimitsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LimitsError`](crate::LimitsError) naming the first incoherent
    /// limit.
    pub fn with_limits(limits: Limits) -> Result<Self, crate::LimitsError> {
        limits.validate()?;
        Ok(Self {
            limits,
            ..Self::default()
        })
    }

    /// The limits in force.
    ///
    /// ```
    /// use snapguard::{Limits, State};
    /// assert_eq!(State::new().limits(), &Limits::default());
    /// ```
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The latest instant the state has recorded (GEN-2), if any.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// assert_eq!(state.clock(), Some(now));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn clock(&self) -> Option<DateTime<Utc>> {
        self.clock
    }

    /// The instant to decide at for a clock `reading`: the reading, or the
    /// state's [`clock`](State::clock) when the reading is earlier. Passing
    /// it to [`State::apply_mut`] or [`State::advance_mut`] never meets
    /// GEN-2 ("time runs backwards").
    ///
    /// This is the pattern for a service that shares one state between
    /// threads and a deadline timer (the `service` example runs it):
    ///
    /// - a request takes the lock, reads its clock **under the lock**, and
    ///   decides at `state.monotonic_now(reading)`. Two threads that read
    ///   their clocks before taking the lock can enter in the other order,
    ///   and clocks of different threads or hosts drift apart: the later
    ///   reading would be refused by GEN-2 through no fault of the request;
    /// - the timer sleeps until [`State::next_deadline`], then takes the lock
    ///   and advances to `state.monotonic_now(deadline)`: a request may have
    ///   moved the clock past the deadline (recording what fell due) while
    ///   the timer slept.
    ///
    /// A reading earlier than the clock means the caller's clock lags the
    /// latest instant recorded; deciding at the clock instead stamps the
    /// events at that instant, which is when the state says they happen.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use snapguard::{Actor, CreateRegion, RuleId, State};
    ///
    /// let noon = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
    /// let mut state = State::new();
    /// let region = CreateRegion::new("cn-hangzhou");
    /// state.apply_mut(noon, &Actor::Platform, region)?;
    ///
    /// // A thread whose clock lags a second behind.
    /// let lagging = noon - TimeDelta::seconds(1);
    /// assert_eq!(state.advance_mut(lagging).unwrap_err().rule(), RuleId::Gen2);
    /// assert_eq!(state.monotonic_now(lagging), noon);
    /// assert!(state.advance_mut(state.monotonic_now(lagging)).is_ok());
    ///
    /// // A reading ahead of the clock is kept as it is.
    /// let later = noon + TimeDelta::minutes(5);
    /// assert_eq!(state.monotonic_now(later), later);
    /// # Ok::<(), snapguard::Violation>(())
    /// ```
    #[must_use]
    pub fn monotonic_now(&self, reading: DateTime<Utc>) -> DateTime<Utc> {
        match self.clock {
            Some(clock) if clock > reading => clock,
            _ => reading,
        }
    }

    /// An account.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let account = state.account(&"1001".into()).ok_or("no account")?;
    /// assert_eq!(account.site, Site::China);
    /// assert_eq!(account.overdue_since, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.accounts.get(id)
    }

    /// Every account, ordered by id.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// assert_eq!(state.accounts().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// A user of an account.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateUser::new("alice"))?;
    /// assert!(state.user(&"1001".into(), &"alice".into()).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn user(&self, account: &AccountId, user: &UserId) -> Option<&User> {
        self.users.get(&(account.clone(), user.clone()))
    }

    /// A region.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// assert!(state.region(&"cn-hangzhou".into()).is_some());
    /// assert!(state.region(&"mars-1".into()).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn region(&self, id: &RegionId) -> Option<&Region> {
        self.regions.get(id)
    }

    /// A disk (released disks are gone).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let disk = state.disk(&"d-1".into()).ok_or("no disk")?;
    /// assert_eq!(disk.size_gib, 40);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn disk(&self, id: &DiskId) -> Option<&Disk> {
        self.disks.get(id)
    }

    /// A snapshot, as recorded; one whose retention has ended is released
    /// by the next [`State::advance`] or command.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let snapshot = state.snapshot(&"s-1".into()).ok_or("no snapshot")?;
    /// assert_eq!(snapshot.status, SnapshotStatus::Available);
    /// assert_eq!(snapshot.kind, SnapshotKind::Automatic);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn snapshot(&self, id: &SnapshotId) -> Option<&Snapshot> {
        self.snapshots.get(id)
    }

    /// Every snapshot, ordered by id.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let ids: Vec<_> = state.snapshots().map(|s| s.id.as_str()).collect();
    /// assert_eq!(ids, ["s-1"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshots(&self) -> impl Iterator<Item = &Snapshot> {
        self.snapshots.values()
    }

    /// A custom image.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateImage::new("m-1", "s-1"))?;
    /// assert!(state.image(&"m-1".into()).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn image(&self, id: &ImageId) -> Option<&Image> {
        self.images.get(id)
    }

    /// The automatic snapshots of a disk, oldest first.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let ids: Vec<_> = state.automatic_snapshots(&"d-1".into()).collect();
    /// assert_eq!(ids, [&SnapshotId::new("s-1")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn automatic_snapshots(&self, disk: &DiskId) -> impl Iterator<Item = &SnapshotId> {
        self.index.automatic_of(disk)
    }

    /// When the next time-caused event is due: call [`State::advance`] then.
    ///
    /// ```
    /// use snapguard::State;
    /// assert_eq!(State::new().next_deadline(), None);
    /// ```
    #[must_use]
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.index.next_deadline()
    }

    /// How many ids the state has minted: the number the next minted id
    /// takes ([`ObjectKind::minted_id`]).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use snapguard::{Actor, CreateRegion, MINT, ObjectKind, State};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let mut state = State::new();
    /// assert_eq!(state.minted_count(), 0);
    /// let next = ObjectKind::Region.minted_id(state.minted_count()).unwrap();
    /// let events = state.apply_mut(now, &Actor::Platform, CreateRegion::new(MINT))?;
    /// assert_eq!(events[0].created(), Some((ObjectKind::Region, next.as_str())));
    /// assert_eq!(state.minted_count(), 1);
    /// # Ok::<(), snapguard::Violation>(())
    /// ```
    #[must_use]
    pub fn minted_count(&self) -> u64 {
        self.minted
    }

    /// Whether `id` names an object of `kind`, live or deleted (GEN-4): in
    /// `live`, among the `retired` ids a caller chose, or minted before
    /// (`mint.rs`).
    pub(crate) fn id_taken<K, V>(
        &self,
        kind: ObjectKind,
        live: &Table<K, V>,
        retired: &Set<K>,
        id: &K,
    ) -> bool
    where
        K: Ord + Clone + AsRef<str>,
        V: Clone,
    {
        live.contains_key(id)
            || retired.contains(id)
            || crate::mint::minted_before(kind, id.as_ref(), self.minted)
    }

    /// Whether a snapshot id names a snapshot, live or deleted (GEN-4).
    pub(crate) fn snapshot_id_taken(&self, id: &SnapshotId) -> bool {
        self.id_taken(
            ObjectKind::Snapshot,
            &self.snapshots,
            &self.retired.snapshots,
            id,
        )
    }

    /// Whether a disk id names a disk, live or released (GEN-4).
    pub(crate) fn disk_id_taken(&self, id: &DiskId) -> bool {
        self.id_taken(ObjectKind::Disk, &self.disks, &self.retired.disks, id)
    }

    /// Whether an image id names an image, live or deleted (GEN-4).
    pub(crate) fn image_id_taken(&self, id: &ImageId) -> bool {
        self.id_taken(ObjectKind::Image, &self.images, &self.retired.images, id)
    }

    /// Whether a share id names a share, live or deleted (GEN-4).
    pub(crate) fn share_id_taken(&self, id: &ShareId) -> bool {
        let retired = &self.retired.shares;
        self.id_taken(ObjectKind::ResourceShare, &self.shares, retired, id)
    }

    /// Rebuilds every index from the data: memberships and shares first,
    /// as whether a snapshot is shared decides its retention deadline.
    pub(crate) fn reindex(&mut self) {
        let mut index = Indexes::default();
        for directory in self.directories.values() {
            for account in directory.members.keys() {
                index.member_joined(account, &directory.id);
            }
        }
        for folder in self.folders.values() {
            index.folder_added(&folder.directory);
        }
        for share in self.shares.values() {
            index.share_added(&share.owner);
            for principal in &share.principals {
                index.add_principal(share, principal);
            }
            for (snapshot, shared) in &share.snapshots {
                index.share_snapshot(share, snapshot, shared.expires_at, self.clock);
            }
        }
        for snapshot in self.snapshots.values() {
            index.add_snapshot(snapshot, self.clock);
        }
        for vault in self.backup.vaults.values() {
            index.vault_added(vault);
        }
        for policy in self.backup.policies.values() {
            index.policy_added(policy);
        }
        for point in self.backup.points.values() {
            index.point_added(point);
        }
        self.index = index;
    }
}

/// Keys and copy lineages.
impl State {
    /// A customer master key.
    ///
    /// ```
    /// use snapguard::State;
    /// assert!(State::new().key(&"k-1".into()).is_none());
    /// ```
    #[must_use]
    pub fn key(&self, id: &KeyId) -> Option<&Key> {
        self.keys.get(id)
    }

    /// Every customer master key, ordered by id.
    ///
    /// ```
    /// use snapguard::State;
    /// assert_eq!(State::new().keys().count(), 0);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.keys.values()
    }
}

impl State {
    /// The copy that started `lineage`, if one did (COPY-7): later copies
    /// in it are charged incrementally.
    ///
    /// ```
    /// use snapguard::{CopyLineage, Encryption, LineageRoot, State};
    /// let lineage = CopyLineage {
    ///     account: "1001".into(),
    ///     root: LineageRoot::Disk("d-1".into()),
    ///     region: "cn-shanghai".into(),
    ///     encryption: Encryption::ServiceKey,
    /// };
    /// assert_eq!(State::new().copy_lineage(&lineage), None);
    /// ```
    #[must_use]
    pub fn copy_lineage(&self, lineage: &CopyLineage) -> Option<&SnapshotId> {
        self.lineages.get(lineage)
    }

    /// Every lineage started, with the copy that started it, ordered by
    /// lineage.
    ///
    /// ```
    /// use snapguard::State;
    /// assert_eq!(State::new().copy_lineages().count(), 0);
    /// ```
    pub fn copy_lineages(&self) -> impl Iterator<Item = (&CopyLineage, &SnapshotId)> {
        self.lineages.iter()
    }
}
