//! What the sharee sees expires (SHARE-9): 1,096 days after sharing for a
//! permanent source, at the source's retention end otherwise, each tested at
//! the boundary minus one second, exactly, and plus one second. A shared
//! snapshot outlives its retention until its last share lets it go
//! (SHARE-14). Time-caused events come first in any transition (GEN-6).

use crate::common;
use crate::share_support;

use chrono::{DateTime, Utc};
use common::*;
use share_support::*;
use snapguard::{
    CreateDisk, DeleteResourceShare, DiskCategory, DiskSource, Event, ReleaseReason,
    RetentionRequest, RuleId, ShareeOperation, SnapshotAccess, Unshareable, Violation,
};

/// An unencrypted ESSD disk built from `snapshot` in [`REGION`].
fn disk_from(snapshot: &str, disk: &str) -> CreateDisk {
    CreateDisk::new(disk, REGION, DiskCategory::Essd, 40).source(DiskSource::snapshot(snapshot))
}

fn delete_share(share: &str) -> DeleteResourceShare {
    DeleteResourceShare::new(share)
}

/// The (snapshot, share, expires_at) views `account` holds now.
fn views(w: &World, account: &str) -> Vec<(String, String, DateTime<Utc>)> {
    w.state
        .visible_snapshots(&account.into(), w.now)
        .into_iter()
        .filter_map(|seen| match seen.access {
            SnapshotAccess::Shared {
                share, expires_at, ..
            } => Some((seen.snapshot.to_string(), share.to_string(), expires_at)),
            _ => None,
        })
        .collect()
}

fn view(snapshot: &str, share: &str, expires_at: DateTime<Utc>) -> (String, String, DateTime<Utc>) {
    (snapshot.to_owned(), share.to_owned(), expires_at)
}

fn share_expired(at: DateTime<Utc>, share: &str, snapshot: &str) -> Event {
    Event::ShareExpired {
        at,
        share: share.into(),
        snapshot: snapshot.into(),
    }
}

fn unshared(at: DateTime<Utc>, share: &str, snapshot: &str) -> Event {
    Event::SnapshotUnshared {
        at,
        share: share.into(),
        snapshot: snapshot.into(),
    }
}

fn released(at: DateTime<Utc>, snapshot: &str) -> Event {
    Event::SnapshotReleased {
        at,
        snapshot: snapshot.into(),
        reason: ReleaseReason::RetentionEnded,
    }
}

#[track_caller]
fn assert_expired(violation: &Violation, share: &str, at: DateTime<Utc>) {
    assert!(
        matches!(violation, Violation::SharedViewExpired { share: s, expired_at, .. }
            if s.as_str() == share && *expired_at == at),
        "expected the view of {share} expired at {at}: {violation:?}"
    );
}

/// s-1 (permanent) shared with OTHER through rs-1 one hour after t0, and
/// accepted; returns when the view expires.
fn permanent_share() -> (World, DateTime<Utc>) {
    let mut w = World::with_snapshot();
    w.wait(hours(1));
    w.share_with(OTHER);
    let expiry = t0() + hours(1) + days(1096);
    (w, expiry)
}

/// s-2 retained 30 days from t0, shared with OTHER through rs-1 one hour
/// after t0, and accepted; returns its retention end.
fn limited_share() -> (World, DateTime<Utc>) {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    (w, t0() + days(30))
}

// ---------------------------------------------------------------------------
// A permanent source: 1,096 days after sharing
// ---------------------------------------------------------------------------

#[test]
fn share_9_permanent_source_view_ends_1096_days_after_sharing() {
    let (w, expiry) = permanent_share();
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    let shared = share.snapshots[&sid("s-1")];
    assert_eq!(shared.shared_at, t0() + hours(1));
    assert_eq!(shared.expires_at, expiry);
    assert_eq!(views(&w, OTHER), [view("s-1", "rs-1", expiry)]);
    assert_eq!(w.state.next_deadline(), Some(expiry));
}

