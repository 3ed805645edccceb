//! Snapshots: the entity, its retention and lifecycle (SNAP), and deletion.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::decide::{Ctx, Step, Verdict, snapshot_resource};
use crate::time::rfc3339;
use crate::{
    AccountId, Action, Actor, Bound, CreateBackupSnapshot, CreateSnapshot, DeleteSnapshot,
    DeletionCause, DiskId, Encryption, Event, FinishSnapshot, LineageRoot, Lock, LockState,
    ObjectKind, RegionId, RetentionRequest, RuleId, SetSnapshotRetention, ShareeOperation,
    SnapshotId, Span, Violation, time,
};

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
        self.lock
            .as_ref()
            .is_some_and(|lock| lock.is_active_at(now))
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

/// Checks: a customer; the tags within their bounds (GEN-7); the disk
/// exists and is its own (GEN-4, PERM-4); a fresh snapshot id (GEN-4,
/// GEN-5); `ecs:CreateSnapshot` (PERM-1); the retention (SNAP-5).
pub(crate) fn create_snapshot(
    ctx: &Ctx<'_>,
    c: &CreateSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer("create_snapshot")?;
    tags_within(ctx, &c.tags)?;
    let disk = ctx.own_disk(account, &c.disk)?;
    let taken = ctx.state.snapshot_id_taken(&c.snapshot);
    ctx.fresh(ObjectKind::Snapshot, c.snapshot.as_str(), taken)?;
    let mut snapshot = disk.snapshot(c.snapshot.clone(), SnapshotKind::Manual, ctx.now);
    v.check(ctx.authorize(Action::CreateSnapshot, || snapshot_resource(&snapshot)))?;
    snapshot.retention = ctx.retention(c.retention_days, ctx.now)?;
    snapshot.tags = c.tags.clone();
    snapshot.instant_access = c.instant_access;
    Ok(vec![Event::SnapshotCreated {
        at: ctx.now,
        snapshot,
    }])
}

/// GEN-7: at most so many tags, each key and value at most so long.
fn tags_within(ctx: &Ctx<'_>, tags: &BTreeMap<String, String>) -> Result<(), Violation> {
    let limits = &ctx.state.limits;
    limits.within(Bound::Tags, tags.len())?;
    for (key, value) in tags {
        limits.within(Bound::TagChars, key.chars().count())?;
        limits.within(Bound::TagChars, value.chars().count())?;
    }
    Ok(())
}

/// Checks: the platform; the account and region exist; a fresh id; the
/// retention (SNAP-5).
pub(crate) fn create_backup_snapshot(ctx: &Ctx<'_>, c: &CreateBackupSnapshot) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform, "create_backup_snapshot")?;
    ctx.account(&c.account)?;
    ctx.region(&c.region)?;
    let taken = ctx.state.snapshot_id_taken(&c.snapshot);
    ctx.fresh(ObjectKind::Snapshot, c.snapshot.as_str(), taken)?;
    let retention = ctx.retention(c.retention_days, ctx.now)?;
    let snapshot = Snapshot::started(
        c.snapshot.clone(),
        c.account.clone(),
        c.region.clone(),
        SnapshotOrigin::CloudBackup,
        Encryption::Unencrypted,
        retention,
        0,
        SnapshotKind::Manual,
        ctx.now,
    );
    Ok(vec![Event::SnapshotCreated {
        at: ctx.now,
        snapshot,
    }])
}

/// Checks: the platform; the snapshot exists and is in progress (SNAP-1).
pub(crate) fn finish_snapshot(ctx: &Ctx<'_>, c: &FinishSnapshot) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform, "finish_snapshot")?;
    let snapshot = ctx.snapshot(&c.snapshot)?;
    if snapshot.status != SnapshotStatus::InProgress {
        return Err(Violation::SnapshotNotInProgress {
            snapshot: snapshot.id.clone(),
            status: snapshot.status,
        }
        .into());
    }
    Ok(vec![Event::SnapshotFinished {
        at: ctx.now,
        snapshot: c.snapshot.clone(),
        outcome: c.outcome,
    }])
}

