//! Bytes of memory per snapshot held in the state, indexes included, on
//! the fleets of `support/mod.rs`, measured with a counting allocator.
//!
//! The allocator counts the bytes live on the heap. Each fleet is built,
//! then the count is read with the state alive and again after dropping it:
//! the difference is what the state holds (its maps, indexes, objects and
//! ids), divided by its snapshots. Everything else the fleet holds
//! (accounts, disks, shares, vaults) is counted against the snapshots too.
//!
//! A second table measures the map structures alone the same way: the
//! bytes per entry of the persistent B-tree the state keeps its maps in
//! (`imbl::OrdMap`) and of the standard `BTreeMap` and `HashMap`, keyed by
//! snapshot ids with a `u64` value (issue 20; their speed is the `maps`
//! benchmark).
//!
//! A third table follows the memory of a long history: on the fleet of
//! 10^5 snapshots, 10^7 cycles each create a snapshot and delete it, with
//! minted ids (`snapguard::MINT`), so that the fleet keeps its size; the
//! bytes the state holds are read before and after (issue 20's target: at
//! most 1.2 times). The same history with ids chosen by the caller, which
//! the state remembers once deleted (GEN-4), runs 10^6 cycles for
//! comparison. `SNAPGUARD_MEMORY_CYCLES` sets the number of minted cycles
//! (the chosen ones run a tenth of it).
//!
//! Not a criterion benchmark: run `cargo bench --bench memory` and read
//! the tables it prints.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use std::collections::{BTreeMap, HashMap};

use snapguard::{Actor, CreateSnapshot, DeleteSnapshot, MINT, SnapshotId};

mod support;
use support::{
    DISKS_PER_ACCOUNT, Fleet, accept, account_id, created, disk_id, id, snapshot_id, t0,
};

/// The system allocator, counting the bytes it has handed out and not got
/// back.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's own layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's own pointer and layouts.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // building a million snapshots is no smoke test.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("memory: run with `cargo bench --bench memory`");
        return;
    }
    println!("| snapshots | bytes held by the state | bytes per snapshot |");
    println!("|----------:|------------------------:|-------------------:|");
    for size in support::sizes() {
        let fleet = Fleet::build(size);
        let with = LIVE.load(Ordering::Relaxed);
        let snapshots = fleet.layout.snapshots;
        drop(fleet);
        let without = LIVE.load(Ordering::Relaxed);
        let held = with.saturating_sub(without);
        println!(
            "| {snapshots:>9} | {held:>23} | {:>18.0} |",
            held as f64 / snapshots as f64
        );
    }
    println!();
    println!("| map | entries | bytes per entry |");
    println!("|-----|--------:|----------------:|");
    for size in support::sizes() {
        let keys: Vec<SnapshotId> = (0..size).map(snapshot_id).collect();
        let entries = || keys.iter().cloned().zip(0_u64..);
        let ordmap = held_by(|| entries().collect::<imbl::OrdMap<SnapshotId, u64>>());
        let btreemap = held_by(|| entries().collect::<BTreeMap<SnapshotId, u64>>());
        let hashmap = held_by(|| entries().collect::<HashMap<SnapshotId, u64>>());
        for (name, held) in [
            ("imbl::OrdMap", ordmap),
            ("BTreeMap", btreemap),
            ("HashMap", hashmap),
        ] {
            println!("| {name} | {size} | {:.0} |", held as f64 / size as f64);
        }
    }
    println!();
    let cycles = std::env::var("SNAPGUARD_MEMORY_CYCLES")
        .ok()
        .and_then(|cycles| cycles.parse().ok())
        .unwrap_or(10_000_000_usize);
    println!(
        "| ids | create-and-delete cycles | bytes at the start | bytes at the end | end / start |"
    );
    println!(
        "|-----|-------------------------:|-------------------:|-----------------:|------------:|"
    );
    for (ids, cycles, minted) in [("minted", cycles, true), ("chosen", cycles / 10, false)] {
        let (start, end) = history(cycles, minted);
        println!(
            "| {ids} | {cycles} | {start} | {end} | {:.3} |",
            end as f64 / start as f64
        );
    }
}

/// Bytes held by a fleet of 10^5 snapshots before and after a history of
/// `cycles` snapshots created and deleted, with minted ids or chosen ones.
fn history(cycles: usize, minted: bool) -> (usize, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    let mut fleet = Fleet::build(100_000);
    let start = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let layout = fleet.layout;
    for n in 0..cycles {
        let a = (support::mix(n as u64) as usize) % layout.accounts;
        let owner = Actor::root(account_id(a).as_str());
        let disk = disk_id(a * DISKS_PER_ACCOUNT + n % DISKS_PER_ACCOUNT);
        let snapshot = if minted { MINT.to_owned() } else { id("h", n) };
        let made = accept(
            &mut fleet.state,
            t0(),
            &owner,
            CreateSnapshot::new(snapshot, disk),
        );
        let delete = DeleteSnapshot::new(created(&made));
        accept(&mut fleet.state, t0(), &owner, delete);
    }
    assert_eq!(fleet.state.snapshots().count(), layout.snapshots);
    let end = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    drop(fleet);
    (start, end)
}

/// The bytes what `build` returns holds on the heap.
fn held_by<T>(build: impl FnOnce() -> T) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    let built = build();
    let with = LIVE.load(Ordering::Relaxed);
    drop(built);
    with.saturating_sub(before)
}
