//! Cooling-off of a lock: when a cooling-off refused in compliance may be
//! retried (LOCK-8 with LOCK-4, GEN-3), and that a lock command must state
//! its cooling-off (LOCK-1, LOCK-2).

use crate::common;

use common::*;
use snapguard::{Command, Event, Lock, RuleId, Violation};

#[test]
fn lock_8_cool_off_in_compliance_retry_at_expiry_when_fresh_lock_fits_retention() {
    // Permanent snapshot, locked at t0 for 10 days in compliance at once.
    let expiry = t0() + days(10);
    let mut w = World::with_snapshot();
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 20, 1), RuleId::Lock8);
    assert!(
        matches!(v, Violation::CoolOffInCompliance { expiry: e, allowed_from: Some(at), .. }
        if e == expiry && at == expiry),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), Some(expiry));
    w.at(expiry - secs(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 20, 1), RuleId::Lock8);
    assert_eq!(v.retry_at(), Some(expiry));
    // At the expiry the same command sets a fresh lock with its cooling-off.
    w.at(expiry);
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 20, 1));
    assert_eq!(
        events,
        vec![
            Event::LockExpired {
                at: expiry,
                snapshot: sid("s-1"),
            },
            Event::LockSet {
                at: expiry,
                snapshot: sid("s-1"),
                lock: Lock::new(expiry, 20, 1).unwrap(),
            },
        ]
    );
}

#[test]
fn lock_8_lock_4_cool_off_in_compliance_retry_at_expiry_when_fresh_lock_ends_at_retention_end() {
    // Retention ends at t0 + 30 days; a 20-day lock set at the expiry
    // (t0 + 10 days) ends exactly then, which LOCK-4 allows.
    let expiry = t0() + days(10);
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 20, 1), RuleId::Lock8);
    assert_eq!(v.retry_at(), Some(expiry));
    w.at(expiry);
    w.ok(&root(OWNER), lock_cmd("s-1", 20, 1));
}

#[test]
fn lock_8_lock_4_cool_off_in_compliance_no_retry_when_fresh_lock_outlives_retention() {
    // Retention ends at t0 + 30 days; a 21-day lock set at the expiry
    // (t0 + 10 days) would end a day after it: waiting never helps.
    let expiry = t0() + days(10);
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", Some(30));
    w.lock("s-1", 10, 0);
    w.wait(days(1));
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 21, 1), RuleId::Lock8);
    assert!(
        matches!(
            v,
            Violation::CoolOffInCompliance {
                allowed_from: None,
                ..
            }
        ),
        "{v:?}"
    );
    assert_eq!(v.retry_at(), None);
    // Indeed, at the expiry the same command is refused by LOCK-4.
    w.at(expiry);
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 21, 1), RuleId::Lock4);
    assert!(
        matches!(v, Violation::LockOutlivesRetention { .. }),
        "{v:?}"
    );
}

#[test]
fn lock_2_json_lock_command_without_cool_off_hours_is_an_error() {
    // Omitting the cooling-off must not silently make an immediate,
    // irreversible compliance lock.
    let missing = r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":30}"#;
    assert!(serde_json::from_str::<Command>(missing).is_err());
    let given =
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":30,"cool_off_hours":0}"#;
    let command: Command = serde_json::from_str(given).unwrap();
    assert_eq!(command, Command::from(lock_cmd("s-1", 30, 0)));
}
