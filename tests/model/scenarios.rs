//! The scenario corpus: every file under `tests/scenarios/` is a history in
//! the oracle's JSON-lines format (`snapguard::oracle`), each step with the
//! outcome it must have. Together the files cover every rule id of
//! `RULES.md`, and every state they reach loads back.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use snapguard::RuleId;
use snapguard::oracle::{Expect, Oracle, Request};

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
            Some(Expect::Refused(RuleId::Gen1)) => None,
            Some(_) => Some(Expect::Refused(RuleId::Gen1)),
            None => None,
        };
        let request = match wrong {
            Some(wrong) if !disagreed => {
                disagreed = true;
                let response = oracle.handle(request.expect(wrong));
                assert_eq!(response.agrees, Some(false));
                continue;
            }
            _ => request,
        };
        oracle.handle(request);
    }
    assert!(disagreed, "{} has no checked step", path.display());
}

/// Every variant of `value` with one object key, at any depth, misspelt
/// (the key with `_x` appended), each with the path of the key it renamed.
/// Tags are free-form maps, whose keys are data, not fields.
fn misspellings(value: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut found = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, inner) in map {
            if key == "tags" {
                let mut renamed = map.clone();
                let moved = renamed.remove(key).unwrap();
                renamed.insert(format!("{key}_x"), moved);
                found.push((key.clone(), serde_json::Value::Object(renamed)));
                continue;
            }
            if key != "type" {
                let mut renamed = map.clone();
                let moved = renamed.remove(key).unwrap();
                renamed.insert(format!("{key}_x"), moved);
                found.push((key.clone(), serde_json::Value::Object(renamed)));
            }
            for (path, misspelt) in misspellings(inner) {
                let mut copy = map.clone();
                copy.insert(key.clone(), misspelt);
                found.push((format!("{key}.{path}"), serde_json::Value::Object(copy)));
            }
        }
    } else if let serde_json::Value::Array(items) = value {
        for (index, item) in items.iter().enumerate() {
            for (path, misspelt) in misspellings(item) {
                let mut copy = items.clone();
                copy[index] = misspelt;
                found.push((format!("{index}.{path}"), serde_json::Value::Array(copy)));
            }
        }
    }
    found
}

#[test]
fn every_command_of_the_corpus_refuses_a_misspelt_or_unknown_field() {
    let mut command_types = BTreeSet::new();
    let mut checked = 0;
    for path in scenario_files() {
        let text = fs::read_to_string(&path).unwrap();
        for (index, line) in text.lines().enumerate() {
            let step: serde_json::Value = match serde_json::from_str(line) {
                Ok(step) => step,
                Err(_) => continue,
            };
            let Some(command) = step.get("command") else {
                continue;
            };
            let at = format!("{}:{}", path.display(), index + 1);
            command_types.insert(command["type"].as_str().unwrap().to_owned());
            assert!(
                serde_json::from_value::<snapguard::Command>(command.clone()).is_ok(),
                "{at}: the command itself must be read"
            );
            for (key, misspelt) in misspellings(command) {
                let read = serde_json::from_value::<snapguard::Command>(misspelt);
                assert!(read.is_err(), "{at}: `{key}` misspelt was read as {read:?}");
                checked += 1;
            }
            let mut extra = command.clone();
            extra["retention_day"] = serde_json::json!(7);
            let read = serde_json::from_value::<snapguard::Command>(extra);
            let error = read.expect_err(&format!("{at}: an unknown field was accepted"));
            assert!(error.to_string().contains("retention_day"), "{at}: {error}");
        }
    }
    // Every command type the crate has appears in the corpus, so every
    // payload was tried.
    assert!(command_types.len() >= 45, "{command_types:?}");
    assert!(checked > 500, "only {checked} misspellings tried");
}

/// Every state the corpus reaches loads back: the checks of loading refuse
/// no state an accepted history produced. The corpus reaches what the
/// generated histories of the property tests leave out: imported images
/// and the disks made from them, resource directories, re-initialized
/// disks, regions closing down and backup replicas.
#[test]
fn every_state_of_the_corpus_loads_back() {
    for path in scenario_files() {
        let mut oracle = Oracle::new();
        for (line, request) in requests(&path) {
            let at = format!("{}:{line}", path.display());
            oracle.handle(request);
            let json = serde_json::to_value(oracle.state()).unwrap();
            let unchecked: snapguard::UncheckedState =
                serde_json::from_value(json.clone()).unwrap();
            assert_eq!(unchecked.check().err(), None, "{at}");
            let loaded: snapguard::State = serde_json::from_value(json).unwrap();
            assert_eq!(&loaded, oracle.state(), "{at}");
        }
    }
}
