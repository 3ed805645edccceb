//! Deciding Cloud Backup commands (VAULT).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Step, Verdict, not_found, owned};
use crate::{
    AccountId, Action, Actor, BackupPoint, BackupPointId, BackupPolicy, BackupPolicyId,
    CreateBackupPoint, CreateBackupPolicy, CreateVault, DeleteBackupPoint, DeleteVault,
    DisableImmutability, EnableImmutability, Event, ImmutableTarget, ObjectKind, PolicyKind,
    ReplicateBackupPoint, ReplicateVault, ReplicationProblem, RestoreBackupPoint, Retention,
    RetentionRequest, Vault, VaultId, VaultKind, Violation,
};

impl Ctx<'_> {
    /// A vault (GEN-4).
    pub(crate) fn vault(&self, id: &VaultId) -> Result<&Vault, Violation> {
        self.state
            .backup
            .vaults
            .get(id)
            .ok_or_else(|| not_found(ObjectKind::Vault, id.as_str()))
    }

    /// A vault of `account` (GEN-4, then PERM-4).
    pub(crate) fn own_vault(&self, account: &AccountId, id: &VaultId) -> Result<&Vault, Violation> {
        let vault = self.vault(id)?;
        owned(account, &vault.owner, ObjectKind::Vault, id.as_str())?;
        Ok(vault)
    }

    /// A backup policy (GEN-4).
    pub(crate) fn policy(&self, id: &BackupPolicyId) -> Result<&BackupPolicy, Violation> {
        self.state
            .backup
            .policies
            .get(id)
            .ok_or_else(|| not_found(ObjectKind::BackupPolicy, id.as_str()))
    }

    /// A backup point still held at `now` (GEN-4): one whose retention
    /// ended is gone, even before time's deletion is recorded.
    fn point(&self, id: &BackupPointId) -> Result<&BackupPoint, Violation> {
        self.state
            .backup
            .points
            .get(id)
            .filter(|_| !self.expired.contains(id))
            .ok_or_else(|| not_found(ObjectKind::BackupPoint, id.as_str()))
    }

    /// A backup point of `account` (GEN-4, then PERM-4).
    fn own_point(
        &self,
        account: &AccountId,
        id: &BackupPointId,
    ) -> Result<&BackupPoint, Violation> {
        let point = self.point(id)?;
        owned(account, &point.owner, ObjectKind::BackupPoint, id.as_str())?;
        Ok(point)
    }

    /// The backup points of a vault still held at `now`.
    fn points_of(&self, vault: &VaultId) -> impl Iterator<Item = &BackupPoint> {
        self.state
            .index
            .points_of_vault(vault)
            .filter_map(|id| self.point(id).ok())
    }

    /// The vault or policy `target` names, with the kind of vault it is
    /// or backs up into, and the resource and action to authorize.
    fn target(
        &self,
        account: &AccountId,
        target: &ImmutableTarget,
    ) -> Result<(VaultKind, String, Action, bool), Violation> {
        match target {
            ImmutableTarget::Vault(id) => {
                let vault = self.own_vault(account, id)?;
                let resource = vault_resource(vault);
                Ok((
                    vault.kind,
                    resource,
                    Action::UpdateVault,
                    vault.is_immutable(),
                ))
            }
            ImmutableTarget::Policy(id) => {
                let policy = self.policy(id)?;
                owned(
                    account,
                    &policy.owner,
                    ObjectKind::BackupPolicy,
                    id.as_str(),
                )?;
                let vault = self.vault(&policy.vault)?;
                let resource = policy_resource(vault, policy);
                let immutable = policy.immutable_since.is_some();
                Ok((vault.kind, resource, Action::UpdateBackupPlan, immutable))
            }
        }
    }
}

pub(crate) fn vault_resource(vault: &Vault) -> String {
    format!(
        "acs:hbr:{}:{}:vault/{}",
        vault.region, vault.owner, vault.id
    )
}

pub(crate) fn policy_resource(vault: &Vault, policy: &BackupPolicy) -> String {
    format!(
        "acs:hbr:{}:{}:backupplan/{}",
        vault.region, policy.owner, policy.id
    )
}

fn point_resource(vault: &Vault, point: &BackupPoint) -> String {
    format!("{}/backuppoint/{}", vault_resource(vault), point.id)
}

