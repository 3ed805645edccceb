//! Recording Cloud Backup events, keeping the index in step (a point's
//! retention end is in the state's one timer set, VAULT-5).

use crate::mint::retire;
use crate::{BackupPointId, Event, ImmutableTarget, ObjectKind, State, VaultId};

impl State {
    /// Records one Cloud Backup event; others change nothing here.
    pub(crate) fn record_backup(&mut self, event: &Event) {
        let (backup, index) = (&mut self.backup, &mut self.index);
        match event {
            Event::VaultCreated { vault, .. } => {
                index.vault_added(vault);
                backup.retired.vaults.remove(&vault.id);
                backup.vaults.insert(vault.id.clone(), vault.clone());
            }
            Event::BackupPolicyCreated { policy, .. } => {
                index.policy_added(policy);
                backup.retired.policies.remove(&policy.id);
                backup.policies.insert(policy.id.clone(), policy.clone());
            }
            Event::ImmutabilityEnabled { at, target } => match target {
                ImmutableTarget::Vault(id) => {
                    if let Some(vault) = backup.vaults.get_mut(id) {
                        vault.immutable_since.get_or_insert(*at);
                    }
                }
                ImmutableTarget::Policy(id) => {
                    if let Some(policy) = backup.policies.get_mut(id) {
                        policy.immutable_since.get_or_insert(*at);
                    }
                }
            },
            Event::BackupPointCreated { point, .. } => {
                if let Some(replaced) = backup.points.remove(&point.id) {
                    index.point_removed(&replaced);
                }
                backup.retired.points.remove(&point.id);
                index.point_added(point);
                backup.points.insert(point.id.clone(), point.clone());
            }
            Event::BackupPointLocked { at, point } => {
                if let Some(point) = backup.points.get_mut(point) {
                    index.point_removed(point);
                    point.locked_since.get_or_insert(*at);
                    index.point_added(point);
                }
            }
            Event::BackupPointDeleted { point, .. } | Event::BackupPointExpired { point, .. } => {
                self.remove_point(point);
            }
            Event::VaultDeleted { vault, .. } => self.remove_vault(vault),
            _ => {}
        }
    }

    fn remove_point(&mut self, id: &BackupPointId) {
        let backup = &mut self.backup;
        if let Some(removed) = backup.points.remove(id) {
            self.index.point_removed(&removed);
        }
        retire(
            &mut backup.retired.points,
            ObjectKind::BackupPoint,
            id.clone(),
        );
    }

    /// Deletes a vault with its points and policies.
    fn remove_vault(&mut self, id: &VaultId) {
        let points: Vec<BackupPointId> = self.index.points_of_vault(id).cloned().collect();
        for point in &points {
            self.remove_point(point);
        }
        let policies: Vec<_> = self.index.policies_of_vault(id).cloned().collect();
        let backup = &mut self.backup;
        for policy in policies {
            if let Some(removed) = backup.policies.remove(&policy) {
                self.index.policy_removed(&removed);
            }
            retire(
                &mut backup.retired.policies,
                ObjectKind::BackupPolicy,
                policy,
            );
        }
        if let Some(vault) = backup.vaults.remove(id) {
            self.index.vault_removed(&vault);
        }
        retire(&mut backup.retired.vaults, ObjectKind::Vault, id.clone());
    }
}
