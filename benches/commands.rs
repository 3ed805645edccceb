//! Cost of one decide + evolve (`State::apply_mut`) for every command family,
//! on fleets of 10^3, 10^5 and 10^6 snapshots (see `support/mod.rs` for the
//! fleet: accounts, disks, locks, shares and vaults in realistic numbers).
//!
//! Each timed iteration is exactly one `apply_mut` on a target drawn in a
//! fixed pseudo-random order from the whole fleet; untimed commands around
//! it prepare the target and undo the change, so that every iteration sees
//! a fleet of the same size:
//!
//! | family        | untimed before      | timed                          | untimed after            |
//! |---------------|---------------------|--------------------------------|--------------------------|
//! | lock          |                     | lock, 24 h cooling-off         | unlock                   |
//! | relock        | lock                | reconfigure in cooling-off     | unlock                   |
//! | extend        | lock (first visit)  | extend a compliance lock 1 day |                          |
//! | unlock        | lock                | unlock in cooling-off          |                          |
//! | delete        |                     | delete                         | a new snapshot instead   |
//! | share         |                     | add to the owner's share       | remove it                |
//! | unshare       | add to the share    | remove from the share          |                          |
//! | copy          |                     | copy to the other region       | delete (cancel) the copy |
//! | create_disk   |                     | a disk from the snapshot       | release the disk         |
//! | automatic     |                     | automatic snapshot, rotating   | finish it                |
//! | vault_point   |                     | create a backup point          | delete it                |
//! | vault_delete  | create a point      | delete the backup point        |                          |
//!
//! Every object a round creates has its id minted (`snapguard::MINT`), so
//! the state remembers nothing of what a round deletes, and a fleet keeps
//! its size and its memory however many rounds run. (Only the fleet's own
//! snapshots, named by the caller, are remembered once deleted or rotated
//! out: at most as many as the fleet has.)
//!
//! Every command is at the same instant, so no time-caused event is due.
//! The rotation, quota and deadline checks are all inside these commands,
//! so a cost that followed the fleet would show as the 10^6 figure
//! growing away from the 10^3 one.

use std::borrow::Borrow;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use snapguard::{
    Actor, Command, CopySnapshot, CreateAutomaticSnapshot, CreateBackupPoint, CreateDisk,
    DeleteBackupPoint, DeleteSnapshot, DiskCategory, DiskSource, IntoCommand, LockSnapshot, MINT,
    ReleaseDisk, SnapshotId, State, UnlockSnapshot,
};

mod support;
use support::{
    DISKS_PER_ACCOUNT, Fleet, Layout, REGIONS, accept, account_id, created, disk_id, finish,
    share_command, snapshot_id, t0, timed, vault_id,
};

/// Times one accepted command.
fn time(state: &mut State, actor: &Actor, command: impl IntoCommand) -> Duration {
    time_creating(state, actor, command).0
}

/// Times one accepted command; returns the time and its events.
fn time_creating(
    state: &mut State,
    actor: &Actor,
    command: impl IntoCommand,
) -> (Duration, Vec<snapguard::Event>) {
    let now = t0();
    let command = command.into_command();
    let command: &Command = command.borrow();
    let (events, took) = timed(|| accept(state, now, actor, black_box(command)));
    (took, black_box(events))
}

/// Runs `step` as the benchmark of `family` at `size`.
fn bench(c: &mut Criterion, family: &str, size: usize, step: impl FnMut(usize) -> Duration) {
    support::bench(c, &format!("decide_evolve/{family}"), size, step);
}

fn owner(layout: Layout, i: usize) -> Actor {
    Actor::root(account_id(layout.owner_of(i)).as_str())
}

fn lock(i: usize, days: u32, cool_off_hours: u32) -> Command {
    LockSnapshot::new(snapshot_id(i), days, cool_off_hours).into()
}

fn unlock(i: usize) -> Command {
    UnlockSnapshot::new(snapshot_id(i)).into()
}

fn locks(c: &mut Criterion, fleet: &mut Fleet) {
    let (layout, manual) = (fleet.layout, fleet.layout.kept());
    let size = layout.snapshots;
    let pick = |round: usize| manual[round % manual.len()];
    let state = &mut fleet.state;
    bench(c, "lock", size, |round| {
        let i = pick(round);
        let took = time(state, &owner(layout, i), lock(i, 30, 24));
        accept(state, t0(), &owner(layout, i), unlock(i));
        took
    });
    bench(c, "relock", size, |round| {
        let i = pick(round);
        accept(state, t0(), &owner(layout, i), lock(i, 30, 24));
        let took = time(state, &owner(layout, i), lock(i, 60, 24));
        accept(state, t0(), &owner(layout, i), unlock(i));
        took
    });
    bench(c, "unlock", size, |round| {
        let i = pick(round);
        accept(state, t0(), &owner(layout, i), lock(i, 30, 24));
        time(state, &owner(layout, i), unlock(i))
    });
}

/// Extends compliance locks: run last on a fleet, as every snapshot it
/// touches stays locked. On its first visit a target is locked in
/// compliance for a day (untimed); each visit then extends its lock by one
/// more day. Before a lock would pass the longest allowed (LOCK-1), the
/// fleet is built again and the visits start over.
fn extensions(c: &mut Criterion, fleet: &mut Fleet) {
    let layout = fleet.layout;
    let pool = layout.kept();
    let state = &mut fleet.state;
    let mut visit = 0usize;
    bench(c, "extend", layout.snapshots, |_| {
        let i = pool[visit % pool.len()];
        let visits = u32::try_from(visit / pool.len()).expect("fewer than 30,000 visits");
        if visits == 0 {
            accept(state, t0(), &owner(layout, i), lock(i, 1, 0));
        }
        let took = time(state, &owner(layout, i), lock(i, visits + 2, 0));
        visit += 1;
        if visit == 30_000 * pool.len() {
            *state = Fleet::build(layout.snapshots).state;
            visit = 0;
        }
        took
    });
}

