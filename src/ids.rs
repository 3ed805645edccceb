//! Newtype identifiers for every kind of object the state holds.
//!
//! An id is any string; ids a caller gives *new* objects must also be well
//! formed (see [`is_well_formed`]), so that they fit in a resource name
//! such as `acs:ecs:cn-hangzhou:1001:snapshot/s-1` without ambiguity. A
//! caller may give [`MINT`] instead, and the model mints the id
//! (`mint.rs`).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest id accepted for a new object under the default
/// [`Limits`](crate::Limits) (`max_id_chars`).
pub const MAX_ID_LEN: usize = 128;

/// Whether `id` may name a new object: 1 to [`MAX_ID_LEN`] characters, each
/// an ASCII letter, digit, `-`, `_` or `.` (so no `:`, `/` or `*`, which
/// would change the meaning of a resource name or pattern).
///
/// ```
/// assert!(snapguard::is_well_formed("s-2026.01_a"));
/// assert!(!snapguard::is_well_formed(""));
/// assert!(!snapguard::is_well_formed("s/1"));
/// assert!(snapguard::is_well_formed(&"a".repeat(128)));
/// assert!(!snapguard::is_well_formed(&"a".repeat(129)));
/// ```
#[must_use]
pub fn is_well_formed(id: &str) -> bool {
    id.len() <= MAX_ID_LEN && has_id_characters(id)
}

/// Whether `id` is not empty and made only of the characters an id may
/// hold; its length is bounded apart, by [`Limits::max_id_chars`](crate::Limits::max_id_chars) (GEN-7).
pub(crate) fn has_id_characters(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The id to give a new object to have the model mint one: `"~"`.
///
/// Every command that creates an object accepts it in place of the new
/// object's id (each id type's `mint()` returns it). The event of the
/// creation carries the minted id ([`Event::created`](crate::Event::created)).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use snapguard::*;
///
/// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let mut state = State::new();
/// state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
/// state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
/// let disk = CreateDisk::new(DiskId::mint(), "cn-hangzhou", DiskCategory::Essd, 40);
/// let events = state.apply_mut(now, &Actor::root("1001"), disk)?;
/// let disk = "d-~0000000000000000000";
/// assert_eq!(events[0].created(), Some((ObjectKind::Disk, disk)));
///
/// let snapshot = CreateSnapshot::new(snapguard::MINT, disk);
/// let events = state.apply_mut(now, &Actor::root("1001"), snapshot)?;
/// let snapshot = "s-~0000000000000000001";
/// assert_eq!(events[0].created(), Some((ObjectKind::Snapshot, snapshot)));
/// assert!(state.snapshot(&snapshot.into()).is_some());
///
/// // A caller cannot choose a minted id: `~` is not an id character.
/// let taken = CreateSnapshot::new("s-~0000000000000000002", disk);
/// let refusal = state.apply_mut(now, &Actor::root("1001"), taken).unwrap_err();
/// assert_eq!(refusal.rule(), RuleId::Gen5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The id minted is the next of the state's count
/// ([`State::minted_count`](crate::State::minted_count)): two commands
/// decided on the same state, neither recorded, mint the same id. Record
/// each before deciding the next, as [`State::apply_mut`](crate::State::apply_mut)
/// does; a host that decides concurrently serializes its recording, and
/// decides again a command whose state moved on.
pub const MINT: &str = "~";

/// Ids up to this many bytes are stored inline, with no heap allocation.
/// The provider's own ids (`s-` and 20 characters) fit.
const INLINE: usize = 22;

/// The text of an id: inline when short, so that copying an id allocates
/// nothing and comparing two ids (the inner loop of every ordered map of the
/// state) reads no other memory; shared when long.
///
/// Canonical: a text of at most [`INLINE`] bytes is always inline, so two
/// equal texts always have the same representation.
#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(Arc<str>),
}

