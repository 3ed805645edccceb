//! Resolution of generated steps against the current state: fresh ids,
//! references to existing objects, the actor and the command, and the
//! instant a step acts at.

use std::cell::Cell;

use chrono::{DateTime, TimeDelta, Utc};
use snapguard::{
    AccountId, Actor, ArchiveSnapshot, Command, CreateAccount, CreateAutomaticSnapshot,
    CreateBackupSnapshot, CreateDisk, CreateImage, CreateRegion, CreateSnapshot, CreateUser,
    DeleteImage, DeleteSnapshot, DiskCategory, DiskId, DiskSource, Encryption, FinishSnapshot,
    ImageId, ImportImage, LockSnapshot, MarkAccountOverdue, RegionId, ReinitializeDisk,
    ReleaseDisk, ReleaseOverdueSnapshot, ResetDisk, SetSnapshotRetention, SetUserPolicy,
    SettleAccount, Site, Snapshot, SnapshotAccess, SnapshotId, SnapshotKind, SnapshotOrigin,
    SnapshotStatus, State, UnlockSnapshot,
};

use crate::common::{ABROAD, OTHER, OWNER};
use crate::generate::{Delay, DiskRef, ImageRef, Op, Snap, Source, Who};
use crate::generate_copy::{CopyOp, KeyRef};
use crate::generate_share::ShareOp;
use crate::generate_vault::VaultOp;
use crate::resolve_copy::snapshot_tags;
use crate::setup::{
    ACCOUNTS, DISKS, IMAGES, KEYS, MALFORMED, REGIONS, SHAREES, SNAPSHOTS, USERS, policy,
};

pub(crate) fn pick<'a>(pool: &[&'a str], index: u8) -> &'a str {
    pool[usize::from(index) % pool.len()]
}

/// The index-th (modulo) item, if there is any.
pub(crate) fn nth<T: Clone>(items: &[T], index: u8) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[usize::from(index) % items.len()].clone())
    }
}

/// How many never-given ids of each kind a history has handed out: fresh
/// ids continue the pools (`s-12`, `d-6`, `i-4`, ...).
#[derive(Debug, Default)]
pub(crate) struct FreshIds {
    snapshots: Cell<usize>,
    disks: Cell<usize>,
    images: Cell<usize>,
    pub(crate) shares: Cell<usize>,
    pub(crate) keys: Cell<usize>,
    pub(crate) vaults: Cell<usize>,
    pub(crate) policies: Cell<usize>,
    pub(crate) points: Cell<usize>,
}

impl FreshIds {
    pub(crate) fn next(counter: &Cell<usize>, prefix: &str, pool: usize) -> String {
        let n = counter.get();
        counter.set(n + 1);
        format!("{prefix}-{}", pool + n)
    }

    /// The pool and every fresh id handed out so far.
    fn known(counter: &Cell<usize>, prefix: &str, pool: &[&str]) -> Vec<String> {
        let fresh = (0..counter.get()).map(|n| format!("{prefix}-{}", pool.len() + n));
        pool.iter()
            .map(|id| (*id).to_owned())
            .chain(fresh)
            .collect()
    }
}

/// Turns generated references into ids, given the state and the actor.
pub(crate) struct Resolver<'a> {
    pub(crate) state: &'a State,
    pub(crate) now: DateTime<Utc>,
    pub(crate) account: Option<AccountId>,
    pub(crate) fresh: &'a FreshIds,
}

/// Whether a snapshot can be shared at `now` (SHARE-5).
pub(crate) fn shareable(s: &Snapshot, now: DateTime<Utc>) -> bool {
    s.status == SnapshotStatus::Available
        && !s.is_archived()
        && s.encryption != Encryption::ServiceKey
        && !matches!(s.origin, SnapshotOrigin::ImportedImageDisk { .. })
        && s.retention.end().is_none_or(|end| now < end)
}

