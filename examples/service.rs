//! A service: four request threads and a deadline timer sharing one state.
//!
//! Run with `cargo run --example service`. It simulates an hour of
//! requests (take, lock, unlock and delete snapshots) from four customer
//! threads whose clocks disagree by up to 700 ms, while a timer thread
//! records what time alone causes (cooling-off periods ending) when it
//! falls due. Time is simulated (each request takes 0.2 to 3 simulated
//! seconds), so the run takes well under a second; the threads interleave
//! as the operating system schedules them, so the counts vary a little from
//! run to run, and the GEN-2 count is zero every time.
//!
//! The pattern that keeps time from running backwards (GEN-2):
//!
//! 1. a request takes the lock, **then** reads its clock, and decides at
//!    [`State::monotonic_now`] of that reading: a thread that read its clock
//!    before waiting for the lock, or whose clock lags another's, would
//!    otherwise ask for an instant earlier than one already recorded;
//! 2. the timer sleeps until [`State::next_deadline`], then takes the lock
//!    and advances to `monotonic_now(deadline)`: a request may have moved
//!    the clock past the deadline while the timer slept.
//!
//! The example counts the readings that were behind the state's clock and
//! the deadlines the timer reached after a request had moved the clock
//! past them (each would have been refused by GEN-2 had it been used as it
//! was), and exits with an error if any request or advance was refused by
//! GEN-2.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use snapguard::{
    Actor, Command, CreateAccount, CreateDisk, CreateRegion, CreateSnapshot, DeleteSnapshot,
    DiskCategory, FinishSnapshot, LockSnapshot, RuleId, Site, SnapshotId, State, UnlockSnapshot,
};

type Error = Box<dyn std::error::Error + Send + Sync>;

const THREADS: usize = 4;
/// How far each thread's clock is off the simulated time, in milliseconds.
const SKEW_MS: [i64; THREADS] = [-400, -150, 100, 300];
const REGION: &str = "cn-hangzhou";

/// The simulated time every clock derives from, in milliseconds since the
/// start of the hour, with a condition variable the timer sleeps on.
struct SimulatedTime {
    millis: Mutex<i64>,
    moved: Condvar,
}

/// What the service shares between its threads.
struct Service {
    state: Mutex<State>,
    time: SimulatedTime,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// What one thread saw.
#[derive(Default)]
struct Tally {
    requests: usize,
    accepted: usize,
    refused: BTreeMap<RuleId, usize>,
    behind_clock: usize,
    timer_events: usize,
    late_deadlines: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.accepted += other.accepted;
        for (rule, count) in &other.refused {
            *self.refused.entry(*rule).or_default() += count;
        }
        self.behind_clock += other.behind_clock;
        self.timer_events += other.timer_events;
        self.late_deadlines += other.late_deadlines;
    }
}

impl Service {
    /// The simulated instant.
    fn simulated_now(&self) -> DateTime<Utc> {
        let millis = *self
            .time
            .millis
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.start + TimeDelta::milliseconds(millis)
    }

    /// Moves simulated time on by `millis` and wakes the timer.
    fn pass(&self, millis: i64) {
        let mut now = self
            .time
            .millis
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *now += millis;
        self.time.moved.notify_all();
    }

    /// Handles one request of the thread whose clock is off by `skew_ms`:
    /// the clock is read under the state's lock, and the command decided at
    /// the monotonic instant of that reading.
    fn request(&self, skew_ms: i64, actor: &Actor, command: Command, tally: &mut Tally) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let reading = self.simulated_now() + TimeDelta::milliseconds(skew_ms);
        if state.clock().is_some_and(|clock| reading < clock) {
            tally.behind_clock += 1;
        }
        let now = state.monotonic_now(reading);
        tally.requests += 1;
        match state.apply_mut(now, actor, &command) {
            Ok(_) => {
                tally.accepted += 1;
                true
            }
            Err(refusal) => {
                *tally.refused.entry(refusal.rule()).or_default() += 1;
                false
            }
        }
    }

    /// The deadline timer: sleeps until the next deadline in simulated
    /// time, then records what fell due, until the hour is over. It looks
    /// again at least once a simulated minute, for deadlines that requests
    /// added while it slept.
    fn timer(&self) -> Tally {
        let mut tally = Tally::default();
        loop {
            let deadline = self
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .next_deadline()
                .filter(|at| *at <= self.end);
            let now = self.simulated_now();
            let Some(deadline) = deadline else {
                if now >= self.end {
                    return tally;
                }
                self.sleep_until((now + TimeDelta::minutes(1)).min(self.end));
                continue;
            };
            self.sleep_until(deadline.min(now + TimeDelta::minutes(1)));
            if self.simulated_now() < deadline {
                continue;
            }
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let at = state.monotonic_now(deadline);
            if at > deadline {
                tally.late_deadlines += 1;
            }
            match state.advance_mut(at) {
                Ok(events) => {
                    for event in events
                        .iter()
                        .take(3usize.saturating_sub(tally.timer_events))
                    {
                        println!("timer: {event}");
                    }
                    tally.timer_events += events.len();
                }
                Err(refusal) => *tally.refused.entry(refusal.rule()).or_default() += 1,
            }
        }
    }

    /// Blocks until simulated time reaches `at`.
    fn sleep_until(&self, at: DateTime<Utc>) {
        let target = (at - self.start).num_milliseconds();
        let mut now = self
            .time
            .millis
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *now < target {
            now = self
                .time
                .moved
                .wait(now)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A small deterministic generator, so every run is the same.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % sides
    }
}

