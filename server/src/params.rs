//! A request's parameters, as the SDKs send them: name/value pairs in the
//! query string (and in a form body, for clients that post one), lists
//! flattened as `SnapshotIds.1`, `SnapshotIds.2`, and tags as `Tag.1.Key`,
//! `Tag.1.Value`.
//!
//! Every parameter is untrusted. Parsing bounds the sizes before anything
//! else, refuses a parameter given twice, and the typed getters consume what
//! they read, so that [`Params::finish`] refuses whatever an operation did
//! not ask for: nothing is silently ignored.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// The most bytes of parameters a request may carry, names and values
/// together, after decoding.
pub const MAX_TOTAL_BYTES: usize = 64 * 1024;
/// The most bytes one parameter value may have. The provider's longest
/// free-text values (descriptions) are 256 characters; policy documents
/// never travel as ECS parameters.
pub const MAX_VALUE_BYTES: usize = 4 * 1024;
/// The most parameters a request may carry.
pub const MAX_PARAMETERS: usize = 512;

/// A request's parameters, consumed as an operation reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, String>,
    /// Bytes of names and values inserted, so the bound costs nothing to check.
    bytes: usize,
}

impl Params {
    /// Decodes `application/x-www-form-urlencoded` pairs (a query string or
    /// a form body) into the parameters, refusing duplicates and anything
    /// past the bounds.
    pub fn extend_from_encoded(&mut self, encoded: &[u8]) -> Result<(), ApiError> {
        if encoded.len() > MAX_TOTAL_BYTES.saturating_mul(3) {
            return Err(too_large());
        }
        for (name, value) in form_urlencoded_pairs(encoded) {
            self.insert(name, value)?;
        }
        Ok(())
    }

    /// Adds one decoded parameter.
    pub fn insert(&mut self, name: String, value: String) -> Result<(), ApiError> {
        if value.len() > MAX_VALUE_BYTES {
            return Err(ApiError::invalid(
                &truncated(&name),
                format_args!(
                    "the value is {} bytes, more than the {MAX_VALUE_BYTES} allowed",
                    value.len()
                ),
            ));
        }
        let bytes = self.bytes + name.len() + value.len();
        if self.values.len() >= MAX_PARAMETERS || bytes > MAX_TOTAL_BYTES {
            return Err(too_large());
        }
        if name.is_empty() {
            return Err(ApiError::invalid("(empty name)", "a parameter has no name"));
        }
        if self.values.contains_key(&name) {
            return Err(ApiError::invalid(
                &truncated(&name),
                "it is given more than once",
            ));
        }
        self.values.insert(name, value);
        self.bytes = bytes;
        Ok(())
    }

    /// The parameters not consumed yet, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Reads a parameter without consuming it.
    pub fn peek(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Consumes a parameter, empty or not: an empty value is a value (the
    /// SDKs send `Name=` for an empty string the caller set), which each
    /// getter then accepts or refuses, never ignores.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.values.remove(name)
    }

    /// Consumes a required parameter; empty counts as not supplied.
    pub fn required(&mut self, name: &str) -> Result<String, ApiError> {
        self.take(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::missing(name))
    }

    /// Consumes an optional whole number within `min..=max`.
    pub fn number(&mut self, name: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(text) = self.take(name) else {
            return Ok(None);
        };
        let number: u64 = text.parse().map_err(|_| {
            ApiError::invalid(
                name,
                format_args!("`{}` is not a whole number", truncated(&text)),
            )
        })?;
        if !(min..=max).contains(&number) {
            return Err(ApiError::invalid(
                name,
                format_args!("{number} is outside {min} to {max}"),
            ));
        }
        Ok(Some(number))
    }

    /// Consumes a required whole number within `min..=max`.
    pub fn required_number(&mut self, name: &str, min: u64, max: u64) -> Result<u64, ApiError> {
        self.number(name, min, max)?
            .ok_or_else(|| ApiError::missing(name))
    }

    /// Consumes an optional boolean: `true`/`false` in any case, as the
    /// Python SDK sends `True`/`False`.
    pub fn boolean(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        let Some(text) = self.take(name) else {
            return Ok(None);
        };
        match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(ApiError::invalid(
                name,
                format_args!("`{}` is not true or false", truncated(&text)),
            )),
        }
    }

