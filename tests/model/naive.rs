//! A naive second model of the lock and deletion rules, run side by side
//! with the crate on generated histories.
//!
//! The model (`naive_support`) is written from `RULES.md` alone with plain
//! `Vec`s and linear scans; it shares no code with `src/` and asks the
//! crate nothing. Both receive the same commands at the same instants and
//! must agree, after every step, on acceptance, on the rule id of a
//! refusal, and on the visible state: which snapshots exist, with owner,
//! kind, status, retention end and lock record (start, cooling-off end,
//! expiry), whether each is locked now, and which disks exist.
//!
//! Covered: GEN-4 (unknown and reused ids), PERM-1/PERM-2 (root, users
//! with Allow/Deny/wildcard statements, unknown users, system actors),
//! PERM-3, PERM-4 (another account), SNAP-1 (completing), SNAP-2 (release
//! at retention end), SNAP-3 and SNAP-5 (retention), SNAP-4 (deleting,
//! cancelling in progress), LOCK-1 to LOCK-10 (incl. Cloud Backup
//! snapshots for LOCK-3), LOCK-11 (rotation, with a per-disk limit of 2),
//! DISK-3 (releasing a disk with its automatic snapshots). Time moves in
//! small and large steps and lands on cooling-off ends, expiries and
//! retention ends exactly and one second either side.
//!
//! Deliberately left out: GEN-2 (time never goes back here), GEN-5
//! (instants beyond chrono's range), the `Violation` details other than
//! the rule id (`retry_at`, objects), events, sharing (SHARE), copies
//! (COPY), archiving (ARCH), images (IMAGE-2), overdue release (LOCK-12),
//! vaults, and lock descriptions (LOCK-15).

use crate::naive_support;

use chrono::{DateTime, TimeZone, Utc};
use naive_support::fixture::*;
use naive_support::{Naive, NaiveSnapshot, Status};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use snapguard::{Actor, Command, Limits, State};

/// LOCK-11 per-disk automatic snapshot limit, small so rotation happens.
const AUTO_LIMIT: u32 = 2;

// ---------------------------------------------------------------- generator

#[derive(Debug, Clone, Copy)]
enum Who {
    OwnerRoot,
    OtherRoot,
    OwnerUser(u8),
    OtherUser(u8),
    Platform,
    Ghost,
}

/// Which snapshots a command is most interesting for.
#[derive(Debug, Clone, Copy)]
enum Prefer {
    Any,
    InProgress,
    Available,
    AvailableAutomatic,
    Locked,
}

#[derive(Debug, Clone, Copy)]
enum Mark {
    CoolEnd,
    Expiry,
    RetentionEnd,
}

/// One step of a history. Selectors (`disk`, `snap`, `reuse`) are resolved
/// against the model when the step runs: mostly existing objects, some
/// released, deleted or unknown ones.
#[derive(Debug, Clone)]
#[rustfmt::skip]
enum Op {
    Create { disk: u8, retention: Option<u32>, who: Who, reuse: Option<u8> },
    CreateAuto { disk: u8, retention: Option<u32>, platform: bool },
    CreateBackup { account_b: bool, retention: Option<u32> },
    Finish { snap: u8, failed: bool, platform: bool },
    /// `fit`: instead of `days`, the whole days left of the retention plus
    /// `fit` (LOCK-4 boundary).
    Lock { snap: u8, days: u32, hours: u32, fit: Option<i8>, who: Who },
    Unlock { snap: u8, who: Who },
    Delete { snap: u8, who: Who },
    Retain { snap: u8, days: Option<u32>, who: Who },
    ReleaseDisk { disk: u8, autos: bool, who: Who },
    NewDisk { account_b: bool, region_2: bool },
    /// The previous command again, by the same actor (no-ops, GEN-4).
    Again,
    Wait(i64),
    /// To a snapshot's cooling-off end, expiry or retention end + `delta` s.
    WaitFor { snap: u8, mark: Mark, delta: i64 },
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        12 => Just(Who::OwnerRoot),
        2 => Just(Who::OtherRoot),
        5 => (0u8..5).prop_map(Who::OwnerUser),
        1 => (0u8..5).prop_map(Who::OtherUser),
        1 => Just(Who::Platform),
        1 => Just(Who::Ghost),
    ]
}

fn retention_days() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        4 => Just(None),
        5 => (1u32..=20).prop_map(Some),
        1 => (21u32..=400).prop_map(Some),
        1 => prop_oneof![Just(0u32), Just(65_536), Just(65_537), Just(u32::MAX)].prop_map(Some),
    ]
}

fn lock_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => 1u32..=10,
        2 => 11u32..=400,
        1 => prop_oneof![Just(0u32), Just(36_500), Just(36_501), Just(u32::MAX)],
    ]
}

