//! `ClientToken` and `DryRun` (issue 17, item 3).
//!
//! A retry with the same token and the same parameters answers what the
//! first request answered without acting again, across a restart; the same
//! token with anything else is refused with `IdempotentParameterMismatch`.
//! A dry run decides the request and keeps nothing: `DryRunOperation` when
//! it would be accepted, its real error when it would be refused.

use crate::common;

use common::{Client, REGION, Server, TempDir, create_disk, create_snapshot, id, lock};

/// The snapshots `client` sees.
fn snapshot_count(client: &Client<'_>) -> usize {
    client.ok("DescribeSnapshots", &[("RegionId", REGION)])["TotalCount"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_else(|| panic!("no TotalCount"))
}

#[test]
fn a_retried_create_snapshot_with_its_client_token_answers_the_first_id_and_creates_once() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let params = [("DiskId", disk.as_str()), ("ClientToken", "retry-1")];
    let first = id(&client.ok("CreateSnapshot", &params), "SnapshotId");
    let before = server.state();
    let second = id(&client.ok("CreateSnapshot", &params), "SnapshotId");
    assert_eq!(first, second);
    assert_eq!(snapshot_count(&client), 1);
    assert_eq!(server.state(), before, "the retry changed nothing");
}

#[test]
fn the_same_client_token_with_other_parameters_is_refused_and_changes_nothing() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    client.ok(
        "CreateSnapshot",
        &[("DiskId", disk.as_str()), ("ClientToken", "t-1")],
    );
    let before = server.state();
    client
        .call(
            "CreateSnapshot",
            &[
                ("DiskId", disk.as_str()),
                ("ClientToken", "t-1"),
                ("Description", "another request"),
            ],
        )
        .assert_error(400, "IdempotentParameterMismatch");
    // Another operation with the same token is another request too.
    client
        .call(
            "CreateDisk",
            &[
                ("RegionId", REGION),
                ("ZoneId", "cn-hangzhou-b"),
                ("DiskCategory", "cloud_essd"),
                ("Size", "20"),
                ("ClientToken", "t-1"),
            ],
        )
        .assert_error(400, "IdempotentParameterMismatch");
    assert_eq!(server.state(), before);
    assert_eq!(snapshot_count(&client), 1);
}

#[test]
fn a_client_token_belongs_to_its_account_and_its_caller() {
    let server = Server::in_memory();
    let first = server.default_client();
    let key = server.new_account("1000000000000002");
    let second = server.client(&key);
    let disk_1 = create_disk(&first);
    let disk_2 = create_disk(&second);
    let a = id(
        &first.ok(
            "CreateSnapshot",
            &[("DiskId", &disk_1), ("ClientToken", "same")],
        ),
        "SnapshotId",
    );
    let b = id(
        &second.ok(
            "CreateSnapshot",
            &[("DiskId", &disk_2), ("ClientToken", "same")],
        ),
        "SnapshotId",
    );
    assert_ne!(a, b, "another account's token is its own");
    // Another account retrying with the first account's parameters is not
    // answered the first account's snapshot: the disk is not its own.
    second
        .call(
            "CreateSnapshot",
            &[("DiskId", &disk_1), ("ClientToken", "same")],
        )
        .assert_error(400, "IdempotentParameterMismatch");
}

#[test]
fn a_refused_request_records_no_token_and_its_retry_is_decided_again() {
    let server = Server::with_flags(&[
        "--in-memory",
        "--manual-finish",
        "--region",
        REGION,
        "--region",
        "cn-shanghai",
    ]);
    let client = server.default_client();
    let disk = create_disk(&client);
    let snapshot = create_snapshot(&client, &disk);
    let copy = [
        ("RegionId", REGION),
        ("SnapshotId", snapshot.as_str()),
        ("DestinationRegionId", "cn-shanghai"),
        ("ClientToken", "copy-1"),
    ];
    // Still in progress: a copy is refused (COPY-1).
    let refused = client.call("CopySnapshot", &copy);
    assert_eq!(refused.status, 403, "{}", refused.text);
    server.post(
        &format!("/snapshots/{snapshot}/finish"),
        serde_json::json!({}),
    );
    let first = id(&client.ok("CopySnapshot", &copy), "SnapshotId");
    let again = id(&client.ok("CopySnapshot", &copy), "SnapshotId");
    assert_eq!(first, again);
}

#[test]
fn client_tokens_survive_a_kill_and_a_restart() {
    let dir = TempDir::new("tokens");
    let (snapshot, disk, state) = {
        let server = Server::on(dir.path());
        let client = server.default_client();
        let disk = create_disk(&client);
        let snapshot = id(
            &client.ok(
                "CreateSnapshot",
                &[("DiskId", &disk), ("ClientToken", "kept")],
            ),
            "SnapshotId",
        );
        let state = server.state();
        server.kill();
        (snapshot, disk, state)
    };
    let server = Server::on(dir.path());
    let client = server.default_client();
    let again = id(
        &client.ok(
            "CreateSnapshot",
            &[("DiskId", &disk), ("ClientToken", "kept")],
        ),
        "SnapshotId",
    );
    assert_eq!(again, snapshot);
    assert_eq!(snapshot_count(&client), 1);
    assert_eq!(server.state()["snapshots"], state["snapshots"]);
    client
        .call(
            "CreateSnapshot",
            &[
                ("DiskId", &disk),
                ("ClientToken", "kept"),
                ("SnapshotName", "other"),
            ],
        )
        .assert_error(400, "IdempotentParameterMismatch");
}

