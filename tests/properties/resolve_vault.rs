//! Resolution of the Cloud Backup templates: vaults, policies and backup
//! points picked among those the state holds, fresh ids continuing the
//! pools, and a replica's region relative to its source.

use snapguard::{
    BackupPoint, BackupPointId, BackupPolicy, BackupPolicyId, Command, CreateBackupPoint,
    CreateBackupPolicy, CreateVault, Deletability, DeleteBackupPoint, DeleteVault,
    DisableImmutability, EnableImmutability, ImmutableTarget, PolicyKind, RegionId,
    ReplicateBackupPoint, ReplicateVault, RestoreBackupPoint, SnapshotId, Vault, VaultId,
};

use std::cell::Cell;

use crate::common::{OTHER_REGION, REGION};
use crate::generate_vault::{
    NewId, PointPolicy, PointRef, PointSnapshot, PolicyRef, ReplicaRegion, ReplicaVault, TargetRef,
    VaultOp, VaultRef,
};
use crate::resolve::{FreshIds, Resolver, nth, pick};
use crate::setup::{REGIONS, SNAPSHOTS};

/// Vaults: fresh ones, replicas included, start with the pool and continue
/// it (`v-4`, ...).
pub(crate) const VAULTS: [&str; 3] = ["v-1", "v-2", "v-3"];
/// Backup policies; fresh ones start with the pool and continue it
/// (`po-3`, ...).
pub(crate) const POLICIES: [&str; 2] = ["po-1", "po-2"];
/// Backup points; fresh ones, replicas included, start with the pool and
/// continue it (`bp-9`, ...).
pub(crate) const POINTS: [&str; 8] = [
    "bp-1", "bp-2", "bp-3", "bp-4", "bp-5", "bp-6", "bp-7", "bp-8",
];

/// A new id: fresh ids count from 1, the pool's first.
fn new_id(id: NewId, counter: &Cell<usize>, prefix: &str, pool: &[&str]) -> String {
    match id {
        NewId::Fresh => FreshIds::next(counter, prefix, 1),
        NewId::Pool(index) => pick(pool, index).to_owned(),
        NewId::Malformed => format!("{prefix}:bad/1"),
    }
}

