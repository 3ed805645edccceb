//! The small fixed world of the histories and builders of the commands fed
//! to both models. Test-side helpers only: nothing here decides anything.

use chrono::{DateTime, TimeZone, Utc};

use super::{NaiveLock, SnapView, Status};
use snapguard::{
    Actor, Command, CreateAccount, CreateAutomaticSnapshot, CreateBackupSnapshot, CreateDisk,
    CreateRegion, CreateSnapshot, CreateUser, DeleteSnapshot, DiskCategory, FinishSnapshot,
    LockSnapshot, ReleaseDisk, RetentionRequest, SetSnapshotRetention, Site, SnapshotKind,
    SnapshotOutcome, SnapshotStatus, State, Statement, UnlockSnapshot,
};

pub const A: &str = "1001";
pub const B: &str = "2002";
pub const R1: &str = "cn-hangzhou";
pub const R2: &str = "cn-shanghai";
/// The users each account has; see [`statements`].
pub const USERS: [&str; 5] = ["all", "lock", "deny", "none", "r2"];

/// 2026-01-01T00:00:00Z, when every history starts.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// The other account.
pub fn other(account: &str) -> &'static str {
    if account == A { B } else { A }
}

/// The permission statements of the fixture's user `user` of `account`
/// (PERM-1, PERM-2): everything; only locking its account's snapshots;
/// everything but deleting and unlocking in [`R1`] (explicit Deny); nothing;
/// snapshot actions in [`R2`] only (wildcard and mixed-case action names).
pub fn statements(user: &str, account: &str) -> Vec<Statement> {
    match user {
        "all" => vec![Statement::allow(["*"], ["*"])],
        "lock" => vec![Statement::allow(
            ["ecs:LockSnapshot"],
            [format!("acs:ecs:*:{account}:snapshot/*")],
        )],
        "deny" => vec![
            Statement::allow(["ecs:*"], ["*"]),
            Statement::deny(
                ["ecs:DeleteSnapshot", "ecs:UnlockSnapshot"],
                [format!("acs:ecs:{R1}:*:snapshot/*")],
            ),
        ],
        "r2" => vec![Statement::allow(
            ["ecs:*Snapshot", "ECS:modifysnapshotattribute"],
            [format!("acs:ecs:{R2}:{account}:snapshot/*")],
        )],
        _ => vec![],
    }
}

pub fn new_disk(disk: &str, region: &str) -> Command {
    CreateDisk::new(disk, region, DiskCategory::Essd, 40).into()
}

pub fn release_disk(disk: &str, release_automatic_snapshots: bool) -> Command {
    ReleaseDisk::new(disk)
        .release_automatic_snapshots(release_automatic_snapshots)
        .into()
}

pub fn create(snapshot: &str, disk: &str, retention_days: Option<u32>) -> Command {
    CreateSnapshot::new(snapshot, disk)
        .maybe_retention_days(retention_days)
        .into()
}

pub fn create_auto(snapshot: &str, disk: &str, retention_days: Option<u32>) -> Command {
    CreateAutomaticSnapshot::new(snapshot, disk)
        .maybe_retention_days(retention_days)
        .into()
}

pub fn create_backup(snapshot: &str, account: &str, retention_days: Option<u32>) -> Command {
    CreateBackupSnapshot::new(snapshot, account, R1)
        .maybe_retention_days(retention_days)
        .into()
}

pub fn finish(snapshot: &str, failed: bool) -> Command {
    let outcome = if failed {
        SnapshotOutcome::Failed
    } else {
        SnapshotOutcome::Available { size_gib: 10 }
    };
    FinishSnapshot::new(snapshot, outcome).into()
}

pub fn lock(snapshot: &str, duration_days: u32, cool_off_hours: u32) -> Command {
    LockSnapshot::new(snapshot, duration_days, cool_off_hours).into()
}

pub fn unlock(snapshot: &str) -> Command {
    UnlockSnapshot::new(snapshot).into()
}

pub fn delete(snapshot: &str) -> Command {
    DeleteSnapshot::new(snapshot).into()
}

/// Extends retention to `days` from creation, or makes it permanent.
pub fn retain(snapshot: &str, days: Option<u32>) -> Command {
    SetSnapshotRetention::new(
        snapshot,
        days.map_or(RetentionRequest::Permanent, RetentionRequest::Days),
    )
    .into()
}

/// Seconds since the Unix epoch.
pub fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The regions, accounts and users of every history (disks are made by
/// the driver).
pub fn world_commands() -> Vec<(Actor, Command)> {
    let mut out: Vec<(Actor, Command)> = Vec::new();
    for region in [R1, R2] {
        let command = CreateRegion::new(region);
        out.push((Actor::Platform, command.into()));
    }
    for account in [A, B] {
        let site = Site::China;
        let command = CreateAccount::new(account, site);
        out.push((Actor::Platform, command.into()));
        for user in USERS {
            let statements = statements(user, account);
            let command = CreateUser::new(user).statements(statements);
            out.push((Actor::root(account), command.into()));
        }
    }
    out
}

/// What the comparison reads of the crate's snapshots, through its public
/// accessors, in the model's terms; sorted by id.
pub fn crate_view(state: &State) -> Vec<(String, SnapView)> {
    let mut out: Vec<(String, SnapView)> = state
        .snapshots()
        .map(|s| {
            let status = match s.status {
                SnapshotStatus::InProgress => Status::InProgress,
                SnapshotStatus::Available => Status::Available,
                SnapshotStatus::Failed => Status::Failed,
            };
            let view = SnapView {
                owner: s.owner.to_string(),
                automatic: s.kind == SnapshotKind::Automatic,
                status,
                retention_end: s.retention.end().map(secs),
                lock: s.lock.map(|l| NaiveLock {
                    start: secs(l.start),
                    cool_end: secs(l.cool_off_end),
                    expiry: secs(l.expiry),
                }),
            };
            (s.id.to_string(), view)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The snapshots on which two views differ, one line each.
pub fn view_diff(real: &[(String, SnapView)], naive: &[(String, SnapView)]) -> String {
    let mut diff = String::new();
    for (id, view) in real {
        match naive.iter().find(|(n, _)| n == id) {
            Some((_, n)) if n == view => {}
            Some((_, n)) => diff += &format!("\n  {id}: crate {view:?}\n  {id}: model {n:?}"),
            None => diff += &format!("\n  {id}: only in crate {view:?}"),
        }
    }
    for (id, n) in naive {
        if !real.iter().any(|(r, _)| r == id) {
            diff += &format!("\n  {id}: only in model {n:?}");
        }
    }
    diff
}
