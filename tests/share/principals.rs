//! Whom a share may name: SHARE-3 (sites never share) and SHARE-4 (scopes
//! and directories).

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    AddDirectoryMember, CreateDisk, CreateFolder, CreateResourceDirectory, CreateResourceShare,
    DiskSource, Event, ObjectKind, Principal, PrincipalProblem, PrincipalScope,
    RemoveDirectoryMember, RuleId, Site, SnapshotAccess, Violation,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A share scoped to the owner's resource directory.
fn scoped(share: &str, principals: &[Principal], snapshots: &[&str]) -> CreateResourceShare {
    create_scoped_share(
        share,
        PrincipalScope::ResourceDirectory,
        principals,
        snapshots,
    )
}

/// `rs-1` cannot name `principal`: it is outside the owner's directory.
fn outside(principal: Principal) -> Violation {
    not_allowed("rs-1", principal, PrincipalProblem::OutsideDirectory)
}

/// An unencrypted ESSD disk in [`REGION`] from a snapshot.
fn disk_from(disk: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, REGION).source(DiskSource::snapshot(snapshot))
}

fn not_allowed(share: &str, principal: Principal, reason: PrincipalProblem) -> Violation {
    Violation::PrincipalNotAllowed {
        share: share.into(),
        principal,
        reason,
    }
}

fn foreign(kind: ObjectKind, id: &str, owner: &str, account: &str) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.into(),
        owner: owner.into(),
        account: account.into(),
    }
}

/// Whether `account` sees `snapshot` as shared with it now.
fn sees(w: &World, account: &str, snapshot: &str) -> bool {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .iter()
        .any(|v| v.snapshot == sid(snapshot) && matches!(v.access, SnapshotAccess::Shared { .. }))
}

/// OTHER creates its own directory `rd-2` with folder `fd-2`, and adds
/// `members` at its root.
fn other_directory(w: &mut World, members: &[&str]) {
    w.ok(&root(OTHER), CreateResourceDirectory::new("rd-2"));
    w.ok(&root(OTHER), CreateFolder::new("fd-2"));
    for member in members {
        let joining = AddDirectoryMember::new(*member);
        w.ok(&root(OTHER), joining);
    }
}

const SCOPES: [PrincipalScope; 2] = [
    PrincipalScope::AllAccounts,
    PrincipalScope::ResourceDirectory,
];

// ---------------------------------------------------------------------------
// SHARE-3: sites
// ---------------------------------------------------------------------------

#[test]
fn share_3_sharing_with_an_international_account_from_china_refused() {
    let mut w = World::with_snapshot();
    let cross = Violation::CrossSite {
        account: OWNER.into(),
        site: Site::China,
        other: ABROAD.into(),
        other_site: Site::International,
    };
    let v = w.owner_refused(
        create_share("rs-1", &[account(ABROAD)], &["s-1"]),
        RuleId::Share3,
    );
    assert_eq!(v, cross);
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[account(ABROAD)], &[]), RuleId::Share3);
    assert_eq!(v, cross);
}

#[test]
fn share_3_an_international_account_cannot_share_with_a_china_account() {
    let mut w = World::new();
    w.accounts(&["3004"], Site::International);
    w.disk(ABROAD, "d-9");
    w.snapshot(ABROAD, "d-9", "a-1", None);
    let v = w.refused(
        &root(ABROAD),
        create_share("rs-9", &[account(OWNER)], &["a-1"]),
        RuleId::Share3,
    );
    assert_eq!(
        v,
        Violation::CrossSite {
            account: ABROAD.into(),
            site: Site::International,
            other: OWNER.into(),
            other_site: Site::China,
        }
    );
    // Within its own site it shares.
    w.ok(
        &root(ABROAD),
        create_share("rs-9", &[account("3004")], &["a-1"]),
    );
    assert!(sees(&w, "3004", "a-1"));
}

#[test]
fn share_3_an_international_account_cannot_join_a_china_directory() {
    let mut w = World::new();
    w.directory(&[]);
    let v = w.owner_refused(
        AddDirectoryMember::new(ABROAD).folder("fd-1"),
        RuleId::Share3,
    );
    assert_eq!(
        v,
        Violation::CrossSite {
            account: OWNER.into(),
            site: Site::China,
            other: ABROAD.into(),
            other_site: Site::International,
        }
    );
    assert!(w.state.directory_of(&ABROAD.into()).is_none());
}