#[test]
fn share_9_permanent_view_usable_one_second_before_expiry() {
    let (mut w, expiry) = permanent_share();
    w.at(expiry - secs(1));
    assert!(w.state.advance(w.now).unwrap().events.is_empty());
    assert_eq!(views(&w, OTHER), [view("s-1", "rs-1", expiry)]);
    w.ok(&root(OTHER), disk_from("s-1", "d-o"));
    w.ok(&root(OTHER), copy("s-1", "s-o", None));
}

#[test]
fn share_9_advance_to_expiry_emits_share_expired_at_that_instant() {
    let (mut w, expiry) = permanent_share();
    assert_eq!(w.state.next_deadline(), Some(expiry));
    let before = w.state.advance(expiry - secs(1)).unwrap();
    assert!(before.events.is_empty());
    assert_eq!(before.state.next_deadline(), Some(expiry));
    let events = w.state.advance_mut(expiry).unwrap();
    assert_eq!(events, [share_expired(expiry, "rs-1", "s-1")]);
    assert_eq!(w.state.next_deadline(), None);
    // Nothing more happens later; the association stays until unshared.
    assert!(w.state.advance_mut(expiry + secs(1)).unwrap().is_empty());
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-1")].expires_at, expiry);
    assert!(w.state.is_shared(&sid("s-1")));
}

#[test]
fn share_9_permanent_view_refused_at_expiry_and_after() {
    let (mut w, expiry) = permanent_share();
    for instant in [expiry, expiry + secs(1)] {
        w.at(instant);
        let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o"), RuleId::Share9);
        assert_expired(&refusal, "rs-1", expiry);
        let refusal = w.refused(&root(OTHER), copy("s-1", "s-o", None), RuleId::Share9);
        assert_expired(&refusal, "rs-1", expiry);
        assert!(views(&w, OTHER).is_empty());
        assert!(w.state.shared_with(&sid("s-1"), w.now).accounts.is_empty());
    }
    // Also once the expiry has been recorded by advance.
    w.state.advance_mut(w.now).unwrap();
    w.refused(&root(OTHER), disk_from("s-1", "d-o"), RuleId::Share9);
    // The owner still uses its snapshot.
    w.ok(&root(OWNER), disk_from("s-1", "d-2"));
}

#[test]
fn perm_4_sharee_with_an_expired_view_is_a_stranger_to_other_operations() {
    let (mut w, expiry) = permanent_share();
    w.at(expiry - secs(1));
    let refusal = w.refused(&root(OTHER), delete("s-1"), RuleId::Share10);
    assert!(matches!(
        refusal,
        Violation::ShareeMayNot {
            operation: ShareeOperation::Delete,
            ..
        }
    ));
    w.at(expiry);
    w.refused(&root(OTHER), delete("s-1"), RuleId::Perm4);
    w.refused(
        &root(OTHER),
        set_retention("s-1", RetentionRequest::Days(30)),
        RuleId::Perm4,
    );
}

#[test]
fn share_9_each_share_of_a_snapshot_expires_on_its_own() {
    let (mut w, first) = permanent_share();
    w.wait(days(10));
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &["s-1"]),
    );
    w.ok(&root(OTHER), accept("rs-2"));
    let second = first + days(10);
    w.at(first);
    assert_eq!(views(&w, OTHER), [view("s-1", "rs-2", second)]);
    let events = w.ok(&root(OTHER), disk_from("s-1", "d-o1"));
    assert_eq!(events[0], share_expired(first, "rs-1", "s-1"));
    assert_eq!(w.state.next_deadline(), Some(second));
    w.at(second - secs(1));
    w.ok(&root(OTHER), disk_from("s-1", "d-o2"));
    w.at(second);
    // Refused naming the view that expired last.
    let refusal = w.refused(&root(OTHER), disk_from("s-1", "d-o3"), RuleId::Share9);
    assert_expired(&refusal, "rs-2", second);
}

