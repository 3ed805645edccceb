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
//!   old state (timed), and releases exactly those 10. It starts from the
//!   fleet as built, and every 25 simulated days goes back to it (a cheap
//!   copy, the maps being persistent), so that the fleet's own deadlines
//!   (backup points kept 30 days) never fall due.

use std::hint::black_box;

use chrono::TimeDelta;
use criterion::{Criterion, criterion_group, criterion_main};
use snapguard::{
    Actor, Command, CreateSnapshot, DeleteSnapshot, LockSnapshot, MINT, SnapshotId, State,
    UnlockSnapshot,
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

fn advance(c: &mut Criterion, fleet: &mut Fleet, base: &State) {
    let layout = fleet.layout;
    let state = &mut fleet.state;
    *state = base.clone();
    let mut day = 0i64;
    bench(c, "advance/10_due", layout.snapshots, |round| {
        if day == 25 {
            *state = base.clone();
            day = 0;
        }
        let now = t0() + TimeDelta::days(day);
        for k in 0..10 {
            let i = (support::mix((round * 10 + k) as u64) as usize) % layout.snapshots;
            let owner = Actor::root(account_id(layout.owner_of(i)).as_str());
            let create = CreateSnapshot::new(MINT, disk_id(layout.disk_of(i))).retention_days(1);
            let snapshot = created(&accept(state, now, &owner, create));
            finish_at(state, now, snapshot.into());
        }
        day += 1;
        let then = now + TimeDelta::days(1);
        let (transition, took) = timed(|| state.advance(black_box(then)));
        let transition = transition.expect("time moves forward");
        assert_eq!(transition.events.len(), 10, "10 due");
        *state = transition.state;
        took
    });
}

fn state_benches(c: &mut Criterion) {
    for size in support::sizes() {
        let mut fleet = Fleet::build(size);
        let base = fleet.state.clone();
        apply(c, &mut fleet);
        advance(c, &mut fleet, &base);
    }
}

criterion_group!(benches, state_benches);
criterion_main!(benches);
