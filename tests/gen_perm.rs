//! GEN-1 to GEN-6 (the state machine itself) and PERM-1 to PERM-4 (who may
//! do what), through the public API only.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use snapguard::{
    Action, Actor, ArchiveSnapshot, Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot,
    CreateBackupSnapshot, CreateDisk, CreateImage, CreateRegion, CreateSnapshot, CreateUser,
    DeleteImage, DeleteSnapshot, DiskCategory, DiskSource, Encryption, Event, FinishSnapshot,
    ImportImage, LockQuery, LockSnapshot, LockState, MarkAccountOverdue, ObjectKind, ReleaseDisk,
    ReleaseOverdueSnapshot, ReleaseReason, ResetDisk, RetentionRequest, RuleId,
    SetSnapshotRetention, SetUserPolicy, SettleAccount, Site, SnapshotId, SnapshotOutcome, Span,
    State, Statement, UnlockSnapshot, Violation,
};

// ---------------------------------------------------------------------------
// Helpers of this file
// ---------------------------------------------------------------------------

fn sid(id: &str) -> SnapshotId {
    SnapshotId::new(id)
}

fn delete(snapshot: &str) -> DeleteSnapshot {
    DeleteSnapshot {
        snapshot: snapshot.into(),
    }
}

fn lock_cmd(snapshot: &str, duration_days: u32, cool_off_hours: u32) -> LockSnapshot {
    LockSnapshot {
        snapshot: snapshot.into(),
        duration_days,
        cool_off_hours,
    }
}

fn unlock(snapshot: &str) -> UnlockSnapshot {
    UnlockSnapshot {
        snapshot: snapshot.into(),
    }
}

fn blank_disk(disk: &str, region: &str) -> CreateDisk {
    CreateDisk {
        disk: disk.into(),
        region: region.into(),
        category: DiskCategory::Essd,
        size_gib: 40,
        encryption: Encryption::Unencrypted,
        source: DiskSource::Blank,
    }
}

fn create_snapshot(snapshot: &str, disk: &str, retention_days: Option<u32>) -> CreateSnapshot {
    CreateSnapshot {
        snapshot: snapshot.into(),
        disk: disk.into(),
        retention_days,
        tags: Default::default(),
    }
}

fn finish(snapshot: &str) -> FinishSnapshot {
    FinishSnapshot {
        snapshot: snapshot.into(),
        outcome: SnapshotOutcome::Available { size_gib: 10 },
    }
}

fn copy(source: &str, snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot {
        source: source.into(),
        snapshot: snapshot.into(),
        region: OTHER_REGION.into(),
        retention_days,
    }
}

fn allow_all() -> Statement {
    Statement::allow(["*"], ["*"])
}

fn released(at: DateTime<Utc>, snapshot: &str) -> Event {
    Event::SnapshotReleased {
        at,
        snapshot: sid(snapshot),
        reason: ReleaseReason::RetentionEnded,
    }
}

/// A state and every event that made it, from `State::new()`.
struct History {
    state: State,
    events: Vec<Event>,
}

impl History {
    fn new() -> Self {
        Self {
            state: State::new(),
            events: Vec::new(),
        }
    }

    #[track_caller]
    fn run(&mut self, now: DateTime<Utc>, actor: &Actor, command: impl Into<Command>) {
        let command = command.into();
        let transition = self
            .state
            .apply(now, actor, &command)
            .unwrap_or_else(|v| panic!("{command:?} at {now} refused by {}: {v}", v.rule()));
        self.events.extend(transition.events);
        self.state = transition.state;
    }

    #[track_caller]
    fn advance(&mut self, now: DateTime<Utc>) {
        let transition = self.state.advance(now).expect("advance refused");
        self.events.extend(transition.events);
        self.state = transition.state;
    }
}

/// A history touching most commands, with locks, retention, archive,
/// images, disks and time-caused events.
fn scripted_history() -> History {
    let platform = Actor::Platform;
    let owner = root(OWNER);
    let alice = Actor::user(OWNER, "alice");
    let t = t0();
    let mut h = History::new();
    h.run(
        t,
        &platform,
        CreateRegion {
            region: REGION.into(),
        },
    );
    h.run(
        t,
        &platform,
        CreateRegion {
            region: OTHER_REGION.into(),
        },
    );
    h.run(
        t,
        &platform,
        CreateAccount {
            account: OWNER.into(),
            site: Site::China,
        },
    );
    h.run(
        t,
        &platform,
        CreateAccount {
            account: OTHER.into(),
            site: Site::China,
        },
    );
    h.run(
        t,
        &owner,
        CreateUser {
            user: "alice".into(),
            statements: vec![Statement::allow(["ecs:*"], ["acs:ecs:*:1001:*"])],
        },
    );
    h.run(t, &owner, blank_disk("d-1", REGION));
    h.run(t, &alice, create_snapshot("s-1", "d-1", None));
    h.run(t, &platform, finish("s-1"));
    h.run(t, &alice, create_snapshot("s-2", "d-1", Some(60)));
    h.run(t, &platform, finish("s-2"));
    h.run(t, &alice, lock_cmd("s-1", 30, 24));
    h.run(
        t,
        &platform,
        CreateAutomaticSnapshot {
            snapshot: "a-1".into(),
            disk: "d-1".into(),
            retention_days: None,
        },
    );
    h.run(t, &platform, finish("a-1"));

    let t = t0() + hours(1);
    h.run(
        t,
        &platform,
        CreateAutomaticSnapshot {
            snapshot: "a-2".into(),
            disk: "d-1".into(),
            retention_days: Some(10),
        },
    );
    h.run(t, &platform, finish("a-2"));
    h.run(t, &alice, copy("s-1", "c-1", Some(100)));
    h.run(t, &platform, finish("c-1"));

    h.advance(t0() + days(2));

    let t = t0() + days(20);
    h.run(
        t,
        &alice,
        ArchiveSnapshot {
            snapshot: "s-1".into(),
            retention_days: 100,
        },
    );
    h.run(
        t,
        &alice,
        CreateImage {
            image: "i-1".into(),
            snapshot: "a-1".into(),
        },
    );

    let t = t0() + days(40);
    h.run(
        t,
        &alice,
        DeleteImage {
            image: "i-1".into(),
            delete_snapshots: true,
        },
    );
    h.run(
        t,
        &owner,
        ReleaseDisk {
            disk: "d-1".into(),
            release_automatic_snapshots: true,
        },
    );

    h.advance(t0() + days(61));

    let t = t0() + days(70);
    h.run(t, &alice, lock_cmd("c-1", 10, 0));
    h.run(
        t,
        &Actor::Billing,
        MarkAccountOverdue {
            account: OTHER.into(),
        },
    );
    h.run(t, &alice, blank_disk("d-2", REGION));
    h.run(t, &alice, create_snapshot("s-3", "d-2", None));
    h.run(t, &platform, finish("s-3"));
    h.run(t, &alice, lock_cmd("s-3", 365, 72));

    h.advance(t0() + days(200));
    h
}

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
        h.run(
            base,
            &Actor::Platform,
            CreateRegion {
                region: REGION.into(),
            },
        );
        h.run(
            base,
            &Actor::Platform,
            CreateAccount {
                account: OWNER.into(),
                site: Site::China,
            },
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
            .apply(
                base + days(30) - secs(1),
                &root(OWNER),
                &delete("s-1").into(),
            )
            .unwrap_err();
        assert_eq!(refusal.rule(), RuleId::Lock10);
        assert!(
            h.state
                .apply(base + days(30), &root(OWNER), &delete("s-1").into())
                .is_ok()
        );
    }
}

