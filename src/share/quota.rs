//! SHARE-1 and SHARE-2 from the counts evolve keeps: no command scans the
//! shares or snapshots of the fleet. The cost of a check follows what the
//! command adds and the share it adds to (itself bounded by SHARE-2).

use std::collections::BTreeSet;

use crate::{AccountId, Principal, ResourceShare, Snapshot, SnapshotId, State, Violation};

/// The principals `snapshot` has through all its shares, plus `extra`,
/// counted without double counting.
fn principals_with<'a>(
    state: &State,
    snapshot: &SnapshotId,
    extra: impl Iterator<Item = &'a Principal>,
) -> usize {
    let current = state.index.principals_of(snapshot);
    let held = current.map_or(0, |refs| refs.len());
    let added = extra
        .filter(|p| current.is_none_or(|refs| !refs.contains_key(*p)))
        .collect::<BTreeSet<_>>()
        .len();
    held.saturating_add(added)
}

/// SHARE-1: after `share` gains `principals` and `snapshots` (each new to
/// it), no snapshot of the share has more principals than the limit.
pub(crate) fn check_principals(
    state: &State,
    share: &ResourceShare,
    principals: &[&Principal],
    snapshots: &[&SnapshotId],
) -> Result<(), Violation> {
    let limit = state.limits.max_principals_per_snapshot;
    let max = usize::try_from(limit).unwrap_or(usize::MAX);
    let check = |snapshot: &SnapshotId, count: usize| {
        if count > max {
            Err(Violation::TooManyPrincipals {
                snapshot: snapshot.clone(),
                principals: count,
                limit,
            })
        } else {
            Ok(())
        }
    };
    if !principals.is_empty() {
        for snapshot in share.snapshots.keys() {
            let count = principals_with(state, snapshot, principals.iter().copied());
            check(snapshot, count)?;
        }
    }
    for snapshot in snapshots {
        let all = share.principals.iter().chain(principals.iter().copied());
        check(snapshot, principals_with(state, snapshot, all))?;
    }
    Ok(())
}

/// SHARE-1, GEN-7: a share that would name more principals than one of
/// its snapshots may have is refused at once, before any check pairs
/// principals with snapshots (whose cost grows with both). The count is
/// the share's own; principals that reach a snapshot through its other
/// shares are counted by [`check_principals`] later.
pub(crate) fn check_share_principals(
    state: &State,
    share: &ResourceShare,
    principals: &[&Principal],
    named: &[&Snapshot],
) -> Result<(), Violation> {
    let limit = state.limits.max_principals_per_snapshot;
    let count = share.principals.len().saturating_add(principals.len());
    let first = share
        .snapshots
        .keys()
        .next()
        .or(named.first().map(|s| &s.id));
    match first {
        Some(snapshot) if count > usize::try_from(limit).unwrap_or(usize::MAX) => {
            Err(Violation::TooManyPrincipals {
                snapshot: snapshot.clone(),
                principals: count,
                limit,
            })
        }
        _ => Ok(()),
    }
}

/// SHARE-2: after sharing `snapshots` of `owner` (each new to the share),
/// the account has no more snapshots shared than the limit. Those shared
/// already through another share do not count again.
pub(crate) fn check_shared_count(
    state: &State,
    owner: &AccountId,
    snapshots: &[&SnapshotId],
) -> Result<(), Violation> {
    let limit = state.limits.max_shared_snapshots_per_account;
    let held = state.index.shared_count(owner);
    let added = snapshots.iter().filter(|s| !state.is_shared(s)).count();
    let shared = held.saturating_add(added);
    if added > 0 && shared > usize::try_from(limit).unwrap_or(usize::MAX) {
        Err(Violation::TooManySharedSnapshots {
            account: owner.clone(),
            shared,
            limit,
        })
    } else {
        Ok(())
    }
}
