//! The generator's world: the state a history has reached, the ids it has
//! given out, and the steps on snapshots, locks, disks and images.
//!
//! Each step is built against the state so far, so commands mostly name
//! objects that exist and are in a state the command can act on; the step
//! is then run, so the next one sees its effect.

use chrono::{DateTime, TimeDelta, Utc};

use super::choices::Choices;
use super::{History, HistoryConfig, Step};
use crate::{
    AccountId, Actor, ArchiveSnapshot, Command, CreateAccount, CreateAutomaticSnapshot, CreateDisk,
    CreateImage, CreateRegion, CreateSnapshot, CreateUser, DeleteImage, DeleteSnapshot,
    DiskCategory, DiskId, DiskSource, Encryption, FinishSnapshot, ImageId, LockSnapshot, RegionId,
    ReleaseDisk, ResetDisk, RetentionRequest, SetSnapshotRetention, Site, Snapshot, SnapshotId,
    SnapshotOutcome, SnapshotStatus, State, Statement, UnlockSnapshot, UserId,
};

/// The regions every history has.
const REGIONS: [&str; 2] = ["cn-hangzhou", "cn-shanghai"];

/// What a step builder returns: who issues which command, or nothing when
/// the state holds nothing the command could act on.
pub(super) type Built = Option<(Actor, Command)>;

/// The state a history has reached and the ids it has given out.
#[derive(Debug)]
pub(crate) struct World<'c> {
    pub(super) config: &'c HistoryConfig,
    pub(super) state: State,
    pub(super) now: DateTime<Utc>,
    /// Whether the step being built is hostile.
    pub(super) hostile: bool,
    steps: Vec<Step>,
    fresh: u64,
    pub(super) accounts: Vec<AccountId>,
    pub(super) disks: Vec<DiskId>,
    images: Vec<ImageId>,
    pub(super) given: Given,
}

/// Ids of the kinds the state has no iterator for, as given out.
#[derive(Debug, Default)]
pub(super) struct Given {
    pub(super) keys: Vec<crate::KeyId>,
    pub(super) policies: Vec<crate::BackupPolicyId>,
    pub(super) points: Vec<crate::BackupPointId>,
}

impl<'c> World<'c> {
    /// A world after the set-up: two regions, the accounts, a user `ops`
    /// allowed everything on its account's snapshots, and a disk each.
    ///
    /// `None` when the configuration's limits are incoherent: no state
    /// holds them ([`Limits::validate`](crate::Limits::validate)).
    pub(crate) fn new(config: &'c HistoryConfig) -> Option<Self> {
        let mut world = Self {
            config,
            state: State::with_limits(config.limits.clone()).ok()?,
            now: config.start,
            hostile: false,
            steps: Vec::new(),
            fresh: 0,
            accounts: Vec::new(),
            disks: Vec::new(),
            images: Vec::new(),
            given: Given::default(),
        };
        for region in REGIONS {
            let region = RegionId::from(region);
            world.run(Actor::Platform, CreateRegion { region }.into());
        }
        let count = config.accounts.clamp(1, 8);
        for n in 0..count {
            let account = AccountId::new(format!("{}", (u32::from(n) + 1).saturating_mul(1001)));
            let site = if n >= 2 && n.saturating_add(1) == count {
                Site::International
            } else {
                Site::China
            };
            world.accounts.push(account.clone());
            let create = CreateAccount {
                account: account.clone(),
                site,
            };
            world.run(Actor::Platform, create.into());
            let root = Actor::Root {
                account: account.clone(),
            };
            let snapshots = format!("acs:ecs:*:{account}:snapshot/*");
            let ops = CreateUser {
                user: UserId::from("ops"),
                statements: vec![Statement::allow(["ecs:*"], [snapshots])],
            };
            world.run(root.clone(), ops.into());
            let disk = world.new_disk_command();
            world.run(root, disk);
        }
        Some(world)
    }

    pub(crate) fn into_history(self) -> History {
        History {
            limits: self.config.limits.clone(),
            steps: self.steps,
        }
    }

    /// Runs `step` and records it, whatever its outcome.
    fn push(&mut self, step: Step) {
        // A refused step leaves the state as it was (GEN-3); both outcomes
        // belong to the history.
        let _outcome = step.run(&mut self.state);
        self.steps.push(step);
    }