    /// Consumes a flattened list `name.1` .. `name.N`, at most `max` items,
    /// numbered from 1 without gaps.
    pub fn list(&mut self, name: &str, max: usize) -> Result<Vec<String>, ApiError> {
        let prefix = format!("{name}.");
        let indexed = self.take_indexed(&prefix, name)?;
        if indexed.len() > max {
            return Err(ApiError::invalid(
                name,
                format_args!(
                    "it has {} items, more than the {max} allowed",
                    indexed.len()
                ),
            ));
        }
        let mut items = Vec::with_capacity(indexed.len());
        for (position, (index, rest, value)) in indexed.into_iter().enumerate() {
            if index != position + 1 || !rest.is_empty() {
                return Err(ApiError::invalid(
                    &format!("{name}.{index}{rest}"),
                    "list items are numbered from 1 without gaps, as `Name.1`, `Name.2`",
                ));
            }
            items.push(value);
        }
        Ok(items)
    }

    /// Consumes a list given either flattened (`name.1`, ...) or, as some of
    /// the provider's operations take it, as one JSON array in `name`.
    pub fn list_or_json(&mut self, name: &str, max: usize) -> Result<Vec<String>, ApiError> {
        let flattened = self.list(name, max)?;
        let Some(json) = self.take(name) else {
            return Ok(flattened);
        };
        if !flattened.is_empty() {
            return Err(ApiError::invalid(
                name,
                "it is given both as a JSON array and flattened",
            ));
        }
        let items: Vec<String> = serde_json::from_str(&json).map_err(|_| {
            ApiError::invalid(
                name,
                "it is not a JSON array of strings such as [\"s-1\", \"s-2\"]",
            )
        })?;
        if items.len() > max {
            return Err(ApiError::invalid(
                name,
                format_args!("it has {} items, more than the {max} allowed", items.len()),
            ));
        }
        Ok(items)
    }

    /// Consumes tags `Tag.N.Key` / `Tag.N.Value`, at most `max`, numbered
    /// from 1 without gaps; a tag with a value needs a key.
    pub fn tags(&mut self, max: usize) -> Result<BTreeMap<String, String>, ApiError> {
        let indexed = self.take_indexed("Tag.", "Tag")?;
        let mut keys: BTreeMap<usize, String> = BTreeMap::new();
        let mut values: BTreeMap<usize, String> = BTreeMap::new();
        for (index, rest, value) in indexed {
            let slot = match rest.as_str() {
                ".Key" => &mut keys,
                ".Value" => &mut values,
                _ => {
                    return Err(ApiError::invalid(
                        &format!("Tag.{index}{}", truncated(&rest)),
                        "a tag is given as `Tag.N.Key` and `Tag.N.Value`",
                    ));
                }
            };
            if rest == ".Key" && value.is_empty() {
                return Err(ApiError::invalid(
                    &format!("Tag.{index}.Key"),
                    "a tag key cannot be empty",
                ));
            }
            slot.insert(index, value);
        }
        if let Some(index) = values.keys().find(|index| !keys.contains_key(index)) {
            return Err(ApiError::missing(&format!("Tag.{index}.Key")));
        }
        if keys.len() > max {
            return Err(ApiError::invalid(
                "Tag",
                format_args!("{} tags are given, more than the {max} allowed", keys.len()),
            ));
        }
        let mut tags = BTreeMap::new();
        for (position, (index, key)) in keys.into_iter().enumerate() {
            if index != position + 1 {
                return Err(ApiError::invalid(
                    &format!("Tag.{index}.Key"),
                    "tags are numbered from 1 without gaps",
                ));
            }
            let value = values.remove(&index).unwrap_or_default();
            if tags.insert(key.clone(), value).is_some() {
                return Err(ApiError::invalid(
                    &format!("Tag.{index}.Key"),
                    format_args!("the tag key `{}` is given twice", truncated(&key)),
                ));
            }
        }
        Ok(tags)
    }

