//! The copy rules (COPY, SHARE-11): standard and encrypted copies, what a
//! copy keeps and loses, and its billing basis.
//!
//! A copy is a new snapshot of the copier: it never inherits the source's
//! lock, tags, retention or instant access (COPY-5, LOCK-13), and a lock
//! never stops a copy (LOCK-16). An encrypted snapshot is only ever copied
//! with encryption (COPY-2), so no plaintext copy of encrypted data exists.

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::rules::key::{another_key, kms_activated};
use crate::rules::region::open_for_encrypted_copies;
use crate::rules::snapshot::require_available;
use crate::{
    Action, BillingBasis, CopyLineage, CopySnapshot, Encryption, Event, ObjectKind, Region, RuleId,
    Snapshot, SnapshotKind, SnapshotOrigin, StandardCopyProblem, Violation,
};

/// Checks, in order: a customer; the source exists (GEN-4) and is its own
/// or shared with it (PERM-4); the destination region exists (GEN-4); a
/// fresh copy id (GEN-7, GEN-5, GEN-4); a customer master key named exists
/// (GEN-4); `ecs:CopySnapshot` on the source (PERM-1); a shared source is
/// usable now (SHARE-7, SHARE-9, SHARE-6); the source available (COPY-1)
/// and not archived (ARCH-3). Then a standard copy goes to another region,
/// from an unencrypted source (COPY-2); an encrypted one made by a sharee
/// uses another key than the shared snapshot's (SHARE-11), needs KMS
/// activated (COPY-3), a key of the account's own (PERM-4), enabled and in
/// the destination region (COPY-3), and a destination not closing down
/// (COPY-4). Last, the copy's retention (SNAP-5).
pub(crate) fn copy_snapshot(ctx: &Ctx<'_>, c: &CopySnapshot, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let (source, standing) = ctx.reachable_snapshot(account, &c.source)?;
    let region = ctx.region(&c.region)?;
    let snapshot_id = ctx.fresh(ObjectKind::Snapshot, &c.snapshot, |id| {
        ctx.state.snapshot_id_taken(id)
    })?;
    let key = ctx.named_key(&c.encryption)?;
    v.check(ctx.authorize(Action::CopySnapshot, || snapshot_resource(source)))?;
    v.check(ctx.usable(account, source, standing))?;
    v.check(require_available(source, RuleId::Copy1))?;
    v.ensure(!source.is_archived(), || {
        Violation::ArchivedSnapshotNotCopyable {
            snapshot: source.id.clone(),
        }
    })?;
    if c.encryption == Encryption::Unencrypted {
        v.check(standard_copy(source, region))?;
    } else {
        if standing.is_some() {
            v.check(another_key(source, &c.encryption))?;
        }
        v.check(kms_activated(ctx, account))?;
        if let Some(key) = key {
            ctx.usable_key(account, key, &c.region, RuleId::Copy3, v)?;
        }
        v.check(open_for_encrypted_copies(region))?;
    }
    let retention = ctx.retention(c.retention_days, ctx.now)?;
    let copy = Snapshot::started(
        snapshot_id.clone(),
        account.clone(),
        c.region.clone(),
        SnapshotOrigin::Copy {
            source: source.id.clone(),
            root: source.lineage_root(),
            imported_image: source.origin.from_imported_image(),
        },
        c.encryption.clone(),
        retention,
        source.source_disk_size_gib,
        SnapshotKind::Manual,
        ctx.now,
    );
    let lineage = CopyLineage {
        account: account.clone(),
        root: source.lineage_root(),
        region: c.region.clone(),
        encryption: c.encryption.clone(),
    };
    let billing = BillingBasis::of(ctx.state.lineages.contains_key(&lineage), &lineage, source);
    Ok(vec![Event::SnapshotCopied {
        at: ctx.now,
        snapshot: copy,
        lineage,
        billing,
    }])
}

/// COPY-2: a standard copy goes to another region, from an unencrypted
/// snapshot.
fn standard_copy(source: &Snapshot, destination: &Region) -> Result<(), Violation> {
    let problem = if source.encryption != Encryption::Unencrypted {
        Some(StandardCopyProblem::EncryptedSource {
            encryption: source.encryption.clone(),
        })
    } else if source.region == destination.id {
        Some(StandardCopyProblem::SameRegion {
            region: destination.id.clone(),
        })
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Violation::StandardCopyRefused {
            snapshot: source.id.clone(),
            problem,
        }),
        None => Ok(()),
    }
}
