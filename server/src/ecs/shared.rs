//! Snapshots shared with the caller, as `DescribeSnapshots` shows them.
//!
//! The provider lists a snapshot shared with an account among the
//! account's own in its region once the account has accepted the share,
//! marked with the tag `acs:ecs:sharedFrom:<sharer's account>:<region>:
//! <snapshot id>` (its console's "Shared Snapshot" creation method). A
//! pending share's snapshots are not listed (SHARE-7), nor those whose
//! view has expired (SHARE-9) or that were unshared (SHARE-13).

use std::collections::BTreeMap;

use snapguard::{AccountId, Action, ShareStatus, Snapshot};

use super::Call;
use crate::engine::Tx;
use crate::error::ApiError;

/// Whether `account` sees `snapshot`, of another account, through a share
/// it accepted whose view has not expired.
pub fn accepted(tx: &Tx<'_>, snapshot: &Snapshot, account: &AccountId) -> bool {
    tx.state()
        .shared_with(&snapshot.id, tx.now())
        .accounts
        .get(account)
        == Some(&ShareStatus::Accepted)
}

/// The tags a sharee sees on a shared snapshot: the provider's mark only.
pub fn tags(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let key = format!(
        "acs:ecs:sharedFrom:{}:{}:{}",
        snapshot.owner, snapshot.region, snapshot.id
    );
    BTreeMap::from([(key, String::new())])
}

/// Checks that a RAM user may describe a snapshot shared with its account:
/// `ecs:DescribeSnapshots` on the snapshot's resource name (PERM-1: an
/// explicit Deny wins, an Allow is needed). An account's root may.
pub fn authorize(call: &Call<'_>, tx: &Tx<'_>, snapshot: &Snapshot) -> Result<(), ApiError> {
    let resource = format!(
        "acs:ecs:{}:{}:snapshot/{}",
        snapshot.region, snapshot.owner, snapshot.id
    );
    call.may(tx, Action::DescribeSnapshots, &resource)
}
