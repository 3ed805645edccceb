//! The public entry points: decide, apply, advance, explain.
//!
//! Every entry point first catches the state up with time: the events that
//! time alone caused by `now` (GEN-6) come first, then the command's own.
//! Catching up copies nothing: the command is decided on the state as it
//! is, with the snapshots those events release and the backup points they
//! delete set aside ([`Pending`]).

use std::borrow::Borrow;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Verdict};
use crate::deadline::Deadline;
use crate::dispatch::dispatch;
use crate::{
    AccountId, Actor, BackupPointId, Command, Event, IntoCommand, SnapshotId, State, Violation,
};

/// A new state and the events that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Transition {
    /// The state after the events.
    pub state: State,
    /// What happened, in order: time-caused events first, each with its
    /// instant, then the command's own at `now`.
    pub events: Vec<Event>,
}

impl State {
    /// Decides a command: the events it causes at `now`, or the first rule
    /// that refuses it. Borrows the state and changes nothing.
    ///
    /// The command is a payload such as
    /// [`CreateSnapshot`](crate::CreateSnapshot) or a [`Command`], by value,
    /// or a `&Command`, which is lent and never copied ([`IntoCommand`]); so
    /// are those of [`State::apply`], [`State::apply_mut`] and
    /// [`State::explain`].
    ///
    /// The events start with those time alone caused by `now` and not yet
    /// recorded (see [`State::advance`]); the command is decided on the state
    /// after them. Record the events with [`State::evolve`], or use
    /// [`State::apply`] to do both.
    ///
    /// # Errors
    ///
    /// Any [`Violation`]; its [`rule`](Violation::rule) names the rule that
    /// refused. Where several rules refuse, the first checked is returned,
    /// in the order [`Command::checked_rules`] lists: time (GEN-5, GEN-2),
    /// the actor (PERM-1, GEN-4), the objects named (GEN-4, PERM-4) and new
    /// ids (GEN-7, GEN-5, GEN-4), permissions (PERM-1, PERM-2, PERM-5), then
    /// the command's own rules in the order its payload documents. One
    /// exception: whose a customer master key is (PERM-4) is checked with
    /// the key's other conditions, after SHARE-11 (see [`CopySnapshot`](crate::CopySnapshot)
    /// and [`CreateDisk`](crate::CreateDisk)).
    /// [`State::explain`] lists them all.
    ///
    /// # Cost
    ///
    /// Deciding at `now` first works out what time caused by then, at a cost
    /// that follows the number of events due. A refused command records
    /// nothing (GEN-3), those events included, so the next command at a
    /// later instant works them out again. A host that lets much fall due
    /// (a clock jumped by months over a large fleet) records it once with
    /// [`State::advance_mut`] before deciding, or calls it on a timer at
    /// [`State::next_deadline`]; commands then find nothing due and cost
    /// only their own checks, refused or not.
    ///
    /// ```
    /// use snapguard::{Actor, Command, CreateRegion, RuleId, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let command = Command::from(CreateRegion::new("cn-hangzhou"));
    /// assert_eq!(State::new().decide(now, &Actor::Platform, &command)?.len(), 1);
    ///
    /// // Customers do not register regions.
    /// let refusal = State::new().decide(now, &Actor::root("1001"), &command).unwrap_err();
    /// assert_eq!(refusal.rule(), RuleId::Perm1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Result<Vec<Event>, Violation> {
        self.decide_command(now, actor, command.into_command().borrow())
    }

    /// [`State::decide`] on a borrowed command: the one body every entry
    /// point shares, so none of them copies the command.
    fn decide_command(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: &Command,
    ) -> Result<Vec<Event>, Violation> {
        let pending = self.catch_up(now)?;
        let own = dispatch(
            &pending.ctx(self, now, actor, command.name()),
            command,
            &mut Verdict::first(),
        )
        .map_err(|halt| halt.0)?;
        if pending.events.is_empty() {
            // Nothing fell due: the command's own events, with no new
            // vector (an event is a few hundred bytes).
            return Ok(own);
        }
        let mut events = pending.events;
        events.extend(own);
        Ok(events)
    }

    /// Applies a command: the new state with the events that made it, or the
    /// violation that refused it. `self` is left as it was either way.
    ///
    /// The new state shares with `self` everything the command did not
    /// change: keeping both costs the few map nodes and objects the events
    /// touched, not a copy of the state.
    ///
    /// # Errors
    ///
    /// As [`State::decide`].
    ///
    /// ```
    /// use snapguard::{Actor, CreateAccount, CreateRegion, Site, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let state = State::new()
    ///     .apply(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?
    ///     .state
    ///     .apply(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?
    ///     .state;
    /// assert!(state.account(&"1001".into()).is_some());
    ///
    /// // The same account twice: refused by GEN-4, and the state is unchanged.
    /// let again = CreateAccount::new("1001", Site::China);
    /// let refusal = state.apply(now, &Actor::Platform, again).unwrap_err();
    /// assert_eq!(refusal.rule().code(), "GEN-4");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Result<Transition, Violation> {
        let events = self.decide_command(now, actor, command.into_command().borrow())?;
        let mut state = self.clone();
        for event in &events {
            state.record(event);
        }
        Ok(Transition { state, events })
    }

    /// Applies a command in place, for callers that do not keep the old
    /// state. On refusal the state is left exactly as it was (GEN-3).
    ///
    /// # Errors
    ///
    /// As [`State::decide`].
    ///
    /// ```
    /// use snapguard::{Actor, CreateRegion, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let mut state = State::new();
    /// let events = state.apply_mut(now, &Actor::Platform, CreateRegion::new("eu-central-1"))?;
    /// assert_eq!(events.len(), 1);
    /// assert_eq!(state.clock(), Some(now));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_mut(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Result<Vec<Event>, Violation> {
        let events = self.decide_command(now, actor, command.into_command().borrow())?;
        for event in &events {
            self.record(event);
        }
        Ok(events)
    }

    /// Advances time to `now`: records what time alone caused by then
    /// (cooling-off ended, lock expired, retention reached) and returns it.
    /// The cost follows the number of due events, not the size of the state.
    ///
    /// # Errors
    ///
    /// [`Violation::ClockWentBackwards`] (GEN-2) when `now` is earlier than
    /// the latest instant recorded.
    ///
    /// ```
    /// use snapguard::State;
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let transition = State::new().advance(now)?;
    /// assert!(transition.events.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn advance(&self, now: DateTime<Utc>) -> Result<Transition, Violation> {
        let mut state = self.clone();
        let events = state.advance_mut(now)?;
        Ok(Transition { state, events })
    }

    /// Advances time to `now` in place, for callers that do not keep the
    /// old state; returns what time alone caused.
    ///
    /// # Errors
    ///
    /// [`Violation::ClockWentBackwards`] (GEN-2), as [`State::advance`].
    ///
    /// ```
    /// use snapguard::State;
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut state = State::new();
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// assert!(state.advance_mut(now)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn advance_mut(&mut self, now: DateTime<Utc>) -> Result<Vec<Event>, Violation> {
        let pending = self.catch_up(now)?;
        for event in &pending.events {
            self.record(event);
        }
        Ok(pending.events)
    }

    /// Every rule that refuses `command` at `now`, in the order
    /// [`State::decide`] checks them; empty when it would be accepted.
    /// Checks that depend on an earlier one (an object must exist before its
    /// lock is examined) are not reached when that one refuses.
    ///
    /// ```
    /// use snapguard::{Actor, Command, CreateRegion, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let command = Command::from(CreateRegion::new("cn-hangzhou"));
    /// assert!(State::new().explain(now, &Actor::Platform, &command).is_empty());
    /// assert_eq!(State::new().explain(now, &Actor::Billing, &command).len(), 1);
    /// ```
    #[must_use]
    pub fn explain(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Vec<Violation> {
        match self.catch_up(now) {
            Err(violation) => vec![violation],
            Ok(pending) => {
                let mut verdict = Verdict::all();
                let command = command.into_command();
                let command = command.borrow();
                let outcome = dispatch(
                    &pending.ctx(self, now, actor, command.name()),
                    command,
                    &mut verdict,
                );
                verdict.into_refusals(outcome)
            }
        }
    }

    /// GEN-5: refuses an instant inside a leap second; GEN-2: refuses an
    /// instant earlier than the latest recorded.
    pub(crate) fn check_clock(&self, now: DateTime<Utc>) -> Result<(), Violation> {
        if crate::time::in_leap_second(now) {
            return Err(Violation::LeapSecond { at: now });
        }
        match self.clock {
            Some(latest) if now < latest => Err(Violation::ClockWentBackwards { now, latest }),
            _ => Ok(()),
        }
    }

    /// What time alone caused by `now` and is not yet recorded (GEN-2
    /// checked first). The cost follows the number of due events.
    pub(crate) fn catch_up(&self, now: DateTime<Utc>) -> Result<Pending, Violation> {
        self.check_clock(now)?;
        let events = self.due_events(now);
        let released = events
            .iter()
            .filter_map(|event| match event {
                Event::SnapshotReleased { snapshot, .. } => Some(snapshot.clone()),
                _ => None,
            })
            .collect();
        let expired = events
            .iter()
            .filter_map(|event| match event {
                Event::BackupPointExpired { point, .. } => Some(point.clone()),
                _ => None,
            })
            .collect();
        Ok(Pending {
            events,
            released,
            expired,
        })
    }
}

