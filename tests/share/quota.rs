//! Sharing quotas: SHARE-1 (at most 64 principals per snapshot, over all
//! its shares, a directory or folder counting as one) and SHARE-2 (at most
//! 1,024 snapshots of an account shared at a time), with the default limits.

use crate::common;
use crate::share_support;

use common::*;
use share_support::*;
use snapguard::{
    AccountId, Actor, DeleteResourceShare, Event, Principal, RuleId, Site, SnapshotId, Violation,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Registers `n` China accounts numbered from `first`; returns their ids.
fn new_accounts(w: &mut World, first: u32, n: u32) -> Vec<String> {
    let ids: Vec<String> = (first..first + n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    w.accounts(&refs, Site::China);
    ids
}

/// Account principals for these ids.
fn principals(ids: &[String]) -> Vec<Principal> {
    ids.iter().map(|id| account(id)).collect()
}

fn too_many_principals(snapshot: &str, count: usize) -> Violation {
    Violation::TooManyPrincipals {
        snapshot: sid(snapshot),
        principals: count,
        limit: 64,
    }
}

fn principal_count(w: &World, snapshot: &str) -> usize {
    w.state.shared_with(&sid(snapshot), w.now).principals.len()
}

/// A world where `s-1` of OWNER is shared through `rs-1` with 64 accounts
/// (4000..4063); also registers 4064..4069 for the tests to use.
fn at_principal_limit() -> (World, Vec<String>) {
    let mut w = World::with_snapshot();
    let ids = new_accounts(&mut w, 4000, 70);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &principals(&ids[..64]), &["s-1"]),
    );
    assert_eq!(principal_count(&w, "s-1"), 64);
    (w, ids)
}

/// OWNER's snapshot ids `s-0000` .. for `n` snapshots.
fn snapshot_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("s-{i:04}")).collect()
}

/// OWNER holds `n` available snapshots of disk `d-1`, named as
/// [`snapshot_ids`]; each creation and completion must be accepted.
fn owner_with_snapshots(n: usize) -> (World, Vec<String>) {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let ids = snapshot_ids(n);
    for id in &ids {
        w.state
            .apply_mut(w.now, &root(OWNER), create_snapshot(id, "d-1", None))
            .expect("snapshot created");
        w.state
            .apply_mut(w.now, &Actor::Platform, finish(id))
            .expect("snapshot completed");
    }
    (w, ids)
}

fn refs(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}

fn shared_count(w: &World, account: &str) -> usize {
    w.state.shared_snapshot_count(&account.into())
}

fn too_many_shared(shared: usize) -> Violation {
    Violation::TooManySharedSnapshots {
        account: OWNER.into(),
        shared,
        limit: 1024,
    }
}

/// OWNER with 1,025 snapshots, the first 1,024 shared with OTHER through
/// `rs-1`.
fn at_shared_limit() -> (World, Vec<String>) {
    let (mut w, ids) = owner_with_snapshots(1025);
    let events = w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &refs(&ids[..1024])),
    );
    let shared = events
        .iter()
        .filter(|e| matches!(e, Event::SnapshotShared { .. }))
        .count();
    assert_eq!(shared, 1024);
    assert_eq!(shared_count(&w, OWNER), 1024);
    (w, ids)
}

// ---------------------------------------------------------------------------
// SHARE-1: principals per snapshot
// ---------------------------------------------------------------------------

#[test]
fn share_1_sixty_four_principals_accepted_and_a_65th_added_to_the_share_refused() {
    let (mut w, ids) = at_principal_limit();
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.principals.len(), 64);
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&ids[64])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
    assert_eq!(principal_count(&w, "s-1"), 64);
}

#[test]
fn share_1_at_the_limit_naming_a_principal_already_there_changes_nothing() {
    let (mut w, ids) = at_principal_limit();
    let before = w.state.clone();
    let events = w.ok(
        &root(OWNER),
        associate("rs-1", &[account(&ids[0]), account(&ids[63])], &["s-1"]),
    );
    assert!(events.is_empty());
    assert_eq!(w.state, before);
}

