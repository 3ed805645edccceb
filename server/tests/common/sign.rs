//! Request signing as the official SDKs do it: legacy v2 (`HMAC-SHA1`
//! over the sorted parameters) and V3 (`ACS3-HMAC-SHA256` over the
//! canonical request), and the RFC 3986 encoding both use.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::Key;

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes as both signature schemes do.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// `name=value&...`, each part RFC 3986-encoded, in the order given.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Owned pairs from borrowed ones.
pub fn pairs(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// A fresh signature nonce.
pub fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Now, as the SDK writes its timestamps.
pub fn timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Adds the v2 envelope to `params` and signs them with `key`:
/// sorted, RFC 3986-encoded, `METHOD&%2F&encode(joined)`,
/// base64(HMAC-SHA1(secret + "&")). Returns every pair, `Signature` last.
pub fn sign_v2(key: &Key, method: &str, params: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut all = params;
    all.extend(pairs(&[
        ("AccessKeyId", &key.id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce()),
        ("Timestamp", &timestamp()),
        ("Format", "JSON"),
    ]));
    let signature = signature_v2(&key.secret, method, &all);
    all.push(("Signature".to_owned(), signature));
    all
}

/// The v2 signature of `params` (all but `Signature`) with `secret`.
pub fn signature_v2(secret: &str, method: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "Signature")
        .cloned()
        .collect();
    sorted.sort();
    let joined = sorted
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!("{method}&%2F&{}", encode(&joined));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("a key");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The V3 `Authorization` header of a request with an empty body: sorts
/// `headers` (lower-case names, all signed) and signs the canonical request
/// `METHOD`, `/`, the sorted encoded query, `name:value` lines, the signed
/// header names and the body's hash, with HMAC-SHA256 of the secret.
pub fn authorization_v3(
    key: &Key,
    method: &str,
    query: &[(String, String)],
    headers: &mut [(String, String)],
) -> String {
    headers.sort();
    let signed_headers = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = headers
        .iter()
        .map(|(n, v)| format!("{n}:{}\n", v.trim()))
        .collect();
    let mut sorted: Vec<(String, String)> =
        query.iter().map(|(n, v)| (encode(n), encode(v))).collect();
    sorted.sort();
    let canonical_query = sorted
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let canonical_request = [
        method,
        "/",
        &canonical_query,
        &canonical_headers,
        &signed_headers,
        &hex::encode(Sha256::digest(b"")),
    ]
    .join("\n");
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key.secret.as_bytes()).expect("a key");
    mac.update(string_to_sign.as_bytes());
    format!(
        "ACS3-HMAC-SHA256 Credential={},SignedHeaders={signed_headers},Signature={}",
        key.id,
        hex::encode(mac.finalize().into_bytes())
    )
}
