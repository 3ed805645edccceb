//! A realistic fleet for the benchmarks, built through the public API.
//!
//! `Fleet::build(n)` holds `n` snapshots spread as a cloud region would
//! hold them:
//!
//! - `max(4, n / 1,000)` accounts, 10 disks each, in two regions;
//! - `n / disks` snapshots per disk (25 at 10^3, 100 from 10^5): half of
//!   them automatic, at the disk's rotation limit, so that one more rotates
//!   the oldest, and half manual;
//! - the manual snapshots at every 10th position of their disk under a
//!   365-day compliance lock (1 manual snapshot in 10 from 10^5, 1 in 13 at
//!   10^3);
//! - per account: a resource share naming the next 3 accounts, holding 10
//!   of its snapshots, a vault with 10 backup points kept 30 days, and
//!   KMS activated.
//!
//! `Fleet::build_lasting(n)` is the same fleet with its locks and backup
//! points at the longest the limits allow (100 and 179 years) and its
//! sharees' views of permanent snapshots lasting 100 years (SHARE-9, 3
//! years by default), for the benchmarks that move time on a day a round.
//!
//! Ids look like the provider's: `s-` and 16 hex digits (18 characters),
//! scattered by a bijective mix so that new ids land anywhere in an ordered
//! map, never only at its end. Every command is at [`t0`]; nothing falls
//! due while a benchmark runs unless it says so.
//!
//! Benchmarks pick their targets in a fixed pseudo-random order over the
//! whole fleet ([`Fleet::targets`]), so that a large state is measured with
//! the cache misses a control plane meets, not with one hot snapshot.

#![allow(dead_code)] // Each benchmark binary uses a different part.

use std::borrow::Borrow;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion};
use snapguard::{
    AccountId, ActivateKms, Actor, AssociateResourceShare, BackupPointId, Command, CreateAccount,
    CreateAutomaticSnapshot, CreateBackupPoint, CreateDisk, CreateRegion, CreateResourceShare,
    CreateSnapshot, CreateVault, DiskCategory, DiskId, Event, FinishSnapshot, IntoCommand, Limits,
    LockSnapshot, Principal, PrincipalScope, ShareId, Site, SnapshotId, State, VaultId, VaultKind,
};

/// The fleet sizes every per-command benchmark runs at.
pub const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

/// The fleet sizes the mixed workload runs at.
pub const WORKLOAD_SIZES: [usize; 3] = [1_000, 20_000, 1_000_000];

/// [`WORKLOAD_SIZES`], or the sizes in `SNAPGUARD_BENCH_SIZES`.
pub fn workload_sizes() -> Vec<usize> {
    match std::env::var("SNAPGUARD_BENCH_SIZES") {
        Ok(_) => sizes(),
        Err(_) => WORKLOAD_SIZES.to_vec(),
    }
}

/// [`SIZES`], or the comma-separated sizes in `SNAPGUARD_BENCH_SIZES` (for a
/// quick run: `SNAPGUARD_BENCH_SIZES=1000 cargo bench`).
pub fn sizes() -> Vec<usize> {
    match std::env::var("SNAPGUARD_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|size| size.trim().parse().expect("SNAPGUARD_BENCH_SIZES: sizes"))
            .collect(),
        Err(_) => SIZES.to_vec(),
    }
}
/// Disks per account.
pub const DISKS_PER_ACCOUNT: usize = 10;
/// One manual snapshot in this many is locked.
pub const LOCK_EVERY: usize = 10;
/// Snapshots each account shares.
pub const SHARED_PER_ACCOUNT: usize = 10;
/// Backup points in each account's vault.
pub const POINTS_PER_VAULT: usize = 10;
pub const REGIONS: [&str; 2] = ["cn-hangzhou", "cn-shanghai"];

/// The instant of every command.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

/// A bijective scramble of `i` (splitmix64's finaliser).
pub fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `i`th id of a kind, such as `s-3f2a9c0d81b7e645`.
pub fn id(prefix: &str, i: usize) -> String {
    format!("{prefix}-{:016x}", mix(i as u64))
}

pub fn snapshot_id(i: usize) -> SnapshotId {
    id("s", i).into()
}

pub fn account_id(a: usize) -> AccountId {
    format!("{:016}", 1_000_000_000_000_000 + a).into()
}

pub fn disk_id(d: usize) -> DiskId {
    id("d", d).into()
}

pub fn share_id(a: usize) -> ShareId {
    id("rs", a).into()
}

pub fn vault_id(a: usize) -> VaultId {
    id("v", a).into()
}

pub fn point_id(p: usize) -> BackupPointId {
    id("bp", p).into()
}

/// Applies a command at `now` that must be accepted.
pub fn accept(
    state: &mut State,
    now: DateTime<Utc>,
    actor: &Actor,
    command: impl IntoCommand,
) -> Vec<Event> {
    let command = command.into_command();
    let command: &Command = command.borrow();
    match state.apply_mut(now, actor, command) {
        Ok(events) => events,
        Err(violation) => panic!("{command:?} by {actor} refused: {violation}"),
    }
}