/// One customer thread: an hour of requests on its own account's disk.
fn customer(service: &Service, n: usize) -> Tally {
    let mut tally = Tally::default();
    let skew = SKEW_MS.get(n).copied().unwrap_or_default();
    let owner = Actor::root(account(n));
    let mut dice = Dice(n as u64 + 1);
    let mut snapshots: Vec<SnapshotId> =
        (0..6).map(|k| format!("s-{n}-setup-{k}").into()).collect();
    let mut taken = 0;
    while service.simulated_now() < service.end {
        let pick = snapshots
            .get(dice.roll(snapshots.len().max(1) as u64) as usize)
            .cloned();
        match (dice.roll(100), pick) {
            (0..40, _) | (_, None) => {
                taken += 1;
                let snapshot = SnapshotId::from(format!("s-{n}-{taken}"));
                let create = CreateSnapshot::new(snapshot.clone(), format!("d-{n}"));
                if service.request(skew, &owner, create.into(), &mut tally) {
                    let finish = FinishSnapshot::available(snapshot.clone(), 20);
                    service.request(skew, &Actor::Platform, finish.into(), &mut tally);
                    snapshots.push(snapshot);
                }
            }
            (40..60, Some(snapshot)) => {
                let lock = LockSnapshot::new(snapshot, 1, 1);
                service.request(skew, &owner, lock.into(), &mut tally);
            }
            (60..75, Some(snapshot)) => {
                let unlock = UnlockSnapshot::new(snapshot);
                service.request(skew, &owner, unlock.into(), &mut tally);
            }
            (_, Some(snapshot)) => {
                let delete = DeleteSnapshot::new(snapshot.clone());
                if service.request(skew, &owner, delete.into(), &mut tally) {
                    snapshots.retain(|s| *s != snapshot);
                }
            }
        }
        // Each request takes 0.2 to 3 simulated seconds; the real pause
        // lets the timer run while the customers think.
        service.pass(200 + dice.roll(2_800) as i64);
        thread::sleep(Duration::from_micros(20));
    }
    tally
}

fn account(n: usize) -> String {
    format!("{}", 1001 + n)
}

/// The fleet as the hour finds it: an account and a disk per thread, and
/// six snapshots each, locked with an hour of cooling-off at ten-minute
/// intervals during the hour before, so the cooling-off periods end
/// during the simulated hour.
fn set_up(start: DateTime<Utc>) -> Result<State, Error> {
    let mut state = State::new();
    let before = start - TimeDelta::hours(1);
    let region = CreateRegion::new(REGION);
    state.apply_mut(before, &Actor::Platform, region)?;
    for n in 0..THREADS {
        let owner = Actor::root(account(n));
        let create = CreateAccount::new(account(n), Site::China);
        state.apply_mut(before, &Actor::Platform, create)?;
        let disk = CreateDisk::new(format!("d-{n}"), REGION, DiskCategory::Essd, 100);
        state.apply_mut(before, &owner, disk)?;
    }
    for k in 0..6 {
        let at = before + TimeDelta::minutes(10 * k + 5);
        for n in 0..THREADS {
            let owner = Actor::root(account(n));
            let snapshot = SnapshotId::from(format!("s-{n}-setup-{k}"));
            let create = CreateSnapshot::new(snapshot.clone(), format!("d-{n}"));
            state.apply_mut(at, &owner, create)?;
            let finish = FinishSnapshot::available(snapshot.clone(), 20);
            state.apply_mut(at, &Actor::Platform, finish)?;
            let lock = LockSnapshot::new(snapshot, 1, 1);
            state.apply_mut(at, &owner, lock)?;
        }
    }
    Ok(state)
}

fn main() -> Result<(), Error> {
    let start = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .ok_or("the start instant is ambiguous")?;
    let service = Arc::new(Service {
        state: Mutex::new(set_up(start)?),
        time: SimulatedTime {
            millis: Mutex::new(0),
            moved: Condvar::new(),
        },
        start,
        end: start + TimeDelta::hours(1),
    });

    let timer = {
        let service = Arc::clone(&service);
        thread::spawn(move || service.timer())
    };
    let customers: Vec<_> = (0..THREADS)
        .map(|n| {
            let service = Arc::clone(&service);
            thread::spawn(move || customer(&service, n))
        })
        .collect();
    let mut customers_tally = Tally::default();
    for handle in customers {
        customers_tally.add(&handle.join().map_err(|_| "a customer thread panicked")?);
    }
    let timer_tally = timer.join().map_err(|_| "the timer thread panicked")?;

    println!(
        "{} requests from {THREADS} threads over a simulated hour: {} accepted, {} refused",
        customers_tally.requests,
        customers_tally.accepted,
        customers_tally.refused.values().sum::<usize>()
    );
    for (rule, count) in &customers_tally.refused {
        println!("  refused by {rule}: {count}");
    }
    println!(
        "the timer recorded {} time-caused events when they fell due; requests \
         recorded the others first; {} deadlines were behind the clock when the timer woke",
        timer_tally.timer_events, timer_tally.late_deadlines
    );
    println!(
        "{} clock readings were behind the state's clock; deciding at monotonic_now kept each from a GEN-2 refusal",
        customers_tally.behind_clock
    );
    let mut all = Tally::default();
    all.add(&customers_tally);
    all.add(&timer_tally);
    let gen2 = all.refused.get(&RuleId::Gen2).copied().unwrap_or(0);
    println!("GEN-2 refusals: {gen2}");
    if gen2 > 0 {
        return Err(format!("{gen2} requests or advances were refused by GEN-2").into());
    }
    Ok(())
}
