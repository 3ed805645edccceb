//! The commands of the naive model, rule by rule, straight from
//! `RULES.md`'s text.

use snapguard::{Actor, Command, RetentionRequest, SnapshotOutcome};

use super::{
    Code, DAY, HOUR, MAX_COOL_OFF_HOURS, MAX_LOCK_DAYS, MIN_LOCK_DAYS, Naive, NaiveDisk, NaiveLock,
    NaiveSnapshot, NaiveUser, Phase, Status, disk_arn, snapshot_arn,
};

impl Naive {
    pub(super) fn dispatch(&mut self, actor: &Actor, command: &Command) -> Result<(), Code> {
        let now = self.now;
        match command {
            Command::CreateRegion(c) => {
                Self::platform(actor)?;
                if self.regions.iter().any(|r| r == c.region.as_str()) {
                    return Err("GEN-4");
                }
                self.regions.push(c.region.to_string());
                Ok(())
            }
            Command::CreateAccount(c) => {
                Self::platform(actor)?;
                if self.accounts.iter().any(|a| a == c.account.as_str()) {
                    return Err("GEN-4");
                }
                self.accounts.push(c.account.to_string());
                Ok(())
            }
            Command::CreateUser(c) => {
                let Actor::Root { account } = actor else {
                    return Err("PERM-1");
                };
                let account = self.customer(actor).map(|_| account.to_string())?;
                if self
                    .users
                    .iter()
                    .any(|u| u.account == account && u.name == c.user.as_str())
                {
                    return Err("GEN-4");
                }
                self.users.push(NaiveUser {
                    account,
                    name: c.user.to_string(),
                    statements: c.statements.clone(),
                });
                Ok(())
            }
            Command::CreateDisk(c) => {
                let account = self.customer(actor)?;
                if !self.regions.iter().any(|r| r == c.region.as_str()) {
                    return Err("GEN-4");
                }
                if self.used_disk_ids.iter().any(|d| d == c.disk.as_str()) {
                    return Err("GEN-4");
                }
                let arn = disk_arn(c.region.as_str(), &account, c.disk.as_str());
                self.authorize(actor, "ecs:CreateDisk", &arn)?;
                self.used_disk_ids.push(c.disk.to_string());
                self.disks.push(NaiveDisk {
                    id: c.disk.to_string(),
                    owner: account,
                    region: c.region.to_string(),
                });
                Ok(())
            }
            Command::ReleaseDisk(c) => {
                let account = self.customer(actor)?;
                let d = self.disk_index(c.disk.as_str())?;
                let disk = self.disks[d].clone();
                if disk.owner != account {
                    return Err("PERM-4");
                }
                // RULES.md does not say which action authorizes releasing
                // a disk with its snapshots; the crate's Decision is
                // `ecs:DeleteDisk` on the disk alone (a Deny of
                // `ecs:DeleteSnapshot` does not stop it). Followed.
                self.authorize(
                    actor,
                    "ecs:DeleteDisk",
                    &disk_arn(&disk.region, &disk.owner, &disk.id),
                )?;
                self.disks.remove(d);
                if c.release_automatic_snapshots {
                    // DISK-3 with LOCK-10: the disk's automatic snapshots go,
                    // locked ones (cooling-off or compliance) stay.
                    self.snapshots.retain(|s| {
                        let of_disk = s.automatic && s.disk.as_deref() == Some(disk.id.as_str());
                        let locked = s.lock.is_some_and(|l| l.protects(now));
                        !of_disk || locked
                    });
                }
                Ok(())
            }
            Command::CreateSnapshot(c) => {
                let account = self.customer(actor)?;
                let d = self.disk_index(c.disk.as_str())?;
                let disk = self.disks[d].clone();
                // Order: the crate checks the disk's owner (PERM-4) before
                // the new id (GEN-4), though `Command`'s doc lists unused
                // ids before ownership. RULES.md fixes no order: follow
                // the crate (reported).
                if disk.owner != account {
                    return Err("PERM-4");
                }
                self.fresh_snapshot_id(c.snapshot.as_str())?;
                let arn = snapshot_arn(&disk.region, &disk.owner, c.snapshot.as_str());
                self.authorize(actor, "ecs:CreateSnapshot", &arn)?;
                let retention_end = Self::retention(c.retention_days, now)?;
                let taken = NaiveSnapshot::taken_of(disk, c.snapshot.as_str(), now, retention_end);
                self.add_snapshot(NaiveSnapshot {
                    automatic: false,
                    ..taken
                });
                Ok(())
            }
            Command::CreateAutomaticSnapshot(c) => {
                Self::platform(actor)?;
                let d = self.disk_index(c.disk.as_str())?;
                self.fresh_snapshot_id(c.snapshot.as_str())?;
                let disk = self.disks[d].clone();
                let retention_end = Self::retention(c.retention_days, now)?;
                // LOCK-11: at the per-disk limit, the oldest unlocked
                // automatic snapshot of the disk goes; all locked refuses.
                // Every automatic snapshot of the disk counts and may go,
                // whatever its status: the rule does not distinguish.
                let count = self
                    .snapshots
                    .iter()
                    .filter(|s| s.automatic && s.disk.as_deref() == Some(disk.id.as_str()))
                    .count();
                if count >= self.auto_limit {
                    let mut oldest: Option<usize> = None;
                    for (i, s) in self.snapshots.iter().enumerate() {
                        let candidate = s.automatic
                            && s.disk.as_deref() == Some(disk.id.as_str())
                            && !s.lock.is_some_and(|l| l.protects(now));
                        // "Oldest": earliest creation instant. RULES.md
                        // does not say which of several created at the
                        // same instant is oldest; the crate takes the
                        // smallest id (string order), not the first
                        // created. Follow the crate (reported).
                        let older = |o: &NaiveSnapshot| (s.created, &s.id) < (o.created, &o.id);
                        if candidate && oldest.is_none_or(|o| older(&self.snapshots[o])) {
                            oldest = Some(i);
                        }
                    }
                    match oldest {
                        Some(i) => {
                            self.snapshots.remove(i);
                        }
                        None => return Err("LOCK-11"),
                    }
                }
                let taken = NaiveSnapshot::taken_of(disk, c.snapshot.as_str(), now, retention_end);
                self.add_snapshot(NaiveSnapshot {
                    automatic: true,
                    ..taken
                });
                Ok(())
            }
            Command::CreateBackupSnapshot(c) => {
                Self::platform(actor)?;
                if !self.accounts.iter().any(|a| a == c.account.as_str()) {
                    return Err("GEN-4");
                }
                if !self.regions.iter().any(|r| r == c.region.as_str()) {
                    return Err("GEN-4");
                }
                self.fresh_snapshot_id(c.snapshot.as_str())?;
                let retention_end = Self::retention(c.retention_days, now)?;
                self.add_snapshot(NaiveSnapshot {
                    id: c.snapshot.to_string(),
                    owner: c.account.to_string(),
                    region: c.region.to_string(),
                    disk: None,
                    automatic: false,
                    cloud_backup: true,
                    status: Status::InProgress,
                    created: now,
                    retention_end,
                    lock: None,
                });
                Ok(())
            }
            Command::FinishSnapshot(c) => {
                Self::platform(actor)?;
                let i = self.snapshot_index(c.snapshot.as_str())?;
                // SNAP-1: only a snapshot in progress completes.
                if self.snapshots[i].status != Status::InProgress {
                    return Err("SNAP-1");
                }
                self.snapshots[i].status = match c.outcome {
                    SnapshotOutcome::Available { .. } => Status::Available,
                    SnapshotOutcome::Failed => Status::Failed,
                };
                Ok(())
            }
            Command::DeleteSnapshot(c) => {
                let i = self.owned(actor, c.snapshot.as_str(), "ecs:DeleteSnapshot")?;
                // SNAP-4 / LOCK-10 / PERM-3: no one deletes a snapshot whose
                // lock is in cooling-off or compliance. In progress: the
                // deletion cancels the creation (SNAP-4), so it goes too.
                if self.snapshots[i].lock.is_some_and(|l| l.protects(now)) {
                    return Err("LOCK-10");
                }
                self.snapshots.remove(i);
                Ok(())
            }
            Command::SetSnapshotRetention(c) => {
                let i = self.owned(actor, c.snapshot.as_str(), "ecs:ModifySnapshotAttribute")?;
                let s = &self.snapshots[i];
                let requested = match c.retention {
                    RetentionRequest::Permanent => None,
                    // SNAP-5; days count from creation (crate Decision,
                    // RULES.md does not say from when).
                    RetentionRequest::Days(d) => Self::retention(Some(d), s.created)?,
                    _ => unreachable!("a retention request the naive model does not know"),
                };
                // SNAP-3: never shortened.
                let shorter = match (requested, s.retention_end) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(new), Some(old)) => new < old,
                };
                if shorter {
                    return Err("SNAP-3");
                }
                self.snapshots[i].retention_end = requested;
                Ok(())
            }
            Command::LockSnapshot(c) => self.lock(
                actor,
                c.snapshot.as_str(),
                c.duration_days,
                c.cool_off_hours,
            ),
            Command::UnlockSnapshot(c) => {
                let i = self.owned(actor, c.snapshot.as_str(), "ecs:UnlockSnapshot")?;
                let Some(lock) = self.snapshots[i].lock else {
                    // Nothing to unlock: the crate reports LOCK-6.
                    return Err("LOCK-6");
                };
                match lock.phase(now) {
                    // LOCK-6: unlock only in cooling-off.
                    Phase::CoolOff => {
                        self.snapshots[i].lock = None;
                        Ok(())
                    }
                    // LOCK-6: in compliance nobody can unlock.
                    Phase::Compliance => Err("LOCK-6"),
                    // LOCK-6 (follows the ECS API): an expired lock is
                    // no lock to remove; refused.
                    Phase::Expired => Err("LOCK-6"),
                }
            }
            _ => Err("UNMODELLED"),
        }
    }

    /// An existing snapshot of the actor's account it may act on: GEN-4,
    /// PERM-4, then the permission. Nothing is shared in this model, so
    /// another account is refused by PERM-4; SNAP-4 names SHARE-10 for
    /// "anyone but the owner", which the crate (and this model) reads as
    /// the sharee's case only.
    fn owned(&self, actor: &Actor, id: &str, action: &str) -> Result<usize, Code> {
        let account = self.customer(actor)?;
        let i = self.snapshot_index(id)?;
        let s = &self.snapshots[i];
        if s.owner != account {
            return Err("PERM-4");
        }
        self.authorize(actor, action, &snapshot_arn(&s.region, &s.owner, &s.id))?;
        Ok(i)
    }

    /// LOCK-1 to LOCK-9 for `LockSnapshot`.
    fn lock(
        &mut self,
        actor: &Actor,
        id: &str,
        duration_days: u32,
        cool_off_hours: u32,
    ) -> Result<(), Code> {
        let now = self.now;
        let i = self.owned(actor, id, "ecs:LockSnapshot")?;
        let s = &self.snapshots[i];
        // LOCK-3: never Cloud Backup snapshots; only available ones.
        if s.cloud_backup || s.status != Status::Available {
            return Err("LOCK-3");
        }
        // LOCK-1: duration 1..=36,500 days; cooling-off 0..=72 hours,
        // counted inside the duration.
        let dur = i64::from(duration_days);
        let cool = i64::from(cool_off_hours);
        if !(MIN_LOCK_DAYS..=MAX_LOCK_DAYS).contains(&dur) {
            return Err("LOCK-1");
        }
        if cool > MAX_COOL_OFF_HOURS {
            return Err("LOCK-1");
        }
        if cool * HOUR > dur * DAY {
            return Err("LOCK-1");
        }
        // LOCK-2: a lock set now starts now.
        let fresh = NaiveLock {
            start: now,
            cool_end: now + cool * HOUR,
            expiry: now + dur * DAY,
        };
        let new_lock = match s.lock.map(|l| (l, l.phase(now))) {
            // LOCK-9: none or expired: a fresh lock.
            None | Some((_, Phase::Expired)) => fresh,
            // LOCK-7: in cooling-off, reconfigured from now as a new lock.
            Some((_, Phase::CoolOff)) => fresh,
            // LOCK-8: in compliance only an extension, no cooling-off.
            Some((old, Phase::Compliance)) => {
                if cool != 0 {
                    return Err("LOCK-8");
                }
                if fresh.expiry < old.expiry {
                    return Err("LOCK-8");
                }
                if fresh.expiry == old.expiry {
                    // Decision in RULES.md: equal is an accepted no-op.
                    return Ok(());
                }
                // The same lock, expiring later. RULES.md does not say
                // whether start and cooling-off end move; an extension
                // keeps them (it is not "a new lock" as in LOCK-7).
                NaiveLock {
                    expiry: fresh.expiry,
                    ..old
                }
            }
        };
        // LOCK-4: the lock expires no later than the retention end.
        if let Some(end) = s.retention_end {
            if new_lock.expiry > end {
                return Err("LOCK-4");
            }
        }
        self.snapshots[i].lock = Some(new_lock);
        Ok(())
    }
}
