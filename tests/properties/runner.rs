//! The simulation: runs a history step by step from its fixed setup,
//! records the events, runs the enabled checks and counts what it reached.

use std::collections::BTreeMap;
use std::fmt::Debug;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use snapguard::{
    AccountId, Actor, Command, DeletionCause, Event, Principal, ReleaseReason, SnapshotAccess,
    SnapshotId, SnapshotOrigin, State,
};

use crate::checks_copy::{CopyChecks, CopyModel};
use crate::common::t0;
use crate::generate::{Action, Delay, History, Step};
use crate::resolve::{FreshIds, next_instant, resolve};
use crate::setup::{Setup, limits, setup_commands};

/// Which invariants a run checks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Checks {
    /// LOCK-10, LOCK-12: locked snapshots survive; overdue release only.
    pub(crate) locks_survive: bool,
    /// GEN-3: refusals change nothing; `retry_at` is right.
    pub(crate) refusals: bool,
    /// GEN-6: replay, determinism, time-caused events first.
    pub(crate) replay: bool,
    /// Serde round trips.
    pub(crate) serde: bool,
    /// LOCK-11, LOCK-4, GEN-2.
    pub(crate) bounds: bool,
    /// SHARE-1, SHARE-2: quotas, and the public counts agree with a
    /// recount.
    pub(crate) quotas: bool,
    /// SHARE-10, LOCK-3, IMAGE-1, DISK-2: only the owner changes a
    /// snapshot; a sharee's attempts are refused.
    pub(crate) sharee: bool,
    /// SHARE-3: no access across sites.
    pub(crate) sites: bool,
    /// SHARE-13, SHARE-14: unsharing keeps sharees' copies; shared
    /// snapshots are released only once unshared.
    pub(crate) unsharing: bool,
    /// LOCK-13, COPY-2, COPY-5, COPY-7.
    pub(crate) copies: CopyChecks,
    /// VAULT-3, VAULT-5, VAULT-6, VAULT-7.
    pub(crate) vaults: crate::checks_vault::VaultChecks,
}

/// What the generated histories reached (for the coverage test).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) accepted: BTreeMap<&'static str, usize>,
    pub(crate) refused: BTreeMap<&'static str, usize>,
    /// Refusals by command: each is checked against the command's
    /// documented check order.
    pub(crate) refused_commands: BTreeMap<&'static str, usize>,
    pub(crate) happened: BTreeMap<&'static str, usize>,
}

impl Stats {
    pub(crate) fn saw(&mut self, what: &'static str) {
        *self.happened.entry(what).or_default() += 1;
    }
}

pub(crate) struct Sim {
    pub(crate) checks: Checks,
    pub(crate) state: State,
    pub(crate) now: DateTime<Utc>,
    /// Every event recorded so far, setup included.
    pub(crate) log: Vec<Event>,
    /// The events of `log` folded with `State::evolve`, from the initial
    /// state, one event at a time as they are recorded.
    replayed: State,
    /// Never-given ids handed out so far.
    fresh: FreshIds,
    /// The setup the history started from.
    setup: Setup,
    /// The owner of every snapshot ever created (ids are never given
    /// twice), so that a copy's source owner is known after the source is
    /// gone.
    pub(crate) owners: BTreeMap<SnapshotId, AccountId>,
    /// Every snapshot's encryption, source and lineage, from the events.
    pub(crate) copy_model: CopyModel,
    /// Vaults, policies and locked backup points seen, from the steps.
    pub(crate) vault_model: crate::checks_vault::VaultModel,
    pub(crate) stats: Stats,
}

fn replay(setup: Setup, events: &[Event]) -> State {
    events.iter().fold(
        State::with_limits(limits(setup)).unwrap(),
        |state, event| state.evolve(event),
    )
}

pub(crate) fn is_time_caused(event: &Event) -> bool {
    matches!(
        event,
        Event::CoolOffEnded { .. }
            | Event::LockExpired { .. }
            | Event::ShareExpired { .. }
            | Event::BackupPointExpired { .. }
            | Event::SnapshotReleased {
                reason: ReleaseReason::RetentionEnded,
                ..
            }
    )
}

fn round_trip<T>(value: &T, what: &str) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_string(value)
        .map_err(|e| TestCaseError::fail(format!("{what} does not serialize: {e}: {value:?}")))?;
    let back: T = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("{what} does not deserialize: {e}: {json}")))?;
    prop_assert_eq!(
        &back,
        value,
        "{} changed in a JSON round trip: {}",
        what,
        json
    );
    Ok(())
}

