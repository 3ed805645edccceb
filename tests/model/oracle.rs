//! The oracle's protocol: requests answered in turn, refused states, and
//! unreadable lines.

use serde_json::json;
use snapguard::RuleId;
use snapguard::oracle::{Answer, Oracle, Outcome, Request};

fn request(value: serde_json::Value) -> Request {
    serde_json::from_value(value).unwrap()
}

fn create_region(at: &str) -> Request {
    request(json!({
        "op": "apply", "at": at, "actor": {"type": "platform"},
        "command": {"type": "create_region", "region": "cn-hangzhou"},
    }))
}

#[test]
fn gen_4_steps_are_numbered_and_a_refusal_names_its_rule() {
    let mut oracle = Oracle::new();
    let first = oracle.handle(create_region("2026-01-01T00:00:00Z"));
    assert_eq!(first.step, 1);
    assert!(matches!(first.outcome, Some(Outcome::Accepted(ref events)) if events.len() == 1));
    let again = oracle.handle(create_region("2026-01-01T00:00:01Z"));
    assert_eq!(again.step, 2);
    assert_eq!(again.outcome, Some(Outcome::Refused(RuleId::Gen4)));
    assert!(again.violation.is_some());
    assert!(again.message.unwrap().contains("cn-hangzhou"));
    assert_eq!(again.agrees, None, "nothing was expected");
}

#[test]
fn gen_4_a_wrong_expectation_disagrees() {
    let mut oracle = Oracle::new();
    let step = create_region("2026-01-01T00:00:00Z").expecting(Outcome::Refused(RuleId::Gen4));
    assert_eq!(oracle.handle(step).agrees, Some(false));
}

#[test]
fn gen_5_a_refused_load_lists_every_broken_invariant_and_starts_over_empty() {
    let mut oracle = Oracle::new();
    oracle.handle(create_region("2026-01-01T00:00:00Z"));
    let mut state = serde_json::to_value(oracle.state()).unwrap();
    state["limits"]["min_lock_days"] = json!(0);
    state["regions"][0]["created_at"] = json!("2027-01-01T00:00:00Z");
    let response = oracle.handle(request(json!({"op": "load", "state": state})));
    assert_eq!(response.outcome, None);
    assert!(response.error.is_some());
    let rules: Vec<RuleId> = response.broken.iter().map(|b| b.rule).collect();
    assert_eq!(rules, [RuleId::Gen5, RuleId::Gen2]);
    assert_eq!(
        oracle.state(),
        &snapguard::State::default(),
        "no stale state"
    );
}

#[test]
fn gen_5_a_reset_with_incoherent_limits_is_refused() {
    let mut oracle = Oracle::new();
    let response = oracle.handle(request(
        json!({"op": "reset", "limits": {"min_lock_days": 0}}),
    ));
    assert_eq!(response.broken.len(), 1);
    assert_eq!(response.broken[0].rule, RuleId::Gen5);
    let fine = oracle.handle(request(
        json!({"op": "reset", "limits": {"min_lock_days": 2}}),
    ));
    assert_eq!(fine.outcome, Some(Outcome::Started));
    assert_eq!(oracle.state().limits().min_lock_days, 2);
}

#[test]
fn an_unreadable_line_is_an_error_and_counts_as_a_step() {
    let mut oracle = Oracle::new();
    let error = serde_json::from_str::<Request>(r#"{"op":"apply","expcet":{}}"#).unwrap_err();
    let response = oracle.unreadable(error);
    assert_eq!(response.step, 1);
    assert!(response.error.unwrap().contains("could not be read"));
    assert_eq!(oracle.handle(create_region("2026-01-01T00:00:00Z")).step, 2);
}

#[test]
fn a_misspelt_field_is_refused_rather_than_ignored() {
    let line = json!({
        "op": "advance", "at": "2026-01-01T00:00:00Z", "expcet": {"refused": "GEN-2"},
    });
    assert!(serde_json::from_value::<Request>(line).is_err());
}

/// The `snapguard-oracle` binary, which `cargo test` builds: the crate's
/// dev-dependency on itself turns on its `oracle` feature.
fn oracle_binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_snapguard-oracle"))
}

