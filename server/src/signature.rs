//! Verification of the request signatures the official Alibaba Cloud SDKs
//! send.
//!
//! Two schemes are accepted; [`claim`] tells which one a request uses and
//! which AccessKeyId it names, and [`verify`] checks the signature with that
//! key's secret.
//!
//! # V3: `ACS3-HMAC-SHA256` (the SDKs' default)
//!
//! The request carries
//! `Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2;...>,Signature=<hex>`
//! and `x-acs-content-sha256: hex(sha256(body))`. The signature is
//! `hex(hmac_sha256(secret, "ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request))))`
//! where the canonical request is the lines
//!
//! 1. the HTTP method;
//! 2. the canonical URI: the path as sent on the wire (still percent-encoded,
//!    as the SDK signs it), `/` when empty;
//! 3. the canonical query string: every query parameter (an empty value
//!    included, as `Name=`), sorted by name, joined `Name=Value` with `&`,
//!    names and values percent-encoded per RFC 3986 (unreserved
//!    `A-Z a-z 0-9 - _ . ~` kept, everything else `%XY` with upper-case hex
//!    of the UTF-8 bytes, so a space is `%20` and `*` is `%2A`);
//! 4. the canonical headers: for each name of `SignedHeaders` (lower case,
//!    sorted), `name:value\n`, the value trimmed of surrounding whitespace
//!    (several values of one name sorted and joined with `,`), then an empty
//!    line;
//! 5. the `SignedHeaders` list itself;
//! 6. the hex SHA-256 of the body (of the empty string when there is none).
//!
//! The AccessKeyId (`Credential`) is not in the string to sign: only the
//! secret ties the signature to a key. The SDK sends the query encoded as a
//! form (a space as `+`, not `%20`), so [`SignedRequest::query`] must be
//! decoded with `+` as a space ([`decode_form`] does) before it is
//! re-encoded here.
//!
//! Beyond the signature itself, this module requires that `host`, every
//! `x-acs-*` header and, when there is a body, `content-type` be among the
//! signed headers (the documentation requires every common header present to
//! be signed; the SDK signs every header it sets), and that
//! `x-acs-content-sha256` be the SHA-256 of the body received.
//!
//! Documented in "Request syntax and signature method V3"
//! (<https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature>,
//! in Chinese "V3版本请求体&签名机制",
//! <https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature>),
//! and implemented by the SDK's `Utils.get_authorization`
//! (`alibabacloud_tea_openapi/utils.py` in the PyPI package
//! `alibabacloud-tea-openapi`, repository `aliyun/darabonba-openapi`).
//!
//! # V2: RPC `HMAC-SHA1` (`signature_algorithm='v2'`)
//!
//! Every parameter is in the query (or a form body): `AccessKeyId`,
//! `Signature`, `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`,
//! `SignatureNonce`, `Timestamp`, `Action`, `Version`, `Format` and the
//! action's own. All of them but `Signature`, sorted by name, are
//! percent-encoded (the same RFC 3986 rule) and joined `name=value` with `&`;
//! the string to sign is `METHOD + "&" + percentEncode("/") + "&" +
//! percentEncode(that)`, and the signature is
//! `base64(hmac_sha1(secret + "&", string_to_sign))`. The path and the headers
//! are not signed: in a v2 request the `x-acs-action`/`x-acs-version` headers
//! the SDK also sends are unsigned, and only the `Action`/`Version`
//! parameters may be trusted.
//!
//! Documented in "V2版本RPC风格请求体&签名机制"
//! (<https://help.aliyun.com/document_detail/25492.html>), and implemented by
//! the SDK's `Utils.get_rpcsignature` (same file).
//!
//! # Errors
//!
//! [`SignatureError::code`] and [`SignatureError::status`] give the
//! provider's error code and HTTP status for each refusal (Alibaba Cloud's
//! common error codes: `IncompleteSignature`, `SignatureDoesNotMatch`,
//! `MissingAccessKeyId`, `InvalidAccessKeyId.NotFound`, ...).
//!
//! No input makes this module panic, and its cost is linear in the request
//! (up to the sorting of parameters and headers); an `Authorization` header
//! longer than [`MAX_AUTHORIZATION_LEN`] is refused before it is parsed.

use std::borrow::Cow;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The V3 signature algorithm, as named in the `Authorization` header.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The longest `Authorization` header accepted (8 KiB).
pub const MAX_AUTHORIZATION_LEN: usize = 8 * 1024;

/// The header that carries the hex SHA-256 of the body in V3.
const CONTENT_SHA256: &str = "x-acs-content-sha256";

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request as received: what a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method: "POST", "GET".
    pub method: &'a str,
    /// The path as received, still percent-encoded: "/".
    pub path: &'a str,
    /// The query's decoded name/value pairs, in arrival order (`+` decoded
    /// as a space: the SDK sends spaces as `+`).
    pub query: &'a [(String, String)],
    /// The headers, names lower-cased, values as received.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// A signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header.
    V3,
    /// Legacy RPC `HMAC-SHA1` in the `Signature` parameter.
    V2,
}

/// Who claims to have signed, read without checking the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The scheme the request is signed with.
    pub scheme: Scheme,
    /// The AccessKeyId the request names.
    pub access_key_id: String,
}

/// Why a request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No credentials at all: no `Authorization` header, no `AccessKeyId`
    /// or `Signature` parameter.
    #[error("AccessKeyId is mandatory for this action.")]
    Missing,
    /// A v2 request lacks one of its signature parameters (`AccessKeyId`,
    /// `Signature`, `SignatureMethod`, `SignatureVersion`).
    #[error("{0} is mandatory for this action.")]
    MissingParameter(&'static str),
    /// The signature is not well formed: a broken `Authorization` header, a
    /// duplicated signature parameter, a signed header absent, a header that
    /// must be signed left out of `SignedHeaders`...
    #[error("The request signature does not conform to Aliyun standards: {0}")]
    Malformed(String),
    /// A signature algorithm other than `ACS3-HMAC-SHA256`, or than
    /// `HMAC-SHA1` version `1.0`.
    #[error("Specified signature method is not supported: {0}")]
    UnsupportedAlgorithm(String),
    /// `x-acs-content-sha256` is not the SHA-256 of the body received.
    #[error(
        "The request signature does not conform to Aliyun standards: \
         x-acs-content-sha256 is not the SHA-256 of the request body."
    )]
    ContentHashMismatch,
    /// The signature is not the one the secret gives.
    #[error("Specified signature is not matched with our calculation.")]
    Mismatch,
    /// The AccessKeyId is not known (for the caller's key lookup).
    #[error("Specified access key is not found.")]
    UnknownAccessKey,
    /// The AccessKeyId is disabled (for the caller's key lookup).
    #[error("Specified access key is disabled.")]
    InactiveAccessKey,
    /// The nonce was seen before (for the caller's replay check, with
    /// [`nonce`]).
    #[error("Specified signature nonce was used already.")]
    NonceUsed,
    /// The timestamp cannot be read (for the caller's check, with
    /// [`timestamp`]).
    #[error("Specified time stamp or date value is not well formatted.")]
    TimestampMalformed,
    /// The timestamp is too far from the server's clock (for the caller's
    /// check, with [`timestamp`]).
    #[error("Specified time stamp or date value is expired.")]
    TimestampExpired,
}

