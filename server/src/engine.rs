//! The one place the state changes: a transaction takes `now` from the
//! server's clock, catches the state up with time, applies the request's
//! commands to a working copy, writes their events and the server's own
//! records in one database transaction, and only then makes the copy the
//! state. A refusal anywhere drops the copy: nothing changes.
//!
//! The engine sits behind one mutex ([`Shared`]), and `now` is read inside
//! it, so concurrent requests are applied in the order of their instants and
//! never refused for time running backwards (GEN-2). What a transaction
//! changes is written by the [`Journal`] in groups; [`Shared::run`] answers
//! only once everything the request saw is stored.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use snapguard::{
    Actor, Command, Event, FinishSnapshot, SnapshotId, SnapshotStatus, State, Violation,
};

use crate::checkpoint::CheckpointFiles;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::journal::Journal;
use crate::replay::ReplayGuard;
use crate::store::{Batch, KeyRecord, Store, StoreError, TokenRecord};

/// When snapshots and copies in progress complete by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoFinish {
    /// In the request that starts them.
    AtOnce,
    /// This long after they start, by the server's timer.
    After(Duration),
    /// Never: a test completes them through the admin API.
    Manual,
}

/// The state, its storage, the clock and the access keys.
#[derive(Debug)]
pub struct Engine {
    state: State,
    journal: Journal,
    clock: Clock,
    keys: BTreeMap<String, KeyRecord>,
    attributes: BTreeMap<(String, String), String>,
    auto_finish: AutoFinish,
    /// Snapshots in progress that complete by themselves after a delay,
    /// by the instant they started: the timer's index, so that neither a
    /// request nor a tick scans every snapshot.
    waiting: BTreeSet<(DateTime<Utc>, SnapshotId)>,
    replay: ReplayGuard,
    /// `ClientToken`s of accepted requests, by account and token.
    tokens: BTreeMap<(String, String), TokenRecord>,
    /// The current call is a dry run: its transactions decide and keep
    /// nothing.
    dry_run: bool,
    /// The current call's `ClientToken`, recorded with its answer if it is
    /// accepted.
    pending_token: Option<PendingToken>,
}

/// A `ClientToken` waiting for its request's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingToken {
    /// The caller's account.
    pub account: String,
    /// The token.
    pub token: String,
    /// The request's fingerprint.
    pub fingerprint: String,
}

/// The engine shared between request handlers and the timer.
#[derive(Debug, Clone)]
pub struct Shared(Arc<tokio::sync::Mutex<Engine>>);

impl Shared {
    /// Shares an engine.
    pub fn new(engine: Engine) -> Self {
        Self(Arc::new(tokio::sync::Mutex::new(engine)))
    }

    /// Runs `work` on the engine, then waits, without the engine, until
    /// everything it may have seen is stored: its own changes and those of
    /// every transaction before it.
    ///
    /// Requests take the engine one at a time in the order they ask for it
    /// (tokio's mutex is first-in, first-out). `work` runs on the calling
    /// task: it only computes (the disk is the journal's), and every other
    /// request waits for the engine anyway. A `work` that panics is
    /// answered `InternalError` and leaves the state as it was before its
    /// transaction (transactions change the state last).
    pub async fn run<T>(&self, work: impl FnOnce(&mut Engine) -> T) -> Result<T, ApiError> {
        let (value, waiter, ticket) = {
            let mut engine = self.0.lock().await;
            engine.end_call();
            if let Some(failure) = engine.journal.failure() {
                return Err(internal(failure));
            }
            let value =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut engine)))
                    .map_err(|_| internal("the request's handler failed"))?;
            (value, engine.journal.waiter(), engine.journal.submitted())
        };
        waiter.durable(ticket).await.map_err(internal)?;
        Ok(value)
    }
}

