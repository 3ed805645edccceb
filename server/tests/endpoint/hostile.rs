//! A hostile request corpus against the real server: every case must get
//! the provider's JSON error (4xx, `RequestId`, `HostId`, `Code`,
//! `Message`) with its expected code, change nothing (the admin API's
//! state is equal before and after) and leave the server answering.
//!
//! The corpus is data: adding a case is one entry of [`cases`].

use crate::common;

use common::{Answer, Client, Key, REGION, Server, VERSION, create_disk, create_snapshot, lock};
use serde_json::json;

/// What the cases run against: the default account (A) with a disk and an
/// unlocked snapshot of its own, and a second account (B) with a disk, an
/// unlocked snapshot and a locked one, all three out of A's reach.
struct Ctx<'s> {
    server: &'s Server,
    a: Client<'s>,
    disk: String,
    snapshot: String,
    b_disk: String,
    b_snapshot: String,
    b_locked: String,
}

const B_ACCOUNT: &str = "1000000000000002";

impl Ctx<'_> {
    /// A request signed (v2) with A's key, sent over a raw connection
    /// (an HTTP library refuses request targets this long).
    fn call(&self, action: &str, params: &[(&str, &str)]) -> Answer {
        self.raw("POST", &self.signed_target(action, params), &[], b"")
    }

    /// A's v2-signed pairs for `action` with `params`.
    fn signed(&self, action: &str, params: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all = vec![("Action", action), ("Version", VERSION)];
        all.extend_from_slice(params);
        self.a.signed_pairs(&all)
    }

    /// A's v2-signed query for `action`, as `/?...`.
    fn signed_target(&self, action: &str, params: &[(&str, &str)]) -> String {
        format!("/?{}", common::encode_pairs(&self.signed(action, params)))
    }

    /// Sends `target` (a path and query, any bytes) with `method`.
    fn raw(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        self.server.raw(method, target.as_bytes(), headers, body)
    }

    /// Signs with another key (wrong secret, unknown id).
    fn call_as(&self, key: &Key, action: &str, params: &[(&str, &str)]) -> Answer {
        self.server.client(key).call(action, params)
    }

    /// A's signed pairs with `name` replaced by `value` after signing.
    fn tampered(&self, action: &str, params: &[(&str, &str)], name: &str, value: &str) -> Answer {
        let mut pairs = self.signed(action, params);
        for pair in &mut pairs {
            if pair.0 == name {
                pair.1 = value.to_owned();
            }
        }
        let target = format!("/?{}", common::encode_pairs(&pairs));
        self.raw("POST", &target, &[], b"")
    }

    /// A's signed request for `action` with `params`, where the values of
    /// the parameters named in `verbatim` go on the wire as they are (not
    /// percent-encoded): `%ZZ` is no escape, so the server reads it as the
    /// three characters, the value that was signed.
    fn signed_verbatim(&self, action: &str, params: &[(&str, &str)], verbatim: &[&str]) -> Answer {
        let query: Vec<String> = self
            .signed(action, params)
            .iter()
            .map(|(n, v)| match verbatim.contains(&n.as_str()) {
                true => format!("{n}={v}"),
                false => format!("{}={}", common::encode(n), common::encode(v)),
            })
            .collect();
        self.raw("POST", &format!("/?{}", query.join("&")), &[], b"")
    }

    /// A's signed request for `action` with `params` and `extra`.
    fn call_with(
        &self,
        action: &str,
        params: &[(&str, &str)],
        extra: &[(String, String)],
    ) -> Answer {
        let mut all: Vec<(&str, &str)> = params.to_vec();
        all.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        self.call(action, &all)
    }

    /// `action` with `n` parameters `P1=1..` in the query.
    fn many_params_in_query(&self, n: usize) -> Answer {
        let params: String = (0..n).map(|i| format!("&P{i}=1")).collect();
        let target = format!("{}{params}", self.signed_target("DescribeSnapshots", &[]));
        self.raw("POST", &target, &[], b"")
    }
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

