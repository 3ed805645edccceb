//! Who issues a command, and the actions a permission names (PERM).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{AccountId, UserId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Who issues a command.
///
/// Customers act as their account's root identity or as one of its users.
/// Two system actors stand for the provider's own processes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Actor {
    /// The root identity of an account: may do everything its account may do.
    Root {
        /// The account.
        account: AccountId,
    },
    /// A user of an account, allowed what its permission statements allow.
    User {
        /// The account the user belongs to.
        account: AccountId,
        /// The user.
        user: UserId,
    },
    /// The provider's control plane: registers accounts and regions, runs
    /// automatic snapshot policies and Cloud Backup, completes snapshots.
    Platform,
    /// The billing process: records overdue standing and releases the
    /// resources of accounts overdue for long enough (LOCK-12).
    Billing,
}

impl Actor {
    /// The root identity of `account`.
    ///
    /// ```
    /// use snapguard::{AccountId, Actor};
    /// assert_eq!(Actor::root("1001").account(), Some(&AccountId::new("1001")));
    /// ```
    #[must_use]
    pub fn root(account: impl Into<AccountId>) -> Self {
        Self::Root {
            account: account.into(),
        }
    }

    /// The user `user` of `account`.
    ///
    /// ```
    /// use snapguard::Actor;
    /// assert_eq!(Actor::user("1001", "alice").to_string(), "user `alice` of account `1001`");
    /// ```
    #[must_use]
    pub fn user(account: impl Into<AccountId>, user: impl Into<UserId>) -> Self {
        Self::User {
            account: account.into(),
            user: user.into(),
        }
    }