#[test]
fn share_9_unsharing_before_expiry_cancels_the_expiry_event() {
    let (mut w, expiry) = permanent_share();
    w.wait(days(1));
    w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-1"]));
    assert_eq!(w.state.next_deadline(), None);
    assert!(w.state.advance(expiry + secs(1)).unwrap().events.is_empty());
}

// ---------------------------------------------------------------------------
// A time-limited source: its retention end
// ---------------------------------------------------------------------------

#[test]
fn share_9_limited_source_view_ends_at_retention_end() {
    let (mut w, end) = limited_share();
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-2")].expires_at, end);
    assert_eq!(w.state.next_deadline(), Some(end));
    w.at(end - secs(1));
    assert_eq!(views(&w, OTHER), [view("s-2", "rs-1", end)]);
    w.ok(&root(OTHER), disk_from("s-2", "d-o"));
    for instant in [end, end + secs(1)] {
        w.at(instant);
        let refusal = w.refused(&root(OTHER), disk_from("s-2", "d-o2"), RuleId::Share9);
        assert_expired(&refusal, "rs-1", end);
        assert!(views(&w, OTHER).is_empty());
    }
}

#[test]
fn share_14_shared_snapshot_is_not_released_at_retention_end() {
    let (mut w, end) = limited_share();
    let events = w.state.advance_mut(end).unwrap();
    assert_eq!(events, [share_expired(end, "rs-1", "s-2")]);
    assert!(w.exists("s-2"));
    assert_eq!(w.state.next_deadline(), None);
    let later = w.state.advance_mut(end + days(400)).unwrap();
    assert!(later.is_empty(), "{later:?}");
    assert!(w.exists("s-2"));
    // The owner still cannot delete it (SHARE-12).
    w.at(end + days(400));
    w.refused(&root(OWNER), delete("s-2"), RuleId::Share12);
}

#[test]
fn share_14_unsharing_after_retention_end_releases_in_the_same_command() {
    let (mut w, end) = limited_share();
    w.state.advance_mut(end + secs(1)).unwrap();
    w.at(end + secs(1));
    let events = w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-2"]));
    assert_eq!(
        events,
        [unshared(w.now, "rs-1", "s-2"), released(w.now, "s-2")]
    );
    assert!(!w.exists("s-2"));
    assert!(!w.state.is_shared(&sid("s-2")));
    assert!(
        w.state
            .resource_share(&"rs-1".into())
            .unwrap()
            .snapshots
            .is_empty()
    );
}

#[test]
fn share_14_unsharing_exactly_at_retention_end_releases_after_the_expiry() {
    let (mut w, end) = limited_share();
    w.at(end);
    let events = w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-2"]));
    assert_eq!(
        events,
        [
            share_expired(end, "rs-1", "s-2"),
            unshared(end, "rs-1", "s-2"),
            released(end, "s-2"),
        ]
    );
    assert!(!w.exists("s-2"));
}

#[test]
fn share_14_unsharing_before_retention_end_leaves_the_release_to_time() {
    let (mut w, end) = limited_share();
    w.at(end - secs(1));
    let events = w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-2"]));
    assert_eq!(events, [unshared(end - secs(1), "rs-1", "s-2")]);
    assert!(w.exists("s-2"));
    assert_eq!(w.state.next_deadline(), Some(end));
    let events = w.state.advance_mut(end).unwrap();
    assert_eq!(events, [released(end, "s-2")]);
    assert!(!w.exists("s-2"));
}

