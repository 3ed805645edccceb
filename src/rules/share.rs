//! The rules of the sharing commands (SHARE-1 to SHARE-7, SHARE-13,
//! SHARE-14).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ctx::{Ctx, Step, Verdict, owned, snapshot_resource};
use crate::policy::share_resource_name;
use crate::rules::snapshot::require_available;
use crate::share::{quota, reach};
use crate::{
    AcceptResourceShare, AccountId, Action, Actor, AssociateResourceShare, Bound,
    CreateResourceShare, DeleteResourceShare, DisassociateResourceShare, Encryption, Event,
    ObjectKind, Principal, PrincipalProblem, PrincipalScope, ReleaseReason, ResourceShare,
    Retention, RuleId, ShareId, ShareeOperation, Snapshot, SnapshotId, Span, Unshareable,
    Violation, time,
};

/// A share of the actor's account (GEN-4, PERM-4).
pub(crate) fn own_share<'a>(
    ctx: &'a Ctx<'_>,
    account: &AccountId,
    id: &ShareId,
) -> Result<&'a ResourceShare, Violation> {
    let share = ctx.resource_share(id)?;
    owned(
        account,
        &share.owner,
        ObjectKind::ResourceShare,
        id.as_str(),
    )?;
    Ok(share)
}

/// Each item once, in the order given.
fn distinct<T: Ord>(items: &[T]) -> Vec<&T> {
    let mut seen = BTreeSet::new();
    items.iter().filter(|item| seen.insert(*item)).collect()
}

/// Checks that a principal exists (GEN-4).
fn principal_exists(ctx: &Ctx<'_>, principal: &Principal) -> Result<(), Violation> {
    match principal {
        Principal::Account(id) => ctx.account(id).map(drop),
        Principal::Directory(id) => ctx.directory(id).map(drop),
        Principal::Folder(id) => ctx.folder(id).map(drop),
    }
}

/// SHARE-3 for a principal new to `share`: an account of the owner's site.
/// Directory and folder principals are checked by scope (SHARE-4), and a
/// directory never spans sites.
fn check_site(
    ctx: &Ctx<'_>,
    share: &ResourceShare,
    principal: &Principal,
) -> Result<(), Violation> {
    let Principal::Account(id) = principal else {
        return Ok(());
    };
    let (owner, sharee) = (ctx.account(&share.owner)?, ctx.account(id)?);
    if sharee.site == owner.site {
        Ok(())
    } else {
        Err(Violation::CrossSite {
            account: owner.id.clone(),
            site: owner.site,
            other: sharee.id.clone(),
            other_site: sharee.site,
        })
    }
}

/// SHARE-4 for a principal new to `share`: not the owner; the owner's own
/// directory or one of its folders; with the directory scope, an account
/// of that directory.
fn check_scope(
    ctx: &Ctx<'_>,
    share: &ResourceShare,
    principal: &Principal,
) -> Result<(), Violation> {
    let owner_directory = ctx.state.directory_of(&share.owner).map(|d| &d.id);
    let allowed = match principal {
        Principal::Account(id) if *id == share.owner => Err(PrincipalProblem::Owner),
        Principal::Account(id) => {
            let in_directory = owner_directory
                .is_some_and(|d| ctx.state.directory_of(id).map(|s| &s.id) == Some(d));
            if share.scope == PrincipalScope::AllAccounts || in_directory {
                Ok(())
            } else {
                Err(PrincipalProblem::OutsideDirectory)
            }
        }
        Principal::Directory(id) if owner_directory == Some(id) => Ok(()),
        Principal::Folder(id)
            if owner_directory.is_some()
                && ctx.state.folder(id).map(|f| &f.directory) == owner_directory =>
        {
            Ok(())
        }
        Principal::Directory(_) | Principal::Folder(_) => Err(PrincipalProblem::OutsideDirectory),
    };
    allowed.map_err(|reason| Violation::PrincipalNotAllowed {
        share: share.id.clone(),
        principal: principal.clone(),
        reason,
    })
}

