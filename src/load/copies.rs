//! Loading keys, copies and copy lineages: every key an object is
//! encrypted with is its account's own in its region, a copy holds nothing
//! a copy never has, and the lineages agree with the copies (COPY).

use super::{Findings, StateError, created_after, created_by, dangling};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};

use crate::{
    AccountId, CopyLineage, Encryption, LineageRoot, ObjectKind as K, RegionId, RuleId, Snapshot,
    SnapshotId, SnapshotOrigin, SnapshotStatus, State,
};

/// What makes a loaded copy one no accepted history can make
/// ([`StateError::ImpossibleCopy`]).
///
/// Non-exhaustive: later versions may check more, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CopyDefect {
    /// It has instant access (COPY-5).
    InstantAccess,
    /// It has tags (COPY-5; no command tags a copy later).
    Tags,
    /// Its lineage root is neither a disk that existed nor a Cloud Backup
    /// snapshot (COPY-7).
    ImpossibleRoot,
    /// It is encrypted, but its account never activated KMS (COPY-3).
    WithoutKms,
    /// It is available, but its lineage was never started (COPY-7).
    LineageNotStarted,
    /// It is unencrypted, but its source is encrypted (COPY-2).
    PlaintextOfEncrypted,
    /// It is a standard copy in its source's region (COPY-2).
    StandardCopyInSourceRegion,
    /// Its root, imported-image mark, source disk size or creation instant
    /// contradicts its source's (COPY-5, COPY-7).
    UnlikeSource,
    /// Its source is itself, or its chain of sources comes back to it: a
    /// copy is made of a snapshot that exists, under a new id (COPY-5).
    OwnSource,
}

impl fmt::Display for CopyDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InstantAccess => "it has instant access",
            Self::Tags => "it has tags",
            Self::ImpossibleRoot => {
                "its lineage root is neither a disk nor a Cloud Backup snapshot"
            }
            Self::WithoutKms => "it is encrypted for an account without KMS",
            Self::LineageNotStarted => "it is available but its lineage was never started",
            Self::PlaintextOfEncrypted => "it is unencrypted but its source is encrypted",
            Self::StandardCopyInSourceRegion => "it is a standard copy in its source's region",
            Self::UnlikeSource => "it contradicts its source",
            Self::OwnSource => "its source is itself or a copy of it",
        })
    }
}

