//! Helpers for the Cloud Backup tests (VAULT): command builders, the
//! violations they are refused with, and a few [`World`] steps.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{
    Action, Actor, BackupPoint, CreateBackupPoint, CreateBackupPolicy, CreateVault,
    DeleteBackupPoint, DeleteVault, DisableImmutability, EnableImmutability, Event,
    ImmutableTarget, ObjectKind, PolicyKind, ReplicateBackupPoint, ReplicateVault,
    ReplicationProblem, RestoreBackupPoint, RetentionRequest, RuleId, Vault, VaultKind,
    VaultReport, Violation,
};

use crate::common::{OWNER, REGION, World, root};

/// Every vault kind of VAULT-1, with a 30-day and a permanent archive.
pub fn every_kind() -> Vec<VaultKind> {
    vec![
        VaultKind::GeneralPurpose,
        VaultKind::Database,
        VaultKind::DatabaseRealtime,
        VaultKind::NasFree30Days,
        VaultKind::OssFree30Days,
        VaultKind::TablestoreFree30Days,
        archive_days(30),
        archive_permanent(),
    ]
}

/// The kinds immutability can be enabled on (VAULT-2).
pub fn immutable_kinds() -> Vec<VaultKind> {
    vec![
        VaultKind::GeneralPurpose,
        VaultKind::Database,
        archive_days(30),
    ]
}

/// The kinds immutability is refused on (VAULT-2).
pub fn mutable_kinds() -> Vec<VaultKind> {
    vec![
        VaultKind::DatabaseRealtime,
        VaultKind::NasFree30Days,
        VaultKind::OssFree30Days,
        VaultKind::TablestoreFree30Days,
        archive_permanent(),
    ]
}

/// An archive vault keeping its points `days` days.
pub fn archive_days(days: u32) -> VaultKind {
    VaultKind::Archive {
        retention: RetentionRequest::Days(days),
    }
}

/// An archive vault keeping its points permanently.
pub fn archive_permanent() -> VaultKind {
    VaultKind::Archive {
        retention: RetentionRequest::Permanent,
    }
}

/// A vault of `kind` in [`REGION`].
pub fn create_vault(vault: &str, kind: VaultKind) -> CreateVault {
    CreateVault::new(vault, REGION, kind)
}

/// A backup policy into `vault`.
pub fn create_policy(
    policy: &str,
    vault: &str,
    kind: PolicyKind,
    immutable: bool,
) -> CreateBackupPolicy {
    CreateBackupPolicy::new(policy, vault, kind).immutable(immutable)
}

/// A backup point in `vault`, without snapshot.
pub fn create_point(
    point: &str,
    vault: &str,
    policy: Option<&str>,
    retention_days: Option<u32>,
) -> CreateBackupPoint {
    CreateBackupPoint::new(point, vault)
        .maybe_policy(policy.map(Into::into))
        .maybe_retention_days(retention_days)
}

pub fn on_vault(vault: &str) -> ImmutableTarget {
    ImmutableTarget::Vault(vault.into())
}

pub fn on_policy(policy: &str) -> ImmutableTarget {
    ImmutableTarget::Policy(policy.into())
}

pub fn enable(target: ImmutableTarget) -> EnableImmutability {
    EnableImmutability::new(target)
}

pub fn disable(target: ImmutableTarget) -> DisableImmutability {
    DisableImmutability::new(target)
}

pub fn delete_point(point: &str) -> DeleteBackupPoint {
    DeleteBackupPoint::new(point)
}

pub fn restore(point: &str) -> RestoreBackupPoint {
    RestoreBackupPoint::new(point)
}

pub fn delete_vault(vault: &str) -> DeleteVault {
    DeleteVault::new(vault)
}

pub fn replicate_vault(vault: &str, replica: &str, region: &str) -> ReplicateVault {
    ReplicateVault::new(vault, replica, region)
}

pub fn replicate_point(point: &str, replica: &str, vault: &str) -> ReplicateBackupPoint {
    ReplicateBackupPoint::new(point, replica, vault)
}

// ---------------------------------------------------------------- violations

pub fn point_locked(point: &str, until: Option<DateTime<Utc>>) -> Violation {
    Violation::BackupPointLocked {
        point: point.into(),
        until,
    }
}

pub fn not_deletable(vault: &str, until: Option<DateTime<Utc>>) -> Violation {
    Violation::VaultNotDeletable {
        vault: vault.into(),
        until,
        rule: RuleId::Vault6,
    }
}