    fn run(&mut self, actor: Actor, command: Command) {
        let at = self.now;
        self.push(Step::Apply { at, actor, command });
    }

    /// Builds, runs and records one step.
    pub(crate) fn step(&mut self, c: &mut Choices<'_>) {
        self.hostile = c.percent(self.config.hostile_percent);
        let at = self.next_instant(c);
        // Build the step against the state as it will be at `at`, after
        // the releases and expiries due by then, so it names objects that
        // will still exist; then run it on the state itself.
        let due = self.state.advance(at).map(|transition| transition.state);
        let current = match due {
            Ok(due) => Some(std::mem::replace(&mut self.state, due)),
            Err(_) => None,
        };
        let built = self.build(c);
        if let Some(current) = current {
            self.state = current;
        }
        let step = match built {
            Some((actor, command)) => {
                let actor = if self.hostile && c.percent(40) {
                    self.any_actor(c)
                } else {
                    actor
                };
                Step::Apply { at, actor, command }
            }
            None => Step::Advance { at },
        };
        self.push(step);
    }

    /// Builds a step of a kind drawn by weight: who issues which command.
    fn build(&mut self, c: &mut Choices<'_>) -> Built {
        let weights = [12, 12, 4, 7, 3, 2, 10, 4, 3, 1, 1, 2, 1, 10, 6, 6, 2, 4];
        match c.weighted(&weights) {
            0 => self.create_snapshot(c),
            1 => self.finish_snapshot(c),
            2 => self.create_automatic_snapshot(c),
            3 => self.delete_snapshot(c),
            4 => self.set_retention(c),
            5 => self.archive(c),
            6 => self.lock(c),
            7 => self.unlock(c),
            8 => self.create_disk(c),
            9 => self.release_disk(c),
            10 => self.reset_disk(c),
            11 => self.create_image(c),
            12 => self.delete_image(c),
            13 => self.sharing_step(c),
            14 => self.copy_step(c),
            15 => self.vault_step(c),
            16 => self.billing_step(c),
            _ => None,
        }
    }

    /// The instant of the next step: mostly soon after the last, sometimes
    /// days later, sometimes just around the next deadline; for a hostile
    /// step, sometimes before the clock (GEN-2).
    fn next_instant(&mut self, c: &mut Choices<'_>) -> DateTime<Utc> {
        if self.hostile && c.percent(15) {
            return later(self.state.clock().unwrap_or(self.now), -1);
        }
        let next = match c.weighted(&[4, 8, 4, 3]) {
            0 => self.now,
            1 => later(self.now, seconds(1, 3600, c)),
            2 => later(self.now, seconds(1, 240, c).saturating_mul(3600)),
            _ => match self.state.next_deadline() {
                Some(deadline) => {
                    let offset = i64::try_from(c.below(3)).unwrap_or(0).saturating_sub(1);
                    later(deadline, offset).max(self.now)
                }
                None => later(self.now, 3600),
            },
        };
        self.now = next;
        next
    }

    /// An id never given before, such as `s-12`.
    pub(super) fn fresh(&mut self, prefix: &str) -> String {
        self.fresh = self.fresh.saturating_add(1);
        format!("{prefix}-{}", self.fresh)
    }

    /// The root of `account`.
    pub(super) fn root(account: &AccountId) -> Actor {
        Actor::Root {
            account: account.clone(),
        }
    }

    /// Who acts on `account`'s resources: mostly its root, sometimes its
    /// user `ops`.
    pub(super) fn customer(account: &AccountId, c: &mut Choices<'_>) -> Actor {
        if c.percent(15) {
            Actor::User {
                account: account.clone(),
                user: UserId::from("ops"),
            }
        } else {
            Self::root(account)
        }
    }

    /// Any actor at all: a root, a user that may not exist, the platform
    /// or the billing process.
    fn any_actor(&mut self, c: &mut Choices<'_>) -> Actor {
        let account = self.account(c);
        match c.below(4) {
            0 => Self::root(&account),
            1 => Actor::User {
                account,
                user: UserId::from(if c.percent(50) { "ops" } else { "mallory" }),
            },
            2 => Actor::Platform,
            _ => Actor::Billing,
        }
    }

