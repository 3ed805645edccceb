//! Minted ids (GEN-4, GEN-5): a command naming `snapguard::MINT` as its new
//! object's id gets the state's next minted id. The same history mints the
//! same ids; no caller can take one; none is given twice, and a deleted
//! object's minted id is remembered by the count alone.

use std::collections::BTreeSet;

use crate::common;
use crate::vault_support;

use common::*;
use proptest::prelude::*;
use serde_json::Value;
use snapguard::{
    ActivateKms, Actor, CopySnapshot, CreateAccount, CreateAutomaticSnapshot, CreateBackupSnapshot,
    CreateImage, CreateKey, CreateRegion, CreateResourceDirectory, CreateResourceShare,
    CreateSnapshot, CreateUser, DiskId, Event, ImportImage, Limits, MINT, ObjectKind, PolicyKind,
    PrincipalScope, ReleaseDisk, RuleId, Site, SnapshotId, State, StateError, UncheckedState,
    VaultKind, Violation,
};
use vault_support::*;

/// The `n`th id a state mints for an object of `kind`.
fn m(kind: ObjectKind, n: u64) -> String {
    kind.minted_id(n).unwrap()
}

/// The `n`th id minted, for a snapshot.
fn ms(n: u64) -> String {
    m(ObjectKind::Snapshot, n)
}

/// The one object `events` create: its kind and id.
#[track_caller]
fn created(events: &[Event]) -> (ObjectKind, String) {
    let created: Vec<_> = events.iter().filter_map(Event::created).collect();
    assert_eq!(created.len(), 1, "{events:?}");
    (created[0].0, created[0].1.to_owned())
}

/// A history that creates one object of every kind with a minted id, and
/// the ids it minted, in order.
fn mint_every_kind() -> (World, Vec<(ObjectKind, String)>) {
    let mut w = World::new();
    let owner = root(OWNER);
    let platform = Actor::Platform;
    let mut ids = Vec::new();
    let mut mint = |w: &mut World, actor: &Actor, command: snapguard::Command| {
        let id = created(&w.ok(actor, command));
        ids.push(id.clone());
        id.1
    };
    mint(&mut w, &platform, CreateRegion::new(MINT).into());
    mint(
        &mut w,
        &platform,
        CreateAccount::new(MINT, Site::China).into(),
    );
    mint(&mut w, &owner, CreateUser::new(MINT).into());
    let disk = mint(&mut w, &owner, blank_disk(MINT, REGION).into());
    let snapshot = mint(&mut w, &owner, CreateSnapshot::new(MINT, &*disk).into());
    w.finish(&snapshot);
    let copy = CopySnapshot::new(&*snapshot, MINT, OTHER_REGION);
    mint(&mut w, &owner, copy.into());
    let automatic = CreateAutomaticSnapshot::new(MINT, &*disk).retention_days(30);
    mint(&mut w, &platform, automatic.into());
    let backup = CreateBackupSnapshot::new(MINT, OWNER, REGION);
    mint(&mut w, &platform, backup.into());
    mint(&mut w, &owner, CreateImage::new(MINT, &*snapshot).into());
    mint(&mut w, &owner, ImportImage::new(MINT, REGION).into());
    mint(&mut w, &owner, CreateResourceDirectory::new(MINT).into());
    mint(&mut w, &owner, snapguard::CreateFolder::new(MINT).into());
    let share = CreateResourceShare::new(MINT, PrincipalScope::AllAccounts);
    mint(&mut w, &owner, share.into());
    w.ok(&owner, ActivateKms::new());
    mint(&mut w, &owner, CreateKey::new(MINT, REGION).into());
    let kind = VaultKind::GeneralPurpose;
    let vault = mint(&mut w, &owner, create_vault(MINT, kind).into());
    let policy = create_policy(MINT, &vault, PolicyKind::General, false);
    mint(&mut w, &owner, policy.into());
    let point = mint(
        &mut w,
        &platform,
        create_point(MINT, &vault, None, None).into(),
    );
    let replica = replicate_vault(&vault, MINT, OTHER_REGION);
    let replica = mint(&mut w, &owner, replica.into());
    let copied = replicate_point(&point, MINT, &replica);
    mint(&mut w, &platform, copied.into());
    (w, ids)
}

