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

pub use encoding::{decode_form, is_form, percent_encode};

mod encoding;
mod v2;
mod v3;

/// The V3 signature algorithm, as named in the `Authorization` header.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The longest `Authorization` header accepted (8 KiB).
pub const MAX_AUTHORIZATION_LEN: usize = 8 * 1024;

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
    if let Some(claim) = v3::claim(request)? {
        return Ok(claim);
    }
    v2::claim(request)
}

/// Checks the request's signature with the secret of the claimed key.
pub fn verify(
    request: &SignedRequest<'_>,
    claim: &Claim,
    secret: &str,
) -> Result<(), SignatureError> {
    match claim.scheme {
        Scheme::V3 => v3::verify(request, claim, secret),
        Scheme::V2 => v2::verify(request, claim, secret),
    }
}

/// The request's signature nonce (`x-acs-signature-nonce` in V3,
/// `SignatureNonce` in v2), for the caller's replay check.
pub fn nonce(request: &SignedRequest<'_>, scheme: Scheme) -> Option<String> {
    match scheme {
        Scheme::V3 => v3::first_header(request.headers, "x-acs-signature-nonce"),
        Scheme::V2 => v2::first_param(request, "SignatureNonce"),
    }
}

/// The request's signing time as sent (`x-acs-date` in V3, `Timestamp` in
/// v2, both `yyyy-MM-ddTHH:mm:ssZ` from the SDK), for the caller's check.
pub fn timestamp(request: &SignedRequest<'_>, scheme: Scheme) -> Option<String> {
    match scheme {
        Scheme::V3 => v3::first_header(request.headers, "x-acs-date"),
        Scheme::V2 => v2::first_param(request, "Timestamp"),
    }
}

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
