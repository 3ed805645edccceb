//! The invariant checks a [`Sim`] runs after each step: LOCK-10 / LOCK-12,
//! GEN-3, GEN-6 and LOCK-11 / LOCK-4 / GEN-2.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use snapguard::{
    Actor, Command, Event, ReleaseReason, RuleId, SnapshotId, SnapshotKind, State, Violation,
};

use crate::runner::{Sim, is_time_caused};
use crate::setup::{AUTO_LIMIT, OVERDUE_DAYS};

impl Sim {
    // -- LOCK-10 / LOCK-12 --------------------------------------------------

    /// Every snapshot present before the step and locked at the step's
    /// instant is still there, unless billing released it (LOCK-12).
    pub(crate) fn check_locked_snapshots_survive(
        &self,
        before: &State,
        released_by_billing: Option<&SnapshotId>,
        context: &str,
    ) -> Result<(), TestCaseError> {
        for snapshot in before.snapshots().filter(|s| s.is_locked_at(self.now)) {
            if released_by_billing == Some(&snapshot.id) {
                continue;
            }
            prop_assert!(
                self.state.snapshot(&snapshot.id).is_some(),
                "LOCK-10: snapshot {} locked until {:?} vanished at {}",
                snapshot.id,
                snapshot.lock.map(|l| l.expiry),
                context
            );
        }
        Ok(())
    }

    /// Walks the events one by one: no deletion or retention release names a
    /// snapshot locked at the event's instant; an overdue release comes only
    /// from billing's accepted command.
    pub(crate) fn check_events_respect_locks(
        &self,
        before: &State,
        events: &[Event],
        billing_release: bool,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let mut running = before.clone();
        for event in events {
            match event {
                Event::SnapshotDeleted {
                    at,
                    snapshot,
                    cause,
                    ..
                } => {
                    let gone = running.snapshot(snapshot);
                    prop_assert!(
                        gone.is_some_and(|s| !s.is_locked_at(*at)),
                        "LOCK-10: {:?} deleted ({:?}) a snapshot locked at {}: {:?} ({})",
                        cause,
                        snapshot,
                        at,
                        gone,
                        context
                    );
                }
                Event::SnapshotReleased {
                    at,
                    snapshot,
                    reason,
                } => match reason {
                    ReleaseReason::RetentionEnded => {
                        let gone = running.snapshot(snapshot);
                        prop_assert!(
                            gone.is_some_and(|s| !s.is_locked_at(*at)),
                            "LOCK-10: retention released a snapshot locked at {}: {:?} ({})",
                            at,
                            gone,
                            context
                        );
                    }
                    ReleaseReason::Overdue => prop_assert!(
                        billing_release,
                        "LOCK-12: an overdue release not by billing's command ({})",
                        context
                    ),
                    other => {
                        prop_assert!(false, "unknown release reason {:?} ({})", other, context)
                    }
                },
                _ => {}
            }
            running = running.evolve(event);
        }
        Ok(())
    }

    /// An accepted overdue release: the owner has been overdue for at least
    /// the configured period at the command's instant (LOCK-12).
    pub(crate) fn check_overdue_release_allowed(
        &self,
        before: &State,
        id: &SnapshotId,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let owner = before.snapshot(id).map(|s| s.owner.clone());
        let since = owner
            .as_ref()
            .and_then(|owner| before.account(owner))
            .and_then(|account| account.overdue_since);
        prop_assert!(
            since.is_some_and(|since| since + TimeDelta::days(OVERDUE_DAYS.into()) <= self.now),
            "LOCK-12: billing released {} of account {:?} overdue since {:?} at {} ({})",
            id,
            owner,
            since,
            self.now,
            context
        );
        Ok(())
    }

    /// A refused overdue release by billing: the snapshot is gone by now, or
    /// its owner has not been overdue long enough (LOCK-12).
    pub(crate) fn check_overdue_refusal(
        &self,
        before: &State,
        actor: &Actor,
        command: &Command,
        violation: &Violation,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let (Actor::Billing, Command::ReleaseOverdueSnapshot(c)) = (actor, command) else {
            return Ok(());
        };
        let caught_up = before.advance(self.now).map(|t| t.state).ok();
        let releasable = caught_up.as_ref().is_some_and(|state| {
            state
                .snapshot(&c.snapshot)
                .and_then(|s| state.account(&s.owner))
                .and_then(|a| a.overdue_since)
                .is_some_and(|since| since + TimeDelta::days(OVERDUE_DAYS.into()) <= self.now)
        });
        prop_assert!(
            !releasable,
            "LOCK-12: billing refused ({}) an overdue release that is due: {} ({})",
            violation.rule(),
            violation,
            context
        );
        Ok(())
    }

