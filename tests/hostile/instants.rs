//! Hostile instants: every command and query at chrono's first and last
//! instants and sums past them (GEN-5), and time running backwards (GEN-2).
//! Nothing panics; every refusal is a typed violation that names its rule and
//! leaves the state as it was (GEN-3).

use crate::common;
use crate::hostile_support;

use common::*;
use hostile_support::*;
use snapguard::{
    Actor, Command, CreateAccount, CreateAutomaticSnapshot, CreateBackupSnapshot, CreateImage,
    CreateRegion, CreateUser, DeleteImage, DeleteSnapshot, FinishSnapshot, ImportImage, Limits,
    LockQuery, LockState, MarkAccountOverdue, ReleaseDisk, ReleaseOverdueSnapshot, ResetDisk,
    RuleId, SetSnapshotRetention, SetUserPolicy, SettleAccount, Site, Span, Statement,
    UnlockSnapshot, Violation,
};

/// One command of every kind, with the actor that may issue it.
fn every_command() -> Vec<(Actor, Command)> {
    let owner = root(OWNER);
    let commands: Vec<(Actor, Command)> = vec![
        (
            Actor::Platform,
            CreateAccount::new("4004", Site::China).into(),
        ),
        (Actor::Platform, CreateRegion::new("eu-x").into()),
        (owner.clone(), CreateUser::new("bob").into()),
        (
            owner.clone(),
            SetUserPolicy::new("alice")
                .statement(Statement::allow(["*"], ["*"]))
                .into(),
        ),
        (Actor::Billing, MarkAccountOverdue::new(OWNER).into()),
        (Actor::Billing, SettleAccount::new(OTHER).into()),
        (Actor::Billing, ReleaseOverdueSnapshot::new("s-o").into()),
        (owner.clone(), blank_disk_in_main_region("d-2").into()),
        (
            owner.clone(),
            ReleaseDisk::new("d-1")
                .release_automatic_snapshots(true)
                .into(),
        ),
        (owner.clone(), ResetDisk::new("d-1", "s-1").into()),
        (owner.clone(), create_snapshot_of_d1("s-3", Some(30)).into()),
        (
            Actor::Platform,
            CreateAutomaticSnapshot::new("a-1", "d-1")
                .retention_days(30)
                .into(),
        ),
        (
            Actor::Platform,
            CreateBackupSnapshot::new("b-1", OWNER, REGION)
                .retention_days(30)
                .into(),
        ),
        (Actor::Platform, FinishSnapshot::available("s-2", 10).into()),
        (owner.clone(), DeleteSnapshot::new("s-1").into()),
        (owner.clone(), SetSnapshotRetention::permanent("s-1").into()),
        (owner.clone(), archive("s-1", 74).into()),
        (owner.clone(), copy_of_s1("c-1", Some(30)).into()),
        (owner.clone(), lock_cmd("s-1", 30, 0).into()),
        (owner.clone(), UnlockSnapshot::new("s-1").into()),
        (owner.clone(), ImportImage::new("i-2", REGION).into()),
        (owner.clone(), CreateImage::new("i-3", "s-1").into()),
        (owner, DeleteImage::new("i-1").delete_snapshots(true).into()),
    ];
    let mut names: Vec<&str> = commands.iter().map(|(_, c)| c.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 23, "one command of every kind");
    commands
}

