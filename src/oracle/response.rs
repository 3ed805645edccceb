//! What the oracle answers: one [`Response`] per request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

use super::probe::probe;
use crate::{
    DeletionReport, Event, LockView, RuleId, State, StateError, Violation, VisibleSnapshot,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What a request led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Outcome {
    /// The state was started over (`reset` and `load`).
    Started,
    /// The step was accepted and caused these events (for `decide`: would
    /// cause them).
    Accepted(Vec<Event>),
    /// The step was refused by this rule; the state is unchanged.
    Refused(RuleId),
    /// A query was answered: the response's `answer` holds what it asked.
    Answered,
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The answer to one request; see the [module](super) for the format.
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
    /// The refusal in full. Written with its `rule` and `retry_at` (the
    /// instant waiting lifts it, or `null`) beside its own fields, so a
    /// client reads which rule refused and when waiting lifts it without
    /// knowing each variant; both are ignored when read back.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "reported"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "super::schema::reported_violation")
    )]
    pub violation: Option<Violation>,
    /// What a query asked, when it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

impl Response {
    /// A response to `step` with nothing in it yet.
    pub(super) fn empty(step: u64) -> Self {
        Self {
            step,
            outcome: None,
            message: None,
            error: None,
            agrees: None,
            broken: Vec::new(),
            violation: None,
            answer: None,
        }
    }

    /// A response to `step` that could not be given.
    pub(super) fn error(step: u64, error: String) -> Self {
        Self {
            error: Some(error),
            ..Self::empty(step)
        }
    }
}

/// Writes a violation with its rule (unless the variant carries its own)
/// and its retry instant beside its fields.
fn reported<S: Serializer>(
    violation: &Option<Violation>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Reported<'a> {
        #[serde(flatten)]
        violation: &'a Violation,
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<RuleId>,
        retry_at: Option<DateTime<Utc>>,
    }
    match violation {
        None => serializer.serialize_none(),
        Some(violation) => {
            let has_rule = probe(violation).is_some_and(|fields| fields.names.contains(&"rule"));
            Reported {
                violation,
                rule: (!has_rule).then(|| violation.rule()),
                retry_at: violation.retry_at(),
            }
            .serialize(serializer)
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// What a query asked, keyed by the query's `op`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Answer {
    /// `explain`: every refusal, in the order the rules are checked; empty
    /// when the command would be accepted.
    Explain(Vec<Refusal>),
    /// `deletion_report`: why the snapshot cannot be deleted, and when it
    /// can.
    DeletionReport(DeletionAnswer),
    /// `describe_locked_snapshots`: the locks, ordered by snapshot id.
    DescribeLockedSnapshots(Vec<LockView>),
    /// `lock_view`: the snapshot's lock, `null` when it has none.
    LockView(Option<LockView>),
    /// `visible_snapshots`: what the account sees.
    VisibleSnapshots(Vec<VisibleSnapshot>),
    /// `next_deadline`: when [`State::advance`] next has something to
    /// do, `null` when nothing is due.
    NextDeadline(Option<DateTime<Utc>>),
    /// `state`: the state, as `load` reads it.
    State(Box<State>),
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One refusal as `explain` and `deletion_report` list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Refusal {
    /// The rule that refuses ([`Violation::rule`]).
    pub rule: RuleId,
    /// When waiting alone lifts it, `null` when waiting does not
    /// ([`Violation::retry_at`]).
    pub retry_at: Option<DateTime<Utc>>,
    /// The refusal explained in words.
    pub message: String,
    /// The refusal in full.
    pub violation: Violation,
}

impl From<Violation> for Refusal {
    fn from(violation: Violation) -> Self {
        Self {
            rule: violation.rule(),
            retry_at: violation.retry_at(),
            message: violation.to_string(),
            violation,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A [`DeletionReport`] as `deletion_report` answers it: each blocker with
/// its rule, retry instant and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeletionAnswer {
    /// Whether the snapshot can be deleted now.
    pub allowed: bool,
    /// Every rule that refuses the deletion now, in the order they are
    /// checked.
    pub blockers: Vec<Refusal>,
    /// The earliest instant at which waiting alone makes deletion possible:
    /// `at` when nothing blocks it, `null` when a blocker does not lift
    /// with time.
    pub earliest: Option<DateTime<Utc>>,
}

impl From<DeletionReport> for DeletionAnswer {
    fn from(report: DeletionReport) -> Self {
        Self {
            allowed: report.allowed(),
            blockers: report.blockers.into_iter().map(Refusal::from).collect(),
            earliest: report.earliest,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
