//! GEN-7: every input bounded by the provider's published limits, tested
//! at each default of `Limits::default()`: accepted at the limit, refused
//! one past it with `Violation::BoundExceeded` (rule GEN-7) and the state
//! unchanged. And GEN-5: an instant inside a leap second is refused by
//! every entry point.

use crate::common;
use crate::copy_support;
use crate::paths_support;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use common::*;
use copy_support::*;
use paths_support::*;
use snapguard::{
    Actor, Bound, Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot, CreateBackupPoint,
    CreateBackupPolicy, CreateBackupSnapshot, CreateFolder, CreateKey, CreateRegion,
    CreateResourceDirectory, CreateResourceShare, CreateSnapshot, CreateUser, CreateVault,
    DeleteResourceShare, Encryption, Limits, LockQuery, PolicyKind, PrincipalScope, ReplicateVault,
    RuleId, SetUserPolicy, Site, State, Statement, UserId, VaultKind, Violation,
};

fn exceeded(bound: Bound, size: usize, max: u32) -> Violation {
    Violation::BoundExceeded { bound, size, max }
}

#[test]
fn gen_7_the_defaults_are_the_published_limits() {
    let limits = Limits::default();
    assert_eq!(limits.max_policy_chars, 6_144);
    assert_eq!(limits.max_tags_per_resource, 20);
    assert_eq!(limits.max_tag_chars, 128);
    assert_eq!(limits.max_shares_per_account, 1_000);
    assert_eq!(limits.max_folders_per_directory, 100);
    assert_eq!(limits.max_id_chars, 128);
}

// ---------------------------------------------------------------------------
// Policy documents: 6,144 characters
// ---------------------------------------------------------------------------

fn create_user(user: &str, statements: Vec<Statement>) -> CreateUser {
    CreateUser::new(user).statements(statements)
}

fn set_policy(user: &str, statements: Vec<Statement>) -> SetUserPolicy {
    SetUserPolicy::new(user).statements(statements)
}

#[test]
fn gen_7_policy_document_is_counted_as_compact_json() {
    // The example of the documentation, serialized here independently.
    let example = [Statement::allow(["ecs:*"], ["*"])];
    assert_eq!(
        policy_document(&example),
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:*"],"Resource":["*"]}]}"#
    );
    // 84 characters (the crate's documentation of `Statement` says 80,
    // which is a miscount of this very text).
    assert_eq!(policy_chars(&example), 84);
    // The crate counts it the same: with a bound of 84 it fits, with 83
    // it is refused as 84 characters.
    for (max, fits) in [(84, true), (83, false)] {
        let mut limits = Limits::default();
        limits.max_policy_chars = max;
        let mut w = World::with_limits(limits);
        let command = create_user("bob", example.to_vec());
        if fits {
            w.ok(&root(OWNER), command);
        } else {
            let v = w.refused(&root(OWNER), command, RuleId::Gen7);
            assert_eq!(v, exceeded(Bound::PolicyChars, 84, 83));
        }
    }
}

#[test]
fn gen_7_create_user_with_a_policy_of_6144_characters_accepted_6145_refused() {
    let mut w = World::new();
    let v = w.refused(
        &root(OWNER),
        create_user("bob", policy_of(6_145, 'a')),
        RuleId::Gen7,
    );
    assert_eq!(v, exceeded(Bound::PolicyChars, 6_145, 6_144));
    assert!(w.state.user(&OWNER.into(), &UserId::from("bob")).is_none());
    let statements = policy_of(6_144, 'a');
    w.ok(&root(OWNER), create_user("bob", statements.clone()));
    let bob = w.state.user(&OWNER.into(), &UserId::from("bob")).unwrap();
    assert_eq!(bob.statements, statements);
}

#[test]
fn gen_7_set_user_policy_of_6144_characters_accepted_6145_refused() {
    let mut w = World::new();
    w.user(OWNER, "bob", vec![allow_all()]);
    let v = w.refused(
        &root(OWNER),
        set_policy("bob", policy_of(6_145, 'a')),
        RuleId::Gen7,
    );
    assert_eq!(v, exceeded(Bound::PolicyChars, 6_145, 6_144));
    let bob = w.state.user(&OWNER.into(), &UserId::from("bob")).unwrap();
    assert_eq!(bob.statements, vec![allow_all()]);
    let statements = policy_of(6_144, 'a');
    w.ok(&root(OWNER), set_policy("bob", statements.clone()));
    let bob = w.state.user(&OWNER.into(), &UserId::from("bob")).unwrap();
    assert_eq!(bob.statements, statements);
}

