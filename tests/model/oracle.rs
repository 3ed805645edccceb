//! The oracle's protocol: requests answered in turn, refused states, and
//! unreadable lines.

use serde_json::json;
use snapguard::RuleId;
use snapguard::oracle::{Oracle, Outcome, Request};

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

/// The `oracle` example, which `cargo test` builds beside the test binaries.
fn oracle_example() -> std::path::PathBuf {
    let deps = std::env::current_exe().unwrap();
    let dir = deps.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(format!("oracle{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples",
        path.display()
    );
    path
}

#[test]
fn the_oracle_answers_each_line_before_the_next_is_sent() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(oracle_example())
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
