//! A helper shared by the snapshot tests (`snapshot_lifecycle`,
//! `snapshot_retention`).
#![allow(dead_code)]

use snapguard::Event;

use crate::common::{OWNER, World, create_snapshot, root};

/// Starts a manual snapshot of `disk` (left in progress).
#[track_caller]
pub fn start(w: &mut World, disk: &str, snapshot: &str, retention_days: Option<u32>) -> Vec<Event> {
    w.ok(
        &root(OWNER),
        create_snapshot(snapshot, disk, retention_days),
    )
}
