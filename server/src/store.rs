//! Durable state: SQLite, one file in the data directory.
//!
//! The library's events are the record. Every accepted request's events,
//! and the server's own records it made (access keys, attributes the model
//! does not hold, the clock's offset, `ClientToken`s), are written in one
//! transaction with those of the requests accepted beside it (group commit,
//! [`crate::journal`]), and a request is acknowledged only after it
//! commits. On start, the state is the latest checkpoint (the state's own
//! serialization, checked by the library when loaded; see
//! [`crate::checkpoint`]) with the events after it replayed.
//!
//! The database runs in WAL mode with `synchronous=FULL`: a committed
//! transaction survives the process being killed and the machine losing
//! power.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use snapguard::{Event, State};

use crate::checkpoint::CheckpointFiles;

/// What one accepted request changes, written in one transaction.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Batch {
    /// The library's events, in order.
    pub events: Vec<Event>,
    /// New access keys.
    pub keys: Vec<KeyRecord>,
    /// Attributes set, `(object id, name, value)`; `None` removes one.
    pub attributes: Vec<(String, String, Option<String>)>,
    /// The clock's new offset from the wall clock, in seconds.
    pub clock_offset_seconds: Option<i64>,
    /// `ClientToken`s of accepted requests, with their answers.
    pub tokens: Vec<TokenRecord>,
}

impl Batch {
    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
            && self.keys.is_empty()
            && self.attributes.is_empty()
            && self.clock_offset_seconds.is_none()
            && self.tokens.is_empty()
    }
}

/// A `ClientToken` of an accepted request: what the request was, and what
/// it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The caller's account.
    pub account: String,
    /// The token.
    pub token: String,
    /// The request's fingerprint: operation, caller and parameters.
    pub fingerprint: String,
    /// The operation's answer, JSON without the `RequestId`.
    pub response: String,
}

/// An access key: its secret, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The AccessKeyId.
    pub id: String,
    /// The AccessKeySecret.
    pub secret: String,
    /// The account.
    pub account: String,
    /// The RAM user, or `None` for the account's root.
    pub user: Option<String>,
}

/// Everything read back on start.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The state, checkpoint plus replayed events.
    pub state: State,
    /// Every access key.
    pub keys: Vec<KeyRecord>,
    /// Every attribute, `(object id, name, value)`.
    pub attributes: Vec<(String, String, String)>,
    /// The clock's offset in seconds.
    pub clock_offset_seconds: i64,
    /// Every `ClientToken` recorded.
    pub tokens: Vec<TokenRecord>,
    /// Events recorded in all.
    pub events: u64,
    /// Events the checkpoint read back held (0 when none was used).
    pub checkpoint: u64,
}

/// The database.
#[derive(Debug)]
pub struct Store {
    connection: Connection,
    events: u64,
}

/// A storage failure: the request is answered `InternalError` and nothing
/// is acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// A stored record does not read back.
    #[error("stored record {what} does not read back: {why}")]
    Corrupt {
        /// Which record.
        what: String,
        /// Why.
        why: String,
    },
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, state TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS access_keys (
        id TEXT PRIMARY KEY, secret TEXT NOT NULL, account TEXT NOT NULL, user TEXT);
    CREATE TABLE IF NOT EXISTS attributes (
        object TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (object, name));
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS client_tokens (
        account TEXT NOT NULL, token TEXT NOT NULL, fingerprint TEXT NOT NULL,
        response TEXT NOT NULL, PRIMARY KEY (account, token));
";

