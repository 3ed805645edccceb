//! Custom images: built from the account's own snapshots (IMAGE-1) or
//! imported; deleting one with its snapshot leaves a locked snapshot in
//! place (IMAGE-2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::resource_name;
use crate::decide::{Ctx, Step, Verdict, snapshot_resource};
use crate::snapshot::{deletion, require_available};
use crate::{
    AccountId, Action, CreateImage, DeleteImage, DeletionCause, Encryption, Event, ImageId,
    ImportImage, ObjectKind, RegionId, RuleId, SnapshotId, Violation,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Where a custom image came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    from = "ImageSourceInput",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum ImageSource {
    /// Built from one of the owner's snapshots.
    Snapshot(SnapshotId),
    /// Imported from outside.
    Imported,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Where a custom image came from, as read: `{"type": "snapshot", "id":
/// "s-1"}`, or with `snapshot` for `id`, the earlier
/// spelling, still read for one release (an id held by a tagged value is
/// `id`, as in [`DiskSource`](crate::DiskSource)).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum ImageSourceInput {
    /// Built from one of the owner's snapshots.
    Snapshot {
        /// The snapshot.
        #[serde(alias = "snapshot")]
        id: SnapshotId,
    },
    // An empty struct, so that `deny_unknown_fields` refuses an `id`
    // beside it.
    /// Imported from outside.
    Imported {},
}

impl From<ImageSourceInput> for ImageSource {
    fn from(input: ImageSourceInput) -> Self {
        match input {
            ImageSourceInput::Snapshot { id } => Self::Snapshot(id),
            ImageSourceInput::Imported {} => Self::Imported,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// How its data is encrypted: as the snapshot it was built from
    /// (IMAGE-1), so a disk made from it is held to the same encryption
    /// rules as one made from that snapshot (DISK-1). Imported images are
    /// unencrypted.
    pub encryption: Encryption,
    /// Whether its data comes from an imported custom image: an imported
    /// image itself, or one built from a snapshot whose data does. Disks
    /// made from it, and their snapshots, are never shareable (SHARE-5).
    pub from_imported_image: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Image {
    pub(crate) fn resource(&self) -> String {
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
        encryption: Encryption::Unencrypted,
        from_imported_image: true,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::ImportImage, || image.resource()))?;
    Ok(vec![Event::ImageCreated { at: ctx.now, image }])
}

/// IMAGE-1. Checks, in order: a customer; the snapshot exists (GEN-4); a
/// fresh image id (GEN-4, GEN-5); the snapshot is the account's own
/// (IMAGE-1, in the place of PERM-4); `ecs:CreateImage` on the image, and
/// no Deny of it on the snapshot (PERM-5); the snapshot available
/// (IMAGE-1). A lock does not stop it (LOCK-16). The image keeps the
/// snapshot's encryption (IMAGE-1) and its provenance (SHARE-5).
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
