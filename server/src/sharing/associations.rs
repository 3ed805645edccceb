//! What a share holds: AssociateResourceShare, DisassociateResourceShare,
//! ListResourceShareAssociations.
//!
//! The provider associates asynchronously (`Associating`, then
//! `Associated` or `Failed` with the failure in the association's
//! details); snapguard decides at once, so an association is `Associated`
//! when the request returns, and a request the rules refuse is answered
//! with its error and changes nothing. A disassociated entity is gone at
//! once (the provider keeps its record for two to four days).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use snapguard::{
    Action, AssociateResourceShare, DisassociateResourceShare, Principal, ResourceShare, ShareId,
    SnapshotId,
};

use super::paging::Paging;
use super::{
    MAX_PER_CALL, SNAPSHOT, account, external, records, resource_owner, target_id, target_type,
    time,
};
use crate::api::Call;
use crate::engine::{Engine, Tx};
use crate::error::ApiError;

/// The association statuses the provider lists.
const STATUSES: &[&str] = &[
    "Associating",
    "Associated",
    "Failed",
    "Disassociating",
    "Disassociated",
];

/// What an association is about.
#[derive(Debug, Clone, Copy)]
enum Entity<'a> {
    /// A shared snapshot.
    Resource(&'a SnapshotId),
    /// A principal.
    Target(&'a Principal),
}

pub fn associate(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let share = ShareId::new(call.params.required("ResourceShareId")?);
    let snapshots = super::resources(&mut call)?;
    let principals = super::targets(&mut call)?;
    call.finish_in(engine, |call, tx| {
        super::hide_foreign_targets(call, tx, &principals)?;
        let before = tx.state().resource_share(&share).cloned();
        tx.apply(
            call.actor,
            AssociateResourceShare::new(share.clone())
                .principals(principals.clone())
                .snapshots(snapshots.clone()),
        )
        .map_err(|violation| call.refused(&violation))?;
        let joined: Vec<Principal> = principals
            .iter()
            .filter(|p| before.as_ref().is_none_or(|b| !b.principals.contains(*p)))
            .cloned()
            .collect();
        records::changed(tx, &share, &joined, &[]);
        let after = tx
            .state()
            .resource_share(&share)
            .ok_or_else(|| crate::engine::internal("the share is not in the state"))?;
        let named = named(&snapshots, &principals);
        let views = named
            .iter()
            .map(|entity| view(tx, after, *entity, "Associated", None))
            .collect::<Vec<_>>();
        Ok(json!({ "ResourceShareAssociations": views }))
    })
}

pub fn disassociate(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let share = ShareId::new(call.params.required("ResourceShareId")?);
    let snapshots = super::resources(&mut call)?;
    let principals = super::targets(&mut call)?;
    if !resource_owner(&mut call, false)? {
        return Err(ApiError::invalid(
            "ResourceOwner",
            "snapguard does not emulate a principal leaving a share (OtherAccounts): the owner disassociates it",
        ));
    }
    call.finish_in(engine, |call, tx| {
        let before = tx.state().resource_share(&share).cloned();
        tx.apply(
            call.actor,
            DisassociateResourceShare::new(share.clone())
                .principals(principals.clone())
                .snapshots(snapshots.clone()),
        )
        .map_err(|violation| call.refused(&violation))?;
        records::changed(tx, &share, &[], &principals);
        let before =
            before.ok_or_else(|| crate::engine::internal("the share was not in the state"))?;
        let now = tx.now();
        let named = named(&snapshots, &principals);
        let views = named
            .iter()
            .map(|entity| view(tx, &before, *entity, "Disassociated", Some(now)))
            .collect::<Vec<_>>();
        Ok(json!({ "ResourceShareAssociations": views }))
    })
}

pub fn list(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let kind = call.params.required("AssociationType")?;
    let resources = match kind.as_str() {
        "Resource" => true,
        "Target" => false,
        other => {
            return Err(ApiError::new(
                400,
                "InvalidParameter.AssociationType",
                format!(
                    "The AssociationType is invalid: `{}` is not Resource or Target.",
                    crate::params::truncated(other)
                ),
            ));
        }
    };
    let status = call.params.take("AssociationStatus");
    if let Some(status) = &status {
        if !STATUSES.contains(&status.as_str()) {
            return Err(ApiError::new(
                400,
                "InvalidParameter.AssociationStatus",
                format!(
                    "The AssociationStatus is invalid: `{}` is not one of {}.",
                    crate::params::truncated(status),
                    STATUSES.join(", ")
                ),
            ));
        }
    }
    let ids = call.params.list("ResourceShareIds", MAX_PER_CALL)?;
    let resource = call.params.take("ResourceId");
    let target = call.params.take("Target");
    if (resources && target.is_some()) || (!resources && resource.is_some()) {
        return Err(ApiError::new(
            400,
            "ConflictedAssociationType",
            "The specified ResourceId or Target conflicts with AssociationType: ResourceId goes with Resource, Target with Target.",
        ));
    }
    let paging = Paging::read(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let account = account(call)?;
        let shares = super::shares::owned(tx, account);
        let mut found: Vec<(&ResourceShare, Entity<'_>)> = Vec::new();
        // Only `Associated` entities exist here.
        if status.as_deref().is_none_or(|s| s == "Associated") {
            for share in shares
                .into_iter()
                .filter(|s| ids.is_empty() || ids.iter().any(|id| id == s.id.as_str()))
            {
                if resources {
                    found.extend(
                        share
                            .snapshots
                            .keys()
                            .filter(|id| resource.as_deref().is_none_or(|r| r == id.as_str()))
                            .map(|id| (share, Entity::Resource(id))),
                    );
                } else {
                    found.extend(
                        share
                            .principals
                            .iter()
                            .filter(|p| target.as_deref().is_none_or(|t| t == target_id(p)))
                            .map(|p| (share, Entity::Target(p))),
                    );
                }
            }
        }
        call.may_list(
            tx,
            Action::ListResourceShareAssociations,
            found.iter().map(|(share, _)| *share),
        )?;
        let (page, next) = paging.slice(&found)?;
        let views = page
            .iter()
            .map(|(share, entity)| view(tx, share, *entity, "Associated", None))
            .collect();
        Ok(Paging::body("ResourceShareAssociations", views, next))
    })
}

/// The entities a request names, each once, snapshots first.
fn named<'a>(snapshots: &'a [SnapshotId], principals: &'a [Principal]) -> Vec<Entity<'a>> {
    let mut seen_snapshots = std::collections::BTreeSet::new();
    let mut seen_principals = std::collections::BTreeSet::new();
    snapshots
        .iter()
        .filter(|s| seen_snapshots.insert(*s))
        .map(Entity::Resource)
        .chain(
            principals
                .iter()
                .filter(|p| seen_principals.insert(*p))
                .map(Entity::Target),
        )
        .collect()
}

/// An association as the provider shows it; `at` is when its status was
/// reached, if not when the entity joined the share.
fn view(
    tx: &Tx<'_>,
    share: &ResourceShare,
    entity: Entity<'_>,
    status: &str,
    at: Option<DateTime<Utc>>,
) -> Value {
    let (kind, id, entity_type, is_external, since) = match entity {
        Entity::Resource(snapshot) => (
            "Resource",
            snapshot.as_str(),
            SNAPSHOT,
            false,
            share
                .snapshots
                .get(snapshot)
                .map_or(share.created_at, |shared| shared.shared_at),
        ),
        Entity::Target(principal) => (
            "Target",
            target_id(principal),
            target_type(principal),
            external(tx.state(), share, principal),
            records::target_since(tx, share, principal),
        ),
    };
    let at = at.unwrap_or(since);
    json!({
        "AssociationStatus": status,
        "AssociationStatusMessage": "",
        "AssociationType": kind,
        "CreateTime": time(at),
        "EntityId": id,
        "EntityType": entity_type,
        "External": is_external,
        "ResourceShareId": share.id.as_str(),
        "ResourceShareName": records::name(tx, &share.id),
        "UpdateTime": time(at),
    })
}
