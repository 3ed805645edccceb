//! The image rules (IMAGE).

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::rules::snapshot::{deletion, require_available};
use crate::{
    Action, CreateImage, DeleteImage, DeletionCause, Encryption, Event, Image, ImageSource,
    ImportImage, ObjectKind, RuleId, Violation,
};

/// Checks: a customer; the region exists; a fresh id; `ecs:ImportImage`.
pub(crate) fn import_image(ctx: &Ctx<'_>, c: &ImportImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    ctx.region(&c.region)?;
    let image_id = ctx.fresh(ObjectKind::Image, &c.image, |id| {
        ctx.state.image_id_taken(id)
    })?;
    let image = Image {
        id: image_id.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        source: ImageSource::Imported,
        encryption: Encryption::Unencrypted,
        from_imported_image: true,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::ImportImage, || image.resource()))?;
    Ok(vec![Event::ImageCreated { at: ctx.now, image }])
}

/// IMAGE-1. Checks, in order: a customer; the snapshot exists (GEN-4); a
/// fresh image id (GEN-7, GEN-5, GEN-4); the snapshot is the account's own
/// (IMAGE-1, in the place of PERM-4); `ecs:CreateImage` on the image, and
/// no Deny of it on the snapshot (PERM-5); the snapshot available
/// (IMAGE-1). A lock does not stop it (LOCK-16). The image keeps the
/// snapshot's encryption (IMAGE-1) and its provenance (SHARE-5).
pub(crate) fn create_image(ctx: &Ctx<'_>, c: &CreateImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let snapshot = ctx.snapshot(&c.snapshot)?;
    let image_id = ctx.fresh(ObjectKind::Image, &c.image, |id| {
        ctx.state.image_id_taken(id)
    })?;
    v.ensure(snapshot.owner == *account, || {
        Violation::ImageFromForeignSnapshot {
            image: image_id.clone(),
            snapshot: snapshot.id.clone(),
            owner: snapshot.owner.clone(),
        }
    })?;
    let image = Image {
        id: image_id.clone(),
        owner: account.clone(),
        region: snapshot.region.clone(),
        source: ImageSource::Snapshot(snapshot.id.clone()),
        encryption: snapshot.encryption.clone(),
        from_imported_image: snapshot.origin.from_imported_image(),
        created_at: ctx.now,
    };
    v.check(ctx.authorize_reading(
        Action::CreateImage,
        || image.resource(),
        || Some(snapshot_resource(snapshot)),
    ))?;
    v.check(require_available(snapshot, RuleId::Image1))?;
    Ok(vec![Event::ImageCreated { at: ctx.now, image }])
}

/// IMAGE-2. Checks: a customer; its own image (GEN-4, PERM-4);
/// `ecs:DeleteImage`. With `delete_snapshots`, the snapshot it was built
/// from goes too, unless a lock protects it (LOCK-10), it is shared
/// (SHARE-12) or it is gone already.
pub(crate) fn delete_image(ctx: &Ctx<'_>, c: &DeleteImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let image = ctx.own_image(account, &c.image)?;
    v.check(ctx.authorize(Action::DeleteImage, || image.resource()))?;
    let mut events = Vec::new();
    if let (true, ImageSource::Snapshot(id)) = (c.delete_snapshots, &image.source) {
        let built_on = ctx.snapshot(id).ok().filter(|s| s.owner == *account);
        if let Some(snapshot) = built_on.filter(|s| ctx.removable(s)) {
            events.push(deletion(ctx, snapshot, DeletionCause::ImageDeleted));
        }
    }
    events.push(Event::ImageDeleted {
        at: ctx.now,
        image: image.id.clone(),
    });
    Ok(events)
}
