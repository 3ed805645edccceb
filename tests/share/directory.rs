//! Resource directories and what they reach (SHARE-8): members gain what is
//! shared with the directory or their folder, joiners gain it, leavers lose
//! it; only the management account's root manages the directory (PERM-1,
//! PERM-4); an account is in one directory at most.

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    AccountId, Actor, AddDirectoryMember, Command, CreateDisk, CreateFolder,
    CreateResourceDirectory, DiskCategory, DiskSource, Event, ObjectKind, PrincipalScope,
    RemoveDirectoryMember, RuleId, ShareStatus, Site, SnapshotAccess, Violation,
};

const FOURTH: &str = "4004";
const FIFTH: &str = "5005";

/// An unencrypted ESSD disk built from `snapshot` in [`REGION`].
fn disk_from(snapshot: &str, disk: &str) -> CreateDisk {
    CreateDisk::new(disk, REGION, DiskCategory::Essd, 40).source(DiskSource::snapshot(snapshot))
}

fn remove_member(account: &str) -> RemoveDirectoryMember {
    RemoveDirectoryMember::new(account)
}

fn add_member(account: &str, folder: Option<&str>) -> AddDirectoryMember {
    AddDirectoryMember::new(account).maybe_folder(folder.map(Into::into))
}

fn create_directory(id: &str) -> CreateResourceDirectory {
    CreateResourceDirectory::new(id)
}

fn create_folder(id: &str) -> CreateFolder {
    CreateFolder::new(id)
}

/// The snapshots `account` sees as shared with it now, with their share.
fn shared_view(w: &World, account: &str) -> Vec<(String, String, ShareStatus)> {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .into_iter()
        .filter_map(|seen| match seen.access {
            SnapshotAccess::Shared { share, status, .. } => {
                Some((seen.snapshot.to_string(), share.to_string(), status))
            }
            _ => None,
        })
        .collect()
}

fn seen(snapshot: &str, share: &str, status: ShareStatus) -> (String, String, ShareStatus) {
    (snapshot.to_owned(), share.to_owned(), status)
}

/// The accounts `snapshot` is shared with now.
fn audience(w: &World, snapshot: &str) -> Vec<(AccountId, ShareStatus)> {
    w.state
        .shared_with(&snapshot.into(), w.now)
        .accounts
        .into_iter()
        .collect()
}

/// OWNER's s-1 and two more China accounts, 4004 and 5005; no directory
/// yet (`w.directory` creates OWNER's rd-1 with folder fd-1).
fn world() -> World {
    let mut w = World::with_snapshot();
    w.accounts(&[FOURTH, FIFTH], Site::China);
    w
}

#[track_caller]
fn assert_foreign(violation: &Violation, account: &str) {
    assert!(
        matches!(violation, Violation::ForeignResource { account: a, .. } if a.as_str() == account),
        "expected a foreign resource to {account}: {violation:?}"
    );
}

// ---------------------------------------------------------------------------
// Reach through a directory or a folder
// ---------------------------------------------------------------------------

#[test]
fn share_8_directory_share_reaches_every_member() {
    let mut w = world();
    w.directory(&[OTHER, FOURTH]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1")], &["s-1"]),
    );
    for member in [OTHER, FOURTH] {
        assert_eq!(
            shared_view(&w, member),
            [seen("s-1", "rs-1", ShareStatus::Pending)]
        );
    }
    // The owner (the management account, a member) and non-members are not reached.
    assert!(shared_view(&w, OWNER).is_empty());
    assert!(shared_view(&w, FIFTH).is_empty());
    assert_eq!(
        audience(&w, "s-1"),
        [
            (OTHER.into(), ShareStatus::Pending),
            (FOURTH.into(), ShareStatus::Pending)
        ]
    );
    w.ok(&root(OTHER), accept("rs-1"));
    let events = w.ok(&root(OTHER), disk_from("s-1", "d-o"));
    assert!(
        matches!(&events[..], [Event::DiskCreated { disk, .. }] if disk.owner.as_str() == OTHER)
    );
    assert_eq!(
        audience(&w, "s-1"),
        [
            (OTHER.into(), ShareStatus::Accepted),
            (FOURTH.into(), ShareStatus::Pending)
        ]
    );
    // The member that did not accept still cannot use it (SHARE-7).
    let refusal = w.refused(&root(FOURTH), disk_from("s-1", "d-4"), RuleId::Share7);
    assert!(matches!(refusal, Violation::ShareNotAccepted { .. }));
    // A non-member is a stranger to the snapshot (PERM-4).
    let refusal = w.refused(&root(FIFTH), disk_from("s-1", "d-5"), RuleId::Perm4);
    assert_foreign(&refusal, FIFTH);
    let refusal = w.refused(&root(FIFTH), accept("rs-1"), RuleId::Share7);
    assert!(matches!(refusal, Violation::NoInvitation { .. }));
}

