//! Questions about sharing: what an account sees
//! ([`State::visible_snapshots`]), whom a snapshot is shared with
//! ([`State::shared_with`]), which shares reach an account
//! ([`State::shares_reaching`]), the share and directory accessors, and a
//! sharing state's JSON round trip.

use crate::common;
use crate::share_support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use common::*;
use share_support::*;
use snapguard::{
    AccountId, CreateDisk, DeleteResourceShare, DiskCategory, DiskSource, Encryption, Principal,
    PrincipalScope, RemoveDirectoryMember, RuleId, SetEncryptedShareRole, ShareId, ShareStatus,
    SharedWith, Site, SnapshotAccess, State, VisibleSnapshot,
};

const FOURTH: &str = "4004";
const FIFTH: &str = "5005";

fn disk_from(snapshot: &str, disk: &str, encryption: Encryption) -> CreateDisk {
    CreateDisk::new(disk, REGION, DiskCategory::Essd, 40)
        .encryption(encryption)
        .source(DiskSource::snapshot(snapshot))
}

/// What `account` sees, as (snapshot, owner, access) triples.
fn seen(w: &World, account: &str) -> Vec<(String, String, SnapshotAccess)> {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .into_iter()
        .map(
            |VisibleSnapshot {
                 snapshot,
                 owner,
                 access,
                 ..
             }| { (snapshot.to_string(), owner.to_string(), access) },
        )
        .collect()
}

fn own(snapshot: &str, owner: &str) -> (String, String, SnapshotAccess) {
    (snapshot.to_owned(), owner.to_owned(), SnapshotAccess::Own)
}

fn shared(
    snapshot: &str,
    share: &str,
    status: ShareStatus,
    expires_at: DateTime<Utc>,
) -> (String, String, SnapshotAccess) {
    (
        snapshot.to_owned(),
        OWNER.to_owned(),
        SnapshotAccess::Shared {
            share: share.into(),
            status,
            expires_at,
        },
    )
}

fn shares(ids: &[&str]) -> BTreeSet<ShareId> {
    ids.iter().map(|id| ShareId::from(*id)).collect()
}

fn share_ids<'a>(found: impl Iterator<Item = &'a snapguard::ResourceShare>) -> Vec<String> {
    found.map(|share| share.id.to_string()).collect()
}

/// The view of a permanent snapshot shared at `at`.
fn permanent_end(at: DateTime<Utc>) -> DateTime<Utc> {
    at + days(1096)
}

/// OWNER's s-1 (permanent), accounts 4004 and 5005, OTHER's own d-o and s-o.
fn world() -> World {
    let mut w = World::with_snapshot();
    w.accounts(&[FOURTH, FIFTH], Site::China);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w
}

// ---------------------------------------------------------------------------
// visible_snapshots
// ---------------------------------------------------------------------------

#[test]
fn share_7_visible_snapshots_lists_own_first_then_shared_with_status() {
    let mut w = world();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1", "s-2"]),
    );
    let end = t0() + days(30);
    assert_eq!(
        seen(&w, OTHER),
        [
            own("s-o", OTHER),
            shared("s-1", "rs-1", ShareStatus::Pending, permanent_end(t0())),
            shared("s-2", "rs-1", ShareStatus::Pending, end),
        ]
    );
    w.ok(&root(OTHER), accept("rs-1"));
    assert_eq!(
        seen(&w, OTHER),
        [
            own("s-o", OTHER),
            shared("s-1", "rs-1", ShareStatus::Accepted, permanent_end(t0())),
            shared("s-2", "rs-1", ShareStatus::Accepted, end),
        ]
    );
    // The owner sees its snapshots as its own only.
    assert_eq!(seen(&w, OWNER), [own("s-1", OWNER), own("s-2", OWNER)]);
}