/// Runs `f`, returning its result and the wall time it took.
// Benchmarks measure wall time; the library itself never reads a clock
// (GEN-1), which clippy.toml enforces everywhere else.
#[allow(clippy::disallowed_methods)]
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}

/// Runs `step` as the benchmark `name` at `size`: `step` is given the
/// round (1, 2, ...) and returns the time of its one timed command.
pub fn bench(c: &mut Criterion, name: &str, size: usize, mut step: impl FnMut(usize) -> Duration) {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut round = 0usize;
    group.bench_function(BenchmarkId::from_parameter(size), |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    round += 1;
                    step(round)
                })
                .sum()
        });
    });
    group.finish();
}

/// The id of the object `events` created: the benchmarks create every
/// object after the fleet's with [`snapguard::MINT`], so that the state
/// remembers nothing of what they delete and every round sees the same
/// state, however many rounds run.
pub fn created(events: &[Event]) -> String {
    let (_, id) = events
        .iter()
        .find_map(Event::created)
        .expect("the command created an object");
    id.to_owned()
}

/// What a benchmark needs to know about the fleet it runs on.
pub struct Fleet {
    pub state: State,
    pub layout: Layout,
}

/// How long a fleet's own deadlines lie ahead: its locks' days, its backup
/// points', and how long its shares' sharees see a permanent snapshot
/// (SHARE-9; the default limit when `None`).
#[derive(Clone, Copy)]
struct Horizon {
    lock_days: u32,
    point_days: u32,
    share_days: Option<u32>,
}

impl Horizon {
    const USUAL: Self = Self {
        lock_days: 365,
        point_days: 30,
        share_days: None,
    };
    /// The longest lock (LOCK-1) and retention (SNAP-5) of the default
    /// limits, and views as long as the locks.
    const LASTING: Self = Self {
        lock_days: 36_500,
        point_days: 65_536,
        share_days: Some(36_500),
    };
}

/// Where each snapshot of a fleet is.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub snapshots: usize,
    pub accounts: usize,
    pub disks: usize,
    /// Snapshots per disk; the first half of each disk's are automatic.
    pub per_disk: usize,
}

/// The kinds of snapshot of the fleet, by position on their disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Automatic,
    Manual,
    Locked,
}

impl Fleet {
    /// The limits of a fleet: the RULES.md defaults, with the rotation
    /// limit at the automatic snapshots each disk holds.
    pub fn limits(per_disk: usize) -> Limits {
        let mut limits = Limits::default();
        limits.auto_snapshots_per_disk = (per_disk / 2) as u32;
        limits
    }

    /// Builds a fleet of `snapshots` snapshots (rounded down to a multiple
    /// of its disks).
    pub fn build(snapshots: usize) -> Self {
        Self::build_with(snapshots, Horizon::USUAL)
    }

    /// The same fleet, its own locks and backup points kept as long as the
    /// limits allow, so that time can move on a day a round for decades
    /// without any of them falling due.
    pub fn build_lasting(snapshots: usize) -> Self {
        Self::build_with(snapshots, Horizon::LASTING)
    }

    fn build_with(snapshots: usize, horizon: Horizon) -> Self {
        let accounts = (snapshots / 1_000).max(4);
        let disks = accounts * DISKS_PER_ACCOUNT;
        let per_disk = snapshots / disks;
        assert!(per_disk >= 2 * LOCK_EVERY, "a fleet of at least 1,000");
        let mut limits = Self::limits(per_disk);
        if let Some(days) = horizon.share_days {
            limits.permanent_share_days = days;
        }
        let mut state = State::with_limits(limits).expect("coherent limits");
        let now = t0();
        for region in REGIONS {
            let command = CreateRegion::new(region);
            accept(&mut state, now, &Actor::Platform, command);
        }
        for a in 0..accounts {
            let create = CreateAccount::new(account_id(a), Site::China);
            accept(&mut state, now, &Actor::Platform, create);
        }
        let mut fleet = Self {
            state,
            layout: Layout {
                snapshots: disks * per_disk,
                accounts,
                disks,
                per_disk,
            },
        };
        for a in 0..accounts {
            fleet.build_account(a, horizon);
        }
        assert_eq!(fleet.state.snapshots().count(), fleet.layout.snapshots);
        assert_eq!(fleet.state.next_deadline().map(|at| at > now), Some(true));
        fleet
    }

