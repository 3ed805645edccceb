//! The archive tier rules (ARCH).

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::rules::snapshot::require_available;
use crate::{
    Action, ArchiveSnapshot, Encryption, Event, Retention, RuleId, ShareeOperation, Snapshot,
    SnapshotOrigin, Span, Unarchivable, Violation, time,
};

/// ARCH-5: whether the snapshot can ever be archived.
fn archivable(snapshot: &Snapshot) -> Result<(), Violation> {
    let reason = if snapshot.origin == SnapshotOrigin::CloudBackup {
        Some(Unarchivable::CloudBackup)
    } else if snapshot.encryption == Encryption::Unencrypted {
        None
    } else {
        Some(Unarchivable::Encrypted {
            encryption: snapshot.encryption.clone(),
        })
    };
    reason.map_or(Ok(()), |reason| {
        Err(Violation::NotArchivable {
            snapshot: snapshot.id.clone(),
            reason,
        })
    })
}

/// ARCH-1, ARCH-2, ARCH-5, LOCK-14. Checks, in order: a customer; its own
/// snapshot (GEN-4; SHARE-10 for a sharee, PERM-4 for anyone else);
/// `ecs:ArchiveSnapshot` (PERM-1); neither encrypted nor made by Cloud
/// Backup (ARCH-5); available (ARCH-1); not archived already (ARCH-1); not
/// shared (SHARE-5, **Decision**); old enough (ARCH-1); the archive
/// retention in range and ending after now (ARCH-2); ending no earlier
/// than an active lock (LOCK-14).
///
/// The archive retention counts from the snapshot's creation, as
/// `ModifySnapshotCategory.RetentionDays` does (ARCH-2, follows the ECS
/// API); none given keeps the archived snapshot permanently. It replaces
/// the snapshot's retention (**Decision**); LOCK-14 keeps LOCK-4 true.
/// Since it counts from creation, waiting never lifts an ARCH-2 or LOCK-14
/// refusal.
pub(crate) fn archive_snapshot(
    ctx: &Ctx<'_>,
    c: &ArchiveSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let snapshot = ctx.owned_snapshot(account, &c.snapshot, ShareeOperation::Archive)?;
    let limits = &ctx.state.limits;
    v.check(ctx.authorize(Action::ArchiveSnapshot, || snapshot_resource(snapshot)))?;
    v.check(archivable(snapshot))?;
    v.check(require_available(snapshot, RuleId::Arch1))?;
    v.ensure(!snapshot.is_archived(), || Violation::AlreadyArchived {
        snapshot: snapshot.id.clone(),
    })?;
    let shares = ctx.state.share_count(&snapshot.id);
    v.ensure(shares == 0, || Violation::SharedSnapshotNotArchivable {
        snapshot: snapshot.id.clone(),
        shares,
    })?;
    let archivable_at = time::later(snapshot.created_at, Span::Days(limits.archive_min_age_days))?;
    v.ensure(ctx.now >= archivable_at, || {
        Violation::SnapshotTooYoungToArchive {
            snapshot: snapshot.id.clone(),
            created_at: snapshot.created_at,
            archivable_at,
        }
    })?;
    let retention = match c.retention_days {
        None => Retention::Permanent,
        Some(days) => {
            let (min, max) = (
                limits.min_archive_retention_days,
                limits.max_archive_retention_days,
            );
            v.ensure((min..=max).contains(&days), || {
                Violation::ArchiveRetentionOutOfRange { days, min, max }
            })?;
            let end = time::later(snapshot.created_at, Span::Days(days))?;
            v.ensure(end > ctx.now, || Violation::ArchiveRetentionEnded {
                snapshot: snapshot.id.clone(),
                days,
                end,
            })?;
            Retention::Until(end)
        }
    };
    let active_lock = snapshot.protection_at(ctx.now);
    if let (Some(lock), Retention::Until(archive_end)) = (active_lock, retention) {
        v.ensure(archive_end >= lock.expiry, || {
            Violation::ArchiveEndsBeforeLock {
                snapshot: snapshot.id.clone(),
                archive_end,
                lock_expiry: lock.expiry,
            }
        })?;
    }
    Ok(vec![Event::SnapshotArchived {
        at: ctx.now,
        snapshot: snapshot.id.clone(),
        retention,
    }])
}
