//! Payloads of Cloud Backup: vaults, policies, backup points and
//! immutability (VAULT).

use serde::{Deserialize, Serialize};

use crate::{
    BackupPointId, BackupPolicyId, ImmutableTarget, PolicyKind, RegionId, SnapshotId, VaultId,
    VaultKind,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a vault of the actor's account (`hbr:CreateVault`). An archive
/// vault's retention in days is within the retention range (SNAP-5,
/// **Decision**).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateVault {
    /// The new vault's id.
    pub vault: VaultId,
    /// Its region.
    pub region: RegionId,
    /// Its kind (VAULT-1).
    pub kind: VaultKind,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a backup policy of the actor's account backing up into one of
/// its vaults (`hbr:CreateBackupPlan`), immutable from the start or not.
///
/// After the common checks: an immutable policy needs a vault that
/// supports immutability (VAULT-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateBackupPolicy {
    /// The new policy's id.
    pub policy: BackupPolicyId,
    /// The vault it backs up into.
    pub vault: VaultId,
    /// Its kind.
    pub kind: PolicyKind,
    /// Whether immutable backup is on from the start.
    pub immutable: bool,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Enables immutable backup (or immutable archive) on a vault or policy of
/// the actor's account (`hbr:UpdateVault`, `hbr:UpdateBackupPlan`).
/// Irreversible (VAULT-3); enabling again records nothing.
///
/// After the common checks: the vault, or the policy's vault, supports it
/// (VAULT-2). A vault then locks every backup point it holds, and its
/// replicas become immutable with theirs (VAULT-7); a general policy locks
/// the points it made; an ECS instance policy locks none of its existing
/// points (VAULT-4). Every later point of the vault or policy is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnableImmutability {
    /// The vault or policy.
    pub target: ImmutableTarget,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Asks to disable immutability on a vault or policy of the actor's
/// account: always refused (VAULT-3), after the common checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DisableImmutability {
    /// The vault or policy.
    pub target: ImmutableTarget,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records a backup point made in a vault, by one of its policies or on
/// demand. Issued by the platform: backing up is never hindered by
/// immutability (VAULT-8).
///
/// The point is locked when its vault or its policy is immutable (VAULT-4).
/// Its retention is `retention_days` from now; without it, an archive
/// vault's retention, or permanent for other vaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateBackupPoint {
    /// The new backup point's id.
    pub point: BackupPointId,
    /// The vault it is stored in.
    pub vault: VaultId,
    /// The policy that made it, backing up into the same vault.
    pub policy: Option<BackupPolicyId>,
    /// The ECS snapshot it holds, of the vault's account, if it backs up a
    /// disk.
    pub snapshot: Option<SnapshotId>,
    /// Retention in days from now (SNAP-5 range), or `None` for the
    /// vault's default.
    pub retention_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Deletes a backup point (`hbr:DeleteBackupPoint`); refused while it is
/// locked, whoever asks (VAULT-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteBackupPoint {
    /// The backup point.
    pub point: BackupPointId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Restores from a backup point (`hbr:CreateRestoreJob`); immutability never stops
/// it (VAULT-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RestoreBackupPoint {
    /// The backup point.
    pub point: BackupPointId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Deletes a vault with its policies and backup points (`hbr:DeleteVault`).
///
/// After the common checks: an immutable vault holds no backup point whose
/// retention has not ended (VAULT-6); another vault holds no locked backup
/// point (VAULT-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteVault {
    /// The vault.
    pub vault: VaultId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Sets up cross-region replication of a vault of the actor's account
/// (`hbr:CreateReplicationVault`): a replica vault of the same kind in
/// another region, immutable if its source is (VAULT-7).
///
/// After the common checks: the region is another one, and the source is
/// not itself a replica (VAULT-7, **Decision**: replication is one level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReplicateVault {
    /// The vault replicated.
    pub vault: VaultId,
    /// The new replica vault's id.
    pub replica: VaultId,
    /// The replica's region.
    pub region: RegionId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records the replica of a backup point in a replica of its vault. Issued
/// by the platform. The replica keeps the point's retention end, and is
/// locked when the point is or the replica vault is immutable (VAULT-7).
///
/// After the common checks: the vault is a replica of the point's vault
/// (VAULT-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReplicateBackupPoint {
    /// The backup point replicated.
    pub point: BackupPointId,
    /// The replica's id.
    pub replica: BackupPointId,
    /// The replica vault it goes to.
    pub vault: VaultId,
}
