//! The disk rules: creating, releasing, resetting and re-initializing
//! disks (DISK).

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::rules::key::another_key;
use crate::rules::snapshot::deletion;
use crate::rules::snapshot::require_available;
use crate::{
    Action, CreateDisk, DeletionCause, Disk, DiskSource, Encryption, Event, Image, ObjectKind,
    ReinitializeDisk, ReleaseDisk, ResetDisk, RuleId, Violation,
};

/// DISK-1. Checks, in order: a customer; the region exists (GEN-4); a fresh
/// disk id (GEN-7, GEN-5, GEN-4); the source exists (GEN-4) and is its own or a
/// snapshot shared with it (PERM-4); a customer master key named exists
/// (GEN-4); `ecs:CreateDisk` on the disk (PERM-1), and no Deny of it on the
/// source snapshot or image (PERM-5); a shared snapshot usable now
/// (SHARE-7, SHARE-9, SHARE-6); a snapshot source available and in the
/// disk's region (DISK-1); from a shared encrypted snapshot, another key
/// and the ESSD family (SHARE-11), from another encrypted snapshot, some
/// encryption (DISK-1, **Decision**); an image source in the disk's region
/// and, when encrypted, some encryption (DISK-1); a customer master key of
/// the account's own (PERM-4), enabled and in the disk's region (DISK-1,
/// **Decision**). A lock does not stop it (LOCK-16). The disk belongs to,
/// and is billed to, the account (SHARE-15), and keeps its source's
/// provenance (SHARE-5).
pub(crate) fn create_disk(ctx: &Ctx<'_>, c: &CreateDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    ctx.region(&c.region)?;
    let disk_id = ctx.fresh(ObjectKind::Disk, &c.disk, |id| ctx.state.disk_id_taken(id))?;
    let (source_snapshot, source_image) = match &c.source {
        DiskSource::Blank => (None, None),
        DiskSource::Image(image) => (None, Some(ctx.own_image(account, image)?)),
        DiskSource::Snapshot(id) => (Some(ctx.reachable_snapshot(account, id)?), None),
    };
    let key = ctx.named_key(&c.encryption)?;
    let from_imported_image = match (&source_snapshot, source_image) {
        (Some((snapshot, _)), _) => snapshot.origin.from_imported_image(),
        (None, Some(image)) => image.from_imported_image,
        (None, None) => false,
    };
    let disk = Disk {
        id: disk_id.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        category: c.category,
        size_gib: c.size_gib,
        encryption: c.encryption.clone(),
        source: c.source.clone(),
        from_imported_image,
        from_shared_snapshot: matches!(source_snapshot, Some((_, Some(_)))),
        created_at: ctx.now,
    };
    let source = || match (&source_snapshot, source_image) {
        (Some((snapshot, _)), _) => Some(snapshot_resource(snapshot)),
        (None, Some(image)) => Some(image.resource()),
        (None, None) => None,
    };
    v.check(ctx.authorize_reading(Action::CreateDisk, || disk.resource(), source))?;
    if let Some((snapshot, standing)) = source_snapshot {
        v.check(ctx.usable(account, snapshot, standing))?;
        v.check(require_available(snapshot, RuleId::Disk1))?;
        v.ensure(snapshot.region == c.region, || {
            Violation::DiskRegionMismatch {
                snapshot: snapshot.id.clone(),
                snapshot_region: snapshot.region.clone(),
                disk_region: c.region.clone(),
            }
        })?;
        if standing.is_some() && snapshot.encryption.customer_key().is_some() {
            v.check(another_key(snapshot, &disk.encryption))?;
            v.ensure(disk.category.is_essd_family(), || {
                Violation::SharedDiskCategory {
                    snapshot: snapshot.id.clone(),
                    category: disk.category,
                }
            })?;
        } else if snapshot.encryption != Encryption::Unencrypted {
            v.ensure(disk.encryption != Encryption::Unencrypted, || {
                Violation::UnencryptedFromEncrypted {
                    snapshot: snapshot.id.clone(),
                    encryption: snapshot.encryption.clone(),
                }
            })?;
        }
    }
    if let Some(image) = source_image {
        v.ensure(image.region == c.region, || {
            Violation::ImageRegionMismatch {
                image: image.id.clone(),
                image_region: image.region.clone(),
                disk_region: c.region.clone(),
            }
        })?;
        v.ensure(
            image.encryption == Encryption::Unencrypted
                || disk.encryption != Encryption::Unencrypted,
            || Violation::UnencryptedFromEncryptedImage {
                image: image.id.clone(),
                encryption: image.encryption.clone(),
            },
        )?;
    }
    if let Some(key) = key {
        ctx.usable_key(account, key, &disk.region, RuleId::Disk1, v)?;
    }
    Ok(vec![Event::DiskCreated { at: ctx.now, disk }])
}