    // -- GEN-3 ----------------------------------------------------------------

    pub(crate) fn check_refusal(
        &self,
        before: &State,
        actor: &Actor,
        command: &Command,
        violation: &Violation,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        prop_assert_eq!(
            &self.state,
            before,
            "GEN-3: a refused apply_mut changed the state ({})",
            context
        );
        match before.apply(now, actor, command) {
            Ok(transition) => {
                return Err(TestCaseError::fail(format!(
                    "GEN-3: apply accepted what apply_mut refused ({violation}): {:?} ({context})",
                    transition.events
                )));
            }
            Err(again) => prop_assert_eq!(
                &again,
                violation,
                "GEN-3: apply and apply_mut disagree ({})",
                context
            ),
        }
        let mut copy = before.clone();
        let again = copy.apply_mut(now, actor, command).err();
        prop_assert_eq!(
            again.as_ref(),
            Some(violation),
            "GEN-3: apply_mut is not deterministic ({})",
            context
        );
        prop_assert_eq!(
            &copy,
            before,
            "GEN-3: a refused apply_mut on a clone changed it ({})",
            context
        );
        let decided = before.decide(now, actor, command).err();
        prop_assert_eq!(
            decided.as_ref(),
            Some(violation),
            "GEN-3: decide and apply disagree ({})",
            context
        );
        let explained = before.explain(now, actor, command);
        prop_assert_eq!(
            explained.first(),
            Some(violation),
            "GEN-3: explain does not start with decide's violation: {:?} ({})",
            explained,
            context
        );
        prop_assert_eq!(
            snapguard::testing::out_of_order(command, &explained),
            None,
            "the refusals {:?} do not follow the documented check order {:?} ({})",
            explained.iter().map(Violation::rule).collect::<Vec<_>>(),
            command.checked_rules(),
            context
        );
        if let Some(retry_at) = violation.retry_at() {
            self.check_retry_at(before, actor, command, violation, retry_at, context)?;
        }
        Ok(())
    }

    /// GEN-3: `retry_at` is the earliest instant at which waiting alone
    /// lifts the refusal: one second earlier it is still refused, at
    /// `retry_at` the same rule no longer refuses.
    fn check_retry_at(
        &self,
        before: &State,
        actor: &Actor,
        command: &Command,
        violation: &Violation,
        retry_at: DateTime<Utc>,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        prop_assert!(
            retry_at > now,
            "GEN-3: {} refused until {} which is not later than now ({})",
            violation.rule(),
            retry_at,
            context
        );
        let just_before = retry_at - TimeDelta::seconds(1);
        prop_assert!(
            before.decide(just_before, actor, command).is_err(),
            "GEN-3: {} said retry at {} but {} is accepted already ({})",
            violation.rule(),
            retry_at,
            just_before,
            context
        );
        if let Err(later) = before.decide(retry_at, actor, command) {
            prop_assert_ne!(
                later.rule(),
                violation.rule(),
                "GEN-3: {} said retry at {} but refuses again then: {} ({})",
                violation.rule(),
                retry_at,
                later,
                context
            );
        }
        Ok(())
    }

    // -- GEN-6 ----------------------------------------------------------------

