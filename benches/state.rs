//! Cost of `State::apply` (a new state while the caller keeps the old one)
//! and of `State::advance` with 10 events due, on the fleets of
//! `support/mod.rs` (10^3, 10^5 and 10^6 snapshots).
//!
//! - `apply/lock` and `apply/delete`: one `apply` on a target drawn in a
//!   fixed pseudo-random order, keeping the old state (timed); dropping
//!   the old state and undoing the change (untimed). Before the state was
//!   kept in persistent maps, `apply` cloned every map of the state. The
//!   replacements have minted ids (`snapguard::MINT`), which the state
//!   does not remember once deleted.
//! - `advance/10_due`: 10 snapshots with a retention of one day are taken
//!   (untimed), then `State::advance` moves time one day on, keeping the
//!   old state (timed), and releases exactly those 10.
//! - `advance_mut/10_due`: the same, with `State::advance_mut`, which
//!   records in place (what a control plane or a fleet simulation calls):
//!   the cost of the due events themselves, without the paths `advance`
//!   copies to keep the old state.
//!
//! The fleet is `Fleet::build_lasting`: its own locks and backup points
//! fall due only after 100 years, so a round can move time a day on and
//! nothing but its 10 snapshots falls due. No copy of the fleet is kept
//! to go back to, which would share its nodes with the state and make
//! `advance_mut` copy them; when the rounds near the fleet's horizon (at
//! 10^3, where a run has the most rounds), the fleet is built again.

use std::hint::black_box;

use chrono::TimeDelta;
use criterion::{Criterion, criterion_group, criterion_main};
use snapguard::{
    Actor, Command, CreateSnapshot, DeleteSnapshot, LockSnapshot, MINT, SnapshotId, UnlockSnapshot,
};

mod support;
use support::{
    Fleet, accept, account_id, bench, created, disk_id, finish_at, snapshot_id, t0, timed,
};

fn apply(c: &mut Criterion, fleet: &mut Fleet) {
    let (layout, kept) = (fleet.layout, fleet.layout.kept());
    let state = &mut fleet.state;
    bench(c, "apply/lock", layout.snapshots, |round| {
        let i = kept[round % kept.len()];
        let owner = Actor::root(account_id(layout.owner_of(i)).as_str());
        let lock = Command::from(LockSnapshot::new(snapshot_id(i), 30, 24));
        let (transition, took) = timed(|| state.apply(t0(), &owner, black_box(&lock)));
        let transition = transition.expect("lock accepted");
        let unlock = UnlockSnapshot::new(snapshot_id(i));
        *state = transition.state;
        accept(state, t0(), &owner, unlock);
        took
    });
    let mut victims: Vec<(usize, SnapshotId)> = layout
        .expendable()
        .into_iter()
        .map(|i| (i, snapshot_id(i)))
        .collect();
    bench(c, "apply/delete", layout.snapshots, |round| {
        let slot = round % victims.len();
        let (i, victim) = &mut victims[slot];
        let owner = Actor::root(account_id(layout.owner_of(*i)).as_str());
        let delete = Command::from(DeleteSnapshot::new(victim.clone()));
        let (transition, took) = timed(|| state.apply(t0(), &owner, black_box(&delete)));
        *state = transition.expect("delete accepted").state;
        // The next visit of this slot deletes a replacement.
        let create = CreateSnapshot::new(MINT, disk_id(layout.disk_of(*i)));
        *victim = created(&accept(state, t0(), &owner, create)).into();
        finish_at(state, t0(), victim.clone());
        took
    });
}

/// Days the rounds move time on before the fleet is built again: short of
/// its own locks' 36,500.
const HORIZON_DAYS: i64 = 36_000;

/// `advance/10_due`, keeping the old state, or `advance_mut/10_due`, in
/// place; `day` is how far the fleet's time has moved on.
fn advance(c: &mut Criterion, fleet: &mut Fleet, day: &mut i64, keep: bool) {
    let size = fleet.layout.snapshots;
    let name = if keep {
        "advance/10_due"
    } else {
        "advance_mut/10_due"
    };
    bench(c, name, size, |round| {
        if *day == HORIZON_DAYS {
            *fleet = Fleet::build_lasting(size);
            *day = 0;
        }
        let (layout, state) = (fleet.layout, &mut fleet.state);
        let now = t0() + TimeDelta::days(*day);
        for k in 0..10 {
            let i = (support::mix((round * 10 + k) as u64) as usize) % layout.snapshots;
            let owner = Actor::root(account_id(layout.owner_of(i)).as_str());
            let create = CreateSnapshot::new(MINT, disk_id(layout.disk_of(i))).retention_days(1);
            let snapshot = created(&accept(state, now, &owner, create));
            finish_at(state, now, snapshot.into());
        }
        *day += 1;
        let then = now + TimeDelta::days(1);
        let (events, took) = if keep {
            let (transition, took) = timed(|| state.advance(black_box(then)));
            let transition = transition.expect("time moves forward");
            *state = transition.state;
            (transition.events, took)
        } else {
            let (events, took) = timed(|| state.advance_mut(black_box(then)));
            (events.expect("time moves forward"), took)
        };
        assert_eq!(events.len(), 10, "10 due");
        took
    });
}

fn state_benches(c: &mut Criterion) {
    for size in support::sizes() {
        let mut fleet = Fleet::build_lasting(size);
        apply(c, &mut fleet);
        let mut day = 0;
        advance(c, &mut fleet, &mut day, true);
        advance(c, &mut fleet, &mut day, false);
    }
}

criterion_group!(benches, state_benches);
criterion_main!(benches);
