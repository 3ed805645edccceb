//! The generated directory and sharing steps: command templates over the
//! pools of shares, directories, folders and principals, what a sharee
//! does with what is shared with it, and the sharing-focused mix.

use proptest::prelude::*;
use snapguard::SnapshotOutcome;

use crate::generate::{
    DiskRef, ImageRef, Op, Snap, Source, archive_days, cool_off_hours, lock_days, new_image, op,
    outcome, pending_snap, retention_request, snap,
};
use crate::generate_copy::{
    copy_in_share, copy_op, sharee_copy, sharee_encrypted_copy, snapshot_extras,
};

/// A resource share named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ShareRef {
    /// `SHARES[index]`.
    Pool(u8),
    /// An id never given before.
    Fresh,
    /// The index-th share of the actor's account, else `SHARES[index]`.
    Mine(u8),
    /// The index-th share of the actor's account holding a snapshot whose
    /// retention has ended (kept only because shared, SHARE-14), else one
    /// holding a snapshot whose view has expired (SHARE-9), else one that
    /// does not exist (GEN-4).
    WithEnded(u8),
    /// The index-th share of another account the actor's account sees a
    /// snapshot through, preferring those it has not accepted; else any
    /// share of another account.
    Reaching(u8),
}

/// A principal named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PrincipalRef {
    /// `ACCOUNTS[index]`.
    Account(u8),
    /// `DIRECTORIES[index]`.
    Directory(u8),
    /// `FOLDERS[index]`.
    Folder(u8),
}

/// A principal or snapshot to take out of a share.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Member {
    /// The index-th one the share holds.
    InShare(u8),
    /// The index-th snapshot the share holds whose retention has ended
    /// (SHARE-14), else one whose view has expired (SHARE-9), else as
    /// [`Member::InShare`]; a principal as [`Member::InShare`].
    Ended(u8),
    /// One it most likely does not hold (GEN-4).
    Stray(u8),
}

/// A directory or sharing command template.
#[derive(Debug, Clone)]
pub(crate) enum ShareOp {
    CreateDirectory {
        directory: u8,
    },
    CreateFolder {
        folder: u8,
    },
    AddMember {
        account: u8,
        folder: Option<u8>,
    },
    RemoveMember {
        account: u8,
    },
    /// Trusts the accounts whose bit is set in `trusted` (of `ACCOUNTS`).
    SetRole {
        trusted: u8,
    },
    Create {
        share: ShareRef,
        directory_scope: bool,
        principals: Vec<PrincipalRef>,
        snapshots: Vec<Snap>,
    },
    Associate {
        share: ShareRef,
        principals: Vec<PrincipalRef>,
        snapshots: Vec<Snap>,
    },
    Disassociate {
        share: ShareRef,
        principals: Vec<Member>,
        snapshots: Vec<Member>,
    },
    Delete {
        share: ShareRef,
    },
    Accept {
        share: ShareRef,
    },
    /// Adds to a share the index-th snapshot of the actor's account that
    /// can be shared and is encrypted with a customer key (SHARE-6), else
    /// as [`Snap::Shareable`]: so that sharees copy such snapshots, under
    /// their own key or not (SHARE-11).
    ShareEncrypted {
        share: ShareRef,
        snapshot: u8,
    },
}

/// Mostly the sharee 2002, sometimes 4004, an international account, a
/// directory or a folder; rarely the owner itself (SHARE-4).
fn principal() -> impl Strategy<Value = PrincipalRef> {
    prop_oneof![
        8 => Just(PrincipalRef::Account(1)),
        2 => Just(PrincipalRef::Account(3)),
        2 => Just(PrincipalRef::Account(2)),
        1 => Just(PrincipalRef::Account(0)),
        3 => prop_oneof![4 => Just(0u8), 1 => Just(1u8)].prop_map(PrincipalRef::Directory),
        3 => prop_oneof![3 => Just(0u8), 1 => Just(1u8)].prop_map(PrincipalRef::Folder),
    ]
}

fn principals(min: usize) -> impl Strategy<Value = Vec<PrincipalRef>> {
    prop_oneof![
        6 => prop::collection::vec(principal(), min.max(1)..=1),
        3 => prop::collection::vec(principal(), 2..=3),
        1 => prop::collection::vec(principal(), min..=min),
    ]
}