/// A vault that is not immutable, held by its locked points (VAULT-5).
pub fn held_by_locks(vault: &str, until: Option<DateTime<Utc>>) -> Violation {
    Violation::VaultNotDeletable {
        vault: vault.into(),
        until,
        rule: RuleId::Vault5,
    }
}

pub fn unsupported(target: ImmutableTarget, kind: VaultKind) -> Violation {
    Violation::ImmutabilityUnsupported { target, kind }
}

pub fn irreversible(target: ImmutableTarget) -> Violation {
    Violation::ImmutabilityIrreversible { target }
}

pub fn replication_refused(vault: &str, problem: ReplicationProblem) -> Violation {
    Violation::ReplicationRefused {
        vault: vault.into(),
        problem,
    }
}

pub fn denied(actor: &Actor, action: Action, resource: &str) -> Violation {
    Violation::PermissionDenied {
        actor: actor.clone(),
        action,
        resource: resource.into(),
        explicit_deny: false,
    }
}

pub fn foreign(kind: ObjectKind, id: &str, owner: &str, account: &str) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.into(),
        owner: owner.into(),
        account: account.into(),
    }
}

pub fn missing(kind: ObjectKind, id: &str) -> Violation {
    Violation::NotFound {
        kind,
        id: id.into(),
    }
}

// ---------------------------------------------------------------- events

pub fn enabled(at: DateTime<Utc>, target: ImmutableTarget) -> Event {
    Event::ImmutabilityEnabled { at, target }
}

pub fn locked(at: DateTime<Utc>, point: &str) -> Event {
    Event::BackupPointLocked {
        at,
        point: point.into(),
    }
}

pub fn expired(at: DateTime<Utc>, point: &str) -> Event {
    Event::BackupPointExpired {
        at,
        point: point.into(),
    }
}

pub fn deleted(at: DateTime<Utc>, point: &str) -> Event {
    Event::BackupPointDeleted {
        at,
        point: point.into(),
    }
}

/// Whether two event lists hold the same events, in any order.
#[track_caller]
pub fn assert_same_events(actual: &[Event], expected: &[Event]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?}");
    for event in expected {
        assert!(actual.contains(event), "{event:?} missing from {actual:?}");
    }
}

impl World {
    /// [`OWNER`]'s root creates a vault in [`REGION`]; returns it.
    #[track_caller]
    pub fn vault(&mut self, vault: &str, kind: VaultKind) -> Vault {
        self.ok(&root(OWNER), create_vault(vault, kind));
        self.state
            .vault(&vault.into())
            .expect("vault created")
            .clone()
    }

    /// [`OWNER`]'s root creates a backup policy.
    #[track_caller]
    pub fn policy(&mut self, policy: &str, vault: &str, kind: PolicyKind, immutable: bool) {
        self.ok(&root(OWNER), create_policy(policy, vault, kind, immutable));
    }

    /// The platform records a backup point kept `days` days (or the vault's
    /// default); returns it as recorded.
    #[track_caller]
    pub fn backup(
        &mut self,
        point: &str,
        vault: &str,
        policy: Option<&str>,
        days: Option<u32>,
    ) -> BackupPoint {
        let events = self.ok(&Actor::Platform, create_point(point, vault, policy, days));
        let recorded = self.bp(point);
        assert_eq!(
            events,
            vec![Event::BackupPointCreated {
                at: self.now,
                point: recorded.clone(),
            }]
        );
        recorded
    }

    /// [`OWNER`]'s root enables immutability; returns the events.
    #[track_caller]
    pub fn make_immutable(&mut self, target: ImmutableTarget) -> Vec<Event> {
        self.ok(&root(OWNER), enable(target))
    }

    /// A backup point as the state records it.
    #[track_caller]
    pub fn bp(&self, point: &str) -> BackupPoint {
        self.state
            .backup_point(&point.into())
            .unwrap_or_else(|| panic!("no backup point {point}"))
            .clone()
    }

    /// Whether a backup point is recorded.
    pub fn has_point(&self, point: &str) -> bool {
        self.state.backup_point(&point.into()).is_some()
    }

    /// Whether a vault is recorded and immutable.
    #[track_caller]
    pub fn immutable(&self, vault: &str) -> bool {
        self.state
            .vault(&vault.into())
            .unwrap_or_else(|| panic!("no vault {vault}"))
            .is_immutable()
    }

    /// The report on a vault at the current instant.
    #[track_caller]
    pub fn report(&self, vault: &str) -> VaultReport {
        self.state
            .vault_report(&vault.into(), self.now)
            .unwrap_or_else(|| panic!("no vault {vault}"))
    }
}
