//! What time alone causes (GEN-6): the deadlines a snapshot's lock,
//! retention and shares define, and the event each causes. The index keeps
//! them (`index.rs`); `machine.rs` merges those due with the backup points
//! whose retention ends (VAULT-5).

use chrono::{DateTime, Utc};

use crate::{Event, ReleaseReason, Retention, ShareId, Snapshot, SnapshotId};

/// The kinds of time-caused event, in the order they happen at one instant:
/// a lock expiring at a snapshot's retention end expires first, and what a
/// sharee sees expires before its source is released.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum DeadlineKind {
    CoolOffEnd,
    LockExpiry,
    /// The end of what the sharees of this share see (SHARE-9).
    ShareExpiry(ShareId),
    RetentionEnd,
}

/// One pending time-caused event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Deadline {
    pub(crate) at: DateTime<Utc>,
    pub(crate) kind: DeadlineKind,
    pub(crate) snapshot: SnapshotId,
}

impl Deadline {
    /// Every deadline a snapshot's lock and retention define. The end of a
    /// cooling-off is one only when the lock enters compliance then, that is
    /// when `start < cool_off_end < expiry`.
    pub(crate) fn of_snapshot(snapshot: &Snapshot) -> impl Iterator<Item = Deadline> + '_ {
        let make = move |at, kind| Deadline {
            at,
            kind,
            snapshot: snapshot.id.clone(),
        };
        let lock = snapshot.lock.as_ref();
        // A cooling-off ends only if the lock then enters compliance: none
        // without cooling-off, none when the cooling-off lasts the whole
        // duration (the lock expires instead).
        let cool_off = lock
            .filter(|lock| lock.start < lock.cool_off_end && lock.cool_off_end < lock.expiry)
            .map(|lock| make(lock.cool_off_end, DeadlineKind::CoolOffEnd));
        let expiry = lock.map(|lock| make(lock.expiry, DeadlineKind::LockExpiry));
        let retention = match snapshot.retention {
            Retention::Until(end) => Some(make(end, DeadlineKind::RetentionEnd)),
            Retention::Permanent => None,
        };
        cool_off.into_iter().chain(expiry).chain(retention)
    }

    /// Whether the event is still to be recorded, given the latest instant
    /// the state recorded. Every event at or before that instant has been
    /// recorded (each command first catches up with time), except a
    /// release: a snapshot still held has not been released, even when its
    /// retention ended at the very instant it was created.
    pub(crate) fn is_pending(&self, recorded: Option<DateTime<Utc>>) -> bool {
        self.kind == DeadlineKind::RetentionEnd || recorded.is_none_or(|clock| self.at > clock)
    }

    /// Whether the deadlines index holds this deadline of a snapshot: while
    /// it is pending, except a retention end while the snapshot is shared,
    /// as a shared snapshot is not released then (SHARE-14, the rule
    /// `Snapshot::released_at` states for a snapshot).
    pub(crate) fn indexed(&self, shared: bool, recorded: Option<DateTime<Utc>>) -> bool {
        let held = shared && self.kind == DeadlineKind::RetentionEnd;
        self.is_pending(recorded) && !held
    }

    pub(crate) fn event(&self) -> Event {
        let (at, snapshot) = (self.at, self.snapshot.clone());
        match &self.kind {
            DeadlineKind::CoolOffEnd => Event::CoolOffEnded { at, snapshot },
            DeadlineKind::LockExpiry => Event::LockExpired { at, snapshot },
            DeadlineKind::ShareExpiry(share) => Event::ShareExpired {
                at,
                share: share.clone(),
                snapshot,
            },
            DeadlineKind::RetentionEnd => Event::SnapshotReleased {
                at,
                snapshot,
                reason: ReleaseReason::RetentionEnded,
            },
        }
    }
}
