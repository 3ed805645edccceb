//! A focused generator over a small world, and the simulation that runs
//! it, records the lineage of every accepted step and checks the
//! properties after each.
//!
//! The world: regions `cn-hangzhou` and `cn-shanghai`; accounts 1001 and
//! 2001 (China site), both with KMS activated and a customer master key in
//! each region (`k-1`, `k-2` of 1001; `k-3`, `k-4` of 2001); 1001's
//! share-encrypted-snapshot role trusting 2001; 1001's user `alice`,
//! allowed everything but denied everything on 1001's snapshot `s-secret`;
//! 1001's imported image `img-i`, its disk `d-i` built from it and the
//! snapshot `s-i` of that disk; 1001's unencrypted disk `d-0` with the
//! snapshot `s-secret`, its disk `d-e` encrypted with `k-1` with the
//! snapshot `s-e`, and 2001's blank disk `d-x`. Every snapshot is
//! permanent, so nothing expires.
//!
//! Each step, a minute after the last, is one of: a disk (blank, from a
//! snapshot or from an image, in the source's region or not, unencrypted,
//! with the service key or a customer key), a snapshot of a disk (mostly
//! completed at once), the completion of a snapshot or copy in progress,
//! a custom image, a copy (standard or encrypted, same or other region, by
//! the owner or the other account), a share (a new one naming the other
//! account or nobody, a snapshot added to one, a principal named for
//! one), an acceptance, a roll-back. 1001 acts as its root or as `alice`;
//! when `alice` acts, the denied snapshot is often the one she names.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use snapguard::{
    AcceptResourceShare, AccountId, ActivateKms, Actor, AssociateResourceShare, Command,
    CopySnapshot, CreateAccount, CreateDisk, CreateImage, CreateKey, CreateRegion,
    CreateResourceShare, CreateSnapshot, CreateUser, DiskCategory, DiskSource, Encryption, Event,
    FinishSnapshot, ImportImage, Principal, PrincipalScope, ResetDisk, SetEncryptedShareRole, Site,
    SnapshotOutcome, SnapshotStatus, StandardCopyProblem, State, Statement, Unshareable, Violation,
};

use crate::model::{
    Info, Model, Node, check_denied, check_encryption, check_never_read, check_provenance, in_state,
};

pub const HZ: &str = "cn-hangzhou";
pub const SH: &str = "cn-shanghai";
pub const OWNER: &str = "1001";
pub const OTHER: &str = "2001";
/// The snapshot `alice` is denied on.
pub const DENIED: &str = "s-secret";

pub fn alice() -> Actor {
    Actor::user(OWNER, "alice")
}

fn root(account: &str) -> Actor {
    Actor::root(account)
}

fn other_account(account: &str) -> &'static str {
    if account == OWNER { OTHER } else { OWNER }
}

fn other_region(region: &str) -> &'static str {
    if region == HZ { SH } else { HZ }
}

/// The customer master key of `account` in `region`.
fn key_of(account: &str, region: &str) -> Encryption {
    let key = match (account == OWNER, region == HZ) {
        (true, true) => "k-1",
        (true, false) => "k-2",
        (false, true) => "k-3",
        (false, false) => "k-4",
    };
    Encryption::CustomerKey(key.into())
}

/// One generated step: its kind and the choices it is resolved with
/// against the state reached.
#[derive(Debug, Clone)]
pub struct Op {
    pub kind: u8,
    pub choices: [u8; 16],
}

/// Histories of 20 to 50 steps.
pub fn ops() -> impl Strategy<Value = Vec<Op>> {
    vec(
        (any::<u8>(), any::<[u8; 16]>()).prop_map(|(kind, choices)| Op { kind, choices }),
        20..=50,
    )
}

/// A cursor over a step's choices; past the end every choice is 0.
struct Pick<'a> {
    bytes: &'a [u8],
    next: usize,
}

impl Pick<'_> {
    fn below(&mut self, n: usize) -> usize {
        let byte = self.bytes.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        usize::from(byte) * n / 256
    }

    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> Option<&'t T> {
        items.get(self.below(items.len()))
    }
}

