//! The generated steps (delays, actors, command templates) and their
//! proptest strategies, up to whole histories.

use proptest::prelude::*;
use snapguard::{RetentionRequest, SnapshotOutcome};

use crate::generate_copy::{CopyOp, copy_op, snapshot_extras};
use crate::generate_share::{ShareOp, share_op, sharee_op, sharing_op};
use crate::generate_vault::{VaultOp, vault_mix};
use crate::setup::Setup;

/// How long a step waits before acting.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Delay {
    /// Acts at the same instant as the previous step.
    Zero,
    /// Waits this many seconds (1 s to 4 days).
    Secs(i64),
    /// Moves to the state's next deadline plus this offset (-1, 0 or +1
    /// second), never backwards; one hour when nothing is due.
    NextDeadline(i64),
}

/// Who issues a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Who {
    /// The actor that usually issues this kind of command (index picks
    /// among customers for customer commands).
    Natural(u8),
    /// The root of `ACCOUNTS[index]`.
    Root(u8),
    /// `USERS[index]` of [`OWNER`].
    User(u8),
    Platform,
    Billing,
}

/// A snapshot named by a command. Each runtime pick falls back to
/// `SNAPSHOTS[index]` when the state holds no snapshot of that kind.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Snap {
    /// `SNAPSHOTS[index]`.
    Pool(u8),
    /// An id never given before (ids are never given twice, GEN-4).
    Fresh,
    /// The index-th (modulo) snapshot the state holds.
    Any(u8),
    /// The index-th snapshot of the actor's account (any snapshot for a system actor).
    Mine(u8),
    /// The index-th snapshot locked at the step's instant.
    Locked(u8),
    /// The index-th snapshot in progress.
    Pending(u8),
    /// The snapshot in progress created last (falls back as [`Snap::Pending`]`(0)`).
    LatestPending,
    /// The index-th available, unlocked automatic snapshot of the actor's account.
    Automatic(u8),
    /// The index-th snapshot of another account the actor's account sees
    /// as shared with it (SHARE-7 to SHARE-9); else one of another account.
    Shared(u8),
    /// The index-th snapshot of the actor's account that can be shared now (SHARE-5).
    Shareable(u8),
    /// The index-th snapshot of the actor's account held in a share.
    InShare(u8),
    /// The index-th snapshot of the actor's account that can be shared now
    /// and has a retention end, preferring one in no share yet; else as
    /// [`Snap::Shareable`].
    Ending(u8),
    /// An ill-formed id.
    Malformed,
}

/// A disk named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DiskRef {
    /// `DISKS[index]`.
    Pool(u8),
    /// An id never given before.
    Fresh,
    /// The index-th existing disk of the actor's account (any existing disk
    /// for a system actor), or `DISKS[index]` when there is none.
    Mine(u8),
    /// The index-th disk of the actor's account created from a snapshot
    /// shared with it, else as [`DiskRef::Mine`].
    FromShared(u8),
}

/// An image named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ImageRef {
    /// `IMAGES[index]`.
    Pool(u8),
    /// An id never given before.
    Fresh,
    /// The index-th existing image of the actor's account, or
    /// `IMAGES[index]` when there is none.
    Mine(u8),
}

/// A disk's data source as generated.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    Blank,
    Snapshot(Snap),
    Image(ImageRef),
}

