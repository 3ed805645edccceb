//! Recording Cloud Backup events, keeping the indexes in step, and the
//! backup points time deletes (VAULT-5).

use chrono::{DateTime, Utc};

use super::{Backup, BackupIndex, BackupPoint, EndOf};
use crate::index::{index_insert, index_remove};
use crate::{BackupPointId, Event, ImmutableTarget, State};

impl State {
    /// Records one Cloud Backup event; others change nothing here.
    pub(crate) fn record_backup(&mut self, event: &Event) {
        let backup = &mut self.backup;
        match event {
            Event::VaultCreated { vault, .. } => {
                if let Some(source) = &vault.replica_of {
                    index_insert(&mut backup.index.replicas_of, source, &vault.id);
                }
                backup.retired.vaults.remove(&vault.id);
                backup.vaults.insert(vault.id.clone(), vault.clone());
            }
            Event::BackupPolicyCreated { policy, .. } => {
                index_insert(
                    &mut backup.index.policies_of_vault,
                    &policy.vault,
                    &policy.id,
                );
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
                    backup.index.remove_point(&replaced);
                }
                backup.retired.points.remove(&point.id);
                backup.index.add_point(point);
                backup.points.insert(point.id.clone(), point.clone());
            }
            Event::BackupPointLocked { at, point } => {
                if let Some(point) = backup.points.get_mut(point) {
                    backup.index.remove_point(point);
                    point.locked_since.get_or_insert(*at);
                    backup.index.add_point(point);
                }
            }
            Event::BackupPointDeleted { point, .. } | Event::BackupPointExpired { point, .. } => {
                backup.remove_point(point);
            }
            Event::VaultDeleted { vault, .. } => backup.remove_vault(vault),
            _ => {}
        }
    }

    /// The backup points whose retention ends by `now`, earliest first.
    pub(crate) fn due_backup_points(
        &self,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = &(DateTime<Utc>, BackupPointId)> {
        self.backup
            .index
            .expiries
            .iter()
            .take_while(move |(at, _)| *at <= now)
    }
}

impl Backup {
    fn remove_point(&mut self, id: &BackupPointId) {
        if let Some(removed) = self.points.remove(id) {
            self.index.remove_point(&removed);
        }
        self.retired.points.insert(id.clone());
    }

    fn remove_vault(&mut self, id: &crate::VaultId) {
        let points = self.index.points_of_vault.remove(id).unwrap_or_default();
        for point in &points {
            self.remove_point(point);
        }
        let policies = self.index.policies_of_vault.remove(id).unwrap_or_default();
        for policy in policies {
            self.index.points_of_policy.remove(&policy);
            self.policies.remove(&policy);
            self.retired.policies.insert(policy);
        }
        if let Some(vault) = self.vaults.remove(id) {
            if let Some(source) = &vault.replica_of {
                index_remove(&mut self.index.replicas_of, source, id);
            }
        }
        self.retired.vaults.insert(id.clone());
    }

    /// Rebuilds the indexes from the data (after loading).
    pub(crate) fn reindex(&mut self) {
        let mut index = BackupIndex::default();
        for vault in self.vaults.values() {
            if let Some(source) = &vault.replica_of {
                index_insert(&mut index.replicas_of, source, &vault.id);
            }
        }
        for policy in self.policies.values() {
            index_insert(&mut index.policies_of_vault, &policy.vault, &policy.id);
        }
        for point in self.points.values() {
            index.add_point(point);
        }
        self.index = index;
    }
}

impl BackupIndex {
    fn add_point(&mut self, point: &BackupPoint) {
        index_insert(&mut self.points_of_vault, &point.vault, &point.id);
        if let Some(policy) = &point.policy {
            index_insert(&mut self.points_of_policy, policy, &point.id);
        }
        if let Some(source) = &point.replica_of {
            index_insert(&mut self.replicas_of_point, source, &point.id);
        }
        if let Some(end) = point.retention.end() {
            self.expiries.insert((end, point.id.clone()));
        }
        index_insert(&mut self.ends_of_vault, &point.vault, &end_of(point));
        if point.locked_since.is_some() {
            index_insert(&mut self.locked_ends_of_vault, &point.vault, &end_of(point));
        }
    }

    fn remove_point(&mut self, point: &BackupPoint) {
        index_remove(&mut self.points_of_vault, &point.vault, &point.id);
        if let Some(policy) = &point.policy {
            index_remove(&mut self.points_of_policy, policy, &point.id);
        }
        if let Some(source) = &point.replica_of {
            index_remove(&mut self.replicas_of_point, source, &point.id);
        }
        if let Some(end) = point.retention.end() {
            self.expiries.remove(&(end, point.id.clone()));
        }
        index_remove(&mut self.ends_of_vault, &point.vault, &end_of(point));
        index_remove(&mut self.locked_ends_of_vault, &point.vault, &end_of(point));
    }
}

/// A point's retention end, ordered with permanent ones last.
fn end_of(point: &BackupPoint) -> EndOf {
    let end = point.retention.end();
    (end.is_none(), end, point.id.clone())
}