#[test]
fn share_8_account_joining_later_gains_access_without_share_event() {
    let mut w = world();
    w.directory(&[]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1")], &["s-1"]),
    );
    assert!(shared_view(&w, OTHER).is_empty());
    w.refused(&root(OTHER), accept("rs-1"), RuleId::Share7);
    w.refused(&root(OTHER), disk_from("s-1", "d-o"), RuleId::Perm4);

    w.wait(hours(1));
    let events = w.ok(&root(OWNER), add_member(OTHER, None));
    assert!(
        matches!(&events[..], [Event::DirectoryMemberAdded { account, .. }] if account.as_str() == OTHER),
        "joining records the membership only: {events:?}"
    );
    assert_eq!(
        shared_view(&w, OTHER),
        [seen("s-1", "rs-1", ShareStatus::Pending)]
    );
    // Acceptance is still needed the first time (SHARE-7).
    let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o"), RuleId::Share7);
    assert!(
        matches!(&refusal, Violation::ShareNotAccepted { share, account } if share.as_str() == "rs-1" && account.as_str() == OTHER)
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("s-1", "d-o"));
    assert!(w.state.disk(&"d-o".into()).is_some());
}

#[test]
fn share_8_account_leaving_loses_access() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1")], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("s-1", "d-o"));
    w.wait(hours(1));
    w.ok(&root(OWNER), remove_member(OTHER));
    assert!(w.state.visible_snapshots(&OTHER.into(), w.now).is_empty());
    assert!(audience(&w, "s-1").is_empty());
    let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o2"), RuleId::Perm4);
    assert_foreign(&refusal, OTHER);
    // The share itself is unchanged: the account is only out of reach.
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert!(share.accepted.contains(&AccountId::new(OTHER)));
    assert!(w.state.is_shared(&sid("s-1")));
}

#[test]
fn share_7_acceptance_survives_leaving_and_rejoining() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1")], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OWNER), remove_member(OTHER));
    w.refused(&root(OTHER), disk_from("s-1", "d-o"), RuleId::Perm4);
    w.ok(&root(OWNER), add_member(OTHER, Some("fd-1")));
    // Accepted once: no new acceptance is needed.
    assert_eq!(
        shared_view(&w, OTHER),
        [seen("s-1", "rs-1", ShareStatus::Accepted)]
    );
    w.ok(&root(OTHER), disk_from("s-1", "d-o"));
}

#[test]
fn share_8_folder_share_reaches_only_the_folder_members() {
    let mut w = world();
    w.directory(&[FOURTH]);
    w.join(OTHER, Some("fd-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[folder("fd-1")], &["s-1"]),
    );
    assert_eq!(
        shared_view(&w, OTHER),
        [seen("s-1", "rs-1", ShareStatus::Pending)]
    );
    assert!(shared_view(&w, FOURTH).is_empty());
    assert_eq!(audience(&w, "s-1"), [(OTHER.into(), ShareStatus::Pending)]);
    w.refused(&root(FOURTH), accept("rs-1"), RuleId::Share7);
    let refusal = w.refused(&root(FOURTH), disk_from("s-1", "d-4"), RuleId::Perm4);
    assert_foreign(&refusal, FOURTH);
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("s-1", "d-o"));
}

