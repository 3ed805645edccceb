//! Questions about a state at an instant that change nothing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Actor, Command, DeleteSnapshot, SnapshotId, State, Violation};

/// Why a snapshot cannot be deleted now, and when it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeletionReport {
    /// Every rule that refuses the deletion now, in the order they are
    /// checked; empty when deletion is allowed now.
    pub blockers: Vec<Violation>,
    /// The earliest instant at which deletion becomes possible by waiting
    /// alone: `now` when nothing blocks it, `None` when some blocker does
    /// not lift with time (a permission, ownership, an unknown id).
    pub earliest: Option<DateTime<Utc>>,
}

impl DeletionReport {
    /// Whether the snapshot can be deleted now.
    ///
    /// ```
    /// use snapguard::{Actor, SnapshotId, State};
    /// use chrono::{TimeZone, Utc};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let report = State::new().deletion_report(now, &Actor::root("1001"), &SnapshotId::new("s-9"));
    /// assert!(!report.allowed());
    /// ```
    #[must_use]
    pub fn allowed(&self) -> bool {
        self.blockers.is_empty()
    }
}

impl State {
    /// Why `actor` cannot delete `snapshot` at `now`: every blocking rule,
    /// and the earliest instant at which waiting alone makes deletion
    /// possible.
    ///
    /// ```
    /// use snapguard::{Actor, RuleId, SnapshotId, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let report = State::new().deletion_report(now, &Actor::root("1001"), &SnapshotId::new("s-1"));
    /// assert!(!report.allowed());
    /// assert_eq!(report.blockers[0].rule(), RuleId::Gen4);
    /// assert_eq!(report.earliest, None);
    /// ```
    #[must_use]
    pub fn deletion_report(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        snapshot: &SnapshotId,
    ) -> DeletionReport {
        let command = Command::DeleteSnapshot(DeleteSnapshot {
            snapshot: snapshot.clone(),
        });
        let blockers = self.explain(now, actor, &command);
        let earliest = blockers
            .iter()
            .map(Violation::retry_at)
            .try_fold(now, |latest, at| at.map(|at| latest.max(at)));
        DeletionReport { blockers, earliest }
    }
}
