//! What can be shared and when a sharee may use it: SHARE-5 (unshareable
//! snapshots, with SHARE-10 for re-sharing and LOCK-16 for locked ones),
//! SHARE-6 (the share-encrypted-snapshot role) and SHARE-7 (acceptance).

use crate::common;
use crate::share_support;

use std::collections::BTreeSet;

use common::*;
use share_support::*;
use snapguard::{
    AccountId, CreateDisk, CreateImage, DeleteResourceShare, DiskCategory, DiskSource, Encryption,
    Event, FinishSnapshot, ImportImage, RuleId, SetEncryptedShareRole, ShareStatus,
    ShareeOperation, Site, SnapshotAccess, SnapshotStatus, Unshareable, Violation,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// An unencrypted ESSD disk in [`REGION`] from a snapshot.
fn disk_from(disk: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, REGION).source(DiskSource::snapshot(snapshot))
}

/// A disk from a snapshot with the given category and encryption.
fn disk_from_as(
    disk: &str,
    snapshot: &str,
    category: DiskCategory,
    encryption: Encryption,
) -> CreateDisk {
    CreateDisk::new(disk, REGION, category, 40)
        .encryption(encryption)
        .source(DiskSource::snapshot(snapshot))
}

fn cmk(key: &str) -> Encryption {
    Encryption::CustomerKey(key.into())
}

/// OWNER holds `s-1` (unencrypted, permanent) and `s-2`, a permanent
/// snapshot of disk `d-2` encrypted with customer key `k-1`; OTHER has its
/// own key `k-2`.
fn with_encrypted_snapshot() -> World {
    let mut w = World::with_snapshot();
    w.key(OWNER, "k-1", REGION);
    w.key(OTHER, "k-2", REGION);
    w.by_owner(blank_disk("d-2", REGION).encryption(cmk("k-1")));
    w.snapshot(OWNER, "d-2", "s-2", None);
    assert_eq!(get(&w, "s-2").encryption, cmk("k-1"));
    w
}

/// OWNER's role trusts exactly these accounts.
fn trust(w: &mut World, accounts: &[&str]) -> Vec<Event> {
    w.by_owner(SetEncryptedShareRole::new().trusted(accounts.iter().copied()))
}

fn not_shareable(snapshot: &str, reason: Unshareable) -> Violation {
    Violation::NotShareable {
        snapshot: sid(snapshot),
        reason,
    }
}

fn untrusted(snapshot: &str, sharee: &str) -> Violation {
    Violation::EncryptedShareNotTrusted {
        snapshot: sid(snapshot),
        owner: OWNER.into(),
        sharee: sharee.into(),
    }
}

fn not_accepted(share: &str, account: &str) -> Violation {
    Violation::ShareNotAccepted {
        share: share.into(),
        account: account.into(),
    }
}

/// How `account` sees `snapshot` through `share`, if it does.
fn status(w: &World, account: &str, snapshot: &str, share: &str) -> Option<ShareStatus> {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .into_iter()
        .find_map(|v| match v.access {
            SnapshotAccess::Shared {
                share: s, status, ..
            } if v.snapshot == sid(snapshot) && s.as_str() == share => Some(status),
            _ => None,
        })
}

/// The owner of a disk.
fn disk_owner(w: &World, disk: &str) -> AccountId {
    w.state
        .disk(&disk.into())
        .expect("disk exists")
        .owner
        .clone()
}

// ---------------------------------------------------------------------------
// SHARE-5: what cannot be shared
// ---------------------------------------------------------------------------

#[test]
fn share_5_a_snapshot_in_progress_or_failed_refused_as_not_available() {
    let mut w = World::with_snapshot();
    w.by_owner(create_snapshot("s-2", "d-1", None));
    let v = w.owner_refused(
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
        RuleId::Share5,
    );
    assert_eq!(
        v,
        Violation::SnapshotNotAvailable {
            snapshot: sid("s-2"),
            status: SnapshotStatus::InProgress,
            rule: RuleId::Share5,
        }
    );
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[], &["s-2"]), RuleId::Share5);
    assert_not_available(&v, SnapshotStatus::InProgress);
    w.ok(&snapguard::Actor::Platform, FinishSnapshot::failed("s-2"));
    let v = w.owner_refused(associate("rs-1", &[], &["s-2"]), RuleId::Share5);
    assert_not_available(&v, SnapshotStatus::Failed);
    assert!(!w.state.is_shared(&sid("s-2")));
}