/// SHARE-5: whether the snapshot can be shared now; the first reason it
/// cannot.
fn check_shareable(ctx: &Ctx<'_>, snapshot: &Snapshot) -> Result<(), Violation> {
    require_available(snapshot, RuleId::Share5)?;
    let reason = if snapshot.origin.from_imported_image() {
        Some(Unshareable::ImportedImageDisk)
    } else if snapshot.encryption == Encryption::ServiceKey {
        Some(Unshareable::ServiceKey)
    } else if snapshot.is_archived() {
        Some(Unshareable::Archived)
    } else if snapshot.retention.has_ended_by(ctx.now) {
        Some(Unshareable::RetentionEnded)
    } else {
        None
    };
    reason.map_or(Ok(()), |reason| {
        Err(Violation::NotShareable {
            snapshot: snapshot.id.clone(),
            reason,
        })
    })
}

/// Runs `check` on every item, in order, and keeps those that pass: in
/// [`Verdict::all`] mode later checks then see only items still in play.
fn passing<'t, T: ?Sized>(
    items: Vec<&'t T>,
    v: &mut Verdict,
    check: impl Fn(&T) -> Result<(), Violation>,
) -> Step<Vec<&'t T>> {
    let mut kept = Vec::new();
    for item in items {
        let result = check(item);
        let passed = result.is_ok();
        v.check(result)?;
        if passed {
            kept.push(item);
        }
    }
    Ok(kept)
}

/// SHARE-6 when sharing: each account principal must be trusted by the
/// owner's role if the share holds a snapshot encrypted with a customer key.
/// Directory and folder members are checked when they use a snapshot.
fn check_trust(
    ctx: &Ctx<'_>,
    share: &ResourceShare,
    principals: &[&Principal],
    snapshots: &[&Snapshot],
    v: &mut Verdict,
) -> Step<()> {
    // The snapshots the share holds meet only the new principals: none is
    // looked up when no principal is added.
    let held = (!principals.is_empty())
        .then(|| share.snapshots.keys())
        .into_iter()
        .flatten()
        .filter_map(|id| ctx.snapshot(id).ok());
    let pairs = held
        .flat_map(|s| principals.iter().map(move |p| (s, *p)))
        .chain(snapshots.iter().flat_map(|s| {
            share
                .principals
                .iter()
                .chain(principals.iter().copied())
                .map(move |p| (*s, p))
        }));
    for (snapshot, principal) in pairs {
        if let Principal::Account(sharee) = principal {
            v.ensure(reach::trusted(ctx.state, snapshot, sharee), || {
                Violation::EncryptedShareNotTrusted {
                    snapshot: snapshot.id.clone(),
                    owner: snapshot.owner.clone(),
                    sharee: sharee.clone(),
                }
            })?;
        }
    }
    Ok(())
}

/// SHARE-9: when the sharees' view of `snapshot`, shared now, expires.
fn view_end(ctx: &Ctx<'_>, snapshot: &Snapshot) -> Result<DateTime<Utc>, Violation> {
    match snapshot.retention {
        Retention::Until(end) => Ok(end),
        Retention::Permanent => Ok(time::later(
            ctx.now,
            Span::Days(ctx.state.limits.permanent_share_days),
        )?),
    }
}

/// PERM-5: putting a snapshot into a share is an action on the snapshot
/// too, and so is naming a new principal for the snapshots a share holds:
/// `action` is authorized on each snapshot the request names (held
/// already or not) and, when it adds principals, on each snapshot the
/// share holds, so that a Deny on a snapshot holds against sharing it.
/// Each is authorized once. Only users have policies; a root's request
/// looks nothing up.
fn authorize_snapshots(
    ctx: &Ctx<'_>,
    share: &ResourceShare,
    principals: &[&Principal],
    named: &[&Snapshot],
    action: Action,
    v: &mut Verdict,
) -> Step<()> {
    if !matches!(ctx.actor, Actor::User { .. }) {
        return Ok(());
    }
    let adding_principals = !principals.is_empty();
    let held = adding_principals
        .then(|| share.snapshots.keys())
        .into_iter()
        .flatten()
        .filter_map(|id| ctx.snapshot(id).ok());
    let named = named
        .iter()
        .copied()
        .filter(|s| !(adding_principals && share.snapshots.contains_key(&s.id)));
    for snapshot in named.chain(held) {
        v.check(ctx.authorize(action, || snapshot_resource(snapshot)))?;
    }
    Ok(())
}