fn deletes(c: &mut Criterion, fleet: &mut Fleet) {
    let (layout, size) = (fleet.layout, fleet.layout.snapshots);
    let original = || -> Vec<(usize, SnapshotId)> {
        layout
            .expendable()
            .into_iter()
            .map(|i| (i, snapshot_id(i)))
            .collect()
    };
    let mut manual = original();
    let state = &mut fleet.state;
    bench(c, "delete", size, |round| {
        let slot = round % manual.len();
        let (i, victim) = &mut manual[slot];
        let delete = DeleteSnapshot::new(victim.clone());
        let took = time(state, &owner(layout, *i), delete);
        let create = snapguard::CreateSnapshot::new(MINT, disk_id(layout.disk_of(*i)));
        *victim = created(&accept(state, t0(), &owner(layout, *i), create)).into();
        finish(state, victim.clone());
        took
    });
}

fn sharing(c: &mut Criterion, fleet: &mut Fleet) {
    let (layout, manual) = (fleet.layout, fleet.layout.kept());
    let size = layout.snapshots;
    let state = &mut fleet.state;
    let commands =
        |i: usize, add: bool| share_command(layout.owner_of(i), vec![snapshot_id(i)], add);
    bench(c, "share", size, |round| {
        let i = manual[round % manual.len()];
        let took = time(state, &owner(layout, i), commands(i, true));
        accept(state, t0(), &owner(layout, i), commands(i, false));
        took
    });
    bench(c, "unshare", size, |round| {
        let i = manual[round % manual.len()];
        accept(state, t0(), &owner(layout, i), commands(i, true));
        time(state, &owner(layout, i), commands(i, false))
    });
}

fn copies_and_disks(c: &mut Criterion, fleet: &mut Fleet) {
    let (layout, manual) = (fleet.layout, fleet.layout.kept());
    let size = layout.snapshots;
    let state = &mut fleet.state;
    bench(c, "copy", size, |round| {
        let i = manual[round % manual.len()];
        let region = REGIONS[(layout.disk_of(i) + 1) % 2];
        let command = CopySnapshot::new(snapshot_id(i), MINT, region);
        let (took, events) = time_creating(state, &owner(layout, i), command);
        let delete = DeleteSnapshot::new(created(&events));
        accept(state, t0(), &owner(layout, i), delete);
        took
    });
    bench(c, "create_disk", size, |round| {
        let i = manual[round % manual.len()];
        let region = REGIONS[layout.disk_of(i) % 2];
        let command = CreateDisk::new(MINT, region, DiskCategory::Essd, 100)
            .source(DiskSource::snapshot(snapshot_id(i)));
        let (took, events) = time_creating(state, &owner(layout, i), command);
        let release = ReleaseDisk::new(created(&events));
        accept(state, t0(), &owner(layout, i), release);
        took
    });
}

fn rotation(c: &mut Criterion, fleet: &mut Fleet) {
    let (size, disks) = (fleet.layout.snapshots, fleet.layout.disks);
    let state = &mut fleet.state;
    bench(c, "automatic", size, |round| {
        // Skip each account's first disk, whose snapshots are shared.
        let d = (support::mix(round as u64) as usize) % disks;
        let d = d - d % DISKS_PER_ACCOUNT + 1 + d % (DISKS_PER_ACCOUNT - 1);
        // The rotation deletes the disk's oldest automatic snapshot.
        let command = CreateAutomaticSnapshot::new(MINT, disk_id(d));
        let (took, events) = time_creating(state, &Actor::Platform, command);
        finish(state, created(&events).into());
        took
    });
}

fn vaults(c: &mut Criterion, fleet: &mut Fleet) {
    let (size, accounts) = (fleet.layout.snapshots, fleet.layout.accounts);
    let state = &mut fleet.state;
    let mut made = 0usize;
    let create = |made: usize| {
        let a = (support::mix(made as u64) as usize) % accounts;
        let command = CreateBackupPoint::new(MINT, vault_id(a)).retention_days(30);
        (Actor::root(account_id(a).as_str()), Command::from(command))
    };
    bench(c, "vault_point", size, |_| {
        made += 1;
        let (owner, command) = create(made);
        let (took, events) = time_creating(state, &Actor::Platform, &command);
        accept(
            state,
            t0(),
            &owner,
            DeleteBackupPoint::new(created(&events)),
        );
        took
    });
    bench(c, "vault_delete", size, |_| {
        made += 1;
        let (owner, command) = create(made);
        let point = created(&accept(state, t0(), &Actor::Platform, &command));
        time(state, &owner, DeleteBackupPoint::new(point))
    });
}

fn commands(c: &mut Criterion) {
    for size in support::sizes() {
        let mut fleet = Fleet::build(size);
        locks(c, &mut fleet);
        deletes(c, &mut fleet);
        sharing(c, &mut fleet);
        copies_and_disks(c, &mut fleet);
        rotation(c, &mut fleet);
        vaults(c, &mut fleet);
        extensions(c, &mut fleet);
        assert_eq!(fleet.state.snapshots().count(), fleet.layout.snapshots);
    }
}

criterion_group!(benches, commands);
criterion_main!(benches);
