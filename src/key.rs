//! Encryption keys: customer master keys and why one cannot be used. KMS
//! activation and the checks a key named for a disk or a copy must pass
//! (COPY-3) are in `rules/key.rs`.
//!
//! The provider's service key (`alias/acs/ecs`, [`Encryption::ServiceKey`])
//! is managed by the provider in every region of every account, so it has
//! no record here. Customer master keys ([`Key`]) are created in KMS by
//! their account, in one region, and can be disabled and enabled again.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, KeyId, RegionId};

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
