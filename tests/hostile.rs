//! Hostile input: out-of-range numbers, instants at chrono's limits, time
//! running backwards, odd and duplicate ids, and serialized states that
//! break invariants. Nothing panics; every refusal is a typed violation that
//! names its rule and leaves the state as it was (GEN-3, GEN-5).

mod common;

use chrono::{DateTime, Utc};
use common::*;
use serde_json::Value;
use snapguard::{
    Actor, ArchiveSnapshot, Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot,
    CreateBackupSnapshot, CreateDisk, CreateImage, CreateRegion, CreateSnapshot, CreateUser,
    DeleteImage, DeleteSnapshot, DiskCategory, DiskSource, Encryption, FinishSnapshot, ImportImage,
    Limits, LockQuery, LockSnapshot, LockState, MarkAccountOverdue, ObjectKind, ReleaseDisk,
    ReleaseOverdueSnapshot, ResetDisk, RetentionRequest, RuleId, SetSnapshotRetention,
    SetUserPolicy, SettleAccount, Site, SnapshotId, SnapshotOutcome, Span, State, Statement,
    UnlockSnapshot, Violation,
};

// ---------------------------------------------------------------------------
// Helpers of this file
// ---------------------------------------------------------------------------

const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;

fn sid(id: &str) -> SnapshotId {
    SnapshotId::new(id)
}

fn lock_cmd(snapshot: &str, duration_days: u32, cool_off_hours: u32) -> LockSnapshot {
    LockSnapshot {
        snapshot: snapshot.into(),
        duration_days,
        cool_off_hours,
    }
}

fn create_snapshot(snapshot: &str, retention_days: Option<u32>) -> CreateSnapshot {
    CreateSnapshot {
        snapshot: snapshot.into(),
        disk: "d-1".into(),
        retention_days,
        tags: Default::default(),
    }
}

fn copy(snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot {
        source: "s-1".into(),
        snapshot: snapshot.into(),
        region: OTHER_REGION.into(),
        retention_days,
    }
}

fn set_retention(snapshot: &str, days: u32) -> SetSnapshotRetention {
    SetSnapshotRetention {
        snapshot: snapshot.into(),
        retention: RetentionRequest::Days(days),
    }
}

fn archive(snapshot: &str, retention_days: u32) -> ArchiveSnapshot {
    ArchiveSnapshot {
        snapshot: snapshot.into(),
        retention_days,
    }
}

fn blank_disk(disk: &str) -> CreateDisk {
    CreateDisk {
        disk: disk.into(),
        region: REGION.into(),
        category: DiskCategory::Essd,
        size_gib: 40,
        encryption: Encryption::Unencrypted,
        source: DiskSource::Blank,
    }
}

/// The regions and accounts of [`World::new`], created at `start`.
fn world_from(start: DateTime<Utc>) -> World {
    let mut w = World {
        state: State::new(),
        now: start,
    };
    for region in [REGION, OTHER_REGION] {
        w.ok(
            &Actor::Platform,
            CreateRegion {
                region: region.into(),
            },
        );
    }
    for (account, site) in [
        (OWNER, Site::China),
        (OTHER, Site::China),
        (ABROAD, Site::International),
    ] {
        w.ok(
            &Actor::Platform,
            CreateAccount {
                account: account.into(),
                site,
            },
        );
    }
    w
}

/// At the world's instant: OWNER's d-1, s-1 (available, locked 1 day in
/// compliance), s-2 (in progress), image i-1 of s-1, user alice; OTHER's
/// d-o and s-o, OTHER marked overdue.
fn populate(w: &mut World) {
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.ok(&root(OWNER), create_snapshot("s-2", None));
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OWNER, "alice", vec![]);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OTHER.into(),
        },
    );
    w.lock("s-1", 1, 0);
}

