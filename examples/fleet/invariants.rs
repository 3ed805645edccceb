//! The invariants checked on the fleet: the per-disk limit and the sharing
//! quota, checked during the run and at the end, and the final checks of
//! locks, deadlines, a serde round trip, the live count and the outcomes
//! expected.

use chrono::{DateTime, Utc};
use snapguard::State;

use crate::Error;
use crate::report::{Stopwatch, instant, thousands};
use crate::scenario::AUTO_LIMIT;
use crate::setup::Fleet;

impl Fleet {
    /// Checks (1): no disk holds more automatic snapshots than the limit.
    pub(crate) fn over_limit(&self) -> Vec<String> {
        let limit = usize::try_from(self.engine.state.limits().auto_snapshots_per_disk)
            .unwrap_or(usize::MAX);
        self.disks
            .iter()
            .filter_map(|disk| {
                let held = self.engine.state.automatic_snapshots(&disk.id).count();
                (held > limit)
                    .then(|| format!("disk `{}` holds {held} automatic snapshots", disk.id))
            })
            .collect()
    }

    /// Checks (3): no account has more snapshots shared than the quota, and
    /// the state counts what this simulation shared and did not unshare.
    pub(crate) fn over_quota(&self) -> Vec<String> {
        let quota = usize::try_from(self.engine.state.limits().max_shared_snapshots_per_account)
            .unwrap_or(usize::MAX);
        self.accounts
            .iter()
            .filter_map(|account| {
                let count = self.engine.state.shared_snapshot_count(&account.id);
                if count > quota {
                    Some(format!("account {} shares {count} snapshots", account.id))
                } else if count != account.shared.len() {
                    Some(format!(
                        "account {} shares {count} snapshots, but shared {} and did not unshare them",
                        account.id,
                        account.shared.len()
                    ))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// Runs the final checks, given what the checks made during the run found
/// (`over_limit` for (1), `over_quota` for (3), `miscounted` for (6)), and
/// prints each. Fails if one does not hold.
pub(crate) fn final_checks(
    fleet: &Fleet,
    end: DateTime<Utc>,
    mut over_limit: Vec<String>,
    mut over_quota: Vec<String>,
    mut miscounted: Vec<String>,
) -> Result<(), Error> {
    let tally = &fleet.engine.tally;
    let state = &fleet.engine.state;
    println!("\nInvariants");
    let mut failed = false;
    let mut check = |name: &str, found: Vec<String>| {
        if found.is_empty() {
            println!("  ok    {name}");
        } else {
            failed = true;
            println!("  FAIL  {name}");
            for problem in found.iter().take(10) {
                println!("          {problem}");
            }
            if found.len() > 10 {
                println!("          ... and {} more", found.len() - 10);
            }
        }
    };

    over_limit.extend(fleet.over_limit());
    check(
        &format!("(1) no disk holds more than {AUTO_LIMIT} automatic snapshots"),
        over_limit,
    );

    let mut breaches = tally.lock_breaches.clone();
    breaches.extend(
        tally
            .lock_until
            .iter()
            .filter(|(id, until)| **until > end && state.snapshot(id).is_none())
            .map(|(id, until)| format!("`{id}`, locked until {until}, is gone")),
    );
    check(
        "(2) no snapshot was removed while a lock placed on it was in force",
        breaches,
    );

    over_quota.extend(fleet.over_quota());
    check(
        &format!(
            "(3) no account had more than {} snapshots shared, and each had those it shared",
            thousands(state.limits().max_shared_snapshots_per_account)
        ),
        over_quota,
    );

    let due = state
        .next_deadline()
        .filter(|deadline| *deadline <= end)
        .map(|deadline| format!("an event due at {} is not recorded", instant(deadline)));
    check(
        &format!("(4) everything due by {} is recorded", instant(end)),
        due.into_iter().collect(),
    );

    let serde_clock = Stopwatch::start();
    let json = serde_json::to_string(state)?;
    let loaded: State = serde_json::from_str(&json)?;
    let differs =
        (loaded != *state).then(|| "the state loaded differs from the state saved".to_owned());
    check(
        &format!(
            "(5) the state survives a serde round trip ({} MB of JSON, {:.1} s)",
            json.len() / 1_000_000,
            serde_clock.elapsed().as_secs_f64()
        ),
        differs.into_iter().collect(),
    );

    let live = u64::try_from(state.snapshots().count())?;
    if live != tally.live {
        miscounted.push(format!(
            "at the end: the events leave {} live snapshots, the state holds {live}",
            tally.live
        ));
    }
    check(
        "(6) the events returned account for every live snapshot",
        miscounted,
    );

    let mut surprises = tally.surprise_notes.clone();
    if tally.surprises > 10 {
        surprises.push(format!("... {} in all", tally.surprises));
    }
    check(
        "(7) every command was accepted or refused as expected",
        surprises,
    );

    if failed {
        Err("an invariant does not hold".into())
    } else {
        Ok(())
    }
}