    /// The customer account the actor acts for, if it is a customer.
    ///
    /// ```
    /// use snapguard::Actor;
    /// assert_eq!(Actor::Billing.account(), None);
    /// ```
    #[must_use]
    pub fn account(&self) -> Option<&AccountId> {
        match self {
            Self::Root { account } | Self::User { account, .. } => Some(account),
            Self::Platform | Self::Billing => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root { account } => write!(f, "root of account `{account}`"),
            Self::User { account, user } => write!(f, "user `{user}` of account `{account}`"),
            Self::Platform => f.write_str("the platform"),
            Self::Billing => f.write_str("the billing process"),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The actions permission statements can allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// `ecs:CreateSnapshot`.
    #[serde(rename = "ecs:CreateSnapshot")]
    CreateSnapshot,
    /// `ecs:DeleteSnapshot`.
    #[serde(rename = "ecs:DeleteSnapshot")]
    DeleteSnapshot,
    /// `ecs:ModifySnapshotAttribute` (retention).
    #[serde(rename = "ecs:ModifySnapshotAttribute")]
    ModifySnapshotAttribute,
    /// `ecs:ArchiveSnapshot`.
    #[serde(rename = "ecs:ArchiveSnapshot")]
    ArchiveSnapshot,
    /// `ecs:CopySnapshot`.
    #[serde(rename = "ecs:CopySnapshot")]
    CopySnapshot,
    /// `ecs:LockSnapshot`: lock, or modify a lock (PERM-2).
    #[serde(rename = "ecs:LockSnapshot")]
    LockSnapshot,
    /// `ecs:UnlockSnapshot` (PERM-2).
    #[serde(rename = "ecs:UnlockSnapshot")]
    UnlockSnapshot,
    /// `ecs:DescribeLockedSnapshots` (PERM-2).
    #[serde(rename = "ecs:DescribeLockedSnapshots")]
    DescribeLockedSnapshots,
    /// `ecs:DescribeSnapshots`: seeing a snapshot's attributes. No command
    /// needs it; [`State::authorize`](crate::State::authorize) checks it for
    /// callers that describe snapshots, such as a local endpoint.
    #[serde(rename = "ecs:DescribeSnapshots")]
    DescribeSnapshots,
    /// `ecs:ModifyDiskAttribute`: changing a disk's attributes, among them
    /// whether releasing it releases its automatic snapshots. No command
    /// needs it; callers that keep disk attributes check it with
    /// [`State::authorize`](crate::State::authorize).
    #[serde(rename = "ecs:ModifyDiskAttribute")]
    ModifyDiskAttribute,
    /// `ecs:CreateDisk`.
    #[serde(rename = "ecs:CreateDisk")]
    CreateDisk,
    /// `ecs:DeleteDisk`.
    #[serde(rename = "ecs:DeleteDisk")]
    DeleteDisk,
    /// `ecs:ResetDisk` (roll back to a snapshot).
    #[serde(rename = "ecs:ResetDisk")]
    ResetDisk,
    /// `ecs:CreateImage`.
    #[serde(rename = "ecs:CreateImage")]
    CreateImage,
    /// `ecs:ImportImage`.
    #[serde(rename = "ecs:ImportImage")]
    ImportImage,
    /// `ecs:DeleteImage`.
    #[serde(rename = "ecs:DeleteImage")]
    DeleteImage,
    /// `ecs:ReInitDisk` (restore a disk to what it was created from).
    #[serde(rename = "ecs:ReInitDisk")]
    ReInitDisk,
    /// `resourcesharing:CreateResourceShare`.
    #[serde(rename = "resourcesharing:CreateResourceShare")]
    CreateResourceShare,
    /// `resourcesharing:AssociateResourceShare`: add snapshots or principals.
    #[serde(rename = "resourcesharing:AssociateResourceShare")]
    AssociateResourceShare,
    /// `resourcesharing:DisassociateResourceShare`: remove snapshots or
    /// principals (unshare).
    #[serde(rename = "resourcesharing:DisassociateResourceShare")]
    DisassociateResourceShare,
    /// `resourcesharing:DeleteResourceShare`.
    #[serde(rename = "resourcesharing:DeleteResourceShare")]
    DeleteResourceShare,
    /// `resourcesharing:AcceptResourceShareInvitation` (SHARE-7).
    #[serde(rename = "resourcesharing:AcceptResourceShareInvitation")]
    AcceptResourceShareInvitation,
    /// `resourcesharing:ListResourceShares`: seeing a share. No command
    /// needs it; [`State::authorize`](crate::State::authorize) checks it
    /// for callers that list shares, such as a local endpoint.
    #[serde(rename = "resourcesharing:ListResourceShares")]
    ListResourceShares,
    /// `resourcesharing:ListResourceShareAssociations`: seeing what a
    /// share holds and whom it reaches. No command needs it.
    #[serde(rename = "resourcesharing:ListResourceShareAssociations")]
    ListResourceShareAssociations,
    /// `resourcesharing:ListResourceShareInvitations`: seeing the shares
    /// that invite the account. No command needs it.
    #[serde(rename = "resourcesharing:ListResourceShareInvitations")]
    ListResourceShareInvitations,
    /// `resourcesharing:ListSharedResources`: seeing the snapshots of a
    /// share. No command needs it.
    #[serde(rename = "resourcesharing:ListSharedResources")]
    ListSharedResources,
    /// `kms:CreateKey`.
    #[serde(rename = "kms:CreateKey")]
    CreateKey,
    /// `kms:EnableKey`.
    #[serde(rename = "kms:EnableKey")]
    EnableKey,
    /// `kms:DisableKey`.
    #[serde(rename = "kms:DisableKey")]
    DisableKey,
    /// `hbr:CreateVault`.
    #[serde(rename = "hbr:CreateVault")]
    CreateVault,
    /// `hbr:UpdateVault` (immutability of a vault).
    #[serde(rename = "hbr:UpdateVault")]
    UpdateVault,
    /// `hbr:DeleteVault`.
    #[serde(rename = "hbr:DeleteVault")]
    DeleteVault,
    /// `hbr:CreateBackupPlan` (a backup policy).
    #[serde(rename = "hbr:CreateBackupPlan")]
    CreateBackupPlan,
    /// `hbr:UpdateBackupPlan` (immutability of a backup policy).
    #[serde(rename = "hbr:UpdateBackupPlan")]
    UpdateBackupPlan,
    /// `hbr:DeleteBackupPoint`.
    #[serde(rename = "hbr:DeleteBackupPoint")]
    DeleteBackupPoint,
    /// `hbr:CreateRestoreJob`.
    #[serde(rename = "hbr:CreateRestoreJob")]
    CreateRestoreJob,
    /// `hbr:CreateReplicationVault`.
    #[serde(rename = "hbr:CreateReplicationVault")]
    CreateReplicationVault,
}

impl Action {
    /// The action's name in permission statements, such as `ecs:LockSnapshot`.
    ///
    /// ```
    /// use snapguard::Action;
    /// assert_eq!(Action::UnlockSnapshot.name(), "ecs:UnlockSnapshot");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::CreateSnapshot => "ecs:CreateSnapshot",
            Self::DeleteSnapshot => "ecs:DeleteSnapshot",
            Self::ModifySnapshotAttribute => "ecs:ModifySnapshotAttribute",
            Self::ArchiveSnapshot => "ecs:ArchiveSnapshot",
            Self::CopySnapshot => "ecs:CopySnapshot",
            Self::LockSnapshot => "ecs:LockSnapshot",
            Self::UnlockSnapshot => "ecs:UnlockSnapshot",
            Self::DescribeLockedSnapshots => "ecs:DescribeLockedSnapshots",
            Self::DescribeSnapshots => "ecs:DescribeSnapshots",
            Self::ModifyDiskAttribute => "ecs:ModifyDiskAttribute",
            Self::CreateDisk => "ecs:CreateDisk",
            Self::DeleteDisk => "ecs:DeleteDisk",
            Self::ResetDisk => "ecs:ResetDisk",
            Self::CreateImage => "ecs:CreateImage",
            Self::ImportImage => "ecs:ImportImage",
            Self::DeleteImage => "ecs:DeleteImage",
            Self::ReInitDisk => "ecs:ReInitDisk",
            Self::CreateResourceShare => "resourcesharing:CreateResourceShare",
            Self::AssociateResourceShare => "resourcesharing:AssociateResourceShare",
            Self::DisassociateResourceShare => "resourcesharing:DisassociateResourceShare",
            Self::DeleteResourceShare => "resourcesharing:DeleteResourceShare",
            Self::AcceptResourceShareInvitation => "resourcesharing:AcceptResourceShareInvitation",
            Self::ListResourceShares => "resourcesharing:ListResourceShares",
            Self::ListResourceShareAssociations => "resourcesharing:ListResourceShareAssociations",
            Self::ListResourceShareInvitations => "resourcesharing:ListResourceShareInvitations",
            Self::ListSharedResources => "resourcesharing:ListSharedResources",
            Self::CreateKey => "kms:CreateKey",
            Self::EnableKey => "kms:EnableKey",
            Self::DisableKey => "kms:DisableKey",
            Self::CreateVault => "hbr:CreateVault",
            Self::UpdateVault => "hbr:UpdateVault",
            Self::DeleteVault => "hbr:DeleteVault",
            Self::CreateBackupPlan => "hbr:CreateBackupPlan",
            Self::UpdateBackupPlan => "hbr:UpdateBackupPlan",
            Self::DeleteBackupPoint => "hbr:DeleteBackupPoint",
            Self::CreateRestoreJob => "hbr:CreateRestoreJob",
            Self::CreateReplicationVault => "hbr:CreateReplicationVault",
        }
    }

    /// Whether PERM-2 (lock permissions) rather than PERM-1 governs it.
    pub(crate) const fn is_lock_action(self) -> bool {
        matches!(
            self,
            Self::LockSnapshot | Self::UnlockSnapshot | Self::DescribeLockedSnapshots
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