    pub(super) fn account(&mut self, c: &mut Choices<'_>) -> AccountId {
        c.pick(&self.accounts)
            .cloned()
            .unwrap_or_else(|| AccountId::from("1001"))
    }

    pub(super) fn region(&mut self, c: &mut Choices<'_>) -> RegionId {
        RegionId::from(c.pick(&REGIONS).copied().unwrap_or(REGIONS[0]))
    }

    /// A snapshot the state holds that `wanted` accepts; for a hostile
    /// step, sometimes an id that never existed.
    pub(super) fn snapshot(
        &mut self,
        c: &mut Choices<'_>,
        wanted: impl Fn(&Snapshot) -> bool,
    ) -> Option<Snapshot> {
        if self.hostile && c.percent(30) {
            return None;
        }
        let matching: Vec<&Snapshot> = self.state.snapshots().filter(|s| wanted(s)).collect();
        c.pick(&matching).map(|s| (*s).clone())
    }

    /// The id and owner of a snapshot `wanted` accepts; for a hostile step
    /// sometimes, and when there is none, an id that never existed; none
    /// for a peaceful step that finds nothing to act on.
    fn snapshot_id(
        &mut self,
        c: &mut Choices<'_>,
        wanted: impl Fn(&Snapshot) -> bool,
    ) -> Option<(SnapshotId, AccountId)> {
        match self.snapshot(c, wanted) {
            Some(snapshot) => Some((snapshot.id, snapshot.owner)),
            None if self.hostile => {
                let account = self.account(c);
                Some((SnapshotId::new(self.fresh("s")), account))
            }
            None => None,
        }
    }

    /// A disk the state holds, with its owner; for a hostile step
    /// sometimes, and when there is none, an id that never existed.
    pub(super) fn disk(&mut self, c: &mut Choices<'_>) -> Option<(DiskId, AccountId)> {
        let live: Vec<(DiskId, AccountId)> = self
            .disks
            .iter()
            .filter_map(|id| self.state.disk(id).map(|d| (d.id.clone(), d.owner.clone())))
            .collect();
        let unknown = self.hostile && c.percent(30);
        match c.pick(&live) {
            Some(found) if !unknown => Some(found.clone()),
            _ if self.hostile => {
                let account = self.account(c);
                Some((DiskId::new(self.fresh("d")), account))
            }
            _ => None,
        }
    }

    /// A number of days for a lock or retention: mostly in range, for a
    /// hostile step sometimes 0 or beyond any limit (GEN-5).
    pub(super) fn days(&mut self, c: &mut Choices<'_>) -> u32 {
        if self.hostile && c.percent(40) {
            return c.pick(&[0, 36_501, u32::MAX]).copied().unwrap_or(0);
        }
        c.pick(&[1, 2, 7, 30, 365]).copied().unwrap_or(1)
    }

    fn new_disk_command(&mut self) -> Command {
        let disk = DiskId::new(self.fresh("d"));
        self.disks.push(disk.clone());
        CreateDisk {
            disk,
            region: RegionId::from(REGIONS[0]),
            category: DiskCategory::Essd,
            size_gib: 40,
            encryption: Encryption::Unencrypted,
            source: DiskSource::Blank,
        }
        .into()
    }

    fn create_snapshot(&mut self, c: &mut Choices<'_>) -> Built {
        let (disk, owner) = self.disk(c)?;
        let retention_days = c.percent(30).then(|| self.days(c));
        let snapshot = SnapshotId::new(self.fresh("s"));
        let command = CreateSnapshot {
            snapshot,
            disk,
            retention_days,
            tags: Default::default(),
            instant_access: false,
        };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn create_automatic_snapshot(&mut self, c: &mut Choices<'_>) -> Built {
        let (disk, _) = self.disk(c)?;
        let retention_days = c.percent(50).then(|| self.days(c));
        let snapshot = SnapshotId::new(self.fresh("s"));
        let command = CreateAutomaticSnapshot {
            snapshot,
            disk,
            retention_days,
        };
        Some((Actor::Platform, command.into()))
    }

    fn finish_snapshot(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, _) = self.snapshot_id(c, |s| s.status == SnapshotStatus::InProgress)?;
        let outcome = if c.percent(10) {
            SnapshotOutcome::Failed
        } else {
            SnapshotOutcome::Available {
                size_gib: u64::try_from(c.below(40)).unwrap_or(0).saturating_add(1),
            }
        };
        let command = FinishSnapshot { snapshot, outcome };
        Some((Actor::Platform, command.into()))
    }