impl Resolver<'_> {
    /// The snapshots of other accounts the actor's account sees as shared
    /// with it now, each once.
    fn shared_with_me(&self) -> Vec<SnapshotId> {
        let Some(account) = &self.account else {
            return Vec::new();
        };
        let mut ids: Vec<SnapshotId> = Vec::new();
        for seen in self.state.visible_snapshots(account, self.now) {
            if matches!(seen.access, SnapshotAccess::Shared { .. }) && !ids.contains(&seen.snapshot)
            {
                ids.push(seen.snapshot);
            }
        }
        ids
    }

    pub(crate) fn snapshot(&self, snap: Snap) -> SnapshotId {
        // The index-th snapshot that `keep` accepts, if any.
        let matching = |keep: &dyn Fn(&Snapshot) -> bool, index: u8| {
            let ids: Vec<SnapshotId> = self
                .state
                .snapshots()
                .filter(|s| keep(s))
                .map(|s| s.id.clone())
                .collect();
            nth(&ids, index)
        };
        let mine = |s: &Snapshot| self.account.as_ref().is_none_or(|a| s.owner == *a);
        let now = self.now;
        let found = match snap {
            Snap::Pool(_) | Snap::Malformed | Snap::Fresh => None,
            Snap::Any(index) => matching(&|_| true, index),
            Snap::Mine(index) => matching(&mine, index),
            Snap::Locked(index) => matching(&|s| s.is_locked_at(self.now), index),
            Snap::Pending(index) => matching(&|s| s.status == SnapshotStatus::InProgress, index),
            Snap::LatestPending => self
                .state
                .snapshots()
                .filter(|s| s.status == SnapshotStatus::InProgress)
                .max_by_key(|s| s.created_at)
                .map(|s| s.id.clone()),
            Snap::Automatic(index) => {
                let lockable = |s: &Snapshot| {
                    s.kind == SnapshotKind::Automatic
                        && s.status == SnapshotStatus::Available
                        && !s.is_locked_at(self.now)
                        && mine(s)
                };
                matching(&lockable, index)
            }
            Snap::Shared(index) => nth(&self.shared_with_me(), index).or_else(|| {
                let foreign = |s: &Snapshot| self.account.as_ref().is_none_or(|a| s.owner != *a);
                matching(&|s| foreign(s) && self.state.is_shared(&s.id), index)
                    .or_else(|| matching(&foreign, index))
            }),
            Snap::Shareable(index) => matching(&|s| mine(s) && shareable(s, now), index),
            Snap::Ending(index) => {
                let ending =
                    |s: &Snapshot| mine(s) && shareable(s, now) && s.retention.end().is_some();
                matching(&|s| ending(s) && !self.state.is_shared(&s.id), index)
                    .or_else(|| matching(&ending, index))
                    .or_else(|| matching(&|s| mine(s) && shareable(s, now), index))
            }
            Snap::InShare(index) => matching(&|s| mine(s) && self.state.is_shared(&s.id), index),
        };
        match snap {
            Snap::Malformed => MALFORMED.into(),
            Snap::Pool(index) => pick(&SNAPSHOTS, index).into(),
            Snap::LatestPending => found.unwrap_or_else(|| pick(&SNAPSHOTS, 0).into()),
            Snap::Fresh => FreshIds::next(&self.fresh.snapshots, "s", SNAPSHOTS.len()).into(),
            // Fall back to the actor's own snapshots, then to any, then to
            // the pool.
            Snap::Any(index)
            | Snap::Mine(index)
            | Snap::Locked(index)
            | Snap::Pending(index)
            | Snap::Automatic(index)
            | Snap::Shared(index)
            | Snap::Shareable(index)
            | Snap::Ending(index)
            | Snap::InShare(index) => found
                .or_else(|| matching(&mine, index))
                .or_else(|| matching(&|_| true, index))
                .unwrap_or_else(|| pick(&SNAPSHOTS, index).into()),
        }
    }

    pub(crate) fn disk(&self, disk: DiskRef) -> DiskId {
        let mine = |from_shared: bool| -> Vec<String> {
            FreshIds::known(&self.fresh.disks, "d", &DISKS)
                .into_iter()
                .filter(|id| {
                    self.state.disk(&id.as_str().into()).is_some_and(|d| {
                        self.account.as_ref().is_none_or(|a| d.owner == *a)
                            && (d.from_shared_snapshot || !from_shared)
                    })
                })
                .collect()
        };
        match disk {
            DiskRef::Pool(index) => pick(&DISKS, index).into(),
            DiskRef::Fresh => FreshIds::next(&self.fresh.disks, "d", DISKS.len()).into(),
            DiskRef::Mine(index) => nth(&mine(false), index)
                .unwrap_or_else(|| pick(&DISKS, index).to_owned())
                .into(),
            DiskRef::FromShared(index) => nth(&mine(true), index)
                .or_else(|| nth(&mine(false), index))
                .unwrap_or_else(|| pick(&DISKS, index).to_owned())
                .into(),
        }
    }

    pub(crate) fn image(&self, image: ImageRef) -> ImageId {
        match image {
            ImageRef::Pool(index) => pick(&IMAGES, index).into(),
            ImageRef::Fresh => FreshIds::next(&self.fresh.images, "i", IMAGES.len()).into(),
            ImageRef::Mine(index) => {
                let mine: Vec<String> = FreshIds::known(&self.fresh.images, "i", &IMAGES)
                    .into_iter()
                    .filter(|id| {
                        self.state
                            .image(&id.as_str().into())
                            .is_some_and(|i| self.account.as_ref().is_none_or(|a| i.owner == *a))
                    })
                    .collect();
                nth(&mine, index)
                    .unwrap_or_else(|| pick(&IMAGES, index).to_owned())
                    .into()
            }
        }
    }
}

