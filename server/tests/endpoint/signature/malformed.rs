//! Missing credentials and malformed `Authorization` headers are refused,
//! never a panic.

use snapguard_server::signature::{
    Claim, MAX_AUTHORIZATION_LEN, Scheme, SignatureError, SignedRequest, V3_ALGORITHM, claim,
    verify,
};

use super::captured::{ACCESS_KEY_ID, GOLDEN, Owned, SECRET};

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

fn with_authorization(value: &str) -> Owned {
    let mut owned = GOLDEN.v3_lock_snapshot.owned();
    owned.set_authorization(value);
    owned
}

/// Runs claim and verify (with a V3 claim) on the header: never a
/// panic, never Ok.
pub fn refused(value: &str) -> SignatureError {
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
    let good = GOLDEN
        .v3_lock_snapshot
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .expect("there")
        .1
        .as_str();
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
    let mut owned = GOLDEN.v3_lock_snapshot.owned();
    let value = owned.header_mut("authorization").clone();
    owned.headers.push(("Authorization".to_owned(), value));
    assert!(matches!(
        claim(&owned.request()),
        Err(SignatureError::Malformed(_))
    ));
}
