//! Cloud Backup (VAULT): vaults, backup policies and backup points, and
//! immutable backup, the vault-level WORM of the seeds.
//!
//! Unlike a snapshot lock, immutability is switched on for a whole vault
//! or backup policy and never off (VAULT-3); it locks backup points until
//! their retention ends (VAULT-5), when time deletes them.

use crate::store::{Set, Table};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, BackupPointId, BackupPolicyId, RegionId, Retention, RetentionRequest, SnapshotId,
    VaultId,
};

mod query;
pub(crate) mod record;

pub use query::{Deletability, PointLockView, VaultReport};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The kind of a vault (VAULT-1).
///
/// Non-exhaustive: later versions may add kinds, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum VaultKind {
    /// A general-purpose backup vault.
    GeneralPurpose,
    /// A database backup vault.
    Database,
    /// A database vault of Realtime Backup.
    DatabaseRealtime,
    /// NAS Backup, free for 30 days.
    #[serde(rename = "nas_free_30_days")]
    NasFree30Days,
    /// OSS Backup, free for 30 days.
    #[serde(rename = "oss_free_30_days")]
    OssFree30Days,
    /// Tablestore Backup, free for 30 days.
    #[serde(rename = "tablestore_free_30_days")]
    TablestoreFree30Days,
    /// An archive vault, keeping its backup points permanently or for a
    /// number of days from their creation.
    Archive {
        /// How long its backup points are kept by default.
        retention: RetentionRequest,
    },
}

impl VaultKind {
    /// Whether immutability can be enabled on a vault of this kind, or on a
    /// policy backing up into one (VAULT-2): immutable backup on
    /// general-purpose and database vaults (not Realtime Backup), immutable
    /// archive on archive vaults whose retention is not permanent.
    ///
    /// ```
    /// use snapguard::{RetentionRequest, VaultKind};
    /// assert!(VaultKind::GeneralPurpose.supports_immutability());
    /// assert!(!VaultKind::NasFree30Days.supports_immutability());
    /// assert!(VaultKind::Archive { retention: RetentionRequest::Days(365) }.supports_immutability());
    /// assert!(!VaultKind::Archive { retention: RetentionRequest::Permanent }.supports_immutability());
    /// ```
    #[must_use]
    pub fn supports_immutability(self) -> bool {
        match self {
            Self::GeneralPurpose | Self::Database => true,
            Self::Archive { retention } => retention != RetentionRequest::Permanent,
            Self::DatabaseRealtime
            | Self::NasFree30Days
            | Self::OssFree30Days
            | Self::TablestoreFree30Days => false,
        }
    }
}

