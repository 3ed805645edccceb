//! Snapshots: the entity, its origin, retention and lifecycle (SNAP), and
//! the single checks every path asks of a snapshot: the lock protecting it
//! (LOCK-10), whether its retention ended, whether time releases it
//! (SHARE-14). The snapshot rules are in `rules/snapshot.rs`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::rfc3339;
use crate::{AccountId, DiskId, Encryption, Lock, LockState, RegionId, SnapshotId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Where a snapshot is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SnapshotStatus {
    /// Being created or copied.
    InProgress,
    /// Ready for use.
    Available,
    /// Creation or copy failed.
    Failed,
}

impl fmt::Display for SnapshotStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InProgress => "in progress",
            Self::Available => "available",
            Self::Failed => "failed",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Where a snapshot came from (SNAP-1).
///
/// Non-exhaustive: later versions may add origins, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SnapshotOrigin {
    /// Taken of a disk of its owner.
    Disk {
        /// The disk.
        disk: DiskId,
    },
    /// Taken of a disk built from an imported custom image.
    ImportedImageDisk {
        /// The disk.
        disk: DiskId,
    },
    /// A copy of another snapshot (COPY-5).
    Copy {
        /// The snapshot copied.
        source: SnapshotId,
        /// What the copied data descends from, for billing (COPY-7).
        root: LineageRoot,
        /// Whether the copied data comes from a disk built from an imported
        /// image: such data is never shareable, copied or not (SHARE-5).
        imported_image: bool,
    },
    /// Made by Cloud Backup; never lockable (LOCK-3).
    CloudBackup,
}

impl SnapshotOrigin {
    /// The disk the snapshot was taken of, if it was taken of a disk.
    ///
    /// ```
    /// use snapguard::{DiskId, SnapshotOrigin};
    /// let origin = SnapshotOrigin::Disk { disk: DiskId::new("d-1") };
    /// assert_eq!(origin.disk(), Some(&DiskId::new("d-1")));
    /// assert_eq!(SnapshotOrigin::CloudBackup.disk(), None);
    /// ```
    #[must_use]
    pub fn disk(&self) -> Option<&DiskId> {
        match self {
            Self::Disk { disk } | Self::ImportedImageDisk { disk } => Some(disk),
            Self::Copy { .. } | Self::CloudBackup => None,
        }
    }

    /// Whether the data comes from a disk built from an imported image,
    /// directly or through copies; such snapshots are not shareable
    /// (SHARE-5).
    ///
    /// ```
    /// use snapguard::{DiskId, SnapshotOrigin};
    /// let origin = SnapshotOrigin::ImportedImageDisk { disk: DiskId::new("d-1") };
    /// assert!(origin.from_imported_image());
    /// assert!(!SnapshotOrigin::CloudBackup.from_imported_image());
    /// ```
    #[must_use]
    pub fn from_imported_image(&self) -> bool {
        match self {
            Self::ImportedImageDisk { .. } => true,
            Self::Copy { imported_image, .. } => *imported_image,
            Self::Disk { .. } | Self::CloudBackup => false,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Whether an automatic snapshot policy made the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SnapshotKind {
    /// Made on request.
    Manual,
    /// Made by an automatic snapshot policy; subject to rotation (LOCK-11).
    Automatic,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The storage tier of a snapshot.
///
/// Non-exhaustive: later versions may add tiers, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum StorageTier {
    /// The standard tier.
    Standard,
    /// The archive tier (ARCH); the snapshot's retention is the archive
    /// retention.
    Archive {
        /// When it was archived.
        archived_at: DateTime<Utc>,
    },
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// How long a snapshot is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "end",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Retention {
    /// Until deleted.
    Permanent,
    /// Until this instant, when it is released (SNAP-2).
    Until(DateTime<Utc>),
}

impl Retention {
    /// When the retention ends, if it does.
    ///
    /// ```
    /// use snapguard::Retention;
    /// assert_eq!(Retention::Permanent.end(), None);
    /// ```
    #[must_use]
    pub fn end(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Permanent => None,
            Self::Until(end) => Some(*end),
        }
    }

    /// When the retention ended, if it has by `now`: a retention ends at its
    /// end instant, inclusive (SNAP-5, VAULT-5). The one place that says
    /// when a retention is over.
    ///
    /// ```
    /// use snapguard::Retention;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let end = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    /// let retention = Retention::Until(end);
    /// assert_eq!(retention.ended_at(end - TimeDelta::seconds(1)), None);
    /// assert_eq!(retention.ended_at(end), Some(end));
    /// assert_eq!(Retention::Permanent.ended_at(end), None);
    /// ```
    #[must_use]
    pub fn ended_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.end().filter(|end| *end <= now)
    }

    /// Whether the retention has ended by `now` ([`Retention::ended_at`]).
    #[must_use]
    pub fn has_ended_by(&self, now: DateTime<Utc>) -> bool {
        self.ended_at(now).is_some()
    }

    /// Whether `self` keeps a snapshot at least as long as `other`.
    ///
    /// ```
    /// use snapguard::Retention;
    /// use chrono::{TimeZone, Utc};
    /// let end = Retention::Until(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
    /// assert!(Retention::Permanent.outlasts(&end));
    /// assert!(end.outlasts(&end));
    /// assert!(!end.outlasts(&Retention::Permanent));
    /// ```
    #[must_use]
    pub fn outlasts(&self, other: &Retention) -> bool {
        match (self, other) {
            (Self::Permanent, _) => true,
            (Self::Until(_), Self::Permanent) => false,
            (Self::Until(a), Self::Until(b)) => a >= b,
        }
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permanent => f.write_str("permanently"),
            Self::Until(end) => write!(f, "until {}", rfc3339(end)),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What the data of a chain of copies descends from (COPY-7): the disk the
/// chain started from, or the first snapshot of the chain when that was not
/// taken of a disk.
///
/// Non-exhaustive: later versions may add origins of data, so a `match`
/// outside the crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum LineageRoot {
    /// A disk, whose snapshots (and their copies) share its lineages.
    Disk(DiskId),
    /// A snapshot taken of no disk (by Cloud Backup), and its copies.
    Snapshot(SnapshotId),
}

impl fmt::Display for LineageRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disk(disk) => write!(f, "disk `{disk}`"),
            Self::Snapshot(snapshot) => write!(f, "snapshot `{snapshot}`"),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A snapshot (SNAP-1).
///
/// Deserializing refuses unknown fields and requires every field, `lock`
/// included: a misspelt or missing key is an error, never a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Snapshot {
    /// Its id.
    pub id: SnapshotId,
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Where it came from.
    pub origin: SnapshotOrigin,
    /// Where it is in its life.
    pub status: SnapshotStatus,
    /// How it is encrypted.
    pub encryption: Encryption,
    /// How long it is kept.
    pub retention: Retention,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Its size in GiB (0 until available).
    pub size_gib: u64,
    /// The size in GiB of the disk its data comes from: the disk it was
    /// taken of, or for a copy its source's; 0 for a snapshot of no disk
    /// (Cloud Backup).
    pub source_disk_size_gib: u64,
    /// Its storage tier.
    pub tier: StorageTier,
    /// Whether the provider's instant access feature was enabled for it.
    /// The model records the flag but gives it no other effect; copies
    /// never have it (COPY-5).
    pub instant_access: bool,
    /// Manual or automatic.
    pub kind: SnapshotKind,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its lock, current or expired; `None` when it was never locked or
    /// after its lock was removed during cooling-off (LOCK-6).
    ///
    /// Required when deserializing (`null` when none): with
    /// `deserialize_with`, serde no longer treats a missing `Option` key
    /// as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub lock: Option<Lock>,
}

impl Snapshot {
    /// The lock state at `now`, if the snapshot has a lock, current or
    /// expired (LOCK-5): `None` when it was never locked or after an unlock.
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
    /// let s1 = SnapshotId::new("s-1");
    /// assert_eq!(state.snapshot(&s1).and_then(|s| s.lock_state(now)), None);
    /// state.apply_mut(now, &Actor::root("1001"), LockSnapshot::new(s1.clone(), 7, 0))?;
    /// assert_eq!(state.snapshot(&s1).and_then(|s| s.lock_state(now)), Some(LockState::Compliance));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lock_state(&self, now: DateTime<Utc>) -> Option<LockState> {
        self.lock.as_ref().map(|lock| lock.state_at(now))
    }

