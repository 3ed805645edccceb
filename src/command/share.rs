//! Payloads of the sharing commands: resource directories, resource
//! shares, invitations, and the role that lets encrypted snapshots be
//! shared.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{AccountId, DirectoryId, FolderId, Principal, PrincipalScope, ShareId, SnapshotId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a resource directory managed by the actor's account, which
/// becomes its first member. Issued by the account's root.
///
/// After the common checks: the account is in no directory yet (SHARE-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateResourceDirectory {
    /// The new directory's id.
    pub directory: DirectoryId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a folder in the directory the actor's account manages. Issued
/// by the management account's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateFolder {
    /// The new folder's id.
    pub folder: FolderId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Adds an account to the directory the actor's account manages, at its
/// root or in a folder; it gains what is shared with the directory or
/// folder (SHARE-8). Issued by the management account's root.
///
/// After the common checks: the account is in no directory (SHARE-8) and
/// on the management account's site (SHARE-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AddDirectoryMember {
    /// The joining account.
    pub account: AccountId,
    /// The folder it joins, or `None` for the directory's root.
    pub folder: Option<FolderId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Removes an account from the directory the actor's account manages; it
/// loses what it reached as a member (SHARE-8). Issued by the management
/// account's root.
///
/// After the common checks: the account is a member (SHARE-8), and not the
/// management account (SHARE-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RemoveDirectoryMember {
    /// The leaving account.
    pub account: AccountId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Sets which accounts the actor account's share-encrypted-snapshot role
/// (`AliyunECSShareEncryptSnapshotDefaultRole`) trusts, replacing the
/// previous list; an empty list is no role (SHARE-6). Issued by the
/// account's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SetEncryptedShareRole {
    /// The sharees trusted; each must exist (GEN-4).
    pub trusted: BTreeSet<AccountId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Creates a resource share owned by the actor's account, with principals
/// and snapshots (`resourcesharing:CreateResourceShare`).
///
/// The rules are those of [`AssociateResourceShare`], applied to a new,
/// empty share, after the account's share count is checked against
/// [`Limits::max_shares_per_account`](crate::Limits::max_shares_per_account)
/// (GEN-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateResourceShare {
    /// The new share's id.
    pub share: ShareId,
    /// Whom it may name (SHARE-4).
    pub scope: PrincipalScope,
    /// Whom it reaches.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// The snapshots it shares.
    #[serde(default)]
    pub snapshots: Vec<SnapshotId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Adds principals and snapshots to a share of the actor's account
/// (`resourcesharing:AssociateResourceShare`). Naming one already there
/// changes nothing for it.
///
/// After the common checks (the share, principals and snapshots exist; the
/// share and snapshots are the account's own, a snapshot shared with the
/// account being refused as a re-share by SHARE-10; the permission on the
/// share), the same permission on each snapshot added and, when principals
/// are added, on each snapshot the share holds (PERM-5: an Allow is needed
/// and a Deny on a snapshot wins); a share that would itself name more
/// principals than a snapshot may have, refused at once (SHARE-1, before
/// any work that grows with principals times snapshots, GEN-7); then, in
/// order: account principals are on the owner's site (SHARE-3);
/// principals fit the scope (SHARE-4); the snapshots can be shared
/// (SHARE-5); the owner's role trusts the account principals if a snapshot
/// is encrypted with a customer key (SHARE-6); no snapshot ends up with
/// more principals than the limit (SHARE-1); the account does not end up
/// with more snapshots shared than the limit (SHARE-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AssociateResourceShare {
    /// The share.
    pub share: ShareId,
    /// Principals to add.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// Snapshots to add.
    #[serde(default)]
    pub snapshots: Vec<SnapshotId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Removes principals and snapshots from a share of the actor's account
/// (`resourcesharing:DisassociateResourceShare`): unsharing (SHARE-13).
///
/// Each principal and snapshot named must be in the share (GEN-4). A
/// snapshot leaving its last share is no longer shared (SHARE-12); if its
/// retention has ended, it is released then (SHARE-14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DisassociateResourceShare {
    /// The share.
    pub share: ShareId,
    /// Principals to remove.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// Snapshots to remove.
    #[serde(default)]
    pub snapshots: Vec<SnapshotId>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Deletes a share of the actor's account, unsharing all it holds
/// (`resourcesharing:DeleteResourceShare`, SHARE-13, SHARE-14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeleteResourceShare {
    /// The share.
    pub share: ShareId,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Accepts a share that reaches the actor's account
/// (`resourcesharing:AcceptResourceShareInvitation`, SHARE-7).
///
/// After the common checks: the share reaches the account now (SHARE-7);
/// the account has not accepted it already (SHARE-7, follows the Resource
/// Sharing API, which answers `InvitationStatus.AlreadyAccepted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcceptResourceShare {
    /// The share.
    pub share: ShareId,
}
