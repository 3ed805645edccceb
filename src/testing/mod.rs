//! Property testing against snapguard: generated histories and an
//! invariant checker (feature `testing`).
//!
//! A control plane, an emulator or any other implementation of snapshot
//! compliance is checked by running the same generated history through it
//! and through snapguard and comparing each step's outcome. The histories
//! are realistic: they start by creating regions, accounts and disks, time
//! only moves forward (unless hostile input is asked for), and commands
//! mostly name objects that exist, so most steps reach the rules instead of
//! stopping at "not found". A tunable share of steps is hostile: unknown
//! ids, an actor that may not act, out-of-range numbers, an instant before
//! the clock.
//!
//! - [`histories`] generates [`History`] values, [`states`] the states they
//!   lead to.
//! - [`History::from_bytes`] builds a history from arbitrary bytes, for
//!   fuzzers.
//! - [`broken_invariants`] lists every invariant a state breaks, each with
//!   its rule id ([`StateError::rule`]).
//! - [`out_of_order`] tells whether refusals follow a command's documented
//!   check order ([`Command::checked_rules`](crate::Command::checked_rules)).
//!
//! ```
//! use proptest::prelude::*;
//! use snapguard::testing::{self, HistoryConfig};
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(8))]
//!     fn no_generated_history_breaks_an_invariant(
//!         history in testing::histories(HistoryConfig::default()),
//!     ) {
//!         let (state, _) = history.replay()?;
//!         prop_assert!(testing::broken_invariants(&state).is_empty());
//!     }
//! }
//! # no_generated_history_breaks_an_invariant();
//! ```
//!
//! The `testing` example property-tests a toy implementation against
//! snapguard this way.

use chrono::{DateTime, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

use crate::oracle::{Outcome, Request};
use crate::{Actor, Command, Event, Limits, State, StateError, UncheckedState, Violation};

mod choices;
mod order;
mod violations;
mod world;
mod world_assets;

pub use order::out_of_order;
pub use violations::violation_samples;

use choices::Choices;
use world::World;

/// What histories to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HistoryConfig {
    /// The limits of the state the history runs on.
    pub limits: Limits,
    /// The instant of the first step.
    pub start: DateTime<Utc>,
    /// The fewest steps that follow the set-up (regions, accounts, a disk
    /// each); shrinking stops there.
    pub min_steps: usize,
    /// The most steps that follow the set-up.
    pub max_steps: usize,
    /// How many customer accounts the set-up creates (1 to 8); the last of
    /// three or more is on the international site.
    pub accounts: u8,
    /// The share of hostile steps, in percent (0 to 100).
    pub hostile_percent: u8,
}

impl Default for HistoryConfig {
    /// 1 to 100 steps after the set-up, three accounts, 10% hostile
    /// steps, starting on 2026-01-01 with the default limits.
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            start: Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            min_steps: 1,
            max_steps: 100,
            accounts: 3,
            hostile_percent: 10,
        }
    }
}

impl HistoryConfig {
    /// The same configuration with exactly `steps` steps after the set-up
    /// (shrinking then keeps the length and simplifies the steps).
    #[must_use]
    pub fn with_steps(self, steps: usize) -> Self {
        self.with_steps_between(steps, steps)
    }

    /// The same configuration with `min` to `max` steps after the set-up.
    #[must_use]
    pub fn with_steps_between(mut self, min: usize, max: usize) -> Self {
        self.min_steps = min.min(max);
        self.max_steps = max;
        self
    }

    /// The same configuration with `percent` hostile steps.
    #[must_use]
    pub fn with_hostile_percent(mut self, percent: u8) -> Self {
        self.hostile_percent = percent.min(100);
        self
    }

    /// The same configuration with `limits`, if they are coherent
    /// ([`Limits::validate`]).
    ///
    /// # Errors
    ///
    /// [`LimitsError`](crate::LimitsError) naming the first incoherent
    /// limit.
    pub fn with_limits(mut self, limits: Limits) -> Result<Self, crate::LimitsError> {
        limits.validate()?;
        self.limits = limits;
        Ok(self)
    }
}

/// One step of a history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Step {
    /// An actor issues a command at an instant.
    Apply {
        /// The instant.
        at: DateTime<Utc>,
        /// Who issues it.
        actor: Actor,
        /// The command.
        command: Command,
    },
    /// Time passes until an instant.
    Advance {
        /// The instant.
        at: DateTime<Utc>,
    },
}

impl Step {
    /// The step's instant.
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Apply { at, .. } | Self::Advance { at } => *at,
        }
    }

    /// Runs the step on `state` in place: its events, or the refusal that
    /// left `state` unchanged.
    ///
    /// # Errors
    ///
    /// The [`Violation`] that refused the step.
    pub fn run(&self, state: &mut State) -> Result<Vec<Event>, Violation> {
        match self {
            Self::Apply { at, actor, command } => state.apply_mut(*at, actor, command),
            Self::Advance { at } => state.advance_mut(*at),
        }
    }
}

