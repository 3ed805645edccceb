//! What happened: past-tense facts, each with its instant.
//!
//! Events carry everything [`State::evolve`](crate::State::evolve) needs, so
//! replaying the events of an accepted history rebuilds its state.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, BackupPoint, BackupPointId, BackupPolicy, BillingBasis, CopyLineage, DirectoryId,
    Disk, DiskId, FolderId, Image, ImageId, ImmutableTarget, Key, KeyId, Lock, Principal,
    PrincipalScope, RegionId, Retention, ShareId, Site, Snapshot, SnapshotId, SnapshotOutcome,
    Statement, UserId, Vault, VaultId,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a snapshot was deleted.
///
/// Non-exhaustive: later versions may add causes, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DeletionCause {
    /// Deleted by request.
    Requested,
    /// Released with its disk (DISK-3).
    DiskReleased,
    /// Deleted with the custom image built on it (IMAGE-2).
    ImageDeleted,
    /// Rotated out by a newer automatic snapshot (LOCK-11).
    Rotation,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a snapshot was released by the provider.
///
/// Non-exhaustive: later versions may add reasons, so a `match` outside the
/// crate needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ReleaseReason {
    /// Its retention ended (SNAP-2).
    RetentionEnded,
    /// Its account was overdue for the configured period (LOCK-12).
    Overdue,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A fact the state machine recorded.