#[test]
fn share_8_visible_snapshots_lists_a_snapshot_once_per_share() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[directory("rd-1")], &["s-1"]),
    );
    // One share naming the account both directly and through the directory.
    w.ok(
        &root(OWNER),
        create_share("rs-3", &[account(OTHER), directory("rd-1")], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-2"));
    let later = permanent_end(t0() + hours(1));
    assert_eq!(
        seen(&w, OTHER),
        [
            own("s-o", OTHER),
            shared("s-1", "rs-1", ShareStatus::Pending, permanent_end(t0())),
            shared("s-1", "rs-2", ShareStatus::Accepted, later),
            shared("s-1", "rs-3", ShareStatus::Pending, later),
        ]
    );
}

#[test]
fn perm_4_accounts_not_reached_see_only_their_own() {
    let mut w = world();
    w.disk(FOURTH, "d-4");
    w.snapshot(FOURTH, "d-4", "s-4", None);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    assert_eq!(seen(&w, FOURTH), [own("s-4", FOURTH)]);
    assert!(seen(&w, FIFTH).is_empty());
    assert!(seen(&w, ABROAD).is_empty());
    assert!(seen(&w, "9999").is_empty());
    // What it does not see, it cannot use.
    w.refused(
        &root(FOURTH),
        disk_from("s-1", "d-x", Encryption::Unencrypted),
        RuleId::Perm4,
    );
}

// ---------------------------------------------------------------------------
// shared_with
// ---------------------------------------------------------------------------

#[test]
fn share_1_shared_with_lists_each_principal_with_its_shares() {
    let mut w = world();
    w.directory(&[]);
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER), directory("rd-1")], &["s-1"]),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER), folder("fd-1")], &["s-1"]),
    );
    let report = w.state.shared_with(&sid("s-1"), w.now);
    let expected: BTreeMap<Principal, BTreeSet<ShareId>> = [
        (account(OTHER), shares(&["rs-1", "rs-2"])),
        (directory("rd-1"), shares(&["rs-1"])),
        (folder("fd-1"), shares(&["rs-2"])),
    ]
    .into_iter()
    .collect();
    assert_eq!(report.principals, expected);
    // A principal removed from one share keeps the other.
    w.ok(&root(OWNER), disassociate("rs-1", &[account(OTHER)], &[]));
    let report = w.state.shared_with(&sid("s-1"), w.now);
    assert_eq!(report.principals[&account(OTHER)], shares(&["rs-2"]));
}

