//! The generated Cloud Backup steps (VAULT): vaults of every kind over a
//! small pool of ids, general and ECS instance backup policies, immutability
//! enabled on vaults and policies (and vainly disabled), backup points made
//! by the platform with short retentions, sometimes holding the vault
//! owner's snapshots, deleted, restored, replicated with their vaults into
//! the other region, and vaults deleted; with the usual hostile share
//! (other accounts' vaults and points, unknown and malformed ids, another
//! region or the same one, unsupported kinds, the wrong actor). The Cloud
//! Backup mix interleaves them with the general mix.

use proptest::prelude::*;
use snapguard::{RetentionRequest, VaultKind};

use crate::generate::{Action, Delay, History, Op, Step, Who, commands, delay, op};
use crate::setup::Setup;

/// An id for a new vault, policy or backup point.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NewId {
    /// The next id of the history's sequence, which starts with the pool
    /// (`v-1`, `v-2`, ...), so that the pool names the objects most
    /// commands reach: never given before, unless a [`NewId::Pool`] step
    /// took it first (GEN-4).
    Fresh,
    /// The index-th id of the pool, perhaps taken already (GEN-4).
    Pool(u8),
    /// An ill-formed id (GEN-5).
    Malformed,
}

/// A vault named by a command. Each runtime pick falls back as documented,
/// then to the pool `VAULTS[index]`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VaultRef {
    /// `VAULTS[index]`: anyone's, or none.
    Pool(u8),
    /// The index-th vault of the actor's account (any vault for a system
    /// actor).
    Mine(u8),
    /// The index-th immutable vault of the actor's account, else as
    /// [`VaultRef::Mine`].
    Immutable(u8),
    /// The index-th replica vault of the actor's account (VAULT-7), else as
    /// [`VaultRef::Mine`].
    Replica(u8),
    /// The index-th vault of the actor's account that has a replica
    /// (VAULT-7), else as [`VaultRef::Mine`].
    Replicated(u8),
    /// The index-th vault of the actor's account, not immutable, holding a
    /// point locked now (VAULT-5), else as [`VaultRef::Immutable`].
    HoldingLocked(u8),
    /// The index-th vault of the actor's account its report says can be
    /// deleted now, immutable ones first (VAULT-6); else as
    /// [`VaultRef::Immutable`].
    Deletable(u8),
    /// The index-th vault of another account (PERM-4), else as
    /// [`VaultRef::Pool`].
    Foreign(u8),
}

/// A backup policy named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PolicyRef {
    /// `POLICIES[index]`.
    Pool(u8),
    /// The index-th policy of the actor's account.
    Mine(u8),
    /// The index-th policy of the actor's account not immutable yet that
    /// made a backup point still held (VAULT-4), else as
    /// [`PolicyRef::Mine`].
    Mutable(u8),
}

/// The policy a new backup point names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PointPolicy {
    None,
    /// The index-th policy backing up into the point's vault, else none.
    OfVault(u8),
    /// The index-th policy of any vault, the point going to its vault
    /// instead of the one named; else none.
    Drives(u8),
    /// A policy named as [`PolicyRef`] (perhaps of another vault: GEN-4).
    Named(PolicyRef),
}

/// The snapshot a new backup point holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PointSnapshot {
    None,
    /// The index-th snapshot of the vault's owner, else none.
    Owners(u8),
    /// The index-th snapshot the state holds, often another account's
    /// (PERM-4), else `s-11`, most likely unknown (GEN-4).
    Any(u8),
}

/// A backup point named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PointRef {
    /// `POINTS[index]`.
    Pool(u8),
    /// The index-th point of the actor's account still held (any account's
    /// for a system actor).
    Mine(u8),
    /// The index-th point of the actor's account locked now (VAULT-5),
    /// else as [`PointRef::Mine`].
    Locked(u8),
    /// The index-th point of the actor's account whose vault has a replica
    /// (VAULT-7), locked ones first one time in two, else as
    /// [`PointRef::Mine`].
    Replicable(u8),
    /// The index-th point of another account, else as [`PointRef::Pool`].
    Foreign(u8),
}

/// What immutability is enabled or disabled on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TargetRef {
    Vault(VaultRef),
    Policy(PolicyRef),
}

/// The region of a replica vault, relative to its source.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ReplicaRegion {
    /// `cn-hangzhou` or `cn-shanghai`, whichever the source is not in.
    Other,
    /// The source's region (VAULT-7).
    Same,
    /// `REGIONS[index]`, the perhaps unregistered `cn-beijing` included.
    Pool(u8),
}

/// The vault a backup point is replicated into.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ReplicaVault {
    /// The index-th replica of the point's vault, else the index-th other
    /// vault (VAULT-7).
    Of(u8),
    /// A vault named as [`VaultRef`].
    Named(VaultRef),
}

