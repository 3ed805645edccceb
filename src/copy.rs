//! Copies of snapshots. A copy is a new snapshot: it never inherits the
//! source's lock or tags (LOCK-13), and a lock never stops a copy (LOCK-16).
//!
//! The encryption and region rules of copies (COPY-2 to COPY-4) and their
//! billing basis (COPY-7) are not modelled yet: a copy keeps its source's
//! encryption, so no plaintext copy of an encrypted snapshot can exist.

use crate::decide::{Ctx, Step, Verdict, snapshot_resource};
use crate::snapshot::require_available;
use crate::{
    Action, CopySnapshot, Event, ObjectKind, RuleId, Snapshot, SnapshotKind, SnapshotOrigin,
    Violation,
};

/// Checks, in order: a customer; the source exists (GEN-4) and is its own
/// or shared with it (PERM-4); the destination region exists (GEN-4); a
/// fresh copy id (GEN-4, GEN-5); `ecs:CopySnapshot` on the source (PERM-1);
/// a shared source is usable now (SHARE-7, SHARE-9, SHARE-6); the source
/// available (COPY-1) and not archived (ARCH-3); a copy of a shared
/// encrypted snapshot uses another key (SHARE-11); the copy's retention
/// (SNAP-5). The copy belongs to the copier (SHARE-10, SHARE-15).
pub(crate) fn copy_snapshot(ctx: &Ctx<'_>, c: &CopySnapshot, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("copy_snapshot")?;
    let (source, standing) = ctx.reachable_snapshot(account, &c.source)?;
    ctx.region(&c.region)?;
    let taken = ctx.state.snapshot_id_taken(&c.snapshot);
    ctx.fresh(ObjectKind::Snapshot, c.snapshot.as_str(), taken)?;
    v.check(ctx.authorize(Action::CopySnapshot, snapshot_resource(source)))?;
    v.check(ctx.usable(account, source, standing))?;
    v.check(require_available(source, RuleId::Copy1))?;
    v.ensure(!source.is_archived(), || {
        Violation::ArchivedSnapshotNotCopyable {
            snapshot: source.id.clone(),
        }
    })?;
    // The copy keeps the source's encryption until key choice lands, so a
    // shared encrypted source would be copied under the same key.
    if let (true, Some(key)) = (standing.is_some(), source.encryption.customer_key()) {
        v.check(Err(Violation::SharedKeyNotChanged {
            snapshot: source.id.clone(),
            key: key.clone(),
            requested: source.encryption.clone(),
        }))?;
    }
    let retention = ctx.retention(c.retention_days, ctx.now)?;
    let copy = Snapshot::started(
        c.snapshot.clone(),
        account.clone(),
        c.region.clone(),
        SnapshotOrigin::Copy {
            source: source.id.clone(),
        },
        source.encryption.clone(),
        retention,
        source.source_disk_size_gib,
        SnapshotKind::Manual,
        ctx.now,
    );
    Ok(vec![Event::SnapshotCreated {
        at: ctx.now,
        snapshot: copy,
    }])
}