/// Who usually issues a command.
#[derive(Debug, Clone, Copy)]
enum Class {
    Customer,
    /// A customer sharing: mostly the root of [`OWNER`].
    Sharer,
    AccountRoot,
    Platform,
    Billing,
}

impl Op {
    fn class(&self) -> Class {
        match self {
            Op::CreateAccount { .. }
            | Op::CreateRegion { .. }
            | Op::CreateAutomatic { .. }
            | Op::CreateBackup { .. }
            | Op::Finish { .. }
            | Op::Copy(CopyOp::CloseRegion { .. } | CopyOp::FinishCopy { .. })
            | Op::Vault(VaultOp::CreatePoint { .. } | VaultOp::ReplicatePoint { .. }) => {
                Class::Platform
            }
            Op::CreateUser { .. }
            | Op::SetUserPolicy { .. }
            | Op::Copy(CopyOp::ActivateKms)
            | Op::Share(
                ShareOp::CreateDirectory { .. }
                | ShareOp::CreateFolder { .. }
                | ShareOp::AddMember { .. }
                | ShareOp::RemoveMember { .. }
                | ShareOp::SetRole { .. },
            ) => Class::AccountRoot,
            Op::Share(_) => Class::Sharer,
            Op::MarkOverdue { .. } | Op::Settle { .. } | Op::ReleaseOverdue { .. } => {
                Class::Billing
            }
            _ => Class::Customer,
        }
    }
}

fn actor(who: Who, class: Class) -> Actor {
    match who {
        Who::Natural(index) => match class {
            Class::Platform => Actor::Platform,
            Class::Billing => Actor::Billing,
            Class::AccountRoot => Actor::root(pick(&[OWNER, OWNER, OTHER], index)),
            Class::Customer => match index % 9 {
                0..=4 => Actor::root(OWNER),
                5 | 6 => Actor::user(OWNER, "alice"),
                7 => Actor::root(OTHER),
                _ => Actor::root(ABROAD),
            },
            Class::Sharer => match index % 12 {
                0..=8 => Actor::root(OWNER),
                9 => Actor::user(OWNER, "alice"),
                10 => Actor::root(OTHER),
                _ => Actor::root(ABROAD),
            },
        },
        Who::Root(index) => Actor::root(pick(&ACCOUNTS, index)),
        Who::User(index) => Actor::user(OWNER, pick(&USERS, index)),
        Who::Platform => Actor::Platform,
        Who::Billing => Actor::Billing,
    }
}

pub(crate) fn resolve(
    state: &State,
    now: DateTime<Utc>,
    fresh: &FreshIds,
    who: Who,
    op: &Op,
) -> (Actor, Command) {
    let (actor, op) = match op {
        Op::AsSharee { sharee, op } => (Actor::root(pick(&SHAREES, *sharee)), op.as_ref()),
        Op::AsOwner(op) => (Actor::root(OWNER), op.as_ref()),
        _ => (actor(who, op.class()), op),
    };
    let resolver = Resolver {
        state,
        now,
        account: actor.account().cloned(),
        fresh,
    };
    let command = resolver.command(op);
    (actor, command)
}

