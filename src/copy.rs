//! Copies of snapshots (COPY): standard and encrypted copies, what a copy
//! keeps and loses, and its billing basis ([`crate::BillingBasis`]).
//!
//! A copy is a new snapshot of the copier: it never inherits the source's
//! lock, tags, retention or instant access (COPY-5, LOCK-13), and a lock
//! never stops a copy (LOCK-16). An encrypted snapshot is only ever copied
//! with encryption (COPY-2), so no plaintext copy of encrypted data exists.

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
