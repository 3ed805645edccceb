//! The oracle: snapguard's decisions one request at a time, in a format
//! any language can speak.
//!
//! A service written in another language is checked against snapguard by
//! sending both the same requests and comparing the outcomes. The
//! `oracle` example (`cargo run --example oracle`) reads one JSON
//! [`Request`] per line on standard input and writes one JSON [`Response`]
//! per line; the scenario corpus under `tests/scenarios/` is written in the
//! same format, with the outcome each step must have.
//!
//! # The format
//!
//! Each request is an object whose `op` says what it does:
//!
//! | `op` | fields | does |
//! |---|---|---|
//! | `reset` | `limits` (optional, the defaults) | starts over from an empty state with these [`Limits`], if they are coherent ([`Limits::validate`]) |
//! | `load` | `state` (a serialized [`State`]) | starts over from that state, if it breaks no invariant |
//! | `apply` | `at`, `actor`, `command` | applies an [`Actor`]'s [`Command`] at the instant `at` |
//! | `advance` | `at` | lets time pass until `at` ([`State::advance`]) |
//!
//! `apply` and `advance` may also carry `expect`, the [`Outcome`] the step
//! must have, `proves`, the rule ids the step demonstrates, and `note`, a
//! comment; every request may carry a `note`. Unknown fields are refused,
//! so a misspelt `expect` is an error rather than a step that checks
//! nothing.
//!
//! An outcome is `{"accepted": [events]}` or `{"refused": "LOCK-6"}`; a
//! response echoes the step number (1 for the first request) with the
//! outcome, the full [`Violation`] of a refusal (its `type` and fields,
//! and beside them its `rule` and `retry_at`, the instant waiting lifts
//! it or `null`) and its `message`, an
//! `error` for a request that could not be read or a state that could not
//! be loaded, and `agrees` when the request had an `expect`. A refused
//! `load` or `reset` lists every invariant the state breaks in `broken`,
//! each with its `rule` and `message`, and leaves the oracle on the empty
//! state with the default limits, so no later step runs against a stale
//! state.
//!
//! ```
//! use snapguard::oracle::{Oracle, Outcome, Request};
//! use snapguard::RuleId;
//!
//! let mut oracle = Oracle::new();
//! let request: Request = serde_json::from_str(r#"{
//!     "op": "apply",
//!     "at": "2026-01-01T00:00:00Z",
//!     "actor": {"type": "platform"},
//!     "command": {"type": "create_region", "region": "cn-hangzhou"},
//!     "expect": {"accepted": [
//!         {"type": "region_created", "at": "2026-01-01T00:00:00Z", "region": "cn-hangzhou"}
//!     ]}
//! }"#)?;
//! let response = oracle.handle(request);
//! assert_eq!(response.agrees, Some(true));
//!
//! // Creating it again is refused by GEN-4.
//! let again: Request = serde_json::from_str(r#"{
//!     "op": "apply",
//!     "at": "2026-01-01T00:00:01Z",
//!     "actor": {"type": "platform"},
//!     "command": {"type": "create_region", "region": "cn-hangzhou"}
//! }"#)?;
//! let response = oracle.handle(again);
//! assert_eq!(response.step, 2);
//! assert_eq!(response.outcome, Some(Outcome::Refused(RuleId::Gen4)));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Actor, Command, Event, Limits, RuleId, State, StateError, UncheckedState, Violation};

/// One request to the [`Oracle`]; see the [module](self) for the format.
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
    /// Applies a command.
    Apply {
        /// The instant the command is issued.
        at: DateTime<Utc>,
        /// Who issues it.
        actor: Actor,
        /// The command.
        command: Command,
        /// What the step must lead to, if it is checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Outcome>,
        /// The rules the step demonstrates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proves: Vec<RuleId>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Lets time pass.
    Advance {
        /// The instant time moves to.
        at: DateTime<Utc>,
        /// What the step must lead to, if it is checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Outcome>,
        /// The rules the step demonstrates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proves: Vec<RuleId>,
        /// A comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl Request {
    /// The outcome the request must have, if it says.
    #[must_use]
    pub fn expected(&self) -> Option<&Outcome> {
        match self {
            Self::Apply { expect, .. } | Self::Advance { expect, .. } => expect.as_ref(),
            Self::Reset { .. } | Self::Load { .. } => None,
        }
    }

    /// The rules the request says it demonstrates: those it names in
    /// `proves`, and the rule of the refusal it expects.
    #[must_use]
    pub fn rules(&self) -> Vec<RuleId> {
        let (expect, proves) = match self {
            Self::Apply { expect, proves, .. } | Self::Advance { expect, proves, .. } => {
                (expect, proves.as_slice())
            }
            Self::Reset { .. } | Self::Load { .. } => return Vec::new(),
        };
        let refused = match expect {
            Some(Outcome::Refused(rule)) => Some(*rule),
            _ => None,
        };
        proves.iter().copied().chain(refused).collect()
    }

    /// The same request with `outcome` as what it must lead to: how a
    /// corpus of expected outcomes is recorded from snapguard. Requests
    /// that take no `expect` are returned unchanged.
    #[must_use]
    pub fn expecting(self, outcome: Outcome) -> Self {
        match self {
            Self::Apply {
                at,
                actor,
                command,
                proves,
                note,
                ..
            } => Self::Apply {
                at,
                actor,
                command,
                expect: Some(outcome),
                proves,
                note,
            },
            Self::Advance {
                at, proves, note, ..
            } => Self::Advance {
                at,
                expect: Some(outcome),
                proves,
                note,
            },
            other @ (Self::Reset { .. } | Self::Load { .. }) => other,
        }
    }
}

/// What a request led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Outcome {
    /// The state was started over (`reset` and `load`).
    Started,
    /// The step was accepted and caused these events.
    Accepted(Vec<Event>),
    /// The step was refused by this rule; the state is unchanged.
    Refused(RuleId),
}