fn big(bytes: usize) -> String {
    "x".repeat(bytes)
}

/// A case: what it is, the expected status and code, and the request.
type Case = (&'static str, u16, &'static str, fn(&Ctx<'_>) -> Answer);

/// The corpus, one line per case.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // Wrong types.
        ("RetentionDays=abc", 400, "InvalidParameter", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "abc")])),
        ("LockDuration=1.5", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "1.5"), ("CoolOffPeriod", "0")])),
        ("Encrypted=maybe on CreateDisk", 400, "InvalidParameter", |c| c.call("CreateDisk", &[("RegionId", REGION), ("ZoneId", "cn-hangzhou-b"), ("Size", "20"), ("Encrypted", "maybe")])),
        ("Encrypted=maybe on DescribeSnapshots", 400, "InvalidParameter", |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("Encrypted", "maybe")])),
        ("InstantAccess=2", 400, "InvalidParameter", |c| c.call("CreateSnapshot", &[("DiskId", &c.disk), ("InstantAccess", "2")])),
        ("Size=twenty", 400, "InvalidParameter", |c| c.call("CreateDisk", &[("RegionId", REGION), ("ZoneId", "cn-hangzhou-b"), ("Size", "twenty")])),
        ("LockMode=governance", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "governance"), ("LockDuration", "1"), ("CoolOffPeriod", "0")])),
        // Huge numbers.
        ("RetentionDays=10^23", 400, "InvalidParameter", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "99999999999999999999999")])),
        ("CoolOffPeriod=2^32", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "1"), ("CoolOffPeriod", "4294967296")])),
        ("LockDuration=2^64", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "18446744073709551616"), ("CoolOffPeriod", "0")])),
        ("LockDuration=36501", 400, "InvalidLockDuration.Malformed", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "36501"), ("CoolOffPeriod", "0")])),
        ("RetentionDays=65537", 400, "InvalidRetentionDays.Malformed", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "65537")])),
        ("Size=10^11", 400, "InvalidParameter", |c| c.call("CreateDisk", &[("RegionId", REGION), ("ZoneId", "cn-hangzhou-b"), ("Size", "99999999999")])),
        ("PageNumber=10^20", 400, "InvalidParameter", |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("PageNumber", "99999999999999999999")])),
        ("NextToken=10^30", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("NextToken", "1000000000000000000000000000000")])),
        // Negative numbers.
        ("RetentionDays=-1", 400, "InvalidParameter", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "-1")])),
        ("LockDuration=-1", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "-1"), ("CoolOffPeriod", "0")])),
        ("CoolOffPeriod=-24", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.snapshot), ("LockMode", "compliance"), ("LockDuration", "1"), ("CoolOffPeriod", "-24")])),
        ("Size=-20", 400, "InvalidParameter", |c| c.call("CreateDisk", &[("RegionId", REGION), ("ZoneId", "cn-hangzhou-b"), ("Size", "-20")])),
        ("MaxResults=-1", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("MaxResults", "-1")])),
        ("RetentionDays=0", 400, "InvalidRetentionDays.Malformed", |c| c.call("CreateSnapshot", &[("DiskId", &c.disk), ("RetentionDays", "0")])),
        // Another account's objects.
        ("lock B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.b_snapshot), ("LockMode", "compliance"), ("LockDuration", "1"), ("CoolOffPeriod", "0")])),
        ("unlock B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("UnlockSnapshot", &[("RegionId", REGION), ("SnapshotId", &c.b_locked)])),
        ("delete B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("DeleteSnapshot", &[("SnapshotId", &c.b_snapshot)])),
        ("delete B's locked snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("DeleteSnapshot", &[("SnapshotId", &c.b_locked)])),
        ("modify B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.b_snapshot), ("RetentionDays", "30")])),
        ("rename B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("ModifySnapshotAttribute", &[("SnapshotId", &c.b_snapshot), ("SnapshotName", "mine")])),
        ("archive B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("ModifySnapshotCategory", &[("SnapshotId", &c.b_snapshot), ("Category", "Archive")])),
        ("copy B's snapshot", 403, "InvalidSnapshotId.NotFound", |c| c.call("CopySnapshot", &[("RegionId", REGION), ("SnapshotId", &c.b_snapshot), ("DestinationRegionId", "cn-shanghai")])),
        ("reset B's disk", 404, "InvalidDiskId.NotFound", |c| c.call("ResetDisk", &[("DiskId", &c.b_disk), ("SnapshotId", &c.b_snapshot)])),
        ("reset own disk to B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("ResetDisk", &[("DiskId", &c.disk), ("SnapshotId", &c.b_snapshot)])),
        ("reinit B's disk", 404, "InvalidDiskId.NotFound", |c| c.call("ReInitDisk", &[("DiskId", &c.b_disk)])),
        ("delete B's disk", 404, "InvalidDiskId.NotFound", |c| c.call("DeleteDisk", &[("DiskId", &c.b_disk)])),
        ("modify B's disk", 404, "InvalidDiskId.NotFound", |c| c.call("ModifyDiskAttribute", &[("DiskId", &c.b_disk), ("DeleteAutoSnapshot", "false")])),
        ("snapshot B's disk", 404, "InvalidDiskId.NotFound", |c| c.call("CreateSnapshot", &[("DiskId", &c.b_disk)])),
        ("disk from B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("CreateDisk", &[("RegionId", REGION), ("ZoneId", "cn-hangzhou-b"), ("SnapshotId", &c.b_snapshot)])),
        ("image from B's snapshot", 404, "InvalidSnapshotId.NotFound", |c| c.call("CreateImage", &[("RegionId", REGION), ("SnapshotId", &c.b_snapshot)])),
        // Sizes the server can read.
        ("5 KiB parameter value", 400, "InvalidParameter", |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("SnapshotName", &big(5 * 1024))])),
        ("1 MiB parameter in a form body", 413, "InvalidParameter.TooLarge", |c| c.raw("POST", &c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]), &[FORM], format!("SnapshotName={}", big(1 << 20)).as_bytes())),
        ("1 MiB body", 413, "InvalidParameter.TooLarge", |c| c.raw("POST", &c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]), &[("content-type", "application/octet-stream")], big(1 << 20).as_bytes())),
        ("10,000 parameters in a form body", 400, "InvalidParameter.TooLarge", |c| c.raw("POST", "/", &[FORM], (0..10_000) .map(|i| format!("P{i}=1")) .collect::<Vec<_>>() .join("&") .as_bytes())),
        ("1 MiB parameter value in the query", 431, HTTP_LEVEL, |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("SnapshotName", &big(1 << 20))])),
        ("10,000 parameters in the query", 414, HTTP_LEVEL, |c| c.many_params_in_query(10_000)),
        ("1,000 parameters in the query", 400, "InvalidParameter.TooLarge", |c| c.many_params_in_query(1_000)),
        ("101 snapshot ids", 400, "InvalidParameter", |c| c.call_with("DescribeLockedSnapshots", &[("RegionId", REGION)], &(1..=101) .map(|i| (format!("SnapshotIds.{i}"), format!("s-{i}"))) .collect::<Vec<_>>())),
        // The operation and its version.
        ("unknown action", 404, "InvalidAction.NotFound", |c| c.call("DescribeInstances", &[("RegionId", REGION)])),
        ("unknown action, 2 KiB long", 404, "InvalidAction.NotFound", |c| c.call(&big(2048), &[])),
        ("action in the wrong case", 404, "InvalidAction.NotFound", |c| c.call("deletesnapshot", &[("SnapshotId", &c.snapshot)])),
        ("wrong Version", 400, "InvalidVersion", |c| c.raw("POST", &format!("/?{}", common::encode_pairs(&c.a.signed_pairs(&[("Action", "DeleteSnapshot"), ("Version", "2016-03-14"), ("SnapshotId", &c.snapshot) ])) ), &[], b"")),
        ("missing Action", 400, "MissingParameter", |c| c.raw("POST", &format!("/?{}", common::encode_pairs(&c.a.signed_pairs(&[("Version", VERSION), ("SnapshotId", &c.snapshot)]) ) ), &[], b"")),
        ("missing Version", 400, "MissingParameter", |c| c.raw("POST", &format!("/?{}", common::encode_pairs(&c.a.signed_pairs(&[("Action", "DeleteSnapshot"), ("SnapshotId", &c.snapshot) ])) ), &[], b"")),
        ("missing required SnapshotId", 400, "MissingParameter", |c| c.call("DeleteSnapshot", &[])),
        ("empty required SnapshotId", 400, "MissingParameter", |c| c.call("DeleteSnapshot", &[("SnapshotId", "")])),
        // Signatures.
        ("wrong secret", 400, "SignatureDoesNotMatch", |c| c.call_as(&Key { id: c.a.key.id.clone(), secret: "not-the-secret".into(), }, "DeleteSnapshot", &[("SnapshotId", &c.snapshot)])),
        ("parameter tampered after signing", 400, "SignatureDoesNotMatch", |c| c.tampered("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "30")], "RetentionDays", "31")),
        ("snapshot id swapped after signing", 400, "SignatureDoesNotMatch", |c| c.tampered("DeleteSnapshot", &[("SnapshotId", &c.disk)], "SnapshotId", &c.snapshot)),
        ("action swapped after signing", 400, "SignatureDoesNotMatch", |c| c.tampered("DescribeSnapshots", &[("RegionId", REGION), ("SnapshotId", &c.snapshot)], "Action", "DeleteSnapshot")),
        ("AccessKeyId swapped to B's", 400, "SignatureDoesNotMatch", |c| { let b = c.server.root_key(B_ACCOUNT).id; c.tampered("DeleteSnapshot", &[("SnapshotId", &c.b_snapshot)], "AccessKeyId", &b) }),
        ("replayed request (SignatureNonce reused)", 400, "SignatureNonceUsed", |c| { let t = c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]); c.raw("POST", &t, &[], b"").ok(); c.raw("POST", &t, &[], b"") }),
        ("unknown AccessKeyId", 404, "InvalidAccessKeyId.NotFound", |c| c.call_as(&Key { id: "LTAInobodyhasthiskey00".into(), secret: c.a.key.secret.clone(), }, "DeleteSnapshot", &[("SnapshotId", &c.snapshot)])),
        ("missing Signature", 400, "MissingSignature", |c| { let mut p = c.signed("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]); p.retain(|(n, _)| n != "Signature"); c.raw("POST", &format!("/?{}", common::encode_pairs(&p)), &[], b"") }),
        ("no credentials at all", 400, "MissingAccessKeyId", |c| c.raw("POST", &format!("/?Action=DeleteSnapshot&Version={VERSION}&SnapshotId={}", c.snapshot ), &[], b"")),
        ("Signature not base64", 400, "SignatureDoesNotMatch", |c| c.tampered("DeleteSnapshot", &[("SnapshotId", &c.snapshot)], "Signature", "!!not base64!!")),
        ("SignatureMethod HMAC-SHA256", 400, "InvalidSignatureMethod", |c| c.tampered("DeleteSnapshot", &[("SnapshotId", &c.snapshot)], "SignatureMethod", "HMAC-SHA256")),
        ("signed for POST, sent as GET", 400, "SignatureDoesNotMatch", |c| c.raw("GET", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[], b"")),
        ("garbage Authorization header", 400, "InvalidSignatureMethod", |c| c.raw("POST", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[("authorization", "garbage")], b"")),
        ("truncated V3 Authorization header", 400, "IncompleteSignature", |c| c.raw("POST", &format!("/?SnapshotId={}", c.snapshot), &[("authorization", "ACS3-HMAC-SHA256 Credential=x"), ("x-acs-action", "DeleteSnapshot"), ("x-acs-version", VERSION)], b"")),
        ("V3 with a made-up signature", 400, "IncompleteSignature", |c| c.raw("POST", &format!("/?SnapshotId={}", c.snapshot), &[("authorization", &format!("ACS3-HMAC-SHA256 Credential={},SignedHeaders=host;x-acs-action;x-acs-version,Signature=00", c.a.key.id)), ("x-acs-action", "DeleteSnapshot"), ("x-acs-version", VERSION)], b"")),
        ("two Authorization headers", 400, "IncompleteSignature", |c| c.raw("POST", "/", &[("authorization", "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00"), ("authorization", "ACS3-HMAC-SHA256 Credential=b,SignedHeaders=host,Signature=00"), ("x-acs-action", "DeleteSnapshot"), ("x-acs-version", VERSION)], b"")),
        // Malformed flattened lists and tags.
        ("SnapshotIds.0", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.0", &c.snapshot)])),
        ("SnapshotIds.1 and .3 without .2", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.1", &c.snapshot), ("SnapshotIds.3", &c.snapshot)])),
        ("SnapshotIds.1 and .01", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.1", &c.snapshot), ("SnapshotIds.01", &c.snapshot)])),
        ("SnapshotIds.x", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.x", &c.snapshot)])),
        ("SnapshotIds.1.Key", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.1.Key", &c.snapshot)])),
        ("SnapshotIds.99999999999999999999999", 400, "InvalidParameter", |c| c.call("DescribeLockedSnapshots", &[("RegionId", REGION), ("SnapshotIds.99999999999999999999999", &c.snapshot)])),
        ("SnapshotIds as a JSON object", 400, "InvalidParameter", |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("SnapshotIds", "{\"a\":1}")])),
        ("SnapshotIds as JSON and flattened", 400, "InvalidParameter", |c| c.call("DescribeSnapshots", &[("RegionId", REGION), ("SnapshotIds", "[]"), ("SnapshotIds.1", &c.snapshot)])),
        ("Tag.1.Value without Tag.1.Key", 400, "MissingParameter", |c| c.call("CreateSnapshot", &[("DiskId", &c.disk), ("Tag.1.Value", "prod")])),
        ("Tag.x.Key", 400, "InvalidParameter", |c| c.call("CreateSnapshot", &[("DiskId", &c.disk), ("Tag.x.Key", "env")])),
        ("21 tags", 400, "InvalidParameter", |c| c.call_with("CreateSnapshot", &[("DiskId", &c.disk)], &(1..=21) .map(|i| (format!("Tag.{i}.Key"), format!("k{i}"))) .collect::<Vec<_>>())),
        ("duplicate parameter names", 400, "InvalidParameter", |c| c.call("DeleteSnapshot", &[("SnapshotId", &c.snapshot), ("SnapshotId", &c.snapshot)])),
        ("duplicate between query and form body", 400, "InvalidParameter", |c| c.raw("POST", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[FORM], format!("SnapshotId={}", c.snapshot).as_bytes())),
        // Percent-encoding garbage.
        ("%ZZ in a parameter name", 400, "InvalidParameter", |c| c.signed_verbatim("DescribeSnapshots", &[("RegionId", REGION), ("%ZZ", "1")], &["%ZZ"])),
        ("%ZZ appended after signing", 400, "SignatureDoesNotMatch", |c| c.raw("POST", &format!("{}&%ZZ=1", c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]) ), &[], b"")),
        ("%ZZ in a snapshot id", 404, "InvalidSnapshotId.NotFound", |c| c.signed_verbatim("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", "s-%ZZ"), ("LockMode", "compliance"), ("LockDuration", "1"), ("CoolOffPeriod", "0")], &["SnapshotId"])),
        ("%ZZ as a number", 400, "InvalidParameter", |c| c.signed_verbatim("ModifySnapshotAttribute", &[("SnapshotId", &c.snapshot), ("RetentionDays", "%ZZ")], &["RetentionDays"])),
        ("%FF (invalid UTF-8) in the query", 400, "InvalidParameter", |c| c.raw("POST", &format!("{}&SnapshotName=%FF", c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]) ), &[], b"")),
        ("%C3%28 (invalid UTF-8) in a name", 400, "InvalidParameter", |c| c.raw("POST", &format!("{}&%C3%28=1", c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]) ), &[], b"")),
        ("%FF in a form body", 400, "IncompleteSignature", |c| c.raw("POST", &c.signed_target("DescribeSnapshots", &[("RegionId", REGION)]), &[FORM], b"SnapshotName=%FF")),
        ("a lone % at the end", 400, "SignatureDoesNotMatch", |c| c.raw("POST", &format!("{}%", c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]) ), &[], b"")),
        ("%00 in a snapshot id", 404, "InvalidSnapshotId.NotFound", |c| c.call("DeleteSnapshot", &[("SnapshotId", "s-\u{0}")])),
        // Parameters the operation does not take.
        ("Foo=1", 400, "InvalidParameter", |c| c.call("DeleteSnapshot", &[("SnapshotId", &c.snapshot), ("Foo", "1")])),
        ("OwnerId=1", 400, "InvalidParameter", |c| c.call("DeleteSnapshot", &[("SnapshotId", &c.snapshot), ("OwnerId", "1")])),
        ("DryRun=maybe", 400, "InvalidParameter", |c| c.call("DeleteImage", &[("RegionId", REGION), ("ImageId", "m-none"), ("DryRun", "maybe")])),
        ("ClientToken too long", 400, "InvalidParameter", |c| c.call("LockSnapshot", &[("RegionId", REGION), ("SnapshotId", "s-none"), ("LockMode", "compliance"), ("LockDuration", "1"), ("ClientToken", &"t".repeat(65))])),
        ("an empty parameter name", 400, "InvalidParameter", |c| c.raw("POST", &format!("{}&=1", c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]) ), &[], b"")),
        // Bodies and methods.
        ("empty form body, no parameters", 400, "MissingParameter", |c| c.raw("POST", "/", &[FORM], b"")),
        ("a JSON body", 400, "InvalidParameter", |c| c.raw("POST", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[("content-type", "application/json")], b"{\"SnapshotId\":\"s-1\"}")),
        ("PUT", 405, "UnsupportedHTTPMethod", |c| c.raw("PUT", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[], b"")),
        ("DELETE", 405, "UnsupportedHTTPMethod", |c| c.raw("DELETE", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[], b"")),
        ("PATCH", 405, "UnsupportedHTTPMethod", |c| c.raw("PATCH", &c.signed_target("DeleteSnapshot", &[("SnapshotId", &c.snapshot)]), &[], b"")),
        // The admin API's own refusals change nothing either.
        ("admin: clock backwards", 400, "InvalidParameter.Clock", |c| c.server .admin("POST", "/clock/advance", Some(&json!({ "seconds": -3600 })))),
        ("admin: clock to the past", 400, "InvalidParameter.Clock", |c| c.server.admin("POST", "/clock/advance", Some(&json!({ "to": "2000-01-01T00:00:00Z" })))),
        ("admin: clock overflow", 400, "InvalidParameter", |c| c.server .admin("POST", "/clock/advance", Some(&json!({ "days": i64::MAX })))),
        ("admin: two amounts", 400, "InvalidParameter", |c| c.server.admin("POST", "/clock/advance", Some(&json!({ "days": 1, "hours": 1 })))),
        ("admin: body not JSON", 400, "InvalidParameter.Body", |c| c.server.send("POST", "/_snapguard/clock/advance", &[("content-type", "application/json")], b"{days: 1")),
        ("admin: unknown field", 400, "InvalidParameter.Body", |c| c.server.admin("POST", "/accounts", Some(&json!({ "account_id": "1000000000000003", "owner": "me" })))),
        ("admin: account twice", 409, "EntityAlreadyExists", |c| c.server.admin("POST", "/accounts", Some(&json!({ "account_id": B_ACCOUNT })))),
        ("admin: unknown route", 404, "InvalidAction.NotFound", |c| c.server.admin("POST", "/nothing-here", Some(&json!({})))),
    ]
}

