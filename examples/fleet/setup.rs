//! The fleet: its regions, accounts, disks and shares, registered at the
//! start, and how many disks follow each policy.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use snapguard::{
    AcceptResourceShare, AccountId, Actor, Command, CreateAccount, CreateDisk, CreateRegion,
    CreateResourceShare, DiskCategory, DiskId, Limits, Principal, PrincipalScope, ShareId, Site,
    State,
};

use crate::Error;
use crate::engine::{Engine, Expect};
use crate::scenario::{
    ACCOUNTS, AUTO_LIMIT, COMPLIANCE_LOCK_DAYS, DISKS_PER_ACCOUNT, FleetAccount, FleetDisk,
    OVERLOCK_DAYS, Policy, REGIONS, SEED, SplitMix,
};
use crate::tally::Tally;

pub(crate) struct Fleet {
    pub(crate) engine: Engine,
    pub(crate) accounts: Vec<FleetAccount>,
    pub(crate) disks: Vec<FleetDisk>,
    pub(crate) rng: SplitMix,
}

impl Fleet {
    /// Registers the regions, accounts, disks and shares, at `now`.
    pub(crate) fn new(now: DateTime<Utc>) -> Result<Self, Error> {
        let mut limits = Limits::default();
        limits.auto_snapshots_per_disk = AUTO_LIMIT;
        let mut fleet = Self {
            engine: Engine {
                state: State::with_limits(limits)?,
                tally: Tally::default(),
            },
            accounts: Vec::with_capacity(ACCOUNTS),
            disks: Vec::with_capacity(ACCOUNTS * DISKS_PER_ACCOUNT),
            rng: SplitMix(SEED),
        };
        let platform = Actor::Platform;
        for region in REGIONS {
            let command = CreateRegion::new(region);
            fleet.must(now, &platform, command)?;
        }
        for a in 0..ACCOUNTS {
            let id = AccountId::new(format!("{}", 1000 + a));
            let command = CreateAccount::new(id.clone(), Site::China);
            fleet.must(now, &platform, command)?;
            fleet.accounts.push(FleetAccount {
                owner: Actor::root(id.clone()),
                share: ShareId::new(format!("rs-{id}")),
                id,
                region: a % 2,
                greedy: a % 50 == 7,
                shared: VecDeque::new(),
                shared_today: None,
                short_disk: None,
                kept_copy: None,
            });
        }
        for a in 0..ACCOUNTS {
            for n in 0..DISKS_PER_ACCOUNT {
                fleet.add_disk(now, a, n)?;
            }
        }
        // Each account shares with the next, which accepts; accounts
        // alternate regions, so a sharee's copies cross regions.
        for a in 0..ACCOUNTS {
            let sharee = (a + 1) % ACCOUNTS;
            let owner = fleet.accounts[a].owner.clone();
            let command = CreateResourceShare::new(
                fleet.accounts[a].share.clone(),
                PrincipalScope::AllAccounts,
            )
            .principal(Principal::Account(fleet.accounts[sharee].id.clone()));
            fleet.must(now, &owner, command)?;
            let accept = AcceptResourceShare::new(fleet.accounts[a].share.clone());
            let sharee = fleet.accounts[sharee].owner.clone();
            fleet.must(now, &sharee, accept)?;
        }
        Ok(fleet)
    }

    pub(crate) fn add_disk(&mut self, now: DateTime<Utc>, a: usize, n: usize) -> Result<(), Error> {
        let index = self.disks.len();
        let roll = self.rng.below(1000);
        let policy = match roll {
            0..2 => Policy::OverLocked,
            2..52 => Policy::Compliance,
            52..202 => Policy::Rotated,
            _ => Policy::Retained {
                // 7 to 30 days.
                days: 7 + u32::try_from(self.rng.below(24))?,
            },
        };
        let replicated = self.rng.below(100) < 2;
        let size_gib = 20 + self.rng.below(481);
        let account = &mut self.accounts[a];
        if account.short_disk.is_none() && matches!(policy, Policy::Retained { .. }) {
            account.short_disk = Some(index);
        }
        let id = DiskId::new(format!("d-{}-{n:02}", account.id));
        let command = CreateDisk::new(
            id.clone(),
            REGIONS[account.region],
            DiskCategory::Essd,
            size_gib,
        );
        let owner = account.owner.clone();
        self.must(now, &owner, command)?;
        self.disks.push(FleetDisk {
            id,
            account: a,
            policy,
            replicated,
            size_gib,
            today: None,
            last_locked: None,
        });
        Ok(())
    }

    /// A setup command, which must be accepted.
    pub(crate) fn must(
        &mut self,
        now: DateTime<Utc>,
        actor: &Actor,
        command: impl Into<Command>,
    ) -> Result<(), Error> {
        let command = command.into();
        let name = command.name();
        if self.engine.apply(now, actor, command, Expect::Accepted) {
            Ok(())
        } else {
            Err(format!(
                "setup: {name} refused: {:?}",
                self.engine.tally.surprise_notes
            )
            .into())
        }
    }

    /// How many disks follow each policy.
    pub(crate) fn policies(&self) -> String {
        let count =
            |wanted: fn(&FleetDisk) -> bool| self.disks.iter().filter(|d| wanted(d)).count();
        format!(
            "Disks: {} keep snapshots 7 to 30 days, {} permanently (rotated), {} permanently with a \
             weekly {COMPLIANCE_LOCK_DAYS}-day compliance lock, {} lock every snapshot for \
             {OVERLOCK_DAYS} days; {} are copied to the other region daily.",
            count(|d| matches!(d.policy, Policy::Retained { .. })),
            count(|d| d.policy == Policy::Rotated),
            count(|d| d.policy == Policy::Compliance),
            count(|d| d.policy == Policy::OverLocked),
            count(|d| d.replicated),
        )
    }
}