// ---------------------------------------------------------------------------
// GEN-2: time never runs backwards
// ---------------------------------------------------------------------------

/// A world whose latest recorded instant is t0 + 1 day.
fn world_with_clock_one_day_on() -> World {
    let mut w = World::with_snapshot();
    w.wait(days(1));
    w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert_eq!(w.state.clock(), Some(t0() + days(1)));
    w
}

#[test]
fn gen_2_command_earlier_than_clock_is_refused() {
    let mut w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    w.at(latest - secs(1));
    let refusal = w.refused(&root(OWNER), blank_disk("d-3", REGION), RuleId::Gen2);
    assert_eq!(
        refusal,
        Violation::ClockWentBackwards {
            now: latest - secs(1),
            latest
        }
    );
    assert_eq!(refusal.retry_at(), None);
    // Far in the past, and for a system actor, too.
    w.at(t0());
    w.refused(
        &Actor::Platform,
        CreateRegion {
            region: "eu-x".into(),
        },
        RuleId::Gen2,
    );
}

#[test]
fn gen_2_command_at_the_latest_instant_and_after_is_accepted() {
    let mut w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    w.at(latest);
    let events = w.ok(&root(OWNER), blank_disk("d-3", REGION));
    assert!(matches!(events.as_slice(), [Event::DiskCreated { at, .. }] if *at == latest));
    w.at(latest + secs(1));
    w.ok(&root(OWNER), blank_disk("d-4", REGION));
    assert_eq!(w.state.clock(), Some(latest + secs(1)));
}

#[test]
fn gen_2_advance_to_an_earlier_instant_is_refused() {
    let w = world_with_clock_one_day_on();
    let latest = t0() + days(1);
    let refusal = w.state.advance(latest - secs(1)).unwrap_err();
    assert_eq!(refusal.rule(), RuleId::Gen2);
    assert_eq!(
        refusal,
        Violation::ClockWentBackwards {
            now: latest - secs(1),
            latest
        }
    );
    let same = w.state.advance(latest).unwrap();
    assert!(same.events.is_empty());
    assert_eq!(same.state, w.state);
}

#[test]
fn gen_2_queries_at_an_earlier_instant_are_refused() {
    let mut w = world_with_clock_one_day_on();
    w.lock("s-1", 30, 0);
    let earlier = t0() + days(1) - secs(1);
    let owner = root(OWNER);
    assert_eq!(
        w.state
            .lock_view(earlier, &owner, &sid("s-1"))
            .unwrap_err()
            .rule(),
        RuleId::Gen2
    );
    assert_eq!(
        w.state
            .describe_locked_snapshots(earlier, &owner, &LockQuery::all())
            .unwrap_err()
            .rule(),
        RuleId::Gen2
    );
    let report = w.state.deletion_report(earlier, &owner, &sid("s-1"));
    assert_eq!(
        report
            .blockers
            .iter()
            .map(Violation::rule)
            .collect::<Vec<_>>(),
        [RuleId::Gen2]
    );
    assert_eq!(report.earliest, None);
    let explained = w.state.explain(earlier, &owner, &delete("s-1").into());
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Gen2]
    );
    let decided = w
        .state
        .decide(earlier, &owner, &delete("s-1").into())
        .unwrap_err();
    assert_eq!(decided.rule(), RuleId::Gen2);
    // At the latest instant the query answers.
    let view = w
        .state
        .lock_view(t0() + days(1), &owner, &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(view.state, LockState::Compliance);
}

// ---------------------------------------------------------------------------
// GEN-3: refusals change nothing and say when waiting lifts them
// ---------------------------------------------------------------------------

#[test]
fn gen_3_lock_10_refusal_names_the_snapshot_and_retries_at_lock_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let expiry = t0() + days(30);
    w.at(expiry - secs(1));
    let refusal = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(
        refusal,
        Violation::SnapshotLocked {
            snapshot: sid("s-1"),
            state: LockState::Compliance,
            expiry
        }
    );
    assert_eq!(refusal.retry_at(), Some(expiry));
    // The instant it names is when the same command goes through.
    w.at(expiry);
    let events = w.ok(&root(OWNER), delete("s-1"));
    assert!(
        matches!(events.last(), Some(Event::SnapshotDeleted { snapshot, .. }) if *snapshot == sid("s-1"))
    );
    assert!(!w.exists("s-1"));
}

#[test]
fn gen_3_lock_10_refusal_during_cooling_off_also_retries_at_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 24);
    let refusal = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(
        refusal,
        Violation::SnapshotLocked {
            snapshot: sid("s-1"),
            state: LockState::CoolOff,
            expiry: t0() + days(30)
        }
    );
    let report = w.state.deletion_report(w.now, &root(OWNER), &sid("s-1"));
    assert_eq!(report.blockers, vec![refusal]);
    assert_eq!(report.earliest, Some(t0() + days(30)));
}

#[test]
fn gen_3_snap_5_refusal_has_no_retry_instant() {
    let mut w = World::with_snapshot();
    let refusal = w.refused(
        &root(OWNER),
        create_snapshot("s-2", "d-1", Some(0)),
        RuleId::Snap5,
    );
    assert!(matches!(
        refusal,
        Violation::RetentionOutOfRange { days: 0, .. }
    ));
    assert_eq!(refusal.retry_at(), None);
    assert!(!w.exists("s-2"));
}

