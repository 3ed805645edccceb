//! The pieces: percent-encoding, form decoding, the nonce and timestamp,
//! and the provider's codes, statuses and messages.

use snapguard_server::signature::{
    Scheme, SignatureError, decode_form, nonce, percent_encode, timestamp,
};

use super::captured::GOLDEN;
use super::malformed::refused;

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
fn nonce_and_timestamp_are_read_per_scheme() {
    let v3 = GOLDEN.v3_lock_snapshot.owned();
    assert_eq!(
        nonce(&v3.request(), Scheme::V3).as_deref(),
        Some("07c66193c373e2fb36dc72154a05d549")
    );
    assert_eq!(
        timestamp(&v3.request(), Scheme::V3).as_deref(),
        Some("2026-12-07T06:51:14Z")
    );
    let v2 = GOLDEN.v2_lock_snapshot.owned();
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