/// Characters, not bytes: a document of 6,144 two-byte characters fits.
#[test]
fn gen_7_policy_bound_counts_characters_not_bytes() {
    let mut w = World::new();
    let statements = policy_of(6_144, 'é');
    assert!(policy_document(&statements).len() > 6_144);
    w.ok(&root(OWNER), create_user("bob", statements));
    let v = w.refused(
        &root(OWNER),
        create_user("carol", policy_of(6_145, 'é')),
        RuleId::Gen7,
    );
    assert_eq!(v, exceeded(Bound::PolicyChars, 6_145, 6_144));
}

/// Escapes count as JSON writes them: a quote is two characters (`\"`).
#[test]
fn gen_7_policy_bound_counts_json_escapes() {
    let with_quotes = |chars: usize| {
        let base = policy_chars(&[Statement::allow(["ecs:*"], [""]), allow_all()]);
        let quotes = repeat('"', 100);
        let fill = repeat('a', chars - base - 200);
        let statements = vec![
            Statement::allow(["ecs:*"], [format!("{quotes}{fill}")]),
            allow_all(),
        ];
        assert_eq!(policy_chars(&statements), chars);
        statements
    };
    let mut w = World::new();
    w.ok(&root(OWNER), create_user("bob", with_quotes(6_144)));
    let v = w.refused(
        &root(OWNER),
        create_user("carol", with_quotes(6_145)),
        RuleId::Gen7,
    );
    assert_eq!(v, exceeded(Bound::PolicyChars, 6_145, 6_144));
}

// ---------------------------------------------------------------------------
// Tags: 20 per resource, 128 characters per key and value
// ---------------------------------------------------------------------------

fn tagged(snapshot: &str, tags: BTreeMap<String, String>) -> CreateSnapshot {
    create_snapshot(snapshot, "d-1", None).tags(tags)
}

fn tags(n: usize) -> BTreeMap<String, String> {
    (0..n).map(|i| (format!("k{i}"), format!("v{i}"))).collect()
}

#[test]
fn gen_7_twenty_tags_accepted_twenty_one_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    let v = w.refused(&root(OWNER), tagged("s-1", tags(21)), RuleId::Gen7);
    assert_eq!(v, exceeded(Bound::Tags, 21, 20));
    assert!(!w.exists("s-1"));
    w.ok(&root(OWNER), tagged("s-1", tags(20)));
    assert_eq!(get(&w, "s-1").tags, tags(20));
}

#[test]
fn gen_7_tag_key_and_value_of_128_characters_accepted_129_refused() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    for fill in ['k', 'é'] {
        let long_key = BTreeMap::from([(repeat(fill, 129), "v".to_owned())]);
        let v = w.refused(&root(OWNER), tagged("s-1", long_key), RuleId::Gen7);
        assert_eq!(v, exceeded(Bound::TagChars, 129, 128));
        let long_value = BTreeMap::from([("k".to_owned(), repeat(fill, 129))]);
        let v = w.refused(&root(OWNER), tagged("s-1", long_value), RuleId::Gen7);
        assert_eq!(v, exceeded(Bound::TagChars, 129, 128));
    }
    assert!(!w.exists("s-1"));
    let at_limit = BTreeMap::from([
        (repeat('k', 128), repeat('v', 128)),
        (repeat('é', 128), repeat('é', 128)),
    ]);
    w.ok(&root(OWNER), tagged("s-1", at_limit.clone()));
    assert_eq!(get(&w, "s-1").tags, at_limit);
}

// ---------------------------------------------------------------------------
// Resource shares: 1,000 per account
// ---------------------------------------------------------------------------

fn empty_share(id: &str) -> CreateResourceShare {
    CreateResourceShare::new(id, PrincipalScope::AllAccounts)
}

#[test]
fn gen_7_one_thousand_shares_accepted_the_next_refused_until_one_is_deleted() {
    let mut w = World::new();
    for n in 0..999 {
        let command = Command::from(empty_share(&format!("rs-{n}")));
        w.state
            .apply_mut(w.now, &root(OWNER), &command)
            .expect("a share within the bound");
    }
    // The thousandth is accepted, the next one is not.
    w.ok(&root(OWNER), empty_share("rs-999"));
    assert_eq!(
        w.state
            .resource_shares()
            .filter(|s| s.owner == OWNER)
            .count(),
        1_000
    );
    let v = w.refused(&root(OWNER), empty_share("rs-1000"), RuleId::Gen7);
    assert_eq!(v, exceeded(Bound::SharesPerAccount, 1_001, 1_000));
    // Another account has a bound of its own.
    w.ok(&root(OTHER), empty_share("rs-other"));
    // Live shares are counted: deleting one makes room for one.
    w.ok(&root(OWNER), DeleteResourceShare::new("rs-0"));
    w.ok(&root(OWNER), empty_share("rs-1000"));
    let v = w.refused(&root(OWNER), empty_share("rs-1001"), RuleId::Gen7);
    assert_eq!(v, exceeded(Bound::SharesPerAccount, 1_001, 1_000));
}