impl SignatureError {
    /// The provider's error code.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Missing => "MissingAccessKeyId",
            SignatureError::MissingParameter(name) => match *name {
                "AccessKeyId" => "MissingAccessKeyId",
                "Signature" => "MissingSignature",
                "SignatureMethod" => "MissingSignatureMethod",
                "SignatureVersion" => "MissingSignatureVersion",
                "SignatureNonce" => "MissingSignatureNonce",
                "Timestamp" => "MissingTimestamp",
                _ => "MissingParameter",
            },
            SignatureError::Malformed(_) | SignatureError::ContentHashMismatch => {
                "IncompleteSignature"
            }
            SignatureError::UnsupportedAlgorithm(_) => "InvalidSignatureMethod",
            SignatureError::Mismatch => "SignatureDoesNotMatch",
            SignatureError::UnknownAccessKey => "InvalidAccessKeyId.NotFound",
            SignatureError::InactiveAccessKey => "InvalidAccessKeyId.Inactive",
            SignatureError::NonceUsed => "SignatureNonceUsed",
            SignatureError::TimestampMalformed => "InvalidTimeStamp.Format",
            SignatureError::TimestampExpired => "InvalidTimeStamp.Expired",
        }
    }

    /// The HTTP status the provider answers with.
    pub fn status(&self) -> u16 {
        match self {
            SignatureError::UnknownAccessKey => 404,
            _ => 400,
        }
    }
}

/// Reads who claims to have signed the request, without checking the
/// signature: an `Authorization` header makes it V3, otherwise the v2
/// parameters are read.
pub fn claim(request: &SignedRequest<'_>) -> Result<Claim, SignatureError> {
    if let Some(value) = authorization_header(request.headers)? {
        let authorization = Authorization::parse(value)?;
        return Ok(Claim {
            scheme: Scheme::V3,
            access_key_id: authorization.credential.to_owned(),
        });
    }
    let params = v2_params(request)?;
    let fields = V2Fields::read(&params)?;
    Ok(Claim {
        scheme: Scheme::V2,
        access_key_id: fields.access_key_id.to_owned(),
    })
}

/// Checks the request's signature with the secret of the claimed key.
pub fn verify(
    request: &SignedRequest<'_>,
    claim: &Claim,
    secret: &str,
) -> Result<(), SignatureError> {
    match claim.scheme {
        Scheme::V3 => verify_v3(request, claim, secret),
        Scheme::V2 => verify_v2(request, claim, secret),
    }
}

/// The request's signature nonce (`x-acs-signature-nonce` in V3,
/// `SignatureNonce` in v2), for the caller's replay check.
pub fn nonce(request: &SignedRequest<'_>, scheme: Scheme) -> Option<String> {
    match scheme {
        Scheme::V3 => first_header(request.headers, "x-acs-signature-nonce"),
        Scheme::V2 => first_param(request, "SignatureNonce"),
    }
}

/// The request's signing time as sent (`x-acs-date` in V3, `Timestamp` in
/// v2, both `yyyy-MM-ddTHH:mm:ssZ` from the SDK), for the caller's check.
pub fn timestamp(request: &SignedRequest<'_>, scheme: Scheme) -> Option<String> {
    match scheme {
        Scheme::V3 => first_header(request.headers, "x-acs-date"),
        Scheme::V2 => first_param(request, "Timestamp"),
    }
}

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

// ---------------------------------------------------------------- V3

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

fn verify_v3(
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

// ---------------------------------------------------------------- V2

/// A v2 request's parameters: the query's, then a form body's.
type Params<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

fn v2_params<'a>(request: &SignedRequest<'a>) -> Result<Params<'a>, SignatureError> {
    let mut params: Params<'a> = request
        .query
        .iter()
        .map(|(name, value)| (Cow::Borrowed(name.as_str()), Cow::Borrowed(value.as_str())))
        .collect();
    if request.body.is_empty() {
        return Ok(params);
    }
    let content_type = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())
        .unwrap_or("");
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim_matches(is_http_whitespace);
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(malformed(format!(
            "a v2 signature does not cover a body of type {}",
            shorten(content_type)
        )));
    }
    let form = std::str::from_utf8(request.body)
        .ok()
        .and_then(decode_form)
        .ok_or_else(|| malformed("the form body is not UTF-8"))?;
    params.extend(
        form.into_iter()
            .map(|(name, value)| (Cow::Owned(name), Cow::Owned(value))),
    );
    Ok(params)
}

/// The v2 signature parameters, checked for presence and support.
struct V2Fields<'p> {
    access_key_id: &'p str,
    signature: &'p str,
}

impl<'p> V2Fields<'p> {
    fn read(params: &'p Params<'_>) -> Result<Self, SignatureError> {
        let access_key_id = single(params, "AccessKeyId")?.filter(|v| !v.is_empty());
        let signature = single(params, "Signature")?.filter(|v| !v.is_empty());
        let (access_key_id, signature) = match (access_key_id, signature) {
            (None, None) => return Err(SignatureError::Missing),
            (None, Some(_)) => return Err(SignatureError::MissingParameter("AccessKeyId")),
            (Some(_), None) => return Err(SignatureError::MissingParameter("Signature")),
            (Some(access_key_id), Some(signature)) => (access_key_id, signature),
        };
        match single(params, "SignatureMethod")? {
            None => return Err(SignatureError::MissingParameter("SignatureMethod")),
            Some("HMAC-SHA1") => {}
            Some(other) => {
                return Err(SignatureError::UnsupportedAlgorithm(format!(
                    "SignatureMethod {}",
                    shorten(other)
                )));
            }
        }
        match single(params, "SignatureVersion")? {
            None => return Err(SignatureError::MissingParameter("SignatureVersion")),
            Some("1.0") => {}
            Some(other) => {
                return Err(SignatureError::UnsupportedAlgorithm(format!(
                    "SignatureVersion {}",
                    shorten(other)
                )));
            }
        }
        Ok(V2Fields {
            access_key_id,
            signature,
        })
    }
}

