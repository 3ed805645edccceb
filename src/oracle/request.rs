//! What the oracle is asked: one [`Request`] per line.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Expect, Outcome};
use crate::{AccountId, Actor, Command, Limits, LockQuery, RuleId, SnapshotId, UncheckedState};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One request to the [`Oracle`](super::Oracle); see the [module](super)
/// for the format.
///
/// `reset`, `load`, `apply` and `advance` change the state; `decide` and
/// the queries after it answer about the state and leave it unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Request {
    /// Starts over from an empty state with `limits`.
    Reset {
        /// The limits of the new state; the defaults when absent.
        #[serde(default)]
        limits: Limits,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Starts over from a serialized state, if it breaks no invariant.
    Load {
        /// The state.
        state: Box<UncheckedState>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Applies a command ([`State::apply_mut`](crate::State::apply_mut)).
    Apply {
        /// The instant the command is issued.
        at: DateTime<Utc>,
        /// Who issues it.
        actor: Actor,
        /// The command.
        command: Command,
        /// What the step must lead to, if it is checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Expect>,
        /// The rules the step demonstrates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proves: Vec<RuleId>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Lets time pass ([`State::advance_mut`](crate::State::advance_mut)).
    Advance {
        /// The instant time moves to.
        at: DateTime<Utc>,
        /// What the step must lead to, if it is checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Expect>,
        /// The rules the step demonstrates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proves: Vec<RuleId>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A dry run of `apply` ([`State::decide`](crate::State::decide)): the
    /// events the command would cause, or its refusal; the state is
    /// unchanged either way.
    Decide {
        /// The instant the command would be issued.
        at: DateTime<Utc>,
        /// Who would issue it.
        actor: Actor,
        /// The command.
        command: Command,
        /// What the command must lead to, if it is checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Expect>,
        /// The rules the step demonstrates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proves: Vec<RuleId>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Every rule that refuses the command, not only the first
    /// ([`State::explain`](crate::State::explain)); none when it would be
    /// accepted.
    Explain {
        /// The instant the command would be issued.
        at: DateTime<Utc>,
        /// Who would issue it.
        actor: Actor,
        /// The command.
        command: Command,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Why `actor` cannot delete `snapshot` at `at`, and when it can
    /// ([`State::deletion_report`](crate::State::deletion_report)).
    DeletionReport {
        /// The instant asked about.
        at: DateTime<Utc>,
        /// Who would delete it.
        actor: Actor,
        /// The snapshot.
        snapshot: SnapshotId,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The locked snapshots of the actor's account
    /// ([`State::describe_locked_snapshots`](crate::State::describe_locked_snapshots)).
    DescribeLockedSnapshots {
        /// The instant asked about.
        at: DateTime<Utc>,
        /// Who asks.
        actor: Actor,
        /// Which locks; every lock when absent.
        #[serde(default)]
        query: LockQuery,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// One snapshot's lock configuration, `null` when it has no lock
    /// ([`State::lock_view`](crate::State::lock_view)).
    LockView {
        /// The instant asked about.
        at: DateTime<Utc>,
        /// Who asks.
        actor: Actor,
        /// The snapshot.
        snapshot: SnapshotId,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The snapshots an account sees, its own and those shared with it
    /// ([`State::visible_snapshots`](crate::State::visible_snapshots)).
    VisibleSnapshots {
        /// The instant asked about.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// When the next time-caused event is due, `null` when none is
    /// ([`State::next_deadline`](crate::State::next_deadline)).
    NextDeadline {
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The state itself, serialized as `load` reads it.
    State {
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl Request {
    /// The outcome the request must have, if it says.
    ///
    /// ```
    /// use snapguard::oracle::{Expect, Request};
    ///
    /// let step: Request = serde_json::from_str(
    ///     r#"{"op": "advance", "at": "2026-01-01T00:00:00Z", "expect": "accepted"}"#,
    /// )?;
    /// assert_eq!(step.expected(), Some(&Expect::Accepted));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn expected(&self) -> Option<&Expect> {
        match self {
            Self::Apply { expect, .. }
            | Self::Advance { expect, .. }
            | Self::Decide { expect, .. } => expect.as_ref(),
            _ => None,
        }
    }

    /// The rules the request says it demonstrates: those it names in
    /// `proves`, and the rule of the refusal it expects when it names one
    /// rule (`{"refused": ["A", "B"]}` demonstrates neither on its own).
    #[must_use]
    pub fn rules(&self) -> Vec<RuleId> {
        let (expect, proves) = match self {
            Self::Apply { expect, proves, .. }
            | Self::Advance { expect, proves, .. }
            | Self::Decide { expect, proves, .. } => (expect, proves.as_slice()),
            _ => return Vec::new(),
        };
        let refused = match expect {
            Some(Expect::Refused(rule)) => Some(*rule),
            _ => None,
        };
        proves.iter().copied().chain(refused).collect()
    }

    /// The same request expecting exactly `outcome`: how a corpus of
    /// expected outcomes is recorded from snapguard. Requests that take no
    /// `expect`, and outcomes no such request has
    /// ([`Outcome::Started`], [`Outcome::Answered`]), leave the request
    /// unchanged.
    #[must_use]
    pub fn expecting(self, outcome: Outcome) -> Self {
        match Expect::exactly(outcome) {
            Some(expect) => self.expect(expect),
            None => self,
        }
    }

    /// The same request with `expect` as what it must lead to. Requests
    /// that take no `expect` are returned unchanged.
    ///
    /// ```
    /// use snapguard::oracle::{Expect, Request};
    /// use snapguard::RuleId;
    ///
    /// let step: Request = serde_json::from_str(r#"{"op": "advance", "at": "2026-01-01T00:00:00Z"}"#)?;
    /// let step = step.expect(Expect::RefusedByAny(vec![RuleId::Gen2, RuleId::Gen5]));
    /// assert_eq!(
    ///     serde_json::to_string(&step)?,
    ///     r#"{"op":"advance","at":"2026-01-01T00:00:00Z","expect":{"refused":["GEN-2","GEN-5"]}}"#,
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn expect(mut self, expected: Expect) -> Self {
        match &mut self {
            Self::Apply { expect, .. }
            | Self::Advance { expect, .. }
            | Self::Decide { expect, .. } => *expect = Some(expected),
            _ => {}
        }
        self
    }
}
