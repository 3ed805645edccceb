//! Group commit: the accepted requests' changes reach the disk in groups,
//! and no answer leaves before what it saw is there.
//!
//! Requests are decided one at a time under the engine's lock, in arrival
//! order. Each accepted one hands its [`Batch`] to the journal, which
//! numbers it (a *ticket*) and queues it. One writer thread takes whatever
//! is queued, writes it in one database transaction (one disk flush for
//! the whole group) and then publishes the last ticket it made durable.
//! A request waits, after leaving the lock, until the journal is durable up
//! to the last ticket given out when it left: its own changes, and every
//! change it may have read, refusals and reads included. So an answer never
//! reports anything a crash could take back.
//!
//! Checkpoints (the whole state, serialized) are written by a third thread
//! to files beside the database, so that neither requests nor the writer
//! ever wait for one; see [`crate::store`] for how they are read back.
//!
//! If a write fails, the state in memory is ahead of the disk: the journal
//! then refuses every later request with `InternalError` (fail-stop) rather
//! than answer from changes that are not stored. Restarting the server
//! reads back what was stored.

use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use snapguard::State;

use crate::checkpoint::CheckpointFiles;
use crate::store::{Batch, Store};

/// Events between two checkpoints, at least; a larger state waits longer
/// (see [`checkpoint_due`]).
pub const CHECKPOINT_EVERY: u64 = 1_000;

/// How durable the journal is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Durable {
    /// The last ticket written.
    ticket: u64,
    /// Why the journal stopped, once a write failed.
    failure: Option<String>,
}

/// One accepted request's changes, and the state after them.
#[derive(Debug)]
struct Item {
    ticket: u64,
    batch: Batch,
    state: State,
}

