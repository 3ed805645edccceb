//! V3, `ACS3-HMAC-SHA256`: the `Authorization` header, the canonical
//! request and its HMAC-SHA256 (see the parent module for the scheme).

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{
    Claim, MAX_AUTHORIZATION_LEN, Scheme, SignatureError, SignedRequest, V3_ALGORITHM,
    is_http_whitespace, malformed, percent_encode, shorten,
};

/// The header that carries the hex SHA-256 of the body in V3.
const CONTENT_SHA256: &str = "x-acs-content-sha256";

/// The V3 claim of a request with an `Authorization` header; `None`
/// without one (the request may be signed with v2).
pub(super) fn claim(request: &SignedRequest<'_>) -> Result<Option<Claim>, SignatureError> {
    let Some(value) = authorization_header(request.headers)? else {
        return Ok(None);
    };
    let authorization = Authorization::parse(value)?;
    Ok(Some(Claim {
        scheme: Scheme::V3,
        access_key_id: authorization.credential.to_owned(),
    }))
}

/// The parts of a V3 `Authorization` header.
struct Authorization<'h> {
    credential: &'h str,
    /// The `SignedHeaders` value as sent (validated: lower case, sorted,
    /// distinct).
    signed_headers_raw: &'h str,
    signed_headers: Vec<&'h str>,
    signature: &'h str,
}

impl<'h> Authorization<'h> {
    fn parse(value: &'h str) -> Result<Self, SignatureError> {
        if value.len() > MAX_AUTHORIZATION_LEN {
            return Err(malformed(format!(
                "the Authorization header is longer than {MAX_AUTHORIZATION_LEN} bytes"
            )));
        }
        let value = value.trim_matches(is_http_whitespace);
        if value.is_empty() {
            return Err(malformed("the Authorization header is empty"));
        }
        let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
        if algorithm != V3_ALGORITHM {
            return Err(SignatureError::UnsupportedAlgorithm(shorten(algorithm)));
        }
        if rest.trim_matches(is_http_whitespace).is_empty() {
            return Err(malformed(
                "the Authorization header has no Credential, SignedHeaders or Signature",
            ));
        }
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let part = part.trim_matches(is_http_whitespace);
            let Some((name, part_value)) = part.split_once('=') else {
                return Err(malformed(format!(
                    "{} in the Authorization header is not Name=Value",
                    shorten(part)
                )));
            };
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => {
                    return Err(malformed(format!(
                        "unknown part {} in the Authorization header",
                        shorten(name)
                    )));
                }
            };
            if slot.is_some() {
                return Err(malformed(format!(
                    "{name} is given twice in the Authorization header"
                )));
            }
            if part_value.is_empty() {
                return Err(malformed(format!(
                    "{name} is empty in the Authorization header"
                )));
            }
            *slot = Some(part_value);
        }
        let credential =
            credential.ok_or_else(|| malformed("the Authorization header has no Credential"))?;
        let signed_headers_raw = signed_headers
            .ok_or_else(|| malformed("the Authorization header has no SignedHeaders"))?;
        let signature =
            signature.ok_or_else(|| malformed("the Authorization header has no Signature"))?;
        if !credential.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(malformed(format!(
                "the Credential {} is not an AccessKeyId",
                shorten(credential)
            )));
        }
        let signed_headers = parse_signed_headers(signed_headers_raw)?;
        Ok(Authorization {
            credential,
            signed_headers_raw,
            signed_headers,
            signature,
        })
    }
}

/// Splits `SignedHeaders`, requiring lower-case header names, sorted and
/// distinct (as the SDK sends them: the canonical form is then unique).
fn parse_signed_headers(raw: &str) -> Result<Vec<&str>, SignatureError> {
    let mut names: Vec<&str> = Vec::new();
    for name in raw.split(';') {
        if name.is_empty() || !name.bytes().all(is_lower_token_byte) {
            return Err(malformed(format!(
                "SignedHeaders holds {}, not a lower-case header name",
                shorten(name)
            )));
        }
        if name == "authorization" {
            return Err(malformed("SignedHeaders cannot hold authorization"));
        }
        // `>=`: sorted and distinct (no let chains: the MSRV is 1.85).
        if names.last().is_some_and(|previous| *previous >= name) {
            return Err(malformed(
                "SignedHeaders must be sorted and without duplicates",
            ));
        }
        names.push(name);
    }
    Ok(names)
}

