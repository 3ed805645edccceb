//! What actors ask for: one payload struct per command.
//!
//! Every payload is built with its `new` constructor and setters for its
//! optional fields (see `build`), and converts into [`Command`] with
//! `.into()`; the entry points take it as it is ([`IntoCommand`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use table::command_table;

mod build;
mod copy;
mod disk;
mod into_command;
mod share;
mod table;
mod vault;

pub use copy::{
    ActivateKms, CopySnapshot, CreateKey, DisableKey, EnableKey, MarkRegionClosingDown,
};
pub use disk::{CreateDisk, DiskSource, ReinitializeDisk, ReleaseDisk, ResetDisk};
pub use into_command::IntoCommand;
pub use share::{
    AcceptResourceShare, AddDirectoryMember, AssociateResourceShare, CreateFolder,
    CreateResourceDirectory, CreateResourceShare, DeleteResourceShare, DisassociateResourceShare,
    RemoveDirectoryMember, SetEncryptedShareRole,
};
pub use vault::{
    CreateBackupPoint, CreateBackupPolicy, CreateVault, DeleteBackupPoint, DeleteVault,
    DisableImmutability, EnableImmutability, ReplicateBackupPoint, ReplicateVault,
    RestoreBackupPoint,
};

use crate::{AccountId, DiskId, ImageId, RegionId, Site, SnapshotId, Statement, UserId};

/// Generates, from the command table (`table.rs`), the [`Command`] enum,
/// [`Command::name`] and a `From` conversion from each payload.
macro_rules! define_commands {
    (
        |$ctx:ident, $c:ident, $v:ident|
        $($variant:ident $name:ident [$($rule:ident),* $(,)?] => $handler:expr,)*
    ) => {
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        /// A request to the state machine. Which actor may issue which command is
        /// stated on each payload.
        ///
        /// Every command is first checked the same way: the instant is
        /// representable (GEN-5) and time does not run backwards (GEN-2); the
        /// actor may issue it (PERM-1) and exists (GEN-4); then the objects it
        /// names, each as it is looked up: it exists (GEN-4) and is the actor's
        /// own (PERM-4), and each new id is within its length bound (GEN-7),
        /// well formed (GEN-5) and unused (GEN-4); the actor holds the
        /// permission (PERM-1, PERM-2, PERM-5). Each payload lists the rules
        /// checked after those. The exact order of every check, each command's
        /// own, is [`Command::checked_rules`], generated from the command table
        /// into each variant's docs below and tested against the order the code
        /// runs.
        ///
        /// Inputs whose size a caller chooses are bounded by [`Limits`](crate::Limits)
        /// (GEN-7): a policy's size, tags, the length of a new id, an account's
        /// shares, a directory's folders. A size past its bound is refused with
        /// [`Violation::BoundExceeded`](crate::Violation::BoundExceeded) before any
        /// work whose cost grows with it. Instants inside a leap second are refused
        /// (GEN-5).
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
        #[non_exhaustive]
        pub enum Command {
            $(
                #[doc = concat!(
                    "See [`", stringify!($variant), "`].\n\n",
                    "Checks, in order ([`Command::checked_rules`]): ",
                    "[`Gen5`](crate::RuleId::Gen5), [`Gen2`](crate::RuleId::Gen2)",
                    $(", [`", stringify!($rule), "`](crate::RuleId::", stringify!($rule), ")",)*
                    "."
                )]
                $variant($variant),
            )*
        }

        impl Command {
        /// The command's name, as serialized in its `type` tag.
        ///
        /// ```
        /// use snapguard::{Command, UnlockSnapshot};
        /// let command = Command::from(UnlockSnapshot::new("s-1"));
        /// assert_eq!(command.name(), "unlock_snapshot");
        /// ```
            #[must_use]
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => stringify!($name),)*
                }
            }

            /// The rules deciding the command checks, in the order it checks
            /// them: the instant first (GEN-5, GEN-2), then the actor, the
            /// objects named, the permission and the command's own rules.
            /// [`State::decide`](crate::State::decide) refuses with the
            /// first that fails, and
            /// [`State::explain`](crate::State::explain)'s refusals come in
            /// this order. A rule checked at two separate points is listed
            /// at each. Consecutive checks of one rule, and a check that
            /// examines several objects (each snapshot a share names), are
            /// listed once and may refuse several times in a row. Where the
            /// checks depend on the state (a lock in cooling-off or in
            /// compliance), those of each case follow one another, so the
            /// refusals of any one run follow the list in order
            /// (with the `testing` feature, `testing::out_of_order` tells
            /// which refusal does not).
            ///
            /// ```
            /// use snapguard::{Command, RuleId, UnlockSnapshot};
            /// let command = Command::from(UnlockSnapshot::new("s-1"));
            /// let rules = command.checked_rules();
            /// assert_eq!(rules[..2], [RuleId::Gen5, RuleId::Gen2]);
            /// assert!(rules.contains(&RuleId::Lock6));
            /// ```
            #[must_use]
            pub fn checked_rules(&self) -> &'static [crate::RuleId] {
                match self {
                    $(Self::$variant(_) => &[
                        crate::RuleId::Gen5,
                        crate::RuleId::Gen2,
                        $(crate::RuleId::$rule,)*
                    ],)*
                }
            }
        }

        $(
            impl From<$variant> for Command {
                fn from(payload: $variant) -> Self {
                    Self::$variant(payload)
                }
            }
        )*
    };
}