#[test]
fn share_8_member_moved_out_of_folder_keeps_only_the_directory_share() {
    let mut w = world();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.directory(&[]);
    w.join(OTHER, Some("fd-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[folder("fd-1")], &["s-1"]),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[directory("rd-1")], &["s-2"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), accept("rs-2"));
    w.ok(&root(OTHER), disk_from("s-1", "d-o1"));

    // Moved to the directory's root: out, then in again without a folder.
    w.ok(&root(OWNER), remove_member(OTHER));
    w.ok(&root(OWNER), add_member(OTHER, None));
    let directory = w.state.directory_of(&OTHER.into()).unwrap();
    assert!(directory.is_member(&OTHER.into()));
    assert_eq!(directory.folder_of(&OTHER.into()), None);
    assert_eq!(
        shared_view(&w, OTHER),
        [seen("s-2", "rs-2", ShareStatus::Accepted)]
    );
    let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o2"), RuleId::Perm4);
    assert_foreign(&refusal, OTHER);
    w.ok(&root(OTHER), disk_from("s-2", "d-o3"));
    assert!(audience(&w, "s-1").is_empty());

    // Moved back into the folder: the folder share reaches it again.
    w.ok(&root(OWNER), remove_member(OTHER));
    w.ok(&root(OWNER), add_member(OTHER, Some("fd-1")));
    w.ok(&root(OTHER), disk_from("s-1", "d-o4"));
}

#[test]
fn share_8_member_outside_the_folder_sees_a_folder_and_directory_share_once() {
    // One share naming both the directory and a folder reaches a folder
    // member once, and a root member through the directory alone.
    let mut w = world();
    w.directory(&[FOURTH]);
    w.join(OTHER, Some("fd-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[directory("rd-1"), folder("fd-1")], &["s-1"]),
    );
    for member in [OTHER, FOURTH] {
        assert_eq!(
            shared_view(&w, member),
            [seen("s-1", "rs-1", ShareStatus::Pending)]
        );
    }
    // Removing the directory principal leaves only the folder's reach.
    w.ok(
        &root(OWNER),
        disassociate("rs-1", &[directory("rd-1")], &[]),
    );
    assert_eq!(shared_view(&w, OTHER).len(), 1);
    assert!(shared_view(&w, FOURTH).is_empty());
}

#[test]
fn share_4_directory_scoped_account_principal_follows_membership() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.ok(
        &root(OWNER),
        create_scoped_share(
            "rs-1",
            PrincipalScope::ResourceDirectory,
            &[account(OTHER)],
            &["s-1"],
        ),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("s-1", "d-o1"));
    w.ok(&root(OWNER), remove_member(OTHER));
    let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o2"), RuleId::Perm4);
    assert_foreign(&refusal, OTHER);
    assert!(shared_view(&w, OTHER).is_empty());
    w.ok(&root(OWNER), add_member(OTHER, None));
    w.ok(&root(OTHER), disk_from("s-1", "d-o2"));
}

// ---------------------------------------------------------------------------
// Shares by other members, and owners that leave
// ---------------------------------------------------------------------------

#[test]
fn share_8_member_other_than_management_shares_with_the_directory() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.join(FOURTH, Some("fd-1"));
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.ok(
        &root(OTHER),
        create_share("rs-o", &[directory("rd-1")], &["s-o"]),
    );
    w.ok(
        &root(OTHER),
        create_share("rs-f", &[folder("fd-1")], &["s-o"]),
    );
    // The management account is a member like any other.
    assert_eq!(
        shared_view(&w, OWNER),
        [seen("s-o", "rs-o", ShareStatus::Pending)]
    );
    assert_eq!(
        shared_view(&w, FOURTH),
        [
            seen("s-o", "rs-f", ShareStatus::Pending),
            seen("s-o", "rs-o", ShareStatus::Pending)
        ]
    );
    assert!(shared_view(&w, OTHER).is_empty());
    w.ok(&root(OWNER), accept("rs-o"));
    let events = w.ok(&root(OWNER), disk_from("s-o", "d-m"));
    assert!(
        matches!(&events[..], [Event::DiskCreated { disk, .. }] if disk.owner.as_str() == OWNER)
    );
    w.ok(&root(FOURTH), accept("rs-f"));
    w.ok(&root(FOURTH), disk_from("s-o", "d-4"));
}

#[test]
fn share_8_owner_leaving_the_directory_no_longer_reaches_through_it() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.join(FOURTH, Some("fd-1"));
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.snapshot(OTHER, "d-o", "s-o2", None);
    w.ok(
        &root(OTHER),
        create_share("rs-o", &[directory("rd-1"), folder("fd-1")], &["s-o"]),
    );
    // An account principal of an all-accounts share does not need the directory.
    w.ok(
        &root(OTHER),
        create_share("rs-a", &[account(FOURTH)], &["s-o2"]),
    );
    w.ok(&root(OWNER), accept("rs-o"));
    w.ok(&root(FOURTH), accept("rs-o"));
    w.ok(&root(FOURTH), accept("rs-a"));
    w.ok(&root(FOURTH), disk_from("s-o", "d-4"));

    w.wait(hours(1));
    w.ok(&root(OWNER), remove_member(OTHER));
    assert_eq!(
        shared_view(&w, FOURTH),
        [seen("s-o2", "rs-a", ShareStatus::Accepted)]
    );
    assert!(shared_view(&w, OWNER).is_empty());
    assert!(audience(&w, "s-o").is_empty());
    let refusal = w.refused(&root(FOURTH), disk_from("s-o", "d-4b"), RuleId::Perm4);
    assert_foreign(&refusal, FOURTH);
    w.refused(&root(OWNER), disk_from("s-o", "d-m"), RuleId::Perm4);
    w.ok(&root(FOURTH), disk_from("s-o2", "d-4c"));
    // The directory principals stay in the share.
    let share = w.state.resource_share(&"rs-o".into()).unwrap();
    assert!(share.principals.contains(&directory("rd-1")));
}

