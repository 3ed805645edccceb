//! Accounts, their users and standing, and the billing process's overdue
//! release (LOCK-12).

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::policy_chars;
use crate::decide::{Ctx, Step, Verdict};
use crate::{
    AccountId, Actor, Bound, CreateAccount, CreateUser, Event, MarkAccountOverdue, ObjectKind,
    ReleaseOverdueSnapshot, ReleaseReason, SetUserPolicy, SettleAccount, Span, Statement, UserId,
    Violation, time,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The site an account is registered on. Accounts of different sites never
/// share with each other (SHARE-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Site {
    /// The China site.
    China,
    /// The international site.
    International,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::China => "China site",
            Self::International => "international site",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A customer account.
///
/// Deserializing refuses unknown fields and requires every field,
/// `overdue_since` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Its site.
    pub site: Site,
    /// Since when it is overdue, if it is (LOCK-12).
    ///
    /// Required when deserializing (`null` when in good standing): with
    /// `deserialize_with`, serde no longer treats a missing `Option` key
    /// as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub overdue_since: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// The accounts its share-encrypted-snapshot role
    /// (`AliyunECSShareEncryptSnapshotDefaultRole`) trusts; empty when it
    /// has no such role. Snapshots encrypted with a customer key are usable
    /// only by the sharees listed (SHARE-6).
    pub encrypted_share_trustees: BTreeSet<AccountId>,
    /// Whether it activated Key Management Service, which encrypted copies
    /// and customer master keys need (COPY-3).
    pub kms_activated: bool,
}

impl Account {
    pub(crate) fn new(id: AccountId, site: Site, created_at: DateTime<Utc>) -> Self {
        Self {
            id,
            site,
            overdue_since: None,
            created_at,
            encrypted_share_trustees: BTreeSet::new(),
            kms_activated: false,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A user of an account, with its permission statements (PERM-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct User {
    /// The account it belongs to.
    pub account: AccountId,
    /// Its id within the account.
    pub id: UserId,
    /// What it is allowed and denied.
    pub statements: Vec<Statement>,
}

/// Checks: the platform; a fresh, well-formed id.
pub(crate) fn create_account(ctx: &Ctx<'_>, c: &CreateAccount) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform, "create_account")?;
    let taken = ctx.state.account(&c.account).is_some();
    ctx.fresh(ObjectKind::Account, c.account.as_str(), taken)?;
    Ok(vec![Event::AccountCreated {
        at: ctx.now,
        account: c.account.clone(),
        site: c.site,
    }])
}

/// The account whose root issues the command (PERM-1: only the root
/// manages its account's users).
pub(crate) fn root_account<'a>(
    ctx: &'a Ctx<'_>,
    command: &str,
) -> Result<&'a AccountId, Violation> {
    match ctx.actor {
        Actor::Root { account } => ctx.account(account).map(|a| &a.id),
        _ => Err(Violation::WrongActor {
            actor: ctx.actor.clone(),
            command: command.to_owned(),
        }),
    }
}

/// GEN-7: the statements fit in one custom policy document.
fn policy_within(ctx: &Ctx<'_>, statements: &[Statement]) -> Result<(), Violation> {
    ctx.state
        .limits
        .within(Bound::PolicyChars, policy_chars(statements))
}

/// Checks: the account's root; the policy within its bound (GEN-7); a
/// fresh, well-formed user id.
pub(crate) fn create_user(ctx: &Ctx<'_>, c: &CreateUser) -> Step<Vec<Event>> {
    let account = root_account(ctx, "create_user")?;
    policy_within(ctx, &c.statements)?;
    let taken = ctx.state.user(account, &c.user).is_some();
    ctx.fresh(ObjectKind::User, c.user.as_str(), taken)?;
    Ok(vec![Event::UserCreated {
        at: ctx.now,
        account: account.clone(),
        user: c.user.clone(),
        statements: c.statements.clone(),
    }])
}

/// Checks: the account's root; the policy within its bound (GEN-7); the
/// user exists.
pub(crate) fn set_user_policy(ctx: &Ctx<'_>, c: &SetUserPolicy) -> Step<Vec<Event>> {
    let account = root_account(ctx, "set_user_policy")?;
    policy_within(ctx, &c.statements)?;
    if ctx.state.user(account, &c.user).is_none() {
        return Err(crate::decide::not_found(ObjectKind::User, c.user.as_str()).into());
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
    ctx.system(&Actor::Billing, "mark_account_overdue")?;
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
    ctx.system(&Actor::Billing, "settle_account")?;
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
    ctx.system(&Actor::Billing, "release_overdue_snapshot")?;
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
    let account = root_account(ctx, "set_encrypted_share_role")?;
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
