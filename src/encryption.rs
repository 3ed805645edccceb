//! How a disk, snapshot, image or copy is encrypted.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::KeyId;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// How a disk or snapshot is encrypted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "id",
    from = "EncryptionInput",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Encryption {
    /// Not encrypted.
    Unencrypted,
    /// The service key of the cloud provider.
    ServiceKey,
    /// A customer master key.
    CustomerKey(KeyId),
}

impl Encryption {
    /// The customer master key, if encrypted with one.
    ///
    /// ```
    /// use snapguard::{Encryption, KeyId};
    /// assert_eq!(Encryption::CustomerKey(KeyId::new("k-1")).customer_key(), Some(&KeyId::new("k-1")));
    /// assert_eq!(Encryption::ServiceKey.customer_key(), None);
    /// ```
    #[must_use]
    pub fn customer_key(&self) -> Option<&KeyId> {
        match self {
            Self::CustomerKey(key) => Some(key),
            Self::Unencrypted | Self::ServiceKey => None,
        }
    }
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unencrypted => f.write_str("no encryption"),
            Self::ServiceKey => f.write_str("the service key"),
            Self::CustomerKey(key) => write!(f, "customer key `{key}`"),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// How a disk or snapshot is encrypted, as read: `{"type": "customer_key",
/// "id": "k-1"}`, or with `key` for `id`, the earlier
/// spelling, still read for one release (an id held by a tagged value is
/// `id`, as in [`DiskSource`](crate::DiskSource)).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum EncryptionInput {
    // Variants without data are empty structs, so that
    // `deny_unknown_fields` refuses an `id` beside them.
    /// Not encrypted.
    Unencrypted {},
    /// The service key of the cloud provider.
    ServiceKey {},
    /// A customer master key.
    CustomerKey {
        /// The key.
        #[serde(alias = "key")]
        id: KeyId,
    },
}

impl From<EncryptionInput> for Encryption {
    fn from(input: EncryptionInput) -> Self {
        match input {
            EncryptionInput::Unencrypted {} => Self::Unencrypted,
            EncryptionInput::ServiceKey {} => Self::ServiceKey,
            EncryptionInput::CustomerKey { id } => Self::CustomerKey(id),
        }
    }
}