/// One command of every kind, with the actor that may issue it.
fn every_command() -> Vec<(Actor, Command)> {
    let owner = root(OWNER);
    let commands: Vec<(Actor, Command)> = vec![
        (
            Actor::Platform,
            CreateAccount {
                account: "4004".into(),
                site: Site::China,
            }
            .into(),
        ),
        (
            Actor::Platform,
            CreateRegion {
                region: "eu-x".into(),
            }
            .into(),
        ),
        (
            owner.clone(),
            CreateUser {
                user: "bob".into(),
                statements: vec![],
            }
            .into(),
        ),
        (
            owner.clone(),
            SetUserPolicy {
                user: "alice".into(),
                statements: vec![Statement::allow(["*"], ["*"])],
            }
            .into(),
        ),
        (
            Actor::Billing,
            MarkAccountOverdue {
                account: OWNER.into(),
            }
            .into(),
        ),
        (
            Actor::Billing,
            SettleAccount {
                account: OTHER.into(),
            }
            .into(),
        ),
        (
            Actor::Billing,
            ReleaseOverdueSnapshot {
                snapshot: "s-o".into(),
            }
            .into(),
        ),
        (owner.clone(), blank_disk("d-2").into()),
        (
            owner.clone(),
            ReleaseDisk {
                disk: "d-1".into(),
                release_automatic_snapshots: true,
            }
            .into(),
        ),
        (
            owner.clone(),
            ResetDisk {
                disk: "d-1".into(),
                snapshot: "s-1".into(),
            }
            .into(),
        ),
        (owner.clone(), create_snapshot("s-3", Some(30)).into()),
        (
            Actor::Platform,
            CreateAutomaticSnapshot {
                snapshot: "a-1".into(),
                disk: "d-1".into(),
                retention_days: Some(30),
            }
            .into(),
        ),
        (
            Actor::Platform,
            CreateBackupSnapshot {
                snapshot: "b-1".into(),
                account: OWNER.into(),
                region: REGION.into(),
                retention_days: Some(30),
            }
            .into(),
        ),
        (
            Actor::Platform,
            FinishSnapshot {
                snapshot: "s-2".into(),
                outcome: SnapshotOutcome::Available { size_gib: 10 },
            }
            .into(),
        ),
        (
            owner.clone(),
            DeleteSnapshot {
                snapshot: "s-1".into(),
            }
            .into(),
        ),
        (
            owner.clone(),
            SetSnapshotRetention {
                snapshot: "s-1".into(),
                retention: RetentionRequest::Permanent,
            }
            .into(),
        ),
        (owner.clone(), archive("s-1", 74).into()),
        (owner.clone(), copy("c-1", Some(30)).into()),
        (owner.clone(), lock_cmd("s-1", 30, 0).into()),
        (
            owner.clone(),
            UnlockSnapshot {
                snapshot: "s-1".into(),
            }
            .into(),
        ),
        (
            owner.clone(),
            ImportImage {
                image: "i-2".into(),
                region: REGION.into(),
            }
            .into(),
        ),
        (
            owner.clone(),
            CreateImage {
                image: "i-3".into(),
                snapshot: "s-1".into(),
            }
            .into(),
        ),
        (
            owner,
            DeleteImage {
                image: "i-1".into(),
                delete_snapshots: true,
            }
            .into(),
        ),
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

fn state_json(state: &State) -> Value {
    serde_json::to_value(state).unwrap()
}

fn load(json: &Value) -> Result<State, serde_json::Error> {
    serde_json::from_str(&json.to_string())
}

fn snapshot_json<'a>(json: &'a mut Value, id: &str) -> &'a mut Value {
    json["snapshots"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn instant(t: DateTime<Utc>) -> Value {
    serde_json::to_value(t).unwrap()
}

/// A state with every kind of object: s-2 retained 60 days and locked 30
/// days with 24 hours of cooling-off, an automatic snapshot, a user, an image.
fn rich_world() -> World {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-2", 30, 24);
    w.auto_snapshot("d-1", "a-1");
    w.user(OWNER, "alice", vec![Statement::allow(["ecs:*"], ["*"])]);
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w
}

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
                create_snapshot("s-2", Some(days)),
                RuleId::Snap5
            ),
            range
        );
        assert_eq!(
            w.refused(&root(OWNER), copy("c-1", Some(days)), RuleId::Snap5),
            range
        );
        let automatic = CreateAutomaticSnapshot {
            snapshot: "a-1".into(),
            disk: "d-1".into(),
            retention_days: Some(days),
        };
        assert_eq!(w.refused(&Actor::Platform, automatic, RuleId::Snap5), range);
        let backup = CreateBackupSnapshot {
            snapshot: "b-1".into(),
            account: OWNER.into(),
            region: REGION.into(),
            retention_days: Some(days),
        };
        assert_eq!(w.refused(&Actor::Platform, backup, RuleId::Snap5), range);
    }
    assert!(!w.exists("s-2") && !w.exists("c-1") && !w.exists("a-1") && !w.exists("b-1"));
    // The bounds are accepted.
    w.ok(&root(OWNER), create_snapshot("s-2", Some(65_536)));
    w.ok(&root(OWNER), copy("c-1", Some(1)));
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
        let v = w.refused(&root(OWNER), set_retention("s-2", days), RuleId::Snap5);
        assert_eq!(
            v,
            Violation::RetentionOutOfRange {
                days,
                min: 1,
                max: 65_536
            }
        );
        w.refused(&root(OWNER), set_retention("s-1", days), RuleId::Snap5);
    }
    w.ok(&root(OWNER), set_retention("s-2", 65_536));
    assert_eq!(
        w.state.snapshot(&sid("s-2")).unwrap().retention.end(),
        Some(t0() + days(65_536))
    );
}

