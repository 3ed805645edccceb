//! Loading Cloud Backup: vaults, policies and backup points are checked
//! against the accounts, regions and snapshots, and against the VAULT
//! rules no history breaks.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::{StateError, created_by, dangling, live_and_retired, unique};
use crate::vault::{Backup, BackupIndex, BackupRetired};
use crate::{BackupPoint, BackupPolicy, ObjectKind as K, PolicyKind, State, Vault};

/// Cloud Backup's part of a serialized state.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BackupData {
    vaults: Vec<Vault>,
    policies: Vec<BackupPolicy>,
    points: Vec<BackupPoint>,
    retired: BackupRetired,
}

impl From<Backup> for BackupData {
    fn from(backup: Backup) -> Self {
        Self {
            vaults: backup.vaults.into_values().collect(),
            policies: backup.policies.into_values().collect(),
            points: backup.points.into_values().collect(),
            retired: backup.retired,
        }
    }
}

impl TryFrom<BackupData> for Backup {
    type Error = StateError;

    fn try_from(data: BackupData) -> Result<Self, StateError> {
        Ok(Self {
            vaults: unique(
                data.vaults,
                K::Vault,
                |v| v.id.clone(),
                |v| v.id.to_string(),
            )?,
            policies: unique(
                data.policies,
                K::BackupPolicy,
                |p| p.id.clone(),
                |p| p.id.to_string(),
            )?,
            points: unique(
                data.points,
                K::BackupPoint,
                |p| p.id.clone(),
                |p| p.id.to_string(),
            )?,
            retired: data.retired,
            index: BackupIndex::default(),
        })
    }
}

const UNDATED: &str = "it became immutable or locked before it existed or after the clock";

fn inconsistent(kind: K, id: &str, problem: &'static str) -> StateError {
    StateError::InconsistentBackup {
        kind,
        id: id.to_owned(),
        problem,
    }
}

impl State {
    /// Whether an instant of immutability or lock, if any, falls between
    /// the object's creation and the clock.
    fn dated(&self, since: Option<DateTime<Utc>>, created_at: DateTime<Utc>) -> bool {
        since.is_none_or(|since| since >= created_at && self.clock.is_some_and(|c| since <= c))
    }

    /// Checks Cloud Backup's objects on freshly loaded data.
    pub(super) fn check_backup(&self) -> Result<(), StateError> {
        let backup = &self.backup;
        let retired = &backup.retired;
        live_and_retired(K::Vault, &retired.vaults, &backup.vaults)?;
        live_and_retired(K::BackupPolicy, &retired.policies, &backup.policies)?;
        live_and_retired(K::BackupPoint, &retired.points, &backup.points)?;
        for vault in backup.vaults.values() {
            self.check_vault(vault)?;
        }
        for policy in backup.policies.values() {
            let id = policy.id.as_str();
            let Some(vault) = backup.vaults.get(&policy.vault) else {
                return Err(dangling(
                    K::BackupPolicy,
                    id,
                    K::Vault,
                    policy.vault.as_str(),
                ));
            };
            created_by(self.clock, K::BackupPolicy, id, policy.created_at)?;
            if policy.owner != vault.owner {
                return Err(inconsistent(
                    K::BackupPolicy,
                    id,
                    "it is not its vault's owner's",
                ));
            }
            if policy.immutable_since.is_some() && !vault.kind.supports_immutability() {
                return Err(inconsistent(
                    K::BackupPolicy,
                    id,
                    "its vault cannot be immutable",
                ));
            }
            if !self.dated(policy.immutable_since, policy.created_at) {
                return Err(inconsistent(K::BackupPolicy, id, UNDATED));
            }
        }
        for point in backup.points.values() {
            self.check_point(point)?;
        }
        Ok(())
    }

