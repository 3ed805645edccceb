//! Instants, commands with fixed arguments and a populated world shared by
//! the hostile-input tests (`hostile_numbers`, `hostile_instants`,
//! `hostile_ids`, `hostile_state`).
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{
    Actor, CopySnapshot, CreateDisk, CreateImage, CreateSnapshot, MarkAccountOverdue,
    RetentionRequest, SetSnapshotRetention,
};

use crate::common::{
    OTHER, OWNER, REGION, World, blank_disk, copy, create_snapshot, root, set_retention,
};

pub const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
pub const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;

/// [`create_snapshot`] of OWNER's disk `d-1`.
pub fn create_snapshot_of_d1(snapshot: &str, retention_days: Option<u32>) -> CreateSnapshot {
    create_snapshot(snapshot, "d-1", retention_days)
}

/// [`copy`] of `s-1`.
pub fn copy_of_s1(snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    copy("s-1", snapshot, retention_days)
}

/// [`set_retention`] to a number of days.
pub fn set_retention_days(snapshot: &str, days: u32) -> SetSnapshotRetention {
    set_retention(snapshot, RetentionRequest::Days(days))
}

/// [`blank_disk`] in [`REGION`].
pub fn blank_disk_in_main_region(disk: &str) -> CreateDisk {
    blank_disk(disk, REGION)
}

/// At the world's instant: OWNER's d-1, s-1 (available, locked 1 day in
/// compliance), s-2 (in progress), image i-1 of s-1, user alice; OTHER's
/// d-o and s-o, OTHER marked overdue.
pub fn populate(w: &mut World) {
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.ok(&root(OWNER), create_snapshot_of_d1("s-2", None));
    w.ok(&root(OWNER), CreateImage::new("i-1", "s-1"));
    w.user(OWNER, "alice", vec![]);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.ok(&Actor::Billing, MarkAccountOverdue::new(OTHER));
    w.lock("s-1", 1, 0);
}