/// VAULT-1. Checks, in order: a customer; the region exists (GEN-4); a
/// fresh vault id (GEN-7, GEN-5, GEN-4); `hbr:CreateVault` (PERM-1); an archive
/// vault's retention in days in range (SNAP-5).
pub(crate) fn create_vault(ctx: &Ctx<'_>, c: &CreateVault, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    ctx.region(&c.region)?;
    let vault_id = ctx.fresh(ObjectKind::Vault, &c.vault, |id| {
        ctx.state.vault_id_taken(id)
    })?;
    let vault = Vault {
        id: vault_id.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        kind: c.kind,
        immutable_since: None,
        replica_of: None,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::CreateVault, || vault_resource(&vault)))?;
    if let VaultKind::Archive {
        retention: RetentionRequest::Days(days),
    } = c.kind
    {
        ctx.retention(Some(days), ctx.now)?;
    }
    Ok(vec![Event::VaultCreated { at: ctx.now, vault }])
}

/// Checks, in order: a customer; its own vault (GEN-4, PERM-4); a fresh
/// policy id (GEN-7, GEN-5, GEN-4); `hbr:CreateBackupPlan` (PERM-1); an immutable
/// policy backs up into a vault that supports it (VAULT-2).
pub(crate) fn create_policy(
    ctx: &Ctx<'_>,
    c: &CreateBackupPolicy,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let vault = ctx.own_vault(account, &c.vault)?;
    let policy_id = ctx.fresh(ObjectKind::BackupPolicy, &c.policy, |id| {
        ctx.state.policy_id_taken(id)
    })?;
    let policy = BackupPolicy {
        id: policy_id.clone(),
        owner: account.clone(),
        vault: vault.id.clone(),
        kind: c.kind,
        immutable_since: c.immutable.then_some(ctx.now),
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::CreateBackupPlan, || policy_resource(vault, &policy)))?;
    v.ensure(!c.immutable || vault.kind.supports_immutability(), || {
        Violation::ImmutabilityUnsupported {
            target: ImmutableTarget::Policy(policy_id.clone()),
            kind: vault.kind,
        }
    })?;
    Ok(vec![Event::BackupPolicyCreated {
        at: ctx.now,
        policy,
    }])
}

/// VAULT-2, VAULT-4, VAULT-7. Checks, in order: a customer; its own vault
/// or policy (GEN-4, PERM-4); `hbr:UpdateVault` or `hbr:UpdateBackupPlan`
/// (PERM-1); the vault kind supports immutability (VAULT-2). Enabling again
/// records nothing.
pub(crate) fn enable(ctx: &Ctx<'_>, c: &EnableImmutability, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let (kind, resource, action, immutable) = ctx.target(account, &c.target)?;
    v.check(ctx.authorize(action, || resource))?;
    v.ensure(kind.supports_immutability(), || {
        Violation::ImmutabilityUnsupported {
            target: c.target.clone(),
            kind,
        }
    })?;
    if immutable {
        return Ok(Vec::new());
    }
    let (mut events, mut locked) = (Vec::new(), BTreeSet::new());
    match &c.target {
        ImmutableTarget::Vault(id) => {
            let replicas = ctx.state.index.replicas_of_vault(id);
            for vault in std::iter::once(id).chain(replicas) {
                let already = ctx.vault(vault).is_ok_and(Vault::is_immutable);
                if vault == id || !already {
                    enable_vault(ctx, vault, &mut events, &mut locked);
                }
            }
        }
        ImmutableTarget::Policy(id) => {
            events.push(Event::ImmutabilityEnabled {
                at: ctx.now,
                target: c.target.clone(),
            });
            let policy = ctx.policy(id)?;
            if policy.kind == PolicyKind::General {
                for point in ctx.state.index.points_of_policy(id) {
                    lock_point(ctx, point, &mut events, &mut locked);
                }
            }
        }
    }
    Ok(events)
}

/// A vault made immutable, with its points locked (VAULT-4).
fn enable_vault(
    ctx: &Ctx<'_>,
    vault: &VaultId,
    events: &mut Vec<Event>,
    locked: &mut BTreeSet<BackupPointId>,
) {
    events.push(Event::ImmutabilityEnabled {
        at: ctx.now,
        target: ImmutableTarget::Vault(vault.clone()),
    });
    for point in ctx.points_of(vault) {
        lock_point(ctx, &point.id, events, locked);
    }
}

