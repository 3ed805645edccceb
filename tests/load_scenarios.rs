//! Every state the scenario corpus reaches loads back: the checks of
//! loading refuse no state an accepted history produced. The corpus
//! (`tests/scenarios/*.jsonl`) reaches what the generated histories of the
//! property tests leave out: imported images and the disks made from
//! them, resource directories, re-initialized disks, regions closing down
//! and backup replicas.

use std::fs;
use std::path::{Path, PathBuf};

use snapguard::oracle::{Oracle, Request};
use snapguard::{State, UncheckedState};

/// The scenario files, in name order.
fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario in {}", dir.display());
    files
}

#[test]
fn every_state_of_the_scenario_corpus_loads_back() {
    for path in scenario_files() {
        let text = fs::read_to_string(&path).unwrap();
        let mut oracle = Oracle::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{}:{}", path.display(), index + 1);
            // A line the corpus itself cannot read is its runner's to
            // report (`tests/scenarios.rs`).
            let Ok(request) = serde_json::from_str::<Request>(line) else {
                continue;
            };
            oracle.handle(request);
            let json = serde_json::to_value(oracle.state()).unwrap();
            let unchecked: UncheckedState = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(unchecked.check().err(), None, "{at}");
            let loaded: State = serde_json::from_value(json).unwrap();
            assert_eq!(&loaded, oracle.state(), "{at}");
        }
    }
}
