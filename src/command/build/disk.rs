//! Constructors and setters of the disk payloads and of [`DiskSource`].

use crate::{
    CreateDisk, DiskCategory, DiskId, DiskSource, Encryption, ImageId, RegionId, ReinitializeDisk,
    ReleaseDisk, ResetDisk, SnapshotId,
};

impl DiskSource {
    /// A disk made from `snapshot` (DISK-1).
    ///
    /// ```
    /// use snapguard::{DiskSource, SnapshotId};
    /// assert_eq!(DiskSource::snapshot("s-1"), DiskSource::Snapshot(SnapshotId::new("s-1")));
    /// ```
    #[must_use]
    pub fn snapshot(snapshot: impl Into<SnapshotId>) -> Self {
        Self::Snapshot(snapshot.into())
    }

    /// A disk made from custom image `image`.
    ///
    /// ```
    /// use snapguard::{DiskSource, ImageId};
    /// assert_eq!(DiskSource::image("img-1"), DiskSource::Image(ImageId::new("img-1")));
    /// ```
    #[must_use]
    pub fn image(image: impl Into<ImageId>) -> Self {
        Self::Image(image.into())
    }
}

impl CreateDisk {
    /// Creates `disk` in `region`, of `category` and `size_gib`: blank and
    /// unencrypted until [`source`](CreateDisk::source) and
    /// [`encryption`](CreateDisk::encryption) are set.
    ///
    /// ```
    /// use snapguard::{CreateDisk, DiskCategory, DiskSource, Encryption};
    /// let command = CreateDisk::new("d-2", "cn-hangzhou", DiskCategory::Essd, 40)
    ///     .source(DiskSource::snapshot("s-1"))
    ///     .encryption(Encryption::ServiceKey);
    /// assert_eq!(command.source, DiskSource::snapshot("s-1"));
    /// ```
    #[must_use]
    pub fn new(
        disk: impl Into<DiskId>,
        region: impl Into<RegionId>,
        category: DiskCategory,
        size_gib: u64,
    ) -> Self {
        Self {
            disk: disk.into(),
            region: region.into(),
            category,
            size_gib,
            encryption: Encryption::Unencrypted,
            source: DiskSource::Blank,
        }
    }

    /// How the disk is encrypted.
    #[must_use]
    pub fn encryption(mut self, encryption: Encryption) -> Self {
        self.encryption = encryption;
        self
    }

    /// Where the disk's data comes from.
    #[must_use]
    pub fn source(mut self, source: DiskSource) -> Self {
        self.source = source;
        self
    }
}

impl ReleaseDisk {
    /// Releases `disk`, keeping its automatic snapshots unless
    /// [`release_automatic_snapshots`](ReleaseDisk::release_automatic_snapshots)
    /// is set.
    ///
    /// ```
    /// let command = snapguard::ReleaseDisk::new("d-1").release_automatic_snapshots(true);
    /// assert!(command.release_automatic_snapshots);
    /// ```
    #[must_use]
    pub fn new(disk: impl Into<DiskId>) -> Self {
        Self {
            disk: disk.into(),
            release_automatic_snapshots: false,
        }
    }

    /// Whether the disk's automatic snapshots are released with it
    /// (DISK-3).
    #[must_use]
    pub fn release_automatic_snapshots(mut self, release: bool) -> Self {
        self.release_automatic_snapshots = release;
        self
    }
}

impl ResetDisk {
    /// Rolls `disk` back to `snapshot`.
    ///
    /// ```
    /// let command = snapguard::ResetDisk::new("d-1", "s-1");
    /// assert_eq!(command.snapshot, "s-1");
    /// ```
    #[must_use]
    pub fn new(disk: impl Into<DiskId>, snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            disk: disk.into(),
            snapshot: snapshot.into(),
        }
    }
}

impl ReinitializeDisk {
    /// Re-initializes `disk` to what it was created from.
    ///
    /// ```
    /// let command = snapguard::ReinitializeDisk::new("d-1");
    /// assert_eq!(command.disk, "d-1");
    /// ```
    #[must_use]
    pub fn new(disk: impl Into<DiskId>) -> Self {
        Self { disk: disk.into() }
    }
}
