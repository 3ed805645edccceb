//! What a value's serde form says about it, read without a data format: the
//! fields of a struct (or of an internally tagged enum's variant) and the
//! string value of its `type` tag.
//!
//! The oracle names events by their `type` tag (`accepted_with`) and adds
//! a violation's rule beside its fields only when the variant does not
//! carry one; both are read from the serde form itself, so a new variant
//! needs no table kept by hand.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct, Serializer};

/// The field names of `value`'s struct form and its `type` tag, or `None`
/// when it does not serialize as a struct.
pub(super) fn probe<T: Serialize + ?Sized>(value: &T) -> Option<Fields> {
    value.serialize(Probe).ok()
}

/// What [`probe`] read.
#[derive(Debug, Default)]
pub(super) struct Fields {
    /// Every field name, in serialization order.
    pub(super) names: Vec<&'static str>,
    /// The string value of the `type` field, if there is one.
    pub(super) tag: Option<String>,
}

/// Anything the probe does not read.
#[derive(Debug)]
pub(super) struct NotAStruct;

impl fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

/// Refuses every serializer method but the listed ones.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self $(, _: $arg)*) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        }
    )*};
}

/// Refuses the compound serializers.
macro_rules! refuse_compound {
    () => {
        type SerializeSeq = Impossible<Self::Ok, NotAStruct>;
        type SerializeTuple = Impossible<Self::Ok, NotAStruct>;
        type SerializeTupleStruct = Impossible<Self::Ok, NotAStruct>;
        type SerializeTupleVariant = Impossible<Self::Ok, NotAStruct>;
        type SerializeMap = Impossible<Self::Ok, NotAStruct>;
        type SerializeStructVariant = Impossible<Self::Ok, NotAStruct>;

        refuse! {
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16);
            serialize_i32(i32); serialize_i64(i64); serialize_u8(u8);
            serialize_u16(u16); serialize_u32(u32); serialize_u64(u64);
            serialize_f32(f32); serialize_f64(f64); serialize_char(char);
            serialize_bytes(&[u8]); serialize_none(); serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
            Err(NotAStruct)
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, NotAStruct> {
            Err(NotAStruct)
        }
    };
}

/// Reads a struct's field names and `type` tag.
struct Probe;

impl Serializer for Probe {
    type Ok = Fields;
    type Error = NotAStruct;
    type SerializeStruct = Fields;

    refuse_compound!();

    fn serialize_str(self, _: &str) -> Result<Fields, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields, NotAStruct> {
        Ok(Fields::default())
    }
}

impl SerializeStruct for Fields {
    type Ok = Self;
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotAStruct> {
        self.names.push(key);
        if key == "type" {
            self.tag = value.serialize(Text).ok();
        }
        Ok(())
    }

    fn end(self) -> Result<Self, NotAStruct> {
        Ok(self)
    }
}

/// Reads a string.
struct Text;

impl Serializer for Text {
    type Ok = String;
    type Error = NotAStruct;
    type SerializeStruct = Impossible<String, NotAStruct>;

    refuse_compound!();

    fn serialize_str(self, text: &str) -> Result<String, NotAStruct> {
        Ok(text.to_owned())
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::probe;
    use crate::{Event, RuleId, SnapshotId, Violation};

    #[test]
    fn an_event_is_named_by_its_type_tag() {
        let event = Event::RegionCreated {
            at: chrono::DateTime::UNIX_EPOCH,
            region: "cn-hangzhou".into(),
        };
        let fields = probe(&event).unwrap();
        assert_eq!(fields.tag.as_deref(), Some("region_created"));
        assert_eq!(fields.names, ["type", "at", "region"]);
    }

    #[test]
    fn a_violation_with_its_own_rule_field_is_seen_to_have_one() {
        let own = Violation::SnapshotNotAvailable {
            rule: RuleId::Lock3,
            snapshot: SnapshotId::new("s-1"),
            status: crate::SnapshotStatus::InProgress,
        };
        assert!(probe(&own).unwrap().names.contains(&"rule"));
        let without = Violation::LeapSecond {
            at: chrono::DateTime::UNIX_EPOCH,
        };
        assert!(!probe(&without).unwrap().names.contains(&"rule"));
    }

    #[test]
    fn what_is_not_a_struct_is_not_probed() {
        assert!(probe("text").is_none());
        assert!(probe(&RuleId::Gen4).is_none());
    }
}
