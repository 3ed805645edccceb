//! The lock rules: locking, relocking, extending and unlocking snapshots (LOCK).

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Step, Verdict, snapshot_resource};
use crate::rules::snapshot::require_available;
use crate::{
    Action, Event, Lock, LockSnapshot, LockState, RuleId, Snapshot, SnapshotOrigin, Span,
    UnlockSnapshot, Violation, time,
};

/// LOCK-1: duration and cooling-off ranges, cooling-off inside duration.
fn check_ranges(ctx: &Ctx<'_>, c: &LockSnapshot, v: &mut Verdict) -> Step<()> {
    let limits = &ctx.state.limits;
    v.check(
        if (limits.min_lock_days..=limits.max_lock_days).contains(&c.duration_days) {
            Ok(())
        } else {
            Err(Violation::LockDurationOutOfRange {
                days: c.duration_days,
                min: limits.min_lock_days,
                max: limits.max_lock_days,
            })
        },
    )?;
    v.ensure(c.cool_off_hours <= limits.max_cool_off_hours, || {
        Violation::CoolOffOutOfRange {
            hours: c.cool_off_hours,
            max: limits.max_cool_off_hours,
        }
    })?;
    let duration_hours = u64::from(c.duration_days).saturating_mul(24);
    v.ensure(u64::from(c.cool_off_hours) <= duration_hours, || {
        Violation::CoolOffExceedsDuration {
            cool_off_hours: c.cool_off_hours,
            duration_days: c.duration_days,
        }
    })
}

/// LOCK-3: a snapshot shared with the account is never locked (nor
/// unlocked) by it.
fn shared_not_lockable(snapshot: &Snapshot) -> Violation {
    Violation::SharedSnapshotNotLockable {
        snapshot: snapshot.id.clone(),
        owner: snapshot.owner.clone(),
    }
}

/// LOCK-3: only available snapshots, never Cloud Backup ones.
fn check_lockable(snapshot: &Snapshot, v: &mut Verdict) -> Step<()> {
    v.ensure(snapshot.origin != SnapshotOrigin::CloudBackup, || {
        Violation::CloudBackupSnapshot {
            snapshot: snapshot.id.clone(),
        }
    })?;
    v.check(require_available(snapshot, RuleId::Lock3))
}

/// LOCK-4: the lock ends no later than the retention.
fn check_within_retention(snapshot: &Snapshot, expiry: DateTime<Utc>) -> Result<(), Violation> {
    match snapshot.retention.end() {
        Some(end) if expiry > end => Err(Violation::LockOutlivesRetention {
            snapshot: snapshot.id.clone(),
            lock_expiry: expiry,
            retention_end: end,
        }),
        _ => Ok(()),
    }
}

/// When a fresh lock of `duration_days` can be set once the current lock
/// expires at `expiry` (the retry instant of LOCK-8's cooling-off refusal):
/// the expiry, if a lock set then stays within the retention (LOCK-4) and
/// its expiry is representable (GEN-5); otherwise waiting never helps.
fn fresh_lock_from(
    snapshot: &Snapshot,
    expiry: DateTime<Utc>,
    duration_days: u32,
) -> Option<DateTime<Utc>> {
    let fresh_expiry = time::later(expiry, Span::Days(duration_days)).ok()?;
    let within = snapshot
        .retention
        .end()
        .is_none_or(|end| fresh_expiry <= end);
    within.then_some(expiry)
}

