//! The Cloud Backup invariants a [`Sim`] checks after each step:
//! immutability never turns off (VAULT-3), no locked backup point
//! disappears before its retention end and no immutable vault is deleted
//! while it holds one whose retention has not ended (VAULT-5, VAULT-6),
//! replicas are never less protected than their sources (VAULT-7); and what
//! Cloud Backup reached, for the coverage test.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use snapguard::{
    Actor, BackupPointId, BackupPolicyId, Command, Event, ImmutableTarget, PolicyKind,
    ReplicationProblem, Retention, RuleId, State, Vault, VaultId, Violation,
};

use crate::runner::Sim;

/// Which Cloud Backup invariants a run checks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct VaultChecks {
    /// VAULT-3: once set, a vault's or policy's `immutable_since` stays.
    pub(crate) irreversible: bool,
    /// VAULT-5, VAULT-6: a point once locked is removed only by time at
    /// its retention end; an immutable vault is deleted only once no point
    /// of it has a retention not ended.
    pub(crate) locked_points: bool,
    /// VAULT-7: replicas at least as protected as their sources.
    pub(crate) replicas: bool,
}

/// What the test remembers of Cloud Backup, from the events and the states
/// after each step (ids are never given twice, so gone ones stay
/// meaningful).
#[derive(Debug, Default)]
pub(crate) struct VaultModel {
    /// Every vault ever created.
    vaults: BTreeSet<VaultId>,
    /// Every policy ever created.
    policies: BTreeSet<BackupPolicyId>,
    /// When each vault or policy was first seen immutable.
    immutable: BTreeMap<ImmutableTarget, DateTime<Utc>>,
    /// Every backup point seen locked after a step and not gone since, with
    /// its retention then.
    locked: BTreeMap<BackupPointId, Retention>,
    /// The vaults time has deleted a backup point of.
    expired_in: BTreeSet<VaultId>,
}

fn is_vault_command(command: &Command) -> bool {
    matches!(
        command,
        Command::CreateVault(_)
            | Command::CreateBackupPolicy(_)
            | Command::EnableImmutability(_)
            | Command::DisableImmutability(_)
            | Command::CreateBackupPoint(_)
            | Command::DeleteBackupPoint(_)
            | Command::RestoreBackupPoint(_)
            | Command::DeleteVault(_)
            | Command::ReplicateVault(_)
            | Command::ReplicateBackupPoint(_)
    )
}

/// The coverage label of a Cloud Backup refusal, if it is one.
fn refusal_label(command: &Command, violation: &Violation) -> Option<&'static str> {
    if let Violation::ReplicationRefused { problem, .. } = violation {
        return Some(match problem {
            ReplicationProblem::SameRegion { .. } => "VAULT-7 refusal (same region)",
            ReplicationProblem::ReplicaOfReplica { .. } => "VAULT-7 refusal (replica of a replica)",
            ReplicationProblem::NotAReplica { .. } => "VAULT-7 refusal (not a replica)",
            _ => "VAULT-7 refusal (another problem)",
        });
    }
    Some(match (violation.rule(), command) {
        (RuleId::Vault2, _) => "VAULT-2 refusal",
        (RuleId::Vault3, _) => "VAULT-3 refusal",
        (RuleId::Vault5, Command::DeleteVault(_)) => "VAULT-5 refusal (vault deletion)",
        (RuleId::Vault5, _) => "VAULT-5 refusal (point deletion)",
        (RuleId::Vault6, _) => "VAULT-6 refusal",
        _ => return None,
    })
}

impl Sim {
    /// After every step: walks the step's recorded events (those from
    /// `logged` on) against the state before it, checks the enabled VAULT
    /// invariants on the state after it, and counts what it reached.
    pub(crate) fn vault_step(
        &mut self,
        before: &State,
        command: Option<&(Actor, Command)>,
        logged: usize,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let events: Vec<Event> = self.log[logged..].to_vec();
        if let Some((actor, command)) = command {
            if events.is_empty() && is_vault_command(command) {
                let refused = before.decide(self.now, actor, command).err();
                if let Some(label) = refused.and_then(|v| refusal_label(command, &v)) {
                    self.stats.saw(label);
                }
            }
        }
        let expired = self.walk_vault_events(before, &events, context)?;
        if self.checks.vaults.locked_points {
            self.check_locked_points_kept(&expired, context)?;
        }
        self.vault_model.locked = self
            .state
            .vaults()
            .flat_map(|v| self.state.backup_points_of(&v.id))
            .filter(|p| p.locked_since.is_some())
            .map(|p| (p.id.clone(), p.retention))
            .collect();
        if self.checks.vaults.irreversible {
            self.check_immutability_kept(context)?;
        }
        if self.checks.vaults.replicas {
            self.check_replicas(context)?;
        }
        Ok(())
    }