#[test]
fn the_oracle_answers_each_line_before_the_next_is_sent() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(oracle_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let output = BufReader::new(child.stdout.take().unwrap());
    // Answers are read on their own thread, so a missing answer fails the
    // test after a while instead of hanging it.
    let (answers, answered) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in output.lines() {
            if answers.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut next = |line: &[u8]| -> serde_json::Value {
        input.write_all(line).unwrap();
        input.write_all(b"\n").unwrap();
        input.flush().unwrap();
        let answer = answered
            .recv_timeout(Duration::from_secs(20))
            .expect("no answer before the next request: the oracle buffers");
        serde_json::from_str(&answer).unwrap()
    };
    let first = next(
        br#"{"op":"apply","at":"2026-01-01T00:00:00Z","actor":{"type":"platform"},"command":{"type":"create_region","region":"cn-hangzhou"}}"#,
    );
    assert_eq!(first["step"], 1);
    assert!(first["outcome"]["accepted"].is_array(), "{first}");
    // A line that is not UTF-8 gets an error of its own; the oracle goes on.
    let second = next(b"{\"op\":\"reset\xff\"}");
    assert_eq!(second["step"], 2);
    assert!(
        second["error"].as_str().unwrap().contains("not UTF-8"),
        "{second}"
    );
    let third = next(br#"not json"#);
    assert_eq!(third["step"], 3);
    assert!(third["error"].is_string(), "{third}");
    // The state survived both: the region exists, so creating it again is
    // refused by GEN-4.
    let fourth = next(
        br#"{"op":"apply","at":"2026-01-01T00:00:01Z","actor":{"type":"platform"},"command":{"type":"create_region","region":"cn-hangzhou"}}"#,
    );
    assert_eq!(fourth["outcome"]["refused"], "GEN-4", "{fourth}");
    // The violation names its rule and its retry instant beside its fields.
    assert_eq!(fourth["violation"]["type"], "already_exists", "{fourth}");
    assert_eq!(fourth["violation"]["rule"], "GEN-4", "{fourth}");
    assert!(fourth["violation"]["retry_at"].is_null(), "{fourth}");
    assert!(
        fourth["message"].as_str().unwrap().starts_with("GEN-4: "),
        "{fourth}"
    );
    drop(input);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    // Unreadable lines make the exit status 1.
    assert_eq!(status.code(), Some(1));
}

/// The schema kept in the repository is the one the types generate. It
/// needs the `schema` feature, which the crate's own tests leave out to
/// build faster: `cargo test --features schema --test rules model::oracle`
/// runs it, and so does .ci/run.
#[cfg(feature = "schema")]
#[test]
fn the_schema_file_is_the_one_the_types_generate() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/oracle.schema.json");
    let generated = serde_json::to_value(snapguard::oracle::json_schema()).unwrap();
    if std::env::var_os("SNAPGUARD_BLESS").is_some() {
        let mut text = serde_json::to_string_pretty(&generated).unwrap();
        text.push('\n');
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let kept: serde_json::Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    assert!(
        kept == generated,
        "{} is not the schema the types generate: regenerate it with \
         `SNAPGUARD_BLESS=1 cargo test --features schema --test rules model::oracle` and review the diff",
        path.display()
    );
}

/// An oracle on a region, account `1001` with user `ops` (no
/// permissions), disk `d-1` and snapshot `s-1` locked in compliance mode
/// from 2026-01-01T02:00:00Z for 30 days.
fn locked_world() -> Oracle {
    let mut oracle = Oracle::new();
    let root = json!({"type": "root", "account": "1001"});
    for (at, actor, command) in [
        (
            "2026-01-01T00:00:00Z",
            json!({"type": "platform"}),
            json!({"type": "create_region", "region": "cn-hangzhou"}),
        ),
        (
            "2026-01-01T00:00:00Z",
            json!({"type": "platform"}),
            json!({"type": "create_account", "account": "1001", "site": "china"}),
        ),
        (
            "2026-01-01T00:00:00Z",
            root.clone(),
            json!({"type": "create_user", "user": "ops", "statements": []}),
        ),
        (
            "2026-01-01T00:00:00Z",
            root.clone(),
            json!({
                "type": "create_disk", "disk": "d-1", "region": "cn-hangzhou", "category": "essd",
                "size_gib": 40, "encryption": {"type": "unencrypted"}, "source": {"type": "blank"},
            }),
        ),
        (
            "2026-01-01T01:00:00Z",
            root.clone(),
            json!({
                "type": "create_snapshot", "snapshot": "s-1", "disk": "d-1",
                "retention_days": null, "tags": {}, "instant_access": false,
            }),
        ),
        (
            "2026-01-01T01:10:00Z",
            json!({"type": "platform"}),
            json!({
                "type": "finish_snapshot", "snapshot": "s-1", "outcome": {"type": "available", "size_gib": 12},
            }),
        ),
        (
            "2026-01-01T02:00:00Z",
            root.clone(),
            json!({
                "type": "lock_snapshot", "snapshot": "s-1", "duration_days": 30, "cool_off_hours": 0,
            }),
        ),
    ] {
        let response = oracle.handle(request(json!({
            "op": "apply", "at": at, "actor": actor, "command": command, "expect": "accepted",
        })));
        assert_eq!(response.agrees, Some(true), "{response:?}");
    }
    oracle
}

const EXPIRY: &str = "2026-01-31T02:00:00Z";

fn instant(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

#[test]
fn lock_10_decide_answers_a_refusal_and_leaves_the_state_unchanged() {
    let mut oracle = locked_world();
    let before = oracle.state().clone();
    let response = oracle.handle(request(json!({
        "op": "decide", "at": "2026-01-02T00:00:00Z", "actor": {"type": "root", "account": "1001"},
        "command": {"type": "delete_snapshot", "snapshot": "s-1"},
        "expect": {"refused": ["LOCK-10", "LOCK-9"]},
    })));
    assert_eq!(response.outcome, Some(Outcome::Refused(RuleId::Lock10)));
    assert_eq!(response.agrees, Some(true));
    assert_eq!(
        response.violation.unwrap().retry_at(),
        Some(instant(EXPIRY))
    );
    assert_eq!(oracle.state(), &before);
}

#[test]
fn decide_answers_the_events_an_apply_would_cause_and_applies_nothing() {
    let mut oracle = locked_world();
    let before = oracle.state().clone();
    let decide = json!({
        "op": "decide", "at": "2026-01-02T00:00:00Z", "actor": {"type": "root", "account": "1001"},
        "command": {"type": "create_snapshot", "snapshot": "s-2", "disk": "d-1",
                    "retention_days": 7, "tags": {}, "instant_access": false},
        "expect": {"accepted_with": ["snapshot_created"]},
    });
    let decided = oracle.handle(request(decide.clone()));
    assert_eq!(decided.agrees, Some(true));
    assert_eq!(oracle.state(), &before, "a dry run changes nothing");
    let mut apply = decide;
    apply["op"] = json!("apply");
    let applied = oracle.handle(request(apply));
    assert_eq!(applied.outcome, decided.outcome);
    assert!(oracle.state().snapshot(&"s-2".into()).is_some());
}

#[test]
fn perm_1_lock_10_explain_lists_every_refusal_with_its_rule_and_retry_instant() {
    let mut oracle = locked_world();
    let before = oracle.state().clone();
    let delete = json!({"type": "delete_snapshot", "snapshot": "s-1"});
    let response = oracle.handle(request(json!({
        "op": "explain", "at": "2026-01-02T00:00:00Z",
        "actor": {"type": "user", "account": "1001", "user": "ops"}, "command": delete,
    })));
    assert_eq!(response.outcome, Some(Outcome::Answered));
    let Some(Answer::Explain(refusals)) = response.answer else {
        panic!("{:?}", response.answer)
    };
    let rules: Vec<RuleId> = refusals.iter().map(|r| r.rule).collect();
    assert_eq!(rules, [RuleId::Perm1, RuleId::Lock10]);
    assert_eq!(refusals[0].retry_at, None);
    assert_eq!(refusals[1].retry_at, Some(instant(EXPIRY)));
    assert!(refusals[1].message.starts_with("LOCK-10: "));
    assert_eq!(oracle.state(), &before);
    // What decide answers is the first of them.
    let decided = oracle.handle(request(json!({
        "op": "decide", "at": "2026-01-02T00:00:00Z",
        "actor": {"type": "user", "account": "1001", "user": "ops"}, "command": delete,
    })));
    assert_eq!(decided.outcome, Some(Outcome::Refused(RuleId::Perm1)));
}

#[test]
fn lock_10_deletion_report_names_the_lock_and_when_it_lifts() {
    let mut oracle = locked_world();
    let response = oracle.handle(request(json!({
        "op": "deletion_report", "at": "2026-01-02T00:00:00Z",
        "actor": {"type": "root", "account": "1001"}, "snapshot": "s-1",
    })));
    let Some(Answer::DeletionReport(report)) = response.answer else {
        panic!("{:?}", response.answer)
    };
    assert!(!report.allowed);
    assert_eq!(report.blockers.len(), 1);
    assert_eq!(report.blockers[0].rule, RuleId::Lock10);
    assert_eq!(report.earliest, Some(instant(EXPIRY)));
}

#[test]
fn lock_15_lock_queries_answer_the_lock_and_refuse_as_the_library_does() {
    let mut oracle = locked_world();
    let root = json!({"type": "root", "account": "1001"});
    let described = oracle.handle(request(json!({
        "op": "describe_locked_snapshots", "at": "2026-01-02T00:00:00Z", "actor": root,
        "query": {"state": "compliance"},
    })));
    let Some(Answer::DescribeLockedSnapshots(locks)) = described.answer else {
        panic!("{:?}", described.answer)
    };
    assert_eq!(locks.len(), 1);
    assert_eq!(locks[0].snapshot, "s-1");
    assert_eq!(locks[0].expiry, instant(EXPIRY));
    let none = oracle.handle(request(json!({
        "op": "describe_locked_snapshots", "at": "2026-01-02T00:00:00Z", "actor": root,
        "query": {"state": "compliance-cooloff"},
    })));
    assert_eq!(
        none.answer,
        Some(Answer::DescribeLockedSnapshots(Vec::new()))
    );
    let view = oracle.handle(request(json!({
        "op": "lock_view", "at": "2026-01-02T00:00:00Z", "actor": root, "snapshot": "s-1",
    })));
    assert_eq!(view.answer, Some(Answer::LockView(Some(locks[0].clone()))));
    // The user holds no permission: PERM-2, as the library answers it.
    let refused = oracle.handle(request(json!({
        "op": "lock_view", "at": "2026-01-02T00:00:00Z",
        "actor": {"type": "user", "account": "1001", "user": "ops"}, "snapshot": "s-1",
    })));
    assert_eq!(refused.outcome, Some(Outcome::Refused(RuleId::Perm2)));
    assert_eq!(refused.answer, None);
    assert!(refused.message.unwrap().starts_with("PERM-2: "));
}

#[test]
fn visible_snapshots_next_deadline_and_state_answer_what_the_library_answers() {
    let mut oracle = locked_world();
    let at = instant("2026-01-02T00:00:00Z");
    let visible = oracle.handle(request(json!({
        "op": "visible_snapshots", "at": "2026-01-02T00:00:00Z", "account": "1001",
    })));
    assert_eq!(
        visible.answer,
        Some(Answer::VisibleSnapshots(
            oracle.state().visible_snapshots(&"1001".into(), at)
        ))
    );
    let deadline = oracle.handle(request(json!({"op": "next_deadline"})));
    assert_eq!(
        deadline.answer,
        Some(Answer::NextDeadline(oracle.state().next_deadline()))
    );
    let state = oracle.handle(request(json!({"op": "state", "note": "saved"})));
    let Some(Answer::State(saved)) = state.answer else {
        panic!("{:?}", state.answer)
    };
    assert_eq!(&*saved, oracle.state());
    // The answer loads back as it is.
    let json = serde_json::to_value(&*saved).unwrap();
    let loaded = Oracle::new().handle(request(json!({"op": "load", "state": json})));
    assert_eq!(loaded.outcome, Some(Outcome::Started));
}

#[test]
fn a_query_takes_no_expect() {
    let line = json!({"op": "next_deadline", "expect": "accepted"});
    assert!(serde_json::from_value::<Request>(line).is_err());
}

/// A response's violation is written with its rule and retry instant
/// beside its own fields, once each, even for a variant that carries its
/// own rule.
#[test]
fn lock_10_a_written_refusal_names_its_rule_and_retry_instant_once() {
    let mut oracle = locked_world();
    let response = oracle.handle(request(json!({
        "op": "apply", "at": "2026-01-02T00:00:00Z", "actor": {"type": "root", "account": "1001"},
        "command": {"type": "delete_snapshot", "snapshot": "s-1"},
    })));
    let line = serde_json::to_string(&response).unwrap();
    assert_eq!(line.matches("\"rule\"").count(), 1, "{line}");
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["violation"]["rule"], "LOCK-10");
    assert_eq!(value["violation"]["retry_at"], EXPIRY);
    // And it reads back as the same response.
    assert_eq!(
        serde_json::from_str::<snapguard::oracle::Response>(&line).unwrap(),
        response
    );
}

/// The binary's command line: help, version, and unknown arguments.
#[test]
fn the_binary_prints_help_and_version_and_refuses_unknown_arguments() {
    use std::process::Command;
    for flag in ["--help", "-h"] {
        let output = Command::new(oracle_binary()).arg(flag).output().unwrap();
        assert!(output.status.success(), "{flag}");
        let help = String::from_utf8(output.stdout).unwrap();
        for word in [
            "USAGE",
            "deletion_report",
            "next_deadline",
            "accepted_with",
            "--record",
        ] {
            assert!(help.contains(word), "{flag} does not mention {word}");
        }
    }
    let version = Command::new(oracle_binary())
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!("snapguard-oracle {}", env!("CARGO_PKG_VERSION"))
    );
    let unknown = Command::new(oracle_binary())
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8(unknown.stderr)
            .unwrap()
            .contains("--frobnicate")
    );
}

