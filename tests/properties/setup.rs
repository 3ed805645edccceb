//! The fixed setup every history starts from: id pools, limits, user
//! policies and the setup commands.

use std::collections::BTreeMap;

use crate::common::{ABROAD, OTHER, OTHER_REGION, OWNER, REGION, blank_disk, finish};
use snapguard::{
    Actor, Command, CreateAccount, CreateRegion, CreateSnapshot, CreateUser, Limits, Site,
    Statement,
};

pub(crate) const SNAPSHOTS: [&str; 12] = [
    "s-0", "s-1", "s-2", "s-3", "s-4", "s-5", "s-6", "s-7", "s-8", "s-9", "s-10", "s-11",
];
/// `d-0` to `d-3` exist after the setup, `d-4` and `d-5` only if created;
/// new disks mostly get fresh ids (`d-6`, ...), as ids are never given
/// twice (GEN-4).
pub(crate) const DISKS: [&str; 6] = ["d-0", "d-1", "d-2", "d-3", "d-4", "d-5"];
pub(crate) const IMAGES: [&str; 4] = ["i-0", "i-1", "i-2", "i-3"];
/// `4004` exists only once a `CreateAccount` step registers it.
pub(crate) const ACCOUNTS: [&str; 4] = [OWNER, OTHER, ABROAD, "4004"];
/// `cn-beijing` exists only once a `CreateRegion` step registers it.
pub(crate) const REGIONS: [&str; 3] = [REGION, OTHER_REGION, "cn-beijing"];
/// Users of [`OWNER`]: `alice` exists, `carol` may be created, `mallory`
/// never is.
pub(crate) const USERS: [&str; 3] = ["alice", "carol", "mallory"];
/// Not a well-formed id (GEN-5).
pub(crate) const MALFORMED: &str = "s:bad/1";
/// Small, so that rotation (LOCK-11) happens within a history, and that
/// histories sometimes find every automatic snapshot of a disk locked.
pub(crate) const AUTO_LIMIT: u32 = 4;
/// Short, so that LOCK-12 releases happen within a history.
pub(crate) const OVERDUE_DAYS: u32 = 3;

pub(crate) fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.auto_snapshots_per_disk = AUTO_LIMIT;
    limits.overdue_release_days = OVERDUE_DAYS;
    limits.archive_min_age_days = 2;
    limits.min_archive_retention_days = 10;
    limits.archive_min_storage_days = 5;
    limits
}

/// The permission statements a user may be given.
pub(crate) fn policy(index: u8) -> Vec<Statement> {
    match index % 3 {
        0 => vec![
            Statement::allow(["ecs:*"], [format!("acs:ecs:*:{OWNER}:*")]),
            Statement::deny(
                ["ecs:UnlockSnapshot", "ecs:DeleteSnapshot"],
                [format!("acs:ecs:*:{OWNER}:snapshot/s-1*")],
            ),
        ],
        1 => vec![Statement::allow(
            [
                "ecs:CreateSnapshot",
                "ecs:LockSnapshot",
                "ecs:DescribeLockedSnapshots",
            ],
            [format!("acs:ecs:{REGION}:{OWNER}:snapshot/*")],
        )],
        _ => Vec::new(),
    }
}

/// The commands of the fixed setup, all at [`t0`].
pub(crate) fn setup_commands() -> Vec<(Actor, Command)> {
    let platform = Actor::Platform;
    let mut commands: Vec<(Actor, Command)> = vec![
        (
            platform.clone(),
            CreateRegion {
                region: REGION.into(),
            }
            .into(),
        ),
        (
            platform.clone(),
            CreateRegion {
                region: OTHER_REGION.into(),
            }
            .into(),
        ),
    ];
    for (account, site) in [
        (OWNER, Site::China),
        (OTHER, Site::China),
        (ABROAD, Site::International),
    ] {
        commands.push((
            platform.clone(),
            CreateAccount {
                account: account.into(),
                site,
            }
            .into(),
        ));
    }
    commands.push((
        Actor::root(OWNER),
        CreateUser {
            user: "alice".into(),
            statements: policy(0),
        }
        .into(),
    ));
    commands.push((Actor::root(OWNER), blank_disk("d-0", REGION).into()));
    commands.push((Actor::root(OWNER), blank_disk("d-1", OTHER_REGION).into()));
    commands.push((Actor::root(OTHER), blank_disk("d-2", REGION).into()));
    commands.push((Actor::root(ABROAD), blank_disk("d-3", OTHER_REGION).into()));
    commands.push((
        Actor::root(OWNER),
        CreateSnapshot {
            snapshot: "s-0".into(),
            disk: "d-0".into(),
            retention_days: None,
            tags: BTreeMap::from([("env".to_owned(), "prod".to_owned())]),
        }
        .into(),
    ));
    commands.push((platform, finish("s-0").into()));
    commands
}