/// DISK-3. Checks: a customer; its own disk (GEN-4, PERM-4);
/// `ecs:DeleteDisk` (PERM-1). With `release_automatic_snapshots`, its
/// automatic snapshots go too, except those a lock protects (LOCK-10) and
/// those shared (SHARE-12).
pub(crate) fn release_disk(ctx: &Ctx<'_>, c: &ReleaseDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let disk = ctx.own_disk(account, &c.disk)?;
    v.check(ctx.authorize(Action::DeleteDisk, || disk.resource()))?;
    let mut events = Vec::new();
    if c.release_automatic_snapshots {
        for id in ctx.automatic_snapshots(&disk.id) {
            let snapshot = ctx.snapshot(id)?;
            if ctx.removable(snapshot) {
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

/// DISK-2. Checks, in order: a customer; its own disk and snapshot (GEN-4;
/// DISK-2 for a snapshot shared with the account, PERM-4 for another's); `ecs:ResetDisk` on the disk (PERM-1) and no
/// Deny of it on the snapshot (PERM-5); the snapshot was taken of this very
/// disk (not a copy, not another disk's) (DISK-2); available (DISK-2).
pub(crate) fn reset_disk(ctx: &Ctx<'_>, c: &ResetDisk, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let disk = ctx.own_disk(account, &c.disk)?;
    let snapshot = ctx.owned_snapshot_or(account, &c.snapshot, |snapshot| {
        Violation::RollbackToOtherSnapshot {
            disk: disk.id.clone(),
            snapshot: snapshot.id.clone(),
        }
    })?;
    v.check(ctx.authorize_reading(
        Action::ResetDisk,
        || disk.resource(),
        || Some(snapshot_resource(snapshot)),
    ))?;
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

/// DISK-4, SHARE-13. Checks, in order: a customer; its own disk (GEN-4,
/// PERM-4); `ecs:ReInitDisk` on the disk (PERM-1), and no Deny of it on the
/// source snapshot or image still there (PERM-5); a disk made from a snapshot of
/// another account needs that snapshot still shared with the account and
/// usable by it (DISK-4); one made from its own snapshot needs the
/// snapshot to exist (GEN-4). Blank disks and disks made from an image
/// re-initialize freely.
pub(crate) fn reinitialize_disk(
    ctx: &Ctx<'_>,
    c: &ReinitializeDisk,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let disk = ctx.own_disk(account, &c.disk)?;
    // Re-initializing reads the source's data again: a Deny on the source
    // snapshot or image holds here as it does when making the disk.
    let source = || match &disk.source {
        DiskSource::Snapshot(id) => ctx.snapshot(id).ok().map(snapshot_resource),
        DiskSource::Image(id) => ctx.image(id).ok().map(Image::resource),
        DiskSource::Blank => None,
    };
    v.check(ctx.authorize_reading(Action::ReInitDisk, || disk.resource(), source))?;
    if let DiskSource::Snapshot(id) = &disk.source {
        if disk.from_shared_snapshot {
            let in_place = ctx
                .reachable_snapshot(account, id)
                .is_ok_and(|(snapshot, standing)| ctx.usable(account, snapshot, standing).is_ok());
            v.ensure(in_place, || Violation::ShareNotInPlace {
                disk: disk.id.clone(),
                snapshot: id.clone(),
            })?;
        } else {
            ctx.snapshot(id)?;
        }
    }
    Ok(vec![Event::DiskReinitialized {
        at: ctx.now,
        disk: disk.id.clone(),
    }])
}
