//! Request parsing through the real server: the two signature envelopes,
//! the SDK's booleans, lists as JSON arrays and flattened, pagination and
//! tags.

use crate::common;

use std::collections::BTreeSet;

use common::{REGION, Server, create_disk, create_snapshot, lock, pairs};
use serde_json::Value;

/// The snapshot ids of a `DescribeSnapshots` answer, in order.
fn snapshot_ids(body: &Value) -> Vec<String> {
    body["Snapshots"]["Snapshot"]
        .as_array()
        .unwrap_or_else(|| panic!("no Snapshots.Snapshot in {body}"))
        .iter()
        .map(|s| s["SnapshotId"].as_str().expect("an id").to_owned())
        .collect()
}

/// The snapshot ids of a `DescribeLockedSnapshots` answer, in order.
fn locked_ids(body: &Value) -> Vec<String> {
    body["LockedSnapshotsInfo"]
        .as_array()
        .unwrap_or_else(|| panic!("no LockedSnapshotsInfo in {body}"))
        .iter()
        .map(|s| s["SnapshotId"].as_str().expect("an id").to_owned())
        .collect()
}

/// `[a, b]` as the JSON array some operations take in one parameter.
fn json_array(ids: &[&String]) -> String {
    serde_json::to_string(ids).expect("JSON")
}

#[test]
fn v3_takes_the_action_from_the_headers_and_v2_from_the_parameters() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let snapshot = create_snapshot(&client, &disk);
    let params = [("RegionId", REGION), ("DiskId", disk.as_str())];

    let v2 = client.ok("DescribeSnapshots", &params);
    let v3 = client.call_v3("DescribeSnapshots", &params);
    let v3 = v3.ok();
    assert_eq!(snapshot_ids(&v2), std::slice::from_ref(&snapshot));
    assert_eq!(snapshot_ids(v3), std::slice::from_ref(&snapshot));
    assert_eq!(v2["Snapshots"], v3["Snapshots"]);
    assert_ne!(v2["RequestId"], v3["RequestId"]);

    // A V3 request that also names an Action in the query must agree with
    // its signed header.
    let mut query = pairs(&params);
    query.push(("Action".into(), "DeleteSnapshot".into()));
    let contradicting = client.send_v3(
        "POST",
        &query,
        &[
            ("x-acs-action", "DescribeSnapshots"),
            ("x-acs-version", common::VERSION),
        ],
    );
    contradicting.assert_error(400, "InvalidParameter");
    // A V3 request without the action header names no operation.
    let headless = client.send_v3(
        "POST",
        &pairs(&params),
        &[("x-acs-version", common::VERSION)],
    );
    headless.assert_error(400, "MissingParameter");

    // A legacy request cannot name its operation in an (unsigned) header.
    let signed = client.signed_pairs(&[
        ("Version", common::VERSION),
        ("RegionId", REGION),
        ("DiskId", &disk),
    ]);
    let target = format!("/?{}", common::encode_pairs(&signed));
    let headers_only = server.send(
        "POST",
        &target,
        &[("x-acs-action", "DescribeSnapshots")],
        b"",
    );
    headers_only.assert_error(400, "MissingParameter");
    assert!(
        headers_only.json["Message"]
            .as_str()
            .unwrap_or("")
            .contains("Action")
    );

    // The v2 envelope sent as a form body is read as well.
    let mut all = pairs(&[
        ("Action", "DescribeSnapshots"),
        ("Version", common::VERSION),
    ]);
    all.extend(pairs(&params));
    let signed = common::sign_v2(&client.key, "POST", all);
    let form = server.send(
        "POST",
        "/",
        &[("content-type", "application/x-www-form-urlencoded")],
        common::encode_pairs(&signed).as_bytes(),
    );
    assert_eq!(snapshot_ids(form.ok()), [snapshot]);
}

#[test]
fn booleans_arrive_as_true_and_false_in_any_case() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let instant = client.ok(
        "CreateSnapshot",
        &[("DiskId", &disk), ("InstantAccess", "True")],
    );
    let instant = common::id(&instant, "SnapshotId");
    let plain = client.ok(
        "CreateSnapshot",
        &[("DiskId", &disk), ("InstantAccess", "false")],
    );
    let plain = common::id(&plain, "SnapshotId");
    let described = client.ok("DescribeSnapshots", &[("RegionId", REGION)]);
    for snapshot in described["Snapshots"]["Snapshot"]
        .as_array()
        .expect("a list")
    {
        let expected = snapshot["SnapshotId"] == instant.as_str();
        assert_eq!(
            snapshot["InstantAccess"],
            Value::Bool(expected),
            "{snapshot}"
        );
    }
    assert_eq!(snapshot_ids(&described).len(), 2);

    for (encrypted, expected) in [("False", 2), ("FALSE", 2), ("True", 0), ("true", 0)] {
        let found = client.ok(
            "DescribeSnapshots",
            &[("RegionId", REGION), ("Encrypted", encrypted)],
        );
        assert_eq!(
            snapshot_ids(&found).len(),
            expected,
            "Encrypted={encrypted}"
        );
    }
    for flag in ["False", "True", "false", "true"] {
        client.ok(
            "ModifyDiskAttribute",
            &[("DiskId", &disk), ("DeleteAutoSnapshot", flag)],
        );
    }
    for bad in ["yes", "1", "Truee", " true"] {
        client
            .call(
                "DescribeSnapshots",
                &[("RegionId", REGION), ("Encrypted", bad)],
            )
            .assert_error(400, "InvalidParameter");
    }
    assert!(plain.starts_with("s-"));
}