    fn check_vault(&self, vault: &Vault) -> Result<(), StateError> {
        let id = vault.id.as_str();
        if !self.accounts.contains_key(&vault.owner) {
            return Err(dangling(K::Vault, id, K::Account, vault.owner.as_str()));
        }
        if !self.regions.contains_key(&vault.region) {
            return Err(dangling(K::Vault, id, K::Region, vault.region.as_str()));
        }
        created_by(self.clock, K::Vault, id, vault.created_at)?;
        if vault.is_immutable() && !vault.kind.supports_immutability() {
            return Err(inconsistent(K::Vault, id, "its kind cannot be immutable"));
        }
        if !self.dated(vault.immutable_since, vault.created_at) {
            return Err(inconsistent(K::Vault, id, UNDATED));
        }
        let Some(source_id) = &vault.replica_of else {
            return Ok(());
        };
        if !self.backup.vault_id_taken(source_id) {
            return Err(dangling(K::Vault, id, K::Vault, source_id.as_str()));
        }
        if let Some(source) = self.backup.vaults.get(source_id) {
            let unlike = source.region == vault.region
                || source.owner != vault.owner
                || source.kind != vault.kind
                || source.replica_of.is_some()
                || (source.is_immutable() && !vault.is_immutable());
            if unlike {
                return Err(inconsistent(
                    K::Vault,
                    id,
                    "it is not a replica its source allows",
                ));
            }
        }
        Ok(())
    }

    fn check_point(&self, point: &BackupPoint) -> Result<(), StateError> {
        let id = point.id.as_str();
        let backup = &self.backup;
        let Some(vault) = backup.vaults.get(&point.vault) else {
            return Err(dangling(K::BackupPoint, id, K::Vault, point.vault.as_str()));
        };
        created_by(self.clock, K::BackupPoint, id, point.created_at)?;
        if point.owner != vault.owner {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                "it is not its vault's owner's",
            ));
        }
        if let Some(snapshot) = &point.snapshot {
            if !self.snapshot_id_taken(snapshot) {
                return Err(dangling(K::BackupPoint, id, K::Snapshot, snapshot.as_str()));
            }
            if self
                .snapshots
                .get(snapshot)
                .is_some_and(|snapshot| snapshot.owner != point.owner)
            {
                return Err(inconsistent(
                    K::BackupPoint,
                    id,
                    "it holds another's snapshot",
                ));
            }
        }
        if !self.dated(point.locked_since, point.created_at) {
            return Err(inconsistent(K::BackupPoint, id, UNDATED));
        }
        let policy = match &point.policy {
            Some(policy_id) => match backup.policies.get(policy_id) {
                Some(policy) if policy.vault != point.vault => {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        "its policy backs up elsewhere",
                    ));
                }
                Some(policy) => Some(policy),
                None if backup.policy_id_taken(policy_id) => None,
                None => {
                    return Err(dangling(
                        K::BackupPoint,
                        id,
                        K::BackupPolicy,
                        policy_id.as_str(),
                    ));
                }
            },
            None => None,
        };
        // Time deletes a point at its retention end (VAULT-5).
        let ended = point
            .retention
            .end()
            .is_some_and(|end| self.clock.is_none_or(|clock| end <= clock));
        if ended {
            return Err(inconsistent(K::BackupPoint, id, "its retention has ended"));
        }
        let locked = point.locked_since.is_some();
        // Made after its ECS instance policy became immutable: at the same
        // instant it may have come before or after.
        let by_policy = |after: fn(DateTime<Utc>, DateTime<Utc>) -> bool| {
            policy.is_some_and(|policy| {
                policy.immutable_since.is_some_and(|since| {
                    policy.kind == PolicyKind::General || after(point.created_at, since)
                })
            })
        };
        let must_lock = vault.is_immutable() || by_policy(|made, since| made > since);
        if must_lock && !locked {
            return Err(inconsistent(K::BackupPoint, id, "it should be locked"));
        }
        let source_locked = point.replica_of.as_ref().is_some_and(|source| {
            backup
                .points
                .get(source)
                .is_none_or(|source| source.locked_since.is_some())
        });
        let could_lock =
            vault.is_immutable() || by_policy(|made, since| made >= since) || source_locked;
        if locked && !could_lock {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                "nothing could have locked it",
            ));
        }
        if let Some(source_id) = &point.replica_of {
            if !backup.point_id_taken(source_id) {
                return Err(dangling(
                    K::BackupPoint,
                    id,
                    K::BackupPoint,
                    source_id.as_str(),
                ));
            }
            if let Some(source) = backup.points.get(source_id) {
                let unlike = vault.replica_of.as_ref() != Some(&source.vault)
                    || source.retention != point.retention
                    || (source.locked_since.is_some() && !locked);
                if unlike {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        "it is less protected than its source, or elsewhere",
                    ));
                }
            }
        }
        Ok(())
    }
}
