//! Given/when/then helpers shared by the integration tests.
//!
//! A [`World`] holds a state and a current instant. `ok` applies a command
//! that must be accepted; `refused` applies one that must be refused with a
//! given rule and checks that the state did not change (GEN-3), through both
//! `apply` and `apply_mut`.
#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use snapguard::{
    ActivateKms, Actor, ArchiveSnapshot, Command, CopySnapshot, CreateAccount,
    CreateAutomaticSnapshot, CreateDisk, CreateKey, CreateRegion, CreateSnapshot, CreateUser,
    DeleteSnapshot, DiskCategory, Event, FinishSnapshot, Limits, LockSnapshot, RetentionRequest,
    RuleId, SetSnapshotRetention, Site, Snapshot, SnapshotId, State, Statement, UnlockSnapshot,
    Violation,
};

/// The main region of the fixtures.
pub const REGION: &str = "cn-hangzhou";
/// A second region.
pub const OTHER_REGION: &str = "cn-shanghai";
/// The account most tests act as (China site).
pub const OWNER: &str = "1001";
/// Another account on the same site.
pub const OTHER: &str = "2002";
/// An account on the international site.
pub const ABROAD: &str = "3003";

/// 2026-01-01T00:00:00Z, when every fixture starts.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

pub fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

pub fn hours(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

pub fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

pub fn root(account: &str) -> Actor {
    Actor::root(account)
}

/// The resource name of a snapshot in [`REGION`].
pub fn snapshot_arn(account: &str, snapshot: &str) -> String {
    format!("acs:ecs:{REGION}:{account}:snapshot/{snapshot}")
}

/// A snapshot id.
pub fn sid(id: &str) -> SnapshotId {
    SnapshotId::new(id)
}

/// An unencrypted blank ESSD disk of 40 GiB in `region`.
pub fn blank_disk(disk: &str, region: &str) -> CreateDisk {
    CreateDisk::new(disk, region, DiskCategory::Essd, 40)
}

/// A manual snapshot of `disk`, without tags.
pub fn create_snapshot(snapshot: &str, disk: &str, retention_days: Option<u32>) -> CreateSnapshot {
    CreateSnapshot::new(snapshot, disk).maybe_retention_days(retention_days)
}

/// Completes a snapshot in progress as available (10 GiB).
pub fn finish(snapshot: &str) -> FinishSnapshot {
    FinishSnapshot::available(snapshot, 10)
}

/// A standard (unencrypted) copy of `source` into [`OTHER_REGION`].
pub fn copy(source: &str, snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot::new(source, snapshot, OTHER_REGION).maybe_retention_days(retention_days)
}

/// Locks (or reconfigures or extends the lock of) a snapshot.
pub fn lock_cmd(snapshot: &str, duration_days: u32, cool_off_hours: u32) -> LockSnapshot {
    LockSnapshot::new(snapshot, duration_days, cool_off_hours)
}

/// Unlocks a snapshot.
pub fn unlock(snapshot: &str) -> UnlockSnapshot {
    UnlockSnapshot::new(snapshot)
}

/// Deletes a snapshot.
pub fn delete(snapshot: &str) -> DeleteSnapshot {
    DeleteSnapshot::new(snapshot)
}

/// Archives a snapshot for `retention_days` from its creation (ARCH-2).
pub fn archive(snapshot: &str, retention_days: u32) -> ArchiveSnapshot {
    ArchiveSnapshot::new(snapshot).retention_days(retention_days)
}

/// Archives a snapshot with no retention: kept permanently (ARCH-2).
pub fn archive_permanently(snapshot: &str) -> ArchiveSnapshot {
    ArchiveSnapshot::new(snapshot)
}

/// Sets the retention of a snapshot.
pub fn set_retention(snapshot: &str, retention: RetentionRequest) -> SetSnapshotRetention {
    SetSnapshotRetention::new(snapshot, retention)
}

/// A statement allowing every action on every resource.
pub fn allow_all() -> Statement {
    Statement::allow(["*"], ["*"])
}

/// The snapshot as the state records it.
#[track_caller]
pub fn get(w: &World, id: &str) -> Snapshot {
    w.state
        .snapshot(&id.into())
        .expect("snapshot exists")
        .clone()
}

pub struct World {
    pub state: State,
    pub now: DateTime<Utc>,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// Two regions and three accounts, at [`t0`], with default limits.
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// As [`World::new`] with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Self::starting_at(t0(), limits)
    }

    /// The regions and accounts of [`World::new`], created at `start` with
    /// the given limits.
    pub fn starting_at(start: DateTime<Utc>, limits: Limits) -> Self {
        let mut world = Self {
            state: State::with_limits(limits).unwrap(),
            now: start,
        };
        for region in [REGION, OTHER_REGION] {
            world.ok(&Actor::Platform, CreateRegion::new(region));
        }
        for (account, site) in [
            (OWNER, Site::China),
            (OTHER, Site::China),
            (ABROAD, Site::International),
        ] {
            world.ok(&Actor::Platform, CreateAccount::new(account, site));
        }
        world
    }

    /// Moves the current instant forward (or anywhere: GEN-2 tests go back).
    pub fn wait(&mut self, delta: TimeDelta) -> &mut Self {
        self.now += delta;
        self
    }

    /// Sets the current instant.
    pub fn at(&mut self, instant: DateTime<Utc>) -> &mut Self {
        self.now = instant;
        self
    }

    /// Applies a command that must be accepted; returns its events.
    #[track_caller]
    pub fn ok(&mut self, actor: &Actor, command: impl Into<Command>) -> Vec<Event> {
        let command = command.into();
        match self.state.apply_mut(self.now, actor, &command) {
            Ok(events) => events,
            Err(violation) => panic!(
                "expected {command:?} by {actor} at {} to be accepted, refused by {}: {violation}",
                self.now,
                violation.rule()
            ),
        }
    }

    /// Applies a command that must be refused with `rule`; checks the state
    /// is unchanged through `apply` and `apply_mut`; returns the violation.
    #[track_caller]
    pub fn refused(
        &mut self,
        actor: &Actor,
        command: impl Into<Command>,
        rule: RuleId,
    ) -> Violation {
        let command = command.into();
        let before = self.state.clone();
        let violation = match self.state.apply(self.now, actor, &command) {
            Ok(transition) => panic!(
                "expected {command:?} by {actor} at {} to be refused by {rule}, accepted with {:?}",
                self.now, transition.events
            ),
            Err(violation) => violation,
        };
        assert_eq!(
            violation.rule(),
            rule,
            "refused by the wrong rule: {violation}"
        );
        assert_eq!(self.state, before, "apply changed the state it borrowed");
        let mut copy = self.state.clone();
        let again = copy
            .apply_mut(self.now, actor, &command)
            .expect_err("apply_mut accepted");
        assert_eq!(again, violation, "apply and apply_mut disagree");
        assert_eq!(
            copy, before,
            "a refused apply_mut changed the state (GEN-3)"
        );
        violation
    }

    /// Adds a user with statements to an account.
    #[track_caller]
    pub fn user(&mut self, account: &str, user: &str, statements: Vec<Statement>) -> Actor {
        self.ok(&root(account), CreateUser::new(user).statements(statements));
        Actor::user(account, user)
    }

    /// Creates an unencrypted ESSD disk of 40 GiB in [`REGION`].
    #[track_caller]
    pub fn disk(&mut self, account: &str, disk: &str) {
        self.ok(&root(account), blank_disk(disk, REGION));
    }

    /// Activates KMS for `account` (if it has not) and creates its
    /// customer master key `key` in `region`.
    #[track_caller]
    pub fn key(&mut self, account: &str, key: &str, region: &str) {
        self.ok(&root(account), ActivateKms::new());
        self.ok(&root(account), CreateKey::new(key, region));
    }

    /// Completes a snapshot in progress as available (10 GiB).
    #[track_caller]
    pub fn finish(&mut self, snapshot: &str) {
        self.ok(&Actor::Platform, finish(snapshot));
    }

    /// Takes a manual snapshot of a disk and completes it.
    #[track_caller]
    pub fn snapshot(
        &mut self,
        account: &str,
        disk: &str,
        snapshot: &str,
        retention_days: Option<u32>,
    ) {
        self.ok(
            &root(account),
            create_snapshot(snapshot, disk, retention_days),
        );
        self.finish(snapshot);
    }

    /// A disk `d-1` of [`OWNER`] with a permanent available snapshot `s-1`.
    #[track_caller]
    pub fn with_snapshot() -> Self {
        let mut world = Self::new();
        world.disk(OWNER, "d-1");
        world.snapshot(OWNER, "d-1", "s-1", None);
        world
    }

    /// Takes an automatic snapshot of a disk and completes it; returns the
    /// events of its creation (rotation included).
    #[track_caller]
    pub fn auto_snapshot(&mut self, disk: &str, snapshot: &str) -> Vec<Event> {
        let events = self.ok(
            &Actor::Platform,
            CreateAutomaticSnapshot::new(snapshot, disk),
        );
        self.finish(snapshot);
        events
    }

    /// Locks a snapshot of [`OWNER`] as its root.
    #[track_caller]
    pub fn lock(&mut self, snapshot: &str, duration_days: u32, cool_off_hours: u32) -> Vec<Event> {
        self.ok(
            &root(OWNER),
            lock_cmd(snapshot, duration_days, cool_off_hours),
        )
    }

    /// Whether a snapshot is still in the state.
    pub fn exists(&self, snapshot: &str) -> bool {
        self.state.snapshot(&snapshot.into()).is_some()
    }
}

/// Asserts a refusal names a snapshot that is not available, in `status`.
#[track_caller]
pub fn assert_not_available(violation: &Violation, status: snapguard::SnapshotStatus) {
    assert!(
        matches!(violation, Violation::SnapshotNotAvailable { status: found, .. } if *found == status),
        "expected a snapshot {status}, not available: {violation:?}"
    );
}
