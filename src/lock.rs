//! Snapshot locks (WORM): the lock value, its state at an instant, and the
//! rules for locking, reconfiguring, extending and unlocking (LOCK).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::decide::{Ctx, Step, Verdict, snapshot_resource};
use crate::snapshot::require_available;
use crate::{
    AccountId, Action, Actor, Event, LockSnapshot, RegionId, RuleId, Snapshot, SnapshotId,
    SnapshotOrigin, Span, State, UnlockSnapshot, Violation, time,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A lock's state at an instant (LOCK-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum LockState {
    /// `compliance-cooloff`: in its cooling-off; may be reconfigured or
    /// removed by an actor with the permission.
    #[serde(rename = "compliance-cooloff")]
    CoolOff,
    /// `compliance`: active; nobody can unlock or delete, only extend.
    #[serde(rename = "compliance")]
    Compliance,
    /// `expired`: no longer protects the snapshot.
    #[serde(rename = "expired")]
    Expired,
}

impl fmt::Display for LockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CoolOff => "compliance-cooloff",
            Self::Compliance => "compliance",
            Self::Expired => "expired",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A lock: three instants, from which its state at any instant follows.
///
/// ```
/// use snapguard::{Lock, LockState};
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let lock = Lock::new(start, 30, 24)?;
/// assert_eq!(lock.state_at(start), LockState::CoolOff);
/// assert_eq!(lock.state_at(lock.cool_off_end), LockState::Compliance);
/// assert_eq!(lock.state_at(lock.expiry - TimeDelta::seconds(1)), LockState::Compliance);
/// assert_eq!(lock.state_at(lock.expiry), LockState::Expired);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Lock {
    /// When the lock was set (LOCK-2).
    pub start: DateTime<Utc>,
    /// When its cooling-off ends: `start` plus the cooling-off.
    pub cool_off_end: DateTime<Utc>,
    /// When it expires: `start` plus the duration, or later if extended.
    pub expiry: DateTime<Utc>,
}

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

    /// The state at `t` (LOCK-5): cooling-off before `cool_off_end`,
    /// compliance until `expiry`, expired from `expiry` on.
    ///
    /// ```
    /// use snapguard::{Lock, LockState};
    /// use chrono::{TimeZone, Utc};
    /// let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// // Zero cooling-off: compliance at once.
    /// assert_eq!(Lock::new(start, 1, 0)?.state_at(start), LockState::Compliance);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn state_at(&self, t: DateTime<Utc>) -> LockState {
        if t >= self.expiry {
            LockState::Expired
        } else if t < self.cool_off_end {
            LockState::CoolOff
        } else {
            LockState::Compliance
        }
    }

    /// Whether the lock protects its snapshot at `t` (cooling-off or
    /// compliance).
    ///
    /// ```
    /// use snapguard::Lock;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let lock = Lock::new(start, 1, 0)?;
    /// assert!(lock.is_active_at(start + TimeDelta::hours(23)));
    /// assert!(!lock.is_active_at(start + TimeDelta::hours(24)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_active_at(&self, t: DateTime<Utc>) -> bool {
        t < self.expiry
    }
}

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
    let account = ctx.customer("lock_snapshot")?;
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
    let account = ctx.customer("unlock_snapshot")?;
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A snapshot's lock configuration as [`State::describe_locked_snapshots`]
/// reports it (LOCK-15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LockView {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// Its owner.
    pub account: AccountId,
    /// Its region.
    pub region: RegionId,
    /// The lock state at the instant asked about.
    pub state: LockState,
    /// When the lock was set.
    pub start: DateTime<Utc>,
    /// When its cooling-off ends.
    pub cool_off_end: DateTime<Utc>,
    /// When it expires.
    pub expiry: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Which locked snapshots to describe. The default describes every locked
/// snapshot of the actor's account, in every state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LockQuery {
    /// Only locks in this state.
    pub state: Option<LockState>,
    /// Only snapshots in this region.
    pub region: Option<RegionId>,
}

