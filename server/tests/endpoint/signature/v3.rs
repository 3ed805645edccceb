//! V3 (`ACS3-HMAC-SHA256`): every change to what the signature covers is
//! refused.

use sha2::{Digest, Sha256};
use snapguard_server::signature::{Claim, Scheme, SignatureError, verify};

use super::captured::{ACCESS_KEY_ID, GOLDEN, SECRET, tweak, tweak_byte, v3_golden};

/// The header that carries the hex SHA-256 of the body in V3.
const CONTENT_SHA256: &str = "x-acs-content-sha256";

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