/// The value of a parameter given at most once.
fn single<'p>(params: &'p Params<'_>, name: &str) -> Result<Option<&'p str>, SignatureError> {
    let mut found = None;
    for (n, value) in params {
        if n.as_ref() == name {
            if found.is_some() {
                return Err(malformed(format!("the parameter {name} is given twice")));
            }
            found = Some(value.as_ref());
        }
    }
    Ok(found)
}

fn verify_v2(
    request: &SignedRequest<'_>,
    claim: &Claim,
    secret: &str,
) -> Result<(), SignatureError> {
    let params = v2_params(request)?;
    let fields = V2Fields::read(&params)?;
    if fields.access_key_id != claim.access_key_id {
        return Err(SignatureError::Mismatch);
    }
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .filter(|(name, _)| name.as_ref() != "Signature")
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect();
    signed.sort_unstable();
    let mut canonical = String::new();
    for (index, (name, value)) in signed.iter().enumerate() {
        if index > 0 {
            canonical.push('&');
        }
        canonical.push_str(&percent_encode(name));
        canonical.push('=');
        canonical.push_str(&percent_encode(value));
    }
    let string_to_sign = format!(
        "{}&{}&{}",
        request.method,
        percent_encode("/"),
        percent_encode(&canonical)
    );
    // A `+` sent unencoded in the query arrives decoded as a space.
    let provided = base64::engine::general_purpose::STANDARD
        .decode(fields.signature.replace(' ', "+"))
        .map_err(|_| SignatureError::Mismatch)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .map_err(|_| SignatureError::Mismatch)?;
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&provided)
        .map_err(|_| SignatureError::Mismatch)
}

// ---------------------------------------------------------------- helpers

fn malformed(detail: impl Into<String>) -> SignatureError {
    SignatureError::Malformed(detail.into())
}

/// Client text quoted in a message: at most 40 characters, escaped.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        short.push('…');
    }
    format!("{short:?}")
}

fn is_http_whitespace(c: char) -> bool {
    c == ' ' || c == '\t'
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

fn first_header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| trim_value(value).to_owned())
}