fn cool_hours() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => Just(0u32),
        3 => 1u32..=72,
        2 => prop_oneof![Just(24u32), Just(48), Just(72)],
        1 => prop_oneof![Just(73u32), Just(u32::MAX)],
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let snap = any::<u8>();
    prop_oneof![
        14 => (any::<u8>(), retention_days(), who(), prop::option::weighted(0.05, any::<u8>()))
            .prop_map(|(disk, retention, who, reuse)| Op::Create { disk, retention, who, reuse }),
        4 => (any::<u8>(), retention_days(), prop::bool::weighted(0.95))
            .prop_map(|(disk, retention, platform)| Op::CreateAuto { disk, retention, platform }),
        1 => (any::<bool>(), retention_days())
            .prop_map(|(account_b, retention)| Op::CreateBackup { account_b, retention }),
        10 => (snap, prop::bool::weighted(0.1), prop::bool::weighted(0.95))
            .prop_map(|(snap, failed, platform)| Op::Finish { snap, failed, platform }),
        18 => (snap, lock_days(), cool_hours(), prop::option::weighted(0.15, -1i8..=1), who())
            .prop_map(|(snap, days, hours, fit, who)| Op::Lock { snap, days, hours, fit, who }),
        3 => Just(Op::Again),
        7 => (snap, who()).prop_map(|(snap, who)| Op::Unlock { snap, who }),
        6 => (snap, who()).prop_map(|(snap, who)| Op::Delete { snap, who }),
        4 => (snap, prop::option::weighted(0.8, prop_oneof![5 => 1u32..=60, 1 => Just(65_537u32), 1 => Just(0u32)]), who())
            .prop_map(|(snap, days, who)| Op::Retain { snap, days, who }),
        1 => (any::<u8>(), any::<bool>(), who())
            .prop_map(|(disk, autos, who)| Op::ReleaseDisk { disk, autos, who }),
        1 => (any::<bool>(), any::<bool>())
            .prop_map(|(account_b, region_2)| Op::NewDisk { account_b, region_2 }),
        5 => prop_oneof![
            3 => 1i64..=3_600,
            3 => 3_600i64..=72 * 3_600,
            1 => 86_400i64..=20 * 86_400,
        ].prop_map(Op::Wait),
        10 => (snap, prop_oneof![Just(Mark::CoolEnd), Just(Mark::Expiry), Just(Mark::RetentionEnd)], -1i64..=1)
            .prop_map(|(snap, mark, delta)| Op::WaitFor { snap, mark, delta }),
    ]
}

// ---------------------------------------------------------------- driver

struct Run {
    state: State,
    model: Naive,
    now: DateTime<Utc>,
    log: Vec<String>,
    next_snapshot: u32,
    next_disk: u32,
    /// Owner of every disk ever created (the model forgets released ones).
    disk_owner: std::collections::BTreeMap<String, String>,
    /// The previous command of the history, for [`Op::Again`].
    last: Option<(Actor, Command)>,
}

impl Run {
    fn new() -> Self {
        let mut limits = Limits::default();
        limits.auto_snapshots_per_disk = AUTO_LIMIT;
        Self {
            state: State::with_limits(limits).unwrap(),
            model: Naive::new(AUTO_LIMIT as usize),
            now: t0(),
            log: Vec::new(),
            next_snapshot: 0,
            next_disk: 0,
            disk_owner: Default::default(),
            last: None,
        }
    }

    fn fail(&self, what: String) -> TestCaseError {
        TestCaseError::fail(format!(
            "{what}\nhistory ({} steps):\n  {}",
            self.log.len(),
            self.log.join("\n  ")
        ))
    }

    fn stamp(&self) -> String {
        format!("t0+{}s", secs(self.now) - secs(t0()))
    }

    /// Feeds one command to both and compares outcome and state.
    fn exec(&mut self, actor: Actor, command: Command) -> Result<(), TestCaseError> {
        let real = self.state.apply(self.now, &actor, &command);
        let naive = self.model.step(self.now, &actor, &command);
        let real_code = real.as_ref().err().map(|v| v.rule().code());
        self.log.push(format!(
            "{} {actor}: {command:?} => {}",
            self.stamp(),
            real_code.unwrap_or("ok")
        ));
        match (real, naive) {
            (Ok(transition), Ok(())) => self.state = transition.state,
            (Err(v), Err(code)) if v.rule().code() == code => {}
            (Err(v), naive) => {
                return Err(self.fail(format!(
                    "crate refused ({}: {v}), model says {naive:?}",
                    v.rule().code()
                )));
            }
            (Ok(transition), Err(code)) => {
                return Err(self.fail(format!(
                    "crate accepted ({:?}), model refused by {code}",
                    transition.events
                )));
            }
        }
        self.compare()
    }