/// The events adding `principals` and `snapshots` to `share`, after the
/// checks of [`AssociateResourceShare`] from the principals' and snapshots'
/// existence on, with `action` as the permission.
fn associate(
    ctx: &Ctx<'_>,
    account: &AccountId,
    share: &ResourceShare,
    (principals, snapshots): (&[Principal], &[SnapshotId]),
    action: Action,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let principals: Vec<&Principal> = distinct(principals)
        .into_iter()
        .filter(|p| !share.principals.contains(*p))
        .collect();
    for principal in &principals {
        principal_exists(ctx, principal)?;
    }
    let snapshots = distinct(snapshots);
    for id in &snapshots {
        ctx.snapshot(id)?;
    }
    let mut named = Vec::new();
    for id in snapshots {
        named.push(ctx.owned_snapshot(account, id, ShareeOperation::Reshare)?);
    }
    v.check(ctx.authorize(action, || {
        share_resource_name(&share.owner, share.id.as_str())
    }))?;
    authorize_snapshots(ctx, share, &principals, &named, action, v)?;
    quota::check_share_principals(ctx.state, share, &principals, &named)?;
    let added: Vec<&Snapshot> = named
        .into_iter()
        .filter(|s| !share.snapshots.contains_key(&s.id))
        .collect();
    let principals = passing(principals, v, |p| check_site(ctx, share, p))?;
    let principals = passing(principals, v, |p| check_scope(ctx, share, p))?;
    let added = passing(added, v, |s| check_shareable(ctx, s))?;
    check_trust(ctx, share, &principals, &added, v)?;
    let added_ids: Vec<&SnapshotId> = added.iter().map(|s| &s.id).collect();
    v.check(quota::check_principals(
        ctx.state,
        share,
        &principals,
        &added_ids,
    ))?;
    v.check(quota::check_shared_count(ctx.state, account, &added_ids))?;
    let mut events: Vec<Event> = principals
        .into_iter()
        .map(|principal| Event::SharePrincipalAdded {
            at: ctx.now,
            share: share.id.clone(),
            principal: principal.clone(),
        })
        .collect();
    for snapshot in added {
        events.push(Event::SnapshotShared {
            at: ctx.now,
            share: share.id.clone(),
            snapshot: snapshot.id.clone(),
            expires_at: view_end(ctx, snapshot)?,
        });
    }
    Ok(events)
}

/// Checks: a customer; a fresh share id (GEN-7, GEN-5, GEN-4); one share more
/// within the account's bound (GEN-7); then as
/// [`AssociateResourceShare`] on the new, empty share, with
/// `resourcesharing:CreateResourceShare` as the permission.
pub(crate) fn create_share(
    ctx: &Ctx<'_>,
    c: &CreateResourceShare,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let share_id = ctx.fresh(ObjectKind::ResourceShare, &c.share, |id| {
        ctx.state.share_id_taken(id)
    })?;
    let held = ctx.state.index.shares_owned(account);
    ctx.state
        .limits
        .within(Bound::SharesPerAccount, held.saturating_add(1))?;
    let share = ResourceShare::new(share_id.clone(), account.clone(), c.scope, ctx.now);
    let mut events = vec![Event::ResourceShareCreated {
        at: ctx.now,
        share: share_id.clone(),
        owner: account.clone(),
        scope: c.scope,
    }];
    events.extend(associate(
        ctx,
        account,
        &share,
        (&c.principals, &c.snapshots),
        Action::CreateResourceShare,
        v,
    )?);
    Ok(events)
}

/// See [`AssociateResourceShare`].
pub(crate) fn associate_share(
    ctx: &Ctx<'_>,
    c: &AssociateResourceShare,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let share = own_share(ctx, account, &c.share)?;
    associate(
        ctx,
        account,
        share,
        (&c.principals, &c.snapshots),
        Action::AssociateResourceShare,
        v,
    )
}

