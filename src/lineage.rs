//! Copy lineages and the billing basis of a copy (COPY-7).
//!
//! **Decision** (RULES.md): a lineage is the source disk, the destination
//! region and the key. This crate adds the account billed for the copy
//! (copies are billed to the copier, SHARE-15, and each account has its own
//! service key), and decides:
//!
//! - the source disk of a copy of a copy is the disk the chain started
//!   from; a snapshot not taken of a disk (a Cloud Backup snapshot) roots
//!   its own chain ([`LineageRoot`]);
//! - a standard copy's "key" is [`Encryption::Unencrypted`];
//! - the first encrypted copy of an unencrypted snapshot taken of no disk
//!   (a Cloud Backup snapshot, or a copy of one) is charged the snapshot's
//!   size, as there is no source disk to charge;
//! - a lineage is started by the first of its copies to *complete*: a copy
//!   in progress, failed or cancelled transferred no complete data, so
//!   until one completes, every copy is still the lineage's first and is
//!   charged in full;
//! - once started, a lineage stays, even after its copies are deleted:
//!   RULES.md and the provider's billing page define it by disk, region and
//!   key, and say later copies are incremental without asking whether
//!   earlier ones were kept. Whether the provider charges in full again
//!   when no copy is left is not documented.

use serde::{Deserialize, Serialize};

use crate::{AccountId, Encryption, LineageRoot, RegionId, Snapshot, SnapshotOrigin};

impl Snapshot {
    /// What the snapshot's data descends from, for the lineages of its
    /// copies (COPY-7).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// let snapshot = state.snapshot(&"s-1".into()).ok_or("no snapshot")?;
    /// assert_eq!(snapshot.lineage_root(), LineageRoot::Disk("d-1".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lineage_root(&self) -> LineageRoot {
        match &self.origin {
            SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk } => {
                LineageRoot::Disk(disk.clone())
            }
            SnapshotOrigin::Copy { root, .. } => root.clone(),
            SnapshotOrigin::CloudBackup => LineageRoot::Snapshot(self.id.clone()),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A copy lineage (COPY-7): copies billed to one account, of data from one
/// root, into one region, under one key. Its first copy is charged in full,
/// the later ones incrementally.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyLineage {
    /// The account the copies belong and are billed to.
    pub account: AccountId,
    /// What the copied data descends from.
    pub root: LineageRoot,
    /// The destination region.
    pub region: RegionId,
    /// The copies' key: [`Encryption::Unencrypted`] for standard copies.
    pub encryption: Encryption,
}

impl CopyLineage {
    /// The lineage of a copy; `None` for a snapshot that is not a copy.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-shanghai"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// # state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAutomaticSnapshot::new("s-1", "d-1").retention_days(30))?;
    /// # state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 5))?;
    /// let copy = CopySnapshot::new("s-1", "s-2", "cn-shanghai");
    /// state.apply_mut(now, &Actor::root("1001"), copy)?;
    /// let copied = state.snapshot(&"s-2".into()).ok_or("no copy")?;
    /// let lineage = CopyLineage::of_copy(copied).ok_or("not a copy")?;
    /// assert_eq!(lineage.root, LineageRoot::Disk("d-1".into()));
    /// assert_eq!(lineage.region, RegionId::new("cn-shanghai"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn of_copy(copy: &Snapshot) -> Option<Self> {
        match &copy.origin {
            SnapshotOrigin::Copy { root, .. } => Some(Self {
                account: copy.owner.clone(),
                root: root.clone(),
                region: copy.region.clone(),
                encryption: copy.encryption.clone(),
            }),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What a copy is charged on (COPY-7), stated when the copy is accepted
/// ([`Event::SnapshotCopied`](crate::Event::SnapshotCopied)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum BillingBasis {
    /// The full size of the source snapshot: the first standard copy of an
    /// unencrypted snapshot, or the first encrypted copy of an encrypted one,
    /// or of a snapshot taken of no disk (**Decision**: a Cloud Backup
    /// snapshot has no source disk to charge).
    FullSnapshotSize {
        /// The source snapshot's size.
        size_gib: u64,
    },
    /// The full size of the source disk: the first encrypted copy of an
    /// unencrypted snapshot taken of a disk (directly, or through copies).
    FullDiskSize {
        /// The size of the disk the source was taken of.
        size_gib: u64,
    },
    /// Only what changed since the lineage's previous copy.
    Incremental,
}

impl BillingBasis {
    /// The basis of a copy of `source` in `lineage`, given whether a copy
    /// already started that lineage.
    pub(crate) fn of(lineage_started: bool, lineage: &CopyLineage, source: &Snapshot) -> Self {
        if lineage_started {
            Self::Incremental
        } else if source.encryption == Encryption::Unencrypted
            && lineage.encryption != Encryption::Unencrypted
            && matches!(lineage.root, LineageRoot::Disk(_))
        {
            Self::FullDiskSize {
                size_gib: source.source_disk_size_gib,
            }
        } else {
            Self::FullSnapshotSize {
                size_gib: source.size_gib,
            }
        }
    }
}
