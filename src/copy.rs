//! Copies of snapshots (COPY): why a standard copy is refused. The copy
//! rules (standard and encrypted copies, what a copy keeps and loses, its
//! billing basis, [`crate::BillingBasis`]) are in `rules/copy.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Encryption;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Why a standard (unencrypted) copy was refused (COPY-2).
///
/// Non-exhaustive: later versions may add problems, so a `match` outside
/// the crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum StandardCopyProblem {
    /// The source is encrypted: it is copied with encryption only.
    EncryptedSource {
        /// The source's encryption.
        encryption: Encryption,
    },
    /// The destination is the source's own region: a standard copy goes
    /// to another region only.
    SameRegion {
        /// The region of both.
        region: crate::RegionId,
    },
}

impl fmt::Display for StandardCopyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EncryptedSource { encryption } => write!(
                f,
                "it is encrypted with {encryption}; copy it with encryption"
            ),
            Self::SameRegion { region } => write!(
                f,
                "a standard copy cannot stay in its region `{region}`; copy with encryption to stay"
            ),
        }
    }
}