    /// Moves time to `now` in both and compares.
    fn wait_until(&mut self, now: DateTime<Utc>) -> Result<(), TestCaseError> {
        self.now = now.max(self.now);
        self.log.push(format!("{} advance", self.stamp()));
        match self.state.advance(self.now) {
            Ok(transition) => self.state = transition.state,
            Err(v) => return Err(self.fail(format!("advance refused: {v}"))),
        }
        self.model.tick(self.now);
        self.compare()
    }

    /// The visible state of both at `now`: the crate's caught up with time
    /// on a copy (a refused command records nothing, not even time).
    fn compare(&self) -> Result<(), TestCaseError> {
        let caught_up = match self.state.advance(self.now) {
            Ok(transition) => transition.state,
            Err(v) => return Err(self.fail(format!("advance refused: {v}"))),
        };
        let real = crate_view(&caught_up);
        let naive = self.model.view();
        if real != naive {
            let diff = view_diff(&real, &naive);
            return Err(self.fail(format!("snapshots differ at {}:{diff}", self.stamp())));
        }
        let now = secs(self.now);
        for (id, n) in &naive {
            let locked = caught_up
                .snapshot(&id.as_str().into())
                .is_some_and(|s| s.is_locked_at(self.now));
            let expected = n.lock.is_some_and(|l| l.protects(now));
            if locked != expected {
                return Err(self.fail(format!("{id}: crate locked {locked}, model {expected}")));
            }
        }
        let real_disks: Vec<String> = self
            .disk_owner
            .keys()
            .filter(|d| caught_up.disk(&d.as_str().into()).is_some())
            .cloned()
            .collect();
        if real_disks != self.model.disk_ids() {
            return Err(self.fail(format!(
                "disks differ: crate {real_disks:?}, model {:?}",
                self.model.disk_ids()
            )));
        }
        Ok(())
    }

    fn setup(&mut self) -> Result<(), TestCaseError> {
        for (actor, command) in world_commands() {
            self.exec(actor, command)?;
        }
        self.new_disk(A, R1)?;
        self.new_disk(A, R2)?;
        self.new_disk(B, R1)
    }

    fn new_disk(&mut self, account: &str, region: &str) -> Result<(), TestCaseError> {
        let disk = format!("d-{}", self.next_disk);
        self.next_disk += 1;
        self.disk_owner.insert(disk.clone(), account.to_string());
        self.exec(Actor::root(account), new_disk(&disk, region))
    }

    fn actor(&self, who: Who, owner: &str) -> Actor {
        match who {
            Who::OwnerRoot => Actor::root(owner),
            Who::OtherRoot => Actor::root(other(owner)),
            Who::OwnerUser(k) => Actor::user(owner, USERS[usize::from(k) % USERS.len()]),
            Who::OtherUser(k) => Actor::user(other(owner), USERS[usize::from(k) % USERS.len()]),
            Who::Platform => Actor::Platform,
            Who::Ghost => Actor::user(owner, "ghost"),
        }
    }

    /// A snapshot id: mostly an existing one, half the time one the
    /// command is interesting for, sometimes a deleted or an unknown one
    /// (GEN-4).
    fn pick_snapshot(&self, sel: u8, prefer: Prefer) -> (String, String) {
        let existing: Vec<&NaiveSnapshot> = self.model.snapshots.iter().collect();
        let preferred: Vec<&NaiveSnapshot> = existing
            .iter()
            .copied()
            .filter(|s| match prefer {
                Prefer::Any => true,
                Prefer::InProgress => s.status == Status::InProgress,
                Prefer::Available => s.status == Status::Available,
                // Automatic ones, so that every one of a disk gets locked
                // and rotation is refused (LOCK-11).
                Prefer::AvailableAutomatic => s.status == Status::Available && s.automatic,
                Prefer::Locked => s.lock.is_some(),
            })
            .collect();
        let sel = usize::from(sel);
        let id = if sel >= 244 {
            let used = &self.model.used_snapshot_ids;
            if sel % 2 == 0 || used.is_empty() {
                "s-unknown".to_string()
            } else {
                used[sel % used.len()].clone()
            }
        } else if sel < 128 && !preferred.is_empty() {
            preferred[sel % preferred.len()].id.clone()
        } else if existing.is_empty() {
            "s-unknown".to_string()
        } else {
            existing[sel % existing.len()].id.clone()
        };
        let owner = self
            .model
            .snapshot(&id)
            .map_or(A, |s| s.owner.as_str())
            .to_string();
        (id, owner)
    }

    /// A disk id: any disk ever created (released ones too), or unknown.
    fn pick_disk(&self, sel: u8) -> (String, String) {
        if sel >= 250 {
            return ("d-unknown".to_string(), A.to_string());
        }
        let disks: Vec<(&String, &String)> = self.disk_owner.iter().collect();
        let (id, owner) = disks[usize::from(sel) % disks.len()];
        (id.clone(), owner.clone())
    }