#[test]
fn gen_3_lock_8_shortening_retries_when_the_same_duration_reaches_the_expiry() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let expiry = t0() + days(30);
    w.wait(days(1));
    let refusal = w.refused(&root(OWNER), lock_cmd("s-1", 1, 0), RuleId::Lock8);
    let retry = refusal.retry_at().expect("waiting lifts it");
    assert_eq!(retry, expiry - days(1));
    w.at(retry - secs(1));
    w.refused(&root(OWNER), lock_cmd("s-1", 1, 0), RuleId::Lock8);
    w.at(retry);
    // Extending to exactly the current expiry is an accepted no-op (LOCK-8).
    let events = w.ok(&root(OWNER), lock_cmd("s-1", 1, 0));
    assert!(events.is_empty());
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap().expiry,
        expiry
    );
}

#[test]
fn gen_3_arch_1_too_young_retries_at_minimum_age() {
    let mut w = World::with_snapshot();
    let archivable = t0() + days(14);
    w.at(archivable - secs(1));
    let archive = ArchiveSnapshot {
        snapshot: "s-1".into(),
        retention_days: 100,
    };
    let refusal = w.refused(&root(OWNER), archive.clone(), RuleId::Arch1);
    assert_eq!(refusal.retry_at(), Some(archivable));
    w.at(archivable);
    w.ok(&root(OWNER), archive);
}

#[test]
fn gen_3_lock_12_release_retries_at_overdue_threshold() {
    let mut w = World::with_snapshot();
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OWNER.into(),
        },
    );
    let threshold = t0() + days(30);
    w.at(threshold - secs(1));
    let release = ReleaseOverdueSnapshot {
        snapshot: "s-1".into(),
    };
    let refusal = w.refused(&Actor::Billing, release.clone(), RuleId::Lock12);
    assert_eq!(refusal.retry_at(), Some(threshold));
    w.at(threshold);
    w.ok(&Actor::Billing, release);
    assert!(!w.exists("s-1"));
}

#[test]
fn gen_3_refusal_does_not_record_due_time_events() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-1", 90, 0);
    // s-2's retention has ended, but nothing recorded it yet.
    w.at(t0() + days(61));
    let before = w.state.clone();
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert_eq!(w.state, before);
    assert!(
        w.exists("s-2"),
        "a refused command must not record the release"
    );
    // The release is still due, and advance records it.
    let advanced = w.state.advance(w.now).unwrap();
    assert_eq!(advanced.events, vec![released(t0() + days(60), "s-2")]);
}

#[test]
fn gen_3_decide_and_explain_agree_on_the_first_refusal() {
    let mut w = World::with_snapshot();
    let nobody = w.user(OWNER, "nobody", vec![]);
    w.lock("s-1", 30, 0);
    let command = Command::from(delete("s-1"));
    let decided = w.state.decide(w.now, &nobody, &command).unwrap_err();
    let explained = w.state.explain(w.now, &nobody, &command);
    assert_eq!(explained.first(), Some(&decided));
    // Both the permission and the lock refuse it.
    assert_eq!(
        explained.iter().map(Violation::rule).collect::<Vec<_>>(),
        [RuleId::Perm1, RuleId::Lock10]
    );
    assert!(
        w.state
            .explain(w.now + days(30), &root(OWNER), &command)
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// GEN-4: unknown ids, reused ids
// ---------------------------------------------------------------------------

fn not_found(kind: ObjectKind, id: &str) -> Violation {
    Violation::NotFound {
        kind,
        id: id.into(),
    }
}

fn already_exists(kind: ObjectKind, id: &str) -> Violation {
    Violation::AlreadyExists {
        kind,
        id: id.into(),
    }
}

#[test]
fn gen_4_unknown_snapshot_is_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let v = w.refused(&owner, delete("s-404"), RuleId::Gen4);
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    for command in [
        Command::from(lock_cmd("s-404", 30, 0)),
        unlock("s-404").into(),
        ArchiveSnapshot {
            snapshot: "s-404".into(),
            retention_days: 100,
        }
        .into(),
        copy("s-404", "c-1", None).into(),
        SetSnapshotRetention {
            snapshot: "s-404".into(),
            retention: RetentionRequest::Permanent,
        }
        .into(),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-404".into(),
        }
        .into(),
        ResetDisk {
            disk: "d-1".into(),
            snapshot: "s-404".into(),
        }
        .into(),
        CreateDisk {
            source: DiskSource::Snapshot("s-404".into()),
            ..blank_disk("d-2", REGION)
        }
        .into(),
    ] {
        assert_eq!(
            w.refused(&owner, command, RuleId::Gen4),
            not_found(ObjectKind::Snapshot, "s-404")
        );
    }
    let v = w.refused(&Actor::Platform, finish("s-404"), RuleId::Gen4);
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    let v = w.refused(
        &Actor::Billing,
        ReleaseOverdueSnapshot {
            snapshot: "s-404".into(),
        },
        RuleId::Gen4,
    );
    assert_eq!(v, not_found(ObjectKind::Snapshot, "s-404"));
    assert_eq!(
        w.state.lock_view(w.now, &owner, &sid("s-404")).unwrap_err(),
        not_found(ObjectKind::Snapshot, "s-404")
    );
}

