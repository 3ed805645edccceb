//! The simulation: runs a history step by step from the fixed setup,
//! records the events, runs the enabled checks and counts what it reached.

use std::collections::BTreeMap;
use std::fmt::Debug;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use snapguard::{Actor, Command, DeletionCause, Event, ReleaseReason, SnapshotId, State};

use crate::common::t0;
use crate::generate::{Action, Delay, Step};
use crate::resolve::{FreshIds, next_instant, resolve};
use crate::setup::{limits, setup_commands};

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
}

/// What the generated histories reached (for the coverage test).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) accepted: BTreeMap<&'static str, usize>,
    pub(crate) refused: BTreeMap<&'static str, usize>,
    pub(crate) happened: BTreeMap<&'static str, usize>,
}

impl Stats {
    fn saw(&mut self, what: &'static str) {
        *self.happened.entry(what).or_default() += 1;
    }
}

pub(crate) struct Sim {
    checks: Checks,
    pub(crate) state: State,
    pub(crate) now: DateTime<Utc>,
    /// Every event recorded so far, setup included.
    log: Vec<Event>,
    /// The events of `log` folded with `State::evolve`, from the initial
    /// state, one event at a time as they are recorded.
    replayed: State,
    /// Never-given ids handed out so far.
    fresh: FreshIds,
    pub(crate) stats: Stats,
}

fn replay(events: &[Event]) -> State {
    events
        .iter()
        .fold(State::with_limits(limits()), |state, event| {
            state.evolve(event)
        })
}

pub(crate) fn is_time_caused(event: &Event) -> bool {
    matches!(
        event,
        Event::CoolOffEnded { .. }
            | Event::LockExpired { .. }
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
    pub(crate) fn new(checks: Checks) -> Self {
        let mut state = State::with_limits(limits());
        let mut log = Vec::new();
        for (actor, command) in setup_commands() {
            let events = state
                .apply_mut(t0(), &actor, &command)
                .unwrap_or_else(|v| panic!("setup {command:?} by {actor} refused: {v}"));
            log.extend(events);
        }
        let replayed = replay(&log);
        assert_eq!(replayed, state, "the setup does not replay");
        Self {
            checks,
            state,
            now: t0(),
            log,
            replayed,
            fresh: FreshIds::default(),
            stats: Stats::default(),
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
                &replay(&self.log),
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
                self.record(&events);
                Ok(billing_release)
            }
            Err(violation) => {
                *self
                    .stats
                    .refused
                    .entry(violation.rule().code())
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

/// The fewest commands a history holds.
pub(crate) const MIN_COMMANDS: usize = 50;

pub(crate) fn run(steps: &[Step], checks: Checks) -> Result<(), TestCaseError> {
    let commands = steps
        .iter()
        .filter(|step| matches!(step.action, Action::Command(..)))
        .count();
    prop_assert!(
        commands >= MIN_COMMANDS,
        "a history of {commands} commands is shorter than {MIN_COMMANDS}"
    );
    Sim::new(checks).run(steps)
}