    /// Walks one step's events: VAULT-5 for every deletion and expiry,
    /// VAULT-6 for every vault deletion, against the state before the step
    /// and the points the model saw locked; returns the points time
    /// deleted, with the instant.
    fn walk_vault_events(
        &mut self,
        before: &State,
        events: &[Event],
        context: &str,
    ) -> Result<BTreeMap<BackupPointId, DateTime<Utc>>, TestCaseError> {
        let (now, check) = (self.now, self.checks.vaults.locked_points);
        let mut expired = BTreeMap::new();
        for event in events {
            match event {
                Event::VaultCreated { vault, .. } => {
                    self.vault_model.vaults.insert(vault.id.clone());
                    let source = vault.replica_of.as_ref().and_then(|id| before.vault(id));
                    if source.is_some_and(Vault::is_immutable) {
                        self.stats.saw("vault replicated while immutable");
                    }
                }
                Event::BackupPolicyCreated { policy, .. } => {
                    self.vault_model.policies.insert(policy.id.clone());
                }
                Event::ImmutabilityEnabled { target, .. } => self.observe_enabled(before, target),
                Event::BackupPointCreated { point, .. } => {
                    let source = point
                        .replica_of
                        .as_ref()
                        .and_then(|id| before.backup_point(id));
                    if source.is_some_and(|p| p.is_locked_at(now)) {
                        self.stats.saw("point replicated while locked");
                    }
                }
                Event::BackupPointExpired { at, point } => {
                    let gone = before.backup_point(point);
                    prop_assert!(
                        !check
                            || (*at <= now && gone.is_some_and(|p| p.retention.end() == Some(*at))),
                        "VAULT-5: {} expired at {}, not its retention end or later than now: {:?} ({})",
                        point,
                        at,
                        gone,
                        context
                    );
                    if let Some(gone) = gone {
                        if gone.locked_since.is_some() {
                            self.stats.saw("backup point expired by time while locked");
                        }
                        self.vault_model.expired_in.insert(gone.vault.clone());
                    }
                    expired.insert(point.clone(), *at);
                }
                Event::BackupPointDeleted { at, point } => {
                    let gone = before.backup_point(point);
                    let recorded = self.vault_model.locked.get(point);
                    prop_assert!(
                        !check
                            || (gone.is_some_and(|p| !p.is_locked_at(*at))
                                && recorded.is_none_or(|r| r.end().is_some_and(|end| end <= *at))),
                        "VAULT-5: {} deleted at {} while locked: {:?}, locked with retention {:?} ({})",
                        point,
                        at,
                        gone,
                        recorded,
                        context
                    );
                }
                Event::BackupPointRestored { point, .. }
                    if before
                        .backup_point(point)
                        .is_some_and(|p| p.is_locked_at(now)) =>
                {
                    self.stats.saw("restore of a locked point");
                }
                Event::VaultDeleted { at, vault } => {
                    let immutable = before.vault(vault).is_some_and(Vault::is_immutable);
                    if check {
                        check_vault_deletion(before, vault, *at, immutable, context)?;
                    }
                    if immutable && self.vault_model.expired_in.contains(vault) {
                        self.stats.saw("vault deleted after its points expired");
                    }
                }
                _ => {}
            }
        }
        Ok(expired)
    }

    /// Counts immutability enabled on a vault, a general policy, or an ECS
    /// instance policy that made a point still held and unlocked, which it
    /// leaves unlocked (VAULT-4).
    fn observe_enabled(&mut self, before: &State, target: &ImmutableTarget) {
        let ImmutableTarget::Policy(id) = target else {
            self.stats.saw("immutability enabled on a vault");
            return;
        };
        let Some(policy) = before.backup_policy(id) else {
            return;
        };
        if policy.kind == PolicyKind::General {
            self.stats.saw("immutability enabled on a general policy");
            return;
        }
        let now = self.now;
        let unlocked: Vec<&BackupPointId> = before
            .backup_points_of(&policy.vault)
            .filter(|p| p.policy.as_ref() == Some(id) && p.locked_since.is_none())
            .filter(|p| p.retention.end().is_none_or(|end| now < end))
            .map(|p| &p.id)
            .collect();
        let left = |point: &BackupPointId| {
            self.state
                .backup_point(point)
                .is_some_and(|p| p.locked_since.is_none())
        };
        if !unlocked.is_empty() && unlocked.iter().all(|p| left(p)) {
            self.stats
                .saw("immutability enabled on an ECS instance policy, its point left unlocked");
        }
    }