#[test]
fn share_5_a_snapshot_of_a_disk_built_from_an_imported_image_refused() {
    let mut w = World::with_snapshot();
    w.by_owner(ImportImage::new("m-1", REGION));
    w.by_owner(blank_disk("d-2", REGION).source(DiskSource::image("m-1")));
    w.snapshot(OWNER, "d-2", "s-2", None);
    let v = w.owner_refused(
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
        RuleId::Share5,
    );
    assert_eq!(v, not_shareable("s-2", Unshareable::ImportedImageDisk));
    // A disk built from an image of one's own snapshot is not imported.
    w.by_owner(CreateImage::new("m-2", "s-1"));
    w.by_owner(blank_disk("d-3", REGION).source(DiskSource::image("m-2")));
    w.snapshot(OWNER, "d-3", "s-3", None);
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-3"]));
    assert!(w.state.is_shared(&sid("s-3")));
}

#[test]
fn share_5_a_service_key_snapshot_refused() {
    let mut w = World::with_snapshot();
    w.by_owner(blank_disk("d-2", REGION).encryption(Encryption::ServiceKey));
    w.snapshot(OWNER, "d-2", "s-2", None);
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[], &["s-2"]), RuleId::Share5);
    assert_eq!(v, not_shareable("s-2", Unshareable::ServiceKey));
}

#[test]
fn share_5_an_archived_snapshot_refused() {
    let mut w = World::with_snapshot();
    w.wait(days(14));
    w.by_owner(archive("s-1", 74));
    let v = w.owner_refused(
        create_share("rs-1", &[account(OTHER)], &["s-1"]),
        RuleId::Share5,
    );
    assert_eq!(v, not_shareable("s-1", Unshareable::Archived));
}

#[test]
fn share_5_a_shared_snapshot_cannot_be_archived_until_unshared() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.wait(days(14));
    let v = w.owner_refused(archive("s-1", 74), RuleId::Share5);
    assert_eq!(
        v,
        Violation::SharedSnapshotNotArchivable {
            snapshot: sid("s-1"),
            shares: 1,
        }
    );
    w.by_owner(DeleteResourceShare::new("rs-1"));
    w.by_owner(archive("s-1", 74));
    assert!(get(&w, "s-1").is_archived());
}

#[test]
fn share_5_a_snapshot_whose_retention_ended_refused_even_while_still_held() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    let end = t0() + days(30);
    // Held past its retention end by rs-1 (SHARE-14).
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-2"]));
    w.at(end - secs(1));
    let events = w.by_owner(create_share("rs-2", &[], &["s-2"]));
    assert!(events.contains(&Event::SnapshotShared {
        at: end - secs(1),
        share: "rs-2".into(),
        snapshot: sid("s-2"),
        expires_at: end,
    }));
    for at in [end, end + secs(1)] {
        w.at(at);
        assert!(w.exists("s-2"));
        let v = w.owner_refused(
            create_share("rs-3", &[account(OTHER)], &["s-2"]),
            RuleId::Share5,
        );
        assert_eq!(v, not_shareable("s-2", Unshareable::RetentionEnded));
    }
}