/// A command template, resolved against the state when its step runs.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    CreateAccount {
        account: u8,
        china: bool,
    },
    CreateRegion {
        region: u8,
    },
    CreateUser {
        user: u8,
        policy: u8,
    },
    SetUserPolicy {
        user: u8,
        policy: u8,
    },
    MarkOverdue {
        account: u8,
    },
    Settle {
        account: u8,
    },
    ReleaseOverdue {
        snap: Snap,
    },
    CreateDisk {
        disk: DiskRef,
        region: u8,
        source: Source,
        encryption: u8,
    },
    ReleaseDisk {
        disk: DiskRef,
        with_automatic: bool,
    },
    ResetDisk {
        disk: DiskRef,
        snap: Snap,
    },
    CreateSnapshot {
        snap: Snap,
        disk: DiskRef,
        retention: Option<u32>,
        /// Bit 0: instant access; bit 1: tags.
        extras: u8,
    },
    CreateAutomatic {
        snap: Snap,
        disk: DiskRef,
        retention: Option<u32>,
    },
    CreateBackup {
        snap: Snap,
        account: u8,
        region: u8,
        retention: Option<u32>,
    },
    Finish {
        snap: Snap,
        outcome: SnapshotOutcome,
    },
    Delete {
        snap: Snap,
    },
    SetRetention {
        snap: Snap,
        retention: RetentionRequest,
    },
    Archive {
        snap: Snap,
        days: u32,
    },
    /// A copy, key or region command.
    Copy(CopyOp),
    Lock {
        snap: Snap,
        days: u32,
        cool_off: u32,
    },
    Unlock {
        snap: Snap,
    },
    ImportImage {
        image: ImageRef,
        region: u8,
    },
    CreateImage {
        image: ImageRef,
        snap: Snap,
    },
    DeleteImage {
        image: ImageRef,
        with_snapshot: bool,
    },
    ReinitializeDisk {
        disk: DiskRef,
    },
    /// A directory or sharing command.
    Share(ShareOp),
    /// A Cloud Backup command (VAULT).
    Vault(VaultOp),
    /// `op` issued by the root of `SHAREES[sharee]`, whatever its usual
    /// actor: a sharee using, or trying to change, what is shared with it.
    AsSharee {
        sharee: u8,
        op: Box<Op>,
    },
    /// `op` issued by the root of [`OWNER`](crate::common::OWNER), the
    /// account that shares most.
    AsOwner(Box<Op>),
}

/// What a step does after waiting.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    Command(Who, Op),
    Advance,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) delay: Delay,
    pub(crate) action: Action,
}

/// A generated history: its fixed setup and its steps.
#[derive(Debug, Clone)]
pub(crate) struct History {
    pub(crate) setup: Setup,
    pub(crate) steps: Vec<Step>,
}

pub(crate) fn delay() -> impl Strategy<Value = Delay> {
    prop_oneof![
        4 => Just(Delay::Zero),
        1 => (1i64..60).prop_map(Delay::Secs),
        3 => (60i64..3_600).prop_map(Delay::Secs),
        3 => (3_600i64..86_400).prop_map(Delay::Secs),
        1 => (86_400i64..=4 * 86_400).prop_map(Delay::Secs),
        3 => (-1i64..=1).prop_map(Delay::NextDeadline),
    ]
}

/// Delays of the sharing mix: shorter, and seldom onto the next deadline,
/// which is often the end of a shared view (SHARE-9), so that sharees have
/// time to accept and use what is shared.
fn sharing_delay() -> impl Strategy<Value = Delay> {
    prop_oneof![
        5 => Just(Delay::Zero),
        1 => (1i64..60).prop_map(Delay::Secs),
        4 => (60i64..3_600).prop_map(Delay::Secs),
        3 => (3_600i64..86_400).prop_map(Delay::Secs),
        1 => (86_400i64..=4 * 86_400).prop_map(Delay::Secs),
        1 => (-1i64..=1).prop_map(Delay::NextDeadline),
    ]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        24 => any::<u8>().prop_map(Who::Natural),
        1 => (0u8..4).prop_map(Who::Root),
        1 => (0u8..3).prop_map(Who::User),
        1 => Just(Who::Platform),
        1 => Just(Who::Billing),
    ]
}

/// A snapshot that should exist.
pub(crate) fn snap() -> impl Strategy<Value = Snap> {
    prop_oneof![
        2 => (0u8..12).prop_map(Snap::Pool),
        2 => any::<u8>().prop_map(Snap::Any),
        6 => any::<u8>().prop_map(Snap::Mine),
        3 => any::<u8>().prop_map(Snap::Locked),
        1 => any::<u8>().prop_map(Snap::Pending),
        1 => Just(Snap::Malformed),
    ]
}