/// Starts a server with the objects the cases aim at.
fn setup(server: &Server) -> Ctx<'_> {
    let a = server.default_client();
    let b_key = server.new_account(B_ACCOUNT);
    let b = server.client(&b_key);
    let disk = create_disk(&a);
    let snapshot = create_snapshot(&a, &disk);
    let b_disk = create_disk(&b);
    let b_snapshot = create_snapshot(&b, &b_disk);
    let b_locked = create_snapshot(&b, &b_disk);
    lock(&b, &b_locked, 30, 24);
    Ctx {
        server,
        a,
        disk,
        snapshot,
        b_disk,
        b_snapshot,
        b_locked,
    }
}

/// Runs `case`, returning what was wrong with its answer, if anything.
/// The expected code of a request refused by the HTTP layer before the
/// API sees it: a request line over 64 KiB (414) or headers over hyper's
/// buffer (431) get the bare status, as from any HTTP front end; the README
/// says so. The state must still be unchanged and the server up.
const HTTP_LEVEL: &str = "(refused by HTTP, no body)";

fn check(ctx: &Ctx<'_>, case: &Case) -> Option<String> {
    let (name, status, code, send) = case;
    let before = ctx.server.state();
    let answer = send(ctx);
    let after = ctx.server.state();
    let mut wrong = Vec::new();
    let json_error = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("application/json"))
        && ["RequestId", "HostId", "Code", "Message"]
            .iter()
            .all(|f| answer.json[f].as_str().is_some_and(|v| !v.is_empty()));
    if !json_error && *code != HTTP_LEVEL {
        wrong.push("not the provider's JSON error body".to_owned());
    }
    // An empty expected code accepts any code in the provider's style.
    let code_differs = !code.is_empty() && *code != HTTP_LEVEL && answer.code() != *code;
    if answer.status != *status || code_differs {
        wrong.push(format!("expected {status} {code}"));
    }
    if before != after {
        wrong.push("the state changed".to_owned());
    }
    if !ctx.server.healthy() {
        wrong.push("the server stopped answering".to_owned());
    }
    (!wrong.is_empty()).then(|| {
        let body: String = answer.text.chars().take(300).collect();
        format!("{name}: {}; got {} {body}", wrong.join(", "), answer.status)
    })
}