#[test]
fn share_1_creating_a_share_with_65_principals_refused() {
    let mut w = World::with_snapshot();
    let ids = new_accounts(&mut w, 4000, 65);
    let v = w.refused(
        &root(OWNER),
        create_share("rs-1", &principals(&ids), &["s-1"]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
    // The same share without the snapshot holds no snapshot to count for.
    w.ok(&root(OWNER), create_share("rs-1", &principals(&ids), &[]));
}

#[test]
fn share_1_adding_the_snapshot_to_a_share_whose_principals_make_65_refused() {
    let (mut w, ids) = at_principal_limit();
    // rs-2 names one account new to s-1 and already shares another snapshot.
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(&ids[64])], &["s-2"]),
    );
    let v = w.refused(
        &root(OWNER),
        associate("rs-2", &[], &["s-1"]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
    // Creating a share with a new principal and s-1 is refused alike.
    let v = w.refused(
        &root(OWNER),
        create_share("rs-3", &[account(&ids[65])], &["s-1"]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
    assert_eq!(w.state.shares_holding(&sid("s-1")).count(), 1);
}

#[test]
fn share_1_refusal_names_the_snapshot_over_the_limit_among_those_of_the_share() {
    let (mut w, ids) = at_principal_limit();
    // rs-2 holds s-2 (one principal) and s-1 through rs-1 (64).
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(&ids[0])], &["s-2", "s-1"]),
    );
    assert_eq!(principal_count(&w, "s-1"), 64);
    assert_eq!(principal_count(&w, "s-2"), 1);
    let v = w.refused(
        &root(OWNER),
        associate("rs-2", &[account(&ids[64])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
}

#[test]
fn share_1_a_directory_counts_as_one_principal_however_many_members() {
    let mut w = World::with_snapshot();
    let members = new_accounts(&mut w, 5000, 5);
    w.directory(&refs(&members));
    let outside = new_accounts(&mut w, 4000, 64);
    let mut named = vec![directory("rd-1")];
    named.extend(principals(&outside[..63]));
    w.ok(&root(OWNER), create_share("rs-1", &named, &["s-1"]));
    assert_eq!(principal_count(&w, "s-1"), 64);
    // A new member joins: still 64 principals, and it is reached.
    let late = new_accounts(&mut w, 5005, 1);
    w.join(&late[0], None);
    let audience = w.state.shared_with(&sid("s-1"), w.now);
    assert_eq!(audience.principals.len(), 64);
    assert!(audience.accounts.contains_key(&AccountId::new(&late[0])));
    assert_eq!(audience.accounts.len(), 63 + 6);
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&outside[63])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
}

#[test]
fn share_1_a_folder_counts_as_one_principal() {
    let mut w = World::with_snapshot();
    w.directory(&[]);
    let in_folder = new_accounts(&mut w, 5000, 4);
    for member in &in_folder {
        w.join(member, Some("fd-1"));
    }
    let outside = new_accounts(&mut w, 4000, 63);
    let mut named = vec![directory("rd-1"), folder("fd-1")];
    named.extend(principals(&outside[..62]));
    w.ok(&root(OWNER), create_share("rs-1", &named, &["s-1"]));
    assert_eq!(principal_count(&w, "s-1"), 64);
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&outside[62])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
}

#[test]
fn share_1_the_same_principal_in_two_shares_counts_once() {
    let (mut w, ids) = at_principal_limit();
    // rs-2 names two of rs-1's principals and shares s-1 too: still 64.
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(&ids[0]), account(&ids[1])], &["s-1"]),
    );
    assert_eq!(w.state.shares_holding(&sid("s-1")).count(), 2);
    let audience = w.state.shared_with(&sid("s-1"), w.now);
    assert_eq!(audience.principals.len(), 64);
    assert_eq!(audience.principals[&account(&ids[0])].len(), 2);
    // Adding to rs-2 another of rs-1's principals is accepted, a new one not.
    w.ok(&root(OWNER), associate("rs-2", &[account(&ids[2])], &[]));
    let v = w.refused(
        &root(OWNER),
        associate("rs-2", &[account(&ids[64])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
}

#[test]
fn share_1_a_principal_named_twice_in_one_command_counts_once() {
    let mut w = World::with_snapshot();
    let ids = new_accounts(&mut w, 4000, 64);
    let mut named = principals(&ids);
    named.push(account(&ids[0]));
    w.ok(&root(OWNER), create_share("rs-1", &named, &["s-1"]));
    assert_eq!(principal_count(&w, "s-1"), 64);
}

#[test]
fn share_1_different_principals_in_two_shares_add_up() {
    let mut w = World::with_snapshot();
    let ids = new_accounts(&mut w, 4000, 65);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &principals(&ids[..32]), &["s-1"]),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-2", &principals(&ids[32..64]), &["s-1"]),
    );
    assert_eq!(principal_count(&w, "s-1"), 64);
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&ids[64])], &[]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
    // A third share with a new principal and s-1 is refused as well.
    let v = w.refused(
        &root(OWNER),
        create_share("rs-3", &[account(&ids[64])], &["s-1"]),
        RuleId::Share1,
    );
    assert_eq!(v, too_many_principals("s-1", 65));
}

