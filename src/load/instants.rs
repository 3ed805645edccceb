//! Loading's instants: none inside a leap second (GEN-5). A command at
//! such an instant is refused, so no accepted history records one: not as
//! the clock, not as any instant an object holds.

use chrono::{DateTime, Utc};

use super::{Findings, StateError};
use crate::time::in_leap_second;
use crate::{ObjectKind as K, State, StorageTier};

/// Refuses the object `id` when any of `instants` is inside a leap second.
fn held(
    kind: K,
    id: &str,
    instants: impl IntoIterator<Item = Option<DateTime<Utc>>>,
) -> Result<(), StateError> {
    if instants.into_iter().flatten().any(in_leap_second) {
        return Err(StateError::InstantInLeapSecond {
            kind,
            id: id.to_owned(),
        });
    }
    Ok(())
}

impl State {
    /// Checks the clock and every instant of every object on freshly
    /// loaded data.
    pub(super) fn check_instants(&self, found: &mut Findings) {
        if self.clock.is_some_and(in_leap_second) {
            found.record(Err(StateError::ClockInLeapSecond));
        }
        found.each(self.accounts.values(), |a| {
            held(
                K::Account,
                a.id.as_str(),
                [Some(a.created_at), a.overdue_since],
            )
        });
        found.each(self.regions.values(), |r| {
            held(K::Region, r.id.as_str(), [Some(r.created_at)])
        });
        found.each(self.disks.values(), |d| {
            held(K::Disk, d.id.as_str(), [Some(d.created_at)])
        });
        found.each(self.snapshots.values(), |s| {
            let archived_at = match s.tier {
                StorageTier::Archive { archived_at } => Some(archived_at),
                StorageTier::Standard => None,
            };
            let lock = s
                .lock
                .iter()
                .flat_map(|l| [l.start, l.cool_off_end, l.expiry]);
            let own = [Some(s.created_at), s.retention.end(), archived_at];
            held(
                K::Snapshot,
                s.id.as_str(),
                own.into_iter().chain(lock.map(Some)),
            )
        });
        found.each(self.images.values(), |i| {
            held(K::Image, i.id.as_str(), [Some(i.created_at)])
        });
        found.each(self.directories.values(), |d| {
            held(K::Directory, d.id.as_str(), [Some(d.created_at)])
        });
        found.each(self.folders.values(), |f| {
            held(K::Folder, f.id.as_str(), [Some(f.created_at)])
        });
        found.each(self.shares.values(), |share| {
            let views = share.snapshots.values();
            let views = views.flat_map(|v| [Some(v.shared_at), Some(v.expires_at)]);
            let instants = std::iter::once(Some(share.created_at)).chain(views);
            held(K::ResourceShare, share.id.as_str(), instants)
        });
        found.each(self.keys.values(), |k| {
            held(K::Key, k.id.as_str(), [Some(k.created_at)])
        });
        let backup = &self.backup;
        found.each(backup.vaults.values(), |v| {
            held(
                K::Vault,
                v.id.as_str(),
                [Some(v.created_at), v.immutable_since],
            )
        });
        found.each(backup.policies.values(), |p| {
            let instants = [Some(p.created_at), p.immutable_since];
            held(K::BackupPolicy, p.id.as_str(), instants)
        });
        found.each(backup.points.values(), |p| {
            let instants = [Some(p.created_at), p.retention.end(), p.locked_since];
            held(K::BackupPoint, p.id.as_str(), instants)
        });
    }
}
