//! The snapshot rules: creating, finishing, deleting, retention (SNAP).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::{
    Action, Actor, Bound, CreateBackupSnapshot, CreateSnapshot, DeleteSnapshot, DeletionCause,
    Encryption, Event, FinishSnapshot, ObjectKind, Retention, RetentionRequest, RuleId,
    SetSnapshotRetention, ShareeOperation, Snapshot, SnapshotKind, SnapshotOrigin, SnapshotStatus,
    Span, StorageTier, Violation, time,
};

/// Checks: a customer; the tags within their bounds (GEN-7); the disk
/// exists and is its own (GEN-4, PERM-4); a fresh snapshot id (GEN-4,
/// GEN-5); `ecs:CreateSnapshot` (PERM-1); the retention (SNAP-5).
pub(crate) fn create_snapshot(
    ctx: &Ctx<'_>,
    c: &CreateSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    tags_within(ctx, &c.tags)?;
    let disk = ctx.own_disk(account, &c.disk)?;
    let snapshot_id = ctx.fresh(ObjectKind::Snapshot, &c.snapshot, |id| {
        ctx.state.snapshot_id_taken(id)
    })?;
    let mut snapshot = disk.snapshot(snapshot_id.clone(), SnapshotKind::Manual, ctx.now);
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
    ctx.system(&Actor::Platform)?;
    ctx.account(&c.account)?;
    ctx.region(&c.region)?;
    let snapshot_id = ctx.fresh(ObjectKind::Snapshot, &c.snapshot, |id| {
        ctx.state.snapshot_id_taken(id)
    })?;
    let retention = ctx.retention(c.retention_days, ctx.now)?;
    let snapshot = Snapshot::started(
        snapshot_id.clone(),
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
    ctx.system(&Actor::Platform)?;
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
    let account = ctx.customer()?;
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
    match snapshot.protection_at(now) {
        Some(lock) => Err(Violation::SnapshotLocked {
            snapshot: snapshot.id.clone(),
            state: lock.state_at(now),
            expiry: lock.expiry,
        }),
        None => Ok(()),
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
    let account = ctx.customer()?;
    let snapshot = ctx.owned_snapshot(account, &c.snapshot, ShareeOperation::ChangeRetention)?;
    v.check(ctx.authorize(Action::ModifySnapshotAttribute, || {
        snapshot_resource(snapshot)
    }))?;
    v.ensure(!snapshot.is_archived(), || {
        Violation::ArchivedRetentionFixed {
            snapshot: snapshot.id.clone(),
        }
    })?;
    if let Some(ended_at) = snapshot.retention.ended_at(ctx.now) {
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
