//! Custom images: built from the account's own snapshots (IMAGE-1) or
//! imported; deleting one with its snapshot leaves a locked snapshot in
//! place (IMAGE-2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::resource_name;
use crate::decide::{Ctx, Step, Verdict};
use crate::snapshot::{deletion, require_available};
use crate::{
    AccountId, Action, CreateImage, DeleteImage, DeletionCause, Event, ImageId, ImportImage,
    ObjectKind, RegionId, RuleId, SnapshotId, Violation,
};

/// Where a custom image came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "snapshot", rename_all = "snake_case")]
pub enum ImageSource {
    /// Built from one of the owner's snapshots.
    Snapshot(SnapshotId),
    /// Imported from outside.
    Imported,
}

/// A custom image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Image {
    /// Its id.
    pub id: ImageId,
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Where it came from.
    pub source: ImageSource,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Image {
    fn resource(&self) -> String {
        resource_name(&self.region, &self.owner, "image", self.id.as_str())
    }
}

/// Checks: a customer; the region exists; a fresh id; `ecs:ImportImage`.
pub(crate) fn import_image(ctx: &Ctx<'_>, c: &ImportImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("import_image")?;
    ctx.region(&c.region)?;
    let taken = ctx.state.image_id_taken(&c.image);
    ctx.fresh(ObjectKind::Image, c.image.as_str(), taken)?;
    let image = Image {
        id: c.image.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        source: ImageSource::Imported,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::ImportImage, || image.resource()))?;
    Ok(vec![Event::ImageCreated { at: ctx.now, image }])
}

/// IMAGE-1. Checks, in order: a customer; the snapshot exists (GEN-4); a
/// fresh image id (GEN-4, GEN-5); the snapshot is the account's own
/// (IMAGE-1, in the place of PERM-4); `ecs:CreateImage`; the snapshot
/// available (IMAGE-1). A lock does not stop it (LOCK-16).
pub(crate) fn create_image(ctx: &Ctx<'_>, c: &CreateImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("create_image")?;
    let snapshot = ctx.snapshot(&c.snapshot)?;
    let taken = ctx.state.image_id_taken(&c.image);
    ctx.fresh(ObjectKind::Image, c.image.as_str(), taken)?;
    v.ensure(snapshot.owner == *account, || {
        Violation::ImageFromForeignSnapshot {
            image: c.image.clone(),
            snapshot: snapshot.id.clone(),
            owner: snapshot.owner.clone(),
        }
    })?;
    let image = Image {
        id: c.image.clone(),
        owner: account.clone(),
        region: snapshot.region.clone(),
        source: ImageSource::Snapshot(snapshot.id.clone()),
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::CreateImage, || image.resource()))?;
    v.check(require_available(snapshot, RuleId::Image1))?;
    Ok(vec![Event::ImageCreated { at: ctx.now, image }])
}

/// IMAGE-2. Checks: a customer; its own image (GEN-4, PERM-4);
/// `ecs:DeleteImage`. With `delete_snapshots`, the snapshot it was built
/// from goes too, unless a lock protects it (LOCK-10), it is shared
/// (SHARE-12) or it is gone already.
pub(crate) fn delete_image(ctx: &Ctx<'_>, c: &DeleteImage, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("delete_image")?;
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
