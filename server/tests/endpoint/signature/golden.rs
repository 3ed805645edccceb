//! The requests the SDK sent verify as they are.

use snapguard_server::signature::{Claim, Scheme, SignatureError};

use super::captured::{ACCESS_KEY_ID, GOLDEN, SECRET, UTIL_SECRET, v2_golden, v3_golden};

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