    fn fresh_snapshot(&mut self) -> String {
        self.next_snapshot += 1;
        format!("s-{}", self.next_snapshot)
    }

    fn run(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let (actor, command) = match *op {
            Op::Create {
                disk,
                retention,
                who,
                reuse,
            } => {
                let (disk, owner) = self.pick_disk(disk);
                let used = &self.model.used_snapshot_ids;
                let id = match reuse {
                    Some(k) if !used.is_empty() => used[usize::from(k) % used.len()].clone(),
                    _ => self.fresh_snapshot(),
                };
                (self.actor(who, &owner), create(&id, &disk, retention))
            }
            Op::CreateAuto {
                disk,
                retention,
                platform,
            } => {
                // Mostly the first disk, so that rotation (LOCK-11) happens.
                let (disk, owner) = self.pick_disk(if disk < 160 { 0 } else { disk });
                let actor = if platform {
                    Actor::Platform
                } else {
                    Actor::root(owner)
                };
                (actor, create_auto(&self.fresh_snapshot(), &disk, retention))
            }
            Op::CreateBackup {
                account_b,
                retention,
            } => {
                let account = if account_b { B } else { A };
                let command = create_backup(&self.fresh_snapshot(), account, retention);
                (Actor::Platform, command)
            }
            Op::Finish {
                snap,
                failed,
                platform,
            } => {
                let (id, owner) = self.pick_snapshot(snap, Prefer::InProgress);
                let actor = if platform {
                    Actor::Platform
                } else {
                    Actor::root(owner)
                };
                (actor, finish(&id, failed))
            }
            Op::Lock {
                snap,
                days,
                hours,
                fit,
                who,
            } => {
                let prefer = if snap % 2 == 0 {
                    Prefer::AvailableAutomatic
                } else {
                    Prefer::Available
                };
                let (id, owner) = self.pick_snapshot(snap, prefer);
                let end = self.model.snapshot(&id).and_then(|s| s.retention_end);
                let days = match (fit, end) {
                    (Some(fit), Some(end)) => {
                        let left = (end - secs(self.now)) / 86_400 + i64::from(fit);
                        u32::try_from(left.max(0)).unwrap()
                    }
                    _ => days,
                };
                (self.actor(who, &owner), lock(&id, days, hours))
            }
            Op::Again => match self.last.clone() {
                Some(last) => last,
                None => return Ok(()),
            },
            Op::Unlock { snap, who } => {
                let (id, owner) = self.pick_snapshot(snap, Prefer::Locked);
                (self.actor(who, &owner), unlock(&id))
            }
            Op::Delete { snap, who } => {
                let (id, owner) = self.pick_snapshot(snap, Prefer::Locked);
                (self.actor(who, &owner), delete(&id))
            }
            Op::Retain { snap, days, who } => {
                let (id, owner) = self.pick_snapshot(snap, Prefer::Locked);
                (self.actor(who, &owner), retain(&id, days))
            }
            Op::ReleaseDisk { disk, autos, who } => {
                let (disk, owner) = self.pick_disk(disk);
                (self.actor(who, &owner), release_disk(&disk, autos))
            }
            Op::NewDisk {
                account_b,
                region_2,
            } => {
                let account = if account_b { B } else { A };
                return self.new_disk(account, if region_2 { R2 } else { R1 });
            }
            Op::Wait(seconds) => {
                return self.wait_until(self.now + chrono::TimeDelta::seconds(seconds));
            }
            Op::WaitFor { snap, mark, delta } => {
                // Instants derived from the model: cooling-off end, expiry,
                // retention end, exactly or one second either side.
                let prefer = match mark {
                    Mark::RetentionEnd => Prefer::Any,
                    Mark::CoolEnd | Mark::Expiry => Prefer::Locked,
                };
                let (id, _) = self.pick_snapshot(snap, prefer);
                let target = self.model.snapshot(&id).and_then(|s| match mark {
                    Mark::CoolEnd => s.lock.map(|l| l.cool_end),
                    Mark::Expiry => s.lock.map(|l| l.expiry),
                    Mark::RetentionEnd => s.retention_end,
                });
                let now = target.map_or(self.now, |t| Utc.timestamp_opt(t + delta, 0).unwrap());
                return self.wait_until(now);
            }
        };
        self.last = Some((actor.clone(), command.clone()));
        self.exec(actor, command)
    }
}

fn history(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut run = Run::new();
    run.setup()?;
    for op in ops {
        run.run(op)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn naive_model_agrees_on_lock_and_deletion_histories(
        ops in prop::collection::vec(op(), 100..=130)
    ) {
        history(&ops)?;
    }
}
