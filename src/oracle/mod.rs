//! The oracle: snapguard's decisions one request at a time, in a format
//! any language can speak.
//!
//! A service written in another language is checked against snapguard by
//! sending both the same requests and comparing the outcomes. The
//! `snapguard-oracle` binary reads one JSON [`Request`] per line on
//! standard input and writes one JSON [`Response`] per line, flushed as
//! soon as the request is read; the scenario corpus under
//! `tests/scenarios/` is written in the same format, with the outcome each
//! step must have. Install and run it with:
//!
//! ```text
//! cargo install snapguard --features oracle
//! snapguard-oracle < tests/scenarios/lock_lifecycle.jsonl
//! snapguard-oracle --help
//! ```
//!
//! Its exit status is 1 when a step disagreed with its `expect`, a line
//! could not be read, or a `load` or `reset` was refused, so a scenario
//! file doubles as a test; `--record` writes each request back with
//! `expect` set to what snapguard answers instead.
//!
//! # The format
//!
//! Each request is an object whose `op` says what it does. The first four
//! change the state; the others answer about it and change nothing:
//!
//! | `op` | fields | does |
//! |---|---|---|
//! | `reset` | `limits` (optional, the defaults) | starts over from an empty state with these [`Limits`](crate::Limits), if they are coherent ([`Limits::validate`](crate::Limits::validate)) |
//! | `load` | `state` (a serialized [`State`]) | starts over from that state, if it breaks no invariant |
//! | `apply` | `at`, `actor`, `command` | applies an [`Actor`](crate::Actor)'s [`Command`](crate::Command) at the instant `at` ([`State::apply_mut`]) |
//! | `advance` | `at` | lets time pass until `at` ([`State::advance_mut`]) |
//! | `decide` | `at`, `actor`, `command` | a dry run of `apply`: the events or the refusal, the state unchanged ([`State::decide`]) |
//! | `explain` | `at`, `actor`, `command` | every rule that refuses the command, not only the first ([`State::explain`]) |
//! | `deletion_report` | `at`, `actor`, `snapshot` | why the actor cannot delete the snapshot, and when it can ([`State::deletion_report`]) |
//! | `describe_locked_snapshots` | `at`, `actor`, `query` (optional: `state`, `region`) | the account's locked snapshots ([`State::describe_locked_snapshots`]) |
//! | `lock_view` | `at`, `actor`, `snapshot` | one snapshot's lock, `null` when it has none ([`State::lock_view`]) |
//! | `visible_snapshots` | `at`, `account` | the snapshots the account sees, its own and shared ([`State::visible_snapshots`]) |
//! | `next_deadline` | | when time next causes an event, `null` when nothing is due ([`State::next_deadline`]) |
//! | `state` | | the serialized state, as `load` reads it |
//!
//! `apply`, `advance` and `decide` may also carry `expect`, what the step
//! must lead to ([`Expect`]), and `proves`, the rule ids the step
//! demonstrates; every request may carry a `note`, a comment. Unknown
//! fields are refused, so a misspelt `expect` is an error rather than a
//! step that checks nothing.
//!
//! `expect` takes five forms:
//!
//! | `expect` | agrees with |
//! |---|---|
//! | `"accepted"` | any acceptance, whatever its events |
//! | `{"accepted": [events]}` | an acceptance with exactly these events |
//! | `{"accepted_with": ["event_type", ...]}` | an acceptance whose events include these types (each as often as listed) |
//! | `{"refused": "RULE"}` | a refusal by this rule |
//! | `{"refused": ["RULE-A", "RULE-B"]}` | a refusal by any of these rules |
//!
//! A response echoes the step number (1 for the first request) with its
//! [`Outcome`]: `"started"` for `reset` and `load`, `{"accepted": [events]}`
//! or `{"refused": "LOCK-6"}` for a step, `"answered"` for a query, whose
//! `answer` is keyed by its `op` ([`Answer`]). A refusal comes with its
//! `message` and the full [`Violation`] (its `type` and
//! fields, and beside them its `rule` and `retry_at`, the instant waiting
//! lifts it or `null`). A request that could not be read, or a state that
//! could not be loaded, gets an `error`; a request with an `expect` gets
//! `agrees`. A refused `load` or `reset` lists every invariant the state
//! breaks in `broken`, each with its `rule` and `message`, and leaves the
//! oracle on the empty state with the default limits, so no later step
//! runs against a stale state.
//!
//! With the `schema` feature, `oracle::json_schema` gives the JSON Schema of
//! requests and responses, generated from these types; the repository
//! keeps it in `schema/oracle.schema.json`.
//!
//! ```
//! use snapguard::oracle::{Answer, Oracle, Outcome, Request};
//! use snapguard::RuleId;
//!
//! let mut oracle = Oracle::new();
//! let request: Request = serde_json::from_str(r#"{
//!     "op": "apply",
//!     "at": "2026-01-01T00:00:00Z",
//!     "actor": {"type": "platform"},
//!     "command": {"type": "create_region", "region": "cn-hangzhou"},
//!     "expect": {"accepted_with": ["region_created"]}
//! }"#)?;
//! let response = oracle.handle(request);
//! assert_eq!(response.agrees, Some(true));
//!
//! // Creating it again would be refused by GEN-4.
//! let again: Request = serde_json::from_str(r#"{
//!     "op": "decide",
//!     "at": "2026-01-01T00:00:01Z",
//!     "actor": {"type": "platform"},
//!     "command": {"type": "create_region", "region": "cn-hangzhou"}
//! }"#)?;
//! let response = oracle.handle(again);
//! assert_eq!(response.step, 2);
//! assert_eq!(response.outcome, Some(Outcome::Refused(RuleId::Gen4)));
//!
//! let deadline = oracle.handle(serde_json::from_str(r#"{"op": "next_deadline"}"#)?);
//! assert_eq!(deadline.answer, Some(Answer::NextDeadline(None)));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use crate::{State, StateError, Violation};

