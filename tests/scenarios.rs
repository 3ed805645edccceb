//! The scenario corpus: every file under `tests/scenarios/` is a history in
//! the oracle's JSON-lines format (`snapguard::oracle`), each step with the
//! outcome it must have. Together the files cover every rule id of
//! `RULES.md`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use snapguard::RuleId;
use snapguard::oracle::{Oracle, Request};

/// The scenario files, in name order.
fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario in {}", dir.display());
    files
}

/// The requests of a scenario file, each with its line number.
fn requests(path: &Path) -> Vec<(usize, Request)> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let request = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: not a request: {e}", path.display(), index + 1));
            (index + 1, request)
        })
        .collect()
}

#[test]
fn every_scenario_step_has_its_expected_outcome() {
    for path in scenario_files() {
        let mut oracle = Oracle::new();
        for (line, request) in requests(&path) {
            let at = format!("{}:{line}", path.display());
            let checked = matches!(request, Request::Apply { .. } | Request::Advance { .. });
            assert!(
                !checked || request.expected().is_some(),
                "{at}: a step without `expect` checks nothing"
            );
            let expected = request.expected().cloned();
            let response = oracle.handle(request);
            assert_eq!(response.error, None, "{at}");
            assert!(
                response.agrees != Some(false),
                "{at}: expected {}\n but got {}",
                serde_json::to_string(&expected).unwrap(),
                serde_json::to_string(&response).unwrap(),
            );
        }
    }
}

#[test]
fn scenarios_cover_every_rule_id() {
    let covered: BTreeSet<RuleId> = scenario_files()
        .iter()
        .flat_map(|path| requests(path))
        .flat_map(|(_, request)| request.rules())
        .collect();
    let missing: Vec<&str> = RuleId::ALL
        .iter()
        .filter(|rule| !covered.contains(rule))
        .map(|rule| rule.code())
        .collect();
    assert!(missing.is_empty(), "no scenario covers {missing:?}");
}

#[test]
fn a_scenario_with_a_wrong_expectation_disagrees() {
    let path = scenario_files().into_iter().next().unwrap();
    let mut oracle = Oracle::new();
    let mut disagreed = false;
    for (_, request) in requests(&path) {
        let wrong = match request.expected() {
            Some(snapguard::oracle::Outcome::Refused(RuleId::Gen1)) => None,
            Some(_) => Some(snapguard::oracle::Outcome::Refused(RuleId::Gen1)),
            None => None,
        };
        let request = match wrong {
            Some(wrong) if !disagreed => {
                disagreed = true;
                let response = oracle.handle(request.expecting(wrong));
                assert_eq!(response.agrees, Some(false));
                continue;
            }
            _ => request,
        };
        oracle.handle(request);
    }
    assert!(disagreed, "{} has no checked step", path.display());
}