#[test]
fn share_8_owner_moving_to_another_directory_does_not_carry_its_shares() {
    let mut w = world();
    w.directory(&[OTHER, FOURTH]);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.ok(
        &root(OTHER),
        create_share("rs-o", &[directory("rd-1")], &["s-o"]),
    );
    w.ok(&root(FOURTH), accept("rs-o"));
    w.ok(&root(OWNER), remove_member(OTHER));
    w.ok(&root(FIFTH), create_directory("rd-2"));
    w.ok(&root(FIFTH), add_member(OTHER, None));
    // rd-1 is not the owner's directory any more, and rd-2 was never named.
    for account in [FOURTH, FIFTH, OWNER] {
        assert!(shared_view(&w, account).is_empty(), "{account}");
    }
    w.refused(&root(FOURTH), disk_from("s-o", "d-4"), RuleId::Perm4);
    w.refused(&root(FIFTH), accept("rs-o"), RuleId::Share7);
}

// ---------------------------------------------------------------------------
// Managing the directory
// ---------------------------------------------------------------------------

#[test]
fn share_8_management_account_cannot_leave() {
    let mut w = world();
    w.directory(&[OTHER]);
    let refusal = w.refused(&root(OWNER), remove_member(OWNER), RuleId::Share8);
    assert!(
        matches!(&refusal, Violation::ManagementAccountLeaving { account, directory } if account.as_str() == OWNER && directory.as_str() == "rd-1"),
        "{refusal:?}"
    );
}

#[test]
fn share_8_adding_an_account_already_in_a_directory_is_refused() {
    let mut w = world();
    w.directory(&[OTHER]);
    let refusal = w.refused(&root(OWNER), add_member(OTHER, None), RuleId::Share8);
    assert!(
        matches!(&refusal, Violation::AlreadyInDirectory { account, directory } if account.as_str() == OTHER && directory.as_str() == "rd-1"),
        "{refusal:?}"
    );
    // A member of another directory.
    w.ok(&root(FOURTH), create_directory("rd-2"));
    let refusal = w.refused(
        &root(OWNER),
        add_member(FOURTH, Some("fd-1")),
        RuleId::Share8,
    );
    assert!(
        matches!(&refusal, Violation::AlreadyInDirectory { account, directory } if account.as_str() == FOURTH && directory.as_str() == "rd-2"),
        "{refusal:?}"
    );
}