/// A snapshot to lock: as [`snap`], often an automatic one so that every
/// automatic snapshot of a disk is sometimes locked (LOCK-11).
fn lock_target() -> impl Strategy<Value = Snap> {
    prop_oneof![
        1 => snap(),
        1 => any::<u8>().prop_map(Snap::Automatic),
    ]
}

/// A snapshot to delete: as [`snap`], often a locked one (LOCK-10).
fn deletion_target() -> impl Strategy<Value = Snap> {
    prop_oneof![
        1 => snap(),
        1 => any::<u8>().prop_map(Snap::Locked),
    ]
}

/// A disk id for a new disk: mostly one the state does not hold, so that
/// released disks come back.
fn new_disk() -> impl Strategy<Value = DiskRef> {
    prop_oneof![
        4 => Just(DiskRef::Fresh),
        1 => (0u8..6).prop_map(DiskRef::Pool),
    ]
}

/// A region: mostly `cn-hangzhou`, sometimes one not registered yet.
pub(crate) fn region_index() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)]
}

/// A snapshot that should be in progress.
pub(crate) fn pending_snap() -> impl Strategy<Value = Snap> {
    prop_oneof![
        8 => any::<u8>().prop_map(Snap::Pending),
        1 => any::<u8>().prop_map(Snap::Any),
        1 => (0u8..12).prop_map(Snap::Pool),
    ]
}

/// A snapshot id for a new snapshot.
pub(crate) fn new_snap() -> impl Strategy<Value = Snap> {
    prop_oneof![
        10 => Just(Snap::Fresh),
        2 => (0u8..12).prop_map(Snap::Pool),
        1 => any::<u8>().prop_map(Snap::Any),
        1 => Just(Snap::Malformed),
    ]
}

fn disk_ref() -> impl Strategy<Value = DiskRef> {
    prop_oneof![
        2 => (0u8..6).prop_map(DiskRef::Pool),
        5 => any::<u8>().prop_map(DiskRef::Mine),
    ]
}

/// Automatic snapshots go mostly to `d-0`, so that its rotation is busy.
fn automatic_disk() -> impl Strategy<Value = DiskRef> {
    prop_oneof![
        6 => Just(DiskRef::Pool(0)),
        1 => (0u8..6).prop_map(DiskRef::Pool),
        1 => any::<u8>().prop_map(DiskRef::Mine),
    ]
}

/// An image id for a new image: mostly never given before.
pub(crate) fn new_image() -> impl Strategy<Value = ImageRef> {
    prop_oneof![
        3 => Just(ImageRef::Fresh),
        1 => (0u8..4).prop_map(ImageRef::Pool),
    ]
}

fn image_ref() -> impl Strategy<Value = ImageRef> {
    prop_oneof![
        1 => (0u8..4).prop_map(ImageRef::Pool),
        3 => any::<u8>().prop_map(ImageRef::Mine),
    ]
}

/// Mostly the broad policy, sometimes a narrow or an empty one.
fn policy_index() -> impl Strategy<Value = u8> {
    prop_oneof![2 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)]
}

/// Retention in days: mostly valid, sometimes out of range (SNAP-5).
fn retention_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        1 => Just(0u32),
        2 => Just(1u32),
        2 => Just(3u32),
        2 => Just(20u32),
        2 => Just(400u32),
        1 => Just(65_537u32),
    ]
}

pub(crate) fn retention() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        12 => Just(None),
        6 => retention_days().prop_map(Some),
    ]
}

/// Automatic snapshot policies mostly keep their snapshots permanently,
/// so that rotation has work to do.
fn automatic_retention() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        5 => Just(None),
        1 => retention_days().prop_map(Some),
    ]
}

pub(crate) fn retention_request() -> impl Strategy<Value = RetentionRequest> {
    prop_oneof![
        1 => Just(RetentionRequest::Permanent),
        3 => retention_days().prop_map(RetentionRequest::Days),
    ]
}