#[test]
fn share_14_only_the_last_unshare_releases() {
    let (mut w, end) = limited_share();
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &["s-2"]),
    );
    w.at(end + days(1));
    let events = w.ok(&root(OWNER), disassociate("rs-1", &[], &["s-2"]));
    assert_eq!(
        events,
        [
            share_expired(end, "rs-1", "s-2"),
            share_expired(end, "rs-2", "s-2"),
            unshared(w.now, "rs-1", "s-2"),
        ]
    );
    assert!(w.exists("s-2"));
    assert!(w.state.is_shared(&sid("s-2")));
    w.wait(secs(1));
    let events = w.ok(&root(OWNER), delete_share("rs-2"));
    assert_eq!(
        events,
        [
            unshared(w.now, "rs-2", "s-2"),
            released(w.now, "s-2"),
            Event::ResourceShareDeleted {
                at: w.now,
                share: "rs-2".into()
            },
        ]
    );
    assert!(!w.exists("s-2"));
}

#[test]
fn share_14_deleting_the_share_releases_an_ended_snapshot() {
    let (mut w, end) = limited_share();
    w.state.advance_mut(end + secs(1)).unwrap();
    w.at(end + secs(1));
    let events = w.ok(&root(OWNER), delete_share("rs-1"));
    assert_eq!(
        events,
        [
            unshared(w.now, "rs-1", "s-2"),
            released(w.now, "s-2"),
            Event::ResourceShareDeleted {
                at: w.now,
                share: "rs-1".into()
            },
        ]
    );
    assert!(!w.exists("s-2"));
    assert!(w.state.resource_share(&"rs-1".into()).is_none());
}

// ---------------------------------------------------------------------------
// Extending: the owner's later extension, the sharee's attempt
// ---------------------------------------------------------------------------

#[test]
fn share_9_extending_the_source_later_does_not_extend_a_granted_view() {
    let (mut w, end) = limited_share();
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        set_retention("s-2", RetentionRequest::Days(60)),
    );
    // Associating it again with the same share changes nothing.
    assert!(
        w.ok(&root(OWNER), associate("rs-1", &[], &["s-2"]))
            .is_empty()
    );
    let share = w.state.resource_share(&"rs-1".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-2")].expires_at, end);
    w.at(end - secs(1));
    w.ok(&root(OTHER), disk_from("s-2", "d-o1"));
    w.at(end);
    let refusal = w.refused(&root(OTHER), disk_from("s-2", "d-o2"), RuleId::Share9);
    assert_expired(&refusal, "rs-1", end);
    assert!(w.exists("s-2"));
}

#[test]
fn share_9_sharing_again_in_a_new_share_grants_a_new_view() {
    let (mut w, end) = limited_share();
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        set_retention("s-2", RetentionRequest::Days(60)),
    );
    let new_end = t0() + days(60);
    w.at(end);
    w.ok(
        &root(OWNER),
        create_share("rs-2", &[account(OTHER)], &["s-2"]),
    );
    let share = w.state.resource_share(&"rs-2".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-2")].shared_at, end);
    assert_eq!(share.snapshots[&sid("s-2")].expires_at, new_end);
    assert_eq!(views(&w, OTHER), [view("s-2", "rs-2", new_end)]);
    // A new share needs its own acceptance (SHARE-7).
    w.refused(&root(OTHER), disk_from("s-2", "d-o"), RuleId::Share7);
    w.ok(&root(OTHER), accept("rs-2"));
    w.ok(&root(OTHER), disk_from("s-2", "d-o"));
    w.at(new_end);
    let refusal = w.refused(&root(OTHER), disk_from("s-2", "d-o2"), RuleId::Share9);
    assert_expired(&refusal, "rs-2", new_end);
}

#[test]
fn share_10_sharee_cannot_extend_the_retention() {
    let (mut w, end) = limited_share();
    for request in [RetentionRequest::Days(60), RetentionRequest::Permanent] {
        let refusal = w.refused(&root(OTHER), set_retention("s-2", request), RuleId::Share10);
        assert!(
            matches!(&refusal, Violation::ShareeMayNot { snapshot, owner, operation: ShareeOperation::ChangeRetention }
                if snapshot.as_str() == "s-2" && owner.as_str() == OWNER),
            "{refusal:?}"
        );
    }
    assert_eq!(
        w.state.resource_share(&"rs-1".into()).unwrap().snapshots[&sid("s-2")].expires_at,
        end
    );
}

