//! Snapshot locks (WORM): the lock value and its state at an instant. The
//! rules for locking, reconfiguring, extending and unlocking (LOCK) are in
//! `rules/lock.rs`; what a query reports of locks, in `lock_query.rs`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
