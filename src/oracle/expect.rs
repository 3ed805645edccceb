//! What a step must lead to: the `expect` of a request, exact or loose.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Outcome;
use super::probe::probe;
use crate::{Event, RuleId};

/// What a step (`apply`, `advance` or `decide`) must lead to, in one of five
/// forms:
///
/// | JSON | variant | agrees with |
/// |---|---|---|
/// | `"accepted"` | [`Expect::Accepted`] | any acceptance, whatever its events |
/// | `{"accepted": [events]}` | [`Expect::AcceptedExactly`] | an acceptance with exactly these events, in this order |
/// | `{"accepted_with": ["event_type", ...]}` | [`Expect::AcceptedWith`] | an acceptance whose events include these types (each as many times as it is listed), among others |
/// | `{"refused": "RULE"}` | [`Expect::Refused`] | a refusal by this rule |
/// | `{"refused": ["RULE-A", "RULE-B"]}` | [`Expect::RefusedByAny`] | a refusal by any of these rules |
///
/// An event's type is its `type` tag (`snapshot_created`, ...).
///
/// ```
/// use snapguard::oracle::{Expect, Outcome};
/// use snapguard::RuleId;
///
/// let expect: Expect = serde_json::from_str(r#"{"refused": ["LOCK-10", "SNAP-3"]}"#)?;
/// assert!(expect.agrees(&Outcome::Refused(RuleId::Lock10)));
/// assert!(!expect.agrees(&Outcome::Refused(RuleId::Gen4)));
/// assert!(!expect.agrees(&Outcome::Accepted(Vec::new())));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expect {
    /// Accepted, whatever the events (`"accepted"`).
    Accepted,
    /// Accepted with exactly these events (`{"accepted": [...]}`).
    AcceptedExactly(Vec<Event>),
    /// Accepted with events of these types among others
    /// (`{"accepted_with": [...]}`).
    AcceptedWith(Vec<String>),
    /// Refused by this rule (`{"refused": "RULE"}`).
    Refused(RuleId),
    /// Refused by any of these rules (`{"refused": ["RULE-A", ...]}`).
    RefusedByAny(Vec<RuleId>),
}

impl Expect {
    /// Whether `outcome` is what this expects.
    ///
    /// ```
    /// use snapguard::oracle::{Expect, Outcome};
    /// use snapguard::Event;
    /// use chrono::DateTime;
    ///
    /// let created = Event::RegionCreated { at: DateTime::UNIX_EPOCH, region: "cn-hangzhou".into() };
    /// let outcome = Outcome::Accepted(vec![created]);
    /// assert!(Expect::Accepted.agrees(&outcome));
    /// assert!(Expect::AcceptedWith(vec!["region_created".into()]).agrees(&outcome));
    /// assert!(!Expect::AcceptedWith(vec!["account_created".into()]).agrees(&outcome));
    /// ```
    #[must_use]
    pub fn agrees(&self, outcome: &Outcome) -> bool {
        match (self, outcome) {
            (Self::Accepted, Outcome::Accepted(_)) => true,
            (Self::AcceptedExactly(expected), Outcome::Accepted(events)) => expected == events,
            (Self::AcceptedWith(types), Outcome::Accepted(events)) => contains_types(events, types),
            (Self::Refused(expected), Outcome::Refused(rule)) => expected == rule,
            (Self::RefusedByAny(rules), Outcome::Refused(rule)) => rules.contains(rule),
            _ => false,
        }
    }

    /// The exact expectation of an outcome a step can have: `None` for
    /// [`Outcome::Started`] and [`Outcome::Answered`].
    #[must_use]
    pub fn exactly(outcome: Outcome) -> Option<Self> {
        match outcome {
            Outcome::Accepted(events) => Some(Self::AcceptedExactly(events)),
            Outcome::Refused(rule) => Some(Self::Refused(rule)),
            Outcome::Started | Outcome::Answered => None,
        }
    }
}

