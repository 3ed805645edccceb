//! What time alone causes (GEN-6): the deadlines a snapshot's lock,
//! retention and shares define, and a backup point's retention, and the
//! event each causes. The index keeps them all in one timer set
//! (`index/`), earliest first, so catching up with time reads the events
//! due and nothing else.

use chrono::{DateTime, Utc};

use crate::{
    BackupPoint, BackupPointId, Event, ReleaseReason, Retention, ShareId, Snapshot, SnapshotId,
};

/// The kinds of time-caused event, with what each concerns, in the order
/// they happen at one instant: a lock expiring at a snapshot's retention
/// end expires first, what a sharee sees expires before its source is
/// released, and snapshots come before backup points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum DeadlineKind {
    /// A snapshot's lock enters compliance (LOCK-7).
    CoolOffEnd(SnapshotId),
    /// A snapshot's lock expires.
    LockExpiry(SnapshotId),
    /// The end of what the sharees of a share see of a snapshot (SHARE-9).
    ShareExpiry {
        share: ShareId,
        snapshot: SnapshotId,
    },
    /// A snapshot's retention ends and releases it (SNAP-5).
    RetentionEnd(SnapshotId),
    /// A backup point's retention ends and deletes it (VAULT-5).
    PointExpiry(BackupPointId),
}

/// One pending time-caused event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Deadline {
    pub(crate) at: DateTime<Utc>,
    pub(crate) kind: DeadlineKind,
}

impl Deadline {
    /// Every deadline a snapshot's lock and retention define. The end of a
    /// cooling-off is one only when the lock enters compliance then, that is
    /// when `start < cool_off_end < expiry`.
    pub(crate) fn of_snapshot(snapshot: &Snapshot) -> impl Iterator<Item = Deadline> + '_ {
        let id = &snapshot.id;
        let make = |at, kind| Deadline { at, kind };
        let lock = snapshot.lock.as_ref();
        // A cooling-off ends only if the lock then enters compliance: none
        // without cooling-off, none when the cooling-off lasts the whole
        // duration (the lock expires instead).
        let cool_off = lock
            .filter(|lock| lock.start < lock.cool_off_end && lock.cool_off_end < lock.expiry)
            .map(|lock| make(lock.cool_off_end, DeadlineKind::CoolOffEnd(id.clone())));
        let expiry = lock.map(|lock| make(lock.expiry, DeadlineKind::LockExpiry(id.clone())));
        let retention = match snapshot.retention {
            Retention::Until(end) => Some(make(end, DeadlineKind::RetentionEnd(id.clone()))),
            Retention::Permanent => None,
        };
        cool_off.into_iter().chain(expiry).chain(retention)
    }

    /// The deadline a backup point's retention defines, if it ends.
    pub(crate) fn of_point(point: &BackupPoint) -> Option<Deadline> {
        point.retention.end().map(|at| Deadline {
            at,
            kind: DeadlineKind::PointExpiry(point.id.clone()),
        })
    }

    /// Whether the event is still to be recorded, given the latest instant
    /// the state recorded. Every event at or before that instant has been
    /// recorded (each command first catches up with time), except a
    /// release or a deletion: a snapshot or point still held has not been
    /// released, even when its retention ended at the very instant it was
    /// created.
    pub(crate) fn is_pending(&self, recorded: Option<DateTime<Utc>>) -> bool {
        self.ends_retention() || recorded.is_none_or(|clock| self.at > clock)
    }

    /// Whether the deadline is the end of a retention, which removes what
    /// it retained.
    fn ends_retention(&self) -> bool {
        matches!(
            self.kind,
            DeadlineKind::RetentionEnd(_) | DeadlineKind::PointExpiry(_)
        )
    }

    /// Whether the deadlines index holds this deadline of a snapshot: while
    /// it is pending, except a retention end while the snapshot is shared,
    /// as a shared snapshot is not released then (SHARE-14, the rule
    /// `Snapshot::released_at` states for a snapshot).
    pub(crate) fn indexed(&self, shared: bool, recorded: Option<DateTime<Utc>>) -> bool {
        let held = shared && matches!(self.kind, DeadlineKind::RetentionEnd(_));
        self.is_pending(recorded) && !held
    }

    /// The event recorded when the deadline passes.
    pub(crate) fn event(&self) -> Event {
        let at = self.at;
        match &self.kind {
            DeadlineKind::CoolOffEnd(snapshot) => Event::CoolOffEnded {
                at,
                snapshot: snapshot.clone(),
            },
            DeadlineKind::LockExpiry(snapshot) => Event::LockExpired {
                at,
                snapshot: snapshot.clone(),
            },
            DeadlineKind::ShareExpiry { share, snapshot } => Event::ShareExpired {
                at,
                share: share.clone(),
                snapshot: snapshot.clone(),
            },
            DeadlineKind::RetentionEnd(snapshot) => Event::SnapshotReleased {
                at,
                snapshot: snapshot.clone(),
                reason: ReleaseReason::RetentionEnded,
            },
            DeadlineKind::PointExpiry(point) => Event::BackupPointExpired {
                at,
                point: point.clone(),
            },
        }
    }
}
