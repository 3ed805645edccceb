//! The generated copy, key and region steps (COPY, SHARE-11, LOCK-13):
//! copies with an encryption and a destination chosen among the regions,
//! from own, locked, archived, shared and foreign sources, completed,
//! cancelled and made again in the same lineage; KMS activation, customer
//! master keys over a small pool, and regions closing down (rarely).

use proptest::prelude::*;
use snapguard::SnapshotOutcome;

use crate::generate::{Op, Snap, new_snap, outcome, region_index, retention, snap};

/// A snapshot to copy.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Src {
    Snap(Snap),
    /// The index-th available snapshot of the actor's account in the
    /// standard tier (COPY-1, ARCH-3), else as [`Snap::Mine`].
    Copyable(u8),
    /// The index-th archived snapshot of the actor's account (ARCH-3), else
    /// as [`Src::Copyable`].
    Archived(u8),
    /// The index-th available snapshot of the actor's account whose data
    /// was taken of no disk (by Cloud Backup, or a copy of one: COPY-7),
    /// else as [`Src::Copyable`].
    Diskless(u8),
    /// The index-th snapshot shared with the actor's account encrypted with
    /// a customer key (SHARE-11), else as [`Snap::Shared`].
    SharedEncrypted(u8),
}

/// A customer master key named by a command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyRef {
    /// `KEYS[index]`: any account's, or none.
    Pool(u8),
    /// An id never given before (key ids are never given twice, GEN-4).
    Fresh,
    /// The index-th key of the actor's account, enabled or not, else
    /// `KEYS[index]`.
    Mine(u8),
    /// The index-th disabled key of the actor's account (COPY-3), else as
    /// [`KeyRef::Mine`].
    Disabled(u8),
    /// The index-th enabled key of the actor's account in the copy's
    /// destination region (COPY-3), else as [`KeyRef::Mine`].
    Usable(u8),
}

/// The encryption a copy asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Crypt {
    /// A standard copy (COPY-2).
    Unencrypted,
    ServiceKey,
    CustomerKey(KeyRef),
    /// The source's own customer key, else `key-1`: a sharee may not keep
    /// it (SHARE-11).
    SourceKey,
}

/// Where a copy goes, relative to its source.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dest {
    /// The source's region (COPY-2 refuses a standard copy there).
    Same,
    /// `cn-hangzhou` or `cn-shanghai`, whichever the source is not in.
    Other,
    /// `REGIONS[index]`, `cn-beijing` included (GEN-4 unless registered).
    Pool(u8),
    /// A region closing down (COPY-4), else as [`Dest::Other`].
    Closing,
}

/// A copy, key or region command template.
#[derive(Debug, Clone)]
pub(crate) enum CopyOp {
    Copy {
        source: Src,
        snap: Snap,
        region: Dest,
        encryption: Crypt,
        retention: Option<u32>,
    },
    /// Copies again the source of the index-th copy of the actor's account
    /// whose source is still there, into the same region with the same
    /// encryption: the same lineage (COPY-7); else copies as
    /// [`Src::Copyable`] with the service key.
    Recopy {
        copy: u8,
        retention: Option<u32>,
    },
    /// By the platform: completes the index-th copy or Cloud Backup
    /// snapshot in progress, else the index-th snapshot in progress.
    FinishCopy {
        copy: u8,
        outcome: SnapshotOutcome,
    },
    /// Deletes the index-th copy of the actor's account in progress, else
    /// the index-th one of any account (COPY-6).
    CancelCopy {
        copy: u8,
    },
    ActivateKms,
    CreateKey {
        key: KeyRef,
        region: u8,
    },
    EnableKey {
        key: KeyRef,
    },
    DisableKey {
        key: KeyRef,
    },
    /// By the platform: the region accepts no encrypted copies (COPY-4).
    CloseRegion {
        region: u8,
    },
}

/// What a new manual snapshot carries beyond its retention: bit 0 instant
/// access, bit 1 tags; never inherited by its copies (COPY-5).
pub(crate) fn snapshot_extras() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)]
}

/// Mostly a usable key or the service key, a standard copy, and sometimes
/// a key that is not the actor's, disabled or elsewhere, or the source's.
fn crypt() -> impl Strategy<Value = Crypt> {
    prop_oneof![
        5 => Just(Crypt::Unencrypted),
        4 => Just(Crypt::ServiceKey),
        4 => any::<u8>().prop_map(|i| Crypt::CustomerKey(KeyRef::Usable(i))),
        2 => any::<u8>().prop_map(|i| Crypt::CustomerKey(KeyRef::Mine(i))),
        2 => any::<u8>().prop_map(|i| Crypt::CustomerKey(KeyRef::Disabled(i))),
        1 => (0u8..3).prop_map(|i| Crypt::CustomerKey(KeyRef::Pool(i))),
        1 => Just(Crypt::SourceKey),
    ]
}

fn dest() -> impl Strategy<Value = Dest> {
    prop_oneof![
        4 => Just(Dest::Other),
        3 => Just(Dest::Same),
        1 => (0u8..3).prop_map(Dest::Pool),
        1 => Just(Dest::Closing),
    ]
}

