//! The generator's steps on what surrounds snapshots: sharing, keys and
//! copies, Cloud Backup vaults, and the billing process.

use super::choices::Choices;
use super::world::{Built, World};
use crate::{
    AcceptResourceShare, ActivateKms, Actor, AssociateResourceShare, BackupPointId, BackupPolicyId,
    CopySnapshot, CreateBackupPoint, CreateBackupPolicy, CreateKey, CreateResourceShare,
    CreateVault, DeleteBackupPoint, DeleteResourceShare, DeleteVault, DisassociateResourceShare,
    EnableImmutability, Encryption, ImmutableTarget, KeyId, MarkAccountOverdue, PolicyKind,
    Principal, PrincipalScope, ReleaseOverdueSnapshot, ReplicateVault, SettleAccount, ShareId,
    SnapshotId, SnapshotStatus, VaultId, VaultKind,
};

impl World<'_> {
    /// A step of sharing: creating a share of an account's available
    /// snapshots with another account, adding to it, accepting it, taking
    /// from it or deleting it.
    pub(super) fn sharing_step(&mut self, c: &mut Choices<'_>) -> Built {
        let shares: Vec<(ShareId, crate::AccountId, Vec<Principal>)> = self
            .state
            .resource_shares()
            .map(|s| {
                (
                    s.id.clone(),
                    s.owner.clone(),
                    s.principals.iter().cloned().collect(),
                )
            })
            .collect();
        let existing = c.pick(&shares).cloned();
        let sharee = self.account(c);
        let available = |s: &crate::Snapshot| s.status == SnapshotStatus::Available;
        match (c.below(5), existing) {
            (1, Some((share, owner, _))) => {
                let snapshot = self.snapshot(c, |s| available(s) && s.owner == owner);
                let command = AssociateResourceShare {
                    share,
                    principals: vec![Principal::Account(sharee)],
                    snapshots: snapshot.map(|s| s.id).into_iter().collect(),
                };
                Some((World::customer(&owner, c), command.into()))
            }
            (2, Some((share, _, _))) => {
                let command = AcceptResourceShare { share };
                Some((World::root(&sharee), command.into()))
            }
            (3, Some((share, owner, principals))) => {
                let command = DisassociateResourceShare {
                    share,
                    principals: c.pick(&principals).cloned().into_iter().collect(),
                    snapshots: Vec::new(),
                };
                Some((World::customer(&owner, c), command.into()))
            }
            (4, Some((share, owner, _))) => {
                let command = DeleteResourceShare { share };
                Some((World::customer(&owner, c), command.into()))
            }
            _ => {
                let snapshot = self.snapshot(c, available)?;
                let command = CreateResourceShare {
                    share: ShareId::new(self.fresh("rs")),
                    scope: PrincipalScope::AllAccounts,
                    principals: vec![Principal::Account(sharee)],
                    snapshots: vec![snapshot.id],
                };
                Some((World::customer(&snapshot.owner, c), command.into()))
            }
        }
    }

    /// A step of keys and copies: activating KMS, creating a key, or
    /// copying an available snapshot to a region, encrypted or not.
    pub(super) fn copy_step(&mut self, c: &mut Choices<'_>) -> Built {
        let account = self.account(c);
        match c.weighted(&[1, 1, 4]) {
            0 => Some((World::root(&account), ActivateKms {}.into())),
            1 => {
                let key = KeyId::new(self.fresh("key"));
                self.given.keys.push(key.clone());
                let region = self.region(c);
                Some((World::root(&account), CreateKey { key, region }.into()))
            }
            _ => {
                let source = self.snapshot(c, |s| s.status == SnapshotStatus::Available)?;
                let keys: Vec<KeyId> = self
                    .given
                    .keys
                    .iter()
                    .filter(|k| self.state.key(k).is_some_and(|k| k.owner == source.owner))
                    .cloned()
                    .collect();
                let encryption = match (c.below(3), c.pick(&keys)) {
                    (0, _) => Encryption::Unencrypted,
                    (1, Some(key)) => Encryption::CustomerKey(key.clone()),
                    _ => Encryption::ServiceKey,
                };
                let command = CopySnapshot {
                    source: source.id,
                    snapshot: SnapshotId::new(self.fresh("s")),
                    region: self.region(c),
                    encryption,
                    retention_days: c.percent(30).then(|| self.days(c)),
                };
                Some((World::customer(&source.owner, c), command.into()))
            }
        }
    }

    /// A step of Cloud Backup: creating a vault or a policy, making one
    /// immutable, recording or deleting a backup point, replicating or
    /// deleting a vault.
    pub(super) fn vault_step(&mut self, c: &mut Choices<'_>) -> Built {
        let vaults: Vec<(VaultId, crate::AccountId)> = self
            .state
            .vaults()
            .map(|v| (v.id.clone(), v.owner.clone()))
            .collect();
        let Some((vault, owner)) = c.pick(&vaults).cloned() else {
            let account = self.account(c);
            let kind = match c.below(3) {
                0 => VaultKind::GeneralPurpose,
                1 => VaultKind::Database,
                _ => VaultKind::NasFree30Days,
            };
            let command = CreateVault {
                vault: VaultId::new(self.fresh("v")),
                region: self.region(c),
                kind,
            };
            return Some((World::root(&account), command.into()));
        };
        let root = World::root(&owner);
        let command = match c.weighted(&[2, 2, 6, 3, 1, 1]) {
            0 => {
                let policy = BackupPolicyId::new(self.fresh("po"));
                self.given.policies.push(policy.clone());
                CreateBackupPolicy {
                    policy,
                    vault,
                    kind: PolicyKind::General,
                    immutable: c.percent(30),
                }
                .into()
            }
            1 => EnableImmutability {
                target: ImmutableTarget::Vault(vault),
            }
            .into(),
            2 => {
                let point = BackupPointId::new(self.fresh("bp"));
                self.given.points.push(point.clone());
                let command = CreateBackupPoint {
                    point,
                    vault,
                    policy: None,
                    snapshot: None,
                    retention_days: c.percent(70).then(|| self.days(c)),
                };
                return Some((Actor::Platform, command.into()));
            }
            3 => {
                let points: Vec<BackupPointId> = self
                    .given
                    .points
                    .iter()
                    .filter(|p| self.state.backup_point(p).is_some())
                    .cloned()
                    .collect();
                let point = c.pick(&points).cloned()?;
                DeleteBackupPoint { point }.into()
            }
            4 => ReplicateVault {
                vault,
                replica: VaultId::new(self.fresh("v")),
                region: self.region(c),
            }
            .into(),
            _ => DeleteVault { vault }.into(),
        };
        Some((root, command))
    }

    /// A step of the billing process: an account falls overdue or settles,
    /// or an overdue account's snapshot is released (LOCK-12).
    pub(super) fn billing_step(&mut self, c: &mut Choices<'_>) -> Built {
        let account = self.account(c);
        let command = match c.below(3) {
            0 => MarkAccountOverdue { account }.into(),
            1 => SettleAccount { account }.into(),
            _ => {
                let snapshot = self.snapshot(c, |s| s.owner == account)?;
                ReleaseOverdueSnapshot {
                    snapshot: snapshot.id,
                }
                .into()
            }
        };
        Some((Actor::Billing, command))
    }
}
