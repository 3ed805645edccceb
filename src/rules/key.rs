//! The key rules: KMS activation, customer master keys, and which key a
//! disk or copy may use (COPY-3, DISK-1, SHARE-11).

use crate::ctx::{Ctx, Step, Verdict, not_found, owned};
use crate::rules::account::root_account;
use crate::{
    AccountId, Action, ActivateKms, CreateKey, Encryption, Event, Key, KeyId, KeyProblem,
    ObjectKind, RegionId, RuleId, Snapshot, Violation,
};

/// Checks: the account's root. Activating again records nothing.
pub(crate) fn activate_kms(ctx: &Ctx<'_>, _: &ActivateKms) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    if ctx.account(account)?.kms_activated {
        return Ok(Vec::new());
    }
    Ok(vec![Event::KmsActivated {
        at: ctx.now,
        account: account.clone(),
    }])
}

/// Checks, in order: a customer; the region exists (GEN-4); a fresh,
/// well-formed key id (GEN-7, GEN-5, GEN-4); `kms:CreateKey` (PERM-1); KMS
/// activated for the account (COPY-3).
pub(crate) fn create_key(ctx: &Ctx<'_>, c: &CreateKey, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer()?;
    ctx.region(&c.region)?;
    let key_id = ctx.fresh(ObjectKind::Key, &c.key, |id| ctx.state.key(id).is_some())?;
    let key = Key {
        id: key_id.clone(),
        owner: account.clone(),
        region: c.region.clone(),
        enabled: true,
        created_at: ctx.now,
    };
    v.check(ctx.authorize(Action::CreateKey, || key.resource_name()))?;
    v.check(kms_activated(ctx, account))?;
    Ok(vec![Event::KeyCreated { at: ctx.now, key }])
}

/// Checks, in order: a customer; its own key (GEN-4, PERM-4);
/// `kms:EnableKey` or `kms:DisableKey` (PERM-1). The state it is in
/// already records nothing.
pub(crate) fn set_key_enabled(
    ctx: &Ctx<'_>,
    key: &KeyId,
    enabled: bool,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let action = if enabled {
        Action::EnableKey
    } else {
        Action::DisableKey
    };
    let account = ctx.customer()?;
    let key = ctx.key(key)?;
    owned(account, &key.owner, ObjectKind::Key, key.id.as_str())?;
    v.check(ctx.authorize(action, || key.resource_name()))?;
    if key.enabled == enabled {
        return Ok(Vec::new());
    }
    let key = key.id.clone();
    let at = ctx.now;
    Ok(vec![if enabled {
        Event::KeyEnabled { at, key }
    } else {
        Event::KeyDisabled { at, key }
    }])
}

/// COPY-3: KMS is activated for `account`.
pub(crate) fn kms_activated(ctx: &Ctx<'_>, account: &AccountId) -> Result<(), Violation> {
    if ctx.account(account)?.kms_activated {
        Ok(())
    } else {
        Err(Violation::KmsNotActivated {
            account: account.clone(),
        })
    }
}

impl Ctx<'_> {
    /// A customer master key (GEN-4).
    pub(crate) fn key(&self, id: &KeyId) -> Result<&Key, Violation> {
        self.state
            .key(id)
            .ok_or_else(|| not_found(ObjectKind::Key, id.as_str()))
    }

    /// The customer master key `encryption` names, if it names one: it
    /// must exist (GEN-4). Whose it is and whether it is usable are
    /// checked later, by [`Ctx::usable_key`].
    pub(crate) fn named_key(&self, encryption: &Encryption) -> Result<Option<&Key>, Violation> {
        encryption.customer_key().map(|id| self.key(id)).transpose()
    }

    /// A key `account` may encrypt a disk or copy in `region` with: its
    /// own (PERM-4), enabled and in that region (under `rule`).
    pub(crate) fn usable_key(
        &self,
        account: &AccountId,
        key: &Key,
        region: &RegionId,
        rule: RuleId,
        v: &mut Verdict,
    ) -> Step<()> {
        if let Err(foreign) = owned(account, &key.owner, ObjectKind::Key, key.id.as_str()) {
            // Whether another's key is enabled is not the account's concern.
            return v.check(Err(foreign));
        }
        let problem = if !key.enabled {
            Some(KeyProblem::Disabled)
        } else if key.region != *region {
            Some(KeyProblem::OtherRegion {
                key_region: key.region.clone(),
                wanted: region.clone(),
            })
        } else {
            None
        };
        match problem {
            Some(problem) => v.check(Err(Violation::KeyNotUsable {
                key: key.id.clone(),
                problem,
                rule,
            })),
            None => Ok(()),
        }
    }
}

/// SHARE-11: a disk or copy made by a sharee from a snapshot encrypted with
/// a customer master key uses another key. Call it for sharees only.
pub(crate) fn another_key(snapshot: &Snapshot, requested: &Encryption) -> Result<(), Violation> {
    let Some(key) = snapshot.encryption.customer_key() else {
        return Ok(());
    };
    let changed = match requested {
        Encryption::Unencrypted => false,
        Encryption::ServiceKey => true,
        Encryption::CustomerKey(chosen) => chosen != key,
    };
    if changed {
        Ok(())
    } else {
        Err(Violation::SharedKeyNotChanged {
            snapshot: snapshot.id.clone(),
            key: key.clone(),
            requested: requested.clone(),
        })
    }
}
