//! Recording events: infallible, and free of rule logic.
//!
//! Every check happened in `decide`; here a fact is written down and the
//! indexes follow it. An event naming an object that is not there changes
//! nothing, so replaying any event list is total.

use crate::deadline::{Deadline, DeadlineKind};
use crate::mint::retire;
use crate::{
    Account, CopyLineage, Event, Image, ObjectKind, Region, SnapshotOutcome, SnapshotStatus, State,
    StorageTier, User,
};

impl State {
    /// Records one event and returns the new state.
    ///
    /// `evolve` holds no rules: it trusts that the event came from an
    /// accepted decision. Replaying the events of an accepted history from
    /// [`State::new`] (with the same limits) rebuilds that history's state.
    ///
    /// ```
    /// use snapguard::{Actor, Command, CreateRegion, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let command = Command::from(CreateRegion::new("cn-hangzhou"));
    /// let events = State::new().decide(now, &Actor::Platform, &command)?;
    /// let replayed = events.iter().fold(State::new(), |state, event| state.evolve(event));
    /// assert!(replayed.region(&"cn-hangzhou".into()).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn evolve(mut self, event: &Event) -> Self {
        self.record(event);
        self
    }

    /// Records one event in place.
    pub(crate) fn record(&mut self, event: &Event) {
        let at = event.at();
        if self.clock.is_none_or(|clock| at > clock) {
            self.clock = Some(at);
        }
        if let Some(number) = event
            .created()
            .and_then(|(kind, id)| crate::mint::minted_number(kind, id))
        {
            self.minted = self.minted.max(number.saturating_add(1));
        }
        match event {
            Event::AccountCreated { account, site, at } => {
                self.accounts
                    .insert(account.clone(), Account::new(account.clone(), *site, *at));
            }
            Event::RegionCreated { region, at } => {
                self.regions.insert(
                    region.clone(),
                    Region {
                        id: region.clone(),
                        created_at: *at,
                        closing_down: false,
                    },
                );
            }
            Event::RegionClosingDown { region, .. } => {
                if let Some(region) = self.regions.get_mut(region) {
                    region.closing_down = true;
                }
            }
            Event::KmsActivated { account, .. } => {
                if let Some(account) = self.accounts.get_mut(account) {
                    account.kms_activated = true;
                }
            }
            Event::KeyCreated { key, .. } => {
                self.keys.insert(key.id.clone(), key.clone());
            }
            Event::KeyEnabled { key, .. } | Event::KeyDisabled { key, .. } => {
                let enabled = matches!(event, Event::KeyEnabled { .. });
                if let Some(key) = self.keys.get_mut(key) {
                    key.enabled = enabled;
                }
            }
            Event::UserCreated {
                account,
                user,
                statements,
                ..
            }
            | Event::UserPolicySet {
                account,
                user,
                statements,
                ..
            } => {
                self.users.insert(
                    (account.clone(), user.clone()),
                    User {
                        account: account.clone(),
                        id: user.clone(),
                        statements: statements.clone(),
                    },
                );
            }
            Event::AccountOverdue { account, at } => {
                if let Some(account) = self.accounts.get_mut(account) {
                    account.overdue_since = Some(*at);
                }
            }
            Event::AccountSettled { account, .. } => {
                if let Some(account) = self.accounts.get_mut(account) {
                    account.overdue_since = None;
                }
            }
            Event::DiskCreated { disk, .. } => {
                // Live and retired ids stay apart, as a loaded state's must.
                self.retired.disks.remove(&disk.id);
                self.disks.insert(disk.id.clone(), disk.clone());
            }
            Event::DiskReleased { disk, .. } => {
                self.disks.remove(disk);
                retire(&mut self.retired.disks, ObjectKind::Disk, disk.clone());
            }
            Event::DiskRolledBack { .. } => {}
            Event::SnapshotCreated { snapshot, .. } | Event::SnapshotCopied { snapshot, .. } => {
                // An accepted history never reuses an id (GEN-4); should an
                // event list do so, the new record replaces the old one in
                // the indexes too, so no stale deadline outlives it.
                self.unshare_everywhere(&snapshot.id);
                if let Some(replaced) = self.snapshots.remove(&snapshot.id) {
                    self.index.remove_snapshot(&replaced);
                }
                self.retired.snapshots.remove(&snapshot.id);
                self.index.add_snapshot(snapshot, self.clock);
                self.snapshots.insert(snapshot.id.clone(), snapshot.clone());
            }
            Event::SnapshotFinished {
                snapshot, outcome, ..
            } => {
                if let Some(snapshot) = self.snapshots.get_mut(snapshot) {
                    match outcome {
                        SnapshotOutcome::Available { size_gib } => {
                            snapshot.status = SnapshotStatus::Available;
                            snapshot.size_gib = *size_gib;
                            // The first copy of a lineage to complete starts it (COPY-7).
                            if let Some(lineage) = CopyLineage::of_copy(snapshot) {
                                self.lineages
                                    .entry(lineage)
                                    .or_insert_with(|| snapshot.id.clone());
                            }
                        }
                        SnapshotOutcome::Failed => snapshot.status = SnapshotStatus::Failed,
                    }
                }
            }
            Event::RetentionChanged {
                snapshot,
                retention,
                ..
            } => {
                self.replace_snapshot(snapshot, |s| s.retention = *retention);
            }
            Event::SnapshotArchived {
                snapshot,
                retention,
                at,
            } => {
                self.replace_snapshot(snapshot, |s| {
                    s.tier = StorageTier::Archive { archived_at: *at };
                    s.retention = *retention;
                });
            }
            Event::SnapshotDeleted { snapshot, .. } | Event::SnapshotReleased { snapshot, .. } => {
                self.unshare_everywhere(snapshot);
                if let Some(removed) = self.snapshots.remove(snapshot) {
                    self.index.remove_snapshot(&removed);
                }
                retire(
                    &mut self.retired.snapshots,
                    ObjectKind::Snapshot,
                    snapshot.clone(),
                );
            }
            Event::LockSet { snapshot, lock, .. }
            | Event::LockReconfigured { snapshot, lock, .. } => {
                self.replace_snapshot(snapshot, |s| s.lock = Some(*lock));
            }
            Event::LockExtended {
                snapshot, expiry, ..
            } => {
                self.replace_snapshot(snapshot, |s| {
                    if let Some(lock) = s.lock.as_mut() {
                        lock.expiry = *expiry;
                    }
                });
            }
            Event::SnapshotUnlocked { snapshot, .. } => {
                self.replace_snapshot(snapshot, |s| s.lock = None);
            }
            Event::CoolOffEnded { snapshot, at } => {
                self.index.deadline_passed(&Deadline {
                    at: *at,
                    kind: DeadlineKind::CoolOffEnd(snapshot.clone()),
                });
            }
            Event::LockExpired { snapshot, at } => {
                self.index.deadline_passed(&Deadline {
                    at: *at,
                    kind: DeadlineKind::LockExpiry(snapshot.clone()),
                });
            }
            Event::ImageCreated { image, .. } => {
                self.retired.images.remove(&image.id);
                self.images.insert(image.id.clone(), Image::clone(image));
            }
            Event::ImageDeleted { image, .. } => {
                self.images.remove(image);
                retire(&mut self.retired.images, ObjectKind::Image, image.clone());
            }
            Event::DiskReinitialized { .. } => {}
            Event::DirectoryCreated { .. }
            | Event::FolderCreated { .. }
            | Event::DirectoryMemberAdded { .. }
            | Event::DirectoryMemberRemoved { .. }
            | Event::EncryptedShareRoleSet { .. }
            | Event::ResourceShareCreated { .. }
            | Event::SharePrincipalAdded { .. }
            | Event::SharePrincipalRemoved { .. }
            | Event::SnapshotShared { .. }
            | Event::SnapshotUnshared { .. }
            | Event::ResourceShareDeleted { .. }
            | Event::ResourceShareAccepted { .. }
            | Event::ShareExpired { .. } => self.record_sharing(event),
            Event::VaultCreated { .. }
            | Event::BackupPolicyCreated { .. }
            | Event::ImmutabilityEnabled { .. }
            | Event::BackupPointCreated { .. }
            | Event::BackupPointLocked { .. }
            | Event::BackupPointDeleted { .. }
            | Event::BackupPointExpired { .. }
            | Event::BackupPointRestored { .. }
            | Event::VaultDeleted { .. } => self.record_backup(event),
        }
    }

    /// Changes a snapshot's lock, retention or tier, and re-indexes what
    /// those decide (its deadlines, whether it is locked), so its index
    /// entries always follow its data. The change touches only the index
    /// entries that differ: no change moves a snapshot to another owner,
    /// disk, kind or creation instant, which the other indexes follow.
    fn replace_snapshot(
        &mut self,
        id: &crate::SnapshotId,
        change: impl FnOnce(&mut crate::Snapshot),
    ) {
        if let Some(snapshot) = self.snapshots.get_mut(id) {
            let before = crate::index::Indexed::of(snapshot);
            change(snapshot);
            self.index.reindex_snapshot(&before, snapshot, self.clock);
        }
    }
}
