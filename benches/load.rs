//! Cost of refusing a hostile serialized state: one resource share naming
//! N accounts and holding S snapshots. Each snapshot then has N + 1
//! principals, far past SHARE-1's 64, and the owner S shared snapshots,
//! past SHARE-2's 1,024. Indexing the share would build N × S entries (the
//! principals of each snapshot) before counting them: 16 million at
//! N = S = 4,000. Loading reads the quotas from the share itself and
//! refuses it before any index is built.
//!
//! The state is built through the public API (N China-site accounts, one
//! disk, S permanent snapshots, a share of one of them with one account),
//! serialized, and the share is then given every account and snapshot in
//! the JSON, as no command would allow. Measured, from the JSON text:
//!
//! - `load/refuse_state/N`: deserializing a `State` (refused at the first
//!   broken invariant);
//! - `load/check_unchecked/N`: deserializing an `UncheckedState` and
//!   `check`, which reports every snapshot over SHARE-1 and the owner over
//!   SHARE-2;
//! - `load/accept_valid/N`: for scale, the same state with a share of 64
//!   accounts (the quota) and min(S, 1,000) snapshots (under SHARE-2's
//!   1,024), which loads, indexes included.
//!
//! Before the criterion runs, a table gives the peak heap bytes above the
//! JSON text while each is loaded, read from a counting allocator (as
//! `benches/memory.rs` counts live bytes).
//!
//! Run `cargo bench --bench load`; without `--bench` (`cargo test
//! --benches`) it only smoke-tests N = S = 100.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion};
use serde_json::{Value, json};
use snapguard::{
    Actor, Command, CreateAccount, CreateDisk, CreateRegion, CreateResourceShare, CreateSnapshot,
    DiskCategory, FinishSnapshot, Principal, PrincipalScope, Site, SnapshotOutcome, State,
    UncheckedState,
};

/// The system allocator, counting the bytes it has handed out and not got
/// back, and the most ever live at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded with the caller's own layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's own pointer and layouts.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const REGION: &str = "cn-hangzhou";
const OWNER: &str = "1001";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn accept(state: &mut State, actor: &Actor, command: impl Into<Command>) {
    let command = command.into();
    if let Err(violation) = state.apply_mut(t0(), actor, &command) {
        panic!("{command:?} refused: {violation}");
    }
}

/// The JSON text of a state where [`OWNER`]'s share `rs-1` names
/// `accounts` accounts and holds `snapshots` snapshots.
fn crowded_share(accounts: usize, snapshots: usize) -> String {
    let mut state = State::new();
    let (platform, owner) = (Actor::Platform, Actor::root(OWNER));
    accept(&mut state, &platform, CreateRegion::new(REGION));
    let ids: Vec<String> = (0..accounts).map(|i| format!("a-{i}")).collect();
    for account in std::iter::once(OWNER).chain(ids.iter().map(String::as_str)) {
        let site = Site::China;
        accept(&mut state, &platform, CreateAccount::new(account, site));
    }
    let disk = CreateDisk::new("d-1", REGION, DiskCategory::Essd, 40);
    accept(&mut state, &owner, disk);
    for i in 0..snapshots {
        let snapshot = format!("s-{i}");
        let create = CreateSnapshot::new(snapshot.as_str(), "d-1");
        accept(&mut state, &owner, create);
        let outcome = SnapshotOutcome::Available { size_gib: 10 };
        accept(
            &mut state,
            &platform,
            FinishSnapshot::new(snapshot, outcome),
        );
    }
    let share = CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts)
        .principal(Principal::account("a-0"))
        .snapshot("s-0");
    accept(&mut state, &owner, share);
    let mut data = serde_json::to_value(&state).unwrap();
    let share = data["shares"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|share| share["id"] == "rs-1")
        .unwrap();
    let view = share["snapshots"]["s-0"].clone();
    for i in 0..snapshots {
        share["snapshots"][format!("s-{i}")] = view.clone();
    }
    let principals: Vec<Value> = ids
        .iter()
        .map(|id| json!({"type": "account", "id": id}))
        .collect();
    share["principals"] = Value::Array(principals);
    data.to_string()
}

fn refuse_state(text: &str) -> bool {
    serde_json::from_str::<State>(text).is_err()
}

fn check_unchecked(text: &str) -> usize {
    let unchecked: UncheckedState = serde_json::from_str(text).unwrap();
    unchecked.check().err().map_or(0, |errors| errors.len())
}

fn accept_valid(text: &str) -> bool {
    serde_json::from_str::<State>(text).is_ok()
}

/// The peak heap bytes above those live before `load` runs, with what it
/// returned.
fn peak<T>(load: impl FnOnce() -> T) -> (usize, T) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = load();
    (PEAK.load(Ordering::Relaxed).saturating_sub(before), result)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let sizes: &[usize] = if full { &[1_000, 4_000] } else { &[100] };
    let cases: Vec<(usize, String, String)> = sizes
        .iter()
        .map(|&n| (n, crowded_share(n, n), crowded_share(64, n.min(1_000))))
        .collect();
    println!(
        "| N = S | JSON | refuse `State` peak | `check` peak | errors | valid share (64 × min(S, 1,000)) peak |"
    );
    println!(
        "|------:|-----:|--------------------:|-------------:|-------:|--------------------------------------:|"
    );
    for (n, hostile, valid) in &cases {
        let (refused_peak, refused) = peak(|| refuse_state(hostile));
        let (check_peak, errors) = peak(|| check_unchecked(hostile));
        let (valid_peak, loaded) = peak(|| accept_valid(valid));
        assert!(refused && errors > 0 && loaded, "N = {n}");
        println!(
            "| {n} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {errors} | {:.1} MiB |",
            mib(hostile.len()),
            mib(refused_peak),
            mib(check_peak),
            mib(valid_peak)
        );
    }
    if !full {
        return;
    }
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    for (n, hostile, valid) in &cases {
        c.bench_with_input(
            BenchmarkId::new("load/refuse_state", n),
            hostile,
            |b, text| {
                b.iter(|| assert!(refuse_state(black_box(text))));
            },
        );
        c.bench_with_input(
            BenchmarkId::new("load/check_unchecked", n),
            hostile,
            |b, text| {
                b.iter(|| check_unchecked(black_box(text)));
            },
        );
        c.bench_with_input(
            BenchmarkId::new("load/accept_valid", n),
            valid,
            |b, text| {
                b.iter(|| assert!(accept_valid(black_box(text))));
            },
        );
    }
    c.final_summary();
}
