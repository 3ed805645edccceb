//! Loading Cloud Backup: vaults, policies and backup points are checked
//! against the accounts, regions and snapshots, and against the VAULT
//! rules no history breaks.

use serde::{Deserialize, Serialize};

use std::fmt;

use chrono::{DateTime, Utc};

use super::{Findings, StateError, created_after, created_by, dangling, live_and_retired, unique};
use crate::vault::{Backup, BackupRetired};
use crate::{
    BackupPoint, BackupPolicy, ObjectKind as K, PolicyKind, Retention, RetentionRequest, RuleId,
    Span, State, Vault, VaultKind, time,
};

/// What makes a loaded vault, backup policy or backup point one no
/// accepted history can make ([`StateError::InconsistentBackup`]).
///
/// Non-exhaustive: later versions may check more, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackupDefect {
    /// A vault is immutable, but its kind does not support it (VAULT-2).
    KindCannotBeImmutable,
    /// A policy is immutable, but its vault's kind does not support it
    /// (VAULT-2).
    VaultCannotBeImmutable,
    /// An archive vault's retention is out of the retention range, or a
    /// point's retention is one its vault could not give it: permanent in
    /// an archive vault of days, or ending earlier or later than a
    /// retention in days from its creation (a replica keeps its source's
    /// end, no later than the longest from its own creation).
    RetentionOutOfRange,
    /// A replica vault is in its source's region, of another owner or
    /// kind, a replica of a replica, or less immutable (VAULT-7).
    ReplicaUnlikeSource,
    /// A policy or point is not its vault's owner's.
    NotItsVaultOwners,
    /// It was created before its vault, or before its source, policy or
    /// snapshot.
    BeforeItsVault,
    /// It became immutable or locked before it existed or after the clock.
    Undated,
    /// A point holds another account's snapshot.
    OthersSnapshot,
    /// A point's policy backs up into another vault, or was deleted while
    /// the point stayed.
    PolicyElsewhere,
    /// A point is held past its retention end (VAULT-5).
    RetentionEnded,
    /// A point is unlocked although its vault or policy locks it (VAULT-4).
    ShouldBeLocked,
    /// A point is locked although nothing could have locked it (VAULT-4).
    NothingCouldLock,
    /// A replica point is outside a replica of its source's vault, carries
    /// a policy or snapshot, or is less protected than its source (VAULT-7).
    LessProtectedThanSource,
}

impl fmt::Display for BackupDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::KindCannotBeImmutable => "its kind cannot be immutable",
            Self::VaultCannotBeImmutable => "its vault cannot be immutable",
            Self::RetentionOutOfRange => "its retention is out of range",
            Self::ReplicaUnlikeSource => "it is not a replica its source allows",
            Self::NotItsVaultOwners => "it is not its vault's owner's",
            Self::BeforeItsVault => "it was created before its vault or what it was made from",
            Self::Undated => "it became immutable or locked before it existed or after the clock",
            Self::OthersSnapshot => "it holds another's snapshot",
            Self::PolicyElsewhere => "its policy backs up elsewhere or is gone",
            Self::RetentionEnded => "its retention has ended",
            Self::ShouldBeLocked => "it should be locked",
            Self::NothingCouldLock => "nothing could have locked it",
            Self::LessProtectedThanSource => "it is less protected than its source, or elsewhere",
        })
    }
}