/// Lock durations: mostly valid, sometimes out of range (LOCK-1).
pub(crate) fn lock_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        1 => Just(0u32),
        3 => Just(1u32),
        3 => Just(2u32),
        3 => Just(5u32),
        6 => Just(30u32),
        1 => Just(36_500u32),
        1 => Just(36_501u32),
    ]
}

/// Cooling-off hours: 0 to 72, sometimes 73 (LOCK-1); 48 and 72 exceed a
/// one-day or two-day lock.
pub(crate) fn cool_off_hours() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => Just(0u32),
        2 => Just(1u32),
        2 => Just(24u32),
        1 => Just(48u32),
        1 => Just(72u32),
        1 => Just(73u32),
    ]
}

pub(crate) fn archive_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        1 => Just(0u32),
        1 => Just(5u32),
        2 => Just(10u32),
        2 => Just(30u32),
        1 => Just(400u32),
    ]
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        6 => Just(Source::Blank),
        3 => snap().prop_map(Source::Snapshot),
        1 => image_ref().prop_map(Source::Image),
    ]
}

pub(crate) fn outcome() -> impl Strategy<Value = SnapshotOutcome> {
    prop_oneof![
        6 => (1u64..=40).prop_map(|size_gib| SnapshotOutcome::Available { size_gib }),
        1 => Just(SnapshotOutcome::Failed),
    ]
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0u8..4, any::<bool>())
            .prop_map(|(account, china)| Op::CreateAccount { account, china }),
        1 => (0u8..3).prop_map(|region| Op::CreateRegion { region }),
        1 => (0u8..3, policy_index()).prop_map(|(user, policy)| Op::CreateUser { user, policy }),
        1 => (0u8..3, policy_index()).prop_map(|(user, policy)| Op::SetUserPolicy { user, policy }),
        2 => (0u8..4).prop_map(|account| Op::MarkOverdue { account }),
        1 => (0u8..4).prop_map(|account| Op::Settle { account }),
        4 => snap().prop_map(|snap| Op::ReleaseOverdue { snap }),
        2 => (new_disk(), region_index(), source(), 0u8..3).prop_map(|(disk, region, source, encryption)| {
            Op::CreateDisk { disk, region, source, encryption }
        }),
        1 => (disk_ref(), any::<bool>())
            .prop_map(|(disk, with_automatic)| Op::ReleaseDisk { disk, with_automatic }),
        2 => (disk_ref(), snap()).prop_map(|(disk, snap)| Op::ResetDisk { disk, snap }),
        10 => (new_snap(), disk_ref(), retention(), snapshot_extras()).prop_map(
            |(snap, disk, retention, extras)| Op::CreateSnapshot { snap, disk, retention, extras }
        ),
        20 => (new_snap(), automatic_disk(), automatic_retention())
            .prop_map(|(snap, disk, retention)| Op::CreateAutomatic { snap, disk, retention }),
        2 => (new_snap(), 0u8..4, region_index(), retention()).prop_map(
            |(snap, account, region, retention)| Op::CreateBackup { snap, account, region, retention }
        ),
        16 => (pending_snap(), outcome()).prop_map(|(snap, outcome)| Op::Finish { snap, outcome }),
        5 => deletion_target().prop_map(|snap| Op::Delete { snap }),
        3 => (snap(), retention_request())
            .prop_map(|(snap, retention)| Op::SetRetention { snap, retention }),
        3 => (snap(), archive_days()).prop_map(|(snap, days)| Op::Archive { snap, days }),
        8 => copy_op(),
        20 => (lock_target(), lock_days(), cool_off_hours())
            .prop_map(|(snap, days, cool_off)| Op::Lock { snap, days, cool_off }),
        4 => snap().prop_map(|snap| Op::Unlock { snap }),
        1 => (new_image(), 0u8..3).prop_map(|(image, region)| Op::ImportImage { image, region }),
        3 => (new_image(), snap()).prop_map(|(image, snap)| Op::CreateImage { image, snap }),
        3 => (image_ref(), any::<bool>())
            .prop_map(|(image, with_snapshot)| Op::DeleteImage { image, with_snapshot }),
        1 => disk_ref().prop_map(|disk| Op::ReinitializeDisk { disk }),
        8 => share_op(),
        4 => sharee_op(),
    ]
}