/// Applies every command to the same world and checks each outcome:
/// `None` accepted, `Some(rule)` refused by that rule with the state
/// unchanged.
#[track_caller]
fn check_every_command(w: &mut World, expected: impl Fn(&str) -> Option<RuleId>) {
    for (actor, command) in every_command() {
        match expected(command.name()) {
            Some(rule) => {
                w.refused(&actor, command, rule);
            }
            None => {
                let result = w.state.apply(w.now, &actor, &command);
                assert!(
                    result.is_ok(),
                    "{} at {} refused: {:?}",
                    command.name(),
                    w.now,
                    result.err()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// GEN-5: instants at chrono's limits
// ---------------------------------------------------------------------------

#[test]
fn hostile_gen_5_every_command_at_max_utc() {
    let mut w = World::new();
    populate(&mut w);
    w.at(MAX);
    // What adds days to MAX is out of range; everything else works.
    check_every_command(&mut w, |name| match name {
        "create_snapshot"
        | "create_automatic_snapshot"
        | "create_backup_snapshot"
        | "copy_snapshot"
        | "lock_snapshot" => Some(RuleId::Gen5),
        // Counted from the snapshot's creation, its archive retention ended
        // long ago (rule changed: ARCH-2 follows the ECS API).
        "archive_snapshot" => Some(RuleId::Arch2),
        // The lock set at the start expired long ago: no lock to remove
        // (rule changed: LOCK-6 follows the ECS API).
        "unlock_snapshot" => Some(RuleId::Lock6),
        _ => None,
    });
    let v = w.refused(&root(OWNER), lock_cmd("s-1", 30, 0), RuleId::Gen5);
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: MAX,
            span: Span::Days(30)
        }
    );
    // Permanent snapshots and copies can still be made at the last instant.
    w.ok(&root(OWNER), create_snapshot_of_d1("s-3", None));
    w.ok(&root(OWNER), copy_of_s1("c-1", None));
    assert!(w.exists("s-3") && w.exists("c-1"));
}

#[test]
fn hostile_gen_5_every_command_at_min_utc() {
    let mut w = World::starting_at(MIN, Limits::default());
    populate(&mut w);
    // Nothing subtracts from MIN: every command is decided on its own rules.
    check_every_command(&mut w, |name| match name {
        "release_overdue_snapshot" => Some(RuleId::Lock12),
        "delete_snapshot" => Some(RuleId::Lock10),
        "archive_snapshot" => Some(RuleId::Arch1),
        "unlock_snapshot" => Some(RuleId::Lock6),
        _ => None,
    });
    assert_eq!(w.state.next_deadline(), Some(MIN + days(1)));
    let view = w
        .state
        .lock_view(MIN, &root(OWNER), &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (view.state, view.start, view.expiry),
        (LockState::Compliance, MIN, MIN + days(1))
    );
    let v = w.refused(&root(OWNER), DeleteSnapshot::new("s-1"), RuleId::Lock10);
    assert_eq!(v.retry_at(), Some(MIN + days(1)));
}

#[test]
fn hostile_gen_5_queries_at_max_utc_never_panic() {
    let mut w = World::new();
    populate(&mut w);
    let owner = root(OWNER);
    let advanced = w.state.advance(MAX).unwrap();
    assert_eq!(
        advanced.events.len(),
        1,
        "only the 1-day lock expiry is due"
    );
    assert_eq!(advanced.state.next_deadline(), None);
    let view = w
        .state
        .lock_view(MAX, &owner, &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view.state, LockState::Expired);
    let locks = w
        .state
        .describe_locked_snapshots(MAX, &owner, &LockQuery::in_state(LockState::Expired))
        .unwrap();
    assert_eq!(locks.len(), 1);
    assert!(w.state.deletion_report(MAX, &owner, &sid("s-1")).allowed());
    let explained = w.state.explain(MAX, &owner, lock_cmd("s-1", 30, 0));
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Gen5]
    );
    // Queries changed nothing: a command still sees the same state (the
    // archive retention, counted from creation, ended long ago; rule
    // changed: ARCH-2 follows the ECS API).
    w.at(MAX);
    w.refused(&owner, archive("s-1", 74), RuleId::Arch2);
}

#[test]
fn hostile_gen_5_overdue_threshold_beyond_max_is_refused_not_accepted() {
    let mut w = World::with_snapshot();
    w.at(MAX - days(10));
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OWNER));
    w.at(MAX);
    let before = w.state.clone();
    let v = w
        .state
        .apply(MAX, &Actor::Billing, ReleaseOverdueSnapshot::new("s-1"))
        .unwrap_err();
    // Its threshold (MAX - 10 days + 30 days) is not representable: either
    // an out-of-range sum or "not overdue long enough"; never a release.
    assert!(
        matches!(v.rule(), RuleId::Gen5 | RuleId::Lock12),
        "refused by {}",
        v.rule()
    );
    assert_eq!(w.state, before);
    assert!(w.exists("s-1"));
}

