//! Cost of one decide + evolve (`State::apply_mut`) for `LockSnapshot` and
//! `DeleteSnapshot` on states holding 1,000 and 100,000 snapshots.
//!
//! DESIGN.md fixes that this cost grows at most logarithmically with the
//! number of snapshots; the two sizes make a linear cost visible at once.
//!
//! Each timed iteration is exactly one `apply_mut` (decide, then record its
//! events in place); the untimed remainder of the iteration restores the
//! state, so that every iteration sees a state of the same size:
//!
//! - lock: lock a snapshot for 30 days with a 24-hour cooling-off (timed),
//!   then unlock it, which cooling-off allows (untimed);
//! - delete: delete a snapshot (timed), then create and complete another in
//!   its place (untimed). Ids are never given twice (GEN-4), so the
//!   replacement has a new id and the next iteration deletes it; every
//!   `max(size, 10,000)` deletions the state is reset from a pristine copy,
//!   so that the deleted ids the state remembers stay of the order of its
//!   snapshots.
//!
//! - catch-up: a command for which time has released one snapshot since the
//!   last command (timed: the release is recorded before the command is
//!   decided), then a new snapshot due a day later (untimed). Catching up
//!   must cost the due events, not a copy of the state.
//!
//! In the lock and delete groups every command is at the same instant, so no
//! time-caused event is due. The states are built with `apply_mut`, which
//! never copies the state (`apply` returns a new one and keeps the old).

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use snapguard::{
    Actor, Command, CreateAccount, CreateDisk, CreateRegion, CreateSnapshot, DeleteSnapshot,
    DiskCategory, DiskSource, Encryption, Event, FinishSnapshot, LockSnapshot, SettleAccount, Site,
    SnapshotId, SnapshotOutcome, State, UnlockSnapshot,
};

const SIZES: [usize; 2] = [1_000, 100_000];
const ACCOUNT: &str = "1001";
const REGION: &str = "cn-hangzhou";
const DISK: &str = "d-1";

/// The instant of every command.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Applies a command at `now` that must be accepted.
fn accept(state: &mut State, now: DateTime<Utc>, actor: &Actor, command: &Command) -> Vec<Event> {
    match state.apply_mut(now, actor, command) {
        Ok(events) => events,
        Err(violation) => panic!("{command:?} by {actor} refused: {violation}"),
    }
}

/// Creates and completes a permanent snapshot of the disk.
fn add_snapshot(state: &mut State, id: &str) {
    add_snapshot_at(state, t0(), id, None);
}

/// Creates and completes a snapshot of the disk at `now`.
fn add_snapshot_at(state: &mut State, now: DateTime<Utc>, id: &str, retention_days: Option<u32>) {
    let create = CreateSnapshot {
        snapshot: id.into(),
        disk: DISK.into(),
        retention_days,
        tags: Default::default(),
        instant_access: false,
    };
    accept(state, now, &Actor::root(ACCOUNT), &create.into());
    let finish = FinishSnapshot {
        snapshot: id.into(),
        outcome: SnapshotOutcome::Available { size_gib: 10 },
    };
    accept(state, now, &Actor::Platform, &finish.into());
}

/// A region, an account, a disk and `snapshots` available snapshots
/// `s-0`, `s-1`, ...
fn state_with(snapshots: usize) -> State {
    let mut state = State::new();
    let setup: [(Actor, Command); 3] = [
        (
            Actor::Platform,
            CreateRegion {
                region: REGION.into(),
            }
            .into(),
        ),
        (
            Actor::Platform,
            CreateAccount {
                account: ACCOUNT.into(),
                site: Site::China,
            }
            .into(),
        ),
        (
            Actor::root(ACCOUNT),
            CreateDisk {
                disk: DISK.into(),
                region: REGION.into(),
                category: DiskCategory::Essd,
                size_gib: 40,
                encryption: Encryption::Unencrypted,
                source: DiskSource::Blank,
            }
            .into(),
        ),
    ];
    for (actor, command) in &setup {
        accept(&mut state, t0(), actor, command);
    }
    for index in 0..snapshots {
        add_snapshot(&mut state, &format!("s-{index}"));
    }
    assert_eq!(state.snapshots().count(), snapshots);
    assert_eq!(state.next_deadline(), None, "nothing may fall due");
    state
}

/// Runs `f`, returning its result and the wall time it took.
// Benchmarks measure wall time; the library itself never reads a clock
// (GEN-1), which clippy.toml enforces everywhere else.
#[allow(clippy::disallowed_methods)]
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}

fn lock_snapshot(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide_evolve/lock_snapshot");
    for size in SIZES {
        let mut state = state_with(size);
        let before = state.clone();
        let (now, root) = (t0(), Actor::root(ACCOUNT));
        let target = SnapshotId::from(format!("s-{}", size / 2));
        let lock = Command::from(LockSnapshot {
            snapshot: target.clone(),
            duration_days: 30,
            cool_off_hours: 24,
        });
        let unlock = Command::from(UnlockSnapshot { snapshot: target });
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (events, took) = timed(|| accept(&mut state, now, &root, black_box(&lock)));
                    total += took;
                    black_box(events);
                    accept(&mut state, now, &root, &unlock);
                }
                total
            });
        });
        assert_eq!(
            state, before,
            "the lock benchmark did not restore its state"
        );
    }
    group.finish();
}

fn delete_snapshot(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide_evolve/delete_snapshot");
    for size in SIZES {
        let base = state_with(size);
        let mut state = base.clone();
        let (now, root) = (t0(), Actor::root(ACCOUNT));
        let first = SnapshotId::from(format!("s-{}", size / 2));
        let reset = size.max(10_000);
        let (mut victim, mut replacements) = (first.clone(), 0usize);
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let delete = Command::from(DeleteSnapshot {
                        snapshot: victim.clone(),
                    });
                    let (events, took) =
                        timed(|| accept(&mut state, now, &root, black_box(&delete)));
                    total += took;
                    black_box(events);
                    if replacements == reset {
                        state = base.clone();
                        (victim, replacements) = (first.clone(), 0);
                    } else {
                        victim = SnapshotId::from(format!("r-{replacements}"));
                        add_snapshot(&mut state, victim.as_str());
                        replacements += 1;
                    }
                }
                total
            });
        });
        assert_eq!(
            state.snapshots().count(),
            size,
            "the delete benchmark lost snapshots"
        );
    }
    group.finish();
}

fn catch_up_release(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide_evolve/catch_up_one_release");
    for size in SIZES {
        let mut state = state_with(size);
        let mut now = t0();
        add_snapshot_at(&mut state, now, "due-0", Some(1));
        let settle = Command::from(SettleAccount {
            account: ACCOUNT.into(),
        });
        let mut due = 0usize;
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    now += chrono::TimeDelta::days(1);
                    let (events, took) =
                        timed(|| accept(&mut state, now, &Actor::Billing, black_box(&settle)));
                    total += took;
                    assert_eq!(events.len(), 1, "exactly one release is due");
                    due += 1;
                    add_snapshot_at(&mut state, now, &format!("due-{due}"), Some(1));
                }
                total
            });
        });
        assert_eq!(state.snapshots().count(), size + 1);
    }
    group.finish();
}

criterion_group!(benches, lock_snapshot, delete_snapshot, catch_up_release);
criterion_main!(benches);
