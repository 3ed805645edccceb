//! The Resource Sharing API 2020-01-10 operations snapguard emulates, for
//! snapshots: resource shares, their associations (snapshots and
//! principals), invitations, and what is shared with an account.
//!
//! Each operation reads the provider's parameters, runs one engine
//! transaction of the library's sharing commands and queries, and answers
//! the provider's response fields; a refusal by the library becomes the
//! provider's error through [`crate::violations`].
//!
//! Mapping onto the library:
//!
//! - **Targets** name principals: a resource directory (`rd-...`), a folder
//!   (`fd-...`), or else an account id ([`Principal`]).
//! - **`AllowExternalTargets`**: `true` is a share scoped to all accounts
//!   ([`PrincipalScope::AllAccounts`](snapguard::PrincipalScope::AllAccounts)); `false` or absent, as the provider's
//!   default, a share scoped to the owner's resource directory
//!   ([`PrincipalScope::ResourceDirectory`](snapguard::PrincipalScope::ResourceDirectory), SHARE-4).
//! - **Resources** are snapshots: `ResourceType` is `Snapshot`.
//! - **Invitations**: one per share and account it reaches, with an id
//!   derived from both ([`invitation_id`]), pending until the account
//!   accepts the share (SHARE-7).
//! - What the provider keeps that the model does not (a share's name, when
//!   a target was added, when a share last changed, which shares an
//!   account owns) is kept beside the state as the server's attributes
//!   ([`records`]).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use snapguard::{
    AccountId, Action, DirectoryId, FolderId, ObjectKind, Principal, ResourceShare, ShareId,
    SnapshotId, State,
};

use crate::api::{Call, Operation, Product};
use crate::engine::Tx;
use crate::error::ApiError;
use crate::violations::provider_error;

mod associations;
mod invitations;
mod paging;
pub mod records;
mod resources;
mod shares;

/// The Resource Sharing API version the server speaks.
pub const VERSION: &str = "2020-01-10";

/// The product: Resource Sharing at [`VERSION`].
pub const PRODUCT: Product = Product {
    name: "ResourceSharing",
    version: VERSION,
    operations: OPERATIONS,
    refuse: provider_error,
    host: "resourcesharing.snapguard.local",
    shape: crate::api::plain,
    unsupported: &[],
};

/// Every operation, by the provider's action name. None takes
/// `ClientToken` or `DryRun`.
pub const OPERATIONS: &[Operation] = &[
    Operation::new("CreateResourceShare", shares::create),
    Operation::new("DeleteResourceShare", shares::delete),
    Operation::new("ListResourceShares", shares::list),
    Operation::new("AssociateResourceShare", associations::associate),
    Operation::new("DisassociateResourceShare", associations::disassociate),
    Operation::new("ListResourceShareAssociations", associations::list),
    Operation::new("ListResourceShareInvitations", invitations::list),
    Operation::new("AcceptResourceShareInvitation", invitations::accept),
    Operation::new("ListSharedResources", resources::list),
];

/// The most targets, and the most resources, one request names.
pub const MAX_PER_CALL: usize = 5;
/// The resource type of a snapshot.
pub const SNAPSHOT: &str = "Snapshot";

/// An instant as Resource Sharing writes it: `2026-12-07T06:00:00.000Z`.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The principal a target names: `rd-...` a resource directory, `fd-...`
/// a folder, anything else an account.
pub fn principal(target: &str) -> Principal {
    if target.starts_with("rd-") {
        Principal::Directory(DirectoryId::new(target))
    } else if target.starts_with("fd-") {
        Principal::Folder(FolderId::new(target))
    } else {
        Principal::Account(AccountId::new(target))
    }
}

/// A principal's id, as a target.
pub fn target_id(principal: &Principal) -> &str {
    match principal {
        Principal::Account(id) => id.as_str(),
        Principal::Directory(id) => id.as_str(),
        Principal::Folder(id) => id.as_str(),
    }
}

/// A principal's entity type, as the associations show it.
pub fn target_type(principal: &Principal) -> &'static str {
    match principal {
        Principal::Account(_) => "Account",
        Principal::Directory(_) => "ResourceDirectory",
        Principal::Folder(_) => "Folder",
    }
}

/// Reads `Targets.N`: at most [`MAX_PER_CALL`], as the provider allows
/// (`InvalidParameter.Targets.Length`), none empty.
pub fn targets(call: &mut Call<'_>) -> Result<Vec<Principal>, ApiError> {
    let targets = call.params.list("Targets", crate::params::MAX_PARAMETERS)?;
    if targets.len() > MAX_PER_CALL {
        return Err(ApiError::new(
            400,
            "InvalidParameter.Targets.Length",
            format!(
                "The specified parameter \"Targets\" is not valid: {} targets are given, more than the {MAX_PER_CALL} a request may name.",
                targets.len()
            ),
        ));
    }
    if let Some(position) = targets.iter().position(String::is_empty) {
        return Err(ApiError::invalid(
            &format!("Targets.{}", position + 1),
            "a target is an account id, a resource directory id or a folder id",
        ));
    }
    Ok(targets.iter().map(|t| principal(t)).collect())
}