/// Cases the server is known to answer wrongly today (reported to the
/// server's owners). The test fails when one of them starts passing, so
/// that it is removed from here and guards the fix from then on.
const KNOWN_BUGS: &[&str] = &[];

#[test]
fn the_hostile_corpus_gets_provider_errors_and_changes_nothing() {
    let server = Server::in_memory();
    let ctx = setup(&server);
    let all = cases();
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for case in &all {
        match (check(&ctx, case), KNOWN_BUGS.contains(&case.0)) {
            (Some(failure), false) => failures.push(failure),
            (Some(failure), true) => eprintln!("known bug, still there: {failure}"),
            (None, true) => fixed.push(case.0),
            (None, false) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(fixed.is_empty(), "fixed, remove from KNOWN_BUGS: {fixed:?}");
    assert!(
        KNOWN_BUGS
            .iter()
            .all(|name| all.iter().any(|c| c.0 == *name))
    );
}

#[test]
fn another_accounts_objects_are_not_described() {
    let server = Server::in_memory();
    let ctx = setup(&server);
    let ids = serde_json::to_string(&[&ctx.b_snapshot, &ctx.b_locked]).expect("JSON");
    for params in [
        vec![("RegionId", REGION)],
        vec![("RegionId", REGION), ("SnapshotIds", ids.as_str())],
        vec![("RegionId", REGION), ("DiskId", ctx.b_disk.as_str())],
    ] {
        let found = ctx.a.ok("DescribeSnapshots", &params);
        let text = found.to_string();
        assert!(
            !text.contains(&ctx.b_snapshot) && !text.contains(&ctx.b_locked),
            "{text}"
        );
    }
    for params in [
        vec![("RegionId", REGION)],
        vec![
            ("RegionId", REGION),
            ("SnapshotIds.1", ctx.b_locked.as_str()),
        ],
        vec![("RegionId", REGION), ("LockStatus", "compliance-cooloff")],
    ] {
        let found = ctx.a.ok("DescribeLockedSnapshots", &params);
        assert_eq!(found["LockedSnapshotsInfo"], json!([]), "{found}");
    }
    // B sees its own.
    let b = server.client(&server.root_key(B_ACCOUNT));
    let own = b.ok("DescribeLockedSnapshots", &[("RegionId", REGION)]);
    assert!(own.to_string().contains(&ctx.b_locked));
}

/// A deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> usize {
        usize::try_from(self.next() % n).unwrap_or(0)
    }
}