mod expect;
mod probe;
mod request;
mod response;
#[cfg(feature = "schema")]
mod schema;

pub use expect::Expect;
pub use request::Request;
pub use response::{Answer, BrokenInvariant, DeletionAnswer, Outcome, Refusal, Response};
#[cfg(feature = "schema")]
pub use schema::json_schema;

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
        let state = &mut self.state;
        let answered = match request {
            Request::Reset { limits, .. } => match State::with_limits(limits) {
                Ok(empty) => {
                    *state = empty;
                    Ok(None)
                }
                Err(error) => return self.refuse_state(step, vec![error.into()]),
            },
            Request::Load { state: loaded, .. } => match loaded.check() {
                Ok(loaded) => {
                    *state = loaded;
                    Ok(None)
                }
                Err(errors) => return self.refuse_state(step, errors),
            },
            Request::Apply {
                at, actor, command, ..
            } => return step_response(step, expected, state.apply_mut(at, &actor, &command)),
            Request::Advance { at, .. } => {
                return step_response(step, expected, state.advance_mut(at));
            }
            Request::Decide {
                at, actor, command, ..
            } => return step_response(step, expected, state.decide(at, &actor, &command)),
            Request::Explain {
                at, actor, command, ..
            } => {
                let refusals = state.explain(at, &actor, &command);
                Ok(Some(Answer::Explain(
                    refusals.into_iter().map(Refusal::from).collect(),
                )))
            }
            Request::DeletionReport {
                at,
                actor,
                snapshot,
                ..
            } => {
                let report = state.deletion_report(at, &actor, &snapshot);
                Ok(Some(Answer::DeletionReport(report.into())))
            }
            Request::DescribeLockedSnapshots {
                at, actor, query, ..
            } => state
                .describe_locked_snapshots(at, &actor, &query)
                .map(|locks| Some(Answer::DescribeLockedSnapshots(locks))),
            Request::LockView {
                at,
                actor,
                snapshot,
                ..
            } => state
                .lock_view(at, &actor, &snapshot)
                .map(|view| Some(Answer::LockView(view))),
            Request::VisibleSnapshots { at, account, .. } => Ok(Some(Answer::VisibleSnapshots(
                state.visible_snapshots(&account, at),
            ))),
            Request::NextDeadline { .. } => Ok(Some(Answer::NextDeadline(state.next_deadline()))),
            Request::State { .. } => Ok(Some(Answer::State(Box::new(state.clone())))),
        };
        match answered {
            Ok(None) => Response {
                outcome: Some(Outcome::Started),
                ..Response::empty(step)
            },
            Ok(Some(answer)) => Response {
                outcome: Some(Outcome::Answered),
                answer: Some(answer),
                ..Response::empty(step)
            },
            Err(violation) => step_response(step, None, Err(violation)),
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
}

/// The response to a step that caused events or was refused, checked
/// against what it expected.
fn step_response(
    step: u64,
    expected: Option<Expect>,
    result: Result<Vec<crate::Event>, Violation>,
) -> Response {
    let violation = result.as_ref().err().cloned();
    let outcome = Outcome::from(result);
    Response {
        agrees: expected.map(|expected| expected.agrees(&outcome)),
        outcome: Some(outcome),
        message: violation.as_ref().map(ToString::to_string),
        violation,
        ..Response::empty(step)
    }
}