#[test]
fn gen_4_every_kind_of_new_object_can_have_its_id_minted_in_order() {
    let (w, ids) = mint_every_kind();
    let kinds: BTreeSet<ObjectKind> = ids.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(kinds.len(), 13, "every kind of object: {kinds:?}");
    for (number, (kind, id)) in ids.iter().enumerate() {
        let (prefix, tail) = id.split_once('~').expect("a minted id holds `~`");
        assert_eq!(tail.len(), 19, "{kind}: {id}");
        assert_eq!(tail.parse::<usize>().unwrap(), number, "{kind}: {id}");
        assert!(prefix.ends_with('-'), "{kind}: {id}");
        assert!(!snapguard::is_well_formed(id), "{id} is no caller's id");
    }
    // Each kind has its own prefix, the provider's where it has one.
    let prefix = |kind| {
        let (_, id) = ids.iter().find(|(k, _)| *k == kind).unwrap();
        id.split_once('~').unwrap().0.to_owned()
    };
    assert_eq!(prefix(ObjectKind::Snapshot), "s-");
    assert_eq!(prefix(ObjectKind::Disk), "d-");
    assert_eq!(prefix(ObjectKind::Image), "m-");
    assert_eq!(prefix(ObjectKind::ResourceShare), "rs-");
    assert_eq!(prefix(ObjectKind::Vault), "v-");
    assert_eq!(prefix(ObjectKind::BackupPolicy), "po-");
    // The objects are there under their minted ids, and the state loads.
    assert!(w.state.snapshot(&sid(&ms(4))).is_some());
    assert!(w.state.disk(&DiskId::new(m(ObjectKind::Disk, 3))).is_some());
    // With the provider's one-letter prefixes, the provider's length.
    assert_eq!(ms(4).len(), "s-".len() + 20);
    let json = serde_json::to_value(&w.state).unwrap();
    assert_eq!(json["minted"], ids.len());
    assert_eq!(serde_json::from_value::<State>(json).unwrap(), w.state);
}

#[test]
fn gen_4_the_same_history_mints_the_same_ids() {
    let (first, first_ids) = mint_every_kind();
    let (second, second_ids) = mint_every_kind();
    assert_eq!(first_ids, second_ids);
    assert_eq!(first.state, second.state);
}

#[test]
fn gen_4_replaying_the_events_mints_on_from_the_same_count() {
    let mut w = World::with_snapshot();
    let mut events = Vec::new();
    for _ in 0..3 {
        events.extend(w.ok(&root(OWNER), CreateSnapshot::new(MINT, "d-1")));
    }
    let delete = w.ok(&root(OWNER), delete(&ms(2)));
    events.extend(delete);
    let replayed = events
        .iter()
        .fold(World::with_snapshot().state, State::evolve);
    assert_eq!(replayed, w.state);
    let next = replayed.decide(w.now, &root(OWNER), CreateSnapshot::new(MINT, "d-1"));
    assert_eq!(created(&next.unwrap()).1, ms(3));
}

#[test]
fn gen_5_a_caller_cannot_choose_a_minted_id() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), CreateSnapshot::new(MINT, "d-1"));
    for id in [ms(0), ms(1), ms(7)] {
        let refusal = w.refused(
            &root(OWNER),
            create_snapshot(&id, "d-1", None),
            RuleId::Gen5,
        );
        assert_eq!(
            refusal,
            Violation::InvalidId {
                kind: ObjectKind::Snapshot,
                id
            }
        );
    }
    let disk = m(ObjectKind::Disk, 5);
    w.refused(&root(OWNER), blank_disk(&disk, REGION), RuleId::Gen5);
}