    fn build_account(&mut self, a: usize, horizon: Horizon) {
        let (now, root) = (t0(), Actor::root(account_id(a).as_str()));
        let (state, layout) = (&mut self.state, self.layout);
        accept(state, now, &root, ActivateKms::new());
        for d in a * DISKS_PER_ACCOUNT..(a + 1) * DISKS_PER_ACCOUNT {
            let disk = CreateDisk::new(disk_id(d), REGIONS[d % 2], DiskCategory::Essd, 100);
            accept(state, now, &root, disk);
            for i in d * layout.per_disk..(d + 1) * layout.per_disk {
                let create: Command = match layout.slot(i) {
                    Slot::Automatic => {
                        CreateAutomaticSnapshot::new(snapshot_id(i), disk_id(d)).into()
                    }
                    Slot::Manual | Slot::Locked => {
                        CreateSnapshot::new(snapshot_id(i), disk_id(d)).into()
                    }
                };
                let actor = match layout.slot(i) {
                    Slot::Automatic => &Actor::Platform,
                    _ => &root,
                };
                accept(state, now, actor, &create);
                finish(state, snapshot_id(i));
                if layout.slot(i) == Slot::Locked {
                    let lock = LockSnapshot::new(snapshot_id(i), horizon.lock_days, 0);
                    accept(state, now, &root, lock);
                }
            }
        }
        let shared = (0..SHARED_PER_ACCOUNT).map(|k| snapshot_id(layout.manual_of(a, k)));
        let principals = (1..=3).map(|k| Principal::Account(account_id((a + k) % layout.accounts)));
        let share = CreateResourceShare::new(share_id(a), PrincipalScope::AllAccounts)
            .principals(principals)
            .snapshots(shared);
        accept(state, now, &root, share);
        let vault = CreateVault::new(vault_id(a), REGIONS[0], VaultKind::GeneralPurpose);
        accept(state, now, &root, vault);
        for p in a * POINTS_PER_VAULT..(a + 1) * POINTS_PER_VAULT {
            let point =
                CreateBackupPoint::new(point_id(p), vault_id(a)).retention_days(horizon.point_days);
            accept(state, now, &Actor::Platform, point);
        }
    }
}

impl Layout {
    /// What the `i`th snapshot is: the first half of each disk's are
    /// automatic, one manual in [`LOCK_EVERY`] is locked.
    pub fn slot(&self, i: usize) -> Slot {
        let k = i % self.per_disk;
        if k < self.per_disk / 2 {
            Slot::Automatic
        } else if k % LOCK_EVERY == 0 {
            Slot::Locked
        } else {
            Slot::Manual
        }
    }

    /// The `k`th unlocked manual snapshot of account `a`'s first disk.
    pub fn manual_of(&self, a: usize, k: usize) -> usize {
        let first = a * DISKS_PER_ACCOUNT * self.per_disk;
        (first..first + self.per_disk)
            .filter(|&i| self.slot(i) == Slot::Manual)
            .nth(k)
            .expect("enough manual snapshots on a disk")
    }

    /// The disk of snapshot `i`.
    pub fn disk_of(&self, i: usize) -> usize {
        i / self.per_disk
    }

    /// The account owning snapshot `i`.
    pub fn owner_of(&self, i: usize) -> usize {
        self.disk_of(i) / DISKS_PER_ACCOUNT
    }

    /// Up to 4,096 snapshots of `slot` that are not shared (those are on
    /// each account's first disk), in a fixed pseudo-random order over the
    /// whole fleet.
    pub fn targets(&self, slot: Slot) -> Vec<usize> {
        let mut found: Vec<usize> = (0..self.snapshots)
            .filter(|&i| self.slot(i) == slot && self.disk_of(i) % DISKS_PER_ACCOUNT != 0)
            .collect();
        found.sort_by_key(|&i| mix(i as u64));
        found.truncate(4_096);
        found
    }

    /// The first half of the manual targets: snapshots every benchmark
    /// leaves in place.
    pub fn kept(&self) -> Vec<usize> {
        let mut targets = self.targets(Slot::Manual);
        targets.truncate(targets.len() / 2);
        targets
    }

    /// The second half of the manual targets: snapshots the delete
    /// benchmark deletes (and replaces).
    pub fn expendable(&self) -> Vec<usize> {
        let targets = self.targets(Slot::Manual);
        targets[targets.len() / 2..].to_vec()
    }
}

/// Completes a snapshot in progress.
pub fn finish(state: &mut State, snapshot: SnapshotId) {
    finish_at(state, t0(), snapshot);
}

/// Completes a snapshot in progress at `now`.
pub fn finish_at(state: &mut State, now: DateTime<Utc>, snapshot: SnapshotId) {
    let finish = FinishSnapshot::available(snapshot, 10);
    accept(state, now, &Actor::Platform, finish);
}

/// Adds snapshots to account `a`'s share (the mirror of unsharing).
pub fn share_command(a: usize, snapshots: Vec<SnapshotId>, add: bool) -> Command {
    if add {
        AssociateResourceShare::new(share_id(a))
            .snapshots(snapshots)
            .into()
    } else {
        snapguard::DisassociateResourceShare::new(share_id(a))
            .snapshots(snapshots)
            .into()
    }
}
