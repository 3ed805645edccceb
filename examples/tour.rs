//! A tour of one snapshot's life under a WORM lock.
//!
//! Run with `cargo run --example tour`. Each step prints its instant and
//! what happened, or which rule refused it and when it would be allowed.

use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use snapguard::{
    Actor, CreateAccount, CreateDisk, CreateRegion, CreateSnapshot, DeleteSnapshot, DiskCategory,
    FinishSnapshot, IntoCommand, LockSnapshot, Site, SnapshotId, State, UnlockSnapshot, Violation,
};

/// The snapshot's life so far, and the instant the tour is at.
struct Tour {
    state: State,
    now: DateTime<Utc>,
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Tour {
    /// Applies a command, printing what it caused or why it was refused.
    fn step(
        &mut self,
        what: &str,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Result<(), Violation> {
        println!("{}  {what}", instant(self.now));
        match self.state.apply(self.now, actor, command) {
            Ok(transition) => {
                for event in &transition.events {
                    println!("{:22}-> {event:#}", "");
                }
                self.state = transition.state;
                Ok(())
            }
            Err(refusal) => {
                let when = refusal.retry_at().map_or_else(
                    || "waiting will not allow it".to_owned(),
                    |t| format!("allowed from {}", instant(t)),
                );
                println!(
                    "{:22}-> refused by {}: {refusal}; {when}",
                    "",
                    refusal.rule()
                );
                Err(refusal)
            }
        }
    }

    /// Moves time on, printing what time alone caused.
    fn wait_until(&mut self, t: DateTime<Utc>) -> Result<(), Violation> {
        self.now = t;
        let transition = self.state.advance(t)?;
        println!("{}  time passes", instant(t));
        for event in &transition.events {
            println!("{:22}-> {event}", "");
        }
        self.state = transition.state;
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .ok_or("the tour's start instant is ambiguous")?;
    let owner = Actor::root("1001");
    let snapshot = || SnapshotId::new("s-ledger");
    let mut tour = Tour {
        state: State::new(),
        now: start,
    };

    println!("Setting up an account with one disk.");
    tour.step(
        "the platform registers a region",
        &Actor::Platform,
        CreateRegion::new("cn-hangzhou"),
    )?;
    tour.step(
        "the platform registers account 1001",
        &Actor::Platform,
        CreateAccount::new("1001", Site::China),
    )?;
    tour.step(
        "the owner creates a disk",
        &owner,
        CreateDisk::new("d-ledger", "cn-hangzhou", DiskCategory::Essd, 100),
    )?;

    println!("\nOne snapshot's life.");
    tour.step(
        "create a snapshot of the disk",
        &owner,
        CreateSnapshot::new(snapshot(), "d-ledger"),
    )?;
    tour.step(
        "the platform completes it",
        &Actor::Platform,
        FinishSnapshot::available(snapshot(), 60),
    )?;
    tour.step(
        "lock it for 30 days with a 24-hour cooling-off",
        &owner,
        LockSnapshot::new(snapshot(), 30, 24),
    )?;

    tour.now = start + TimeDelta::hours(2);
    tour.step(
        "during cooling-off, reconfigure: 90 days, 12-hour cooling-off (recomputed from now)",
        &owner,
        LockSnapshot::new(snapshot(), 90, 12),
    )?;

    let lock = tour
        .state
        .snapshot(&snapshot())
        .and_then(|s| s.lock)
        .ok_or("the snapshot has no lock")?;
    tour.wait_until(lock.cool_off_end)?;

    tour.now = lock.cool_off_end + TimeDelta::days(1);
    let unlock = tour.step("try to unlock it", &owner, UnlockSnapshot::new(snapshot()));
    let delete = tour.step("try to delete it", &owner, DeleteSnapshot::new(snapshot()));
    if unlock.is_ok() || delete.is_ok() {
        return Err("a lock in compliance let the snapshot go".into());
    }

    tour.step(
        "extend the lock: 120 days from now",
        &owner,
        LockSnapshot::new(snapshot(), 120, 0),
    )?;

    let expiry = tour
        .state
        .snapshot(&snapshot())
        .and_then(|s| s.lock)
        .map(|l| l.expiry)
        .ok_or("no lock")?;
    tour.wait_until(expiry)?;
    tour.step("delete it", &owner, DeleteSnapshot::new(snapshot()))?;

    println!(
        "\nThe snapshot is gone: {}",
        tour.state.snapshot(&snapshot()).is_none()
    );
    Ok(())
}