    pub(crate) fn check_accepted(
        &self,
        before: &State,
        actor: &Actor,
        command: &Command,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        let decided = before.decide(now, actor, command).ok();
        prop_assert_eq!(
            decided.as_deref(),
            Some(events),
            "GEN-6: decide and apply_mut give different events ({})",
            context
        );
        match before.apply(now, actor, command) {
            Ok(transition) => {
                prop_assert_eq!(
                    &transition.events,
                    events,
                    "GEN-6: apply and apply_mut give different events ({})",
                    context
                );
                prop_assert_eq!(
                    &transition.state,
                    &self.state,
                    "GEN-6: apply and apply_mut give different states ({})",
                    context
                );
            }
            Err(violation) => {
                return Err(TestCaseError::fail(format!(
                    "GEN-6: apply refused ({violation}) what apply_mut accepted ({context})"
                )));
            }
        }
        let evolved = events
            .iter()
            .fold(before.clone(), |state, event| state.evolve(event));
        prop_assert_eq!(
            &evolved,
            &self.state,
            "GEN-6: evolve over decide's events differs from apply_mut ({})",
            context
        );
        self.check_event_order(&self.state, events, context)?;
        let time_caused = events.iter().take_while(|e| is_time_caused(e)).count();
        let expected_due = before.advance(now).map(|t| t.events).unwrap_or_default();
        prop_assert_eq!(
            &events[..time_caused],
            expected_due.as_slice(),
            "GEN-6: a command's time-caused events are not those advance gives ({})",
            context
        );
        for event in &events[time_caused..] {
            prop_assert_eq!(
                event.at(),
                now,
                "GEN-6: a command's own event is not at now: {:?} ({})",
                event,
                context
            );
        }
        Ok(())
    }

    /// Events in time order, none after now, and nothing left due by now.
    pub(crate) fn check_event_order(
        &self,
        after: &State,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        for pair in events.windows(2) {
            prop_assert!(
                pair[0].at() <= pair[1].at(),
                "GEN-6: events out of order: {:?} then {:?} ({})",
                pair[0],
                pair[1],
                context
            );
        }
        for event in events {
            prop_assert!(
                event.at() <= now,
                "GEN-6: an event after now: {:?} ({})",
                event,
                context
            );
        }
        prop_assert!(
            after.next_deadline().is_none_or(|d| d > now),
            "GEN-6: something is still due at {:?} after the step at {} ({})",
            after.next_deadline(),
            now,
            context
        );
        Ok(())
    }

    // -- LOCK-11 / LOCK-4 / GEN-2 ---------------------------------------------

    pub(crate) fn check_bounds(
        &self,
        before: &State,
        command: Option<&(Actor, Command)>,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let state = &self.state;
        // LOCK-11, counted from the data, and the index agrees.
        let mut automatic: BTreeMap<_, BTreeSet<SnapshotId>> = BTreeMap::new();
        for snapshot in state
            .snapshots()
            .filter(|s| s.kind == SnapshotKind::Automatic)
        {
            if let Some(disk) = snapshot.origin.disk() {
                automatic
                    .entry(disk.clone())
                    .or_default()
                    .insert(snapshot.id.clone());
            }
        }
        for (disk, held) in &automatic {
            prop_assert!(
                held.len() <= AUTO_LIMIT as usize,
                "LOCK-11: disk {} holds {} automatic snapshots, more than {}: {:?} ({})",
                disk,
                held.len(),
                AUTO_LIMIT,
                held,
                context
            );
            let indexed: BTreeSet<SnapshotId> = state.automatic_snapshots(disk).cloned().collect();
            prop_assert_eq!(
                &indexed,
                held,
                "automatic snapshots of {} misindexed ({})",
                disk,
                context
            );
        }
        // LOCK-4.
        for snapshot in state.snapshots() {
            if let (Some(lock), Some(end)) = (snapshot.lock, snapshot.retention.end()) {
                prop_assert!(
                    lock.expiry <= end,
                    "LOCK-4: snapshot {} locked until {} but retained until {} ({})",
                    snapshot.id,
                    lock.expiry,
                    end,
                    context
                );
            }
        }
        // GEN-2: the clock never decreases, never passes now, and refuses
        // the instant just before it.
        prop_assert!(
            state.clock() >= before.clock(),
            "GEN-2: the clock went back ({})",
            context
        );
        prop_assert!(
            state.clock() <= Some(self.now),
            "GEN-2: the clock is after now ({})",
            context
        );
        if let Some(clock) = state.clock() {
            let earlier = clock - TimeDelta::seconds(1);
            let refused = state.advance(earlier).err().map(|v| v.rule());
            prop_assert_eq!(
                refused,
                Some(RuleId::Gen2),
                "GEN-2: advance to {} accepted after {} ({})",
                earlier,
                clock,
                context
            );
            if let Some((actor, command)) = command {
                let refused = state
                    .decide(earlier, actor, command)
                    .err()
                    .map(|v| v.rule());
                prop_assert_eq!(
                    refused,
                    Some(RuleId::Gen2),
                    "GEN-2: a command at {} not refused by GEN-2 after {} ({})",
                    earlier,
                    clock,
                    context
                );
            }
        }
        Ok(())
    }
}
