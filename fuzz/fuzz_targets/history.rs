//! Arbitrary bytes, decoded as a command history, run through the state
//! machine: no step may panic, a refused step must leave the state as it
//! was (GEN-3), and the final state must break no invariant and survive a
//! serde round trip unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use snapguard::testing::{self, History, HistoryConfig};
use snapguard::{Limits, State};

fuzz_target!(|data: &[u8]| {
    // The first byte sets the share of hostile steps; the rest are the
    // steps' choices.
    let (hostile, choices) = match data.split_first() {
        Some((first, rest)) => (first % 101, rest),
        None => (0, data),
    };
    // Low limits, so rotation and the sharing quotas are reached.
    let mut limits = Limits::default();
    limits.auto_snapshots_per_disk = 3;
    limits.max_principals_per_snapshot = 2;
    limits.max_shared_snapshots_per_account = 3;
    let config = HistoryConfig::default()
        .with_limits(limits)
        .with_steps_between(0, 200)
        .with_hostile_percent(hostile);
    let history = History::from_bytes(&config, choices);
    let mut state = State::with_limits(history.limits.clone());
    for step in &history.steps {
        let before = state.clone();
        if step.run(&mut state).is_err() {
            assert_eq!(state, before, "a refused step changed the state: {step:?}");
        }
    }
    let broken = testing::broken_invariants(&state);
    assert!(broken.is_empty(), "broken invariants: {broken:?}");
    let json = serde_json::to_string(&state).expect("a state serializes");
    let reloaded: State = serde_json::from_str(&json).expect("a state reloads");
    assert_eq!(reloaded, state, "the round trip changed the state");
});