#[test]
fn share_5_share_10_a_sharee_cannot_reshare_a_snapshot_shared_with_it() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.share_with(OTHER);
    let reshare = Violation::ShareeMayNot {
        snapshot: sid("s-1"),
        owner: OWNER.into(),
        operation: ShareeOperation::Reshare,
    };
    let v = w.refused(
        &root(OTHER),
        create_share("rs-9", &[account("4004")], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, reshare);
    w.disk(OTHER, "d-9");
    w.snapshot(OTHER, "d-9", "o-1", None);
    w.ok(
        &root(OTHER),
        create_share("rs-9", &[account("4004")], &["o-1"]),
    );
    let v = w.refused(
        &root(OTHER),
        associate("rs-9", &[], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, reshare);
    // A sharee that has not accepted yet is refused alike.
    w.by_owner(associate("rs-1", &[account("4004")], &[]));
    let v = w.refused(
        &root("4004"),
        create_share("rs-4", &[account(OTHER)], &["s-1"]),
        RuleId::Share10,
    );
    assert_eq!(v, reshare);
}

#[test]
fn share_5_lock_16_a_locked_snapshot_can_be_shared_and_used() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.lock("s-1", 30, 0);
    w.lock("s-2", 30, 24);
    assert!(get(&w, "s-1").is_locked_at(w.now));
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1", "s-2"]));
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(&root(OTHER), disk_from("d-8", "s-1"));
    w.ok(&root(OTHER), disk_from("d-9", "s-2"));
    assert_eq!(disk_owner(&w, "d-8"), AccountId::new(OTHER));
}

// ---------------------------------------------------------------------------
// SHARE-6: the share-encrypted-snapshot role
// ---------------------------------------------------------------------------

#[test]
fn share_6_sharing_a_cmk_snapshot_with_an_untrusted_account_refused() {
    let mut w = with_encrypted_snapshot();
    let v = w.owner_refused(
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
        RuleId::Share6,
    );
    assert_eq!(v, untrusted("s-2", OTHER));
    // Unencrypted snapshots need no role.
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let v = w.owner_refused(associate("rs-1", &[], &["s-2"]), RuleId::Share6);
    assert_eq!(v, untrusted("s-2", OTHER));
    // Nor an empty share; naming the account afterwards is refused.
    w.by_owner(create_share("rs-2", &[], &["s-2"]));
    let v = w.owner_refused(associate("rs-2", &[account(OTHER)], &[]), RuleId::Share6);
    assert_eq!(v, untrusted("s-2", OTHER));
    // Trusting someone else does not help.
    w.accounts(&["4004"], Site::China);
    trust(&mut w, &["4004"]);
    w.owner_refused(associate("rs-2", &[account(OTHER)], &[]), RuleId::Share6);
}

#[test]
fn share_6_a_trusted_account_is_shared_with_and_uses_the_snapshot() {
    let mut w = with_encrypted_snapshot();
    let events = trust(&mut w, &[OTHER]);
    assert_eq!(
        events,
        vec![Event::EncryptedShareRoleSet {
            at: w.now,
            account: OWNER.into(),
            trusted: BTreeSet::from([AccountId::new(OTHER)]),
        }]
    );
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-2"]));
    w.ok(&root(OTHER), accept("rs-1"));
    let disk = disk_from_as("d-9", "s-2", DiskCategory::Essd, cmk("k-2"));
    let events = w.ok(&root(OTHER), disk);
    assert!(matches!(&events[..], [Event::DiskCreated { .. }]));
    let created = w.state.disk(&"d-9".into()).unwrap();
    assert_eq!(created.owner, AccountId::new(OTHER));
    assert_eq!(created.encryption, cmk("k-2"));
}

#[test]
fn share_6_a_directory_share_is_accepted_but_only_trusted_members_use_it() {
    let mut w = with_encrypted_snapshot();
    w.accounts(&["4004", "5005"], Site::China);
    w.key("5005", "k-5", REGION);
    w.directory(&["4004", "5005"]);
    trust(&mut w, &["4004"]);
    // No trust check for a directory when sharing.
    w.by_owner(create_share("rs-1", &[directory("rd-1")], &["s-2"]));
    // Not accepted yet: SHARE-7 comes before SHARE-6.
    let v = w.refused(
        &root("5005"),
        disk_from_as("d-5", "s-2", DiskCategory::Essd, cmk("k-5")),
        RuleId::Share7,
    );
    assert_eq!(v, not_accepted("rs-1", "5005"));
    w.ok(&root("4004"), accept("rs-1"));
    w.ok(&root("5005"), accept("rs-1"));
    let v = w.refused(
        &root("5005"),
        disk_from_as("d-5", "s-2", DiskCategory::Essd, cmk("k-5")),
        RuleId::Share6,
    );
    assert_eq!(v, untrusted("s-2", "5005"));
    let v = w.refused(&root("5005"), copy("s-2", "c-5", None), RuleId::Share6);
    assert_eq!(v, untrusted("s-2", "5005"));
    // It still sees the snapshot.
    assert_eq!(
        status(&w, "5005", "s-2", "rs-1"),
        Some(ShareStatus::Accepted)
    );
    w.ok(
        &root("4004"),
        disk_from_as(
            "d-4",
            "s-2",
            DiskCategory::EssdEntry,
            Encryption::ServiceKey,
        ),
    );
    assert_eq!(disk_owner(&w, "d-4"), AccountId::new("4004"));
}

