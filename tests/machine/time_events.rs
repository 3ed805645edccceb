//! GEN-6: advancing time produces the events time alone causes (cooling-off
//! ended, lock expired, retention reached), each once and at its instant, and
//! replaying the events rebuilds the state.

use crate::common;
use crate::gen_support;

use common::*;
use gen_support::*;
use snapguard::{Actor, Command, CreateRegion, Event, LockState, ObjectKind, RuleId, State};

// ---------------------------------------------------------------------------
// GEN-6: time-caused events
// ---------------------------------------------------------------------------

/// s-1 permanent, locked at t0 for 30 days with 24 hours of cooling-off;
/// s-2 retained 60 days.
fn timed_world() -> World {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-1", 30, 24);
    w
}

#[test]
fn gen_6_advance_produces_time_events_in_order_once() {
    let w = timed_world();
    let cool_off_end = t0() + hours(24);
    let expiry = t0() + days(30);
    let retention_end = t0() + days(60);
    let t = w.state.advance(t0() + days(100)).unwrap();
    assert_eq!(
        t.events,
        vec![
            Event::CoolOffEnded {
                at: cool_off_end,
                snapshot: sid("s-1")
            },
            Event::LockExpired {
                at: expiry,
                snapshot: sid("s-1")
            },
            released(retention_end, "s-2"),
        ]
    );
    assert!(t.state.snapshot(&sid("s-2")).is_none());
    assert!(t.state.snapshot(&sid("s-1")).is_some());
    assert_eq!(t.state.next_deadline(), None);
    // Recorded once: a second advance, or a command, does not repeat them.
    let again = t.state.advance(t0() + days(100)).unwrap();
    assert!(again.events.is_empty());
    assert_eq!(again.state, t.state);
    let later = t
        .state
        .apply(t0() + days(101), &root(OWNER), blank_disk("d-2", REGION))
        .unwrap();
    assert!(matches!(
        later.events.as_slice(),
        [Event::DiskCreated { .. }]
    ));
}

#[test]
fn gen_6_each_time_event_happens_at_its_instant() {
    let w = timed_world();
    let mut state = w.state.clone();
    let steps = [
        (
            t0() + hours(24),
            Event::CoolOffEnded {
                at: t0() + hours(24),
                snapshot: sid("s-1"),
            },
        ),
        (
            t0() + days(30),
            Event::LockExpired {
                at: t0() + days(30),
                snapshot: sid("s-1"),
            },
        ),
        (t0() + days(60), released(t0() + days(60), "s-2")),
    ];
    for (at, event) in steps {
        assert_eq!(state.next_deadline(), Some(at));
        let before = state.advance(at - secs(1)).unwrap();
        assert!(before.events.is_empty(), "nothing is due at {} - 1s", at);
        let due = state.advance(at).unwrap();
        assert_eq!(due.events, vec![event]);
        let after = due.state.advance(at + secs(1)).unwrap();
        assert!(after.events.is_empty(), "{at} + 1s repeats nothing");
        state = due.state;
    }
    assert_eq!(state.next_deadline(), None);
}

#[test]
fn gen_6_next_deadline_is_none_without_pending_events_and_the_earliest_otherwise() {
    let mut w = World::with_snapshot();
    assert_eq!(w.state.next_deadline(), None);
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    assert_eq!(w.state.next_deadline(), Some(t0() + days(60)));
    w.lock("s-1", 30, 0);
    assert_eq!(w.state.next_deadline(), Some(t0() + days(30)));
    w.lock("s-2", 10, 24);
    assert_eq!(w.state.next_deadline(), Some(t0() + hours(24)));
    // Unlocking in cooling-off removes that lock's deadlines.
    w.ok(&root(OWNER), unlock("s-2"));
    assert_eq!(w.state.next_deadline(), Some(t0() + days(30)));
    // Once the lock expiry is recorded, the retention end is next.
    w.at(t0() + days(31));
    let events = w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert_eq!(
        events[0],
        Event::LockExpired {
            at: t0() + days(30),
            snapshot: sid("s-1")
        }
    );
    assert_eq!(w.state.next_deadline(), Some(t0() + days(60)));
    // Deleting the retained snapshot leaves nothing pending.
    w.ok(&root(OWNER), delete("s-2"));
    assert_eq!(w.state.next_deadline(), None);
}