/// Which properties a run checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    pub encryption: bool,
    pub provenance: bool,
    pub denied: bool,
    pub never_read: bool,
}

/// How often each situation was reached.
#[derive(Debug, Default)]
pub struct Stats {
    pub seen: BTreeMap<&'static str, usize>,
}

impl Stats {
    pub fn saw(&mut self, what: &'static str) {
        *self.seen.entry(what).or_default() += 1;
    }

    pub fn add(&mut self, other: &Stats) {
        for (what, n) in &other.seen {
            *self.seen.entry(what).or_default() += n;
        }
    }
}

/// What a step of `alice` would do with the denied snapshot.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    Disk,
    Image,
    Copy,
    RollBack,
    NewShare,
    AddedToShare,
    Principal,
}

impl Attempt {
    fn refused(self) -> &'static str {
        match self {
            Self::Disk => "alice refused a disk from the denied snapshot",
            Self::Image => "alice refused an image of the denied snapshot",
            Self::Copy => "alice refused a copy of the denied snapshot",
            Self::RollBack => "alice refused a roll-back to the denied snapshot",
            Self::NewShare => "alice refused a new share of the denied snapshot",
            Self::AddedToShare => "alice refused adding the denied snapshot to a share",
            Self::Principal => "alice refused a principal for a share holding the denied snapshot",
        }
    }
}

/// A built step: who issues what, and whether to complete at once the
/// snapshot or copy it makes, or to take and complete a snapshot of the
/// disk it makes.
struct Built {
    actor: Actor,
    command: Command,
    finish: bool,
}

