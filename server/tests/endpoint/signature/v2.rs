//! Legacy v2 (`HMAC-SHA1`): every change to what the signature covers is
//! refused, and what it does not cover may change.

use snapguard_server::signature::{SignatureError, decode_form};

use super::captured::{GOLDEN, SECRET, tweak, tweak_byte, v2_golden};

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