impl fmt::Display for VaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GeneralPurpose => f.write_str("general-purpose vault"),
            Self::Database => f.write_str("database vault"),
            Self::DatabaseRealtime => f.write_str("Realtime Backup database vault"),
            Self::NasFree30Days => f.write_str("NAS Backup (free for 30 days) vault"),
            Self::OssFree30Days => f.write_str("OSS Backup (free for 30 days) vault"),
            Self::TablestoreFree30Days => f.write_str("Tablestore Backup (free for 30 days) vault"),
            Self::Archive {
                retention: RetentionRequest::Permanent,
            } => f.write_str("permanent archive vault"),
            Self::Archive {
                retention: RetentionRequest::Days(days),
            } => write!(f, "archive vault of {days} days"),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A Cloud Backup vault.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Vault {
    /// Its id.
    pub id: VaultId,
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Its kind.
    pub kind: VaultKind,
    /// Since when it is immutable, if it is (VAULT-3: for good).
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub immutable_since: Option<DateTime<Utc>>,
    /// The vault it replicates, in another region (VAULT-7), if any.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub replica_of: Option<VaultId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Vault {
    /// Whether immutability is enabled.
    #[must_use]
    pub fn is_immutable(&self) -> bool {
        self.immutable_since.is_some()
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The kind of a backup policy (VAULT-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum PolicyKind {
    /// A general backup policy: made immutable, it locks the backup points
    /// it already made too.
    General,
    /// An ECS instance backup policy: made immutable, it locks only the
    /// backup points it makes afterwards.
    EcsInstance,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A backup policy, backing up into one vault.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackupPolicy {
    /// Its id.
    pub id: BackupPolicyId,
    /// The account that owns it.
    pub owner: AccountId,
    /// The vault it backs up into.
    pub vault: VaultId,
    /// Its kind.
    pub kind: PolicyKind,
    /// Since when it is immutable, if it is (VAULT-3: for good).
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub immutable_since: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A backup point: one backup held in a vault.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackupPoint {
    /// Its id.
    pub id: BackupPointId,
    /// The vault holding it.
    pub vault: VaultId,
    /// The account that owns it (its vault's).
    pub owner: AccountId,
    /// The policy that made it, if one did.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub policy: Option<BackupPolicyId>,
    /// The ECS snapshot it was made from, if it backs up a disk. The point
    /// holds its own copy of the data, so the snapshot keeps following its
    /// own rules: immutability does not hinder its use (VAULT-8).
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub snapshot: Option<SnapshotId>,
    /// How long it is kept; at its end it is deleted (VAULT-5).
    pub retention: Retention,
    /// Since when it is locked, if it is: it cannot be deleted before its
    /// retention ends, by anyone (VAULT-5).
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub locked_since: Option<DateTime<Utc>>,
    /// The backup point it replicates, if it is a cross-region replica.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub replica_of: Option<BackupPointId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl BackupPoint {
    /// Whether it is locked at `now`: locked by then, and its retention not
    /// ended (VAULT-5).
    #[must_use]
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.protection_at(now).is_some()
    }

    /// Since when immutability protects the point at `now` (VAULT-5): locked
    /// by then, and its retention not ended. The one check that deletion
    /// and reports ask.
    #[must_use]
    pub(crate) fn protection_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_since
            .filter(|since| *since <= now && !self.retention.has_ended_by(now))
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What immutability is enabled on: a vault or a backup policy.
///
/// Non-exhaustive: later versions may add targets, so a `match` outside
/// the crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum ImmutableTarget {
    /// A vault.
    Vault(VaultId),
    /// A backup policy.
    Policy(BackupPolicyId),
}

impl fmt::Display for ImmutableTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Vault(id) => write!(f, "vault `{id}`"),
            Self::Policy(id) => write!(f, "backup policy `{id}`"),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a replication was refused (VAULT-7).
///
/// Non-exhaustive: later versions may add problems, so a `match` outside
/// the crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ReplicationProblem {
    /// A replica goes to another region than its source's.
    SameRegion {
        /// The region of both.
        region: RegionId,
    },
    /// The vault is itself a replica (**Decision**: replication is one
    /// level deep).
    ReplicaOfReplica {
        /// The vault it replicates.
        source: VaultId,
    },
    /// A backup point is replicated only into a replica of its vault.
    NotAReplica {
        /// The backup point.
        point: BackupPointId,
        /// The vault named as the replica.
        replica: VaultId,
    },
}

impl fmt::Display for ReplicationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SameRegion { region } => {
                write!(f, "a replica goes to another region than `{region}`")
            }
            Self::ReplicaOfReplica { source } => {
                write!(f, "it is itself a replica of vault `{source}`")
            }
            Self::NotAReplica { point, replica } => write!(
                f,
                "vault `{replica}` is not its replica, to hold backup point `{point}`"
            ),
        }
    }
}

/// Cloud Backup's part of the state: its objects and the ids of deleted
/// ones. Its indexes are the state's (`index/backup.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Backup {
    pub(crate) vaults: Table<VaultId, Vault>,
    pub(crate) policies: Table<BackupPolicyId, BackupPolicy>,
    pub(crate) points: Table<BackupPointId, BackupPoint>,
    pub(crate) retired: BackupRetired,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The ids of deleted vaults, policies and backup points (GEN-4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackupRetired {
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<VaultId>")
    )]
    pub(crate) vaults: Set<VaultId>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<BackupPolicyId>")
    )]
    pub(crate) policies: Set<BackupPolicyId>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeSet<BackupPointId>")
    )]
    pub(crate) points: Set<BackupPointId>,
}
