//! Events and commands print as one line of plain words: a few lines
//! checked exactly, then every event and command of the scenario corpus
//! (which holds every kind of each) and of generated histories checked
//! for the form of their line.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use snapguard::oracle::Outcome;
use snapguard::testing::{self, HistoryConfig, Step};
use snapguard::{Actor, Command, DeletionCause, Event, Lock, ReleaseReason, State};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// A command as the oracle reads it, whatever its payload's constructors.
fn command(value: Value) -> Command {
    serde_json::from_value(value).unwrap()
}

/// The events of a command that must be accepted.
fn apply(state: &mut State, actor: &Actor, value: Value) -> Vec<Event> {
    state.apply_mut(t0(), actor, command(value)).unwrap()
}

/// A region, account `1001` and its 40 GiB disk `d-1` with snapshot `s-1`
/// available, kept 30 days; the events of the disk and snapshot.
fn world() -> (State, Vec<Event>) {
    let mut state = State::new();
    let owner = Actor::root("1001");
    apply(
        &mut state,
        &Actor::Platform,
        json!({"type": "create_region", "region": "cn-hangzhou"}),
    );
    apply(
        &mut state,
        &Actor::Platform,
        json!({"type": "create_region", "region": "cn-shanghai"}),
    );
    apply(
        &mut state,
        &Actor::Platform,
        json!({"type": "create_account", "account": "1001", "site": "china"}),
    );
    let mut events = apply(
        &mut state,
        &owner,
        json!({"type": "create_disk", "disk": "d-1", "region": "cn-hangzhou", "category": "essd",
               "size_gib": 40, "encryption": {"type": "unencrypted"}, "source": {"type": "blank"}}),
    );
    events.extend(apply(
        &mut state,
        &owner,
        json!({"type": "create_snapshot", "snapshot": "s-1", "disk": "d-1", "retention_days": 30}),
    ));
    events.extend(apply(
        &mut state,
        &Actor::Platform,
        json!({"type": "finish_snapshot", "snapshot": "s-1",
               "outcome": {"type": "available", "size_gib": 5}}),
    ));
    (state, events)
}

fn lines(events: &[Event]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}

#[test]
fn created_objects_print_with_their_owner_place_and_values() {
    let (_, events) = world();
    assert_eq!(
        lines(&events),
        [
            "2026-01-01T00:00:00Z: disk `d-1` of account `1001` created in region `cn-hangzhou`: \
             40 GiB ESSD, unencrypted, blank",
            "2026-01-01T00:00:00Z: manual snapshot `s-1` of disk `d-1` started for account `1001` \
             in region `cn-hangzhou`, kept until 2026-01-31T00:00:00Z",
            "2026-01-01T00:00:00Z: snapshot `s-1` is available with 5 GiB",
        ]
    );
}

#[test]
fn a_copy_prints_its_source_region_encryption_and_billing_basis() {
    let (mut state, _) = world();
    let events = apply(
        &mut state,
        &Actor::root("1001"),
        json!({"type": "copy_snapshot", "source": "s-1", "snapshot": "s-2", "region": "cn-shanghai",
               "encryption": {"type": "unencrypted"}, "retention_days": null}),
    );
    assert_eq!(
        lines(&events),
        [
            "2026-01-01T00:00:00Z: copy `s-2` of snapshot `s-1` started for account `1001` in region \
             `cn-shanghai`, unencrypted, charged in full, the snapshot's 5 GiB"
        ]
    );
}

#[test]
fn a_lock_prints_its_expiry_and_cooling_off_or_immediate_compliance() {
    let with_cool_off = Event::LockSet {
        at: t0(),
        snapshot: "s-1".into(),
        lock: Lock::new(t0(), 30, 12).unwrap(),
    };
    assert_eq!(
        with_cool_off.to_string(),
        "2026-01-01T00:00:00Z: snapshot `s-1` locked until 2026-01-31T00:00:00Z, \
         cooling off until 2026-01-01T12:00:00Z"
    );
    let at_once = Event::LockReconfigured {
        at: t0(),
        snapshot: "s-1".into(),
        lock: Lock::new(t0(), 7, 0).unwrap(),
    };
    assert_eq!(
        at_once.to_string(),
        "2026-01-01T00:00:00Z: lock of snapshot `s-1` reconfigured: locked until \
         2026-01-08T00:00:00Z, in compliance at once"
    );
}

#[test]
fn a_deletion_prints_its_cause_and_what_it_cancelled() {
    let deleted = Event::SnapshotDeleted {
        at: t0(),
        snapshot: "s-2".into(),
        cause: DeletionCause::Requested,
        cancelled_in_progress: true,
        early_archive_deletion: false,
    };
    assert_eq!(
        deleted.to_string(),
        "2026-01-01T00:00:00Z: snapshot `s-2` deleted on request while in progress, \
         cancelling its creation or copy"
    );
    let released = Event::SnapshotReleased {
        at: t0(),
        snapshot: "s-1".into(),
        reason: ReleaseReason::Overdue,
    };
    assert_eq!(
        released.to_string(),
        "2026-01-01T00:00:00Z: snapshot `s-1` released by the provider: its account was overdue"
    );
}

