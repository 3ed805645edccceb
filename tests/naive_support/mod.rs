//! A deliberately naive second model of snapshot locks and deletion,
//! written from `RULES.md` alone (GEN, PERM, SNAP, LOCK; DISK-3 as a
//! deletion path). Plain `Vec`s, linear scans, instants as `i64` seconds
//! since the Unix epoch. Nothing here calls into the crate to decide
//! anything: snapguard's public types are only read (commands, actors,
//! permission statements) so that the same command can be fed to both.
//!
//! Order of checks where several rules refuse: `RULES.md` does not fix
//! one, so the model follows the order the crate documents on `Command`:
//! the actor may issue the command (PERM-1) and exists (GEN-4), the named
//! objects exist (GEN-4), new ids are unused (GEN-4), existing objects are
//! the actor's account's (PERM-4), the permission (PERM-1/PERM-2), then
//! the command's own rules. One exception, found by this model and
//! followed: `CreateSnapshot` checks the disk's owner before the new id.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{Actor, Command, Effect, Statement};

pub mod fixture;
mod rules;

pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

/// SNAP-5: retention in days.
pub const MIN_RETENTION_DAYS: i64 = 1;
pub const MAX_RETENTION_DAYS: i64 = 65_536;
/// LOCK-1: lock duration in days and cooling-off in hours.
pub const MIN_LOCK_DAYS: i64 = 1;
pub const MAX_LOCK_DAYS: i64 = 36_500;
pub const MAX_COOL_OFF_HOURS: i64 = 72;

pub type Code = &'static str;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    InProgress,
    Available,
    Failed,
}

/// A lock as LOCK-2 sets it: `[start, cool_end)` is cooling-off,
/// `[cool_end, expiry)` compliance, from `expiry` on expired (LOCK-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaiveLock {
    pub start: i64,
    pub cool_end: i64,
    pub expiry: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    CoolOff,
    Compliance,
    Expired,
}

impl NaiveLock {
    /// LOCK-5, read straight from the text.
    pub fn phase(&self, t: i64) -> Phase {
        if self.start <= t && t < self.cool_end {
            Phase::CoolOff
        } else if self.cool_end <= t && t < self.expiry {
            Phase::Compliance
        } else {
            Phase::Expired
        }
    }

    /// LOCK-10: "locked" means cooling-off or compliance.
    pub fn protects(&self, t: i64) -> bool {
        self.phase(t) != Phase::Expired
    }
}

#[derive(Debug, Clone)]
pub struct NaiveSnapshot {
    pub id: String,
    pub owner: String,
    pub region: String,
    /// The disk it was taken of; `None` for Cloud Backup snapshots.
    pub disk: Option<String>,
    pub automatic: bool,
    pub cloud_backup: bool,
    pub status: Status,
    pub created: i64,
    /// `None` is permanent retention.
    pub retention_end: Option<i64>,
    /// The lock record, current or expired; `None` if never locked or
    /// unlocked.
    pub lock: Option<NaiveLock>,
}

#[derive(Debug, Clone)]
pub struct NaiveDisk {
    pub id: String,
    pub owner: String,
    pub region: String,
}