/// A snapshot to share: mostly one that can be shared, sometimes one that
/// cannot (SHARE-5), one of another account (PERM-4, SHARE-10) or a
/// pending one.
fn share_target() -> impl Strategy<Value = Snap> {
    prop_oneof![
        8 => any::<u8>().prop_map(Snap::Shareable),
        6 => any::<u8>().prop_map(Snap::Ending),
        2 => any::<u8>().prop_map(Snap::InShare),
        2 => snap(),
        1 => any::<u8>().prop_map(Snap::Shared),
    ]
}

fn share_targets(min: usize) -> impl Strategy<Value = Vec<Snap>> {
    prop_oneof![
        6 => prop::collection::vec(share_target(), min.max(1)..=1),
        3 => prop::collection::vec(share_target(), 2..=3),
        1 => prop::collection::vec(share_target(), min..=min),
    ]
}

/// A share id for a new share: one of the pool (taken once created, GEN-4)
/// or one never given.
fn new_share() -> impl Strategy<Value = ShareRef> {
    prop_oneof![
        1 => (0u8..4).prop_map(ShareRef::Pool),
        1 => Just(ShareRef::Fresh),
    ]
}

fn own_share() -> impl Strategy<Value = ShareRef> {
    prop_oneof![
        6 => any::<u8>().prop_map(ShareRef::Mine),
        1 => (0u8..4).prop_map(ShareRef::Pool),
    ]
}

/// A share to take from: often one holding a snapshot whose retention
/// ended, so that unsharing releases it (SHARE-14).
fn unshare_from() -> impl Strategy<Value = ShareRef> {
    prop_oneof![
        3 => own_share(),
        2 => any::<u8>().prop_map(ShareRef::WithEnded),
    ]
}

fn member() -> impl Strategy<Value = Member> {
    prop_oneof![
        5 => any::<u8>().prop_map(Member::InShare),
        4 => any::<u8>().prop_map(Member::Ended),
        1 => any::<u8>().prop_map(Member::Stray),
    ]
}

/// Snapshots made to be shared: manual ones of the owner's disks, mostly
/// with a short retention, so that views expire (SHARE-9) and releases
/// wait for unsharing (SHARE-14) within a history.
fn short_lived_snapshot() -> impl Strategy<Value = Op> {
    let retention = prop_oneof![
        4 => Just(None),
        2 => Just(Some(1u32)),
        3 => Just(Some(2u32)),
        2 => Just(Some(5u32)),
        1 => Just(Some(20u32)),
    ];
    // `d-4` is encrypted with a customer key (SHARE-6, SHARE-11).
    let disk = prop_oneof![
        3 => any::<u8>().prop_map(DiskRef::Mine),
        1 => Just(DiskRef::Pool(4)),
    ];
    (disk, retention, snapshot_extras()).prop_map(|(disk, retention, extras)| {
        Op::AsOwner(Box::new(Op::CreateSnapshot {
            snap: Snap::Fresh,
            disk,
            retention,
            extras,
        }))
    })
}

/// Directory and sharing commands by their usual actors: an account root
/// for directories and the role, a customer (mostly the owner 1001) for
/// shares.
pub(crate) fn share_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (new_share(), prop::bool::weighted(0.2), principals(0), share_targets(0)).prop_map(
            |(share, directory_scope, principals, snapshots)| ShareOp::Create {
                share,
                directory_scope,
                principals,
                snapshots,
            }
        ),
        5 => (own_share(), principals(0), share_targets(0)).prop_map(
            |(share, principals, snapshots)| ShareOp::Associate { share, principals, snapshots }
        ),
        5 => (
            unshare_from(),
            prop::collection::vec(member(), 0..=1),
            prop_oneof![
                1 => prop::collection::vec(member(), 0..=0),
                4 => prop::collection::vec(member(), 1..=2),
            ],
        )
            .prop_map(|(share, principals, snapshots)| ShareOp::Disassociate {
                share,
                principals,
                snapshots,
            }),
        3 => unshare_from().prop_map(|share| ShareOp::Delete { share }),
        1 => (0u8..2).prop_map(|directory| ShareOp::CreateDirectory { directory }),
        1 => (0u8..2).prop_map(|folder| ShareOp::CreateFolder { folder }),
        3 => (
            prop_oneof![2 => Just(3u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(0u8)],
            prop::option::of(0u8..2),
        )
            .prop_map(|(account, folder)| ShareOp::AddMember { account, folder }),
        1 => (0u8..4).prop_map(|account| ShareOp::RemoveMember { account }),
        // Mostly trusting 2002, so that sharees reach SHARE-11.
        2 => prop_oneof![Just(0b0010u8), Just(0b1010u8), 0u8..16]
            .prop_map(|trusted| ShareOp::SetRole { trusted }),
    ]
    .prop_map(Op::Share)
}