    /// VAULT-5: every point the model saw locked is still there, locked,
    /// with its retention; or time deleted it at its retention end, by now.
    fn check_locked_points_kept(
        &self,
        expired: &BTreeMap<BackupPointId, DateTime<Utc>>,
        context: &str,
    ) -> Result<(), TestCaseError> {
        for (id, retention) in &self.vault_model.locked {
            match self.state.backup_point(id) {
                Some(point) => prop_assert!(
                    point.locked_since.is_some() && point.retention == *retention,
                    "VAULT-5: locked point {} (retention {:?}) was modified: {:?} ({})",
                    id,
                    retention,
                    point,
                    context
                ),
                None => {
                    let end = retention.end();
                    prop_assert!(
                        end.is_some_and(|end| end <= self.now && expired.get(id) == Some(&end)),
                        "VAULT-5: locked point {} (retention {:?}) disappeared at {} without \
                         expiring at its retention end (expired: {:?}) ({})",
                        id,
                        retention,
                        self.now,
                        expired.get(id),
                        context
                    );
                }
            }
        }
        Ok(())
    }

    /// VAULT-3: once a vault or policy is seen immutable, it stays so with
    /// the same instant as long as it exists.
    fn check_immutability_kept(&mut self, context: &str) -> Result<(), TestCaseError> {
        let state = &self.state;
        let vaults = self.vault_model.vaults.iter().filter_map(|id| {
            let vault = state.vault(id)?;
            Some((ImmutableTarget::Vault(id.clone()), vault.immutable_since))
        });
        let policies = self.vault_model.policies.iter().filter_map(|id| {
            let policy = state.backup_policy(id)?;
            Some((ImmutableTarget::Policy(id.clone()), policy.immutable_since))
        });
        let seen: Vec<_> = vaults.chain(policies).collect();
        for (target, since) in seen {
            match (self.vault_model.immutable.get(&target), since) {
                (Some(first), since) => prop_assert_eq!(
                    since,
                    Some(*first),
                    "VAULT-3: {} immutable since {} no longer is so ({})",
                    target,
                    first,
                    context
                ),
                (None, Some(since)) => {
                    self.vault_model.immutable.insert(target, since);
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    /// VAULT-7: a replica vault whose source exists is immutable if the
    /// source is; a replica point whose source exists is locked if the
    /// source is, with the same retention.
    fn check_replicas(&self, context: &str) -> Result<(), TestCaseError> {
        let state = &self.state;
        for vault in state.vaults() {
            let Some(source) = vault.replica_of.as_ref().and_then(|id| state.vault(id)) else {
                continue;
            };
            prop_assert!(
                !source.is_immutable() || vault.is_immutable(),
                "VAULT-7: replica vault {:?} of immutable {:?} is not immutable ({})",
                vault,
                source,
                context
            );
        }
        for point in state.vaults().flat_map(|v| state.backup_points_of(&v.id)) {
            let Some(source) = point
                .replica_of
                .as_ref()
                .and_then(|id| state.backup_point(id))
            else {
                continue;
            };
            prop_assert!(
                (source.locked_since.is_none() || point.locked_since.is_some())
                    && point.retention == source.retention,
                "VAULT-7: replica point {:?} less protected than, or kept otherwise than, its \
                 source {:?} ({})",
                point,
                source,
                context
            );
        }
        Ok(())
    }
}

/// VAULT-6 (and VAULT-5): a vault deleted at `at` held, before the step,
/// no point whose retention had not ended if immutable, no point locked
/// then otherwise.
fn check_vault_deletion(
    before: &State,
    vault: &VaultId,
    at: DateTime<Utc>,
    immutable: bool,
    context: &str,
) -> Result<(), TestCaseError> {
    let held: Vec<_> = before
        .backup_points_of(vault)
        .filter(|p| p.retention.end().is_none_or(|end| at < end))
        .filter(|p| immutable || p.is_locked_at(at))
        .collect();
    prop_assert!(
        held.is_empty(),
        "{}: vault {} (immutable: {}) deleted at {} while holding {:?} ({})",
        if immutable { "VAULT-6" } else { "VAULT-5" },
        vault,
        immutable,
        at,
        held,
        context
    );
    Ok(())
}
