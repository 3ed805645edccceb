//! The fleet's scenario: its sizes, limits and policies, the disks and
//! accounts that follow them, and the fixed-seed PRNG that varies them.

use std::collections::VecDeque;

use snapguard::{AccountId, Actor, DiskId, ShareId, SnapshotId};

pub(crate) const ACCOUNTS: usize = 100;
pub(crate) const DISKS_PER_ACCOUNT: usize = 100;
pub(crate) const REGIONS: [&str; 2] = ["cn-hangzhou", "cn-shanghai"];
/// 2026, 2027 and 2028 (a leap year).
pub(crate) const DAYS: usize = 365 + 365 + 366;
/// Automatic snapshots a disk keeps (LOCK-11). The default, 1,000, would
/// let 10,000 disks hold 10^7 live snapshots, and rotation would start only
/// in the third year; 40 makes it start in the sixth week and keeps the
/// fleet in the few hundred thousand live snapshots.
pub(crate) const AUTO_LIMIT: u32 = 40;
/// The weekly compliance lock.
pub(crate) const COMPLIANCE_LOCK_DAYS: u32 = 90;
/// The lock of the over-locked disks: 60 daily locks outnumber the 40
/// snapshots a disk keeps.
pub(crate) const OVERLOCK_DAYS: u32 = 60;
/// How long an account keeps a snapshot shared.
pub(crate) const SHARE_DAYS: usize = 14;
/// Snapshots a greedy account shares a day, never unsharing them.
pub(crate) const GREEDY_PER_DAY: usize = 8;
/// Retention of the cross-region copies of the replicated disks.
pub(crate) const REPLICA_RETENTION_DAYS: u32 = 14;
/// Retention of the copies sharees make of what is shared with them.
pub(crate) const SHAREE_COPY_RETENTION_DAYS: u32 = 30;
pub(crate) const SEED: u64 = 0x5eed_f1ee_7000_0001;

/// SplitMix64: the fleet's only source of variety, with a fixed seed.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What a disk does with its automatic snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Kept `days`, then released by time (SNAP-2).
    Retained { days: u32 },
    /// Kept permanently; rotation deletes the oldest (LOCK-11).
    Rotated,
    /// Kept permanently; the day's snapshot is locked in compliance once a
    /// week, on the disk's weekday.
    Compliance,
    /// Kept permanently, each locked for longer than the limit covers.
    OverLocked,
}

pub(crate) struct FleetDisk {
    pub(crate) id: DiskId,
    pub(crate) account: usize,
    pub(crate) policy: Policy,
    /// Whether each new snapshot is copied to the other region.
    pub(crate) replicated: bool,
    pub(crate) size_gib: u64,
    /// Today's automatic snapshot, if it was taken.
    pub(crate) today: Option<SnapshotId>,
    /// The snapshot the weekly compliance lock locked last.
    pub(crate) last_locked: Option<SnapshotId>,
}

pub(crate) struct FleetAccount {
    pub(crate) id: AccountId,
    pub(crate) owner: Actor,
    pub(crate) region: usize,
    pub(crate) share: ShareId,
    /// Shares eight snapshots a day and never unshares.
    pub(crate) greedy: bool,
    /// Snapshots shared and not unshared, with the day they were shared.
    pub(crate) shared: VecDeque<(usize, SnapshotId)>,
    /// The snapshot shared today, if any.
    pub(crate) shared_today: Option<SnapshotId>,
    /// A disk whose snapshots are kept less than a compliance lock lasts.
    pub(crate) short_disk: Option<usize>,
    /// The copy it keeps of what the previous account shares with it.
    pub(crate) kept_copy: Option<SnapshotId>,
}