impl From<Step> for Request {
    /// The step as an oracle request, with nothing expected.
    fn from(step: Step) -> Self {
        match step {
            Step::Apply { at, actor, command } => Request::Apply {
                at,
                actor,
                command,
                expect: None,
                proves: Vec::new(),
                note: None,
            },
            Step::Advance { at } => Request::Advance {
                at,
                expect: None,
                proves: Vec::new(),
                note: None,
            },
        }
    }
}

/// A generated history: the limits it runs under and its steps, starting
/// from the empty state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct History {
    /// The limits of the state the steps run on.
    pub limits: Limits,
    /// The steps, set-up first.
    pub steps: Vec<Step>,
}

impl History {
    /// The history `bytes` describe under `config`: each step reads its
    /// decisions from the next [`History::BYTES_PER_STEP`] bytes, and steps
    /// stop when the bytes run out or `config.max_steps` steps follow the
    /// set-up. Any byte string is a valid history, which is what a fuzzer
    /// needs.
    ///
    /// ```
    /// use snapguard::testing::{History, HistoryConfig};
    ///
    /// let history = History::from_bytes(&HistoryConfig::default(), b"any bytes at all");
    /// let (state, outcomes) = history.replay()?;
    /// assert_eq!(outcomes.len(), history.steps.len());
    /// assert!(state.clock().is_some());
    /// # Ok::<(), snapguard::LimitsError>(())
    /// ```
    #[must_use]
    pub fn from_bytes(config: &HistoryConfig, bytes: &[u8]) -> Self {
        let steps = bytes.chunks(Self::BYTES_PER_STEP).take(config.max_steps);
        Self::from_steps(config, steps)
    }

    /// The bytes of decisions each step is given; a step that needs more
    /// (a rare hostile one) takes the plainest choice for the rest.
    pub const BYTES_PER_STEP: usize = 16;

    fn from_steps<'b>(config: &HistoryConfig, steps: impl Iterator<Item = &'b [u8]>) -> Self {
        let Some(mut world) = World::new(config) else {
            // Incoherent limits: no state holds them, so no step can run;
            // `replay` reports the limits' error.
            return Self {
                limits: config.limits.clone(),
                steps: Vec::new(),
            };
        };
        for bytes in steps {
            world.step(&mut Choices::new(bytes));
        }
        world.into_history()
    }

    /// Runs the history from the empty state: the state it ends in and
    /// each step's outcome.
    ///
    /// # Errors
    ///
    /// [`LimitsError`](crate::LimitsError) when the history's limits are
    /// incoherent ([`Limits::validate`](crate::Limits::validate)); a
    /// history generated from such a configuration has no steps.
    pub fn replay(&self) -> Result<(State, Vec<Outcome>), crate::LimitsError> {
        let mut state = State::with_limits(self.limits.clone())?;
        let outcomes = self
            .steps
            .iter()
            .map(|step| Outcome::from(step.run(&mut state)))
            .collect();
        Ok((state, outcomes))
    }
}

/// Histories as `config` describes them, of `config.min_steps` to
/// `config.max_steps` steps after the set-up (each step takes
/// [`History::BYTES_PER_STEP`] bytes to generate, so keep `max_steps` to
/// what a test can run). Each step is drawn from
/// choices of its own, so shrinking removes whole steps and makes the rest
/// plainer, down to a short history that still fails.
pub fn histories(config: HistoryConfig) -> impl Strategy<Value = History> {
    let step = vec(any::<u8>(), History::BYTES_PER_STEP);
    let steps = config.min_steps..=config.max_steps.max(config.min_steps);
    vec(step, steps)
        .prop_map(move |steps| History::from_steps(&config, steps.iter().map(Vec::as_slice)))
}

/// States reached by generated histories: valid by construction, holding
/// snapshots in every status, locks, shares, copies and vaults. A
/// configuration with incoherent limits generates none (proptest then
/// reports every case rejected).
pub fn states(config: HistoryConfig) -> impl Strategy<Value = State> {
    histories(config).prop_filter_map("the configuration's limits are incoherent", |history| {
        history.replay().ok().map(|(state, _)| state)
    })
}

/// Every invariant `state` breaks, each with its rule id
/// ([`StateError::rule`]), as loading would find them (see
/// [`UncheckedState::check`]).
///
/// A [`State`] snapguard produced breaks none, so on a `State` this checks
/// snapguard itself, after each step of a generated history for instance.
/// The state of another implementation, exported in snapguard's serialized
/// form and read as an [`UncheckedState`], is checked the same way.
///
/// ```
/// use snapguard::testing::broken_invariants;
/// use snapguard::{RuleId, State, StateError, UncheckedState};
///
/// assert_eq!(broken_invariants(&State::default()), vec![]);
///
/// let mut exported = serde_json::to_value(State::default())?;
/// exported["limits"]["min_lock_days"] = serde_json::json!(0);
/// let unchecked: UncheckedState = serde_json::from_value(exported)?;
/// let rules: Vec<RuleId> = broken_invariants(unchecked).iter().map(StateError::rule).collect();
/// assert_eq!(rules, [RuleId::Gen5]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[must_use]
pub fn broken_invariants(state: impl Into<UncheckedState>) -> Vec<StateError> {
    state.into().check().err().unwrap_or_default()
}