impl Sim {
    pub(crate) fn new(checks: Checks, setup: Setup) -> Self {
        let mut state = State::with_limits(limits(setup)).unwrap();
        let mut log = Vec::new();
        for (actor, command) in setup_commands(setup) {
            let events = state
                .apply_mut(t0(), &actor, &command)
                .unwrap_or_else(|v| panic!("setup {command:?} by {actor} refused: {v}"));
            log.extend(events);
        }
        let replayed = replay(setup, &log);
        assert_eq!(replayed, state, "the setup does not replay");
        let mut sim = Self {
            checks,
            state,
            now: t0(),
            log: Vec::new(),
            replayed,
            fresh: FreshIds::default(),
            setup,
            owners: BTreeMap::new(),
            copy_model: CopyModel::default(),
            vault_model: Default::default(),
            stats: Stats::default(),
        };
        sim.note_owners(&log);
        sim.log = log;
        sim
    }

    /// Remembers the owner of every snapshot the events create or copy,
    /// and folds them into the copy model.
    fn note_owners(&mut self, events: &[Event]) {
        for event in events {
            if let Event::SnapshotCreated { snapshot, .. }
            | Event::SnapshotCopied { snapshot, .. } = event
            {
                self.owners
                    .insert(snapshot.id.clone(), snapshot.owner.clone());
            }
            self.copy_model.note(event);
        }
    }

    pub(crate) fn run(&mut self, steps: &[Step]) -> Result<(), TestCaseError> {
        if self.checks.serde {
            round_trip(&self.state, "the initial state")?;
        }
        for (index, step) in steps.iter().enumerate() {
            self.step(index, step)?;
        }
        if self.checks.replay {
            prop_assert_eq!(
                &replay(self.setup, &self.log),
                &self.state,
                "GEN-6: replaying all {} events from the initial state does not rebuild the final state",
                self.log.len()
            );
        }
        Ok(())
    }

    fn step(&mut self, index: usize, step: &Step) -> Result<(), TestCaseError> {
        let before = self.state.clone();
        let (now, on_deadline) = next_instant(&before, self.now, step.delay);
        prop_assert!(now >= self.now, "the generator moved time backwards");
        self.now = now;
        if on_deadline {
            if let Delay::NextDeadline(offset) = step.delay {
                self.stats.saw(match offset {
                    -1 => "step at deadline - 1s",
                    0 => "step at deadline",
                    _ => "step at deadline + 1s",
                });
            }
        }
        let logged = self.log.len();
        let (command, released_by_billing) = match &step.action {
            Action::Advance => {
                self.advance(index, &before)?;
                (None, None)
            }
            Action::Command(who, op) => {
                let (actor, command) = resolve(&before, now, &self.fresh, *who, op);
                let released = self.command(index, &before, &actor, &command)?;
                (Some((actor, command)), released)
            }
        };
        let context = format!("step {index} at {now}: {command:?}");
        if self.checks.locks_survive {
            self.check_locked_snapshots_survive(&before, released_by_billing.as_ref(), &context)?;
        }
        if self.checks.bounds {
            self.check_bounds(&before, command.as_ref(), &context)?;
        }
        if self.checks.quotas {
            self.check_quotas(&context)?;
        }
        if self.checks.sites {
            self.check_sites(&context)?;
        }
        if self.checks.unsharing {
            self.check_ended_snapshots_released(&context)?;
        }
        self.check_copies(&context)?;
        self.vault_step(&before, command.as_ref(), logged, &context)?;
        self.observe_state();
        // A state equal to one already checked need not be checked again
        // (refused commands and steps that record nothing).
        if self.checks.serde && self.state != before {
            round_trip(&self.state, "the state")?;
        }
        if self.checks.replay {
            prop_assert_eq!(
                &self.replayed,
                &self.state,
                "GEN-6: replaying the {} events recorded so far does not rebuild the state after {}",
                self.log.len(),
                context
            );
        }
        Ok(())
    }

    /// Records accepted events in the log and in the replayed state.
    fn record(&mut self, events: &[Event]) {
        self.note_owners(events);
        for event in events {
            if self.checks.replay {
                self.replayed = std::mem::take(&mut self.replayed).evolve(event);
            }
            self.log.push(event.clone());
        }
    }

    fn advance(&mut self, index: usize, before: &State) -> Result<(), TestCaseError> {
        let now = self.now;
        let transition = match before.advance(now) {
            Ok(transition) => transition,
            Err(violation) => {
                return Err(TestCaseError::fail(format!(
                    "step {index}: advance to {now} refused ({}) although time moves forward: {violation}",
                    violation.rule()
                )));
            }
        };
        self.stats.saw("advance");
        self.observe(before, &transition.events);
        if self.checks.replay {
            for event in &transition.events {
                prop_assert!(
                    is_time_caused(event),
                    "GEN-6: step {}: advance recorded an event time did not cause: {:?}",
                    index,
                    event
                );
            }
            self.check_event_order(
                &transition.state,
                &transition.events,
                &format!("step {index}: advance to {now}"),
            )?;
        }
        if self.checks.serde {
            for event in &transition.events {
                round_trip(event, "an event")?;
            }
        }
        if self.checks.locks_survive {
            self.check_events_respect_locks(
                before,
                &transition.events,
                false,
                &format!("step {index}: advance"),
            )?;
        }
        if self.checks.unsharing {
            self.check_releases_wait_for_unsharing(
                before,
                &transition.events,
                &format!("step {index}: advance"),
            )?;
        }
        self.state = transition.state;
        self.record(&transition.events);
        Ok(())
    }