    fn delete_snapshot(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |_| true)?;
        let actor = Self::customer(&owner, c);
        Some((actor, DeleteSnapshot { snapshot }.into()))
    }

    fn set_retention(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |_| true)?;
        let retention = if c.percent(30) {
            RetentionRequest::Permanent
        } else {
            RetentionRequest::Days(self.days(c))
        };
        let command = SetSnapshotRetention {
            snapshot,
            retention,
        };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn archive(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |s| s.status == SnapshotStatus::Available)?;
        // ARCH-2: counted from creation; sometimes none, kept permanently.
        let days = self.days(c).saturating_mul(4);
        let retention_days = (!c.percent(20)).then_some(days);
        let command = ArchiveSnapshot {
            snapshot,
            retention_days,
        };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn lock(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |s| s.status == SnapshotStatus::Available)?;
        let duration_days = self.days(c);
        let cool_off_hours = if self.hostile && c.percent(30) {
            73
        } else {
            c.pick(&[0, 1, 24, 72]).copied().unwrap_or(0)
        };
        let command = LockSnapshot {
            snapshot,
            duration_days,
            cool_off_hours,
        };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn unlock(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |s| s.lock.is_some())?;
        let actor = Self::customer(&owner, c);
        Some((actor, UnlockSnapshot { snapshot }.into()))
    }

    fn create_disk(&mut self, c: &mut Choices<'_>) -> Built {
        let account = self.account(c);
        let mut command = self.new_disk_command();
        if let (Command::CreateDisk(create), true) = (&mut command, c.percent(40)) {
            // From one of its account's snapshots, or another's (DISK-1).
            let (snapshot, _) = self.snapshot_id(c, |s| s.status == SnapshotStatus::Available)?;
            create.source = DiskSource::Snapshot(snapshot);
        }
        Some((Self::customer(&account, c), command))
    }

    fn release_disk(&mut self, c: &mut Choices<'_>) -> Built {
        let (disk, owner) = self.disk(c)?;
        let command = ReleaseDisk {
            disk,
            release_automatic_snapshots: c.percent(50),
        };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn reset_disk(&mut self, c: &mut Choices<'_>) -> Built {
        let (disk, owner) = self.disk(c)?;
        let (snapshot, _) = self.snapshot_id(c, |s| s.origin.disk() == Some(&disk))?;
        let command = ResetDisk { disk, snapshot };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn create_image(&mut self, c: &mut Choices<'_>) -> Built {
        let (snapshot, owner) = self.snapshot_id(c, |s| s.status == SnapshotStatus::Available)?;
        let image = ImageId::new(self.fresh("i"));
        self.images.push(image.clone());
        let command = CreateImage { image, snapshot };
        Some((Self::customer(&owner, c), command.into()))
    }

    fn delete_image(&mut self, c: &mut Choices<'_>) -> Built {
        let live: Vec<(ImageId, AccountId)> = self
            .images
            .iter()
            .filter_map(|id| {
                self.state
                    .image(id)
                    .map(|i| (i.id.clone(), i.owner.clone()))
            })
            .collect();
        let (image, owner) = c.pick(&live).cloned()?;
        let command = DeleteImage {
            image,
            delete_snapshots: c.percent(50),
        };
        Some((Self::customer(&owner, c), command.into()))
    }
}

/// `at` moved by `seconds`, or `at` itself past the calendar's end.
pub(super) fn later(at: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    at.checked_add_signed(TimeDelta::seconds(seconds))
        .unwrap_or(at)
}

/// A whole number of seconds from `low` to `high`.
fn seconds(low: usize, high: usize, c: &mut Choices<'_>) -> i64 {
    let span = high.saturating_sub(low).saturating_add(1);
    i64::try_from(low.saturating_add(c.below(span))).unwrap_or(0)
}
