//! The `testing` feature: generated histories, the states they reach, and
//! the invariant checker.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use snapguard::oracle::Outcome;
use snapguard::testing::{self, History, HistoryConfig, Step};
use snapguard::{RuleId, State};

/// `count` histories drawn from `config` with a fixed seed.
fn sample(config: HistoryConfig, count: usize) -> Vec<History> {
    let mut runner = TestRunner::deterministic();
    let strategy = testing::histories(config);
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The rules that refused steps of `histories`, and the share of steps
/// accepted.
fn refusals(histories: &[History]) -> (Vec<RuleId>, f64) {
    let mut rules = Vec::new();
    let mut accepted = 0_u32;
    let mut steps = 0_u32;
    for history in histories {
        for outcome in history.replay().unwrap().1 {
            steps += 1;
            match outcome {
                Outcome::Refused(rule) => rules.push(rule),
                _ => accepted += 1,
            }
        }
    }
    (rules, f64::from(accepted) / f64::from(steps))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn gen_2_peaceful_histories_have_their_steps_and_never_go_back_in_time(
        history in testing::histories(HistoryConfig::default().with_steps(100).with_hostile_percent(0)),
    ) {
        let applied = history.steps.iter().filter(|s| matches!(s, Step::Apply { .. })).count();
        prop_assert!(history.steps.len() >= 100 && applied > 0);
        let instants: Vec<_> = history.steps.iter().map(Step::at).collect();
        prop_assert!(instants.windows(2).all(|w| w[0] <= w[1]));
        let (_, outcomes) = history.replay()?;
        prop_assert!(!outcomes.contains(&Outcome::Refused(RuleId::Gen2)));
    }

    #[test]
    fn generated_states_break_no_invariant(state in testing::states(HistoryConfig::default())) {
        prop_assert_eq!(testing::broken_invariants(&state), vec![]);
    }

    #[test]
    fn any_bytes_make_a_history_that_replays_to_a_valid_state(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
    ) {
        let history = History::from_bytes(&HistoryConfig::default().with_hostile_percent(30), &bytes);
        let (state, outcomes) = history.replay()?;
        prop_assert_eq!(outcomes.len(), history.steps.len());
        prop_assert_eq!(testing::broken_invariants(&state), vec![]);
    }
}

#[test]
fn generated_histories_mostly_reach_the_rules_rather_than_not_found() {
    let (rules, accepted) = refusals(&sample(HistoryConfig::default().with_steps(100), 50));
    let distinct: BTreeSet<RuleId> = rules.iter().copied().collect();
    let not_found = rules.iter().filter(|r| **r == RuleId::Gen4).count();
    assert!(accepted > 0.5, "only {accepted:.2} of the steps accepted");
    assert!(distinct.len() >= 15, "only {distinct:?} refused");
    assert!(
        not_found * 2 < rules.len(),
        "{not_found} of {} refusals are GEN-4",
        rules.len()
    );
}

#[test]
fn a_higher_hostile_share_is_refused_more_often() {
    let (_, calm) = refusals(&sample(
        HistoryConfig::default().with_hostile_percent(0),
        20,
    ));
    let (_, hostile) = refusals(&sample(
        HistoryConfig::default().with_hostile_percent(80),
        20,
    ));
    assert!(
        hostile < calm,
        "accepted: {hostile:.2} hostile, {calm:.2} calm"
    );
}

#[test]
fn the_same_bytes_make_the_same_history() {
    let config = HistoryConfig::default();
    let bytes: Vec<u8> = (0..=255).cycle().take(1500).collect();
    assert_eq!(
        History::from_bytes(&config, &bytes),
        History::from_bytes(&config, &bytes)
    );
}

#[test]
fn a_history_survives_a_json_round_trip_and_replays_the_same() {
    let history = sample(HistoryConfig::default(), 1).remove(0);
    let json = serde_json::to_string(&history).unwrap();
    let back: History = serde_json::from_str(&json).unwrap();
    assert_eq!(back, history);
    assert_eq!(back.replay(), history.replay());
}

#[test]
fn the_checker_finds_nothing_in_the_empty_state() {
    assert_eq!(testing::broken_invariants(State::default()), vec![]);
}

#[test]
fn gen_4_peaceful_histories_name_only_objects_that_exist() {
    let (rules, _) = refusals(&sample(
        HistoryConfig::default().with_hostile_percent(0),
        50,
    ));
    assert!(
        !rules.contains(&RuleId::Gen4),
        "GEN-4 refused a peaceful step"
    );
    assert!(
        !rules.contains(&RuleId::Gen2),
        "GEN-2 refused a peaceful step"
    );
}

#[test]
fn gen_2_hostile_histories_go_back_in_time() {
    let (rules, _) = refusals(&sample(
        HistoryConfig::default().with_hostile_percent(100),
        20,
    ));
    assert!(rules.contains(&RuleId::Gen2));
    assert!(rules.contains(&RuleId::Gen4));
}
