//! Automatic snapshots and their rotation at the per-disk limit (LOCK-11).

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Step, Verdict};
use crate::rules::snapshot::deletion;
use crate::{
    Actor, CreateAutomaticSnapshot, DeletionCause, Event, ObjectKind, SnapshotKind, Violation,
};

/// LOCK-11. Checks, in order: the platform; the disk exists (GEN-4); a fresh
/// id (GEN-7, GEN-5, GEN-4); the retention (SNAP-5); then, at the limit, the oldest
/// automatic snapshot of the disk that no lock protects and that is not
/// shared (SHARE-12) is deleted, and if every one is locked or shared the
/// new one is refused, until the first lock expires if any.
///
/// The cost follows the number of locked or shared automatic snapshots
/// skipped, which the per-disk limit bounds, never the fleet.
pub(crate) fn create_automatic_snapshot(
    ctx: &Ctx<'_>,
    c: &CreateAutomaticSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    let disk = ctx.disk(&c.disk)?;
    let snapshot_id = ctx.fresh(ObjectKind::Snapshot, &c.snapshot, |id| {
        ctx.state.snapshot_id_taken(id)
    })?;
    let mut snapshot = disk.snapshot(snapshot_id.clone(), SnapshotKind::Automatic, ctx.now);
    snapshot.retention = ctx.retention(c.retention_days, ctx.now)?;

    let limit = ctx.state.limits.auto_snapshots_per_disk;
    let held = ctx.automatic_count(&disk.id);
    // How many must go so that the new one fits within the limit.
    let excess = held
        .saturating_add(1)
        .saturating_sub(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut events = Vec::new();
    let mut earliest_unlock: Option<DateTime<Utc>> = None;
    for id in ctx.automatic_snapshots(&disk.id) {
        if events.len() == excess {
            break;
        }
        let old = ctx.snapshot(id)?;
        if ctx.state.is_shared(&old.id) {
            // Kept while shared (SHARE-12); waiting alone does not free it.
            continue;
        }
        match old.protection_at(ctx.now) {
            Some(lock) => {
                earliest_unlock = Some(earliest_unlock.map_or(lock.expiry, |e| e.min(lock.expiry)));
            }
            None => events.push(deletion(ctx, old, DeletionCause::Rotation)),
        }
    }
    v.ensure(events.len() == excess, || {
        Violation::AutomaticSnapshotLimitReached {
            disk: disk.id.clone(),
            limit,
            earliest_unlock,
        }
    })?;
    events.push(Event::SnapshotCreated {
        at: ctx.now,
        snapshot,
    });
    Ok(events)
}