/// Bytes a request target may carry as they are (RFC 3986 query
/// characters); every other byte goes percent-encoded.
fn is_query_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte)
}

/// Random bytes as a query string: raw query characters, arbitrary
/// `%XX` escapes (invalid UTF-8 included), pieces of real parameter names.
fn random_query(rng: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "Action=",
        "Version=2014-05-26",
        "AccessKeyId=",
        "Signature=",
        "SignatureMethod=HMAC-SHA1",
        "SnapshotIds.",
        "Tag.1.Key=",
        "RegionId=cn-hangzhou",
        "&",
        "=",
        "%",
        "+",
        "LockDuration=",
        "DeleteSnapshot",
        "LockSnapshot",
        "SnapshotIds=%5B",
        "%22",
        ".0",
        ".1",
        "%FF",
        "%00",
    ];
    let mut query = String::new();
    for _ in 0..rng.below(120) {
        match rng.below(4) {
            0 => query.push_str(WORDS[rng.below(WORDS.len() as u64)]),
            1 => query.push_str(&format!("%{:02X}", rng.below(256))),
            _ => {
                let byte = u8::try_from(rng.below(256)).unwrap_or(0);
                if is_query_byte(byte) {
                    query.push(char::from(byte));
                } else {
                    query.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    query
}

#[test]
fn random_query_strings_get_provider_errors_and_the_server_stays_up() {
    let server = Server::in_memory();
    let ctx = setup(&server);
    let before = server.state();
    let mut rng = Rng(0x5EED_F00D_5AF3_0064);
    let mut failures = Vec::new();
    for round in 0..300 {
        let query = random_query(&mut rng);
        // A third of them follow a valid signed envelope, to get past it.
        let target = match round % 3 {
            0 => format!(
                "{}&{query}",
                ctx.signed_target("DescribeSnapshots", &[("RegionId", REGION)])
            ),
            _ => format!("/?{query}"),
        };
        let method = ["POST", "GET"][round % 2];
        let answer = server.raw(method, target.as_bytes(), &[], b"");
        let json_error = answer
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/json"))
            && answer.json["Code"].as_str().is_some_and(|c| !c.is_empty());
        if !(400..500).contains(&answer.status) || !json_error {
            failures.push(format!(
                "{method} {target:?}: {} {}",
                answer.status, answer.text
            ));
        }
    }
    assert!(server.healthy());
    assert_eq!(before, server.state(), "random requests changed the state");
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Bytes no URI may hold, sent as they are: the HTTP layer refuses them
    // (its own answer); the server must stay up.
    for _ in 0..50 {
        let mut target = b"/?".to_vec();
        for _ in 0..rng.below(64) {
            target.push(u8::try_from(rng.below(256)).unwrap_or(0));
        }
        target.retain(|b| !b" \r\n".contains(b));
        if let Some(answer) = server.try_raw("POST", &target, &[], b"") {
            assert!(answer.status < 500, "{target:?}: {answer:?}");
        }
    }
    assert!(server.healthy());
    assert_eq!(before, server.state());
}
