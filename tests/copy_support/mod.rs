//! Helpers for the copy tests (COPY, LOCK-13, SHARE-11, DISK-1 keys):
//! encrypted copies, keys, the one event an accepted copy emits, and
//! lineages.
#![allow(dead_code)]

use snapguard::{
    ActivateKms, Actor, BillingBasis, CopyLineage, CopySnapshot, CreateDisk, CreateKey, DisableKey,
    DiskCategory, DiskSource, EnableKey, Encryption, Event, FinishSnapshot, KeyProblem,
    LineageRoot, MarkRegionClosingDown, ObjectKind, RuleId, Snapshot, SnapshotStatus,
    StandardCopyProblem, Violation,
};

use crate::common::{OWNER, REGION, World, blank_disk, root, sid};

/// Encryption with the customer master key `id`.
pub fn cmk(id: &str) -> Encryption {
    Encryption::CustomerKey(id.into())
}

/// A copy of `source` into `region` with `encryption`, kept permanently.
pub fn copy_to(source: &str, snapshot: &str, region: &str, encryption: Encryption) -> CopySnapshot {
    CopySnapshot::new(source, snapshot, region).encryption(encryption)
}

/// An ESSD disk of 40 GiB in `region`, blank, with `encryption`.
pub fn encrypted_disk(disk: &str, region: &str, encryption: Encryption) -> CreateDisk {
    blank_disk(disk, region).encryption(encryption)
}

/// The lineage of copies billed to `account`, of the data of disk `disk`,
/// into `region`, under `encryption`.
pub fn disk_lineage(
    account: &str,
    disk: &str,
    region: &str,
    encryption: Encryption,
) -> CopyLineage {
    CopyLineage {
        account: account.into(),
        root: LineageRoot::Disk(disk.into()),
        region: region.into(),
        encryption,
    }
}

/// What an accepted copy reported: the copy, its lineage, its billing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub snapshot: Snapshot,
    pub lineage: CopyLineage,
    pub billing: BillingBasis,
}

/// The single `SnapshotCopied` event of an accepted copy, checked to be
/// dated `at`.
#[track_caller]
pub fn copied(events: &[Event], at: chrono::DateTime<chrono::Utc>) -> Copied {
    match events {
        [
            Event::SnapshotCopied {
                at: when,
                snapshot,
                lineage,
                billing,
            },
        ] => {
            assert_eq!(*when, at, "the copy is dated by the command");
            Copied {
                snapshot: snapshot.clone(),
                lineage: lineage.clone(),
                billing: *billing,
            }
        }
        other => panic!("expected exactly one SnapshotCopied event, got {other:?}"),
    }
}

impl World {
    /// Applies a copy that must be accepted; checks it emits exactly one
    /// `SnapshotCopied` whose snapshot is what the state now records, and
    /// that the lineage reported is the copy's own.
    #[track_caller]
    pub fn copy_ok(&mut self, actor: &Actor, command: CopySnapshot) -> Copied {
        let id = command.snapshot.clone();
        let events = self.ok(actor, command);
        let copied = copied(&events, self.now);
        assert_eq!(copied.snapshot.id, id);
        assert_eq!(self.state.snapshot(&id), Some(&copied.snapshot));
        assert_eq!(
            CopyLineage::of_copy(&copied.snapshot),
            Some(copied.lineage.clone())
        );
        copied
    }

    /// The billing basis of an accepted copy by [`OWNER`]'s root.
    #[track_caller]
    pub fn billed(&mut self, command: CopySnapshot) -> BillingBasis {
        self.copy_ok(&root(OWNER), command).billing
    }

    /// Activates KMS for `account` (a no-op when it has).
    #[track_caller]
    pub fn kms(&mut self, account: &str) {
        self.ok(&root(account), ActivateKms::new());
    }

    /// Completes a snapshot in progress as failed.
    #[track_caller]
    pub fn fail(&mut self, snapshot: &str) {
        self.ok(&Actor::Platform, FinishSnapshot::failed(snapshot));
    }

    /// Completes a snapshot in progress as available with `size_gib`.
    #[track_caller]
    pub fn finish_sized(&mut self, snapshot: &str, size_gib: u64) {
        self.ok(
            &Actor::Platform,
            FinishSnapshot::available(snapshot, size_gib),
        );
    }

    /// Disables a key of `account`.
    #[track_caller]
    pub fn disable_key(&mut self, account: &str, key: &str) {
        self.ok(&root(account), DisableKey::new(key));
    }

    /// Enables a key of `account`.
    #[track_caller]
    pub fn enable_key(&mut self, account: &str, key: &str) {
        self.ok(&root(account), EnableKey::new(key));
    }

    /// The platform announces `region` is closing down.
    #[track_caller]
    pub fn close_region(&mut self, region: &str) {
        self.ok(&Actor::Platform, MarkRegionClosingDown::new(region));
    }

    /// An available snapshot `snapshot` of a new disk `disk` of [`OWNER`]
    /// in [`REGION`], encrypted with `encryption`.
    #[track_caller]
    pub fn encrypted_snapshot(&mut self, disk: &str, snapshot: &str, encryption: Encryption) {
        self.ok(&root(OWNER), encrypted_disk(disk, REGION, encryption));
        self.snapshot(OWNER, disk, snapshot, None);
    }
}

// ---------------------------------------------------------------- commands and refusals

pub fn create_key(key: &str, region: &str) -> CreateKey {
    CreateKey::new(key, region)
}

pub fn disable(key: &str) -> DisableKey {
    DisableKey::new(key)
}

pub fn enable(key: &str) -> EnableKey {
    EnableKey::new(key)
}

pub fn no_kms(account: &str) -> Violation {
    Violation::KmsNotActivated {
        account: account.into(),
    }
}

pub fn key_not_found(key: &str) -> Violation {
    Violation::NotFound {
        kind: ObjectKind::Key,
        id: key.into(),
    }
}

pub fn foreign_key(key: &str, owner: &str, account: &str) -> Violation {
    Violation::ForeignResource {
        kind: ObjectKind::Key,
        id: key.into(),
        owner: owner.into(),
        account: account.into(),
    }
}

pub fn unusable(key: &str, problem: KeyProblem, rule: RuleId) -> Violation {
    Violation::KeyNotUsable {
        key: key.into(),
        problem,
        rule,
    }
}

pub fn other_region(key_region: &str, wanted: &str) -> KeyProblem {
    KeyProblem::OtherRegion {
        key_region: key_region.into(),
        wanted: wanted.into(),
    }
}

pub fn key_not_changed(requested: Encryption) -> Violation {
    Violation::SharedKeyNotChanged {
        snapshot: sid("s-e"),
        key: "k-1".into(),
        requested,
    }
}

/// A disk in [`REGION`] of `category` built from `snapshot`.
pub fn disk_from(
    disk: &str,
    snapshot: &str,
    category: DiskCategory,
    enc: Encryption,
) -> CreateDisk {
    CreateDisk::new(disk, REGION, category, 40)
        .encryption(enc)
        .source(DiskSource::snapshot(snapshot))
}

pub fn closing(region: &str) -> Violation {
    Violation::RegionClosingDown {
        region: region.into(),
    }
}

pub fn standard_refused(snapshot: &str, problem: StandardCopyProblem) -> Violation {
    Violation::StandardCopyRefused {
        snapshot: sid(snapshot),
        problem,
    }
}

pub fn not_available(snapshot: &str, status: SnapshotStatus) -> Violation {
    Violation::SnapshotNotAvailable {
        snapshot: sid(snapshot),
        status,
        rule: RuleId::Copy1,
    }
}