pub(super) fn verify(
    request: &SignedRequest<'_>,
    claim: &Claim,
    secret: &str,
) -> Result<(), SignatureError> {
    let value = authorization_header(request.headers)?
        .ok_or_else(|| malformed("the request has no Authorization header"))?;
    let authorization = Authorization::parse(value)?;
    if authorization.credential != claim.access_key_id {
        return Err(SignatureError::Mismatch);
    }
    let headers = HeaderIndex::new(request.headers);
    headers.check_signed(&authorization.signed_headers, !request.body.is_empty())?;

    let payload_hash = hex::encode(Sha256::digest(request.body));
    let mut declared = headers.values(CONTENT_SHA256);
    match (declared.next(), declared.next()) {
        (None, _) => return Err(malformed("the request has no x-acs-content-sha256 header")),
        (Some(_), Some(_)) => {
            return Err(malformed(
                "the request has more than one x-acs-content-sha256 header",
            ));
        }
        (Some(hash), None) => {
            if !trim_value(hash).eq_ignore_ascii_case(&payload_hash) {
                return Err(SignatureError::ContentHashMismatch);
            }
        }
    }

    let canonical_headers = headers.canonical(&authorization.signed_headers)?;
    let canonical_uri = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let canonical_request = [
        request.method,
        canonical_uri,
        &canonical_query(request.query),
        &canonical_headers,
        authorization.signed_headers_raw,
        &payload_hash,
    ]
    .join("\n");
    let string_to_sign = format!(
        "{V3_ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let provided = hex::decode(authorization.signature).map_err(|_| SignatureError::Mismatch)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&provided)
        .map_err(|_| SignatureError::Mismatch)
}

/// The canonical query string of V3: every pair, sorted by name (then by
/// value), `encode(name)=encode(value)` joined with `&`.
fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(&str, String)> = query
        .iter()
        .map(|(name, value)| (name.as_str(), percent_encode(value)))
        .collect();
    pairs.sort_unstable();
    let mut out = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The request's headers, sorted by (lower-cased) name for lookups.
struct HeaderIndex<'a> {
    entries: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> HeaderIndex<'a> {
    fn new(headers: &'a [(String, String)]) -> Self {
        let mut entries: Vec<(Cow<'a, str>, &'a str)> = headers
            .iter()
            .map(|(name, value)| (lower(name), value.as_str()))
            .collect();
        // Stable: several values of one name keep their arrival order.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        HeaderIndex { entries }
    }

    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        let start = self.entries.partition_point(|(n, _)| n.as_ref() < name);
        self.entries
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |(n, _)| n.as_ref() == name)
            .map(|(_, value)| *value)
    }

    /// Refuses a request whose `host`, `x-acs-*` or (with a body)
    /// `content-type` header is not signed.
    fn check_signed(&self, signed: &[&str], has_body: bool) -> Result<(), SignatureError> {
        for (name, _) in &self.entries {
            let name = name.as_ref();
            let must = name == "host"
                || name.starts_with("x-acs-")
                || (has_body && name == "content-type");
            if must && signed.binary_search(&name).is_err() {
                return Err(malformed(format!(
                    "the header {} must be in SignedHeaders",
                    shorten(name)
                )));
            }
        }
        Ok(())
    }

    /// The canonical headers of V3: `name:value\n` per signed header.
    fn canonical(&self, signed: &[&str]) -> Result<String, SignatureError> {
        let mut out = String::new();
        for name in signed {
            let mut values: Vec<&str> = self.values(name).map(trim_value).collect();
            if values.is_empty() {
                return Err(malformed(format!(
                    "the signed header {} is not in the request",
                    shorten(name)
                )));
            }
            values.sort_unstable();
            out.push_str(name);
            out.push(':');
            out.push_str(&values.join(","));
            out.push('\n');
        }
        Ok(out)
    }
}

/// The one `Authorization` header, if any.
fn authorization_header(headers: &[(String, String)]) -> Result<Option<&str>, SignatureError> {
    let mut found = None;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("authorization") {
            if found.is_some() {
                return Err(malformed(
                    "the request has more than one Authorization header",
                ));
            }
            found = Some(value.as_str());
        }
    }
    Ok(found)
}