/// Commands of a history focused on one disk's automatic snapshots: many
/// created on `d-0`, completed and locked, so that rotation meets locked
/// snapshots and sometimes finds every one locked (LOCK-10, LOCK-11); the
/// general mix keeps every other command in play.
fn automatic_op() -> impl Strategy<Value = Op> {
    let lock_days = prop_oneof![
        1 => Just(1u32),
        2 => Just(5u32),
        6 => Just(30u32),
        1 => lock_days(),
    ];
    let cool_off = prop_oneof![
        3 => Just(0u32),
        2 => Just(1u32),
        2 => Just(24u32),
        1 => cool_off_hours(),
    ];
    prop_oneof![
        8 => (new_snap(), automatic_disk(), automatic_retention())
            .prop_map(|(snap, disk, retention)| Op::CreateAutomatic { snap, disk, retention }),
        16 => (pending_snap(), outcome()).prop_map(|(snap, outcome)| Op::Finish { snap, outcome }),
        16 => (any::<u8>().prop_map(Snap::Automatic), lock_days, cool_off)
            .prop_map(|(snap, days, cool_off)| Op::Lock { snap, days, cool_off }),
        2 => deletion_target().prop_map(|snap| Op::Delete { snap }),
        2 => snap().prop_map(|snap| Op::Unlock { snap }),
        1 => (disk_ref(), any::<bool>())
            .prop_map(|(disk, with_automatic)| Op::ReleaseDisk { disk, with_automatic }),
        1 => (0u8..4).prop_map(|account| Op::MarkOverdue { account }),
        2 => any::<u8>().prop_map(|i| Op::ReleaseOverdue { snap: Snap::Locked(i) }),
        3 => copy_op(),
        8 => op(),
    ]
}

/// One command, preceded one time in fifteen by a bare `advance`, so that
/// every history holds at least as many commands as it has command steps.
fn step(op: BoxedStrategy<Op>, delay: BoxedStrategy<Delay>) -> impl Strategy<Value = Vec<Step>> {
    let advance_first = prop::option::weighted(1.0 / 15.0, delay.clone());
    (advance_first, delay, who(), op).prop_map(|(advance_first, delay, who, op)| {
        let advance = advance_first.map(|delay| Step {
            delay,
            action: Action::Advance,
        });
        let command = Step {
            delay,
            action: Action::Command(who, op),
        };
        advance.into_iter().chain([command]).collect()
    })
}

/// The commands of a history, each with the steps that come with it.
pub(crate) fn commands(
    op: BoxedStrategy<Op>,
    delay: BoxedStrategy<Delay>,
) -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(op, delay), 50..=80).prop_map(|steps| steps.concat())
}

/// Histories: the general mix from either setup (4 in 10); the
/// automatic-snapshot mix (2 in 10); the sharing mix from a directory setup,
/// one in two with lowered quotas (SHARE-1, SHARE-2) (3 in 10); the Cloud
/// Backup mix (1 in 10).
pub(crate) fn history() -> impl Strategy<Value = History> {
    let setup = |setups: [Setup; 2]| prop_oneof![Just(setups[0]), Just(setups[1])];
    prop_oneof![
        4 => (setup([Setup::Plain, Setup::Directory]), commands(op().boxed(), delay().boxed())),
        2 => (Just(Setup::Plain), commands(automatic_op().boxed(), delay().boxed())),
        3 => (
            setup([Setup::Directory, Setup::LowQuotas]),
            commands(sharing_op().boxed(), sharing_delay().boxed()),
        ),
        1 => vault_mix(),
    ]
    .prop_map(|(setup, steps)| History { setup, steps })
}