impl Store {
    /// Opens (creating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|error| StoreError::Corrupt {
            what: dir.display().to_string(),
            why: error.to_string(),
        })?;
        let connection = Connection::open(dir.join("snapguard.sqlite3"))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        Self::with(connection)
    }

    /// A database that keeps nothing on disk (`--in-memory`).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with(Connection::open_in_memory()?)
    }

    fn with(connection: Connection) -> Result<Self, StoreError> {
        connection.execute_batch(SCHEMA)?;
        Ok(Self {
            connection,
            events: 0,
        })
    }

    /// Events stored in all.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Reads everything back: the state is the latest checkpoint (a file
    /// of `files`, or one an earlier version kept in the database) with the
    /// later events replayed.
    pub fn load(&mut self, files: Option<&CheckpointFiles>) -> Result<Loaded, StoreError> {
        let stored: u64 =
            self.connection
                .query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |row| {
                    row.get(0)
                })?;
        let in_table: Option<(u64, String)> = self
            .connection
            .query_row(
                "SELECT seq, state FROM checkpoints ORDER BY seq DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let in_file = files.and_then(|files| files.latest(stored));
        let (from, mut state) = match (in_table, in_file) {
            (Some((seq, _)), Some(file)) if file.0 >= seq => file,
            (None, Some(file)) => file,
            (None, None) => (0, State::new()),
            (Some((seq, json)), _) => (
                seq,
                serde_json::from_str(&json).map_err(|error| StoreError::Corrupt {
                    what: format!("checkpoint {seq}"),
                    why: error.to_string(),
                })?,
            ),
        };
        let mut statement = self
            .connection
            .prepare("SELECT seq, event FROM events WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = statement.query([from])?;
        let mut last = from;
        while let Some(row) = rows.next()? {
            let seq: u64 = row.get(0)?;
            let json: String = row.get(1)?;
            let event: Event =
                serde_json::from_str(&json).map_err(|error| StoreError::Corrupt {
                    what: format!("event {seq}"),
                    why: error.to_string(),
                })?;
            state = state.evolve(&event);
            last = seq;
        }
        drop(rows);
        drop(statement);
        let keys = self
            .connection
            .prepare("SELECT id, secret, account, user FROM access_keys ORDER BY rowid")?
            .query_map([], |row| {
                Ok(KeyRecord {
                    id: row.get(0)?,
                    secret: row.get(1)?,
                    account: row.get(2)?,
                    user: row.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let attributes = self
            .connection
            .prepare("SELECT object, name, value FROM attributes")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let tokens = self
            .connection
            .prepare("SELECT account, token, fingerprint, response FROM client_tokens")?
            .query_map([], |row| {
                Ok(TokenRecord {
                    account: row.get(0)?,
                    token: row.get(1)?,
                    fingerprint: row.get(2)?,
                    response: row.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let clock_offset_seconds = self
            .connection
            .query_row(
                "SELECT value FROM meta WHERE name = 'clock_offset_seconds'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(|text| {
                text.parse().map_err(|_| StoreError::Corrupt {
                    what: "clock_offset_seconds".into(),
                    why: format!("`{text}` is not a number"),
                })
            })
            .transpose()?
            .unwrap_or(0);
        self.events = last;
        Ok(Loaded {
            state,
            keys,
            attributes,
            clock_offset_seconds,
            tokens,
            events: last,
            checkpoint: from,
        })
    }

    /// Writes batches, in order, in one transaction: one disk flush for
    /// them all.
    pub fn commit_group(&mut self, batches: &[&Batch]) -> Result<(), StoreError> {
        if batches.iter().all(|batch| batch.is_empty()) {
            return Ok(());
        }
        let transaction = self.connection.transaction()?;
        let mut seq = self.events;
        for batch in batches {
            let mut insert =
                transaction.prepare_cached("INSERT INTO events (seq, event) VALUES (?1, ?2)")?;
            for event in &batch.events {
                seq += 1;
                let json = serde_json::to_string(event).map_err(|error| StoreError::Corrupt {
                    what: format!("event {seq}"),
                    why: error.to_string(),
                })?;
                insert.execute(params![seq, json])?;
            }
            for key in &batch.keys {
                transaction.execute(
                    "INSERT INTO access_keys (id, secret, account, user) VALUES (?1, ?2, ?3, ?4)",
                    params![key.id, key.secret, key.account, key.user],
                )?;
            }
            for (object, name, value) in &batch.attributes {
                match value {
                    Some(value) => transaction.execute(
                        "INSERT INTO attributes (object, name, value) VALUES (?1, ?2, ?3)
                         ON CONFLICT (object, name) DO UPDATE SET value = excluded.value",
                        params![object, name, value],
                    )?,
                    None => transaction.execute(
                        "DELETE FROM attributes WHERE object = ?1 AND name = ?2",
                        params![object, name],
                    )?,
                };
            }
            for token in &batch.tokens {
                transaction.execute(
                    "INSERT INTO client_tokens (account, token, fingerprint, response)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![
                        token.account,
                        token.token,
                        token.fingerprint,
                        token.response
                    ],
                )?;
            }
            if let Some(offset) = batch.clock_offset_seconds {
                transaction.execute(
                    "INSERT INTO meta (name, value) VALUES ('clock_offset_seconds', ?1)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    params![offset.to_string()],
                )?;
            }
        }
        transaction.commit()?;
        self.events = seq;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use snapguard::{Actor, Command, CreateRegion};

    use super::*;

    /// Applies `n` region creations, committed in groups of `group`.
    fn regions(store: &mut Store, state: &mut State, from: u64, n: u64, group: usize) {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let batches: Vec<Batch> = (from..from + n)
            .map(|i| {
                let command = Command::from(CreateRegion::new(format!("r-{i}")));
                Batch {
                    events: state.apply_mut(at, &Actor::Platform, &command).unwrap(),
                    ..Batch::default()
                }
            })
            .collect();
        for chunk in batches.chunks(group) {
            let refs: Vec<&Batch> = chunk.iter().collect();
            store.commit_group(&refs).unwrap();
        }
    }

    fn scratch(label: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("snapguard-store-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_reopened_store_rebuilds_the_state_from_a_checkpoint_file_and_later_events() {
        let dir = scratch("checkpoint");
        let files = CheckpointFiles::new(dir.join("checkpoints")).unwrap();
        let mut state = State::new();
        {
            let mut store = Store::open(&dir).unwrap();
            regions(&mut store, &mut state, 0, 40, 7);
            files.write(store.events(), &state).unwrap();
            regions(&mut store, &mut state, 40, 5, 1);
            let key = KeyRecord {
                id: "LTAIx".into(),
                secret: "s".into(),
                account: "1".into(),
                user: None,
            };
            let token = TokenRecord {
                account: "1".into(),
                token: "t".into(),
                fingerprint: "f".into(),
                response: "{}".into(),
            };
            let batch = Batch {
                keys: vec![key],
                attributes: vec![("d-1".into(), "name".into(), Some("n".into()))],
                clock_offset_seconds: Some(3_600),
                tokens: vec![token.clone()],
                ..Batch::default()
            };
            store.commit_group(&[&batch]).unwrap();
        }
        let mut store = Store::open(&dir).unwrap();
        let loaded = store.load(Some(&files)).unwrap();
        assert_eq!(loaded.state, state);
        assert_eq!(loaded.events, 45);
        assert_eq!(loaded.checkpoint, 40, "the checkpoint file was used");
        assert_eq!(loaded.keys.len(), 1);
        assert_eq!(
            loaded.attributes,
            [("d-1".into(), "name".into(), "n".into())]
        );
        assert_eq!(loaded.clock_offset_seconds, 3_600);
        assert_eq!(loaded.tokens.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_checkpoint_that_does_not_read_back_is_skipped_for_the_events() {
        let dir = scratch("corrupt");
        let files = CheckpointFiles::new(dir.join("checkpoints")).unwrap();
        let mut state = State::new();
        {
            let mut store = Store::open(&dir).unwrap();
            regions(&mut store, &mut state, 0, 12, 5);
        }
        std::fs::write(
            dir.join("checkpoints")
                .join(format!("checkpoint-{:020}.json", 12)),
            b"{ torn",
        )
        .unwrap();
        let mut store = Store::open(&dir).unwrap();
        let loaded = store.load(Some(&files)).unwrap();
        assert_eq!(loaded.state, state);
        assert_eq!(loaded.events, 12);
        assert_eq!(loaded.checkpoint, 0, "the torn checkpoint was skipped");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_checkpoint_beyond_the_stored_events_is_not_used() {
        let dir = scratch("ahead");
        let files = CheckpointFiles::new(dir.join("checkpoints")).unwrap();
        let mut state = State::new();
        let mut store = Store::open(&dir).unwrap();
        regions(&mut store, &mut state, 0, 3, 3);
        let mut ahead = state.clone();
        let mut other = Store::in_memory().unwrap();
        regions(&mut other, &mut ahead, 3, 2, 2);
        files.write(5, &ahead).unwrap();
        let loaded = store.load(Some(&files)).unwrap();
        assert_eq!(loaded.state, state);
        assert_eq!(loaded.checkpoint, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_group_of_empty_batches_writes_nothing() {
        let mut store = Store::in_memory().unwrap();
        store
            .commit_group(&[&Batch::default(), &Batch::default()])
            .unwrap();
        assert_eq!(store.load(None).unwrap().events, 0);
    }
}
