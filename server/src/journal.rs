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

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    queued: Condvar,
    durable: Mutex<Durable>,
    written: Condvar,
}

/// A way to wait for a ticket to be durable, usable without the engine.
#[derive(Debug, Clone)]
pub struct Waiter(Arc<Shared>);

impl Waiter {
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
        let shared = Arc::new(Shared::default());
        let writer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("snapguard-journal".into())
                .spawn(move || write_loop(&shared, store, checkpoints))
        };
        let writer = match writer {
            Ok(handle) => Some(handle),
            Err(error) => {
                lock(&shared.durable).failure =
                    Some(format!("the journal's writer could not start: {error}"));
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
        let mut durable = lock(&shared.durable);
        match outcome {
            Ok(()) => durable.ticket = ticket,
            Err(error) => {
                durable.failure = Some(format!(
                    "a change could not be stored ({error}); the server refuses every request until it is restarted"
                ));
            }
        }
        let failed = durable.failure.is_some();
        drop(durable);
        shared.written.notify_all();
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
