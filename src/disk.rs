//! Disks: what snapshots are taken of and restored to (DISK). Their rules
//! are in `rules/disk.rs`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::resource_name;
use crate::{
    AccountId, DiskId, DiskSource, Encryption, RegionId, Snapshot, SnapshotId, SnapshotKind,
    SnapshotOrigin,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A disk's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DiskCategory {
    /// Basic disk.
    Basic,
    /// Ultra disk.
    Efficiency,
    /// Standard SSD.
    Ssd,
    /// ESSD.
    Essd,
    /// ESSD AutoPL.
    EssdAutoPl,
    /// ESSD Entry.
    EssdEntry,
}

impl fmt::Display for DiskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Basic => "basic disk",
            Self::Efficiency => "ultra disk",
            Self::Ssd => "standard SSD",
            Self::Essd => "ESSD",
            Self::EssdAutoPl => "ESSD AutoPL",
            Self::EssdEntry => "ESSD Entry",
        })
    }
}

impl DiskCategory {
    /// Whether the category is of the ESSD family (ESSD, ESSD AutoPL, ESSD
    /// Entry), the only one a disk made from a shared encrypted snapshot
    /// may be (SHARE-11).
    ///
    /// ```
    /// use snapguard::DiskCategory;
    /// assert!(DiskCategory::EssdAutoPl.is_essd_family());
    /// assert!(!DiskCategory::Ssd.is_essd_family());
    /// ```
    #[must_use]
    pub fn is_essd_family(self) -> bool {
        matches!(self, Self::Essd | Self::EssdAutoPl | Self::EssdEntry)
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A cloud disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Disk {
    /// Its id.
    pub id: DiskId,
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Its category.
    pub category: DiskCategory,
    /// Its size in GiB.
    pub size_gib: u64,
    /// How it is encrypted; its snapshots are encrypted the same way.
    pub encryption: Encryption,
    /// Where its data came from.
    pub source: DiskSource,
    /// Whether its data comes from an imported custom image: built from
    /// one, or from a snapshot or image whose data does (SHARE-5).
    pub from_imported_image: bool,
    /// Whether it was built from a snapshot shared with its account; it
    /// re-initializes only while the share is in place (DISK-4).
    pub from_shared_snapshot: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Disk {
    /// A new snapshot of this disk, in progress.
    pub(crate) fn snapshot(
        &self,
        id: SnapshotId,
        kind: SnapshotKind,
        now: DateTime<Utc>,
    ) -> Snapshot {
        let disk = self.id.clone();
        let origin = if self.from_imported_image {
            SnapshotOrigin::ImportedImageDisk { disk }
        } else {
            SnapshotOrigin::Disk { disk }
        };
        Snapshot::started(
            id,
            self.owner.clone(),
            self.region.clone(),
            origin,
            self.encryption.clone(),
            crate::Retention::Permanent,
            self.size_gib,
            kind,
            now,
        )
    }

    pub(crate) fn resource(&self) -> String {
        resource_name(&self.region, &self.owner, "disk", self.id.as_str())
    }
}