#[test]
fn share_3_a_china_share_never_reaches_an_international_account() {
    let mut w = World::with_snapshot();
    w.directory(&[OTHER]);
    w.by_owner(create_share(
        "rs-1",
        &[account(OTHER), directory("rd-1"), folder("fd-1")],
        &["s-1"],
    ));
    assert!(sees(&w, OTHER, "s-1"));
    assert!(w.state.visible_snapshots(&ABROAD.into(), w.now).is_empty());
    assert!(
        !w.state
            .shared_with(&sid("s-1"), w.now)
            .accounts
            .contains_key(ABROAD)
    );
    let v = w.refused(&root(ABROAD), accept("rs-1"), RuleId::Share7);
    assert_eq!(
        v,
        Violation::NoInvitation {
            share: "rs-1".into(),
            account: ABROAD.into(),
        }
    );
    let v = w.refused(&root(ABROAD), disk_from("d-9", "s-1"), RuleId::Perm4);
    assert_eq!(v, foreign(ObjectKind::Snapshot, "s-1", OWNER, ABROAD));
    w.refused(&root(ABROAD), copy("s-1", "c-9", None), RuleId::Perm4);
}

// ---------------------------------------------------------------------------
// SHARE-4: scopes
// ---------------------------------------------------------------------------

#[test]
fn share_4_all_accounts_scope_may_name_any_same_site_account() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.directory(&["4004"]);
    // OTHER is in no directory, 4004 is in the owner's.
    let events = w.by_owner(create_share(
        "rs-1",
        &[account(OTHER), account("4004")],
        &["s-1"],
    ));
    assert!(events.contains(&Event::SharePrincipalAdded {
        at: w.now,
        share: "rs-1".into(),
        principal: account(OTHER),
    }));
    assert!(sees(&w, OTHER, "s-1"));
    assert!(sees(&w, "4004", "s-1"));
}

#[test]
fn share_4_directory_scope_may_name_the_directory_its_folders_and_members() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004", "5005"], Site::China);
    w.directory(&["4004"]);
    w.join("5005", Some("fd-1"));
    let named = [directory("rd-1"), folder("fd-1"), account("4004")];
    let events = w.by_owner(scoped("rs-1", &named, &["s-1"]));
    let added: Vec<&Principal> = events
        .iter()
        .filter_map(|e| match e {
            Event::SharePrincipalAdded { principal, .. } => Some(principal),
            _ => None,
        })
        .collect();
    assert_eq!(added, named.iter().collect::<Vec<_>>());
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.scope, PrincipalScope::ResourceDirectory);
    assert!(sees(&w, "4004", "s-1"));
    assert!(sees(&w, "5005", "s-1"));
    assert!(!sees(&w, OTHER, "s-1"));
}

#[test]
fn share_4_directory_scope_refuses_an_account_outside_the_directory() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.directory(&["4004"]);
    let v = w.owner_refused(
        scoped("rs-1", &[account("4004"), account(OTHER)], &["s-1"]),
        RuleId::Share4,
    );
    assert_eq!(v, outside(account(OTHER)));
    w.by_owner(scoped("rs-1", &[account("4004")], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[account(OTHER)], &[]), RuleId::Share4);
    assert_eq!(v, outside(account(OTHER)));
}

#[test]
fn share_4_directory_scope_of_an_owner_outside_any_directory_names_no_account() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    other_directory(&mut w, &["4004"]);
    // Neither an account in no directory nor one in another's directory.
    for sharee in [OTHER, "4004"] {
        let v = w.owner_refused(scoped("rs-1", &[account(sharee)], &["s-1"]), RuleId::Share4);
        assert_eq!(v, outside(account(sharee)));
    }
}

#[test]
fn share_4_a_directory_or_folder_of_another_directory_refused_in_any_scope() {
    let mut w = World::with_snapshot();
    other_directory(&mut w, &[]);
    w.accounts(&["4004"], Site::China);
    // Outside any directory first, then with a directory of its own.
    for with_own_directory in [false, true] {
        if with_own_directory {
            w.directory(&["4004"]);
        }
        for scope in SCOPES {
            for principal in [directory("rd-2"), folder("fd-2")] {
                let v = w.owner_refused(
                    create_scoped_share("rs-1", scope, std::slice::from_ref(&principal), &["s-1"]),
                    RuleId::Share4,
                );
                assert_eq!(v, outside(principal));
            }
        }
    }
    // Its own directory and folder are accepted in either scope.
    for (share, scope) in ["rs-1", "rs-2"].into_iter().zip(SCOPES) {
        let own = [directory("rd-1"), folder("fd-1")];
        w.by_owner(create_scoped_share(share, scope, &own, &["s-1"]));
    }
    assert_eq!(w.state.shares_holding(&sid("s-1")).count(), 2);
}