/// Trims a header value as the SDK does (Python's `str.strip()`: Unicode
/// whitespace and the separators U+001C..U+001F).
fn trim_value(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A byte of a lower-case HTTP header name (an RFC 9110 token).
fn is_lower_token_byte(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'0'..=b'9' | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*'
        | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// The first value of a header, trimmed.
pub(super) fn first_header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| trim_value(value).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{self, decode_form};

    /// The secret the golden requests are signed with.
    const SECRET: &str = "secret-example";

    /// A golden request of `tests/data/signatures.json`, as the SDK sent it.
    #[derive(serde::Deserialize)]
    struct Captured {
        method: String,
        path: String,
        raw_query: String,
        headers: Vec<(String, String)>,
        body: String,
    }

    fn captured(name: &str) -> Captured {
        let golden: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/signatures.json"))
                .expect("the golden requests parse");
        serde_json::from_value(golden[name].clone()).expect("a golden request")
    }

    #[test]
    fn canonical_query_matches_the_sdks_encoding() {
        let query = decode_form(&captured("v3_describe_snapshots").raw_query)
            .expect("the captured query decodes");
        assert_eq!(
            canonical_query(&query),
            "DryRun=False&PageSize=10&RegionId=cn-hangzhou\
             &SnapshotIds=%5B%22s-aaaa%22%2C%22s-bbbb%22%5D&SnapshotName=my%20snap%2A~\
             &SnapshotType=&Tag.1.Key=env%20name&Tag.1.Value=prod%20%C3%BCn%C3%AF%2A~%20%E9%9B%AA\
             &Tag.2.Key=owner&Tag.2.Value=a%2Bb%2Fc%3Dd%26e%25f"
        );
    }

    #[test]
    fn canonical_headers_sort_trim_and_join_values() {
        let headers = vec![
            ("x-acs-b".to_owned(), " 2 ".to_owned()),
            ("X-Acs-A".to_owned(), "one".to_owned()),
            ("x-acs-b".to_owned(), "1".to_owned()),
            ("host".to_owned(), "h".to_owned()),
        ];
        let index = HeaderIndex::new(&headers);
        assert_eq!(
            index.canonical(&["host", "x-acs-a", "x-acs-b"]),
            Ok("host:h\nx-acs-a:one\nx-acs-b:1,2\n".to_owned())
        );
        assert!(
            index
                .check_signed(&["host", "x-acs-a", "x-acs-b"], false)
                .is_ok()
        );
        assert!(index.check_signed(&["host", "x-acs-b"], false).is_err());
        assert!(matches!(
            index.canonical(&["x-acs-c"]),
            Err(SignatureError::Malformed(_))
        ));
        assert_eq!(trim_value("\u{1c} a b\u{a0}\t"), "a b");
    }

    #[test]
    fn mutated_authorization_headers_never_panic() {
        let base = captured("v3_form_body");
        let query = decode_form(&base.raw_query).expect("the captured query decodes");
        let good = base
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .expect("there")
            .1
            .as_str();
        let alphabet: Vec<char> = ",=; \t\u{0}é雪ACSaz09-_~%\u{1c}".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).expect("31 bits") % bound.max(1)
        };
        let original = Authorization::parse(good).expect("the SDK's header");
        for _ in 0..3000 {
            let mut chars: Vec<char> = good.chars().collect();
            for _ in 0..=next(4) {
                let at = next(chars.len() + 1);
                match next(4) {
                    0 if at < chars.len() => {
                        let end = (at + next(20)).min(chars.len());
                        chars.drain(at..end);
                    }
                    1 => chars.insert(at, alphabet[next(alphabet.len())]),
                    2 => {
                        let from = next(chars.len());
                        let end = (from + next(30)).min(chars.len());
                        let piece: Vec<char> = chars[from..end].to_vec();
                        for (offset, c) in piece.into_iter().enumerate() {
                            chars.insert((at + offset).min(chars.len()), c);
                        }
                    }
                    _ if at < chars.len() => chars[at] = alphabet[next(alphabet.len())],
                    _ => {}
                }
            }
            let value: String = chars.into_iter().collect();
            let mut headers = base.headers.clone();
            let authorization = headers
                .iter_mut()
                .find(|(n, _)| n == "authorization")
                .expect("the header is there");
            authorization.1.clone_from(&value);
            let request = SignedRequest {
                method: &base.method,
                path: &base.path,
                query: &query,
                headers: &headers,
                body: base.body.as_bytes(),
            };
            let result = signature::claim(&request)
                .and_then(|claim| signature::verify(&request, &claim, SECRET));
            if result.is_ok() {
                // Only whitespace around a part, or the (unsigned) key id,
                // may have changed.
                let parsed = Authorization::parse(&value).expect("verified, so parsed");
                assert_eq!(
                    (parsed.signed_headers_raw, parsed.signature),
                    (original.signed_headers_raw, original.signature),
                    "{value:?} verified"
                );
            }
        }
    }
}