    /// Applies a command; returns the snapshot billing released, if it did.
    fn command(
        &mut self,
        index: usize,
        before: &State,
        actor: &Actor,
        command: &Command,
    ) -> Result<Option<SnapshotId>, TestCaseError> {
        let now = self.now;
        let context = format!("step {index} at {now}: {command:?} by {actor}");
        if self.checks.serde {
            round_trip(command, "a command")?;
            round_trip(actor, "an actor")?;
        }
        let result = self.state.apply_mut(now, actor, command);
        match result {
            Ok(events) => {
                *self.stats.accepted.entry(command.name()).or_default() += 1;
                self.observe(before, &events);
                let billing_release = match (actor, command) {
                    (Actor::Billing, Command::ReleaseOverdueSnapshot(c)) => {
                        Some(c.snapshot.clone())
                    }
                    _ => None,
                };
                if self.checks.replay {
                    self.check_accepted(before, actor, command, &events, &context)?;
                }
                if self.checks.serde {
                    for event in &events {
                        round_trip(event, "an event")?;
                    }
                }
                if self.checks.locks_survive {
                    self.check_events_respect_locks(
                        before,
                        &events,
                        billing_release.is_some(),
                        &context,
                    )?;
                    if let Some(id) = &billing_release {
                        self.check_overdue_release_allowed(before, id, &context)?;
                    }
                }
                self.observe_sharing(before, &events);
                if self.checks.sharee {
                    self.check_only_owners_change_snapshots(before, actor, &events, &context)?;
                }
                self.sharee_attempt(before, actor, command, None, &context)?;
                if self.checks.sites {
                    self.check_sources_on_site(before, actor, command, &context)?;
                }
                self.unsharing_step(before, command, &events, &context)?;
                if self.checks.unsharing {
                    self.check_releases_wait_for_unsharing(before, &events, &context)?;
                }
                self.copy_accepted(before, actor, command, &events, &context)?;
                self.record(&events);
                Ok(billing_release)
            }
            Err(violation) => {
                *self
                    .stats
                    .refused
                    .entry(violation.rule().code())
                    .or_default() += 1;
                *self
                    .stats
                    .refused_commands
                    .entry(command.name())
                    .or_default() += 1;
                if self.checks.refusals {
                    self.check_refusal(before, actor, command, &violation, &context)?;
                }
                if self.checks.serde {
                    round_trip(&violation, "a violation")?;
                    round_trip(&violation.rule(), "a rule id")?;
                }
                if self.checks.locks_survive {
                    self.check_overdue_refusal(before, actor, command, &violation, &context)?;
                }
                self.sharee_attempt(before, actor, command, Some(&violation), &context)?;
                self.copy_refused(before, command, &violation, &context)?;
                Ok(None)
            }
        }
    }

