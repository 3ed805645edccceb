//! Property-testing your own implementation against snapguard.
//!
//! Run with `cargo run --example testing --features testing`.
//!
//! The implementation under test here is a toy snapshot store, the kind of
//! emulator a team writes for its integration tests. It comes in two
//! versions: one that enforces compliance locks, and one that stores lock
//! settings but never enforces them, the bug that lets a compliance-locked
//! snapshot be destroyed while every test stays green. The property: every
//! deletion snapguard refuses because of a lock (LOCK-10), the toy refuses
//! too. A real test would compare every step; this one shows the method on
//! the one rule the toy models. Proptest generates histories with `snapguard::testing::histories`,
//! runs them through both, and for the faulty toy shrinks the failure to a
//! few steps.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use snapguard::oracle::Outcome;
use snapguard::testing::{self, History, HistoryConfig, Step};
use snapguard::{Command, RuleId, SnapshotId};

/// A lock as the toy stores it.
#[derive(Debug, Clone, Copy)]
struct ToyLock {
    expiry: DateTime<Utc>,
}

/// The toy store: the snapshots it holds and their locks. Like many
/// emulators it sits behind an API that validates requests, so it is told
/// the snapshots, locks and unlocks the control plane accepted, and decides
/// deletions itself: the path under test.
#[derive(Debug, Default)]
struct Toy {
    /// Whether it enforces locks (the faulty version does not).
    enforces_locks: bool,
    snapshots: BTreeMap<SnapshotId, Option<ToyLock>>,
}

impl Toy {
    fn new(enforces_locks: bool) -> Self {
        Self {
            enforces_locks,
            ..Self::default()
        }
    }

    /// Records a command the control plane accepted at `at`.
    fn record(&mut self, at: DateTime<Utc>, command: &Command) {
        match command {
            Command::CreateSnapshot(c) => {
                self.snapshots.insert(c.snapshot.clone(), None);
            }
            Command::CreateAutomaticSnapshot(c) => {
                self.snapshots.insert(c.snapshot.clone(), None);
            }
            Command::LockSnapshot(c) => {
                let days = TimeDelta::try_days(c.duration_days.into());
                let expiry = days.and_then(|days| at.checked_add_signed(days));
                if let (Some(slot), Some(expiry)) = (self.snapshots.get_mut(&c.snapshot), expiry) {
                    *slot = Some(ToyLock { expiry });
                }
            }
            Command::UnlockSnapshot(c) => {
                if let Some(slot) = self.snapshots.get_mut(&c.snapshot) {
                    *slot = None;
                }
            }
            _ => {}
        }
    }

    /// Whether the toy deletes `snapshot` at `at`.
    fn deletes(&mut self, at: DateTime<Utc>, snapshot: &SnapshotId) -> bool {
        let locked = matches!(self.snapshots.get(snapshot), Some(Some(lock)) if at < lock.expiry);
        if self.enforces_locks && locked {
            return false;
        }
        self.snapshots.remove(snapshot).is_some()
    }
}

/// Runs `history` through snapguard and the toy: an error names the first
/// step where the toy deletes what snapguard's lock protects.
fn check(history: &History, enforces_locks: bool) -> Result<(), TestCaseError> {
    let (_, outcomes) = history.replay()?;
    let mut toy = Toy::new(enforces_locks);
    for (n, (step, outcome)) in history.steps.iter().zip(&outcomes).enumerate() {
        let Step::Apply { at, command, .. } = step else {
            continue;
        };
        if let Command::DeleteSnapshot(c) = command {
            if toy.deletes(*at, &c.snapshot) && *outcome == Outcome::Refused(RuleId::Lock10) {
                return Err(TestCaseError::fail(format!(
                    "step {n}: the toy deleted a snapshot snapguard's lock protects (LOCK-10): {}",
                    serde_json::to_string(step).unwrap_or_default()
                )));
            }
        } else if matches!(outcome, Outcome::Accepted(_)) {
            toy.record(*at, command);
        }
    }
    Ok(())
}

/// Property-tests one version of the toy; whether it held.
fn property_test(enforces_locks: bool) -> bool {
    let config = HistoryConfig::default().with_hostile_percent(0);
    let mut runner = TestRunner::new(Config {
        cases: 64,
        max_shrink_iters: 4096,
        failure_persistence: None,
        ..Config::default()
    });
    let name = if enforces_locks {
        "enforcing"
    } else {
        "faulty"
    };
    match runner.run(&testing::histories(config), |h| check(&h, enforces_locks)) {
        Ok(()) => {
            println!("{name} toy: agrees with snapguard on 64 histories of up to 100 steps");
            true
        }
        Err(TestError::Fail(reason, history)) => {
            println!(
                "{name} toy: caught after shrinking to {} steps",
                history.steps.len()
            );
            println!("  {reason}");
            false
        }
        Err(TestError::Abort(reason)) => {
            println!("{name} toy: aborted: {reason}");
            false
        }
    }
}

fn main() {
    let enforcing_holds = property_test(true);
    let faulty_holds = property_test(false);
    if !enforcing_holds || faulty_holds {
        eprintln!("unexpected: the enforcing toy must pass and the faulty one be caught");
        std::process::exit(1);
    }
}
