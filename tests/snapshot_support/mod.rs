//! Lookups and commands shared by the snapshot tests (`snapshot_lifecycle`,
//! `snapshot_retention`).
#![allow(dead_code)]

use std::collections::BTreeMap;

use snapguard::{CopySnapshot, CreateSnapshot, DeleteSnapshot, Event, Snapshot};

use crate::common::{OTHER_REGION, OWNER, World, root};

/// The snapshot as the state records it.
#[track_caller]
pub fn get(w: &World, id: &str) -> Snapshot {
    w.state
        .snapshot(&id.into())
        .expect("snapshot exists")
        .clone()
}

/// Starts a manual snapshot of `disk` (left in progress).
#[track_caller]
pub fn start(w: &mut World, disk: &str, snapshot: &str, retention_days: Option<u32>) -> Vec<Event> {
    w.ok(
        &root(OWNER),
        CreateSnapshot {
            snapshot: snapshot.into(),
            disk: disk.into(),
            retention_days,
            tags: BTreeMap::new(),
        },
    )
}

pub fn copy(source: &str, snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot {
        source: source.into(),
        snapshot: snapshot.into(),
        region: OTHER_REGION.into(),
        retention_days,
    }
}

pub fn delete(snapshot: &str) -> DeleteSnapshot {
    DeleteSnapshot {
        snapshot: snapshot.into(),
    }
}