#[test]
fn gen_6_retained_snapshot_is_kept_until_end_and_released_at_it_through_advance() {
    let w = timed_world();
    let end = t0() + days(60);
    let at_end_minus = w.state.advance(end - secs(1)).unwrap();
    assert!(at_end_minus.state.snapshot(&sid("s-2")).is_some());
    let at_end = w.state.advance(end).unwrap();
    assert!(at_end.state.snapshot(&sid("s-2")).is_none());
    assert_eq!(at_end.events.last(), Some(&released(end, "s-2")));
    let at_end_plus = w.state.advance(end + secs(1)).unwrap();
    assert!(at_end_plus.state.snapshot(&sid("s-2")).is_none());
    assert_eq!(at_end_plus.events.last(), Some(&released(end, "s-2")));
}

#[test]
fn gen_6_retained_snapshot_is_released_first_by_any_command_at_its_end() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    let end = t0() + days(60);
    // The same command, tried at an instant against the state as it is.
    let create_region_at = |at| {
        let command = CreateRegion::new("eu-x");
        w.state.apply(at, &Actor::Platform, command).unwrap()
    };
    // One second before: the command's transition holds only its own event.
    let before = create_region_at(end - secs(1));
    assert!(matches!(
        before.events.as_slice(),
        [Event::RegionCreated { .. }]
    ));
    assert!(before.state.snapshot(&sid("s-2")).is_some());
    // At the end and after: the release comes first, then the command's event.
    for at in [end, end + secs(1)] {
        let t = create_region_at(at);
        assert_eq!(t.events.len(), 2);
        assert_eq!(t.events[0], released(end, "s-2"));
        assert!(matches!(t.events[1], Event::RegionCreated { .. }));
        assert!(t.state.snapshot(&sid("s-2")).is_none());
    }
    // Commands on the snapshot itself at its end find it gone.
    w.at(end);
    assert_eq!(
        w.refused(&root(OWNER), delete("s-2"), RuleId::Gen4),
        not_found(ObjectKind::Snapshot, "s-2")
    );
    assert_eq!(
        w.state
            .lock_view(end, &root(OWNER), &sid("s-2"))
            .unwrap_err()
            .rule(),
        RuleId::Gen4
    );
    // ... while one second earlier it can still be deleted.
    w.at(end - secs(1));
    w.ok(&root(OWNER), delete("s-2"));
}

#[test]
fn gen_6_lock_expiry_at_retention_end_comes_before_the_release() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.lock("s-2", 30, 0);
    let end = t0() + days(30);
    let t = w.state.advance(end).unwrap();
    assert_eq!(
        t.events,
        vec![
            Event::LockExpired {
                at: end,
                snapshot: sid("s-2")
            },
            released(end, "s-2")
        ]
    );
}

#[test]
fn gen_6_replaying_all_events_from_new_rebuilds_the_state() {
    let h = scripted_history();
    let replayed = h
        .events
        .iter()
        .fold(State::new(), |state, event| state.evolve(event));
    assert_eq!(replayed, h.state);
    // Also after the events went through JSON.
    let json = serde_json::to_string(&h.events).unwrap();
    let events: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(events, h.events);
    let replayed = events
        .iter()
        .fold(State::new(), |state, event| state.evolve(event));
    assert_eq!(replayed, h.state);
    // Every prefix that ends a step rebuilds a state that decides the same.
    let now = t0() + days(300);
    let command = Command::from(delete("s-3"));
    assert_eq!(
        replayed.decide(now, &root(OWNER), &command),
        h.state.decide(now, &root(OWNER), &command)
    );
}

#[test]
fn gen_6_lock_state_does_not_depend_on_advance_having_been_called() {
    let w = timed_world();
    // Never advanced: the lock is in compliance from its cooling-off end.
    let view = w
        .state
        .lock_view(t0() + hours(24), &root(OWNER), &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view.state, LockState::Compliance);
    let advanced = w.state.advance(t0() + hours(24)).unwrap().state;
    let view2 = advanced
        .lock_view(t0() + hours(24), &root(OWNER), &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view, view2);
}

#[test]
fn gen_6_cool_off_lasting_the_whole_lock_ends_with_lock_expired_only() {
    // A 1-day lock with 24 hours of cooling-off never enters compliance.
    let mut w = World::with_snapshot();
    w.lock("s-1", 1, 24);
    let expiry = t0() + days(1);
    assert_eq!(w.state.next_deadline(), Some(expiry));
    assert!(w.state.advance(expiry - secs(1)).unwrap().events.is_empty());
    let t = w.state.advance(expiry).unwrap();
    assert_eq!(
        t.events,
        vec![Event::LockExpired {
            at: expiry,
            snapshot: sid("s-1")
        }]
    );
    assert_eq!(t.state.next_deadline(), None);
    let view = t
        .state
        .lock_view(expiry, &root(OWNER), &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view.state, LockState::Expired);
}