#[test]
fn gen_4_unknown_disk_image_region_account_user_are_not_found() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    assert_eq!(
        w.refused(&owner, create_snapshot("s-2", "d-404", None), RuleId::Gen4),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            ReleaseDisk {
                disk: "d-404".into(),
                release_automatic_snapshots: true
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAutomaticSnapshot {
                snapshot: "a-1".into(),
                disk: "d-404".into(),
                retention_days: None
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Disk, "d-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            DeleteImage {
                image: "i-404".into(),
                delete_snapshots: false
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Image, "i-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateDisk {
                source: DiskSource::Image("i-404".into()),
                ..blank_disk("d-2", REGION)
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Image, "i-404")
    );
    assert_eq!(
        w.refused(&owner, blank_disk("d-2", "xx-404"), RuleId::Gen4),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            CopySnapshot {
                region: "xx-404".into(),
                ..copy("s-1", "c-1", None)
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(
            &owner,
            ImportImage {
                image: "i-1".into(),
                region: "xx-404".into()
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Region, "xx-404")
    );
    assert_eq!(
        w.refused(&root("9999"), blank_disk("d-2", REGION), RuleId::Gen4),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &root("9999"),
            CreateUser {
                user: "u".into(),
                statements: vec![]
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Billing,
            MarkAccountOverdue {
                account: "9999".into()
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateBackupSnapshot {
                snapshot: "b-1".into(),
                account: "9999".into(),
                region: REGION.into(),
                retention_days: None
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::Account, "9999")
    );
    assert_eq!(
        w.refused(&Actor::user(OWNER, "ghost"), delete("s-1"), RuleId::Gen4),
        not_found(ObjectKind::User, "ghost")
    );
    assert_eq!(
        w.refused(
            &owner,
            SetUserPolicy {
                user: "ghost".into(),
                statements: vec![allow_all()]
            },
            RuleId::Gen4
        ),
        not_found(ObjectKind::User, "ghost")
    );
    // A user of one account is not a user of another.
    w.user(OWNER, "alice", vec![allow_all()]);
    assert_eq!(
        w.refused(
            &Actor::user(OTHER, "alice"),
            blank_disk("d-9", REGION),
            RuleId::Gen4
        ),
        not_found(ObjectKind::User, "alice")
    );
}

#[test]
fn gen_4_reused_ids_are_refused() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.ok(
        &owner,
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OWNER, "alice", vec![]);
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAccount {
                account: OWNER.into(),
                site: Site::International
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Account, OWNER)
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateRegion {
                region: REGION.into()
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Region, REGION)
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateUser {
                user: "alice".into(),
                statements: vec![allow_all()]
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::User, "alice")
    );
    assert_eq!(
        w.refused(&owner, blank_disk("d-1", OTHER_REGION), RuleId::Gen4),
        already_exists(ObjectKind::Disk, "d-1")
    );
    assert_eq!(
        w.refused(&owner, create_snapshot("s-1", "d-1", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(&owner, copy("s-1", "s-1", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(
            &Actor::Platform,
            CreateAutomaticSnapshot {
                snapshot: "s-1".into(),
                disk: "d-1".into(),
                retention_days: None
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    assert_eq!(
        w.refused(
            &owner,
            CreateImage {
                image: "i-1".into(),
                snapshot: "s-1".into()
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Image, "i-1")
    );
    assert_eq!(
        w.refused(
            &owner,
            ImportImage {
                image: "i-1".into(),
                region: REGION.into()
            },
            RuleId::Gen4
        ),
        already_exists(ObjectKind::Image, "i-1")
    );
}

#[test]
fn gen_4_ids_are_global_across_accounts_but_user_ids_are_per_account() {
    let mut w = World::with_snapshot();
    let other = root(OTHER);
    // Another account cannot take an id in use by OWNER's disk or snapshot.
    assert_eq!(
        w.refused(&other, blank_disk("d-1", REGION), RuleId::Gen4),
        already_exists(ObjectKind::Disk, "d-1")
    );
    w.disk(OTHER, "d-o");
    assert_eq!(
        w.refused(&other, create_snapshot("s-1", "d-o", None), RuleId::Gen4),
        already_exists(ObjectKind::Snapshot, "s-1")
    );
    // User ids are unique within an account only.
    w.user(OWNER, "alice", vec![]);
    let events = w.ok(
        &other,
        CreateUser {
            user: "alice".into(),
            statements: vec![],
        },
    );
    assert_eq!(events.len(), 1);
    assert!(w.state.user(&OTHER.into(), &"alice".into()).is_some());
}

// ---------------------------------------------------------------------------
// GEN-5: malformed ids and instants near chrono's limits
// ---------------------------------------------------------------------------

fn malformed_ids() -> Vec<String> {
    vec![
        String::new(),
        "s/1".into(),
        "s:1".into(),
        "s*".into(),
        "a".repeat(129),
    ]
}

fn invalid(kind: ObjectKind, id: &str) -> Violation {
    Violation::InvalidId {
        kind,
        id: id.into(),
    }
}

#[test]
fn gen_5_malformed_ids_of_new_objects_are_refused() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    for id in malformed_ids() {
        let id = id.as_str();
        assert_eq!(
            w.refused(&owner, create_snapshot(id, "d-1", None), RuleId::Gen5),
            invalid(ObjectKind::Snapshot, id)
        );
        assert_eq!(
            w.refused(&owner, copy("s-1", id, None), RuleId::Gen5),
            invalid(ObjectKind::Snapshot, id)
        );
        assert_eq!(
            w.refused(&owner, blank_disk(id, REGION), RuleId::Gen5),
            invalid(ObjectKind::Disk, id)
        );
        assert_eq!(
            w.refused(
                &owner,
                ImportImage {
                    image: id.into(),
                    region: REGION.into()
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(
                &owner,
                CreateImage {
                    image: id.into(),
                    snapshot: "s-1".into()
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Image, id)
        );
        assert_eq!(
            w.refused(
                &owner,
                CreateUser {
                    user: id.into(),
                    statements: vec![]
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::User, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAccount {
                    account: id.into(),
                    site: Site::China
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Account, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateRegion { region: id.into() },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Region, id)
        );
        assert_eq!(
            w.refused(
                &Actor::Platform,
                CreateAutomaticSnapshot {
                    snapshot: id.into(),
                    disk: "d-1".into(),
                    retention_days: None
                },
                RuleId::Gen5
            ),
            invalid(ObjectKind::Snapshot, id)
        );
    }
}

#[test]
fn gen_5_ids_of_128_characters_are_accepted() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    let long = |c: char| c.to_string().repeat(128);
    w.ok(
        &Actor::Platform,
        CreateRegion {
            region: long('r').as_str().into(),
        },
    );
    w.ok(
        &Actor::Platform,
        CreateAccount {
            account: long('9').as_str().into(),
            site: Site::China,
        },
    );
    w.ok(
        &owner,
        CreateUser {
            user: long('u').as_str().into(),
            statements: vec![],
        },
    );
    w.ok(&owner, blank_disk(&long('d'), REGION));
    w.ok(&owner, create_snapshot(&long('s'), &long('d'), None));
    w.ok(&owner, copy("s-1", &long('c'), None));
    w.ok(
        &owner,
        ImportImage {
            image: long('i').as_str().into(),
            region: REGION.into(),
        },
    );
    assert!(w.exists(&long('s')));
    assert!(w.exists(&long('c')));
    assert!(w.state.disk(&long('d').as_str().into()).is_some());
    assert!(w.state.image(&long('i').as_str().into()).is_some());
    assert!(w.state.account(&long('9').as_str().into()).is_some());
}

/// A world with snapshot s-1 (permanent, created at t0), moved to `now`.
fn world_at(now: DateTime<Utc>) -> World {
    let mut w = World::with_snapshot();
    w.at(now);
    w
}

fn near_max() -> DateTime<Utc> {
    DateTime::<Utc>::MAX_UTC - days(3)
}

#[test]
fn gen_5_lock_past_the_last_instant_is_time_out_of_range() {
    let mut w = world_at(near_max());
    let refusal = w.refused(&root(OWNER), lock_cmd("s-1", 30, 0), RuleId::Gen5);
    assert_eq!(
        refusal,
        Violation::TimeOutOfRange {
            start: near_max(),
            span: Span::Days(30)
        }
    );
    assert!(w.state.snapshot(&sid("s-1")).unwrap().lock.is_none());
}

#[test]
fn gen_5_lock_ending_exactly_at_the_last_instant_is_accepted() {
    // A 3-day lock fits at MAX - 3 days (ends at MAX) and one second before;
    // one second later it does not.
    for (offset, fits) in [(-1, true), (0, true), (1, false)] {
        let mut w = world_at(near_max() + secs(offset));
        if fits {
            w.ok(&root(OWNER), lock_cmd("s-1", 3, 0));
            let lock = w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap();
            assert_eq!(lock.expiry, near_max() + secs(offset) + days(3));
        } else {
            w.refused(&root(OWNER), lock_cmd("s-1", 3, 0), RuleId::Gen5);
        }
    }
}

#[test]
fn gen_5_retention_past_the_last_instant_is_time_out_of_range() {
    let mut w = world_at(near_max());
    let owner = root(OWNER);
    let out = Violation::TimeOutOfRange {
        start: near_max(),
        span: Span::Days(365),
    };
    assert_eq!(
        w.refused(
            &owner,
            create_snapshot("s-2", "d-1", Some(365)),
            RuleId::Gen5
        ),
        out
    );
    assert_eq!(
        w.refused(&owner, copy("s-1", "c-1", Some(365)), RuleId::Gen5),
        out
    );
    // A permanent snapshot at the same instant is fine, and its retention
    // (counted from its creation) cannot be set to 365 days either.
    w.ok(&owner, create_snapshot("s-2", "d-1", None));
    w.finish("s-2");
    let v = w.refused(
        &owner,
        SetSnapshotRetention {
            snapshot: "s-2".into(),
            retention: RetentionRequest::Days(365),
        },
        RuleId::Gen5,
    );
    assert_eq!(v, out);
}

#[test]
fn gen_5_archive_past_the_last_instant_is_time_out_of_range() {
    let mut w = world_at(near_max());
    let v = w.refused(
        &root(OWNER),
        ArchiveSnapshot {
            snapshot: "s-1".into(),
            retention_days: 74,
        },
        RuleId::Gen5,
    );
    assert_eq!(
        v,
        Violation::TimeOutOfRange {
            start: near_max(),
            span: Span::Days(74)
        }
    );
    assert!(!w.state.snapshot(&sid("s-1")).unwrap().is_archived());
}

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
        .apply(
            t0() + days(101),
            &root(OWNER),
            &blank_disk("d-2", REGION).into(),
        )
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
    // One second before: the command's transition holds only its own event.
    let before = w
        .state
        .apply(
            end - secs(1),
            &Actor::Platform,
            &CreateRegion {
                region: "eu-x".into(),
            }
            .into(),
        )
        .unwrap();
    assert!(matches!(
        before.events.as_slice(),
        [Event::RegionCreated { .. }]
    ));
    assert!(before.state.snapshot(&sid("s-2")).is_some());
    // At the end and after: the release comes first, then the command's event.
    for at in [end, end + secs(1)] {
        let t = w
            .state
            .apply(
                at,
                &Actor::Platform,
                &CreateRegion {
                    region: "eu-x".into(),
                }
                .into(),
            )
            .unwrap();
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

// ---------------------------------------------------------------------------
// PERM-1: actors and statements
// ---------------------------------------------------------------------------

fn denied(actor: &Actor, action: Action, resource: String, explicit_deny: bool) -> Violation {
    Violation::PermissionDenied {
        actor: actor.clone(),
        action,
        resource,
        explicit_deny,
    }
}

#[test]
fn perm_1_user_without_statements_is_denied() {
    let mut w = World::with_snapshot();
    let bob = w.user(OWNER, "bob", vec![]);
    let v = w.refused(&bob, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &bob,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            false
        )
    );
    w.refused(&bob, create_snapshot("s-2", "d-1", None), RuleId::Perm1);
    w.refused(&bob, blank_disk("d-2", REGION), RuleId::Perm1);
    w.refused(&bob, copy("s-1", "c-1", None), RuleId::Perm1);
    w.refused(
        &bob,
        SetSnapshotRetention {
            snapshot: "s-1".into(),
            retention: RetentionRequest::Permanent,
        },
        RuleId::Perm1,
    );
    assert!(w.exists("s-1"));
}

#[test]
fn perm_1_wildcard_allow_on_action_and_resource_allows() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["ecs:*"], ["acs:ecs:*:1001:snapshot/*"])],
    );
    w.ok(&alice, lock_cmd("s-1", 10, 24));
    w.ok(&alice, unlock("s-1"));
    let events = w.ok(&alice, delete("s-1"));
    assert!(matches!(events.as_slice(), [Event::SnapshotDeleted { .. }]));
    assert!(!w.exists("s-1"));
}

#[test]
fn perm_1_snapshot_statement_does_not_cover_disks() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(["ecs:*"], ["acs:ecs:*:1001:snapshot/*"])],
    );
    let v = w.refused(&alice, blank_disk("d-2", REGION), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::CreateDisk,
            format!("acs:ecs:{REGION}:{OWNER}:disk/d-2"),
            false
        )
    );
    w.refused(
        &alice,
        ReleaseDisk {
            disk: "d-1".into(),
            release_automatic_snapshots: false,
        },
        RuleId::Perm1,
    );
}

#[test]
fn perm_1_explicit_deny_wins_over_allow() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    let alice = w.user(
        OWNER,
        "alice",
        vec![
            allow_all(),
            Statement::deny(["ecs:DeleteSnapshot"], [snapshot_arn(OWNER, "s-1")]),
        ],
    );
    let v = w.refused(&alice, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            true
        )
    );
    // The Deny is narrow: the Allow still works elsewhere.
    w.ok(&alice, delete("s-2"));
    w.ok(&alice, lock_cmd("s-1", 10, 0));
    // Order of statements does not matter.
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::deny(["ecs:*"], ["*"]), allow_all()],
    );
    let v = w.refused(&bob, blank_disk("d-9", REGION), RuleId::Perm1);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: true,
            ..
        }
    ));
}