#[test]
fn share_8_shared_with_lists_accounts_reached_now_with_status() {
    let mut w = world();
    w.directory(&[OTHER, FIFTH]);
    w.join(FOURTH, Some("fd-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[folder("fd-1")], &["s-1"]),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[directory("rd-1")], &["s-1"]),
    );
    w.ok(&root(FOURTH), accept("rs-1"));
    w.ok(&root(OTHER), accept("rs-2"));
    let expected: BTreeMap<AccountId, ShareStatus> = [
        (OTHER.into(), ShareStatus::Accepted),
        (FOURTH.into(), ShareStatus::Accepted),
        (FIFTH.into(), ShareStatus::Pending),
    ]
    .into_iter()
    .collect();
    assert_eq!(w.state.shared_with(&sid("s-1"), w.now).accounts, expected);
    // A member leaving is no longer listed.
    w.ok(&root(OWNER), RemoveDirectoryMember::new(FIFTH));
    let accounts = w.state.shared_with(&sid("s-1"), w.now).accounts;
    assert_eq!(
        accounts.keys().map(AccountId::as_str).collect::<Vec<_>>(),
        [OTHER, FOURTH]
    );
}

#[test]
fn share_9_shared_with_drops_expired_views_but_keeps_principals() {
    let mut w = world();
    w.share_with(OTHER);
    let expiry = permanent_end(t0());
    let before = w.state.shared_with(&sid("s-1"), expiry - secs(1));
    assert_eq!(before.accounts.len(), 1);
    assert_eq!(
        before.accounts[&AccountId::new(OTHER)],
        ShareStatus::Accepted
    );
    for instant in [expiry, expiry + secs(1)] {
        let report = w.state.shared_with(&sid("s-1"), instant);
        assert!(report.accounts.is_empty(), "{report:?}");
        assert_eq!(report.principals, before.principals);
    }
}

#[test]
fn share_12_shared_with_is_empty_for_an_unknown_or_unshared_snapshot() {
    let mut w = world();
    assert_eq!(
        w.state.shared_with(&sid("s-1"), w.now),
        SharedWith::default()
    );
    assert_eq!(
        w.state.shared_with(&sid("nope"), w.now),
        SharedWith::default()
    );
    w.share_with(OTHER);
    assert_ne!(
        w.state.shared_with(&sid("s-1"), w.now),
        SharedWith::default()
    );
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    assert_eq!(
        w.state.shared_with(&sid("s-1"), w.now),
        SharedWith::default()
    );
}

// ---------------------------------------------------------------------------
// Accessors
// ---------------------------------------------------------------------------

#[test]
fn share_12_resource_share_and_shares_holding_follow_the_shares() {
    let mut w = world();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_scoped_share(
            "rs-2",
            PrincipalScope::AllAccounts,
            &[account(OTHER)],
            &["s-1"],
        ),
    );
    w.ok(&root(OTHER), accept("rs-2"));
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(FOURTH)], &["s-1", "s-2"]),
    );
    let share = w.state.resource_share(&"rs-2".into()).unwrap();
    assert_eq!(share.id.as_str(), "rs-2");
    assert_eq!(share.owner.as_str(), OWNER);
    assert_eq!(share.scope, PrincipalScope::AllAccounts);
    assert_eq!(share.principals, BTreeSet::from([account(OTHER)]));
    assert_eq!(share.accepted, BTreeSet::from([AccountId::new(OTHER)]));
    assert_eq!(share.created_at, t0() + hours(1));
    assert_eq!(share.snapshots.len(), 1);
    assert_eq!(share.snapshots[&sid("s-1")].shared_at, t0() + hours(1));
    assert!(w.state.resource_share(&"rs-9".into()).is_none());
    assert_eq!(share_ids(w.state.resource_shares()), ["rs-1", "rs-2"]);
    assert_eq!(
        share_ids(w.state.shares_holding(&sid("s-1"))),
        ["rs-1", "rs-2"]
    );
    assert_eq!(share_ids(w.state.shares_holding(&sid("s-2"))), ["rs-1"]);
    assert!(w.state.is_shared(&sid("s-1")) && w.state.is_shared(&sid("s-2")));
    assert!(!w.state.is_shared(&sid("s-o")));
    // Distinct snapshots, whatever the number of shares (SHARE-2).
    assert_eq!(w.state.shared_snapshot_count(&OWNER.into()), 2);
    assert_eq!(w.state.shared_snapshot_count(&OTHER.into()), 0);

    w.ok(&root(OWNER), DeleteResourceShare::new("rs-1"));
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
    assert_eq!(share_ids(w.state.shares_holding(&sid("s-1"))), ["rs-2"]);
    assert_eq!(w.state.shares_holding(&sid("s-2")).count(), 0);
    assert!(!w.state.is_shared(&sid("s-2")));
    assert_eq!(w.state.shared_snapshot_count(&OWNER.into()), 1);
    // SHARE-12 follows is_shared.
    w.ok(&root(OWNER), delete("s-2"));
    w.refused(&root(OWNER), delete("s-1"), RuleId::Share12);
}

#[test]
fn share_8_directory_accessors_follow_membership() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.join(FOURTH, Some("fd-1"));
    let directory = w.state.directory(&"rd-1".into()).unwrap();
    assert_eq!(directory.management.as_str(), OWNER);
    assert_eq!(directory.created_at, t0());
    let members: Vec<(&str, Option<&str>)> = directory
        .members
        .iter()
        .map(|(a, f)| (a.as_str(), f.as_ref().map(|f| f.as_str())))
        .collect();
    assert_eq!(
        members,
        [(OWNER, None), (OTHER, None), (FOURTH, Some("fd-1"))]
    );
    let folder = w.state.folder(&"fd-1".into()).unwrap();
    assert_eq!(folder.directory.as_str(), "rd-1");
    assert!(w.state.folder(&"fd-9".into()).is_none());
    assert!(w.state.directory(&"rd-9".into()).is_none());
    for member in [OWNER, OTHER, FOURTH] {
        assert_eq!(
            w.state.directory_of(&member.into()).unwrap().id.as_str(),
            "rd-1"
        );
    }
    assert!(w.state.directory_of(&FIFTH.into()).is_none());
    assert_eq!(w.state.directories().count(), 1);
    w.ok(&root(OWNER), RemoveDirectoryMember::new(FOURTH));
    assert!(w.state.directory_of(&FOURTH.into()).is_none());
    let directory = w.state.directory(&"rd-1".into()).unwrap();
    assert!(!directory.is_member(&FOURTH.into()));
    assert_eq!(directory.folder_of(&FOURTH.into()), None);
    // The folder stays, empty.
    assert!(w.state.folder(&"fd-1".into()).is_some());
}

