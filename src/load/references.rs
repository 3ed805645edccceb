//! Loading the core of a state: references between objects, the clock,
//! locks, retention and its ranges (SNAP-5, ARCH-2), the archive tier and
//! overdue accounts.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{Findings, StateError, created_by, dangling, live_and_retired};
use crate::{
    DiskSource, Encryption, ImageSource, ObjectKind, Retention, Snapshot, SnapshotId, SnapshotKind,
    SnapshotOrigin, SnapshotStatus, Span, State, StorageTier, time,
};

impl State {
    /// Checks the limits, references (to live objects, or to deleted ones
    /// for what an object was made from), retention ranges, LOCK-1 to
    /// LOCK-4 and the clock on freshly loaded data.
    pub(super) fn check(&self, found: &mut Findings) {
        use ObjectKind as K;
        let after_clock = |at: DateTime<Utc>| self.clock.is_none_or(|clock| at > clock);
        found.record(self.limits.validate().map_err(StateError::from));
        let shared: BTreeSet<&SnapshotId> = self
            .shares
            .values()
            .flat_map(|share| share.snapshots.keys())
            .collect();
        live_and_retired(found, K::Snapshot, &self.retired.snapshots, &self.snapshots);
        live_and_retired(found, K::ResourceShare, &self.retired.shares, &self.shares);
        live_and_retired(found, K::Disk, &self.retired.disks, &self.disks);
        live_and_retired(found, K::Image, &self.retired.images, &self.images);
        found.each(self.accounts.values(), |account| {
            created_by(
                self.clock,
                K::Account,
                account.id.as_str(),
                account.created_at,
            )?;
            match account.overdue_since {
                Some(since) if since < account.created_at || after_clock(since) => {
                    Err(StateError::ImpossibleOverdue(account.id.clone()))
                }
                _ => Ok(()),
            }
        });
        found.each(self.regions.values(), |region| {
            created_by(self.clock, K::Region, region.id.as_str(), region.created_at)
        });
        found.each(self.users.values(), |user| {
            if !self.accounts.contains_key(&user.account) {
                return Err(dangling(
                    K::User,
                    user.id.as_str(),
                    K::Account,
                    user.account.as_str(),
                ));
            }
            Ok(())
        });
        found.each(self.disks.values(), |disk| {
            self.check_placed(
                K::Disk,
                disk.id.as_str(),
                &disk.owner,
                &disk.region,
                disk.created_at,
            )?;
            match &disk.source {
                DiskSource::Blank => {}
                DiskSource::Snapshot(source) if !self.snapshot_id_taken(source) => {
                    return Err(dangling(
                        K::Disk,
                        disk.id.as_str(),
                        K::Snapshot,
                        source.as_str(),
                    ));
                }
                DiskSource::Image(source) if !self.image_id_taken(source) => {
                    return Err(dangling(
                        K::Disk,
                        disk.id.as_str(),
                        K::Image,
                        source.as_str(),
                    ));
                }
                DiskSource::Snapshot(_) | DiskSource::Image(_) => {}
            }
            Ok(())
        });
        found.each(self.images.values(), |image| {
            self.check_placed(
                K::Image,
                image.id.as_str(),
                &image.owner,
                &image.region,
                image.created_at,
            )?;
            if let ImageSource::Snapshot(source) = &image.source {
                if !self.snapshot_id_taken(source) {
                    return Err(dangling(
                        K::Image,
                        image.id.as_str(),
                        K::Snapshot,
                        source.as_str(),
                    ));
                }
            }
            Ok(())
        });
        found.each(self.snapshots.values(), |snapshot| {
            let id = snapshot.id.as_str();
            self.check_placed(
                K::Snapshot,
                id,
                &snapshot.owner,
                &snapshot.region,
                snapshot.created_at,
            )?;
            match &snapshot.origin {
                SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk }
                    if !self.disk_id_taken(disk) =>
                {
                    return Err(dangling(K::Snapshot, id, K::Disk, disk.as_str()));
                }
                SnapshotOrigin::Copy { source, .. } if !self.snapshot_id_taken(source) => {
                    return Err(dangling(K::Snapshot, id, K::Snapshot, source.as_str()));
                }
                _ => {}
            }
            if let StorageTier::Archive { archived_at } = snapshot.tier {
                let min_age = Span::Days(self.limits.archive_min_age_days);
                let old_enough = time::later(snapshot.created_at, min_age)
                    .is_ok_and(|earliest| earliest <= archived_at);
                if !old_enough || after_clock(archived_at) {
                    return Err(StateError::ImpossibleArchive(snapshot.id.clone()));
                }
                if snapshot.encryption != Encryption::Unencrypted
                    || snapshot.origin == SnapshotOrigin::CloudBackup
                {
                    return Err(StateError::ArchivedUnarchivable(snapshot.id.clone()));
                }
            }
            if snapshot.kind == SnapshotKind::Automatic && snapshot.origin.disk().is_none() {
                return Err(StateError::AutomaticWithoutDisk(snapshot.id.clone()));
            }
            let end = snapshot.retention.end();
            let passed = end.is_some_and(|end| self.clock.is_some_and(|clock| end < clock));
            // A shared snapshot outlives its retention until unshared (SHARE-14).
            if passed && !shared.contains(&snapshot.id) {
                return Err(StateError::RetentionPassed(snapshot.id.clone()));
            }
            self.check_retention_range(snapshot)?;
            if let Some(lock) = &snapshot.lock {
                if snapshot.origin == SnapshotOrigin::CloudBackup
                    || snapshot.status != SnapshotStatus::Available
                {
                    return Err(StateError::ImpossibleLock(snapshot.id.clone()));
                }
                if lock.start < snapshot.created_at
                    || lock.start > lock.cool_off_end
                    || lock.cool_off_end > lock.expiry
                    || after_clock(lock.start)
                {
                    return Err(StateError::MalformedLock(snapshot.id.clone()));
                }
                // A limit past the calendar's end bounds nothing.
                let within =
                    |span: Span, end: DateTime<Utc>| time::no_later_than(end, lock.start, span);
                let max_cool_off = Span::Hours(self.limits.max_cool_off_hours);
                let min_lock = Span::Days(self.limits.min_lock_days);
                // An extension keeps the start (LOCK-8), so only the
                // shortest lock bounds the expiry.
                let too_short =
                    time::later(lock.start, min_lock).is_ok_and(|end| lock.expiry < end);
                // An extension counts the duration from its own instant,
                // the clock at the latest (LOCK-8): the longest lock from
                // the clock bounds the expiry.
                let max_lock = Span::Days(self.limits.max_lock_days);
                let too_long = self
                    .clock
                    .and_then(|clock| time::later(clock, max_lock).ok())
                    .is_some_and(|latest| lock.expiry > latest);
                if !within(max_cool_off, lock.cool_off_end) || too_short || too_long {
                    return Err(StateError::LockOutOfRange(snapshot.id.clone()));
                }
                if end.is_some_and(|end| lock.expiry > end) {
                    return Err(StateError::LockOutlivesRetention(snapshot.id.clone()));
                }
            }
            Ok(())
        });
    }

    /// SNAP-5, ARCH-2: a retention is permanent, or given in days counted
    /// from the snapshot's creation: in the standard tier within the
    /// retention range, in the archive tier within the archive range and
    /// ending after the instant of archiving.
    fn check_retention_range(&self, snapshot: &Snapshot) -> Result<(), StateError> {
        let limits = &self.limits;
        let (min, max, archived_at) = match snapshot.tier {
            StorageTier::Standard => (limits.min_retention_days, limits.max_retention_days, None),
            StorageTier::Archive { archived_at } => (
                limits.min_archive_retention_days,
                limits.max_archive_retention_days,
                Some(archived_at),
            ),
        };
        let from = snapshot.created_at;
        let in_range = match snapshot.retention {
            Retention::Permanent => true,
            // The shortest retention must be representable to be given; a
            // longest past the calendar's end bounds nothing.
            Retention::Until(end) => {
                time::later(from, Span::Days(min)).is_ok_and(|earliest| earliest <= end)
                    && time::no_later_than(end, from, Span::Days(max))
                    && archived_at.is_none_or(|archived_at| archived_at < end)
            }
        };
        match (in_range, archived_at) {
            (true, _) => Ok(()),
            (false, None) => Err(StateError::RetentionOutOfRange(snapshot.id.clone())),
            (false, Some(_)) => Err(StateError::ArchiveRetentionOutOfRange(snapshot.id.clone())),
        }
    }
}