/// LOCK-1 to LOCK-4, LOCK-7 to LOCK-9. Checks, in order: a customer; its
/// own snapshot (GEN-4; LOCK-3 for a sharee, PERM-4 for anyone else); `ecs:LockSnapshot` (PERM-2); lockable
/// (LOCK-3); ranges (LOCK-1); then by the current lock state: none or
/// expired sets a fresh lock, cooling-off replaces it from now (LOCK-7),
/// compliance only extends it without cooling-off (LOCK-8); finally the
/// retention (LOCK-4). Extending to the current expiry records nothing.
/// A cooling-off refused in compliance may be retried from the expiry, when
/// the same command sets a fresh lock, if that lock would stay within the
/// retention ([`fresh_lock_from`]).
pub(crate) fn lock_snapshot(ctx: &Ctx<'_>, c: &LockSnapshot, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let snapshot = ctx.owned_snapshot_or(account, &c.snapshot, shared_not_lockable)?;
    v.check(ctx.authorize(Action::LockSnapshot, || snapshot_resource(snapshot)))?;
    check_lockable(snapshot, v)?;
    check_ranges(ctx, c, v)?;
    let (at, id) = (ctx.now, snapshot.id.clone());
    let requested = Lock::new(ctx.now, c.duration_days, c.cool_off_hours)?;
    let current = snapshot
        .lock
        .as_ref()
        .map(|lock| (lock, lock.state_at(ctx.now)));
    let event = match current {
        None | Some((_, LockState::Expired)) => Event::LockSet {
            at,
            snapshot: id,
            lock: requested,
        },
        Some((_, LockState::CoolOff)) => Event::LockReconfigured {
            at,
            snapshot: id,
            lock: requested,
        },
        Some((lock, LockState::Compliance)) => {
            v.ensure(c.cool_off_hours == 0, || Violation::CoolOffInCompliance {
                snapshot: id.clone(),
                cool_off_hours: c.cool_off_hours,
                expiry: lock.expiry,
                allowed_from: fresh_lock_from(snapshot, lock.expiry, c.duration_days),
            })?;
            v.ensure(requested.expiry >= lock.expiry, || {
                Violation::LockShortened {
                    snapshot: id.clone(),
                    current_expiry: lock.expiry,
                    requested_expiry: requested.expiry,
                    allowed_from: time::earlier(lock.expiry, Span::Days(c.duration_days)),
                }
            })?;
            if requested.expiry == lock.expiry {
                return Ok(Vec::new());
            }
            Event::LockExtended {
                at,
                snapshot: id,
                expiry: requested.expiry,
            }
        }
    };
    v.check(check_within_retention(snapshot, requested.expiry))?;
    Ok(vec![event])
}

/// LOCK-6. Checks: a customer; its own snapshot (LOCK-3 for a sharee,
/// PERM-4 for anyone else); `ecs:UnlockSnapshot` (PERM-2); the lock is in
/// cooling-off. A snapshot with no lock in cooling-off or compliance
/// (never locked, unlocked already, or expired) is refused, as the ECS API
/// answers `InvalidSnapshotLock.NotFound`.
pub(crate) fn unlock_snapshot(
    ctx: &Ctx<'_>,
    c: &UnlockSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let snapshot = ctx.owned_snapshot_or(account, &c.snapshot, shared_not_lockable)?;
    v.check(ctx.authorize(Action::UnlockSnapshot, || snapshot_resource(snapshot)))?;
    let id = snapshot.id.clone();
    match snapshot
        .lock
        .as_ref()
        .map(|lock| (lock, lock.state_at(ctx.now)))
    {
        None => Err(Violation::NotLocked { snapshot: id }.into()),
        Some((_, LockState::CoolOff)) => Ok(vec![Event::SnapshotUnlocked {
            at: ctx.now,
            snapshot: id,
        }]),
        Some((lock, LockState::Compliance)) => Err(Violation::UnlockInCompliance {
            snapshot: id,
            expiry: lock.expiry,
        }
        .into()),
        Some((_, LockState::Expired)) => Err(Violation::NotLocked { snapshot: id }.into()),
    }
}

/// A lock's construction (LOCK-2) is part of the lock rules: it can be
/// refused (GEN-5), so it sits above the violations, not with the `Lock`
/// type in the model.
impl Lock {
    /// A lock set at `start` for `duration_days`, whose first
    /// `cool_off_hours` are its cooling-off (LOCK-2). Ranges (LOCK-1) are
    /// checked by the lock command, not here.
    ///
    /// # Errors
    ///
    /// [`Violation::TimeOutOfRange`] (GEN-5) when an instant would not be
    /// representable.
    pub fn new(
        start: DateTime<Utc>,
        duration_days: u32,
        cool_off_hours: u32,
    ) -> Result<Self, Violation> {
        Ok(Self {
            start,
            cool_off_end: time::later(start, Span::Hours(cool_off_hours))?,
            expiry: time::later(start, Span::Days(duration_days))?,
        })
    }
}