command_table!(define_commands);

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Registers an account. Issued by [`Actor::Platform`](crate::Actor::Platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateAccount {
    /// The new account's id.
    pub account: AccountId,
    /// The site it is registered on.
    pub site: Site,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Registers a region. Issued by the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateRegion {
    /// The new region's id.
    pub region: RegionId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Adds a user to the actor's account. Issued by the account's root.
///
/// Its statements form its custom policy document, at most
/// [`Limits::max_policy_chars`](crate::Limits::max_policy_chars) characters
/// (GEN-7). The model attaches this one custom policy to the user, so RAM's
/// limit on the number of policies attached is met by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateUser {
    /// The new user's id, unique within the account.
    pub user: UserId,
    /// Its permission statements.
    pub statements: Vec<Statement>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Replaces the permission statements of a user of the actor's account.
/// Issued by the account's root. Bounded as [`CreateUser`]'s (GEN-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SetUserPolicy {
    /// The user.
    pub user: UserId,
    /// Its new permission statements.
    pub statements: Vec<Statement>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records that an account became overdue at the command's instant.
/// Issued by [`Actor::Billing`](crate::Actor::Billing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MarkAccountOverdue {
    /// The account.
    pub account: AccountId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records that an account paid what it owed. Issued by billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SettleAccount {
    /// The account.
    pub account: AccountId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Releases a snapshot of an account overdue for long enough, locked or not
/// (LOCK-12). Issued by billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReleaseOverdueSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Takes a manual snapshot of a disk of the actor's account
/// (`ecs:CreateSnapshot`). The snapshot starts in progress; the platform
/// completes it with [`FinishSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateSnapshot {
    /// The new snapshot's id.
    pub snapshot: SnapshotId,
    /// The disk.
    pub disk: DiskId,
    /// Retention in days from creation (SNAP-5), or `None` for permanent.
    pub retention_days: Option<u32>,
    /// Tags: at most [`Limits::max_tags_per_resource`](crate::Limits::max_tags_per_resource),
    /// each key and value at most [`Limits::max_tag_chars`](crate::Limits::max_tag_chars)
    /// characters (GEN-7, checked first after the actor).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Whether to enable the provider's instant access feature. The model
    /// records it on the snapshot and gives it no other effect; copies
    /// never have it (COPY-5). Missing is `false`.
    #[serde(default)]
    pub instant_access: bool,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Takes an automatic snapshot of a disk for its automatic snapshot policy,
/// rotating out the oldest unlocked one at the per-disk limit (LOCK-11).
/// Issued by the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateAutomaticSnapshot {
    /// The new snapshot's id.
    pub snapshot: SnapshotId,
    /// The disk.
    pub disk: DiskId,
    /// Retention in days from creation, or `None` for permanent.
    pub retention_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Records a snapshot made by Cloud Backup for an account. Issued by the
/// platform. Such snapshots can never be locked (LOCK-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateBackupSnapshot {
    /// The new snapshot's id.
    pub snapshot: SnapshotId,
    /// The account it belongs to.
    pub account: AccountId,
    /// Its region.
    pub region: RegionId,
    /// Retention in days from creation, or `None` for permanent.
    pub retention_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// How the creation or copy of a snapshot ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SnapshotOutcome {
    /// The snapshot is available, holding `size_gib` of data.
    Available {
        /// The snapshot's size.
        size_gib: u64,
    },
    /// The snapshot failed.
    Failed,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Completes a snapshot in progress. Issued by the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FinishSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// How it ended.
    pub outcome: SnapshotOutcome,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Deletes a snapshot (`ecs:DeleteSnapshot`). Checks, in order: a
/// customer; the snapshot exists (GEN-4) and is its own (SHARE-10 for a
/// sharee, PERM-4 for anyone else); `ecs:DeleteSnapshot` (PERM-1); no lock
/// in cooling-off or compliance (LOCK-10), whoever asks (PERM-3); not
/// shared (SHARE-12). Deleting a snapshot in progress cancels its creation
/// or copy (SNAP-4); deleting an archived one within the minimum storage
/// period carries an early-deletion charge (ARCH-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A retention asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "days",
    rename_all = "snake_case",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum RetentionRequest {
    /// Keep the snapshot until it is deleted.
    Permanent,
    /// Keep it this many days from its creation (SNAP-5).
    Days(u32),
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Extends a snapshot's retention or makes it permanent
/// (`ecs:ModifySnapshotAttribute`, SNAP-3).
///
/// After the common checks, in order: the snapshot is not archived (ARCH-5:
/// an archived snapshot's retention can no longer be changed, follows the
/// ECS documentation); the retention has not ended (a shared snapshot held
/// past it is released when unshared, SHARE-14); days in range (SNAP-5);
/// never shorter than the current retention (SNAP-3). The same retention
/// again records nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SetSnapshotRetention {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// The new retention.
    pub retention: RetentionRequest,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Moves a snapshot to the archive tier (`ecs:ArchiveSnapshot`, the ECS
/// API's `ModifySnapshotCategory`; ARCH-1, ARCH-2, ARCH-5, LOCK-14).
///
/// After the common checks, in order: neither encrypted nor made by Cloud
/// Backup (ARCH-5); available, not archived already (ARCH-1); not shared
/// (SHARE-5, **Decision**); at least the minimum age (ARCH-1); the archive
/// retention in range and ending after now (ARCH-2); ending no earlier
/// than an active lock's expiry (LOCK-14). The retention counts from the
/// snapshot's creation, so waiting lifts neither ARCH-2 nor LOCK-14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ArchiveSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// The archive retention in days from the snapshot's creation
    /// (ARCH-2: 74 to 65,536 by default), or `None` (also when omitted)
    /// to keep the archived snapshot permanently. It replaces the
    /// snapshot's retention.
    #[serde(default)]
    pub retention_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Locks a snapshot, reconfigures a lock in cooling-off, or extends a lock
/// in compliance (`ecs:LockSnapshot`; LOCK-1 to LOCK-8).
///
/// After the common checks, in order: the snapshot is not from Cloud
/// Backup and is available (LOCK-3); duration, cooling-off, and cooling-off
/// within duration (LOCK-1); then by the current lock's state at `now`: none
/// or expired sets a fresh lock (LOCK-2, LOCK-9), cooling-off replaces it
/// from now (LOCK-7), compliance accepts only an extension without
/// cooling-off (LOCK-8; the same expiry again records nothing); last, the
/// lock must expire within the retention (LOCK-4). A cooling-off refused in
/// compliance can be retried at the lock's expiry, when the command sets a
/// fresh lock, unless that lock would outlive the retention
/// ([`Violation::retry_at`](crate::Violation::retry_at) is then `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LockSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// Lock duration in days from now, cooling-off included (LOCK-1).
    pub duration_days: u32,
    /// Cooling-off in hours; 0 makes the lock take effect at once, in
    /// compliance, irreversibly.
    ///
    /// Required when deserializing: a command that omits it is an error,
    /// never a silent immediate compliance lock.
    pub cool_off_hours: u32,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Removes a lock during its cooling-off (`ecs:UnlockSnapshot`, LOCK-6).
///
/// Refused in compliance until the lock expires, and for a snapshot with
/// no lock in cooling-off or compliance: never locked, unlocked already,
/// or whose lock expired (follows the ECS API, which answers
/// `InvalidSnapshotLock.NotFound`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UnlockSnapshot {
    /// The snapshot.
    pub snapshot: SnapshotId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Imports a custom image into the actor's account (`ecs:ImportImage`).
/// Snapshots of disks built from it cannot be shared (SHARE-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ImportImage {
    /// The new image's id.
    pub image: ImageId,
    /// Its region.
    pub region: RegionId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a custom image from one of the account's own snapshots
/// (`ecs:CreateImage`, IMAGE-1).
///
/// The common checks apply in their order: the snapshot exists (GEN-4), the
/// image id is new (GEN-7, GEN-5, GEN-4), the snapshot is the account's own (here
/// IMAGE-1 rather than PERM-4), the permission. After them: the snapshot is
/// available (IMAGE-1). A lock does not stop it (LOCK-16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateImage {
    /// The new image's id.
    pub image: ImageId,
    /// The snapshot it is built from.
    pub snapshot: SnapshotId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Deletes a custom image (`ecs:DeleteImage`), optionally with the snapshot
/// it was built from; a locked snapshot stays (IMAGE-2, LOCK-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteImage {
    /// The image.
    pub image: ImageId,
    /// Whether its snapshot is deleted with it.
    pub delete_snapshots: bool,
}
