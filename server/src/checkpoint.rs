//! Checkpoints: the whole state, serialized, in files beside the database,
//! so that a restart replays only the events after the latest one.
//!
//! A checkpoint is written to a temporary file, flushed, and renamed to
//! `checkpoint-<events>.json` (the number of events it contains, zero-padded
//! so that names sort by it); the directory is flushed too. A crash leaves
//! either the complete file or none. Older checkpoints are removed once a
//! newer one is in place. Events are never removed: a checkpoint that does
//! not read back is skipped, and the state is rebuilt from an older one or
//! from the first event.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use snapguard::State;

use crate::store::StoreError;

const PREFIX: &str = "checkpoint-";
const SUFFIX: &str = ".json";

/// The checkpoint files of one data directory.
#[derive(Debug, Clone)]
pub struct CheckpointFiles {
    dir: PathBuf,
    /// The size of the last checkpoint written or read, in bytes.
    last_bytes: Arc<AtomicU64>,
}

impl CheckpointFiles {
    /// The checkpoints kept in `dir` (created if needed).
    pub fn new(dir: PathBuf) -> Result<Self, StoreError> {
        fs::create_dir_all(&dir).map_err(|error| io(&dir, &error))?;
        Ok(Self {
            dir,
            last_bytes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The size in bytes of the last checkpoint written or read.
    pub fn last_bytes(&self) -> u64 {
        self.last_bytes.load(Ordering::Relaxed)
    }

    /// Writes the state after `events` events, then removes older
    /// checkpoints.
    pub fn write(&self, events: u64, state: &State) -> Result<(), StoreError> {
        let json = serde_json::to_vec(state).map_err(|error| StoreError::Corrupt {
            what: format!("checkpoint {events}"),
            why: error.to_string(),
        })?;
        let path = self.path(events);
        let temporary = path.with_extension("tmp");
        let mut file = fs::File::create(&temporary).map_err(|error| io(&temporary, &error))?;
        file.write_all(&json)
            .and_then(|()| file.sync_all())
            .map_err(|error| io(&temporary, &error))?;
        drop(file);
        fs::rename(&temporary, &path).map_err(|error| io(&path, &error))?;
        // The rename is durable once the directory is.
        fs::File::open(&self.dir)
            .and_then(|dir| dir.sync_all())
            .map_err(|error| io(&self.dir, &error))?;
        self.last_bytes.store(
            u64::try_from(json.len()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        for (older, old_path) in self.list() {
            if older < events {
                let _ = fs::remove_file(old_path);
            }
        }
        Ok(())
    }

    /// The latest checkpoint that reads back and holds at most `events`
    /// events (a checkpoint is written after its events, never before).
    pub fn latest(&self, events: u64) -> Option<(u64, State)> {
        let mut found = self.list();
        found.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        found
            .into_iter()
            .filter(|(seq, _)| *seq <= events)
            .find_map(|(seq, path)| {
                let bytes = fs::read(&path).ok()?;
                match serde_json::from_slice::<State>(&bytes) {
                    Ok(state) => {
                        self.last_bytes.store(
                            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                            Ordering::Relaxed,
                        );
                        Some((seq, state))
                    }
                    Err(error) => {
                        tracing::warn!("checkpoint {} skipped: {error}", path.display());
                        None
                    }
                }
            })
    }

    fn path(&self, events: u64) -> PathBuf {
        self.dir.join(format!("{PREFIX}{events:020}{SUFFIX}"))
    }

    /// Every complete checkpoint file, with its event count.
    fn list(&self) -> Vec<(u64, PathBuf)> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name();
                let seq = name
                    .to_str()?
                    .strip_prefix(PREFIX)?
                    .strip_suffix(SUFFIX)?
                    .parse()
                    .ok()?;
                Some((seq, entry.path()))
            })
            .collect()
    }
}

fn io(path: &Path, error: &std::io::Error) -> StoreError {
    StoreError::Corrupt {
        what: path.display().to_string(),
        why: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "snapguard-checkpoint-{label}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_new_checkpoint_replaces_the_older_ones_and_reads_back_with_its_size() {
        let dir = scratch("replace");
        let files = CheckpointFiles::new(dir.clone()).unwrap();
        let state = State::new();
        files.write(5, &state).unwrap();
        files.write(9, &state).unwrap();
        let names: Vec<u64> = files.list().into_iter().map(|(seq, _)| seq).collect();
        assert_eq!(names, [9]);
        let size = fs::metadata(files.path(9)).unwrap().len();
        assert_eq!(files.last_bytes(), size);
        let reader = CheckpointFiles::new(dir.clone()).unwrap();
        assert_eq!(reader.last_bytes(), 0);
        assert_eq!(reader.latest(100), Some((9, state)));
        assert_eq!(reader.last_bytes(), size);
        assert_eq!(
            reader.latest(8),
            None,
            "a checkpoint past the events is not used"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_checkpoint_written_before_states_carried_a_format_reads_back() {
        let dir = scratch("unversioned");
        let files = CheckpointFiles::new(dir.clone()).unwrap();
        let state = State::new();
        files.write(3, &state).unwrap();
        let path = files.path(3);
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["format"], State::FORMAT_VERSION);
        json.as_object_mut().unwrap().remove("format");
        fs::write(&path, json.to_string()).unwrap();
        assert_eq!(files.latest(3), Some((3, state)));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_checkpoint_of_a_newer_format_is_skipped() {
        let dir = scratch("newer");
        let files = CheckpointFiles::new(dir.clone()).unwrap();
        fs::write(files.path(4), br#"{"format":2,"zones":[]}"#).unwrap();
        assert_eq!(files.latest(4), None, "the events are replayed instead");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_that_are_not_checkpoints_are_ignored() {
        let dir = scratch("ignore");
        let files = CheckpointFiles::new(dir.clone()).unwrap();
        fs::write(dir.join("checkpoint-7.json.tmp"), b"{").unwrap();
        fs::write(dir.join("notes.txt"), b"").unwrap();
        fs::write(dir.join("checkpoint-x.json"), b"{}").unwrap();
        assert!(files.list().is_empty());
        assert_eq!(files.latest(u64::MAX), None);
        let _ = fs::remove_dir_all(&dir);
    }
}
