//! The signature checks (`snapguard_server::signature`) through the public
//! interface: the requests the official Python SDK sent
//! (`data/signatures.json`) verify, and every change to what they sign, every
//! malformed signature and every missing part is refused with the provider's
//! error.

use std::sync::LazyLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use snapguard_server::signature::{
    Claim, MAX_AUTHORIZATION_LEN, Scheme, SignatureError, SignedRequest, V3_ALGORITHM, claim,
    decode_form, nonce, percent_encode, timestamp, verify,
};

/// A golden request of `data/signatures.json`: as the official Python SDK
/// sent it, captured by a local HTTP server (the file's `about` tells the
/// SDK's versions and configuration); header names lower-cased.
#[derive(Deserialize)]
struct Captured {
    method: String,
    path: String,
    raw_query: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// The golden requests.
#[derive(Deserialize)]
struct Golden {
    v3_describe_snapshots: Captured,
    v3_lock_snapshot: Captured,
    v3_form_body: Captured,
    v2_describe_snapshots: Captured,
    v2_lock_snapshot: Captured,
    v2_form_body: Captured,
    /// Computed by the SDK's own `Utils.get_authorization` on a request
    /// built by hand: an encoded path, an empty query value, a header value
    /// with surrounding whitespace, a GET.
    v3_util: Captured,
}

static GOLDEN: LazyLock<Golden> = LazyLock::new(|| {
    serde_json::from_str(include_str!("data/signatures.json")).expect("the golden requests parse")
});

const SECRET: &str = "secret-example";
const ACCESS_KEY_ID: &str = "LTAIexample";
const UTIL_SECRET: &str = "util-secret";

/// The header that carries the hex SHA-256 of the body in V3.
const CONTENT_SHA256: &str = "x-acs-content-sha256";

fn v3_golden() -> [&'static Captured; 3] {
    [
        &GOLDEN.v3_describe_snapshots,
        &GOLDEN.v3_lock_snapshot,
        &GOLDEN.v3_form_body,
    ]
}

fn v2_golden() -> [&'static Captured; 3] {
    [
        &GOLDEN.v2_describe_snapshots,
        &GOLDEN.v2_lock_snapshot,
        &GOLDEN.v2_form_body,
    ]
}

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
            method: self.method.clone(),
            path: self.path.clone(),
            query: decode_form(&self.raw_query).expect("the captured query decodes"),
            headers: self.headers.clone(),
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
    for golden in v3_golden() {
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
    for golden in v2_golden() {
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
    let owned = GOLDEN.v3_util.owned();
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
        GOLDEN
            .v3_describe_snapshots
            .raw_query
            .contains("SnapshotName=my+snap%2A~")
    );
    let mut literal = GOLDEN.v3_describe_snapshots.owned();
    for (name, value) in &mut literal.query {
        if name == "SnapshotName" {
            assert_eq!(value, "my snap*~");
            *value = "my+snap*~".to_owned();
        }
    }
    assert_eq!(literal.check(SECRET), Err(SignatureError::Mismatch));
}

// ------------------------------------------------------------ V3 tampering

#[test]
fn v3_any_changed_query_value_or_name_is_a_mismatch() {
    for golden in v3_golden() {
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
    for golden in v3_golden() {
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
    for golden in v3_golden() {
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
    let mut extra = GOLDEN.v3_lock_snapshot.owned();
    extra
        .headers
        .push(("x-acs-action".to_owned(), "DeleteSnapshot".to_owned()));
    // Signed but now doubled: the canonical value changes.
    assert_eq!(extra.check(SECRET), Err(SignatureError::Mismatch));

    let mut unsigned = GOLDEN.v3_lock_snapshot.owned();
    unsigned
        .headers
        .push(("x-acs-resource-group".to_owned(), "rg-1".to_owned()));
    assert!(
        matches!(unsigned.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("x-acs-resource-group"))
    );

    let mut body = GOLDEN.v3_form_body.owned();
    let authorization = body
        .header_mut("authorization")
        .replace("content-type;", "");
    body.set_authorization(&authorization);
    assert!(
        matches!(body.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("content-type"))
    );

    let mut host = GOLDEN.v3_lock_snapshot.owned();
    let authorization = host.header_mut("authorization").replace(";host;", ";");
    host.set_authorization(&authorization);
    assert!(matches!(host.check(SECRET), Err(SignatureError::Malformed(m)) if m.contains("host")));
}

#[test]
fn v3_the_body_is_covered_by_its_hash() {
    let mut changed = GOLDEN.v3_form_body.owned();
    changed.body = tweak_byte(&changed.body);
    assert_eq!(
        changed.check(SECRET),
        Err(SignatureError::ContentHashMismatch)
    );

    let mut added = GOLDEN.v3_lock_snapshot.owned();
    added.body = b"Action=DeleteSnapshot".to_vec();
    assert_eq!(
        added.check(SECRET),
        Err(SignatureError::ContentHashMismatch)
    );

    let mut dropped = GOLDEN.v3_form_body.owned();
    dropped.body.clear();
    assert_eq!(
        dropped.check(SECRET),
        Err(SignatureError::ContentHashMismatch)
    );

    // A body and a hash changed together still break the signature.
    let mut both = GOLDEN.v3_form_body.owned();
    both.body = tweak_byte(&both.body);
    *both.header_mut(CONTENT_SHA256) = hex::encode(Sha256::digest(&both.body));
    assert_eq!(both.check(SECRET), Err(SignatureError::Mismatch));

    let mut missing = GOLDEN.v3_lock_snapshot.owned();
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
    for golden in v3_golden() {
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
    let owned = GOLDEN.v3_lock_snapshot.owned();
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

    let owned = GOLDEN.v2_lock_snapshot.owned();
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
    for golden in v2_golden() {
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
    let owned = GOLDEN.v2_form_body.owned();
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
    let mut owned = GOLDEN.v2_lock_snapshot.owned();
    *owned.header_mut("x-acs-action") = "DeleteSnapshot".to_owned();
    *owned.header_mut("host") = "elsewhere".to_owned();
    owned.path = "/elsewhere".to_owned();
    assert!(owned.check(SECRET).is_ok());
}

#[test]
fn v2_signature_parameters_are_checked() {
    let owned = GOLDEN.v2_lock_snapshot.owned();
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
    let plus = GOLDEN.v2_describe_snapshots.owned();
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
    let mut owned = GOLDEN.v3_lock_snapshot.owned();
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
