//! Custom images: built from the account's own snapshots (IMAGE-1) or
//! imported. Their rules, including that deleting one with its snapshot
//! leaves a locked snapshot in place (IMAGE-2), are in `rules/image.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::resource_name;
use crate::{AccountId, Encryption, ImageId, RegionId, SnapshotId};

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
