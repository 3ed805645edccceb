//! Lookups shared by the lock tests (`lock_config`,
//! `lock_unlock`, `lock_deletion`, `lock_usage`).
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{DeletionCause, Event, Lock, LockView};

use crate::common::{OWNER, World, root, sid};

/// The lock recorded on a snapshot (current or expired).
#[track_caller]
pub fn lock_of(w: &World, snapshot: &str) -> Lock {
    w.state
        .snapshot(&sid(snapshot))
        .expect("snapshot exists")
        .lock
        .expect("snapshot has a lock record")
}

/// The lock view of a snapshot at `t`, as the owner's root sees it.
#[track_caller]
pub fn view_at(w: &World, t: DateTime<Utc>, snapshot: &str) -> LockView {
    w.state
        .lock_view(t, &root(OWNER), &sid(snapshot))
        .expect("lock_view accepted")
        .expect("snapshot was locked")
}

/// An independent copy of a world, to try a command at another instant.
pub fn fork(w: &World) -> World {
    World {
        state: w.state.clone(),
        now: w.now,
    }
}

/// The snapshots deleted by these events, with the cause.
pub fn deleted(events: &[Event]) -> Vec<(String, DeletionCause)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::SnapshotDeleted {
                snapshot, cause, ..
            } => Some((snapshot.to_string(), *cause)),
            _ => None,
        })
        .collect()
}
