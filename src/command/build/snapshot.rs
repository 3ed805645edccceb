//! Constructors and setters of the snapshot, lock and image payloads.

use std::collections::BTreeMap;

use crate::{
    AccountId, ArchiveSnapshot, CreateAutomaticSnapshot, CreateBackupSnapshot, CreateImage,
    CreateSnapshot, DeleteImage, DeleteSnapshot, DiskId, FinishSnapshot, ImageId, ImportImage,
    LockSnapshot, RegionId, ReleaseOverdueSnapshot, RetentionRequest, SetSnapshotRetention,
    SnapshotId, SnapshotOutcome, UnlockSnapshot,
};

impl ReleaseOverdueSnapshot {
    /// Releases `snapshot` of an account overdue for long enough.
    ///
    /// ```
    /// let command = snapguard::ReleaseOverdueSnapshot::new("s-1");
    /// assert_eq!(command.snapshot, "s-1");
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            snapshot: snapshot.into(),
        }
    }
}

impl CreateSnapshot {
    /// Takes snapshot `snapshot` of `disk`: permanent, without tags or
    /// instant access until set.
    ///
    /// ```
    /// use snapguard::CreateSnapshot;
    /// let command = CreateSnapshot::new("s-1", "d-1")
    ///     .retention_days(7)
    ///     .tag("env", "prod")
    ///     .instant_access(true);
    /// assert_eq!(command.retention_days, Some(7));
    /// assert_eq!(command.tags["env"], "prod");
    /// assert!(command.instant_access);
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>, disk: impl Into<DiskId>) -> Self {
        Self {
            snapshot: snapshot.into(),
            disk: disk.into(),
            retention_days: None,
            tags: BTreeMap::new(),
            instant_access: false,
        }
    }

    /// Keeps the snapshot `days` days from its creation (SNAP-5).
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the snapshot `Some(days)` days from its creation, or
    /// permanently for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }

    /// Adds a tag, replacing the value of a tag with the same key.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Adds tags, as [`CreateSnapshot::tag`] does one by one.
    #[must_use]
    pub fn tags<K: Into<String>, V: Into<String>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.tags.extend(
            tags.into_iter()
                .map(|(key, value)| (key.into(), value.into())),
        );
        self
    }

    /// Whether to enable the provider's instant access feature.
    #[must_use]
    pub fn instant_access(mut self, instant_access: bool) -> Self {
        self.instant_access = instant_access;
        self
    }
}

impl CreateAutomaticSnapshot {
    /// Takes automatic snapshot `snapshot` of `disk`, permanent until
    /// [`retention_days`](CreateAutomaticSnapshot::retention_days) is set.
    ///
    /// ```
    /// use snapguard::CreateAutomaticSnapshot;
    /// let command = CreateAutomaticSnapshot::new("s-auto-1", "d-1").retention_days(30);
    /// assert_eq!(command.retention_days, Some(30));
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>, disk: impl Into<DiskId>) -> Self {
        Self {
            snapshot: snapshot.into(),
            disk: disk.into(),
            retention_days: None,
        }
    }

    /// Keeps the snapshot `days` days from its creation.
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the snapshot `Some(days)` days from its creation, or
    /// permanently for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }
}

impl CreateBackupSnapshot {
    /// Records Cloud Backup's snapshot `snapshot` of `account` in `region`,
    /// permanent until
    /// [`retention_days`](CreateBackupSnapshot::retention_days) is set.
    ///
    /// ```
    /// use snapguard::CreateBackupSnapshot;
    /// let command = CreateBackupSnapshot::new("s-hbr-1", "1001", "cn-hangzhou");
    /// assert_eq!(command.retention_days, None);
    /// ```
    #[must_use]
    pub fn new(
        snapshot: impl Into<SnapshotId>,
        account: impl Into<AccountId>,
        region: impl Into<RegionId>,
    ) -> Self {
        Self {
            snapshot: snapshot.into(),
            account: account.into(),
            region: region.into(),
            retention_days: None,
        }
    }

    /// Keeps the snapshot `days` days from its creation.
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the snapshot `Some(days)` days from its creation, or
    /// permanently for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }
}

impl FinishSnapshot {
    /// Completes `snapshot` as `outcome` says; see also
    /// [`FinishSnapshot::available`] and [`FinishSnapshot::failed`].
    ///
    /// ```
    /// use snapguard::{FinishSnapshot, SnapshotOutcome};
    /// let command = FinishSnapshot::new("s-1", SnapshotOutcome::Failed);
    /// assert_eq!(command, FinishSnapshot::failed("s-1"));
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>, outcome: SnapshotOutcome) -> Self {
        Self {
            snapshot: snapshot.into(),
            outcome,
        }
    }

    /// Completes `snapshot` as available, holding `size_gib` of data.
    ///
    /// ```
    /// use snapguard::{FinishSnapshot, SnapshotOutcome};
    /// let command = FinishSnapshot::available("s-1", 40);
    /// assert_eq!(command.outcome, SnapshotOutcome::Available { size_gib: 40 });
    /// ```
    #[must_use]
    pub fn available(snapshot: impl Into<SnapshotId>, size_gib: u64) -> Self {
        Self::new(snapshot, SnapshotOutcome::Available { size_gib })
    }

    /// Completes `snapshot` as failed.
    ///
    /// ```
    /// use snapguard::{FinishSnapshot, SnapshotOutcome};
    /// assert_eq!(FinishSnapshot::failed("s-1").outcome, SnapshotOutcome::Failed);
    /// ```
    #[must_use]
    pub fn failed(snapshot: impl Into<SnapshotId>) -> Self {
        Self::new(snapshot, SnapshotOutcome::Failed)
    }
}