#[test]
fn the_alternate_form_leaves_the_instant_out() {
    let expired = Event::LockExpired {
        at: t0(),
        snapshot: "s-1".into(),
    };
    assert_eq!(format!("{expired:#}"), "lock of snapshot `s-1` expired");
    assert_eq!(
        format!("{expired}"),
        "2026-01-01T00:00:00Z: lock of snapshot `s-1` expired"
    );
}

#[test]
fn commands_print_as_orders_naming_their_objects() {
    let cases = [
        (
            json!({"type": "lock_snapshot", "snapshot": "s-1", "duration_days": 30, "cool_off_hours": 12}),
            "lock snapshot `s-1` for 30 days with 12 hours of cooling-off",
        ),
        (
            json!({"type": "lock_snapshot", "snapshot": "s-1", "duration_days": 1, "cool_off_hours": 0}),
            "lock snapshot `s-1` for 1 day without cooling-off",
        ),
        (
            json!({"type": "create_snapshot", "snapshot": "s-1", "disk": "d-1", "retention_days": null,
                   "tags": {"env": "prod"}, "instant_access": true}),
            "take snapshot `s-1` of disk `d-1`, kept permanently, with 1 tag, with instant access",
        ),
        (
            json!({"type": "set_snapshot_retention", "snapshot": "s-1",
                   "retention": {"type": "days", "days": 90}}),
            "keep snapshot `s-1` for 90 days from its creation",
        ),
        (
            json!({"type": "associate_resource_share", "share": "rs-1",
                   "principals": [{"type": "account", "id": "2002"}, {"type": "folder", "id": "fd-1"}],
                   "snapshots": ["s-1", "s-2", "s-3"]}),
            "add account `2002`, folder `fd-1`, snapshot `s-1` and 2 more to resource share `rs-1`",
        ),
        (
            json!({"type": "create_vault", "vault": "v-1", "region": "cn-hangzhou",
                   "kind": {"type": "archive", "retention": {"type": "days", "days": 365}}}),
            "create vault `v-1` in region `cn-hangzhou`: archive vault of 365 days",
        ),
        (json!({"type": "activate_kms"}), "activate KMS"),
    ];
    for (value, expected) in cases {
        assert_eq!(command(value).to_string(), expected);
    }
}

/// Panics unless `text` is one plain line: not empty, no line break, no
/// braces, quotes or other marks of `Debug`.
fn assert_plain_line(text: &str, what: &str) {
    assert!(!text.trim().is_empty(), "{what} prints nothing");
    assert_eq!(text, text.trim(), "{what}: `{text}` has spaces around it");
    for mark in ["\n", "\r", "{", "}", "\"", "Some(", "None", "::", "[", "]"] {
        assert!(!text.contains(mark), "{what}: `{text}` contains `{mark}`");
    }
}

/// Panics unless `event` prints its instant and a plain line, and its
/// alternate form is that line without the instant.
fn assert_event_line(event: &Event) {
    let text = event.to_string();
    let kind = event_type(event);
    assert_plain_line(&text, &kind);
    let instant = event.at().to_rfc3339_opts(SecondsFormat::AutoSi, true);
    assert_eq!(
        text.strip_prefix(&format!("{instant}: ")),
        Some(format!("{event:#}").as_str()),
        "{kind}: `{text}` does not start with its instant"
    );
}

fn event_type(event: &Event) -> String {
    serde_json::to_value(event).unwrap()["type"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every command and event of the scenario corpus, replayed step by step:
/// the corpus holds every kind of command and event, so each kind's line
/// is checked.
#[test]
fn every_command_and_event_of_the_scenario_corpus_prints_one_plain_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut commands = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    for path in files {
        let mut state = State::new();
        for line in fs::read_to_string(&path).unwrap().lines() {
            let Ok(step) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let at = || serde_json::from_value(step["at"].clone()).unwrap();
            let outcome = match step["op"].as_str() {
                Some("reset") => {
                    state = State::new();
                    continue;
                }
                Some("apply") => {
                    let command = command(step["command"].clone());
                    assert_plain_line(&command.to_string(), command.name());
                    // The command table's name is the serialized `type` tag.
                    let written = serde_json::to_value(&command).unwrap();
                    assert_eq!(written["type"], command.name());
                    commands.insert(command.name());
                    let actor: Actor = serde_json::from_value(step["actor"].clone()).unwrap();
                    state.apply_mut(at(), &actor, &command)
                }
                Some("advance") => state.advance_mut(at()),
                _ => continue,
            };
            for event in outcome.unwrap_or_default() {
                assert_event_line(&event);
                events.insert(event_type(&event));
            }
        }
    }
    // Every command and every event at the time of writing; a new one needs
    // a scenario step, which brings its line under this test.
    assert!(commands.len() >= 49, "commands seen: {commands:?}");
    assert!(events.len() >= 52, "events seen: {events:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_command_and_event_of_a_generated_history_prints_one_plain_line(
        history in testing::histories(HistoryConfig::default()),
    ) {
        for step in &history.steps {
            if let Step::Apply { command, .. } = step {
                assert_plain_line(&command.to_string(), command.name());
            }
        }
        let (_, outcomes) = history.replay()?;
        for outcome in outcomes {
            if let Outcome::Accepted(events) = outcome {
                events.iter().for_each(assert_event_line);
            }
        }
    }
}
