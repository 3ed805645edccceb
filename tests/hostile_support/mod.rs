//! Instants, commands and a populated world shared by the hostile-input tests
//! (`hostile_numbers`, `hostile_instants`, `hostile_ids`, `hostile_state`).
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{
    Actor, ArchiveSnapshot, CopySnapshot, CreateAccount, CreateDisk, CreateImage, CreateRegion,
    CreateSnapshot, DiskCategory, DiskSource, Encryption, LockSnapshot, MarkAccountOverdue,
    RetentionRequest, SetSnapshotRetention, Site, SnapshotId, State,
};

use crate::common::{ABROAD, OTHER, OTHER_REGION, OWNER, REGION, World, root};

pub const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
pub const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;

pub fn sid(id: &str) -> SnapshotId {
    SnapshotId::new(id)
}

pub fn lock_cmd(snapshot: &str, duration_days: u32, cool_off_hours: u32) -> LockSnapshot {
    LockSnapshot {
        snapshot: snapshot.into(),
        duration_days,
        cool_off_hours,
    }
}

pub fn create_snapshot(snapshot: &str, retention_days: Option<u32>) -> CreateSnapshot {
    CreateSnapshot {
        snapshot: snapshot.into(),
        disk: "d-1".into(),
        retention_days,
        tags: Default::default(),
    }
}

pub fn copy(snapshot: &str, retention_days: Option<u32>) -> CopySnapshot {
    CopySnapshot {
        source: "s-1".into(),
        snapshot: snapshot.into(),
        region: OTHER_REGION.into(),
        retention_days,
    }
}

pub fn set_retention(snapshot: &str, days: u32) -> SetSnapshotRetention {
    SetSnapshotRetention {
        snapshot: snapshot.into(),
        retention: RetentionRequest::Days(days),
    }
}

pub fn archive(snapshot: &str, retention_days: u32) -> ArchiveSnapshot {
    ArchiveSnapshot {
        snapshot: snapshot.into(),
        retention_days,
    }
}

pub fn blank_disk(disk: &str) -> CreateDisk {
    CreateDisk {
        disk: disk.into(),
        region: REGION.into(),
        category: DiskCategory::Essd,
        size_gib: 40,
        encryption: Encryption::Unencrypted,
        source: DiskSource::Blank,
    }
}

/// The regions and accounts of [`World::new`], created at `start`.
pub fn world_from(start: DateTime<Utc>) -> World {
    let mut w = World {
        state: State::new(),
        now: start,
    };
    for region in [REGION, OTHER_REGION] {
        w.ok(
            &Actor::Platform,
            CreateRegion {
                region: region.into(),
            },
        );
    }
    for (account, site) in [
        (OWNER, Site::China),
        (OTHER, Site::China),
        (ABROAD, Site::International),
    ] {
        w.ok(
            &Actor::Platform,
            CreateAccount {
                account: account.into(),
                site,
            },
        );
    }
    w
}

/// At the world's instant: OWNER's d-1, s-1 (available, locked 1 day in
/// compliance), s-2 (in progress), image i-1 of s-1, user alice; OTHER's
/// d-o and s-o, OTHER marked overdue.
pub fn populate(w: &mut World) {
    w.disk(OWNER, "d-1");
    w.snapshot(OWNER, "d-1", "s-1", None);
    w.ok(&root(OWNER), create_snapshot("s-2", None));
    w.ok(
        &root(OWNER),
        CreateImage {
            image: "i-1".into(),
            snapshot: "s-1".into(),
        },
    );
    w.user(OWNER, "alice", vec![]);
    w.disk(OTHER, "d-o");
    w.snapshot(OTHER, "d-o", "s-o", None);
    w.ok(
        &Actor::Billing,
        MarkAccountOverdue {
            account: OTHER.into(),
        },
    );
    w.lock("s-1", 1, 0);
}
