//! ListSharedResources: the snapshots an account shares (`Self`), or those
//! shared with it (`OtherAccounts`).
//!
//! Shared with an account are the snapshots of the shares it accepted
//! whose view has not expired (SHARE-7, SHARE-9), as `DescribeSnapshots`
//! shows them; a pending invitation's snapshots are listed once it is
//! accepted.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use snapguard::{Action, ShareId, ShareStatus, SnapshotAccess, SnapshotId};

use super::paging::Paging;
use super::{SNAPSHOT, account, resource_owner, target_id, time};
use crate::api::Call;
use crate::engine::Engine;
use crate::error::ApiError;

/// The most ids a list filter names.
const MAX_IDS: usize = 100;

/// A shared snapshot, as listed.
struct Item {
    snapshot: SnapshotId,
    share: ShareId,
    shared_at: DateTime<Utc>,
    /// Shown to the sharee only.
    available: Option<bool>,
}

pub fn list(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let own = resource_owner(&mut call, true)?;
    // Resource Sharing shares other kinds of resources; snapguard has only
    // snapshots, so another type lists nothing.
    let snapshots_asked = call
        .params
        .take("ResourceType")
        .is_none_or(|kind| kind.eq_ignore_ascii_case(SNAPSHOT));
    let resource_ids = call.params.list("ResourceIds", MAX_IDS)?;
    let share_ids = call.params.list("ResourceShareIds", MAX_IDS)?;
    let target = call.params.take("Target");
    let paging = Paging::read(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let account = account(call)?;
        let state = tx.state();
        let mut items: Vec<Item> = Vec::new();
        if own {
            for share in super::shares::owned(tx, account) {
                if target
                    .as_deref()
                    .is_some_and(|t| !share.principals.iter().any(|p| target_id(p) == t))
                {
                    continue;
                }
                items.extend(share.snapshots.iter().map(|(id, shared)| Item {
                    snapshot: id.clone(),
                    share: share.id.clone(),
                    shared_at: shared.shared_at,
                    available: None,
                }));
            }
        } else {
            for seen in state.visible_snapshots(account, tx.now()) {
                let SnapshotAccess::Shared {
                    share,
                    status: ShareStatus::Accepted,
                    ..
                } = &seen.access
                else {
                    continue;
                };
                if target.as_deref().is_some_and(|t| t != seen.owner.as_str()) {
                    continue;
                }
                let shared_at = state
                    .resource_share(share)
                    .and_then(|s| s.snapshots.get(&seen.snapshot))
                    .map_or(tx.now(), |shared| shared.shared_at);
                items.push(Item {
                    snapshot: seen.snapshot.clone(),
                    share: share.clone(),
                    shared_at,
                    available: Some(true),
                });
            }
        }
        items.retain(|item| {
            snapshots_asked
                && (resource_ids.is_empty()
                    || resource_ids.iter().any(|id| id == item.snapshot.as_str()))
                && (share_ids.is_empty() || share_ids.iter().any(|id| id == item.share.as_str()))
        });
        call.may_list(
            tx,
            Action::ListSharedResources,
            items
                .iter()
                .filter_map(|item| tx.state().resource_share(&item.share)),
        )?;
        let (page, next) = paging.slice(&items)?;
        let views = page.iter().map(view).collect();
        Ok(Paging::body("SharedResources", views, next))
    })
}

fn view(item: &Item) -> Value {
    let mut view = json!({
        "CreateTime": time(item.shared_at),
        "ResourceId": item.snapshot.as_str(),
        "ResourceShareId": item.share.as_str(),
        "ResourceType": SNAPSHOT,
        "UpdateTime": time(item.shared_at),
    });
    if let (Some(available), Some(fields)) = (item.available, view.as_object_mut()) {
        let status = if available {
            "Available"
        } else {
            "Unavailable"
        };
        fields.insert("ResourceStatus".into(), json!(status));
    }
    view
}
