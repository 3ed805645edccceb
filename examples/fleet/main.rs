//! A fleet simulation: three years of daily automatic snapshots on 10,000
//! disks, driven through `advance`.
//!
//! Run with `cargo run --release --example fleet` (a debug build is many
//! times slower).
//!
//! 100 accounts of 100 disks each, in two regions, take an automatic
//! snapshot of every disk each day from 2026 to 2028 (1,096 days). Each
//! disk follows one policy:
//!
//! - most keep their snapshots 7 to 30 days, and time releases them
//!   (SNAP-2);
//! - 15% keep them permanently, and rotation at the per-disk limit deletes
//!   the oldest (LOCK-11);
//! - 5% keep them permanently and lock the day's snapshot in compliance for
//!   90 days once a week; rotation skips the locked ones (LOCK-10);
//! - a few lock every snapshot for 60 days, more than the per-disk limit
//!   holds, so LOCK-11 refuses new snapshots until a lock expires.
//!
//! 2% of the disks also copy each new snapshot to the other region. Every
//! account shares one snapshot a day with the next account, for two weeks;
//! that account accepted the share, and once a week copies one into its own
//! region and deletes the copy of the week before. Two accounts share eight
//! a day and never unshare, until the SHARE-2 quota refuses them. Some
//! refusals are provoked on purpose: deleting a locked snapshot (LOCK-10) or
//! a shared one (SHARE-12), and locking a snapshot beyond its retention
//! (LOCK-4).
//!
//! Everything is deterministic: the only randomness is a fixed-seed
//! SplitMix64, and time enters only as each command's instant. The example
//! prints a line per simulated year, then a summary (counts taken from the
//! events returned, refusals by rule id, peak live snapshots, wall time,
//! commands per second), and ends by checking the invariants: the per-disk
//! limit, no removal under a lock, the sharing quota, nothing due left
//! unrecorded, a serde round trip of the final state, the live snapshots
//! the events account for, and every command accepted or refused as
//! expected. It fails if one does not hold.

mod day;
mod engine;
mod invariants;
mod report;
mod scenario;
mod setup;
mod tally;

use chrono::{Datelike, TimeDelta, TimeZone, Utc};

use crate::report::{Stopwatch, instant, thousands};
use crate::scenario::{ACCOUNTS, AUTO_LIMIT, DAYS, DISKS_PER_ACCOUNT, REGIONS};
use crate::setup::Fleet;

pub(crate) type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 2, 0, 0)
        .single()
        .ok_or("the simulation's start instant is ambiguous")?;
    let end = start + TimeDelta::days(i64::try_from(DAYS)?);

    let clock = Stopwatch::start();
    let mut fleet = Fleet::new(start)?;
    println!(
        "Simulating {} disks ({ACCOUNTS} accounts of {DISKS_PER_ACCOUNT}, {} regions) from {} to {}, \
         {AUTO_LIMIT} automatic snapshots kept per disk.",
        thousands(u64::try_from(fleet.disks.len())?),
        REGIONS.len(),
        instant(start),
        instant(end)
    );
    println!("{}", fleet.policies());

    // Checked during the run: (3) every day, (1) and the live count at
    // the end of each year.
    let mut over_quota = Vec::new();
    let mut over_limit = Vec::new();
    let mut miscounted = Vec::new();
    for day in 0..DAYS {
        let t = start + TimeDelta::days(i64::try_from(day)?);
        fleet.day(day, t)?;
        over_quota.extend(fleet.over_quota().into_iter().take(5));

        if (t + TimeDelta::days(1)).year() != t.year() {
            let tally = &fleet.engine.tally;
            let live = u64::try_from(fleet.engine.state.snapshots().count())?;
            println!(
                "{}: {} snapshots taken, {} live (peak {}), {} commands, {:.1} s",
                t.year(),
                thousands(tally.created),
                thousands(live),
                thousands(tally.peak_live),
                thousands(tally.applied + tally.advanced),
                clock.elapsed().as_secs_f64()
            );
            if live != tally.live {
                miscounted.push(format!(
                    "end of {}: the events leave {} live snapshots, the state holds {live}",
                    t.year(),
                    tally.live
                ));
            }
            over_limit.extend(fleet.over_limit().into_iter().take(5));
        }
    }
    fleet.engine.advance(end)?;
    let wall = clock.elapsed();
    fleet.engine.tally.print_summary(wall);
    invariants::final_checks(&fleet, end, over_limit, over_quota, miscounted)
}