#[test]
fn snapshot_ids_as_a_json_array_and_flattened() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let ids: Vec<String> = (0..4).map(|_| create_snapshot(&client, &disk)).collect();
    for id in &ids {
        lock(&client, id, 30, 0);
    }

    // DescribeSnapshots: SnapshotIds is one JSON array.
    let two = json_array(&[&ids[0], &ids[2]]);
    let found = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("SnapshotIds", &two)],
    );
    let found: BTreeSet<String> = snapshot_ids(&found).into_iter().collect();
    assert_eq!(found, BTreeSet::from([ids[0].clone(), ids[2].clone()]));
    assert_eq!(found.len(), 2);
    let one = json_array(&[&ids[3]]);
    let found = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("SnapshotIds", &one)],
    );
    assert_eq!(snapshot_ids(&found), [ids[3].clone()]);
    client
        .call(
            "DescribeSnapshots",
            &[("RegionId", REGION), ("SnapshotIds", "s-1,s-2")],
        )
        .assert_error(400, "InvalidParameter");

    // DescribeLockedSnapshots: SnapshotIds.N, numbered from 1.
    let found = client.ok(
        "DescribeLockedSnapshots",
        &[
            ("RegionId", REGION),
            ("SnapshotIds.1", &ids[1]),
            ("SnapshotIds.2", &ids[3]),
        ],
    );
    let found: BTreeSet<String> = locked_ids(&found).into_iter().collect();
    assert_eq!(found, BTreeSet::from([ids[1].clone(), ids[3].clone()]));
    let found = client.ok(
        "DescribeLockedSnapshots",
        &[("RegionId", REGION), ("SnapshotIds.1", &ids[0])],
    );
    assert_eq!(locked_ids(&found), [ids[0].clone()]);
    let all = client.ok("DescribeLockedSnapshots", &[("RegionId", REGION)]);
    assert_eq!(locked_ids(&all).len(), 4);
    for info in all["LockedSnapshotsInfo"].as_array().expect("a list") {
        assert_eq!(info["LockMode"], "compliance");
        assert_eq!(info["LockDuration"], 30);
        assert_eq!(info["CoolOffPeriod"], 0);
        assert_eq!(info["LockStatus"], "compliance");
    }
}

#[test]
fn pagination_by_token_and_by_page_number() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let ids: BTreeSet<String> = (0..7).map(|_| create_snapshot(&client, &disk)).collect();
    for id in &ids {
        lock(&client, id, 7, 0);
    }

    // PageNumber/PageSize on DescribeSnapshots: three pages of 3, 3, 1.
    let mut seen = Vec::new();
    for (page, size) in [(1, 3), (2, 3), (3, 1)] {
        let body = client.ok(
            "DescribeSnapshots",
            &[
                ("RegionId", REGION),
                ("PageNumber", &page.to_string()),
                ("PageSize", "3"),
            ],
        );
        assert_eq!(body["TotalCount"], 7);
        assert_eq!(body["PageNumber"], page);
        assert_eq!(body["PageSize"], 3);
        let items = snapshot_ids(&body);
        assert_eq!(items.len(), size, "page {page}: {body}");
        seen.extend(items);
    }
    let past = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("PageNumber", "4"), ("PageSize", "3")],
    );
    assert!(snapshot_ids(&past).is_empty());
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), ids);
    assert_eq!(seen.len(), 7);

    // MaxResults/NextToken on DescribeLockedSnapshots.
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let mut params = vec![("RegionId", REGION), ("MaxResults", "2")];
        if !token.is_empty() {
            params.push(("NextToken", &token));
        }
        let body = client.ok("DescribeLockedSnapshots", &params);
        assert_eq!(body["MaxResults"], 2);
        let items = locked_ids(&body);
        assert!(items.len() <= 2, "{body}");
        seen.extend(items);
        pages += 1;
        token = body["NextToken"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            break;
        }
        assert!(pages < 10, "the pagination does not end");
    }
    assert_eq!(pages, 4);
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), ids);

    // MaxResults on DescribeSnapshots too.
    let first = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("MaxResults", "5")],
    );
    assert_eq!(snapshot_ids(&first).len(), 5);
    let next = first["NextToken"].as_str().expect("a token").to_owned();
    assert!(!next.is_empty());
    let rest = client.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", REGION),
            ("MaxResults", "5"),
            ("NextToken", &next),
        ],
    );
    assert_eq!(snapshot_ids(&rest).len(), 2);

    // Mixing the two styles, a token not given out, sizes out of range.
    for bad in [
        vec![("MaxResults", "2"), ("PageNumber", "1")],
        vec![("NextToken", "not-a-token")],
        vec![("NextToken", "1000")],
        vec![("MaxResults", "0")],
        vec![("MaxResults", "101")],
        vec![("PageSize", "0")],
        vec![("PageNumber", "0")],
    ] {
        let mut params = vec![("RegionId", REGION)];
        params.extend(bad.iter().copied());
        for action in ["DescribeSnapshots", "DescribeLockedSnapshots"] {
            client
                .call(action, &params)
                .assert_error(400, "InvalidParameter");
        }
    }
}