impl CopyDefect {
    /// The rule the defect breaks.
    ///
    /// ```
    /// use snapguard::{CopyDefect, RuleId};
    /// assert_eq!(CopyDefect::Tags.rule(), RuleId::Copy5);
    /// ```
    #[must_use]
    pub const fn rule(self) -> RuleId {
        match self {
            Self::InstantAccess | Self::Tags | Self::UnlikeSource | Self::OwnSource => {
                RuleId::Copy5
            }
            Self::ImpossibleRoot | Self::LineageNotStarted => RuleId::Copy7,
            Self::WithoutKms => RuleId::Copy3,
            Self::PlaintextOfEncrypted | Self::StandardCopyInSourceRegion => RuleId::Copy2,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A copy lineage with the copy that started it, as serialized.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineageRecord {
    pub(super) lineage: CopyLineage,
    pub(super) first_copy: crate::SnapshotId,
}

impl State {
    /// Checks keys, the keys of disks and snapshots, copies and lineages
    /// on freshly loaded data.
    pub(super) fn check_copies(&self, found: &mut Findings) {
        found.each(self.keys.values(), |key| self.check_placed_key(key));
        found.each(self.disks.values(), |disk| {
            let this = (K::Disk, disk.id.as_str());
            let (owner, region) = (&disk.owner, &disk.region);
            self.check_encryption(this, disk.created_at, &disk.encryption, owner, region)
        });
        let cycles = self.copy_cycles();
        found.each(self.snapshots.values(), |snapshot| {
            let this = (K::Snapshot, snapshot.id.as_str());
            let (owner, region) = (&snapshot.owner, &snapshot.region);
            self.check_encryption(
                this,
                snapshot.created_at,
                &snapshot.encryption,
                owner,
                region,
            )?;
            let defect = if cycles.contains(&snapshot.id) {
                Some(CopyDefect::OwnSource)
            } else {
                self.copy_defect(snapshot)
            };
            if let Some(defect) = defect {
                return Err(StateError::ImpossibleCopy {
                    copy: snapshot.id.clone(),
                    defect,
                });
            }
            Ok(())
        });
        found.each(&self.lineages, |(lineage, first_copy)| {
            let kms = self
                .accounts
                .get(&lineage.account)
                .is_some_and(|account| account.kms_activated);
            let known = self.accounts.contains_key(&lineage.account)
                && (kms || lineage.encryption == Encryption::Unencrypted)
                && self.regions.contains_key(&lineage.region)
                && self.snapshot_id_taken(first_copy)
                && self.root_known(&lineage.root)
                && self.key_fits(&lineage.encryption, &lineage.account, &lineage.region);
            let started_by_it = self.snapshots.get(first_copy).is_none_or(|copy| {
                copy.status == SnapshotStatus::Available
                    && CopyLineage::of_copy(copy).as_ref() == Some(lineage)
            });
            if !known || !started_by_it {
                return Err(StateError::InconsistentLineage(first_copy.clone()));
            }
            Ok(())
        });
    }

    /// The copies whose chain of sources comes back to them, found in one
    /// walk along each chain: a snapshot is left behind once its chain is
    /// walked, so each is visited once.
    fn copy_cycles(&self) -> BTreeSet<&SnapshotId> {
        let source_of = |snapshot: &Snapshot| match &snapshot.origin {
            SnapshotOrigin::Copy { source, .. } => self.snapshots.get(source),
            _ => None,
        };
        let mut walked = BTreeSet::new();
        let mut cycles = BTreeSet::new();
        for start in self.snapshots.values() {
            let mut path = Vec::new();
            let mut on_path = BTreeMap::new();
            let mut next = Some(start);
            while let Some(snapshot) = next.filter(|s| !walked.contains(&s.id)) {
                if let Some(&at) = on_path.get(&snapshot.id) {
                    cycles.extend(path.get(at..).unwrap_or_default().iter().copied());
                    break;
                }
                on_path.insert(&snapshot.id, path.len());
                path.push(&snapshot.id);
                next = source_of(snapshot);
            }
            walked.extend(path);
        }
        cycles
    }

    /// Whether a lineage's root was given: a disk, live or released, or
    /// a snapshot deleted or made by Cloud Backup (GEN-4). A root never
    /// given, such as a minted id past the count, would be inherited by
    /// the object given that id next.
    fn root_known(&self, root: &LineageRoot) -> bool {
        match root {
            LineageRoot::Disk(disk) => self.disk_id_taken(disk),
            LineageRoot::Snapshot(first) => self.snapshots.get(first).map_or_else(
                || self.snapshot_id_taken(first),
                |first| first.origin == SnapshotOrigin::CloudBackup,
            ),
        }
    }

    /// What makes `snapshot`, if it is a copy, one no history can make.
    fn copy_defect(&self, copy: &Snapshot) -> Option<CopyDefect> {
        let SnapshotOrigin::Copy {
            source,
            root,
            imported_image,
        } = &copy.origin
        else {
            return None;
        };
        let encrypted = copy.encryption != Encryption::Unencrypted;
        let root_known = self.root_known(root);
        let kms = self
            .accounts
            .get(&copy.owner)
            .is_some_and(|account| account.kms_activated);
        let started = || {
            CopyLineage::of_copy(copy).is_some_and(|lineage| self.lineages.contains_key(&lineage))
        };
        let defect = if copy.instant_access {
            CopyDefect::InstantAccess
        } else if !copy.tags.is_empty() {
            CopyDefect::Tags
        } else if !root_known {
            CopyDefect::ImpossibleRoot
        } else if encrypted && !kms {
            CopyDefect::WithoutKms
        } else if let Some(defect) = self.snapshots.get(source).and_then(|source| {
            // A source still there fixes what the copy took from it.
            if source.encryption != Encryption::Unencrypted && !encrypted {
                Some(CopyDefect::PlaintextOfEncrypted)
            } else if !encrypted && source.region == copy.region {
                Some(CopyDefect::StandardCopyInSourceRegion)
            } else if source.lineage_root() != *root
                || source.origin.from_imported_image() != *imported_image
                || source.source_disk_size_gib != copy.source_disk_size_gib
                || source.created_at > copy.created_at
            {
                Some(CopyDefect::UnlikeSource)
            } else {
                None
            }
        }) {
            defect
        } else if copy.status == SnapshotStatus::Available && !started() {
            CopyDefect::LineageNotStarted
        } else {
            return None;
        };
        Some(defect)
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
        created_by(self.clock, K::Key, id, key.created_at)?;
        let at = key.created_at;
        created_after(
            (K::Key, id),
            at,
            (K::Account, owner.id.as_str()),
            owner.created_at,
        )?;
        let region = self.regions.get(&key.region).map(|r| r.created_at);
        let needed = (K::Region, key.region.as_str());
        region.map_or(Ok(()), |since| {
            created_after((K::Key, id), at, needed, since)
        })
    }

    /// Refuses an object created at `at` encrypted with a key that does
    /// not exist (GEN-4), is not its account's in its region, or was
    /// created after it (GEN-2).
    fn check_encryption(
        &self,
        (kind, id): (K, &str),
        at: DateTime<Utc>,
        encryption: &Encryption,
        owner: &AccountId,
        region: &RegionId,
    ) -> Result<(), StateError> {
        let Some(key) = encryption.customer_key() else {
            return Ok(());
        };
        let Some(found) = self.keys.get(key) else {
            return Err(dangling(kind, id, K::Key, key.as_str()));
        };
        if !self.key_fits(encryption, owner, region) {
            return Err(StateError::ForeignKey {
                kind,
                id: id.to_owned(),
                key: key.clone(),
            });
        }
        created_after((kind, id), at, (K::Key, key.as_str()), found.created_at)
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