#[test]
fn share_8_removing_a_non_member_is_refused() {
    let mut w = world();
    w.directory(&[OTHER]);
    let refusal = w.refused(&root(OWNER), remove_member(FOURTH), RuleId::Share8);
    assert!(
        matches!(&refusal, Violation::NotInDirectory { account, directory: Some(d) } if account.as_str() == FOURTH && d.as_str() == "rd-1"),
        "{refusal:?}"
    );
    // Nor a member of another directory.
    w.ok(&root(FIFTH), create_directory("rd-2"));
    w.refused(&root(OWNER), remove_member(FIFTH), RuleId::Share8);
    // Nor one that has left already.
    w.ok(&root(OWNER), remove_member(OTHER));
    w.refused(&root(OWNER), remove_member(OTHER), RuleId::Share8);
}

#[test]
fn share_8_member_creating_a_second_directory_is_refused() {
    let mut w = world();
    w.directory(&[OTHER]);
    let refusal = w.refused(&root(OTHER), create_directory("rd-2"), RuleId::Share8);
    assert!(
        matches!(&refusal, Violation::AlreadyInDirectory { account, directory } if account.as_str() == OTHER && directory.as_str() == "rd-1"),
        "{refusal:?}"
    );
    // The management account neither.
    w.refused(&root(OWNER), create_directory("rd-2"), RuleId::Share8);
    // Once it left, the account may create its own.
    w.ok(&root(OWNER), remove_member(OTHER));
    w.ok(&root(OTHER), create_directory("rd-2"));
    let created = w.state.directory(&"rd-2".into()).unwrap();
    assert_eq!(created.management.as_str(), OTHER);
    assert_eq!(
        w.state.directory_of(&OTHER.into()).unwrap().id.as_str(),
        "rd-2"
    );
}

#[test]
fn perm_4_non_management_member_cannot_manage_the_directory() {
    let mut w = world();
    w.directory(&[OTHER, FOURTH]);
    let refusal = w.refused(&root(OTHER), add_member(FIFTH, None), RuleId::Perm4);
    assert!(
        matches!(&refusal, Violation::ForeignResource { kind: ObjectKind::Directory, id, owner, account }
            if id == "rd-1" && owner.as_str() == OWNER && account.as_str() == OTHER),
        "{refusal:?}"
    );
    w.refused(&root(OTHER), create_folder("fd-2"), RuleId::Perm4);
    w.refused(&root(OTHER), remove_member(FOURTH), RuleId::Perm4);
    w.refused(&root(OTHER), remove_member(OTHER), RuleId::Perm4);
}

#[test]
fn share_8_account_in_no_directory_cannot_create_folders_or_add_members() {
    let mut w = world();
    let refusal = w.refused(&root(OTHER), create_folder("fd-1"), RuleId::Share8);
    assert!(
        matches!(&refusal, Violation::NotInDirectory { account, directory: None } if account.as_str() == OTHER),
        "{refusal:?}"
    );
    w.refused(&root(OTHER), add_member(FOURTH, None), RuleId::Share8);
    w.refused(&root(OTHER), remove_member(FOURTH), RuleId::Share8);
}

#[test]
fn perm_1_users_cannot_manage_directories() {
    let mut w = world();
    let alice = w.user(OWNER, "alice", vec![allow_all()]);
    let refusal = w.refused(&alice, create_directory("rd-1"), RuleId::Perm1);
    assert!(
        matches!(refusal, Violation::WrongActor { .. }),
        "{refusal:?}"
    );
    w.directory(&[OTHER]);
    let commands: [Command; 3] = [
        create_folder("fd-2").into(),
        add_member(FOURTH, None).into(),
        remove_member(OTHER).into(),
    ];
    for command in commands {
        let refusal = w.refused(&alice, command.clone(), RuleId::Perm1);
        assert!(
            matches!(refusal, Violation::WrongActor { .. }),
            "{refusal:?}"
        );
        // System actors neither.
        w.refused(&Actor::Platform, command, RuleId::Perm1);
    }
}

#[test]
fn share_3_directory_member_on_another_site_is_refused() {
    let mut w = world();
    w.directory(&[]);
    let refusal = w.refused(&root(OWNER), add_member(ABROAD, None), RuleId::Share3);
    assert!(
        matches!(&refusal, Violation::CrossSite { other, .. } if other.as_str() == ABROAD),
        "{refusal:?}"
    );
}
