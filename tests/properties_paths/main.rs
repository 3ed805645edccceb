//! Property tests of where data goes (DISK-1, IMAGE-1, COPY-2, SHARE-5,
//! PERM-5): random histories over a small world (see `sim.rs`), a lineage
//! graph built from the accepted commands (see `model.rs`), and after
//! every step, for every disk, snapshot (copies included) and image in
//! the state:
//!
//! - (i) no unencrypted object holds data that came from encrypted data;
//! - (ii) no object holding data that came from an imported image is in a
//!   share, visible to another account or owned by one;
//! - (iii) the data of the snapshot `alice` is denied on never reaches a
//!   share or another account through a step of hers that read it (the
//!   precise statement is on `model::check_denied`), and, in the stronger
//!   per-step form the crate implements, she never reads it at all.
//!
//! Each property has teeth: `generator_reaches_the_steps_each_property_is_about`
//! runs the generator with a fixed seed and checks it attempts, many times,
//! the very steps that would break a property if they were accepted (an
//! unencrypted disk from an encrypted image, a share of imported data down
//! each path, a disk, image, copy, roll-back or share of the denied
//! snapshot by `alice`, ...); and the `*_checker_catches_*` tests show the
//! checks fail on the state such a step would leave.

mod model;
mod sim;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};
use snapguard::{AccountId, Actor, Encryption, Principal, PrincipalScope};

use model::{Node, check_denied, check_encryption, check_never_read, check_provenance};
use sim::{Checks, DENIED, HZ, OTHER, OWNER, Sim, Stats, alice, ops};

/// Runs `ops` from the set-up, checking `checks` after every step.
fn run(ops: &[sim::Op], checks: Checks) -> Result<(), TestCaseError> {
    let mut sim = Sim::new(checks);
    sim.run(ops).map_err(TestCaseError::fail)
}

proptest! {
    // XorShift: ChaCha's block function dominates generation in debug builds.
    #![proptest_config(ProptestConfig {
        cases: 256,
        rng_algorithm: RngAlgorithm::XorShift,
        // A file of its own, not the `main.txt` of `tests/properties/`.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/properties_paths.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// DISK-1, IMAGE-1, COPY-2: after every step, no unencrypted disk,
    /// snapshot, copy or image holds data that came, through any chain of
    /// disks, snapshots, copies and images, from data created encrypted.
    #[test]
    fn disk_1_image_1_copy_2_no_unencrypted_object_holds_encrypted_data(ops in ops()) {
        run(&ops, Checks { encryption: true, ..Checks::default() })?;
    }

    /// SHARE-5: after every step, no object whose data came from an
    /// imported image (through disks, snapshots, images and copies) is
    /// owned by another account than the importer, and no such snapshot is
    /// in a share or visible to another account.
    #[test]
    fn share_5_imported_data_is_never_shared_nor_seen_by_another_account(ops in ops()) {
        run(&ops, Checks { provenance: true, ..Checks::default() })?;
    }

    /// PERM-5: the data of the denied snapshot never ends up in a share or
    /// in another account's object through a step of the denied user that
    /// read it (see `model::check_denied`).
    #[test]
    fn perm_5_the_denied_snapshot_never_leaves_through_the_denied_user(ops in ops()) {
        run(&ops, Checks { denied: true, ..Checks::default() })?;
    }

    /// PERM-5, per step: no accepted step of the denied user makes a disk,
    /// image or copy of the denied snapshot, rolls back to it, puts it into
    /// a share or names a principal for a share holding it.
    #[test]
    fn perm_5_the_denied_user_never_reads_the_denied_snapshot(ops in ops()) {
        run(&ops, Checks { never_read: true, ..Checks::default() })?;
    }
}

/// How many histories the coverage test runs: as many as each property.
const COVERAGE_HISTORIES: usize = 256;

