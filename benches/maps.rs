//! The map structures alone, without snapguard's rules: what one random
//! lookup, and one insert with its remove (a create-and-delete cycle),
//! cost in the persistent B-tree the state keeps its maps in
//! (`imbl::OrdMap`) against the standard library's `BTreeMap` and
//! `HashMap`, at 10^3, 2×10^4 and 10^6 entries keyed by snapshot ids.
//!
//! This is the floor under the figures of `commands`, `state` and
//! `workload` (issue 20): a command that touches four maps costs at least
//! four lookups here. `imbl_hashmap` is the persistent hash trie tried for
//! the tables, and `imbl_ordmap_slots` the same B-tree keyed by dense
//! `u32` slots instead of ids: what indexes keyed by slot would cost.
//! Run `cargo bench --bench maps`; sizes as the other benchmarks
//! (`SNAPGUARD_BENCH_SIZES`).

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use snapguard::SnapshotId;

mod support;
use support::{mix, snapshot_id};

/// The sizes measured: those of the commands benchmark.
fn sizes() -> Vec<usize> {
    support::workload_sizes()
}

/// A key the maps are measured with: a snapshot id (24 bytes, the text
/// inline), as the state's maps are keyed today, or a dense slot (a
/// `u32`), as indexes keyed by slot would be.
trait Key: Clone + Ord + std::hash::Hash {
    /// The `i`th key a map holds.
    fn nth(i: usize) -> Self;
    /// A key the map does not hold, near the `i`th in key order.
    fn absent(i: usize) -> Self;
}

impl Key for SnapshotId {
    fn nth(i: usize) -> Self {
        snapshot_id(i)
    }
    fn absent(i: usize) -> Self {
        format!("{}x", snapshot_id(i)).into()
    }
}

impl Key for u32 {
    fn nth(i: usize) -> Self {
        u32::try_from(i).unwrap_or(u32::MAX) * 2
    }
    fn absent(i: usize) -> Self {
        u32::try_from(i).unwrap_or(u32::MAX) * 2 + 1
    }
}

/// The keys a map of `size` entries holds, and the order they are probed
/// in (a fixed pseudo-random order, so that a probe rarely finds its path
/// in cache when the map is larger than the cache).
fn keys<K: Key>(size: usize) -> (Vec<K>, Vec<usize>) {
    let keys: Vec<K> = (0..size).map(K::nth).collect();
    let len = u64::try_from(size).unwrap_or(u64::MAX).max(1);
    let order = (0..size as u64)
        .map(|i| usize::try_from(mix(i) % len).unwrap_or(0))
        .collect();
    (keys, order)
}

/// The operations a map offers the benchmark.
trait Bench<K> {
    fn name() -> &'static str;
    fn build(keys: &[K]) -> Self;
    fn get(&self, key: &K) -> Option<&u64>;
    fn insert(&mut self, key: K, value: u64);
    fn remove(&mut self, key: &K);
}

/// Implements [`Bench`] for a map type whose methods have the usual names.
macro_rules! bench_map {
    ($($key:ty: $map:ty => $name:literal),* $(,)?) => {$(
        impl Bench<$key> for $map {
            fn name() -> &'static str {
                $name
            }
            fn build(keys: &[$key]) -> Self {
                keys.iter().cloned().zip(0_u64..).collect()
            }
            fn get(&self, key: &$key) -> Option<&u64> {
                <$map>::get(self, key)
            }
            fn insert(&mut self, key: $key, value: u64) {
                <$map>::insert(self, key, value);
            }
            fn remove(&mut self, key: &$key) {
                <$map>::remove(self, key);
            }
        }
    )*};
}

bench_map! {
    SnapshotId: imbl::OrdMap<SnapshotId, u64> => "imbl_ordmap",
    SnapshotId: BTreeMap<SnapshotId, u64> => "std_btreemap",
    SnapshotId: HashMap<SnapshotId, u64> => "std_hashmap",
    SnapshotId: imbl::HashMap<SnapshotId, u64> => "imbl_hashmap",
    u32: imbl::OrdMap<u32, u64> => "imbl_ordmap_slots",
}

/// `maps/<map>/get` and `maps/<map>/insert_remove` at `size`. The
/// operations are too quick to time one by one (reading the clock costs
/// about as much), so criterion times batches of them.
fn measure<K: Key, M: Bench<K>>(c: &mut Criterion, size: usize) {
    let (keys, order) = keys::<K>(size);
    // Keys the map does not hold, each near a held one in key order.
    let absent: Vec<K> = order.iter().map(|&i| K::absent(i)).collect();
    let mut map = M::build(&keys);
    let mut group = c.benchmark_group(format!("maps/{}", M::name()));
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut round = 0usize;
    group.bench_function(BenchmarkId::new("get", size), |b| {
        b.iter(|| {
            round = (round + 1) % order.len();
            let found = map.get(black_box(&keys[order[round]])).copied();
            assert!(found.is_some(), "every probed key is in the map");
            found
        });
    });
    group.bench_function(BenchmarkId::new("insert_remove", size), |b| {
        b.iter(|| {
            round = (round + 1) % absent.len();
            let key = &absent[round];
            map.insert(black_box(key.clone()), 1);
            map.remove(black_box(key));
        });
    });
    group.finish();
}

fn maps(c: &mut Criterion) {
    for size in sizes() {
        measure::<SnapshotId, imbl::OrdMap<SnapshotId, u64>>(c, size);
        measure::<SnapshotId, BTreeMap<SnapshotId, u64>>(c, size);
        measure::<SnapshotId, HashMap<SnapshotId, u64>>(c, size);
        measure::<SnapshotId, imbl::HashMap<SnapshotId, u64>>(c, size);
        measure::<u32, imbl::OrdMap<u32, u64>>(c, size);
    }
}

criterion_group!(benches, maps);
criterion_main!(benches);