#[test]
fn perm_1_resource_pattern_for_another_snapshot_does_not_match() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.snapshot(OWNER, "d-1", "s-10", None);
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            [snapshot_arn(OWNER, "s-2")],
        )],
    );
    let v = w.refused(&alice, delete("s-1"), RuleId::Perm1);
    assert_eq!(
        v,
        denied(
            &alice,
            Action::DeleteSnapshot,
            snapshot_arn(OWNER, "s-1"),
            false
        )
    );
    // A pattern without a wildcard is not a prefix.
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            [snapshot_arn(OWNER, "s-1")],
        )],
    );
    w.refused(&bob, delete("s-10"), RuleId::Perm1);
    // A pattern for another account's snapshots does not match either.
    let carol = w.user(
        OWNER,
        "carol",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot"],
            ["acs:ecs:*:2002:snapshot/*"],
        )],
    );
    w.refused(&carol, delete("s-1"), RuleId::Perm1);
    w.ok(&alice, delete("s-2"));
    assert!(w.exists("s-1"));
}

#[test]
fn perm_1_action_matching_ignores_case() {
    let mut w = World::with_snapshot();
    let alice = w.user(
        OWNER,
        "alice",
        vec![Statement::allow(
            ["ECS:deletesnapshot"],
            ["acs:ecs:*:1001:snapshot/*"],
        )],
    );
    w.ok(&alice, delete("s-1"));
    assert!(!w.exists("s-1"));
    // It still names one action only.
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.refused(&alice, lock_cmd("s-2", 10, 0), RuleId::Perm2);
}