/// The generator is not vacuous: with a fixed seed, its histories attempt,
/// again and again, each step that would break a property were it
/// accepted, and reach the situations the properties are about.
#[test]
fn generator_reaches_the_steps_each_property_is_about() {
    let rng = TestRng::deterministic_rng(RngAlgorithm::XorShift);
    let mut runner = TestRunner::new_with_rng(ProptestConfig::default(), rng);
    let strategy = ops();
    let mut total = Stats::default();
    for _ in 0..COVERAGE_HISTORIES {
        let ops = strategy.new_tree(&mut runner).expect("a history").current();
        let mut sim = Sim::new(Checks::default());
        sim.run(&ops).expect("no checks enabled");
        total.add(&sim.stats);
    }
    eprintln!("{:#?}", total.seen);
    let at_least = [
        // (i): were any of these accepted, an unencrypted object would hold
        // encrypted data.
        (
            "DISK-1 refused an unencrypted disk from an encrypted image",
            20,
        ),
        (
            "DISK-1 refused an unencrypted disk from an encrypted snapshot",
            20,
        ),
        ("COPY-2 refused a standard copy of encrypted data", 20),
        ("image of an encrypted snapshot", 20),
        ("encrypted disk from an encrypted image", 10),
        ("DISK-1 refused a disk in another region than its image", 10),
        ("SHARE-11 refused the shared key", 1),
        // (ii): were any of these accepted, imported data would be shared.
        ("SHARE-5 refused imported data", 50),
        (
            "SHARE-5 imported: snapshot of the disk built from the image",
            20,
        ),
        ("SHARE-5 imported: (a) via a disk from a snapshot", 10),
        ("SHARE-5 imported: (b) via a custom image", 10),
        ("SHARE-5 imported: (c) via a copy", 10),
        ("image of imported data", 20),
        ("disk from a custom image of imported data", 20),
        ("disk from imported data, not from the image itself", 20),
        // (iii): were any of these accepted, alice would have read or
        // exposed the denied snapshot.
        ("alice refused a disk from the denied snapshot", 10),
        ("alice refused an image of the denied snapshot", 10),
        ("alice refused a copy of the denied snapshot", 10),
        ("alice refused a roll-back to the denied snapshot", 3),
        ("alice refused a new share of the denied snapshot", 10),
        ("alice refused adding the denied snapshot to a share", 5),
        (
            "alice refused a principal for a share holding the denied snapshot",
            3,
        ),
        // What others may do with it, so (iii) is not vacuous either.
        ("the denied snapshot shared by the root", 10),
        ("a snapshot descending from the denied one shared", 5),
        // Data reaching the other account at all.
        ("sharee created a disk from a shared snapshot", 10),
        ("sharee copied a shared snapshot", 10),
        ("a snapshot of encrypted data shared", 10),
    ];
    for (what, min) in at_least {
        let n = total.seen.get(what).copied().unwrap_or(0);
        assert!(
            n >= min,
            "`{what}` reached {n} times, fewer than {min}: {:#?}",
            total.seen
        );
    }
}

// ---------------------------------------------------------------------------
// The checks have teeth: each fails on the state a wrongly accepted step
// would leave. The state is made by accepted steps, and the model is told
// the one step the crate refuses was taken instead.
// ---------------------------------------------------------------------------

fn all_checks() -> Checks {
    Checks {
        encryption: true,
        provenance: true,
        denied: true,
        never_read: true,
    }
}

/// Runs a command that must be accepted in the simulation.
#[track_caller]
fn accepted(sim: &mut Sim, actor: &Actor, command: impl Into<snapguard::Command>) {
    let command = command.into();
    if let Err(v) = sim.exec_for_test(actor, command.clone()) {
        panic!("{command:?} by {actor} refused: {v}");
    }
}

fn blank(disk: &str, encryption: Encryption) -> snapguard::CreateDisk {
    snapguard::CreateDisk::new(disk, HZ, snapguard::DiskCategory::Essd, 40).encryption(encryption)
}

fn snapshot_and_finish(sim: &mut Sim, actor: &Actor, disk: &str, snapshot: &str) {
    accepted(sim, actor, snapguard::CreateSnapshot::new(snapshot, disk));
    accepted(
        sim,
        &Actor::Platform,
        snapguard::FinishSnapshot::available(snapshot, 10),
    );
}

fn share_with_other(sim: &mut Sim, actor: &Actor, share: &str, snapshot: &str) {
    accepted(
        sim,
        actor,
        snapguard::CreateResourceShare::new(share, PrincipalScope::AllAccounts)
            .principal(Principal::account(OTHER))
            .snapshot(snapshot),
    );
}

/// Points `node`'s lineage at `parent`, as if the command that made it
/// had named that source.
fn pretend_parent(sim: &mut Sim, node: Node, parent: Node) {
    sim.model.nodes.get_mut(&node).expect("a node").parent = Some(parent);
}

#[test]
fn disk_1_checker_catches_an_unencrypted_disk_from_an_encrypted_image() {
    let mut sim = Sim::new(all_checks());
    let owner = Actor::root(OWNER);
    accepted(&mut sim, &owner, snapguard::CreateImage::new("m-t", "s-e"));
    accepted(&mut sim, &owner, blank("d-t", Encryption::Unencrypted));
    assert!(check_encryption(&sim.state, &sim.model).is_ok());
    pretend_parent(
        &mut sim,
        Node::Disk("d-t".into()),
        Node::Image("m-t".into()),
    );
    let found = check_encryption(&sim.state, &sim.model).unwrap_err();
    assert!(found.contains("d-t") && found.contains("m-t"), "{found}");
    // And an image pretending to come from `s-e` while unencrypted: an
    // image that lost its snapshot's encryption.
    let mut sim = Sim::new(all_checks());
    accepted(&mut sim, &owner, blank("d-u", Encryption::Unencrypted));
    snapshot_and_finish(&mut sim, &owner, "d-u", "s-u");
    accepted(&mut sim, &owner, snapguard::CreateImage::new("m-u", "s-u"));
    pretend_parent(
        &mut sim,
        Node::Image("m-u".into()),
        Node::Snapshot("s-e".into()),
    );
    assert!(check_encryption(&sim.state, &sim.model).is_err());
}