impl LockQuery {
    /// Every lock of the account.
    ///
    /// ```
    /// use snapguard::{LockQuery, LockState};
    /// assert_eq!(LockQuery::all(), LockQuery::default());
    /// let query = LockQuery::in_state(LockState::CoolOff).in_region("cn-hangzhou");
    /// assert_eq!(query.state, Some(LockState::CoolOff));
    /// ```
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    /// Only locks in `state`.
    #[must_use]
    pub fn in_state(state: LockState) -> Self {
        Self {
            state: Some(state),
            region: None,
        }
    }

    /// Also restricted to `region`.
    #[must_use]
    pub fn in_region(mut self, region: impl Into<RegionId>) -> Self {
        self.region = Some(region.into());
        self
    }
}

impl State {
    /// The lock configuration of one snapshot of the actor's account at
    /// `now`, or `None` if it was never locked or was unlocked (LOCK-15).
    ///
    /// # Errors
    ///
    /// GEN-2 for an instant earlier than the state's clock; GEN-4 for an
    /// unknown actor or snapshot (or one released by `now`); PERM-1 for a
    /// system actor; PERM-4 for another account's snapshot; PERM-2 without
    /// `ecs:DescribeLockedSnapshots`.
    ///
    /// ```
    /// use snapguard::State;
    /// use snapguard::{Actor, SnapshotId, RuleId};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let refusal = State::new()
    ///     .lock_view(now, &Actor::root("1001"), &SnapshotId::new("s-1"))
    ///     .unwrap_err();
    /// assert_eq!(refusal.rule(), RuleId::Gen4);
    /// ```
    pub fn lock_view(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        snapshot: &SnapshotId,
    ) -> Result<Option<LockView>, Violation> {
        self.as_customer(now, actor, "describe_locked_snapshots", |ctx, account| {
            let snapshot = ctx.own_snapshot(account, snapshot)?;
            ctx.authorize(Action::DescribeLockedSnapshots, || {
                snapshot_resource(snapshot)
            })?;
            Ok(view(snapshot, now))
        })
    }

    /// Every locked snapshot of the actor's account matching `query`, with
    /// its lock configuration at `now` (LOCK-15), ordered by snapshot id.
    /// Expired locks are included unless the query filters them out.
    ///
    /// # Errors
    ///
    /// As [`State::lock_view`]; PERM-2 names the first snapshot the actor
    /// may not describe.
    ///
    /// ```
    /// use snapguard::{Actor, CreateAccount, LockQuery, LockState, Site, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let state = State::new()
    ///     .apply(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?
    ///     .state;
    /// let locks = state.describe_locked_snapshots(now, &Actor::root("1001"), &LockQuery::in_state(LockState::Compliance))?;
    /// assert!(locks.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn describe_locked_snapshots(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        query: &LockQuery,
    ) -> Result<Vec<LockView>, Violation> {
        self.as_customer(now, actor, "describe_locked_snapshots", |ctx, account| {
            let mut views = Vec::new();
            let ids = ctx.state.index.locked.get(account).into_iter().flatten();
            for snapshot in ids.filter_map(|id| ctx.snapshot(id).ok()) {
                let Some(view) = view(snapshot, now) else {
                    continue;
                };
                let wanted = query.state.is_none_or(|s| s == view.state)
                    && query.region.as_ref().is_none_or(|r| *r == view.region);
                if wanted {
                    ctx.authorize(Action::DescribeLockedSnapshots, || {
                        snapshot_resource(snapshot)
                    })?;
                    views.push(view);
                }
            }
            Ok(views)
        })
    }
}

fn view(snapshot: &Snapshot, now: DateTime<Utc>) -> Option<LockView> {
    snapshot.lock.as_ref().map(|lock| LockView {
        snapshot: snapshot.id.clone(),
        account: snapshot.owner.clone(),
        region: snapshot.region.clone(),
        state: lock.state_at(now),
        start: lock.start,
        cool_off_end: lock.cool_off_end,
        expiry: lock.expiry,
    })
}