#[test]
fn hostile_arch_2_archive_retention_out_of_range_is_refused() {
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
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().retention.end(),
        Some(w.now + days(65_536))
    );
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
        | "archive_snapshot"
        | "copy_snapshot"
        | "lock_snapshot" => Some(RuleId::Gen5),
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
    w.ok(&root(OWNER), create_snapshot("s-3", None));
    w.ok(&root(OWNER), copy("c-1", None));
    assert!(w.exists("s-3") && w.exists("c-1"));
}

#[test]
fn hostile_gen_5_every_command_at_min_utc() {
    let mut w = world_from(MIN);
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
    let v = w.refused(
        &root(OWNER),
        DeleteSnapshot {
            snapshot: "s-1".into(),
        },
        RuleId::Lock10,
    );
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
    let explained = w.state.explain(MAX, &owner, &lock_cmd("s-1", 30, 0).into());
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Gen5]
    );
    // Queries changed nothing.
    w.at(MAX);
    w.refused(&owner, archive("s-1", 74), RuleId::Gen5);
}

#[test]
fn hostile_gen_5_overdue_threshold_beyond_max_is_refused_not_accepted() {
    let mut w = World::with_snapshot();
    w.at(MAX - days(10));
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OWNER.into(),
        },
    );
    w.at(MAX);
    let before = w.state.clone();
    let v = w
        .state
        .apply(
            MAX,
            &Actor::Billing,
            &ReleaseOverdueSnapshot {
                snapshot: "s-1".into(),
            }
            .into(),
        )
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
    let v = w.refused(&owner, create_snapshot("s-2", Some(u32::MAX)), RuleId::Gen5);
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: t0(),
            span: Span::Days(u32::MAX)
        }
    );
    w.refused(&owner, copy("c-1", Some(u32::MAX)), RuleId::Gen5);
    w.refused(&owner, set_retention("s-1", u32::MAX), RuleId::Gen5);
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OWNER.into(),
        },
    );
    w.wait(days(14));
    w.refused(&owner, archive("s-1", u32::MAX), RuleId::Gen5);
    // An overdue threshold beyond the representable instants is never
    // reached: refused by LOCK-12, and waiting will not lift it.
    let v = w.refused(
        &Actor::Billing,
        ReleaseOverdueSnapshot {
            snapshot: "s-1".into(),
        },
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
    w.ok(
        &Actor::Platform,
        CreateRegion {
            region: "late".into(),
        },
    );
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
    w.ok(&root(OWNER), blank_disk("d-2"));
}

