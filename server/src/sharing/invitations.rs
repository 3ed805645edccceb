//! Invitations: ListResourceShareInvitations,
//! AcceptResourceShareInvitation.
//!
//! An account holds one invitation per share of another account that
//! reaches it (through itself, its resource directory or its folder):
//! `Pending` until it accepts the share, `Accepted` after (SHARE-7). Its id
//! is derived from the share and the account ([`super::invitation_id`]).
//! Unlike the provider, snapguard asks members of a resource directory to
//! accept too, and invitations do not expire after seven days.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use snapguard::{
    AcceptResourceShare, AccountId, Action, Principal, ResourceShare, ShareId, State, Violation,
};

use super::paging::Paging;
use super::{account, invitation_id, records, time};
use crate::api::Call;
use crate::engine::{Engine, Tx};
use crate::error::ApiError;

/// The most ids a list filter names.
const MAX_IDS: usize = 100;

pub fn list(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let share_ids = call.params.list("ResourceShareIds", MAX_IDS)?;
    let invitation_ids = call.params.list("ResourceShareInvitationIds", MAX_IDS)?;
    let paging = Paging::read(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let account = account(call)?;
        let mut shares = tx.state().shares_reaching(account);
        shares.retain(|share| {
            (share_ids.is_empty() || share_ids.iter().any(|id| id == share.id.as_str()))
                && (invitation_ids.is_empty()
                    || invitation_ids
                        .iter()
                        .any(|id| *id == invitation_id(&share.id, account)))
        });
        call.may_list(
            tx,
            Action::ListResourceShareInvitations,
            shares.iter().copied(),
        )?;
        let (page, next) = paging.slice(&shares)?;
        let views = page.iter().map(|share| view(tx, share, account)).collect();
        Ok(Paging::body("ResourceShareInvitations", views, next))
    })
}

pub fn accept(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let id = call.params.required("ResourceShareInvitationId")?;
    call.finish_in(engine, |call, tx| {
        let account = account(call)?.clone();
        // Only the caller's own invitations are looked at: another
        // account's invitation id is answered as one that names nothing.
        let share = tx
            .state()
            .shares_reaching(&account)
            .into_iter()
            .find(|share| invitation_id(&share.id, &account) == id)
            .map(|share| share.id.clone());
        let Some(share) = share else {
            return Err(unknown(call, &id, &account));
        };
        tx.apply(call.actor, AcceptResourceShare::new(share.clone()))
            .map_err(|violation| call.refused(&violation))?;
        let accepted = tx
            .state()
            .resource_share(&share)
            .ok_or_else(|| crate::engine::internal("the share is not in the state"))?;
        Ok(json!({ "ResourceShareInvitation": view(tx, accepted, &account) }))
    })
}

/// The answer to an invitation id that names no invitation of the caller:
/// the provider's code for an invitation that does not exist (SHARE-7).
fn unknown(call: &Call<'_>, id: &str, account: &AccountId) -> ApiError {
    let answer = crate::violations::answer(
        &Violation::NoInvitation {
            share: ShareId::new(id),
            account: account.clone(),
        },
        call.action,
    );
    ApiError::new(
        answer.status,
        answer.code,
        format!(
            "SHARE-7: resource sharing invitation `{}` does not exist for account `{account}`",
            crate::params::truncated(id)
        ),
    )
}

/// An invitation as the provider shows it.
fn view(tx: &Tx<'_>, share: &ResourceShare, account: &AccountId) -> Value {
    let status = if share.accepted.contains(account) {
        "Accepted"
    } else {
        "Pending"
    };
    json!({
        "CreateTime": time(invited(tx, share, account)),
        "ReceiverAccountId": account.as_str(),
        "ResourceShareId": share.id.as_str(),
        "ResourceShareInvitationId": invitation_id(&share.id, account),
        "ResourceShareName": records::name(tx, &share.id),
        "SenderAccountId": share.owner.as_str(),
        "Status": status,
    })
}

/// When the share first reached the account: the earliest of its
/// principals that name the account, its directory or its folder.
fn invited(tx: &Tx<'_>, share: &ResourceShare, account: &AccountId) -> DateTime<Utc> {
    principals_of(tx.state(), account)
        .iter()
        .filter(|principal| share.principals.contains(*principal))
        .map(|principal| records::target_since(tx, share, principal))
        .min()
        .unwrap_or(share.created_at)
}

/// The principals that name `account`: itself, its directory and folder.
fn principals_of(state: &State, account: &AccountId) -> Vec<Principal> {
    let mut principals = vec![Principal::Account(account.clone())];
    if let Some(directory) = state.directory_of(account) {
        principals.push(Principal::Directory(directory.id.clone()));
        if let Some(folder) = directory.folder_of(account) {
            principals.push(Principal::Folder(folder.clone()));
        }
    }
    principals
}
