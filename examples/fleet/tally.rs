//! Counting: what the events returned add up to, the lock invariant
//! checked on them as they arrive, and the summary printed from the counts.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use snapguard::{DeletionCause, Event, ReleaseReason, RuleId, SnapshotId};

use crate::report::{per_second, thousands};

/// Counts taken from the events returned, and the invariants checked on
/// them as they arrive.
#[derive(Default)]
pub(crate) struct Tally {
    /// `apply_mut` calls.
    pub(crate) applied: u64,
    /// `advance_mut` calls.
    pub(crate) advanced: u64,
    pub(crate) accepted: u64,
    pub(crate) refused: BTreeMap<RuleId, u64>,
    /// Commands accepted or refused against expectation: how many, and the
    /// first few.
    pub(crate) surprises: u64,
    pub(crate) surprise_notes: Vec<String>,
    pub(crate) created: u64,
    pub(crate) copies: u64,
    pub(crate) finished: u64,
    pub(crate) rotated: u64,
    pub(crate) deleted: u64,
    pub(crate) released: u64,
    pub(crate) released_other: u64,
    pub(crate) locked: u64,
    pub(crate) lock_expired: u64,
    pub(crate) shared: u64,
    pub(crate) unshared: u64,
    pub(crate) views_expired: u64,
    pub(crate) live: u64,
    pub(crate) peak_live: u64,
    /// Every lock set, until its snapshot goes: the instant it expires.
    pub(crate) lock_until: HashMap<SnapshotId, DateTime<Utc>>,
    /// Snapshots removed while a lock was in force, or locks that expired
    /// early.
    pub(crate) lock_breaches: Vec<String>,
}

impl Tally {
    pub(crate) fn surprise(&mut self, note: String) {
        self.surprises += 1;
        if self.surprise_notes.len() < 10 {
            self.surprise_notes.push(note);
        }
    }

    pub(crate) fn record(&mut self, events: &[Event]) {
        for event in events {
            match event {
                Event::SnapshotCreated { .. } => {
                    self.created += 1;
                    self.born();
                }
                Event::SnapshotCopied { .. } => {
                    self.copies += 1;
                    self.born();
                }
                Event::SnapshotFinished { .. } => self.finished += 1,
                Event::SnapshotDeleted {
                    at,
                    snapshot,
                    cause,
                    ..
                } => {
                    if *cause == DeletionCause::Rotation {
                        self.rotated += 1;
                    } else {
                        self.deleted += 1;
                    }
                    self.gone(*at, snapshot, "deleted");
                }
                Event::SnapshotReleased {
                    at,
                    snapshot,
                    reason,
                } => {
                    if *reason == ReleaseReason::RetentionEnded {
                        self.released += 1;
                    } else {
                        self.released_other += 1;
                    }
                    self.gone(*at, snapshot, "released");
                }
                Event::LockSet { snapshot, lock, .. }
                | Event::LockReconfigured { snapshot, lock, .. } => {
                    self.locked += 1;
                    self.lock_until.insert(snapshot.clone(), lock.expiry);
                }
                Event::LockExtended {
                    snapshot, expiry, ..
                } => {
                    self.lock_until.insert(snapshot.clone(), *expiry);
                }
                Event::SnapshotUnlocked { snapshot, .. } => {
                    self.lock_until.remove(snapshot);
                }
                Event::LockExpired { at, snapshot } => {
                    self.lock_expired += 1;
                    if let Some(until) = self.lock_until.get(snapshot).filter(|u| at < *u) {
                        let note = format!("lock of `{snapshot}` expired at {at}, before {until}");
                        self.lock_breaches.push(note);
                    }
                }
                Event::SnapshotShared { .. } => self.shared += 1,
                Event::SnapshotUnshared { .. } => self.unshared += 1,
                Event::ShareExpired { .. } => self.views_expired += 1,
                _ => {}
            }
        }
    }

    fn born(&mut self) {
        self.live += 1;
        self.peak_live = self.peak_live.max(self.live);
    }

    /// A snapshot left the state at `at`: no lock placed on it may be in
    /// force then.
    fn gone(&mut self, at: DateTime<Utc>, snapshot: &SnapshotId, how: &str) {
        self.live = self.live.saturating_sub(1);
        if let Some(until) = self.lock_until.remove(snapshot).filter(|u| at < *u) {
            let note = format!("`{snapshot}` {how} at {at} under a lock until {until}");
            self.lock_breaches.push(note);
        }
    }

    /// Prints the summary of the counts, with the run's wall time `wall`.
    pub(crate) fn print_summary(&self, wall: Duration) {
        let commands = self.applied + self.advanced;
        println!("\nSummary");
        let row = |label: &str, value: String| println!("  {label:<30} {value:>12}");
        row("automatic snapshots created", thousands(self.created));
        row("snapshots and copies completed", thousands(self.finished));
        row("rotated (LOCK-11)", thousands(self.rotated));
        row("released by retention", thousands(self.released));
        if self.released_other > 0 {
            row("released otherwise", thousands(self.released_other));
        }
        row("deleted on request", thousands(self.deleted));
        row("locks set", thousands(self.locked));
        row("locks expired", thousands(self.lock_expired));
        row("cross-region copies", thousands(self.copies));
        row("snapshots shared", thousands(self.shared));
        row("snapshots unshared", thousands(self.unshared));
        row("shared views expired", thousands(self.views_expired));
        row("live snapshots at the end", thousands(self.live));
        row("peak live snapshots", thousands(self.peak_live));
        row("refused", thousands(self.refused.values().sum::<u64>()));
        for (rule, count) in &self.refused {
            row(&format!("  by {}", rule.code()), thousands(*count));
        }
        row("commands applied", thousands(self.applied));
        row("  accepted", thousands(self.accepted));
        row("advances", thousands(self.advanced));
        row("commands in all", thousands(commands));
        row("wall time", format!("{:.2} s", wall.as_secs_f64()));
        row("commands per second", per_second(commands, wall));
    }
}
