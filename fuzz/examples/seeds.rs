//! Writes the seed corpus of the `state_json` target: states reached by
//! generated histories, serialized as JSON.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds`

use std::fs;
use std::path::Path;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use snapguard::testing::{self, HistoryConfig};

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/state_json");
    fs::create_dir_all(&dir)?;
    let mut runner = TestRunner::deterministic();
    let strategy = testing::states(HistoryConfig::default().with_steps(40));
    for n in 0..8 {
        let state = strategy
            .new_tree(&mut runner)
            .map_err(|reason| std::io::Error::other(reason.to_string()))?
            .current();
        let json = serde_json::to_vec(&state).map_err(std::io::Error::other)?;
        fs::write(dir.join(format!("state-{n}.json")), json)?;
    }
    Ok(())
}