/// SNAP-4. Checks: a customer; the snapshot exists (GEN-4) and is its own
/// (SHARE-10 for a sharee, PERM-4 for anyone else); `ecs:DeleteSnapshot`
/// (PERM-1); no lock in cooling-off or compliance (LOCK-10, whoever asks:
/// PERM-3); not shared (SHARE-12).
pub(crate) fn delete_snapshot(
    ctx: &Ctx<'_>,
    c: &DeleteSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer("delete_snapshot")?;
    let snapshot = ctx.owned_snapshot(account, &c.snapshot, ShareeOperation::Delete)?;
    v.check(ctx.authorize(Action::DeleteSnapshot, || snapshot_resource(snapshot)))?;
    v.check(guard_deletion(snapshot, ctx.now))?;
    v.check(ctx.guard_shared(snapshot))?;
    Ok(vec![deletion(ctx, snapshot, DeletionCause::Requested)])
}

/// Refuses a snapshot that is not available, under the rule of the
/// command that needs it.
pub(crate) fn require_available(snapshot: &Snapshot, rule: RuleId) -> Result<(), Violation> {
    if snapshot.status == SnapshotStatus::Available {
        Ok(())
    } else {
        Err(Violation::SnapshotNotAvailable {
            snapshot: snapshot.id.clone(),
            status: snapshot.status,
            rule,
        })
    }
}

/// LOCK-10: refuses the deletion of a snapshot a lock protects at `now`.
pub(crate) fn guard_deletion(snapshot: &Snapshot, now: DateTime<Utc>) -> Result<(), Violation> {
    match &snapshot.lock {
        Some(lock) if lock.is_active_at(now) => Err(Violation::SnapshotLocked {
            snapshot: snapshot.id.clone(),
            state: lock.state_at(now),
            expiry: lock.expiry,
        }),
        _ => Ok(()),
    }
}

/// The event deleting `snapshot` now: cancelling it if in progress (SNAP-4,
/// COPY-6), with the early-deletion charge of ARCH-4.
pub(crate) fn deletion(ctx: &Ctx<'_>, snapshot: &Snapshot, cause: DeletionCause) -> Event {
    let early_archive_deletion = match snapshot.tier {
        StorageTier::Archive { archived_at } => {
            // A window ending beyond the representable instants never ends.
            let days = ctx.state.limits.archive_min_storage_days;
            time::later(archived_at, Span::Days(days))
                .ok()
                .is_none_or(|end| ctx.now < end)
        }
        StorageTier::Standard => false,
    };
    Event::SnapshotDeleted {
        at: ctx.now,
        snapshot: snapshot.id.clone(),
        cause,
        cancelled_in_progress: snapshot.status == SnapshotStatus::InProgress,
        early_archive_deletion,
    }
}

/// SNAP-3, SNAP-5, ARCH-2. Checks: a customer; its own snapshot (a sharee
/// is refused by SHARE-10: it cannot extend what it sees); the permission;
/// not archived (ARCH-5); a retention not ended yet (a shared snapshot held
/// past it is released when unshared, SHARE-14); the retention in range
/// (counted from the snapshot's creation, SNAP-5); never shorter than now
/// (SNAP-3). The same retention again records nothing.
pub(crate) fn set_retention(
    ctx: &Ctx<'_>,
    c: &SetSnapshotRetention,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer("set_snapshot_retention")?;
    let snapshot = ctx.owned_snapshot(account, &c.snapshot, ShareeOperation::ChangeRetention)?;
    v.check(ctx.authorize(Action::ModifySnapshotAttribute, || {
        snapshot_resource(snapshot)
    }))?;
    v.ensure(!snapshot.is_archived(), || {
        Violation::ArchivedRetentionFixed {
            snapshot: snapshot.id.clone(),
        }
    })?;
    if let Some(ended_at) = snapshot.retention.end().filter(|end| *end <= ctx.now) {
        // Only a shared snapshot outlives its retention (SHARE-14).
        return Err(Violation::RetentionEnded {
            snapshot: snapshot.id.clone(),
            ended_at,
        }
        .into());
    }
    let requested = match c.retention {
        RetentionRequest::Permanent => Retention::Permanent,
        RetentionRequest::Days(days) => ctx.retention(Some(days), snapshot.created_at)?,
    };
    v.ensure(requested.outlasts(&snapshot.retention), || {
        Violation::RetentionShortened {
            snapshot: snapshot.id.clone(),
            current: snapshot.retention,
            requested,
        }
    })?;
    if requested == snapshot.retention {
        return Ok(Vec::new());
    }
    Ok(vec![Event::RetentionChanged {
        at: ctx.now,
        snapshot: snapshot.id.clone(),
        retention: requested,
    }])
}