/// Whether `events` hold each of `types` as many times as it is listed.
fn contains_types(events: &[Event], types: &[String]) -> bool {
    let mut unmatched: Vec<Option<String>> = events
        .iter()
        .map(|event| probe(event).and_then(|fields| fields.tag))
        .collect();
    types.iter().all(|wanted| {
        unmatched
            .iter_mut()
            .find(|tag| tag.as_deref() == Some(wanted.as_str()))
            .map(Option::take)
            .is_some()
    })
}

impl Serialize for Expect {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Accepted => serializer.serialize_str("accepted"),
            Self::AcceptedExactly(events) => one_entry(serializer, "accepted", events),
            Self::AcceptedWith(types) => one_entry(serializer, "accepted_with", types),
            Self::Refused(rule) => one_entry(serializer, "refused", rule),
            Self::RefusedByAny(rules) => one_entry(serializer, "refused", rules),
        }
    }
}

/// `{key: value}`.
fn one_entry<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    key: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExpectVisitor)
    }
}

/// The forms, as errors name them.
const FORMS: &[&str] = &["accepted", "accepted_with", "refused"];

struct ExpectVisitor;

impl<'de> Visitor<'de> for ExpectVisitor {
    type Value = Expect;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            r#""accepted", {"accepted": [events]}, {"accepted_with": ["event_type", ...]}, {"refused": "RULE"} or {"refused": ["RULE", ...]}"#,
        )
    }

    fn visit_str<E: de::Error>(self, word: &str) -> Result<Expect, E> {
        match word {
            "accepted" => Ok(Expect::Accepted),
            other => Err(E::unknown_variant(other, &["accepted"])),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expect, A::Error> {
        let Some(form) = map.next_key::<String>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        let expect = match form.as_str() {
            "accepted" => Expect::AcceptedExactly(map.next_value()?),
            "accepted_with" => Expect::AcceptedWith(map.next_value()?),
            "refused" => map.next_value::<Refused>()?.0,
            other => return Err(de::Error::unknown_field(other, FORMS)),
        };
        match map.next_key::<String>()? {
            None => Ok(expect),
            Some(second) => Err(de::Error::custom(format_args!(
                "an expectation has one form, but `{form}` is followed by `{second}`"
            ))),
        }
    }
}

/// The value of `refused`: one rule or a list of them.
struct Refused(Expect);

impl<'de> Deserialize<'de> for Refused {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RefusedVisitor)
    }
}

struct RefusedVisitor;

