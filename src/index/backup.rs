//! The Cloud Backup part of the index: the points of each vault and
//! policy, replicas, the retention ends that hold a vault (VAULT-5,
//! VAULT-6), and each point's retention end in the timer set.

use chrono::{DateTime, Utc};

use super::{Indexes, index_insert, index_remove};
use crate::deadline::Deadline;
use crate::store::{Map, Set};
use crate::{BackupPoint, BackupPointId, BackupPolicy, BackupPolicyId, Vault, VaultId};

/// A backup point's retention end, ordered with permanent ones last: the
/// greatest is the point a vault holds longest.
type EndOf = (bool, Option<DateTime<Utc>>, BackupPointId);

/// The indexes derived from the backup data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct BackupIndex {
    /// The backup points of each vault.
    points_of_vault: Map<VaultId, Set<BackupPointId>>,
    /// The backup points each policy made (VAULT-4).
    points_of_policy: Map<BackupPolicyId, Set<BackupPointId>>,
    /// The policies backing up into each vault.
    policies_of_vault: Map<VaultId, Set<BackupPolicyId>>,
    /// The replicas of each vault (VAULT-7).
    replicas_of: Map<VaultId, Set<VaultId>>,
    /// The replicas of each backup point (VAULT-7).
    replicas_of_point: Map<BackupPointId, Set<BackupPointId>>,
    /// The retention ends of each vault's points, and of its locked
    /// points: what holds a vault (VAULT-5, VAULT-6).
    ends_of_vault: Map<VaultId, Set<EndOf>>,
    locked_ends_of_vault: Map<VaultId, Set<EndOf>>,
}

/// What happened in Cloud Backup.
impl Indexes {
    /// A vault was created.
    pub(crate) fn vault_added(&mut self, vault: &Vault) {
        if let Some(source) = &vault.replica_of {
            index_insert(&mut self.backup.replicas_of, source, &vault.id);
        }
    }

    /// A vault was deleted, after its points and policies.
    pub(crate) fn vault_removed(&mut self, vault: &Vault) {
        if let Some(source) = &vault.replica_of {
            index_remove(&mut self.backup.replicas_of, source, &vault.id);
        }
    }

    /// A backup policy was created.
    pub(crate) fn policy_added(&mut self, policy: &BackupPolicy) {
        let policies = &mut self.backup.policies_of_vault;
        index_insert(policies, &policy.vault, &policy.id);
    }

    /// A backup policy was deleted with its vault, after the points it
    /// made (which are in that vault: replicas name no policy).
    pub(crate) fn policy_removed(&mut self, policy: &BackupPolicy) {
        index_remove(
            &mut self.backup.policies_of_vault,
            &policy.vault,
            &policy.id,
        );
    }

    /// A backup point was created, or changed (after
    /// [`Indexes::point_removed`] of what it was): indexed, with its
    /// retention end in the timer set.
    pub(crate) fn point_added(&mut self, point: &BackupPoint) {
        let backup = &mut self.backup;
        index_insert(&mut backup.points_of_vault, &point.vault, &point.id);
        if let Some(policy) = &point.policy {
            index_insert(&mut backup.points_of_policy, policy, &point.id);
        }
        if let Some(source) = &point.replica_of {
            index_insert(&mut backup.replicas_of_point, source, &point.id);
        }
        index_insert(&mut backup.ends_of_vault, &point.vault, &end_of(point));
        if point.locked_since.is_some() {
            index_insert(
                &mut backup.locked_ends_of_vault,
                &point.vault,
                &end_of(point),
            );
        }
        if let Some(deadline) = Deadline::of_point(point) {
            self.deadlines.insert(deadline);
        }
    }

    /// A backup point was deleted (or is about to change): undoes
    /// [`Indexes::point_added`].
    pub(crate) fn point_removed(&mut self, point: &BackupPoint) {
        let backup = &mut self.backup;
        index_remove(&mut backup.points_of_vault, &point.vault, &point.id);
        if let Some(policy) = &point.policy {
            index_remove(&mut backup.points_of_policy, policy, &point.id);
        }
        if let Some(source) = &point.replica_of {
            index_remove(&mut backup.replicas_of_point, source, &point.id);
        }
        index_remove(&mut backup.ends_of_vault, &point.vault, &end_of(point));
        index_remove(
            &mut backup.locked_ends_of_vault,
            &point.vault,
            &end_of(point),
        );
        if let Some(deadline) = Deadline::of_point(point) {
            self.deadlines.remove(&deadline);
        }
    }
}

/// What the vault rules and queries read.
impl Indexes {
    /// The backup points of a vault.
    pub(crate) fn points_of_vault(&self, vault: &VaultId) -> impl Iterator<Item = &BackupPointId> {
        self.backup.points_of_vault.get(vault).into_iter().flatten()
    }

    /// The backup policies backing up into a vault.
    pub(crate) fn policies_of_vault(
        &self,
        vault: &VaultId,
    ) -> impl Iterator<Item = &BackupPolicyId> {
        self.backup
            .policies_of_vault
            .get(vault)
            .into_iter()
            .flatten()
    }

    /// The backup points a policy made.
    pub(crate) fn points_of_policy(
        &self,
        policy: &BackupPolicyId,
    ) -> impl Iterator<Item = &BackupPointId> {
        self.backup
            .points_of_policy
            .get(policy)
            .into_iter()
            .flatten()
    }

    /// The replicas of a vault.
    pub(crate) fn replicas_of_vault(&self, vault: &VaultId) -> impl Iterator<Item = &VaultId> {
        self.backup.replicas_of.get(vault).into_iter().flatten()
    }

    /// The replicas of a backup point.
    pub(crate) fn replicas_of_point(
        &self,
        point: &BackupPointId,
    ) -> impl Iterator<Item = &BackupPointId> {
        self.backup
            .replicas_of_point
            .get(point)
            .into_iter()
            .flatten()
    }

    /// The retention end of the point a vault holds longest, of all its
    /// points or only of its locked ones: `Some(None)` when that point is
    /// permanent, `None` when there is no such point.
    pub(crate) fn longest_held(
        &self,
        vault: &VaultId,
        locked_only: bool,
    ) -> Option<Option<DateTime<Utc>>> {
        let ends = if locked_only {
            &self.backup.locked_ends_of_vault
        } else {
            &self.backup.ends_of_vault
        };
        let (_, until, _) = ends.get(vault)?.get_max()?;
        Some(*until)
    }
}

/// A point's retention end, ordered with permanent ones last.
fn end_of(point: &BackupPoint) -> EndOf {
    let end = point.retention.end();
    (end.is_none(), end, point.id.clone())
}