#[test]
fn share_8_shares_reaching_follows_principals_and_membership() {
    let mut w = world();
    w.directory(&[OTHER]);
    w.join(FOURTH, Some("fd-1"));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
    );
    w.ok(&root(OWNER), create_share("rs-2", &[folder("fd-1")], &[]));
    w.ok(
        &root(OWNER),
        create_share("rs-3", &[directory("rd-1")], &["s-1"]),
    );
    let reaching =
        |w: &World, account: &str| share_ids(w.state.shares_reaching(&account.into()).into_iter());
    assert_eq!(reaching(&w, OTHER), ["rs-1", "rs-3"]);
    // An empty share reaches too: it is an invitation.
    assert_eq!(reaching(&w, FOURTH), ["rs-2", "rs-3"]);
    // Never the owner, nor an account no principal names.
    assert!(reaching(&w, OWNER).is_empty());
    assert!(reaching(&w, FIFTH).is_empty());
    // Accepting changes nothing; leaving the directory ends the reach.
    w.ok(&root(FOURTH), accept("rs-3"));
    assert_eq!(reaching(&w, FOURTH), ["rs-2", "rs-3"]);
    w.ok(&root(OWNER), RemoveDirectoryMember::new(FOURTH));
    assert!(reaching(&w, FOURTH).is_empty());
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-1"));
    assert_eq!(reaching(&w, OTHER), ["rs-3"]);
}

// ---------------------------------------------------------------------------
// JSON round trip
// ---------------------------------------------------------------------------

/// Directories and folders, shares of every principal kind, acceptances,
/// a deleted share, a snapshot encrypted with a customer key and the
/// owner's role trusting OTHER.
fn sharing_world() -> World {
    let mut w = world();
    w.directory(&[OTHER, FIFTH]);
    w.join(FOURTH, Some("fd-1"));
    w.key(OWNER, "key-1", REGION);
    let key = Encryption::CustomerKey("key-1".into());
    w.ok(&root(OWNER), blank_disk("d-k", REGION).encryption(key));
    w.snapshot(OWNER, "d-k", "s-k", Some(90));
    w.ok(
        &root(OWNER),
        SetEncryptedShareRole::new().trust(AccountId::new(OTHER)),
    );
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-1", "s-k"]),
    );
    w.ok(
        &root(OWNER),
        create_scoped_share(
            "rs-2",
            PrincipalScope::ResourceDirectory,
            &[directory("rd-1"), folder("fd-1")],
            &["s-1", "s-k"],
        ),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-old", &[account(FIFTH)], &["s-1"]),
    );
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-old"));
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(FOURTH), accept("rs-2"));
    w
}

