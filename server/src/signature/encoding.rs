//! The percent-encoding both schemes sign with, and the form decoding of a
//! query string or a form body.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes per RFC 3986, as both schemes do: unreserved
/// `A-Z a-z 0-9 - _ . ~` kept, anything else `%XY` (upper-case hex) per
/// UTF-8 byte.
pub fn percent_encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Decodes `application/x-www-form-urlencoded` text (a query string or a
/// form body) into name/value pairs in order: `+` is a space, `%XY` a byte,
/// a pair without `=` has an empty value, empty pairs are skipped. `None`
/// when the decoded bytes are not UTF-8.
pub fn decode_form(input: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for pair in input.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((decode_component(name)?, decode_component(value)?));
    }
    Some(pairs)
}

fn decode_component(text: &str) -> Option<String> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// Whether a `Content-Type` names a form body
/// (`application/x-www-form-urlencoded`, in any case, with or without
/// parameters such as `; charset=utf-8`): the one place that decides which
/// bodies carry parameters, for parsing and for signing alike.
pub fn is_form(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == ' ' || c == '\t')
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}