#[test]
fn perm_1_policy_given_in_ram_json_applies() {
    let mut w = World::with_snapshot();
    let statement: Statement = serde_json::from_str(
        r#"{"Effect": "Allow", "Action": "ecs:DeleteSnapshot", "Resource": ["acs:ecs:*:1001:snapshot/*"]}"#,
    )
    .unwrap();
    let alice = w.user(OWNER, "alice", vec![]);
    w.refused(&alice, delete("s-1"), RuleId::Perm1);
    w.ok(
        &root(OWNER),
        SetUserPolicy {
            user: "alice".into(),
            statements: vec![statement],
        },
    );
    w.ok(&alice, delete("s-1"));
    assert!(!w.exists("s-1"));
}

#[test]
fn perm_1_root_may_do_everything_its_account_may_do() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.snapshot(OWNER, "d-1", "s-r", Some(10));
    w.ok(
        &owner,
        SetSnapshotRetention {
            snapshot: "s-r".into(),
            retention: RetentionRequest::Days(400),
        },
    );
    w.ok(&owner, lock_cmd("s-1", 10, 24));
    assert!(
        w.state
            .lock_view(w.now, &owner, &sid("s-1"))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        w.state
            .describe_locked_snapshots(w.now, &owner, &LockQuery::all())
            .unwrap()
            .len(),
        1
    );
    w.ok(&owner, lock_cmd("s-1", 20, 24));
    w.ok(&owner, unlock("s-1"));
    w.ok(&owner, lock_cmd("s-1", 20, 0));
    w.ok(&owner, copy("s-1", "c-1", None));
    w.finish("c-1");
    w.ok(
        &owner,
        CreateDisk {
            source: DiskSource::Snapshot("s-1".into()),
            ..blank_disk("d-2", REGION)
        },
    );
    w.ok(
        &owner,
        ResetDisk {
            disk: "d-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.ok(
        &owner,
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.ok(
        &owner,
        ImportImage {
            image: "i-2".into(),
            region: REGION.into(),
        },
    );
    w.ok(
        &owner,
        CreateDisk {
            source: DiskSource::Image("i-1".into()),
            ..blank_disk("d-3", REGION)
        },
    );
    w.ok(
        &owner,
        DeleteImage {
            image: "i-1".into(),
            delete_snapshots: false,
        },
    );
    w.ok(&owner, create_snapshot("s-2", "d-2", None));
    w.finish("s-2");
    w.ok(&owner, delete("c-1"));
    w.ok(
        &owner,
        ReleaseDisk {
            disk: "d-3".into(),
            release_automatic_snapshots: true,
        },
    );
    w.wait(days(14));
    w.ok(
        &owner,
        ArchiveSnapshot {
            snapshot: "s-2".into(),
            retention_days: 100,
        },
    );
    assert!(w.state.snapshot(&sid("s-2")).unwrap().is_archived());
}

/// Every customer command, on OWNER's objects (d-1, s-1, i-1).
fn customer_commands() -> Vec<Command> {
    vec![
        CreateUser {
            user: "u".into(),
            statements: vec![],
        }
        .into(),
        SetUserPolicy {
            user: "alice".into(),
            statements: vec![],
        }
        .into(),
        blank_disk("d-2", REGION).into(),
        ReleaseDisk {
            disk: "d-1".into(),
            release_automatic_snapshots: false,
        }
        .into(),
        ResetDisk {
            disk: "d-1".into(),
            snapshot: "s-1".into(),
        }
        .into(),
        create_snapshot("s-2", "d-1", None).into(),
        delete("s-1").into(),
        SetSnapshotRetention {
            snapshot: "s-1".into(),
            retention: RetentionRequest::Permanent,
        }
        .into(),
        ArchiveSnapshot {
            snapshot: "s-1".into(),
            retention_days: 100,
        }
        .into(),
        copy("s-1", "c-1", None).into(),
        lock_cmd("s-1", 10, 0).into(),
        unlock("s-1").into(),
        ImportImage {
            image: "i-2".into(),
            region: REGION.into(),
        }
        .into(),
        CreateImage {
            image: "i-3".into(),
            snapshot: "s-1".into(),
        }
        .into(),
        DeleteImage {
            image: "i-1".into(),
            delete_snapshots: false,
        }
        .into(),
    ]
}

fn platform_commands() -> Vec<Command> {
    vec![
        CreateAccount {
            account: "4004".into(),
            site: Site::China,
        }
        .into(),
        CreateRegion {
            region: "eu-x".into(),
        }
        .into(),
        CreateAutomaticSnapshot {
            snapshot: "a-1".into(),
            disk: "d-1".into(),
            retention_days: None,
        }
        .into(),
        CreateBackupSnapshot {
            snapshot: "b-1".into(),
            account: OWNER.into(),
            region: REGION.into(),
            retention_days: None,
        }
        .into(),
        finish("s-2").into(),
    ]
}

fn billing_commands() -> Vec<Command> {
    vec![
        MarkAccountOverdue {
            account: OWNER.into(),
        }
        .into(),
        SettleAccount {
            account: OWNER.into(),
        }
        .into(),
        ReleaseOverdueSnapshot {
            snapshot: "s-1".into(),
        }
        .into(),
    ]
}

/// OWNER's d-1, s-1 (available), s-2 (in progress), i-1 and user alice
/// (Allow * on *).
fn actors_world() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), create_snapshot("s-2", "d-1", None));
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OWNER, "alice", vec![allow_all()]);
    w
}