    /// Consumes a flattened list of objects, `name.N.Field` for each of
    /// `fields`, numbered from 1 without gaps: per item, its fields' values
    /// in the order of `fields` (`None` where an item lacks one). A field
    /// not in `fields` is refused.
    pub fn objects(
        &mut self,
        name: &str,
        fields: &[&str],
    ) -> Result<Vec<Vec<Option<String>>>, ApiError> {
        let prefix = format!("{name}.");
        let indexed = self.take_indexed(&prefix, name)?;
        let mut items: Vec<Vec<Option<String>>> = Vec::new();
        for (index, rest, value) in indexed {
            let field = rest
                .strip_prefix('.')
                .and_then(|field| fields.iter().position(|f| *f == field));
            let Some(field) = field else {
                return Err(ApiError::invalid(
                    &format!("{name}.{index}{}", truncated(&rest)),
                    format_args!(
                        "an item of `{name}` is given as {}",
                        fields
                            .iter()
                            .map(|f| format!("`{name}.N.{f}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                ));
            };
            if index > items.len() + 1 || (index <= items.len() && items.len() != index) {
                return Err(ApiError::invalid(
                    &format!("{name}.{index}{rest}"),
                    format_args!("items of `{name}` are numbered from 1 without gaps"),
                ));
            }
            if index > items.len() {
                items.push(vec![None; fields.len()]);
            }
            if let Some(slot) = items.last_mut().and_then(|item| item.get_mut(field)) {
                *slot = Some(value);
            }
        }
        Ok(items)
    }

    /// Removes every `prefix<index><rest>` parameter, sorted by index: the
    /// index is a decimal number, `rest` what follows it.
    fn take_indexed(
        &mut self,
        prefix: &str,
        list: &str,
    ) -> Result<Vec<(usize, String, String)>, ApiError> {
        let names: Vec<String> = self
            .values
            .range(prefix.to_owned()..)
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, _)| name.clone())
            .collect();
        let mut items = Vec::with_capacity(names.len());
        for name in names {
            let value = self.values.remove(&name).unwrap_or_default();
            let tail = name.get(prefix.len()..).unwrap_or_default();
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            let (number, rest) = tail.split_at(digits);
            // Canonical numbers only: `Tags.01` beside `Tags.1` would name
            // one item twice, and one of them would be dropped unseen.
            let index: usize = number
                .parse()
                .ok()
                .filter(|index| *index >= 1 && !number.starts_with('0'))
                .ok_or_else(|| {
                    ApiError::invalid(
                        &truncated(&name),
                        format_args!("items of `{list}` are numbered `{list}.1`, `{list}.2`, ..."),
                    )
                })?;
            items.push((index, rest.to_owned(), value));
        }
        items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        Ok(items)
    }

    /// Refuses whatever parameter no getter consumed: the operation does not
    /// take it, and ignoring it could hide a mistake in the caller's code.
    pub fn finish(self, action: &str) -> Result<(), ApiError> {
        match self.values.into_keys().next() {
            None => Ok(()),
            Some(name) => Err(ApiError::invalid(
                &truncated(&name),
                format_args!(
                    "{action} does not take this parameter, or snapguard does not emulate it"
                ),
            )),
        }
    }
}

/// Decodes `a=b&c=d`, with `+` as a space and `%XX` escapes; invalid UTF-8
/// is replaced, so the value then fails the getters' checks instead.
fn form_urlencoded_pairs(encoded: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    encoded
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut parts = pair.splitn(2, |byte| *byte == b'=');
            let name = parts.next().unwrap_or_default();
            let value = parts.next().unwrap_or_default();
            (decode(name), decode(value))
        })
}

fn decode(bytes: &[u8]) -> String {
    let plus_as_space: Vec<u8> = bytes
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

/// A value shown in a message, cut to a readable length.
pub fn truncated(text: &str) -> String {
    const SHOWN: usize = 64;
    match text.char_indices().nth(SHOWN) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}...", text.get(..end).unwrap_or_default()),
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        400,
        "InvalidParameter.TooLarge",
        format!(
            "The request carries more than {MAX_PARAMETERS} parameters or {MAX_TOTAL_BYTES} bytes of them."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Params {
        let mut params = Params::default();
        params.extend_from_encoded(query.as_bytes()).unwrap();
        params
    }

    #[test]
    fn flattened_list_is_read_in_index_order() {
        let mut params = parse(
            "Ids.2=b&Ids.10=j&Ids.1=a&Ids.3=c&Ids.4=d&Ids.5=e&Ids.6=f&Ids.7=g&Ids.8=h&Ids.9=i",
        );
        let items = params.list("Ids", 100).unwrap();
        assert_eq!(items, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
        params.finish("X").unwrap();
    }

    #[test]
    fn list_with_a_gap_or_a_zero_index_is_refused() {
        assert!(parse("Ids.1=a&Ids.3=c").list("Ids", 100).is_err());
        assert!(parse("Ids.0=a").list("Ids", 100).is_err());
        assert!(parse("Ids.x=a").list("Ids", 100).is_err());
        assert!(parse("Ids.1.Key=a").list("Ids", 100).is_err());
    }

    #[test]
    fn an_index_with_a_leading_zero_is_refused_not_merged() {
        assert!(parse("Ids.1=a&Ids.01=b").list("Ids", 100).is_err());
        assert!(parse("Ids.01=a").list("Ids", 100).is_err());
        assert!(
            parse("Tag.1.Key=a&Tag.01.Key=b&Tag.1.Value=x")
                .tags(20)
                .is_err()
        );
        assert_eq!(
            parse(
                "Ids.10=j&Ids.1=a&Ids.2=b&Ids.3=c&Ids.4=d&Ids.5=e&Ids.6=f&Ids.7=g&Ids.8=h&Ids.9=i"
            )
            .list("Ids", 100)
            .unwrap()
            .len(),
            10
        );
    }

    #[test]
    fn list_of_exactly_its_bound_is_accepted() {
        let query: Vec<String> = (1..=100).map(|i| format!("Ids.{i}=s-{i}")).collect();
        assert_eq!(parse(&query.join("&")).list("Ids", 100).unwrap().len(), 100);
        let json = format!("Ids={}", serde_json::to_string(&vec!["s"; 100]).unwrap());
        let encoded = json
            .replace('[', "%5B")
            .replace(']', "%5D")
            .replace('"', "%22")
            .replace(',', "%2C");
        assert_eq!(parse(&encoded).list_or_json("Ids", 100).unwrap().len(), 100);
        let tags: Vec<String> = (1..=20).map(|i| format!("Tag.{i}.Key=k{i}")).collect();
        assert_eq!(parse(&tags.join("&")).tags(20).unwrap().len(), 20);
        assert!(parse(&tags.join("&")).tags(19).is_err());
        assert!(parse(&encoded).list_or_json("Ids", 99).is_err());
    }

    #[test]
    fn list_longer_than_its_bound_is_refused() {
        let query: Vec<String> = (1..=101).map(|i| format!("Ids.{i}=s-{i}")).collect();
        let error = parse(&query.join("&")).list("Ids", 100).unwrap_err();
        assert_eq!(error.code, "InvalidParameter");
    }

    #[test]
    fn json_list_and_flattened_list_are_both_accepted_but_not_together() {
        assert_eq!(
            parse("Ids=%5B%22a%22%2C%22b%22%5D")
                .list_or_json("Ids", 10)
                .unwrap(),
            ["a", "b"]
        );
        assert_eq!(parse("Ids.1=a").list_or_json("Ids", 10).unwrap(), ["a"]);
        assert!(
            parse("Ids.1=a&Ids=%5B%22b%22%5D")
                .list_or_json("Ids", 10)
                .is_err()
        );
        assert!(parse("Ids=notjson").list_or_json("Ids", 10).is_err());
    }

    #[test]
    fn tags_pair_keys_and_values() {
        let mut params = parse("Tag.1.Key=env&Tag.1.Value=prod&Tag.2.Key=team");
        let tags = params.tags(20).unwrap();
        assert_eq!(tags.get("env").map(String::as_str), Some("prod"));
        assert_eq!(tags.get("team").map(String::as_str), Some(""));
        assert!(parse("Tag.1.Value=v").tags(20).is_err());
        assert!(parse("Tag.1.Key=a&Tag.2.Key=a").tags(20).is_err());
        assert!(parse("Tag.1.Name=a").tags(20).is_err());
    }

    #[test]
    fn booleans_accept_the_python_spelling() {
        assert_eq!(parse("A=True").boolean("A").unwrap(), Some(true));
        assert_eq!(parse("A=false").boolean("A").unwrap(), Some(false));
        assert!(parse("A=yes").boolean("A").is_err());
    }

    #[test]
    fn numbers_are_checked_for_form_and_range() {
        assert_eq!(parse("N=7").number("N", 1, 10).unwrap(), Some(7));
        assert!(parse("N=0").number("N", 1, 10).is_err());
        assert!(
            parse("N=99999999999999999999999")
                .number("N", 1, 10)
                .is_err()
        );
        assert!(parse("N=-1").number("N", 0, 10).is_err());
        assert!(parse("N=1.5").number("N", 0, 10).is_err());
        assert_eq!(
            parse("").required_number("N", 0, 1).unwrap_err().code,
            "MissingParameter"
        );
    }

    #[test]
    fn duplicates_oversized_values_and_leftovers_are_refused() {
        let mut params = Params::default();
        assert!(params.extend_from_encoded(b"A=1&A=2").is_err());
        let big = format!("A={}", "x".repeat(MAX_VALUE_BYTES + 1));
        assert!(
            Params::default()
                .extend_from_encoded(big.as_bytes())
                .is_err()
        );
        let error = parse("Unknown=1").finish("DeleteSnapshot").unwrap_err();
        assert!(error.message.contains("Unknown"));
    }

    #[test]
    fn empty_values_are_values_never_ignored() {
        assert_eq!(parse("A=").take("A").as_deref(), Some(""));
        assert_eq!(
            parse("A=").required("A").unwrap_err().code,
            "MissingParameter"
        );
        assert!(parse("N=").number("N", 0, 10).is_err());
        assert!(parse("B=").boolean("B").is_err());
        assert!(parse("Tag.1.Key=").tags(20).is_err());
        assert!(parse("A=").finish("X").is_err());
    }

    #[test]
    fn a_value_may_have_exactly_max_value_bytes() {
        let mut params = Params::default();
        assert!(
            params
                .insert("A".into(), "x".repeat(MAX_VALUE_BYTES))
                .is_ok()
        );
        let error = params
            .insert("B".into(), "x".repeat(MAX_VALUE_BYTES + 1))
            .unwrap_err();
        assert_eq!(error.code, "InvalidParameter");
    }

    #[test]
    fn a_request_may_carry_exactly_max_parameters() {
        let mut params = Params::default();
        for i in 0..MAX_PARAMETERS {
            params.insert(format!("P{i}"), String::new()).unwrap();
        }
        let error = params.insert("Q".into(), String::new()).unwrap_err();
        assert_eq!(error.code, "InvalidParameter.TooLarge");
    }

    #[test]
    fn names_and_values_may_total_exactly_max_total_bytes() {
        // 16 parameters of a 2-byte name and a 4,094-byte value: 65,536.
        assert_eq!(MAX_TOTAL_BYTES, 16 * (2 + 4_094));
        let mut params = Params::default();
        for i in 0..16 {
            params.insert(format!("{i:02}"), "x".repeat(4_094)).unwrap();
        }
        let error = params.insert("Z".into(), String::new()).unwrap_err();
        assert_eq!(error.code, "InvalidParameter.TooLarge");
    }

    #[test]
    fn encoded_text_is_bounded_before_it_is_decoded() {
        let most = "&".repeat(MAX_TOTAL_BYTES * 3);
        assert!(
            Params::default()
                .extend_from_encoded(most.as_bytes())
                .is_ok()
        );
        let more = "&".repeat(MAX_TOTAL_BYTES * 3 + 1);
        let error = Params::default()
            .extend_from_encoded(more.as_bytes())
            .unwrap_err();
        assert_eq!(error.code, "InvalidParameter.TooLarge");
    }

    #[test]
    fn percent_and_plus_decode() {
        let params = parse("A=a%20b+c%2B");
        assert_eq!(params.peek("A"), Some("a b c+"));
    }
}