/// The time-caused events due by an instant and not yet recorded, with the
/// snapshots they release and the backup points they delete. Of those
/// events only these change what a rule can see (cooling-off ends, lock
/// and view expiries are computed from `now` on demand), so deciding on
/// the recorded state with them set aside is deciding on the state after
/// the events.
pub(crate) struct Pending {
    pub(crate) events: Vec<Event>,
    pub(crate) released: BTreeSet<SnapshotId>,
    pub(crate) expired: BTreeSet<BackupPointId>,
}

impl Pending {
    /// What the rules see at `now`: `state` with these events applied.
    pub(crate) fn ctx<'a>(
        &'a self,
        state: &'a State,
        now: DateTime<Utc>,
        actor: &'a Actor,
        operation: &'static str,
    ) -> Ctx<'a> {
        Ctx {
            state,
            now,
            actor,
            released: &self.released,
            expired: &self.expired,
            operation,
        }
    }
}

impl State {
    /// The time-caused events due by `now`, in the order they happened.
    /// The cost follows the number of due events, not the fleet.
    pub(crate) fn due_events(&self, now: DateTime<Utc>) -> Vec<Event> {
        self.index.deadlines_due(now).map(Deadline::event).collect()
    }
}

impl State {
    /// Runs a customer's query against the state as of `now` (GEN-2), with
    /// the actor checked as a customer whose account and user exist.
    pub(crate) fn as_customer<T>(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        query: &'static str,
        answer: impl FnOnce(&Ctx<'_>, &AccountId) -> Result<T, Violation>,
    ) -> Result<T, Violation> {
        let pending = self.catch_up(now)?;
        let ctx = pending.ctx(self, now, actor, query);
        let account = ctx.customer()?;
        answer(&ctx, account)
    }
}
