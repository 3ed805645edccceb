//! Property tests (DESIGN.md, "Tests, in layers", 3): random histories of
//! 50 to 80 steps with time moving forward, and invariants checked after
//! every step.
//!
//! A history starts from a fixed setup: regions `cn-hangzhou` and
//! `cn-shanghai`, accounts 1001 and 2002 (China) and 3003 (international),
//! user `alice` of 1001 with statements, disks `d-0` to `d-3` and an
//! available snapshot `s-0`. The directory setups add a resource directory
//! `rd-0` managed by 1001 with 2002 in folder `fd-0`, a China account 4004
//! outside it, KMS activated for 1001 and 2002 with keys `key-1` (1001's)
//! and `key-2` (2002's) in `cn-hangzhou`, a disk `d-4` of 1001 encrypted
//! with `key-1` and an available snapshot `s-1` of it, an available Cloud
//! Backup snapshot `s-2` of 1001, 1001's share-encrypted-snapshot role
//! trusting 2002, and a share `rs-0` of `s-0` with 2002 not yet accepted;
//! one of them lowers the sharing quotas to 2 principals per snapshot and 2
//! shared snapshots per account. Permanent snapshots' shared views last 30
//! days, so that they expire within a history.
//!
//! Each step waits (from zero seconds to a few days, or exactly onto the
//! state's next deadline or one second either side of it), then either
//! calls `advance` or applies one command. Commands are generated as
//! templates over small pools of ids (snapshots `s-0` to `s-11`, disks
//! `d-0` to `d-5`, images `i-0` to `i-3`, shares `rs-0` to `rs-3`,
//! directories `rd-0` and `rd-1`, folders `fd-0` and `fd-1`, keys `key-1`
//! to `key-3`, plus one malformed id; fresh ids continue the pools); a
//! snapshot may also be named as "the n-th snapshot the state holds" (of
//! some kind: the actor's, locked, in progress, shareable, in a share,
//! shared with the actor, ...), so that most commands reach existing
//! objects. The actor is usually the natural one for the command (a
//! customer, the platform, billing; mostly 1001 for shares) and sometimes
//! any other. Sharing commands name principals drawn from the accounts,
//! directories and folders; sharees (mostly 2002, sometimes 4004 or the
//! international 3003) accept, create disks from, copy and re-initialize
//! disks from what is shared with them, and try what only the owner may do;
//! 2002 often copies the customer-key snapshots shared with it, under its
//! own key, the service key or the shared key (SHARE-11). Copies ask for no
//! encryption, the service key or a customer key (the actor's usable one,
//! one disabled, elsewhere or not its own, the source's), into the source's
//! region, another or one that is closing down, from the actor's own,
//! locked, archived, shared or foreign snapshots; they are completed,
//! cancelled and made again into the same lineage; accounts activate KMS,
//! create, disable and enable keys, and in some histories the platform
//! closes a region down. Manual snapshots sometimes have tags and instant
//! access. Four histories in ten use the general mix (sharing included),
//! two in ten a mix focused on the automatic snapshots of `d-0` (created,
//! completed, locked), so that rotation meets locked snapshots, three in
//! ten a mix focused on sharing from a directory setup, with shorter
//! waits, snapshots with short retentions, and unsharing once retention
//! ended, and one in ten the Cloud Backup mix: after a prelude where 1001
//! creates three vaults, a replica and two policies, vaults `v-1` to `v-3`
//! of every kind (mostly general-purpose, database and archive of 1 to 30
//! days), policies `po-1` and `po-2` of both kinds, backup points `bp-1` to
//! `bp-8` made by the platform with retentions of 1 to 60 days (or the
//! vault's), sometimes holding the owner's snapshots, immutability enabled
//! and disabled on vaults and policies, points deleted and restored,
//! vaults deleted, replicated into the other region (or the same one) with
//! their points (fresh ids start with the pools and continue them),
//! interleaved with the general mix.
//!
//! Every test runs the same generator (the VAULT tests its Cloud Backup mix
//! only); each checks one group of invariants:
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
//! - SHARE-1 / SHARE-2: per-snapshot principals and per-account shared
//!   snapshots within the limits; the public counts agree with a recount.
//! - SHARE-10: no customer's command changes another account's snapshot in
//!   a way only the owner may; a sharee's attempts are refused.
//! - SHARE-3: no access, share principal or directory member across sites.
//! - SHARE-13 / SHARE-14: unsharing keeps sharees' copies; a snapshot is
//!   released at retention end only once in no share.
//! - LOCK-13 / COPY-5: a copy is as asked (owner, region, encryption,
//!   retention) and inherits no lock, tags or instant access.
//! - COPY-2: copies of encrypted snapshots are encrypted, standard copies
//!   of them refused; no live copy, along a chain of copies, holds in
//!   plaintext data once encrypted.
//! - COPY-7: billing bases and started lineages follow a naive model.
//! - VAULT-3: immutability, once on, stays on from the same instant.
//! - VAULT-5 / VAULT-6: a locked backup point leaves only by time at its
//!   retention end; no immutable vault goes while holding a point whose
//!   retention has not ended.
//! - VAULT-7: replicas are as protected as their sources.
//!
//! A last test runs the generator with a fixed seed and checks that it does
//! reach every command and the interesting situations (rotation, overdue
//! release of a locked snapshot, steps landing exactly on a deadline,
//! accepted shares, sharees' disks and copies, releases on unsharing,
//! quota and site refusals, copies of each kind and every copy refusal,
//! each billing basis, immutability on vaults and on both kinds of policy,
//! every VAULT refusal, locked points replicated, restored and expired,
//! vaults deleted once their points expired, ...), so that the properties
//! above are not vacuously true.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod checks_copy;
mod checks_share;
mod checks_vault;
mod generate;
mod generate_copy;
mod generate_share;
mod generate_vault;
mod resolve;
mod resolve_copy;
mod resolve_share;
mod resolve_vault;
mod runner;
mod setup;