/// A transaction in progress: a working copy of the state at `now`.
#[derive(Debug)]
pub struct Tx<'e> {
    state: State,
    now: DateTime<Utc>,
    batch: Batch,
    keys: &'e BTreeMap<String, KeyRecord>,
    attributes: &'e BTreeMap<(String, String), String>,
    auto_finish: AutoFinish,
    waiting: &'e BTreeSet<(DateTime<Utc>, SnapshotId)>,
    /// Snapshots this transaction started that complete after a delay.
    started: Vec<(DateTime<Utc>, SnapshotId)>,
    /// Entries of `waiting` this transaction completed or found gone.
    settled: Vec<(DateTime<Utc>, SnapshotId)>,
    /// The call's `ClientToken`, recorded by [`Tx::answered`].
    token: Option<PendingToken>,
}

impl Engine {
    /// Opens the engine on a store, reading back what it holds (from the
    /// latest of `checkpoints`, when the store keeps files).
    pub fn open(
        mut store: Store,
        checkpoints: Option<CheckpointFiles>,
        auto_finish: AutoFinish,
    ) -> Result<Self, StoreError> {
        let loaded = store.load(checkpoints.as_ref())?;
        let clock = Clock::new(
            Duration::seconds(loaded.clock_offset_seconds),
            loaded.state.clock(),
        );
        let waiting = match auto_finish {
            AutoFinish::After(_) => loaded
                .state
                .snapshots()
                .filter(|s| s.status == SnapshotStatus::InProgress)
                .map(|s| (s.created_at, s.id.clone()))
                .collect(),
            AutoFinish::AtOnce | AutoFinish::Manual => BTreeSet::new(),
        };
        Ok(Self {
            waiting,
            clock,
            keys: loaded
                .keys
                .into_iter()
                .map(|key| (key.id.clone(), key))
                .collect(),
            attributes: loaded
                .attributes
                .into_iter()
                .map(|(object, name, value)| ((object, name), value))
                .collect(),
            state: loaded.state,
            journal: Journal::start(store, checkpoints),
            auto_finish,
            replay: ReplayGuard::default(),
            tokens: loaded
                .tokens
                .into_iter()
                .map(|record| ((record.account.clone(), record.token.clone()), record))
                .collect(),
            dry_run: false,
            pending_token: None,
        })
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The access key with this id.
    pub fn key(&self, id: &str) -> Option<&KeyRecord> {
        self.keys.get(id)
    }

    /// The nonces of recent signed requests.
    pub fn replay_guard(&mut self) -> &mut ReplayGuard {
        &mut self.replay
    }

    /// The accepted request `account` sent with `token`, if any.
    pub fn client_token(&self, account: &str, token: &str) -> Option<&TokenRecord> {
        self.tokens.get(&(account.to_owned(), token.to_owned()))
    }

    /// Records `token` with the answer of the call's next accepted
    /// transaction.
    pub fn expect_token(&mut self, token: PendingToken) {
        self.pending_token = Some(token);
    }

    /// Makes the call's transactions dry runs (or not).
    pub fn set_dry_run(&mut self, dry_run: bool) {
        self.dry_run = dry_run;
    }

    /// Ends a call: what [`Engine::expect_token`] and
    /// [`Engine::set_dry_run`] set lasts no longer.
    pub fn end_call(&mut self) {
        self.dry_run = false;
        self.pending_token = None;
    }

    /// Every access key.
    pub fn keys(&self) -> impl Iterator<Item = &KeyRecord> {
        self.keys.values()
    }

    /// The clock's current reading (moving its floor to it).
    pub fn now(&mut self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the clock forward by `by`, or to `to`, and applies what time
    /// caused; returns the new instant and those events.
    pub fn move_clock(
        &mut self,
        by: Option<Duration>,
        to: Option<DateTime<Utc>>,
    ) -> Result<(DateTime<Utc>, Vec<Event>), ApiError> {
        let mut moved = self.clock.clone();
        let result = match (by, to) {
            (Some(by), None) => moved.advance(by),
            (None, Some(to)) => moved.advance_to(to),
            _ => Err("give exactly one of `seconds`, `hours`, `days` or `to`".into()),
        };
        result.map_err(|why| ApiError::new(400, "InvalidParameter.Clock", why))?;
        let offset = moved.offset().num_seconds();
        let previous = std::mem::replace(&mut self.clock, moved);
        let outcome = self.transact(|tx| {
            tx.batch.clock_offset_seconds = Some(offset);
            Ok((tx.now(), tx.batch.events.clone()))
        });
        if outcome.is_err() {
            self.clock = previous;
        }
        outcome
    }

    /// Runs one transaction: `work` reads and changes a working copy of the
    /// state at the clock's `now`; its changes are stored, then kept, only
    /// if it succeeds.
    pub fn transact<T>(
        &mut self,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let now = self.clock.now();
        let mut tx = Tx {
            state: self.state.clone(),
            now,
            batch: Batch::default(),
            keys: &self.keys,
            attributes: &self.attributes,
            auto_finish: self.auto_finish,
            waiting: &self.waiting,
            started: Vec::new(),
            settled: Vec::new(),
            token: self.pending_token.take(),
        };
        tx.catch_up()?;
        if let AutoFinish::After(delay) = tx.auto_finish {
            tx.finish_started_before(now.checked_sub_signed(delay))?;
        }
        let value = work(&mut tx)?;
        if self.dry_run {
            return Err(ApiError::new(
                400,
                "DryRunOperation",
                "Request validation has been passed with DryRun flag set.",
            ));
        }
        let Tx {
            state,
            batch,
            started,
            settled,
            ..
        } = tx;
        if let Some(failure) = self.journal.failure() {
            return Err(internal(failure));
        }
        for entry in &settled {
            self.waiting.remove(entry);
        }
        self.waiting.extend(started);
        for token in &batch.tokens {
            self.tokens
                .insert((token.account.clone(), token.token.clone()), token.clone());
        }
        for key in &batch.keys {
            self.keys.insert(key.id.clone(), key.clone());
        }
        for (object, name, value) in &batch.attributes {
            let at = (object.clone(), name.clone());
            match value {
                Some(value) => self.attributes.insert(at, value.clone()),
                None => self.attributes.remove(&at),
            };
        }
        self.journal.submit(batch, &state);
        self.state = state;
        Ok(value)
    }

    /// Blocks until every transaction so far is stored.
    pub fn flush(&self) -> Result<(), ApiError> {
        self.journal
            .waiter()
            .wait(self.journal.submitted())
            .map_err(internal)
    }

    /// Applies what time caused up to now, and completes snapshots whose
    /// delay has passed: the timer's tick.
    pub fn tick(&mut self) -> Result<(), ApiError> {
        self.transact(|_| Ok(()))
    }

    /// Whether the timer has work at `now`: a deadline passed, or
    /// snapshots in progress that complete by themselves after a delay.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        let deadline = self.state.next_deadline().is_some_and(|at| at <= now);
        let finishing = match (self.auto_finish, self.waiting.first()) {
            (AutoFinish::After(delay), Some((started, _))) => started
                .checked_add_signed(delay)
                .is_some_and(|at| at <= now),
            _ => false,
        };
        deadline || finishing
    }
}

impl Tx<'_> {
    /// The transaction's instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The working copy.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Applies a command as `actor`; on refusal nothing of it is kept.
    pub fn apply(
        &mut self,
        actor: &Actor,
        command: impl Into<Command>,
    ) -> Result<Vec<Event>, Violation> {
        let events = self.state.apply_mut(self.now, actor, command)?;
        self.batch.events.extend(events.iter().cloned());
        Ok(events)
    }