#[test]
fn hostile_gen_2_from_max_utc_every_earlier_instant_is_refused() {
    let mut w = World::with_snapshot();
    w.at(MAX);
    w.ok(&root(OWNER), blank_disk("d-2"));
    for now in [MAX - secs(1), t0(), MIN] {
        w.at(now);
        w.refused(&root(OWNER), blank_disk("d-3"), RuleId::Gen2);
    }
    w.at(MAX);
    w.ok(&root(OWNER), blank_disk("d-3"));
}

// ---------------------------------------------------------------------------
// GEN-4, GEN-5: odd, unknown and duplicate ids
// ---------------------------------------------------------------------------

fn odd_ids() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "s 1".into(),
        "s/../s-1".into(),
        "*".into(),
        "acs:ecs:*:1001:snapshot/*".into(),
        "s-\u{e9}".into(),
        "s-\u{0}".into(),
        "s-1\n".into(),
        "x".repeat(10_000),
    ]
}

#[test]
fn hostile_gen_4_odd_ids_of_existing_objects_are_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    for id in odd_ids() {
        let v = w.refused(
            &owner,
            DeleteSnapshot {
                snapshot: id.as_str().into(),
            },
            RuleId::Gen4,
        );
        assert_eq!(
            v,
            Violation::NotFound {
                kind: ObjectKind::Snapshot,
                id: id.clone()
            }
        );
        w.refused(&owner, lock_cmd(&id, 30, 0), RuleId::Gen4);
        w.refused(
            &owner,
            ReleaseDisk {
                disk: id.as_str().into(),
                release_automatic_snapshots: true,
            },
            RuleId::Gen4,
        );
        w.refused(
            &owner,
            DeleteImage {
                image: id.as_str().into(),
                delete_snapshots: true,
            },
            RuleId::Gen4,
        );
        w.refused(&root(&id), blank_disk("d-2"), RuleId::Gen4);
        w.refused(
            &Actor::user(OWNER, id.as_str()),
            blank_disk("d-2"),
            RuleId::Gen4,
        );
        w.refused(
            &owner,
            CreateDisk {
                region: id.as_str().into(),
                ..blank_disk("d-2")
            },
            RuleId::Gen4,
        );
    }
    // A wildcard id matches nothing: s-1 is still there.
    assert!(w.exists("s-1"));
}

#[test]
fn hostile_gen_5_odd_ids_of_new_objects_are_invalid() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    for id in odd_ids() {
        let v = w.refused(&owner, create_snapshot(&id, None), RuleId::Gen5);
        assert_eq!(
            v,
            Violation::InvalidId {
                kind: ObjectKind::Snapshot,
                id: id.clone()
            }
        );
        w.refused(&owner, blank_disk(&id), RuleId::Gen5);
        w.refused(
            &owner,
            ImportImage {
                image: id.as_str().into(),
                region: REGION.into(),
            },
            RuleId::Gen5,
        );
        w.refused(
            &owner,
            CreateUser {
                user: id.as_str().into(),
                statements: vec![],
            },
            RuleId::Gen5,
        );
        w.refused(
            &Actor::Platform,
            CreateRegion {
                region: id.as_str().into(),
            },
            RuleId::Gen5,
        );
        w.refused(
            &Actor::Platform,
            CreateAccount {
                account: id.as_str().into(),
                site: Site::China,
            },
            RuleId::Gen5,
        );
    }
}