use checks_copy::CopyChecks;
use checks_vault::VaultChecks;
use generate::history;
use generate_vault::vault_history;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;
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
    fn lock_10_lock_12_locked_snapshots_survive_every_history(history in history()) {
        run(&history, Checks { locks_survive: true, ..Checks::default() })?;
    }

    /// GEN-3: a refused command leaves the state as it was through `apply`
    /// and `apply_mut`; `decide` and `explain` name the same violation; its
    /// `retry_at` is the earliest instant waiting alone lifts it.
    #[test]
    fn gen_3_refused_commands_leave_the_state_unchanged(history in history()) {
        run(&history, Checks { refusals: true, ..Checks::default() })?;
    }

    /// GEN-6 and the DESIGN replay property: replaying every recorded event
    /// with `State::evolve` from the initial state rebuilds the state after
    /// every step; `decide`, `apply` and `apply_mut` agree; time-caused
    /// events come first and are those `advance` gives.
    #[test]
    fn gen_6_replaying_recorded_events_rebuilds_the_state(history in history()) {
        run(&history, Checks { replay: true, ..Checks::default() })?;
    }

    /// Serde: states, commands, actors, events, violations and rule ids are
    /// unchanged by a JSON round trip, after every step.
    #[test]
    fn serde_round_trip_is_the_identity_after_every_step(history in history()) {
        run(&history, Checks { serde: true, ..Checks::default() })?;
    }

    /// LOCK-11, LOCK-4, GEN-2: automatic snapshots per disk within the limit,
    /// lock expiry within retention, the clock never decreasing.
    #[test]
    fn lock_11_lock_4_gen_2_bounds_hold_after_every_step(history in history()) {
        run(&history, Checks { bounds: true, ..Checks::default() })?;
    }

    /// SHARE-1, SHARE-2: no snapshot has more distinct principals over all
    /// its shares than the limit, no account more snapshots shared;
    /// `is_shared`, `shares_holding` and `shared_snapshot_count` agree with
    /// a recount from `resource_shares`, whose snapshots all exist and
    /// belong to the share's owner.
    #[test]
    fn share_1_share_2_quotas_hold_and_counts_agree_after_every_step(history in history()) {
        run(&history, Checks { quotas: true, ..Checks::default() })?;
    }

    /// SHARE-10, LOCK-3, IMAGE-1, DISK-2: an accepted customer command never
    /// deletes, locks, unlocks, archives, shares, unshares, changes the
    /// retention of, builds an image on or rolls back to another account's
    /// snapshot; every such attempt by a sharee on what it sees as shared is
    /// refused by those rules or an earlier GEN or PERM rule.
    #[test]
    fn share_10_sharees_never_change_what_is_shared_with_them(history in history()) {
        run(&history, Checks { sharee: true, ..Checks::default() })?;
    }

    /// SHARE-3: `visible_snapshots` never lists, and `shared_with` never
    /// reaches, an account of another site than the snapshot's owner; no
    /// accepted disk creation or copy uses a snapshot of another site; share
    /// principals and directory members are on the owner's site.
    #[test]
    fn share_3_sites_never_reach_each_other(history in history()) {
        run(&history, Checks { sites: true, ..Checks::default() })?;
    }

    /// SHARE-13, SHARE-14: disassociating, deleting a share or removing a
    /// directory member never removes a copy a sharee made of another
    /// account's snapshot; no snapshot is released at retention end while
    /// shared, and none outlives its retention end once in no share.
    #[test]
    fn share_13_share_14_unsharing_keeps_copies_and_releases_ended_snapshots(
        history in history()
    ) {
        run(&history, Checks { unsharing: true, ..Checks::default() })?;
    }
}