#[test]
fn tags_as_tag_n_key_and_value() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let tagged = client.ok(
        "CreateSnapshot",
        &[
            ("DiskId", &disk),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "prod"),
            ("Tag.2.Key", "team"),
        ],
    );
    let tagged = common::id(&tagged, "SnapshotId");
    let other = client.ok(
        "CreateSnapshot",
        &[
            ("DiskId", &disk),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "dev"),
        ],
    );
    let other = common::id(&other, "SnapshotId");

    let found = client.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", REGION),
            ("SnapshotIds", &json_array(&[&tagged])),
        ],
    );
    let tags = found["Snapshots"]["Snapshot"][0]["Tags"]["Tag"].clone();
    let tags: BTreeSet<(String, String)> = tags
        .as_array()
        .expect("a tag list")
        .iter()
        .map(|t| {
            (
                t["TagKey"].as_str().unwrap_or_default().to_owned(),
                t["TagValue"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        BTreeSet::from([
            ("env".to_owned(), "prod".to_owned()),
            ("team".to_owned(), String::new())
        ])
    );

    // Filtering by tag: key and value, or key alone.
    let prod = client.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", REGION),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "prod"),
        ],
    );
    assert_eq!(snapshot_ids(&prod), std::slice::from_ref(&tagged));
    let env: BTreeSet<String> = snapshot_ids(&client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("Tag.1.Key", "env")],
    ))
    .into_iter()
    .collect();
    assert_eq!(env, BTreeSet::from([tagged.clone(), other]));
    let team = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("Tag.1.Key", "team")],
    );
    assert_eq!(snapshot_ids(&team), [tagged]);

    // Tags numbered with a gap, a value without its key, a key given twice.
    for bad in [
        vec![("Tag.2.Key", "a")],
        vec![("Tag.1.Key", "a"), ("Tag.3.Key", "b")],
        vec![("Tag.1.Key", "a"), ("Tag.2.Key", "a")],
        vec![("Tag.1.Name", "a")],
    ] {
        let mut params = vec![("DiskId", disk.as_str())];
        params.extend(bad.iter().copied());
        client
            .call("CreateSnapshot", &params)
            .assert_error(400, "InvalidParameter");
    }
    client
        .call("CreateSnapshot", &[("DiskId", &disk), ("Tag.1.Value", "v")])
        .assert_error(400, "MissingParameter");
    let count = client.ok("DescribeSnapshots", &[("RegionId", REGION)]);
    assert_eq!(count["TotalCount"], 2);
}

/// The admin API names the regions, accounts and users it creates; naming
/// `snapguard::MINT` (`"~"`) lets the model mint the id, and the answer
/// (and the access key) carries the id minted, not `"~"`.
#[test]
fn admin_creations_named_mint_answer_the_minted_id() {
    let server = Server::in_memory();
    let region = server.post("/regions", serde_json::json!({ "region_id": "~" }));
    let region = region["region_id"]
        .as_str()
        .expect("a region id")
        .to_owned();
    assert!(region.starts_with("region-~"), "{region}");
    let account = server.post("/accounts", serde_json::json!({ "account_id": "~" }));
    let account_id = account["account_id"]
        .as_str()
        .expect("an account id")
        .to_owned();
    assert!(account_id.starts_with("acct-~"), "{account_id}");
    assert_ne!(account_id, region);
    // The key is the minted account's: it signs for it.
    let key = server.root_key(&account_id);
    assert_eq!(key.id, account["access_key_id"].as_str().unwrap());
    let client = server.client(&key);
    let disk = create_disk(&client);
    assert!(!disk.is_empty());
    let user = server.post(
        &format!("/accounts/{account_id}/users"),
        serde_json::json!({ "user_name": "~", "policy": { "Statement": [] } }),
    );
    let user = user["user_name"].as_str().expect("a user name");
    assert!(user.starts_with("user-~"), "{user}");
}