#[test]
fn share_6_sharing_state_round_trips_through_json() {
    let w = sharing_world();
    let text = serde_json::to_string(&w.state).unwrap();
    let back: State = serde_json::from_str(&text).unwrap();
    assert_eq!(back, w.state);
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    assert_eq!(back.next_deadline(), w.state.next_deadline());
    assert_eq!(
        back.account(&OWNER.into())
            .unwrap()
            .encrypted_share_trustees,
        BTreeSet::from([AccountId::new(OTHER)])
    );
    for account in [OWNER, OTHER, FOURTH, FIFTH] {
        assert_eq!(
            back.visible_snapshots(&account.into(), w.now),
            w.state.visible_snapshots(&account.into(), w.now)
        );
    }
    for snapshot in ["s-1", "s-k"] {
        assert_eq!(
            back.shared_with(&sid(snapshot), w.now),
            w.state.shared_with(&sid(snapshot), w.now)
        );
        assert_eq!(
            share_ids(back.shares_holding(&sid(snapshot))),
            share_ids(w.state.shares_holding(&sid(snapshot)))
        );
    }
    assert_eq!(back.shared_snapshot_count(&OWNER.into()), 2);
}

#[test]
fn share_6_reloaded_sharing_state_decides_as_the_original() {
    let w = sharing_world();
    let back: State = serde_json::from_str(&serde_json::to_string(&w.state).unwrap()).unwrap();
    let now = w.now + hours(1);
    let commands: Vec<(snapguard::Actor, snapguard::Command)> = vec![
        // Trusted, accepted: a disk with another key (SHARE-11).
        (
            root(OTHER),
            disk_from("s-k", "d-o2", Encryption::ServiceKey).into(),
        ),
        // Accepted but not trusted by the owner's role (SHARE-6).
        (
            root(FOURTH),
            disk_from("s-k", "d-4", Encryption::ServiceKey).into(),
        ),
        // Reached through the directory, never accepted (SHARE-7).
        (
            root(FIFTH),
            disk_from("s-1", "d-5", Encryption::Unencrypted).into(),
        ),
        // Shared: the owner cannot delete it (SHARE-12).
        (root(OWNER), delete("s-1").into()),
        // The deleted share's id is not reused (GEN-4).
        (
            root(OWNER),
            create_share("rs-old", &[account(OTHER)], &[]).into(),
        ),
        // A member leaves, then an unshare.
        (root(OWNER), RemoveDirectoryMember::new(FOURTH).into()),
        (root(OWNER), disassociate("rs-2", &[], &["s-k"]).into()),
    ];
    for (actor, command) in &commands {
        let original = w.state.apply(now, actor, command);
        let reloaded = back.apply(now, actor, command);
        assert_eq!(original, reloaded, "{command:?} by {actor}");
    }
    let rules: Vec<Option<RuleId>> = commands
        .iter()
        .map(|(actor, command)| back.apply(now, actor, command).err().map(|v| v.rule()))
        .collect();
    assert_eq!(
        rules,
        [
            None,
            Some(RuleId::Share6),
            Some(RuleId::Share7),
            Some(RuleId::Share12),
            Some(RuleId::Gen4),
            None,
            None
        ]
    );
    // Time also runs alike: the 90-day view of s-k expires in both.
    let end = t0() + days(90);
    let original = w.state.advance(end).unwrap();
    let reloaded = back.advance(end).unwrap();
    assert_eq!(original, reloaded);
    assert!(!original.events.is_empty());
}

#[test]
fn share_1_counts_survive_a_round_trip_after_principals_and_shares_come_and_go() {
    let mut w = World::with_snapshot();
    let reload = |w: &World| -> State {
        serde_json::from_str(&serde_json::to_string(&w.state).unwrap()).unwrap()
    };
    w.ok(&root(OWNER), create_share("rs-1", &[], &["s-1"]));
    w.ok(&root(OWNER), create_share("rs-2", &[], &["s-1"]));
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    assert_eq!(reload(&w), w.state);
    w.ok(&root(OWNER), associate("rs-2", &[account(OTHER)], &[]));
    w.ok(&root(OWNER), associate("rs-1", &[account(OTHER)], &["s-1"]));
    assert_eq!(reload(&w), w.state);
    w.ok(&root(OWNER), disassociate("rs-2", &[account(OTHER)], &[]));
    assert_eq!(reload(&w), w.state);
    w.ok(&root(OWNER), disassociate("rs-1", &[account(OTHER)], &[]));
    assert_eq!(reload(&w), w.state);
    assert!(
        w.state
            .shared_with(&sid("s-1"), w.now)
            .principals
            .is_empty()
    );
}