#[test]
fn share_5_checker_catches_shared_or_foreign_imported_data() {
    // A shared snapshot whose disk pretends to come from an image of
    // imported data (path (b)).
    let mut sim = Sim::new(all_checks());
    let owner = Actor::root(OWNER);
    accepted(&mut sim, &owner, snapguard::CreateImage::new("m-i", "s-i"));
    accepted(&mut sim, &owner, blank("d-t", Encryption::Unencrypted));
    snapshot_and_finish(&mut sim, &owner, "d-t", "s-t");
    share_with_other(&mut sim, &owner, "rs-t", "s-t");
    assert!(check_provenance(&sim.state, &sim.model, sim.now).is_ok());
    pretend_parent(
        &mut sim,
        Node::Disk("d-t".into()),
        Node::Image("m-i".into()),
    );
    let found = check_provenance(&sim.state, &sim.model, sim.now).unwrap_err();
    assert!(found.contains("s-t"), "{found}");
    // A disk of the other account pretending to be made from `s-i`.
    let mut sim = Sim::new(all_checks());
    accepted(
        &mut sim,
        &Actor::root(OTHER),
        blank("d-o", Encryption::Unencrypted),
    );
    pretend_parent(
        &mut sim,
        Node::Disk("d-o".into()),
        Node::Snapshot("s-i".into()),
    );
    let found = check_provenance(&sim.state, &sim.model, sim.now).unwrap_err();
    assert!(found.contains("d-o"), "{found}");
}

#[test]
fn perm_5_checker_catches_the_denied_snapshot_leaving_through_alice() {
    let user = alice();
    let owner_account = AccountId::new(OWNER);
    // alice "makes a disk of s-secret" (a blank one the model is told was
    // made from it); the root snapshots it and shares the snapshot.
    let setup = |by: &Actor| {
        let mut sim = Sim::new(Checks::default());
        accepted(&mut sim, by, blank("d-t", Encryption::Unencrypted));
        snapshot_and_finish(&mut sim, &Actor::root(OWNER), "d-t", "s-t");
        pretend_parent(
            &mut sim,
            Node::Disk("d-t".into()),
            Node::Snapshot(DENIED.into()),
        );
        sim
    };
    // Not shared yet, in the owner's account: not a breach of (iii).
    let mut sim = setup(&user);
    assert!(check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).is_ok());
    share_with_other(&mut sim, &Actor::root(OWNER), "rs-t", "s-t");
    let found = check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).unwrap_err();
    assert!(found.contains("s-t") && found.contains("d-t"), "{found}");
    // The same made by the root: not a breach, the Deny binds alice only.
    let mut sim = setup(&Actor::root(OWNER));
    share_with_other(&mut sim, &Actor::root(OWNER), "rs-t", "s-t");
    assert!(check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).is_ok());
    // A roll-back to it moves its data into the disk: the root's is not a
    // breach, alice's would be once a snapshot of the disk is shared.
    let mut sim = Sim::new(Checks::default());
    let owner = Actor::root(OWNER);
    accepted(&mut sim, &owner, snapguard::ResetDisk::new("d-0", DENIED));
    snapshot_and_finish(&mut sim, &owner, "d-0", "s-r");
    share_with_other(&mut sim, &owner, "rs-r", "s-r");
    let rollback = sim.model.current_of("d-0");
    assert!(matches!(rollback, Node::Rollback(..)), "{rollback:?}");
    assert_eq!(
        sim.model.first_hop(
            &Node::Snapshot("s-r".into()),
            &Node::Snapshot(DENIED.into())
        ),
        Some(&rollback)
    );
    assert!(check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).is_ok());
    sim.model.nodes.get_mut(&rollback).expect("a node").by = user.clone();
    let found = check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).unwrap_err();
    assert!(found.contains("s-r"), "{found}");
    // A step of alice exposing it, or reading it, is caught at once.
    let mut sim = Sim::new(Checks::default());
    sim.model
        .exposed_by_user
        .push("principal for a share holding it".into());
    assert!(check_denied(&sim.state, &sim.model, DENIED, &user, &owner_account).is_err());
    let mut sim = Sim::new(Checks::default());
    assert!(check_never_read(&sim.model, &user, DENIED).is_ok());
    sim.model.read_by_user.push("disk".into());
    assert!(check_never_read(&sim.model, &user, DENIED).is_err());
}

/// The set-up itself passes every check, and its objects are as the
/// module says.
#[test]
fn the_set_up_passes_every_check() {
    let mut sim = Sim::new(all_checks());
    sim.run(&[]).expect("the set-up breaks nothing");
    assert!(sim.model.holds_imported(&Node::Snapshot("s-i".into())));
    assert!(sim.model.nodes[&Node::Snapshot("s-e".into())].encrypted);
    assert!(sim.state.snapshot(&DENIED.into()).is_some());
}
