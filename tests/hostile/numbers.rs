//! Hostile numbers in commands: out-of-range lock durations and cooling-off
//! (LOCK-1), retentions (SNAP-5, ARCH-2) and JSON numbers that do not fit.
//! Nothing panics; every refusal is a typed violation that names its rule and
//! leaves the state as it was (GEN-3, GEN-5).

use crate::common;
use crate::hostile_support;

use common::*;
use hostile_support::*;
use snapguard::{Actor, Command, CreateAutomaticSnapshot, CreateBackupSnapshot, RuleId, Violation};

// ---------------------------------------------------------------------------
// LOCK-1: durations and cooling-off
// ---------------------------------------------------------------------------

#[test]
fn hostile_lock_1_durations_of_0_and_36501_days_and_u32_max_are_refused() {
    let mut w = World::with_snapshot();
    for days in [0, 36_501, u32::MAX] {
        let v = w.refused(&root(OWNER), lock_cmd("s-1", days, 0), RuleId::Lock1);
        assert_eq!(
            v,
            Violation::LockDurationOutOfRange {
                days,
                min: 1,
                max: 36_500
            }
        );
        assert_eq!(v.retry_at(), None);
    }
    assert!(w.state.snapshot(&sid("s-1")).unwrap().lock.is_none());
    // The bounds themselves are accepted.
    w.lock("s-1", 1, 0);
    w.wait(days(1));
    w.lock("s-1", 36_500, 0);
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap().expiry,
        t0() + days(1) + days(36_500)
    );
}

#[test]
fn hostile_lock_1_cool_off_of_73_hours_and_u32_max_is_refused() {
    let mut w = World::with_snapshot();
    for hours in [73, u32::MAX] {
        let v = w.refused(&root(OWNER), lock_cmd("s-1", 30, hours), RuleId::Lock1);
        assert_eq!(v, Violation::CoolOffOutOfRange { hours, max: 72 });
    }
    w.lock("s-1", 30, 72);
    assert_eq!(
        w.state
            .snapshot(&sid("s-1"))
            .unwrap()
            .lock
            .unwrap()
            .cool_off_end,
        t0() + hours(72)
    );
}

#[test]
fn hostile_lock_1_cool_off_longer_than_duration_is_refused() {
    let mut w = World::with_snapshot();
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 1, 25), RuleId::Lock1);
    assert_eq!(
        v,
        Violation::CoolOffExceedsDuration {
            cool_off_hours: 25,
            duration_days: 1
        }
    );
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 2, 72 + 1), RuleId::Lock1);
    assert!(matches!(v, Violation::CoolOffOutOfRange { .. }));
    // Both hostile at once: still a LOCK-1 violation, no overflow.
    w.refused(
        &root(OWNER),
        lock_cmd("s-1", u32::MAX, u32::MAX),
        RuleId::Lock1,
    );
    // A cooling-off filling the whole duration is allowed.
    w.lock("s-1", 1, 24);
    let lock = w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap();
    assert_eq!(
        (lock.cool_off_end, lock.expiry),
        (t0() + hours(24), t0() + days(1))
    );
}

#[test]
fn hostile_lock_1_reconfiguring_or_extending_with_hostile_values_is_refused() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let before = w.state.snapshot(&sid("s-1")).unwrap().lock;
    for (days, hours) in [(0, 0), (36_501, 0), (30, 73), (1, 25), (u32::MAX, u32::MAX)] {
        w.refused(&root(OWNER), lock_cmd("s-1", days, hours), RuleId::Lock1);
    }
    w.wait(hours(24));
    for (days, hours) in [(0, 0), (36_501, 0), (u32::MAX, 0), (30, u32::MAX)] {
        w.refused(&root(OWNER), lock_cmd("s-1", days, hours), RuleId::Lock1);
    }
    assert_eq!(w.state.snapshot(&sid("s-1")).unwrap().lock, before);
}

// ---------------------------------------------------------------------------
// SNAP-5 and ARCH-2: retention in days
// ---------------------------------------------------------------------------