impl Text {
    fn new(text: &str) -> Self {
        let mut bytes = [0; INLINE];
        match (bytes.get_mut(..text.len()), u8::try_from(text.len())) {
            (Some(prefix), Ok(len)) => {
                prefix.copy_from_slice(text.as_bytes());
                Self::Inline { len, bytes }
            }
            _ => Self::Shared(Arc::from(text)),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Self::Shared(text) => text.as_bytes(),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Always valid: the bytes are a whole `&str` copied by `new`.
            Self::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Self::Shared(text) => text,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The order of the strings: byte-wise, as `str` orders.
///
/// Two inline texts compare as two pairs of integers, their zero-padded
/// bytes read big-endian, then by length: the order of the strings, since
/// padding a string with zeros never puts it after a longer string it is
/// not a prefix of, and of two strings equal once padded the shorter is a
/// prefix of the longer.
impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (
                Self::Inline { len, bytes },
                Self::Inline {
                    len: other_len,
                    bytes: other_bytes,
                },
            ) => (words(bytes), len).cmp(&(words(other_bytes), other_len)),
            _ => self.as_bytes().cmp(other.as_bytes()),
        }
    }
}

/// Inline bytes as big-endian integers, which order as the bytes do.
fn words(bytes: &[u8; INLINE]) -> (u128, u64) {
    let (high, low) = bytes.split_at(16);
    let mut high_word = [0; 16];
    let mut low_word = [0; 8];
    high_word.copy_from_slice(high);
    if let Some(prefix) = low_word.get_mut(..low.len()) {
        prefix.copy_from_slice(low);
    }
    (u128::from_be_bytes(high_word), u64::from_be_bytes(low_word))
}

/// Hashes as the `str` does (its bytes, then `0xff`), without checking
/// the bytes are UTF-8 again: a table hashes an id at every lookup.
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Ordered, compared and hashed as its string. Cheap to clone: ids of
        /// up to 22 bytes are stored inline, longer ones are shared.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Text);

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
                Self(Text::new(&id.into()))
            }

            /// The id that asks the model to mint the new object's id
            /// ([`MINT`](crate::MINT)): the creation's event carries the
            /// id minted.
            ///
            /// ```
            #[doc = concat!("assert_eq!(snapguard::", stringify!($name), "::mint(), snapguard::MINT);")]
            /// ```
            #[must_use]
            pub fn mint() -> Self {
                Self(Text::new(MINT))
            }

            /// The id as a string slice.
            ///
            /// ```
            #[doc = concat!("assert_eq!(snapguard::", stringify!($name), "::from(\"x-2\").as_str(), \"x-2\");")]
            /// ```
            #[must_use]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(Text::new(id))
            }
        }

        /// Parses any string: every string is an id (whether it may name a
        /// *new* object is [`is_well_formed`]'s question, and the state's).
        ///
        /// ```
        #[doc = concat!("let id: snapguard::", stringify!($name), " = \"x-3\".parse().unwrap();")]
        /// assert_eq!(id, "x-3");
        /// ```
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(id))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        /// Ids are hashed, ordered and compared as their strings, so maps
        /// keyed by ids are looked up by `&str`.
        ///
        /// ```
        /// use std::collections::BTreeMap;
        #[doc = concat!("let mut map = BTreeMap::new();\nmap.insert(snapguard::", stringify!($name), "::new(\"x-4\"), 1);")]
        /// assert_eq!(map.get("x-4"), Some(&1));
        /// ```
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_str()
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_str()
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Text::new(&id))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(TextVisitor).map(Self)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": "An id: any string names an object; a new object's id must be well formed (1 to 128 ASCII letters, digits, `-`, `_` or `.`).",
                })
            }
        }
    )*};
}

/// Reads an id from a string, borrowed or owned.
struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text::new(text))
    }

    /// Formats that give strings as bytes, as `String` accepts them.
    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Text, E> {
        std::str::from_utf8(bytes)
            .map(Text::new)
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(bytes), &self))
    }
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The kinds of object a violation can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
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