/// A Cloud Backup command template.
#[derive(Debug, Clone)]
pub(crate) enum VaultOp {
    CreateVault {
        vault: NewId,
        region: u8,
        kind: VaultKind,
    },
    CreatePolicy {
        policy: NewId,
        vault: VaultRef,
        ecs: bool,
        immutable: bool,
    },
    Enable {
        target: TargetRef,
    },
    Disable {
        target: TargetRef,
    },
    /// By the platform.
    CreatePoint {
        point: NewId,
        vault: VaultRef,
        policy: PointPolicy,
        snapshot: PointSnapshot,
        retention: Option<u32>,
    },
    DeletePoint {
        point: PointRef,
    },
    Restore {
        point: PointRef,
    },
    DeleteVault {
        vault: VaultRef,
    },
    ReplicateVault {
        vault: VaultRef,
        replica: NewId,
        region: ReplicaRegion,
    },
    /// By the platform.
    ReplicatePoint {
        point: PointRef,
        replica: NewId,
        vault: ReplicaVault,
    },
}

fn new_id() -> impl Strategy<Value = NewId> {
    prop_oneof![
        10 => Just(NewId::Fresh),
        2 => (0u8..8).prop_map(NewId::Pool),
        1 => Just(NewId::Malformed),
    ]
}

/// Mostly kinds that support immutability (VAULT-2), archive vaults
/// keeping their points 1 to 30 days so that they expire within a history,
/// sometimes an unsupported kind or an out-of-range retention (SNAP-5).
fn vault_kind() -> impl Strategy<Value = VaultKind> {
    let days = |range: std::ops::RangeInclusive<u32>| {
        range.prop_map(|days| VaultKind::Archive {
            retention: RetentionRequest::Days(days),
        })
    };
    prop_oneof![
        5 => Just(VaultKind::GeneralPurpose),
        3 => Just(VaultKind::Database),
        3 => days(1..=30),
        1 => Just(VaultKind::Archive { retention: RetentionRequest::Permanent }),
        1 => Just(VaultKind::DatabaseRealtime),
        1 => prop_oneof![
            Just(VaultKind::NasFree30Days),
            Just(VaultKind::OssFree30Days),
            Just(VaultKind::TablestoreFree30Days),
        ],
        1 => days(0..=0),
    ]
}

fn vault_ref() -> impl Strategy<Value = VaultRef> {
    prop_oneof![
        1 => (0u8..4).prop_map(VaultRef::Pool),
        8 => any::<u8>().prop_map(VaultRef::Mine),
        3 => any::<u8>().prop_map(VaultRef::Immutable),
        1 => any::<u8>().prop_map(VaultRef::Replica),
        1 => any::<u8>().prop_map(VaultRef::Foreign),
    ]
}

fn policy_ref() -> impl Strategy<Value = PolicyRef> {
    prop_oneof![
        1 => (0u8..3).prop_map(PolicyRef::Pool),
        3 => any::<u8>().prop_map(PolicyRef::Mine),
        4 => any::<u8>().prop_map(PolicyRef::Mutable),
    ]
}

fn target() -> impl Strategy<Value = TargetRef> {
    prop_oneof![
        1 => vault_ref().prop_map(TargetRef::Vault),
        1 => policy_ref().prop_map(TargetRef::Policy),
    ]
}

fn point_ref() -> impl Strategy<Value = PointRef> {
    prop_oneof![
        1 => (0u8..9).prop_map(PointRef::Pool),
        5 => any::<u8>().prop_map(PointRef::Mine),
        4 => any::<u8>().prop_map(PointRef::Locked),
        1 => any::<u8>().prop_map(PointRef::Foreign),
    ]
}

/// Retention in days: mostly short enough to end within a history,
/// sometimes up to 60 days, the vault's default or out of range (SNAP-5).
fn point_retention() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        3 => Just(None),
        6 => (1u32..=10).prop_map(Some),
        2 => (11u32..=60).prop_map(Some),
        1 => Just(Some(0)),
    ]
}

fn create_point() -> impl Strategy<Value = VaultOp> {
    let vault = prop_oneof![
        3 => vault_ref(),
        2 => any::<u8>().prop_map(VaultRef::Immutable),
        2 => any::<u8>().prop_map(VaultRef::Replicated),
        1 => any::<u8>().prop_map(VaultRef::Replica),
    ];
    let policy = prop_oneof![
        3 => Just(PointPolicy::None),
        3 => any::<u8>().prop_map(PointPolicy::OfVault),
        4 => any::<u8>().prop_map(PointPolicy::Drives),
        1 => policy_ref().prop_map(PointPolicy::Named),
    ];
    let snapshot = prop_oneof![
        4 => Just(PointSnapshot::None),
        3 => any::<u8>().prop_map(PointSnapshot::Owners),
        1 => any::<u8>().prop_map(PointSnapshot::Any),
    ];
    (new_id(), vault, policy, snapshot, point_retention()).prop_map(
        |(point, vault, policy, snapshot, retention)| VaultOp::CreatePoint {
            point,
            vault,
            policy,
            snapshot,
            retention,
        },
    )
}