/// Runs `history` with only the copy checks `copies` enabled.
fn run_copies(history: &generate::History, copies: CopyChecks) -> Result<(), TestCaseError> {
    run(
        history,
        Checks {
            copies,
            ..Checks::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: COPY_CASES,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// LOCK-13, COPY-5: every accepted copy is one new snapshot of the
    /// copier, in the region and with the encryption asked, in progress,
    /// with the retention asked (permanent by default) and none of its
    /// source's lock, tags or instant access; no other command copies.
    #[test]
    fn lock_13_copy_5_copies_never_inherit_lock_tags_retention_or_instant_access(
        history in history()
    ) {
        run_copies(&history, CopyChecks { fields: true, ..CopyChecks::default() })?;
    }

    /// COPY-2: an accepted copy of an encrypted snapshot (as it was before
    /// the step) is encrypted; a standard copy of one is refused by COPY-2
    /// (encrypted source) or a rule checked before it.
    #[test]
    fn copy_2_copies_of_encrypted_snapshots_are_always_encrypted(history in history()) {
        run_copies(&history, CopyChecks { encrypted: true, ..CopyChecks::default() })?;
    }

    /// COPY-2: after every step, no live snapshot copied, directly or along
    /// a chain of copies, from one created encrypted (deleted since or not)
    /// is unencrypted; no snapshot's encryption changes.
    #[test]
    fn copy_2_no_plaintext_copy_of_encrypted_data_ever_exists(history in history()) {
        run_copies(&history, CopyChecks { plaintext: true, ..CopyChecks::default() })?;
    }

    /// COPY-7: every copy's lineage and billing basis are those of a naive
    /// model of the lineages started (by the first copy to complete as
    /// available), with roots computed from the events: incremental once
    /// started, else the source disk's size for an encrypted copy of an
    /// unencrypted snapshot of a disk, else the snapshot's size (data taken
    /// of no disk has no disk size, a **Decision** of `src/lineage.rs`);
    /// the lineages the state reports are the model's after every step.
    #[test]
    fn copy_7_billing_basis_follows_a_naive_lineage_model(history in history()) {
        run_copies(&history, CopyChecks { billing: true, ..CopyChecks::default() })?;
    }
}

/// How many histories each copy property runs.
const COPY_CASES: u32 = 256;

/// Runs `history` with only the Cloud Backup checks `vaults` enabled.
fn run_vaults(history: &generate::History, vaults: VaultChecks) -> Result<(), TestCaseError> {
    run(
        history,
        Checks {
            vaults,
            ..Checks::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: VAULT_CASES,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// VAULT-3: once a vault's or policy's `immutable_since` is set, it
    /// keeps the same instant for as long as the vault or policy exists,
    /// whatever the step (disabling is always refused).
    #[test]
    fn vault_3_immutability_never_turns_off(history in vault_history()) {
        run_vaults(&history, VaultChecks { irreversible: true, ..VaultChecks::default() })?;
    }

    /// VAULT-5, VAULT-6: every backup point ever seen locked stays, locked
    /// and with its retention, until time deletes it by a
    /// `BackupPointExpired` event at its retention end; no
    /// `BackupPointDeleted` names a point locked at its instant; a vault
    /// deleted held before the step no point locked then, nor, if
    /// immutable, any point whose retention had not ended.
    #[test]
    fn vault_5_no_locked_point_disappears_before_its_retention_end(history in vault_history()) {
        run_vaults(&history, VaultChecks { locked_points: true, ..VaultChecks::default() })?;
    }

    /// VAULT-7: after every step, a replica vault whose source exists is
    /// immutable if its source is; a replica backup point whose source
    /// exists is locked if its source is, and has the same retention.
    #[test]
    fn vault_7_a_replica_is_never_less_protected_than_its_source(history in vault_history()) {
        run_vaults(&history, VaultChecks { replicas: true, ..VaultChecks::default() })?;
    }
}

/// How many Cloud Backup histories each VAULT property runs.
const VAULT_CASES: u32 = 128;

/// How many histories the coverage test runs: twice as many as each
/// property, as the mixes share the histories, so that every situation
/// below is reached several times rather than by luck.
const COVERAGE_HISTORIES: usize = 512;

/// The generator is not vacuous: with a fixed seed, [`COVERAGE_HISTORIES`]
/// histories accept every command, hit deadlines exactly and one second
/// either side, and reach every situation the properties above are about,
/// sharing included (shares accepted, sharees' disks and copies, unsharing
/// with a release, expired views, quota and site refusals).
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
    for _ in 0..COVERAGE_HISTORIES {
        let history = strategy.new_tree(&mut runner).expect("a history").current();
        steps_run += history.steps.len();
        let mut sim = Sim::new(Checks::default(), history.setup);
        sim.run(&history.steps).expect("no checks enabled");
        for (name, n) in sim.stats.accepted {
            *total.accepted.entry(name).or_default() += n;
        }
        for (rule, n) in sim.stats.refused {
            *total.refused.entry(rule).or_default() += n;
        }
        for (name, n) in sim.stats.refused_commands {
            *total.refused_commands.entry(name).or_default() += n;
        }
        for (what, n) in sim.stats.happened {
            *total.happened.entry(what).or_default() += n;
        }
    }
    assert!(steps_run >= COVERAGE_HISTORIES * 50);
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
        "reinitialize_disk",
        "create_resource_directory",
        "create_folder",
        "add_directory_member",
        "remove_directory_member",
        "set_encrypted_share_role",
        "create_resource_share",
        "associate_resource_share",
        "disassociate_resource_share",
        "delete_resource_share",
        "accept_resource_share",
        "activate_kms",
        "create_key",
        "enable_key",
        "disable_key",
        "mark_region_closing_down",
        // Cloud Backup; disabling immutability is always refused (VAULT-3
        // refusal below).
        "create_vault",
        "create_backup_policy",
        "enable_immutability",
        "create_backup_point",
        "delete_backup_point",
        "restore_backup_point",
        "delete_vault",
        "replicate_vault",
        "replicate_backup_point",
    ];
    for name in every_command {
        assert!(
            total.accepted.get(name).is_some_and(|&n| n > 0),
            "no history accepted {name}: {:?}",
            total.accepted
        );
    }
    // Every command is also refused, so each command's refusals are
    // checked against its documented check order (`check_refusal`).
    for name in every_command.into_iter().chain(["disable_immutability"]) {
        assert!(
            total.refused_commands.get(name).is_some_and(|&n| n > 0),
            "no history refused {name}: {:?}",
            total.refused_commands
        );
    }
    let refusals = [
        "GEN-4", "GEN-5", "PERM-1", "PERM-2", "PERM-4", "SNAP-3", "SNAP-5", "LOCK-1", "LOCK-3",
        "LOCK-4", "LOCK-6", "LOCK-8", "LOCK-10", "LOCK-11", "LOCK-12", "ARCH-1", "ARCH-2",
        "IMAGE-1", "DISK-2", "DISK-4", "SHARE-1", "SHARE-2", "SHARE-3", "SHARE-4", "SHARE-5",
        "SHARE-6", "SHARE-7", "SHARE-8", "SHARE-9", "SHARE-10", "SHARE-11", "SHARE-12", "COPY-1",
        "COPY-2", "COPY-3", "COPY-4", "DISK-1", "VAULT-2", "VAULT-3", "VAULT-5", "VAULT-6",
        "VAULT-7",
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
        "share accepted",
        "shared with a directory",
        "shared with a folder",
        "sharee created a disk from a shared snapshot",
        "sharee copied a shared snapshot",
        "sharee re-initialized a disk from a shared snapshot",
        "sharee tried what only the owner may do",
        "unshared",
        "share view expired",
        "released on leaving its last share",
        "sharee copy present at an unsharing step",
        "unshared the source of a sharee copy",
        "member seeing shared snapshots left the directory",
        "step ended with an accepted share holding a snapshot",
        "standard copy accepted",
        "encrypted copy accepted with the service key",
        "encrypted copy accepted with a customer key",
        "sharee copied a shared customer-key snapshot",
        "COPY-2 refusal (encrypted source)",
        "COPY-2 refusal (same region)",
        "COPY-3 refusal (KMS not activated)",
        "COPY-3 refusal (key disabled)",
        "COPY-3 refusal (key in another region)",
        "COPY-4 refusal",
        "SHARE-11 copy refusal",
        "billing full snapshot size",
        "billing full disk size",
        "billing incremental",
        "copy cancelled in progress",
        "copy of a locked snapshot",
        "copy of data taken of no disk",
        "immutability enabled on a vault",
        "immutability enabled on a general policy",
        "immutability enabled on an ECS instance policy, its point left unlocked",
        "VAULT-2 refusal",
        "VAULT-3 refusal",
        "VAULT-5 refusal (point deletion)",
        "VAULT-5 refusal (vault deletion)",
        "VAULT-6 refusal",
        "VAULT-7 refusal (same region)",
        "VAULT-7 refusal (replica of a replica)",
        "VAULT-7 refusal (not a replica)",
        "vault replicated while immutable",
        "point replicated while locked",
        "backup point expired by time while locked",
        "vault deleted after its points expired",
        "restore of a locked point",
    ];
    for what in situations {
        assert!(
            total.happened.get(what).is_some_and(|&n| n > 0),
            "no history reached `{what}`: {:?}",
            total.happened
        );
    }
}