    /// Counts what the events show, for the coverage test.
    fn observe(&mut self, before: &State, events: &[Event]) {
        let now = self.now;
        for event in events {
            let what = match event {
                Event::SnapshotDeleted {
                    cause, snapshot, ..
                } => match cause {
                    DeletionCause::Requested => "deleted on request",
                    DeletionCause::DiskReleased => "deleted with its disk",
                    DeletionCause::ImageDeleted => "deleted with its image",
                    DeletionCause::Rotation => {
                        let gone = before.snapshot(snapshot);
                        let disk = gone.and_then(|s| s.origin.disk());
                        let skipped_locked = disk.is_some_and(|disk| {
                            before
                                .automatic_snapshots(disk)
                                .take_while(|id| *id != snapshot)
                                .filter_map(|id| before.snapshot(id))
                                .any(|s| s.is_locked_at(now))
                        });
                        if skipped_locked {
                            "rotation skipped an older locked snapshot"
                        } else {
                            "rotated out"
                        }
                    }
                    _ => "deleted for another cause",
                },
                Event::SnapshotReleased {
                    snapshot,
                    reason: ReleaseReason::Overdue,
                    ..
                } => {
                    if before
                        .snapshot(snapshot)
                        .is_some_and(|s| s.is_locked_at(now))
                    {
                        "locked snapshot released for overdue account"
                    } else {
                        "unlocked snapshot released for overdue account"
                    }
                }
                Event::SnapshotReleased { .. } => "released at retention end",
                Event::LockSet { lock, .. } if lock.cool_off_end > lock.start => {
                    "lock set with cooling-off"
                }
                Event::LockSet { .. } => "lock set without cooling-off",
                Event::LockReconfigured { .. } => "lock reconfigured",
                Event::LockExtended { .. } => "lock extended",
                Event::SnapshotUnlocked { .. } => "unlocked",
                Event::CoolOffEnded { .. } => "cooling-off ended",
                Event::LockExpired { .. } => "lock expired",
                Event::SnapshotArchived { .. } => "archived",
                Event::ShareExpired { .. } => "share view expired",
                Event::DiskReleased { disk, .. } => {
                    if before
                        .automatic_snapshots(disk)
                        .filter_map(|id| before.snapshot(id))
                        .any(|s| s.is_locked_at(now))
                    {
                        "disk released while an automatic snapshot is locked"
                    } else {
                        "disk released"
                    }
                }
                Event::ImageDeleted { image, .. } => {
                    let locked_base =
                        before
                            .image(image)
                            .is_some_and(|image| match &image.source {
                                snapguard::ImageSource::Snapshot(id) => {
                                    before.snapshot(id).is_some_and(|s| s.is_locked_at(now))
                                }
                                snapguard::ImageSource::Imported => false,
                                _ => unreachable!("an image source this test does not know"),
                            });
                    if locked_base {
                        "image deleted while its snapshot is locked"
                    } else {
                        "image deleted"
                    }
                }
                _ => continue,
            };
            self.stats.saw(what);
        }
    }
}

impl Sim {
    // -- coverage ---------------------------------------------------------------

    /// Counts what an accepted command did with sharing.
    pub(crate) fn observe_sharing(&mut self, before: &State, events: &[Event]) {
        let now = self.now;
        for (index, event) in events.iter().enumerate() {
            let what = match event {
                Event::ResourceShareAccepted { .. } => "share accepted",
                Event::SharePrincipalAdded {
                    principal: Principal::Directory(_),
                    ..
                } => "shared with a directory",
                Event::SharePrincipalAdded {
                    principal: Principal::Folder(_),
                    ..
                } => "shared with a folder",
                Event::SnapshotUnshared { .. } => "unshared",
                Event::SnapshotReleased {
                    snapshot,
                    reason: ReleaseReason::RetentionEnded,
                    ..
                } if events[..index].iter().any(
                    |e| matches!(e, Event::SnapshotUnshared { snapshot: s, .. } if s == snapshot),
                ) =>
                {
                    "released on leaving its last share"
                }
                Event::DiskCreated { disk, .. } if disk.from_shared_snapshot => {
                    "sharee created a disk from a shared snapshot"
                }
                Event::SnapshotCopied { snapshot, .. } => match &snapshot.origin {
                    SnapshotOrigin::Copy { source, .. }
                        if before
                            .snapshot(source)
                            .is_some_and(|s| s.owner != snapshot.owner) =>
                    {
                        "sharee copied a shared snapshot"
                    }
                    _ => continue,
                },
                Event::DiskReinitialized { disk, .. }
                    if before.disk(disk).is_some_and(|d| d.from_shared_snapshot) =>
                {
                    "sharee re-initialized a disk from a shared snapshot"
                }
                Event::DirectoryMemberRemoved { account, .. }
                    if before
                        .visible_snapshots(account, now)
                        .iter()
                        .any(|v| matches!(v.access, SnapshotAccess::Shared { .. })) =>
                {
                    "member seeing shared snapshots left the directory"
                }
                _ => continue,
            };
            self.stats.saw(what);
        }
    }

    /// Counts steps that end with a share holding a snapshot and accepted
    /// by a sharee, so that the replay and serde checks see such states.
    pub(crate) fn observe_state(&mut self) {
        if self
            .state
            .resource_shares()
            .any(|s| !s.snapshots.is_empty() && !s.accepted.is_empty())
        {
            self.stats
                .saw("step ended with an accepted share holding a snapshot");
        }
    }
}

/// The fewest commands a history holds.
pub(crate) const MIN_COMMANDS: usize = 50;

pub(crate) fn run(history: &History, checks: Checks) -> Result<(), TestCaseError> {
    let steps = &history.steps;
    let commands = steps
        .iter()
        .filter(|step| matches!(step.action, Action::Command(..)))
        .count();
    prop_assert!(
        commands >= MIN_COMMANDS,
        "a history of {commands} commands is shorter than {MIN_COMMANDS}"
    );
    Sim::new(checks, history.setup).run(steps)
}