impl Resolver<'_> {
    fn owns_vault(&self, vault: &Vault) -> bool {
        self.account.as_ref().is_none_or(|a| vault.owner == *a)
    }

    fn owns_point(&self, point: &BackupPoint) -> bool {
        self.account.as_ref().is_none_or(|a| point.owner == *a)
    }

    /// The vaults `keep` accepts, by id.
    fn vaults_where(&self, keep: &dyn Fn(&Vault) -> bool) -> Vec<VaultId> {
        self.state
            .vaults()
            .filter(|v| keep(v))
            .map(|v| v.id.clone())
            .collect()
    }

    /// The backup points still held at the step's instant that `keep`
    /// accepts (those whose retention ended are gone once time catches up).
    fn points_where(&self, keep: &dyn Fn(&BackupPoint) -> bool) -> Vec<BackupPointId> {
        self.state
            .vaults()
            .flat_map(|v| self.state.backup_points_of(&v.id))
            .filter(|p| p.retention.end().is_none_or(|end| self.now < end) && keep(p))
            .map(|p| p.id.clone())
            .collect()
    }

    /// Every policy the state holds, by id.
    fn policies(&self) -> Vec<&BackupPolicy> {
        let given = self.fresh.policies.get().max(POLICIES.len());
        (1..=given)
            .filter_map(|n| self.state.backup_policy(&format!("po-{n}").into()))
            .collect()
    }

    fn vault_id(&self, vault: VaultRef) -> VaultId {
        let pool = |index| VaultId::from(pick(&VAULTS, index));
        let mine = |index| nth(&self.vaults_where(&|v| self.owns_vault(v)), index);
        match vault {
            VaultRef::Pool(index) => pool(index),
            VaultRef::Mine(index) => mine(index).unwrap_or_else(|| pool(index)),
            VaultRef::Immutable(index) => nth(
                &self.vaults_where(&|v| self.owns_vault(v) && v.is_immutable()),
                index,
            )
            .unwrap_or_else(|| self.vault_id(VaultRef::Mine(index))),
            VaultRef::Replica(index) => {
                let replica = |v: &Vault| self.owns_vault(v) && v.replica_of.is_some();
                nth(&self.vaults_where(&replica), index)
                    .unwrap_or_else(|| self.vault_id(VaultRef::Mine(index)))
            }
            VaultRef::Replicated(index) => {
                let replicated = |v: &Vault| {
                    self.owns_vault(v)
                        && self
                            .state
                            .vaults()
                            .any(|r| r.replica_of.as_ref() == Some(&v.id))
                };
                nth(&self.vaults_where(&replicated), index)
                    .unwrap_or_else(|| self.vault_id(VaultRef::Mine(index)))
            }
            VaultRef::HoldingLocked(index) => {
                let holding = |v: &Vault| {
                    self.owns_vault(v)
                        && !v.is_immutable()
                        && self
                            .state
                            .backup_points_of(&v.id)
                            .any(|p| p.is_locked_at(self.now))
                };
                nth(&self.vaults_where(&holding), index)
                    .unwrap_or_else(|| self.vault_id(VaultRef::Immutable(index)))
            }
            VaultRef::Deletable(index) => {
                let deletable = |v: &Vault| {
                    self.owns_vault(v)
                        && self
                            .state
                            .vault_report(&v.id, self.now)
                            .is_some_and(|r| r.deletable == Deletability::Now)
                };
                nth(
                    &self.vaults_where(&|v| deletable(v) && v.is_immutable()),
                    index,
                )
                .or_else(|| nth(&self.vaults_where(&deletable), index))
                .unwrap_or_else(|| self.vault_id(VaultRef::Immutable(index)))
            }
            VaultRef::Foreign(index) => {
                let foreign = |v: &Vault| self.account.as_ref().is_some_and(|a| v.owner != *a);
                nth(&self.vaults_where(&foreign), index).unwrap_or_else(|| pool(index))
            }
        }
    }

    fn policy_id(&self, policy: PolicyRef) -> BackupPolicyId {
        let pool = |index| BackupPolicyId::from(pick(&POLICIES, index));
        let mine = |keep: &dyn Fn(&BackupPolicy) -> bool| -> Vec<BackupPolicyId> {
            self.policies()
                .into_iter()
                .filter(|p| self.account.as_ref().is_none_or(|a| p.owner == *a) && keep(p))
                .map(|p| p.id.clone())
                .collect()
        };
        match policy {
            PolicyRef::Pool(index) => pool(index),
            PolicyRef::Mine(index) => nth(&mine(&|_| true), index).unwrap_or_else(|| pool(index)),
            PolicyRef::Mutable(index) => {
                let made = |p: &BackupPolicy| {
                    !self
                        .points_where(&|point| point.policy.as_ref() == Some(&p.id))
                        .is_empty()
                };
                nth(&mine(&|p| p.immutable_since.is_none() && made(p)), index)
                    .unwrap_or_else(|| self.policy_id(PolicyRef::Mine(index)))
            }
        }
    }

    fn point_id(&self, point: PointRef) -> BackupPointId {
        let pool = |index| BackupPointId::from(pick(&POINTS, index));
        let mine = |keep: &dyn Fn(&BackupPoint) -> bool, index| {
            nth(
                &self.points_where(&|p| self.owns_point(p) && keep(p)),
                index,
            )
        };
        match point {
            PointRef::Pool(index) => pool(index),
            PointRef::Mine(index) => mine(&|_| true, index).unwrap_or_else(|| pool(index)),
            PointRef::Locked(index) => mine(&|p| p.is_locked_at(self.now), index)
                .unwrap_or_else(|| self.point_id(PointRef::Mine(index))),
            PointRef::Replicable(index) => {
                let replicated = |p: &BackupPoint| {
                    self.state
                        .vaults()
                        .any(|v| v.replica_of.as_ref() == Some(&p.vault))
                };
                let locked = |p: &BackupPoint| replicated(p) && p.is_locked_at(self.now);
                (index % 2 == 0)
                    .then(|| mine(&locked, index / 2))
                    .flatten()
                    .or_else(|| mine(&replicated, index / 2))
                    .unwrap_or_else(|| self.point_id(PointRef::Mine(index)))
            }
            PointRef::Foreign(index) => {
                let foreign =
                    |p: &BackupPoint| self.account.as_ref().is_some_and(|a| p.owner != *a);
                nth(&self.points_where(&foreign), index).unwrap_or_else(|| pool(index))
            }
        }
    }

    fn target(&self, target: TargetRef) -> ImmutableTarget {
        match target {
            TargetRef::Vault(vault) => ImmutableTarget::Vault(self.vault_id(vault)),
            TargetRef::Policy(policy) => ImmutableTarget::Policy(self.policy_id(policy)),
        }
    }

    fn create_point(
        &self,
        point: NewId,
        vault: VaultRef,
        policy: PointPolicy,
        snapshot: PointSnapshot,
        retention_days: Option<u32>,
    ) -> Command {
        let mut vault = self.vault_id(vault);
        let policy = match policy {
            PointPolicy::None => None,
            PointPolicy::Drives(index) => {
                let drives = nth(&self.policies(), index);
                if let Some(policy) = drives {
                    vault = policy.vault.clone();
                }
                drives.map(|p| p.id.clone())
            }
            PointPolicy::OfVault(index) => {
                let of_vault: Vec<BackupPolicyId> = self
                    .policies()
                    .into_iter()
                    .filter(|p| p.vault == vault)
                    .map(|p| p.id.clone())
                    .collect();
                nth(&of_vault, index)
            }
            PointPolicy::Named(policy) => Some(self.policy_id(policy)),
        };
        let owner = self.state.vault(&vault).map(|v| v.owner.clone());
        let snapshots = |keep: &dyn Fn(&snapguard::Snapshot) -> bool| -> Vec<SnapshotId> {
            self.state
                .snapshots()
                .filter(|s| keep(s))
                .map(|s| s.id.clone())
                .collect()
        };
        let snapshot = match snapshot {
            PointSnapshot::None => None,
            PointSnapshot::Owners(index) => {
                nth(&snapshots(&|s| owner.as_ref() == Some(&s.owner)), index)
            }
            PointSnapshot::Any(index) => Some(
                nth(&snapshots(&|_| true), index)
                    .unwrap_or_else(|| SnapshotId::from(SNAPSHOTS[SNAPSHOTS.len() - 1])),
            ),
        };
        CreateBackupPoint::new(new_id(point, &self.fresh.points, "bp", &POINTS), vault)
            .maybe_policy(policy)
            .maybe_snapshot(snapshot)
            .maybe_retention_days(retention_days)
            .into()
    }

    pub(crate) fn vault_command(&self, op: &VaultOp) -> Command {
        match *op {
            VaultOp::CreateVault {
                vault,
                region,
                kind,
            } => CreateVault::new(
                new_id(vault, &self.fresh.vaults, "v", &VAULTS),
                pick(&REGIONS, region),
                kind,
            )
            .into(),
            VaultOp::CreatePolicy {
                policy,
                vault,
                ecs,
                immutable,
            } => CreateBackupPolicy::new(
                new_id(policy, &self.fresh.policies, "po", &POLICIES),
                self.vault_id(vault),
                if ecs {
                    PolicyKind::EcsInstance
                } else {
                    PolicyKind::General
                },
            )
            .immutable(immutable)
            .into(),
            VaultOp::Enable { target } => EnableImmutability::new(self.target(target)).into(),
            VaultOp::Disable { target } => DisableImmutability::new(self.target(target)).into(),
            VaultOp::CreatePoint {
                point,
                vault,
                policy,
                snapshot,
                retention,
            } => self.create_point(point, vault, policy, snapshot, retention),
            VaultOp::DeletePoint { point } => DeleteBackupPoint::new(self.point_id(point)).into(),
            VaultOp::Restore { point } => RestoreBackupPoint::new(self.point_id(point)).into(),
            VaultOp::DeleteVault { vault } => DeleteVault::new(self.vault_id(vault)).into(),
            VaultOp::ReplicateVault {
                vault,
                replica,
                region,
            } => {
                let vault = self.vault_id(vault);
                let from = self.state.vault(&vault).map(|v| v.region.clone());
                let region = match region {
                    ReplicaRegion::Other
                        if from.as_ref().is_some_and(|r| r.as_str() == OTHER_REGION) =>
                    {
                        RegionId::from(REGION)
                    }
                    ReplicaRegion::Other => RegionId::from(OTHER_REGION),
                    ReplicaRegion::Same => from.unwrap_or_else(|| REGION.into()),
                    ReplicaRegion::Pool(index) => pick(&REGIONS, index).into(),
                };
                ReplicateVault::new(
                    vault,
                    new_id(replica, &self.fresh.vaults, "v", &VAULTS),
                    region,
                )
                .into()
            }
            VaultOp::ReplicatePoint {
                point,
                replica,
                vault,
            } => {
                let point = self.point_id(point);
                let vault = match vault {
                    ReplicaVault::Of(index) => {
                        let of = self.state.backup_point(&point).map(|p| p.vault.clone());
                        nth(
                            &self.vaults_where(&|v| v.replica_of.is_some() && v.replica_of == of),
                            index,
                        )
                        .or_else(|| nth(&self.vaults_where(&|v| Some(&v.id) != of.as_ref()), index))
                        .unwrap_or_else(|| VaultId::from(pick(&VAULTS, index)))
                    }
                    ReplicaVault::Named(vault) => self.vault_id(vault),
                };
                ReplicateBackupPoint::new(
                    point,
                    new_id(replica, &self.fresh.points, "bp", &POINTS),
                    vault,
                )
                .into()
            }
        }
    }
}