/// The events unsharing `snapshots` from `share`, each followed by its
/// release if it leaves its last share after its retention ended
/// (SHARE-14).
fn unshare(ctx: &Ctx<'_>, share: &ResourceShare, snapshots: &[&SnapshotId]) -> Vec<Event> {
    let mut events = Vec::new();
    for id in snapshots {
        events.push(Event::SnapshotUnshared {
            at: ctx.now,
            share: share.id.clone(),
            snapshot: (*id).clone(),
        });
        let still_shared = ctx.state.share_count(id) > 1;
        if ctx
            .snapshot(id)
            .is_ok_and(|s| s.released_at(ctx.now, still_shared))
        {
            events.push(Event::SnapshotReleased {
                at: ctx.now,
                snapshot: (*id).clone(),
                reason: ReleaseReason::RetentionEnded,
            });
        }
    }
    events
}

/// SHARE-13, SHARE-14. Checks: a customer; its own share (GEN-4, PERM-4);
/// each principal and snapshot named is in the share (GEN-4);
/// `resourcesharing:DisassociateResourceShare`.
pub(crate) fn disassociate_share(
    ctx: &Ctx<'_>,
    c: &DisassociateResourceShare,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let share = own_share(ctx, account, &c.share)?;
    let principals = distinct(&c.principals);
    for principal in &principals {
        if !share.principals.contains(*principal) {
            return Err(Violation::PrincipalNotInShare {
                share: share.id.clone(),
                principal: (*principal).clone(),
            }
            .into());
        }
    }
    let snapshots = distinct(&c.snapshots);
    for snapshot in &snapshots {
        if !share.snapshots.contains_key(*snapshot) {
            return Err(Violation::SnapshotNotInShare {
                share: share.id.clone(),
                snapshot: (*snapshot).clone(),
            }
            .into());
        }
    }
    v.check(ctx.authorize(Action::DisassociateResourceShare, || {
        share_resource_name(&share.owner, share.id.as_str())
    }))?;
    let mut events: Vec<Event> = principals
        .into_iter()
        .map(|principal| Event::SharePrincipalRemoved {
            at: ctx.now,
            share: share.id.clone(),
            principal: principal.clone(),
        })
        .collect();
    events.extend(unshare(ctx, share, &snapshots));
    Ok(events)
}

/// SHARE-13, SHARE-14. Checks: a customer; its own share (GEN-4, PERM-4);
/// `resourcesharing:DeleteResourceShare`. Every snapshot is unshared, then
/// the share is deleted.
pub(crate) fn delete_share(
    ctx: &Ctx<'_>,
    c: &DeleteResourceShare,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let share = own_share(ctx, account, &c.share)?;
    v.check(ctx.authorize(Action::DeleteResourceShare, || {
        share_resource_name(&share.owner, share.id.as_str())
    }))?;
    let snapshots: Vec<&SnapshotId> = share.snapshots.keys().collect();
    let mut events = unshare(ctx, share, &snapshots);
    events.push(Event::ResourceShareDeleted {
        at: ctx.now,
        share: share.id.clone(),
    });
    Ok(events)
}

/// SHARE-7. Checks: a customer; the share exists (GEN-4);
/// `resourcesharing:AcceptResourceShareInvitation` on it; it reaches the
/// account now (SHARE-7); the account has not accepted it already
/// (SHARE-7, follows the Resource Sharing API:
/// `InvitationStatus.AlreadyAccepted`).
pub(crate) fn accept_share(
    ctx: &Ctx<'_>,
    c: &AcceptResourceShare,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    let share = ctx.resource_share(&c.share)?;
    v.check(ctx.authorize(Action::AcceptResourceShareInvitation, || {
        share_resource_name(&share.owner, share.id.as_str())
    }))?;
    v.ensure(reach::reaches(ctx.state, share, account), || {
        Violation::NoInvitation {
            share: share.id.clone(),
            account: account.clone(),
        }
    })?;
    v.ensure(!share.accepted.contains(account), || {
        Violation::AlreadyAccepted {
            share: share.id.clone(),
            account: account.clone(),
        }
    })?;
    Ok(vec![Event::ResourceShareAccepted {
        at: ctx.now,
        share: share.id.clone(),
        account: account.clone(),
    }])
}
