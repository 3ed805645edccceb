//! What Resource Sharing shows that the model does not hold, kept as the
//! server's attributes beside the state (and stored with it): a share's
//! name, when it last changed, when each target joined it, and the shares
//! each account owns (so that listing them looks up one account's, never
//! every account's).

use chrono::{DateTime, Utc};
use snapguard::{AccountId, Principal, ResourceShare, ShareId};

use super::target_id;
use crate::engine::Tx;

/// A share's name.
const NAME: &str = "share_name";
/// When a share last changed (RFC 3339).
const UPDATED: &str = "share_updated";
/// On an account: the ids of the shares it owns, a JSON array, oldest
/// first.
const OWNED: &str = "resource_shares";

/// The attribute holding when `principal` joined a share.
fn joined(principal: &Principal) -> String {
    format!("target:{}", target_id(principal))
}

fn instant(text: Option<&str>) -> Option<DateTime<Utc>> {
    text.and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
}

/// A share's name (empty for one the server did not name).
pub fn name(tx: &Tx<'_>, share: &ShareId) -> String {
    tx.attribute(share.as_str(), NAME)
        .unwrap_or_default()
        .to_owned()
}

/// When a share last changed: its creation if never since.
pub fn updated(tx: &Tx<'_>, share: &ResourceShare) -> DateTime<Utc> {
    instant(tx.attribute(share.id.as_str(), UPDATED)).unwrap_or(share.created_at)
}

/// When `principal` joined `share`: the share's creation if not recorded.
pub fn target_since(tx: &Tx<'_>, share: &ResourceShare, principal: &Principal) -> DateTime<Utc> {
    instant(tx.attribute(share.id.as_str(), &joined(principal))).unwrap_or(share.created_at)
}

/// Records a new share of `owner`, named `name`.
pub fn created(tx: &mut Tx<'_>, owner: &AccountId, share: &ShareId, name: &str) {
    tx.set_attribute(share.as_str(), NAME, Some(name.to_owned()));
    let mut owned = owned(tx, owner);
    owned.push(share.clone());
    set_owned(tx, owner, &owned);
}

/// Records that `share` changed now, and which targets joined or left it.
pub fn changed(tx: &mut Tx<'_>, share: &ShareId, joined_now: &[Principal], left: &[Principal]) {
    let now = Some(super::time(tx.now()));
    tx.set_attribute(share.as_str(), UPDATED, now.clone());
    for principal in joined_now {
        tx.set_attribute(share.as_str(), &joined(principal), now.clone());
    }
    for principal in left {
        tx.set_attribute(share.as_str(), &joined(principal), None);
    }
}

/// Forgets a deleted share of `owner`.
pub fn deleted(tx: &mut Tx<'_>, owner: &AccountId, share: &ResourceShare) {
    let mut owned = owned(tx, owner);
    owned.retain(|id| *id != share.id);
    set_owned(tx, owner, &owned);
    for principal in &share.principals {
        tx.set_attribute(share.id.as_str(), &joined(principal), None);
    }
    tx.set_attribute(share.id.as_str(), UPDATED, None);
}

/// The ids of the shares `account` owns, oldest first.
pub fn owned(tx: &Tx<'_>, account: &AccountId) -> Vec<ShareId> {
    tx.attribute(account.as_str(), OWNED)
        .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
        .unwrap_or_default()
        .into_iter()
        .map(ShareId::new)
        .collect()
}

fn set_owned(tx: &mut Tx<'_>, account: &AccountId, owned: &[ShareId]) {
    let ids: Vec<&str> = owned.iter().map(ShareId::as_str).collect();
    let value = (!ids.is_empty())
        .then(|| serde_json::to_string(&ids).ok())
        .flatten();
    tx.set_attribute(account.as_str(), OWNED, value);
}
