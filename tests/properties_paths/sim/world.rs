//! The small world the histories run in (see `sim.rs`): its regions,
//! accounts, keys and actors, the set-up that builds it, and the commands
//! every part of the simulation issues in it.

use chrono::{TimeZone, Utc};
use snapguard::{
    AccountId, ActivateKms, Actor, Command, CreateAccount, CreateDisk, CreateKey, CreateRegion,
    CreateSnapshot, CreateUser, DiskCategory, DiskSource, Encryption, FinishSnapshot, ImportImage,
    SetEncryptedShareRole, Site, State, Statement,
};

use super::{Checks, Sim, Stats};
use crate::model::Model;

pub const HZ: &str = "cn-hangzhou";
pub const SH: &str = "cn-shanghai";
pub const OWNER: &str = "1001";
pub const OTHER: &str = "2001";
/// The snapshot `alice` is denied on.
pub const DENIED: &str = "s-secret";

pub fn alice() -> Actor {
    Actor::user(OWNER, "alice")
}

pub(super) fn root(account: &str) -> Actor {
    Actor::root(account)
}

pub(super) fn other_account(account: &str) -> &'static str {
    if account == OWNER { OTHER } else { OWNER }
}

pub(super) fn other_region(region: &str) -> &'static str {
    if region == HZ { SH } else { HZ }
}

/// The customer master key of `account` in `region`.
pub(super) fn key_of(account: &str, region: &str) -> Encryption {
    let key = match (account == OWNER, region == HZ) {
        (true, true) => "k-1",
        (true, false) => "k-2",
        (false, true) => "k-3",
        (false, false) => "k-4",
    };
    Encryption::CustomerKey(key.into())
}

impl Sim {
    /// The world after its set-up (see the module).
    pub fn new(checks: Checks) -> Self {
        let mut sim = Self {
            state: State::new(),
            now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            model: Model::default(),
            stats: Stats::default(),
            checks,
            fresh: 0,
            order: Vec::new(),
        };
        let mut setup: Vec<(Actor, Command)> = Vec::new();
        for region in [HZ, SH] {
            setup.push((Actor::Platform, CreateRegion::new(region).into()));
        }
        for account in [OWNER, OTHER] {
            setup.push((
                Actor::Platform,
                CreateAccount::new(account, Site::China).into(),
            ));
            setup.push((root(account), ActivateKms::new().into()));
            for region in [HZ, SH] {
                let Encryption::CustomerKey(key) = key_of(account, region) else {
                    unreachable!()
                };
                setup.push((root(account), CreateKey::new(key, region).into()));
            }
        }
        let owner = root(OWNER);
        setup.push((
            owner.clone(),
            SetEncryptedShareRole::new()
                .trust(AccountId::new(OTHER))
                .into(),
        ));
        setup.push((
            owner.clone(),
            CreateUser::new("alice")
                .statements([
                    Statement::allow(["*"], ["*"]),
                    Statement::deny(["*"], [format!("acs:ecs:*:{OWNER}:snapshot/{DENIED}")]),
                ])
                .into(),
        ));
        setup.push((owner.clone(), ImportImage::new("img-i", HZ).into()));
        let disks = [
            (OWNER, "d-0", Encryption::Unencrypted, DiskSource::Blank),
            (OWNER, "d-e", key_of(OWNER, HZ), DiskSource::Blank),
            (
                OWNER,
                "d-i",
                Encryption::Unencrypted,
                DiskSource::Image("img-i".into()),
            ),
            (OTHER, "d-x", Encryption::Unencrypted, DiskSource::Blank),
        ];
        for (account, disk, encryption, source) in disks {
            setup.push((
                root(account),
                CreateDisk::new(disk, HZ, DiskCategory::Essd, 40)
                    .encryption(encryption)
                    .source(source)
                    .into(),
            ));
        }
        for (disk, snapshot) in [("d-0", DENIED), ("d-e", "s-e"), ("d-i", "s-i")] {
            setup.push((owner.clone(), snapshot_of(snapshot, disk)));
            setup.push((Actor::Platform, finish(snapshot)));
        }
        for (actor, command) in setup {
            if let Err(v) = sim.exec(&actor, command.clone()) {
                panic!("set-up step {command:?} by {actor} refused: {v}");
            }
        }
        sim.stats = Stats::default();
        sim
    }
}

pub(super) fn actor_account(actor: &Actor) -> String {
    match actor {
        Actor::Root { account } | Actor::User { account, .. } => account.as_str().to_owned(),
        _ => String::new(),
    }
}

pub(super) fn snapshot_of(snapshot: &str, disk: &str) -> Command {
    CreateSnapshot::new(snapshot, disk).into()
}

pub(super) fn finish(snapshot: &str) -> Command {
    FinishSnapshot::available(snapshot, 10).into()
}
