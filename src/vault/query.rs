//! What a vault's owner and auditors ask: which backup points are locked
//! and until when, and whether the vault can be deleted now (VAULT-5,
//! VAULT-6).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BackupPoint, BackupPolicy, Vault};
use crate::{BackupPointId, BackupPolicyId, ObjectKind, RuleId, State, VaultId};

/// A backup point of a vault report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PointLockView {
    /// The backup point.
    pub point: BackupPointId,
    /// Whether it is locked now (VAULT-5).
    pub locked: bool,
    /// When its retention ends, and with it any lock; `None` when never.
    pub until: Option<DateTime<Utc>>,
}

/// When a vault can be deleted (VAULT-5, VAULT-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "at",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Deletability {
    /// Now.
    Now,
    /// From this instant, when time has deleted what holds it.
    From(DateTime<Utc>),
    /// Never: it holds a locked backup point kept permanently.
    Never,
}

/// A vault's immutability, its backup points' locks, and when it can be
/// deleted: the answer [`State::vault_report`] gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VaultReport {
    /// The vault.
    pub vault: VaultId,
    /// Whether it is immutable.
    pub immutable: bool,
    /// Its backup points held now, by id.
    pub points: Vec<PointLockView>,
    /// When it can be deleted.
    pub deletable: Deletability,
}

impl State {
    /// A vault.
    #[must_use]
    pub fn vault(&self, id: &VaultId) -> Option<&Vault> {
        self.backup.vaults.get(id)
    }

    /// Every vault, ordered by id.
    pub fn vaults(&self) -> impl Iterator<Item = &Vault> {
        self.backup.vaults.values()
    }

    /// A backup policy.
    #[must_use]
    pub fn backup_policy(&self, id: &BackupPolicyId) -> Option<&BackupPolicy> {
        self.backup.policies.get(id)
    }

    /// Every backup policy, ordered by id.
    pub fn backup_policies(&self) -> impl Iterator<Item = &BackupPolicy> {
        self.backup.policies.values()
    }

    /// A backup point (those deleted by time are gone once recorded).
    #[must_use]
    pub fn backup_point(&self, id: &BackupPointId) -> Option<&BackupPoint> {
        self.backup.points.get(id)
    }

    /// The backup points of a vault, ordered by id.
    pub fn backup_points_of<'s>(
        &'s self,
        vault: &VaultId,
    ) -> impl Iterator<Item = &'s BackupPoint> {
        self.index
            .points_of_vault(vault)
            .filter_map(|id| self.backup.points.get(id))
    }

    /// Which backup points of a vault are locked at `now` and until when,
    /// and whether the vault can be deleted now, and if not from when.
    /// Points whose retention ended by `now` are left out, as time deletes
    /// them. `None` for an unknown vault.
    ///
    /// An immutable vault can be deleted once it holds no backup point
    /// (VAULT-6); another once it holds no locked one (VAULT-5).
    ///
    /// ```
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// let root = Actor::root("1001");
    /// let vault = CreateVault::new("v-1", "cn-hangzhou", VaultKind::GeneralPurpose);
    /// state.apply_mut(now, &root, vault)?;
    /// let point = CreateBackupPoint::new("bp-1", "v-1").retention_days(30);
    /// state.apply_mut(now, &Actor::Platform, point)?;
    /// let enable = EnableImmutability::vault("v-1");
    /// state.apply_mut(now, &root, enable)?;
    ///
    /// let report = state.vault_report(&"v-1".into(), now).ok_or("no vault")?;
    /// let end = now + TimeDelta::days(30);
    /// assert!(report.immutable);
    /// assert!(report.points[0].locked);
    /// assert_eq!(report.points[0].until, Some(end));
    /// assert_eq!(report.deletable, Deletability::From(end));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn vault_report(&self, vault: &VaultId, now: DateTime<Utc>) -> Option<VaultReport> {
        let vault = self.vault(vault)?;
        let held: Vec<&BackupPoint> = self
            .backup_points_of(&vault.id)
            .filter(|point| !point.retention.has_ended_by(now))
            .collect();
        let points = held
            .iter()
            .map(|point| PointLockView {
                point: point.id.clone(),
                locked: point.is_locked_at(now),
                until: point.retention.end(),
            })
            .collect();
        let deletable = match self.vault_held(vault, now) {
            None => Deletability::Now,
            Some((Some(end), _)) => Deletability::From(end),
            Some((None, _)) => Deletability::Never,
        };
        Some(VaultReport {
            vault: vault.id.clone(),
            immutable: vault.is_immutable(),
            points,
            deletable,
        })
    }
}

impl State {
    /// Whether a vault id names a vault, live or deleted (GEN-4).
    pub(crate) fn vault_id_taken(&self, id: &VaultId) -> bool {
        let (live, retired) = (&self.backup.vaults, &self.backup.retired.vaults);
        self.id_taken(ObjectKind::Vault, live, retired, id)
    }

    /// Whether a policy id names a backup policy, live or deleted (GEN-4).
    pub(crate) fn policy_id_taken(&self, id: &BackupPolicyId) -> bool {
        let (live, retired) = (&self.backup.policies, &self.backup.retired.policies);
        self.id_taken(ObjectKind::BackupPolicy, live, retired, id)
    }

    /// Whether a point id names a backup point, live or deleted (GEN-4).
    pub(crate) fn point_id_taken(&self, id: &BackupPointId) -> bool {
        let (live, retired) = (&self.backup.points, &self.backup.retired.points);
        self.id_taken(ObjectKind::BackupPoint, live, retired, id)
    }
}

impl State {
    /// What stops deleting `vault` at `now`, if anything: the retention end
    /// of the point held longest (`None` when permanent), under VAULT-6 for
    /// an immutable vault (any point) or VAULT-5 (a locked point). A few
    /// map lookups, whatever the vault holds.
    pub(crate) fn vault_held(
        &self,
        vault: &Vault,
        now: DateTime<Utc>,
    ) -> Option<(Option<DateTime<Utc>>, RuleId)> {
        let immutable = vault.is_immutable();
        let rule = if immutable {
            RuleId::Vault6
        } else {
            RuleId::Vault5
        };
        // The point held longest; if even its retention ended, none holds.
        let until = self.index.longest_held(&vault.id, !immutable)?;
        until.is_none_or(|end| now < end).then_some((until, rule))
    }
}