impl NaiveSnapshot {
    /// A manual snapshot `id` of `disk`, in progress from `now` (SNAP-1).
    pub fn taken_of(disk: NaiveDisk, id: &str, now: i64, retention_end: Option<i64>) -> Self {
        Self {
            id: id.to_owned(),
            owner: disk.owner,
            region: disk.region,
            disk: Some(disk.id),
            automatic: false,
            cloud_backup: false,
            status: Status::InProgress,
            created: now,
            retention_end,
            lock: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NaiveUser {
    pub account: String,
    pub name: String,
    pub statements: Vec<Statement>,
}

/// What the comparison reads of one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapView {
    pub owner: String,
    pub automatic: bool,
    pub status: Status,
    pub retention_end: Option<i64>,
    pub lock: Option<NaiveLock>,
}

#[derive(Debug, Clone, Default)]
pub struct Naive {
    pub now: i64,
    pub regions: Vec<String>,
    pub accounts: Vec<String>,
    pub users: Vec<NaiveUser>,
    pub disks: Vec<NaiveDisk>,
    pub snapshots: Vec<NaiveSnapshot>,
    /// Every snapshot id ever given: ids are never given twice (GEN-4).
    pub used_snapshot_ids: Vec<String>,
    /// Every disk id ever given.
    pub used_disk_ids: Vec<String>,
    /// LOCK-11: automatic snapshots a disk keeps.
    pub auto_limit: usize,
}

/// `*` matches any run of characters (PERM-1); plain recursion.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

fn snapshot_arn(region: &str, account: &str, id: &str) -> String {
    format!("acs:ecs:{region}:{account}:snapshot/{id}")
}

fn disk_arn(region: &str, account: &str, id: &str) -> String {
    format!("acs:ecs:{region}:{account}:disk/{id}")
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

impl Naive {
    pub fn new(auto_limit: usize) -> Self {
        Self {
            auto_limit,
            ..Self::default()
        }
    }

    pub fn snapshot(&self, id: &str) -> Option<&NaiveSnapshot> {
        self.snapshots.iter().find(|s| s.id == id)
    }

    fn snapshot_index(&self, id: &str) -> Result<usize, Code> {
        // GEN-4: unknown ids are refused as not found.
        self.snapshots
            .iter()
            .position(|s| s.id == id)
            .ok_or("GEN-4")
    }

    fn disk_index(&self, id: &str) -> Result<usize, Code> {
        self.disks.iter().position(|d| d.id == id).ok_or("GEN-4")
    }

    /// What the comparison reads: every snapshot still in the state.
    pub fn view(&self) -> Vec<(String, SnapView)> {
        let mut out: Vec<(String, SnapView)> = self
            .snapshots
            .iter()
            .map(|s| {
                let view = SnapView {
                    owner: s.owner.clone(),
                    automatic: s.automatic,
                    status: s.status,
                    retention_end: s.retention_end,
                    lock: s.lock,
                };
                (s.id.clone(), view)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    pub fn disk_ids(&self) -> Vec<String> {
        let mut out: Vec<String> = self.disks.iter().map(|d| d.id.clone()).collect();
        out.sort();
        out
    }

    /// GEN-6 / SNAP-2: what time alone causes by `now`. A snapshot is
    /// released once `now` reaches its retention end (half-open interval:
    /// retained in `[created, end)`). Lock phases are read from `now`
    /// (LOCK-5), so cooling-off end and expiry change nothing stored: an
    /// expired lock record stays, in state `expired` (LOCK-5, LOCK-15).
    /// LOCK-4 keeps every lock expired by its snapshot's retention end.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        let now = secs(now);
        if now > self.now {
            self.now = now;
        }
        let t = self.now;
        self.snapshots
            .retain(|s| !matches!(s.retention_end, Some(end) if end <= t));
    }

    /// Applies one command at `now`; a refusal names its rule and leaves
    /// the model as time alone left it (GEN-3).
    pub fn step(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: &Command,
    ) -> Result<(), Code> {
        // GEN-2 is deliberately not modelled: the generator never goes back.
        self.tick(now);
        let before = self.clone();
        let result = self.dispatch(actor, command);
        if result.is_err() {
            *self = before;
        }
        result
    }

    /// The account a customer acts for: PERM-1 refuses system actors on
    /// customer commands; GEN-4 an unknown user.
    fn customer(&self, actor: &Actor) -> Result<String, Code> {
        match actor {
            Actor::Root { account } => {
                if self.accounts.iter().any(|a| a == account.as_str()) {
                    Ok(account.to_string())
                } else {
                    Err("GEN-4")
                }
            }
            Actor::User { account, user } => {
                if self
                    .users
                    .iter()
                    .any(|u| u.account == account.as_str() && u.name == user.as_str())
                {
                    Ok(account.to_string())
                } else {
                    Err("GEN-4")
                }
            }
            _ => Err("PERM-1"),
        }
    }

    fn platform(actor: &Actor) -> Result<(), Code> {
        match actor {
            Actor::Platform => Ok(()),
            _ => Err("PERM-1"),
        }
    }

    /// PERM-1: root may do everything; a user needs a matching Allow and
    /// no matching Deny. PERM-2 names the lock actions' refusals.
    fn authorize(&self, actor: &Actor, action: &str, resource: &str) -> Result<(), Code> {
        let code = if action == "ecs:LockSnapshot" || action == "ecs:UnlockSnapshot" {
            "PERM-2"
        } else {
            "PERM-1"
        };
        let Actor::User { account, user } = actor else {
            return Ok(());
        };
        let Some(u) = self
            .users
            .iter()
            .find(|u| u.account == account.as_str() && u.name == user.as_str())
        else {
            return Err("GEN-4");
        };
        let mut allowed = false;
        let mut denied = false;
        for s in &u.statements {
            // Action names match regardless of ASCII case, as RAM's do
            // (RULES.md is silent; the crate documents it on `Statement`).
            let action_hit = s.actions.iter().any(|p| {
                glob(
                    p.to_ascii_lowercase().as_bytes(),
                    action.to_ascii_lowercase().as_bytes(),
                )
            });
            let resource_hit = s
                .resources
                .iter()
                .any(|p| glob(p.as_bytes(), resource.as_bytes()));
            if action_hit && resource_hit {
                match s.effect {
                    Effect::Allow => allowed = true,
                    Effect::Deny => denied = true,
                }
            }
        }
        if allowed && !denied {
            Ok(())
        } else {
            Err(code)
        }
    }

    /// SNAP-5: a retention in days, counted from `from`.
    fn retention(days: Option<u32>, from: i64) -> Result<Option<i64>, Code> {
        match days {
            None => Ok(None),
            Some(d) => {
                let d = i64::from(d);
                if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&d) {
                    Ok(Some(from + d * DAY))
                } else {
                    Err("SNAP-5")
                }
            }
        }
    }

    fn fresh_snapshot_id(&self, id: &str) -> Result<(), Code> {
        // GEN-4: reusing an id is refused, even a deleted one's.
        if self.used_snapshot_ids.iter().any(|u| u == id) {
            Err("GEN-4")
        } else {
            Ok(())
        }
    }

    fn add_snapshot(&mut self, s: NaiveSnapshot) {
        self.used_snapshot_ids.push(s.id.clone());
        self.snapshots.push(s);
    }
}