#[test]
fn share_1_removing_a_principal_frees_room() {
    let (mut w, ids) = at_principal_limit();
    w.ok(&root(OWNER), disassociate("rs-1", &[account(&ids[0])], &[]));
    assert_eq!(principal_count(&w, "s-1"), 63);
    let events = w.ok(&root(OWNER), associate("rs-1", &[account(&ids[64])], &[]));
    assert_eq!(
        events,
        vec![Event::SharePrincipalAdded {
            at: w.now,
            share: "rs-1".into(),
            principal: account(&ids[64]),
        }]
    );
    assert_eq!(principal_count(&w, "s-1"), 64);
    w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&ids[65])], &[]),
        RuleId::Share1,
    );
}

#[test]
fn share_1_a_principal_shared_twice_still_counts_until_removed_from_both() {
    let (mut w, ids) = at_principal_limit();
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(&ids[0])], &["s-1"]),
    );
    // Removing ids[0] from rs-1 alone leaves it a principal of s-1 via rs-2.
    w.ok(&root(OWNER), disassociate("rs-1", &[account(&ids[0])], &[]));
    assert_eq!(principal_count(&w, "s-1"), 64);
    w.refused(
        &root(OWNER),
        associate("rs-1", &[account(&ids[64])], &[]),
        RuleId::Share1,
    );
    w.ok(&root(OWNER), disassociate("rs-2", &[account(&ids[0])], &[]));
    assert_eq!(principal_count(&w, "s-1"), 63);
    w.ok(&root(OWNER), associate("rs-1", &[account(&ids[64])], &[]));
}

#[test]
fn share_1_unsharing_the_snapshot_frees_the_principals_of_that_share() {
    let (mut w, ids) = at_principal_limit();
    let fresh = new_accounts(&mut w, 6000, 64);
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    assert_eq!(principal_count(&w, "s-1"), 0);
    // s-1 can now go to 64 other principals through another share.
    w.ok(
        &root(OWNER),
        create_share("rs-2", &principals(&fresh), &["s-1"]),
    );
    assert_eq!(principal_count(&w, "s-1"), 64);
    // Deleting rs-2 frees them too: s-1 back in rs-1 with its 64 accounts.
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-2"));
    w.ok(&root(OWNER), associate("rs-1", &[], &["s-1"]));
    assert_eq!(principal_count(&w, "s-1"), 64);
    assert!(
        w.state
            .shared_with(&sid("s-1"), w.now)
            .principals
            .contains_key(&account(&ids[0]))
    );
}

// ---------------------------------------------------------------------------
// SHARE-2: shared snapshots per account
// ---------------------------------------------------------------------------

#[test]
fn share_2_exactly_1024_shared_snapshots_accepted_and_the_1025th_refused() {
    let (mut w, ids) = at_shared_limit();
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[], &[&ids[1024]]),
        RuleId::Share2,
    );
    assert_eq!(v, too_many_shared(1025));
    // Through a new share as well.
    let v = w.refused(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &[&ids[1024]]),
        RuleId::Share2,
    );
    assert_eq!(v, too_many_shared(1025));
    assert!(!w.state.is_shared(&SnapshotId::new(&ids[1024])));
    assert_eq!(shared_count(&w, OWNER), 1024);
}

#[test]
fn share_2_a_batch_crossing_the_limit_is_refused_whole() {
    let (mut w, ids) = owner_with_snapshots(1025);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &refs(&ids[..1023])),
    );
    assert_eq!(shared_count(&w, OWNER), 1023);
    let v = w.refused(
        &root(OWNER),
        associate("rs-1", &[], &[&ids[1023], &ids[1024]]),
        RuleId::Share2,
    );
    assert_eq!(v, too_many_shared(1025));
    assert_eq!(shared_count(&w, OWNER), 1023);
    w.ok(&root(OWNER), associate("rs-1", &[], &[&ids[1023]]));
    assert_eq!(shared_count(&w, OWNER), 1024);
}