// ---------------------------------------------------------------------------
// Folders: 100 per resource directory
// ---------------------------------------------------------------------------

fn create_folder(id: &str) -> CreateFolder {
    CreateFolder::new(id)
}

#[test]
fn gen_7_one_hundred_folders_accepted_the_next_refused() {
    let mut w = World::new();
    w.ok(&root(OWNER), CreateResourceDirectory::new("rd-1"));
    for n in 0..99 {
        let command = Command::from(create_folder(&format!("fd-{n}")));
        w.state
            .apply_mut(w.now, &root(OWNER), &command)
            .expect("a folder within the bound");
    }
    w.ok(&root(OWNER), create_folder("fd-99"));
    let v = w.refused(&root(OWNER), create_folder("fd-100"), RuleId::Gen7);
    assert_eq!(v, exceeded(Bound::FoldersPerDirectory, 101, 100));
    assert!(w.state.folder(&"fd-100".into()).is_none());
    // Another directory has a bound of its own.
    w.ok(&root(OTHER), CreateResourceDirectory::new("rd-2"));
    w.ok(&root(OTHER), create_folder("fd-100"));
}

// ---------------------------------------------------------------------------
// Ids: 128 characters, for every kind of new object
// ---------------------------------------------------------------------------

/// An id of `len` characters starting with `prefix`.
fn id_of(prefix: &str, len: usize) -> String {
    format!("{prefix}{}", repeat('x', len - prefix.len()))
}

/// Each command creating an object, with its actor, for an id.
#[allow(clippy::type_complexity)]
fn creations() -> Vec<(&'static str, Box<dyn Fn(&str) -> (Actor, Command)>)> {
    let owner = || root(OWNER);
    vec![
        (
            "region",
            Box::new(|id: &str| {
                let c = CreateRegion::new(id);
                (Actor::Platform, c.into())
            }),
        ),
        (
            "account",
            Box::new(|id: &str| {
                let c = CreateAccount::new(id, Site::China);
                (Actor::Platform, c.into())
            }),
        ),
        (
            "user",
            Box::new(move |id: &str| (owner(), create_user(id, vec![]).into())),
        ),
        (
            "disk",
            Box::new(move |id: &str| (owner(), blank_disk(id, REGION).into())),
        ),
        (
            "snapshot",
            Box::new(move |id: &str| (owner(), create_snapshot(id, "d-1", None).into())),
        ),
        (
            "automatic snapshot",
            Box::new(|id: &str| {
                let c = CreateAutomaticSnapshot::new(id, "d-1");
                (Actor::Platform, c.into())
            }),
        ),
        (
            "backup snapshot",
            Box::new(|id: &str| {
                let c = CreateBackupSnapshot::new(id, OWNER, REGION);
                (Actor::Platform, c.into())
            }),
        ),
        (
            "copy",
            Box::new(move |id: &str| {
                let c: CopySnapshot = copy_to("s-1", id, OTHER_REGION, Encryption::Unencrypted);
                (owner(), c.into())
            }),
        ),
        (
            "image",
            Box::new(move |id: &str| (owner(), image(id, "s-1").into())),
        ),
        (
            "imported image",
            Box::new(move |id: &str| (owner(), import(id, REGION).into())),
        ),
        (
            "key",
            Box::new(move |id: &str| {
                let c = CreateKey::new(id, REGION);
                (owner(), c.into())
            }),
        ),
        (
            "resource share",
            Box::new(move |id: &str| (owner(), empty_share(id).into())),
        ),
        (
            "directory",
            Box::new(|id: &str| {
                let c = CreateResourceDirectory::new(id);
                (root(OTHER), c.into())
            }),
        ),
        (
            "folder",
            Box::new(move |id: &str| (owner(), create_folder(id).into())),
        ),
        (
            "vault",
            Box::new(move |id: &str| {
                let c = CreateVault::new(id, REGION, VaultKind::GeneralPurpose);
                (owner(), c.into())
            }),
        ),
        (
            "replica vault",
            Box::new(move |id: &str| {
                let c = ReplicateVault::new("v-1", id, OTHER_REGION);
                (owner(), c.into())
            }),
        ),
        (
            "backup policy",
            Box::new(move |id: &str| {
                let c = CreateBackupPolicy::new(id, "v-1", PolicyKind::General);
                (owner(), c.into())
            }),
        ),
        (
            "backup point",
            Box::new(|id: &str| {
                let c = CreateBackupPoint::new(id, "v-1");
                (Actor::Platform, c.into())
            }),
        ),
    ]
}