impl<'de> Visitor<'de> for RefusedVisitor {
    type Value = Refused;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a rule id, or a non-empty list of rule ids")
    }

    fn visit_str<E: de::Error>(self, code: &str) -> Result<Refused, E> {
        code.parse()
            .map(|rule| Refused(Expect::Refused(rule)))
            .map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Refused, A::Error> {
        let mut rules = Vec::new();
        while let Some(rule) = seq.next_element::<RuleId>()? {
            rules.push(rule);
        }
        if rules.is_empty() {
            return Err(de::Error::invalid_length(0, &self));
        }
        Ok(Refused(Expect::RefusedByAny(rules)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use serde_json::json;

    use super::Expect;
    use crate::oracle::Outcome;
    use crate::{Event, RuleId};

    fn read(value: serde_json::Value) -> Expect {
        serde_json::from_value(value).unwrap()
    }

    fn region_created() -> Event {
        Event::RegionCreated {
            at: DateTime::UNIX_EPOCH,
            region: "cn-hangzhou".into(),
        }
    }

    fn account_created() -> Event {
        Event::AccountCreated {
            at: DateTime::UNIX_EPOCH,
            account: "1001".into(),
            site: crate::Site::China,
        }
    }

    fn accepted() -> Outcome {
        Outcome::Accepted(vec![region_created(), account_created()])
    }

    #[test]
    fn accepted_alone_agrees_with_any_events_and_no_refusal() {
        let expect = read(json!("accepted"));
        assert_eq!(expect, Expect::Accepted);
        assert!(expect.agrees(&accepted()));
        assert!(expect.agrees(&Outcome::Accepted(Vec::new())));
        assert!(!expect.agrees(&Outcome::Refused(RuleId::Gen4)));
    }

    #[test]
    fn accepted_with_events_agrees_only_with_those_events() {
        let expect = read(json!({"accepted": [
            {"type": "region_created", "at": "1970-01-01T00:00:00Z", "region": "cn-hangzhou"},
            {"type": "account_created", "at": "1970-01-01T00:00:00Z", "account": "1001", "site": "china"},
        ]}));
        assert!(expect.agrees(&accepted()));
        assert!(!expect.agrees(&Outcome::Accepted(vec![region_created()])));
        assert!(!expect.agrees(&Outcome::Refused(RuleId::Gen4)));
    }

    #[test]
    fn accepted_with_types_agrees_when_each_type_is_among_the_events() {
        let expect = read(json!({"accepted_with": ["account_created"]}));
        assert_eq!(expect, Expect::AcceptedWith(vec!["account_created".into()]));
        assert!(expect.agrees(&accepted()));
        let both = read(json!({"accepted_with": ["account_created", "region_created"]}));
        assert!(both.agrees(&accepted()));
        assert!(!expect.agrees(&Outcome::Accepted(vec![region_created()])));
        assert!(!expect.agrees(&Outcome::Refused(RuleId::Gen4)));
    }

    #[test]
    fn accepted_with_a_type_listed_twice_needs_two_such_events() {
        let twice = read(json!({"accepted_with": ["region_created", "region_created"]}));
        assert!(!twice.agrees(&accepted()));
        let two = Outcome::Accepted(vec![region_created(), region_created()]);
        assert!(twice.agrees(&two));
    }

    #[test]
    fn refused_by_one_rule_agrees_only_with_that_rule() {
        let expect = read(json!({"refused": "LOCK-10"}));
        assert_eq!(expect, Expect::Refused(RuleId::Lock10));
        assert!(expect.agrees(&Outcome::Refused(RuleId::Lock10)));
        assert!(!expect.agrees(&Outcome::Refused(RuleId::Lock9)));
        assert!(!expect.agrees(&accepted()));
    }

    #[test]
    fn refused_by_any_of_several_rules_agrees_with_each_of_them_only() {
        let expect = read(json!({"refused": ["LOCK-10", "SNAP-3"]}));
        assert_eq!(
            expect,
            Expect::RefusedByAny(vec![RuleId::Lock10, RuleId::Snap3])
        );
        assert!(expect.agrees(&Outcome::Refused(RuleId::Lock10)));
        assert!(expect.agrees(&Outcome::Refused(RuleId::Snap3)));
        assert!(!expect.agrees(&Outcome::Refused(RuleId::Gen4)));
        assert!(!expect.agrees(&accepted()));
    }

    #[test]
    fn every_form_is_written_back_as_it_was_read() {
        for form in [
            json!("accepted"),
            json!({"accepted": []}),
            json!({"accepted_with": ["region_created"]}),
            json!({"refused": "GEN-4"}),
            json!({"refused": ["GEN-4", "GEN-2"]}),
        ] {
            assert_eq!(serde_json::to_value(read(form.clone())).unwrap(), form);
        }
    }

    #[test]
    fn a_malformed_expectation_is_refused_with_what_is_wrong() {
        for (form, said) in [
            (json!("refused"), "unknown variant `refused`"),
            (json!({"refused": "LOCK-99"}), "LOCK-99"),
            (json!({"refused": []}), "non-empty list"),
            (json!({"refused": 7}), "rule id"),
            (json!({"refusd": "GEN-4"}), "unknown field `refusd`"),
            (json!({}), "invalid length 0"),
            (
                json!({"refused": "GEN-4", "accepted": []}),
                "an expectation has one form",
            ),
            (json!({"accepted_with": "region_created"}), "sequence"),
        ] {
            let error = serde_json::from_value::<Expect>(form.clone()).unwrap_err();
            assert!(error.to_string().contains(said), "{form}: {error}");
        }
    }
}