/// Reads `Resources.N.ResourceId` and `Resources.N.ResourceType` (given in
/// pairs): at most [`MAX_PER_CALL`] (`InvalidParameter.Resources.Length`),
/// each a snapshot.
pub fn resources(call: &mut Call<'_>) -> Result<Vec<SnapshotId>, ApiError> {
    let items = call
        .params
        .objects("Resources", &["ResourceId", "ResourceType"])?;
    if items.len() > MAX_PER_CALL {
        return Err(ApiError::new(
            400,
            "InvalidParameter.Resources.Length",
            format!(
                "The specified parameter \"Resources\" is not valid: {} resources are given, more than the {MAX_PER_CALL} a request may name.",
                items.len()
            ),
        ));
    }
    let mut snapshots = Vec::with_capacity(items.len());
    for (position, item) in items.into_iter().enumerate() {
        let n = position + 1;
        let mut fields = item.into_iter();
        let id = fields.next().flatten().filter(|id| !id.is_empty());
        let kind = fields.next().flatten().filter(|kind| !kind.is_empty());
        let (Some(id), Some(kind)) = (id, kind) else {
            return Err(ApiError::new(
                400,
                "MissingParameter",
                format!(
                    "Resources.{n}.ResourceId and Resources.{n}.ResourceType are given in pairs."
                ),
            ));
        };
        resource_type(&format!("Resources.{n}.ResourceType"), &kind)?;
        snapshots.push(SnapshotId::new(id));
    }
    Ok(snapshots)
}

/// Refuses a resource type other than [`SNAPSHOT`].
pub fn resource_type(name: &str, kind: &str) -> Result<(), ApiError> {
    if kind.eq_ignore_ascii_case(SNAPSHOT) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            name,
            format_args!(
                "`{}` is not a resource type snapguard shares: it shares snapshots, `{SNAPSHOT}`",
                crate::params::truncated(kind)
            ),
        ))
    }
}

/// Reads `ResourceOwner`: `Self` (the default where `required` is false) or
/// `OtherAccounts`; `true` for `Self`.
pub fn resource_owner(call: &mut Call<'_>, required: bool) -> Result<bool, ApiError> {
    let owner = if required {
        call.params.required("ResourceOwner")?
    } else {
        call.params
            .take("ResourceOwner")
            .unwrap_or_else(|| "Self".to_owned())
    };
    match owner.as_str() {
        "Self" => Ok(true),
        "OtherAccounts" => Ok(false),
        other => Err(ApiError::invalid(
            "ResourceOwner",
            format_args!(
                "`{}` is not Self or OtherAccounts",
                crate::params::truncated(other)
            ),
        )),
    }
}

/// The caller's account: every customer has one.
pub fn account<'c>(call: &'c Call<'_>) -> Result<&'c AccountId, ApiError> {
    call.actor
        .account()
        .ok_or_else(|| crate::engine::internal("a customer call without an account"))
}

/// The id of the invitation of `account` to `share`: `i-` and 20
/// lowercase letters and digits derived from both, so that the same
/// invitation always has the same id and no id need be stored.
pub fn invitation_id(share: &ShareId, account: &AccountId) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut hash = Sha256::new();
    for part in ["snapguard invitation", share.as_str(), account.as_str()] {
        hash.update(part.len().to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let tail: String = digest
        .iter()
        .take(crate::mint::ID_LENGTH)
        .map(|byte| {
            let index = usize::from(*byte) % ALPHABET.len();
            char::from(ALPHABET.get(index).copied().unwrap_or(b'0'))
        })
        .collect();
    format!("i-{tail}")
}

/// Whether an account principal of `share` is outside the owner's
/// resource directory (the associations' `External`).
pub fn external(state: &State, share: &ResourceShare, principal: &Principal) -> bool {
    match principal {
        Principal::Account(account) => {
            let owner = state.directory_of(&share.owner).map(|d| &d.id);
            owner.is_none() || state.directory_of(account).map(|d| &d.id) != owner
        }
        Principal::Directory(_) | Principal::Folder(_) => false,
    }
}

/// An empty success: only the `RequestId` the envelope adds.
pub fn done() -> Value {
    Value::Object(serde_json::Map::new())
}

impl Call<'_> {
    /// Checks that a RAM user may take the listing `action` on each of
    /// `shares`, its account's or another's (PERM-1: an Allow is needed, a
    /// Deny wins), before anything is counted or paged: a refusal refuses
    /// the request, so that no count or empty page tells a denied user what
    /// it may not see.
    pub fn may_list<'s>(
        &self,
        tx: &Tx<'_>,
        action: Action,
        shares: impl IntoIterator<Item = &'s ResourceShare>,
    ) -> Result<(), ApiError> {
        if !matches!(self.actor, snapguard::Actor::User { .. }) {
            return Ok(());
        }
        let mut checked = std::collections::BTreeSet::new();
        for share in shares {
            if checked.insert(&share.id) {
                self.may(tx, action, &share.resource_name())?;
            }
        }
        Ok(())
    }
}

/// Refuses, exactly as an id that names nothing (GEN-4), a target that is
/// another account's resource directory or a folder of one: the library
/// would refuse it as outside the owner's directory (SHARE-4), which tells
/// the caller that the id exists; the provider reveals nothing of other
/// accounts' directories.
pub fn hide_foreign_targets(
    call: &Call<'_>,
    tx: &Tx<'_>,
    principals: &[Principal],
) -> Result<(), ApiError> {
    let Some(account) = call.actor.account() else {
        return Ok(());
    };
    let state = tx.state();
    let own = state.directory_of(account).map(|directory| &directory.id);
    for principal in principals {
        let (kind, id, directory) = match principal {
            Principal::Account(_) => continue,
            Principal::Directory(id) => (
                ObjectKind::Directory,
                id.as_str(),
                state.directory(id).map(|directory| &directory.id),
            ),
            Principal::Folder(id) => (
                ObjectKind::Folder,
                id.as_str(),
                state.folder(id).map(|folder| &folder.directory),
            ),
        };
        if directory.is_some_and(|directory| Some(directory) != own) {
            return Err(call.refused(&snapguard::Violation::NotFound {
                kind,
                id: id.to_owned(),
            }));
        }
    }
    Ok(())
}