#[track_caller]
fn wrong_actor(w: &mut World, actor: &Actor, command: Command) {
    let name = command.name();
    let v = w.refused(actor, command, RuleId::Perm1);
    assert_eq!(
        v,
        Violation::WrongActor {
            actor: actor.clone(),
            command: name.to_owned()
        }
    );
}

#[test]
fn perm_1_system_actors_cannot_issue_customer_commands() {
    let mut w = actors_world();
    for actor in [Actor::Platform, Actor::Billing] {
        for command in customer_commands() {
            wrong_actor(&mut w, &actor, command);
        }
        let v = w.state.lock_view(w.now, &actor, &sid("s-1")).unwrap_err();
        assert!(matches!(v, Violation::WrongActor { .. }));
        assert_eq!(v.rule(), RuleId::Perm1);
    }
}

#[test]
fn perm_1_customers_cannot_issue_platform_or_billing_commands() {
    let mut w = actors_world();
    let alice = Actor::user(OWNER, "alice");
    for actor in [root(OWNER), alice] {
        for command in platform_commands().into_iter().chain(billing_commands()) {
            wrong_actor(&mut w, &actor, command);
        }
    }
}

#[test]
fn perm_1_platform_and_billing_cannot_issue_each_others_commands() {
    let mut w = actors_world();
    for command in billing_commands() {
        wrong_actor(&mut w, &Actor::Platform, command);
    }
    for command in platform_commands() {
        wrong_actor(&mut w, &Actor::Billing, command);
    }
    // Each issues its own.
    w.ok(
        &Actor::Platform,
        CreateRegion {
            region: "eu-x".into(),
        },
    );
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OWNER.into(),
        },
    );
}

#[test]
fn perm_1_only_root_creates_users_and_sets_their_policies() {
    let mut w = actors_world();
    let alice = Actor::user(OWNER, "alice");
    wrong_actor(
        &mut w,
        &alice,
        CreateUser {
            user: "bob".into(),
            statements: vec![allow_all()],
        }
        .into(),
    );
    wrong_actor(
        &mut w,
        &alice,
        SetUserPolicy {
            user: "alice".into(),
            statements: vec![allow_all()],
        }
        .into(),
    );
    // Another account's root cannot create users in OWNER: it creates its own.
    w.ok(
        &root(OTHER),
        CreateUser {
            user: "bob".into(),
            statements: vec![],
        },
    );
    assert!(w.state.user(&OWNER.into(), &"bob".into()).is_none());
    assert!(w.state.user(&OTHER.into(), &"bob".into()).is_some());
    w.ok(
        &root(OWNER),
        CreateUser {
            user: "bob".into(),
            statements: vec![],
        },
    );
    assert!(w.state.user(&OWNER.into(), &"bob".into()).is_some());
}

// ---------------------------------------------------------------------------
// PERM-2: lock actions
// ---------------------------------------------------------------------------

#[test]
fn perm_2_lock_unlock_describe_need_their_actions() {
    let mut w = World::with_snapshot();
    let bob = w.user(
        OWNER,
        "bob",
        vec![Statement::allow(
            ["ecs:DeleteSnapshot", "ecs:CreateSnapshot"],
            ["*"],
        )],
    );
    let arn = snapshot_arn(OWNER, "s-1");
    let v = w.refused(&bob, lock_cmd("s-1", 10, 24), RuleId::Perm2);
    assert_eq!(v, denied(&bob, Action::LockSnapshot, arn.clone(), false));
    w.lock("s-1", 10, 24);
    let v = w.refused(&bob, unlock("s-1"), RuleId::Perm2);
    assert_eq!(v, denied(&bob, Action::UnlockSnapshot, arn.clone(), false));
    let v = w.state.lock_view(w.now, &bob, &sid("s-1")).unwrap_err();
    assert_eq!(
        v,
        denied(&bob, Action::DescribeLockedSnapshots, arn.clone(), false)
    );
    assert_eq!(v.rule(), RuleId::Perm2);
    let v = w
        .state
        .describe_locked_snapshots(w.now, &bob, &LockQuery::all())
        .unwrap_err();
    assert_eq!(v.rule(), RuleId::Perm2);
    // Reconfiguring in cooling-off also needs ecs:LockSnapshot.
    w.refused(&bob, lock_cmd("s-1", 20, 0), RuleId::Perm2);
}

#[test]
fn perm_2_lock_snapshot_alone_does_not_allow_unlocking() {
    let mut w = World::with_snapshot();
    let locker = w.user(
        OWNER,
        "locker",
        vec![Statement::allow(["ecs:LockSnapshot"], ["*"])],
    );
    w.ok(&locker, lock_cmd("s-1", 10, 24));
    // Reconfiguring in cooling-off and extending in compliance are "modifying".
    w.ok(&locker, lock_cmd("s-1", 12, 24));
    let v = w.refused(&locker, unlock("s-1"), RuleId::Perm2);
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            action: Action::UnlockSnapshot,
            ..
        }
    ));
    w.refused(&locker, delete("s-1"), RuleId::Perm1);
    w.wait(hours(24));
    w.ok(&locker, lock_cmd("s-1", 30, 0));
    // An unlocker may unlock a lock in cooling-off, but not lock.
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-2", 10, 24);
    let unlocker = w.user(
        OWNER,
        "unlocker",
        vec![Statement::allow(["ecs:UnlockSnapshot"], ["*"])],
    );
    w.refused(&unlocker, lock_cmd("s-2", 10, 24), RuleId::Perm2);
    let events = w.ok(&unlocker, unlock("s-2"));
    assert!(matches!(
        events.as_slice(),
        [Event::SnapshotUnlocked { .. }]
    ));
    assert!(w.state.snapshot(&sid("s-2")).unwrap().lock.is_none());
}

#[test]
fn perm_2_describe_needs_describe_locked_snapshots_per_snapshot() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-1", 10, 0);
    w.lock("s-2", 10, 0);
    let reader = w.user(
        OWNER,
        "reader",
        vec![Statement::allow(
            ["ecs:DescribeLockedSnapshots"],
            [snapshot_arn(OWNER, "s-1")],
        )],
    );
    let view = w
        .state
        .lock_view(w.now, &reader, &sid("s-1"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (view.state, view.expiry),
        (LockState::Compliance, t0() + days(10))
    );
    let v = w.state.lock_view(w.now, &reader, &sid("s-2")).unwrap_err();
    assert_eq!(v.rule(), RuleId::Perm2);
    let v = w
        .state
        .describe_locked_snapshots(w.now, &reader, &LockQuery::all())
        .unwrap_err();
    assert_eq!(
        v,
        denied(
            &reader,
            Action::DescribeLockedSnapshots,
            snapshot_arn(OWNER, "s-2"),
            false
        )
    );
    // Explicitly denied describing, with Allow *.
    let denied_reader = w.user(
        OWNER,
        "denied",
        vec![
            allow_all(),
            Statement::deny(["ecs:DescribeLockedSnapshots"], ["*"]),
        ],
    );
    let v = w
        .state
        .lock_view(w.now, &denied_reader, &sid("s-1"))
        .unwrap_err();
    assert!(matches!(
        v,
        Violation::PermissionDenied {
            explicit_deny: true,
            ..
        }
    ));
    assert_eq!(v.rule(), RuleId::Perm2);
}