#[test]
fn gen_4_a_deleted_minted_id_is_never_given_again_and_never_remembered() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let mut given = BTreeSet::new();
    for _ in 0..5 {
        let (_, id) = created(&w.ok(&root(OWNER), CreateSnapshot::new(MINT, "d-1")));
        assert!(given.insert(id.clone()), "{id} given twice");
        w.finish(&id);
        w.ok(&root(OWNER), delete(&id));
    }
    let (_, disk) = created(&w.ok(&root(OWNER), blank_disk(MINT, REGION)));
    w.ok(&root(OWNER), ReleaseDisk::new(&*disk));
    let json = serde_json::to_value(&w.state).unwrap();
    for kind in ["snapshots", "disks", "images", "shares"] {
        assert_eq!(json["retired"][kind], Value::Array(vec![]), "{kind}");
    }
    assert_eq!(json["minted"], 6);
    // A reference to a deleted minted object still loads: it was given.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let (_, source) = created(&w.ok(&root(OWNER), CreateSnapshot::new(MINT, "d-1")));
    w.finish(&source);
    let from = blank_disk("d-2", REGION).source(snapguard::DiskSource::snapshot(&*source));
    w.ok(&root(OWNER), from);
    w.ok(&root(OWNER), delete(&source));
    let json = serde_json::to_value(&w.state).unwrap();
    assert_eq!(serde_json::from_value::<State>(json).unwrap(), w.state);
}

#[test]
fn gen_4_a_minted_id_is_not_bound_by_the_id_length_limit() {
    let mut limits = Limits::default();
    limits.max_id_chars = 3;
    let mut state = State::with_limits(limits).unwrap();
    let mut mint = |actor: &Actor, command: snapguard::Command| {
        created(&state.apply_mut(t0(), actor, command).unwrap()).1
    };
    let region = mint(&Actor::Platform, CreateRegion::new(MINT).into());
    let account = mint(
        &Actor::Platform,
        CreateAccount::new(MINT, Site::China).into(),
    );
    let disk = mint(&root(&account), blank_disk(MINT, &region).into());
    let snapshot = mint(&root(&account), CreateSnapshot::new(MINT, &*disk).into());
    assert_eq!(region, m(ObjectKind::Region, 0));
    assert_eq!(account, m(ObjectKind::Account, 1));
    assert_eq!(disk, m(ObjectKind::Disk, 2));
    assert_eq!(snapshot, ms(3));
    // A caller's id is held to the bound.
    let long = state.apply_mut(t0(), &root(&account), CreateSnapshot::new("s-12", &*disk));
    assert_eq!(long.unwrap_err().rule(), RuleId::Gen7);
    let json = serde_json::to_value(&state).unwrap();
    assert_eq!(serde_json::from_value::<State>(json).unwrap(), state);
}

#[test]
fn gen_4_a_state_whose_count_is_spent_refuses_to_mint() {
    let mut w = World::with_snapshot();
    let mut json = serde_json::to_value(&w.state).unwrap();
    // The last number is taken: the next would need a twentieth digit.
    json["minted"] = Value::from(10_u64.pow(19));
    w.state = serde_json::from_value(json).unwrap();
    let refusal = w.refused(&root(OWNER), CreateSnapshot::new(MINT, "d-1"), RuleId::Gen4);
    assert_eq!(
        refusal,
        Violation::AlreadyExists {
            kind: ObjectKind::Snapshot,
            id: MINT.into()
        }
    );
    // Caller ids still work.
    w.ok(&root(OWNER), create_snapshot("s-2", "d-1", None));
}

