//! Loading what disks, images and snapshots were made from: each keeps
//! what its source gave it. Each is no older than its account, region and
//! source (GEN-2); a snapshot of a disk has its disk's owner, region,
//! encryption and size (SNAP-1); a disk or image is in its source's
//! region, a disk made from its own account's image and encrypted when its
//! source is (DISK-1), an image its snapshot owner's, with its encryption
//! (IMAGE-1); and each carries its source's mark of data from an imported
//! image (SHARE-5). A source deleted since cannot be checked: the checks
//! needing it are skipped.
//!
//! The family runs after keys and copies: a disk of a foreign or unknown
//! key is reported as such first, then its snapshots as unlike it.

use chrono::{DateTime, Utc};

use super::{Findings, StateError, created_after};
use crate::{
    AccountId, Disk, DiskSource, Encryption, Image, ImageSource, ObjectKind as K, RegionId,
    Snapshot, SnapshotStatus, State,
};

fn imported_image_mark(kind: K, id: &str) -> StateError {
    StateError::ImportedImageMark {
        kind,
        id: id.to_owned(),
    }
}

/// What a disk takes from its source.
struct Source<'a> {
    /// The source's region, for a snapshot or image.
    region: Option<&'a RegionId>,
    /// Whether the source is an image of another account, or a snapshot
    /// that never became available: no command makes a disk from either.
    foreign: bool,
    /// Whether the source's data is encrypted.
    encrypted: bool,
    /// Whether the source's data comes from an imported image.
    imported: bool,
}

impl State {
    /// Checks disks, images and snapshots against what they were made
    /// from, on freshly loaded data.
    pub(super) fn check_provenance(&self, found: &mut Findings) {
        found.each(self.disks.values(), |disk| {
            let this = (K::Disk, disk.id.as_str());
            self.check_disk_source(disk)?;
            self.placed_after(this, disk.created_at, &disk.owner, &disk.region)
        });
        found.each(self.images.values(), |image| {
            let this = (K::Image, image.id.as_str());
            self.check_image_source(image)?;
            self.placed_after(this, image.created_at, &image.owner, &image.region)
        });
        found.each(self.snapshots.values(), |snapshot| {
            let this = (K::Snapshot, snapshot.id.as_str());
            let (owner, region) = (&snapshot.owner, &snapshot.region);
            self.check_snapshot_disk(snapshot)?;
            self.placed_after(this, snapshot.created_at, owner, region)
        });
    }

    /// GEN-2: an object is no older than its account and region; either
    /// missing is reported as dangling by the references.
    fn placed_after(
        &self,
        this: (K, &str),
        at: DateTime<Utc>,
        owner: &AccountId,
        region: &RegionId,
    ) -> Result<(), StateError> {
        if let Some(account) = self.accounts.get(owner) {
            created_after(this, at, (K::Account, owner.as_str()), account.created_at)?;
        }
        if let Some(placed) = self.regions.get(region) {
            created_after(this, at, (K::Region, region.as_str()), placed.created_at)?;
        }
        Ok(())
    }

    /// A snapshot of a disk still there has its owner, region, encryption
    /// and size, and came after it (SNAP-1); it is of an imported image's
    /// data exactly when the disk is (SHARE-5).
    fn check_snapshot_disk(&self, snapshot: &Snapshot) -> Result<(), StateError> {
        let Some(disk) = snapshot.origin.disk().and_then(|disk| self.disks.get(disk)) else {
            return Ok(());
        };
        if disk.owner != snapshot.owner
            || disk.region != snapshot.region
            || disk.encryption != snapshot.encryption
            || disk.size_gib != snapshot.source_disk_size_gib
            || disk.created_at > snapshot.created_at
        {
            return Err(StateError::SnapshotUnlikeDisk(snapshot.id.clone()));
        }
        if disk.from_imported_image != snapshot.origin.from_imported_image() {
            return Err(imported_image_mark(K::Snapshot, snapshot.id.as_str()));
        }
        Ok(())
    }

    /// What `disk` takes from its source, or `None` when the source is gone.
    fn disk_source(&self, disk: &Disk) -> Result<Option<Source<'_>>, StateError> {
        let this = (K::Disk, disk.id.as_str());
        let source = match &disk.source {
            DiskSource::Blank => Source {
                region: None,
                foreign: false,
                encrypted: false,
                imported: false,
            },
            DiskSource::Snapshot(id) => {
                let Some(snapshot) = self.snapshots.get(id) else {
                    return Ok(None);
                };
                let needed = (K::Snapshot, id.as_str());
                created_after(this, disk.created_at, needed, snapshot.created_at)?;
                Source {
                    region: Some(&snapshot.region),
                    foreign: snapshot.status != SnapshotStatus::Available,
                    encrypted: snapshot.encryption != Encryption::Unencrypted,
                    imported: snapshot.origin.from_imported_image(),
                }
            }
            DiskSource::Image(id) => {
                let Some(image) = self.images.get(id) else {
                    return Ok(None);
                };
                let needed = (K::Image, id.as_str());
                created_after(this, disk.created_at, needed, image.created_at)?;
                Source {
                    region: Some(&image.region),
                    foreign: image.owner != disk.owner,
                    encrypted: image.encryption != Encryption::Unencrypted,
                    imported: image.from_imported_image,
                }
            }
        };
        Ok(Some(source))
    }

    fn check_disk_source(&self, disk: &Disk) -> Result<(), StateError> {
        let Some(source) = self.disk_source(disk)? else {
            return Ok(());
        };
        if source.foreign || source.region.is_some_and(|region| *region != disk.region) {
            return Err(StateError::DiskUnlikeSource(disk.id.clone()));
        }
        // A disk made from encrypted data is encrypted (DISK-1).
        if source.encrypted && disk.encryption == Encryption::Unencrypted {
            return Err(StateError::PlaintextDisk(disk.id.clone()));
        }
        if source.imported != disk.from_imported_image {
            return Err(imported_image_mark(K::Disk, disk.id.as_str()));
        }
        Ok(())
    }

    fn check_image_source(&self, image: &Image) -> Result<(), StateError> {
        let this = (K::Image, image.id.as_str());
        let (unlike, imported) = match &image.source {
            ImageSource::Imported => (image.encryption != Encryption::Unencrypted, true),
            ImageSource::Snapshot(id) => {
                let Some(snapshot) = self.snapshots.get(id) else {
                    return Ok(());
                };
                let needed = (K::Snapshot, id.as_str());
                created_after(this, image.created_at, needed, snapshot.created_at)?;
                let unlike = snapshot.owner != image.owner
                    || snapshot.status != SnapshotStatus::Available
                    || snapshot.region != image.region
                    || snapshot.encryption != image.encryption;
                (unlike, snapshot.origin.from_imported_image())
            }
        };
        if unlike {
            return Err(StateError::ImageUnlikeSource(image.id.clone()));
        }
        if imported != image.from_imported_image {
            return Err(imported_image_mark(K::Image, image.id.as_str()));
        }
        Ok(())
    }
}
