//! A focused generator over a small world, and the simulation that runs
//! it, records the lineage of every accepted step and checks the
//! properties after each.
//!
//! The world: regions `cn-hangzhou` and `cn-shanghai`; accounts 1001 and
//! 2001 (China site), both with KMS activated and a customer master key in
//! each region (`k-1`, `k-2` of 1001; `k-3`, `k-4` of 2001); 1001's
//! share-encrypted-snapshot role trusting 2001; 1001's user `alice`,
//! allowed everything but denied everything on 1001's snapshot `s-secret`;
//! 1001's imported image `img-i`, its disk `d-i` built from it and the
//! snapshot `s-i` of that disk; 1001's unencrypted disk `d-0` with the
//! snapshot `s-secret`, its disk `d-e` encrypted with `k-1` with the
//! snapshot `s-e`, and 2001's blank disk `d-x`. Every snapshot is
//! permanent, so nothing expires.
//!
//! Each step, a minute after the last, is one of: a disk (blank, from a
//! snapshot or from an image, in the source's region or not, unencrypted,
//! with the service key or a customer key), a snapshot of a disk (mostly
//! completed at once), the completion of a snapshot or copy in progress,
//! a custom image, a copy (standard or encrypted, same or other region, by
//! the owner or the other account), a share (a new one naming the other
//! account or nobody, a snapshot added to one, a principal named for
//! one), an acceptance, a roll-back. 1001 acts as its root or as `alice`;
//! when `alice` acts, the denied snapshot is often the one she names.
//!
//! The simulation is split by concept: `world.rs` (the world and its
//! set-up), `ops.rs` (the step generator), `choose.rs` and `resolve.rs`
//! (resolving a step against the state reached), `lineage.rs`,
//! `denied.rs` and `stats.rs` (what each step made, read and reached) and
//! `checks.rs` (the properties checked after each step).

mod checks;
mod choose;
mod denied;
mod lineage;
mod ops;
mod resolve;
mod stats;
mod world;

use chrono::{DateTime, TimeDelta, Utc};
use snapguard::{Actor, Command, Event, State, Violation};

use crate::model::{Model, Node};
use denied::Attempt;
use ops::Pick;
use world::{finish, snapshot_of};

pub use checks::Checks;
pub use ops::{Op, ops};
pub use stats::Stats;
pub use world::{DENIED, HZ, OTHER, OWNER, alice};

pub struct Sim {
    pub state: State,
    pub now: DateTime<Utc>,
    pub model: Model,
    pub stats: Stats,
    checks: Checks,
    fresh: u32,
    /// The nodes in the order they were made.
    order: Vec<Node>,
}

impl Sim {
    /// Runs the ops, checking after each; the first property broken.
    pub fn run(&mut self, ops: &[Op]) -> Result<(), String> {
        self.check()?;
        for op in ops {
            self.step(op)?;
        }
        Ok(())
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}-{}", self.fresh)
    }

    fn step(&mut self, op: &Op) -> Result<(), String> {
        self.now += TimeDelta::minutes(1);
        let mut p = Pick {
            bytes: &op.choices,
            next: 0,
        };
        let weights = [6, 5, 2, 3, 4, 5, 2, 1];
        let total: usize = weights.iter().sum();
        let mut draw = usize::from(op.kind) * total / 256;
        let mut kind = 0;
        for (index, weight) in weights.iter().enumerate() {
            if draw < *weight {
                kind = index;
                break;
            }
            draw -= weight;
        }
        let built = match kind {
            0 => self.create_disk(&mut p),
            1 => self.create_snapshot(&mut p),
            2 => self.finish_pending(&mut p),
            3 => self.create_image(&mut p),
            4 => self.copy(&mut p),
            5 => self.share(&mut p),
            6 => self.accept(&mut p),
            _ => self.reset(&mut p),
        };
        let Some(built) = built else {
            return self.check();
        };
        let (disk, mut made) = match &built.command {
            Command::CreateDisk(c) => (Some(c.disk.as_str().to_owned()), None),
            Command::CreateSnapshot(c) => (None, Some(c.snapshot.as_str().to_owned())),
            Command::CopySnapshot(c) => (None, Some(c.snapshot.as_str().to_owned())),
            _ => (None, None),
        };
        let accepted = self.exec(&built.actor, built.command).is_ok();
        self.check()?;
        if !(accepted && built.finish) {
            return Ok(());
        }
        if let Some(disk) = disk {
            // A snapshot of the new disk, by the same actor.
            let snapshot = self.fresh("s");
            if self
                .exec(&built.actor, snapshot_of(&snapshot, &disk))
                .is_err()
            {
                return Ok(());
            }
            self.check()?;
            made = Some(snapshot);
        }
        if let Some(made) = made {
            self.exec(&Actor::Platform, finish(&made))
                .map_err(|v| format!("completing {made} refused: {v}"))?;
        }
        self.check()
    }

    /// [`Sim::exec`], for the tests that build a state step by step.
    pub fn exec_for_test(
        &mut self,
        actor: &Actor,
        command: Command,
    ) -> Result<Vec<Event>, Violation> {
        self.exec(actor, command)
    }

    /// Applies a command, records the lineage of what it made if accepted,
    /// and counts what it reached.
    fn exec(&mut self, actor: &Actor, command: Command) -> Result<Vec<Event>, Violation> {
        let attempt = self.reads_denied(actor, &command);
        let before = self.state.clone();
        let result = self.state.apply_mut(self.now, actor, &command);
        match &result {
            Ok(events) => {
                self.record(actor, &command);
                let exposed = *actor == alice() && Self::exposed(&before, events);
                let read = matches!(
                    attempt,
                    Some(Attempt::Disk | Attempt::Image | Attempt::Copy | Attempt::RollBack)
                );
                let step = format!("{command:?} with {events:?}");
                if exposed {
                    self.model.exposed_by_user.push(step.clone());
                }
                if exposed || read {
                    self.model.read_by_user.push(step);
                }
            }
            Err(violation) => {
                if let Some(attempt) = attempt {
                    self.stats.saw(attempt.refused());
                }
                self.count_refusal(violation);
            }
        }
        result
    }
}