///
/// An event prints as one line in plain words: its instant, then what
/// happened to which objects (``2026-01-01T00:00:00Z: lock of snapshot
/// `s-1` expired``); the alternate form `{:#}` leaves the instant out.
///
/// # How events name objects
///
/// A field named after a kind of object (`snapshot`, `disk`, `image`,
/// `key`, `vault`, `policy`, `point`, `share`, `account`, ...) holds the
/// id of the object concerned, with two exceptions, both carrying a new
/// value:
///
/// - An event that creates a disk, snapshot, image, key, vault, backup
///   policy or backup point carries the whole new object under that name
///   ([`Event::DiskCreated`], [`Event::SnapshotCreated`],
///   [`Event::SnapshotCopied`], [`Event::ImageCreated`],
///   [`Event::KeyCreated`], [`Event::VaultCreated`],
///   [`Event::BackupPolicyCreated`], [`Event::BackupPointCreated`]): the
///   machine works out part of it (its owner, an inherited encryption, a retention's
///   end, a lock by immutability), and replaying it needs nothing else.
///   Accounts, regions, users, resource directories, folders and resource
///   shares start as no more than what created them, so their events
///   carry the id and those values instead; members, principals and
///   snapshots of a share follow as events of their own.
/// - An event that changes an object carries its id and the new value of
///   what changed: `lock` ([`Event::LockSet`], [`Event::LockReconfigured`]),
///   `expiry` ([`Event::LockExtended`]), `retention`
///   ([`Event::RetentionChanged`], [`Event::SnapshotArchived`]),
///   `statements` ([`Event::UserPolicySet`]), `trusted`
///   ([`Event::EncryptedShareRoleSet`]).
///
/// Other fields name an object by its role: `owner`, `management`,
/// `principal`, `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Event {
    /// An account was registered.
    AccountCreated {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// Its site.
        site: Site,
    },
    /// A region was registered.
    RegionCreated {
        /// When.
        at: DateTime<Utc>,
        /// The region.
        region: RegionId,
    },
    /// A user was added to an account.
    UserCreated {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// The user.
        user: UserId,
        /// Its permission statements.
        statements: Vec<Statement>,
    },
    /// A user's permission statements were replaced.
    UserPolicySet {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// The user.
        user: UserId,
        /// Its new statements.
        statements: Vec<Statement>,
    },
    /// An account became overdue.
    AccountOverdue {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
    },
    /// An overdue account paid.
    AccountSettled {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
    },
    /// A disk was created.
    DiskCreated {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: Disk,
    },
    /// A disk was released.
    DiskReleased {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: DiskId,
    },
    /// A disk was rolled back to a snapshot.
    DiskRolledBack {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: DiskId,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A snapshot was started.
    SnapshotCreated {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot as created.
        snapshot: Snapshot,
    },
    /// A copy was started (COPY-5), with what it is charged on (COPY-7).
    SnapshotCopied {
        /// When.
        at: DateTime<Utc>,
        /// The copy as created, in progress.
        snapshot: Snapshot,
        /// The lineage it belongs to.
        lineage: CopyLineage,
        /// What it is charged on.
        billing: BillingBasis,
    },
    /// A snapshot in progress completed.
    SnapshotFinished {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// How it ended.
        outcome: SnapshotOutcome,
    },
    /// A snapshot's retention changed.
    RetentionChanged {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its new retention.
        retention: Retention,
    },
    /// A snapshot moved to the archive tier.
    SnapshotArchived {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its archive retention, which replaces its retention (ARCH-2).
        retention: Retention,
    },
    /// A snapshot was deleted.
    SnapshotDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why.
        cause: DeletionCause,
        /// Whether it was still in progress: its creation or copy is cancelled.
        cancelled_in_progress: bool,
        /// Whether it was archived less than the minimum storage period ago:
        /// an early-deletion charge applies (ARCH-4).
        early_archive_deletion: bool,
    },
    /// A snapshot was released by the provider. A shared snapshot is
    /// released at its retention end only once unshared (SHARE-14); one
    /// released by billing (LOCK-12) leaves every share holding it.
    SnapshotReleased {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why.
        reason: ReleaseReason,
    },
    /// A snapshot was locked afresh (LOCK-2, LOCK-9).
    LockSet {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The lock.
        lock: Lock,
    },
    /// A lock in cooling-off was replaced by a new one (LOCK-7).
    LockReconfigured {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The new lock.
        lock: Lock,
    },
    /// A lock in compliance was extended (LOCK-8).
    LockExtended {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The new expiry.
        expiry: DateTime<Utc>,
    },
    /// A lock was removed during its cooling-off (LOCK-6).
    SnapshotUnlocked {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A lock's cooling-off ended: it is in compliance (LOCK-5). Not
    /// recorded for a lock without cooling-off, nor for one whose
    /// cooling-off lasts its whole duration: that lock never enters
    /// compliance and only [`Event::LockExpired`] is recorded.
    CoolOffEnded {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A lock expired (LOCK-9).
    LockExpired {
        /// When.
        at: DateTime<Utc>,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A custom image was created or imported.
    ImageCreated {
        /// When.
        at: DateTime<Utc>,
        /// The image.
        image: Image,
    },
    /// A custom image was deleted.
    ImageDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The image.
        image: ImageId,
    },
    /// A disk was re-initialized to what it was created from.
    DiskReinitialized {
        /// When.
        at: DateTime<Utc>,
        /// The disk.
        disk: DiskId,
    },
    /// A resource directory was created; its management account is its
    /// first member.
    DirectoryCreated {
        /// When.
        at: DateTime<Utc>,
        /// The directory.
        directory: DirectoryId,
        /// Its management account.
        management: AccountId,
    },
    /// A folder was created in a resource directory.
    FolderCreated {
        /// When.
        at: DateTime<Utc>,
        /// The folder.
        folder: FolderId,
        /// Its directory.
        directory: DirectoryId,
    },
    /// An account joined a resource directory (SHARE-8).
    DirectoryMemberAdded {
        /// When.
        at: DateTime<Utc>,
        /// The directory.
        directory: DirectoryId,
        /// The account.
        account: AccountId,
        /// Its folder, or `None` for the directory's root.
        folder: Option<FolderId>,
    },
    /// An account left a resource directory (SHARE-8).
    DirectoryMemberRemoved {
        /// When.
        at: DateTime<Utc>,
        /// The directory.
        directory: DirectoryId,
        /// The account.
        account: AccountId,
    },
    /// An account's share-encrypted-snapshot role now trusts these
    /// accounts (SHARE-6); none means no role.
    EncryptedShareRoleSet {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
        /// The accounts trusted.
        trusted: BTreeSet<AccountId>,
    },
    /// A resource share was created, empty; its principals and snapshots
    /// follow as their own events.
    ResourceShareCreated {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// Its owner.
        owner: AccountId,
        /// Whom it may name.
        scope: PrincipalScope,
    },
    /// A share names a new principal.
    SharePrincipalAdded {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The principal.
        principal: Principal,
    },
    /// A share no longer names a principal.
    SharePrincipalRemoved {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The principal.
        principal: Principal,
    },
    /// A snapshot was added to a share.
    SnapshotShared {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The snapshot.
        snapshot: SnapshotId,
        /// When what the sharees see of it expires (SHARE-9).
        expires_at: DateTime<Utc>,
    },
    /// A snapshot was removed from a share (SHARE-13).
    SnapshotUnshared {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// A resource share was deleted, with its principals; its snapshots
    /// were unshared by the events before it.
    ResourceShareDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
    },
    /// An account accepted a resource share (SHARE-7).
    ResourceShareAccepted {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The account.
        account: AccountId,
    },
    /// What the sharees of a share see of a snapshot expired (SHARE-9).
    /// The snapshot stays in the share until unshared.
    ShareExpired {
        /// When.
        at: DateTime<Utc>,
        /// The share.
        share: ShareId,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// An account activated KMS (COPY-3).
    KmsActivated {
        /// When.
        at: DateTime<Utc>,
        /// The account.
        account: AccountId,
    },
    /// A customer master key was created, enabled.
    KeyCreated {
        /// When.
        at: DateTime<Utc>,
        /// The key.
        key: Key,
    },
    /// A customer master key was enabled.
    KeyEnabled {
        /// When.
        at: DateTime<Utc>,
        /// The key.
        key: KeyId,
    },
    /// A customer master key was disabled.
    KeyDisabled {
        /// When.
        at: DateTime<Utc>,
        /// The key.
        key: KeyId,
    },
    /// A Cloud Backup vault was created, or a replica of one (VAULT-7).
    VaultCreated {
        /// When.
        at: DateTime<Utc>,
        /// The vault.
        vault: Vault,
    },
    /// A backup policy was created.
    BackupPolicyCreated {
        /// When.
        at: DateTime<Utc>,
        /// The policy.
        policy: BackupPolicy,
    },
    /// Immutability was enabled on a vault or policy, for good (VAULT-3).
    ImmutabilityEnabled {
        /// When.
        at: DateTime<Utc>,
        /// The vault or policy.
        target: ImmutableTarget,
    },
    /// A backup point was made, or replicated (VAULT-7).
    BackupPointCreated {
        /// When.
        at: DateTime<Utc>,
        /// The backup point.
        point: BackupPoint,
    },
    /// An existing backup point was locked by immutability (VAULT-4).
    BackupPointLocked {
        /// When.
        at: DateTime<Utc>,
        /// The backup point.
        point: BackupPointId,
    },
    /// A backup point was deleted on request, or with its vault.
    BackupPointDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The backup point.
        point: BackupPointId,
    },
    /// A backup point's retention ended and it was deleted (VAULT-5).
    BackupPointExpired {
        /// When: its retention end.
        at: DateTime<Utc>,
        /// The backup point.
        point: BackupPointId,
    },
    /// Data was restored from a backup point (VAULT-8).
    BackupPointRestored {
        /// When.
        at: DateTime<Utc>,
        /// The backup point.
        point: BackupPointId,
    },
    /// A vault was deleted, with its policies.
    VaultDeleted {
        /// When.
        at: DateTime<Utc>,
        /// The vault.
        vault: VaultId,
    },
    /// A region was announced as closing down (COPY-4).
    RegionClosingDown {
        /// When.
        at: DateTime<Utc>,
        /// The region.
        region: RegionId,
    },
}

impl Event {
    /// When the event happened.
    ///
    /// ```
    /// use snapguard::Event;
    /// use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// assert_eq!(Event::LockExpired { at, snapshot: "s-1".into() }.at(), at);
    /// ```
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::AccountCreated { at, .. }
            | Self::RegionCreated { at, .. }
            | Self::UserCreated { at, .. }
            | Self::UserPolicySet { at, .. }
            | Self::AccountOverdue { at, .. }
            | Self::AccountSettled { at, .. }
            | Self::DiskCreated { at, .. }
            | Self::DiskReleased { at, .. }
            | Self::DiskRolledBack { at, .. }
            | Self::SnapshotCreated { at, .. }
            | Self::SnapshotCopied { at, .. }
            | Self::SnapshotFinished { at, .. }
            | Self::RetentionChanged { at, .. }
            | Self::SnapshotArchived { at, .. }
            | Self::SnapshotDeleted { at, .. }
            | Self::SnapshotReleased { at, .. }
            | Self::LockSet { at, .. }
            | Self::LockReconfigured { at, .. }
            | Self::LockExtended { at, .. }
            | Self::SnapshotUnlocked { at, .. }
            | Self::CoolOffEnded { at, .. }
            | Self::LockExpired { at, .. }
            | Self::ImageCreated { at, .. }
            | Self::ImageDeleted { at, .. }
            | Self::DiskReinitialized { at, .. }
            | Self::DirectoryCreated { at, .. }
            | Self::FolderCreated { at, .. }
            | Self::DirectoryMemberAdded { at, .. }
            | Self::DirectoryMemberRemoved { at, .. }
            | Self::EncryptedShareRoleSet { at, .. }
            | Self::ResourceShareCreated { at, .. }
            | Self::SharePrincipalAdded { at, .. }
            | Self::SharePrincipalRemoved { at, .. }
            | Self::SnapshotShared { at, .. }
            | Self::SnapshotUnshared { at, .. }
            | Self::ResourceShareDeleted { at, .. }
            | Self::ResourceShareAccepted { at, .. }
            | Self::ShareExpired { at, .. }
            | Self::KmsActivated { at, .. }
            | Self::KeyCreated { at, .. }
            | Self::KeyEnabled { at, .. }
            | Self::KeyDisabled { at, .. }
            | Self::RegionClosingDown { at, .. }
            | Self::VaultCreated { at, .. }
            | Self::BackupPolicyCreated { at, .. }
            | Self::ImmutabilityEnabled { at, .. }
            | Self::BackupPointCreated { at, .. }
            | Self::BackupPointLocked { at, .. }
            | Self::BackupPointDeleted { at, .. }
            | Self::BackupPointExpired { at, .. }
            | Self::BackupPointRestored { at, .. }
            | Self::VaultDeleted { at, .. } => *at,
        }
    }
}