impl BackupDefect {
    /// The rule the defect breaks. Defects no rule of the catalog names
    /// map to the rule behind them: an object of another account to
    /// PERM-4, a date before its vault or after the clock to GEN-2, a
    /// policy that is gone or elsewhere to GEN-4, an archive retention out
    /// of range to VAULT-1.
    ///
    /// ```
    /// use snapguard::{BackupDefect, RuleId};
    /// assert_eq!(BackupDefect::ShouldBeLocked.rule(), RuleId::Vault4);
    /// ```
    #[must_use]
    pub const fn rule(self) -> RuleId {
        match self {
            Self::KindCannotBeImmutable | Self::VaultCannotBeImmutable => RuleId::Vault2,
            Self::RetentionOutOfRange => RuleId::Vault1,
            Self::ReplicaUnlikeSource | Self::LessProtectedThanSource => RuleId::Vault7,
            Self::NotItsVaultOwners | Self::OthersSnapshot => RuleId::Perm4,
            Self::BeforeItsVault | Self::Undated => RuleId::Gen2,
            Self::PolicyElsewhere => RuleId::Gen4,
            Self::RetentionEnded => RuleId::Vault5,
            Self::ShouldBeLocked | Self::NothingCouldLock => RuleId::Vault4,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Cloud Backup's part of a serialized state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl BackupData {
    /// Builds Cloud Backup's tables, recording duplicate ids.
    pub(super) fn load(self, found: &mut Findings) -> Backup {
        Backup {
            vaults: unique(
                found,
                self.vaults,
                K::Vault,
                |v| v.id.clone(),
                |v| v.id.to_string(),
            ),
            policies: unique(
                found,
                self.policies,
                K::BackupPolicy,
                |p| p.id.clone(),
                |p| p.id.to_string(),
            ),
            points: unique(
                found,
                self.points,
                K::BackupPoint,
                |p| p.id.clone(),
                |p| p.id.to_string(),
            ),
            retired: self.retired,
        }
    }
}

fn inconsistent(kind: K, id: &str, defect: BackupDefect) -> StateError {
    StateError::InconsistentBackup {
        kind,
        id: id.to_owned(),
        defect,
    }
}

impl State {
    /// Whether an instant of immutability or lock, if any, falls between
    /// the object's creation and the clock.
    fn dated(&self, since: Option<DateTime<Utc>>, created_at: DateTime<Utc>) -> bool {
        since.is_none_or(|since| since >= created_at && self.clock.is_some_and(|c| since <= c))
    }

    /// Checks Cloud Backup's objects on freshly loaded data.
    pub(super) fn check_backup(&self, found: &mut Findings) {
        let backup = &self.backup;
        let retired = &backup.retired;
        live_and_retired(found, K::Vault, &retired.vaults, &backup.vaults);
        live_and_retired(found, K::BackupPolicy, &retired.policies, &backup.policies);
        live_and_retired(found, K::BackupPoint, &retired.points, &backup.points);
        found.each(backup.vaults.values(), |vault| self.check_vault(vault));
        found.each(backup.policies.values(), |policy| {
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
                    BackupDefect::NotItsVaultOwners,
                ));
            }
            if policy.immutable_since.is_some() && !vault.kind.supports_immutability() {
                return Err(inconsistent(
                    K::BackupPolicy,
                    id,
                    BackupDefect::VaultCannotBeImmutable,
                ));
            }
            if !self.dated(policy.immutable_since, policy.created_at) {
                return Err(inconsistent(K::BackupPolicy, id, BackupDefect::Undated));
            }
            if policy.created_at < vault.created_at {
                return Err(inconsistent(
                    K::BackupPolicy,
                    id,
                    BackupDefect::BeforeItsVault,
                ));
            }
            Ok(())
        });
        found.each(backup.points.values(), |point| self.check_point(point));
    }

    fn check_vault(&self, vault: &Vault) -> Result<(), StateError> {
        let id = vault.id.as_str();
        let Some(owner) = self.accounts.get(&vault.owner) else {
            return Err(dangling(K::Vault, id, K::Account, vault.owner.as_str()));
        };
        let Some(region) = self.regions.get(&vault.region) else {
            return Err(dangling(K::Vault, id, K::Region, vault.region.as_str()));
        };
        created_by(self.clock, K::Vault, id, vault.created_at)?;
        let (this, at) = ((K::Vault, id), vault.created_at);
        created_after(this, at, (K::Account, owner.id.as_str()), owner.created_at)?;
        created_after(this, at, (K::Region, region.id.as_str()), region.created_at)?;
        if vault.is_immutable() && !vault.kind.supports_immutability() {
            return Err(inconsistent(
                K::Vault,
                id,
                BackupDefect::KindCannotBeImmutable,
            ));
        }
        if !self.dated(vault.immutable_since, vault.created_at) {
            return Err(inconsistent(K::Vault, id, BackupDefect::Undated));
        }
        if let VaultKind::Archive {
            retention: RetentionRequest::Days(days),
        } = vault.kind
        {
            let limits = &self.limits;
            if !(limits.min_retention_days..=limits.max_retention_days).contains(&days) {
                return Err(inconsistent(
                    K::Vault,
                    id,
                    BackupDefect::RetentionOutOfRange,
                ));
            }
        }
        let Some(source_id) = &vault.replica_of else {
            return Ok(());
        };
        if !self.vault_id_taken(source_id) {
            return Err(dangling(K::Vault, id, K::Vault, source_id.as_str()));
        }
        if let Some(source) = self.backup.vaults.get(source_id) {
            let unlike = source.region == vault.region
                || source.created_at > vault.created_at
                || source.owner != vault.owner
                || source.kind != vault.kind
                || source.replica_of.is_some()
                || (source.is_immutable() && !vault.is_immutable());
            if unlike {
                return Err(inconsistent(
                    K::Vault,
                    id,
                    BackupDefect::ReplicaUnlikeSource,
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
        if point.created_at < vault.created_at {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                BackupDefect::BeforeItsVault,
            ));
        }
        if point.owner != vault.owner {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                BackupDefect::NotItsVaultOwners,
            ));
        }
        if let Some(snapshot) = &point.snapshot {
            if !self.snapshot_id_taken(snapshot) {
                return Err(dangling(K::BackupPoint, id, K::Snapshot, snapshot.as_str()));
            }
            let snapshot = self.snapshots.get(snapshot);
            if snapshot.is_some_and(|snapshot| snapshot.owner != point.owner) {
                return Err(inconsistent(
                    K::BackupPoint,
                    id,
                    BackupDefect::OthersSnapshot,
                ));
            }
            if snapshot.is_some_and(|snapshot| snapshot.created_at > point.created_at) {
                return Err(inconsistent(
                    K::BackupPoint,
                    id,
                    BackupDefect::BeforeItsVault,
                ));
            }
        }
        if !self.dated(point.locked_since, point.created_at) {
            return Err(inconsistent(K::BackupPoint, id, BackupDefect::Undated));
        }
        let policy = match &point.policy {
            Some(policy_id) => match backup.policies.get(policy_id) {
                Some(policy) if policy.vault != point.vault => {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        BackupDefect::PolicyElsewhere,
                    ));
                }
                Some(policy) if policy.created_at > point.created_at => {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        BackupDefect::BeforeItsVault,
                    ));
                }
                Some(policy) => Some(policy),
                // Policies go only with their vault, and its points.
                None if self.policy_id_taken(policy_id) => {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        BackupDefect::PolicyElsewhere,
                    ));
                }
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
        let ended = point.retention.end().is_some()
            && self
                .clock
                .is_none_or(|clock| point.retention.has_ended_by(clock));
        if ended {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                BackupDefect::RetentionEnded,
            ));
        }
        if !self.could_retain(vault, point) {
            return Err(inconsistent(
                K::BackupPoint,
                id,
                BackupDefect::RetentionOutOfRange,
            ));
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
            return Err(inconsistent(
                K::BackupPoint,
                id,
                BackupDefect::ShouldBeLocked,
            ));
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
                BackupDefect::NothingCouldLock,
            ));
        }
        if let Some(source_id) = &point.replica_of {
            if !self.point_id_taken(source_id) {
                return Err(dangling(
                    K::BackupPoint,
                    id,
                    K::BackupPoint,
                    source_id.as_str(),
                ));
            }
            let elsewhere =
                vault.replica_of.is_none() || point.policy.is_some() || point.snapshot.is_some();
            if elsewhere {
                return Err(inconsistent(
                    K::BackupPoint,
                    id,
                    BackupDefect::LessProtectedThanSource,
                ));
            }
            if let Some(source) = backup.points.get(source_id) {
                if source.created_at > point.created_at {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        BackupDefect::BeforeItsVault,
                    ));
                }
                let unlike = vault.replica_of.as_ref() != Some(&source.vault)
                    || source.retention != point.retention
                    || (source.locked_since.is_some() && !locked);
                if unlike {
                    return Err(inconsistent(
                        K::BackupPoint,
                        id,
                        BackupDefect::LessProtectedThanSource,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether `point` could have been given its retention in `vault`: in
    /// an archive vault of days, its vault's days or days given, never
    /// permanent; elsewhere permanent, or days given from its creation
    /// (SNAP-5). A replica keeps its source's retention end, which came
    /// no later than the longest from its own creation.
    fn could_retain(&self, vault: &Vault, point: &BackupPoint) -> bool {
        let limits = &self.limits;
        let from = point.created_at;
        match point.retention {
            Retention::Permanent => !matches!(
                vault.kind,
                VaultKind::Archive {
                    retention: RetentionRequest::Days(_),
                }
            ),
            Retention::Until(end) => {
                let shortest = Span::Days(limits.min_retention_days);
                let earliest = match point.replica_of {
                    Some(_) => Ok(from),
                    None => time::later(from, shortest),
                };
                let longest = Span::Days(limits.max_retention_days);
                earliest.is_ok_and(|earliest| earliest <= end)
                    && time::no_later_than(end, from, longest)
            }
        }
    }
}
