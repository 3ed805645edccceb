//! Payloads of copies, keys and regions closing down (COPY).

use serde::{Deserialize, Serialize};

use crate::{Encryption, KeyId, RegionId, SnapshotId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Copies a snapshot into a new one owned by, and billed to, the actor's
/// account (`ecs:CopySnapshot`, SHARE-15).
///
/// The copy starts in progress in the destination region, with the
/// requested retention (permanent by default) and no tags, lock or instant
/// access (COPY-5, LOCK-13); it records its source, cannot roll back the
/// source's disk (DISK-2), and stays when the source is unshared
/// (SHARE-13). The platform completes it with
/// [`FinishSnapshot`](crate::FinishSnapshot); deleting it before then
/// cancels it (COPY-6). The accepted
/// [`Event::SnapshotCopied`](crate::Event::SnapshotCopied) states its
/// billing basis (COPY-7).
///
/// The source is the account's own or shared with it (SHARE-10). After the
/// common checks (which include that a customer master key named exists),
/// in order: a shared source is usable by the account now (SHARE-7,
/// SHARE-9, SHARE-6); the source is available (COPY-1) and not archived
/// (ARCH-3). Then:
///
/// - a standard copy ([`Encryption::Unencrypted`]) goes to another region,
///   from an unencrypted snapshot (COPY-2);
/// - an encrypted copy (the service key or a customer master key) made by a
///   sharee uses another key than the shared snapshot's (SHARE-11); it
///   needs KMS activated for the account (COPY-3), a customer master key of
///   the account's own (PERM-4), enabled and in the destination region
///   (COPY-3), and a destination region that is not closing down (COPY-4).
///
/// Last, the copy's retention (SNAP-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CopySnapshot {
    /// The snapshot to copy.
    pub source: SnapshotId,
    /// The copy's id.
    pub snapshot: SnapshotId,
    /// The destination region.
    pub region: RegionId,
    /// The copy's encryption: [`Encryption::Unencrypted`] asks for a
    /// standard copy, a key for an encrypted one.
    pub encryption: Encryption,
    /// Retention in days from the copy's creation, or `None` for permanent.
    pub retention_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Activates Key Management Service for the actor's account, which
/// encrypted copies and customer master keys need (COPY-3). Issued by the
/// account's root; activating again records nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ActivateKms {}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a customer master key of the actor's account in a region
/// (`kms:CreateKey`). It starts enabled.
///
/// After the common checks: KMS is activated for the account (COPY-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateKey {
    /// The new key's id.
    pub key: KeyId,
    /// Its region.
    pub region: RegionId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Enables a customer master key of the actor's account (`kms:EnableKey`).
/// An enabled key stays as it is and nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnableKey {
    /// The key.
    pub key: KeyId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Disables a customer master key of the actor's account
/// (`kms:DisableKey`): it encrypts no new copy (COPY-3) or disk (DISK-1)
/// until enabled again. What it encrypts already stays usable. A disabled
/// key stays as it is and nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DisableKey {
    /// The key.
    pub key: KeyId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records that the provider announced a region is closing down: it
/// accepts no more encrypted copies (COPY-4). Issued by the platform; a
/// region closing down already records nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MarkRegionClosingDown {
    /// The region.
    pub region: RegionId,
}