    /// Completes a snapshot or copy just started, when snapshots complete
    /// at once.
    pub fn started(&mut self, snapshot: &SnapshotId) -> Result<(), ApiError> {
        match self.auto_finish {
            AutoFinish::AtOnce => self.finish_own(snapshot)?,
            AutoFinish::After(_) => self.started.push((self.now, snapshot.clone())),
            AutoFinish::Manual => {}
        }
        Ok(())
    }

    /// Completes a snapshot in progress: available with its disk's size
    /// (or `size_gib`), as the platform would.
    pub fn finish(
        &mut self,
        snapshot: &SnapshotId,
        size_gib: Option<u64>,
    ) -> Result<(), Violation> {
        let size_gib = size_gib
            .or_else(|| {
                self.state
                    .snapshot(snapshot)
                    .map(|s| s.source_disk_size_gib)
            })
            .unwrap_or(0);
        self.apply(
            &Actor::Platform,
            FinishSnapshot::available(snapshot.clone(), size_gib),
        )
        .map(|_| ())
    }

    /// [`Tx::finish`] as the server's own step: a refusal is its failure.
    fn finish_own(&mut self, snapshot: &SnapshotId) -> Result<(), ApiError> {
        self.finish(snapshot, None)
            .map_err(|violation| internal(format!("completing {snapshot}: {violation}")))
    }