impl DeleteSnapshot {
    /// Deletes `snapshot`.
    ///
    /// ```
    /// let command = snapguard::DeleteSnapshot::new("s-1");
    /// assert_eq!(command.snapshot, "s-1");
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            snapshot: snapshot.into(),
        }
    }
}

impl SetSnapshotRetention {
    /// Sets `snapshot`'s retention as `retention` asks; see also
    /// [`SetSnapshotRetention::days`] and [`SetSnapshotRetention::permanent`].
    ///
    /// ```
    /// use snapguard::{RetentionRequest, SetSnapshotRetention};
    /// let command = SetSnapshotRetention::new("s-1", RetentionRequest::Days(30));
    /// assert_eq!(command, SetSnapshotRetention::days("s-1", 30));
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>, retention: RetentionRequest) -> Self {
        Self {
            snapshot: snapshot.into(),
            retention,
        }
    }

    /// Keeps `snapshot` `days` days from its creation (SNAP-5).
    ///
    /// ```
    /// use snapguard::{RetentionRequest, SetSnapshotRetention};
    /// assert_eq!(SetSnapshotRetention::days("s-1", 30).retention, RetentionRequest::Days(30));
    /// ```
    #[must_use]
    pub fn days(snapshot: impl Into<SnapshotId>, days: u32) -> Self {
        Self::new(snapshot, RetentionRequest::Days(days))
    }

    /// Keeps `snapshot` until it is deleted.
    ///
    /// ```
    /// use snapguard::{RetentionRequest, SetSnapshotRetention};
    /// assert_eq!(SetSnapshotRetention::permanent("s-1").retention, RetentionRequest::Permanent);
    /// ```
    #[must_use]
    pub fn permanent(snapshot: impl Into<SnapshotId>) -> Self {
        Self::new(snapshot, RetentionRequest::Permanent)
    }
}

impl ArchiveSnapshot {
    /// Archives `snapshot`, kept permanently until
    /// [`retention_days`](ArchiveSnapshot::retention_days) is set (ARCH-2).
    ///
    /// ```
    /// use snapguard::ArchiveSnapshot;
    /// let command = ArchiveSnapshot::new("s-1").retention_days(365);
    /// assert_eq!(command.retention_days, Some(365));
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            snapshot: snapshot.into(),
            retention_days: None,
        }
    }

    /// Keeps the archived snapshot `days` days from the snapshot's
    /// creation.
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the archived snapshot `Some(days)` days from the snapshot's
    /// creation, or permanently for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }
}

impl LockSnapshot {
    /// Locks `snapshot` for `duration_days` from now, the first
    /// `cool_off_hours` of them in cooling-off; 0 hours locks it in
    /// compliance at once, irreversibly (LOCK-1).
    ///
    /// ```
    /// use snapguard::LockSnapshot;
    /// let command = LockSnapshot::new("s-1", 30, 24);
    /// assert_eq!((command.duration_days, command.cool_off_hours), (30, 24));
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>, duration_days: u32, cool_off_hours: u32) -> Self {
        Self {
            snapshot: snapshot.into(),
            duration_days,
            cool_off_hours,
        }
    }
}

impl UnlockSnapshot {
    /// Removes `snapshot`'s lock during its cooling-off.
    ///
    /// ```
    /// let command = snapguard::UnlockSnapshot::new("s-1");
    /// assert_eq!(command.snapshot, "s-1");
    /// ```
    #[must_use]
    pub fn new(snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            snapshot: snapshot.into(),
        }
    }
}

impl ImportImage {
    /// Imports custom image `image` into `region`.
    ///
    /// ```
    /// let command = snapguard::ImportImage::new("img-1", "cn-hangzhou");
    /// assert_eq!(command.image, "img-1");
    /// ```
    #[must_use]
    pub fn new(image: impl Into<ImageId>, region: impl Into<RegionId>) -> Self {
        Self {
            image: image.into(),
            region: region.into(),
        }
    }
}

impl CreateImage {
    /// Creates custom image `image` from `snapshot`.
    ///
    /// ```
    /// let command = snapguard::CreateImage::new("img-1", "s-1");
    /// assert_eq!(command.snapshot, "s-1");
    /// ```
    #[must_use]
    pub fn new(image: impl Into<ImageId>, snapshot: impl Into<SnapshotId>) -> Self {
        Self {
            image: image.into(),
            snapshot: snapshot.into(),
        }
    }
}

impl DeleteImage {
    /// Deletes custom image `image`, keeping its snapshot unless
    /// [`delete_snapshots`](DeleteImage::delete_snapshots) is set.
    ///
    /// ```
    /// let command = snapguard::DeleteImage::new("img-1").delete_snapshots(true);
    /// assert!(command.delete_snapshots);
    /// ```
    #[must_use]
    pub fn new(image: impl Into<ImageId>) -> Self {
        Self {
            image: image.into(),
            delete_snapshots: false,
        }
    }

    /// Whether the image's snapshot is deleted with it (IMAGE-2).
    #[must_use]
    pub fn delete_snapshots(mut self, delete_snapshots: bool) -> Self {
        self.delete_snapshots = delete_snapshots;
        self
    }
}