#[test]
fn gen_7_ids_of_128_characters_accepted_129_refused_for_every_new_object() {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), snapguard::ActivateKms::new());
    w.ok(&root(OWNER), CreateResourceDirectory::new("rd-1"));
    w.ok(
        &root(OWNER),
        CreateVault::new("v-1", REGION, VaultKind::GeneralPurpose),
    );
    for (n, (kind, make)) in creations().into_iter().enumerate() {
        // Ids of kinds sharing a namespace (snapshots and copies) differ.
        let prefix = format!("{n}-");
        let (actor, command) = make(&id_of(&prefix, 129));
        let v = w.refused(&actor, command, RuleId::Gen7);
        assert_eq!(v, exceeded(Bound::IdChars, 129, 128), "{kind}");
        let (actor, command) = make(&id_of(&prefix, 128));
        if let Err(v) = w.state.apply_mut(w.now, &actor, &command) {
            panic!("a {kind} id of 128 characters refused: {v}");
        }
    }
}

/// The bound comes before the characters: an over-long id that is also
/// malformed is refused by GEN-7, a malformed one within the bound by
/// GEN-5.
#[test]
fn gen_7_length_checked_before_the_characters_of_an_id() {
    let mut w = World::new();
    let v = w.refused(
        &root(OWNER),
        blank_disk(&repeat('/', 129), REGION),
        RuleId::Gen7,
    );
    assert_eq!(v, exceeded(Bound::IdChars, 129, 128));
    w.refused(
        &root(OWNER),
        blank_disk(&repeat('/', 128), REGION),
        RuleId::Gen5,
    );
}

// ---------------------------------------------------------------------------
// GEN-5: instants inside a leap second
// ---------------------------------------------------------------------------

#[test]
fn gen_5_a_leap_second_instant_is_what_the_test_builds() {
    let leap = leap_second(1_500);
    assert_eq!(leap.timestamp_subsec_millis(), 1_500);
    assert_eq!(leap.to_rfc3339(), "2026-01-01T00:00:60.500+00:00");
    // The same text read back, as the oracle reads it.
    let read: DateTime<Utc> = serde_json::from_str("\"2026-01-01T00:00:60.5Z\"").unwrap();
    assert_eq!(read, leap);
}

#[test]
fn gen_5_a_leap_second_is_refused_by_every_entry_point() {
    let mut w = World::with_snapshot();
    w.lock("s-1", 30, 0);
    let before = w.state.clone();
    let command = Command::from(create_snapshot("s-2", "d-1", None));
    for millis in [1_000, 1_500, 1_999] {
        let at = leap_second(millis);
        let leap = Violation::LeapSecond { at };
        assert_eq!(leap.rule(), RuleId::Gen5);
        let actor = root(OWNER);
        assert_eq!(w.state.decide(at, &actor, &command), Err(leap.clone()));
        assert_eq!(
            w.state.apply(at, &actor, &command).map(|t| t.events),
            Err(leap.clone())
        );
        let mut copy = w.state.clone();
        assert_eq!(copy.apply_mut(at, &actor, &command), Err(leap.clone()));
        assert_eq!(copy, before);
        assert_eq!(w.state.explain(at, &actor, &command), vec![leap.clone()]);
        assert_eq!(w.state.advance(at).map(|t| t.events), Err(leap.clone()));
        let mut copy = w.state.clone();
        assert_eq!(copy.advance_mut(at), Err(leap.clone()));
        assert_eq!(copy, before);
        assert_eq!(
            w.state.lock_view(at, &actor, &sid("s-1")),
            Err(leap.clone())
        );
        assert_eq!(
            w.state
                .describe_locked_snapshots(at, &actor, &LockQuery::default()),
            Err(leap.clone())
        );
        let report = w.state.deletion_report(at, &actor, &sid("s-1"));
        assert_eq!(report.blockers, vec![leap.clone()]);
        // Even the platform and a command that needs no object.
        let region = Command::from(CreateRegion::new("cn-beijing"));
        assert_eq!(
            w.state.decide(at, &Actor::Platform, &region),
            Err(leap.clone())
        );
    }
    assert_eq!(w.state, before);
    // Just before and just after the leap second, the same command is
    // accepted.
    let last_ordinary = leap_second(999);
    assert_eq!(last_ordinary.timestamp_subsec_millis(), 999);
    assert!(
        w.state
            .decide(last_ordinary, &root(OWNER), &command)
            .is_ok()
    );
    w.at(leap_second(0) + TimeDelta::seconds(1));
    w.ok(&root(OWNER), command);
}

/// The oracle's state machine refuses a leap-second step read from JSON
/// too, through `State::apply_mut` with the default limits.
#[test]
fn gen_5_a_leap_second_read_from_json_is_refused() {
    let mut state = State::new();
    let at: DateTime<Utc> = serde_json::from_str("\"2026-06-30T23:59:60Z\"").unwrap();
    let v = state
        .apply_mut(at, &Actor::Platform, CreateRegion::new(REGION))
        .unwrap_err();
    assert_eq!(v, Violation::LeapSecond { at });
    assert_eq!(state, State::new());
}