// ---------------------------------------------------------------------------
// PERM-3: nobody overrides an active compliance lock
// ---------------------------------------------------------------------------

#[test]
fn perm_3_root_cannot_delete_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let expiry = t0() + days(30);
    let v = w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    assert!(matches!(
        v,
        Violation::SnapshotLocked {
            state: LockState::Compliance,
            ..
        }
    ));
    w.refused(&root(OWNER), unlock("s-1"), RuleId::Lock6);
    w.at(expiry - secs(1));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Lock10);
    w.at(expiry);
    w.ok(&root(OWNER), delete("s-1"));
}

#[test]
fn perm_3_allow_star_user_cannot_delete_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    let admin = w.user(OWNER, "admin", vec![allow_all()]);
    w.ok(&admin, lock_cmd("s-1", 30, 0));
    w.refused(&admin, delete("s-1"), RuleId::Lock10);
    w.refused(&admin, unlock("s-1"), RuleId::Lock6);
    w.wait(days(1));
    w.refused(&admin, lock_cmd("s-1", 1, 0), RuleId::Lock8);
    assert_eq!(
        w.state.snapshot(&sid("s-1")).unwrap().lock.unwrap().expiry,
        t0() + days(30)
    );
}

#[test]
fn perm_3_no_deletion_path_of_root_removes_a_compliance_locked_snapshot() {
    let mut w = World::with_snapshot();
    let owner = root(OWNER);
    w.auto_snapshot("d-1", "a-1");
    w.ok(&owner, lock_cmd("a-1", 30, 0));
    w.ok(
        &owner,
        CreateImage {
            image: "i-1".into(),
            snapshot: "a-1".into(),
        },
    );
    let events = w.ok(
        &owner,
        DeleteImage {
            image: "i-1".into(),
            delete_snapshots: true,
        },
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SnapshotDeleted { .. }))
    );
    assert!(w.exists("a-1"));
    let events = w.ok(
        &owner,
        ReleaseDisk {
            disk: "d-1".into(),
            release_automatic_snapshots: true,
        },
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SnapshotDeleted { .. }))
    );
    assert!(w.exists("a-1"));
}

// ---------------------------------------------------------------------------
// PERM-4: only one's own account's resources
// ---------------------------------------------------------------------------

fn foreign(kind: ObjectKind, id: &str) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.into(),
        owner: OWNER.into(),
        account: OTHER.into(),
    }
}

/// OWNER's d-1, s-1, i-1; OTHER has user "admin" with Allow * on *.
fn foreign_world() -> World {
    let mut w = World::with_snapshot();
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OTHER, "admin", vec![allow_all()]);
    w
}

#[test]
fn perm_4_other_account_cannot_act_on_a_snapshot() {
    let mut w = foreign_world();
    for actor in [root(OTHER), Actor::user(OTHER, "admin")] {
        let snapshot_commands: Vec<Command> = vec![
            delete("s-1").into(),
            lock_cmd("s-1", 10, 24).into(),
            unlock("s-1").into(),
            ArchiveSnapshot {
                snapshot: "s-1".into(),
                retention_days: 100,
            }
            .into(),
            copy("s-1", "c-1", None).into(),
            SetSnapshotRetention {
                snapshot: "s-1".into(),
                retention: RetentionRequest::Permanent,
            }
            .into(),
            CreateDisk {
                source: DiskSource::Snapshot("s-1".into()),
                ..blank_disk("d-2", REGION)
            }
            .into(),
        ];
        for command in snapshot_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Snapshot, "s-1")
            );
        }
        assert_eq!(
            w.state.lock_view(w.now, &actor, &sid("s-1")).unwrap_err(),
            foreign(ObjectKind::Snapshot, "s-1")
        );
    }
    assert!(w.exists("s-1"));
}

#[test]
fn perm_4_other_account_cannot_act_on_a_disk_or_image() {
    let mut w = foreign_world();
    for actor in [root(OTHER), Actor::user(OTHER, "admin")] {
        let disk_commands: Vec<Command> = vec![
            ReleaseDisk {
                disk: "d-1".into(),
                release_automatic_snapshots: true,
            }
            .into(),
            ResetDisk {
                disk: "d-1".into(),
                snapshot: "s-1".into(),
            }
            .into(),
            create_snapshot("s-2", "d-1", None).into(),
        ];
        for command in disk_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Disk, "d-1")
            );
        }
        let image_commands: Vec<Command> = vec![
            DeleteImage {
                image: "i-1".into(),
                delete_snapshots: true,
            }
            .into(),
            CreateDisk {
                source: DiskSource::Image("i-1".into()),
                ..blank_disk("d-2", REGION)
            }
            .into(),
        ];
        for command in image_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Image, "i-1")
            );
        }
    }
    assert!(w.state.disk(&"d-1".into()).is_some());
    assert!(w.state.image(&"i-1".into()).is_some());
}

#[test]
fn perm_4_other_account_does_not_see_locks_it_does_not_own() {
    let mut w = foreign_world();
    w.lock("s-1", 10, 0);
    let locks = w
        .state
        .describe_locked_snapshots(w.now, &root(OTHER), &LockQuery::all())
        .unwrap();
    assert!(locks.is_empty());
    let own = w
        .state
        .describe_locked_snapshots(w.now, &root(OWNER), &LockQuery::all())
        .unwrap();
    assert_eq!(
        own.iter().map(|v| v.snapshot.clone()).collect::<Vec<_>>(),
        [sid("s-1")]
    );
}

#[test]
fn perm_4_holds_before_permissions_and_locks() {
    // PERM-4 refuses before anything about the object is revealed or checked:
    // an OTHER user without statements still gets PERM-4, not PERM-1.
    let mut w = foreign_world();
    let nobody = w.user(OTHER, "nobody", vec![]);
    w.lock("s-1", 10, 0);
    assert_eq!(
        w.refused(&nobody, delete("s-1"), RuleId::Perm4),
        foreign(ObjectKind::Snapshot, "s-1")
    );
}
