//! Throughput of a mixed workload: this step, repeated, on fleets of
//! 10^3, 2×10^4 and 10^6 snapshots (see `support/mod.rs`):
//!
//! 1. the owner takes a snapshot of one of its disks (`CreateSnapshot`);
//! 2. the platform completes it (`FinishSnapshot`: only an available
//!    snapshot can be shared, so creating one is two commands here);
//! 3. the owner adds it to its resource share, which names 3 accounts;
//! 4. the owner copies it to the other region;
//! 5. the owner removes it from the share;
//! 6. the owner deletes the copy (still in progress: its creation is
//!    cancelled);
//! 7. the owner deletes the snapshot.
//!
//! Each iteration is one whole step, every command by `apply_mut` (that is
//! decide, then evolve) and timed; criterion reports commands per second
//! (7 per step). The owner changes at every step, in a fixed pseudo-random order
//! over the fleet's accounts. The fleet keeps its size: every step deletes
//! what it made, and what it makes has minted ids (`snapguard::MINT`),
//! which the state does not remember once deleted: the state after a step
//! is the state before it, but for its clock and its count of minted ids.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use snapguard::{
    Actor, Command, CopySnapshot, CreateSnapshot, DeleteSnapshot, FinishSnapshot, MINT, ObjectKind,
    SnapshotId,
};

mod support;
use support::{
    DISKS_PER_ACCOUNT, Fleet, REGIONS, accept, account_id, disk_id, mix, share_command, t0, timed,
};

/// Commands per step.
const STEP: u64 = 7;

/// One step's commands, with their actors, for the `n`th step.
fn step(fleet: &Fleet, n: usize) -> Vec<(Actor, Command)> {
    let layout = fleet.layout;
    let a = (mix(n as u64) as usize) % layout.accounts;
    let d = a * DISKS_PER_ACCOUNT + n % DISKS_PER_ACCOUNT;
    let owner = Actor::root(account_id(a).as_str());
    // The ids the step's two creations mint, known ahead from the count.
    let minted = fleet.state.minted_count();
    let next = |n| SnapshotId::new(ObjectKind::Snapshot.minted_id(n).expect("ids left"));
    let (snapshot, copy) = (next(minted), next(minted + 1));
    vec![
        (owner.clone(), CreateSnapshot::new(MINT, disk_id(d)).into()),
        (
            Actor::Platform,
            FinishSnapshot::available(snapshot.clone(), 10).into(),
        ),
        (
            owner.clone(),
            share_command(a, vec![snapshot.clone()], true),
        ),
        (
            owner.clone(),
            CopySnapshot::new(snapshot.clone(), MINT, REGIONS[(d + 1) % 2]).into(),
        ),
        (
            owner.clone(),
            share_command(a, vec![snapshot.clone()], false),
        ),
        (owner.clone(), DeleteSnapshot::new(copy).into()),
        (owner, DeleteSnapshot::new(snapshot).into()),
    ]
}

fn workload(c: &mut Criterion) {
    let mut group = c.benchmark_group("workload/mixed");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(STEP));
    for size in support::workload_sizes() {
        let mut fleet = Fleet::build(size);
        let mut n = 0usize;
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    // Building the commands (ids, actors) is the caller's
                    // part, not the model's: untimed.
                    let commands = step(&fleet, n);
                    let ((), took) = timed(|| {
                        for (actor, command) in &commands {
                            black_box(accept(&mut fleet.state, t0(), actor, black_box(command)));
                        }
                    });
                    total += took;
                }
                total
            });
        });
        assert_eq!(fleet.state.snapshots().count(), fleet.layout.snapshots);
    }
    group.finish();
}

criterion_group!(benches, workload);
criterion_main!(benches);
