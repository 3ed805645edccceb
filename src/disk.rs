//! Disks: what snapshots are taken of and restored to (DISK).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::resource_name;
use crate::decide::{Ctx, Step, Verdict};
use crate::snapshot::deletion;
use crate::snapshot::require_available;
use crate::{
    AccountId, Action, CreateDisk, DeletionCause, DiskId, DiskSource, Event, ImageSource, KeyId,
    ObjectKind, RegionId, ReleaseDisk, ResetDisk, RuleId, Snapshot, SnapshotId, SnapshotKind,
    SnapshotOrigin, Violation,
};

/// A disk's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiskCategory {
    /// Basic disk.
    Basic,
    /// Ultra disk.
    Efficiency,
    /// Standard SSD.
    Ssd,
    /// ESSD.
    Essd,
    /// ESSD AutoPL.
    EssdAutoPl,
    /// ESSD Entry.
    EssdEntry,
}

/// How a disk or snapshot is encrypted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "key", rename_all = "snake_case")]
pub enum Encryption {
    /// Not encrypted.
    Unencrypted,
    /// The service key of the cloud provider.
    ServiceKey,
    /// A customer master key.
    CustomerKey(KeyId),
}

/// A cloud disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Disk {
    /// Its id.
    pub id: DiskId,
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Its category.
    pub category: DiskCategory,
    /// Its size in GiB.
    pub size_gib: u64,
    /// How it is encrypted; its snapshots are encrypted the same way.
    pub encryption: Encryption,
    /// Where its data came from.
    pub source: DiskSource,
    /// Whether it was built from an imported custom image (SHARE-5).
    pub from_imported_image: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Disk {
    /// A new snapshot of this disk, in progress.
    pub(crate) fn snapshot(
        &self,
        id: SnapshotId,
        kind: SnapshotKind,
        now: DateTime<Utc>,
    ) -> Snapshot {
        let disk = self.id.clone();
        let origin = if self.from_imported_image {
            SnapshotOrigin::ImportedImageDisk { disk }
        } else {
            SnapshotOrigin::Disk { disk }
        };
        Snapshot::started(
            id,
            self.owner.clone(),
            self.region.clone(),
            origin,
            self.encryption.clone(),
            crate::Retention::Permanent,
            self.size_gib,
            kind,
            now,
        )
    }

    pub(crate) fn resource(&self) -> String {
        resource_name(&self.region, &self.owner, "disk", self.id.as_str())
    }
}

/// DISK-1. Checks, in order: a customer; the region exists (GEN-4); a fresh
/// disk id (GEN-4, GEN-5); the source exists and is its own (GEN-4, PERM-4);
/// `ecs:CreateDisk` (PERM-1); then, the command's own rule, a snapshot
/// source available and in the disk's region (DISK-1). A lock does not stop
/// it (LOCK-16).
pub(crate) fn create_disk(ctx: &Ctx<'_>, c: &CreateDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("create_disk")?;
    ctx.region(&c.region)?;
    let taken = ctx.state.disk_id_taken(&c.disk);
    ctx.fresh(ObjectKind::Disk, c.disk.as_str(), taken)?;
    let (from_imported_image, source_snapshot) = match &c.source {
        DiskSource::Blank => (false, None),
        DiskSource::Image(image) => (
            ctx.own_image(account, image)?.source == ImageSource::Imported,
            None,
        ),
        DiskSource::Snapshot(id) => (false, Some(ctx.own_snapshot(account, id)?)),
    };
    let disk = Disk {
        id: c.disk.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        category: c.category,
        size_gib: c.size_gib,
        encryption: c.encryption.clone(),
        source: c.source.clone(),
        from_imported_image,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::CreateDisk, disk.resource()))?;
    if let Some(snapshot) = source_snapshot {
        v.check(require_available(snapshot, RuleId::Disk1))?;
        v.ensure(snapshot.region == c.region, || {
            Violation::DiskRegionMismatch {
                snapshot: snapshot.id.clone(),
                snapshot_region: snapshot.region.clone(),
                disk_region: c.region.clone(),
            }
        })?;
    }
    Ok(vec![Event::DiskCreated { at: ctx.now, disk }])
}

/// DISK-3. Checks: a customer; its own disk (GEN-4, PERM-4);
/// `ecs:DeleteDisk` (PERM-1). With `release_automatic_snapshots`, its
/// automatic snapshots go too, except those a lock protects (LOCK-10).
pub(crate) fn release_disk(ctx: &Ctx<'_>, c: &ReleaseDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("release_disk")?;
    let disk = ctx.own_disk(account, &c.disk)?;
    v.check(ctx.authorize(Action::DeleteDisk, disk.resource()))?;
    let mut events = Vec::new();
    if c.release_automatic_snapshots {
        for id in ctx.automatic_snapshots(&disk.id) {
            let snapshot = ctx.snapshot(id)?;
            if !snapshot.is_locked_at(ctx.now) {
                events.push(deletion(ctx, snapshot, DeletionCause::DiskReleased));
            }
        }
    }
    events.push(Event::DiskReleased {
        at: ctx.now,
        disk: disk.id.clone(),
    });
    Ok(events)
}

/// DISK-2. Checks, in order: a customer; its own disk and snapshot (GEN-4,
/// PERM-4); `ecs:ResetDisk` (PERM-1); the snapshot was taken of this very
/// disk (not a copy, not another disk's) (DISK-2); available (DISK-2).
pub(crate) fn reset_disk(ctx: &Ctx<'_>, c: &ResetDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("reset_disk")?;
    let disk = ctx.own_disk(account, &c.disk)?;
    let snapshot = ctx.own_snapshot(account, &c.snapshot)?;
    v.check(ctx.authorize(Action::ResetDisk, disk.resource()))?;
    v.ensure(snapshot.origin.disk() == Some(&disk.id), || {
        Violation::RollbackToOtherSnapshot {
            disk: disk.id.clone(),
            snapshot: snapshot.id.clone(),
        }
    })?;
    v.check(require_available(snapshot, RuleId::Disk2))?;
    Ok(vec![Event::DiskRolledBack {
        at: ctx.now,
        disk: disk.id.clone(),
        snapshot: snapshot.id.clone(),
    }])
}
