//! Ids as values: whatever their length or bytes, an id orders, compares,
//! hashes, prints and serializes exactly as its string does. Short ids are
//! stored inline and long ones shared, so these properties pin the two
//! representations to one meaning, at and around the 22-byte boundary.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{BytesDeserializer, Error as ValueError};
use snapguard::{AccountId, SnapshotId};

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Strings around the inline limit, with NUL bytes, shared prefixes and
/// multi-byte characters, which are where a padded comparison could go
/// wrong.
fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-c\\x00]{0,30}",
        "s-[0-9a-f]{16,24}",
        "[a\\x00é]{19,25}",
        ".{0,40}",
    ]
}

proptest! {
    #[test]
    fn ids_order_and_compare_as_their_strings(a in id_text(), b in id_text()) {
        let (x, y) = (SnapshotId::new(a.clone()), SnapshotId::new(b.clone()));
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        prop_assert_eq!(x == y, a == b);
        prop_assert_eq!(x.as_str(), a.as_str());
    }

    #[test]
    fn ids_hash_print_and_serialize_as_their_strings(a in id_text()) {
        let id = AccountId::from(a.as_str());
        prop_assert_eq!(hash_of(&id), hash_of(a.as_str()));
        prop_assert_eq!(hash_of(&id), hash_of(&a));
        prop_assert_eq!(id.to_string(), a.clone());
        prop_assert_eq!(format!("{id:?}"), format!("AccountId({a:?})"));
        let json = serde_json::to_string(&id).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&json, &serde_json::to_string(&a).map_err(|e| TestCaseError::fail(e.to_string()))?);
        let back: AccountId = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, id);
    }
}

#[test]
fn ids_of_22_and_23_bytes_order_as_strings() {
    let inline = SnapshotId::from("s-aaaaaaaaaaaaaaaaaaaa"); // 22 bytes
    let shared = SnapshotId::from("s-aaaaaaaaaaaaaaaaaaaaa"); // 23 bytes
    assert_eq!(inline.as_str().len(), 22);
    assert!(inline < shared, "a prefix orders first");
    assert!(SnapshotId::from("s-b").cmp(&shared).is_gt());
    assert_eq!(shared.clone(), shared);
}

#[test]
fn ids_read_from_utf8_bytes_as_strings_are() {
    let from_bytes = |bytes: &[u8]| {
        let deserializer: BytesDeserializer<'_, ValueError> = bytes.into_deserializer();
        SnapshotId::deserialize(deserializer)
    };
    assert_eq!(from_bytes(b"s-1").ok(), Some(SnapshotId::from("s-1")));
    assert!(from_bytes(&[0xff, 0xfe]).is_err(), "not UTF-8");
}

#[test]
fn ids_parse_borrow_and_compare_as_their_strings() {
    use std::borrow::Borrow;
    use std::collections::{BTreeMap, HashMap};

    let parsed: SnapshotId = "s-1".parse().unwrap_or_else(|never| match never {});
    assert_eq!(parsed, SnapshotId::new("s-1"));
    assert_eq!(parsed, "s-1");
    assert_eq!("s-1", parsed);
    assert!(parsed == *"s-1");
    assert!(*"s-1" == parsed);
    assert_ne!(parsed, "s-2");
    let text: &str = parsed.as_ref();
    assert_eq!(text, "s-1");
    let borrowed: &str = parsed.borrow();
    assert_eq!(borrowed, "s-1");
    // Borrow<str> is sound: maps find an id by its string, long or short.
    let long = SnapshotId::new("s-".to_owned() + &"a".repeat(40));
    let ordered: BTreeMap<SnapshotId, u8> = [(parsed.clone(), 1), (long.clone(), 2)].into();
    let hashed: HashMap<SnapshotId, u8> = [(parsed.clone(), 1), (long.clone(), 2)].into();
    for (id, value) in [("s-1", 1), (long.as_str(), 2)] {
        assert_eq!(ordered.get(id), Some(&value));
        assert_eq!(hashed.get(id), Some(&value));
    }
    assert_eq!(ordered.get("s-0"), None);
}
