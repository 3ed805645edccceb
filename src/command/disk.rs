//! Payloads of disks: creating, releasing, rolling back and re-initializing
//! them (DISK).

use serde::{Deserialize, Serialize};

use crate::{DiskCategory, DiskId, Encryption, ImageId, RegionId, SnapshotId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Where a new disk's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum DiskSource {
    /// An empty disk.
    Blank,
    /// A snapshot (DISK-1).
    Snapshot(SnapshotId),
    /// A custom image.
    Image(ImageId),
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a disk in the actor's account (`ecs:CreateDisk`), billed to it
/// (SHARE-15).
///
/// After the common checks (a snapshot or image source exists and is the
/// account's own or shared with it, a customer master key named exists,
/// then the permission on the disk, and no Deny of it on the source
/// snapshot or image, whose data the disk reads (PERM-5)): a shared
/// snapshot is usable by the account now: it accepted the share (SHARE-7),
/// the view has not expired (SHARE-9), the owner's role trusts it with a
/// snapshot encrypted by a customer key (SHARE-6); a snapshot source is
/// available and in the disk's region (DISK-1); from a shared encrypted
/// snapshot, the disk uses another key and is of the ESSD family
/// (SHARE-11), from another encrypted snapshot it is encrypted (DISK-1); an
/// image source is in the disk's region and, when the image is encrypted,
/// the disk is encrypted (DISK-1); a customer master key is the
/// account's own (PERM-4), enabled and in the disk's region (DISK-1,
/// **Decision**). A lock does not stop it (LOCK-16).
///
/// The disk inherits where its data came from: one made from data of an
/// imported custom image (directly, or through snapshots, copies and
/// images) gives snapshots that cannot be shared (SHARE-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateDisk {
    /// The new disk's id.
    pub disk: DiskId,
    /// Its region; a disk built from a snapshot is in the snapshot's region.
    pub region: RegionId,
    /// Its category.
    pub category: DiskCategory,
    /// Its size in GiB.
    pub size_gib: u64,
    /// How it is encrypted.
    pub encryption: Encryption,
    /// Where its data comes from.
    pub source: DiskSource,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Releases a disk (`ecs:DeleteDisk`), optionally with its automatic
/// snapshots; locked ones stay (DISK-3, LOCK-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReleaseDisk {
    /// The disk.
    pub disk: DiskId,
    /// Whether its automatic snapshots are released with it.
    pub release_automatic_snapshots: bool,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Rolls a disk back to a snapshot taken of it (`ecs:ResetDisk`, DISK-2);
/// never to a snapshot shared with the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ResetDisk {
    /// The disk.
    pub disk: DiskId,
    /// The snapshot to roll back to.
    pub snapshot: SnapshotId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Re-initializes a disk to what it was created from (`ecs:ReInitDisk`).
///
/// After the common checks: a disk created from a snapshot shared with the
/// account needs the share still in place and usable (DISK-4, SHARE-13); a
/// disk created from one of the account's own snapshots needs that
/// snapshot to exist (GEN-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReinitializeDisk {
    /// The disk.
    pub disk: DiskId,
}
