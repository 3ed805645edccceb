//! The public entry points: decide, apply, advance, explain.
//!
//! Every entry point first catches the state up with time: the events that
//! time alone caused by `now` (GEN-6) come first, then the command's own.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::decide::{Ctx, Verdict, dispatch};
use crate::{Actor, Command, Event, State, Violation};

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
    /// The events start with those time alone caused by `now` and not yet
    /// recorded (see [`State::advance`]); the command is decided on the state
    /// after them. Record the events with [`State::evolve`], or use
    /// [`State::apply`] to do both.
    ///
    /// # Errors
    ///
    /// Any [`Violation`]; its [`rule`](Violation::rule) names the rule that
    /// refused. Where several rules refuse, the first checked is returned,
    /// in this order: time (GEN-2), the actor (PERM-1, GEN-4), the objects
    /// named (GEN-4, GEN-5, PERM-4), permissions (PERM-1, PERM-2), then the
    /// command's own rules in the order its payload documents.
    /// [`State::explain`] lists them all.
    ///
    /// ```
    /// use snapguard::{Actor, Command, CreateRegion, RuleId, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let command = Command::from(CreateRegion { region: "cn-hangzhou".into() });
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
        command: &Command,
    ) -> Result<Vec<Event>, Violation> {
        let (caught_up, mut events) = self.catch_up(now)?;
        events.extend(caught_up.decide_command(now, actor, command)?);
        Ok(events)
    }

    /// Applies a command: the new state with the events that made it, or the
    /// violation that refused it. `self` is left as it was either way.
    ///
    /// # Errors
    ///
    /// As [`State::decide`].
    ///
    /// ```
    /// use snapguard::{Actor, Command, CreateAccount, CreateRegion, Site, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let state = State::new()
    ///     .apply(now, &Actor::Platform, &CreateRegion { region: "cn-hangzhou".into() }.into())?
    ///     .state
    ///     .apply(now, &Actor::Platform, &CreateAccount { account: "1001".into(), site: Site::China }.into())?
    ///     .state;
    /// assert!(state.account(&"1001".into()).is_some());
    ///
    /// // The same account twice: refused by GEN-4, and the state is unchanged.
    /// let again = Command::from(CreateAccount { account: "1001".into(), site: Site::China });
    /// let refusal = state.apply(now, &Actor::Platform, &again).unwrap_err();
    /// assert_eq!(refusal.rule().code(), "GEN-4");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: &Command,
    ) -> Result<Transition, Violation> {
        let (caught_up, mut events) = self.catch_up(now)?;
        let own = caught_up.decide_command(now, actor, command)?;
        let mut state = caught_up.into_owned();
        for event in &own {
            state.record(event);
        }
        events.extend(own);
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
    /// let events = state.apply_mut(now, &Actor::Platform, &CreateRegion { region: "eu-central-1".into() }.into())?;
    /// assert_eq!(events.len(), 1);
    /// assert_eq!(state.clock(), Some(now));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_mut(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: &Command,
    ) -> Result<Vec<Event>, Violation> {
        let events = self.decide(now, actor, command)?;
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
        let (state, events) = self.catch_up(now)?;
        Ok(Transition {
            state: state.into_owned(),
            events,
        })
    }

    /// Every rule that refuses `command` at `now`, in the order
    /// [`State::decide`] checks them; empty when it would be accepted.
    /// Checks that depend on an earlier one (an object must exist before its
    /// lock is examined) are not reached when that one refuses.
    ///
    /// ```
    /// use snapguard::{Actor, CreateRegion, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let command = CreateRegion { region: "cn-hangzhou".into() }.into();
    /// assert!(State::new().explain(now, &Actor::Platform, &command).is_empty());
    /// assert_eq!(State::new().explain(now, &Actor::Billing, &command).len(), 1);
    /// ```
    #[must_use]
    pub fn explain(&self, now: DateTime<Utc>, actor: &Actor, command: &Command) -> Vec<Violation> {
        match self.catch_up(now) {
            Err(violation) => vec![violation],
            Ok((caught_up, _)) => {
                let ctx = Ctx {
                    state: &caught_up,
                    now,
                    actor,
                };
                let mut verdict = Verdict::all();
                let outcome = dispatch(&ctx, command, &mut verdict);
                verdict.into_refusals(outcome)
            }
        }
    }

    /// The command's own events on a state already caught up with `now`.
    fn decide_command(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: &Command,
    ) -> Result<Vec<Event>, Violation> {
        let ctx = Ctx {
            state: self,
            now,
            actor,
        };
        dispatch(&ctx, command, &mut Verdict::first()).map_err(|halt| halt.0)
    }

    /// GEN-2: refuses an instant earlier than the latest recorded.
    pub(crate) fn check_clock(&self, now: DateTime<Utc>) -> Result<(), Violation> {
        match self.clock {
            Some(latest) if now < latest => Err(Violation::ClockWentBackwards { now, latest }),
            _ => Ok(()),
        }
    }

    /// The state as of `now` with the time-caused events that bring it
    /// there. Borrows when nothing is due, which is the common case.
    pub(crate) fn catch_up(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(Cow<'_, State>, Vec<Event>), Violation> {
        self.check_clock(now)?;
        let due = self.due_events(now);
        if due.is_empty() {
            return Ok((Cow::Borrowed(self), due));
        }
        let mut state = self.clone();
        for event in &due {
            state.record(event);
        }
        Ok((Cow::Owned(state), due))
    }
}