#[test]
fn share_4_a_member_may_name_the_directory_it_belongs_to() {
    // OWNER is a member, not the manager, of OTHER's directory.
    let mut w = World::with_snapshot();
    other_directory(&mut w, &[OWNER]);
    w.by_owner(scoped(
        "rs-1",
        &[directory("rd-2"), folder("fd-2"), account(OTHER)],
        &["s-1"],
    ));
    assert!(sees(&w, OTHER, "s-1"));
}

#[test]
fn share_4_naming_the_owner_refused_in_either_scope() {
    let mut w = World::with_snapshot();
    w.directory(&[OTHER]);
    let is_owner = not_allowed("rs-1", account(OWNER), PrincipalProblem::Owner);
    for scope in SCOPES {
        let named = [account(OTHER), account(OWNER)];
        let v = w.owner_refused(
            create_scoped_share("rs-1", scope, &named, &["s-1"]),
            RuleId::Share4,
        );
        assert_eq!(v, is_owner);
    }
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[account(OWNER)], &[]), RuleId::Share4);
    assert_eq!(v, is_owner);
}

#[test]
fn share_4_an_account_of_a_directory_scoped_share_loses_reach_when_it_leaves() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.directory(&["4004"]);
    w.by_owner(scoped("rs-1", &[account("4004")], &["s-1"]));
    w.ok(&root("4004"), accept("rs-1"));
    w.ok(&root("4004"), disk_from("d-4", "s-1"));
    w.wait(hours(1));
    w.by_owner(RemoveDirectoryMember::new("4004"));
    // Still named by the share, no longer reached.
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert!(share.principals.contains(&account("4004")));
    assert!(!sees(&w, "4004", "s-1"));
    let v = w.refused(&root("4004"), disk_from("d-5", "s-1"), RuleId::Perm4);
    assert_eq!(v, foreign(ObjectKind::Snapshot, "s-1", OWNER, "4004"));
    w.refused(&root("4004"), accept("rs-1"), RuleId::Share7);
}

#[test]
fn share_4_an_account_of_an_all_accounts_share_keeps_reach_when_it_leaves() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.directory(&["4004"]);
    w.by_owner(create_share("rs-1", &[account("4004")], &["s-1"]));
    w.ok(&root("4004"), accept("rs-1"));
    w.by_owner(RemoveDirectoryMember::new("4004"));
    assert!(sees(&w, "4004", "s-1"));
    let events = w.ok(&root("4004"), disk_from("d-4", "s-1"));
    assert!(matches!(&events[..], [Event::DiskCreated { disk, .. }] if disk.owner == "4004"));
}

// ---------------------------------------------------------------------------
// Check order: SHARE-3 for every principal, then SHARE-4
// ---------------------------------------------------------------------------

#[test]
fn share_3_is_checked_for_every_principal_before_share_4() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.directory(&[OTHER]);
    // 4004 is outside the directory (SHARE-4), ABROAD on another site
    // (SHARE-3): the site refuses first, whatever the order named.
    let command = scoped("rs-1", &[account("4004"), account(ABROAD)], &["s-1"]);
    w.refused(&root(OWNER), command.clone(), RuleId::Share3);
    let rules: Vec<RuleId> = w
        .state
        .explain(w.now, &root(OWNER), command)
        .iter()
        .map(Violation::rule)
        .collect();
    // A principal refused once is not examined again by later rules.
    assert_eq!(rules, [RuleId::Share3, RuleId::Share4]);
}

#[test]
fn share_4_explain_reports_a_refused_principal_once() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.ok(
        &root(OWNER),
        blank_disk("d-1", REGION).encryption(snapguard::Encryption::CustomerKey("k-1".into())),
    );
    w.snapshot(OWNER, "d-1", "s-1", None);
    // Naming the owner is SHARE-4; its role's trust (SHARE-6) is not asked.
    let command = create_share("rs-1", &[account(OWNER)], &["s-1"]);
    let found = w.state.explain(w.now, &root(OWNER), command.clone());
    assert_eq!(
        found,
        [not_allowed("rs-1", account(OWNER), PrincipalProblem::Owner)]
    );
    w.refused(&root(OWNER), command, RuleId::Share4);
}