/// `--schema` prints the schema the repository keeps.
#[cfg(feature = "schema")]
#[test]
fn the_binary_prints_the_schema() {
    let output = std::process::Command::new(oracle_binary())
        .arg("--schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::to_value(snapguard::oracle::json_schema()).unwrap()
    );
}

/// Built without the `schema` feature, `--schema` fails with status 2 and
/// says which feature and which file give the schema.
#[cfg(not(feature = "schema"))]
#[test]
fn the_binary_without_the_schema_feature_says_where_the_schema_is() {
    let output = std::process::Command::new(oracle_binary())
        .arg("--schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(message.contains("--features oracle,schema"), "{message}");
    assert!(message.contains("schema/oracle.schema.json"), "{message}");
}

/// The spellings renamed in this release are still read: a customer key's
/// `key` (now `id`) and an image source's `snapshot` (now `id`).
#[test]
fn the_earlier_spellings_of_renamed_fields_are_still_read() {
    use snapguard::{Encryption, ImageSource};
    let old: Encryption =
        serde_json::from_value(json!({"type": "customer_key", "key": "k-1"})).unwrap();
    let new: Encryption =
        serde_json::from_value(json!({"type": "customer_key", "id": "k-1"})).unwrap();
    assert_eq!(old, new);
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        json!({"type": "customer_key", "id": "k-1"})
    );
    let old: ImageSource =
        serde_json::from_value(json!({"type": "snapshot", "snapshot": "s-1"})).unwrap();
    let new: ImageSource =
        serde_json::from_value(json!({"type": "snapshot", "id": "s-1"})).unwrap();
    assert_eq!(old, new);
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        json!({"type": "snapshot", "id": "s-1"})
    );
    assert_eq!(
        serde_json::to_value(ImageSource::Imported).unwrap(),
        json!({"type": "imported"})
    );
    // Both spellings at once is an error, as is a misspelling.
    for wrong in [
        json!({"type": "customer_key", "key": "k-1", "id": "k-1"}),
        json!({"type": "customer_key", "kei": "k-1"}),
        json!({"type": "unencrypted", "id": "k-1"}),
        json!({"type": "service_key", "key": "k-1"}),
    ] {
        assert!(
            serde_json::from_value::<Encryption>(wrong.clone()).is_err(),
            "{wrong}"
        );
    }
    for wrong in [
        json!({"type": "imported", "id": "s-1"}),
        json!({"type": "snapshot", "snapshot": "s-1", "id": "s-1"}),
    ] {
        assert!(
            serde_json::from_value::<ImageSource>(wrong.clone()).is_err(),
            "{wrong}"
        );
    }
    let missing = json!({"type": "customer_key"});
    assert!(serde_json::from_value::<Encryption>(missing).is_err());
}