#[test]
fn gen_4_a_loaded_reference_to_an_id_not_yet_minted_dangles() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let (_, source) = created(&w.ok(&root(OWNER), CreateSnapshot::new(MINT, "d-1")));
    w.finish(&source);
    w.ok(
        &root(OWNER),
        CopySnapshot::new(&*source, "c-1", OTHER_REGION),
    );
    w.ok(&root(OWNER), delete(&source));
    let text = serde_json::to_string(&w.state).unwrap();
    // The copy names the second id minted, which the state has not
    // minted: minting it next would make the copy's source a snapshot
    // made after it.
    let (first, second) = (format!("\"{}\"", ms(0)), format!("\"{}\"", ms(1)));
    let json: Value = serde_json::from_str(&text.replace(&first, &second)).unwrap();
    let unchecked: UncheckedState = serde_json::from_value(json).unwrap();
    let errors = unchecked.check().unwrap_err();
    assert!(
        errors.iter().any(|error| matches!(
            error,
            StateError::Dangling { missing_id, .. } if *missing_id == ms(1)
        )),
        "{errors:?}"
    );
    assert!(errors.iter().all(|error| error.rule() == RuleId::Gen4));
}

/// One step of a history over snapshots and disks, minted or chosen.
#[derive(Debug, Clone)]
enum Step {
    Snapshot { mint: bool, disk: usize },
    Disk { mint: bool },
    DeleteSnapshot(usize),
    ReleaseDisk(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<bool>(), 0..4usize).prop_map(|(mint, disk)| Step::Snapshot { mint, disk }),
        any::<bool>().prop_map(|mint| Step::Disk { mint }),
        (0..8usize).prop_map(Step::DeleteSnapshot),
        (0..4usize).prop_map(Step::ReleaseDisk),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No path gives an id twice: over any mix of minted and chosen ids,
    /// created and deleted, every created id is new, the state round-trips
    /// through its serialized form, and nothing minted is remembered.
    #[test]
    fn gen_4_no_history_gives_an_id_twice(steps in prop::collection::vec(step(), 1..60)) {
        let mut w = World::new();
        let owner = root(OWNER);
        let mut given = BTreeSet::new();
        let (mut disks, mut snapshots): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        let mut chosen = 0;
        for step in steps {
            chosen += 1;
            let result = match &step {
                Step::Disk { mint } => {
                    let id = if *mint { MINT.to_owned() } else { format!("d-{chosen}") };
                    w.state.apply_mut(w.now, &owner, blank_disk(&id, REGION))
                }
                Step::Snapshot { mint, disk } => {
                    let Some(disk) = disks.get(*disk) else { continue };
                    let id = if *mint { MINT.to_owned() } else { format!("s-{chosen}") };
                    w.state.apply_mut(w.now, &owner, CreateSnapshot::new(id, disk.as_str()))
                }
                Step::DeleteSnapshot(n) => {
                    let Some(id) = snapshots.get(*n) else { continue };
                    w.state.apply_mut(w.now, &Actor::Platform, finish(id)).ok();
                    w.state.apply_mut(w.now, &owner, delete(id))
                }
                Step::ReleaseDisk(n) => {
                    let Some(id) = disks.get(*n) else { continue };
                    let release = ReleaseDisk::new(id.as_str()).release_automatic_snapshots(true);
                    w.state.apply_mut(w.now, &owner, release)
                }
            };
            let Ok(events) = result else { continue };
            for (kind, id) in events.iter().filter_map(Event::created) {
                prop_assert!(given.insert((kind, id.to_owned())), "{} {} given twice", kind, id);
                match kind {
                    ObjectKind::Disk => disks.push(id.to_owned()),
                    _ => snapshots.push(id.to_owned()),
                }
            }
            w.wait(secs(1));
        }
        let json = serde_json::to_value(&w.state).unwrap();
        let retired: Vec<&Value> = ["snapshots", "disks"]
            .iter()
            .flat_map(|kind| json["retired"][kind].as_array().unwrap())
            .collect();
        prop_assert!(retired.iter().all(|id| !id.as_str().unwrap().contains('~')), "{:?}", retired);
        prop_assert_eq!(serde_json::from_value::<State>(json).unwrap(), w.state.clone());
        let live: Vec<SnapshotId> = w.state.snapshots().map(|s| s.id.clone()).collect();
        prop_assert!(live.iter().all(|id| given.contains(&(ObjectKind::Snapshot, id.to_string()))));
    }
}
