//! One simulated day: the automatic snapshots, the owners' locks,
//! replicas and sharing, each account's chores, and the copies completing.

use chrono::{DateTime, TimeDelta, Utc};
use snapguard::{
    Actor, AssociateResourceShare, CopySnapshot, CreateAutomaticSnapshot, DeleteSnapshot,
    DisassociateResourceShare, FinishSnapshot, LockSnapshot, MINT, RuleId, SnapshotId, Violation,
};

use crate::engine::Expect;
use crate::scenario::{
    ACCOUNTS, COMPLIANCE_LOCK_DAYS, DISKS_PER_ACCOUNT, GREEDY_PER_DAY, OVERLOCK_DAYS, Policy,
    REGIONS, REPLICA_RETENTION_DAYS, SHARE_DAYS, SHAREE_COPY_RETENTION_DAYS,
};
use crate::setup::Fleet;

impl Fleet {
    /// One simulated day starting at `t`.
    pub(crate) fn day(&mut self, day: usize, t: DateTime<Utc>) -> Result<(), Violation> {
        // What time alone caused since yesterday: releases, lock expiries,
        // views of shares expiring.
        self.engine.advance(t)?;

        // The automatic snapshot policies run, and the platform completes
        // their snapshots twenty minutes later.
        for disk in &mut self.disks {
            let (retention_days, expect) = match disk.policy {
                Policy::Retained { days } => (Some(days), Expect::Accepted),
                Policy::Rotated | Policy::Compliance => (None, Expect::Accepted),
                Policy::OverLocked => (None, Expect::Either(&[RuleId::Lock11])),
            };
            let command = CreateAutomaticSnapshot::new(MINT, disk.id.clone())
                .maybe_retention_days(retention_days);
            disk.today = self
                .engine
                .create_snapshot(t, &Actor::Platform, command, expect);
        }
        let t = t + TimeDelta::minutes(20);
        for disk in &self.disks {
            if let Some(snapshot) = &disk.today {
                let size_gib = 1 + self.rng.below(disk.size_gib);
                let command = FinishSnapshot::available(snapshot.clone(), size_gib);
                self.engine
                    .apply(t, &Actor::Platform, command, Expect::Accepted);
            }
        }

        // An hour in, the owners' policies: locks, replicas, sharing.
        let t = t + TimeDelta::minutes(40);
        let mut copies = Vec::new();
        for (index, disk) in self.disks.iter_mut().enumerate() {
            let Some(today) = &disk.today else { continue };
            let account = &self.accounts[disk.account];
            let lock = |duration_days| LockSnapshot::new(today.clone(), duration_days, 0);
            match disk.policy {
                Policy::Compliance if day % 7 == index % 7 => {
                    // Every fourth week, someone tries to delete last
                    // week's locked snapshot first.
                    if let Some(locked) = disk.last_locked.as_ref().filter(|_| day / 7 % 4 == 0) {
                        let command = DeleteSnapshot::new(locked.clone());
                        let expect = Expect::Refused(&[RuleId::Lock10]);
                        self.engine.apply(t, &account.owner, command, expect);
                    }
                    let command = lock(COMPLIANCE_LOCK_DAYS);
                    if self
                        .engine
                        .apply(t, &account.owner, command, Expect::Accepted)
                    {
                        disk.last_locked = Some(today.clone());
                    }
                }
                Policy::OverLocked => {
                    let command = lock(OVERLOCK_DAYS);
                    self.engine
                        .apply(t, &account.owner, command, Expect::Accepted);
                }
                _ => {}
            }
            if disk.replicated {
                let command = CopySnapshot::new(today.clone(), MINT, REGIONS[1 - account.region])
                    .retention_days(REPLICA_RETENTION_DAYS);
                let copy =
                    self.engine
                        .create_snapshot(t, &account.owner, command, Expect::Accepted);
                copies.extend(copy);
            }
        }
        self.share(day, t);
        for a in 0..ACCOUNTS {
            self.account_chores(day, t, a, &mut copies);
        }

        // Two hours in, the copies complete.
        let t = t + TimeDelta::hours(1);
        for copy in copies {
            let size_gib = 1 + self.rng.below(200);
            let command = FinishSnapshot::available(copy, size_gib);
            self.engine
                .apply(t, &Actor::Platform, command, Expect::Accepted);
        }
        Ok(())
    }