#[test]
fn hostile_gen_4_duplicate_ids_are_refused_even_after_deletion() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.snapshot(OWNER, "d-1", "s-2", Some(1));
    w.ok(
        &owner,
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.disk(OWNER, "d-2");
    // While they exist.
    w.refused(&owner, create_snapshot("s-2", None), RuleId::Gen4);
    w.refused(&owner, blank_disk("d-2"), RuleId::Gen4);
    w.refused(
        &owner,
        ImportImage {
            image: "i-1".into(),
            region: REGION.into(),
        },
        RuleId::Gen4,
    );
    // After deletion, release and retention end: an id names one object for
    // the whole history.
    w.wait(days(1));
    w.ok(
        &owner,
        DeleteImage {
            image: "i-1".into(),
            delete_snapshots: true,
        },
    );
    w.ok(
        &owner,
        ReleaseDisk {
            disk: "d-2".into(),
            release_automatic_snapshots: true,
        },
    );
    assert!(!w.exists("s-1") && !w.exists("s-2"));
    for snapshot in ["s-1", "s-2"] {
        let v = w.refused(&owner, create_snapshot(snapshot, None), RuleId::Gen4);
        assert_eq!(
            v,
            Violation::AlreadyExists {
                kind: ObjectKind::Snapshot,
                id: snapshot.into()
            }
        );
        w.refused(&owner, copy(snapshot, None), RuleId::Gen4);
    }
    w.refused(&owner, blank_disk("d-2"), RuleId::Gen4);
    w.refused(
        &owner,
        ImportImage {
            image: "i-1".into(),
            region: REGION.into(),
        },
        RuleId::Gen4,
    );
    w.refused(
        &Actor::Platform,
        CreateAccount {
            account: OWNER.into(),
            site: Site::China,
        },
        RuleId::Gen4,
    );
}

// ---------------------------------------------------------------------------
// Serialized states that break invariants
// ---------------------------------------------------------------------------

#[test]
fn hostile_state_json_with_duplicate_snapshot_ids_is_refused() {
    let w = rich_world();
    // The mutations start from this JSON, which loads.
    assert_eq!(load(&state_json(&w.state)).unwrap(), w.state);
    let mut json = state_json(&w.state);
    let first = json["snapshots"][0].clone();
    json["snapshots"].as_array_mut().unwrap().push(first);
    assert!(load(&json).is_err());
    // Even when the two records differ in everything but the id.
    let mut json = state_json(&w.state);
    let mut twin = json["snapshots"][0].clone();
    twin["size_gib"] = 99.into();
    json["snapshots"].as_array_mut().unwrap().push(twin);
    assert!(load(&json).is_err());
}

#[test]
fn hostile_state_json_with_snapshot_of_a_missing_account_is_refused() {
    let w = rich_world();
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-1")["owner"] = "9999".into();
    assert!(load(&json).is_err());
    // Removing the account instead is refused too.
    let mut json = state_json(&w.state);
    json["accounts"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["id"] != OWNER);
    assert!(load(&json).is_err());
}

#[test]
fn hostile_state_json_with_lock_expiring_after_retention_is_refused() {
    let w = rich_world();
    let mut json = state_json(&w.state);
    // s-2 is retained until t0 + 60 days; its lock now expires a day later.
    snapshot_json(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(61));
    assert!(load(&json).is_err());
    // A lock on the retention end exactly is fine.
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-2")["lock"]["expiry"] = instant(t0() + days(60));
    let state = load(&json).unwrap();
    assert_eq!(
        state.snapshot(&sid("s-2")).unwrap().lock.unwrap().expiry,
        t0() + days(60)
    );
}

#[test]
fn hostile_state_json_with_other_broken_invariants_is_refused() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut cases: Vec<(&str, Value)> = Vec::new();
    for list in ["accounts", "regions", "disks", "images", "users"] {
        let mut json = base.clone();
        let first = json[list][0].clone();
        json[list].as_array_mut().unwrap().push(first);
        cases.push(("duplicate", json));
    }
    let dangling: [(&str, &str, &str); 5] = [
        ("disks", "owner", "9999"),
        ("disks", "region", "xx-404"),
        ("snapshots", "region", "xx-404"),
        ("images", "owner", "9999"),
        ("users", "account", "9999"),
    ];
    for (list, field, value) in dangling {
        let mut json = base.clone();
        json[list][0][field] = value.into();
        cases.push(("dangling", json));
    }
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["created_at"] = instant(t0() + days(1));
    cases.push(("snapshot after the clock", json));
    let mut json = base.clone();
    json["clock"] = Value::Null;
    cases.push(("objects without a clock", json));
    let mut json = base.clone();
    json["limits"]["auto_snapshots_per_disk"] = 0.into();
    cases.push(("automatic snapshots over the limit", json));
    let mut json = base.clone();
    json["retired"]["snapshots"] = serde_json::json!(["s-1"]);
    cases.push(("live id also retired", json));
    let mut json = base.clone();
    json["shares"] = serde_json::json!([]);
    cases.push(("unknown field", json));
    for (what, json) in cases {
        assert!(load(&json).is_err(), "{what}: {json}");
    }
}

