//! Killing the server (SIGKILL) right after an acknowledged request loses
//! nothing that was acknowledged, and keeps nothing that was refused: a
//! new server on the same data directory shows the same snapshots, the
//! same locks, the same state, and a clock that did not go back.

use crate::common;

use chrono::{DateTime, Utc};
use common::{Client, REGION, Server, TempDir, all_snapshots, create_disk, create_snapshot, lock};
use serde_json::{Value, json};

/// What the killed server had acknowledged, as its clients saw it.
#[derive(Debug)]
struct Seen {
    /// `GET /_snapguard/state`, without its `clock` (the instant of the
    /// latest transaction, which a new server's first one moves on).
    state: Value,
    /// The state's clock.
    state_clock: DateTime<Utc>,
    /// `DescribeSnapshots`' snapshots, newest first.
    snapshots: Vec<Value>,
    /// `DescribeLockedSnapshots`' locks.
    locks: Vec<Value>,
    /// `GET /_snapguard/clock`.
    now: DateTime<Utc>,
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("an instant: {value}"))
}

/// Every lock of the account, through `DescribeLockedSnapshots` pages.
fn all_locks(client: &Client<'_>) -> Vec<Value> {
    let mut found = Vec::new();
    let mut token = String::new();
    loop {
        let mut params = vec![("RegionId", REGION), ("MaxResults", "100")];
        if !token.is_empty() {
            params.push(("NextToken", &token));
        }
        let body = client.ok("DescribeLockedSnapshots", &params);
        found.extend(
            body["LockedSnapshotsInfo"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        token = body["NextToken"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            return found;
        }
    }
}

fn see(server: &Server, client: &Client<'_>) -> Seen {
    let mut state = server.state();
    let state_clock = time(&state["clock"]);
    if let Some(fields) = state.as_object_mut() {
        fields.remove("clock");
    }
    Seen {
        state,
        state_clock,
        snapshots: all_snapshots(client),
        locks: all_locks(client),
        now: server.now(),
    }
}

/// `seen` without the snapshot `id` (acknowledged after it was taken).
fn without(mut seen: Seen, id: &str) -> Seen {
    let other = |s: &Value| s["SnapshotId"] != id && s["id"] != id;
    seen.snapshots.retain(other);
    seen.locks.retain(other);
    if let Some(list) = seen.state["snapshots"].as_array_mut() {
        list.retain(other);
    }
    seen
}

/// Requests refused just before the kill: none may leave a trace.
fn refuse(server: &Server, client: &Client<'_>, unlocked: &str, locked: &str) {
    let refusals = [
        // The library's rules: LOCK-1 (cooling-off over 72 hours) and a
        // locked snapshot's deletion.
        client.call(
            "LockSnapshot",
            &[
                ("RegionId", REGION),
                ("SnapshotId", unlocked),
                ("LockMode", "compliance"),
                ("LockDuration", "30"),
                ("CoolOffPeriod", "100"),
            ],
        ),
        client.call("DeleteSnapshot", &[("SnapshotId", locked)]),
        // A malformed request and a wrong signature.
        client.call("CreateDisk", &[("RegionId", REGION), ("Size", "-1")]),
        server
            .client(&common::Key {
                id: client.key.id.clone(),
                secret: "wrong".into(),
            })
            .call("DeleteSnapshot", &[("SnapshotId", unlocked)]),
        // The admin API: the clock never goes back.
        server.admin("POST", "/clock/advance", Some(&json!({ "hours": -1 }))),
    ];
    for answer in refusals {
        answer.assert_provider_error();
    }
}

/// Checks that the new server shows what the killed one acknowledged.
#[track_caller]
fn assert_kept(server: &Server, client: &Client<'_>, before: &Seen, created: Option<&str>) {
    let after = see(server, client);
    assert!(
        after.now >= before.now,
        "the clock went back: {} then {}",
        before.now,
        after.now
    );
    assert!(
        after.state_clock >= before.state_clock,
        "the state's clock went back"
    );
    let after = match created {
        None => after,
        Some(id) => {
            // The last acknowledged request, just before the kill.
            assert!(
                after.snapshots.iter().any(|s| s["SnapshotId"] == id),
                "the snapshot {id} created just before the kill is lost"
            );
            without(after, id)
        }
    };
    assert_eq!(
        after.snapshots, before.snapshots,
        "DescribeSnapshots changed"
    );
    assert_eq!(after.locks, before.locks, "DescribeLockedSnapshots changed");
    assert_eq!(after.state, before.state, "the state changed");
}

#[test]
fn sigkill_after_acknowledged_requests_loses_nothing() {
    let dir = TempDir::new("durability");
    let mut before: Option<(Seen, Option<String>)> = None;
    for round in 1..=4u32 {
        let server = Server::on(dir.path());
        let client = server.default_client();
        if let Some((seen, created)) = &before {
            assert_kept(&server, &client, seen, created.as_deref());
        }

        // More objects each round: disks, snapshots, locks with and without
        // a cooling-off, a retention, a rename.
        let mut unlocked = String::new();
        let mut locked = String::new();
        for index in 0..round * 2 {
            let disk = create_disk(&client);
            let snapshot = create_snapshot(&client, &disk);
            let kept = client.ok(
                "CreateSnapshot",
                &[
                    ("DiskId", &disk),
                    ("RetentionDays", "400"),
                    ("SnapshotName", "kept"),
                ],
            );
            unlocked = common::id(&kept, "SnapshotId");
            let cool_off = if index % 2 == 0 { 24 } else { 0 };
            let answer = lock(&client, &snapshot, 30 + index, cool_off);
            assert_eq!(
                answer["LockedSnapshotInfo"]["SnapshotId"],
                snapshot.as_str()
            );
            client.ok(
                "ModifySnapshotAttribute",
                &[
                    ("SnapshotId", &snapshot),
                    ("SnapshotName", &format!("round-{round}")),
                ],
            );
            locked = snapshot;
        }
        let spare_disk = create_disk(&client);
        let earlier = server.now();
        let moved = server.post("/clock/advance", json!({ "hours": 5 * round }));
        let hours = chrono::Duration::hours(i64::from(5 * round));
        assert!(time(&moved["now"]) >= earlier + hours, "{moved}");

        let seen = see(&server, &client);
        assert!(!seen.locks.is_empty());
        refuse(&server, &client, &unlocked, &locked);
        // Odd rounds: the kill follows the refusals. Even rounds: one more
        // acknowledged request, then the kill at once.
        let created = (round % 2 == 0).then(|| {
            let body = client.ok("CreateSnapshot", &[("DiskId", &spare_disk)]);
            common::id(&body, "SnapshotId")
        });
        drop(client);
        server.kill();
        before = Some((seen, created));
    }
    let server = Server::on(dir.path());
    let client = server.default_client();
    let (seen, created) = before.expect("four rounds");
    assert_kept(&server, &client, &seen, created.as_deref());
    assert!(server.healthy());
}

#[test]
fn a_request_refused_before_the_kill_leaves_no_trace() {
    let dir = TempDir::new("refused");
    let server = Server::on(dir.path());
    let client = server.default_client();
    let disk = create_disk(&client);
    let unlocked = create_snapshot(&client, &disk);
    let locked = create_snapshot(&client, &disk);
    lock(&client, &locked, 10, 0);
    let seen = see(&server, &client);
    refuse(&server, &client, &unlocked, &locked);
    drop(client);
    server.kill();

    let server = Server::on(dir.path());
    let client = server.default_client();
    assert_kept(&server, &client, &seen, None);
    // The refused lock is not there; the refused deletion did not happen.
    let locks = all_locks(&client);
    assert_eq!(locks.len(), 1);
    assert_eq!(locks[0]["SnapshotId"], locked.as_str());
    assert_eq!(all_snapshots(&client).len(), 2);
}