/// Locks a point held now and not locked yet, with its replicas, which
/// are never less protected (VAULT-7).
fn lock_point(
    ctx: &Ctx<'_>,
    id: &BackupPointId,
    events: &mut Vec<Event>,
    locked: &mut BTreeSet<BackupPointId>,
) {
    let replicas = ctx.state.index.replicas_of_point(id);
    for point in std::iter::once(id).chain(replicas) {
        let unlocked = ctx.point(point).is_ok_and(|p| p.locked_since.is_none());
        // A replica in a replica vault made immutable by the same command
        // is reached twice.
        if unlocked && locked.insert(point.clone()) {
            events.push(Event::BackupPointLocked {
                at: ctx.now,
                point: point.clone(),
            });
        }
    }
}

/// VAULT-3. Checks, in order: a customer; its own vault or policy (GEN-4,
/// PERM-4); the permission (PERM-1); then always refuses (VAULT-3).
pub(crate) fn disable(ctx: &Ctx<'_>, c: &DisableImmutability, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let (_, resource, action, _) = ctx.target(account, &c.target)?;
    v.check(ctx.authorize(action, || resource))?;
    Err(Violation::ImmutabilityIrreversible {
        target: c.target.clone(),
    }
    .into())
}

/// VAULT-4, VAULT-8. Checks, in order: the platform; the vault exists
/// (GEN-4); a fresh point id (GEN-7, GEN-5, GEN-4); the policy exists and backs up
/// into that vault, and the snapshot exists and is the vault owner's
/// (GEN-4, PERM-4); the retention (SNAP-5).
pub(crate) fn create_point(ctx: &Ctx<'_>, c: &CreateBackupPoint) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    let vault = ctx.vault(&c.vault)?;
    let point_id = ctx.fresh(ObjectKind::BackupPoint, &c.point, |id| {
        ctx.state.point_id_taken(id)
    })?;
    let policy = c.policy.as_ref().map(|id| ctx.policy(id)).transpose()?;
    if let Some(policy) = policy {
        if policy.vault != vault.id {
            return Err(not_found(ObjectKind::BackupPolicy, policy.id.as_str()).into());
        }
    }
    if let Some(snapshot) = &c.snapshot {
        let snapshot = ctx.snapshot(snapshot)?;
        owned(
            &vault.owner,
            &snapshot.owner,
            ObjectKind::Snapshot,
            snapshot.id.as_str(),
        )?;
    }
    let retention = match (c.retention_days, vault.kind) {
        (None, VaultKind::Archive { retention }) => match retention {
            RetentionRequest::Permanent => Retention::Permanent,
            RetentionRequest::Days(days) => ctx.retention(Some(days), ctx.now)?,
        },
        (days, _) => ctx.retention(days, ctx.now)?,
    };
    let locked = vault.is_immutable() || policy.is_some_and(|p| p.immutable_since.is_some());
    let point = BackupPoint {
        id: point_id.clone(),
        vault: vault.id.clone(),
        owner: vault.owner.clone(),
        policy: c.policy.clone(),
        snapshot: c.snapshot.clone(),
        retention,
        locked_since: locked.then_some(ctx.now),
        replica_of: None,
        created_at: ctx.now,
    };
    Ok(vec![Event::BackupPointCreated { at: ctx.now, point }])
}

/// VAULT-5. Checks, in order: a customer; its own point (GEN-4, PERM-4);
/// `hbr:DeleteBackupPoint` (PERM-1); not locked, whoever asks (VAULT-5).
pub(crate) fn delete_point(
    ctx: &Ctx<'_>,
    c: &DeleteBackupPoint,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let point = ctx.own_point(account, &c.point)?;
    let vault = ctx.vault(&point.vault)?;
    v.check(ctx.authorize(Action::DeleteBackupPoint, || point_resource(vault, point)))?;
    v.check(unlocked(point, ctx.now))?;
    Ok(vec![Event::BackupPointDeleted {
        at: ctx.now,
        point: point.id.clone(),
    }])
}

/// VAULT-5: refuses a point locked at `now`.
fn unlocked(point: &BackupPoint, now: DateTime<Utc>) -> Result<(), Violation> {
    if point.is_locked_at(now) {
        Err(Violation::BackupPointLocked {
            point: point.id.clone(),
            until: point.retention.end(),
        })
    } else {
        Ok(())
    }
}

/// VAULT-8. Checks: a customer; its own point (GEN-4, PERM-4);
/// `hbr:CreateRestoreJob` (PERM-1). Locks never stop a restore.
pub(crate) fn restore(ctx: &Ctx<'_>, c: &RestoreBackupPoint, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let point = ctx.own_point(account, &c.point)?;
    let vault = ctx.vault(&point.vault)?;
    v.check(ctx.authorize(Action::CreateRestoreJob, || point_resource(vault, point)))?;
    Ok(vec![Event::BackupPointRestored {
        at: ctx.now,
        point: point.id.clone(),
    }])
}