pub struct Sim {
    pub state: State,
    pub now: DateTime<Utc>,
    pub model: Model,
    pub stats: Stats,
    checks: Checks,
    fresh: u32,
    /// The nodes in the order they were made.
    order: Vec<Node>,
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
            setup.push((
                Actor::Platform,
                CreateRegion {
                    region: region.into(),
                }
                .into(),
            ));
        }
        for account in [OWNER, OTHER] {
            setup.push((
                Actor::Platform,
                CreateAccount {
                    account: account.into(),
                    site: Site::China,
                }
                .into(),
            ));
            setup.push((root(account), ActivateKms {}.into()));
            for region in [HZ, SH] {
                let Encryption::CustomerKey(key) = key_of(account, region) else {
                    unreachable!()
                };
                setup.push((
                    root(account),
                    CreateKey {
                        key,
                        region: region.into(),
                    }
                    .into(),
                ));
            }
        }
        let owner = root(OWNER);
        setup.push((
            owner.clone(),
            SetEncryptedShareRole {
                trusted: [AccountId::new(OTHER)].into(),
            }
            .into(),
        ));
        setup.push((
            owner.clone(),
            CreateUser {
                user: "alice".into(),
                statements: vec![
                    Statement::allow(["*"], ["*"]),
                    Statement::deny(["*"], [format!("acs:ecs:*:{OWNER}:snapshot/{DENIED}")]),
                ],
            }
            .into(),
        ));
        setup.push((
            owner.clone(),
            ImportImage {
                image: "img-i".into(),
                region: HZ.into(),
            }
            .into(),
        ));
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
                CreateDisk {
                    disk: disk.into(),
                    region: HZ.into(),
                    category: DiskCategory::Essd,
                    size_gib: 40,
                    encryption,
                    source,
                }
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

    /// Runs the ops, checking after each; the first property broken.
    pub fn run(&mut self, ops: &[Op]) -> Result<(), String> {
        self.check()?;
        for op in ops {
            self.step(op)?;
        }
        Ok(())
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}-{}", self.fresh)
    }

    /// The nodes of a kind still in the state, in id order.
    fn live(&self, kind: fn(&Node) -> Option<&String>) -> Vec<String> {
        self.model
            .nodes
            .keys()
            .filter(|n| in_state(&self.state, n).is_some())
            .filter_map(kind)
            .cloned()
            .collect()
    }

    fn snapshots(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Snapshot(id) => Some(id),
            _ => None,
        })
    }

    fn disks(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Disk(id) => Some(id),
            _ => None,
        })
    }

    fn images(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Image(id) => Some(id),
            _ => None,
        })
    }

    /// 1001's root, or `alice` about two times in five; 2001's root.
    fn actor_for(account: &str, p: &mut Pick<'_>) -> Actor {
        if account == OWNER && p.percent(40) {
            alice()
        } else {
            root(account)
        }
    }

    /// A live snapshot: for `alice`, the denied one a third of the time;
    /// otherwise, one time in four, one whose data came from encrypted or
    /// imported data, so that long chains of both are built and used.
    fn snapshot_for(&self, actor: &Actor, p: &mut Pick<'_>) -> Option<String> {
        let live = self.snapshots();
        if *actor == alice() && p.percent(33) && live.iter().any(|s| s == DENIED) {
            return Some(DENIED.to_owned());
        }
        if p.percent(20) {
            let newest = self.newest(|n| match n {
                Node::Snapshot(id) => Some(id),
                _ => None,
            });
            if newest.is_some() {
                return newest;
            }
        }
        if p.percent(25) {
            let interesting: Vec<String> = live
                .iter()
                .filter(|s| {
                    let node = Node::Snapshot((*s).clone());
                    self.model.holds_imported(&node) || self.model.encrypted_source(&node).is_some()
                })
                .cloned()
                .collect();
            if let Some(found) = p.pick(&interesting) {
                return Some(found.clone());
            }
        }
        p.pick(&live).cloned()
    }

    /// For 2001, half the time, a snapshot shared with it now, if any.
    fn shared_with(&self, account: &str, p: &mut Pick<'_>) -> Option<String> {
        if account != OTHER || !p.percent(50) {
            return None;
        }
        let shared: Vec<String> = self
            .state
            .visible_snapshots(&account.into(), self.now)
            .into_iter()
            .filter(|v| v.owner.as_str() != account)
            .map(|v| v.snapshot.as_str().to_owned())
            .collect();
        p.pick(&shared).cloned()
    }

    /// A live image: a third of the time the one made last, otherwise two
    /// times in five a custom image made from a snapshot (not the imported
    /// one), if any.
    fn image_for(&self, p: &mut Pick<'_>) -> Option<String> {
        if p.percent(33) {
            let newest = self.newest(|n| match n {
                Node::Image(id) => Some(id),
                _ => None,
            });
            if newest.is_some() {
                return newest;
            }
        }
        let images = self.images();
        if p.percent(40) {
            let custom: Vec<String> = images
                .iter()
                .filter(|i| {
                    self.model.nodes[&Node::Image((*i).clone())]
                        .parent
                        .is_some()
                })
                .cloned()
                .collect();
            if let Some(found) = p.pick(&custom) {
                return Some(found.clone());
            }
        }
        p.pick(&images).cloned()
    }

    /// The live node of a kind made last.
    fn newest(&self, kind: fn(&Node) -> Option<&String>) -> Option<String> {
        self.order
            .iter()
            .rev()
            .filter(|n| in_state(&self.state, n).is_some())
            .find_map(kind)
            .cloned()
    }

    fn snapshot_region(&self, id: &str) -> String {
        self.state
            .snapshot(&id.into())
            .map_or(HZ.to_owned(), |s| s.region.as_str().to_owned())
    }

    fn snapshot_owner(&self, id: &str) -> String {
        self.state
            .snapshot(&id.into())
            .map_or(OWNER.to_owned(), |s| s.owner.as_str().to_owned())
    }

    fn step(&mut self, op: &Op) -> Result<(), String> {
        self.now += TimeDelta::minutes(1);
        let mut p = Pick {
            bytes: &op.choices,
            next: 0,
        };
        let weights = [6, 5, 2, 3, 4, 5, 2, 1];
        let total: usize = weights.iter().sum();
        let mut draw = usize::from(op.kind) * total / 256;
        let mut kind = 0;
        for (index, weight) in weights.iter().enumerate() {
            if draw < *weight {
                kind = index;
                break;
            }
            draw -= weight;
        }
        let built = match kind {
            0 => self.create_disk(&mut p),
            1 => self.create_snapshot(&mut p),
            2 => self.finish_pending(&mut p),
            3 => self.create_image(&mut p),
            4 => self.copy(&mut p),
            5 => self.share(&mut p),
            6 => self.accept(&mut p),
            _ => self.reset(&mut p),
        };
        let Some(built) = built else {
            return self.check();
        };
        let (disk, mut made) = match &built.command {
            Command::CreateDisk(c) => (Some(c.disk.as_str().to_owned()), None),
            Command::CreateSnapshot(c) => (None, Some(c.snapshot.as_str().to_owned())),
            Command::CopySnapshot(c) => (None, Some(c.snapshot.as_str().to_owned())),
            _ => (None, None),
        };
        let accepted = self.exec(&built.actor, built.command).is_ok();
        self.check()?;
        if !(accepted && built.finish) {
            return Ok(());
        }
        if let Some(disk) = disk {
            // A snapshot of the new disk, by the same actor.
            let snapshot = self.fresh("s");
            if self
                .exec(&built.actor, snapshot_of(&snapshot, &disk))
                .is_err()
            {
                return Ok(());
            }
            self.check()?;
            made = Some(snapshot);
        }
        if let Some(made) = made {
            self.exec(&Actor::Platform, finish(&made))
                .map_err(|v| format!("completing {made} refused: {v}"))?;
        }
        self.check()
    }

    fn check(&self) -> Result<(), String> {
        if self.checks.encryption {
            check_encryption(&self.state, &self.model)?;
        }
        if self.checks.provenance {
            check_provenance(&self.state, &self.model, self.now)?;
        }
        if self.checks.denied {
            check_denied(
                &self.state,
                &self.model,
                DENIED,
                &alice(),
                &AccountId::new(OWNER),
            )?;
        }
        if self.checks.never_read {
            check_never_read(&self.model, &alice(), DENIED)?;
        }
        Ok(())
    }

    // ------------------------------------------------------------ builders

    fn create_disk(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(70) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let (source, source_region) = match p.below(10) {
            0..=1 => (DiskSource::Blank, None),
            2..=6 => {
                let snapshot = match self.shared_with(account, p) {
                    Some(shared) => shared,
                    None => self.snapshot_for(&actor, p)?,
                };
                let region = self.snapshot_region(&snapshot);
                (DiskSource::Snapshot(snapshot.as_str().into()), Some(region))
            }
            _ => {
                let image = self.image_for(p)?;
                let region = self
                    .state
                    .image(&image.as_str().into())
                    .map_or(HZ.to_owned(), |i| i.region.as_str().to_owned());
                (DiskSource::Image(image.as_str().into()), Some(region))
            }
        };
        let region = match source_region {
            Some(region) if p.percent(85) => region,
            Some(region) => other_region(&region).to_owned(),
            None => [HZ, SH][p.below(2)].to_owned(),
        };
        let encryption = match p.below(20) {
            0..=9 => Encryption::Unencrypted,
            10..=13 => Encryption::ServiceKey,
            14..=18 => key_of(account, &region),
            _ => key_of(other_account(account), &region),
        };
        let category = if p.percent(90) {
            DiskCategory::Essd
        } else {
            DiskCategory::Ssd
        };
        let command = CreateDisk {
            disk: self.fresh("d").into(),
            region: region.as_str().into(),
            category,
            size_gib: 40,
            encryption,
            source,
        };
        Some(Built {
            actor,
            command: command.into(),
            finish: p.percent(35),
        })
    }

    fn create_snapshot(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let newest = self.newest(|n| match n {
            Node::Disk(id) => Some(id),
            _ => None,
        });
        let disk = match newest {
            Some(newest) if p.percent(40) => newest,
            _ => p.pick(&self.disks())?.clone(),
        };
        let owner = self
            .state
            .disk(&disk.as_str().into())
            .map(|d| d.owner.as_str().to_owned())?;
        let actor = Self::actor_for(&owner, p);
        let id = self.fresh("s");
        Some(Built {
            actor,
            command: snapshot_of(&id, &disk),
            finish: p.percent(85),
        })
    }

    fn finish_pending(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let pending: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| {
                self.state
                    .snapshot(&s.as_str().into())
                    .is_some_and(|s| s.status == SnapshotStatus::InProgress)
            })
            .collect();
        let snapshot = p.pick(&pending)?.clone();
        Some(Built {
            actor: Actor::Platform,
            command: finish(&snapshot),
            finish: false,
        })
    }

    fn create_image(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(85) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let mut snapshot = self.snapshot_for(&actor, p)?;
        // Mostly one of the account's own.
        if self.snapshot_owner(&snapshot) != account && p.percent(70) {
            let own: Vec<String> = self
                .snapshots()
                .into_iter()
                .filter(|s| self.snapshot_owner(s) == account)
                .collect();
            snapshot = p.pick(&own).cloned().unwrap_or(snapshot);
        }
        let command = CreateImage {
            image: self.fresh("m").into(),
            snapshot: snapshot.as_str().into(),
        };
        Some(Built {
            actor,
            command: command.into(),
            finish: false,
        })
    }

    fn copy(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(65) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let source = match self.shared_with(account, p) {
            Some(shared) => shared,
            None => self.snapshot_for(&actor, p)?,
        };
        let source_region = self.snapshot_region(&source);
        let region = if p.percent(50) {
            source_region
        } else {
            other_region(&source_region).to_owned()
        };
        let encryption = match p.below(20) {
            0..=7 => Encryption::Unencrypted,
            8..=11 => Encryption::ServiceKey,
            12..=18 => key_of(account, &region),
            _ => self
                .state
                .snapshot(&source.as_str().into())
                .map_or(Encryption::ServiceKey, |s| s.encryption.clone()),
        };
        let command = CopySnapshot {
            source: source.as_str().into(),
            snapshot: self.fresh("c").into(),
            region: region.as_str().into(),
            encryption,
            retention_days: None,
        };
        Some(Built {
            actor,
            command: command.into(),
            finish: p.percent(85),
        })
    }

    fn share(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let shares: Vec<(String, String)> = self
            .state
            .resource_shares()
            .map(|s| (s.id.as_str().to_owned(), s.owner.as_str().to_owned()))
            .collect();
        let sub = p.below(10);
        if let (4..=9, Some((share, owner))) = (sub, p.pick(&shares).cloned()) {
            let actor = Self::actor_for(&owner, p);
            let principal = Principal::Account(other_account(&owner).into());
            let command = if sub <= 6 {
                let snapshot = self.snapshot_for(&actor, p)?;
                AssociateResourceShare {
                    share: share.as_str().into(),
                    principals: Vec::new(),
                    snapshots: vec![snapshot.as_str().into()],
                }
            } else {
                AssociateResourceShare {
                    share: share.as_str().into(),
                    principals: vec![principal],
                    snapshots: Vec::new(),
                }
            };
            return Some(Built {
                actor,
                command: command.into(),
                finish: false,
            });
        }
        let account = if p.percent(85) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let snapshot = self.snapshot_for(&actor, p)?;
        let owner = self.snapshot_owner(&snapshot);
        let principals = if p.percent(75) {
            vec![Principal::Account(other_account(&owner).into())]
        } else {
            Vec::new()
        };
        let command = CreateResourceShare {
            share: self.fresh("rs").into(),
            scope: PrincipalScope::AllAccounts,
            principals,
            snapshots: vec![snapshot.as_str().into()],
        };
        Some(Built {
            actor,
            command: command.into(),
            finish: false,
        })
    }

    fn accept(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let pending: Vec<(String, String)> = self
            .state
            .resource_shares()
            .flat_map(|s| {
                s.principals
                    .iter()
                    .filter_map(move |principal| match principal {
                        Principal::Account(account) if !s.accepted.contains(account) => {
                            Some((s.id.as_str().to_owned(), account.as_str().to_owned()))
                        }
                        _ => None,
                    })
            })
            .collect();
        let (share, account) = p.pick(&pending)?.clone();
        Some(Built {
            actor: root(&account),
            command: AcceptResourceShare {
                share: share.as_str().into(),
            }
            .into(),
            finish: false,
        })
    }

    fn reset(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let disk = p.pick(&self.disks())?.clone();
        let owner = self
            .state
            .disk(&disk.as_str().into())
            .map(|d| d.owner.as_str().to_owned())?;
        let actor = Self::actor_for(&owner, p);
        let own: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| {
                let parent = self.model.nodes[&Node::Snapshot(s.clone())].parent.as_ref();
                parent.and_then(Node::disk) == Some(disk.as_str())
            })
            .collect();
        let snapshot = match p.pick(&own) {
            Some(own) if p.percent(70) => own.clone(),
            _ => self.snapshot_for(&actor, p)?,
        };
        Some(Built {
            actor,
            command: ResetDisk {
                disk: disk.as_str().into(),
                snapshot: snapshot.as_str().into(),
            }
            .into(),
            finish: false,
        })
    }

    // ------------------------------------------------------------ running

    /// What the step would do with the denied snapshot, when `alice`
    /// issues it: read its data (a disk, image or copy of it, a roll-back
    /// to it), or expose it to sharing (put it into a share that does not
    /// hold it yet, or name a new principal for a share holding it).
    /// Naming what a share already holds changes nothing and is not
    /// counted. Used to count the attempts; what an accepted step did is
    /// read from its events ([`Sim::exposed`]).
    fn reads_denied(&self, actor: &Actor, command: &Command) -> Option<Attempt> {
        if *actor != alice() {
            return None;
        }
        let denied = |id: &snapguard::SnapshotId| id.as_str() == DENIED;
        match command {
            Command::CreateDisk(c) => {
                matches!(&c.source, DiskSource::Snapshot(s) if denied(s)).then_some(Attempt::Disk)
            }
            Command::CreateImage(c) => denied(&c.snapshot).then_some(Attempt::Image),
            Command::CopySnapshot(c) => denied(&c.source).then_some(Attempt::Copy),
            Command::ResetDisk(c) => denied(&c.snapshot).then_some(Attempt::RollBack),
            Command::CreateResourceShare(c) => {
                c.snapshots.iter().any(denied).then_some(Attempt::NewShare)
            }
            Command::AssociateResourceShare(c) => {
                let share = self.state.resource_share(&c.share)?;
                let holds = share.snapshots.keys().any(denied);
                let added = !holds && c.snapshots.iter().any(denied);
                let named = c.principals.iter().any(|p| !share.principals.contains(p));
                if added {
                    Some(Attempt::AddedToShare)
                } else if holds && named {
                    Some(Attempt::Principal)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Whether the events of a step put the denied snapshot into a share
    /// or named a principal for a share that held it before the step.
    fn exposed(before: &State, events: &[Event]) -> bool {
        events.iter().any(|event| match event {
            Event::SnapshotShared { snapshot, .. } => snapshot.as_str() == DENIED,
            Event::SharePrincipalAdded { share, .. } => before
                .resource_share(share)
                .is_some_and(|s| s.snapshots.keys().any(|id| id.as_str() == DENIED)),
            _ => false,
        })
    }

    /// [`Sim::exec`], for the tests that build a state step by step.
    pub fn exec_for_test(
        &mut self,
        actor: &Actor,
        command: Command,
    ) -> Result<Vec<Event>, Violation> {
        self.exec(actor, command)
    }

    /// Applies a command, records the lineage of what it made if accepted,
    /// and counts what it reached.
    fn exec(&mut self, actor: &Actor, command: Command) -> Result<Vec<Event>, Violation> {
        let attempt = self.reads_denied(actor, &command);
        let before = self.state.clone();
        let result = self.state.apply_mut(self.now, actor, &command);
        match &result {
            Ok(events) => {
                self.record(actor, &command);
                let exposed = *actor == alice() && Self::exposed(&before, events);
                let read = matches!(
                    attempt,
                    Some(Attempt::Disk | Attempt::Image | Attempt::Copy | Attempt::RollBack)
                );
                let step = format!("{command:?} with {events:?}");
                if exposed {
                    self.model.exposed_by_user.push(step.clone());
                }
                if exposed || read {
                    self.model.read_by_user.push(step);
                }
            }
            Err(violation) => {
                if let Some(attempt) = attempt {
                    self.stats.saw(attempt.refused());
                }
                self.count_refusal(violation);
            }
        }
        result
    }

    /// Records the node an accepted command made.
    fn record(&mut self, actor: &Actor, command: &Command) {
        let (node, parent, imported) = match command {
            Command::CreateDisk(c) => {
                let parent = match &c.source {
                    DiskSource::Blank => None,
                    DiskSource::Snapshot(s) => Some(Node::Snapshot(s.as_str().to_owned())),
                    DiskSource::Image(i) => Some(Node::Image(i.as_str().to_owned())),
                };
                self.count_disk(actor, c, parent.as_ref());
                (Node::Disk(c.disk.as_str().to_owned()), parent, false)
            }
            Command::CreateSnapshot(c) => (
                Node::Snapshot(c.snapshot.as_str().to_owned()),
                Some(self.model.current_of(c.disk.as_str())),
                false,
            ),
            Command::ResetDisk(c) => {
                self.fresh += 1;
                (
                    Node::Rollback(c.disk.as_str().to_owned(), self.fresh),
                    Some(Node::Snapshot(c.snapshot.as_str().to_owned())),
                    false,
                )
            }
            Command::CopySnapshot(c) => {
                if actor_account(actor) != self.snapshot_owner(c.source.as_str()) {
                    self.stats.saw("sharee copied a shared snapshot");
                }
                (
                    Node::Snapshot(c.snapshot.as_str().to_owned()),
                    Some(Node::Snapshot(c.source.as_str().to_owned())),
                    false,
                )
            }
            Command::CreateImage(c) => {
                let parent = Node::Snapshot(c.snapshot.as_str().to_owned());
                if self.model.nodes.get(&parent).is_some_and(|i| i.encrypted) {
                    self.stats.saw("image of an encrypted snapshot");
                }
                if self.model.holds_imported(&parent) {
                    self.stats.saw("image of imported data");
                }
                (
                    Node::Image(c.image.as_str().to_owned()),
                    Some(parent),
                    false,
                )
            }
            Command::ImportImage(c) => (Node::Image(c.image.as_str().to_owned()), None, true),
            Command::CreateResourceShare(_) | Command::AssociateResourceShare(_) => {
                self.count_shared();
                return;
            }
            _ => return,
        };
        let encrypted = in_state(&self.state, &node)
            .is_some_and(|(_, encryption)| encryption != Encryption::Unencrypted);
        self.order.push(node.clone());
        self.model.record(
            node,
            Info {
                parent,
                by: actor.clone(),
                encrypted,
                imported,
            },
        );
    }

    fn count_disk(&mut self, actor: &Actor, c: &CreateDisk, parent: Option<&Node>) {
        let Some(parent) = parent else {
            return;
        };
        let encrypted_source = self.model.nodes.get(parent).is_some_and(|i| i.encrypted);
        if let (Node::Image(_), true) = (parent, encrypted_source) {
            self.stats.saw("encrypted disk from an encrypted image");
        }
        if let Node::Snapshot(id) = parent {
            if actor_account(actor) != self.snapshot_owner(id) {
                self.stats
                    .saw("sharee created a disk from a shared snapshot");
            }
        }
        if let Node::Image(_) = parent {
            let custom = self
                .model
                .nodes
                .get(parent)
                .is_some_and(|i| i.parent.is_some());
            if custom && self.model.holds_imported(parent) {
                self.stats.saw("disk from a custom image of imported data");
            }
        }
        if self.model.holds_imported(parent) && c.source != DiskSource::Image("img-i".into()) {
            self.stats
                .saw("disk from imported data, not from the image itself");
        }
    }

    /// After an accepted share step: what the shares now hold.
    fn count_shared(&mut self) {
        let denied = Node::Snapshot(DENIED.to_owned());
        let shared: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| self.state.is_shared(&s.as_str().into()))
            .collect();
        for id in shared {
            let node = Node::Snapshot(id);
            if node == denied {
                self.stats.saw("the denied snapshot shared by the root");
            } else if self.model.first_hop(&node, &denied).is_some() {
                self.stats
                    .saw("a snapshot descending from the denied one shared");
            }
            if self.model.encrypted_source(&node).is_some() {
                self.stats.saw("a snapshot of encrypted data shared");
            }
        }
    }

    fn count_refusal(&mut self, violation: &Violation) {
        match violation {
            Violation::UnencryptedFromEncryptedImage { .. } => {
                self.stats
                    .saw("DISK-1 refused an unencrypted disk from an encrypted image");
            }
            Violation::UnencryptedFromEncrypted { .. } => {
                self.stats
                    .saw("DISK-1 refused an unencrypted disk from an encrypted snapshot");
            }
            Violation::ImageRegionMismatch { .. } => {
                self.stats
                    .saw("DISK-1 refused a disk in another region than its image");
            }
            Violation::StandardCopyRefused {
                problem: StandardCopyProblem::EncryptedSource { .. },
                ..
            } => self
                .stats
                .saw("COPY-2 refused a standard copy of encrypted data"),
            Violation::SharedKeyNotChanged { .. } => {
                self.stats.saw("SHARE-11 refused the shared key");
            }
            Violation::NotShareable {
                snapshot,
                reason: Unshareable::ImportedImageDisk,
            } => {
                self.stats.saw("SHARE-5 refused imported data");
                self.count_imported_path(&Node::Snapshot(snapshot.as_str().to_owned()));
            }
            Violation::PermissionDenied {
                explicit_deny: true,
                ..
            } => self.stats.saw("explicit Deny"),
            _ => {}
        }
    }

    /// Which paths the imported data of a snapshot refused by SHARE-5 took.
    fn count_imported_path(&mut self, node: &Node) {
        let lineage: Vec<Node> = self.model.lineage(node).into_iter().cloned().collect();
        let parent_of = |n: &Node| self.model.nodes.get(n).and_then(|i| i.parent.clone());
        let mut via = Vec::new();
        for n in &lineage {
            match (n, parent_of(n)) {
                (Node::Disk(_), Some(Node::Snapshot(_))) => {
                    via.push("(a) via a disk from a snapshot")
                }
                (Node::Image(_), Some(Node::Snapshot(_))) => via.push("(b) via a custom image"),
                (Node::Snapshot(_), Some(Node::Snapshot(_))) => via.push("(c) via a copy"),
                _ => {}
            }
        }
        if via.is_empty() {
            self.stats
                .saw("SHARE-5 imported: snapshot of the disk built from the image");
        }
        via.sort_unstable();
        via.dedup();
        for what in via {
            self.stats.saw(match what {
                "(a) via a disk from a snapshot" => {
                    "SHARE-5 imported: (a) via a disk from a snapshot"
                }
                "(b) via a custom image" => "SHARE-5 imported: (b) via a custom image",
                _ => "SHARE-5 imported: (c) via a copy",
            });
        }
    }
}

fn actor_account(actor: &Actor) -> String {
    match actor {
        Actor::Root { account } | Actor::User { account, .. } => account.as_str().to_owned(),
        _ => String::new(),
    }
}

fn snapshot_of(snapshot: &str, disk: &str) -> Command {
    CreateSnapshot {
        snapshot: snapshot.into(),
        disk: disk.into(),
        retention_days: None,
        tags: Default::default(),
        instant_access: false,
    }
    .into()
}

fn finish(snapshot: &str) -> Command {
    FinishSnapshot {
        snapshot: snapshot.into(),
        outcome: SnapshotOutcome::Available { size_gib: 10 },
    }
    .into()
}