#[test]
fn concurrent_retries_with_one_token_create_one_snapshot() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let ids: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let client = server.default_client();
                    id(
                        &client.ok(
                            "CreateSnapshot",
                            &[("DiskId", &disk), ("ClientToken", "race")],
                        ),
                        "SnapshotId",
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a client thread"))
            .collect()
    });
    assert!(ids.windows(2).all(|pair| pair[0] == pair[1]), "{ids:?}");
    assert_eq!(snapshot_count(&client), 1);
}

#[test]
fn a_dry_run_that_would_be_accepted_answers_dry_run_operation_and_changes_nothing() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let snapshot = create_snapshot(&client, &disk);
    let locked = create_snapshot(&client, &disk);
    lock(&client, &locked, 1, 24);
    let image = id(
        &client.ok(
            "CreateImage",
            &[("RegionId", REGION), ("SnapshotId", &snapshot)],
        ),
        "ImageId",
    );
    let cases: [(&str, Vec<(&str, &str)>); 7] = [
        ("DescribeSnapshots", vec![("RegionId", REGION)]),
        ("DescribeLockedSnapshots", vec![("RegionId", REGION)]),
        (
            "LockSnapshot",
            vec![
                ("RegionId", REGION),
                ("SnapshotId", &snapshot),
                ("LockMode", "compliance"),
                ("LockDuration", "1"),
                ("CoolOffPeriod", "0"),
            ],
        ),
        // In its cooling-off period: unlocking would be accepted.
        (
            "UnlockSnapshot",
            vec![("RegionId", REGION), ("SnapshotId", &locked)],
        ),
        (
            "ResetDisk",
            vec![("DiskId", &disk), ("SnapshotId", &snapshot)],
        ),
        (
            "CreateImage",
            vec![("RegionId", REGION), ("SnapshotId", &snapshot)],
        ),
        (
            "DeleteImage",
            vec![("RegionId", REGION), ("ImageId", &image)],
        ),
    ];
    for (action, mut params) in cases {
        let before = server.state();
        params.push(("DryRun", "true"));
        let answer = client.call(action, &params);
        answer.assert_error(400, "DryRunOperation");
        assert_eq!(server.state(), before, "{action} kept something");
        params.pop();
        params.push(("DryRun", "false"));
        let real = client.call(action, &params);
        assert_eq!(real.status, 200, "{action} for real: {}", real.text);
    }
}

#[test]
fn a_dry_run_that_would_be_refused_answers_its_real_error() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let snapshot = create_snapshot(&client, &disk);
    lock(&client, &snapshot, 1, 0);
    let before = server.state();
    let unlock = [
        ("RegionId", REGION),
        ("SnapshotId", snapshot.as_str()),
        ("DryRun", "true"),
    ];
    let dry = client.call("UnlockSnapshot", &unlock);
    let real = client.call("UnlockSnapshot", &unlock[..2]);
    assert_eq!(real.status, 403, "{}", real.text);
    assert_eq!((dry.status, dry.code()), (real.status, real.code()));
    assert!(
        dry.json["Message"]
            .as_str()
            .is_some_and(|m| m.contains("LOCK-"))
    );
    client
        .call(
            "DeleteImage",
            &[
                ("RegionId", REGION),
                ("ImageId", "m-none"),
                ("DryRun", "true"),
            ],
        )
        .assert_error(404, "InvalidImageId.NotFound");
    assert_eq!(server.state(), before);
}

#[test]
fn a_dry_run_records_no_client_token() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let snapshot = create_snapshot(&client, &disk);
    let mut params = vec![
        ("RegionId", REGION),
        ("SnapshotId", snapshot.as_str()),
        ("LockMode", "compliance"),
        ("LockDuration", "1"),
        ("CoolOffPeriod", "0"),
        ("ClientToken", "lock-1"),
        ("DryRun", "true"),
    ];
    client
        .call("LockSnapshot", &params)
        .assert_error(400, "DryRunOperation");
    params.pop();
    let first = client.ok("LockSnapshot", &params).clone();
    let retry = client.ok("LockSnapshot", &params).clone();
    assert_eq!(first["LockedSnapshotInfo"], retry["LockedSnapshotInfo"]);
    assert_ne!(
        first["RequestId"], retry["RequestId"],
        "each answer has its own RequestId"
    );
}

#[test]
fn operations_without_dry_run_or_client_token_refuse_them_as_unknown_parameters() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let before = server.state();
    client
        .call("CreateSnapshot", &[("DiskId", &disk), ("DryRun", "true")])
        .assert_error(400, "InvalidParameter");
    client
        .call("DeleteDisk", &[("DiskId", &disk), ("ClientToken", "x")])
        .assert_error(400, "InvalidParameter");
    assert_eq!(server.state(), before);
}

#[test]
fn a_client_token_has_1_to_64_printable_ascii_characters() {
    let server = Server::in_memory();
    let client = server.default_client();
    let disk = create_disk(&client);
    let longest = "t".repeat(64);
    client.ok(
        "CreateSnapshot",
        &[("DiskId", &disk), ("ClientToken", &longest)],
    );
    let before = server.state();
    for bad in [
        "t".repeat(65),
        String::new(),
        "two words".to_owned(),
        "caf\u{e9}".to_owned(),
    ] {
        client
            .call(
                "CreateSnapshot",
                &[("DiskId", &disk), ("ClientToken", &bad)],
            )
            .assert_error(400, "InvalidParameter");
    }
    assert_eq!(server.state(), before);
    assert_eq!(snapshot_count(&client), 1);
}
