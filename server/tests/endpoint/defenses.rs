//! The defences an attacker's review asked for, each shown holding:
//! a RAM user's Deny holds on what the server keeps beside the state
//! (PERM-1), another account's objects look exactly like ids that name
//! nothing (PERM-4), a signed request is good once and only when fresh,
//! and the admin API refuses what a web page could send it.

use crate::common;

use common::{Key, REGION, Server, create_disk, create_snapshot};
use serde_json::json;

/// A RAM user allowed everything on ECS but what `denied` names.
fn user_denied(server: &Server, denied: &[&str]) -> Key {
    let body = server.post(
        "/accounts/1000000000000001/users",
        json!({
            "user_name": "ops",
            "policy": {"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": ["ecs:*"], "Resource": ["*"]},
                {"Effect": "Deny", "Action": denied, "Resource": ["*"]},
            ]},
        }),
    );
    Key {
        id: body["access_key_id"].as_str().unwrap().to_owned(),
        secret: body["access_key_secret"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn perm1_a_user_denied_modify_disk_attribute_cannot_have_automatic_snapshots_released() {
    let server = Server::in_memory();
    let root = server.default_client();
    let disk = create_disk(&root);
    let automatic = server.post(&format!("/disks/{disk}/automatic-snapshots"), json!({}));
    let automatic = automatic["snapshot_id"].as_str().unwrap().to_owned();
    root.ok(
        "ModifyDiskAttribute",
        &[("DiskId", &disk), ("DeleteAutoSnapshot", "false")],
    );
    let ops = user_denied(&server, &["ecs:ModifyDiskAttribute", "ecs:DeleteSnapshot"]);
    let ops = server.client(&ops);

    let before = server.state();
    let refused = ops.call(
        "ModifyDiskAttribute",
        &[("DiskId", &disk), ("DeleteAutoSnapshot", "true")],
    );
    refused.assert_error(403, "Forbidden.RAM");
    assert!(
        refused.json["Message"]
            .as_str()
            .unwrap()
            .starts_with("PERM-1")
    );
    assert_eq!(server.state(), before, "a refused request changes nothing");

    // Releasing the disk is allowed, and keeps the automatic snapshot as the
    // owner chose.
    ops.ok("DeleteDisk", &[("DiskId", &disk)]);
    let listed = root.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", REGION),
            ("SnapshotIds", &format!("[\"{automatic}\"]")),
        ],
    );
    assert_eq!(listed["TotalCount"], 1, "{listed}");
}

#[test]
fn perm1_a_user_denied_describe_snapshots_or_modify_snapshot_attribute_is_refused() {
    let server = Server::in_memory();
    let root = server.default_client();
    let snapshot = create_snapshot(&root, &create_disk(&root));
    let ops = user_denied(
        &server,
        &["ecs:DescribeSnapshots", "ecs:ModifySnapshotAttribute"],
    );
    let ops = server.client(&ops);
    let before = server.state();
    ops.call("DescribeSnapshots", &[("RegionId", REGION)])
        .assert_error(403, "Forbidden.RAM");
    ops.call(
        "ModifySnapshotAttribute",
        &[("SnapshotId", &snapshot), ("SnapshotName", "pwned")],
    )
    .assert_error(403, "Forbidden.RAM");
    assert_eq!(server.state(), before);
    let shown = root.ok("DescribeSnapshots", &[("RegionId", REGION)]);
    assert_eq!(shown["Snapshots"]["Snapshot"][0]["SnapshotName"], "");
}

#[test]
fn perm1_a_denied_user_learns_nothing_from_counts_or_pages_past_the_end() {
    let server = Server::in_memory();
    let root = server.default_client();
    let snapshot = create_snapshot(&root, &create_disk(&root));
    root.ok(
        "ModifySnapshotAttribute",
        &[("SnapshotId", &snapshot), ("SnapshotName", "secret-name")],
    );
    let ops = server.client(&user_denied(&server, &["ecs:DescribeSnapshots"]));
    for params in [
        vec![("PageNumber", "1000")],
        vec![("SnapshotName", "secret-name"), ("PageNumber", "1000")],
        vec![("NextToken", "1"), ("MaxResults", "10")],
    ] {
        let mut params = params;
        params.push(("RegionId", REGION));
        ops.call("DescribeSnapshots", &params)
            .assert_error(403, "Forbidden.RAM");
    }
    // Nothing matches: nothing to hide, an empty answer.
    let none = ops.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("SnapshotName", "no-such-name")],
    );
    assert_eq!(none["TotalCount"], 0);
}

#[test]
fn perm4_another_accounts_snapshot_is_answered_exactly_as_an_unknown_id() {
    let server = Server::in_memory();
    let owner = server.default_client();
    let theirs = create_snapshot(&owner, &create_disk(&owner));
    let other = server.new_account("2000000000000002");
    let other = server.client(&other);
    let made_up = "s-doesnotexist000000";
    for (action, extra) in [
        ("DeleteSnapshot", vec![]),
        ("ModifySnapshotAttribute", vec![("SnapshotName", "x-name")]),
        ("UnlockSnapshot", vec![("RegionId", REGION)]),
    ] {
        let answer = |id: &str| {
            let mut params = vec![("SnapshotId", id)];
            params.extend(extra.iter().copied());
            other.call(action, &params)
        };
        let (foreign, unknown) = (answer(&theirs), answer(made_up));
        assert_eq!(
            (foreign.status, foreign.code()),
            (unknown.status, unknown.code()),
            "{action}"
        );
        let message = foreign.json["Message"].as_str().unwrap();
        assert_eq!(
            message.replace(&theirs, "ID"),
            unknown.json["Message"]
                .as_str()
                .unwrap()
                .replace(made_up, "ID")
        );
        assert!(
            !message.contains("1000000000000001"),
            "{action} names the owner: {message}"
        );
    }
}

#[test]
fn a_signed_request_is_good_once_and_only_while_fresh() {
    let server = Server::in_memory();
    let client = server.default_client();
    let pairs = client.signed_pairs(&[
        ("Action", "DescribeSnapshots"),
        ("Version", common::VERSION),
        ("RegionId", REGION),
    ]);
    let query = common::encode_pairs(&pairs);
    let first = server.send("POST", &format!("/?{query}"), &[], b"");
    assert_eq!(first.status, 200, "{}", first.text);
    let again = server.send("POST", &format!("/?{query}"), &[], b"");
    again.assert_error(400, "SignatureNonceUsed");
}

#[test]
fn the_admin_api_refuses_what_a_web_page_could_send() {
    let server = Server::in_memory();
    let before = server.state();
    let from_page = server.send(
        "POST",
        "/_snapguard/clock/advance",
        &[
            ("origin", "https://evil.example.com"),
            ("content-type", "text/plain"),
        ],
        br#"{"days": 3650}"#,
    );
    from_page.assert_error(403, "Forbidden.AdminRequest");
    let rebound = server.send(
        "GET",
        "/_snapguard/accounts/1000000000000001",
        &[("host", "evil.example.com:8765")],
        b"",
    );
    rebound.assert_error(403, "Forbidden.AdminRequest");
    assert!(!rebound.text.contains("access_key_secret"));
    assert_eq!(server.state(), before);
}