fn replicate_vault() -> impl Strategy<Value = VaultOp> {
    let vault = prop_oneof![
        3 => any::<u8>().prop_map(VaultRef::Mine),
        4 => any::<u8>().prop_map(VaultRef::Immutable),
        1 => any::<u8>().prop_map(VaultRef::Replica),
        1 => vault_ref(),
    ];
    let region = prop_oneof![
        6 => Just(ReplicaRegion::Other),
        2 => Just(ReplicaRegion::Same),
        1 => (0u8..3).prop_map(ReplicaRegion::Pool),
    ];
    (vault, new_id(), region).prop_map(|(vault, replica, region)| VaultOp::ReplicateVault {
        vault,
        replica,
        region,
    })
}

fn replicate_point() -> impl Strategy<Value = VaultOp> {
    let point = prop_oneof![
        6 => any::<u8>().prop_map(PointRef::Replicable),
        1 => point_ref(),
    ];
    let vault = prop_oneof![
        6 => any::<u8>().prop_map(ReplicaVault::Of),
        1 => vault_ref().prop_map(ReplicaVault::Named),
    ];
    (point, new_id(), vault).prop_map(|(point, replica, vault)| VaultOp::ReplicatePoint {
        point,
        replica,
        vault,
    })
}

fn delete_vault() -> impl Strategy<Value = VaultOp> {
    prop_oneof![
        3 => any::<u8>().prop_map(VaultRef::Deletable),
        2 => any::<u8>().prop_map(VaultRef::Immutable),
        3 => any::<u8>().prop_map(VaultRef::HoldingLocked),
        2 => vault_ref(),
    ]
    .prop_map(|vault| VaultOp::DeleteVault { vault })
}

/// One Cloud Backup command.
pub(crate) fn vault_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        7 => (new_id(), prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)], vault_kind())
            .prop_map(|(vault, region, kind)| VaultOp::CreateVault { vault, region, kind }),
        5 => (new_id(), vault_ref(), any::<bool>(), prop::bool::weighted(0.2)).prop_map(
            |(policy, vault, ecs, immutable)| VaultOp::CreatePolicy { policy, vault, ecs, immutable }
        ),
        7 => target().prop_map(|target| VaultOp::Enable { target }),
        2 => target().prop_map(|target| VaultOp::Disable { target }),
        14 => create_point(),
        4 => point_ref().prop_map(|point| VaultOp::DeletePoint { point }),
        3 => point_ref().prop_map(|point| VaultOp::Restore { point }),
        5 => delete_vault(),
        4 => replicate_vault(),
        6 => replicate_point(),
    ]
    .prop_map(Op::Vault)
}

/// Commands of the Cloud Backup mix: mostly Cloud Backup, sometimes any
/// command of the general mix (snapshots for the points to hold, ...).
fn vault_mix_op() -> impl Strategy<Value = Op> {
    prop_oneof![6 => vault_op(), 1 => op()]
}

/// The first steps of a Cloud Backup history, at the setup's instant, by
/// the root of [`OWNER`](crate::common::OWNER): three vaults in either
/// region, a replica of one into the other region and two policies, so
/// that the commands after them mostly reach something.
fn vault_prelude() -> impl Strategy<Value = Vec<Step>> {
    let vault = (0u8..2, vault_kind()).prop_map(|(region, kind)| VaultOp::CreateVault {
        vault: NewId::Fresh,
        region,
        kind,
    });
    let replica = any::<u8>().prop_map(|index| VaultOp::ReplicateVault {
        vault: VaultRef::Mine(index),
        replica: NewId::Fresh,
        region: ReplicaRegion::Other,
    });
    let policy = (any::<u8>(), any::<bool>()).prop_map(|(index, ecs)| VaultOp::CreatePolicy {
        policy: NewId::Fresh,
        vault: VaultRef::Mine(index),
        ecs,
        immutable: false,
    });
    let ops = (
        prop::collection::vec(vault, 3),
        replica,
        prop::collection::vec(policy, 2),
    );
    ops.prop_map(|(vaults, replica, policies)| {
        vaults
            .into_iter()
            .chain([replica])
            .chain(policies)
            .map(|op| Step {
                delay: Delay::Zero,
                action: Action::Command(Who::Natural(0), Op::AsOwner(Box::new(Op::Vault(op)))),
            })
            .collect()
    })
}

/// The Cloud Backup mix from either the plain or a directory setup, as
/// [`history`](crate::generate::history) draws it: the prelude, then
/// mostly Cloud Backup commands.
pub(crate) fn vault_mix() -> impl Strategy<Value = (Setup, Vec<Step>)> {
    let setup = prop_oneof![Just(Setup::Plain), Just(Setup::Directory)];
    let steps = commands(vault_mix_op().boxed(), delay().boxed());
    (setup, vault_prelude(), steps)
        .prop_map(|(setup, prelude, steps)| (setup, [prelude, steps].concat()))
}

/// Histories of the Cloud Backup mix only, for the VAULT properties.
pub(crate) fn vault_history() -> impl Strategy<Value = History> {
    vault_mix().prop_map(|(setup, steps)| History { setup, steps })
}