#[test]
fn share_2_a_snapshot_in_two_shares_counts_once() {
    let (mut w, ids) = at_shared_limit();
    // At the limit, an already shared snapshot still joins another share.
    let events = w.ok(&root(OWNER), create_share("rs-2", &[], &[&ids[0], &ids[1]]));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::SnapshotShared { .. }))
            .count(),
        2
    );
    assert_eq!(w.state.shares_holding(&SnapshotId::new(&ids[0])).count(), 2);
    assert_eq!(shared_count(&w, OWNER), 1024);
    // Naming again a snapshot the share holds adds nothing either.
    let events = w.ok(&root(OWNER), associate("rs-1", &[], &[&ids[0]]));
    assert!(events.is_empty());
    assert_eq!(shared_count(&w, OWNER), 1024);
    // Leaving one of its two shares does not free quota.
    w.ok(&root(OWNER), disassociate("rs-1", &[], &[&ids[0]]));
    assert_eq!(shared_count(&w, OWNER), 1024);
    w.refused(
        &root(OWNER),
        associate("rs-1", &[], &[&ids[1024]]),
        RuleId::Share2,
    );
}

#[test]
fn share_2_unsharing_frees_quota() {
    let (mut w, ids) = at_shared_limit();
    w.ok(&root(OWNER), disassociate("rs-1", &[], &[&ids[0]]));
    assert_eq!(shared_count(&w, OWNER), 1023);
    assert!(!w.state.is_shared(&SnapshotId::new(&ids[0])));
    w.ok(&root(OWNER), associate("rs-1", &[], &[&ids[1024]]));
    assert_eq!(shared_count(&w, OWNER), 1024);
    // Deleting the share frees all of it.
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-1"));
    assert_eq!(shared_count(&w, OWNER), 0);
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &refs(&ids[1..])),
    );
    assert_eq!(shared_count(&w, OWNER), 1024);
}

#[test]
fn share_2_the_quota_is_per_owner() {
    let (mut w, ids) = at_shared_limit();
    // OTHER's own snapshot: its count is its own.
    w.disk(OTHER, "d-9");
    w.snapshot(OTHER, "d-9", "o-1", None);
    w.ok(
        &root(OTHER),
        create_share("rs-9", &[account(OWNER)], &["o-1"]),
    );
    assert_eq!(shared_count(&w, OTHER), 1);
    assert_eq!(shared_count(&w, OWNER), 1024);
    // OWNER is still at its limit.
    w.refused(
        &root(OWNER),
        associate("rs-1", &[], &[&ids[1024]]),
        RuleId::Share2,
    );
    assert_eq!(shared_count(&w, ABROAD), 0);
}

#[test]
fn share_2_a_share_without_principals_still_counts_its_snapshots() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    assert_eq!(shared_count(&w, OWNER), 0);
    w.ok(&root(OWNER), create_share("rs-1", &[], &["s-1", "s-2"]));
    assert!(w.state.is_shared(&sid("s-1")));
    assert_eq!(shared_count(&w, OWNER), 2);
    // Adding a principal later changes nothing to the count.
    w.ok(&root(OWNER), associate("rs-1", &[account(OTHER)], &[]));
    assert_eq!(shared_count(&w, OWNER), 2);
    assert_eq!(shared_count(&w, OTHER), 0);
}

/// A share that would itself name more principals than a snapshot may
/// have is refused by SHARE-1 at once, before any check that pairs its
/// principals with its snapshots (GEN-7): `explain` stops there, though the
/// owner's role trusts none of the accounts (SHARE-6) either.
#[test]
fn gen_7_share_1_a_share_naming_too_many_principals_is_refused_before_pairing() {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.ok(
        &root(OWNER),
        blank_disk("d-k", REGION).encryption(snapguard::Encryption::CustomerKey("k-1".into())),
    );
    w.snapshot(OWNER, "d-k", "s-k", None);
    let names: Vec<String> = (0..65).map(|i| format!("50{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    w.accounts(&refs, snapguard::Site::China);
    let principals: Vec<snapguard::Principal> = names.iter().map(|n| account(n)).collect();
    let command = create_share("rs-1", &principals, &["s-k"]);
    let v = w.refused(&root(OWNER), command.clone(), RuleId::Share1);
    assert_eq!(
        v,
        Violation::TooManyPrincipals {
            snapshot: "s-k".into(),
            principals: 65,
            limit: 64,
        }
    );
    let rules: Vec<RuleId> = w
        .state
        .explain(w.now, &root(OWNER), command)
        .iter()
        .map(Violation::rule)
        .collect();
    assert_eq!(rules, [RuleId::Share1]);
    // With 64, the share reaches the trust check (SHARE-6) as before.
    let command = create_share("rs-1", &principals[..64], &["s-k"]);
    w.refused(&root(OWNER), command, RuleId::Share6);
}
