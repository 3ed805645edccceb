//! The format version of a serialized state, read before the rest.
//!
//! A state is written with `format` as its first field. Reading one, the
//! version is looked at before anything else: a state of a newer format
//! is refused with [`StateError::UnsupportedFormat`] without reading the
//! rest, whose layout this version of snapguard may not know, and a state
//! without a version (saved before versions were written) is version 1.

use std::fmt;
use std::num::NonZeroU32;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde::{Deserialize, Serialize, Serializer};

use super::StateData;
use crate::{State, StateError};

/// The format this version writes, and the newest it reads.
pub(super) const CURRENT: NonZeroU32 = NonZeroU32::MIN;

/// The format of a state saved without a version: the first.
pub(super) fn first() -> NonZeroU32 {
    NonZeroU32::MIN
}

impl State {
    /// The format version of the serialized states this version of
    /// snapguard writes (the `format` field, written first), and the newest
    /// it reads.
    ///
    /// A state saved without a `format` is read as version 1. A state of a
    /// newer version is refused with [`StateError::UnsupportedFormat`]
    /// naming both versions, before the rest of it is read.
    ///
    /// ```
    /// use snapguard::State;
    ///
    /// let saved = serde_json::to_value(State::new())?;
    /// assert_eq!(saved["format"], State::FORMAT_VERSION);
    /// assert_eq!(State::FORMAT_VERSION, 1);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub const FORMAT_VERSION: u32 = CURRENT.get();
}

/// The refusal of a state of format `found`, newer than this version reads.
pub(super) fn unsupported(found: NonZeroU32) -> StateError {
    StateError::UnsupportedFormat {
        found: found.get(),
        supported: State::FORMAT_VERSION,
    }
}

/// A serialized state as read: its data, or only the version of a format
/// newer than this version of snapguard reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Versioned {
    /// A state in a format this version reads (boxed: the data is large).
    Readable(Box<StateData>),
    /// A state of a newer format, of which only the version was read.
    Newer(NonZeroU32),
}

impl From<StateData> for Versioned {
    fn from(data: StateData) -> Self {
        if data.format > CURRENT {
            Self::Newer(data.format)
        } else {
            Self::Readable(Box::new(data))
        }
    }
}

/// A state is written as its data (`StateData`, format version first).
impl Serialize for State {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StateData::from(self.clone()).serialize(serializer)
    }
}

/// A state is read as its data, refusing a newer format, and checked
/// ([`StateError`]) before it is a `State`.
impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let versioned = Versioned::deserialize(deserializer)?;
        Self::try_from(versioned).map_err(de::Error::custom)
    }
}

/// A state is described by the schema of its data, which is what serde
/// reads and writes.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for State {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        StateData::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        StateData::json_schema(generator)
    }
}

impl TryFrom<Versioned> for State {
    type Error = StateError;

    /// Loads a state of a format this version reads, refusing it with the
    /// first invariant it breaks; refuses one of a newer format.
    fn try_from(versioned: Versioned) -> Result<Self, StateError> {
        match versioned {
            Versioned::Readable(data) => Self::try_from(*data),
            Versioned::Newer(found) => Err(unsupported(found)),
        }
    }
}

/// What is written of a state of a newer format: its version alone, which
/// reads back as the same refusal.
#[derive(Serialize)]
struct VersionOnly {
    format: NonZeroU32,
}

impl Serialize for Versioned {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Readable(data) => data.serialize(serializer),
            Self::Newer(format) => VersionOnly { format: *format }.serialize(serializer),
        }
    }
}

/// The fields of [`StateData`], in the order they are written (a unit
/// test compares them with what serde writes).
const FIELDS: &[&str] = &[
    "format",
    "limits",
    "clock",
    "accounts",
    "users",
    "regions",
    "disks",
    "snapshots",
    "images",
    "directories",
    "folders",
    "shares",
    "keys",
    "lineages",
    "backup",
    "retired",
    "minted",
];

impl<'de> Deserialize<'de> for Versioned {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("StateData", FIELDS, VersionedVisitor)
    }
}

/// Reads the first key of a state: when it is a newer `format`, skips the
/// rest; otherwise hands the whole state, that key included, to
/// [`StateData`]'s own deserializer.
struct VersionedVisitor;

impl<'de> Visitor<'de> for VersionedVisitor {
    type Value = Versioned;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a serialized snapguard state")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Versioned, A::Error> {
        let replay = match map.next_key::<String>()? {
            Some(key) if key == "format" => {
                let format: NonZeroU32 = map.next_value()?;
                if format > CURRENT {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    return Ok(Versioned::Newer(format));
                }
                Replay {
                    key: Some(key),
                    format: Some(format),
                    map,
                }
            }
            key => Replay {
                key,
                format: None,
                map,
            },
        };
        StateData::deserialize(MapAccessDeserializer::new(replay)).map(Versioned::from)
    }

    /// A state written as a sequence (formats that write structs without
    /// their field names) holds its format first too; the version is
    /// compared once the data is read.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Versioned, A::Error> {
        StateData::deserialize(SeqAccessDeserializer::new(seq)).map(Versioned::from)
    }
}

/// A map whose first key, and its value when that was the format, were
/// already read: they are given again before the rest of the map.
struct Replay<A> {
    key: Option<String>,
    format: Option<NonZeroU32>,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.key.take() {
            Some(key) => {
                let key: de::value::StringDeserializer<A::Error> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.format.take() {
            Some(format) => {
                let format: de::value::U32Deserializer<A::Error> = format.get().into_deserializer();
                seed.deserialize(format)
            }
            None => self.map.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let replayed = usize::from(self.key.is_some());
        self.map
            .size_hint()
            .and_then(|rest| rest.checked_add(replayed))
    }
}

/// A serialized state's schema is its data's: the newer-format variant is
/// what a later version writes, not part of this version's format.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Versioned {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        StateData::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        StateData::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::FIELDS;
    use crate::State;

    #[test]
    fn the_field_list_is_what_serde_writes_in_order() {
        let written = serde_json::to_value(State::new()).unwrap();
        let keys: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = FIELDS.to_vec();
        sorted.sort_unstable();
        // serde_json's maps are sorted by key without `preserve_order`.
        assert_eq!(keys, sorted);
        let text = serde_json::to_string(&State::new()).unwrap();
        let positions: Vec<usize> = FIELDS
            .iter()
            .map(|field| text.find(&format!("\"{field}\":")).unwrap())
            .collect();
        assert!(positions.is_sorted(), "{FIELDS:?} out of order in {text}");
    }
}