// ---------------------------------------------------------------------------
// Order of time-caused events
// ---------------------------------------------------------------------------

#[test]
fn gen_6_command_at_or_after_expiry_carries_share_expired_first() {
    let (mut w, expiry) = permanent_share();
    w.at(expiry);
    let events = w.ok(&root(OWNER), blank_disk("d-2", REGION));
    assert_eq!(events.len(), 2);
    assert_eq!(events[0], share_expired(expiry, "rs-1", "s-1"));
    assert!(matches!(events[1], Event::DiskCreated { .. }));
    // Recorded once: the next command does not repeat it.
    let events = w.ok(&root(OWNER), blank_disk("d-3", REGION));
    assert!(matches!(&events[..], [Event::DiskCreated { .. }]));

    let (mut w, expiry) = permanent_share();
    w.at(expiry + secs(1));
    let events = w.ok(&root(OTHER), blank_disk("d-o", REGION));
    assert_eq!(events[0], share_expired(expiry, "rs-1", "s-1"));
    assert_eq!(events.len(), 2);
}

#[test]
fn share_9_share_expired_precedes_a_release_at_the_same_instant() {
    // s-2 and s-3 both end 30 days after t0; only s-2 is shared.
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-2", Some(30));
    w.snapshot(OWNER, "d-1", "s-3", Some(30));
    w.wait(hours(1));
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-2"]),
    );
    let end = t0() + days(30);
    let events = w.state.advance_mut(end).unwrap();
    assert_eq!(
        events,
        [share_expired(end, "rs-1", "s-2"), released(end, "s-3")]
    );
    assert!(w.exists("s-2"));
    assert!(!w.exists("s-3"));
}

#[test]
fn share_5_snapshot_kept_past_its_retention_cannot_be_shared_again() {
    let (mut w, end) = limited_share();
    w.ok(&root(OWNER), create_share("rs-2", &[account(OTHER)], &[]));
    w.at(end - secs(1));
    // A second before the end it can still join a share, for one second.
    let events = w
        .state
        .apply(w.now, &root(OWNER), associate("rs-2", &[], &["s-2"]));
    let shared = events.unwrap().state;
    let share = shared.resource_share(&"rs-2".into()).unwrap();
    assert_eq!(share.snapshots[&sid("s-2")].expires_at, end);
    for instant in [end, end + secs(1)] {
        w.at(instant);
        let refusal = w.refused(
            &root(OWNER),
            associate("rs-2", &[], &["s-2"]),
            RuleId::Share5,
        );
        assert!(
            matches!(
                refusal,
                Violation::NotShareable {
                    reason: Unshareable::RetentionEnded,
                    ..
                }
            ),
            "{refusal:?}"
        );
    }
}

#[test]
fn share_14_retention_of_a_snapshot_held_past_its_end_no_longer_changes() {
    let (mut w, end) = limited_share();
    let extend = set_retention("s-2", RetentionRequest::Days(60));
    w.at(end - secs(1));
    let before = w.state.clone();
    assert!(
        w.state.decide(w.now, &root(OWNER), extend.clone()).is_ok(),
        "before its end the owner may still extend it"
    );
    assert_eq!(w.state, before);
    for at in [end, end + secs(1)] {
        w.at(at);
        let refusal = w.refused(&root(OWNER), extend.clone(), RuleId::Share14);
        assert_eq!(
            refusal,
            Violation::RetentionEnded {
                snapshot: sid("s-2"),
                ended_at: end,
            }
        );
        w.refused(
            &root(OWNER),
            set_retention("s-2", RetentionRequest::Permanent),
            RuleId::Share14,
        );
    }
    // So unsharing still releases it.
    let events = w.ok(&root(OWNER), delete_share("rs-1"));
    assert!(events.contains(&released(w.now, "s-2")), "{events:?}");
    assert!(!w.exists("s-2"));
}
