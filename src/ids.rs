//! Newtype identifiers for every kind of object the state holds.
//!
//! An id is any string; ids given to *new* objects must also be well formed
//! (see [`is_well_formed`]), so that they fit in a resource name such as
//! `acs:ecs:cn-hangzhou:1001:snapshot/s-1` without ambiguity.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest id accepted for a new object.
pub const MAX_ID_LEN: usize = 128;

/// Whether `id` may name a new object: 1 to [`MAX_ID_LEN`] characters, each
/// an ASCII letter, digit, `-`, `_` or `.` (so no `:`, `/` or `*`, which
/// would change the meaning of a resource name or pattern).
///
/// ```
/// assert!(snapguard::is_well_formed("s-2026.01_a"));
/// assert!(!snapguard::is_well_formed(""));
/// assert!(!snapguard::is_well_formed("s/1"));
/// ```
#[must_use]
pub fn is_well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string as an id.
            ///
            /// ```
            #[doc = concat!("let id = snapguard::", stringify!($name), "::new(\"x-1\");")]
            /// assert_eq!(id.as_str(), "x-1");
            /// assert_eq!(id.to_string(), "x-1");
            /// ```
            #[must_use]
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string slice.
            ///
            /// ```
            #[doc = concat!("assert_eq!(snapguard::", stringify!($name), "::from(\"x-2\").as_str(), \"x-2\");")]
            /// ```
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }
    )*};
}

ids! {
    /// A cloud account, such as `1001`.
    AccountId;
    /// A user (RAM user) inside an account.
    UserId;
    /// A region, such as `cn-hangzhou`.
    RegionId;
    /// A cloud disk.
    DiskId;
    /// A snapshot.
    SnapshotId;
    /// A custom image.
    ImageId;
    /// An encryption key (a customer master key in KMS).
    KeyId;
    /// A resource share (Resource Sharing), such as `rs-1`.
    ShareId;
    /// A resource directory, such as `rd-1`.
    DirectoryId;
    /// A folder of a resource directory, such as `fd-1`.
    FolderId;
    /// A Cloud Backup vault, such as `v-1`.
    VaultId;
    /// A Cloud Backup policy, such as `po-1`.
    BackupPolicyId;
    /// A Cloud Backup backup point, such as `bp-1`.
    BackupPointId;
}

/// The kinds of object a violation can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectKind {
    /// An account.
    Account,
    /// A user of an account.
    User,
    /// A region.
    Region,
    /// A disk.
    Disk,
    /// A snapshot.
    Snapshot,
    /// A custom image.
    Image,
    /// A resource share.
    ResourceShare,
    /// A resource directory.
    Directory,
    /// A folder of a resource directory.
    Folder,
    /// A customer master key.
    Key,
    /// A Cloud Backup vault.
    Vault,
    /// A Cloud Backup policy.
    BackupPolicy,
    /// A Cloud Backup backup point.
    BackupPoint,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Account => "account",
            Self::User => "user",
            Self::Region => "region",
            Self::Disk => "disk",
            Self::Snapshot => "snapshot",
            Self::Image => "image",
            Self::ResourceShare => "resource share",
            Self::Directory => "resource directory",
            Self::Folder => "folder",
            Self::Key => "key",
            Self::Vault => "vault",
            Self::BackupPolicy => "backup policy",
            Self::BackupPoint => "backup point",
        })
    }
}