#[test]
fn share_6_removing_trust_later_makes_use_refused_again() {
    let mut w = with_encrypted_snapshot();
    trust(&mut w, &[OTHER]);
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-2"]));
    w.ok(&root(OTHER), accept("rs-1"));
    w.ok(
        &root(OTHER),
        disk_from_as("d-8", "s-2", DiskCategory::Essd, cmk("k-2")),
    );
    trust(&mut w, &[]);
    let v = w.refused(
        &root(OTHER),
        disk_from_as("d-9", "s-2", DiskCategory::Essd, cmk("k-2")),
        RuleId::Share6,
    );
    assert_eq!(v, untrusted("s-2", OTHER));
    // The share and the acceptance stay; trusting again restores use.
    assert_eq!(
        status(&w, OTHER, "s-2", "rs-1"),
        Some(ShareStatus::Accepted)
    );
    trust(&mut w, &[OTHER]);
    w.ok(
        &root(OTHER),
        disk_from_as("d-9", "s-2", DiskCategory::Essd, cmk("k-2")),
    );
}

// ---------------------------------------------------------------------------
// SHARE-7: acceptance
// ---------------------------------------------------------------------------

#[test]
fn share_7_before_acceptance_the_sharee_sees_it_pending_and_cannot_use_it() {
    let mut w = World::with_snapshot();
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    let seen = w.state.visible_snapshots(&OTHER.into(), w.now);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].snapshot, sid("s-1"));
    assert_eq!(seen[0].owner, AccountId::new(OWNER));
    assert_eq!(
        seen[0].access,
        SnapshotAccess::Shared {
            share: "rs-1".into(),
            status: ShareStatus::Pending,
            expires_at: t0() + days(1096),
        }
    );
    let audience = w.state.shared_with(&sid("s-1"), w.now);
    assert_eq!(audience.accounts.get(OTHER), Some(&ShareStatus::Pending));
    let v = w.refused(&root(OTHER), disk_from("d-9", "s-1"), RuleId::Share7);
    assert_eq!(v, not_accepted("rs-1", OTHER));
    let v = w.refused(&root(OTHER), copy("s-1", "c-9", None), RuleId::Share7);
    assert_eq!(v, not_accepted("rs-1", OTHER));
}

#[test]
fn share_7_after_acceptance_the_sharee_creates_disks_and_copies() {
    let mut w = World::with_snapshot();
    w.by_owner(create_share("rs-1", &[account(OTHER)], &["s-1"]));
    w.wait(hours(1));
    let events = w.ok(&root(OTHER), accept("rs-1"));
    assert_eq!(
        events,
        vec![Event::ResourceShareAccepted {
            at: w.now,
            share: "rs-1".into(),
            account: OTHER.into(),
        }]
    );
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert!(share.accepted.contains(&AccountId::new(OTHER)));
    assert_eq!(
        status(&w, OTHER, "s-1", "rs-1"),
        Some(ShareStatus::Accepted)
    );
    w.ok(&root(OTHER), disk_from("d-9", "s-1"));
    assert_eq!(disk_owner(&w, "d-9"), AccountId::new(OTHER));
    w.ok(&root(OTHER), copy("s-1", "c-9", None));
    assert_eq!(get(&w, "c-9").owner, AccountId::new(OTHER));
}

