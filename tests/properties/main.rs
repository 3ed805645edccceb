//! Property tests (DESIGN.md, "Tests, in layers", 3): random histories of
//! 50 to 80 steps with time moving forward, and invariants checked after
//! every step.
//!
//! A history starts from a fixed setup: regions `cn-hangzhou` and
//! `cn-shanghai`, accounts 1001 and 2002 (China) and 3003 (international),
//! user `alice` of 1001 with statements, disks `d-0` to `d-3` and an
//! available snapshot `s-0`. Each step waits (from zero seconds to a few
//! days, or exactly onto the state's next deadline or one second either side
//! of it), then either calls `advance` or applies one command. Commands are
//! generated as templates over small pools of ids (snapshots `s-0` to
//! `s-11`, disks `d-0` to `d-5`, images `i-0` to `i-3`, plus one malformed
//! id); a snapshot may also be named as "the n-th snapshot the state holds",
//! so that most commands reach existing objects. The actor is usually the
//! natural one for the command (a customer, the platform, billing) and
//! sometimes any other. One history in four uses a mix focused on the
//! automatic snapshots of `d-0` (created, completed, locked), so that
//! rotation meets locked snapshots.
//!
//! Every test runs the same generator; each checks one group of invariants:
//!
//! - LOCK-10 / LOCK-12: a snapshot locked at the step's instant survives the
//!   step, unless billing released it for an overdue account.
//! - GEN-3: a refused command changes nothing (`apply`, `apply_mut`,
//!   `decide` and `explain` agree), and its `retry_at` is the earliest
//!   instant waiting alone lifts the refusal.
//! - GEN-6: replaying every recorded event from the initial state rebuilds
//!   the state; the same command at the same instant gives the same events.
//! - serde: states, commands, actors, events and violations survive a JSON
//!   round trip unchanged.
//! - LOCK-11 / LOCK-4 / GEN-2: per-disk automatic snapshot count within the
//!   limit, lock expiry within retention, the clock never decreasing.
//!
//! A last test runs the generator with a fixed seed and checks that it does
//! reach every command and the interesting situations (rotation, overdue
//! release of a locked snapshot, steps landing exactly on a deadline, ...),
//! so that the properties above are not vacuously true.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod generate;
mod resolve;
mod runner;
mod setup;

use generate::history;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
use runner::{Checks, Sim, Stats, run};

proptest! {
    // XorShift: ChaCha's block function dominates generation in debug builds.
    #![proptest_config(ProptestConfig {
        cases: 256,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// LOCK-10, LOCK-12, PERM-3: no step removes a snapshot locked at its
    /// instant, by any deletion path (request, disk release, image deletion,
    /// rotation, retention), except billing's overdue release, which is only
    /// accepted once the owner is overdue long enough and never refused then.
    #[test]
    fn lock_10_lock_12_locked_snapshots_survive_every_history(steps in history()) {
        run(&steps, Checks { locks_survive: true, ..Checks::default() })?;
    }

    /// GEN-3: a refused command leaves the state as it was through `apply`
    /// and `apply_mut`; `decide` and `explain` name the same violation; its
    /// `retry_at` is the earliest instant waiting alone lifts it.
    #[test]
    fn gen_3_refused_commands_leave_the_state_unchanged(steps in history()) {
        run(&steps, Checks { refusals: true, ..Checks::default() })?;
    }

    /// GEN-6 and the DESIGN replay property: replaying every recorded event
    /// with `State::evolve` from the initial state rebuilds the state after
    /// every step; `decide`, `apply` and `apply_mut` agree; time-caused
    /// events come first and are those `advance` gives.
    #[test]
    fn gen_6_replaying_recorded_events_rebuilds_the_state(steps in history()) {
        run(&steps, Checks { replay: true, ..Checks::default() })?;
    }

    /// Serde: states, commands, actors, events, violations and rule ids are
    /// unchanged by a JSON round trip, after every step.
    #[test]
    fn serde_round_trip_is_the_identity_after_every_step(steps in history()) {
        run(&steps, Checks { serde: true, ..Checks::default() })?;
    }

    /// LOCK-11, LOCK-4, GEN-2: automatic snapshots per disk within the limit,
    /// lock expiry within retention, the clock never decreasing.
    #[test]
    fn lock_11_lock_4_gen_2_bounds_hold_after_every_step(steps in history()) {
        run(&steps, Checks { bounds: true, ..Checks::default() })?;
    }
}

/// The generator is not vacuous: with a fixed seed, 256 histories accept
/// every command, hit deadlines exactly and one second either side, and
/// reach every situation the properties above are about.
#[test]
fn property_generator_reaches_every_command_and_situation() {
    let config = ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::XorShift);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = history();
    let mut total = Stats::default();
    let mut steps_run = 0;
    for _ in 0..256 {
        let steps = strategy.new_tree(&mut runner).expect("a history").current();
        steps_run += steps.len();
        let mut sim = Sim::new(Checks::default());
        sim.run(&steps).expect("no checks enabled");
        for (name, n) in sim.stats.accepted {
            *total.accepted.entry(name).or_default() += n;
        }
        for (rule, n) in sim.stats.refused {
            *total.refused.entry(rule).or_default() += n;
        }
        for (what, n) in sim.stats.happened {
            *total.happened.entry(what).or_default() += n;
        }
    }
    assert!(steps_run >= 256 * 50);
    eprintln!(
        "{steps_run} steps; accepted {:#?}\nrefused {:#?}\nhappened {:#?}",
        total.accepted, total.refused, total.happened
    );

    let every_command = [
        "create_account",
        "create_region",
        "create_user",
        "set_user_policy",
        "mark_account_overdue",
        "settle_account",
        "release_overdue_snapshot",
        "create_disk",
        "release_disk",
        "reset_disk",
        "create_snapshot",
        "create_automatic_snapshot",
        "create_backup_snapshot",
        "finish_snapshot",
        "delete_snapshot",
        "set_snapshot_retention",
        "archive_snapshot",
        "copy_snapshot",
        "lock_snapshot",
        "unlock_snapshot",
        "import_image",
        "create_image",
        "delete_image",
    ];
    for name in every_command {
        assert!(
            total.accepted.get(name).is_some_and(|&n| n > 0),
            "no history accepted {name}: {:?}",
            total.accepted
        );
    }
    let refusals = [
        "GEN-4", "GEN-5", "PERM-1", "PERM-2", "PERM-4", "SNAP-3", "SNAP-5", "LOCK-1", "LOCK-3",
        "LOCK-4", "LOCK-6", "LOCK-8", "LOCK-10", "LOCK-11", "LOCK-12", "ARCH-1", "ARCH-2",
    ];
    for rule in refusals {
        assert!(
            total.refused.get(rule).is_some_and(|&n| n > 0),
            "no history was refused by {rule}: {:?}",
            total.refused
        );
    }
    let situations = [
        "step at deadline - 1s",
        "step at deadline",
        "step at deadline + 1s",
        "advance",
        "deleted on request",
        "deleted with its disk",
        "deleted with its image",
        "rotated out",
        "rotation skipped an older locked snapshot",
        "locked snapshot released for overdue account",
        "released at retention end",
        "lock set with cooling-off",
        "lock set without cooling-off",
        "lock reconfigured",
        "lock extended",
        "unlocked",
        "cooling-off ended",
        "lock expired",
        "archived",
        "disk released while an automatic snapshot is locked",
        "image deleted while its snapshot is locked",
    ];
    for what in situations {
        assert!(
            total.happened.get(what).is_some_and(|&n| n > 0),
            "no history reached `{what}`: {:?}",
            total.happened
        );
    }
}
