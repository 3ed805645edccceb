//! The engine: the state, the commands applied to it and time advanced on
//! it, each outcome counted and checked against what was expected.

use chrono::{DateTime, Utc};
use snapguard::{Actor, Command, Event, RuleId, SnapshotId, State, Violation};

use crate::tally::Tally;

/// What a command is expected to do.
#[derive(Clone, Copy)]
pub(crate) enum Expect {
    Accepted,
    /// Accepted, or refused by one of these rules.
    Either(&'static [RuleId]),
    /// Refused by one of these rules.
    Refused(&'static [RuleId]),
}

/// The state and what was counted of it.
pub(crate) struct Engine {
    pub(crate) state: State,
    pub(crate) tally: Tally,
}

impl Engine {
    /// Applies a command, counts its events or its refusal, and notes it if
    /// the outcome is not the one expected. Returns whether it was accepted.
    pub(crate) fn apply(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl Into<Command>,
        expect: Expect,
    ) -> bool {
        self.created(now, actor, command, expect).is_some()
    }

    /// Applies a command that creates a snapshot, as [`Engine::apply`]:
    /// the id of the snapshot, minted when the command asks for
    /// [`snapguard::MINT`], if it was accepted.
    pub(crate) fn create_snapshot(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl Into<Command>,
        expect: Expect,
    ) -> Option<SnapshotId> {
        let created = self.created(now, actor, command, expect)?;
        created.map(SnapshotId::new)
    }

    /// Applies a command as [`Engine::apply`]: when accepted, the id of the
    /// object it created, if any.
    fn created(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl Into<Command>,
        expect: Expect,
    ) -> Option<Option<String>> {
        let command = command.into();
        self.tally.applied += 1;
        let outcome = self.state.apply_mut(now, actor, &command);
        match (outcome, expect) {
            (Ok(events), expect) => {
                self.tally.accepted += 1;
                self.tally.record(&events);
                if let Expect::Refused(rules) = expect {
                    self.tally.surprise(format!(
                        "{} accepted at {now}, where {} should refuse it: {command:?}",
                        command.name(),
                        codes(rules)
                    ));
                }
                let created = events.iter().find_map(Event::created);
                Some(created.map(|(_, id)| id.to_owned()))
            }
            (Err(refusal), expect) => {
                let rule = refusal.rule();
                *self.tally.refused.entry(rule).or_default() += 1;
                let expected = match expect {
                    Expect::Accepted => false,
                    Expect::Either(rules) | Expect::Refused(rules) => rules.contains(&rule),
                };
                if !expected {
                    self.tally
                        .surprise(unexpected_refusal(now, &command, &refusal));
                }
                None
            }
        }
    }

    /// Moves time on to `now`, counting what time alone caused.
    pub(crate) fn advance(&mut self, now: DateTime<Utc>) -> Result<(), Violation> {
        self.tally.advanced += 1;
        let events = self.state.advance_mut(now)?;
        self.tally.record(&events);
        Ok(())
    }
}

pub(crate) fn codes(rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|rule| rule.code())
        .collect::<Vec<_>>()
        .join(" or ")
}

pub(crate) fn unexpected_refusal(
    now: DateTime<Utc>,
    command: &Command,
    refusal: &Violation,
) -> String {
    format!(
        "{} refused at {now} by {}: {refusal}",
        command.name(),
        refusal.rule()
    )
}