fn first_param(request: &SignedRequest<'_>, name: &str) -> Option<String> {
    let params = v2_params(request).ok()?;
    params
        .into_iter()
        .find(|(n, _)| n.as_ref() == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request as the official Python SDK sent it, captured by a local
    /// HTTP server (alibabacloud-ecs20140526 7.11.8, alibabacloud-tea-openapi
    /// 0.4.6, Config(access_key_id='LTAIexample',
    /// access_key_secret='secret-example', protocol='http',
    /// region_id='cn-hangzhou')); header names lower-cased.
    struct Captured {
        method: &'static str,
        path: &'static str,
        raw_query: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
    }

    const SECRET: &str = "secret-example";
    const ACCESS_KEY_ID: &str = "LTAIexample";

    const V3_DESCRIBE_SNAPSHOTS: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "DryRun=False&PageSize=10&RegionId=cn-hangzhou&SnapshotIds=%5B%22s-aaaa%22%2C%22s-bbbb%22%5D&SnapshotName=my+snap%2A~&SnapshotType=&Tag.1.Key=env+name&Tag.1.Value=prod+%C3%BCn%C3%AF%2A~+%E9%9B%AA&Tag.2.Key=owner&Tag.2.Value=a%2Bb%2Fc%3Dd%26e%25f",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "DescribeSnapshots"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2026-12-07T06:51:14Z"),
            ("x-acs-signature-nonce", "06f3b4f6491d057da1ffd614f0864f90"),
            ("accept", "application/json"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            (
                "authorization",
                "ACS3-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=b658c28ecae80ea028d1ac96bd7e07cea70d27fd2dd59f4d10423c013b333191",
            ),
            ("content-length", "0"),
        ],
        body: "",
    };

    const V3_LOCK_SNAPSHOT: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "ClientToken=tok-1&CoolOffPeriod=0&LockDuration=7&LockMode=compliance&RegionId=cn-hangzhou&SnapshotId=s-bp1abcdefghijklmnopq",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "LockSnapshot"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2026-12-07T06:51:14Z"),
            ("x-acs-signature-nonce", "07c66193c373e2fb36dc72154a05d549"),
            ("accept", "application/json"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            (
                "authorization",
                "ACS3-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=a1b7e7d0092faa5aef99ed7c5f25ea17415c450d41cbb6f305ee7c327309a7f5",
            ),
            ("content-length", "0"),
        ],
        body: "",
    };

    const V3_FORM_BODY: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "RegionId=cn-hangzhou&SnapshotId=s-bp1abcdefghijklmnopq",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "ModifySnapshotAttribute"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2026-12-07T06:51:14Z"),
            ("x-acs-signature-nonce", "ecae910a51de2a2035678e21cbf38ee5"),
            ("accept", "application/json"),
            ("content-type", "application/x-www-form-urlencoded"),
            (
                "x-acs-content-sha256",
                "5477bd3aeb33cc05803fba9f71016cfc052ca4594e272af7b98e419b22cbb62c",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            (
                "authorization",
                "ACS3-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=accept;content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=b4bb5af9f87cf8415d3170119c5a4a1f32471e9a53121bca1ec781e9f56b0389",
            ),
            ("content-length", "57"),
        ],
        body: "Description=new+desc+%C3%BC%2A~+%2B%26%3D&SnapshotName=n1",
    };

    const V2_DESCRIBE_SNAPSHOTS: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "Action=DescribeSnapshots&Format=json&Version=2014-05-26&Timestamp=2026-12-07T06%3A51%3A14Z&SignatureNonce=7f7165b45a1ab8f5436d167b2c52daa0&DryRun=False&PageSize=10&RegionId=cn-hangzhou&SnapshotIds=%5B%22s-aaaa%22%2C%22s-bbbb%22%5D&SnapshotName=my+snap%2A~&SnapshotType=&Tag.1.Key=env+name&Tag.1.Value=prod+%C3%BCn%C3%AF%2A~+%E9%9B%AA&Tag.2.Key=owner&Tag.2.Value=a%2Bb%2Fc%3Dd%26e%25f&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAIexample&Signature=1z84tDzyx8PAoU%2Bateifox82e20%3D",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "DescribeSnapshots"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            ("content-length", "0"),
        ],
        body: "",
    };

    const V2_LOCK_SNAPSHOT: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "Action=LockSnapshot&Format=json&Version=2014-05-26&Timestamp=2026-12-07T06%3A51%3A14Z&SignatureNonce=7a6828ea124ae9718115f35da46e39da&ClientToken=tok-1&CoolOffPeriod=0&LockDuration=7&LockMode=compliance&RegionId=cn-hangzhou&SnapshotId=s-bp1abcdefghijklmnopq&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAIexample&Signature=HZr5R3BaliEIGxY1i6J4lRIGB2k%3D",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "LockSnapshot"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            ("content-length", "0"),
        ],
        body: "",
    };

    const V2_FORM_BODY: Captured = Captured {
        method: "POST",
        path: "/",
        raw_query: "Action=ModifySnapshotAttribute&Format=json&Version=2014-05-26&Timestamp=2026-12-07T06%3A51%3A14Z&SignatureNonce=eaaeb40428206e592b75dbddc7e62342&RegionId=cn-hangzhou&SnapshotId=s-bp1abcdefghijklmnopq&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAIexample&Signature=utRbuUivrFbhK4%2FdbT6hA03ZfRk%3D",
        headers: &[
            ("accept-encoding", "identity"),
            ("host", "127.0.0.1:40903"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-action", "ModifySnapshotAttribute"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-acs-credentials-provider", "static_ak"),
            ("content-length", "57"),
        ],
        body: "Description=new+desc+%C3%BC%2A~+%2B%26%3D&SnapshotName=n1",
    };

    /// Computed by the SDK's own `Utils.get_authorization` on a request
    /// built by hand: an encoded path, an empty query value, a header value
    /// with surrounding whitespace, a GET.
    const V3_UTIL: Captured = Captured {
        method: "GET",
        path: "/clusters/c%20x/triggers",
        raw_query: "b=&a=x%20y%2A~%2F&Z=%C3%BC",
        headers: &[
            ("host", "cs.example.test"),
            ("x-acs-action", "DescribeTriggers"),
            ("x-acs-version", "2015-12-15"),
            ("x-acs-date", "2026-01-02T03:04:05Z"),
            ("x-acs-signature-nonce", "n-1"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-meta", "  padded  value \t"),
            (
                "authorization",
                "ACS3-HMAC-SHA256 Credential=AKID-util,SignedHeaders=host;x-acs-action;\
                 x-acs-content-sha256;x-acs-date;x-acs-meta;x-acs-signature-nonce;x-acs-version,\
                 Signature=97fad10a58230c834bad89a8fc6236692d6cb0f3242f6896a9bbfa8fd7a0896c",
            ),
        ],
        body: "",
    };
    const UTIL_SECRET: &str = "util-secret";

    const V3_GOLDEN: [&Captured; 3] = [&V3_DESCRIBE_SNAPSHOTS, &V3_LOCK_SNAPSHOT, &V3_FORM_BODY];
    const V2_GOLDEN: [&Captured; 3] = [&V2_DESCRIBE_SNAPSHOTS, &V2_LOCK_SNAPSHOT, &V2_FORM_BODY];

    /// An owned request, to tamper with.
    #[derive(Clone, Debug)]
    struct Owned {
        method: String,
        path: String,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Captured {
        fn owned(&self) -> Owned {
            Owned {
                method: self.method.to_owned(),
                path: self.path.to_owned(),
                query: decode_form(self.raw_query).expect("the captured query decodes"),
                headers: self
                    .headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect(),
                body: self.body.as_bytes().to_vec(),
            }
        }
    }

    impl Owned {
        fn request(&self) -> SignedRequest<'_> {
            SignedRequest {
                method: &self.method,
                path: &self.path,
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            }
        }

        fn check(&self, secret: &str) -> Result<Claim, SignatureError> {
            let request = self.request();
            let claim = claim(&request)?;
            verify(&request, &claim, secret)?;
            Ok(claim)
        }

        fn header_mut(&mut self, name: &str) -> &mut String {
            &mut self
                .headers
                .iter_mut()
                .find(|(n, _)| n == name)
                .expect("the header is there")
                .1
        }

        fn set_authorization(&mut self, value: &str) {
            *self.header_mut("authorization") = value.to_owned();
        }

        fn signed_headers(&self) -> Vec<String> {
            let value = &self
                .headers
                .iter()
                .find(|(n, _)| n == "authorization")
                .expect("V3")
                .1;
            let start = value.find("SignedHeaders=").expect("SignedHeaders") + 14;
            let rest = &value[start..];
            let end = rest.find(',').expect("a comma");
            rest[..end].split(';').map(str::to_owned).collect()
        }
    }

    /// Changes the last character of a value (or makes an empty one `x`).
    fn tweak(value: &str) -> String {
        let mut chars: Vec<char> = value.chars().collect();
        match chars.last_mut() {
            None => "x".to_owned(),
            Some(last) => {
                *last = if *last == 'a' { 'b' } else { 'a' };
                chars.into_iter().collect()
            }
        }
    }

    fn tweak_byte(value: &[u8]) -> Vec<u8> {
        let mut out = value.to_vec();
        match out.last_mut() {
            None => out.push(b'x'),
            Some(last) => *last = if *last == b'a' { b'b' } else { b'a' },
        }
        out
    }

    // ------------------------------------------------------------ golden

    #[test]
    fn the_sdks_v3_requests_verify() {
        for golden in V3_GOLDEN {
            let claim = golden
                .owned()
                .check(SECRET)
                .expect("the SDK's V3 signature");
            assert_eq!(
                claim,
                Claim {
                    scheme: Scheme::V3,
                    access_key_id: ACCESS_KEY_ID.to_owned()
                }
            );
        }
    }

    #[test]
    fn the_sdks_v2_requests_verify() {
        for golden in V2_GOLDEN {
            let claim = golden
                .owned()
                .check(SECRET)
                .expect("the SDK's v2 signature");
            assert_eq!(
                claim,
                Claim {
                    scheme: Scheme::V2,
                    access_key_id: ACCESS_KEY_ID.to_owned()
                }
            );
        }
    }

    #[test]
    fn the_sdk_utilitys_v3_vector_verifies() {
        let owned = V3_UTIL.owned();
        assert_eq!(
            owned.check(UTIL_SECRET).map(|c| c.access_key_id),
            Ok("AKID-util".to_owned())
        );
        // A server that already trimmed the value computes the same.
        let mut trimmed = owned.clone();
        *trimmed.header_mut("x-acs-meta") = "padded  value".to_owned();
        assert!(trimmed.check(UTIL_SECRET).is_ok());
        // Inner whitespace is signed as sent.
        let mut inner = owned.clone();
        *inner.header_mut("x-acs-meta") = "padded value".to_owned();
        assert_eq!(inner.check(UTIL_SECRET), Err(SignatureError::Mismatch));
        // The path is signed as sent on the wire, still encoded.
        let mut decoded = owned;
        decoded.path = "/clusters/c x/triggers".to_owned();
        assert_eq!(decoded.check(UTIL_SECRET), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_sdk_sends_spaces_as_plus_and_signs_them_as_percent_20() {
        // On the wire: `SnapshotName=my+snap%2A~`; in the canonical query
        // `SnapshotName=my%20snap%2A~`. The query must be decoded with `+`
        // as a space for the signature to hold.
        assert!(
            V3_DESCRIBE_SNAPSHOTS
                .raw_query
                .contains("SnapshotName=my+snap%2A~")
        );
        let mut literal = V3_DESCRIBE_SNAPSHOTS.owned();
        for (name, value) in &mut literal.query {
            if name == "SnapshotName" {
                assert_eq!(value, "my snap*~");
                *value = "my+snap*~".to_owned();
            }
        }
        assert_eq!(literal.check(SECRET), Err(SignatureError::Mismatch));
    }

    #[test]
    fn canonical_query_matches_the_sdks_encoding() {
        let query = V3_DESCRIBE_SNAPSHOTS.owned().query;
        assert_eq!(
            canonical_query(&query),
            "DryRun=False&PageSize=10&RegionId=cn-hangzhou\
             &SnapshotIds=%5B%22s-aaaa%22%2C%22s-bbbb%22%5D&SnapshotName=my%20snap%2A~\
             &SnapshotType=&Tag.1.Key=env%20name&Tag.1.Value=prod%20%C3%BCn%C3%AF%2A~%20%E9%9B%AA\
             &Tag.2.Key=owner&Tag.2.Value=a%2Bb%2Fc%3Dd%26e%25f"
        );
    }

    // ------------------------------------------------------------ V3 tampering

    #[test]
    fn v3_any_changed_query_value_or_name_is_a_mismatch() {
        for golden in V3_GOLDEN {
            let owned = golden.owned();
            for index in 0..owned.query.len() {
                let mut value = owned.clone();
                value.query[index].1 = tweak(&value.query[index].1);
                assert_eq!(
                    value.check(SECRET),
                    Err(SignatureError::Mismatch),
                    "{index}"
                );
                let mut name = owned.clone();
                name.query[index].0 = tweak(&name.query[index].0);
                assert_eq!(name.check(SECRET), Err(SignatureError::Mismatch), "{index}");
                let mut removed = owned.clone();
                removed.query.remove(index);
                assert_eq!(
                    removed.check(SECRET),
                    Err(SignatureError::Mismatch),
                    "{index}"
                );
            }
            let mut added = owned.clone();
            added
                .query
                .push(("Action".to_owned(), "DeleteSnapshot".to_owned()));
            assert_eq!(added.check(SECRET), Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn v3_any_changed_signed_header_fails() {
        for golden in V3_GOLDEN {
            let owned = golden.owned();
            let signed = owned.signed_headers();
            assert!(signed.len() >= 9, "{signed:?}");
            for name in &signed {
                let mut changed = owned.clone();
                let value = changed.header_mut(name);
                *value = tweak(value);
                let expected = if name == CONTENT_SHA256 {
                    SignatureError::ContentHashMismatch
                } else {
                    SignatureError::Mismatch
                };
                assert_eq!(changed.check(SECRET), Err(expected), "{name}");

                let mut removed = owned.clone();
                removed.headers.retain(|(n, _)| n != name);
                assert!(
                    matches!(removed.check(SECRET), Err(SignatureError::Malformed(_))),
                    "{name}"
                );

                // A second value of a signed header changes its canonical form.
                let mut doubled = owned.clone();
                let value = doubled.header_mut(name).clone();
                doubled.headers.push((name.clone(), value));
                assert!(doubled.check(SECRET).is_err(), "{name}");
            }
        }
    }

    #[test]
    fn v3_unsigned_headers_may_change() {
        for golden in V3_GOLDEN {
            let mut owned = golden.owned();
            *owned.header_mut("accept-encoding") = "gzip".to_owned();
            *owned.header_mut("content-length") = "12345".to_owned();
            owned
                .headers
                .push(("x-forwarded-for".to_owned(), "10.0.0.1".to_owned()));
            assert!(owned.check(SECRET).is_ok());
        }
    }

    #[test]
    fn v3_an_unsigned_acs_host_or_content_type_header_is_refused() {
        let mut extra = V3_LOCK_SNAPSHOT.owned();
        extra
            .headers
            .push(("x-acs-action".to_owned(), "DeleteSnapshot".to_owned()));
        // Signed but now doubled: the canonical value changes.
        assert_eq!(extra.check(SECRET), Err(SignatureError::Mismatch));

        let mut unsigned = V3_LOCK_SNAPSHOT.owned();
        unsigned
            .headers
            .push(("x-acs-resource-group".to_owned(), "rg-1".to_owned()));
        assert!(
            matches!(unsigned.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("x-acs-resource-group"))
        );

        let mut body = V3_FORM_BODY.owned();
        let authorization = body
            .header_mut("authorization")
            .replace("content-type;", "");
        body.set_authorization(&authorization);
        assert!(
            matches!(body.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("content-type"))
        );

        let mut host = V3_LOCK_SNAPSHOT.owned();
        let authorization = host.header_mut("authorization").replace(";host;", ";");
        host.set_authorization(&authorization);
        assert!(
            matches!(host.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("host"))
        );
    }

    #[test]
    fn v3_the_body_is_covered_by_its_hash() {
        let mut changed = V3_FORM_BODY.owned();
        changed.body = tweak_byte(&changed.body);
        assert_eq!(
            changed.check(SECRET),
            Err(SignatureError::ContentHashMismatch)
        );

        let mut added = V3_LOCK_SNAPSHOT.owned();
        added.body = b"Action=DeleteSnapshot".to_vec();
        assert_eq!(
            added.check(SECRET),
            Err(SignatureError::ContentHashMismatch)
        );

        let mut dropped = V3_FORM_BODY.owned();
        dropped.body.clear();
        assert_eq!(
            dropped.check(SECRET),
            Err(SignatureError::ContentHashMismatch)
        );

        // A body and a hash changed together still break the signature.
        let mut both = V3_FORM_BODY.owned();
        both.body = tweak_byte(&both.body);
        *both.header_mut(CONTENT_SHA256) = hex::encode(Sha256::digest(&both.body));
        assert_eq!(both.check(SECRET), Err(SignatureError::Mismatch));

        let mut missing = V3_LOCK_SNAPSHOT.owned();
        missing.headers.retain(|(n, _)| n != CONTENT_SHA256);
        let authorization = missing
            .header_mut("authorization")
            .replace("x-acs-content-sha256;", "");
        missing.set_authorization(&authorization);
        assert!(
            matches!(missing.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("x-acs-content-sha256"))
        );
    }

    #[test]
    fn v3_method_path_secret_signature_and_key_are_covered() {
        for golden in V3_GOLDEN {
            let owned = golden.owned();
            assert_eq!(owned.check(&tweak(SECRET)), Err(SignatureError::Mismatch));
            assert_eq!(owned.check(""), Err(SignatureError::Mismatch));

            let mut method = owned.clone();
            method.method = "GET".to_owned();
            assert_eq!(method.check(SECRET), Err(SignatureError::Mismatch));

            let mut path = owned.clone();
            path.path = "/x".to_owned();
            assert_eq!(path.check(SECRET), Err(SignatureError::Mismatch));

            let mut signature = owned.clone();
            let value = tweak(signature.header_mut("authorization"));
            signature.set_authorization(&value);
            assert_eq!(signature.check(SECRET), Err(SignatureError::Mismatch));

            let mut short = owned.clone();
            let value = short.header_mut("authorization").clone();
            short.set_authorization(&value[..value.len() - 2]);
            assert_eq!(short.check(SECRET), Err(SignatureError::Mismatch));

            // The Credential is not in the string to sign (unlike AWS
            // SigV4's credential scope): another key id verifies only with
            // that key's own secret, which differs.
            let mut key = owned.clone();
            let value = key
                .header_mut("authorization")
                .replace("Credential=LTAIexample", "Credential=LTAIother");
            key.set_authorization(&value);
            assert_eq!(
                key.check("secret-of-LTAIother"),
                Err(SignatureError::Mismatch)
            );
            assert_eq!(
                key.check(SECRET).map(|c| c.access_key_id),
                Ok("LTAIother".to_owned()),
                "the provider's scheme: the key id is not signed"
            );
        }
    }

    #[test]
    fn verify_refuses_a_claim_the_request_does_not_make() {
        let owned = V3_LOCK_SNAPSHOT.owned();
        let request = owned.request();
        let other = Claim {
            scheme: Scheme::V3,
            access_key_id: "LTAIother".to_owned(),
        };
        assert_eq!(
            verify(&request, &other, SECRET),
            Err(SignatureError::Mismatch)
        );
        let v2 = Claim {
            scheme: Scheme::V2,
            access_key_id: ACCESS_KEY_ID.to_owned(),
        };
        assert_eq!(verify(&request, &v2, SECRET), Err(SignatureError::Missing));

        let owned = V2_LOCK_SNAPSHOT.owned();
        let request = owned.request();
        let v3 = Claim {
            scheme: Scheme::V3,
            access_key_id: ACCESS_KEY_ID.to_owned(),
        };
        assert!(matches!(
            verify(&request, &v3, SECRET),
            Err(SignatureError::Malformed(_))
        ));
        let other = Claim {
            scheme: Scheme::V2,
            access_key_id: "LTAIother".to_owned(),
        };
        assert_eq!(
            verify(&request, &other, SECRET),
            Err(SignatureError::Mismatch)
        );
    }

    // ------------------------------------------------------------ V2 tampering

    #[test]
    fn v2_any_changed_parameter_is_a_mismatch() {
        for golden in V2_GOLDEN {
            let owned = golden.owned();
            for index in 0..owned.query.len() {
                let name = owned.query[index].0.as_str();
                let mut value = owned.clone();
                value.query[index].1 = tweak(&value.query[index].1);
                let result = value.check(SECRET);
                match name {
                    "SignatureMethod" | "SignatureVersion" => assert!(
                        matches!(result, Err(SignatureError::UnsupportedAlgorithm(_))),
                        "{name}"
                    ),
                    // Another key id: the same secret does not sign for it.
                    _ => assert_eq!(result, Err(SignatureError::Mismatch), "{name}"),
                }
                let mut removed = owned.clone();
                removed.query.remove(index);
                let result = removed.check(SECRET);
                match name {
                    "AccessKeyId" | "Signature" | "SignatureMethod" | "SignatureVersion" => {
                        assert!(
                            matches!(result, Err(SignatureError::MissingParameter(n)) if n == name),
                            "{name}: {result:?}"
                        )
                    }
                    _ => assert_eq!(result, Err(SignatureError::Mismatch), "{name}"),
                }
            }
            let mut added = owned.clone();
            added.query.push(("DryRun".to_owned(), "true".to_owned()));
            assert_eq!(added.check(SECRET), Err(SignatureError::Mismatch));

            assert_eq!(owned.check(&tweak(SECRET)), Err(SignatureError::Mismatch));
            let mut method = owned.clone();
            method.method = "GET".to_owned();
            assert_eq!(method.check(SECRET), Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn v2_the_form_body_is_signed() {
        let owned = V2_FORM_BODY.owned();
        let mut changed = owned.clone();
        changed.body = tweak_byte(&changed.body);
        assert_eq!(changed.check(SECRET), Err(SignatureError::Mismatch));

        let mut dropped = owned.clone();
        dropped.body.clear();
        assert_eq!(dropped.check(SECRET), Err(SignatureError::Mismatch));

        let mut moved = owned.clone();
        let body = std::str::from_utf8(&moved.body).expect("UTF-8").to_owned();
        moved.body.clear();
        moved.query.extend(decode_form(&body).expect("form"));
        assert!(
            moved.check(SECRET).is_ok(),
            "the query and the form body sign alike"
        );

        let mut json = owned.clone();
        *json.header_mut("content-type") = "application/json".to_owned();
        assert!(matches!(
            json.check(SECRET),
            Err(SignatureError::Malformed(_))
        ));

        let mut not_utf8 = owned;
        not_utf8.body = b"Description=%FF".to_vec();
        assert!(matches!(
            not_utf8.check(SECRET),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn v2_headers_and_path_are_not_signed() {
        let mut owned = V2_LOCK_SNAPSHOT.owned();
        *owned.header_mut("x-acs-action") = "DeleteSnapshot".to_owned();
        *owned.header_mut("host") = "elsewhere".to_owned();
        owned.path = "/elsewhere".to_owned();
        assert!(owned.check(SECRET).is_ok());
    }

    #[test]
    fn v2_signature_parameters_are_checked() {
        let owned = V2_LOCK_SNAPSHOT.owned();
        let without = |names: &[&str]| {
            let mut o = owned.clone();
            o.query.retain(|(n, _)| !names.contains(&n.as_str()));
            o.check(SECRET)
        };
        assert_eq!(
            without(&["AccessKeyId", "Signature"]),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            without(&["AccessKeyId"]),
            Err(SignatureError::MissingParameter("AccessKeyId"))
        );
        assert_eq!(
            without(&["Signature"]),
            Err(SignatureError::MissingParameter("Signature"))
        );

        let with = |name: &str, value: &str| {
            let mut o = owned.clone();
            for (n, v) in &mut o.query {
                if n == name {
                    *v = value.to_owned();
                }
            }
            o.check(SECRET)
        };
        assert_eq!(
            with("Signature", ""),
            Err(SignatureError::MissingParameter("Signature"))
        );
        assert_eq!(
            with("Signature", "not base64!"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            with("AccessKeyId", ""),
            Err(SignatureError::MissingParameter("AccessKeyId"))
        );
        assert!(matches!(
            with("SignatureMethod", "HMAC-SHA256"),
            Err(SignatureError::UnsupportedAlgorithm(_))
        ));
        assert!(matches!(
            with("SignatureVersion", "2.0"),
            Err(SignatureError::UnsupportedAlgorithm(_))
        ));

        for name in ["AccessKeyId", "Signature", "SignatureMethod"] {
            let mut twice = owned.clone();
            let value = twice
                .query
                .iter()
                .find(|(n, _)| n == name)
                .expect("there")
                .1
                .clone();
            twice.query.push((name.to_owned(), value));
            assert!(
                matches!(twice.check(SECRET), Err(SignatureError::Malformed(_))),
                "{name}"
            );
        }

        // A `+` that arrived decoded as a space is read back as `+`.
        let plus = V2_DESCRIBE_SNAPSHOTS.owned();
        let signature = &plus
            .query
            .iter()
            .find(|(n, _)| n == "Signature")
            .expect("there")
            .1;
        assert!(signature.contains('+'));
        let mut spaced = plus.clone();
        for (n, v) in &mut spaced.query {
            if n == "Signature" {
                *v = v.replace('+', " ");
            }
        }
        assert!(spaced.check(SECRET).is_ok());
    }

    #[test]
    fn no_credentials_at_all_is_missing() {
        let query = vec![("Action".to_owned(), "DescribeRegions".to_owned())];
        let headers = vec![("host".to_owned(), "127.0.0.1".to_owned())];
        let request = SignedRequest {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        assert_eq!(claim(&request), Err(SignatureError::Missing));
        assert_eq!(SignatureError::Missing.code(), "MissingAccessKeyId");
    }

    // ------------------------------------------------------------ malformed headers

    fn with_authorization(value: &str) -> Owned {
        let mut owned = V3_LOCK_SNAPSHOT.owned();
        owned.set_authorization(value);
        owned
    }

    /// Runs claim and verify (with a V3 claim) on the header: never a
    /// panic, never Ok.
    fn refused(value: &str) -> SignatureError {
        let owned = with_authorization(value);
        let request = owned.request();
        let v3 = Claim {
            scheme: Scheme::V3,
            access_key_id: ACCESS_KEY_ID.to_owned(),
        };
        let verified = verify(&request, &v3, SECRET);
        assert!(verified.is_err(), "{value:?} verified");
        match claim(&request) {
            Ok(claim) => {
                let error = verify(&request, &claim, SECRET).expect_err("claimed but verified");
                assert_eq!(Err(error.clone()), verified);
                error
            }
            Err(error) => error,
        }
    }

    #[test]
    fn malformed_authorization_headers_are_refused() {
        let good = V3_LOCK_SNAPSHOT
            .headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .expect("there")
            .1;
        let (_, parts) = good.split_once(' ').expect("a space");
        let mut pieces = parts.split(',');
        let credential = pieces.next().expect("Credential");
        let signed = pieces.next().expect("SignedHeaders");
        let signature = pieces.next().expect("Signature");
        let a = V3_ALGORITHM;
        let malformed_cases = [
            String::new(),
            "   ".to_owned(),
            a.to_owned(),
            format!("{a} "),
            format!("{a} ,"),
            format!("{a} ,,,"),
            format!("{a} {credential}"),
            format!("{a} {credential},{signed}"),
            format!("{a} {credential},{signature}"),
            format!("{a} {signed},{signature}"),
            format!("{a} {credential},{credential},{signed},{signature}"),
            format!("{a} {credential},{signed},{signed},{signature}"),
            format!("{a} {credential},{signed},{signature},{signature}"),
            format!("{a} {credential},{signed},{signature},"),
            format!("{a} ,{credential},{signed},{signature}"),
            format!("{a} {credential},{signed},{signature},Foo=bar"),
            format!("{a} Credential=,{signed},{signature}"),
            format!("{a} {credential},SignedHeaders=,{signature}"),
            format!("{a} {credential},{signed},Signature="),
            format!("{a} Credential,{signed},{signature}"),
            format!("{a} credential=LTAIexample,{signed},{signature}"),
            format!("{a} Credential=LTAI example,{signed},{signature}"),
            format!("{a} Credential=LTAIéxample,{signed},{signature}"),
            format!("{a} Credential=LTAI\u{0},{signed},{signature}"),
            format!("{a} {credential},SignedHeaders=Host;x-acs-action,{signature}"),
            format!("{a} {credential},SignedHeaders=host;;x-acs-action,{signature}"),
            format!("{a} {credential},SignedHeaders=x-acs-action;host,{signature}"),
            format!("{a} {credential},SignedHeaders=host;host,{signature}"),
            format!("{a} {credential},SignedHeaders=authorization;host,{signature}"),
            format!("{a} {credential},SignedHeaders=ho st,{signature}"),
            format!("{a} {credential},SignedHeaders=hóst,{signature}"),
            format!("{a} {credential},SignedHeaders=host:x,{signature}"),
            format!("{a} {credential},SignedHeaders=host,{signature}"),
            format!("{a} {credential},SignedHeaders=host;x-acs-nope,{signature}"),
            format!("{a} {credential},{signed}x,{signature}"),
            format!("{a} {}", "A".repeat(MAX_AUTHORIZATION_LEN)),
            format!(
                "{a} {credential},{signed},{signature}{}",
                "0".repeat(MAX_AUTHORIZATION_LEN)
            ),
        ];
        for case in &malformed_cases {
            assert!(
                matches!(refused(case), SignatureError::Malformed(_)),
                "{case:?}: {:?}",
                refused(case)
            );
        }
        let unsupported_cases = [
            format!("ACS3-HMAC-SM3 {parts}"),
            format!("ACS3-RSA-SHA256 {parts}"),
            format!("acs3-hmac-sha256 {parts}"),
            format!("ACS3-HMAC-SHA256\t{parts}"),
            format!("ACS3-HMAC-SHA256,{parts}"),
            "acs LTAIexample:c2lnbmF0dXJl".to_owned(),
            "Bearer token".to_owned(),
            "ÄCS3-HMAC-SHA256 Credential=x".to_owned(),
            "\u{0}".to_owned(),
            "雪".repeat(100),
        ];
        for case in &unsupported_cases {
            assert!(
                matches!(refused(case), SignatureError::UnsupportedAlgorithm(_)),
                "{case:?}: {:?}",
                refused(case)
            );
        }
        // Mismatches, not malformations: a signature of the wrong shape.
        for case in [
            format!("{a} {credential},{signed},Signature=zz"),
            format!("{a} {credential},{signed},Signature=abc"),
            format!("{a} {credential},{signed},Signature=00"),
            format!("{a} {credential},{signed},Signature=é"),
        ] {
            assert_eq!(refused(&case), SignatureError::Mismatch, "{case:?}");
        }
        // Whitespace around the parts is tolerated.
        let spaced = format!("  {a}   {credential} , {signed},\t{signature}  ");
        assert!(with_authorization(&spaced).check(SECRET).is_ok());
    }

    #[test]
    fn an_authorization_header_over_8_kib_is_refused_unparsed() {
        let owned = with_authorization(&"x".repeat(MAX_AUTHORIZATION_LEN + 1));
        let error = claim(&owned.request()).expect_err("too long");
        assert!(matches!(error, SignatureError::Malformed(m) if m.contains("longer")));
        let at_limit = with_authorization(&"x".repeat(MAX_AUTHORIZATION_LEN));
        assert!(matches!(
            claim(&at_limit.request()),
            Err(SignatureError::UnsupportedAlgorithm(_))
        ));
    }

    #[test]
    fn two_authorization_headers_are_refused() {
        let mut owned = V3_LOCK_SNAPSHOT.owned();
        let value = owned.header_mut("authorization").clone();
        owned.headers.push(("Authorization".to_owned(), value));
        assert!(matches!(
            claim(&owned.request()),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn mutated_authorization_headers_never_panic() {
        let good = V3_FORM_BODY
            .headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .expect("there")
            .1;
        let alphabet: Vec<char> = ",=; \t\u{0}é雪ACSaz09-_~%\u{1c}".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).expect("31 bits") % bound.max(1)
        };
        let base = V3_FORM_BODY.owned();
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
            let mut owned = base.clone();
            owned.set_authorization(&value);
            let result = owned.check(SECRET);
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

    // ------------------------------------------------------------ pieces

    #[test]
    fn percent_encoding_is_rfc_3986() {
        assert_eq!(
            percent_encode("a b*~-._/+=&%ü雪\"'()!"),
            "a%20b%2A~-._%2F%2B%3D%26%25%C3%BC%E9%9B%AA%22%27%28%29%21"
        );
        assert_eq!(percent_encode("AZaz09"), "AZaz09");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn forms_decode_like_the_wire() {
        assert_eq!(
            decode_form("a=1&b=&c&&d=x+y%20z&e=%zz&=v&f=a=b"),
            Some(vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), String::new()),
                ("d".to_owned(), "x y z".to_owned()),
                ("e".to_owned(), "%zz".to_owned()),
                (String::new(), "v".to_owned()),
                ("f".to_owned(), "a=b".to_owned()),
            ])
        );
        assert_eq!(decode_form(""), Some(vec![]));
        assert_eq!(decode_form("a=%FF"), None);
        assert_eq!(
            decode_form("%C3%BC=%E9%9B%AA"),
            Some(vec![("ü".to_owned(), "雪".to_owned())])
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
    fn nonce_and_timestamp_are_read_per_scheme() {
        let v3 = V3_LOCK_SNAPSHOT.owned();
        assert_eq!(
            nonce(&v3.request(), Scheme::V3).as_deref(),
            Some("07c66193c373e2fb36dc72154a05d549")
        );
        assert_eq!(
            timestamp(&v3.request(), Scheme::V3).as_deref(),
            Some("2026-12-07T06:51:14Z")
        );
        let v2 = V2_LOCK_SNAPSHOT.owned();
        assert_eq!(
            nonce(&v2.request(), Scheme::V2).as_deref(),
            Some("7a6828ea124ae9718115f35da46e39da")
        );
        assert_eq!(
            timestamp(&v2.request(), Scheme::V2).as_deref(),
            Some("2026-12-07T06:51:14Z")
        );
        assert_eq!(nonce(&v2.request(), Scheme::V3), None);
    }

    #[test]
    fn codes_and_statuses_are_the_providers() {
        let cases = [
            (SignatureError::Missing, "MissingAccessKeyId", 400),
            (
                SignatureError::MissingParameter("AccessKeyId"),
                "MissingAccessKeyId",
                400,
            ),
            (
                SignatureError::MissingParameter("Signature"),
                "MissingSignature",
                400,
            ),
            (
                SignatureError::MissingParameter("SignatureMethod"),
                "MissingSignatureMethod",
                400,
            ),
            (
                SignatureError::MissingParameter("Other"),
                "MissingParameter",
                400,
            ),
            (
                SignatureError::Malformed("x".to_owned()),
                "IncompleteSignature",
                400,
            ),
            (
                SignatureError::UnsupportedAlgorithm("x".to_owned()),
                "InvalidSignatureMethod",
                400,
            ),
            (
                SignatureError::ContentHashMismatch,
                "IncompleteSignature",
                400,
            ),
            (SignatureError::Mismatch, "SignatureDoesNotMatch", 400),
            (
                SignatureError::UnknownAccessKey,
                "InvalidAccessKeyId.NotFound",
                404,
            ),
            (
                SignatureError::InactiveAccessKey,
                "InvalidAccessKeyId.Inactive",
                400,
            ),
            (SignatureError::NonceUsed, "SignatureNonceUsed", 400),
            (
                SignatureError::TimestampMalformed,
                "InvalidTimeStamp.Format",
                400,
            ),
            (
                SignatureError::TimestampExpired,
                "InvalidTimeStamp.Expired",
                400,
            ),
        ];
        for (error, code, status) in cases {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.status(), status, "{error:?}");
            assert!(!error.to_string().is_empty());
        }
        assert_eq!(
            SignatureError::Mismatch.to_string(),
            "Specified signature is not matched with our calculation."
        );
    }

    #[test]
    fn messages_quote_client_text_short_and_escaped() {
        let error = refused(&format!("{}\u{0}", "Z".repeat(500)));
        let message = error.to_string();
        assert!(message.len() < 200, "{message}");
        assert!(message.contains('…'));
        let error = refused("ACS3\nHMAC");
        assert!(error.to_string().contains("\\n"), "{error}");
    }
}