    /// An attribute the model does not hold (a name, a description, a
    /// disk's `DeleteAutoSnapshot`), as this transaction sees it.
    pub fn attribute(&self, object: &str, name: &str) -> Option<&str> {
        for (o, n, value) in self.batch.attributes.iter().rev() {
            if o == object && n == name {
                return value.as_deref();
            }
        }
        self.attributes
            .get(&(object.to_owned(), name.to_owned()))
            .map(String::as_str)
    }

    /// Sets (or with `None` removes) an attribute.
    pub fn set_attribute(&mut self, object: &str, name: &str, value: Option<String>) {
        self.batch
            .attributes
            .push((object.to_owned(), name.to_owned(), value));
    }

    /// Sets the attributes a request gave (`Some`), leaving the others.
    pub fn set_given<const N: usize>(&mut self, object: &str, given: [(&str, Option<String>); N]) {
        for (name, value) in given {
            if value.is_some() {
                self.set_attribute(object, name, value);
            }
        }
    }

    /// Records the call's `ClientToken`, if it has one, with its answer.
    pub fn answered(&mut self, answer: &serde_json::Value) -> Result<(), ApiError> {
        if let Some(PendingToken {
            account,
            token,
            fingerprint,
        }) = self.token.take()
        {
            let response = serde_json::to_string(answer)
                .map_err(|error| internal(format!("recording ClientToken `{token}`: {error}")))?;
            self.batch.tokens.push(TokenRecord {
                account,
                token,
                fingerprint,
                response,
            });
        }
        Ok(())
    }

    /// Records a new access key.
    pub fn add_key(&mut self, key: KeyRecord) {
        self.batch.keys.push(key);
    }

    /// Whether an access key id is taken (stored or in this transaction).
    pub fn key_exists(&self, id: &str) -> bool {
        self.keys.contains_key(id) || self.batch.keys.iter().any(|key| key.id == id)
    }

    /// The root access key of an account.
    pub fn root_key(&self, account: &str) -> Option<&KeyRecord> {
        self.keys
            .values()
            .chain(self.batch.keys.iter())
            .find(|key| key.account == account && key.user.is_none())
    }

    /// The events this transaction recorded so far.
    pub fn events(&self) -> &[Event] {
        &self.batch.events
    }

    fn catch_up(&mut self) -> Result<(), ApiError> {
        let events = self
            .state
            .advance_mut(self.now)
            .map_err(|violation| internal(format!("catching up with time: {violation}")))?;
        self.batch.events.extend(events);
        Ok(())
    }

    fn finish_started_before(&mut self, cutoff: Option<DateTime<Utc>>) -> Result<(), ApiError> {
        let Some(cutoff) = cutoff else {
            return Ok(());
        };
        let due: Vec<(DateTime<Utc>, SnapshotId)> = self
            .waiting
            .iter()
            .take_while(|(started, _)| *started <= cutoff)
            .cloned()
            .collect();
        for entry in due {
            // Deleted or failed meanwhile: nothing left to complete.
            let in_progress = self
                .state
                .snapshot(&entry.1)
                .is_some_and(|s| s.status == SnapshotStatus::InProgress);
            if in_progress {
                self.finish_own(&entry.1)?;
            }
            self.settled.push(entry);
        }
        Ok(())
    }
}

/// `InternalError` (500): the server's own failure, never the caller's.
pub fn internal(why: impl Into<String>) -> ApiError {
    ApiError::new(
        500,
        "InternalError",
        format!(
            "The request processing has failed due to some unknown error: {}",
            why.into()
        ),
    )
}
