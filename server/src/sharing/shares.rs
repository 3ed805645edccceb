//! Resource shares: CreateResourceShare, DeleteResourceShare,
//! ListResourceShares.

use serde_json::{Value, json};
use snapguard::{
    Action, CreateResourceShare, DeleteResourceShare, PrincipalScope, ResourceShare, ShareId,
};

use super::paging::Paging;
use super::{MAX_PER_CALL, account, done, records, resource_owner, time};
use crate::api::Call;
use crate::engine::{Engine, Tx};
use crate::error::ApiError;
use crate::mint::{IdKind, mint};

/// The most characters a share's name has.
const MAX_NAME: usize = 50;
/// The statuses a share can have at the provider; here every live share
/// is `Active` (there are no pending tasks, and a deleted share is gone).
const STATUSES: &[&str] = &["Active", "Pending", "Deleting", "Deleted"];

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let name = call.params.required("ResourceShareName")?;
    check_name(&name)?;
    let snapshots = super::resources(&mut call)?;
    let principals = super::targets(&mut call)?;
    // The provider's default: only the resource directory (SHARE-4).
    let scope = if call.params.boolean("AllowExternalTargets")? == Some(true) {
        PrincipalScope::AllAccounts
    } else {
        PrincipalScope::ResourceDirectory
    };
    call.finish_in(engine, |call, tx| {
        let owner = account(call)?.clone();
        super::hide_foreign_targets(call, tx, &principals)?;
        let share = ShareId::new(mint(IdKind::ResourceShare));
        tx.apply(
            call.actor,
            CreateResourceShare::new(share.clone(), scope)
                .principals(principals.clone())
                .snapshots(snapshots),
        )
        .map_err(|violation| call.refused(&violation))?;
        records::created(tx, &owner, &share, &name);
        records::changed(tx, &share, &principals, &[]);
        let created = tx
            .state()
            .resource_share(&share)
            .ok_or_else(|| crate::engine::internal("the new share is not in the state"))?;
        Ok(json!({ "ResourceShare": view(tx, created) }))
    })
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let share = ShareId::new(call.params.required("ResourceShareId")?);
    call.finish_in(engine, |call, tx| {
        let before = tx.state().resource_share(&share).cloned();
        tx.apply(call.actor, DeleteResourceShare::new(share.clone()))
            .map_err(|violation| call.refused(&violation))?;
        if let Some(before) = before {
            records::deleted(tx, &before.owner, &before);
        }
        Ok(done())
    })
}

pub fn list(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let own = resource_owner(&mut call, true)?;
    let ids = call.params.list("ResourceShareIds", MAX_PER_CALL)?;
    let name = call.params.take("ResourceShareName");
    let status = call.params.take("ResourceShareStatus");
    if let Some(status) = &status {
        if !STATUSES.contains(&status.as_str()) {
            return Err(ApiError::invalid(
                "ResourceShareStatus",
                format_args!(
                    "`{}` is not one of {}",
                    crate::params::truncated(status),
                    STATUSES.join(", ")
                ),
            ));
        }
    }
    let paging = Paging::read(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let account = account(call)?;
        let mut shares = if own {
            owned(tx, account)
        } else {
            tx.state().shares_reaching(account)
        };
        shares.retain(|share| {
            (ids.is_empty() || ids.iter().any(|id| id == share.id.as_str()))
                && name
                    .as_deref()
                    .is_none_or(|name| records::name(tx, &share.id) == name)
                && status.as_deref().is_none_or(|status| status == "Active")
        });
        // Oldest first; a stable sort keeps the order of creation (own
        // shares) or of ids (others') within one instant.
        shares.sort_by_key(|share| share.created_at);
        call.may_list(tx, Action::ListResourceShares, shares.iter().copied())?;
        let (page, next) = paging.slice(&shares)?;
        let views = page.iter().map(|share| view(tx, share)).collect();
        Ok(Paging::body("ResourceShares", views, next))
    })
}

/// The live shares `account` owns.
pub fn owned<'t>(tx: &'t Tx<'_>, account: &snapguard::AccountId) -> Vec<&'t ResourceShare> {
    records::owned(tx, account)
        .iter()
        .filter_map(|id| tx.state().resource_share(id))
        .collect()
}

/// A share as the provider shows it.
pub fn view(tx: &Tx<'_>, share: &ResourceShare) -> Value {
    json!({
        "AllowExternalTargets": share.scope == PrincipalScope::AllAccounts,
        "CreateTime": time(share.created_at),
        "ResourceShareId": share.id.as_str(),
        "ResourceShareName": records::name(tx, &share.id),
        "ResourceShareOwner": share.owner.as_str(),
        "ResourceShareStatus": "Active",
        "UpdateTime": time(records::updated(tx, share)),
    })
}

/// A name of 1 to 50 letters, digits, periods, underscores and hyphens.
fn check_name(name: &str) -> Result<(), ApiError> {
    let chars = name.chars().count();
    if chars > MAX_NAME {
        return Err(ApiError::invalid(
            "ResourceShareName",
            format_args!("it has {chars} characters, more than {MAX_NAME}"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(ApiError::invalid(
            "ResourceShareName",
            format_args!("{c:?} is not a letter, a digit, a period, an underscore or a hyphen"),
        ));
    }
    Ok(())
}