#[test]
fn hostile_gen_5_raised_limits_turn_overflow_into_time_out_of_range() {
    let mut limits = Limits::default();
    limits.max_lock_days = u32::MAX;
    limits.max_cool_off_hours = u32::MAX;
    limits.max_retention_days = u32::MAX;
    limits.max_archive_retention_days = u32::MAX;
    limits.overdue_release_days = u32::MAX;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    let owner = root(OWNER);
    let v = w.refused(&owner, lock_cmd("s-1", u32::MAX, 0), RuleId::Gen5);
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: t0(),
            span: Span::Days(u32::MAX)
        }
    );
    w.refused(&owner, lock_cmd("s-1", u32::MAX, u32::MAX), RuleId::Gen5);
    let v = w.refused(
        &owner,
        create_snapshot_of_d1("s-2", Some(u32::MAX)),
        RuleId::Gen5,
    );
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: t0(),
            span: Span::Days(u32::MAX)
        }
    );
    w.refused(&owner, copy_of_s1("c-1", Some(u32::MAX)), RuleId::Gen5);
    w.refused(&owner, set_retention_days("s-1", u32::MAX), RuleId::Gen5);
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OWNER));
    w.wait(days(14));
    w.refused(&owner, archive("s-1", u32::MAX), RuleId::Gen5);
    // An overdue threshold beyond the representable instants is never
    // reached: refused by LOCK-12, and waiting will not lift it.
    let v = w.refused(
        &Actor::Billing,
        ReleaseOverdueSnapshot::new("s-1"),
        RuleId::Lock12,
    );
    assert_eq!(v.retry_at(), None);
    // A huge minimum archive age is out of range too, not a wrap-around.
    let mut limits = Limits::default();
    limits.archive_min_age_days = u32::MAX;
    let mut w = World::with_limits(limits);
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.refused(&owner, archive("s-1", 100), RuleId::Gen5);
}

// ---------------------------------------------------------------------------
// GEN-2: time running backwards
// ---------------------------------------------------------------------------

#[test]
fn hostile_gen_2_every_command_with_time_running_backwards_is_refused() {
    let mut w = World::new();
    populate(&mut w);
    w.wait(days(1));
    w.ok(&Actor::Platform, CreateRegion::new("late"));
    let latest = t0() + days(1);
    for now in [latest - secs(1), t0(), MIN] {
        w.at(now);
        for (actor, command) in every_command() {
            let v = w.refused(&actor, command, RuleId::Gen2);
            assert_eq!(v, Violation::ClockWentBackwards { now, latest });
        }
        assert_eq!(w.state.advance(now).unwrap_err().rule(), RuleId::Gen2);
        assert_eq!(
            w.state
                .lock_view(now, &root(OWNER), &sid("s-1"))
                .unwrap_err()
                .rule(),
            RuleId::Gen2
        );
    }
    // Going forward again works.
    w.at(latest);
    w.ok(&root(OWNER), blank_disk_in_main_region("d-2"));
}

#[test]
fn hostile_gen_2_from_max_utc_every_earlier_instant_is_refused() {
    let mut w = World::with_snapshot();
    w.at(MAX);
    w.ok(&root(OWNER), blank_disk_in_main_region("d-2"));
    for now in [MAX - secs(1), t0(), MIN] {
        w.at(now);
        w.refused(&root(OWNER), blank_disk_in_main_region("d-3"), RuleId::Gen2);
    }
    w.at(MAX);
    w.ok(&root(OWNER), blank_disk_in_main_region("d-3"));
}