#[test]
fn share_7_a_snapshot_added_later_to_an_accepted_share_needs_no_new_acceptance() {
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    w.wait(days(1));
    w.snapshot(OWNER, "d-1", "s-2", None);
    let events = w.by_owner(associate("rs-1", &[], &["s-2"]));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ResourceShareAccepted { .. }))
    );
    assert_eq!(
        status(&w, OTHER, "s-2", "rs-1"),
        Some(ShareStatus::Accepted)
    );
    w.ok(&root(OTHER), disk_from("d-9", "s-2"));
    // An account added later to the share still has to accept it.
    w.accounts(&["4004"], Site::China);
    w.by_owner(associate("rs-1", &[account("4004")], &[]));
    let v = w.refused(&root("4004"), disk_from("d-4", "s-2"), RuleId::Share7);
    assert_eq!(v, not_accepted("rs-1", "4004"));
}

#[test]
fn share_7_accepting_twice_is_refused_rule_changed() {
    // Rule changed (SHARE-7 follows the Resource Sharing API,
    // `InvitationStatus.AlreadyAccepted`): a second acceptance is refused,
    // and the refusal changes nothing (`refused` checks the state).
    let mut w = World::with_snapshot();
    w.share_with(OTHER);
    let v = w.refused(&root(OTHER), accept("rs-1"), RuleId::Share7);
    assert_eq!(
        v,
        Violation::AlreadyAccepted {
            share: "rs-1".into(),
            account: OTHER.into(),
        }
    );
    assert_eq!(v.retry_at(), None);
}

#[test]
fn share_7_an_account_the_share_does_not_reach_cannot_accept() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004"], Site::China);
    w.by_owner(create_share(
        "rs-1",
        &[account(OTHER), account("4004")],
        &["s-1"],
    ));
    for outsider in [OWNER, ABROAD, "2999"] {
        if outsider == "2999" {
            w.accounts(&["2999"], Site::China);
        }
        let v = w.refused(&root(outsider), accept("rs-1"), RuleId::Share7);
        assert_eq!(
            v,
            Violation::NoInvitation {
                share: "rs-1".into(),
                account: outsider.into(),
            }
        );
    }
    // A principal removed before accepting is no longer invited.
    w.by_owner(disassociate("rs-1", &[account("4004")], &[]));
    w.refused(&root("4004"), accept("rs-1"), RuleId::Share7);
    w.ok(&root(OTHER), accept("rs-1"));
}

#[test]
fn share_7_acceptance_is_per_share() {
    let mut w = World::with_snapshot();
    w.snapshot(OWNER, "d-1", "s-2", None);
    w.share_with(OTHER);
    w.by_owner(create_share("rs-2", &[account(OTHER)], &["s-2", "s-1"]));
    assert_eq!(status(&w, OTHER, "s-2", "rs-2"), Some(ShareStatus::Pending));
    let v = w.refused(&root(OTHER), disk_from("d-9", "s-2"), RuleId::Share7);
    assert_eq!(v, not_accepted("rs-2", OTHER));
    // s-1 stays usable through the accepted rs-1.
    w.ok(&root(OTHER), disk_from("d-8", "s-1"));
    w.ok(&root(OTHER), accept("rs-2"));
    w.ok(&root(OTHER), disk_from("d-9", "s-2"));
}

#[test]
fn share_7_each_directory_member_accepts_for_itself() {
    let mut w = World::with_snapshot();
    w.accounts(&["4004", "5005"], Site::China);
    w.directory(&["4004"]);
    w.join("5005", Some("fd-1"));
    w.by_owner(create_share(
        "rs-1",
        &[directory("rd-1"), folder("fd-1")],
        &["s-1"],
    ));
    w.ok(&root("4004"), accept("rs-1"));
    let audience = w.state.shared_with(&sid("s-1"), w.now);
    assert_eq!(audience.accounts.get("4004"), Some(&ShareStatus::Accepted));
    assert_eq!(audience.accounts.get("5005"), Some(&ShareStatus::Pending));
    w.ok(&root("4004"), disk_from("d-4", "s-1"));
    let v = w.refused(&root("5005"), disk_from("d-5", "s-1"), RuleId::Share7);
    assert_eq!(v, not_accepted("rs-1", "5005"));
    w.ok(&root("5005"), accept("rs-1"));
    w.ok(&root("5005"), disk_from("d-5", "s-1"));
}
