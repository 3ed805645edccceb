//! The world the load tests of `tests/load_*.rs` tamper with: built
//! through commands, with a little of every kind of object the checks of
//! loading compare, and helpers to break one invariant through JSON.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde_json::Value;
use snapguard::{Actor, CreateDisk, CreateImage, DiskSource, ImportImage, State};

use crate::common::{
    ABROAD, OTHER, OWNER, REGION, World, allow_all, archive, blank_disk, copy, days, hours, root,
    t0,
};
use crate::copy_support::cmk;
use crate::load_support::{broken, load, state_json};
use crate::share_support::{accept, account, create_share};
use crate::vault_support::{archive_days, create_point};

/// The clock of [`world`]: t0 + 14 days + 1 hour.
pub fn clock() -> DateTime<Utc> {
    t0() + days(14) + hours(1)
}

/// A 40 GiB ESSD disk in [`REGION`] made from `source`, with `encryption`.
pub fn disk_of(disk: &str, source: DiskSource, encryption: snapguard::Encryption) -> CreateDisk {
    blank_disk(disk, REGION)
        .source(source)
        .encryption(encryption)
}

/// At t0, [`OWNER`]: user alice (allow all); disk d-1 with s-1 (permanent,
/// tagged `env=prod`), s-2 (60 days, locked 30 days with 24 hours of
/// cooling-off), s-3 (30 days), s-ar and s-sh (permanent); KMS and key k-1
/// in [`REGION`], disk d-k encrypted with it and its snapshots s-k and
/// s-k2; image i-k of s-k and disk d-ik made from it with k-1; images i-1
/// and i-2 of s-1, disk d-i1 made from i-1 and d-s1 from s-1; imported
/// images i-imp and i-imp2, disks d-imp and d-imp2 made from i-imp, and
/// s-imp of d-imp; directory rd-1 with folder fd-1 and member [`OTHER`];
/// the archive vault v-a (30 days) with policy po-a, its point bp-1 (the
/// vault's 30 days) and the on-demand point bp-2 of s-1 (60 days).
/// [`ABROAD`]: disk d-a. At t0 + 1h: c-1, a completed standard copy of
/// s-1 into `OTHER_REGION`, and c-2, one in progress. At t0 + 14 days:
/// s-ar is archived for 100 days from its creation, and rs-1 shares s-sh
/// with [`OTHER`], who accepts. At the clock, t0 + 14 days + 1h: s-late of
/// d-1 (30 days).
pub fn world() -> World {
    let mut w = World::new();
    let owner = root(OWNER);
    w.user(OWNER, "alice", vec![allow_all()]);
    w.disk(OWNER, "d-1");
    let tagged = crate::common::create_snapshot("s-1", "d-1", None).tag("env", "prod");
    w.ok(&owner, tagged);
    w.finish("s-1");
    w.snapshot(OWNER, "d-1", "s-2", Some(60));
    w.lock("s-2", 30, 24);
    w.snapshot(OWNER, "d-1", "s-3", Some(30));
    w.snapshot(OWNER, "d-1", "s-ar", None);
    w.snapshot(OWNER, "d-1", "s-sh", None);
    w.key(OWNER, "k-1", REGION);
    let unencrypted = snapguard::Encryption::Unencrypted;
    w.ok(&owner, disk_of("d-k", DiskSource::Blank, cmk("k-1")));
    w.snapshot(OWNER, "d-k", "s-k", None);
    w.snapshot(OWNER, "d-k", "s-k2", None);
    for (image, snapshot) in [("i-k", "s-k"), ("i-1", "s-1"), ("i-2", "s-1")] {
        let command = CreateImage::new(image, snapshot);
        w.ok(&owner, command);
    }
    let from_image = |image: &str| DiskSource::Image(image.into());
    w.ok(&owner, disk_of("d-ik", from_image("i-k"), cmk("k-1")));
    w.ok(
        &owner,
        disk_of("d-i1", from_image("i-1"), unencrypted.clone()),
    );
    let from_s1 = DiskSource::Snapshot("s-1".into());
    w.ok(&owner, disk_of("d-s1", from_s1, unencrypted.clone()));
    for image in ["i-imp", "i-imp2"] {
        let command = ImportImage::new(image, REGION);
        w.ok(&owner, command);
    }
    for disk in ["d-imp", "d-imp2"] {
        w.ok(
            &owner,
            disk_of(disk, from_image("i-imp"), unencrypted.clone()),
        );
    }
    w.snapshot(OWNER, "d-imp", "s-imp", None);
    w.directory(&[OTHER]);
    w.vault("v-a", archive_days(30));
    w.policy("po-a", "v-a", snapguard::PolicyKind::General, false);
    w.backup("bp-1", "v-a", Some("po-a"), None);
    let point = create_point("bp-2", "v-a", None, Some(60)).snapshot("s-1");
    w.ok(&Actor::Platform, point);
    w.disk(ABROAD, "d-a");
    w.wait(hours(1));
    w.ok(&owner, copy("s-1", "c-1", None));
    w.finish("c-1");
    w.ok(&owner, copy("s-1", "c-2", None));
    w.wait(days(14) - hours(1));
    w.ok(&owner, archive("s-ar", 100));
    w.ok(&owner, create_share("rs-1", &[account(OTHER)], &["s-sh"]));
    w.ok(&root(OTHER), accept("rs-1"));
    w.wait(hours(1));
    w.snapshot(OWNER, "d-1", "s-late", Some(30));
    assert_eq!(w.state.clock(), Some(clock()));
    w
}

/// The JSON of [`world`], which loads.
pub fn base() -> Value {
    state_json(&world().state)
}

/// The JSON of `json` with every string `from` replaced by `to`: renames
/// an object and every reference to it.
pub fn renamed(json: &Value, from: &str, to: &str) -> Value {
    let text = json.to_string();
    let (from, to) = (Value::from(from).to_string(), Value::from(to).to_string());
    serde_json::from_str(&text.replace(&from, &to)).unwrap()
}

/// The JSON of `state` loads back to it.
#[track_caller]
pub fn round_trips(state: &State) {
    let json = state_json(state);
    assert_eq!(broken(&json), []);
    assert_eq!(&load(&json).unwrap(), state);
}