#[derive(Debug, Default)]
struct Queue {
    items: Vec<Item>,
    closed: bool,
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    queued: Condvar,
    durable: Mutex<Durable>,
    written: Condvar,
    /// The last ticket written, for waiting without a thread.
    watch: tokio::sync::watch::Sender<Durable>,
    /// Database transactions written.
    groups: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn new() -> Self {
        Self {
            queue: Mutex::default(),
            queued: Condvar::new(),
            durable: Mutex::default(),
            written: Condvar::new(),
            watch: tokio::sync::watch::Sender::new(Durable::default()),
            groups: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Publishes how durable the journal is.
    fn publish(&self, durable: Durable) {
        *lock(&self.durable) = durable.clone();
        self.written.notify_all();
        self.watch.send_replace(durable);
    }
}

/// A way to wait for a ticket to be durable, usable without the engine.
#[derive(Debug, Clone)]
pub struct Waiter(Arc<Shared>);

impl Waiter {
    /// Waits until `ticket` is durable; `Err` says why it never will be.
    pub async fn durable(&self, ticket: u64) -> Result<(), String> {
        let mut receiver = self.0.watch.subscribe();
        let durable = receiver
            .wait_for(|durable| durable.ticket >= ticket || durable.failure.is_some())
            .await
            .map_err(|_| "the journal stopped".to_owned())?;
        match &durable.failure {
            Some(failure) => Err(failure.clone()),
            None => Ok(()),
        }
    }

    /// Blocks until `ticket` is durable; `Err` says why it never will be.
    pub fn wait(&self, ticket: u64) -> Result<(), String> {
        let mut durable = lock(&self.0.durable);
        loop {
            if let Some(failure) = &durable.failure {
                return Err(failure.clone());
            }
            if durable.ticket >= ticket {
                return Ok(());
            }
            durable = self
                .0
                .written
                .wait(durable)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// The journal: a queue in front of the database's writer thread.
#[derive(Debug)]
pub struct Journal {
    shared: Arc<Shared>,
    submitted: u64,
    writer: Option<JoinHandle<()>>,
}

impl Journal {
    /// Starts the writer on `store` (already read back), checkpointing
    /// into `checkpoints` when it keeps files.
    pub fn start(store: Store, checkpoints: Option<CheckpointFiles>) -> Self {
        let shared = Arc::new(Shared::new());
        let writer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("snapguard-journal".into())
                .spawn(move || write_loop(&shared, store, checkpoints))
        };
        let writer = match writer {
            Ok(handle) => Some(handle),
            Err(error) => {
                shared.publish(Durable {
                    ticket: 0,
                    failure: Some(format!("the journal's writer could not start: {error}")),
                });
                None
            }
        };
        Self {
            shared,
            submitted: 0,
            writer,
        }
    }

    /// Queues an accepted request's changes; `state` is the state after
    /// them. Returns the batch's ticket.
    pub fn submit(&mut self, batch: Batch, state: &State) -> u64 {
        if batch.is_empty() {
            return self.submitted;
        }
        self.submitted += 1;
        let mut queue = lock(&self.shared.queue);
        queue.items.push(Item {
            ticket: self.submitted,
            batch,
            state: state.clone(),
        });
        drop(queue);
        self.shared.queued.notify_one();
        self.submitted
    }

    /// The last ticket given out: what every answer now waits for.
    pub fn submitted(&self) -> u64 {
        self.submitted
    }

    /// Why the journal stopped, if it did.
    pub fn failure(&self) -> Option<String> {
        lock(&self.shared.durable).failure.clone()
    }

    /// Database transactions written so far: one per group of batches.
    pub fn groups(&self) -> u64 {
        self.shared
            .groups
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A handle to wait for tickets with.
    pub fn waiter(&self) -> Waiter {
        Waiter(Arc::clone(&self.shared))
    }
}

impl Drop for Journal {
    /// Writes what is queued, then stops the writer.
    fn drop(&mut self) {
        lock(&self.shared.queue).closed = true;
        self.shared.queued.notify_all();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The writer: takes every queued batch, writes them in one transaction,
/// publishes the last ticket, and hands the state to the checkpointer when
/// one is due.
fn write_loop(shared: &Shared, mut store: Store, files: Option<CheckpointFiles>) {
    let sizes = files.clone();
    let (checkpoints, checkpointer) = match files {
        Some(files) => {
            let (send, receive) = mpsc::sync_channel::<(u64, State)>(1);
            let handle = std::thread::Builder::new()
                .name("snapguard-checkpoint".into())
                .spawn(move || checkpoint_loop(&receive, &files));
            match handle {
                Ok(handle) => (Some(send), Some(handle)),
                Err(error) => {
                    tracing::warn!("checkpoints are off: their thread could not start: {error}");
                    (None, None)
                }
            }
        }
        None => (None, None),
    };
    let mut checkpointed = store.events();
    let mut threshold = CHECKPOINT_EVERY;
    loop {
        let items = {
            let mut queue = lock(&shared.queue);
            while queue.items.is_empty() && !queue.closed {
                queue = shared
                    .queued
                    .wait(queue)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if queue.items.is_empty() {
                break;
            }
            std::mem::take(&mut queue.items)
        };
        let Some(last) = items.last() else {
            continue;
        };
        let ticket = last.ticket;
        let batches: Vec<&Batch> = items.iter().map(|item| &item.batch).collect();
        let outcome = store.commit_group(&batches);
        shared
            .groups
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let failed = outcome.is_err();
        shared.publish(match outcome {
            Ok(()) => Durable {
                ticket,
                failure: None,
            },
            Err(error) => Durable {
                ticket: lock(&shared.durable).ticket,
                failure: Some(format!(
                    "a change could not be stored ({error}); the server refuses every request until it is restarted"
                )),
            },
        });
        if failed {
            tracing::error!("journal stopped: a write failed");
            break;
        }
        let events = store.events();
        if let Some(send) = &checkpoints {
            if events.saturating_sub(checkpointed) >= threshold {
                let state = items.into_iter().last().map(|item| item.state);
                if let Some(state) = state {
                    // A checkpoint still being written: the next group tries.
                    if send.try_send((events, state)).is_ok() {
                        checkpointed = events;
                        threshold =
                            checkpoint_due(sizes.as_ref().map_or(0, CheckpointFiles::last_bytes));
                    }
                }
            }
        }
    }
    drop(checkpoints);
    if let Some(handle) = checkpointer {
        let _ = handle.join();
    }
}

/// Events before the next checkpoint, given the size of the last one: a
/// state of `bytes` bytes is written at most once per `bytes / 64` events,
/// so checkpoints cost a bounded share of the work however large the state.
pub fn checkpoint_due(bytes: u64) -> u64 {
    CHECKPOINT_EVERY.max(bytes / 64)
}

fn checkpoint_loop(receive: &mpsc::Receiver<(u64, State)>, files: &CheckpointFiles) {
    while let Ok((seq, state)) = receive.recv() {
        if let Err(error) = files.write(seq, &state) {
            tracing::warn!("checkpoint at event {seq} not written: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use snapguard::{Actor, Command, CreateRegion};

    use super::*;

    fn region_batch(state: &mut State, i: u64) -> Batch {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let command = Command::from(CreateRegion::new(format!("r-{i}")));
        Batch {
            events: state.apply_mut(at, &Actor::Platform, &command).unwrap(),
            ..Batch::default()
        }
    }

    #[test]
    fn batches_queued_while_the_writer_is_busy_are_written_in_one_group() {
        let mut journal = Journal::start(Store::in_memory().unwrap(), None);
        let mut state = State::new();
        let waiter = journal.waiter();
        // Hold the writer where it publishes, after its first group.
        let shared = Arc::clone(&journal.shared);
        let held = lock(&shared.durable);
        let first = region_batch(&mut state, 0);
        journal.submit(first, &state);
        for i in 1..100 {
            let batch = region_batch(&mut state, i);
            journal.submit(batch, &state);
        }
        drop(held);
        waiter.wait(100).unwrap();
        assert_eq!(journal.submitted(), 100);
        assert!(journal.groups() <= 2, "{} groups", journal.groups());
    }

    #[test]
    fn an_empty_batch_takes_no_ticket() {
        let mut journal = Journal::start(Store::in_memory().unwrap(), None);
        let state = State::new();
        assert_eq!(journal.submit(Batch::default(), &state), 0);
        assert_eq!(journal.submitted(), 0);
        journal.waiter().wait(0).unwrap();
        assert_eq!(journal.groups(), 0);
    }

    #[test]
    fn checkpoints_wait_longer_for_larger_states() {
        assert_eq!(checkpoint_due(0), CHECKPOINT_EVERY);
        assert_eq!(checkpoint_due(64 * CHECKPOINT_EVERY), CHECKPOINT_EVERY);
        assert_eq!(checkpoint_due(64 * 5_000), 5_000);
    }
}