impl From<Result<Vec<Event>, Violation>> for Outcome {
    /// The outcome of a step that caused `events` or was refused.
    fn from(result: Result<Vec<Event>, Violation>) -> Self {
        match result {
            Ok(events) => Self::Accepted(events),
            Err(violation) => Self::Refused(violation.rule()),
        }
    }
}

/// The answer to one request; see the [module](self) for the format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Response {
    /// The request's number, counting from 1.
    pub step: u64,
    /// What the request led to; absent when it could not be read or its
    /// state could not be loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The refusal in full, with its retry instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<Violation>,
    /// The refusal explained in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Why the request could not be read or its state not loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the outcome is the one the request expected, when it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
    /// Every invariant a refused `load` or `reset` breaks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken: Vec<BrokenInvariant>,
}

/// An invariant a state to start over from breaks, as a response reports
/// it: the rule and a [`StateError`]'s message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BrokenInvariant {
    /// The rule the state breaks.
    pub rule: RuleId,
    /// What is wrong, naming the object.
    pub message: String,
}

impl From<&StateError> for BrokenInvariant {
    fn from(error: &StateError) -> Self {
        Self {
            rule: error.rule(),
            message: error.to_string(),
        }
    }
}

/// A state that answers requests in turn: the state machine behind the
/// JSON-lines protocol.
#[derive(Debug, Clone, Default)]
pub struct Oracle {
    state: State,
    steps: u64,
}

impl Oracle {
    /// An oracle over the empty state with the default limits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The state after the requests so far.
    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Answers `request`, updating the state when it is accepted.
    pub fn handle(&mut self, request: Request) -> Response {
        let step = self.next_step();
        let expected = request.expected().cloned();
        let (outcome, violation) = match request {
            Request::Reset { limits, .. } => match State::with_limits(limits) {
                Ok(state) => {
                    self.state = state;
                    (Outcome::Started, None)
                }
                Err(error) => return self.refuse_state(step, vec![error.into()]),
            },
            Request::Load { state, .. } => match state.check() {
                Ok(state) => {
                    self.state = state;
                    (Outcome::Started, None)
                }
                Err(errors) => return self.refuse_state(step, errors),
            },
            Request::Apply {
                at, actor, command, ..
            } => Self::outcome(self.state.apply_mut(at, &actor, &command)),
            Request::Advance { at, .. } => Self::outcome(self.state.advance_mut(at)),
        };
        Response {
            step,
            agrees: expected.map(|expected| expected == outcome),
            outcome: Some(outcome),
            message: violation.as_ref().map(ToString::to_string),
            violation,
            error: None,
            broken: Vec::new(),
        }
    }

    /// Answers a request that could not be read, counting it as a step.
    pub fn unreadable(&mut self, error: impl fmt::Display) -> Response {
        let step = self.next_step();
        Response::error(step, format!("the request could not be read: {error}"))
    }

    /// Refuses a state to start over from: the oracle starts over from the
    /// empty state instead, so no later step runs against a stale one.
    fn refuse_state(&mut self, step: u64, errors: Vec<StateError>) -> Response {
        self.state = State::default();
        let mut response = Response::error(
            step,
            "the state is refused; starting over from the empty state".to_owned(),
        );
        response.broken = errors.iter().map(BrokenInvariant::from).collect();
        response
    }

    fn next_step(&mut self) -> u64 {
        self.steps = self.steps.saturating_add(1);
        self.steps
    }

    fn outcome(result: Result<Vec<Event>, Violation>) -> (Outcome, Option<Violation>) {
        let violation = result.as_ref().err().cloned();
        (Outcome::from(result), violation)
    }
}

impl Response {
    fn error(step: u64, error: String) -> Self {
        Self {
            step,
            outcome: None,
            violation: None,
            message: None,
            error: Some(error),
            agrees: None,
            broken: Vec::new(),
        }
    }
}
