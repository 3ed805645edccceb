//! Which accounts a share reaches now, and how an account stands towards a
//! snapshot it does not own (SHARE-3, SHARE-4, SHARE-6 to SHARE-9).
//!
//! Reach is computed at each instant from the share and the directory
//! memberships of that instant, so an account that joins a directory gains
//! access and one that leaves loses it (SHARE-8) without any event on the
//! share. The cost follows the number of shares holding the snapshot.

use chrono::{DateTime, Utc};

use crate::{AccountId, Encryption, Principal, PrincipalScope, ResourceShare, Snapshot, State};

/// Whether `share` reaches `account` now: never its owner, never an account
/// of another site (SHARE-3); with the directory scope only an account in
/// the owner's directory (SHARE-4); through a directory or folder principal
/// only while both the account and the owner are in that directory
/// (SHARE-8).
pub(crate) fn reaches(state: &State, share: &ResourceShare, account: &AccountId) -> bool {
    if *account == share.owner {
        return false;
    }
    let same_site = match (state.account(account), state.account(&share.owner)) {
        (Some(a), Some(b)) => a.site == b.site,
        _ => false,
    };
    if !same_site {
        return false;
    }
    let owner_directory = state.directory_of(&share.owner);
    let shared_directory = owner_directory.filter(|d| d.members.contains_key(account));
    if share.scope == PrincipalScope::ResourceDirectory && shared_directory.is_none() {
        return false;
    }
    if share
        .principals
        .contains(&Principal::Account(account.clone()))
    {
        return true;
    }
    let Some(directory) = shared_directory else {
        return false;
    };
    share
        .principals
        .contains(&Principal::Directory(directory.id.clone()))
        || directory.folder_of(account).is_some_and(|folder| {
            share
                .principals
                .contains(&Principal::Folder(folder.clone()))
        })
}

/// Whether the owner's share-encrypted-snapshot role trusts `account` for
/// `snapshot` (SHARE-6): always for a snapshot without a customer key.
pub(crate) fn trusted(state: &State, snapshot: &Snapshot, account: &AccountId) -> bool {
    match snapshot.encryption {
        Encryption::CustomerKey(_) => state
            .account(&snapshot.owner)
            .is_some_and(|owner| owner.encrypted_share_trustees.contains(account)),
        Encryption::Unencrypted | Encryption::ServiceKey => true,
    }
}

/// How an account stands towards a snapshot of another account at an
/// instant, through the best of the shares holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing<'a> {
    /// No share of the snapshot reaches the account (PERM-4).
    Foreign,
    /// Every share that reaches it has expired (SHARE-9), the latest at
    /// this instant.
    Expired(&'a ResourceShare, DateTime<Utc>),
    /// A live share reaches it, but it has not accepted one (SHARE-7).
    Pending(&'a ResourceShare),
    /// It accepted a live share, but the owner's role does not trust it
    /// with a snapshot encrypted by a customer key (SHARE-6).
    Untrusted(&'a ResourceShare),
    /// It may create disks from the snapshot and copy it (SHARE-10).
    Usable(&'a ResourceShare),
}

impl Standing<'_> {
    fn rank(&self) -> u8 {
        match self {
            Self::Foreign => 0,
            Self::Expired(..) => 1,
            Self::Pending(_) => 2,
            Self::Untrusted(_) => 3,
            Self::Usable(_) => 4,
        }
    }

    /// Whether the account sees the snapshot as shared with it.
    pub(crate) fn is_visible(&self) -> bool {
        matches!(
            self,
            Self::Pending(_) | Self::Untrusted(_) | Self::Usable(_)
        )
    }
}

/// The principals through which a share can reach `account`: itself, and
/// its directory and folder while it is a member.
pub(crate) fn principals_of_account(state: &State, account: &AccountId) -> Vec<Principal> {
    let mut principals = vec![Principal::Account(account.clone())];
    if let Some(directory) = state.directory_of(account) {
        principals.push(Principal::Directory(directory.id.clone()));
        if let Some(folder) = directory.folder_of(account) {
            principals.push(Principal::Folder(folder.clone()));
        }
    }
    principals
}

/// How `account` stands towards `snapshot` at `now` (see [`Standing`]).
///
/// Only the shares holding the snapshot that name the account, its
/// directory or its folder are looked at, and the first usable one ends
/// the search.
pub(crate) fn standing<'a>(
    state: &'a State,
    snapshot: &Snapshot,
    account: &AccountId,
    now: DateTime<Utc>,
) -> Standing<'a> {
    let Some(named) = state.index.principals_of(&snapshot.id) else {
        return Standing::Foreign;
    };
    let candidates = principals_of_account(state, account)
        .into_iter()
        .filter_map(|principal| named.get(&principal))
        .flatten()
        .filter_map(|id| state.resource_share(id));
    let mut best = Standing::Foreign;
    for share in candidates {
        let Some(shared) = share.snapshots.get(&snapshot.id) else {
            continue;
        };
        if !reaches(state, share, account) {
            continue;
        }
        let this = if !shared.is_live_at(now) {
            Standing::Expired(share, shared.expires_at)
        } else if !share.accepted.contains(account) {
            Standing::Pending(share)
        } else if !trusted(state, snapshot, account) {
            Standing::Untrusted(share)
        } else {
            return Standing::Usable(share);
        };
        let better = match (&this, &best) {
            (Standing::Expired(_, this_end), Standing::Expired(_, best_end)) => this_end > best_end,
            _ => this.rank() > best.rank(),
        };
        if better {
            best = this;
        }
    }
    best
}