#[test]
fn hostile_state_json_with_malformed_values_is_an_error() {
    let w = rich_world();
    let base = state_json(&w.state);
    let mut cases: Vec<Value> = Vec::new();
    let mut json = base.clone();
    json["clock"] = "yesterday".into();
    cases.push(json);
    let mut json = base.clone();
    json["clock"] = "+999999-01-01T00:00:00Z".into();
    cases.push(json);
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["size_gib"] = (-1).into();
    cases.push(json);
    let mut json = base.clone();
    snapshot_json(&mut json, "s-1")["status"] = "exploded".into();
    cases.push(json);
    let mut json = base.clone();
    json["limits"]["max_lock_days"] = serde_json::json!(4_294_967_296u64);
    cases.push(json);
    let mut json = base.clone();
    json["snapshots"] = serde_json::json!({"s-1": {}});
    cases.push(json);
    for json in cases {
        assert!(load(&json).is_err(), "{json}");
    }
    for text in ["", "{", "null", "[]", "{\"clock\": null}"] {
        assert!(serde_json::from_str::<State>(text).is_err(), "{text:?}");
    }
}

#[test]
fn hostile_state_json_with_retention_ended_before_its_clock_does_not_keep_the_snapshot() {
    // No accepted history holds a snapshot whose retention ended at or
    // before the latest recorded instant: the release is recorded at its end
    // (SNAP-2). Such a state must be refused, or the snapshot released at
    // the next catch-up; it must never live on unreleased.
    let w = rich_world();
    let mut json = state_json(&w.state);
    json["clock"] = instant(t0() + days(90));
    match load(&json) {
        Err(_) => {}
        Ok(state) => {
            let advanced = state.advance(t0() + days(90)).unwrap();
            assert!(
                advanced.state.snapshot(&sid("s-2")).is_none(),
                "s-2's retention ended at t0 + 60 days but it is kept at t0 + 90 days"
            );
            let delete = DeleteSnapshot {
                snapshot: "s-2".into(),
            }
            .into();
            let refusal = state
                .apply(t0() + days(90), &root(OWNER), &delete)
                .map(|t| t.events);
            assert!(
                refusal.is_err(),
                "a released snapshot was deleted: {refusal:?}"
            );
        }
    }
}

#[test]
fn hostile_state_json_with_cool_off_ending_after_expiry_is_refused() {
    // LOCK-1: the cooling-off counts inside the duration, so no accepted
    // history holds a lock whose cooling-off ends after it expires.
    let w = rich_world();
    let mut json = state_json(&w.state);
    snapshot_json(&mut json, "s-2")["lock"]["cool_off_end"] = instant(t0() + days(40));
    assert!(load(&json).is_err());
}

#[test]
fn hostile_command_json_with_out_of_range_numbers_is_an_error() {
    for text in [
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":4294967296}"#,
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":-1}"#,
        r#"{"type":"lock_snapshot","snapshot":"s-1","duration_days":1.5}"#,
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

#[test]
fn hostile_states_at_the_extreme_instants_round_trip_through_json() {
    let mut at_max = World::new();
    populate(&mut at_max);
    at_max.at(MAX);
    at_max.ok(&root(OWNER), create_snapshot("s-3", None));
    let mut at_min = world_from(MIN);
    populate(&mut at_min);
    for w in [at_max, at_min] {
        let text = serde_json::to_string(&w.state).unwrap();
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back, w.state);
        assert_eq!(back.clock(), Some(w.now));
    }
}
