//! Loading keys, copies and copy lineages: every key an object is
//! encrypted with is its account's own in its region, a copy holds nothing
//! a copy never has, and the lineages agree with the copies (COPY).

use super::{StateError, created_by, dangling};
use crate::{
    AccountId, CopyLineage, Encryption, LineageRoot, ObjectKind as K, RegionId, SnapshotOrigin,
    SnapshotStatus, State,
};

/// A copy lineage with the copy that started it, as serialized.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineageRecord {
    pub(super) lineage: CopyLineage,
    pub(super) first_copy: crate::SnapshotId,
}

impl State {
    /// Checks keys, the keys of disks and snapshots, copies and lineages
    /// on freshly loaded data.
    pub(super) fn check_copies(&self) -> Result<(), StateError> {
        for key in self.keys.values() {
            self.check_placed_key(key)?;
        }
        for disk in self.disks.values() {
            let id = disk.id.as_str();
            self.check_encryption(K::Disk, id, &disk.encryption, &disk.owner, &disk.region)?;
        }
        for snapshot in self.snapshots.values() {
            let id = snapshot.id.as_str();
            let (owner, region) = (&snapshot.owner, &snapshot.region);
            self.check_encryption(K::Snapshot, id, &snapshot.encryption, owner, region)?;
            let SnapshotOrigin::Copy { source, root } = &snapshot.origin else {
                continue;
            };
            let root_known = match root {
                LineageRoot::Disk(disk) => self.disk_id_taken(disk),
                LineageRoot::Snapshot(first) => self.snapshot_id_taken(first),
            };
            // A source still there fixes the copy's root and forbids a
            // plaintext copy of encrypted data.
            let unlike_source = self.snapshots.get(source).is_some_and(|source| {
                source.lineage_root() != *root
                    || (source.encryption != Encryption::Unencrypted
                        && snapshot.encryption == Encryption::Unencrypted)
            });
            let lineage_missing = snapshot.status == SnapshotStatus::Available
                && CopyLineage::of_copy(snapshot)
                    .is_none_or(|lineage| !self.lineages.contains_key(&lineage));
            if !root_known || unlike_source || snapshot.instant_access || lineage_missing {
                return Err(StateError::ImpossibleCopy(snapshot.id.clone()));
            }
        }
        for (lineage, first_copy) in &self.lineages {
            let known = self.accounts.contains_key(&lineage.account)
                && self.regions.contains_key(&lineage.region)
                && self.snapshot_id_taken(first_copy)
                && self.key_fits(&lineage.encryption, &lineage.account, &lineage.region);
            let started_by_it = self.snapshots.get(first_copy).is_none_or(|copy| {
                copy.status == SnapshotStatus::Available
                    && CopyLineage::of_copy(copy).as_ref() == Some(lineage)
            });
            if !known || !started_by_it {
                return Err(StateError::InconsistentLineage(first_copy.clone()));
            }
        }
        Ok(())
    }

    fn check_placed_key(&self, key: &crate::Key) -> Result<(), StateError> {
        let id = key.id.as_str();
        let Some(owner) = self.accounts.get(&key.owner) else {
            return Err(dangling(K::Key, id, K::Account, key.owner.as_str()));
        };
        if !self.regions.contains_key(&key.region) {
            return Err(dangling(K::Key, id, K::Region, key.region.as_str()));
        }
        if !owner.kms_activated {
            return Err(StateError::KeyWithoutKms(key.id.clone()));
        }
        created_by(self.clock, K::Key, id, key.created_at)
    }

    /// Refuses an object encrypted with a key that does not exist (GEN-4)
    /// or is not its account's in its region.
    fn check_encryption(
        &self,
        kind: K,
        id: &str,
        encryption: &Encryption,
        owner: &AccountId,
        region: &RegionId,
    ) -> Result<(), StateError> {
        let Some(key) = encryption.customer_key() else {
            return Ok(());
        };
        if !self.keys.contains_key(key) {
            return Err(dangling(kind, id, K::Key, key.as_str()));
        }
        if !self.key_fits(encryption, owner, region) {
            return Err(StateError::ForeignKey {
                kind,
                id: id.to_owned(),
                key: key.clone(),
            });
        }
        Ok(())
    }

    /// Whether `encryption` names no customer key, or one of `owner` in
    /// `region`.
    fn key_fits(&self, encryption: &Encryption, owner: &AccountId, region: &RegionId) -> bool {
        encryption.customer_key().is_none_or(|key| {
            self.keys
                .get(key)
                .is_some_and(|key| key.owner == *owner && key.region == *region)
        })
    }
}