#[test]
fn hostile_snap_5_retention_out_of_range_on_create_and_copy_is_refused() {
    let mut w = World::with_snapshot();
    for days in [0, 65_537, u32::MAX] {
        let range = Violation::RetentionOutOfRange {
            days,
            min: 1,
            max: 65_536,
        };
        assert_eq!(
            w.refused(
                &root(OWNER),
                create_snapshot_of_d1("s-2", Some(days)),
                RuleId::Snap5
            ),
            range
        );
        assert_eq!(
            w.refused(&root(OWNER), copy_of_s1("c-1", Some(days)), RuleId::Snap5),
            range
        );
        let automatic = CreateAutomaticSnapshot::new("a-1", "d-1").retention_days(days);
        assert_eq!(w.refused(&Actor::Platform, automatic, RuleId::Snap5), range);
        let backup = CreateBackupSnapshot::new("b-1", OWNER, REGION).retention_days(days);
        assert_eq!(w.refused(&Actor::Platform, backup, RuleId::Snap5), range);
    }
    assert!(!w.exists("s-2") && !w.exists("c-1") && !w.exists("a-1") && !w.exists("b-1"));
    // The bounds are accepted.
    w.ok(&root(OWNER), create_snapshot_of_d1("s-2", Some(65_536)));
    w.ok(&root(OWNER), copy_of_s1("c-1", Some(1)));
    assert_eq!(
        w.state.snapshot(&sid("s-2")).unwrap().retention.end(),
        Some(t0() + days(65_536))
    );
}

#[test]
fn hostile_snap_5_retention_out_of_range_on_modification_is_refused() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(10));
    for days in [0, 65_537, u32::MAX] {
        let v = w.refused(&root(OWNER), set_retention_days("s-2", days), RuleId::Snap5);
        assert_eq!(
            v,
            Violation::RetentionOutOfRange {
                days,
                min: 1,
                max: 65_536
            }
        );
        w.refused(&root(OWNER), set_retention_days("s-1", days), RuleId::Snap5);
    }
    w.ok(&root(OWNER), set_retention_days("s-2", 65_536));
    assert_eq!(
        w.state.snapshot(&sid("s-2")).unwrap().retention.end(),
        Some(t0() + days(65_536))
    );
}

#[test]
fn hostile_arch_2_archive_retention_out_of_range_is_refused_from_creation_rule_changed() {
    let mut w = World::with_snapshot();
    w.wait(days(14));
    for days in [0, 73, 65_537, u32::MAX] {
        let v = w.refused(&root(OWNER), archive("s-1", days), RuleId::Arch2);
        assert_eq!(
            v,
            Violation::ArchiveRetentionOutOfRange {
                days,
                min: 74,
                max: 65_536
            }
        );
    }
    assert!(!w.state.snapshot(&sid("s-1")).unwrap().is_archived());
    w.ok(&root(OWNER), archive("s-1", 65_536));
    // Counted from the snapshot's creation (rule changed: ARCH-2 follows
    // the ECS API).
    let created = w.state.snapshot(&sid("s-1")).unwrap().created_at;
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().retention.end(),
        Some(created + days(65_536))
    );
}

// ---------------------------------------------------------------------------
// Commands as JSON
// ---------------------------------------------------------------------------

#[test]
fn hostile_command_json_with_out_of_range_numbers_is_an_error() {
    for text in [
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":4294967296,"cool_off_hours":0}"#,
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":-1,"cool_off_hours":0}"#,
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":1.5,"cool_off_hours":0}"#,
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":30,"cool_off_hours":99999999999}"#,
        r#"{"type":"archive_snapshot","snapshot":"s-1","retention_days":"forever"}"#,
        r#"{"type":"self_destruct"}"#,
    ] {
        assert!(serde_json::from_str::<Command>(text).is_err(), "{text}");
    }
    // The largest value that parses is refused by its rule.
    let command: Command = serde_json::from_str(
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":4294967295,"cool_off_hours":4294967295}"#,
    )
    .unwrap();
    let mut w = World::with_snapshot();
    w.refused(&root(OWNER), command, RuleId::Lock1);
}
