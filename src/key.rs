//! Encryption keys: KMS activation per account, customer master keys, and
//! the checks a key named for a disk or a copy must pass (COPY-3).
//!
//! The provider's service key (`alias/acs/ecs`, [`Encryption::ServiceKey`])
//! is managed by the provider in every region of every account, so it has
//! no record here. Customer master keys ([`Key`]) are created in KMS by
//! their account, in one region, and can be disabled and enabled again.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::root_account;
use crate::decide::{Ctx, Step, Verdict, not_found, owned};
use crate::{
    AccountId, Action, CreateKey, Encryption, Event, KeyId, ObjectKind, RegionId, RuleId, Snapshot,
    State, Violation,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A customer master key (CMK) in KMS.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Key {
    /// Its id.
    pub id: KeyId,
    /// The account that owns it; only that account encrypts with it.
    pub owner: AccountId,
    /// Its region; it encrypts disks and snapshots of that region only.
    pub region: RegionId,
    /// Whether it can be used; a disabled key encrypts nothing new.
    pub enabled: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Key {
    /// Its resource name in permission statements:
    /// `acs:kms:<region>:<account>:key/<id>`.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use snapguard::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// # let mut state = State::new();
    /// # state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// # state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// state.apply_mut(now, &Actor::root("1001"), ActivateKms::new())?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateKey::new("k-1", "cn-hangzhou"))?;
    /// let key = state.key(&"k-1".into()).ok_or("no key")?;
    /// assert!(key.enabled);
    /// assert_eq!(key.resource_name(), "acs:kms:cn-hangzhou:1001:key/k-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn resource_name(&self) -> String {
        format!("acs:kms:{}:{}:key/{}", self.region, self.owner, self.id)
    }
}

impl State {
    /// A customer master key.
    ///
    /// ```
    /// use snapguard::State;
    /// assert!(State::new().key(&"k-1".into()).is_none());
    /// ```
    #[must_use]
    pub fn key(&self, id: &KeyId) -> Option<&Key> {
        self.keys.get(id)
    }

    /// Every customer master key, ordered by id.
    ///
    /// ```
    /// use snapguard::State;
    /// assert_eq!(State::new().keys().count(), 0);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.keys.values()
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a customer master key cannot encrypt a disk or a copy.
///
/// Non-exhaustive: later versions may add problems, so a `match` outside
/// the crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The key is disabled.
    Disabled,
    /// The key is in another region than the disk or copy.
    OtherRegion {
        /// The key's region.
        key_region: RegionId,
        /// The region of the disk or copy.
        wanted: RegionId,
    },
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disabled => f.write_str("it is disabled"),
            Self::OtherRegion { key_region, wanted } => {
                write!(f, "it is in region `{key_region}`, not `{wanted}`")
            }
        }
    }
}

/// Checks: the account's root. Activating again records nothing.
pub(crate) fn activate_kms(ctx: &Ctx<'_>) -> Step<Vec<Event>> {
    let account = root_account(ctx, "activate_kms")?;
    if ctx.account(account)?.kms_activated {
        return Ok(Vec::new());
    }
    Ok(vec![Event::KmsActivated {
        at: ctx.now,
        account: account.clone(),
    }])
}

/// Checks, in order: a customer; the region exists (GEN-4); a fresh,
/// well-formed key id (GEN-4, GEN-5); `kms:CreateKey` (PERM-1); KMS
/// activated for the account (COPY-3).
pub(crate) fn create_key(ctx: &Ctx<'_>, c: &CreateKey, v: &mut Verdict) -> Step<Vec<Event>> {
    let account = ctx.customer("create_key")?;
    ctx.region(&c.region)?;
    let taken = ctx.state.key(&c.key).is_some();
    ctx.fresh(ObjectKind::Key, c.key.as_str(), taken)?;
    let key = Key {
        id: c.key.clone(),
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
    let (command, action) = if enabled {
        ("enable_key", Action::EnableKey)
    } else {
        ("disable_key", Action::DisableKey)
    };
    let account = ctx.customer(command)?;
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