    /// Whether a lock protects the snapshot at `now` (cooling-off or
    /// compliance): no deletion path removes it (LOCK-10).
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
    /// let s1 = SnapshotId::new("s-1");
    /// state.apply_mut(now, &Actor::root("1001"), LockSnapshot::new(s1.clone(), 7, 24))?;
    /// let snapshot = state.snapshot(&s1).ok_or("no snapshot")?;
    /// assert!(snapshot.is_locked_at(now));
    /// assert!(!snapshot.is_locked_at(now + chrono::TimeDelta::days(7)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.protection_at(now).is_some()
    }

    /// The lock that protects the snapshot at `now`, in cooling-off or
    /// compliance (LOCK-10): the one check every deletion path asks
    /// (deletion, disk release, image deletion, rotation) and that archiving
    /// measures against (LOCK-14).
    #[must_use]
    pub(crate) fn protection_at(&self, now: DateTime<Utc>) -> Option<&Lock> {
        self.lock.as_ref().filter(|lock| lock.is_active_at(now))
    }

    /// Whether time releases the snapshot at `now` (SHARE-14): its retention
    /// has ended and, `shared` saying whether a share still holds it, no
    /// share keeps it. Unsharing its last share and what a query sees as
    /// held ask it; the deadline index states the same rule for deadlines
    /// (`Deadline::indexed` holds no retention end of a shared snapshot).
    #[must_use]
    pub(crate) fn released_at(&self, now: DateTime<Utc>, shared: bool) -> bool {
        !shared && self.retention.has_ended_by(now)
    }

    /// Whether the snapshot is in the archive tier.
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
    /// assert!(!state.snapshot(&"s-1".into()).ok_or("no snapshot")?.is_archived());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_archived(&self) -> bool {
        matches!(self.tier, StorageTier::Archive { .. })
    }

    /// A new snapshot in progress, in the standard tier, without lock.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn started(
        id: SnapshotId,
        owner: AccountId,
        region: RegionId,
        origin: SnapshotOrigin,
        encryption: Encryption,
        retention: Retention,
        source_disk_size_gib: u64,
        kind: SnapshotKind,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            owner,
            region,
            origin,
            status: SnapshotStatus::InProgress,
            encryption,
            retention,
            tags: BTreeMap::new(),
            size_gib: 0,
            source_disk_size_gib,
            tier: StorageTier::Standard,
            instant_access: false,
            kind,
            created_at,
            lock: None,
        }
    }
}
