//! GEN-1: no operation reads a clock, a random source, the environment or any
//! I/O; the same commands at the same instants give equal states, events and
//! bytes, whatever the instants. Through the public API only.

use crate::common;
use crate::gen_support;

use chrono::{TimeZone, Utc};
use common::*;
use gen_support::*;
use snapguard::{
    Actor, Command, CreateAccount, CreateRegion, Event, LockState, ReleaseReason, RuleId, Site,
    State,
};

// ---------------------------------------------------------------------------
// GEN-1: determinism, time only through `now`
// ---------------------------------------------------------------------------

#[test]
fn gen_1_same_commands_at_same_instants_give_equal_states_events_and_bytes() {
    let first = scripted_history();
    let second = scripted_history();
    // The history is not trivial: it holds time-caused events of every kind.
    assert!(
        first
            .events
            .iter()
            .any(|e| matches!(e, Event::CoolOffEnded { .. }))
    );
    assert!(
        first
            .events
            .iter()
            .any(|e| matches!(e, Event::LockExpired { .. }))
    );
    assert!(first.events.iter().any(|e| matches!(
        e,
        Event::SnapshotReleased {
            reason: ReleaseReason::RetentionEnded,
            ..
        }
    )));
    assert_eq!(first.state, second.state);
    assert_eq!(first.events, second.events);
    let bytes = |h: &History| {
        (
            serde_json::to_string(&h.state).unwrap(),
            serde_json::to_string(&h.events).unwrap(),
        )
    };
    assert_eq!(bytes(&first), bytes(&second));
}

#[test]
fn gen_1_serialized_state_round_trips_to_the_same_state_and_bytes() {
    let h = scripted_history();
    let json = serde_json::to_string(&h.state).unwrap();
    let back: State = serde_json::from_str(&json).unwrap();
    assert_eq!(back, h.state);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    // The round-tripped state decides the next command exactly as the original.
    let now = t0() + days(201);
    let command = Command::from(delete("s-3"));
    assert_eq!(
        back.decide(now, &root(OWNER), &command),
        h.state.decide(now, &root(OWNER), &command)
    );
}

#[test]
fn gen_1_behaviour_follows_the_given_instants_only() {
    // The same scenario placed in 1970 and in 2300 behaves identically
    // relative to its own instants: nothing depends on a wall clock.
    for base in [
        Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2300, 6, 1, 0, 0, 0).unwrap(),
    ] {
        let mut h = History::new();
        h.run(base, &Actor::Platform, CreateRegion::new(REGION));
        h.run(
            base,
            &Actor::Platform,
            CreateAccount::new(OWNER, Site::China),
        );
        h.run(base, &root(OWNER), blank_disk("d-1", REGION));
        h.run(base, &root(OWNER), create_snapshot("s-1", "d-1", None));
        h.run(base, &Actor::Platform, finish("s-1"));
        h.run(base, &root(OWNER), lock_cmd("s-1", 30, 24));
        let state_at = |t| {
            h.state
                .lock_view(t, &root(OWNER), &sid("s-1"))
                .unwrap()
                .unwrap()
                .state
        };
        assert_eq!(state_at(base + hours(24) - secs(1)), LockState::CoolOff);
        assert_eq!(state_at(base + hours(24)), LockState::Compliance);
        assert_eq!(state_at(base + days(30) - secs(1)), LockState::Compliance);
        assert_eq!(state_at(base + days(30)), LockState::Expired);
        let refusal = h
            .state
            .apply(base + days(30) - secs(1), &root(OWNER), delete("s-1"))
            .unwrap_err();
        assert_eq!(refusal.rule(), RuleId::Lock10);
        assert!(
            h.state
                .apply(base + days(30), &root(OWNER), delete("s-1"))
                .is_ok()
        );
    }
}