/// A snapshot to copy: mostly one of the actor's that can be copied,
/// often a locked one (LOCK-13), an archived one (ARCH-3) or one taken of
/// no disk (COPY-7), else as
/// [`snap`] (often not the actor's or in progress) or a shared one.
fn copy_source() -> impl Strategy<Value = Src> {
    prop_oneof![
        6 => any::<u8>().prop_map(Src::Copyable),
        3 => any::<u8>().prop_map(|i| Src::Snap(Snap::Locked(i))),
        4 => snap().prop_map(Src::Snap),
        1 => any::<u8>().prop_map(|i| Src::Snap(Snap::Shared(i))),
        3 => any::<u8>().prop_map(Src::Archived),
        3 => any::<u8>().prop_map(Src::Diskless),
    ]
}

fn key_ref() -> impl Strategy<Value = KeyRef> {
    prop_oneof![
        4 => any::<u8>().prop_map(KeyRef::Mine),
        1 => (0u8..3).prop_map(KeyRef::Pool),
    ]
}

/// A copy by a customer (usually the owner 1001) of some snapshot.
pub(crate) fn copy() -> impl Strategy<Value = Op> {
    (copy_source(), new_snap(), dest(), crypt(), retention()).prop_map(
        |(source, snap, region, encryption, retention)| {
            Op::Copy(CopyOp::Copy {
                source,
                snap,
                region,
                encryption,
                retention,
            })
        },
    )
}

/// A sharee's copy of what is shared with it: mostly with its own key or
/// the service key, sometimes keeping the shared key (SHARE-11) or
/// standard.
pub(crate) fn sharee_copy() -> impl Strategy<Value = Op> {
    let encryption = prop_oneof![
        3 => Just(Crypt::ServiceKey),
        3 => any::<u8>().prop_map(|i| Crypt::CustomerKey(KeyRef::Usable(i))),
        3 => Just(Crypt::SourceKey),
        1 => Just(Crypt::Unencrypted),
        1 => (0u8..3).prop_map(|i| Crypt::CustomerKey(KeyRef::Pool(i))),
    ];
    let region = prop_oneof![
        4 => Just(Dest::Same),
        2 => Just(Dest::Other),
        1 => (0u8..3).prop_map(Dest::Pool),
    ];
    let source = prop_oneof![
        1 => any::<u8>().prop_map(|i| Src::Snap(Snap::Shared(i))),
        1 => any::<u8>().prop_map(Src::SharedEncrypted),
    ];
    (source, region, encryption, retention()).prop_map(|(source, region, encryption, retention)| {
        Op::Copy(CopyOp::Copy {
            source,
            snap: Snap::Fresh,
            region,
            encryption,
            retention,
        })
    })
}

/// 2002 copying a snapshot shared with it encrypted with a customer key,
/// mostly under its own key or the service key (SHARE-11).
pub(crate) fn sharee_encrypted_copy() -> impl Strategy<Value = Op> {
    let encryption = prop_oneof![
        3 => Just(Crypt::ServiceKey),
        3 => any::<u8>().prop_map(|i| Crypt::CustomerKey(KeyRef::Usable(i))),
        2 => Just(Crypt::SourceKey),
        1 => Just(Crypt::Unencrypted),
    ];
    let region = prop_oneof![3 => Just(Dest::Same), 1 => Just(Dest::Other)];
    (any::<u8>(), region, encryption).prop_map(|(source, region, encryption)| Op::AsSharee {
        sharee: 0,
        op: Box::new(Op::Copy(CopyOp::Copy {
            source: Src::SharedEncrypted(source),
            snap: Snap::Fresh,
            region,
            encryption,
            retention: None,
        })),
    })
}

/// The owner copying one of its snapshots held in a share.
pub(crate) fn copy_in_share() -> impl Strategy<Value = Op> {
    (new_snap(), any::<u8>(), dest(), crypt()).prop_map(|(snap, source, region, encryption)| {
        Op::Copy(CopyOp::Copy {
            source: Src::Snap(Snap::InShare(source)),
            snap,
            region,
            encryption,
            retention: None,
        })
    })
}

/// Copies, key commands and, rarely, a region closing down (mostly
/// `cn-shanghai`, seldom `cn-hangzhou`, or the perhaps unregistered
/// `cn-beijing`).
pub(crate) fn copy_op() -> impl Strategy<Value = Op> {
    let key_op = prop_oneof![
        3 => Just(CopyOp::ActivateKms),
        4 => (prop_oneof![2 => Just(KeyRef::Fresh), 1 => (0u8..3).prop_map(KeyRef::Pool)],
            region_index())
            .prop_map(|(key, region)| CopyOp::CreateKey { key, region }),
        1 => key_ref().prop_map(|key| CopyOp::EnableKey { key }),
        4 => key_ref().prop_map(|key| CopyOp::DisableKey { key }),
        4 => prop_oneof![1 => Just(0u8), 6 => Just(1u8), 1 => Just(2u8)]
            .prop_map(|region| CopyOp::CloseRegion { region }),
    ]
    .prop_map(Op::Copy);
    prop_oneof![
        8 => copy(),
        3 => (any::<u8>(), retention())
            .prop_map(|(copy, retention)| Op::Copy(CopyOp::Recopy { copy, retention })),
        4 => (any::<u8>(), outcome())
            .prop_map(|(copy, outcome)| Op::Copy(CopyOp::FinishCopy { copy, outcome })),
        2 => any::<u8>().prop_map(|copy| Op::Copy(CopyOp::CancelCopy { copy })),
        // Cloud Backup snapshots of 1001, whose copies have no disk (COPY-7).
        1 => region_index().prop_map(|region| Op::CreateBackup {
            snap: Snap::Fresh,
            account: 0,
            region,
            retention: None,
        }),
        7 => key_op,
    ]
}