impl Resolver<'_> {
    fn command(&self, op: &Op) -> Command {
        let snap = |s: Snap| self.snapshot(s);
        let disk_id = |d: DiskRef| self.disk(d);
        let resolver = self;
        match *op {
            Op::CreateAccount { account, china } => CreateAccount::new(
                pick(&ACCOUNTS, account),
                if china {
                    Site::China
                } else {
                    Site::International
                },
            )
            .into(),
            Op::CreateRegion { region } => CreateRegion::new(pick(&REGIONS, region)).into(),
            Op::CreateUser { user, policy: p } => CreateUser::new(pick(&USERS, user))
                .statements(policy(p))
                .into(),
            Op::SetUserPolicy { user, policy: p } => SetUserPolicy::new(pick(&USERS, user))
                .statements(policy(p))
                .into(),
            Op::MarkOverdue { account } => MarkAccountOverdue::new(pick(&ACCOUNTS, account)).into(),
            Op::Settle { account } => SettleAccount::new(pick(&ACCOUNTS, account)).into(),
            Op::ReleaseOverdue { snap: s } => ReleaseOverdueSnapshot::new(snap(s)).into(),
            Op::CreateDisk {
                disk,
                region,
                source,
                encryption,
            } => {
                let region_id = RegionId::from(pick(&REGIONS, region));
                CreateDisk::new(disk_id(disk), region_id.clone(), DiskCategory::Essd, 40)
                    .encryption(match encryption {
                        0 => Encryption::Unencrypted,
                        1 => Encryption::ServiceKey,
                        2 => Encryption::CustomerKey(KEYS[0].into()),
                        // The actor's own key, usable in the region if it has one.
                        _ => Encryption::CustomerKey(self.key(KeyRef::Usable(0), Some(&region_id))),
                    })
                    .source(match source {
                        Source::Blank => DiskSource::Blank,
                        Source::Snapshot(s) => DiskSource::Snapshot(snap(s)),
                        Source::Image(image) => DiskSource::Image(resolver.image(image)),
                    })
                    .into()
            }
            Op::ReleaseDisk {
                disk,
                with_automatic,
            } => ReleaseDisk::new(disk_id(disk))
                .release_automatic_snapshots(with_automatic)
                .into(),
            Op::ResetDisk { disk, snap: s } => ResetDisk::new(disk_id(disk), snap(s)).into(),
            Op::CreateSnapshot {
                snap: s,
                disk,
                retention,
                extras,
            } => CreateSnapshot::new(snap(s), disk_id(disk))
                .maybe_retention_days(retention)
                .tags(snapshot_tags(extras))
                .instant_access(extras & 1 != 0)
                .into(),
            Op::CreateAutomatic {
                snap: s,
                disk,
                retention,
            } => CreateAutomaticSnapshot::new(snap(s), disk_id(disk))
                .maybe_retention_days(retention)
                .into(),
            Op::CreateBackup {
                snap: s,
                account,
                region,
                retention,
            } => {
                CreateBackupSnapshot::new(snap(s), pick(&ACCOUNTS, account), pick(&REGIONS, region))
                    .maybe_retention_days(retention)
                    .into()
            }
            Op::Finish { snap: s, outcome } => FinishSnapshot::new(snap(s), outcome).into(),
            Op::Delete { snap: s } => DeleteSnapshot::new(snap(s)).into(),
            Op::SetRetention { snap: s, retention } => {
                SetSnapshotRetention::new(snap(s), retention).into()
            }
            Op::Archive { snap: s, days } => {
                ArchiveSnapshot::new(snap(s)).retention_days(days).into()
            }
            Op::Copy(ref copy_op) => self.copy_command(copy_op),
            Op::Lock {
                snap: s,
                days,
                cool_off,
            } => LockSnapshot::new(snap(s), days, cool_off).into(),
            Op::Unlock { snap: s } => UnlockSnapshot::new(snap(s)).into(),
            Op::ImportImage { image, region } => {
                ImportImage::new(resolver.image(image), pick(&REGIONS, region)).into()
            }
            Op::CreateImage { image, snap: s } => {
                CreateImage::new(resolver.image(image), snap(s)).into()
            }
            Op::DeleteImage {
                image,
                with_snapshot,
            } => DeleteImage::new(resolver.image(image))
                .delete_snapshots(with_snapshot)
                .into(),
            Op::ReinitializeDisk { disk } => ReinitializeDisk::new(disk_id(disk)).into(),
            Op::Share(ref share_op) => self.share_command(share_op),
            Op::Vault(ref vault_op) => self.vault_command(vault_op),
            Op::AsSharee { ref op, .. } | Op::AsOwner(ref op) => self.command(op),
        }
    }
}

pub(crate) fn next_instant(
    state: &State,
    now: DateTime<Utc>,
    delay: Delay,
) -> (DateTime<Utc>, bool) {
    match delay {
        Delay::Zero => (now, false),
        Delay::Secs(secs) => (now + TimeDelta::seconds(secs), false),
        Delay::NextDeadline(offset) => match state.next_deadline() {
            Some(deadline) => {
                let target = deadline + TimeDelta::seconds(offset);
                if target >= now {
                    (target, true)
                } else {
                    (now, false)
                }
            }
            None => (now + TimeDelta::hours(1), false),
        },
    }
}
