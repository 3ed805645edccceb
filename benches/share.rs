//! Cost of the sharing quota checks (SHARE-1, SHARE-2) on states where 10
//! and 100,000 snapshots are shared.
//!
//! `quota.rs` checks both limits from counts that evolve keeps, so that no
//! command scans the fleet's shares or snapshots: the cost of a check must
//! not depend on how many snapshots other accounts share. The two sizes
//! make a cost that follows the fleet visible at once.
//!
//! Each state holds `size` shared snapshots, spread over owner accounts of
//! at most 1,000 shared snapshots each (under the SHARE-2 limit of 1,024),
//! in shares of at most 250 snapshots with one account principal each;
//! plus one more owner with one snapshot shared in its share `rs-bench`
//! and one available snapshot not shared yet. The measured command is an
//! `AssociateResourceShare` on `rs-bench` by that owner, adding:
//!
//! - snapshot: the unshared snapshot (SHARE-1 for the snapshot's
//!   principals, SHARE-2 for the owner's shared count);
//! - principal: a new account (SHARE-1 for each snapshot of the share).
//!
//! Each is measured as `decide` alone (on a borrowed state), and as
//! decide + evolve (`State::apply_mut`). In the latter, each timed
//! iteration is exactly one `apply_mut`; the untimed remainder of the
//! iteration undoes it with a `DisassociateResourceShare`, so that every
//! iteration sees the same state, as `decide.rs` does. Every command is at
//! the same instant, so no time-caused event is due. The states are built
//! with `apply_mut`, which never copies the state.

use std::borrow::Borrow;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use snapguard::{
    Actor, AssociateResourceShare, Command, CreateAccount, CreateDisk, CreateRegion,
    CreateResourceShare, CreateSnapshot, DisassociateResourceShare, DiskCategory, Event,
    FinishSnapshot, IntoCommand, Principal, PrincipalScope, Site, SnapshotId, State,
};

/// How many snapshots are shared across the fleet.
const SIZES: [usize; 2] = [10, 100_000];
/// Shared snapshots per fleet owner, under the SHARE-2 limit of 1,024.
const PER_OWNER: usize = 1_000;
/// Snapshots per fleet share.
const PER_SHARE: usize = 250;
/// Accounts the fleet's shares name, one per share in turn.
const SHAREES: usize = 8;
const REGION: &str = "cn-hangzhou";
/// The owner whose commands are measured.
const OWNER: &str = "bench-owner";
/// Its share, holding one snapshot.
const SHARE: &str = "rs-bench";
/// Its snapshot not shared yet.
const NEW_SNAPSHOT: &str = "b-new";
/// An account not yet named by its share.
const NEW_PRINCIPAL: &str = "bench-newcomer";

/// The instant of every command.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Applies a command at `t0` that must be accepted.
fn accept(state: &mut State, actor: &Actor, command: impl IntoCommand) -> Vec<Event> {
    let command = command.into_command();
    let command: &Command = command.borrow();
    match state.apply_mut(t0(), actor, command) {
        Ok(events) => events,
        Err(violation) => panic!("{command:?} by {actor} refused: {violation}"),
    }
}

/// Registers a China-site account.
fn add_account(state: &mut State, account: &str) {
    let create = CreateAccount::new(account, Site::China);
    accept(state, &Actor::Platform, create);
}

/// Registers `owner` with a disk `d-<owner>` and `count` available,
/// permanent snapshots `<prefix>-0`, `<prefix>-1`, ... of it.
fn add_owner(state: &mut State, owner: &str, prefix: &str, count: usize) -> Vec<SnapshotId> {
    add_account(state, owner);
    let root = Actor::root(owner);
    let disk = format!("d-{owner}");
    let create_disk = CreateDisk::new(disk.as_str(), REGION, DiskCategory::Essd, 40);
    accept(state, &root, create_disk);
    (0..count)
        .map(|index| {
            let id = SnapshotId::from(format!("{prefix}-{index}"));
            let create = CreateSnapshot::new(id.clone(), disk.as_str());
            accept(state, &root, create);
            let finish = FinishSnapshot::available(id.clone(), 10);
            accept(state, &Actor::Platform, finish);
            id
        })
        .collect()
}