/// VAULT-5, VAULT-6. Checks, in order: a customer; its own vault (GEN-4,
/// PERM-4); `hbr:DeleteVault` (PERM-1); an immutable vault holds no point
/// (VAULT-6: every point held has a retention not ended); another holds no
/// locked point (VAULT-5). Its points and policies go with it.
pub(crate) fn delete_vault(ctx: &Ctx<'_>, c: &DeleteVault, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let vault = ctx.own_vault(account, &c.vault)?;
    v.check(ctx.authorize(Action::DeleteVault, || vault_resource(vault)))?;
    if let Some((until, rule)) = ctx.state.vault_held(vault, ctx.now) {
        v.check(Err(Violation::VaultNotDeletable {
            vault: vault.id.clone(),
            until,
            rule,
        }))?;
    }
    let mut events: Vec<Event> = ctx
        .points_of(&vault.id)
        .map(|point| Event::BackupPointDeleted {
            at: ctx.now,
            point: point.id.clone(),
        })
        .collect();
    events.push(Event::VaultDeleted {
        at: ctx.now,
        vault: vault.id.clone(),
    });
    Ok(events)
}

/// VAULT-7. Checks, in order: a customer; its own vault (GEN-4, PERM-4);
/// the region exists (GEN-4); a fresh replica id (GEN-7, GEN-5, GEN-4);
/// `hbr:CreateReplicationVault` (PERM-1); another region, and a source that
/// is no replica (VAULT-7). The replica is immutable if its source is.
pub(crate) fn replicate_vault(
    ctx: &Ctx<'_>,
    c: &ReplicateVault,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let source = ctx.own_vault(account, &c.vault)?;
    ctx.region(&c.region)?;
    let replica_id = ctx.fresh(ObjectKind::Vault, &c.replica, |id| {
        ctx.state.vault_id_taken(id)
    })?;
    v.check(ctx.authorize(Action::CreateReplicationVault, || vault_resource(source)))?;
    let refused = |problem| Violation::ReplicationRefused {
        vault: source.id.clone(),
        problem,
    };
    v.ensure(source.region != c.region, || {
        refused(ReplicationProblem::SameRegion {
            region: c.region.clone(),
        })
    })?;
    if let Some(of) = &source.replica_of {
        v.check(Err(refused(ReplicationProblem::ReplicaOfReplica {
            source: of.clone(),
        })))?;
    }
    let replica = Vault {
        id: replica_id.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        kind: source.kind,
        immutable_since: source.immutable_since.map(|_| ctx.now),
        replica_of: Some(source.id.clone()),
        created_at: ctx.now,
    };
    Ok(vec![Event::VaultCreated {
        at: ctx.now,
        vault: replica,
    }])
}

/// VAULT-7. Checks, in order: the platform; the point (GEN-4); the vault
/// (GEN-4); a fresh replica id (GEN-7, GEN-5, GEN-4); the vault is a replica of
/// the point's vault (VAULT-7). The replica keeps the retention end and is
/// locked if the point is or the vault is immutable.
pub(crate) fn replicate_point(
    ctx: &Ctx<'_>,
    c: &ReplicateBackupPoint,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    let point = ctx.point(&c.point)?;
    let vault = ctx.vault(&c.vault)?;
    let replica_id = ctx.fresh(ObjectKind::BackupPoint, &c.replica, |id| {
        ctx.state.point_id_taken(id)
    })?;
    v.ensure(vault.replica_of.as_ref() == Some(&point.vault), || {
        Violation::ReplicationRefused {
            vault: point.vault.clone(),
            problem: ReplicationProblem::NotAReplica {
                point: point.id.clone(),
                replica: vault.id.clone(),
            },
        }
    })?;
    let locked = point.locked_since.is_some() || vault.is_immutable();
    let replica = BackupPoint {
        id: replica_id.clone(),
        vault: vault.id.clone(),
        owner: vault.owner.clone(),
        policy: None,
        snapshot: None,
        retention: point.retention,
        locked_since: locked.then_some(ctx.now),
        replica_of: Some(point.id.clone()),
        created_at: ctx.now,
    };
    Ok(vec![Event::BackupPointCreated {
        at: ctx.now,
        point: replica,
    }])
}
