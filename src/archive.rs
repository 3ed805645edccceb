//! The archive tier (ARCH): one-way archiving with its own retention.

use crate::decide::{Ctx, Step, Verdict, snapshot_resource};
use crate::snapshot::require_available;
use crate::{Action, ArchiveSnapshot, Event, RuleId, ShareeOperation, Span, Violation, time};

/// ARCH-1, ARCH-2, LOCK-14. Checks, in order: a customer; its own snapshot
/// (GEN-4; SHARE-10 for a sharee, PERM-4 for anyone else);
/// `ecs:ArchiveSnapshot` (PERM-1); available (ARCH-1); not archived already
/// (ARCH-1); not shared (SHARE-5, **Decision**); old enough (ARCH-1); the archive retention in
/// range (ARCH-2); ending no earlier than an active lock (LOCK-14).
///
/// **Decision**: the archive retention counts from now and replaces the
/// snapshot's retention; LOCK-14 keeps LOCK-4 true. Because it counts from
/// now, waiting lifts a LOCK-14 refusal: the same retention is allowed from
/// the lock expiry minus the retention days (GEN-3).
pub(crate) fn archive_snapshot(
    ctx: &Ctx<'_>,
    c: &ArchiveSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer("archive_snapshot")?;
    let snapshot = ctx.owned_snapshot(account, &c.snapshot, ShareeOperation::Archive)?;
    let limits = &ctx.state.limits;
    v.check(ctx.authorize(Action::ArchiveSnapshot, || snapshot_resource(snapshot)))?;
    v.check(require_available(snapshot, RuleId::Arch1))?;
    v.ensure(!snapshot.is_archived(), || Violation::AlreadyArchived {
        snapshot: snapshot.id.clone(),
    })?;
    let shares = ctx
        .state
        .index
        .shares_of
        .get(&snapshot.id)
        .map_or(0, |s| s.len());
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
    let (min, max) = (
        limits.min_archive_retention_days,
        limits.max_archive_retention_days,
    );
    v.ensure((min..=max).contains(&c.retention_days), || {
        Violation::ArchiveRetentionOutOfRange {
            days: c.retention_days,
            min,
            max,
        }
    })?;
    let archive_end = time::later(ctx.now, Span::Days(c.retention_days))?;
    if let Some(lock) = snapshot
        .lock
        .as_ref()
        .filter(|lock| lock.is_active_at(ctx.now))
    {
        v.ensure(archive_end >= lock.expiry, || {
            Violation::ArchiveEndsBeforeLock {
                snapshot: snapshot.id.clone(),
                archive_end,
                lock_expiry: lock.expiry,
                allowed_from: time::earlier(lock.expiry, Span::Days(c.retention_days)),
            }
        })?;
    }
    Ok(vec![Event::SnapshotArchived {
        at: ctx.now,
        snapshot: snapshot.id.clone(),
        retention_end: archive_end,
    }])
}