/// The fleet: `shared` snapshots shared by owners `o0`, `o1`, ... (at most
/// [`PER_OWNER`] each), in shares of at most [`PER_SHARE`]; then the
/// measured owner with `b-held` shared in `rs-bench` and `b-new` not
/// shared.
fn state_with(shared: usize) -> State {
    let mut state = State::new();
    let region = CreateRegion::new(REGION);
    accept(&mut state, &Actor::Platform, region);
    let sharees: Vec<String> = (0..SHAREES).map(|k| format!("p{k}")).collect();
    for sharee in &sharees {
        add_account(&mut state, sharee);
    }
    add_account(&mut state, NEW_PRINCIPAL);

    let owners = shared.div_ceil(PER_OWNER);
    let mut shares = 0usize;
    for owner in 0..owners {
        let count = shared / owners + usize::from(owner < shared % owners);
        let name = format!("o{owner}");
        let snapshots = add_owner(&mut state, &name, &format!("s-{name}"), count);
        for chunk in snapshots.chunks(PER_SHARE) {
            let create =
                CreateResourceShare::new(format!("rs-{shares}"), PrincipalScope::AllAccounts)
                    .principal(Principal::Account(
                        sharees[shares % SHAREES].as_str().into(),
                    ))
                    .snapshots(chunk.to_vec());
            accept(&mut state, &Actor::root(name.as_str()), create);
            shares += 1;
        }
    }

    let held = add_owner(&mut state, OWNER, "b", 1);
    let new = SnapshotId::from(NEW_SNAPSHOT);
    add_owner_snapshot(&mut state, &new);
    let create = CreateResourceShare::new(SHARE, PrincipalScope::AllAccounts)
        .principal(Principal::Account(sharees[0].as_str().into()))
        .snapshots(held);
    accept(&mut state, &Actor::root(OWNER), create);

    let fleet_shared: usize = (0..owners)
        .map(|owner| state.shared_snapshot_count(&format!("o{owner}").into()))
        .sum();
    assert_eq!(fleet_shared, shared, "the fleet shares the wrong count");
    assert_eq!(state.shared_snapshot_count(&OWNER.into()), 1);
    assert!(!state.is_shared(&new), "`b-new` must not be shared yet");
    assert_eq!(state.next_deadline().map(|at| at > t0()), Some(true));
    state
}

/// Adds one more available snapshot of the measured owner's disk.
fn add_owner_snapshot(state: &mut State, id: &SnapshotId) {
    let root = Actor::root(OWNER);
    let create = CreateSnapshot::new(id.clone(), format!("d-{OWNER}"));
    accept(state, &root, create);
    let finish = FinishSnapshot::available(id.clone(), 10);
    accept(state, &Actor::Platform, finish);
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

/// A measured command, and the command that undoes it.
struct Case {
    name: &'static str,
    command: Command,
    undo: Command,
}

fn cases() -> [Case; 2] {
    let snapshot = || vec![SnapshotId::from(NEW_SNAPSHOT)];
    let principal = || vec![Principal::account(NEW_PRINCIPAL)];
    [
        Case {
            name: "add_snapshot",
            command: AssociateResourceShare::new(SHARE)
                .snapshots(snapshot())
                .into(),
            undo: DisassociateResourceShare::new(SHARE)
                .snapshots(snapshot())
                .into(),
        },
        Case {
            name: "add_principal",
            command: AssociateResourceShare::new(SHARE)
                .principals(principal())
                .into(),
            undo: DisassociateResourceShare::new(SHARE)
                .principals(principal())
                .into(),
        },
    ]
}

fn quota_checks(c: &mut Criterion) {
    let mut states: Vec<(usize, State)> = SIZES.iter().map(|&n| (n, state_with(n))).collect();
    let root = Actor::root(OWNER);
    for case in cases() {
        let mut group = c.benchmark_group(format!("share/decide/{}", case.name));
        for (size, state) in &states {
            let events = state
                .decide(t0(), &root, &case.command)
                .unwrap_or_else(|violation| panic!("{} refused: {violation}", case.name));
            assert_eq!(events.len(), 1, "one snapshot or principal is added");
            group.bench_with_input(BenchmarkId::from_parameter(size), state, |b, state| {
                b.iter(|| state.decide(t0(), &root, black_box(&case.command)));
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("share/decide_evolve/{}", case.name));
        for (size, state) in &mut states {
            let before = state.clone();
            group.bench_function(BenchmarkId::from_parameter(*size), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let (events, took) =
                            timed(|| accept(state, &root, black_box(&case.command)));
                        total += took;
                        black_box(events);
                        accept(state, &root, &case.undo);
                    }
                    total
                });
            });
            assert!(
                *state == before,
                "undoing {} did not restore the state",
                case.name
            );
        }
        group.finish();
    }
}

criterion_group!(benches, quota_checks);
criterion_main!(benches);
