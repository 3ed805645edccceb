//! The account rules: accounts, users and their policies (PERM, GEN-7),
//! the encrypted-share role (SHARE-6), overdue accounts and their release
//! (LOCK-12).

use crate::ctx::{Ctx, Step, Verdict};
use crate::policy::policy_chars;
use crate::{
    AccountId, Actor, Bound, CreateAccount, CreateUser, Event, MarkAccountOverdue, ObjectKind,
    ReleaseOverdueSnapshot, ReleaseReason, SetUserPolicy, SettleAccount, Span, Statement,
    Violation, time,
};

/// Checks: the platform; a fresh, well-formed id.
pub(crate) fn create_account(ctx: &Ctx<'_>, c: &CreateAccount) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    let account_id = ctx.fresh(ObjectKind::Account, &c.account, |id| {
        ctx.state.account(id).is_some()
    })?;
    Ok(vec![Event::AccountCreated {
        at: ctx.now,
        account: account_id.clone(),
        site: c.site,
    }])
}

/// The account whose root issues the command (PERM-1: only the root
/// manages its account's users).
pub(crate) fn root_account<'a>(ctx: &'a Ctx<'_>) -> Result<&'a AccountId, Violation> {
    match ctx.actor {
        Actor::Root { account } => ctx.account(account).map(|a| &a.id),
        _ => Err(ctx.wrong_actor()),
    }
}

/// GEN-7: the statements fit in one custom policy document.
fn policy_within(ctx: &Ctx<'_>, statements: &[Statement]) -> Result<(), Violation> {
    ctx.state
        .limits
        .within(Bound::PolicyChars, policy_chars(statements))
        .map_err(Violation::from)
}

/// Checks: the account's root; the policy within its bound (GEN-7); a
/// fresh, well-formed user id.
pub(crate) fn create_user(ctx: &Ctx<'_>, c: &CreateUser) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    policy_within(ctx, &c.statements)?;
    let user_id = ctx.fresh(ObjectKind::User, &c.user, |id| {
        ctx.state.user(account, id).is_some()
    })?;
    Ok(vec![Event::UserCreated {
        at: ctx.now,
        account: account.clone(),
        user: user_id.clone(),
        statements: c.statements.clone(),
    }])
}

/// Checks: the account's root; the policy within its bound (GEN-7); the
/// user exists.
pub(crate) fn set_user_policy(ctx: &Ctx<'_>, c: &SetUserPolicy) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    policy_within(ctx, &c.statements)?;
    if ctx.state.user(account, &c.user).is_none() {
        return Err(crate::ctx::not_found(ObjectKind::User, c.user.as_str()).into());
    }
    Ok(vec![Event::UserPolicySet {
        at: ctx.now,
        account: account.clone(),
        user: c.user.clone(),
        statements: c.statements.clone(),
    }])
}

/// Checks: billing; the account exists. Marking an account already overdue
/// keeps the earlier instant and records nothing.
pub(crate) fn mark_overdue(ctx: &Ctx<'_>, c: &MarkAccountOverdue) -> Step<Vec<Event>> {
    ctx.system(&Actor::Billing)?;
    let account = ctx.account(&c.account)?;
    if account.overdue_since.is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::AccountOverdue {
        at: ctx.now,
        account: c.account.clone(),
    }])
}

/// Checks: billing; the account exists. Settling an account in good
/// standing records nothing.
pub(crate) fn settle(ctx: &Ctx<'_>, c: &SettleAccount) -> Step<Vec<Event>> {
    ctx.system(&Actor::Billing)?;
    let account = ctx.account(&c.account)?;
    if account.overdue_since.is_none() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::AccountSettled {
        at: ctx.now,
        account: c.account.clone(),
    }])
}

/// LOCK-12. Checks: billing; the snapshot exists; its account has been
/// overdue for at least the configured period. Locks do not stop it, nor
/// shares: it is unshared from each, then released.
pub(crate) fn release_overdue(
    ctx: &Ctx<'_>,
    c: &ReleaseOverdueSnapshot,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    ctx.system(&Actor::Billing)?;
    let snapshot = ctx.snapshot(&c.snapshot)?;
    let account = ctx.account(&snapshot.owner)?;
    // A threshold beyond the representable instants is never reached.
    let period = Span::Days(ctx.state.limits.overdue_release_days);
    let releasable_at = account
        .overdue_since
        .and_then(|since| time::later(since, period).ok());
    v.check(match releasable_at {
        Some(at) if at <= ctx.now => Ok(()),
        _ => Err(Violation::NotOverdueLongEnough {
            account: account.id.clone(),
            overdue_since: account.overdue_since,
            releasable_at,
        }),
    })?;
    // A shared snapshot leaves its shares first, so the event stream alone
    // tells every sharee it is gone.
    let mut events: Vec<Event> = ctx
        .state
        .shares_holding(&snapshot.id)
        .map(|share| Event::SnapshotUnshared {
            at: ctx.now,
            share: share.id.clone(),
            snapshot: snapshot.id.clone(),
        })
        .collect();
    events.push(Event::SnapshotReleased {
        at: ctx.now,
        snapshot: c.snapshot.clone(),
        reason: ReleaseReason::Overdue,
    });
    Ok(events)
}

/// SHARE-6. Checks: the account's root; every trusted account exists
/// (GEN-4). The same list again records nothing.
pub(crate) fn set_encrypted_share_role(
    ctx: &Ctx<'_>,
    c: &crate::SetEncryptedShareRole,
) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    for trusted in &c.trusted {
        ctx.account(trusted)?;
    }
    if ctx.account(account)?.encrypted_share_trustees == c.trusted {
        return Ok(Vec::new());
    }
    Ok(vec![Event::EncryptedShareRoleSet {
        at: ctx.now,
        account: account.clone(),
        trusted: c.trusted.clone(),
    }])
}
