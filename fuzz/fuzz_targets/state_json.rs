//! Arbitrary bytes as a serialized state: deserializing must never panic,
//! `State` and `UncheckedState` must agree on what they refuse, and a state
//! that loads must break no invariant and survive a round trip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use snapguard::testing;
use snapguard::{State, UncheckedState};

fuzz_target!(|data: &[u8]| {
    let direct = serde_json::from_slice::<State>(data);
    let Ok(unchecked) = serde_json::from_slice::<UncheckedState>(data) else {
        assert!(
            direct.is_err(),
            "a State loaded from JSON no UncheckedState reads"
        );
        return;
    };
    match unchecked.check() {
        Ok(state) => {
            assert_eq!(
                direct.ok().as_ref(),
                Some(&state),
                "State and UncheckedState disagree"
            );
            let broken = testing::broken_invariants(&state);
            assert!(broken.is_empty(), "a loaded state breaks {broken:?}");
            let json = serde_json::to_vec(&state).expect("a state serializes");
            let again: State = serde_json::from_slice(&json).expect("a loaded state reloads");
            assert_eq!(again, state, "the round trip changed the state");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal with no reason");
            let error = direct.expect_err("State loaded what UncheckedState refused");
            // `State` refuses with the first invariant the checks find.
            assert_eq!(
                error.to_string(),
                errors[0].to_string(),
                "State and UncheckedState disagree on the first error"
            );
        }
    }
});