/// What a sharee does with what is shared with it: accept, create disks,
/// copy and re-initialize (allowed once accepted), and try what only the
/// owner may do (SHARE-10, LOCK-3, IMAGE-1, DISK-2).
pub(crate) fn sharee_op() -> impl Strategy<Value = Op> {
    let shared = || any::<u8>().prop_map(Snap::Shared);
    let actions = prop_oneof![
        10 => prop_oneof![
            6 => any::<u8>().prop_map(ShareRef::Reaching),
            1 => (0u8..4).prop_map(ShareRef::Pool),
        ]
        .prop_map(|share| Op::Share(ShareOp::Accept { share })),
        7 => (prop_oneof![4 => Just(0u8), 1 => Just(1u8)], shared(), 0u8..4).prop_map(
            |(region, snap, encryption)| Op::CreateDisk {
                disk: DiskRef::Fresh,
                region,
                source: Source::Snapshot(snap),
                encryption,
            }
        ),
        6 => sharee_copy(),
        2 => shared().prop_map(|snap| Op::Delete { snap }),
        2 => (shared(), lock_days(), cool_off_hours())
            .prop_map(|(snap, days, cool_off)| Op::Lock { snap, days, cool_off }),
        1 => shared().prop_map(|snap| Op::Unlock { snap }),
        1 => (shared(), archive_days()).prop_map(|(snap, days)| Op::Archive { snap, days }),
        1 => (shared(), retention_request())
            .prop_map(|(snap, retention)| Op::SetRetention { snap, retention }),
        1 => (new_image(), shared()).prop_map(|(image, snap)| Op::CreateImage { image, snap }),
        1 => (any::<u8>(), shared())
            .prop_map(|(disk, snap)| Op::ResetDisk { disk: DiskRef::FromShared(disk), snap }),
        1 => (new_share(), principals(1), shared()).prop_map(|(share, principals, snap)| {
            Op::Share(ShareOp::Create {
                share,
                directory_scope: false,
                principals,
                snapshots: vec![snap],
            })
        }),
        1 => (own_share(), shared()).prop_map(|(share, snap)| {
            Op::Share(ShareOp::Associate { share, principals: Vec::new(), snapshots: vec![snap] })
        }),
        4 => any::<u8>().prop_map(|disk| Op::ReinitializeDisk { disk: DiskRef::FromShared(disk) }),
    ];
    (0u8..6, actions).prop_map(|(sharee, op)| Op::AsSharee {
        sharee,
        op: Box::new(op),
    })
}

/// Commands of a history focused on sharing: snapshots made and completed
/// to be shared, shared, accepted, used and tried by sharees, unshared
/// (often once their retention ended, SHARE-14), with the directory
/// changing under them; the general mix keeps every other command in play.
pub(crate) fn sharing_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        14 => short_lived_snapshot(),
        4 => (pending_snap(), outcome()).prop_map(|(snap, outcome)| Op::Finish { snap, outcome }),
        10 => (1u64..=40).prop_map(|size_gib| Op::Finish {
            snap: Snap::LatestPending,
            outcome: SnapshotOutcome::Available { size_gib },
        }),
        2 => (0u8..3).prop_map(|encryption| Op::AsOwner(Box::new(Op::CreateDisk {
            disk: DiskRef::Fresh,
            region: 0,
            source: Source::Blank,
            encryption,
        }))),
        20 => share_op(),
        20 => sharee_op(),
        3 => any::<u8>().prop_map(|i| Op::AsOwner(Box::new(Op::Share(ShareOp::Disassociate {
            share: ShareRef::WithEnded(i),
            principals: Vec::new(),
            snapshots: vec![Member::Ended(i)],
        })))),
        2 => any::<u8>().prop_map(|i| Op::AsOwner(Box::new(Op::Share(ShareOp::Delete {
            share: ShareRef::WithEnded(i),
        })))),
        1 => any::<u8>().prop_map(|i| Op::Delete { snap: Snap::InShare(i) }),
        1 => copy_in_share(),
        3 => copy_op(),
        4 => sharee_encrypted_copy(),
        4 => (prop_oneof![3 => Just(ShareRef::Pool(0)), 1 => own_share()], any::<u8>())
            .prop_map(|(share, snapshot)| Op::Share(ShareOp::ShareEncrypted { share, snapshot })),
        1 => Just(Op::CreateImage { image: ImageRef::Fresh, snap: Snap::InShare(0) }),
        6 => op(),
    ]
}
