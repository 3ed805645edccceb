//! What the locks are: lock views and `describe_locked_snapshots` (LOCK-15).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ctx::snapshot_resource;
use crate::{
    AccountId, Action, Actor, LockState, RegionId, Snapshot, SnapshotId, State, Violation,
};

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
            let ids = ctx.state.index.locked_of(account);
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
