//! The archive tier (ARCH): why a snapshot cannot be archived. Archiving
//! itself is in `rules/archive.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Encryption;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a snapshot cannot be archived at all (ARCH-5).
///
/// Non-exhaustive: later versions may add reasons.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Unarchivable {
    /// It is encrypted ("You cannot archive encrypted snapshots").
    Encrypted {
        /// Its encryption.
        encryption: Encryption,
    },
    /// Cloud Backup made it ("snapshots managed by Cloud Backup").
    CloudBackup,
}

impl fmt::Display for Unarchivable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encrypted { encryption } => write!(f, "it is encrypted with {encryption}"),
            Self::CloudBackup => f.write_str("it is managed by Cloud Backup"),
        }
    }
}