    /// Every account unshares what it shared two weeks ago and shares
    /// today's snapshot of one of its disks; a greedy one shares eight and
    /// never unshares, until SHARE-2 refuses.
    fn share(&mut self, day: usize, t: DateTime<Utc>) {
        for (a, account) in self.accounts.iter_mut().enumerate() {
            account.shared_today = None;
            let first_disk = a * DISKS_PER_ACCOUNT;
            if account.greedy {
                for k in 0..GREEDY_PER_DAY {
                    let n = (day * GREEDY_PER_DAY + k) % DISKS_PER_ACCOUNT;
                    let Some(snapshot) = &self.disks[first_disk + n].today else {
                        continue;
                    };
                    let command = AssociateResourceShare::new(account.share.clone())
                        .snapshot(snapshot.clone());
                    let expect = Expect::Either(&[RuleId::Share2]);
                    if self.engine.apply(t, &account.owner, command, expect) {
                        account.shared.push_back((day, snapshot.clone()));
                        account.shared_today = Some(snapshot.clone());
                    }
                }
                continue;
            }
            let mut stale = Vec::new();
            while let Some((_, snapshot)) = account
                .shared
                .front()
                .filter(|(shared_on, _)| shared_on + SHARE_DAYS <= day)
            {
                stale.push(snapshot.clone());
                account.shared.pop_front();
            }
            if !stale.is_empty() {
                let command =
                    DisassociateResourceShare::new(account.share.clone()).snapshots(stale);
                self.engine
                    .apply(t, &account.owner, command, Expect::Accepted);
            }
            let n = day % DISKS_PER_ACCOUNT;
            if let Some(snapshot) = &self.disks[first_disk + n].today {
                let command =
                    AssociateResourceShare::new(account.share.clone()).snapshot(snapshot.clone());
                if self
                    .engine
                    .apply(t, &account.owner, command, Expect::Accepted)
                {
                    account.shared.push_back((day, snapshot.clone()));
                    account.shared_today = Some(snapshot.clone());
                }
            }
        }
    }

    /// An account's weekly and monthly chores, and the mistakes made on
    /// them.
    fn account_chores(
        &mut self,
        day: usize,
        t: DateTime<Utc>,
        a: usize,
        copies: &mut Vec<SnapshotId>,
    ) {
        // Weekly, the sharee copies what was shared with it today into its
        // own region, and deletes the copy it made the week before.
        let sharee_index = (a + 1) % ACCOUNTS;
        if let Some(shared) = self.accounts[a]
            .shared_today
            .clone()
            .filter(|_| day % 7 == 3)
        {
            let sharee = &self.accounts[sharee_index];
            if let Some(old) = &sharee.kept_copy {
                let command = DeleteSnapshot::new(old.clone());
                self.engine
                    .apply(t, &sharee.owner, command, Expect::Accepted);
            }
            let command = CopySnapshot::new(shared, MINT, REGIONS[sharee.region])
                .retention_days(SHAREE_COPY_RETENTION_DAYS);
            let copy = self
                .engine
                .create_snapshot(t, &sharee.owner, command, Expect::Accepted);
            copies.extend(copy.clone());
            self.accounts[sharee_index].kept_copy = copy;
        }
        let account = &self.accounts[a];
        // Weekly, a clean-up script tries to delete the latest snapshot
        // shared: refused while it is shared, or locked.
        if let Some((_, shared)) = account.shared.back().filter(|_| day % 7 == 5) {
            let command = DeleteSnapshot::new(shared.clone());
            let expect = Expect::Refused(&[RuleId::Share12, RuleId::Lock10]);
            self.engine.apply(t, &account.owner, command, expect);
        }
        // Monthly, someone locks a snapshot of a short-retention disk for as
        // long as the compliance policy says: the lock would outlive the
        // retention.
        if day % 30 == 11 {
            if let Some(today) = account
                .short_disk
                .and_then(|d| self.disks[d].today.as_ref())
            {
                let command = LockSnapshot::new(today.clone(), COMPLIANCE_LOCK_DAYS, 0);
                let expect = Expect::Refused(&[RuleId::Lock4]);
                self.engine.apply(t, &account.owner, command, expect);
            }
        }
    }
}
